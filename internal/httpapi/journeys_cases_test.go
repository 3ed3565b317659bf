package httpapi_test

import (
	"fmt"
	"slices"
)

// journeyPath is the path of a journey (and what follows it) as the cell addresses it.
func journeyPath(tg target, journeyID int64, rest string) string {
	return fmt.Sprintf("/api/v1/workspaces/%d/journeys/%d%s", tg.ws, journeyID, rest)
}

// journeyCases are the isolation matrix cases of the journey routes.
var journeyCases = map[string]request{
	"GET /api/v1/workspaces/{workspace}/journeys": func(w *world, p *principal, tg target) (string, any, []string) {
		return fmt.Sprintf("/api/v1/workspaces/%d/journeys", tg.ws), nil, nil
	},
	"POST /api/v1/workspaces/{workspace}/journeys": func(w *world, p *principal, tg target) (string, any, []string) {
		return fmt.Sprintf("/api/v1/workspaces/%d/journeys", tg.ws),
			map[string]any{"name": w.unique("journey"), "owner_user_id": w.owners[tg.objWS]}, nil
	},
	"GET /api/v1/workspaces/{workspace}/journeys/{journey}": func(w *world, p *principal, tg target) (string, any, []string) {
		return journeyPath(tg, w.journey(tg.objWS).ID, ""), nil, nil
	},
	"PATCH /api/v1/workspaces/{workspace}/journeys/{journey}": func(w *world, p *principal, tg target) (string, any, []string) {
		return journeyPath(tg, w.journey(tg.objWS).ID, ""), map[string]any{"persona": "renamed"}, ifMatch(1)
	},
	"DELETE /api/v1/workspaces/{workspace}/journeys/{journey}": func(w *world, p *principal, tg target) (string, any, []string) {
		return journeyPath(tg, w.journey(tg.objWS).ID, ""), nil, ifMatch(1)
	},
	"POST /api/v1/workspaces/{workspace}/journeys/{journey}/review": func(w *world, p *principal, tg target) (string, any, []string) {
		return journeyPath(tg, w.journey(tg.objWS).ID, "/review"), nil, nil
	},
	"POST /api/v1/workspaces/{workspace}/journeys/{journey}/stages": func(w *world, p *principal, tg target) (string, any, []string) {
		return journeyPath(tg, w.journey(tg.objWS).ID, "/stages"), map[string]any{"name": w.unique("stage")}, nil
	},
	"PATCH /api/v1/workspaces/{workspace}/journeys/{journey}/stages/{stage}": func(w *world, p *principal, tg target) (string, any, []string) {
		m := w.journey(tg.objWS)
		return journeyPath(tg, m.ID, fmt.Sprintf("/stages/%d", m.Stages[0].ID)), map[string]any{"name": w.unique("stage")}, ifMatch(1)
	},
	"DELETE /api/v1/workspaces/{workspace}/journeys/{journey}/stages/{stage}": func(w *world, p *principal, tg target) (string, any, []string) {
		m := w.journey(tg.objWS)
		return journeyPath(tg, m.ID, fmt.Sprintf("/stages/%d", m.Stages[2].ID)), nil, ifMatch(1)
	},
	"PUT /api/v1/workspaces/{workspace}/journeys/{journey}/stage-order": func(w *world, p *principal, tg target) (string, any, []string) {
		m := w.journey(tg.objWS)
		ids := make([]int64, len(m.Stages))
		for i, st := range m.Stages {
			ids[i] = st.ID
		}
		slices.Reverse(ids)
		return journeyPath(tg, m.ID, "/stage-order"), map[string]any{"stage_ids": ids}, nil
	},
	"POST /api/v1/workspaces/{workspace}/journeys/{journey}/touchpoints": func(w *world, p *principal, tg target) (string, any, []string) {
		m := w.journey(tg.objWS)
		return journeyPath(tg, m.ID, "/touchpoints"),
			map[string]any{"stage_id": m.Stages[1].ID, "name": "Pricing page", "channel": "web", "event_name": "pricing_viewed"}, nil
	},
	"PATCH /api/v1/workspaces/{workspace}/journeys/{journey}/touchpoints/{touchpoint}": func(w *world, p *principal, tg target) (string, any, []string) {
		tp := w.touchpoint(tg.objWS)
		return journeyPath(tg, tp.JourneyID, fmt.Sprintf("/touchpoints/%d", tp.ID)), map[string]any{"channel": "in_app"}, ifMatch(1)
	},
	"DELETE /api/v1/workspaces/{workspace}/journeys/{journey}/touchpoints/{touchpoint}": func(w *world, p *principal, tg target) (string, any, []string) {
		tp := w.touchpoint(tg.objWS)
		return journeyPath(tg, tp.JourneyID, fmt.Sprintf("/touchpoints/%d", tp.ID)), nil, ifMatch(1)
	},
	"GET /api/v1/workspaces/{workspace}/journeys/{journey}/pain-points": func(w *world, p *principal, tg target) (string, any, []string) {
		pp := w.painPoint(tg.objWS)
		return journeyPath(tg, pp.JourneyID, "/pain-points?status=open&min_severity=2"), nil, nil
	},
	"POST /api/v1/workspaces/{workspace}/journeys/{journey}/pain-points": func(w *world, p *principal, tg target) (string, any, []string) {
		tp := w.touchpoint(tg.objWS)
		return journeyPath(tg, tp.JourneyID, "/pain-points"), map[string]any{"title": "Slow checkout", "severity": 4,
			"touchpoint_id": tp.ID, "evidence": []map[string]string{{"title": "Ticket", "url": "https://support.example.com/t/1"}}}, nil
	},
	"PATCH /api/v1/workspaces/{workspace}/journeys/{journey}/pain-points/{pain_point}": func(w *world, p *principal, tg target) (string, any, []string) {
		pp := w.painPoint(tg.objWS)
		return journeyPath(tg, pp.JourneyID, fmt.Sprintf("/pain-points/%d", pp.ID)), map[string]any{"status": "acknowledged"}, ifMatch(1)
	},
	"DELETE /api/v1/workspaces/{workspace}/journeys/{journey}/pain-points/{pain_point}": func(w *world, p *principal, tg target) (string, any, []string) {
		pp := w.painPoint(tg.objWS)
		return journeyPath(tg, pp.JourneyID, fmt.Sprintf("/pain-points/%d", pp.ID)), nil, ifMatch(1)
	},
}
