package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/fault"
	"github.com/lodestar-cx/lodestar/internal/feedback"
	"github.com/lodestar-cx/lodestar/internal/insights"
	"github.com/lodestar-cx/lodestar/internal/stats"
)

const themeColumns = `id, workspace_id, name, description, origin, rule, phrases, touchpoint_id, pain_point_id, created_at, updated_at, version`

// themeRule is how a rule theme's keywords are kept.
type themeRule struct {
	Any  []string `json:"any,omitempty"`
	All  []string `json:"all,omitempty"`
	None []string `json:"none,omitempty"`
}

func scanTheme(row interface{ Scan(...any) error }) (insights.Theme, error) {
	var t insights.Theme
	var rule, phrases string
	var tp, pp sql.NullInt64
	err := row.Scan(&t.ID, &t.WorkspaceID, &t.Name, &t.Description, &t.Origin, &rule, &phrases, &tp, &pp, &t.CreatedAt, &t.UpdatedAt, &t.Version)
	if err != nil {
		return t, err
	}
	var r themeRule
	if err := json.Unmarshal([]byte(rule), &r); err != nil {
		return t, fmt.Errorf("theme %d rule: %w", t.ID, err)
	}
	t.Any, t.All, t.None = r.Any, r.All, r.None
	if err := json.Unmarshal([]byte(phrases), &t.Phrases); err != nil {
		return t, fmt.Errorf("theme %d phrases: %w", t.ID, err)
	}
	if len(t.Phrases) == 0 {
		t.Phrases = nil
	}
	if tp.Valid {
		t.TouchpointID = &tp.Int64
	}
	if pp.Valid {
		t.PainPointID = &pp.Int64
	}
	t.CreatedAt, t.UpdatedAt = utc(t.CreatedAt), utc(t.UpdatedAt)
	return t, nil
}

func themeArgs(in insights.ThemeInput) (rule, phrases string) {
	r, _ := json.Marshal(themeRule{Any: in.Any, All: in.All, None: in.None})
	p, _ := json.Marshal(in.Phrases)
	if in.Phrases == nil {
		p = []byte("[]")
	}
	return string(r), string(p)
}

func getTheme(ctx context.Context, q queryer, ws, id int64) (insights.Theme, error) {
	t, err := scanTheme(q.QueryRowContext(ctx, `SELECT `+themeColumns+` FROM themes WHERE workspace_id = $1 AND id = $2`, ws, id))
	if err == sql.ErrNoRows {
		return t, fmt.Errorf("theme %d: %w", id, fault.ErrNotFound)
	}
	return t, err
}

func themeNameTaken(err error) error {
	if errors.Is(err, fault.ErrConflict) {
		return fault.Invalid("name", "another theme of this workspace has this name")
	}
	return err
}

// checkTouchpoint refuses a touchpoint that is not one of the workspace's.
func checkTouchpoint(ctx context.Context, tx *sql.Tx, ws int64, id *int64) error {
	if id == nil {
		return nil
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM touchpoints t JOIN journeys j ON j.id = t.journey_id
		WHERE j.workspace_id = $1 AND t.id = $2`, ws, *id).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return fault.Invalid("touchpoint_id", "is not a touchpoint of this workspace")
	}
	return nil
}

// retag drops every tag and analysis of the workspace's feedback, so that the next analysis
// pass tags every item with the themes as they now are.
func retag(ctx context.Context, tx *sql.Tx, ws int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM feedback_themes WHERE workspace_id = $1`, ws); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE feedback_insights SET item_version = 0 WHERE workspace_id = $1`, ws)
	return err
}

// CreateTheme saves a theme; the next analysis pass tags the feedback with it.
func (s *Store) CreateTheme(ctx context.Context, a audit.Actor, ws int64, in insights.ThemeInput) (insights.Theme, error) {
	var t insights.Theme
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := checkTouchpoint(ctx, tx, ws, in.TouchpointID); err != nil {
			return err
		}
		rule, phrases := themeArgs(in)
		now := s.stamp()
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO themes (workspace_id, name, description, origin, rule, phrases, touchpoint_id, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`, ws, in.Name, in.Description, string(in.Origin()), rule, phrases,
			in.TouchpointID, now).Scan(&id)
		if err != nil {
			return themeNameTaken(mapErr(err))
		}
		if t, err = getTheme(ctx, tx, ws, id); err != nil {
			return err
		}
		if err := retag(ctx, tx, ws); err != nil {
			return err
		}
		return s.record(ctx, tx, a, ws, audit.Create, "theme", id, nil, t)
	})
	if err != nil {
		return t, fmt.Errorf("create theme: %w", err)
	}
	return t, nil
}

