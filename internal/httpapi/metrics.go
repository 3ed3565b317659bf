package httpapi

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/lodestar-cx/lodestar/internal/auth"
	"github.com/lodestar-cx/lodestar/internal/civil"
	"github.com/lodestar-cx/lodestar/internal/fault"
	"github.com/lodestar-cx/lodestar/internal/feedback"
	"github.com/lodestar-cx/lodestar/internal/metrics"
)

func (a *API) metricRoutes() []*Route {
	const tag = "metrics"
	ws := "/workspaces/{workspace}"
	span := []QueryParam{
		{Name: "from", Description: "The first day counted; defaults to the metric's window (or 90 days) before to.", Format: "date"},
		{Name: "to", Description: "The day after the last day counted; defaults to tomorrow in the workspace's time zone.", Format: "date"},
		{Name: "every", Description: "The width of the series' points: day, week, month or quarter; none for a single value. Defaults to the metric's bucket."},
		{Name: "by", Description: "A dimension to break the value down by, such as plan or touchpoint."},
	}
	measure := []QueryParam{
		{Name: "kind", Description: "nps, csat, ces, custom, retention, churn, clv or conversion."},
		{Name: "variant", Description: "For csat: satisfied (default) or mean; for ces: mean (default), agree or net_easy; for custom: count (default), sum or mean."},
		{Name: "attribute", Description: "For custom: the numeric feedback attribute to sum or average (or, with count, that items must have)."},
		{Name: "event", Description: "For conversion: the customer event that marks the milestone."},
		{Name: "within_days", Description: "For conversion: the days after sign-up within which the milestone counts (default 30)."},
		{Name: "margin", Description: "For clv: the gross margin, a fraction above 0 and at most 1 (default 1)."},
	}
	adhoc := append(append(slices.Clone(measure),
		QueryParam{Name: "filter", Description: "A segment, as dimension:value[,value…], such as plan:pro,enterprise; repeat for several dimensions."}),
		span...)
	compare := append(slices.Clone(measure), []QueryParam{
		{Name: "filter", Description: "A segment both sides share, as dimension:value[,value…]; repeatable."},
		{Name: "from", Description: "The first day of side A (and of B, unless b_from is given).", Format: "date"},
		{Name: "to", Description: "The day after the last day of side A (and of B, unless b_to is given).", Format: "date"},
		{Name: "b_from", Description: "The first day of side B, to compare two periods.", Format: "date"},
		{Name: "b_to", Description: "The day after the last day of side B.", Format: "date"},
		{Name: "dim", Description: "A dimension, to compare two of its values."},
		{Name: "a", Description: "The value of dim on side A."},
		{Name: "b", Description: "The value of dim on side B."},
	}...)
	return []*Route{
		op(Route{ID: "listMetrics", Method: http.MethodGet, Path: ws + "/metrics", Tag: tag, Perm: auth.PermView,
			Summary: "List the saved metric definitions", Paged: true}, a.listMetrics),
		op(Route{ID: "createMetric", Method: http.MethodPost, Path: ws + "/metrics", Tag: tag, Perm: auth.PermEdit,
			Summary: "Save a metric definition (NPS, CSAT, CES, custom, retention, churn, CLV or milestone conversion) with its variant, segment filter and bucket", Status: http.StatusCreated}, a.createMetric),
		op(Route{ID: "getMetric", Method: http.MethodGet, Path: ws + "/metrics/{metric}", Tag: tag, Perm: auth.PermView,
			Summary: "Get a metric definition"}, a.getMetric),
		op(Route{ID: "replaceMetric", Method: http.MethodPut, Path: ws + "/metrics/{metric}", Tag: tag, Perm: auth.PermEdit,
			Summary: "Replace a metric definition; key results bound to it take their next value from the new definition", Conditional: true}, a.replaceMetric),
		op(Route{ID: "deleteMetric", Method: http.MethodDelete, Path: ws + "/metrics/{metric}", Tag: tag, Perm: auth.PermEdit,
			Summary: "Delete a metric definition that no key result is bound to", Conditional: true}, a.deleteMetric),
		op(Route{ID: "getMetricValues", Method: http.MethodGet, Path: ws + "/metrics/{metric}/values", Tag: tag, Perm: auth.PermView,
			Summary: "The metric's value over a span, its series with each change tested against the point before, and a breakdown; every value with n and a 95% interval",
			Query:   span}, a.metricValues),
		op(Route{ID: "queryMetric", Method: http.MethodGet, Path: ws + "/metric-values", Tag: tag, Perm: auth.PermView,
			Summary: "The value, series and breakdown of a metric given in the query rather than saved", Query: adhoc}, a.queryMetric),
		op(Route{ID: "compareMetric", Method: http.MethodGet, Path: ws + "/metric-comparisons", Tag: tag, Perm: auth.PermView,
			Summary: "Compare a metric between two periods or two segments, with the test that says whether the difference is real", Query: compare}, a.compareMetric),
		op(Route{ID: "customerMetrics", Method: http.MethodGet, Path: ws + "/customer-metrics", Tag: tag, Perm: auth.PermView,
			Summary: "Retention, churn, revenue per customer and lifetime value by period, from customer events, with intervals; by segment when asked",
			Query: []QueryParam{
				{Name: "from", Description: "The first day; defaults to a year before to.", Format: "date"},
				{Name: "to", Description: "The day after the last day; defaults to tomorrow.", Format: "date"},
				{Name: "every", Description: "day, week, month (default) or quarter."},
				{Name: "by", Description: "plan, region or a customer attribute, to break the metrics down by."},
				{Name: "margin", Description: "The gross margin CLV counts, as a fraction; defaults to 1."},
			}}, a.customerMetrics),
		op(Route{ID: "customerCohorts", Method: http.MethodGet, Path: ws + "/customer-cohorts", Tag: tag, Perm: auth.PermView,
			Summary: "Retention curves of the monthly sign-up cohorts", Query: []QueryParam{
				{Name: "from", Description: "The first sign-up day counted; defaults to a year before to.", Format: "date"},
				{Name: "to", Description: "The day after the last sign-up day counted; defaults to tomorrow.", Format: "date"},
			}}, a.customerCohorts),
		op(Route{ID: "journeyFunnel", Method: http.MethodGet, Path: ws + "/journeys/{journey}/funnel", Tag: tag, Perm: auth.PermView,
			Summary: "How many of the customers who signed up in a span reached each of the journey's milestones within a window, and how fast",
			Query: []QueryParam{
				{Name: "from", Description: "The first sign-up day counted; defaults to 90 days before to.", Format: "date"},
				{Name: "to", Description: "The day after the last sign-up day counted; defaults to tomorrow.", Format: "date"},
				{Name: "window_days", Description: "Days after sign-up in which a milestone counts; defaults to 30."},
			}}, a.journeyFunnel),
		op(Route{ID: "getMetricLayout", Method: http.MethodGet, Path: ws + "/metric-layout", Tag: tag, Perm: auth.PermView,
			Summary: "The workspace's time zone and the dimensions its aggregates keep apart"}, a.getLayout),
		op(Route{ID: "setMetricLayout", Method: http.MethodPut, Path: ws + "/metric-layout", Tag: tag, Perm: auth.PermManage,
			Summary: "Change the time zone and the aggregated dimensions; the aggregates are rebuilt to match"}, a.setLayout),
		op(Route{ID: "rebuildAggregates", Method: http.MethodPost, Path: ws + "/metric-layout/rebuild", Tag: tag, Perm: auth.PermManage,
			Summary: "Recompute the aggregates from the feedback; the result is the same as keeping them up to date"}, a.rebuildAggregates),
		op(Route{ID: "listAnnotations", Method: http.MethodGet, Path: ws + "/annotations", Tag: tag, Perm: auth.PermView,
			Summary: "List annotations: releases, campaigns and incidents drawn on charts", Paged: true}, a.listAnnotations),
		op(Route{ID: "createAnnotation", Method: http.MethodPost, Path: ws + "/annotations", Tag: tag, Perm: auth.PermEdit,
			Summary: "Record a dated event", Status: http.StatusCreated}, a.createAnnotation),
		op(Route{ID: "getAnnotation", Method: http.MethodGet, Path: ws + "/annotations/{annotation}", Tag: tag, Perm: auth.PermView,
			Summary: "Get an annotation"}, a.getAnnotation),
		op(Route{ID: "deleteAnnotation", Method: http.MethodDelete, Path: ws + "/annotations/{annotation}", Tag: tag, Perm: auth.PermEdit,
			Summary: "Delete an annotation", Conditional: true}, a.deleteAnnotation),
	}
}

