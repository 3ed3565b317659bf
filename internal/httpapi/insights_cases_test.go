package httpapi_test

import (
	"fmt"

	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/insights"
)

func (w *world) theme(ws int64) insights.Theme {
	w.t.Helper()
	in := insights.ThemeInput{Name: w.unique("theme"), Any: []string{"crash"}}
	if err := in.Validate(); err != nil {
		w.t.Fatal(err)
	}
	t, err := w.env.Store.CreateTheme(w.t.Context(), audit.System, ws, in)
	if err != nil {
		w.t.Fatal(err)
	}
	return t
}

// insightCases are the isolation matrix cases of themes, friction points and explanations.
var insightCases = map[string]request{
	"GET /api/v1/workspaces/{workspace}/themes": func(w *world, p *principal, tg target) (string, any, []string) {
		return wsPath(tg, "/themes"), nil, nil
	},
	"POST /api/v1/workspaces/{workspace}/themes": func(w *world, p *principal, tg target) (string, any, []string) {
		return wsPath(tg, "/themes"), map[string]any{"name": w.unique("t"), "any": []string{"slow checkout"}}, nil
	},
	"GET /api/v1/workspaces/{workspace}/themes/{theme}": func(w *world, p *principal, tg target) (string, any, []string) {
		return wsPath(tg, fmt.Sprintf("/themes/%d", w.theme(tg.objWS).ID)), nil, nil
	},
	"PUT /api/v1/workspaces/{workspace}/themes/{theme}": func(w *world, p *principal, tg target) (string, any, []string) {
		return wsPath(tg, fmt.Sprintf("/themes/%d", w.theme(tg.objWS).ID)), map[string]any{"name": w.unique("t"), "phrases": []string{"hidden fees"}}, ifMatch(1)
	},
	"DELETE /api/v1/workspaces/{workspace}/themes/{theme}": func(w *world, p *principal, tg target) (string, any, []string) {
		return wsPath(tg, fmt.Sprintf("/themes/%d", w.theme(tg.objWS).ID)), nil, ifMatch(1)
	},
	"POST /api/v1/workspaces/{workspace}/themes/{theme}/pain-point": func(w *world, p *principal, tg target) (string, any, []string) {
		return wsPath(tg, fmt.Sprintf("/themes/%d/pain-point", w.theme(tg.objWS).ID)), map[string]any{"journey_id": w.journey(tg.objWS).ID}, nil
	},
	"GET /api/v1/workspaces/{workspace}/theme-summaries": func(w *world, p *principal, tg target) (string, any, []string) {
		w.theme(tg.objWS)
		return wsPath(tg, "/theme-summaries?from=2026-01-01&to=2026-04-01"), nil, nil
	},
	"GET /api/v1/workspaces/{workspace}/theme-discovery": func(w *world, p *principal, tg target) (string, any, []string) {
		w.feedbackItem(tg.objWS)
		return wsPath(tg, "/theme-discovery?from=2026-01-01&to=2026-04-01"), nil, nil
	},
	"GET /api/v1/workspaces/{workspace}/friction-points": func(w *world, p *principal, tg target) (string, any, []string) {
		return wsPath(tg, "/friction-points?from=2026-01-01&to=2026-04-01"), nil, nil
	},
	"GET /api/v1/workspaces/{workspace}/metric-explanations": func(w *world, p *principal, tg target) (string, any, []string) {
		w.feedbackItem(tg.objWS)
		return wsPath(tg, "/metric-explanations?from=2026-03-01&to=2026-04-01"), nil, nil
	},
	"GET /api/v1/workspaces/{workspace}/feedback/{item}/insight": func(w *world, p *principal, tg target) (string, any, []string) {
		return wsPath(tg, fmt.Sprintf("/feedback/%d/insight", w.feedbackItem(tg.objWS).ID)), nil, nil
	},
	"POST /api/v1/workspaces/{workspace}/insights/analyze": func(w *world, p *principal, tg target) (string, any, []string) {
		return wsPath(tg, "/insights/analyze"), nil, nil
	},
}
