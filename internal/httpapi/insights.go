package httpapi

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/lodestar-cx/lodestar/internal/auth"
	"github.com/lodestar-cx/lodestar/internal/civil"
	"github.com/lodestar-cx/lodestar/internal/feedback"
	"github.com/lodestar-cx/lodestar/internal/insights"
	"github.com/lodestar-cx/lodestar/internal/journey"
	"github.com/lodestar-cx/lodestar/internal/metrics"
	"github.com/lodestar-cx/lodestar/internal/store"
	"github.com/lodestar-cx/lodestar/internal/themes"
)

func (a *API) insightRoutes() []*Route {
	const tag = "insights"
	ws := "/workspaces/{workspace}"
	span := []QueryParam{
		{Name: "from", Description: "The first day counted; defaults to 90 days before to.", Format: "date"},
		{Name: "to", Description: "The day after the last day counted; defaults to tomorrow in the workspace's time zone.", Format: "date"},
	}
	return []*Route{
		op(Route{ID: "listThemes", Method: http.MethodGet, Path: ws + "/themes", Tag: tag, Perm: auth.PermView,
			Summary: "List the saved themes", Paged: true}, a.listThemes),
		op(Route{ID: "createTheme", Method: http.MethodPost, Path: ws + "/themes", Tag: tag, Perm: auth.PermEdit, Status: http.StatusCreated,
			Summary: "Save a theme: keywords (a rule, which wins over discovery) or the phrases of a discovered theme; the feedback is tagged anew"}, a.createTheme),
		op(Route{ID: "getTheme", Method: http.MethodGet, Path: ws + "/themes/{theme}", Tag: tag, Perm: auth.PermView,
			Summary: "Get a theme"}, a.getTheme),
		op(Route{ID: "replaceTheme", Method: http.MethodPut, Path: ws + "/themes/{theme}", Tag: tag, Perm: auth.PermEdit, Conditional: true,
			Summary: "Replace a theme; the feedback is tagged anew"}, a.replaceTheme),
		op(Route{ID: "deleteTheme", Method: http.MethodDelete, Path: ws + "/themes/{theme}", Tag: tag, Perm: auth.PermEdit, Conditional: true,
			Summary: "Delete a theme and its tags"}, a.deleteTheme),
		op(Route{ID: "createThemePainPoint", Method: http.MethodPost, Path: ws + "/themes/{theme}/pain-point", Tag: tag, Perm: auth.PermEdit,
			Status:  http.StatusCreated,
			Summary: "Make a theme a pain point of a journey, with its evidence over the last 90 days: volume, customers, revenue, plans, the NPS gap and quotes"},
			a.themePainPoint),
		op(Route{ID: "getThemeSummaries", Method: http.MethodGet, Path: ws + "/theme-summaries", Tag: tag, Perm: auth.PermView, Query: span,
			Summary: "Every theme's evidence over a span: volume, share, customers, revenue, sentiment, the NPS gap between those who name it and the others, plans, monthly trend and quotes"},
			a.themeSummaries),
		op(Route{ID: "discoverThemes", Method: http.MethodGet, Path: ws + "/theme-discovery", Tag: tag, Perm: auth.PermView,
			Summary: "Discover the phrases that tell one group of feedback from another, ranked by weighted log-odds with an informative prior and grouped into themes",
			Query: append([]QueryParam{
				{Name: "target", Description: "The group whose themes are sought: detractors (NPS 0–6, against promoters 9–10; the default), negative (by sentiment, against positive), segment (dim = value, against the rest) or period (the span, against the span of the same length before)."},
				{Name: "dim", Description: "For target=segment: a feedback attribute, source or touchpoint."},
				{Name: "value", Description: "For target=segment: the value of dim that makes the group."},
				{Name: "top", Description: "How many themes (1–50, default 10)."},
			}, span...)}, a.discoverThemes),
		op(Route{ID: "getFrictionPoints", Method: http.MethodGet, Path: ws + "/friction-points", Tag: tag, Perm: auth.PermView, Query: span,
			Summary: "Per touchpoint and stage: the themes that detractors name significantly more often than promoters (two-proportion z), ranked by customers and revenue affected"},
			a.frictionPoints),
		op(Route{ID: "explainMetric", Method: http.MethodGet, Path: ws + "/metric-explanations", Tag: tag, Perm: auth.PermView,
			Summary: "What changed: a metric's move between two periods split into segment mix and change within segments, and the themes that rose or fell among detractors, with a short explanation",
			Query: []QueryParam{
				{Name: "kind", Description: "nps (default), csat or ces."},
				{Name: "variant", Description: "As for metric values."},
				{Name: "by", Description: "The dimension whose mix is examined (default source)."},
				{Name: "filter", Description: "A segment both periods share, as dimension:value[,value…]; repeatable."},
				{Name: "from", Description: "The first day of the later period; defaults to 30 days before to.", Format: "date"},
				{Name: "to", Description: "The day after the later period.", Format: "date"},
				{Name: "b_from", Description: "The first day of the earlier period; defaults to the span of the same length before from.", Format: "date"},
				{Name: "b_to", Description: "The day after the earlier period; defaults to from.", Format: "date"},
			}}, a.explainMetric),
		op(Route{ID: "getFeedbackInsight", Method: http.MethodGet, Path: ws + "/feedback/{item}/insight", Tag: tag, Perm: auth.PermView,
			Summary: "A feedback item's sentiment and themes"}, a.feedbackInsight),
		op(Route{ID: "analyzeFeedback", Method: http.MethodPost, Path: ws + "/insights/analyze", Tag: tag, Perm: auth.PermEdit,
			Summary: "Tag and score every feedback item not yet analysed as it is now (writes and theme changes do this on their own)"}, a.analyzeNow),
	}
}

