package httpapi_test

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/lodestar-cx/lodestar/internal/apitest"
	"github.com/lodestar-cx/lodestar/internal/goals"
	"github.com/lodestar-cx/lodestar/internal/httpapi"
	"github.com/lodestar-cx/lodestar/internal/store/storetest"
)

func TestGoalsAndKeyResults(t *testing.T) {
	for _, d := range storetest.Drivers(t) {
		t.Run(d, func(t *testing.T) {
			clock := storetest.NewClock(time.Date(2026, 2, 15, 12, 0, 0, 0, time.UTC))
			env := apitest.Start(t, d, apitest.Options{Now: clock.Now})
			base := fmt.Sprintf("/api/v1/workspaces/%d", env.Workspace.ID)
			must := func(status int, r *apitest.Response, v any) {
				t.Helper()
				if r.Status != status {
					t.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
				}
				if v != nil {
					r.JSON(t, v)
				}
			}
			problemField := func(r *apitest.Response, status int, field string) {
				t.Helper()
				var p httpapi.Problem
				r.JSON(t, &p)
				if r.Status != status || len(p.Errors) == 0 || p.Errors[0].Field != field {
					t.Errorf("status %d, problem %+v; want %d naming %s", r.Status, p, status, field)
				}
			}

			var vision, goal, objective, sub goals.Goal
			must(201, env.Do(t, "POST", base+"/goals", map[string]any{"title": "Customers love onboarding"}), &vision)
			if vision.Level != goals.Vision {
				t.Errorf("first goal without a parent: level %q, want vision", vision.Level)
			}
			problemField(env.Do(t, "POST", base+"/goals", map[string]any{"title": "A second vision"}), 422, "parent_id")
			must(201, env.Do(t, "POST", base+"/goals", map[string]any{"title": "Reduce churn by 10%", "parent_id": vision.ID,
				"period_start": "2026-01-01", "period_end": "2026-06-30"}), &goal)
			must(201, env.Do(t, "POST", base+"/goals", map[string]any{"title": "Onboard faster", "parent_id": goal.ID}), &objective)
			must(201, env.Do(t, "POST", base+"/goals", map[string]any{"title": "Guides", "parent_id": objective.ID}), &sub)
			if goal.Level != goals.Business || objective.Level != goals.Objective || sub.Level != goals.Objective {
				t.Errorf("levels %q, %q, %q; want goal, objective, objective", goal.Level, objective.Level, sub.Level)
			}
			problemField(env.Do(t, "POST", base+"/goals", map[string]any{"title": "X", "parent_id": vision.ID, "level": "objective"}), 422, "level")
			problemField(env.Do(t, "POST", base+"/goals", map[string]any{"title": "X", "parent_id": 999999}), 422, "parent_id")
			problemField(env.Do(t, "POST", base+"/goals", map[string]any{"title": "X", "parent_id": vision.ID,
				"period_start": "2026-06-01", "period_end": "2026-01-01"}), 422, "period_end")
			// Moving a goal under its own descendant is refused.
			problemField(env.Do(t, "PATCH", fmt.Sprintf("%s/goals/%d", base, objective.ID), map[string]any{"parent_id": sub.ID},
				"If-Match", `"v1"`), 422, "parent_id")

			// Key results: the rules of each kind.
			krPath := fmt.Sprintf("%s/goals/%d/key-results", base, goal.ID)
			problemField(env.Do(t, "POST", krPath, map[string]any{"title": "NPS", "kind": "increase", "baseline": 30, "target": 30,
				"due_date": "2026-06-30"}), 422, "target")
			problemField(env.Do(t, "POST", krPath, map[string]any{"title": "NPS", "kind": "increase", "baseline": 30, "target": 45,
				"due_date": "2026-06-30", "weight": -1}), 422, "weight")
			problemField(env.Do(t, "POST", krPath, map[string]any{"title": "NPS", "kind": "increase", "baseline": 30, "target": 45,
				"due_date": "2026-06-30", "source": "metric"}), 422, "metric_id")
			var nps goals.KeyResult
			must(201, env.Do(t, "POST", krPath, map[string]any{"title": "NPS", "kind": "increase", "baseline": 30, "target": 45,
				"current": 30, "due_date": "2026-06-30", "unit": "points"}), &nps)
			// Six weeks into a half year: progress 0 when about a quarter is expected.
			if nps.Progress != 0 || nps.Pace != goals.OffTrack || nps.Expected < 0.24 || nps.Expected > 0.26 {
				t.Errorf("new key result: progress %v, expected %v, pace %v; want 0, about 0.25, off track", nps.Progress, nps.Expected, nps.Pace)
			}
			var after goals.KeyResult
			must(201, env.Do(t, "POST", fmt.Sprintf("%s/key-results/%d/values", base, nps.ID), map[string]any{"value": 34.5}), &after)
			if math.Abs(after.Progress-0.3) > 1e-9 || after.Pace != goals.OnTrack || after.Version != nps.Version+1 {
				t.Errorf("after 34.5: progress %v, pace %v, version %d; want 0.3, on track, %d", after.Progress, after.Pace, after.Version, nps.Version+1)
			}
			// A check-in that is at risk must say why; one with a value records it.
			cin := fmt.Sprintf("%s/key-results/%d/check-ins", base, nps.ID)
			problemField(env.Do(t, "POST", cin, map[string]any{"status": "at_risk", "confidence": 4}), 422, "note")
			problemField(env.Do(t, "POST", cin, map[string]any{"status": "on_track", "confidence": 11}), 422, "confidence")
			clock.Advance(24 * time.Hour)
			must(201, env.Do(t, "POST", cin, map[string]any{"status": "at_risk", "confidence": 5, "value": 33,
				"note": "Detractors up after the pricing change", "blockers": "Waiting for support data"}), nil)
			var hist apitest.Response
			hist = *env.Do(t, "GET", fmt.Sprintf("%s/key-results/%d/values", base, nps.ID), nil)
			var values httpapi.List[goals.Value]
			must(200, &hist, &values)
			var got []float64
			for _, v := range values.Items {
				got = append(got, v.Value)
			}
			if fmt.Sprint(got) != "[30 34.5 33]" || values.Items[2].Source != "check-in" {
				t.Errorf("history %v (last source %q), want [30 34.5 33] ending with the check-in", got, values.Items[2].Source)
			}
			var checkIns httpapi.List[goals.CheckIn]
			must(200, env.Do(t, "GET", cin, nil), &checkIns)
			if len(checkIns.Items) != 1 || checkIns.Items[0].Value == nil || *checkIns.Items[0].Value != 33 || checkIns.Items[0].AuthorID != env.Owner.ID {
				t.Errorf("check-ins = %+v", checkIns.Items)
			}
			// Redefining a key result keeps its rules: a decrease target must be below the baseline.
			problemField(env.Do(t, "PATCH", fmt.Sprintf("%s/key-results/%d", base, nps.ID), map[string]any{"kind": "decrease"},
				"If-Match", fmt.Sprintf(`"v%d"`, after.Version+1)), 422, "target")
			var listed httpapi.List[goals.KeyResult]
			must(200, env.Do(t, "GET", fmt.Sprintf("%s/key-results?goal=%d", base, goal.ID), nil), &listed)
			if len(listed.Items) != 1 || listed.Items[0].Current != 33 {
				t.Errorf("key results of the goal = %+v", listed.Items)
			}
			// Deleting a goal takes its objectives and key results with it.
			must(204, env.Do(t, "DELETE", fmt.Sprintf("%s/goals/%d", base, goal.ID), nil, "If-Match", `"v1"`), nil)
			if r := env.Do(t, "GET", fmt.Sprintf("%s/key-results/%d", base, nps.ID), nil); r.Status != 404 {
				t.Errorf("key result of a deleted goal = %d, want 404", r.Status)
			}
			if r := env.Do(t, "GET", fmt.Sprintf("%s/goals/%d", base, sub.ID), nil); r.Status != 404 {
				t.Errorf("objective below a deleted goal = %d, want 404", r.Status)
			}
		})
	}
}
