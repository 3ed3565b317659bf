package stats_test

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/lodestar-cx/lodestar/internal/stats"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func TestNPSKnownAnswers(t *testing.T) {
	for _, c := range []struct {
		p, pa, d int
		want     float64
	}{
		{60, 25, 15, 45},
		{18, 11, 2, 100 * 16.0 / 31}, // 51.6…, over 31 answers
		{0, 0, 10, -100},
		{10, 0, 0, 100},
	} {
		e := stats.NPS(c.p, c.pa, c.d)
		if !near(e.Value, c.want, 1e-9) || e.N != c.p+c.pa+c.d {
			t.Errorf("NPS(%d, %d, %d) = %v over %d, want %v over %d", c.p, c.pa, c.d, e.Value, e.N, c.want, c.p+c.pa+c.d)
		}
		if e.Interval.Low > e.Interval.High || e.Interval.Low < -100 || e.Interval.High > 100 {
			t.Errorf("NPS(%d, %d, %d) interval %+v is not within −100..100", c.p, c.pa, c.d, e.Interval)
		}
	}
	if e := stats.NPS(12, 6, 2); !e.TooFew {
		t.Errorf("NPS over 20 answers is not marked too few")
	}
	if e := stats.NPS(60, 25, 15); e.TooFew {
		t.Errorf("NPS over 100 answers is marked too few")
	}
}

func TestTooFewBelowMinN(t *testing.T) {
	if stats.MinN != 30 {
		t.Errorf("MinN = %d, want 30", stats.MinN)
	}
	for _, n := range []int{stats.MinN - 1, stats.MinN} {
		want := n < 30
		var m stats.Moments
		for i := range n {
			m.Observe(float64(i % 5))
		}
		for name, e := range map[string]stats.Estimate{"NPS": stats.NPS(n, 0, 0), "Wilson": stats.Wilson(n/2, n), "MeanT": stats.MeanT(m)} {
			if e.TooFew != want {
				t.Errorf("%s over %d answers: TooFew = %v, want %v", name, n, e.TooFew, want)
			}
		}
	}
}

// z95 is the two-sided 95% normal quantile, written out so the tests do not share the
// package's computation of it.
const z95 = 1.959963984540054

// adjustedByResponse computes the adjusted-Wald NPS another way: from a slice of
// per-response scores (+1, 0, −1) with the adjustment added as weighted pseudo-responses,
// taking the weighted mean and the standard error from the weighted population variance of
// the scores. Both are fractions, −1 to 1.
func adjustedByResponse(p, pa, d int) (mean, se float64) {
	type obs struct{ score, weight float64 }
	var xs []obs
	for range p {
		xs = append(xs, obs{1, 1})
	}
	for range pa {
		xs = append(xs, obs{0, 1})
	}
	for range d {
		xs = append(xs, obs{-1, 1})
	}
	xs = append(xs, obs{1, 0.75}, obs{0, 1.5}, obs{-1, 0.75})
	var w, sum float64
	for _, x := range xs {
		w += x.weight
		sum += x.weight * x.score
	}
	mean = sum / w
	var ss float64
	for _, x := range xs {
		ss += x.weight * (x.score - mean) * (x.score - mean)
	}
	return mean, math.Sqrt(ss / w / w)
}

func TestNPSIntervalMatchesPerResponseComputation(t *testing.T) {
	for _, c := range [][3]int{{60, 25, 15}, {18, 11, 2}, {5, 3, 40}, {1, 0, 0}, {300, 500, 200}} {
		e := stats.NPS(c[0], c[1], c[2])
		m, se := adjustedByResponse(c[0], c[1], c[2])
		lo, hi := math.Max(100*(m-z95*se), -100), math.Min(100*(m+z95*se), 100)
		if !near(e.Interval.Low, lo, 1e-9) || !near(e.Interval.High, hi, 1e-9) {
			t.Errorf("NPS%v interval = %+v, per-response computation gives [%v, %v]", c, e.Interval, lo, hi)
		}
	}
}

// scores is the per-response sample of the counts: +1, 0, −1.
func scores(c stats.NPSCounts) []int {
	return slices.Concat(slices.Repeat([]int{1}, c.Promoters), slices.Repeat([]int{0}, c.Passives), slices.Repeat([]int{-1}, c.Detractors))
}

