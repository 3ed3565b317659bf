package metrics_test

import (
	"math"
	"testing"
	"time"

	"github.com/lodestar-cx/lodestar/internal/metrics"
	"github.com/lodestar-cx/lodestar/internal/stats"
)

func day(m time.Month, d int) time.Time { return time.Date(2026, m, d, 12, 0, 0, 0, time.UTC) }

func TestPeriodsKnownAnswer(t *testing.T) {
	var ls []metrics.Lifecycle
	// Ten customers from January; two of them churn in February.
	for i := range 10 {
		l := metrics.Lifecycle{Customer: string(rune('a' + i)), Signup: day(1, 5+i)}
		if i < 2 {
			l.Churn = day(2, 10+i)
		}
		ls = append(ls, l)
	}
	// Three new in February, one of whom leaves in February too; one new in March.
	ls = append(ls, metrics.Lifecycle{Customer: "n1", Signup: day(2, 3)}, metrics.Lifecycle{Customer: "n2", Signup: day(2, 4)},
		metrics.Lifecycle{Customer: "n3", Signup: day(2, 5), Churn: day(2, 20)}, metrics.Lifecycle{Customer: "n4", Signup: day(3, 2)})
	revenue := func(a, b time.Time) float64 {
		if a.Month() == time.February {
			return 1000
		}
		return 0
	}
	ps := metrics.Periods(ls, metrics.Month, date(2026, 2, 1), date(2026, 3, 1), time.UTC, 0.8, revenue)
	if len(ps) != 1 {
		t.Fatalf("periods = %d, want 1", len(ps))
	}
	p := ps[0]
	// S 10, N 3, lost 2 of S, E = 10 − 2 + 3 − 1 = 10; retention (E − N)/S = 70%, churn 20%;
	// ARPC 1000/10 = 100; CLV 100 × 0.8 / 0.2 = 400.
	if p.AtStart != 10 || p.New != 3 || p.Lost != 2 || p.AtEnd != 10 || p.Retention.Value != 70 || p.Churn.Value != 20 ||
		p.ARPC != 100 || p.CLV == nil || *p.CLV != 400 {
		t.Errorf("February = %+v (CLV %v), want S 10, N 3, lost 2, E 10, retention 70, churn 20, ARPC 100, CLV 400", p, p.CLV)
	}
	if p.Churn.N != 10 || p.Churn.Interval.Low >= 20 || p.Churn.Interval.High <= 20 {
		t.Errorf("churn %+v: want n 10 and an interval around 20", p.Churn)
	}
}

func TestCohorts(t *testing.T) {
	ls := []metrics.Lifecycle{
		{Customer: "a", Signup: day(1, 3)},
		{Customer: "b", Signup: day(1, 9), Churn: day(2, 14)},
		{Customer: "c", Signup: day(1, 20), Churn: day(3, 2)},
		{Customer: "d", Signup: day(1, 25), Churn: day(1, 28)},
		{Customer: "e", Signup: day(2, 2)},
	}
	cs := metrics.Cohorts(ls, date(2026, 1, 1), date(2026, 3, 1), day(3, 15), time.UTC)
	if len(cs) != 2 || cs[0].Month != "2026-01" || cs[0].Size != 4 || cs[1].Size != 1 {
		t.Fatalf("cohorts = %+v, want January (4) and February (1)", cs)
	}
	// January: 3 of 4 at the end of January, 2 at the end of February, 1 by mid-March.
	var got []float64
	for _, e := range cs[0].Retained {
		got = append(got, e.Value)
	}
	if len(got) != 3 || got[0] != 75 || got[1] != 50 || got[2] != 25 {
		t.Errorf("January's curve = %v, want [75 50 25]", got)
	}
	if len(cs[1].Retained) != 2 || cs[1].Retained[1].Value != 100 {
		t.Errorf("February's curve = %+v, want two points at 100", cs[1].Retained)
	}
}

func TestMilestoneFunnel(t *testing.T) {
	ls := []metrics.Lifecycle{{Customer: "a", Signup: day(3, 1)}, {Customer: "b", Signup: day(3, 1)}, {Customer: "c", Signup: day(3, 1)}, {Customer: "d", Signup: day(3, 1)}}
	h := func(n int) time.Time { return day(3, 1).Add(time.Duration(n) * time.Hour) }
	firsts := map[string]map[string]time.Time{
		"a": {"form_created": h(1), "first_response": h(10)},
		"b": {"form_created": h(3), "first_response": h(50)},
		"c": {"form_created": h(24 * 40)}, // after the 30-day window
	}
	f := metrics.MilestoneFunnel(ls, []metrics.Step{{Event: "form_created"}, {Event: "first_response"}}, firsts, 30*24*time.Hour)
	if f.Started != 4 || len(f.Steps) != 2 {
		t.Fatalf("funnel = %+v", f)
	}
	created, responded := f.Steps[0], f.Steps[1]
	if created.Reached != 2 || created.Share.Value != 50 || *created.MedianSeconds != 2*3600 || responded.Reached != 2 || responded.FromPrevious.Value != 100 {
		t.Errorf("steps = %+v %+v, want 2 of 4 created (median 2 h), both of them responded", created, responded)
	}
	if *responded.P90Seconds != (10+0.9*40)*3600 {
		t.Errorf("p90 to first response = %v s, want %v", *responded.P90Seconds, (10+0.9*40)*3600)
	}
}

func TestLifetimeValue(t *testing.T) {
	// 1,000 of gross profit over 10 customers at the start, 2 of them lost: 100 per customer
	// over a churn of 20% is 500; the interval inverts the Wilson interval of 2 in 10.
	s := metrics.Sample{Form: metrics.Lifetime, Pos: 2, Neg: 8, Moments: stats.Moments{N: 10, Sum: 1000}}
	v := metrics.Evaluate(s)
	w := stats.Wilson(2, 10)
	if v.Value != 500 || v.N != 10 || math.Abs(v.Interval.Low-100/w.Interval.High) > 1e-3 || math.Abs(v.Interval.High-100/w.Interval.Low) > 1e-3 {
		t.Errorf("CLV = %+v, want 500 in [%.2f, %.2f]", v.Estimate, 100/w.Interval.High, 100/w.Interval.Low)
	}
	if !s.Defined() {
		t.Error("a CLV with churn is not defined")
	}
	// Nobody lost: no rate to divide by, so no value to record.
	none := metrics.Sample{Form: metrics.Lifetime, Pos: 0, Neg: 10, Moments: stats.Moments{N: 10, Sum: 1000}}
	if v := metrics.Evaluate(none); none.Defined() || !v.TooFew || v.Value != 0 {
		t.Errorf("CLV without churn = %+v (defined %v), want an undefined value marked too few", v.Estimate, none.Defined())
	}
	if c := metrics.Compare(s, none); c.Method != "none" {
		t.Errorf("CLV change method = %q, want none: a CLV is shown, not tested", c.Method)
	}
}

func TestPaymentsSum(t *testing.T) {
	ps := metrics.Payments{{Customer: "a", At: day(1, 2), Value: 10}, {Customer: "b", At: day(1, 5), Value: 20}, {Customer: "a", At: day(2, 1), Value: 40}}
	if got := ps.Sum(nil, day(1, 1), day(2, 1)); got != 30 {
		t.Errorf("January = %v, want 30 (February's payment falls after the span)", got)
	}
	if got := ps.Sum(map[string]bool{"a": true}, day(1, 1), day(3, 1)); got != 50 {
		t.Errorf("a's payments = %v, want 50", got)
	}
}
