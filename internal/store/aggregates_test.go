package store_test

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/civil"
	"github.com/lodestar-cx/lodestar/internal/feedback"
	"github.com/lodestar-cx/lodestar/internal/metrics"
	"github.com/lodestar-cx/lodestar/internal/store"
	"github.com/lodestar-cx/lodestar/internal/store/storetest"
)

// randomItem is one of a small pool of records (so that writes often update one another),
// with random content: question, score on a scale of its question, time around midnight in
// several zones, attributes, touchpoint, and now and then excluded.
func randomItem(rng *rand.Rand) feedback.Item {
	sources := []string{"qualtrics", "zendesk", "webhook"}
	it := feedback.Item{SourceKind: feedback.Survey, Source: sources[rng.IntN(len(sources))], ExternalID: fmt.Sprint("r", rng.IntN(40)),
		At:         time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(rng.IntN(20*24*60)) * time.Minute),
		Attributes: map[string]string{}}
	switch rng.IntN(4) {
	case 0:
		it.Question, it.Score = feedback.NPS, score(float64(rng.IntN(11)))
	case 1:
		it.Question = feedback.CSAT
		sc := []feedback.Scale{{Min: 1, Max: 5}, {Min: 1, Max: 3}, feedback.ScaleGoodBad}[rng.IntN(3)]
		it.Scale, it.Score = &sc, score(sc.Min+float64(rng.IntN(int(sc.Max-sc.Min)+1)))
	case 2:
		it.Question, it.Score = feedback.CES, score(1+float64(rng.IntN(7)))
		if rng.IntN(3) == 0 {
			it.Score = score(*it.Score - 0.5) // a half point, as some tools average
		}
	default:
		it.Text = "just a comment"
	}
	if rng.IntN(3) > 0 {
		it.Attributes["plan"] = []string{"free", "pro", "enterprise"}[rng.IntN(3)]
	}
	if rng.IntN(2) == 0 {
		it.Attributes["region"] = []string{"emea", "amer"}[rng.IntN(2)]
	}
	it.Touchpoint = []string{"", "onboarding", "support"}[rng.IntN(3)]
	it.Excluded = it.Question != feedback.None && rng.IntN(8) == 0
	it.Normalize()
	return it
}

// checkAggregates fails the test when the workspace's aggregates differ from a recomputation.
// It returns the number of cells.
func checkAggregates(t *testing.T, s *store.Store, ws int64, when string) int {
	t.Helper()
	have, err := s.Aggregates(t.Context(), ws)
	if err != nil {
		t.Fatal(err)
	}
	want, err := s.RecomputeAggregates(t.Context(), ws)
	if err != nil {
		t.Fatal(err)
	}
	if diff := metrics.Diff(have, want); len(diff) > 0 {
		t.Fatalf("%s: %d aggregate cells differ from a recomputation, first: %s", when, len(diff), diff[0])
	}
	return len(want)
}

// Whatever sequence of batches, imports, edits, deletes and layout changes, the aggregates are
// what a recomputation from the feedback gives, and the other workspace's are untouched.
func TestAggregatesFollowEveryWrite(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		ws, other := twoWorkspaces(t, s)
		rng := rand.New(rand.NewPCG(42, 7))
		if _, err := s.WriteFeedback(ctx, other, &store.Batch{Items: []feedback.Item{npsItem("theirs", 3, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))}}); err != nil {
			t.Fatal(err)
		}
		theirs, err := s.Aggregates(ctx, other)
		if err != nil {
			t.Fatal(err)
		}
		batch := func() *store.Batch {
			b := &store.Batch{}
			for range 1 + rng.IntN(25) {
				b.Items = append(b.Items, randomItem(rng))
			}
			return b
		}
		var imported int64
		most := 0
		for step := range 60 {
			switch op := rng.IntN(10); {
			case op < 3:
				if _, err := s.WriteFeedback(ctx, ws, batch()); err != nil {
					t.Fatalf("step %d write: %v", step, err)
				}
			case op < 5:
				// An import batch: on PostgreSQL the COPY path.
				im, err := s.CreateImport(ctx, audit.System, ws, feedback.Import{Target: "feedback", Format: "csv",
					FileSHA256: fmt.Sprint("sha", step), FileSize: 1, Mapping: []byte(`{}`)})
				if err != nil {
					t.Fatal(err)
				}
				b := batch()
				if err := s.StartImportWrites(ctx, ws, im.ID, int64(len(b.Items)), 0, nil); err != nil {
					t.Fatal(err)
				}
				if _, err := s.CommitImportBatch(ctx, ws, im.ID, 0, int64(len(b.Items)), b); err != nil {
					t.Fatalf("step %d import batch: %v", step, err)
				}
				imported++
			case op < 9:
				items, _, err := s.FeedbackItems(ctx, ws, store.FeedbackFilter{}, store.Page{Limit: 500})
				if err != nil || len(items) == 0 {
					continue
				}
				it := items[rng.IntN(len(items))]
				if op == 8 {
					if err := s.DeleteFeedbackItem(ctx, audit.System, ws, it.ID, it.Version); err != nil {
						t.Fatalf("step %d delete: %v", step, err)
					}
					break
				}
				excluded, tp, plan := rng.IntN(2) == 0, "pricing", "pro"
				up := feedback.ItemUpdate{Excluded: &excluded, Touchpoint: &tp, Attributes: map[string]*string{"plan": &plan, "region": nil}}
				if _, err := s.UpdateFeedbackItem(ctx, audit.System, ws, it.ID, it.Version, up); err != nil {
					t.Fatalf("step %d update: %v", step, err)
				}
			default:
				tz := []string{"UTC", "Europe/Paris", "America/Los_Angeles", "Asia/Kolkata"}[rng.IntN(4)]
				dims := [][]string{{"plan"}, {"plan", "region", "touchpoint", "source"}, {}}[rng.IntN(3)]
				if _, err := s.SetMetricLayout(ctx, audit.System, ws, metrics.LayoutInput{TimeZone: tz, Dimensions: dims}); err != nil {
					t.Fatalf("step %d layout: %v", step, err)
				}
			}
			most = max(most, checkAggregates(t, s, ws, fmt.Sprintf("after step %d", step)))
		}
		if most < 50 {
			t.Errorf("at most %d aggregate cells along the way: the check checked little", most)
		}
		if imported == 0 {
			t.Error("no import batch ran: the COPY path went untested")
		}
		after, err := s.Aggregates(ctx, other)
		if err != nil {
			t.Fatal(err)
		}
		if diff := metrics.Diff(after, theirs); len(diff) > 0 {
			t.Errorf("the other workspace's aggregates changed: %v", diff)
		}
	})
}