// Theme reads a theme of the workspace.
func (s *Store) Theme(ctx context.Context, ws, id int64) (insights.Theme, error) {
	return getTheme(ctx, cachedReader{s}, ws, id)
}

// Themes lists the workspace's themes by id.
func (s *Store) Themes(ctx context.Context, ws int64, p Page) ([]insights.Theme, int64, error) {
	rows, err := s.readRows(ctx, `SELECT `+themeColumns+` FROM themes WHERE workspace_id = $1 AND id > $2 ORDER BY id LIMIT $3`,
		ws, p.After, p.limit()+1)
	if err != nil {
		return nil, 0, fmt.Errorf("list themes: %w", err)
	}
	return collect(rows, p, func(r *sql.Rows) (insights.Theme, error) { return scanTheme(r) }, func(t insights.Theme) int64 { return t.ID })
}

// allThemes reads every theme of the workspace.
func (s *Store) allThemes(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, ws int64) ([]insights.Theme, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+themeColumns+` FROM themes WHERE workspace_id = $1 ORDER BY id`, ws)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []insights.Theme
	for rows.Next() {
		t, err := scanTheme(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// ReplaceTheme replaces a theme if it is still at version, and re-tags the feedback.
func (s *Store) ReplaceTheme(ctx context.Context, a audit.Actor, ws, id, version int64, in insights.ThemeInput) (insights.Theme, error) {
	var t insights.Theme
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := getTheme(ctx, tx, ws, id)
		if err != nil {
			return err
		}
		if before.Version != version {
			return staleVersion(fmt.Sprintf("theme %d", id), before.Version, version)
		}
		if err := checkTouchpoint(ctx, tx, ws, in.TouchpointID); err != nil {
			return err
		}
		rule, phrases := themeArgs(in)
		_, err = tx.ExecContext(ctx, `UPDATE themes SET name = $3, description = $4, origin = $5, rule = $6, phrases = $7,
			touchpoint_id = $8, updated_at = $9, version = version + 1 WHERE workspace_id = $1 AND id = $2`,
			ws, id, in.Name, in.Description, string(in.Origin()), rule, phrases, in.TouchpointID, s.stamp())
		if err != nil {
			return themeNameTaken(mapErr(err))
		}
		if t, err = getTheme(ctx, tx, ws, id); err != nil {
			return err
		}
		if err := retag(ctx, tx, ws); err != nil {
			return err
		}
		return s.record(ctx, tx, a, ws, audit.Update, "theme", id, before, t)
	})
	if err != nil {
		return t, fmt.Errorf("replace theme: %w", err)
	}
	return t, nil
}

// DeleteTheme deletes a theme if it is still at version; its tags go with it.
func (s *Store) DeleteTheme(ctx context.Context, a audit.Actor, ws, id, version int64) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := getTheme(ctx, tx, ws, id)
		if err != nil {
			return err
		}
		if before.Version != version {
			return staleVersion(fmt.Sprintf("theme %d", id), before.Version, version)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM feedback_themes WHERE workspace_id = $1 AND theme_id = $2`, ws, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM themes WHERE workspace_id = $1 AND id = $2`, ws, id); err != nil {
			return err
		}
		return s.record(ctx, tx, a, ws, audit.Delete, "theme", id, before, nil)
	})
	if err != nil {
		return fmt.Errorf("delete theme: %w", err)
	}
	return nil
}