// resampledNPS is the NPS of one bootstrap resample of xs.
func resampledNPS(rng *rand.Rand, xs []int) float64 {
	var s int
	for range xs {
		s += xs[rng.IntN(len(xs))]
	}
	return 100 * float64(s) / float64(len(xs))
}

// percentiles is the 2.5th and 97.5th percentile of xs, which it sorts.
func percentiles(xs []float64) (lo, hi float64) {
	slices.Sort(xs)
	return xs[len(xs)*25/1000], xs[len(xs)*975/1000]
}

func TestNPSIntervalAgreesWithBootstrap(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	a, b := stats.NPSCounts{Promoters: 60, Passives: 25, Detractors: 15}, stats.NPSCounts{Promoters: 40, Passives: 30, Detractors: 30}
	sa, sb := scores(a), scores(b)
	const draws = 4000
	one, diff := make([]float64, draws), make([]float64, draws)
	for i := range draws {
		one[i] = resampledNPS(rng, sa)
		diff[i] = one[i] - resampledNPS(rng, sb)
	}
	lo, hi := percentiles(one)
	if e := stats.NPS(60, 25, 15); !near(e.Interval.Low, lo, 3) || !near(e.Interval.High, hi, 3) {
		t.Errorf("NPS(60, 25, 15).Interval = %+v, want within 3 points of the bootstrap's [%v, %v]", e.Interval, lo, hi)
	}
	lo, hi = percentiles(diff)
	if d := stats.NPSDifference(a, b); !near(d.Interval.Low, lo, 3) || !near(d.Interval.High, hi, 3) {
		t.Errorf("NPSDifference(%v, %v).Interval = %+v, want within 3 points of the bootstrap's [%v, %v]", a, b, d.Interval, lo, hi)
	}
}

// coverage draws samples of size n from a population and counts how often the interval
// computed for each holds the population's value.
func coverage(t *testing.T, n, trials int, draw func(*rand.Rand) int, interval func(counts [3]int) (float64, float64), truth float64) float64 {
	t.Helper()
	rng := rand.New(rand.NewPCG(uint64(n), 3))
	hits := 0
	for range trials {
		var c [3]int
		for range n {
			c[draw(rng)]++
		}
		lo, hi := interval(c)
		if lo <= truth && truth <= hi {
			hits++
		}
	}
	return float64(hits) / float64(trials)
}

func TestIntervalsCoverTheTruth(t *testing.T) {
	// A population of 50% promoters, 30% passives, 20% detractors: NPS 30.
	nps := func(r *rand.Rand) int {
		switch u := r.Float64(); {
		case u < 0.5:
			return 0
		case u < 0.8:
			return 1
		}
		return 2
	}
	for _, n := range []int{20, 100} {
		got := coverage(t, n, 2000, nps, func(c [3]int) (float64, float64) {
			e := stats.NPS(c[0], c[1], c[2])
			return e.Interval.Low, e.Interval.High
		}, 30)
		if got < 0.93 || got > 0.975 {
			t.Errorf("NPS interval covers the true NPS in %.3f of samples of %d, want about 0.95", got, n)
		}
	}
	// A share of 0.15.
	share := func(r *rand.Rand) int {
		if r.Float64() < 0.15 {
			return 0
		}
		return 1
	}
	for _, n := range []int{20, 200} {
		got := coverage(t, n, 2000, share, func(c [3]int) (float64, float64) {
			e := stats.Wilson(c[0], c[0]+c[1])
			return e.Interval.Low, e.Interval.High
		}, 0.15)
		// Wilson's coverage swings around 95% with n and p at small n; it must not fall short.
		if got < 0.93 || got > 0.985 {
			t.Errorf("Wilson interval covers the true share in %.3f of samples of %d, want about 0.95", got, n)
		}
	}
}

func TestWilsonKnownAnswer(t *testing.T) {
	// 8 of 10: the Wilson score interval is 0.4902 to 0.9433.
	e := stats.Wilson(8, 10)
	if e.Value != 0.8 || !near(e.Interval.Low, 0.4902, 1e-4) || !near(e.Interval.High, 0.9433, 1e-4) {
		t.Errorf("Wilson(8, 10) = %v %+v, want 0.8 [0.4902, 0.9433]", e.Value, e.Interval)
	}
	if e := stats.Wilson(0, 0); e.Value != 0 || e.Interval != (stats.Interval{Low: 0, High: 1}) || !e.TooFew {
		t.Errorf("Wilson(0, 0) = %+v, want 0 over [0, 1], too few", e)
	}
}