// analyze tags and scores the workspace's new and changed feedback after a write. The write
// has succeeded by then: a failure is logged, and the next write or scheduled pass catches up.
func (a *API) analyze(ctx context.Context, ws int64) {
	if _, err := a.store.AnalyzeFeedback(ctx, ws); err != nil {
		a.log.Warn("analyse feedback", "workspace", ws, "error", err)
	}
}

// feedbackChanged brings what derives from the workspace's feedback up to date after a
// write: its analysis, then the key results bound to metrics.
func (a *API) feedbackChanged(ctx context.Context, ws int64) {
	a.analyze(ctx, ws)
	a.refreshKeyResults(ctx, ws)
}

func (a *API) listThemes(r *Request, _ Empty) (List[insights.Theme], error) {
	p, err := parsePage(r.Request)
	if err != nil {
		return List[insights.Theme]{}, err
	}
	items, next, err := a.store.Themes(r.Context(), r.Workspace, p)
	return listOf(items, next), err
}

func (a *API) createTheme(r *Request, in insights.ThemeInput) (insights.Theme, error) {
	t, err := a.store.CreateTheme(r.Context(), r.Actor(), r.Workspace, in)
	if err == nil {
		a.analyze(r.Context(), r.Workspace)
	}
	return t, err
}

func (a *API) getTheme(r *Request, _ Empty) (insights.Theme, error) {
	id, err := r.PathID("theme")
	if err != nil {
		return insights.Theme{}, err
	}
	return a.store.Theme(r.Context(), r.Workspace, id)
}

func (a *API) replaceTheme(r *Request, in insights.ThemeInput) (insights.Theme, error) {
	id, err := r.PathID("theme")
	if err != nil {
		return insights.Theme{}, err
	}
	t, err := a.store.ReplaceTheme(r.Context(), r.Actor(), r.Workspace, id, r.IfMatch, in)
	if err == nil {
		a.analyze(r.Context(), r.Workspace)
	}
	return t, err
}

