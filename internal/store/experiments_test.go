package store_test

import (
	"errors"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/civil"
	"github.com/lodestar-cx/lodestar/internal/experiments"
	"github.com/lodestar-cx/lodestar/internal/fault"
	"github.com/lodestar-cx/lodestar/internal/feedback"
	"github.com/lodestar-cx/lodestar/internal/goals"
	"github.com/lodestar-cx/lodestar/internal/metrics"
	"github.com/lodestar-cx/lodestar/internal/stats"
	"github.com/lodestar-cx/lodestar/internal/store"
	"github.com/lodestar-cx/lodestar/internal/store/storetest"
)

// The experiment's span: the first two weeks of March 2026.
var (
	expStart = civil.Date{Year: 2026, Month: 3, Day: 1}
	expEnd   = civil.Date{Year: 2026, Month: 3, Day: 15}
)

// expAnswers builds answers to question q: counts[score] answers of each score, on scale sc,
// spread over the span's days, with attributes attrs. ids are prefixed so that sets differ.
func expAnswers(prefix string, q feedback.Question, sc *feedback.Scale, counts map[float64]int, attrs map[string]string) []feedback.Item {
	var out []feedback.Item
	i := 0
	for _, score := range []float64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10} {
		for range counts[score] {
			s := score
			it := feedback.Item{SourceKind: feedback.Survey, Source: "survey", ExternalID: fmt.Sprintf("%s-%d", prefix, i),
				At: time.Date(2026, 3, 1+i%14, 10, 0, 0, 0, time.UTC), Question: q, Score: &s, Scale: sc, Attributes: attrs}
			it.Normalize()
			out = append(out, it)
			i++
		}
	}
	return out
}

func write(t *testing.T, s *store.Store, ws int64, items []feedback.Item) {
	t.Helper()
	if _, err := s.WriteFeedback(t.Context(), ws, &store.Batch{Items: items}); err != nil {
		t.Fatal(err)
	}
}

