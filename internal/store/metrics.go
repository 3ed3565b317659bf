package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/civil"
	"github.com/lodestar-cx/lodestar/internal/fault"
	"github.com/lodestar-cx/lodestar/internal/feedback"
	"github.com/lodestar-cx/lodestar/internal/goals"
	"github.com/lodestar-cx/lodestar/internal/metrics"
)

const definitionColumns = `id, workspace_id, name, description, kind, variant, attribute, event, within_days, margin,
	scale_min, scale_max, filter, bucket, window_days, created_at, updated_at, version`

func scanDefinition(row interface{ Scan(...any) error }) (metrics.Definition, error) {
	var d metrics.Definition
	var smin, smax sql.NullFloat64
	var filter string
	err := row.Scan(&d.ID, &d.WorkspaceID, &d.Name, &d.Description, &d.Kind, &d.Variant, &d.Attribute, &d.Event, &d.Within, &d.Margin,
		&smin, &smax, &filter, &d.Bucket,
		&d.Window, &d.CreatedAt, &d.UpdatedAt, &d.Version)
	if err != nil {
		return d, err
	}
	if smin.Valid && smax.Valid {
		d.Scale = &feedback.Scale{Min: smin.Float64, Max: smax.Float64}
	}
	if filter != "" && filter != "{}" {
		if err := json.Unmarshal([]byte(filter), &d.Filter); err != nil {
			return d, fmt.Errorf("metric %d filter: %w", d.ID, err)
		}
	}
	d.CreatedAt, d.UpdatedAt = utc(d.CreatedAt), utc(d.UpdatedAt)
	return d, nil
}

func filterJSON(f metrics.Filter) string {
	if len(f) == 0 {
		return "{}"
	}
	b, _ := json.Marshal(f)
	return string(b)
}

func scaleArgs(s *feedback.Scale) (any, any) {
	if s == nil {
		return nil, nil
	}
	return s.Min, s.Max
}

func metricNameTaken(err error) error {
	if errors.Is(err, fault.ErrConflict) {
		return fault.Invalid("name", "another metric of this workspace has this name")
	}
	return err
}

func getDefinition(ctx context.Context, q queryer, ws, id int64) (metrics.Definition, error) {
	d, err := scanDefinition(q.QueryRowContext(ctx, `SELECT `+definitionColumns+` FROM metric_definitions
		WHERE workspace_id = $1 AND id = $2`, ws, id))
	if err == sql.ErrNoRows {
		return d, fmt.Errorf("metric %d: %w", id, fault.ErrNotFound)
	}
	return d, err
}

