package cli

import (
	"encoding/csv"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/civil"
	"github.com/lodestar-cx/lodestar/internal/experiments"
	"github.com/lodestar-cx/lodestar/internal/feedback"
	"github.com/lodestar-cx/lodestar/internal/metrics"
	"github.com/lodestar-cx/lodestar/internal/store"
	"github.com/lodestar-cx/lodestar/internal/store/storetest"
)

func TestExperimentsCommands(t *testing.T) {
	for _, d := range storetest.Drivers(t) {
		t.Run(d, func(t *testing.T) {
			r := buildRoadmap(t, d)
			ctx := t.Context()
			// Two weeks of checkouts answered good (1) or bad (0): variant a converts 120 of 400,
			// variant b 150 of 400.
			good := feedback.ScaleGoodBad
			var items []feedback.Item
			for _, v := range []struct {
				name      string
				converted int
			}{{"a", 120}, {"b", 150}} {
				for i := range 400 {
					s := 0.0
					if i < v.converted {
						s = 1
					}
					it := feedback.Item{SourceKind: feedback.Survey, Source: "checkout", ExternalID: fmt.Sprint(v.name, i),
						At: time.Date(2026, 3, 2+i%14, 12, 0, 0, 0, time.UTC), Question: feedback.CSAT, Score: &s, Scale: &good,
						Attributes: map[string]string{"variant": v.name}}
					it.Normalize()
					items = append(items, it)
				}
			}
			if _, err := r.st.WriteFeedback(ctx, r.ws, &store.Batch{Items: items}); err != nil {
				t.Fatal(err)
			}
			in := experiments.Input{Name: "One-page checkout", Hypothesis: "One page converts more.", KeyResultID: r.keyResult,
				Metric: experiments.Metric{Kind: metrics.CSAT}, Dim: "variant",
				Variants: []experiments.Variant{{Name: "three pages", Values: []string{"a"}}, {Name: "one page", Values: []string{"b"}}},
				Start:    civil.Date{Year: 2026, Month: 3, Day: 2}, End: civil.Date{Year: 2026, Month: 3, Day: 16}}
			if err := in.Validate(); err != nil {
				t.Fatal(err)
			}
			x, err := r.st.CreateExperiment(ctx, audit.System, r.ws, in)
			if err != nil {
				t.Fatal(err)
			}
			id := fmt.Sprint(x.ID)
			status := x.StatusOn(civil.Of(time.Now().UTC()))

			r.ok(t, []string{"ID NAME STATUS METRIC DIM VARIANTS START LAST DAY LAST DECISION",
				id + " One-page checkout " + string(status) + " csat satisfied variant three pages, one page 2026-03-02 2026-03-15 -"},
				"experiments", "list")
			out := r.ok(t, nil, "experiments", "list", "--format", "csv")
			recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
			if err != nil || len(recs) != 2 || recs[0][2] != "status" || recs[1][0] != id || recs[1][5] != "three pages, one page" {
				t.Errorf("list csv = %q, %v", recs, err)
			}
			var list struct{ Items []experiments.Experiment }
			decode(t, r.ok(t, nil, "experiments", "list", "--format", "json"), &list)
			if len(list.Items) != 1 || list.Items[0].Status != status {
				t.Errorf("list json = %+v", list.Items)
			}
			r.ok(t, []string{`experiment ` + id + ` "One-page checkout"`, "hypothesis One page converts more.", "metric csat satisfied",
				"days 2026-03-02 to 2026-03-15", fmt.Sprintf("key result %d", r.keyResult), "variants by variant:", "three pages (control) a", "one page b"},
				"experiments", "show", "--id", id)

			// The results, to four decimals: z = 2.2431, p = 0.0249.
			out = r.ok(t, []string{"csat satisfied (%) by variant, 2026-03-02 to 2026-03-15, counted from feedback",
				"VARIANT VALUES VALUE LOW HIGH N DIFFERENCE", "three pages (control) a 30 ", " 400 ",
				"one page b 37.5 ", " 7.5 ", "two-proportion-z 2.2431 0.0249 ", " significant"},
				"experiments", "results", "--id", id)
			if strings.Contains(out, "not significant") {
				t.Errorf("results:\n%s", out)
			}
			out = r.ok(t, nil, "experiments", "results", "--id", id, "--format", "csv")
			recs, err = csv.NewReader(strings.NewReader(out)).ReadAll()
			if err != nil || len(recs) != 3 || recs[0][11] != "p" || recs[2][2] != "37.5" || recs[2][5] != "400" || recs[2][11] != "0.0249" || recs[2][13] != "significant" {
				t.Errorf("results csv = %q, %v", recs, err)
			}
			var res experiments.Results
			decode(t, r.ok(t, nil, "experiments", "results", "--id", id, "--format", "json"), &res)
			if len(res.Variants) != 2 || res.Variants[1].Test == nil || res.Variants[1].MDE == nil {
				t.Errorf("results json = %+v", res)
			}

			// Decide: iterate, then ship; the key result takes the shipped value.
			r.ok(t, []string{"iterate", "logged; now " + string(status)}, "experiments", "decide", "--id", id, "--decision", "iterate", "--note", "one more week")
			r.ok(t, []string{"ship one page", "now concluded", fmt.Sprintf("key result %d set to 37.5 (n 400, 95%% interval", r.keyResult)},
				"experiments", "decide", "--id", id, "--decision", "ship", "--note", "clear win")
			k, err := r.st.KeyResult(ctx, r.ws, r.keyResult)
			if err != nil || k.Current != 37.5 {
				t.Errorf("key result after ship: %v, %v; want 37.5", k.Current, err)
			}
			hist, _, err := r.st.KeyResultValues(ctx, r.ws, r.keyResult, store.Page{})
			if h := hist[len(hist)-1]; err != nil || h.Source != "experiment" || h.N == nil || *h.N != 400 {
				t.Errorf("key result history ends with %+v, %v", h, err)
			}
			r.ok(t, []string{"decisions:", "iterate - - one more week", "ship one page 37.5 (n 400) on key result"}, "experiments", "show", "--id", id)

			// Mistakes are named, on the command line (exit 2) or from the store (exit 1).
			for _, c := range []struct {
				args []string
				code int
				want string
			}{
				{[]string{"experiments", "decide", "--id", id, "--decision", "stop"}, 1, "concluded"},
				{[]string{"experiments", "decide", "--id", id, "--decision", "maybe"}, 2, "--decision"},
				{[]string{"experiments", "decide", "--id", id, "--decision", "stop", "--variant", "x"}, 2, "--variant"},
				{[]string{"experiments", "results"}, 2, "--id"},
				{[]string{"experiments", "results", "--id", id, "--format", "xml"}, 2, "--format"},
				{[]string{"experiments", "show", "--id", id, "--format", "csv"}, 2, "--format"},
				{[]string{"experiments", "show", "--id", "999999"}, 1, "not found"},
			} {
				code, _, errs := r.run(t, c.args...)
				if code != c.code || !strings.Contains(errs, c.want) {
					t.Errorf("lodestar %s = exit %d, %q; want exit %d naming %s", strings.Join(c.args, " "), code, errs, c.code, c.want)
				}
			}
		})
	}
}
