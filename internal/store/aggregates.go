package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/civil"
	"github.com/lodestar-cx/lodestar/internal/config"
	"github.com/lodestar-cx/lodestar/internal/fault"
	"github.com/lodestar-cx/lodestar/internal/feedback"
	"github.com/lodestar-cx/lodestar/internal/metrics"
)

// The aggregates of feedback scores (table feedback_daily) change in the transaction that
// changes the feedback: a write reads what the items it touches contributed before, and
// applies the difference from what they contribute after (metrics.Layout.Contribute). On
// PostgreSQL, writes of one workspace's feedback take a transaction-scoped advisory lock
// first, so that two imports of the same records cannot both read the same "before"; on
// SQLite the single writer connection serializes them already.

// feedbackLock is the first key of the advisory lock on a workspace's feedback.
const feedbackLock = 0x4c53_0001

// runner is the little the aggregate code needs of a transaction, from database/sql or from
// pgx (the COPY path of imports).
type runner interface {
	each(ctx context.Context, q string, args []any, row func(scan func(...any) error) error) error
	exec(ctx context.Context, q string, args ...any) error
}

type sqlRunner struct{ tx *sql.Tx }

func (r sqlRunner) each(ctx context.Context, q string, args []any, row func(scan func(...any) error) error) error {
	rows, err := r.tx.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := row(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (r sqlRunner) exec(ctx context.Context, q string, args ...any) error {
	_, err := r.tx.ExecContext(ctx, q, args...)
	return err
}

type pgxRunner struct{ tx pgx.Tx }

func (r pgxRunner) each(ctx context.Context, q string, args []any, row func(scan func(...any) error) error) error {
	rows, err := r.tx.Query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := row(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (r pgxRunner) exec(ctx context.Context, q string, args ...any) error {
	_, err := r.tx.Exec(ctx, q, args...)
	return err
}

// lockFeedback takes the workspace's feedback lock on PostgreSQL, until the transaction ends.
func (s *Store) lockFeedback(ctx context.Context, r runner, ws int64) error {
	if s.driver != config.DriverPostgres {
		return nil
	}
	return r.exec(ctx, `SELECT pg_advisory_xact_lock($1, $2)`, int32(feedbackLock), int32(ws))
}

// MetricLayout reads how the workspace aggregates its feedback.
func (s *Store) MetricLayout(ctx context.Context, ws int64) (metrics.Layout, error) {
	var tz, dims string
	err := s.readRow(ctx, `SELECT time_zone, metric_dimensions FROM workspaces WHERE id = $1`, ws).Scan(&tz, &dims)
	if err == sql.ErrNoRows {
		return metrics.Layout{}, fmt.Errorf("workspace %d: %w", ws, fault.ErrNotFound)
	}
	if err != nil {
		return metrics.Layout{}, fmt.Errorf("metric layout: %w", err)
	}
	return parseLayout(tz, dims)
}

func (s *Store) layoutIn(ctx context.Context, r runner, ws int64) (metrics.Layout, error) {
	var tz, dims string
	found := false
	err := r.each(ctx, `SELECT time_zone, metric_dimensions FROM workspaces WHERE id = $1`, []any{ws}, func(scan func(...any) error) error {
		found = true
		return scan(&tz, &dims)
	})
	if err != nil {
		return metrics.Layout{}, fmt.Errorf("metric layout: %w", err)
	}
	if !found {
		return metrics.Layout{}, fmt.Errorf("workspace %d: %w", ws, fault.ErrNotFound)
	}
	return parseLayout(tz, dims)
}

func parseLayout(tz, dims string) (metrics.Layout, error) {
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return metrics.Layout{}, fmt.Errorf("workspace time zone %q: %w", tz, err)
	}
	l := metrics.Layout{Location: loc}
	if err := json.Unmarshal([]byte(dims), &l.Dimensions); err != nil {
		return l, fmt.Errorf("workspace metric dimensions: %w", err)
	}
	return l, nil
}

// SetMetricLayout changes the workspace's time zone and aggregated dimensions, and rebuilds
// its aggregates to match, in one transaction.
func (s *Store) SetMetricLayout(ctx context.Context, a audit.Actor, ws int64, in metrics.LayoutInput) (metrics.LayoutInput, error) {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		r := sqlRunner{tx}
		if err := s.lockFeedback(ctx, r, ws); err != nil {
			return err
		}
		before, err := s.layoutIn(ctx, r, ws)
		if err != nil {
			return err
		}
		dims, _ := json.Marshal(in.Dimensions)
		if err := r.exec(ctx, `UPDATE workspaces SET time_zone = $2, metric_dimensions = $3 WHERE id = $1`, ws, in.TimeZone, string(dims)); err != nil {
			return err
		}
		if err := s.rebuild(ctx, tx, ws); err != nil {
			return err
		}
		return s.record(ctx, tx, a, ws, audit.Update, "metric_layout", ws, before.Input(), in)
	})
	if err != nil {
		return in, fmt.Errorf("set metric layout: %w", err)
	}
	return in, nil
}

// RebuildAggregates recomputes the workspace's aggregates from its feedback, in one
// transaction: the answer to "are the aggregates right?" and the repair if they were not.
func (s *Store) RebuildAggregates(ctx context.Context, ws int64) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.lockFeedback(ctx, sqlRunner{tx}, ws); err != nil {
			return err
		}
		return s.rebuild(ctx, tx, ws)
	})
	if err != nil {
		return fmt.Errorf("rebuild aggregates: %w", err)
	}
	return nil
}