func TestTwoProportions(t *testing.T) {
	// 45 of 100 against 30 of 100: pooled p 0.375, se sqrt(0.375·0.625·0.02) = 0.068465,
	// z = 0.15 / 0.068465 = 2.1909, two-sided p = 0.02846.
	got := stats.TwoProportions(45, 100, 30, 100)
	if !near(got.Difference, 0.15, 1e-12) || !near(got.Statistic, 2.1909, 1e-4) || !near(got.P, 0.02846, 1e-4) || !got.Significant {
		t.Errorf("TwoProportions(45/100, 30/100) = %+v, want difference 0.15, z 2.1909, p 0.0285, significant", got)
	}
	if got.Interval.Low >= 0.15 || got.Interval.High <= 0.15 || got.Interval.Low <= 0 {
		t.Errorf("difference interval %+v should hold 0.15 and exclude 0", got.Interval)
	}
	// Newcombe (1998), Statistics in Medicine 17:873, table II: 56/70 − 48/80 by method 10
	// is 0.0524 to 0.3339.
	if got := stats.TwoProportions(56, 70, 48, 80); !near(got.Interval.Low, 0.0524, 1e-4) || !near(got.Interval.High, 0.3339, 1e-4) {
		t.Errorf("TwoProportions(56/70, 48/80).Interval = %+v, want [0.0524, 0.3339]", got.Interval)
	}
	if got := stats.TwoProportions(5, 10, 5, 10); got.Significant || got.P != 1 {
		t.Errorf("equal shares: %+v, want p 1, not significant", got)
	}
	if got := stats.TwoProportions(10, 10, 10, 10); got.Significant || math.IsNaN(got.Statistic) {
		t.Errorf("all yes on both sides: %+v, want no test and no NaN", got)
	}
}

func TestNPSDifference(t *testing.T) {
	a, b := stats.NPSCounts{Promoters: 60, Passives: 25, Detractors: 15}, stats.NPSCounts{Promoters: 40, Passives: 30, Detractors: 30}
	got := stats.NPSDifference(a, b)
	// By hand: adjusted a = (60.75 − 15.75)/103 = 0.436893, var = (0.589806 + 0.152913 − 0.190875)/103;
	// adjusted b = (40.75 − 30.75)/103 = 0.097087, var = (0.395631 + 0.298544 − 0.009426)/103.
	na, va := 45.0/103, (60.75/103+15.75/103-math.Pow(45.0/103, 2))/103
	nb, vb := 10.0/103, (40.75/103+30.75/103-math.Pow(10.0/103, 2))/103
	z := (na - nb) / math.Sqrt(va+vb)
	if !near(got.Difference, 35, 1e-9) || !near(got.Statistic, z, 1e-9) || !got.Significant || got.P > 0.01 {
		t.Errorf("NPSDifference = %+v, want difference 35, z %v, significant", got, z)
	}
	// Per response: the adjusted means and standard errors of the two score slices.
	for _, c := range [][2]stats.NPSCounts{{a, b}, {{Promoters: 9, Passives: 5, Detractors: 6}, {Promoters: 3, Passives: 2, Detractors: 12}}} {
		got := stats.NPSDifference(c[0], c[1])
		ma, sa := adjustedByResponse(c[0].Promoters, c[0].Passives, c[0].Detractors)
		mb, sb := adjustedByResponse(c[1].Promoters, c[1].Passives, c[1].Detractors)
		se := math.Hypot(sa, sb)
		want := stats.Interval{Low: 100 * (ma - mb - z95*se), High: 100 * (ma - mb + z95*se)}
		wantP := math.Erfc(math.Abs(ma-mb) / se / math.Sqrt2)
		if !near(got.Statistic, (ma-mb)/se, 1e-9) || !near(got.P, wantP, 1e-9) ||
			!near(got.Interval.Low, want.Low, 1e-9) || !near(got.Interval.High, want.High, 1e-9) {
			t.Errorf("NPSDifference(%v, %v) = %+v, want z %v, p %v, interval %+v", c[0], c[1], got, (ma-mb)/se, wantP, want)
		}
	}
	if same := stats.NPSDifference(a, a); same.Significant || !near(same.P, 1, 1e-12) {
		t.Errorf("an NPS against itself: %+v, want p 1", same)
	}
}

