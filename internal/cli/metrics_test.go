package cli

import (
	"encoding/csv"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/lodestar-cx/lodestar/internal/feedback"
	"github.com/lodestar-cx/lodestar/internal/metrics"
	"github.com/lodestar-cx/lodestar/internal/store"
	"github.com/lodestar-cx/lodestar/internal/store/storetest"
)

func TestMetricsCommands(t *testing.T) {
	for _, d := range storetest.Drivers(t) {
		t.Run(d, func(t *testing.T) {
			r := buildRoadmap(t, d)
			// Two weeks of NPS answers by plan: pro all promoters (NPS 100), free half promoters
			// and half detractors (NPS 0); 50 in all.
			var items []feedback.Item
			for i := range 60 {
				plan, s := "pro", 10.0
				if i%2 == 1 {
					plan, s = "free", float64(i%4*3) // 3 or 9
				}
				it := feedback.Item{SourceKind: feedback.Survey, Source: "survey", ExternalID: fmt.Sprint("r", i),
					At: time.Date(2026, 3, 2+i%14, 12, 0, 0, 0, time.UTC), Question: feedback.NPS, Score: &s,
					Attributes: map[string]string{"plan": plan}}
				it.Normalize()
				items = append(items, it)
			}
			if _, err := r.st.WriteFeedback(t.Context(), r.ws, &store.Batch{Items: items}); err != nil {
				t.Fatal(err)
			}
			span := []string{"--since", "2026-03-02", "--until", "2026-03-16"}
			out := r.ok(t, []string{"NPS", "counted from aggregates", "SEGMENT BUCKET VALUE LOW HIGH N",
				"all 2026-03-02..2026-03-15 50 ", "all 2026-W10", "all 2026-W11", "pro 2026-03-02..2026-03-15 100 ", "free 2026-03-02..2026-03-15 0 "},
				append([]string{"metrics", "nps", "--by", "plan", "--every", "week"}, span...)...)
			if !strings.Contains(out, "too few") {
				t.Errorf("weekly values of 30 answers or fewer are not marked too few:\n%s", out)
			}

			// CSV: a header, then one row per value, parseable.
			out = r.ok(t, nil, append([]string{"metrics", "nps", "--every", "none", "--format", "csv", "--filter", "plan:free"}, span...)...)
			recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
			if err != nil || len(recs) != 2 || recs[0][2] != "value" || recs[1][2] != "0" || recs[1][5] != "30" {
				t.Errorf("csv = %q, %v; want a header and the free plan's NPS 0 over 30", recs, err)
			}

			// JSON is the API's result.
			var res metrics.Result
			decode(t, r.ok(t, nil, append([]string{"metrics", "nps", "--format", "json", "--every", "day"}, span...)...), &res)
			if res.Total.N != 60 || len(res.Points) != 14 {
				t.Errorf("json: n %d over %d points, want 60 over 14 days", res.Total.N, len(res.Points))
			}

			// A custom metric counts the items.
			r.ok(t, []string{"CUSTOM count (count)", "all 2026-03-02..2026-03-15 60 60 60 60"},
				append([]string{"metrics", "custom", "--every", "none", "--filter", "question:nps"}, span...)...)

			// The aggregates check out, are rebuilt, and still check out.
			r.ok(t, []string{"all as a recomputation gives them"}, "metrics", "check")
			r.ok(t, []string{"rebuilt", "aggregate cells"}, "metrics", "rebuild")
			r.ok(t, []string{"all as a recomputation gives them"}, "metrics", "check")

			// Mistakes are named.
			for _, c := range []struct {
				args []string
				want string
			}{
				{[]string{"metrics", "csat", "--variant", "net_easy"}, "variant"},
				{[]string{"metrics", "nps", "--filter", "plan"}, "--filter"},
				{[]string{"metrics", "nps", "--format", "xml"}, "--format"},
				{[]string{"metrics", "nps", "--since", "soon"}, "since"},
			} {
				code, _, errs := r.run(t, c.args...)
				if code != 2 || !strings.Contains(errs, c.want) {
					t.Errorf("lodestar %s = exit %d, %q; want exit 2 naming %s", strings.Join(c.args, " "), code, errs, c.want)
				}
			}
		})
	}
}

func TestCustomerMetricsCommands(t *testing.T) {
	for _, d := range storetest.Drivers(t) {
		t.Run(d, func(t *testing.T) {
			r := buildRoadmap(t, d)
			// Four customers who sign up in February; one creates a form within a day, one
			// churns in March.
			b := &store.Batch{}
			for i := range 4 {
				id := fmt.Sprint("c", i)
				b.Events = append(b.Events, feedback.Event{CustomerExternalID: id, Name: feedback.EventSignedUp, At: time.Date(2026, 2, 2+i, 9, 0, 0, 0, time.UTC)})
			}
			b.Events = append(b.Events,
				feedback.Event{CustomerExternalID: "c0", Name: "form_created", At: time.Date(2026, 2, 2, 15, 0, 0, 0, time.UTC)},
				feedback.Event{CustomerExternalID: "c1", Name: feedback.EventChurned, At: time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)})
			if _, err := r.st.WriteFeedback(t.Context(), r.ws, b); err != nil {
				t.Fatal(err)
			}
			r.ok(t, []string{"SEGMENT PERIOD AT START NEW LOST AT END RETENTION % CHURN %", "all 2026-02 0 4 0 4", "all 2026-03 4 0 1 3 75 25"},
				"metrics", "customers", "--since", "2026-02-01", "--until", "2026-04-01")
			r.ok(t, []string{"CHURN", "counted from customers", "all 2026-03 25 ", "all 2026-04 0 "},
				"metrics", "churn", "--every", "month", "--since", "2026-03-01", "--until", "2026-05-01")
			r.ok(t, []string{"COHORT SIZE", "2026-02 4 100 75"}, "metrics", "cohorts", "--since", "2026-02-01", "--until", "2026-03-01")
			r.ok(t, []string{"4 customers signed up from 2026-02-01 to 2026-02-28", "First form form_created 1 25 25 6h0m0s"},
				"metrics", "funnel", "--journey", fmt.Sprint(r.journey), "--since", "2026-02-01", "--until", "2026-03-01", "--window-days", "7")
			// 1 of the 4 February sign-ups created a form within 7 days: 25%.
			r.ok(t, []string{"CONVERSION (%)", "all 2026-02-01..2026-02-28 25 4.5587 69.9358 4 too few"},
				"metrics", "conversion", "--event", "form_created", "--within", "7", "--every", "none", "--since", "2026-02-01", "--until", "2026-03-01")
			if code, _, errs := r.run(t, "metrics", "conversion", "--since", "2026-02-01"); code == 0 || !strings.Contains(errs, "event") {
				t.Errorf("conversion without --event = exit %d, %q", code, errs)
			}
			// No revenue, one churned of four in March: a CLV of 0.
			r.ok(t, []string{"CLV (gross profit per customer)", "all 2026-03-01..2026-03-31 0 0 0 4"}, "metrics", "clv", "--every", "none", "--since", "2026-03-01", "--until", "2026-04-01")
			if code, _, errs := r.run(t, "metrics", "funnel"); code != 2 || !strings.Contains(errs, "--journey") {
				t.Errorf("funnel without --journey = exit %d, %q", code, errs)
			}
		})
	}
}