func (s *Store) rebuild(ctx context.Context, tx *sql.Tx, ws int64) error {
	r := sqlRunner{tx}
	layout, err := s.layoutIn(ctx, r, ws)
	if err != nil {
		return err
	}
	cells, err := recompute(ctx, r, ws, layout)
	if err != nil {
		return err
	}
	if err := r.exec(ctx, `DELETE FROM feedback_daily WHERE workspace_id = $1`, ws); err != nil {
		return err
	}
	return s.applyCells(ctx, r, ws, cells)
}

// recompute computes the aggregates of every counted answer of the workspace from scratch.
func recompute(ctx context.Context, r runner, ws int64, layout metrics.Layout) (metrics.Cells, error) {
	cells := metrics.Cells{}
	err := r.each(ctx, `SELECT `+contribColumns+` FROM feedback_items
		WHERE workspace_id = $1 AND question <> '' AND score IS NOT NULL AND NOT excluded`, []any{ws},
		func(scan func(...any) error) error {
			it, err := scanContrib(scan)
			if err != nil {
				return err
			}
			layout.Contribute(cells, &it)
			return nil
		})
	return cells.Changed(), err
}

// Aggregates reads every aggregate cell of the workspace, for tests that compare them with a
// recomputation (RecomputeAggregates).
func (s *Store) Aggregates(ctx context.Context, ws int64) (metrics.Cells, error) {
	rows, err := s.readRows(ctx, `SELECT question, dim, day, value, scale_min, scale_max, `+scoreColumns+`
		FROM feedback_daily WHERE workspace_id = $1 AND n <> 0`, ws)
	if err != nil {
		return nil, fmt.Errorf("aggregates: %w", err)
	}
	defer rows.Close()
	cells := metrics.Cells{}
	for rows.Next() {
		var k metrics.Key
		var sc metrics.Scores
		dest := append([]any{&k.Question, &k.Dim, &k.Day, &k.Value, &k.Scale.Min, &k.Scale.Max}, scoreDest(&sc)...)
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("aggregates: %w", err)
		}
		cells.Add(k, sc)
	}
	return cells, rows.Err()
}

// RecomputeAggregates computes what the workspace's aggregates should hold from its feedback,
// without changing anything.
func (s *Store) RecomputeAggregates(ctx context.Context, ws int64) (metrics.Cells, error) {
	layout, err := s.MetricLayout(ctx, ws)
	if err != nil {
		return nil, err
	}
	var cells metrics.Cells
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		cells, err = recompute(ctx, sqlRunner{tx}, ws, layout)
		return err
	})
	return cells, err
}

const scoreColumns = `n, total, total_sq, c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10`

