package httpapi_test

import (
	"fmt"

	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/civil"
	"github.com/lodestar-cx/lodestar/internal/experiments"
	"github.com/lodestar-cx/lodestar/internal/metrics"
)

// experimentInput is a valid experiment on NPS by a "variant" attribute, named uniquely.
func (w *world) experimentInput() experiments.Input {
	return experiments.Input{Name: w.unique("experiment"), Hypothesis: "the new onboarding lifts NPS",
		Metric: experiments.Metric{Kind: metrics.NPS}, Dim: "variant",
		Variants: []experiments.Variant{{Name: "control", Values: []string{"a"}}, {Name: "new", Values: []string{"b"}}},
		Start:    civil.Date{Year: 2026, Month: 3, Day: 1}, End: civil.Date{Year: 2026, Month: 3, Day: 15}}
}

func (w *world) experiment(ws int64) experiments.Experiment {
	w.t.Helper()
	in := w.experimentInput()
	if err := in.Validate(); err != nil {
		w.t.Fatal(err)
	}
	e, err := w.env.Store.CreateExperiment(w.t.Context(), audit.System, ws, in)
	if err != nil {
		w.t.Fatal(err)
	}
	return e
}

// experimentCases are the isolation matrix cases of experiments.
var experimentCases = map[string]request{
	"GET /api/v1/workspaces/{workspace}/experiments": func(w *world, p *principal, tg target) (string, any, []string) {
		w.experiment(tg.objWS)
		return wsPath(tg, "/experiments"), nil, nil
	},
	"POST /api/v1/workspaces/{workspace}/experiments": func(w *world, p *principal, tg target) (string, any, []string) {
		return wsPath(tg, "/experiments"), w.experimentInput(), nil
	},
	"GET /api/v1/workspaces/{workspace}/experiments/{experiment}": func(w *world, p *principal, tg target) (string, any, []string) {
		return wsPath(tg, fmt.Sprintf("/experiments/%d", w.experiment(tg.objWS).ID)), nil, nil
	},
	"PUT /api/v1/workspaces/{workspace}/experiments/{experiment}": func(w *world, p *principal, tg target) (string, any, []string) {
		return wsPath(tg, fmt.Sprintf("/experiments/%d", w.experiment(tg.objWS).ID)), w.experimentInput(), ifMatch(1)
	},
	"DELETE /api/v1/workspaces/{workspace}/experiments/{experiment}": func(w *world, p *principal, tg target) (string, any, []string) {
		return wsPath(tg, fmt.Sprintf("/experiments/%d", w.experiment(tg.objWS).ID)), nil, ifMatch(1)
	},
	"GET /api/v1/workspaces/{workspace}/experiments/{experiment}/results": func(w *world, p *principal, tg target) (string, any, []string) {
		w.feedbackItem(tg.objWS)
		return wsPath(tg, fmt.Sprintf("/experiments/%d/results", w.experiment(tg.objWS).ID)), nil, nil
	},
	"POST /api/v1/workspaces/{workspace}/experiments/{experiment}/decisions": func(w *world, p *principal, tg target) (string, any, []string) {
		return wsPath(tg, fmt.Sprintf("/experiments/%d/decisions", w.experiment(tg.objWS).ID)),
			map[string]any{"decision": "iterate", "note": "one more week"}, ifMatch(1)
	},
}