// twoPass is the mean and sample variance of xs, computed from the values themselves.
func twoPass(xs []float64) (mean, variance float64) {
	for _, x := range xs {
		mean += x / float64(len(xs))
	}
	for _, x := range xs {
		variance += (x - mean) * (x - mean) / float64(len(xs)-1)
	}
	return mean, variance
}

func moments(xs ...float64) stats.Moments {
	var m stats.Moments
	for _, x := range xs {
		m.Observe(x)
	}
	return m
}

func TestMeanT(t *testing.T) {
	xs := []float64{4, 5, 3, 4, 5, 2, 4, 5, 4, 3}
	e := stats.MeanT(moments(xs...))
	// Mean 3.9, sample sd 0.994429, t(9) 2.262157: half width 0.711367.
	if !near(e.Value, 3.9, 1e-12) || !near(e.Interval.Low, 3.9-0.711367, 1e-5) || !near(e.Interval.High, 3.9+0.711367, 1e-5) {
		t.Errorf("MeanT = %+v, want 3.9 ± 0.711367", e)
	}
	// Built one at a time or added in parts, the moments agree.
	var parts stats.Moments
	parts.Add(moments(xs[:4]...))
	parts.Add(moments(xs[4:]...))
	if parts != moments(xs...) {
		t.Errorf("moments in parts %+v, in one %+v", parts, moments(xs...))
	}
	if m, v := twoPass(xs); !near(moments(xs...).Mean(), m, 1e-12) || !near(moments(xs...).Variance(), v, 1e-12) {
		t.Errorf("moments(%v) = %+v, want mean %v and variance %v as two passes over the slice give", xs, moments(xs...), m, v)
	}
	// 0.7 seven times: SumSq − Sum²/n rounds to −2.2e-16, which must not become a variance.
	for _, m := range []stats.Moments{moments(7, 7, 7), moments(slices.Repeat([]float64{0.7}, 7)...)} {
		if v := m.Variance(); v != 0 {
			t.Errorf("%+v.Variance() = %v, want 0 for a constant", m, v)
		}
	}
}

func TestWelch(t *testing.T) {
	a := []float64{27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4}
	b := []float64{27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4}
	ma, va := twoPass(a)
	mb, vb := twoPass(b)
	va, vb = va/float64(len(a)), vb/float64(len(b))
	wantT := (ma - mb) / math.Sqrt(va+vb)
	wantDF := (va + vb) * (va + vb) / (va*va/float64(len(a)-1) + vb*vb/float64(len(b)-1))
	got := stats.Welch(moments(a...), moments(b...))
	// This pair is Wikipedia's first Welch example: t −2.46, df 24.988, p 0.021.
	if !near(got.Statistic, wantT, 1e-9) || !near(got.DF, wantDF, 1e-9) || !near(got.Statistic, -2.46, 0.01) ||
		!near(got.P, 0.021, 0.001) || !got.Significant {
		t.Errorf("Welch = %+v, want t %v (about −2.46), df %v, p about 0.021", got, wantT, wantDF)
	}
	// Against a constant side the degrees of freedom are exactly those of the other, n − 1:
	// here 9, whose t quantile is 2.262157, so the interval is MeanT's shifted by 3.
	xs := []float64{4, 5, 3, 4, 5, 2, 4, 5, 4, 3}
	got = stats.Welch(moments(xs...), moments(3, 3, 3))
	if !near(got.DF, 9, 1e-9) || !near(got.Difference, 0.9, 1e-12) ||
		!near(got.Interval.Low, 0.9-0.711367, 1e-5) || !near(got.Interval.High, 0.9+0.711367, 1e-5) {
		t.Errorf("Welch(%v, 3 3 3) = %+v, want df 9, difference 0.9 ± 0.711367", xs, got)
	}
	if got := stats.Welch(moments(1), moments(2, 3)); got.Significant || got.P != 1 || math.IsNaN(got.Statistic) {
		t.Errorf("Welch with one value on a side = %+v, want no test", got)
	}
}