func scoreDest(sc *metrics.Scores) []any {
	d := []any{&sc.N, &sc.Sum, &sc.SumSq}
	for i := range sc.Count {
		d = append(d, &sc.Count[i])
	}
	return d
}

// contribColumns are the columns of an item that its contribution to the aggregates depends on.
const contribColumns = `source_kind, source, external_id, at, question, score, scale_min, scale_max, attributes, touchpoint, excluded`

func scanContrib(scan func(...any) error) (feedback.Item, error) {
	var it feedback.Item
	var score, smin, smax *float64
	var attrs string
	if err := scan(&it.SourceKind, &it.Source, &it.ExternalID, &it.At, &it.Question, &score, &smin, &smax, &attrs, &it.Touchpoint, &it.Excluded); err != nil {
		return it, err
	}
	it.Score = score
	if smin != nil && smax != nil {
		it.Scale = &feedback.Scale{Min: *smin, Max: *smax}
	}
	if attrs != "" && attrs != "{}" {
		if err := json.Unmarshal([]byte(attrs), &it.Attributes); err != nil {
			return it, fmt.Errorf("feedback item %s/%s attributes: %w", it.Source, it.ExternalID, err)
		}
	}
	return it, nil
}

// itemsBefore reads what the items of a batch that exist already hold, by (source, external
// id), for the aggregates' "before". On PostgreSQL the keys go in as two arrays, each looked
// up through the unique index: an IN list lets the planner, with statistics that lag behind a
// growing table, scan every item of the source instead, which made imports quadratic.
func (s *Store) itemsBefore(ctx context.Context, r runner, ws int64, items []feedback.Item) ([]feedback.Item, error) {
	var out []feedback.Item
	collect := func(scan func(...any) error) error {
		it, err := scanContrib(scan)
		out = append(out, it)
		return err
	}
	if s.driver == config.DriverPostgres {
		sources, ids := make([]string, len(items)), make([]string, len(items))
		for i, it := range items {
			sources[i], ids[i] = it.Source, it.ExternalID
		}
		err := r.each(ctx, `SELECT f.* FROM unnest($2::text[], $3::text[]) AS k (source, external_id)
			CROSS JOIN LATERAL (SELECT `+contribColumns+` FROM feedback_items
				WHERE workspace_id = $1 AND source = k.source AND external_id = k.external_id) f`,
			[]any{ws, sources, ids}, collect)
		return out, err
	}
	bySource := map[string][]string{}
	for _, it := range items {
		bySource[it.Source] = append(bySource[it.Source], it.ExternalID)
	}
	const per = 200
	for _, source := range slices.Sorted(maps.Keys(bySource)) {
		ids := bySource[source]
		for start := 0; start < len(ids); start += per {
			chunk := ids[start:min(start+per, len(ids))]
			var q strings.Builder
			q.WriteString(`SELECT ` + contribColumns + ` FROM feedback_items WHERE workspace_id = $1 AND source = $2 AND external_id IN (`)
			args := []any{ws, source}
			for i, id := range chunk {
				if i > 0 {
					q.WriteString(", ")
				}
				fmt.Fprintf(&q, "$%d", i+3)
				args = append(args, id)
			}
			q.WriteString(")")
			if err := r.each(ctx, s.bulk(q.String()), args, collect); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// delta is what replacing the items before with the items after changes in the aggregates.
func delta(layout metrics.Layout, before, after []feedback.Item) metrics.Cells {
	c := metrics.Cells{}
	for i := range after {
		layout.Contribute(c, &after[i])
	}
	gone := metrics.Cells{}
	for i := range before {
		layout.Contribute(gone, &before[i])
	}
	c.Sub(gone)
	return c.Changed()
}

// applyCells adds the cells to the workspace's aggregates.
func (s *Store) applyCells(ctx context.Context, r runner, ws int64, c metrics.Cells) error {
	if len(c) == 0 {
		return nil
	}
	const cols = 21
	keys := c.Sorted()
	per := s.rowsPerStatement(cols)
	for start := 0; start < len(keys); start += per {
		chunk := keys[start:min(start+per, len(keys))]
		var q strings.Builder
		q.WriteString(`INSERT INTO feedback_daily (workspace_id, question, dim, day, value, scale_min, scale_max, ` + scoreColumns + `) VALUES `)
		placeholders(&q, len(chunk), cols, "")
		q.WriteString(` ON CONFLICT (workspace_id, question, dim, day, value, scale_min, scale_max) DO UPDATE SET
			n = feedback_daily.n + excluded.n, total = feedback_daily.total + excluded.total,
			total_sq = feedback_daily.total_sq + excluded.total_sq`)
		for i := range 11 {
			fmt.Fprintf(&q, ", c%d = feedback_daily.c%d + excluded.c%d", i, i, i)
		}
		args := make([]any, 0, len(chunk)*cols)
		for _, k := range chunk {
			sc := c[k]
			args = append(args, ws, string(k.Question), k.Dim, k.Day, k.Value, k.Scale.Min, k.Scale.Max, sc.N, sc.Sum, sc.SumSq)
			for _, n := range sc.Count {
				args = append(args, n)
			}
		}
		if err := r.exec(ctx, s.bulk(q.String()), args...); err != nil {
			return fmt.Errorf("aggregates: %w", err)
		}
	}
	return nil
}

// AggregateRows reads the aggregate cells for a query that the layout can answer (see
// metrics.Layout.Answers): the cells of dimension dim ("" for the total) whose value is one
// of values (any value when empty), for the days [from, to).
func (s *Store) AggregateRows(ctx context.Context, ws int64, question feedback.Question, dim string, values []string, from, to civil.Date) ([]metrics.Row, error) {
	q := `SELECT value, day, scale_min, scale_max, ` + scoreColumns + ` FROM feedback_daily
		WHERE workspace_id = $1 AND question = $2 AND dim = $3 AND day >= $4 AND day < $5 AND n <> 0`
	args := []any{ws, string(question), dim, from, to}
	if len(values) > 0 {
		q += ` AND value IN (`
		for i, v := range values {
			if i > 0 {
				q += ", "
			}
			args = append(args, v)
			q += fmt.Sprintf("$%d", len(args))
		}
		q += `)`
	}
	rows, err := s.readRows(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("aggregate rows: %w", err)
	}
	defer rows.Close()
	var out []metrics.Row
	for rows.Next() {
		var r metrics.Row
		dest := append([]any{&r.Value, &r.Day, &r.Scale.Min, &r.Scale.Max}, scoreDest(&r.Scores)...)
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("aggregate rows: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// EachAnswer calls fn with every counted answer to question given in [from, to), for the
// queries the aggregates cannot answer. Only the columns that metrics read are filled.
func (s *Store) EachAnswer(ctx context.Context, ws int64, question feedback.Question, from, to time.Time, fn func(*feedback.Item)) error {
	rows, err := s.readRows(ctx, `SELECT `+contribColumns+` FROM feedback_items
		WHERE workspace_id = $1 AND question = $2 AND at >= $3 AND at < $4 AND score IS NOT NULL AND NOT excluded`,
		ws, string(question), from.UTC(), to.UTC())
	if err != nil {
		return fmt.Errorf("answers: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		it, err := scanContrib(rows.Scan)
		if err != nil {
			return fmt.Errorf("answers: %w", err)
		}
		fn(&it)
	}
	return rows.Err()
}

// aggregateBatch applies to the aggregates what writing items will change, before they are
// written: it reads what the items that exist hold now, under the workspace's feedback lock.
// The upsert that follows leaves each item exactly as given (or as it was, when nothing
// differs), so the difference is exact either way.
func (s *Store) aggregateBatch(ctx context.Context, r runner, ws int64, items []feedback.Item) error {
	if err := s.lockFeedback(ctx, r, ws); err != nil {
		return err
	}
	layout, err := s.layoutIn(ctx, r, ws)
	if err != nil {
		return err
	}
	after := dedupe(items, func(it feedback.Item) string { return it.Source + "\x00" + it.ExternalID })
	before, err := s.itemsBefore(ctx, r, ws, after)
	if err != nil {
		return fmt.Errorf("aggregates: %w", err)
	}
	return s.applyCells(ctx, r, ws, delta(layout, before, after))
}

// UpdateFeedbackItem changes an item by hand if it is still at version, and the aggregates
// with it.
func (s *Store) UpdateFeedbackItem(ctx context.Context, a audit.Actor, ws, id, version int64, in feedback.ItemUpdate) (feedback.Item, error) {
	var it feedback.Item
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		r := sqlRunner{tx}
		if err := s.lockFeedback(ctx, r, ws); err != nil {
			return err
		}
		before, err := s.itemForChange(ctx, tx, ws, id, version)
		if err != nil {
			return err
		}
		after, err := in.Apply(before)
		if err != nil {
			return err
		}
		layout, err := s.layoutIn(ctx, r, ws)
		if err != nil {
			return err
		}
		if err := s.applyCells(ctx, r, ws, delta(layout, []feedback.Item{before}, []feedback.Item{after})); err != nil {
			return err
		}
		it, err = scanItem(tx.QueryRowContext(ctx, `UPDATE feedback_items SET excluded = $3, touchpoint = $4, attributes = $5,
			updated_at = $6, version = version + 1 WHERE workspace_id = $1 AND id = $2 RETURNING `+itemColumns,
			ws, id, after.Excluded, after.Touchpoint, attrsJSON(after.Attributes), s.stamp()))
		if err != nil {
			return err
		}
		return s.record(ctx, tx, a, ws, audit.Update, "feedback_item", id, before, it)
	})
	if err != nil {
		return it, fmt.Errorf("update feedback item: %w", err)
	}
	return it, nil
}

// DeleteFeedbackItem deletes an item if it is still at version, and takes it out of the
// aggregates.
func (s *Store) DeleteFeedbackItem(ctx context.Context, a audit.Actor, ws, id, version int64) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		r := sqlRunner{tx}
		if err := s.lockFeedback(ctx, r, ws); err != nil {
			return err
		}
		before, err := s.itemForChange(ctx, tx, ws, id, version)
		if err != nil {
			return err
		}
		layout, err := s.layoutIn(ctx, r, ws)
		if err != nil {
			return err
		}
		if err := s.applyCells(ctx, r, ws, delta(layout, []feedback.Item{before}, nil)); err != nil {
			return err
		}
		if err := r.exec(ctx, `DELETE FROM feedback_items WHERE workspace_id = $1 AND id = $2`, ws, id); err != nil {
			return err
		}
		return s.record(ctx, tx, a, ws, audit.Delete, "feedback_item", id, before, nil)
	})
	if err != nil {
		return fmt.Errorf("delete feedback item: %w", err)
	}
	return nil
}

func (s *Store) itemForChange(ctx context.Context, tx *sql.Tx, ws, id, version int64) (feedback.Item, error) {
	it, err := scanItem(tx.QueryRowContext(ctx, `SELECT `+itemColumns+` FROM feedback_items WHERE workspace_id = $1 AND id = $2`, ws, id))
	if err == sql.ErrNoRows {
		return it, fmt.Errorf("feedback item %d: %w", id, fault.ErrNotFound)
	}
	if err != nil {
		return it, err
	}
	if it.Version != version {
		return it, staleVersion(fmt.Sprintf("feedback item %d", id), it.Version, version)
	}
	return it, nil
}

// EachItem calls fn with every item of the workspace given in [from, to) that the source did
// not exclude, for custom metrics. Only the columns that metrics read are filled.
func (s *Store) EachItem(ctx context.Context, ws int64, from, to time.Time, fn func(*feedback.Item)) error {
	rows, err := s.readRows(ctx, `SELECT `+contribColumns+` FROM feedback_items
		WHERE workspace_id = $1 AND at >= $2 AND at < $3 AND NOT excluded`, ws, from.UTC(), to.UTC())
	if err != nil {
		return fmt.Errorf("items: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		it, err := scanContrib(rows.Scan)
		if err != nil {
			return fmt.Errorf("items: %w", err)
		}
		fn(&it)
	}
	return rows.Err()
}
