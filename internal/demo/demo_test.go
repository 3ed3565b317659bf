package demo_test

import (
	"strings"
	"testing"
	"time"

	"github.com/lodestar-cx/lodestar/internal/auth"
	"github.com/lodestar-cx/lodestar/internal/demo"
	"github.com/lodestar-cx/lodestar/internal/goals"
	"github.com/lodestar-cx/lodestar/internal/insights"
	"github.com/lodestar-cx/lodestar/internal/metrics"
	"github.com/lodestar-cx/lodestar/internal/roadmapdoc"
	"github.com/lodestar-cx/lodestar/internal/store"
	"github.com/lodestar-cx/lodestar/internal/store/storetest"
)

func TestSeed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		now := time.Now()
		res, err := demo.Seed(ctx, s, now)
		if err != nil {
			t.Fatal(err)
		}
		if !res.Created {
			t.Fatal("first Seed did not create the workspace")
		}
		again, err := demo.Seed(ctx, s, now)
		if err != nil || again.Created || again.WorkspaceID != res.WorkspaceID {
			t.Fatalf("second Seed = %+v, %v; want the same workspace left alone", again, err)
		}
		doc, err := roadmapdoc.Export(ctx, s, res.WorkspaceID)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"Live chat for instant support", "Self-service onboarding guides", "AI-driven personalised recommendations",
			"AI chatbot for faster ticket responses", "UX fixes for common ticket errors", "Track and optimise support workflows",
			"team: Customer support", "team: Operations", "team: Product", "Reduce churn by 10%"} {
			if !strings.Contains(string(doc), want) {
				t.Errorf("demo roadmap lacks %q", want)
			}
		}
		// The owner can sign in with the demo password.
		u, err := s.UserByEmail(ctx, res.Email)
		if err != nil {
			t.Fatal(err)
		}
		if ok, _ := auth.VerifyPassword(demo.Password, u.PasswordHash, auth.DefaultArgon2); !ok {
			t.Error("the demo password does not sign the owner in")
		}
		// Key results have a quarter of history and a pace.
		krs, _, err := s.KeyResults(ctx, res.WorkspaceID, 0, store.Page{})
		if err != nil || len(krs) != 6 {
			t.Fatalf("key results = %d, %v; want 6", len(krs), err)
		}
		values, _, err := s.KeyResultValues(ctx, res.WorkspaceID, krs[0].ID, store.Page{})
		if err != nil || len(values) < 5 {
			t.Fatalf("history of %s = %d values, %v; want a quarter of them", krs[0].Key, len(values), err)
		}
		if first, last := values[0].At, values[len(values)-1].At; last.Sub(first) < 60*24*time.Hour {
			t.Errorf("history spans %v, want about a quarter", last.Sub(first))
		}
		// Live chat has slipped past the start of the support workflows that wait for it.
		plan, err := s.Plan(ctx, res.WorkspaceID)
		if err != nil {
			t.Fatal(err)
		}
		tl, err := plan.Timeline()
		if err != nil {
			t.Fatal(err)
		}
		if len(tl.Conflicts) != 1 || tl.Conflicts[0].Days != 5 {
			t.Errorf("demo timeline conflicts = %+v, want one of 5 days (live chat's slip)", tl.Conflicts)
		}
		// The customer data tells its story: NPS rose, significantly, after live chat launched.
		layout, err := s.MetricLayout(ctx, res.WorkspaceID)
		if err != nil {
			t.Fatal(err)
		}
		today := layout.Day(now)
		launch := today.AddDays(-40)
		before, err := metrics.Run(ctx, s, res.WorkspaceID, metrics.Query{Kind: metrics.NPS, From: launch.AddDays(-90), To: launch})
		if err != nil {
			t.Fatal(err)
		}
		after, err := metrics.Run(ctx, s, res.WorkspaceID, metrics.Query{Kind: metrics.NPS, From: launch, To: today.AddDays(1)})
		if err != nil {
			t.Fatal(err)
		}
		if c := metrics.Compare(after.Total.Sample, before.Total.Sample); !c.Significant || c.Difference < 5 || after.Total.N < 300 {
			t.Errorf("NPS before launch %v (n %d), after %v (n %d), test %+v: want a significant rise", before.Total.Value, before.Total.N, after.Total.Value, after.Total.N, c)
		}
		have, err := s.Aggregates(ctx, res.WorkspaceID)
		if err != nil {
			t.Fatal(err)
		}
		want, err := s.RecomputeAggregates(ctx, res.WorkspaceID)
		if err != nil || len(metrics.Diff(have, want)) > 0 {
			t.Errorf("demo aggregates differ from a recomputation: %v", err)
		}
		// The NPS, churn and day-one conversion key results follow their metrics.
		var bound int
		krs0, _, _ := s.KeyResults(ctx, res.WorkspaceID, 0, store.Page{})
		for _, k := range krs0 {
			if k.Source == goals.Metric {
				bound++
				t.Logf("bound key result %q: %v (baseline %v, target %v)", k.Title, k.Current, k.Baseline, k.Target)
				if k.Current == k.Baseline {
					t.Errorf("bound key result %q still at its baseline %v", k.Title, k.Current)
				}
			}
		}
		if bound != 3 {
			t.Errorf("%d key results bound to a metric, want the NPS, churn and day-one ones", bound)
		}
		// The themes tag the feedback and find friction points where the journey hurts.
		pts, err := insights.FrictionPoints(ctx, s, res.WorkspaceID, now.AddDate(0, 0, -180), now)
		if err != nil || len(pts) == 0 || pts[0].Stage == "" {
			t.Errorf("friction points = %+v, %v; want some, with their stage", pts, err)
		}
		for _, p := range pts {
			t.Logf("friction: %s / %s / %s: %.1f%% of detractors, %.1f%% of promoters, p %.2g, %d customers", p.Stage, p.Touchpoint, p.Theme,
				p.DetractorShare, p.PromoterShare, p.Test.P, p.Customers)
		}
		// The journey's milestones make a funnel.
		js, _, err := s.Journeys(ctx, res.WorkspaceID, store.Page{})
		if err != nil || len(js) != 1 {
			t.Fatalf("journeys = %d, %v; want 1", len(js), err)
		}
		m, err := s.JourneyMap(ctx, res.WorkspaceID, js[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		f, err := metrics.JourneyFunnel(ctx, s, res.WorkspaceID, m, today.AddDays(-180), today.AddDays(1), 30)
		if err != nil || f.Started < 100 || len(f.Steps) != 4 || f.Steps[0].Reached == 0 || f.Steps[3].Reached >= f.Steps[0].Reached {
			t.Errorf("funnel = %+v, %v; want four milestones, fewer at each", f, err)
		}
		paces := map[goals.Status]int{}
		for _, k := range krs {
			k.Compute(now)
			paces[k.Pace]++
		}
		if len(paces) < 2 {
			t.Errorf("paces %v: the demo should show more than one status", paces)
		}
	})
}