// Concurrent writes of the same records through both write paths leave the aggregates exact.
func TestAggregatesUnderConcurrentWrites(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		ws, _ := twoWorkspaces(t, s)
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for w := range 4 {
			wg.Go(func() {
				rng := rand.New(rand.NewPCG(uint64(w), 1))
				for range 10 {
					b := &store.Batch{}
					for range 20 {
						b.Items = append(b.Items, randomItem(rng))
					}
					if _, err := s.WriteFeedback(ctx, ws, b); err != nil {
						errs <- err
						return
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		if n := checkAggregates(t, s, ws, "after concurrent writes"); n == 0 {
			t.Error("nothing aggregated after the concurrent writes")
		}
	})
}

// A query answered from the aggregates and the same query answered from every answer agree.
func TestRunFromAggregatesEqualsScan(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		ws, _ := twoWorkspaces(t, s)
		if _, err := s.SetMetricLayout(ctx, audit.System, ws, metrics.LayoutInput{TimeZone: "Europe/Paris", Dimensions: []string{"plan", "touchpoint"}}); err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(9, 9))
		for range 10 {
			b := &store.Batch{}
			for range 40 {
				it := randomItem(rng)
				it.ExternalID += fmt.Sprint("-", rng.IntN(1000))
				b.Items = append(b.Items, it)
			}
			if _, err := s.WriteFeedback(ctx, ws, b); err != nil {
				t.Fatal(err)
			}
		}
		layout, err := s.MetricLayout(ctx, ws)
		if err != nil {
			t.Fatal(err)
		}
		from, to := civil.Date{Year: 2026, Month: 3, Day: 1}, civil.Date{Year: 2026, Month: 3, Day: 22}
		for _, q := range []metrics.Query{
			{Kind: metrics.NPS, Every: metrics.Week},
			{Kind: metrics.NPS, Every: metrics.Day, By: "plan"},
			{Kind: metrics.CSAT, Variant: metrics.Mean, Every: metrics.Week, Filter: metrics.Filter{"plan": {"pro", "free"}}},
			{Kind: metrics.CES, Variant: metrics.NetEasy, By: "touchpoint"},
			{Kind: metrics.CSAT, By: "plan", Filter: metrics.Filter{"plan": {"enterprise"}}},
		} {
			q.From, q.To = from, to
			if err := q.Validate(); err != nil {
				t.Fatal(err)
			}
			got, err := metrics.Run(ctx, s, ws, q)
			if err != nil {
				t.Fatal(err)
			}
			if got.Source != metrics.FromAggregates {
				t.Fatalf("query %+v was answered from %s, want the aggregates", q, got.Source)
			}
			rows, err := metrics.Scan(ctx, s, ws, layout, q)
			if err != nil {
				t.Fatal(err)
			}
			want := q.Evaluate(rows, nil)
			want.Source = metrics.FromAggregates
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("query %+v from the aggregates (-every answer +aggregates):\n%.3000s", q, diff)
			}
			if got.Total.Sample.N() == 0 {
				t.Errorf("query %+v counted nothing", q)
			}
		}
		// Two dimensions together are answered from the answers.
		res, err := metrics.Run(ctx, s, ws, metrics.Query{Kind: metrics.NPS, From: from, To: to, By: "touchpoint", Filter: metrics.Filter{"plan": {"pro"}}})
		if err != nil || res.Source != metrics.FromFeedback || res.Total.Sample.N() == 0 {
			t.Errorf("NPS by touchpoint for plan pro = %+v, %v; want it counted from the feedback", res.Total, err)
		}
	})
}
