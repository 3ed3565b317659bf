package httpapi_test

import (
	"fmt"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lodestar-cx/lodestar/internal/apitest"
	"github.com/lodestar-cx/lodestar/internal/goals"
	"github.com/lodestar-cx/lodestar/internal/httpapi"
	"github.com/lodestar-cx/lodestar/internal/metrics"
	"github.com/lodestar-cx/lodestar/internal/stats"
	"github.com/lodestar-cx/lodestar/internal/store/storetest"
)

// npsFile is a survey export: 18 promoters, 11 passives and 2 detractors, and one respondent
// who answered only the comment question. NPS counts the 31 who answered it.
func npsFile() string {
	var b strings.Builder
	b.WriteString("response_id,submitted_at,customer_id,nps,comment\n")
	row := 0
	add := func(n int, score string) {
		for range n {
			row++
			fmt.Fprintf(&b, "r%d,2026-03-%02dT10:00:00Z,c%d,%s,fine\n", row, 1+row%14, row, score)
		}
	}
	add(9, "10")
	add(9, "9")
	add(6, "8")
	add(5, "7")
	add(1, "6")
	add(1, "0")
	add(1, "") // no NPS answer
	return b.String()
}

func TestMetricsThroughTheAPI(t *testing.T) {
	for _, d := range storetest.Drivers(t) {
		t.Run(d, func(t *testing.T) {
			clock := storetest.NewClock(time.Date(2026, 3, 31, 12, 0, 0, 0, time.UTC))
			env := apitest.Start(t, d, apitest.Options{Now: clock.Now})
			base := fmt.Sprintf("/api/v1/workspaces/%d", env.Workspace.ID)
			saveSurveyMapping(t, env, "survey")
			get := func(path string, v any) {
				t.Helper()
				r := env.Do(t, http.MethodGet, base+path, nil)
				if r.Status != http.StatusOK {
					t.Fatalf("GET %s = %d %s", path, r.Status, r.Body)
				}
				r.JSON(t, v)
			}

			// The file's NPS is 51.6 over 31 answers, not 50 over 32.
			r := env.Do(t, http.MethodPost, base+"/imports?format=csv&mapping=survey", npsFile(), uploadHeaders...)
			if r.Status != http.StatusAccepted {
				t.Fatalf("import = %d %s", r.Status, r.Body)
			}
			var started struct{ ID int64 }
			r.JSON(t, &started)
			if im := awaitImport(t, env, started.ID); im.Inserted == 0 {
				t.Fatalf("import wrote nothing: %+v", im)
			}
			var res metrics.Result
			get("/metric-values?kind=nps&from=2026-03-01&to=2026-04-01&every=", &res)
			if math.Abs(res.Total.Value-51.6129) > 1e-4 || res.Total.N != 31 || res.Source != metrics.FromAggregates {
				t.Fatalf("NPS of the file = %v over %d (from %s), want 51.6129 over 31 from the aggregates", res.Total.Value, res.Total.N, res.Source)
			}
			if res.Total.Interval.Low >= 51.6 || res.Total.Interval.High <= 51.6 {
				t.Errorf("interval %+v does not hold the value", res.Total.Interval)
			}

			// A release, then a week of detractors: the drop is significant and comes with the release.
			if r := env.Do(t, http.MethodPost, base+"/annotations", map[string]any{"day": "2026-03-16", "kind": "release", "title": "New pricing page"}); r.Status != http.StatusCreated {
				t.Fatalf("annotation = %d %s", r.Status, r.Body)
			}
			var items []map[string]any
			for i := range 40 {
				items = append(items, map[string]any{"source_kind": "survey", "source": "webhook", "external_id": fmt.Sprint("w", i),
					"at": fmt.Sprintf("2026-03-%02dT09:00:00Z", 16+i%6), "question": "nps", "score": i % 4, "attributes": map[string]string{"plan": "pro"}})
			}
			if r := env.Do(t, http.MethodPost, base+"/feedback", map[string]any{"items": items}); r.Status != http.StatusOK {
				t.Fatalf("post feedback = %d %s", r.Status, r.Body)
			}
			get("/metric-values?kind=nps&from=2026-03-02&to=2026-03-23&every=week", &res)
			if len(res.Points) != 3 {
				t.Fatalf("weekly points = %+v, want 3", res.Points)
			}
			drop := res.Points[2].Change
			if drop == nil || !drop.Significant || drop.Difference >= 0 || len(drop.Annotations) != 1 || drop.Annotations[0].Title != "New pricing page" {
				t.Errorf("the week of the release: change %+v, want a significant drop with the release", drop)
			}

			// By plan: the webhook's answers are pro, the file's have no plan.
			get("/metric-values?kind=nps&from=2026-03-01&to=2026-04-01&every=&by=plan", &res)
			if len(res.Segments) != 2 || res.Segments[0].Value != "pro" || res.Segments[0].Total.N != 40 || res.Segments[1].Value != "" {
				t.Errorf("segments = %+v, want pro (40) then none", res.Segments)
			}

			// Two periods compared.
			var cmp metrics.Comparison
			get("/metric-comparisons?kind=nps&from=2026-03-16&to=2026-03-23&b_from=2026-03-01&b_to=2026-03-16", &cmp)
			if !cmp.Test.Significant || cmp.Test.Difference >= 0 || cmp.Test.Method != "adjusted-wald-z" || cmp.A.N != 40 || cmp.B.N != 31 {
				t.Errorf("comparison of the two halves = %+v, want a significant drop by adjusted Wald", cmp.Test)
			}

			// A key result bound to a saved metric takes its value at once, with n and interval.
			var def metrics.Definition
			if r := env.Do(t, http.MethodPost, base+"/metrics", map[string]any{"name": "NPS, 30 days", "kind": "nps", "window_days": 30}); r.Status != http.StatusCreated {
				t.Fatalf("create metric = %d %s", r.Status, r.Body)
			} else {
				r.JSON(t, &def)
			}
			kr := bindKeyResult(t, env, def.ID)
			get(fmt.Sprintf("/metrics/%d/values?every=", def.ID), &res)
			if kr.Current != res.Total.Value || kr.Source != goals.Metric {
				t.Fatalf("bound key result's value = %v, want the metric's %v", kr.Current, res.Total.Value)
			}
			var hist httpapi.List[goals.Value]
			get(fmt.Sprintf("/key-results/%d/values", kr.ID), &hist)
			last := hist.Items[len(hist.Items)-1]
			if last.Source != "metric" || last.N == nil || *last.N != int64(res.Total.N) || last.Interval == nil || last.Interval.Low != res.Total.Interval.Low {
				t.Errorf("last history value = %+v, want the metric's with n %d and its interval", last, res.Total.N)
			}
			// New answers move it, in the same request.
			more := []map[string]any{}
			for i := range 30 {
				more = append(more, map[string]any{"source_kind": "survey", "source": "webhook", "external_id": fmt.Sprint("x", i),
					"at": "2026-03-30T09:00:00Z", "question": "nps", "score": 10})
			}
			if r := env.Do(t, http.MethodPost, base+"/feedback", map[string]any{"items": more}); r.Status != http.StatusOK {
				t.Fatalf("post feedback = %d %s", r.Status, r.Body)
			}
			var after goals.KeyResult
			get(fmt.Sprintf("/key-results/%d", kr.ID), &after)
			if after.Current <= kr.Current {
				t.Errorf("after 30 promoters the key result is at %v, was %v", after.Current, kr.Current)
			}
			var before metrics.Result
			get(fmt.Sprintf("/metrics/%d/values?every=", def.ID), &before)
			if before.Total.N != res.Total.N+30 {
				t.Errorf("after 30 more answers n = %d, want %d", before.Total.N, res.Total.N+30)
			}
			// Excluding an answer by hand changes the value too.
			var list httpapi.List[map[string]any]
			get("/feedback?source=webhook&limit=1", &list)
			id := int64(list.Items[0]["id"].(float64))
			if r := env.Do(t, http.MethodPatch, fmt.Sprintf("%s/feedback/%d", base, id), map[string]any{"excluded": true}, "If-Match", `"v1"`); r.Status != http.StatusOK {
				t.Fatalf("exclude = %d %s", r.Status, r.Body)
			}
			var fewer metrics.Result
			get(fmt.Sprintf("/metrics/%d/values?every=", def.ID), &fewer)
			if fewer.Total.N != before.Total.N-1 {
				t.Errorf("after excluding one answer n = %d, want %d", fewer.Total.N, before.Total.N-1)
			}
			// A metric with key results bound to it cannot be deleted.
			if r := env.Do(t, http.MethodDelete, fmt.Sprintf("%s/metrics/%d", base, def.ID), nil, "If-Match", `"v1"`); r.Status != http.StatusConflict {
				t.Errorf("delete a bound metric = %d %s, want 409", r.Status, r.Body)
			}

			// Bad parameters are named.
			for _, c := range []struct{ query, param string }{
				{"kind=karma", "kind"},
				{"kind=csat&variant=agree", "variant"},
				{"kind=nps&filter=plan", "filter"},
				{"kind=nps&from=yesterday", "from"},
				{"kind=nps&every=fortnight", "every"},
				{"kind=nps&from=2026-03-10&to=2026-03-01", "to"},
			} {
				r := env.Do(t, http.MethodGet, base+"/metric-values?"+c.query, nil)
				var p httpapi.Problem
				r.JSON(t, &p)
				if r.Status != http.StatusBadRequest || len(p.Errors) == 0 || p.Errors[0].Field != c.param {
					t.Errorf("GET metric-values?%s = %d %+v, want 400 naming %s", c.query, r.Status, p.Errors, c.param)
				}
			}
			if r := env.Do(t, http.MethodPost, base+"/metrics", map[string]any{"name": "x", "kind": "nps", "variant": "mean"}); r.Status != http.StatusUnprocessableEntity {
				t.Errorf("a mean NPS = %d, want 422", r.Status)
			}
		})
	}
}

