package httpapi_test

import (
	"fmt"
	"math"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/lodestar-cx/lodestar/internal/apitest"
	"github.com/lodestar-cx/lodestar/internal/experiments"
	"github.com/lodestar-cx/lodestar/internal/goals"
	"github.com/lodestar-cx/lodestar/internal/httpapi"
	"github.com/lodestar-cx/lodestar/internal/store/storetest"
)

// postConversions posts a good/bad answer per visitor of each variant: good answers first.
func postConversions(t *testing.T, env *apitest.Env, variant string, good, n int) {
	t.Helper()
	var items []map[string]any
	for i := range n {
		score := 0
		if i < good {
			score = 1
		}
		items = append(items, map[string]any{"source_kind": "survey", "source": "checkout", "external_id": fmt.Sprint(variant, i),
			"at": fmt.Sprintf("2026-03-%02dT09:00:00Z", 1+i%9), "question": "csat", "score": score,
			"scale": map[string]any{"min": 0, "max": 1}, "attributes": map[string]string{"variant": variant}})
	}
	if r := env.Do(t, http.MethodPost, fmt.Sprintf("/api/v1/workspaces/%d/feedback", env.Workspace.ID), map[string]any{"items": items}); r.Status != http.StatusOK {
		t.Fatalf("post feedback = %d %s", r.Status, r.Body)
	}
}

