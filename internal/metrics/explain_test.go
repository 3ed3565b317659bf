package metrics_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/lodestar-cx/lodestar/internal/metrics"
)

// npsResult is an NPS result broken down by plan, from each plan's promoters, passives and
// detractors.
func npsResult(segs map[string][3]int64) metrics.Result {
	r := metrics.Result{Kind: metrics.NPS, By: "plan"}
	var total metrics.Sample
	total.Form = metrics.Net
	for v, c := range segs {
		s := metrics.Sample{Form: metrics.Net, Pos: c[0], Neutral: c[1], Neg: c[2]}
		total.Pos, total.Neutral, total.Neg = total.Pos+c[0], total.Neutral+c[1], total.Neg+c[2]
		r.Segments = append(r.Segments, metrics.Segment{Value: v, Total: metrics.Evaluate(s)})
	}
	r.Total = metrics.Evaluate(total)
	return r
}

func TestDecomposeKnownAnswers(t *testing.T) {
	before := npsResult(map[string][3]int64{"pro": {60, 30, 10}, "free": {30, 40, 30}}) // 50 and 0: 25 overall
	// Pure mix: each plan keeps its NPS, but free grows from half the answers to three
	// quarters: 12.5, all of the −12.5 from the mix.
	mix := npsResult(map[string][3]int64{"pro": {30, 15, 5}, "free": {45, 60, 45}})
	d, err := metrics.Decompose(before, mix)
	if err != nil {
		t.Fatal(err)
	}
	if d.Before.Value != 25 || d.After.Value != 12.5 || d.Mix != -12.5 || d.Within != 0 {
		t.Errorf("mix move = %v → %v, mix %v, within %v; want 25 → 12.5, all −12.5 from the mix", d.Before.Value, d.After.Value, d.Mix, d.Within)
	}
	if d.Segments[0].Value != "pro" || d.Segments[0].WeightBefore != 50 || d.Segments[0].WeightAfter != 25 {
		t.Errorf("first segment = %+v, want pro going from 50%% to 25%% of answers", d.Segments[0])
	}
	// Pure within: the same mix, free's NPS falls from 0 to −20: −10, all within.
	within := npsResult(map[string][3]int64{"pro": {60, 30, 10}, "free": {20, 40, 40}})
	d, err = metrics.Decompose(before, within)
	if err != nil {
		t.Fatal(err)
	}
	if d.After.Value != 15 || d.Mix != 0 || d.Within != -10 || d.Segments[0].Value != "free" || d.Segments[0].Within != -10 {
		t.Errorf("within move: after %v, mix %v, within %v, top %+v; want 15, 0, −10 from free", d.After.Value, d.Mix, d.Within, d.Segments[0])
	}
	s := d.Summary("NPS")
	for _, want := range []string{"NPS fell -10.0, from 25.0 to 15.0", "mix (by plan) accounts for 0.0", "within segments for -10.0", "free moved from 0.0 to -20.0"} {
		if !strings.Contains(s, want) {
			t.Errorf("summary %q lacks %q", s, want)
		}
	}
	// A segment in one period only: its whole part is mix.
	newSeg := npsResult(map[string][3]int64{"pro": {60, 30, 10}, "free": {30, 40, 30}, "team": {0, 0, 100}})
	d, _ = metrics.Decompose(before, newSeg)
	if d.Within != 0 || math.Abs(d.Mix-(d.After.Value-d.Before.Value)) > 1e-3 {
		t.Errorf("new segment: mix %v, within %v, change %v; want all mix", d.Mix, d.Within, d.After.Value-d.Before.Value)
	}
	if _, err := metrics.Decompose(metrics.Result{}, metrics.Result{}); err == nil {
		t.Error("a decomposition without a breakdown succeeded")
	}
}

// The two parts always add up to the move of the total.
func TestDecomposeAddsUp(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for range 500 {
		gen := func() map[string][3]int64 {
			m := map[string][3]int64{}
			for _, v := range []string{"a", "b", "c", "d"} {
				if rng.IntN(5) > 0 {
					m[v] = [3]int64{rng.Int64N(200), rng.Int64N(200), rng.Int64N(200) + 1}
				}
			}
			if len(m) == 0 {
				m["a"] = [3]int64{1, 1, 1}
			}
			return m
		}
		before, after := npsResult(gen()), npsResult(gen())
		d, err := metrics.Decompose(before, after)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := d.Mix+d.Within, after.Total.Value-before.Total.Value; math.Abs(got-want) > 1e-3 {
			t.Fatalf("mix %v + within %v = %v, want the move %v", d.Mix, d.Within, got, want)
		}
	}
}
