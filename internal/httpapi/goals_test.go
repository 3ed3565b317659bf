package httpapi_test

import (
	"fmt"
	"math"
	"strings"
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

// A goal's progress is the weighted mean of its key results and of the child goals that have
// a progress; its expected progress is the same mean of theirs; its pace compares the two.
// Every number below is worked out by hand.
func TestGoalProgressRollsUp(t *testing.T) {
	for _, d := range storetest.Drivers(t) {
		t.Run(d, func(t *testing.T) {
			// Key results from 1 to 30 January are half way along (15 of 30 days); from 6 January
			// to 14 February, a quarter (10 of 40 days).
			clock := storetest.NewClock(time.Date(2026, 1, 16, 0, 0, 0, 0, time.UTC))
			env := apitest.Start(t, d, apitest.Options{Now: clock.Now})
			base := fmt.Sprintf("/api/v1/workspaces/%d", env.Workspace.ID)
			goal := func(title string, parent int64, weight float64) goals.Goal {
				t.Helper()
				body := map[string]any{"title": title, "weight": weight}
				if parent != 0 {
					body["parent_id"] = parent
				}
				r := env.Do(t, "POST", base+"/goals", body)
				if r.Status != 201 {
					t.Fatalf("create goal %q = %d %s", title, r.Status, r.Body)
				}
				var g goals.Goal
				r.JSON(t, &g)
				return g
			}
			const half, quarter = "half", "quarter" // the two lines above
			kr := func(g goals.Goal, kind string, baseline, target, current, weight float64, line string) goals.KeyResult {
				t.Helper()
				body := map[string]any{"title": kind, "kind": kind, "baseline": baseline, "target": target, "current": current,
					"weight": weight, "start_date": "2026-01-01", "due_date": "2026-01-30"}
				if line == quarter {
					body["start_date"], body["due_date"] = "2026-01-06", "2026-02-14"
				}
				r := env.Do(t, "POST", fmt.Sprintf("%s/goals/%d/key-results", base, g.ID), body)
				if r.Status != 201 {
					t.Fatalf("create key result = %d %s", r.Status, r.Body)
				}
				var k goals.KeyResult
				r.JSON(t, &k)
				return k
			}

			vision := goal("Customers succeed on their own", 0, 1)
			churn := goal("Reduce churn", vision.ID, 1)
			kr(churn, "increase", 0, 100, 30, 3, half)  // progress 0.3, expected 0.5
			kr(churn, "decrease", 10, 5, 9, 1, quarter) // progress 0.2, expected 0.25
			onboard := goal("Onboard faster", churn.ID, 2)
			kr(onboard, "binary", 0, 1, 1, 1, half)                  // progress 1, expected 0.5
			kr(onboard, "increase", 0, 10, 5, 0, half)               // weight 0: left out
			guides := goal("Guides", onboard.ID, 1)                  // nested one level further
			csat := kr(guides, "stay_above", 80, 85, 80, 1, quarter) // progress 0, expected 0.25
			goal("Not measured yet", churn.ID, 5)                    // no key results: left out of its parent
			support := goal("Support proactively", vision.ID, 1)     // no key results at all

			type want struct {
				progress, expected float64 // -1: absent
				pace               goals.Status
				krs, children      int
			}
			check := func(label string, g goals.Goal, w want) {
				t.Helper()
				if w.progress < 0 {
					if g.Progress != nil || g.Expected != nil || g.Pace != "" || g.KeyResultsRolledUp != w.krs || g.ChildrenRolledUp != w.children {
						t.Errorf("%s: progress %v, expected %v, pace %q, rolled up %d/%d; want none, none, none, %d/%d",
							label, g.Progress, g.Expected, g.Pace, g.KeyResultsRolledUp, g.ChildrenRolledUp, w.krs, w.children)
					}
					return
				}
				if g.Progress == nil || g.Expected == nil || math.Abs(*g.Progress-w.progress) > 1e-9 || math.Abs(*g.Expected-w.expected) > 1e-9 ||
					g.Pace != w.pace || g.KeyResultsRolledUp != w.krs || g.ChildrenRolledUp != w.children {
					t.Errorf("%s: progress %v, expected %v, pace %q, rolled up %d/%d; want %v, %v, %q, %d/%d", label,
						deref(g.Progress), deref(g.Expected), g.Pace, g.KeyResultsRolledUp, g.ChildrenRolledUp,
						w.progress, w.expected, w.pace, w.krs, w.children)
				}
			}
			wants := map[int64]want{
				// stay_above below target: 0 against 0.25 expected.
				guides.ID: {0, 0.25, goals.OffTrack, 1, 0},
				// (1×1 + 0×1) / 2 = 0.5 against (0.5×1 + 0.25×1) / 2 = 0.375: on track.
				onboard.ID: {0.5, 0.375, goals.OnTrack, 1, 1},
				// (0.3×3 + 0.2×1 + 0.5×2) / 6 = 0.35 against (0.5×3 + 0.25×1 + 0.375×2) / 6 = 2.5/6;
				// 0.35 / 0.4167 = 0.84: at risk. The unmeasured objective (weight 5) is left out.
				churn.ID: {0.35, 2.5 / 6, goals.AtRisk, 2, 1},
				// The vision has only the churn goal to go by: support has nothing measured.
				vision.ID:  {0.35, 2.5 / 6, goals.AtRisk, 0, 1},
				support.ID: {-1, 0, "", 0, 0},
			}
			var one goals.Goal
			r := env.Do(t, "GET", fmt.Sprintf("%s/goals/%d", base, churn.ID), nil)
			r.JSON(t, &one)
			check("GET churn", one, wants[churn.ID])
			r = env.Do(t, "GET", fmt.Sprintf("%s/goals/%d", base, support.ID), nil)
			one = goals.Goal{} // decoding leaves absent fields as they were
			r.JSON(t, &one)
			check("GET support", one, wants[support.ID])
			if strings.Contains(string(r.Body), `"progress"`) || strings.Contains(string(r.Body), `"pace"`) {
				t.Errorf("a goal with nothing to measure sends progress or pace: %s", r.Body)
			}

			var list httpapi.List[goals.Goal]
			env.Do(t, "GET", base+"/goals", nil).JSON(t, &list)
			if len(list.Items) != 6 {
				t.Fatalf("listed %d goals, want 6", len(list.Items))
			}
			for _, g := range list.Items {
				if w, ok := wants[g.ID]; ok {
					check("list "+g.Title, g, w)
				} else {
					check("list "+g.Title, g, want{-1, 0, "", 0, 0})
				}
			}
			// A page of the list still rolls up from the whole tree.
			list = httpapi.List[goals.Goal]{}
			env.Do(t, "GET", base+"/goals?limit=1", nil).JSON(t, &list)
			if len(list.Items) != 1 || list.Items[0].ID != vision.ID {
				t.Fatalf("first page = %+v, want the vision", list.Items)
			}
			check("first page vision", list.Items[0], wants[vision.ID])

			// A new value deep in the tree moves every goal above it.
			if r := env.Do(t, "POST", fmt.Sprintf("%s/key-results/%d/values", base, csat.ID), map[string]any{"value": 90}); r.Status != 201 {
				t.Fatalf("record value = %d %s", r.Status, r.Body)
			}
			env.Do(t, "GET", fmt.Sprintf("%s/goals/%d", base, vision.ID), nil).JSON(t, &one)
			// Guides 1; onboarding (1 + 1) / 2 = 1; churn (0.9 + 0.2 + 2) / 6 = 3.1/6.
			check("vision after the value", one, want{3.1 / 6, 2.5 / 6, goals.OnTrack, 0, 1})
		})
	}
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}