func (a *API) listMetrics(r *Request, _ Empty) (List[metrics.Definition], error) {
	p, err := parsePage(r.Request)
	if err != nil {
		return List[metrics.Definition]{}, err
	}
	items, next, err := a.store.Metrics(r.Context(), r.Workspace, p)
	return listOf(items, next), err
}

func (a *API) createMetric(r *Request, in metrics.DefinitionInput) (metrics.Definition, error) {
	return a.store.CreateMetric(r.Context(), r.Actor(), r.Workspace, in)
}

func (a *API) getMetric(r *Request, _ Empty) (metrics.Definition, error) {
	id, err := r.PathID("metric")
	if err != nil {
		return metrics.Definition{}, err
	}
	return a.store.Metric(r.Context(), r.Workspace, id)
}

func (a *API) replaceMetric(r *Request, in metrics.DefinitionInput) (metrics.Definition, error) {
	id, err := r.PathID("metric")
	if err != nil {
		return metrics.Definition{}, err
	}
	d, err := a.store.ReplaceMetric(r.Context(), r.Actor(), r.Workspace, id, r.IfMatch, in)
	if err == nil {
		a.refreshKeyResults(r.Context(), r.Workspace)
	}
	return d, err
}

// refreshKeyResults gives the key results bound to metrics their new values after a write
// that may change them. The write has succeeded by then: a failure here is logged, and the
// scheduled refresh tries again.
func (a *API) refreshKeyResults(ctx context.Context, ws int64) {
	if _, err := metrics.RefreshKeyResults(ctx, a.store, ws, a.now()); err != nil {
		a.log.Warn("refresh key results", "workspace", ws, "error", err)
	}
}