// bindKeyResult creates a goal and a key result bound to metric id.
func bindKeyResult(t *testing.T, env *apitest.Env, metricID int64) goals.KeyResult {
	t.Helper()
	ws := env.Workspace.ID
	// The key result hangs from the workspace's vision, made on the first call.
	var list struct {
		Items []goals.Goal `json:"items"`
	}
	env.Do(t, http.MethodGet, fmt.Sprintf("/api/v1/workspaces/%d/goals", ws), nil).JSON(t, &list)
	var vision goals.Goal
	if len(list.Items) > 0 {
		vision = list.Items[0]
	} else if r := env.Do(t, http.MethodPost, fmt.Sprintf("/api/v1/workspaces/%d/goals", ws), map[string]any{"title": "Customers love us"}); r.Status != http.StatusCreated {
		t.Fatalf("create goal = %d %s", r.Status, r.Body)
	} else {
		r.JSON(t, &vision)
	}
	r := env.Do(t, http.MethodPost, fmt.Sprintf("/api/v1/workspaces/%d/goals/%d/key-results", ws, vision.ID), map[string]any{
		"title": "NPS above 50", "kind": "increase", "baseline": 30, "target": 50, "current": 30, "unit": "NPS",
		"start_date": "2026-03-01", "due_date": "2026-06-30", "source": "metric", "metric_id": metricID})
	if r.Status != http.StatusCreated {
		t.Fatalf("create bound key result = %d %s", r.Status, r.Body)
	}
	var k goals.KeyResult
	r.JSON(t, &k)
	return k
}

