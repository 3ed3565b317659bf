package httpapi_test

import (
	"fmt"

	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/civil"
	"github.com/lodestar-cx/lodestar/internal/journey"
	"github.com/lodestar-cx/lodestar/internal/metrics"
)

func (w *world) metric(ws int64) metrics.Definition {
	w.t.Helper()
	in := metrics.DefinitionInput{Name: w.unique("metric"), Kind: metrics.NPS}
	if err := in.Validate(); err != nil {
		w.t.Fatal(err)
	}
	d, err := w.env.Store.CreateMetric(w.t.Context(), audit.System, ws, in)
	if err != nil {
		w.t.Fatal(err)
	}
	return d
}

func (w *world) annotation(ws int64) metrics.Annotation {
	w.t.Helper()
	in := metrics.AnnotationInput{Day: civil.Date{Year: 2026, Month: 3, Day: 1}, Kind: "release", Title: w.unique("release")}
	a, err := w.env.Store.CreateAnnotation(w.t.Context(), audit.System, ws, in)
	if err != nil {
		w.t.Fatal(err)
	}
	return a
}

// milestoneJourney makes a journey in the workspace with a milestone, form_created.
func (w *world) milestoneJourney(ws int64) int64 {
	w.t.Helper()
	m := w.journey(ws)
	if _, err := w.env.Store.CreateTouchpoint(w.t.Context(), audit.System, ws, m.ID,
		journey.TouchpointInput{StageID: m.Stages[2].ID, Name: "First form", Channel: journey.ChannelInApp, EventName: "form_created"}); err != nil {
		w.t.Fatal(err)
	}
	return m.ID
}

// metricCases are the isolation matrix cases of metrics, their layout, annotations, and the
// feedback edits that change them.
var metricCases = map[string]request{
	"PATCH /api/v1/workspaces/{workspace}/feedback/{item}": func(w *world, p *principal, tg target) (string, any, []string) {
		return wsPath(tg, fmt.Sprintf("/feedback/%d", w.feedbackItem(tg.objWS).ID)), map[string]any{"excluded": true}, ifMatch(1)
	},
	"DELETE /api/v1/workspaces/{workspace}/feedback/{item}": func(w *world, p *principal, tg target) (string, any, []string) {
		return wsPath(tg, fmt.Sprintf("/feedback/%d", w.feedbackItem(tg.objWS).ID)), nil, ifMatch(1)
	},
	"GET /api/v1/workspaces/{workspace}/metrics": func(w *world, p *principal, tg target) (string, any, []string) {
		return wsPath(tg, "/metrics"), nil, nil
	},
	"POST /api/v1/workspaces/{workspace}/metrics": func(w *world, p *principal, tg target) (string, any, []string) {
		return wsPath(tg, "/metrics"), map[string]any{"name": w.unique("m"), "kind": "csat", "filter": map[string]any{"plan": []string{"pro"}}}, nil
	},
	"GET /api/v1/workspaces/{workspace}/metrics/{metric}": func(w *world, p *principal, tg target) (string, any, []string) {
		return wsPath(tg, fmt.Sprintf("/metrics/%d", w.metric(tg.objWS).ID)), nil, nil
	},
	"PUT /api/v1/workspaces/{workspace}/metrics/{metric}": func(w *world, p *principal, tg target) (string, any, []string) {
		return wsPath(tg, fmt.Sprintf("/metrics/%d", w.metric(tg.objWS).ID)), map[string]any{"name": w.unique("m"), "kind": "ces", "variant": "agree"}, ifMatch(1)
	},
	"DELETE /api/v1/workspaces/{workspace}/metrics/{metric}": func(w *world, p *principal, tg target) (string, any, []string) {
		return wsPath(tg, fmt.Sprintf("/metrics/%d", w.metric(tg.objWS).ID)), nil, ifMatch(1)
	},
	"GET /api/v1/workspaces/{workspace}/metrics/{metric}/values": func(w *world, p *principal, tg target) (string, any, []string) {
		w.feedbackItem(tg.objWS)
		return wsPath(tg, fmt.Sprintf("/metrics/%d/values?from=2026-02-01&to=2026-04-01&by=source", w.metric(tg.objWS).ID)), nil, nil
	},
	"GET /api/v1/workspaces/{workspace}/metric-values": func(w *world, p *principal, tg target) (string, any, []string) {
		return wsPath(tg, "/metric-values?kind=nps&from=2026-02-01&to=2026-04-01&every=month&filter=source:survey-tool"), nil, nil
	},
	"GET /api/v1/workspaces/{workspace}/metric-comparisons": func(w *world, p *principal, tg target) (string, any, []string) {
		return wsPath(tg, "/metric-comparisons?kind=nps&from=2026-03-01&to=2026-04-01&b_from=2026-02-01&b_to=2026-03-01"), nil, nil
	},
	"GET /api/v1/workspaces/{workspace}/customer-metrics": func(w *world, p *principal, tg target) (string, any, []string) {
		return wsPath(tg, "/customer-metrics?from=2026-01-01&to=2026-04-01&by=plan&margin=0.8"), nil, nil
	},
	"GET /api/v1/workspaces/{workspace}/customer-cohorts": func(w *world, p *principal, tg target) (string, any, []string) {
		return wsPath(tg, "/customer-cohorts?from=2026-01-01&to=2026-04-01"), nil, nil
	},
	"GET /api/v1/workspaces/{workspace}/journeys/{journey}/funnel": func(w *world, p *principal, tg target) (string, any, []string) {
		return wsPath(tg, fmt.Sprintf("/journeys/%d/funnel?from=2026-01-01&to=2026-04-01&window_days=14", w.milestoneJourney(tg.objWS))), nil, nil
	},
	"GET /api/v1/workspaces/{workspace}/metric-layout": func(w *world, p *principal, tg target) (string, any, []string) {
		return wsPath(tg, "/metric-layout"), nil, nil
	},
	"PUT /api/v1/workspaces/{workspace}/metric-layout": func(w *world, p *principal, tg target) (string, any, []string) {
		return wsPath(tg, "/metric-layout"), map[string]any{"time_zone": "Europe/Paris", "dimensions": []string{"source", "plan"}}, nil
	},
	"POST /api/v1/workspaces/{workspace}/metric-layout/rebuild": func(w *world, p *principal, tg target) (string, any, []string) {
		return wsPath(tg, "/metric-layout/rebuild"), nil, nil
	},
	"GET /api/v1/workspaces/{workspace}/annotations": func(w *world, p *principal, tg target) (string, any, []string) {
		return wsPath(tg, "/annotations"), nil, nil
	},
	"POST /api/v1/workspaces/{workspace}/annotations": func(w *world, p *principal, tg target) (string, any, []string) {
		return wsPath(tg, "/annotations"), map[string]any{"day": "2026-03-10", "kind": "release", "title": "New editor"}, nil
	},
	"GET /api/v1/workspaces/{workspace}/annotations/{annotation}": func(w *world, p *principal, tg target) (string, any, []string) {
		return wsPath(tg, fmt.Sprintf("/annotations/%d", w.annotation(tg.objWS).ID)), nil, nil
	},
	"DELETE /api/v1/workspaces/{workspace}/annotations/{annotation}": func(w *world, p *principal, tg target) (string, any, []string) {
		return wsPath(tg, fmt.Sprintf("/annotations/%d", w.annotation(tg.objWS).ID)), nil, ifMatch(1)
	},
}