func (a *API) deleteTheme(r *Request, _ Empty) (Empty, error) {
	id, err := r.PathID("theme")
	if err != nil {
		return Empty{}, err
	}
	return Empty{}, a.store.DeleteTheme(r.Context(), r.Actor(), r.Workspace, id, r.IfMatch)
}

// ThemePainPointInput makes a theme a pain point of a journey.
type ThemePainPointInput struct {
	JourneyID    int64  `json:"journey_id"`
	TouchpointID *int64 `json:"touchpoint_id,omitempty" jsonschema_description:"The touchpoint where it hurts; defaults to the theme's touchpoint."`
	Severity     int    `json:"severity,omitempty" jsonschema:"minimum=1,maximum=5" jsonschema_description:"1 to 5; defaults to 3."`
}

// Validate fills the defaults.
func (in *ThemePainPointInput) Validate() error {
	if in.Severity == 0 {
		in.Severity = 3
	}
	if in.Severity < 1 || in.Severity > 5 {
		return fieldError(http.StatusUnprocessableEntity, "invalid-field", "severity", "severity must be 1 to 5.")
	}
	return nil
}

// ThemePainPoint is a theme and the pain point it became.
type ThemePainPoint struct {
	Theme     insights.Theme     `json:"theme"`
	PainPoint journey.PainPoint  `json:"pain_point"`
	Evidence  store.ThemeSummary `json:"evidence"`
}

func (a *API) themePainPoint(r *Request, in ThemePainPointInput) (ThemePainPoint, error) {
	id, err := r.PathID("theme")
	if err != nil {
		return ThemePainPoint{}, err
	}
	t, err := a.store.Theme(r.Context(), r.Workspace, id)
	if err != nil {
		return ThemePainPoint{}, err
	}
	now := a.now()
	sums, err := a.store.ThemeSummaries(r.Context(), r.Workspace, now.AddDate(0, 0, -90), now.Add(time.Second))
	if err != nil {
		return ThemePainPoint{}, err
	}
	var ev store.ThemeSummary
	for _, s := range sums {
		if s.ID == id {
			ev = s
		}
	}
	tp := in.TouchpointID
	if tp == nil {
		tp = t.TouchpointID
	}
	pin := journey.PainPointInput{Title: t.Name, Description: evidenceText(ev), Severity: in.Severity}
	if tp != nil {
		pin.TouchpointID = *tp
	}
	if a.public != "" {
		pin.Evidence = []journey.Evidence{{Title: "Theme " + t.Name, URL: fmt.Sprintf("%s%s/workspaces/%d/themes/%d", a.public, Prefix, r.Workspace, id)}}
	}
	if err := pin.Validate(); err != nil {
		return ThemePainPoint{}, err
	}
	pp, err := a.store.CreatePainPoint(r.Context(), r.Actor(), r.Workspace, in.JourneyID, pin)
	if err != nil {
		return ThemePainPoint{}, err
	}
	t, err = a.store.LinkThemePainPoint(r.Context(), r.Actor(), r.Workspace, id, &pp.ID, tp)
	return ThemePainPoint{Theme: t, PainPoint: pp, Evidence: ev}, err
}