// TestDegenerateInputsAreFinite checks that empty, single and spread-less samples give
// numbers JSON can carry (json.Marshal fails on NaN and infinities) and are marked too few.
func TestDegenerateInputsAreFinite(t *testing.T) {
	empty := stats.NPSCounts{}
	tiny := moments(1e-160, 3e-160) // a variance (2e-320) whose square underflows to 0
	estimates := []struct {
		name string
		got  stats.Estimate
		want stats.Estimate
	}{
		{"NPS(0, 0, 0)", stats.NPS(0, 0, 0), stats.Estimate{Interval: stats.Interval{Low: -100, High: 100}, TooFew: true}},
		{"Wilson(0, 0)", stats.Wilson(0, 0), stats.Estimate{Interval: stats.Interval{Low: 0, High: 1}, TooFew: true}},
		{"MeanT(empty)", stats.MeanT(stats.Moments{}), stats.Estimate{TooFew: true}},
		{"MeanT(one value)", stats.MeanT(moments(4)), stats.Estimate{Value: 4, N: 1, Interval: stats.Interval{Low: 4, High: 4}, TooFew: true}},
		{"MeanT(constant)", stats.MeanT(moments(3, 3)), stats.Estimate{Value: 3, N: 2, Interval: stats.Interval{Low: 3, High: 3}, TooFew: true}},
	}
	for _, c := range estimates {
		if diff := cmp.Diff(c.want, c.got); diff != "" {
			t.Errorf("%s: (-want +got)\n%s", c.name, diff)
		}
	}
	// One answer: a value, a finite interval, too few. The adjusted-Wald interval of a single
	// promoter is centred on +25 and stops at 98.5, short of the raw 100 (the only counts up to
	// n = 200 where it misses the raw value); Wilson's always holds it.
	for _, c := range []struct {
		name     string
		e        stats.Estimate
		holdsRaw bool
	}{
		{"NPS(1, 0, 0)", stats.NPS(1, 0, 0), false},
		{"NPS(0, 0, 1)", stats.NPS(0, 0, 1), false},
		{"NPS(0, 1, 0)", stats.NPS(0, 1, 0), true},
		{"Wilson(1, 1)", stats.Wilson(1, 1), true},
		{"Wilson(0, 1)", stats.Wilson(0, 1), true},
	} {
		e := c.e
		holds := e.Interval.Low <= e.Value && e.Value <= e.Interval.High
		if _, err := json.Marshal(e); err != nil || !e.TooFew || e.N != 1 || holds != c.holdsRaw || e.Interval.Low > e.Interval.High {
			t.Errorf("%s = %+v (json error %v), want a finite interval, too few, holding the value %v", c.name, e, err, c.holdsRaw)
		}
	}
	tests := map[string]stats.Test{
		"NPSDifference(empty, empty)":  stats.NPSDifference(empty, empty),
		"NPSDifference(one, empty)":    stats.NPSDifference(stats.NPSCounts{Promoters: 1}, empty),
		"TwoProportions(0/0, 0/0)":     stats.TwoProportions(0, 0, 0, 0),
		"TwoProportions(0/0, 5/10)":    stats.TwoProportions(0, 0, 5, 10),
		"TwoProportions(0/1, 0/1)":     stats.TwoProportions(0, 1, 0, 1),
		"Welch(empty, empty)":          stats.Welch(stats.Moments{}, stats.Moments{}),
		"Welch(one, one)":              stats.Welch(moments(1), moments(2)),
		"Welch(constant, constant)":    stats.Welch(moments(5, 5, 5), moments(3, 3, 3)),
		"Welch(tiny spread, constant)": stats.Welch(tiny, moments(0, 0)),
		"Welch(tiny spread, tiny)":     stats.Welch(tiny, tiny),
		"Welch(constant, spread)":      stats.Welch(moments(5, 5, 5), moments(1, 2, 3)),
	}
	for name, got := range tests {
		if _, err := json.Marshal(got); err != nil || got.P < 0 || got.P > 1 || got.Interval.Low > got.Interval.High {
			t.Errorf("%s = %+v (json error %v), want finite numbers, p in 0..1 and an ordered interval", name, got, err)
		}
	}
	// With nothing to go on, no test is significant.
	for _, name := range []string{"NPSDifference(empty, empty)", "TwoProportions(0/0, 0/0)", "TwoProportions(0/0, 5/10)", "Welch(empty, empty)", "Welch(one, one)", "Welch(constant, constant)"} {
		if got := tests[name]; got.P != 1 || got.Significant {
			t.Errorf("%s = %+v, want p 1, not significant", name, got)
		}
	}
}
