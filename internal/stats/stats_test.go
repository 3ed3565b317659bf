package stats_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

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

// adjustedByResponse computes the adjusted-Wald interval another way: from a slice of
// per-response scores (+1, 0, −1) with the adjustment added as weighted pseudo-responses,
// taking the weighted mean and the weighted population variance of the scores.
func adjustedByResponse(p, pa, d int) (low, high float64) {
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
	mean := sum / w
	var ss float64
	for _, x := range xs {
		ss += x.weight * (x.score - mean) * (x.score - mean)
	}
	se := math.Sqrt(ss / w / w)
	return 100 * (mean - 1.959963984540054*se), 100 * (mean + 1.959963984540054*se)
}

func TestNPSIntervalMatchesPerResponseComputation(t *testing.T) {
	for _, c := range [][3]int{{60, 25, 15}, {18, 11, 2}, {5, 3, 40}, {1, 0, 0}, {300, 500, 200}} {
		e := stats.NPS(c[0], c[1], c[2])
		lo, hi := adjustedByResponse(c[0], c[1], c[2])
		lo, hi = math.Max(lo, -100), math.Min(hi, 100)
		if !near(e.Interval.Low, lo, 1e-9) || !near(e.Interval.High, hi, 1e-9) {
			t.Errorf("NPS%v interval = %+v, per-response computation gives [%v, %v]", c, e.Interval, lo, hi)
		}
	}
}

func TestNPSIntervalAgreesWithBootstrap(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	scores := slices.Concat(slices.Repeat([]int{1}, 60), slices.Repeat([]int{0}, 25), slices.Repeat([]int{-1}, 15))
	const draws = 4000
	boot := make([]float64, draws)
	for i := range boot {
		var s int
		for range scores {
			s += scores[rng.IntN(len(scores))]
		}
		boot[i] = 100 * float64(s) / float64(len(scores))
	}
	slices.Sort(boot)
	lo, hi := boot[draws*25/1000], boot[draws*975/1000]
	e := stats.NPS(60, 25, 15)
	if !near(e.Interval.Low, lo, 3) || !near(e.Interval.High, hi, 3) {
		t.Errorf("NPS(60, 25, 15) interval %+v, bootstrap percentile interval [%v, %v]: more than 3 points apart", e.Interval, lo, hi)
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
	if same := stats.NPSDifference(a, a); same.Significant || !near(same.P, 1, 1e-12) {
		t.Errorf("an NPS against itself: %+v, want p 1", same)
	}
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
	for _, m := range []stats.Moments{{}, moments(4)} {
		e := stats.MeanT(m)
		if !e.TooFew || e.Interval.Low != e.Value || e.Interval.High != e.Value || math.IsNaN(e.Value) {
			t.Errorf("MeanT(%+v) = %+v, want a point interval, too few, no NaN", m, e)
		}
	}
	// Built one at a time or added in parts, the moments agree.
	var parts stats.Moments
	parts.Add(moments(xs[:4]...))
	parts.Add(moments(xs[4:]...))
	if parts != moments(xs...) {
		t.Errorf("moments in parts %+v, in one %+v", parts, moments(xs...))
	}
	if v := moments(7, 7, 7).Variance(); v != 0 {
		t.Errorf("variance of a constant = %v, want 0", v)
	}
}

func TestWelch(t *testing.T) {
	a := []float64{27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4}
	b := []float64{27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4}
	mean := func(xs []float64) float64 {
		var s float64
		for _, x := range xs {
			s += x
		}
		return s / float64(len(xs))
	}
	variance := func(xs []float64) float64 {
		m := mean(xs)
		var s float64
		for _, x := range xs {
			s += (x - m) * (x - m)
		}
		return s / float64(len(xs)-1)
	}
	va, vb := variance(a)/float64(len(a)), variance(b)/float64(len(b))
	wantT := (mean(a) - mean(b)) / math.Sqrt(va+vb)
	wantDF := (va + vb) * (va + vb) / (va*va/float64(len(a)-1) + vb*vb/float64(len(b)-1))
	got := stats.Welch(moments(a...), moments(b...))
	// This pair is Wikipedia's first Welch example: t −2.46, df 24.988, p 0.021.
	if !near(got.Statistic, wantT, 1e-9) || !near(got.DF, wantDF, 1e-9) || !near(got.Statistic, -2.46, 0.01) ||
		!near(got.P, 0.021, 0.001) || !got.Significant {
		t.Errorf("Welch = %+v, want t %v (about −2.46), df %v, p about 0.021", got, wantT, wantDF)
	}
	if got := stats.Welch(moments(1), moments(2, 3)); got.Significant || got.P != 1 || math.IsNaN(got.Statistic) {
		t.Errorf("Welch with one value on a side = %+v, want no test", got)
	}
}