// CreateMetric saves a metric definition.
func (s *Store) CreateMetric(ctx context.Context, a audit.Actor, ws int64, in metrics.DefinitionInput) (metrics.Definition, error) {
	var d metrics.Definition
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.stamp()
		smin, smax := scaleArgs(in.Scale)
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO metric_definitions (workspace_id, name, description, kind, variant,
			scale_min, scale_max, filter, bucket, window_days, created_at, updated_at, attribute, event, within_days, margin)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12, $13, $14, $15) RETURNING id`,
			ws, in.Name, in.Description, string(in.Kind), string(in.Variant), smin, smax, filterJSON(in.Filter), string(in.Bucket),
			in.Window, now, in.Attribute, in.Event, in.Within, in.Margin).Scan(&id)
		if err != nil {
			return metricNameTaken(mapErr(err))
		}
		if d, err = getDefinition(ctx, tx, ws, id); err != nil {
			return err
		}
		return s.record(ctx, tx, a, ws, audit.Create, "metric", id, nil, d)
	})
	if err != nil {
		return d, fmt.Errorf("create metric: %w", err)
	}
	return d, nil
}

// Metric reads a metric definition of the workspace.
func (s *Store) Metric(ctx context.Context, ws, id int64) (metrics.Definition, error) {
	return getDefinition(ctx, cachedReader{s}, ws, id)
}

// Metrics lists the workspace's metric definitions by id.
func (s *Store) Metrics(ctx context.Context, ws int64, p Page) ([]metrics.Definition, int64, error) {
	rows, err := s.readRows(ctx, `SELECT `+definitionColumns+` FROM metric_definitions WHERE workspace_id = $1 AND id > $2
		ORDER BY id LIMIT $3`, ws, p.After, p.limit()+1)
	if err != nil {
		return nil, 0, fmt.Errorf("list metrics: %w", err)
	}
	return collect(rows, p, func(r *sql.Rows) (metrics.Definition, error) { return scanDefinition(r) },
		func(d metrics.Definition) int64 { return d.ID })
}

// ReplaceMetric replaces a metric definition if it is still at version.
func (s *Store) ReplaceMetric(ctx context.Context, a audit.Actor, ws, id, version int64, in metrics.DefinitionInput) (metrics.Definition, error) {
	var d metrics.Definition
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := getDefinition(ctx, tx, ws, id)
		if err != nil {
			return err
		}
		if before.Version != version {
			return staleVersion(fmt.Sprintf("metric %d", id), before.Version, version)
		}
		smin, smax := scaleArgs(in.Scale)
		_, err = tx.ExecContext(ctx, `UPDATE metric_definitions SET name = $3, description = $4, kind = $5, variant = $6,
			scale_min = $7, scale_max = $8, filter = $9, bucket = $10, window_days = $11, updated_at = $12, attribute = $13,
			event = $14, within_days = $15, margin = $16, version = version + 1 WHERE workspace_id = $1 AND id = $2`,
			ws, id, in.Name, in.Description, string(in.Kind), string(in.Variant), smin, smax, filterJSON(in.Filter),
			string(in.Bucket), in.Window, s.stamp(), in.Attribute, in.Event, in.Within, in.Margin)
		if err != nil {
			return metricNameTaken(mapErr(err))
		}
		if d, err = getDefinition(ctx, tx, ws, id); err != nil {
			return err
		}
		return s.record(ctx, tx, a, ws, audit.Update, "metric", id, before, d)
	})
	if err != nil {
		return d, fmt.Errorf("replace metric: %w", err)
	}
	return d, nil
}

// DeleteMetric deletes a metric definition if it is still at version. A key result bound to
// it is refused: unbind it first.
func (s *Store) DeleteMetric(ctx context.Context, a audit.Actor, ws, id, version int64) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := getDefinition(ctx, tx, ws, id)
		if err != nil {
			return err
		}
		if before.Version != version {
			return staleVersion(fmt.Sprintf("metric %d", id), before.Version, version)
		}
		var bound int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM key_results WHERE workspace_id = $1 AND source = 'metric' AND metric_id = $2`,
			ws, id).Scan(&bound); err != nil {
			return err
		}
		if bound > 0 {
			return fmt.Errorf("%w: %d key result(s) take their value from metric %d; bind them elsewhere first", fault.ErrConflict, bound, id)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM metric_definitions WHERE workspace_id = $1 AND id = $2`, ws, id); err != nil {
			return err
		}
		return s.record(ctx, tx, a, ws, audit.Delete, "metric", id, before, nil)
	})
	if err != nil {
		return fmt.Errorf("delete metric: %w", err)
	}
	return nil
}

const annotationColumns = `id, workspace_id, day, kind, title, description, created_at, version`

func scanAnnotation(row interface{ Scan(...any) error }) (metrics.Annotation, error) {
	var n metrics.Annotation
	err := row.Scan(&n.ID, &n.WorkspaceID, &n.Day, &n.Kind, &n.Title, &n.Description, &n.CreatedAt, &n.Version)
	n.CreatedAt = utc(n.CreatedAt)
	return n, err
}

// CreateAnnotation records a dated event of the workspace.
func (s *Store) CreateAnnotation(ctx context.Context, a audit.Actor, ws int64, in metrics.AnnotationInput) (metrics.Annotation, error) {
	var n metrics.Annotation
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		n, err = scanAnnotation(tx.QueryRowContext(ctx, `INSERT INTO annotations (workspace_id, day, kind, title, description, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING `+annotationColumns, ws, in.Day, in.Kind, in.Title, in.Description, s.stamp()))
		if err != nil {
			return err
		}
		return s.record(ctx, tx, a, ws, audit.Create, "annotation", n.ID, nil, n)
	})
	if err != nil {
		return n, fmt.Errorf("create annotation: %w", err)
	}
	return n, nil
}

// Annotation reads an annotation of the workspace.
func (s *Store) Annotation(ctx context.Context, ws, id int64) (metrics.Annotation, error) {
	n, err := scanAnnotation(s.readRow(ctx, `SELECT `+annotationColumns+` FROM annotations WHERE workspace_id = $1 AND id = $2`, ws, id))
	if err == sql.ErrNoRows {
		return n, fmt.Errorf("annotation %d: %w", id, fault.ErrNotFound)
	}
	return n, err
}

// Annotations lists the workspace's annotations by id.
func (s *Store) Annotations(ctx context.Context, ws int64, p Page) ([]metrics.Annotation, int64, error) {
	rows, err := s.readRows(ctx, `SELECT `+annotationColumns+` FROM annotations WHERE workspace_id = $1 AND id > $2
		ORDER BY id LIMIT $3`, ws, p.After, p.limit()+1)
	if err != nil {
		return nil, 0, fmt.Errorf("list annotations: %w", err)
	}
	return collect(rows, p, func(r *sql.Rows) (metrics.Annotation, error) { return scanAnnotation(r) },
		func(n metrics.Annotation) int64 { return n.ID })
}

// AnnotationsBetween lists the annotations dated in [from, to), by day.
func (s *Store) AnnotationsBetween(ctx context.Context, ws int64, from, to civil.Date) ([]metrics.Annotation, error) {
	rows, err := s.readRows(ctx, `SELECT `+annotationColumns+` FROM annotations WHERE workspace_id = $1 AND day >= $2 AND day < $3
		ORDER BY day, id LIMIT 1000`, ws, from, to)
	if err != nil {
		return nil, fmt.Errorf("annotations: %w", err)
	}
	defer rows.Close()
	var out []metrics.Annotation
	for rows.Next() {
		n, err := scanAnnotation(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// DeleteAnnotation deletes an annotation if it is still at version.
func (s *Store) DeleteAnnotation(ctx context.Context, a audit.Actor, ws, id, version int64) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := scanAnnotation(tx.QueryRowContext(ctx, `SELECT `+annotationColumns+` FROM annotations WHERE workspace_id = $1 AND id = $2`, ws, id))
		if err == sql.ErrNoRows {
			return fmt.Errorf("annotation %d: %w", id, fault.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if before.Version != version {
			return staleVersion(fmt.Sprintf("annotation %d", id), before.Version, version)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM annotations WHERE workspace_id = $1 AND id = $2`, ws, id); err != nil {
			return err
		}
		return s.record(ctx, tx, a, ws, audit.Delete, "annotation", id, before, nil)
	})
	if err != nil {
		return fmt.Errorf("delete annotation: %w", err)
	}
	return nil
}