func (a *API) deleteMetric(r *Request, _ Empty) (Empty, error) {
	id, err := r.PathID("metric")
	if err != nil {
		return Empty{}, err
	}
	return Empty{}, a.store.DeleteMetric(r.Context(), r.Actor(), r.Workspace, id, r.IfMatch)
}

// span reads from, to, every and by into q, with the defaults of days.
func (a *API) span(r *Request, q *metrics.Query, window int) error {
	var err error
	if q.From, q.To, err = a.days(r, window); err != nil {
		return err
	}
	v := r.URL.Query()
	if v.Has("every") {
		q.Every = metrics.Bucket(v.Get("every"))
	}
	q.By = v.Get("by")
	return nil
}

func dateParam(s, name string) (civil.Date, error) {
	if s == "" {
		return civil.Date{}, nil
	}
	d, err := civil.Parse(s)
	if err != nil {
		return d, fieldError(http.StatusBadRequest, "invalid-parameter", name, fmt.Sprintf("%s must be a date such as 2026-03-01.", name))
	}
	return d, nil
}

// parseFilter reads filter parameters: dimension:value[,value…], repeatable.
func parseFilter(params []string) (metrics.Filter, error) {
	f := metrics.Filter{}
	for _, p := range params {
		dim, values, ok := strings.Cut(p, ":")
		if !ok || dim == "" || values == "" {
			return nil, fieldError(http.StatusBadRequest, "invalid-parameter", "filter",
				fmt.Sprintf("filter %q must be dimension:value[,value…], such as plan:pro,enterprise.", p))
		}
		f[dim] = append(f[dim], strings.Split(values, ",")...)
	}
	if len(f) == 0 {
		return nil, nil
	}
	return f, nil
}