func TestExperimentsThroughTheAPI(t *testing.T) {
	for _, d := range storetest.Drivers(t) {
		t.Run(d, func(t *testing.T) {
			clock := storetest.NewClock(time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC))
			env := apitest.Start(t, d, apitest.Options{Now: clock.Now})
			base := fmt.Sprintf("/api/v1/workspaces/%d", env.Workspace.ID)
			do := func(method, path string, body any, want int, v any, headers ...string) *apitest.Response {
				t.Helper()
				r := env.Do(t, method, base+path, body, headers...)
				if r.Status != want {
					t.Fatalf("%s %s = %d %s, want %d", method, path, r.Status, r.Body, want)
				}
				if v != nil {
					r.JSON(t, v)
				}
				return r
			}
			postConversions(t, env, "a", 120, 400)
			postConversions(t, env, "b", 150, 400)
			var vision goals.Goal
			do(http.MethodPost, "/goals", map[string]any{"title": "Checkout converts"}, http.StatusCreated, &vision)
			var kr goals.KeyResult
			do(http.MethodPost, fmt.Sprintf("/goals/%d/key-results", vision.ID), map[string]any{"title": "Checkout conversion 40 %",
				"kind": "increase", "baseline": 30, "target": 40, "unit": "%", "due_date": "2026-06-30"}, http.StatusCreated, &kr)

			// Mistakes come back field by field.
			var prob httpapi.Problem
			do(http.MethodPost, "/experiments", map[string]any{"name": "x", "metric": map[string]any{"kind": "csat", "variant": "count"},
				"dim": "variant", "variants": []any{map[string]any{"name": "a", "values": []string{"a"}}, map[string]any{"name": "a", "values": []string{"a"}}},
				"start": "2026-03-15", "end": "2026-03-01"}, http.StatusUnprocessableEntity, &prob)
			var got []string
			for _, f := range prob.Errors {
				got = append(got, f.Field)
			}
			if want := []string{"metric.variant", "variants[1].name", "variants[1].values[0]", "end"}; !slices.Equal(got, want) {
				t.Errorf("fields at fault = %q, want %q", got, want)
			}

			input := map[string]any{
				"name":          "One-page checkout",
				"hypothesis":    "One page instead of three lifts conversion by 5 points.",
				"key_result_id": kr.ID,
				"metric":        map[string]any{"kind": "csat"},
				"dim":           "variant",
				"variants":      []any{map[string]any{"name": "three pages", "values": []string{"a"}}, map[string]any{"name": "one page", "values": []string{"b"}}},
				"start":         "2026-03-01",
				"end":           "2026-03-15",
			}
			var e experiments.Experiment
			r := do(http.MethodPost, "/experiments", input, http.StatusCreated, &e)
			if r.Header.Get("ETag") != `"v1"` || e.Status != experiments.Running || e.KeyResultID != kr.ID || e.Metric.Variant != "satisfied" || len(e.Decisions) != 0 {
				t.Fatalf("created %+v (ETag %s), want running at v1", e, r.Header.Get("ETag"))
			}
			path := fmt.Sprintf("/experiments/%d", e.ID)
			var list httpapi.List[experiments.Experiment]
			do(http.MethodGet, "/experiments", nil, http.StatusOK, &list)
			if len(list.Items) != 1 || list.Items[0].Status != experiments.Running {
				t.Errorf("list = %+v", list.Items)
			}

			// The results: 30 % of 400 against 37.5 % of 400, z = 2.2431, p = 0.0249.
			var res experiments.Results
			do(http.MethodGet, path+"/results", nil, http.StatusOK, &res)
			ctl, trt := res.Variants[0], res.Variants[1]
			pool := 270.0 / 800
			z := 0.075 / math.Sqrt(pool*(1-pool)*2/400)
			if ctl.Name != "three pages" || !ctl.Control || ctl.Value.Value != 30 || ctl.N != 400 || trt.Value.Value != 37.5 || trt.N != 400 {
				t.Errorf("values: %+v / %+v", ctl, trt)
			}
			if trt.Test == nil || trt.Test.Method != "two-proportion-z" || math.Abs(trt.Test.P-math.Erfc(z/math.Sqrt2)) > 5e-5 ||
				trt.Verdict != experiments.Significant || trt.MDE == nil || res.Form != "share" || res.Power != 0.8 {
				t.Errorf("treatment: %+v (test %+v), want significant at p %.4f with an MDE", trt, trt.Test, math.Erfc(z/math.Sqrt2))
			}

			// A decision needs the version seen.
			do(http.MethodPost, path+"/decisions", map[string]any{"decision": "ship"}, http.StatusPreconditionRequired, nil)
			do(http.MethodPost, path+"/decisions", map[string]any{"decision": "ship", "variant": "three pages"}, http.StatusUnprocessableEntity, nil, ifMatch(1)...)
			do(http.MethodPost, path+"/decisions", map[string]any{"decision": "iterate", "note": "wait for the weekend"}, http.StatusOK, &e, ifMatch(1)...)
			do(http.MethodPost, path+"/decisions", map[string]any{"decision": "stop"}, http.StatusPreconditionFailed, nil, ifMatch(1)...)
			r = do(http.MethodPost, path+"/decisions", map[string]any{"decision": "ship", "note": "clear win"}, http.StatusOK, &e, ifMatch(2)...)
			last := e.Decisions[len(e.Decisions)-1]
			if r.Header.Get("ETag") != `"v3"` || e.Status != experiments.Concluded || len(e.Decisions) != 2 || last.Variant != "one page" ||
				last.ByUserID != env.Owner.ID || last.Recorded == nil || last.Recorded.Value != 37.5 || last.Recorded.N != 400 {
				t.Fatalf("after ship: %+v (ETag %s)", e, r.Header.Get("ETag"))
			}
			// The key result took the shipped value, with n and interval, in its history.
			var k goals.KeyResult
			do(http.MethodGet, fmt.Sprintf("/key-results/%d", kr.ID), nil, http.StatusOK, &k)
			var hist httpapi.List[goals.Value]
			do(http.MethodGet, fmt.Sprintf("/key-results/%d/values", kr.ID), nil, http.StatusOK, &hist)
			h := hist.Items[len(hist.Items)-1]
			if k.Current != 37.5 || h.Source != "experiment" || h.N == nil || *h.N != 400 || h.Interval == nil || h.Interval.Low != trt.Interval.Low || h.Interval.High != trt.Interval.High {
				t.Errorf("key result at %v; last value %+v; want 37.5 over 400 with the treatment's interval %+v", k.Current, h, trt.Interval)
			}

			// Concluded: kept as decided.
			do(http.MethodPost, path+"/decisions", map[string]any{"decision": "stop"}, http.StatusConflict, nil, ifMatch(3)...)
			do(http.MethodPut, path, input, http.StatusConflict, nil, ifMatch(3)...)

			// A second experiment, yet to start, is a draft; it can be replaced and deleted.
			input["name"], input["start"], input["end"] = "Express pay", "2026-04-01", "2026-04-15"
			delete(input, "key_result_id")
			var next experiments.Experiment
			do(http.MethodPost, "/experiments", input, http.StatusCreated, &next)
			if next.Status != experiments.Draft {
				t.Errorf("future experiment: status %s, want draft", next.Status)
			}
			npath := fmt.Sprintf("/experiments/%d", next.ID)
			input["hypothesis"] = "Express pay lifts conversion."
			do(http.MethodPut, npath, input, http.StatusOK, &next, ifMatch(1)...)
			do(http.MethodPut, npath, input, http.StatusPreconditionFailed, nil, ifMatch(1)...)
			var early experiments.Results
			do(http.MethodGet, npath+"/results", nil, http.StatusOK, &early)
			if v := early.Variants[1]; v.N != 0 || v.Verdict != experiments.TooFew || v.MDE != nil {
				t.Errorf("results before the start: %+v", v)
			}
			do(http.MethodDelete, npath, nil, http.StatusNoContent, nil, ifMatch(2)...)
			do(http.MethodGet, npath, nil, http.StatusNotFound, nil)
			do(http.MethodGet, "/experiments/999999/results", nil, http.StatusNotFound, nil)
		})
	}
}