// LinkThemePainPoint records that a theme became pain point pp (or none).
func (s *Store) LinkThemePainPoint(ctx context.Context, a audit.Actor, ws, id int64, pp, touchpoint *int64) (insights.Theme, error) {
	var t insights.Theme
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := getTheme(ctx, tx, ws, id)
		if err != nil {
			return err
		}
		if err := checkTouchpoint(ctx, tx, ws, touchpoint); err != nil {
			return err
		}
		if touchpoint == nil {
			touchpoint = before.TouchpointID
		}
		if _, err := tx.ExecContext(ctx, `UPDATE themes SET pain_point_id = $3, touchpoint_id = $4, updated_at = $5, version = version + 1
			WHERE workspace_id = $1 AND id = $2`, ws, id, pp, touchpoint, s.stamp()); err != nil {
			return err
		}
		if t, err = getTheme(ctx, tx, ws, id); err != nil {
			return err
		}
		return s.record(ctx, tx, a, ws, audit.Update, "theme", id, before, t)
	})
	if err != nil {
		return t, fmt.Errorf("link theme: %w", err)
	}
	return t, nil
}

// analysisBatch is the number of items one transaction of the analysis pass analyses.
const analysisBatch = 500

// AnalyzeFeedback tags the workspace's feedback items with its themes and scores their
// sentiment, for every item whose current version has not been analysed: new items, edited
// ones, and all of them after a change of themes. It works in batches, each in a transaction
// of its own, so an interrupted pass resumes where it stopped; it returns how many items it
// analysed.
func (s *Store) AnalyzeFeedback(ctx context.Context, ws int64) (int, error) {
	done := 0
	for {
		n, err := s.analyzeBatch(ctx, ws)
		done += n
		if err != nil {
			return done, fmt.Errorf("analyse feedback: %w", err)
		}
		if n < analysisBatch {
			return done, nil
		}
	}
}