// paramError turns the validation of a query built from parameters into a 400 naming the
// parameter.
func paramError(err error) error {
	var inv *fault.InvalidError
	if errors.As(err, &inv) && len(inv.Fields) > 0 {
		f := inv.Fields[0]
		return fieldError(http.StatusBadRequest, "invalid-parameter", f.Field, f.Field+" "+f.Message+".")
	}
	return err
}

func (a *API) run(r *Request, q metrics.Query) (metrics.Result, error) {
	if q.Now.IsZero() {
		q.Now = a.now()
	}
	if err := q.Validate(); err != nil {
		return metrics.Result{}, paramError(err)
	}
	return metrics.Run(r.Context(), a.store, r.Workspace, q)
}

func (a *API) metricValues(r *Request, _ Empty) (metrics.Result, error) {
	id, err := r.PathID("metric")
	if err != nil {
		return metrics.Result{}, err
	}
	d, err := a.store.Metric(r.Context(), r.Workspace, id)
	if err != nil {
		return metrics.Result{}, err
	}
	q := metrics.QueryOf(d, civil.Date{}, civil.Date{})
	if err := a.span(r, &q, d.Window); err != nil {
		return metrics.Result{}, err
	}
	return a.run(r, q)
}

// adhocQuery reads what an ad hoc query measures: kind, variant, attribute, event,
// within_days, margin and filter.
func adhocQuery(v url.Values) (metrics.Query, error) {
	q := metrics.Query{Kind: metrics.Kind(v.Get("kind")), Variant: metrics.Variant(v.Get("variant")), Attribute: v.Get("attribute"),
		Event: v.Get("event")}
	var err error
	if s := v.Get("within_days"); s != "" {
		if q.Within, err = strconv.Atoi(s); err != nil || q.Within < 1 {
			return q, fieldError(http.StatusBadRequest, "invalid-parameter", "within_days", "within_days must be a whole number of days, 1 or more.")
		}
	}
	if s := v.Get("margin"); s != "" {
		if q.Margin, err = strconv.ParseFloat(s, 64); err != nil || !(q.Margin > 0 && q.Margin <= 1) {
			return q, fieldError(http.StatusBadRequest, "invalid-parameter", "margin", "margin must be a fraction above 0 and at most 1, such as 0.8.")
		}
	}
	q.Filter, err = parseFilter(v["filter"])
	return q, err
}

func (a *API) queryMetric(r *Request, _ Empty) (metrics.Result, error) {
	q, err := adhocQuery(r.URL.Query())
	if err != nil {
		return metrics.Result{}, err
	}
	q.Every = metrics.Week
	if err := a.span(r, &q, metrics.DefaultWindow); err != nil {
		return metrics.Result{}, err
	}
	return a.run(r, q)
}