func mustExperiment(t *testing.T, s *store.Store, ws int64, in experiments.Input) experiments.Experiment {
	t.Helper()
	if err := in.Validate(); err != nil {
		t.Fatal(err)
	}
	e, err := s.CreateExperiment(t.Context(), audit.System, ws, in)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func twoArms(dim, control, treatment string, m experiments.Metric) experiments.Input {
	return experiments.Input{Name: fmt.Sprintf("%s %s by %s", m.Kind, m.Variant, dim), Hypothesis: "the new flow converts more",
		Metric: m, Dim: dim, Start: expStart, End: expEnd,
		Variants: []experiments.Variant{{Name: "control", Values: []string{control}}, {Name: "treatment", Values: []string{treatment}}}}
}

// pNormal is the two-sided p-value of z, from the complementary error function: computed
// apart from package stats (which uses gonum's distributions).
func pNormal(z float64) float64 { return math.Erfc(math.Abs(z) / math.Sqrt2) }

// pStudent is the two-sided p-value of t with df degrees of freedom, by Simpson's rule over
// Student's density from 0 to |t|.
func pStudent(t, df float64) float64 {
	lg1, _ := math.Lgamma((df + 1) / 2)
	lg2, _ := math.Lgamma(df / 2)
	c := math.Exp(lg1-lg2) / math.Sqrt(df*math.Pi)
	f := func(x float64) float64 { return c * math.Pow(1+x*x/df, -(df+1)/2) }
	const steps = 20000
	h := math.Abs(t) / steps
	sum := f(0) + f(math.Abs(t))
	for i := 1; i < steps; i++ {
		w := 2.0
		if i%2 == 1 {
			w = 4
		}
		sum += w * f(float64(i)*h)
	}
	return 1 - 2*sum*h/3
}

func near4(a, b float64) bool { return math.Abs(a-b) < 5e-5 }

// Known answers, posted through the store: a conversion (a good/bad CSAT, 120 of 400 good in
// the control against 150 of 400), an NPS and a CES mean, each split by a "variant" attribute
// that the aggregates do not keep, and the conversion again split by plan, which they do. The
// tests and their p-values are computed here by hand, to four decimals.
func TestExperimentResultsKnownAnswers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		ws, other := twoWorkspaces(t, s)
		good := feedback.ScaleGoodBad
		a := map[string]string{"variant": "a", "plan": "free"}
		b := map[string]string{"variant": "b", "plan": "pro"}
		var items []feedback.Item
		items = append(items, expAnswers("conv-a", feedback.CSAT, &good, map[float64]int{1: 120, 0: 280}, a)...)
		items = append(items, expAnswers("conv-b", feedback.CSAT, &good, map[float64]int{1: 150, 0: 250}, b)...)
		items = append(items, expAnswers("nps-a", feedback.NPS, nil, map[float64]int{10: 120, 9: 80, 8: 60, 7: 40, 5: 50, 0: 50}, a)...)
		items = append(items, expAnswers("nps-b", feedback.NPS, nil, map[float64]int{10: 140, 9: 100, 7: 90, 3: 70}, b)...)
		items = append(items, expAnswers("ces-a", feedback.CES, nil, map[float64]int{3: 10, 4: 15, 5: 10, 6: 5}, a)...)
		items = append(items, expAnswers("ces-b", feedback.CES, nil, map[float64]int{3: 5, 4: 10, 5: 20, 6: 15}, b)...)
		// Noise that must not count: a third variant, answers outside the span, and the same
		// answers in another workspace.
		items = append(items, expAnswers("conv-c", feedback.CSAT, &good, map[float64]int{1: 50}, map[string]string{"variant": "c", "plan": "team"})...)
		late := expAnswers("late", feedback.CSAT, &good, map[float64]int{0: 30}, a)
		for i := range late {
			late[i].At = time.Date(2026, 3, 15, 0, 30, 0, 0, time.UTC) // the end day: outside [start, end)
		}
		early := expAnswers("early", feedback.CSAT, &good, map[float64]int{1: 30}, b)
		for i := range early {
			early[i].At = time.Date(2026, 2, 28, 23, 0, 0, 0, time.UTC)
		}
		items = append(append(items, late...), early...)
		write(t, s, ws, items)
		write(t, s, other, expAnswers("theirs", feedback.CSAT, &good, map[float64]int{1: 400}, a))

		results := func(e experiments.Experiment) experiments.Results {
			t.Helper()
			res, err := experiments.Evaluate(ctx, s, ws, e)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Variants) != 2 || !res.Variants[0].Control || res.Variants[0].Test != nil || res.Variants[1].Test == nil {
				t.Fatalf("results = %+v, want the control then a tested treatment", res)
			}
			return res
		}

		// Conversion: 30 % against 37.5 %; pooled share 270/800, z = 0.075 / √(p̄(1−p̄)(2/400)).
		pool := 270.0 / 800
		z := 0.075 / math.Sqrt(pool*(1-pool)*(2.0/400))
		for _, c := range []struct {
			dim, control, treatment, source string
		}{{"variant", "a", "b", metrics.FromFeedback}, {"plan", "free", "pro", metrics.FromAggregates}} {
			e := mustExperiment(t, s, ws, twoArms(c.dim, c.control, c.treatment, experiments.Metric{Kind: metrics.CSAT, Variant: metrics.Satisfied}))
			res := results(e)
			ctl, trt := res.Variants[0], res.Variants[1]
			if res.Source != c.source || res.Form != metrics.Share {
				t.Errorf("by %s: source %s form %s, want %s share", c.dim, res.Source, res.Form, c.source)
			}
			if ctl.Value.Value != 30 || ctl.N != 400 || trt.Value.Value != 37.5 || trt.N != 400 {
				t.Errorf("by %s: control %v over %d, treatment %v over %d; want 30 over 400 and 37.5 over 400", c.dim, ctl.Value.Value, ctl.N, trt.Value.Value, trt.N)
			}
			tt := trt.Test
			if tt.Method != "two-proportion-z" || !near4(tt.Difference, 7.5) || !near4(tt.Statistic, z) || !near4(tt.P, pNormal(z)) {
				t.Errorf("by %s: test %+v, want two-proportion z = %.4f, p = %.4f", c.dim, tt, z, pNormal(z))
			}
			if !near4(z, 2.2431) || !near4(pNormal(z), 0.0249) {
				t.Errorf("hand computation: z = %v, p = %v; want 2.2431 and 0.0249", z, pNormal(z))
			}
			if trt.Verdict != experiments.Significant {
				t.Errorf("by %s: verdict %q, want significant", c.dim, trt.Verdict)
			}
			// The MDE, in percentage points, solves the power equation of the pooled z test.
			if trt.MDE == nil {
				t.Fatalf("by %s: no MDE", c.dim)
			}
			d := *trt.MDE / 100
			p2 := 0.3 + d
			pbar := (0.3 + p2) / 2
			rhs := 1.959964*math.Sqrt(pbar*(1-pbar)*2/400) + 0.841621*math.Sqrt((0.3*0.7+p2*(1-p2))/400)
			if math.Abs(d-rhs) > 1e-5 {
				t.Errorf("by %s: MDE %v points, but the power equation gives %v", c.dim, *trt.MDE, 100*rhs)
			}
		}

		// NPS: control 200 promoters, 100 passives, 100 detractors (25); treatment 240, 90, 70
		// (42.5). z on the adjusted-Wald difference: three answers added, ¾ of one each to
		// promoters and detractors.
		adj := func(p, d, n float64) (float64, float64) {
			pp, dd := (p+0.75)/(n+3), (d+0.75)/(n+3)
			return pp - dd, (pp + dd - (pp-dd)*(pp-dd)) / (n + 3)
		}
		na, va := adj(240, 70, 400)
		nb, vb := adj(200, 100, 400)
		zn := (na - nb) / math.Sqrt(va+vb)
		e := mustExperiment(t, s, ws, twoArms("variant", "a", "b", experiments.Metric{Kind: metrics.NPS}))
		res := results(e)
		ctl, trt := res.Variants[0], res.Variants[1]
		if ctl.Value.Value != 25 || trt.Value.Value != 42.5 || ctl.N != 400 || trt.N != 400 {
			t.Errorf("NPS: control %v over %d, treatment %v over %d; want 25 and 42.5 over 400", ctl.Value.Value, ctl.N, trt.Value.Value, trt.N)
		}
		if tt := trt.Test; tt.Method != "adjusted-wald-z" || !near4(tt.Difference, 17.5) || !near4(tt.Statistic, zn) || !near4(tt.P, pNormal(zn)) {
			t.Errorf("NPS test %+v, want z = %.4f, p = %.4f", tt, zn, pNormal(zn))
		}
		if !near4(zn, 3.0802) || !near4(pNormal(zn), 0.0021) {
			t.Errorf("hand computation: z = %v, p = %v; want 3.0802 and 0.0021", zn, pNormal(zn))
		}
		// MDE from the control's adjusted shares: 100 · (z + z_β) · √(v · (1/400 + 1/400)).
		pp, dd := 200.75/403, 100.75/403
		wantMDE := 100 * (1.959964 + 0.841621) * math.Sqrt((pp+dd-(pp-dd)*(pp-dd))*2/400)
		if trt.MDE == nil || math.Abs(*trt.MDE-wantMDE) > 1e-3 {
			t.Errorf("NPS MDE = %v, want %.4f", trt.MDE, wantMDE)
		}

		// CES mean: control 10×3, 15×4, 10×5, 5×6 (4.25 over 40); treatment 5×3, 10×4, 20×5,
		// 15×6 (4.9 over 50). Welch's t with the Welch–Satterthwaite degrees of freedom.
		ma, sa := 4.25, (760-40*4.25*4.25)/39
		mb, sb := 4.9, (1245-50*4.9*4.9)/49
		se2 := sa/40 + sb/50
		tw := (mb - ma) / math.Sqrt(se2)
		df := se2 * se2 / ((sa/40)*(sa/40)/39 + (sb/50)*(sb/50)/49)
		e = mustExperiment(t, s, ws, twoArms("variant", "a", "b", experiments.Metric{Kind: metrics.CES, Variant: metrics.Mean}))
		res = results(e)
		ctl, trt = res.Variants[0], res.Variants[1]
		if ctl.Value.Value != 4.25 || trt.Value.Value != 4.9 || ctl.N != 40 || trt.N != 50 || res.Form != metrics.Avg {
			t.Errorf("CES: control %v over %d, treatment %v over %d (%s); want means 4.25 over 40 and 4.9 over 50", ctl.Value.Value, ctl.N, trt.Value.Value, trt.N, res.Form)
		}
		if tt := trt.Test; tt.Method != "welch-t" || !near4(tt.Difference, 0.65) || !near4(tt.Statistic, tw) || math.Abs(tt.DF-df) > 1e-6 || !near4(tt.P, pStudent(tw, df)) {
			t.Errorf("CES test %+v, want t = %.4f, df = %.4f, p = %.4f", tt, tw, df, pStudent(tw, df))
		}
		if !near4(tw, 3.1641) || math.Abs(df-82.65) > 0.01 {
			t.Errorf("hand computation: t = %v, df = %v; want 3.1641 over 82.65", tw, df)
		}
		if trt.Verdict != experiments.Significant {
			t.Errorf("CES verdict %q, want significant", trt.Verdict)
		}
	})
}

