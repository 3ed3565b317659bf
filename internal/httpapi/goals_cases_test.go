package httpapi_test

import (
	"fmt"
)

// goalCases are the isolation matrix cases of the goal routes.
var goalCases = map[string]request{
	"GET /api/v1/workspaces/{workspace}/goals": func(w *world, p *principal, tg target) (string, any, []string) {
		return fmt.Sprintf("/api/v1/workspaces/%d/goals", tg.ws), nil, nil
	},
	"POST /api/v1/workspaces/{workspace}/goals": func(w *world, p *principal, tg target) (string, any, []string) {
		return fmt.Sprintf("/api/v1/workspaces/%d/goals", tg.ws), map[string]any{"title": w.unique("goal"), "parent_id": w.visions[tg.objWS]}, nil
	},
	"GET /api/v1/workspaces/{workspace}/goals/{goal}": func(w *world, p *principal, tg target) (string, any, []string) {
		return fmt.Sprintf("/api/v1/workspaces/%d/goals/%d", tg.ws, w.goal(tg.objWS).ID), nil, nil
	},
	"PATCH /api/v1/workspaces/{workspace}/goals/{goal}": func(w *world, p *principal, tg target) (string, any, []string) {
		return fmt.Sprintf("/api/v1/workspaces/%d/goals/%d", tg.ws, w.goal(tg.objWS).ID), map[string]string{"title": "renamed"}, ifMatch(1)
	},
	"DELETE /api/v1/workspaces/{workspace}/goals/{goal}": func(w *world, p *principal, tg target) (string, any, []string) {
		return fmt.Sprintf("/api/v1/workspaces/%d/goals/%d", tg.ws, w.goal(tg.objWS).ID), nil, ifMatch(1)
	},
	"GET /api/v1/workspaces/{workspace}/key-results": func(w *world, p *principal, tg target) (string, any, []string) {
		return fmt.Sprintf("/api/v1/workspaces/%d/key-results", tg.ws), nil, nil
	},
	"POST /api/v1/workspaces/{workspace}/goals/{goal}/key-results": func(w *world, p *principal, tg target) (string, any, []string) {
		return fmt.Sprintf("/api/v1/workspaces/%d/goals/%d/key-results", tg.ws, w.goal(tg.objWS).ID), keyResultInput(), nil
	},
	"GET /api/v1/workspaces/{workspace}/key-results/{key_result}": func(w *world, p *principal, tg target) (string, any, []string) {
		return fmt.Sprintf("/api/v1/workspaces/%d/key-results/%d", tg.ws, w.keyResult(tg.objWS).ID), nil, nil
	},
	"PATCH /api/v1/workspaces/{workspace}/key-results/{key_result}": func(w *world, p *principal, tg target) (string, any, []string) {
		return fmt.Sprintf("/api/v1/workspaces/%d/key-results/%d", tg.ws, w.keyResult(tg.objWS).ID), map[string]any{"target": 50}, ifMatch(1)
	},
	"DELETE /api/v1/workspaces/{workspace}/key-results/{key_result}": func(w *world, p *principal, tg target) (string, any, []string) {
		return fmt.Sprintf("/api/v1/workspaces/%d/key-results/%d", tg.ws, w.keyResult(tg.objWS).ID), nil, ifMatch(1)
	},
	"POST /api/v1/workspaces/{workspace}/key-results/{key_result}/values": func(w *world, p *principal, tg target) (string, any, []string) {
		return fmt.Sprintf("/api/v1/workspaces/%d/key-results/%d/values", tg.ws, w.keyResult(tg.objWS).ID), map[string]any{"value": 38}, nil
	},
	"GET /api/v1/workspaces/{workspace}/key-results/{key_result}/values": func(w *world, p *principal, tg target) (string, any, []string) {
		return fmt.Sprintf("/api/v1/workspaces/%d/key-results/%d/values", tg.ws, w.keyResult(tg.objWS).ID), nil, nil
	},
	"POST /api/v1/workspaces/{workspace}/key-results/{key_result}/check-ins": func(w *world, p *principal, tg target) (string, any, []string) {
		return fmt.Sprintf("/api/v1/workspaces/%d/key-results/%d/check-ins", tg.ws, w.keyResult(tg.objWS).ID),
			map[string]any{"status": "on_track", "confidence": 7, "value": 33}, nil
	},
	"GET /api/v1/workspaces/{workspace}/key-results/{key_result}/check-ins": func(w *world, p *principal, tg target) (string, any, []string) {
		return fmt.Sprintf("/api/v1/workspaces/%d/key-results/%d/check-ins", tg.ws, w.keyResult(tg.objWS).ID), nil, nil
	},
}