func (a *API) compareMetric(r *Request, _ Empty) (metrics.Comparison, error) {
	v := r.URL.Query()
	base, err := adhocQuery(v)
	if err != nil {
		return metrics.Comparison{}, err
	}
	if err := a.span(r, &base, metrics.DefaultWindow); err != nil {
		return metrics.Comparison{}, err
	}
	base.Every, base.By = "", ""
	qa, qb := base, base
	if qb.From, err = dateParam(v.Get("b_from"), "b_from"); err != nil {
		return metrics.Comparison{}, err
	}
	if qb.To, err = dateParam(v.Get("b_to"), "b_to"); err != nil {
		return metrics.Comparison{}, err
	}
	if qb.From.IsZero() {
		qb.From = qa.From
	}
	if qb.To.IsZero() {
		qb.To = qa.To
	}
	if dim := v.Get("dim"); dim != "" {
		if !v.Has("a") || !v.Has("b") {
			return metrics.Comparison{}, fieldError(http.StatusBadRequest, "invalid-parameter", "a", "with dim, give the two values to compare as a and b.")
		}
		qa.Filter, qb.Filter = withValue(base.Filter, dim, v.Get("a")), withValue(base.Filter, dim, v.Get("b"))
	} else if qa.From == qb.From && qa.To == qb.To {
		return metrics.Comparison{}, fieldError(http.StatusBadRequest, "invalid-parameter", "b_from",
			"give another period (b_from, b_to) or two segments (dim, a, b) to compare.")
	}
	ra, err := a.run(r, qa)
	if err != nil {
		return metrics.Comparison{}, err
	}
	rb, err := a.run(r, qb)
	if err != nil {
		return metrics.Comparison{}, err
	}
	return metrics.CompareSamples(ra.Total.Sample, rb.Total.Sample), nil
}

// withValue is f with dimension dim narrowed to value.
func withValue(f metrics.Filter, dim, value string) metrics.Filter {
	out := maps.Clone(f)
	if out == nil {
		out = metrics.Filter{}
	}
	out[dim] = []string{value}
	return out
}

func (a *API) getLayout(r *Request, _ Empty) (metrics.LayoutInput, error) {
	l, err := a.store.MetricLayout(r.Context(), r.Workspace)
	return l.Input(), err
}

func (a *API) setLayout(r *Request, in metrics.LayoutInput) (metrics.LayoutInput, error) {
	return a.store.SetMetricLayout(r.Context(), r.Actor(), r.Workspace, in)
}

// Rebuilt answers a rebuild.
type Rebuilt struct {
	Cells int `json:"cells" jsonschema_description:"The aggregate cells the workspace holds after the rebuild."`
}

func (a *API) rebuildAggregates(r *Request, _ Empty) (Rebuilt, error) {
	if err := a.store.RebuildAggregates(r.Context(), r.Workspace); err != nil {
		return Rebuilt{}, err
	}
	cells, err := a.store.Aggregates(r.Context(), r.Workspace)
	return Rebuilt{Cells: len(cells)}, err
}

func (a *API) listAnnotations(r *Request, _ Empty) (List[metrics.Annotation], error) {
	p, err := parsePage(r.Request)
	if err != nil {
		return List[metrics.Annotation]{}, err
	}
	items, next, err := a.store.Annotations(r.Context(), r.Workspace, p)
	return listOf(items, next), err
}

func (a *API) createAnnotation(r *Request, in metrics.AnnotationInput) (metrics.Annotation, error) {
	return a.store.CreateAnnotation(r.Context(), r.Actor(), r.Workspace, in)
}

func (a *API) getAnnotation(r *Request, _ Empty) (metrics.Annotation, error) {
	id, err := r.PathID("annotation")
	if err != nil {
		return metrics.Annotation{}, err
	}
	return a.store.Annotation(r.Context(), r.Workspace, id)
}

func (a *API) deleteAnnotation(r *Request, _ Empty) (Empty, error) {
	id, err := r.PathID("annotation")
	if err != nil {
		return Empty{}, err
	}
	return Empty{}, a.store.DeleteAnnotation(r.Context(), r.Actor(), r.Workspace, id, r.IfMatch)
}

func (a *API) updateFeedback(r *Request, in feedback.ItemUpdate) (feedback.Item, error) {
	id, err := r.PathID("item")
	if err != nil {
		return feedback.Item{}, err
	}
	it, err := a.store.UpdateFeedbackItem(r.Context(), r.Actor(), r.Workspace, id, r.IfMatch, in)
	if err == nil {
		a.feedbackChanged(r.Context(), r.Workspace)
	}
	return it, err
}

