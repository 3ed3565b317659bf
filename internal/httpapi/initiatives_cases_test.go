package httpapi_test

import (
	"fmt"

	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/roadmap"
)

// initiativeCases are the isolation matrix cases of the initiative routes.
var initiativeCases = map[string]request{
	"GET /api/v1/workspaces/{workspace}/priority-framework": func(w *world, p *principal, tg target) (string, any, []string) {
		return fmt.Sprintf("/api/v1/workspaces/%d/priority-framework", tg.ws), nil, nil
	},
	"PUT /api/v1/workspaces/{workspace}/priority-framework": func(w *world, p *principal, tg target) (string, any, []string) {
		return fmt.Sprintf("/api/v1/workspaces/%d/priority-framework", tg.ws), map[string]any{"kind": "impact-feasibility-alignment"}, nil
	},
	"GET /api/v1/workspaces/{workspace}/initiatives": func(w *world, p *principal, tg target) (string, any, []string) {
		return fmt.Sprintf("/api/v1/workspaces/%d/initiatives", tg.ws), nil, nil
	},
	"POST /api/v1/workspaces/{workspace}/initiatives": func(w *world, p *principal, tg target) (string, any, []string) {
		return fmt.Sprintf("/api/v1/workspaces/%d/initiatives", tg.ws), map[string]any{"title": w.unique("i"), "horizon": "mid"}, nil
	},
	"GET /api/v1/workspaces/{workspace}/initiatives/{initiative}": func(w *world, p *principal, tg target) (string, any, []string) {
		return fmt.Sprintf("/api/v1/workspaces/%d/initiatives/%d", tg.ws, w.initiative(tg.objWS).ID), nil, nil
	},
	"PATCH /api/v1/workspaces/{workspace}/initiatives/{initiative}": func(w *world, p *principal, tg target) (string, any, []string) {
		return fmt.Sprintf("/api/v1/workspaces/%d/initiatives/%d", tg.ws, w.initiative(tg.objWS).ID), map[string]any{"status": "in_progress"}, ifMatch(1)
	},
	"DELETE /api/v1/workspaces/{workspace}/initiatives/{initiative}": func(w *world, p *principal, tg target) (string, any, []string) {
		return fmt.Sprintf("/api/v1/workspaces/%d/initiatives/%d", tg.ws, w.initiative(tg.objWS).ID), nil, ifMatch(1)
	},
	"GET /api/v1/workspaces/{workspace}/initiatives/{initiative}/assignments": func(w *world, p *principal, tg target) (string, any, []string) {
		return fmt.Sprintf("/api/v1/workspaces/%d/initiatives/%d/assignments", tg.ws, w.initiative(tg.objWS).ID), nil, nil
	},
	"POST /api/v1/workspaces/{workspace}/initiatives/{initiative}/assignments": func(w *world, p *principal, tg target) (string, any, []string) {
		return fmt.Sprintf("/api/v1/workspaces/%d/initiatives/%d/assignments", tg.ws, w.initiative(tg.objWS).ID),
			map[string]any{"user_id": w.owners[tg.objWS], "role": "accountable"}, nil
	},
	"DELETE /api/v1/workspaces/{workspace}/initiatives/{initiative}/assignments/{assignment}": func(w *world, p *principal, tg target) (string, any, []string) {
		it := w.initiative(tg.objWS)
		as, err := w.env.Store.Assign(w.t.Context(), audit.System, tg.objWS, it.ID, roadmap.AssignmentInput{UserID: w.owners[tg.objWS], Role: roadmap.Accountable})
		if err != nil {
			w.t.Fatal(err)
		}
		return fmt.Sprintf("/api/v1/workspaces/%d/initiatives/%d/assignments/%d", tg.ws, it.ID, as.ID), nil, nil
	},
	"POST /api/v1/workspaces/{workspace}/dependencies": func(w *world, p *principal, tg target) (string, any, []string) {
		return fmt.Sprintf("/api/v1/workspaces/%d/dependencies", tg.ws),
			map[string]any{"prerequisite_id": w.initiative(tg.objWS).ID, "dependent_id": w.initiative(tg.objWS).ID}, nil
	},
	"DELETE /api/v1/workspaces/{workspace}/initiatives/{initiative}/prerequisites/{prerequisite}": func(w *world, p *principal, tg target) (string, any, []string) {
		pre, dep := w.initiative(tg.objWS), w.initiative(tg.objWS)
		in := roadmap.DependencyInput{PrerequisiteID: pre.ID, DependentID: dep.ID}
		if _, err := w.env.Store.AddDependency(w.t.Context(), audit.System, tg.objWS, in, func(p roadmap.Plan) error { return p.CheckNew(in) }); err != nil {
			w.t.Fatal(err)
		}
		return fmt.Sprintf("/api/v1/workspaces/%d/initiatives/%d/prerequisites/%d", tg.ws, dep.ID, pre.ID), nil, nil
	},
	"POST /api/v1/workspaces/{workspace}/initiatives/{initiative}/reschedule/preview": func(w *world, p *principal, tg target) (string, any, []string) {
		return fmt.Sprintf("/api/v1/workspaces/%d/initiatives/%d/reschedule/preview", tg.ws, w.initiative(tg.objWS).ID),
			map[string]any{"start_date": "2026-05-01", "due_date": "2026-05-31"}, nil
	},
	"POST /api/v1/workspaces/{workspace}/initiatives/{initiative}/reschedule": func(w *world, p *principal, tg target) (string, any, []string) {
		return fmt.Sprintf("/api/v1/workspaces/%d/initiatives/%d/reschedule", tg.ws, w.initiative(tg.objWS).ID),
			map[string]any{"start_date": "2026-05-01", "due_date": "2026-05-31"}, nil
	},
	"GET /api/v1/workspaces/{workspace}/timeline": func(w *world, p *principal, tg target) (string, any, []string) {
		return fmt.Sprintf("/api/v1/workspaces/%d/timeline", tg.ws), nil, nil
	},
}