func (s *Store) analyzeBatch(ctx context.Context, ws int64) (int, error) {
	n := 0
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		ts, err := s.allThemes(ctx, tx, ws)
		if err != nil {
			return err
		}
		tagger, err := insights.NewTagger(ts)
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT f.id, f.version, f.text FROM feedback_items f
			LEFT JOIN feedback_insights i ON i.item_id = f.id
			WHERE f.workspace_id = $1 AND (i.item_id IS NULL OR i.item_version <> f.version)
			ORDER BY f.id LIMIT $2`, ws, analysisBatch)
		if err != nil {
			return err
		}
		type item struct {
			id, version int64
			text        string
		}
		var items []item
		for rows.Next() {
			var it item
			if err := rows.Scan(&it.id, &it.version, &it.text); err != nil {
				rows.Close()
				return err
			}
			items = append(items, it)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		n = len(items)
		for _, it := range items {
			a := tagger.Analyze(it.text)
			var score any
			if strings.TrimSpace(it.text) != "" {
				score = a.Sentiment.Score
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO feedback_insights (item_id, workspace_id, item_version, sentiment, label)
				VALUES ($1, $2, $3, $4, $5) ON CONFLICT (item_id) DO UPDATE SET item_version = excluded.item_version,
				sentiment = excluded.sentiment, label = excluded.label`, it.id, ws, it.version, score, string(a.Sentiment.Label)); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM feedback_themes WHERE workspace_id = $1 AND item_id = $2`, ws, it.id); err != nil {
				return err
			}
			for _, th := range a.Themes {
				if _, err := tx.ExecContext(ctx, `INSERT INTO feedback_themes (theme_id, item_id, workspace_id) VALUES ($1, $2, $3)`,
					th, it.id, ws); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return n, err
}

// ItemInsight is an item's sentiment and themes.
type ItemInsight struct {
	ItemID    int64    `json:"item_id"`
	Sentiment *float64 `json:"sentiment,omitempty" jsonschema_description:"From −1 (negative) to 1 (positive); absent without text."`
	Label     string   `json:"label,omitempty" jsonschema:"enum=,enum=positive,enum=negative,enum=neutral"`
	Themes    []string `json:"themes"`
	// Analysed reports that the analysis reflects the item as it is now.
	Analysed bool `json:"analysed"`
}

// FeedbackInsight reads the sentiment and themes of an item of the workspace.
func (s *Store) FeedbackInsight(ctx context.Context, ws, id int64) (ItemInsight, error) {
	in := ItemInsight{ItemID: id, Themes: []string{}}
	var score sql.NullFloat64
	var label sql.NullString
	var version int64
	var analysed sql.NullInt64
	err := s.readRow(ctx, `SELECT f.version, i.item_version, i.sentiment, i.label FROM feedback_items f
		LEFT JOIN feedback_insights i ON i.item_id = f.id WHERE f.workspace_id = $1 AND f.id = $2`, ws, id).Scan(&version, &analysed, &score, &label)
	if err == sql.ErrNoRows {
		return in, fmt.Errorf("feedback item %d: %w", id, fault.ErrNotFound)
	}
	if err != nil {
		return in, fmt.Errorf("feedback insight: %w", err)
	}
	in.Analysed = analysed.Valid && analysed.Int64 == version
	if score.Valid {
		in.Sentiment = &score.Float64
	}
	in.Label = label.String
	rows, err := s.readRows(ctx, `SELECT t.name FROM feedback_themes ft JOIN themes t ON t.id = ft.theme_id
		WHERE ft.workspace_id = $1 AND ft.item_id = $2 ORDER BY t.id`, ws, id)
	if err != nil {
		return in, fmt.Errorf("feedback insight: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return in, err
		}
		in.Themes = append(in.Themes, n)
	}
	return in, rows.Err()
}

// ThemeSummary is a theme's evidence over a span: how much feedback names it, whose, how
// customers who name it score against those who do not, and what they say.
type ThemeSummary struct {
	insights.Theme
	Volume    int     `json:"volume" jsonschema_description:"Feedback items in the span that the theme tags."`
	Share     float64 `json:"share" jsonschema_description:"Their share of the span's items with text, in percent."`
	Customers int     `json:"customers" jsonschema_description:"Distinct customers behind them."`
	Revenue   float64 `json:"revenue" jsonschema_description:"Those customers' revenue."`
	// Sentiment is the mean sentiment of the items, −1 to 1; absent without text.
	Sentiment *float64 `json:"sentiment,omitempty"`
	// NPS compares the NPS of the answers that name the theme with that of the others: the
	// metric gap between affected and unaffected customers.
	NPS *NPSGap `json:"nps,omitempty"`
	// Segments lists the plans of the customers who name it, with how many.
	Segments []SegmentCount     `json:"segments,omitempty"`
	Trend    []ThemeTrendPoint  `json:"trend"`
	Examples []insights.Example `json:"examples"`
}

// SegmentCount is how many items of one segment value.
type SegmentCount struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// ThemeTrendPoint is a theme's volume in one month.
type ThemeTrendPoint struct {
	Month  string `json:"month"`
	Volume int    `json:"volume"`
}

// NPSGap is the NPS of the answers naming a theme against the others'.
type NPSGap struct {
	Affected   stats.Estimate `json:"affected"`
	Unaffected stats.Estimate `json:"unaffected"`
	Test       stats.Test     `json:"test" jsonschema_description:"Affected less unaffected, by z on the adjusted-Wald difference."`
}

// ThemeSummaries gives the evidence of every theme of the workspace over [from, to).
func (s *Store) ThemeSummaries(ctx context.Context, ws int64, from, to time.Time) ([]ThemeSummary, error) {
	ts, err := s.allThemes(ctx, cachedReader{s}, ws)
	if err != nil {
		return nil, fmt.Errorf("theme summaries: %w", err)
	}
	var withText int
	var allNPS [3]int
	if err := s.readRow(ctx, `SELECT COUNT(CASE WHEN text <> '' THEN 1 END),
		COUNT(CASE WHEN question = 'nps' AND score >= 9 THEN 1 END), COUNT(CASE WHEN question = 'nps' AND score >= 7 AND score < 9 THEN 1 END),
		COUNT(CASE WHEN question = 'nps' AND score <= 6 THEN 1 END)
		FROM feedback_items WHERE workspace_id = $1 AND at >= $2 AND at < $3 AND NOT excluded`, ws, from.UTC(), to.UTC()).
		Scan(&withText, &allNPS[0], &allNPS[1], &allNPS[2]); err != nil {
		return nil, fmt.Errorf("theme summaries: %w", err)
	}
	out := make([]ThemeSummary, 0, len(ts))
	for _, t := range ts {
		sum := ThemeSummary{Theme: t, Trend: []ThemeTrendPoint{}, Examples: []insights.Example{}}
		var npsC [3]int
		var sent sql.NullFloat64
		err := s.readRow(ctx, `SELECT COUNT(*), COUNT(DISTINCT NULLIF(f.customer_external_id, '')),
			COUNT(CASE WHEN f.question = 'nps' AND f.score >= 9 THEN 1 END), COUNT(CASE WHEN f.question = 'nps' AND f.score >= 7 AND f.score < 9 THEN 1 END),
			COUNT(CASE WHEN f.question = 'nps' AND f.score <= 6 THEN 1 END), AVG(i.sentiment)
			FROM feedback_themes ft JOIN feedback_items f ON f.id = ft.item_id LEFT JOIN feedback_insights i ON i.item_id = f.id
			WHERE ft.workspace_id = $1 AND ft.theme_id = $2 AND f.at >= $3 AND f.at < $4 AND NOT f.excluded`,
			ws, t.ID, from.UTC(), to.UTC()).Scan(&sum.Volume, &sum.Customers, &npsC[0], &npsC[1], &npsC[2], &sent)
		if err != nil {
			return nil, fmt.Errorf("theme %d summary: %w", t.ID, err)
		}
		if sent.Valid {
			v := float64(int(sent.Float64*1e4)) / 1e4
			sum.Sentiment = &v
		}
		if withText > 0 {
			sum.Share = float64(int(10000*float64(sum.Volume)/float64(withText))) / 100
		}
		if aff := npsC[0] + npsC[1] + npsC[2]; aff > 0 && allNPS[0]+allNPS[1]+allNPS[2]-aff > 0 {
			un := [3]int{allNPS[0] - npsC[0], allNPS[1] - npsC[1], allNPS[2] - npsC[2]}
			gap := &NPSGap{Affected: stats.NPS(npsC[0], npsC[1], npsC[2]), Unaffected: stats.NPS(un[0], un[1], un[2]),
				Test: stats.NPSDifference(stats.NPSCounts{Promoters: npsC[0], Passives: npsC[1], Detractors: npsC[2]},
					stats.NPSCounts{Promoters: un[0], Passives: un[1], Detractors: un[2]})}
			sum.NPS = gap
		}
		if err := s.themeDetails(ctx, ws, t.ID, from, to, &sum); err != nil {
			return nil, err
		}
		out = append(out, sum)
	}
	slices.SortStableFunc(out, func(a, b ThemeSummary) int { return b.Volume - a.Volume })
	return out, nil
}

// themeDetails reads a theme's customers' revenue and plans, its monthly trend and example
// quotes.
func (s *Store) themeDetails(ctx context.Context, ws, theme int64, from, to time.Time, sum *ThemeSummary) error {
	var rev sql.NullFloat64
	if err := s.readRow(ctx, `SELECT SUM(c.revenue) FROM customers c WHERE c.workspace_id = $1 AND c.external_id IN (
		SELECT f.customer_external_id FROM feedback_themes ft JOIN feedback_items f ON f.id = ft.item_id
		WHERE ft.workspace_id = $1 AND ft.theme_id = $2 AND f.at >= $3 AND f.at < $4 AND NOT f.excluded)`,
		ws, theme, from.UTC(), to.UTC()).Scan(&rev); err != nil {
		return fmt.Errorf("theme %d revenue: %w", theme, err)
	}
	sum.Revenue = rev.Float64
	rows, err := s.readRows(ctx, `SELECT c.plan, COUNT(*) FROM feedback_themes ft JOIN feedback_items f ON f.id = ft.item_id
		JOIN customers c ON c.workspace_id = f.workspace_id AND c.external_id = f.customer_external_id
		WHERE ft.workspace_id = $1 AND ft.theme_id = $2 AND f.at >= $3 AND f.at < $4 AND NOT f.excluded
		GROUP BY c.plan ORDER BY COUNT(*) DESC, c.plan`, ws, theme, from.UTC(), to.UTC())
	if err != nil {
		return fmt.Errorf("theme %d segments: %w", theme, err)
	}
	for rows.Next() {
		var sc SegmentCount
		if err := rows.Scan(&sc.Value, &sc.Count); err != nil {
			rows.Close()
			return err
		}
		sum.Segments = append(sum.Segments, sc)
	}
	rows.Close()
	rows, err = s.readRows(ctx, `SELECT f.at FROM feedback_themes ft JOIN feedback_items f ON f.id = ft.item_id
		WHERE ft.workspace_id = $1 AND ft.theme_id = $2 AND f.at >= $3 AND f.at < $4 AND NOT f.excluded`, ws, theme, from.UTC(), to.UTC())
	if err != nil {
		return fmt.Errorf("theme %d trend: %w", theme, err)
	}
	months := map[string]int{}
	for rows.Next() {
		var at aggregateTime
		if err := rows.Scan(&at); err != nil {
			rows.Close()
			return err
		}
		months[at.Time.Format("2006-01")]++
	}
	rows.Close()
	for m := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC); m.Before(to); m = m.AddDate(0, 1, 0) {
		k := m.Format("2006-01")
		sum.Trend = append(sum.Trend, ThemeTrendPoint{Month: k, Volume: months[k]})
	}
	rows, err = s.readRows(ctx, `SELECT f.id, f.text FROM feedback_themes ft JOIN feedback_items f ON f.id = ft.item_id
		WHERE ft.workspace_id = $1 AND ft.theme_id = $2 AND f.at >= $3 AND f.at < $4 AND NOT f.excluded AND f.text <> ''
		ORDER BY f.at DESC, f.id DESC LIMIT 3`, ws, theme, from.UTC(), to.UTC())
	if err != nil {
		return fmt.Errorf("theme %d examples: %w", theme, err)
	}
	defer rows.Close()
	for rows.Next() {
		var e insights.Example
		if err := rows.Scan(&e.ID, &e.Text); err != nil {
			return err
		}
		sum.Examples = append(sum.Examples, e)
	}
	return rows.Err()
}

// FrictionCounts counts, per touchpoint, the NPS detractors and promoters of [from, to), and
// per touchpoint and theme those who named the theme, with the distinct detractor customers
// and their revenue.
func (s *Store) FrictionCounts(ctx context.Context, ws int64, from, to time.Time) ([]insights.FrictionCount, map[string]insights.Groups, error) {
	totals := map[string]insights.Groups{}
	rows, err := s.readRows(ctx, `SELECT touchpoint, COUNT(CASE WHEN score <= 6 THEN 1 END), COUNT(CASE WHEN score >= 9 THEN 1 END)
		FROM feedback_items WHERE workspace_id = $1 AND question = 'nps' AND score IS NOT NULL AND NOT excluded AND at >= $2 AND at < $3
		GROUP BY touchpoint`, ws, from.UTC(), to.UTC())
	if err != nil {
		return nil, nil, fmt.Errorf("friction: %w", err)
	}
	for rows.Next() {
		var tp string
		var g insights.Groups
		if err := rows.Scan(&tp, &g.Detractors, &g.Promoters); err != nil {
			rows.Close()
			return nil, nil, err
		}
		totals[tp] = g
	}
	rows.Close()
	rows, err = s.readRows(ctx, `SELECT f.touchpoint, ft.theme_id, COUNT(CASE WHEN f.score <= 6 THEN 1 END), COUNT(CASE WHEN f.score >= 9 THEN 1 END),
		COUNT(DISTINCT CASE WHEN f.score <= 6 THEN NULLIF(f.customer_external_id, '') END)
		FROM feedback_themes ft JOIN feedback_items f ON f.id = ft.item_id
		WHERE ft.workspace_id = $1 AND f.question = 'nps' AND f.score IS NOT NULL AND NOT f.excluded AND f.at >= $2 AND f.at < $3
		GROUP BY f.touchpoint, ft.theme_id`, ws, from.UTC(), to.UTC())
	if err != nil {
		return nil, nil, fmt.Errorf("friction: %w", err)
	}
	var counts []insights.FrictionCount
	for rows.Next() {
		var c insights.FrictionCount
		if err := rows.Scan(&c.Touchpoint, &c.ThemeID, &c.Detractors, &c.Promoters, &c.Customers); err != nil {
			rows.Close()
			return nil, nil, err
		}
		counts = append(counts, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	for i := range counts {
		c := &counts[i]
		if c.Customers == 0 {
			continue
		}
		var rev sql.NullFloat64
		if err := s.readRow(ctx, `SELECT SUM(revenue) FROM customers WHERE workspace_id = $1 AND external_id IN (
			SELECT f.customer_external_id FROM feedback_themes ft JOIN feedback_items f ON f.id = ft.item_id
			WHERE ft.workspace_id = $1 AND ft.theme_id = $2 AND f.touchpoint = $3 AND f.question = 'nps' AND f.score <= 6
			AND NOT f.excluded AND f.at >= $4 AND f.at < $5)`, ws, c.ThemeID, c.Touchpoint, from.UTC(), to.UTC()).Scan(&rev); err != nil {
			return nil, nil, fmt.Errorf("friction revenue: %w", err)
		}
		c.Revenue = rev.Float64
	}
	return counts, totals, nil
}

// DetractorThemes counts the NPS detractor answers of [from, to) (those of the segment
// dim = value when dim is set) and, per theme, those that name it.
func (s *Store) DetractorThemes(ctx context.Context, ws int64, from, to time.Time) (map[int64]int, int, error) {
	var total int
	if err := s.readRow(ctx, `SELECT COUNT(*) FROM feedback_items WHERE workspace_id = $1 AND question = 'nps' AND score <= 6
		AND NOT excluded AND at >= $2 AND at < $3`, ws, from.UTC(), to.UTC()).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("detractor themes: %w", err)
	}
	rows, err := s.readRows(ctx, `SELECT ft.theme_id, COUNT(*) FROM feedback_themes ft JOIN feedback_items f ON f.id = ft.item_id
		WHERE ft.workspace_id = $1 AND f.question = 'nps' AND f.score <= 6 AND NOT f.excluded AND f.at >= $2 AND f.at < $3
		GROUP BY ft.theme_id`, ws, from.UTC(), to.UTC())
	if err != nil {
		return nil, 0, fmt.Errorf("detractor themes: %w", err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, 0, err
		}
		out[id] = n
	}
	return out, total, rows.Err()
}

// ThemeNames maps the workspace's theme ids to their names.
func (s *Store) ThemeNames(ctx context.Context, ws int64) (map[int64]string, error) {
	ts, err := s.allThemes(ctx, cachedReader{s}, ws)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]string, len(ts))
	for _, t := range ts {
		out[t.ID] = t.Name
	}
	return out, nil
}

// TextDoc is a feedback item as theme discovery reads it.
type TextDoc struct {
	ID         int64
	At         time.Time
	Text       string
	Question   feedback.Question
	Score      *float64
	Touchpoint string
	Source     string
	Attributes map[string]string
	Label      string // its sentiment label, once analysed
}

// EachText calls fn with every item of [from, to) that has text, in id order, reading in
// pages so that a large span never sits in memory.
func (s *Store) EachText(ctx context.Context, ws int64, from, to time.Time, fn func(TextDoc) bool) error {
	after := int64(0)
	for {
		rows, err := s.readRows(ctx, `SELECT f.id, f.at, f.text, f.question, f.score, f.touchpoint, f.source, f.attributes, COALESCE(i.label, '')
			FROM feedback_items f LEFT JOIN feedback_insights i ON i.item_id = f.id
			WHERE f.workspace_id = $1 AND f.id > $2 AND f.at >= $3 AND f.at < $4 AND f.text <> '' AND NOT f.excluded
			ORDER BY f.id LIMIT 5000`, ws, after, from.UTC(), to.UTC())
		if err != nil {
			return fmt.Errorf("feedback texts: %w", err)
		}
		var page []TextDoc
		for rows.Next() {
			var d TextDoc
			var q, attrs string
			var score sql.NullFloat64
			var at aggregateTime
			if err := rows.Scan(&d.ID, &at, &d.Text, &q, &score, &d.Touchpoint, &d.Source, &attrs, &d.Label); err != nil {
				rows.Close()
				return fmt.Errorf("feedback texts: %w", err)
			}
			d.At, d.Question = at.Time, feedback.Question(q)
			if score.Valid {
				d.Score = &score.Float64
			}
			if attrs != "" && attrs != "{}" {
				_ = json.Unmarshal([]byte(attrs), &d.Attributes)
			}
			page = append(page, d)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("feedback texts: %w", err)
		}
		for _, d := range page {
			if !fn(d) {
				return nil
			}
		}
		if len(page) < 5000 {
			return nil
		}
		after = page[len(page)-1].ID
	}
}

// WorkspacesToAnalyze lists the workspaces with feedback whose analysis is missing or out of
// date.
func (s *Store) WorkspacesToAnalyze(ctx context.Context) ([]int64, error) {
	rows, err := s.readRows(ctx, `SELECT DISTINCT f.workspace_id FROM feedback_items f LEFT JOIN feedback_insights i ON i.item_id = f.id
		WHERE i.item_id IS NULL OR i.item_version <> f.version`)
	if err != nil {
		return nil, fmt.Errorf("workspaces to analyse: %w", err)
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

// TouchpointStages maps the workspace's touchpoint names, lowercased, to the name of their
// journey stage (the oldest journey's, where two journeys have a touchpoint of that name).
func (s *Store) TouchpointStages(ctx context.Context, ws int64) (map[string]string, error) {
	rows, err := s.readRows(ctx, `SELECT t.name, st.name FROM touchpoints t JOIN journey_stages st ON st.id = t.stage_id
		WHERE st.workspace_id = $1 ORDER BY st.journey_id, st.position, t.id`, ws)
	if err != nil {
		return nil, fmt.Errorf("touchpoint stages: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var tp, stage string
		if err := rows.Scan(&tp, &stage); err != nil {
			return nil, err
		}
		if k := strings.ToLower(tp); out[k] == "" {
			out[k] = stage
		}
	}
	return out, rows.Err()
}