// Variants by a customer dimension: churn, and conversion to a milestone, of customers on two
// plans.
func TestExperimentByCustomerPlan(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		ws, _ := twoWorkspaces(t, s)
		b := &store.Batch{}
		for i := range 80 {
			plan := "basic"
			if i%2 == 1 {
				plan = "plus"
			}
			id := fmt.Sprint("c", i)
			b.Customers = append(b.Customers, feedback.Customer{ExternalID: id, Plan: plan, SignupAt: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)})
			// Of 40 on each plan, 10 basic and 2 plus customers churn in the span.
			if (plan == "basic" && i < 20) || (plan == "plus" && i < 4) {
				b.Events = append(b.Events, feedback.Event{CustomerExternalID: id, Name: feedback.EventChurned, At: time.Date(2026, 3, 5, 9, 0, 0, 0, time.UTC)})
			}
		}
		if _, err := s.WriteFeedback(ctx, ws, b); err != nil {
			t.Fatal(err)
		}
		e := mustExperiment(t, s, ws, twoArms("plan", "basic", "plus", experiments.Metric{Kind: metrics.Churn}))
		res, err := experiments.Evaluate(ctx, s, ws, e)
		if err != nil {
			t.Fatal(err)
		}
		ctl, trt := res.Variants[0], res.Variants[1]
		pool := 12.0 / 80
		z := -0.2 / math.Sqrt(pool*(1-pool)*(2.0/40))
		if res.Source != metrics.FromCustomers || ctl.Value.Value != 25 || trt.Value.Value != 5 || ctl.N != 40 || trt.N != 40 {
			t.Errorf("churn by plan: %s, control %v over %d, treatment %v over %d; want 25 %% and 5 %% over 40 from customers",
				res.Source, ctl.Value.Value, ctl.N, trt.Value.Value, trt.N)
		}
		if tt := trt.Test; tt.Method != "two-proportion-z" || !near4(tt.Statistic, z) || !near4(tt.P, pNormal(z)) || !near4(tt.P, 0.0122) {
			t.Errorf("churn test %+v, want z = %.4f, p = %.4f (0.0122)", tt, z, pNormal(z))
		}

		// Conversion of the customers who sign up in the span: 12 of 40 basic customers publish
		// a form within 30 days of signing up, 20 of 40 plus customers.
		b = &store.Batch{}
		for i := range 80 {
			plan, converts := "basic", i/2 < 12
			if i%2 == 1 {
				plan, converts = "plus", i/2 < 20
			}
			id := fmt.Sprint("new", i)
			signup := time.Date(2026, 3, 2+i%10, 9, 0, 0, 0, time.UTC)
			b.Customers = append(b.Customers, feedback.Customer{ExternalID: id, Plan: plan, SignupAt: signup})
			if converts {
				b.Events = append(b.Events, feedback.Event{CustomerExternalID: id, Name: "form_published", At: signup.Add(72 * time.Hour)})
			}
		}
		// A form published after the 30 days does not count.
		b.Events = append(b.Events, feedback.Event{CustomerExternalID: "new78", Name: "form_published", At: time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)})
		if _, err := s.WriteFeedback(ctx, ws, b); err != nil {
			t.Fatal(err)
		}
		conv := twoArms("plan", "basic", "plus", experiments.Metric{Kind: metrics.Conversion, Event: "form_published"})
		conv.Name = "conversion by plan"
		e = mustExperiment(t, s, ws, conv)
		if res, err = experiments.Evaluate(ctx, s, ws, e); err != nil {
			t.Fatal(err)
		}
		ctl, trt = res.Variants[0], res.Variants[1]
		pool = 32.0 / 80
		z = 0.2 / math.Sqrt(pool*(1-pool)*(2.0/40))
		if ctl.Value.Value != 30 || trt.Value.Value != 50 || ctl.N != 40 || trt.N != 40 {
			t.Errorf("conversion by plan: control %v over %d, treatment %v over %d; want 30 %% and 50 %% over 40", ctl.Value.Value, ctl.N, trt.Value.Value, trt.N)
		}
		if tt := trt.Test; tt.Method != "two-proportion-z" || !near4(tt.Statistic, z) || !near4(tt.P, pNormal(z)) || !near4(tt.P, 0.0679) || trt.Verdict != experiments.NotSignificant {
			t.Errorf("conversion test %+v (%s), want z = %.4f, p = %.4f (0.0679), not significant", tt, trt.Verdict, z, pNormal(z))
		}
	})
}