// evidenceText writes a theme's evidence as a pain point's description.
func evidenceText(s store.ThemeSummary) string {
	var b strings.Builder
	fmt.Fprintf(&b, "From the feedback of the last 90 days: %d items (%.1f%% of those with text) from %d customers", s.Volume, s.Share, s.Customers)
	if s.Revenue > 0 {
		fmt.Fprintf(&b, " with %.0f in revenue", s.Revenue)
	}
	b.WriteString(".")
	if len(s.Segments) > 0 {
		var parts []string
		for _, sc := range s.Segments[:min(3, len(s.Segments))] {
			parts = append(parts, fmt.Sprintf("%s %d", orNone(sc.Value), sc.Count))
		}
		fmt.Fprintf(&b, " Plans: %s.", strings.Join(parts, ", "))
	}
	if g := s.NPS; g != nil {
		fmt.Fprintf(&b, " NPS %.1f among those who name it against %.1f among the others (difference %.1f, p = %.3f).",
			g.Affected.Value, g.Unaffected.Value, g.Test.Difference, g.Test.P)
	}
	for _, e := range s.Examples {
		q := e.Text
		if len([]rune(q)) > 200 {
			q = string([]rune(q)[:200]) + "…"
		}
		fmt.Fprintf(&b, "\n> %s", q)
	}
	return b.String()
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// instants is the span of a request as instants in the workspace's time zone.
func (a *API) instants(r *Request, back int) (from, to time.Time, err error) {
	f, t, err := a.days(r, back)
	if err != nil {
		return from, to, err
	}
	layout, err := a.store.MetricLayout(r.Context(), r.Workspace)
	if err != nil {
		return from, to, err
	}
	return layout.Start(f), layout.Start(t), nil
}

// ThemeSummaries is the evidence of every theme over a span.
type ThemeSummaries struct {
	From   civil.Date           `json:"from"`
	To     civil.Date           `json:"to"`
	Themes []store.ThemeSummary `json:"themes"`
}

func (a *API) themeSummaries(r *Request, _ Empty) (ThemeSummaries, error) {
	f, t, err := a.days(r, 90)
	if err != nil {
		return ThemeSummaries{}, err
	}
	from, to, err := a.instants(r, 90)
	if err != nil {
		return ThemeSummaries{}, err
	}
	sums, err := a.store.ThemeSummaries(r.Context(), r.Workspace, from, to)
	return ThemeSummaries{From: f, To: t, Themes: sums}, err
}

func (a *API) discoverThemes(r *Request, _ Empty) (*themes.Result, error) {
	v := r.URL.Query()
	from, to, err := a.instants(r, 90)
	if err != nil {
		return nil, err
	}
	top := 10
	if s := v.Get("top"); s != "" {
		if top, err = strconv.Atoi(s); err != nil || top < 1 || top > 50 {
			return nil, fieldError(http.StatusBadRequest, "invalid-parameter", "top", "top must be a whole number from 1 to 50.")
		}
	}
	target := v.Get("target")
	if target == "" {
		target = "detractors"
	}
	dim, value := v.Get("dim"), v.Get("value")
	// group says whether a document is in the target group (1), the reference (0) or
	// neither (−1).
	var group func(d store.TextDoc) int
	start := from
	switch target {
	case "detractors":
		group = func(d store.TextDoc) int {
			switch {
			case d.Question != feedback.NPS || d.Score == nil:
				return -1
			case *d.Score <= 6:
				return 1
			case *d.Score >= 9:
				return 0
			}
			return -1
		}
	case "negative":
		group = func(d store.TextDoc) int {
			switch d.Label {
			case "negative":
				return 1
			case "positive":
				return 0
			}
			return -1
		}
	case "segment":
		if dim == "" || value == "" {
			return nil, fieldError(http.StatusBadRequest, "invalid-parameter", "dim", "target=segment needs dim and value.")
		}
		group = func(d store.TextDoc) int {
			got := d.Attributes[dim]
			switch dim {
			case "source":
				got = d.Source
			case "touchpoint":
				got = d.Touchpoint
			}
			if got == value {
				return 1
			}
			return 0
		}
	case "period":
		start = from.Add(-to.Sub(from))
		group = func(d store.TextDoc) int {
			if d.At.Before(from) {
				return 0
			}
			return 1
		}
	default:
		return nil, fieldError(http.StatusBadRequest, "invalid-parameter", "target", "target must be detractors, negative, segment or period.")
	}
	ts, _, err := a.store.Themes(r.Context(), r.Workspace, store.Page{Limit: store.MaxPageLimit})
	if err != nil {
		return nil, err
	}
	var rules []themes.Rule
	for _, t := range ts {
		if t.Origin == insights.FromRule {
			rules = append(rules, themes.Rule{Name: t.Name, Any: t.Any, All: t.All, None: t.None})
		}
	}
	var scanErr error
	docs := iter.Seq[themes.Doc](func(yield func(themes.Doc) bool) {
		scanErr = a.store.EachText(r.Context(), r.Workspace, start, to, func(d store.TextDoc) bool {
			g := group(d)
			if g < 0 {
				return true
			}
			return yield(themes.Doc{ID: d.ID, Text: d.Text, Target: g == 1, Period: d.At.Format("2006-01")})
		})
	})
	res, err := themes.Discover(r.Context(), docs, themes.Options{TopN: top, Rules: rules})
	if err == nil {
		err = scanErr
	}
	if err != nil {
		return nil, err
	}
	// Lists are lists in JSON, empty or not.
	if res.Themes == nil {
		res.Themes = []themes.Theme{}
	}
	if res.Phrases == nil {
		res.Phrases = []themes.PhraseStat{}
	}
	for i := range res.Themes {
		if res.Themes[i].Phrases == nil {
			res.Themes[i].Phrases = []themes.PhraseStat{}
		}
	}
	return res, nil
}

// FrictionPoints are the friction points of a span.
type FrictionPoints struct {
	From   civil.Date               `json:"from"`
	To     civil.Date               `json:"to"`
	Points []insights.FrictionPoint `json:"points"`
}

func (a *API) frictionPoints(r *Request, _ Empty) (FrictionPoints, error) {
	f, t, err := a.days(r, 90)
	if err != nil {
		return FrictionPoints{}, err
	}
	from, to, err := a.instants(r, 90)
	if err != nil {
		return FrictionPoints{}, err
	}
	points, err := insights.FrictionPoints(r.Context(), a.store, r.Workspace, from, to)
	return FrictionPoints{From: f, To: t, Points: points}, err
}

func (a *API) explainMetric(r *Request, _ Empty) (insights.Explanation, error) {
	v := r.URL.Query()
	q, err := adhocQuery(v)
	if err != nil {
		return insights.Explanation{}, err
	}
	if q.Kind == "" {
		q.Kind = metrics.NPS
	}
	q.By = v.Get("by")
	if q.By == "" {
		q.By = "source"
	}
	if q.From, q.To, err = a.days(r, 30); err != nil {
		return insights.Explanation{}, err
	}
	before := q
	if before.From, err = dateParam(v.Get("b_from"), "b_from"); err != nil {
		return insights.Explanation{}, err
	}
	if before.To, err = dateParam(v.Get("b_to"), "b_to"); err != nil {
		return insights.Explanation{}, err
	}
	if before.To.IsZero() {
		before.To = q.From
	}
	if before.From.IsZero() {
		before.From = before.To.AddDays(-q.To.DaysSince(q.From))
	}
	if q.Now.IsZero() {
		q.Now = a.now()
	}
	before.Now = q.Now
	if err := q.Validate(); err != nil {
		return insights.Explanation{}, paramError(err)
	}
	if err := before.Validate(); err != nil {
		return insights.Explanation{}, paramError(err)
	}
	ex, err := insights.Explain(r.Context(), a.store, r.Workspace, q, before)
	if err != nil && !metrics.Decomposable(metrics.FormOf(q.Kind, q.Variant)) {
		return ex, fieldError(http.StatusBadRequest, "invalid-parameter", "kind", err.Error()+".")
	}
	return ex, err
}

func (a *API) feedbackInsight(r *Request, _ Empty) (store.ItemInsight, error) {
	id, err := r.PathID("item")
	if err != nil {
		return store.ItemInsight{}, err
	}
	return a.store.FeedbackInsight(r.Context(), r.Workspace, id)
}

// Analysed says how many items an analysis pass tagged and scored.
type Analysed struct {
	Analysed int `json:"analysed"`
}

func (a *API) analyzeNow(r *Request, _ Empty) (Analysed, error) {
	n, err := a.store.AnalyzeFeedback(r.Context(), r.Workspace)
	return Analysed{Analysed: n}, err
}
