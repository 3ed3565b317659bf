package insights

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/lodestar-cx/lodestar/internal/civil"
	"github.com/lodestar-cx/lodestar/internal/metrics"
)

// Store is what the insights computations read: the metrics' queries, and the counts of
// themes among detractors and per touchpoint.
type Store interface {
	metrics.Reader
	DetractorThemes(ctx context.Context, ws int64, from, to time.Time) (map[int64]int, int, error)
	ThemeNames(ctx context.Context, ws int64) (map[int64]string, error)
	FrictionCounts(ctx context.Context, ws int64, from, to time.Time) ([]FrictionCount, map[string]Groups, error)
	TouchpointStages(ctx context.Context, ws int64) (map[string]string, error)
}

// Span is a range of days, To excluded.
type Span struct {
	From civil.Date `json:"from"`
	To   civil.Date `json:"to"`
}

// Explanation says what changed in a metric between two periods.
type Explanation struct {
	Kind          metrics.Kind          `json:"kind"`
	Before        Span                  `json:"before"`
	After         Span                  `json:"after"`
	Decomposition metrics.Decomposition `json:"decomposition"`
	Themes        []ThemeShift          `json:"themes" jsonschema_description:"The themes among detractor answers (NPS 0–6) in each period, the biggest significant moves first."`
	Summary       string                `json:"summary"`
	Annotations   []metrics.Annotation  `json:"annotations,omitempty" jsonschema_description:"Dated events from the start of the earlier period to the end of the later."`
}

// Explain explains the move of query after (broken down by after.By) from the same query over
// before's days: the mix and within parts, and the themes that rose or fell among detractors.
func Explain(ctx context.Context, st Store, ws int64, after metrics.Query, before metrics.Query) (Explanation, error) {
	var ex Explanation
	if !metrics.Decomposable(metrics.FormOf(after.Kind, after.Variant)) {
		return ex, fmt.Errorf("only a metric that is a mean of its segments (nps, csat, ces, a custom mean) splits into mix and within")
	}
	ra, err := metrics.Run(ctx, st, ws, before)
	if err != nil {
		return ex, err
	}
	rb, err := metrics.Run(ctx, st, ws, after)
	if err != nil {
		return ex, err
	}
	d, err := metrics.Decompose(ra, rb)
	if err != nil {
		return ex, err
	}
	layout, err := st.MetricLayout(ctx, ws)
	if err != nil {
		return ex, err
	}
	tb, nb, err := st.DetractorThemes(ctx, ws, layout.Start(before.From), layout.Start(before.To))
	if err != nil {
		return ex, err
	}
	ta, na, err := st.DetractorThemes(ctx, ws, layout.Start(after.From), layout.Start(after.To))
	if err != nil {
		return ex, err
	}
	names, err := st.ThemeNames(ctx, ws)
	if err != nil {
		return ex, err
	}
	shifts := Shifts(tb, ta, nb, na, names)
	if shifts == nil {
		shifts = []ThemeShift{}
	}
	notes, err := st.AnnotationsBetween(ctx, ws, before.From, after.To)
	if err != nil {
		return ex, err
	}
	return Explanation{Kind: after.Kind, Before: Span{before.From, before.To}, After: Span{after.From, after.To}, Decomposition: d,
		Themes: shifts, Summary: d.Summary(strings.ToUpper(string(after.Kind))) + " " + ShiftSummary(shifts), Annotations: notes}, nil
}

// FrictionPoints finds the friction points of [from, to) with p below 0.05, each with the
// journey stage of its touchpoint.
func FrictionPoints(ctx context.Context, st Store, ws int64, from, to time.Time) ([]FrictionPoint, error) {
	counts, totals, err := st.FrictionCounts(ctx, ws, from, to)
	if err != nil {
		return nil, err
	}
	names, err := st.ThemeNames(ctx, ws)
	if err != nil {
		return nil, err
	}
	stages, err := st.TouchpointStages(ctx, ws)
	if err != nil {
		return nil, err
	}
	points := Friction(counts, totals, names, 0.05)
	for i := range points {
		points[i].Stage = stages[strings.ToLower(points[i].Touchpoint)]
	}
	if points == nil {
		points = []FrictionPoint{}
	}
	return points, nil
}

// Analyzer is the storage the background analysis works on.
type Analyzer interface {
	WorkspacesToAnalyze(ctx context.Context) ([]int64, error)
	AnalyzeFeedback(ctx context.Context, ws int64) (int, error)
}

// AnalyzeEvery analyses the feedback that writes did not (an import by the command line,
// another process's writes, a pass cut short), now and then every interval, until ctx ends.
func AnalyzeEvery(ctx context.Context, st Analyzer, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		wss, err := st.WorkspacesToAnalyze(ctx)
		if err != nil && ctx.Err() == nil {
			log.Error("analyse feedback", "err", err)
		}
		for _, ws := range wss {
			n, err := st.AnalyzeFeedback(ctx, ws)
			if ctx.Err() != nil {
				return
			}
			if err != nil {
				log.Error("analyse feedback", "workspace", ws, "err", err)
			} else if n > 0 {
				log.Info("feedback analysed", "workspace", ws, "items", n)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