func TestExperimentDecisionsAndKeyResult(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		ws, other := twoWorkspaces(t, s)
		ana := audit.Actor{UserID: mustUser(t, s, "cara@example.com").ID}
		vision, err := s.CreateGoal(ctx, audit.System, ws, goals.GoalInput{Title: "Vision", Status: goals.Active, Weight: ptrTo(1.0)})
		if err != nil {
			t.Fatal(err)
		}
		krIn := goals.KeyResultInput{Title: "Onboarding CSAT", Kind: goals.Increase, Baseline: 30, Target: 40,
			DueDate: civil.Date{Year: 2026, Month: 12, Day: 31}}
		if err := krIn.Validate(); err != nil {
			t.Fatal(err)
		}
		kr, err := s.CreateKeyResult(ctx, audit.System, ws, vision.ID, krIn)
		if err != nil {
			t.Fatal(err)
		}
		it := mustInitiative(t, s, ws, "Shorter sign-up form")
		good := feedback.ScaleGoodBad
		write(t, s, ws, append(expAnswers("a", feedback.CSAT, &good, map[float64]int{1: 120, 0: 280}, map[string]string{"variant": "a"}),
			expAnswers("b", feedback.CSAT, &good, map[float64]int{1: 150, 0: 250}, map[string]string{"variant": "b"})...))

		in := twoArms("variant", "a", "b", experiments.Metric{Kind: metrics.CSAT})
		in.InitiativeID, in.KeyResultID = it.ID, kr.ID
		e := mustExperiment(t, s, ws, in)
		if e.Version != 1 || e.InitiativeID != it.ID || e.KeyResultID != kr.ID || len(e.Decisions) != 0 || e.Metric.Variant != metrics.Satisfied {
			t.Fatalf("created %+v", e)
		}
		if got := e.StatusOn(civil.Date{Year: 2026, Month: 3, Day: 20}); got != experiments.Ended {
			t.Errorf("status after the end = %s, want ended", got)
		}

		// Another workspace sees nothing of it.
		if _, err := s.Experiment(ctx, other, e.ID); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("read from another workspace: %v, want not found", err)
		}
		if _, err := s.DecideExperiment(ctx, ana, other, e.ID, 1, experiments.DecisionInput{Decision: experiments.Stop}); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("decide from another workspace: %v, want not found", err)
		}
		if err := s.DeleteExperiment(ctx, audit.System, other, e.ID, 1); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("delete from another workspace: %v, want not found", err)
		}
		if _, err := s.ReplaceExperiment(ctx, audit.System, other, e.ID, 1, in); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("replace from another workspace: %v, want not found", err)
		}

		// Iterate: logged, the version moves, the experiment stays open.
		e, err = s.DecideExperiment(ctx, ana, ws, e.ID, 1, experiments.DecisionInput{Decision: experiments.Iterate, Note: "needs a week more"})
		if err != nil {
			t.Fatal(err)
		}
		if e.Version != 2 || len(e.Decisions) != 1 || e.Decisions[0].Decision != experiments.Iterate || e.Decisions[0].ByUserID != ana.UserID ||
			e.Decisions[0].Note != "needs a week more" || e.Decisions[0].Recorded != nil {
			t.Fatalf("after iterate: %+v", e)
		}
		if _, done := e.Concluded(); done {
			t.Errorf("iterate concluded the experiment")
		}
		// A decision on an old version is stale, and changes nothing.
		if _, err := s.DecideExperiment(ctx, ana, ws, e.ID, 1, experiments.DecisionInput{Decision: experiments.Stop}); !errors.Is(err, fault.ErrStale) {
			t.Errorf("decision at version 1: %v, want stale", err)
		}
		// Shipping the control, or a variant it does not have, is refused by field.
		for _, v := range []string{"control", "nope"} {
			var inv *fault.InvalidError
			if _, err := s.DecideExperiment(ctx, ana, ws, e.ID, 2, experiments.DecisionInput{Decision: experiments.Ship, Variant: v}); !errors.As(err, &inv) || inv.Fields[0].Field != "variant" {
				t.Errorf("ship %q: %v, want invalid variant", v, err)
			}
		}
		// A decision whose recorded value names another key result rolls back whole.
		other2, err := s.CreateKeyResult(ctx, audit.System, ws, vision.ID, krIn)
		if err != nil {
			t.Fatal(err)
		}
		bad := experiments.Decision{Decision: experiments.Ship, Variant: "treatment", Recorded: &experiments.Recorded{KeyResultID: other2.ID, Value: 99, N: 1}}
		if _, err := s.AppendExperimentDecision(ctx, ana, ws, e.ID, 2, bad); !errors.Is(err, fault.ErrConflict) {
			t.Errorf("decision recording on another key result: %v, want conflict", err)
		}
		if again, _ := s.Experiment(ctx, ws, e.ID); again.Version != 2 || len(again.Decisions) != 1 {
			t.Errorf("after the refused decision: version %d, %d decisions; want 2 and 1", again.Version, len(again.Decisions))
		}

		// Ship, naming no variant: the only treatment ships, and its value goes on the key
		// result with n and interval.
		res, err := experiments.Evaluate(ctx, s, ws, e)
		if err != nil {
			t.Fatal(err)
		}
		trt := res.Variants[1]
		e, err = s.DecideExperiment(ctx, ana, ws, e.ID, 2, experiments.DecisionInput{Decision: experiments.Ship, Note: "significant"})
		if err != nil {
			t.Fatal(err)
		}
		last := e.Decisions[len(e.Decisions)-1]
		want := experiments.Recorded{KeyResultID: kr.ID, Value: 37.5, N: 400, Interval: stats.Interval{Low: trt.Interval.Low, High: trt.Interval.High}}
		if e.Version != 3 || last.Decision != experiments.Ship || last.Variant != "treatment" || last.Recorded == nil || *last.Recorded != want {
			t.Fatalf("after ship: version %d, last decision %+v (recorded %+v); want treatment shipped with %+v", e.Version, last, last.Recorded, want)
		}
		if e.StatusOn(expStart) != experiments.Concluded {
			t.Errorf("status after ship = %s, want concluded", e.StatusOn(expStart))
		}
		k, err := s.KeyResult(ctx, ws, kr.ID)
		if err != nil {
			t.Fatal(err)
		}
		if k.Current != 37.5 || k.Version != kr.Version+1 {
			t.Errorf("key result after ship: current %v version %d, want 37.5 at version %d", k.Current, k.Version, kr.Version+1)
		}
		hist, _, err := s.KeyResultValues(ctx, ws, kr.ID, store.Page{})
		if err != nil {
			t.Fatal(err)
		}
		h := hist[len(hist)-1]
		if len(hist) != 2 || h.Source != "experiment" || h.Value != 37.5 || h.N == nil || *h.N != 400 || h.Interval == nil ||
			h.Interval.Low != trt.Interval.Low || h.Interval.High != trt.Interval.High || h.ActorUserID != ana.UserID {
			t.Errorf("key result history = %+v (last %+v), want the shipped 37.5 over 400 with its interval", hist, h)
		}
		entries, _, err := s.AuditEntries(ctx, ws, audit.Filter{Entity: "experiment_decision"}, store.Page{})
		if err != nil || len(entries) != 2 || entries[1].ActorUserID != ana.UserID {
			t.Errorf("audit of decisions = %+v, %v; want two, by the decider", entries, err)
		}
		if entries, _, _ := s.AuditEntries(ctx, ws, audit.Filter{Entity: "key_result"}, store.Page{}); len(entries) == 0 || entries[len(entries)-1].Action != audit.Update {
			t.Errorf("the key result's change is not audited: %+v", entries)
		}

		// Concluded: no more decisions, no changes; deleting is allowed, and keeps the key
		// result's history.
		var conflict *fault.ConflictError
		if _, err := s.DecideExperiment(ctx, ana, ws, e.ID, 3, experiments.DecisionInput{Decision: experiments.Stop}); !errors.As(err, &conflict) {
			t.Errorf("decision after ship: %v, want conflict", err)
		}
		if _, err := s.ReplaceExperiment(ctx, audit.System, ws, e.ID, 3, in); !errors.As(err, &conflict) {
			t.Errorf("replace after ship: %v, want conflict", err)
		}
		if err := s.DeleteExperiment(ctx, audit.System, ws, e.ID, 2); !errors.Is(err, fault.ErrStale) {
			t.Errorf("delete at an old version: %v, want stale", err)
		}
		if err := s.DeleteExperiment(ctx, audit.System, ws, e.ID, 3); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Experiment(ctx, ws, e.ID); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("read after delete: %v", err)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM experiment_decisions WHERE experiment_id = $1`, e.ID); n != 0 {
			t.Errorf("%d decisions left after delete", n)
		}
		if hist, _, _ := s.KeyResultValues(ctx, ws, kr.ID, store.Page{}); len(hist) != 2 {
			t.Errorf("key result history after delete: %d values, want 2", len(hist))
		}
	})
}

func TestExperimentDefinitions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		ws, other := twoWorkspaces(t, s)
		theirs := mustInitiative(t, s, other, "Theirs")
		in := twoArms("variant", "a", "b", experiments.Metric{Kind: metrics.CES, Variant: metrics.Mean, Scale: &feedback.Scale{Min: 1, Max: 5},
			Filter: metrics.Filter{"plan": {"pro", "team"}}})
		in.Variants = append(in.Variants, experiments.Variant{Name: "bold", Values: []string{"c", "d"}})
		e := mustExperiment(t, s, ws, in)
		got, err := s.Experiment(ctx, ws, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Metric.Scale == nil || *got.Metric.Scale != (feedback.Scale{Min: 1, Max: 5}) || len(got.Metric.Filter["plan"]) != 2 ||
			len(got.Variants) != 3 || got.Variants[2].Values[1] != "d" || got.Start != expStart || got.End != expEnd || got.Dim != "variant" {
			t.Errorf("read back %+v", got)
		}
		// The metric's query for a variant keeps the segment and adds the variant's values.
		q := got.Query(got.Variants[2])
		if len(q.Filter) != 2 || q.Filter["variant"][1] != "d" || q.From != expStart || q.To != expEnd || q.Every != "" {
			t.Errorf("query of variant bold = %+v", q)
		}

		// Links must be of the workspace; names are unique in it.
		bad := in
		bad.Name, bad.InitiativeID = "other", theirs.ID
		var inv *fault.InvalidError
		if _, err := s.CreateExperiment(ctx, audit.System, ws, bad); !errors.As(err, &inv) || inv.Fields[0].Field != "initiative_id" {
			t.Errorf("initiative of another workspace: %v", err)
		}
		bad = in
		bad.Name, bad.KeyResultID = "other", 999999
		if _, err := s.CreateExperiment(ctx, audit.System, ws, bad); !errors.As(err, &inv) || inv.Fields[0].Field != "key_result_id" {
			t.Errorf("unknown key result: %v", err)
		}
		if _, err := s.CreateExperiment(ctx, audit.System, ws, in); !errors.As(err, &inv) || inv.Fields[0].Field != "name" {
			t.Errorf("same name twice: %v", err)
		}
		if _, err := s.CreateExperiment(ctx, audit.System, other, in); err != nil {
			t.Errorf("the same name in another workspace: %v", err)
		}

		// Replace at the version read; a second replace at the same version is stale.
		in.Name, in.End = "renamed", civil.Date{Year: 2026, Month: 3, Day: 29}
		r, err := s.ReplaceExperiment(ctx, audit.System, ws, e.ID, 1, in)
		if err != nil {
			t.Fatal(err)
		}
		if r.Version != 2 || r.Name != "renamed" || r.End != in.End {
			t.Errorf("replaced: %+v", r)
		}
		if _, err := s.ReplaceExperiment(ctx, audit.System, ws, e.ID, 1, in); !errors.Is(err, fault.ErrStale) {
			t.Errorf("replace at an old version: %v", err)
		}

		// Lists page by id, with decision logs; each workspace lists its own.
		for i := range 3 {
			in.Name = fmt.Sprint("more ", i)
			mustExperiment(t, s, ws, in)
		}
		page, next, err := s.Experiments(ctx, ws, store.Page{Limit: 3})
		if err != nil || len(page) != 3 || next == 0 || page[0].ID != e.ID || page[0].Decisions == nil {
			t.Fatalf("first page = %d items, next %d, %v", len(page), next, err)
		}
		rest, next, err := s.Experiments(ctx, ws, store.Page{After: next, Limit: 3})
		if err != nil || len(rest) != 1 || next != 0 {
			t.Errorf("second page = %d items, next %d, %v; want 1 and the end", len(rest), next, err)
		}
		if theirs, _, _ := s.Experiments(ctx, other, store.Page{}); len(theirs) != 1 {
			t.Errorf("the other workspace lists %d experiments, want its 1", len(theirs))
		}

		// Deleting the linked key result unlinks it.
		ok := in
		ok.Name = "linked"
		vision, err := s.CreateGoal(ctx, audit.System, ws, goals.GoalInput{Title: "Vision", Status: goals.Active, Weight: ptrTo(1.0)})
		if err != nil {
			t.Fatal(err)
		}
		krIn := goals.KeyResultInput{Title: "CES", Kind: goals.Increase, Baseline: 4, Target: 5, DueDate: civil.Date{Year: 2026, Month: 12, Day: 31}}
		if err := krIn.Validate(); err != nil {
			t.Fatal(err)
		}
		kr, err := s.CreateKeyResult(ctx, audit.System, ws, vision.ID, krIn)
		if err != nil {
			t.Fatal(err)
		}
		ok.KeyResultID = kr.ID
		linked := mustExperiment(t, s, ws, ok)
		if err := s.DeleteKeyResult(ctx, audit.System, ws, kr.ID, kr.Version); err != nil {
			t.Fatal(err)
		}
		if again, err := s.Experiment(ctx, ws, linked.ID); err != nil || again.KeyResultID != 0 {
			t.Errorf("after the key result's deletion: key result %d, %v; want none", again.KeyResultID, err)
		}
		if entries, _, _ := s.AuditEntries(ctx, ws, audit.Filter{Entity: "experiment"}, store.Page{}); len(entries) != 6 {
			t.Errorf("%d audit entries for experiments, want 6 (5 creates, 1 replace)", len(entries))
		}
	})
}

func ptrTo[T any](v T) *T { return &v }

// Two people deciding on the same version at once: one decision is logged, the other is told
// the experiment moved on.
func TestConcurrentDecisionsOneWins(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ws, _ := twoWorkspaces(t, s)
		e := mustExperiment(t, s, ws, twoArms("variant", "a", "b", experiments.Metric{Kind: metrics.NPS}))
		errs := make(chan error, 2)
		for _, c := range []experiments.Choice{experiments.Stop, experiments.Iterate} {
			go func() {
				_, err := s.DecideExperiment(t.Context(), audit.System, ws, e.ID, 1, experiments.DecisionInput{Decision: c})
				errs <- err
			}()
		}
		var ok, stale int
		for range 2 {
			switch err := <-errs; {
			case err == nil:
				ok++
			case errors.Is(err, fault.ErrStale):
				stale++
			default:
				t.Errorf("decision: %v", err)
			}
		}
		got, err := s.Experiment(t.Context(), ws, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if ok != 1 || stale != 1 || len(got.Decisions) != 1 || got.Version != 2 {
			t.Errorf("%d logged, %d stale; the experiment has %d decisions at version %d; want one of each, one decision at version 2",
				ok, stale, len(got.Decisions), got.Version)
		}
	})
}