func TestCustomerMetricsThroughTheAPI(t *testing.T) {
	for _, d := range storetest.Drivers(t) {
		t.Run(d, func(t *testing.T) {
			clock := storetest.NewClock(time.Date(2026, 4, 15, 12, 0, 0, 0, time.UTC))
			env := apitest.Start(t, d, apitest.Options{Now: clock.Now})
			base := fmt.Sprintf("/api/v1/workspaces/%d", env.Workspace.ID)
			post := func(path string, body any) {
				t.Helper()
				if r := env.Do(t, http.MethodPost, base+path, body); r.Status/100 != 2 {
					t.Fatalf("POST %s = %d %s", path, r.Status, r.Body)
				}
			}
			// Ten pro customers from January (two leave in February), and in February four free
			// ones who sign up through events only; February's revenue is 2,000.
			var customers []map[string]any
			for i := range 10 {
				customers = append(customers, map[string]any{"external_id": fmt.Sprint("p", i), "plan": "pro",
					"signup_at": fmt.Sprintf("2026-01-%02dT10:00:00Z", 5+i)})
			}
			post("/customers", map[string]any{"customers": customers})
			events := []map[string]any{
				{"customer_external_id": "p0", "name": "churned", "at": "2026-02-10T10:00:00Z"},
				{"customer_external_id": "p1", "name": "churned", "at": "2026-02-11T10:00:00Z"},
				{"customer_external_id": "p2", "name": "renewed", "at": "2026-02-01T10:00:00Z", "value": 2000},
			}
			for i := range 4 {
				id := fmt.Sprint("f", i)
				events = append(events, map[string]any{"customer_external_id": id, "name": "signed_up", "at": fmt.Sprintf("2026-02-%02dT09:00:00Z", 2+i)})
				if i < 3 {
					events = append(events, map[string]any{"customer_external_id": id, "name": "form_created", "at": fmt.Sprintf("2026-02-%02dT12:00:00Z", 2+i)})
				}
				if i < 1 {
					events = append(events, map[string]any{"customer_external_id": id, "name": "form_published", "at": fmt.Sprintf("2026-02-%02dT18:00:00Z", 2+i)})
				}
			}
			post("/customer-events", map[string]any{"events": events})

			var res metrics.CustomerResult
			r := env.Do(t, http.MethodGet, base+"/customer-metrics?from=2026-02-01&to=2026-03-01&every=month&margin=0.5&by=plan", nil)
			if r.Status != http.StatusOK {
				t.Fatalf("customer metrics = %d %s", r.Status, r.Body)
			}
			r.JSON(t, &res)
			feb := res.Periods[0]
			// S 10, N 4, lost 2, E 12: retention (12 − 4)/10 = 80%, churn 20%, ARPC 200, CLV 200 × 0.5 / 0.2 = 500.
			if len(res.Periods) != 1 || feb.AtStart != 10 || feb.New != 4 || feb.Lost != 2 || feb.AtEnd != 12 ||
				feb.Retention.Value != 80 || feb.Churn.Value != 20 || feb.ARPC != 200 || feb.CLV == nil || *feb.CLV != 500 {
				t.Errorf("February = %+v, want S 10, N 4, lost 2, E 12, retention 80, churn 20, ARPC 200, CLV 500", feb)
			}
			if len(res.Segments) != 2 || res.Segments[0].Value != "" || res.Segments[1].Value != "pro" || res.Segments[1].Periods[0].Lost != 2 {
				t.Errorf("segments = %+v, want the event-only customers (no plan) and pro with its 2 lost", res.Segments)
			}

			// Churn as a metric: February's 20% of 10, then March's 0% of 12 (tested against
			// February), by plan.
			var churn metrics.Result
			r = env.Do(t, http.MethodGet, base+"/metric-values?kind=churn&from=2026-02-01&to=2026-04-01&every=month&by=plan", nil)
			if r.Status != http.StatusOK {
				t.Fatalf("churn = %d %s", r.Status, r.Body)
			}
			r.JSON(t, &churn)
			if churn.Source != metrics.FromCustomers || len(churn.Points) != 2 || churn.Points[0].Value.Value != 20 || churn.Points[0].N != 10 ||
				churn.Points[1].N != 12 || churn.Points[1].Change == nil || churn.Points[1].Change.Method != "two-proportion-z" ||
				churn.Points[1].Change.Difference != -20 || churn.Total.Value != 20 || len(churn.Segments) != 2 {
				t.Errorf("churn by month = %+v, want February 20%% of 10, March 0%% of 12 tested against it, and two segments", churn)
			}
			// A key result bound to a saved churn metric takes its value.
			var def metrics.Definition
			if r := env.Do(t, http.MethodPost, base+"/metrics", map[string]any{"name": "Churn, 75 days", "kind": "churn", "window_days": 75,
				"filter": map[string]any{"plan": []string{"pro"}}}); r.Status != http.StatusCreated {
				t.Fatalf("create churn metric = %d %s", r.Status, r.Body)
			} else {
				r.JSON(t, &def)
			}
			kr := bindKeyResult(t, env, def.ID)
			var now metrics.Result
			r = env.Do(t, http.MethodGet, fmt.Sprintf("%s/metrics/%d/values?every=", base, def.ID), nil)
			r.JSON(t, &now)
			if kr.Current != now.Total.Value || now.Total.N != 10 || now.Total.Value != 20 {
				t.Errorf("churn key result = %v, metric %+v; want both 20%% of the 10 pro customers", kr.Current, now.Total)
			}
			if r := env.Do(t, http.MethodGet, base+"/metric-values?kind=churn&filter=plan:pro&by=region", nil); r.Status != http.StatusBadRequest {
				t.Errorf("churn filtered on one dimension and broken down by another = %d, want 400", r.Status)
			}

			// CLV over February: 2,000 × 0.5 gross profit over 10 customers, divided by the
			// churn of 2 in 10: 500, its interval from the Wilson interval of that churn.
			var clv metrics.Result
			r = env.Do(t, http.MethodGet, base+"/metric-values?kind=clv&margin=0.5&from=2026-02-01&to=2026-03-01&every=", nil)
			if r.Status != http.StatusOK {
				t.Fatalf("clv = %d %s", r.Status, r.Body)
			}
			r.JSON(t, &clv)
			w := stats.Wilson(2, 10)
			if v := clv.Total; v.Value != 500 || v.N != 10 || !v.TooFew || math.Abs(v.Interval.Low-100/w.Interval.High) > 1e-3 ||
				math.Abs(v.Interval.High-100/w.Interval.Low) > 1e-3 {
				t.Errorf("clv = %+v, want 500 over 10 customers, interval 100/%.4f..100/%.4f", v.Estimate, w.Interval.High, w.Interval.Low)
			}
			if r := env.Do(t, http.MethodGet, base+"/metric-values?kind=clv&margin=1.5", nil); r.Status != http.StatusBadRequest {
				t.Errorf("clv with a margin of 1.5 = %d, want 400", r.Status)
			}

			// Conversion: 3 of the 4 February sign-ups created a form within 7 days; with a
			// 90-day window none of them has had all its time by mid-April, so none counts.
			var conv metrics.Result
			r = env.Do(t, http.MethodGet, base+"/metric-values?kind=conversion&event=form_created&within_days=7&from=2026-02-01&to=2026-03-01&every=", nil)
			if r.Status != http.StatusOK {
				t.Fatalf("conversion = %d %s", r.Status, r.Body)
			}
			r.JSON(t, &conv)
			if conv.Total.Value != 75 || conv.Total.N != 4 {
				t.Errorf("conversion = %+v, want 75%% of 4", conv.Total.Estimate)
			}
			r = env.Do(t, http.MethodGet, base+"/metric-values?kind=conversion&event=form_created&within_days=90&from=2026-02-01&to=2026-03-01&every=", nil)
			r.JSON(t, &conv)
			if conv.Total.N != 0 || conv.Total.Sample.Skipped != 4 {
				t.Errorf("conversion within 90 days = %+v, want none counted and 4 skipped", conv.Total)
			}
			if r := env.Do(t, http.MethodGet, base+"/metric-values?kind=conversion", nil); r.Status != http.StatusBadRequest {
				t.Errorf("conversion without an event = %d, want 400", r.Status)
			}
			// A key result bound to a saved conversion metric takes its value: the sign-ups of
			// the 75 days to mid-April are the four of February.
			var convDef metrics.Definition
			if r := env.Do(t, http.MethodPost, base+"/metrics", map[string]any{"name": "Form within a week", "kind": "conversion",
				"event": "form_created", "within_days": 7, "window_days": 75}); r.Status != http.StatusCreated {
				t.Fatalf("create conversion metric = %d %s", r.Status, r.Body)
			} else {
				r.JSON(t, &convDef)
			}
			if convDef.Event != "form_created" || convDef.Within != 7 {
				t.Errorf("saved conversion metric = %+v", convDef)
			}
			if kr := bindKeyResult(t, env, convDef.ID); kr.Current != 75 {
				t.Errorf("conversion key result = %v, want 75", kr.Current)
			}
			if r := env.Do(t, http.MethodPost, base+"/metrics", map[string]any{"name": "Bad", "kind": "churn", "event": "x"}); r.Status != http.StatusBadRequest &&
				r.Status != http.StatusUnprocessableEntity {
				t.Errorf("churn metric with an event = %d, want a validation error", r.Status)
			}

			// The journey's milestones: 3 of the 4 February sign-ups created a form, 1 published it.
			var m struct {
				ID     int64 `json:"id"`
				Stages []struct {
					ID int64 `json:"id"`
				} `json:"stages"`
			}
			r = env.Do(t, http.MethodPost, base+"/journeys", map[string]any{"name": "Form builder"})
			if r.Status != http.StatusCreated {
				t.Fatalf("journey = %d %s", r.Status, r.Body)
			}
			r.JSON(t, &m)
			for i, ev := range []string{"form_created", "form_published"} {
				post(fmt.Sprintf("/journeys/%d/touchpoints", m.ID), map[string]any{"stage_id": m.Stages[2+i].ID, "name": ev, "channel": "in_app", "event_name": ev})
			}
			var f metrics.Funnel
			r = env.Do(t, http.MethodGet, fmt.Sprintf("%s/journeys/%d/funnel?from=2026-02-01&to=2026-03-01&window_days=7", base, m.ID), nil)
			if r.Status != http.StatusOK {
				t.Fatalf("funnel = %d %s", r.Status, r.Body)
			}
			r.JSON(t, &f)
			if f.Started != 4 || len(f.Steps) != 2 || f.Steps[0].Reached != 3 || f.Steps[1].Reached != 1 || *f.Steps[0].MedianSeconds != 3*3600 {
				t.Errorf("funnel = %+v, want 4 started, 3 created a form (median 3 h), 1 published", f)
			}
		})
	}
}