// initiativeExtraCases are the isolation matrix cases of check-ins, links and team load.
var initiativeExtraCases = map[string]request{
	"GET /api/v1/workspaces/{workspace}/initiatives/{initiative}/check-ins": func(w *world, p *principal, tg target) (string, any, []string) {
		return fmt.Sprintf("/api/v1/workspaces/%d/initiatives/%d/check-ins", tg.ws, w.initiative(tg.objWS).ID), nil, nil
	},
	"POST /api/v1/workspaces/{workspace}/initiatives/{initiative}/check-ins": func(w *world, p *principal, tg target) (string, any, []string) {
		return fmt.Sprintf("/api/v1/workspaces/%d/initiatives/%d/check-ins", tg.ws, w.initiative(tg.objWS).ID),
			map[string]any{"status": "on_track", "progress": 40, "confidence": 7}, nil
	},
	"GET /api/v1/workspaces/{workspace}/check-in-cadence": func(w *world, p *principal, tg target) (string, any, []string) {
		return fmt.Sprintf("/api/v1/workspaces/%d/check-in-cadence", tg.ws), nil, nil
	},
	"PUT /api/v1/workspaces/{workspace}/check-in-cadence": func(w *world, p *principal, tg target) (string, any, []string) {
		return fmt.Sprintf("/api/v1/workspaces/%d/check-in-cadence", tg.ws), map[string]any{"days": 14}, nil
	},
	"PUT /api/v1/workspaces/{workspace}/initiatives/{initiative}/key-results/{key_result}": func(w *world, p *principal, tg target) (string, any, []string) {
		return fmt.Sprintf("/api/v1/workspaces/%d/initiatives/%d/key-results/%d", tg.ws, w.initiative(tg.objWS).ID, w.keyResult(tg.objWS).ID),
			map[string]any{"expected_effect": 3, "note": "chat answers the questions that sink the score"}, nil
	},
	"DELETE /api/v1/workspaces/{workspace}/initiatives/{initiative}/key-results/{key_result}": func(w *world, p *principal, tg target) (string, any, []string) {
		it, kr := w.initiative(tg.objWS), w.keyResult(tg.objWS)
		if _, err := w.env.Store.LinkKeyResult(w.t.Context(), audit.System, tg.objWS, it.ID, kr.ID, roadmap.KeyResultLinkInput{}); err != nil {
			w.t.Fatal(err)
		}
		return fmt.Sprintf("/api/v1/workspaces/%d/initiatives/%d/key-results/%d", tg.ws, it.ID, kr.ID), nil, nil
	},
	"PUT /api/v1/workspaces/{workspace}/initiatives/{initiative}/touchpoints/{touchpoint}": func(w *world, p *principal, tg target) (string, any, []string) {
		return fmt.Sprintf("/api/v1/workspaces/%d/initiatives/%d/touchpoints/%d", tg.ws, w.initiative(tg.objWS).ID, w.touchpoint(tg.objWS).ID), nil, nil
	},
	"DELETE /api/v1/workspaces/{workspace}/initiatives/{initiative}/touchpoints/{touchpoint}": func(w *world, p *principal, tg target) (string, any, []string) {
		it, tp := w.initiative(tg.objWS), w.touchpoint(tg.objWS)
		if _, err := w.env.Store.LinkTouchpoint(w.t.Context(), audit.System, tg.objWS, it.ID, tp.ID); err != nil {
			w.t.Fatal(err)
		}
		return fmt.Sprintf("/api/v1/workspaces/%d/initiatives/%d/touchpoints/%d", tg.ws, it.ID, tp.ID), nil, nil
	},
	"PUT /api/v1/workspaces/{workspace}/initiatives/{initiative}/pain-points/{pain_point}": func(w *world, p *principal, tg target) (string, any, []string) {
		return fmt.Sprintf("/api/v1/workspaces/%d/initiatives/%d/pain-points/%d", tg.ws, w.initiative(tg.objWS).ID, w.painPoint(tg.objWS).ID), nil, nil
	},
	"DELETE /api/v1/workspaces/{workspace}/initiatives/{initiative}/pain-points/{pain_point}": func(w *world, p *principal, tg target) (string, any, []string) {
		it, pp := w.initiative(tg.objWS), w.painPoint(tg.objWS)
		if _, err := w.env.Store.LinkPainPoint(w.t.Context(), audit.System, tg.objWS, it.ID, pp.ID); err != nil {
			w.t.Fatal(err)
		}
		return fmt.Sprintf("/api/v1/workspaces/%d/initiatives/%d/pain-points/%d", tg.ws, it.ID, pp.ID), nil, nil
	},
	"GET /api/v1/workspaces/{workspace}/team-load": func(w *world, p *principal, tg target) (string, any, []string) {
		return fmt.Sprintf("/api/v1/workspaces/%d/team-load", tg.ws), nil, nil
	},
}