// requireMetric checks that a metric id given to bind a key result names a metric of the
// workspace; 0 binds nothing.
func requireMetric(ctx context.Context, tx *sql.Tx, ws, id int64) error {
	if id == 0 {
		return nil
	}
	if _, err := getDefinition(ctx, tx, ws, id); errors.Is(err, fault.ErrNotFound) {
		return fault.Invalid("metric_id", "metric %d is not a metric of this workspace", id)
	} else if err != nil {
		return err
	}
	return nil
}

// MetricKeyResults lists the workspace's key results that take their value from a metric.
func (s *Store) MetricKeyResults(ctx context.Context, ws int64) ([]goals.KeyResult, error) {
	rows, err := s.readRows(ctx, keyResultSelect+` WHERE k.workspace_id = $1 AND k.source = 'metric' ORDER BY k.id`, ws)
	if err != nil {
		return nil, fmt.Errorf("metric key results: %w", err)
	}
	defer rows.Close()
	var out []goals.KeyResult
	for rows.Next() {
		k, err := scanKeyResult(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// WorkspacesWithMetricKeyResults lists the workspaces that have a key result bound to a
// metric, for the scheduled refresh.
func (s *Store) WorkspacesWithMetricKeyResults(ctx context.Context) ([]int64, error) {
	rows, err := s.readRows(ctx, `SELECT DISTINCT workspace_id FROM key_results WHERE source = 'metric' ORDER BY workspace_id`)
	if err != nil {
		return nil, fmt.Errorf("workspaces with metric key results: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// RecordMetricValue sets a bound key result's current value from its metric, and keeps it in
// the history with its sample size and interval, unless the value is the one it has already
// (so that refreshing often records nothing new; of several processes refreshing at once,
// the first records the change and the others find it done). It reports whether it recorded.
func (s *Store) RecordMetricValue(ctx context.Context, ws, id int64, v metrics.Value, note string) (bool, error) {
	recorded := false
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE key_results SET current_value = $3, updated_at = $4, version = version + 1
			WHERE workspace_id = $1 AND id = $2 AND source = 'metric' AND current_value <> $3`, ws, id, v.Value, s.stamp())
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		recorded = true
		_, err = tx.ExecContext(ctx, `INSERT INTO key_result_values (workspace_id, key_result_id, value, source, note, at, n, interval_low, interval_high)
			VALUES ($1, $2, $3, 'metric', $4, $5, $6, $7, $8)`, ws, id, v.Value, note, s.stamp(), v.N, v.Interval.Low, v.Interval.High)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("record metric value: %w", err)
	}
	return recorded, nil
}