func TestCustomMetricThroughTheAPI(t *testing.T) {
	for _, d := range storetest.Drivers(t) {
		t.Run(d, func(t *testing.T) {
			env := apitest.Start(t, d, apitest.Options{})
			base := fmt.Sprintf("/api/v1/workspaces/%d", env.Workspace.ID)
			// Six tickets, five with handling minutes (one of them not a number), one excluded.
			var items []map[string]any
			for i, m := range []string{"10", "20", "30", "40", "", "n/a"} {
				it := map[string]any{"source_kind": "ticket", "source": "helpdesk", "external_id": fmt.Sprint("t", i),
					"at": fmt.Sprintf("2026-03-%02dT10:00:00Z", 2+i), "question": "csat", "score": 4,
					"attributes": map[string]string{"handling_minutes": m, "channel": []string{"email", "chat"}[i%2]}}
				items = append(items, it)
			}
			items = append(items, map[string]any{"source_kind": "ticket", "source": "helpdesk", "external_id": "t-x", "excluded": true,
				"at": "2026-03-03T10:00:00Z", "attributes": map[string]string{"handling_minutes": "1000"}})
			if r := env.Do(t, http.MethodPost, base+"/feedback", map[string]any{"items": items}); r.Status != http.StatusOK {
				t.Fatalf("post feedback = %d %s", r.Status, r.Body)
			}
			var res metrics.Result
			get := func(query string) {
				t.Helper()
				r := env.Do(t, http.MethodGet, base+"/metric-values?from=2026-03-01&to=2026-04-01&every=&"+query, nil)
				if r.Status != http.StatusOK {
					t.Fatalf("GET metric-values?%s = %d %s", query, r.Status, r.Body)
				}
				r.JSON(t, &res)
			}
			get("kind=custom&variant=mean&attribute=handling_minutes&by=channel")
			if res.Total.Value != 25 || res.Total.N != 4 || res.Source != metrics.FromFeedback || len(res.Segments) != 2 {
				t.Errorf("mean handling minutes = %v over %d from %s, %d segments; want 25 over 4 from the feedback, 2 channels", res.Total.Value, res.Total.N, res.Source, len(res.Segments))
			}
			get("kind=custom&variant=sum&attribute=handling_minutes&filter=channel:email")
			if res.Total.Value != 40 { // 10 + 30
				t.Errorf("email minutes = %v, want 40", res.Total.Value)
			}
			get("kind=custom&filter=question:csat")
			if res.Total.Value != 6 {
				t.Errorf("CSAT tickets counted = %v, want 6 (the excluded one left out)", res.Total.Value)
			}
			r := env.Do(t, http.MethodGet, base+"/metric-values?kind=custom&variant=sum", nil)
			var p httpapi.Problem
			r.JSON(t, &p)
			if r.Status != http.StatusBadRequest || len(p.Errors) == 0 || p.Errors[0].Field != "attribute" {
				t.Errorf("a sum without attribute = %d %+v, want 400 naming attribute", r.Status, p.Errors)
			}
			if r := env.Do(t, http.MethodPost, base+"/metrics", map[string]any{"name": "Handling time", "kind": "custom", "variant": "mean",
				"attribute": "handling_minutes"}); r.Status != http.StatusCreated {
				t.Errorf("save a custom metric = %d %s", r.Status, r.Body)
			}
		})
	}
}