func (a *API) deleteFeedback(r *Request, _ Empty) (Empty, error) {
	id, err := r.PathID("item")
	if err != nil {
		return Empty{}, err
	}
	if err := a.store.DeleteFeedbackItem(r.Context(), r.Actor(), r.Workspace, id, r.IfMatch); err != nil {
		return Empty{}, err
	}
	a.feedbackChanged(r.Context(), r.Workspace)
	return Empty{}, nil
}

// days reads from and to, with to defaulting to tomorrow in the workspace's time zone and from
// to back days before it.
func (a *API) days(r *Request, back int) (from, to civil.Date, err error) {
	layout, err := a.store.MetricLayout(r.Context(), r.Workspace)
	if err != nil {
		return from, to, err
	}
	v := r.URL.Query()
	if to, err = dateParam(v.Get("to"), "to"); err != nil {
		return from, to, err
	}
	if to.IsZero() {
		to = layout.Day(a.now()).AddDays(1)
	}
	if from, err = dateParam(v.Get("from"), "from"); err != nil {
		return from, to, err
	}
	if from.IsZero() {
		from = to.AddDays(-back)
	}
	if !from.Before(to) {
		return from, to, fieldError(http.StatusBadRequest, "invalid-parameter", "to", "to must be after from.")
	}
	return from, to, nil
}

func (a *API) customerMetrics(r *Request, _ Empty) (metrics.CustomerResult, error) {
	from, to, err := a.days(r, 365)
	if err != nil {
		return metrics.CustomerResult{}, err
	}
	v := r.URL.Query()
	q := metrics.CustomerQuery{From: from, To: to, Every: metrics.Bucket(v.Get("every")), By: v.Get("by")}
	if m := v.Get("margin"); m != "" {
		if q.Margin, err = strconv.ParseFloat(m, 64); err != nil {
			return metrics.CustomerResult{}, fieldError(http.StatusBadRequest, "invalid-parameter", "margin", "margin must be a number such as 0.8.")
		}
	}
	if err := q.Validate(); err != nil {
		return metrics.CustomerResult{}, paramError(err)
	}
	return metrics.RunCustomers(r.Context(), a.store, r.Workspace, q)
}

// Cohorts answers customerCohorts.
type Cohorts struct {
	Cohorts []metrics.Cohort `json:"cohorts"`
}

func (a *API) customerCohorts(r *Request, _ Empty) (Cohorts, error) {
	from, to, err := a.days(r, 365)
	if err != nil {
		return Cohorts{}, err
	}
	layout, err := a.store.MetricLayout(r.Context(), r.Workspace)
	if err != nil {
		return Cohorts{}, err
	}
	ls, err := a.store.CustomerLifecycles(r.Context(), r.Workspace, "")
	if err != nil {
		return Cohorts{}, err
	}
	return Cohorts{Cohorts: metrics.Cohorts(ls, from, to, a.now(), layout.Location)}, nil
}

func (a *API) journeyFunnel(r *Request, _ Empty) (metrics.Funnel, error) {
	id, err := r.PathID("journey")
	if err != nil {
		return metrics.Funnel{}, err
	}
	m, err := a.store.JourneyMap(r.Context(), r.Workspace, id)
	if err != nil {
		return metrics.Funnel{}, err
	}
	from, to, err := a.days(r, 90)
	if err != nil {
		return metrics.Funnel{}, err
	}
	window := 30
	if w := r.URL.Query().Get("window_days"); w != "" {
		if window, err = strconv.Atoi(w); err != nil || window < 1 || window > 3660 {
			return metrics.Funnel{}, fieldError(http.StatusBadRequest, "invalid-parameter", "window_days", "window_days must be 1 to 3660.")
		}
	}
	f, err := metrics.JourneyFunnel(r.Context(), a.store, r.Workspace, m, from, to, window)
	if errors.Is(err, metrics.ErrNoMilestones) {
		return f, fieldError(http.StatusUnprocessableEntity, "invalid-field", "journey", "the journey has no milestones: give a touchpoint an event name first.")
	}
	return f, err
}
