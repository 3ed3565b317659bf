package stats_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/lodestar-cx/lodestar/internal/stats"
)

// zb80 and zb90 are the normal quantiles of power 0.80 and 0.90, written out (as z95 is) so
// that the tests do not share the package's computation of them.
const (
	zb80 = 0.8416212335729143
	zb90 = 1.2815515655446004
)

// uncorrected undoes Fleiss' continuity correction of a two-proportion sample size: a
// published n' = (n/4)·(1 + √(1 + 2(r+1)/(n·r·|δ|)))² for arms of n and r·n answers gives back
// the uncorrected n = (4n' − c)² / (16n'), c = 2(r+1)/(r·|δ|).
func uncorrected(published, r, delta float64) float64 {
	c := 2 * (r + 1) / (r * math.Abs(delta))
	return sq(4*published-c) / (16 * published)
}

func sq(x float64) float64 { return x * x }

// Zar, Biostatistical Analysis (4th ed., 1999), Example 24.26, as reproduced by Unistat's
// manual (§6.7.6.1): shares 0.45 and 0.25, two-sided α 0.05, power 0.90 need 127.2343 answers
// per arm, or 83.1527 and 3 × 83.1527 with arms in the ratio 1:3, both with Fleiss' continuity
// correction; the test here is the uncorrected z test, whose sizes the correction undoes.
func TestSampleSizeProportionsZar(t *testing.T) {
	n := uncorrected(127.2343, 1, 0.2)
	if !near(n, 117.43, 0.01) {
		t.Fatalf("uncorrected n = %v, want 117.43 (the check of the inversion itself)", n)
	}
	// By hand, Fleiss' formula gives the same 117.43.
	hand := sq(z95*math.Sqrt(2*0.35*0.65)+zb90*math.Sqrt(0.45*0.55+0.25*0.75)) / sq(0.2)
	if !near(hand, n, 0.01) {
		t.Fatalf("Fleiss by hand = %v, want %v", hand, n)
	}
	for _, c := range [][2]float64{{0.45, 0.25}, {0.25, 0.45}} {
		got, ok := stats.SampleSizeProportions(c[0], c[1], 0.05, 0.90)
		if !ok || got != int(math.Ceil(n)) {
			t.Errorf("SampleSizeProportions(%v, %v, 0.05, 0.90) = %d, %v; want %d", c[0], c[1], got, ok, int(math.Ceil(n)))
		}
	}
	// The MDE agrees: 117 answers per arm fall short of 0.20, 118 reach it.
	for _, c := range []struct {
		n    int
		over bool
	}{{117, true}, {118, false}} {
		mde, ok := stats.MDEProportions(0.25, c.n, c.n, 0.05, 0.90)
		if !ok || (mde > 0.2) != c.over {
			t.Errorf("MDEProportions(0.25, %d, %d, 0.05, 0.90) = %v, %v; want it %s 0.20", c.n, c.n, mde, ok, map[bool]string{true: "above", false: "at most"}[c.over])
		}
	}
	// Unequal arms: 0.45 on n answers against 0.25 on 3n; uncorrected n = 76.62.
	m := uncorrected(83.1527, 3, 0.2)
	if !near(m, 76.62, 0.01) {
		t.Fatalf("uncorrected n of the 1:3 design = %v, want 76.62", m)
	}
	for _, c := range []struct {
		n    int
		over bool
	}{{76, true}, {77, false}} {
		// The control holds 0.25 over 3n answers; the treatment's 0.45 is 0.20 towards one half.
		mde, ok := stats.MDEProportions(0.25, 3*c.n, c.n, 0.05, 0.90)
		if !ok || (mde > 0.2) != c.over {
			t.Errorf("MDEProportions(0.25, %d, %d, 0.05, 0.90) = %v, %v; want it %s 0.20", 3*c.n, c.n, mde, ok, map[bool]string{true: "above", false: "at most"}[c.over])
		}
	}
}

// The MDE solves the power equation: put back in, it balances to the last decimal.
func TestMDEProportionsSolvesThePowerEquation(t *testing.T) {
	for _, c := range []struct {
		p      float64
		n1, n2 int
	}{{0.3, 400, 400}, {0.3, 300, 900}, {0.8, 1000, 250}, {0.02, 5000, 5000}, {0, 200, 200}, {0.5, 50, 70}} {
		d, ok := stats.MDEProportions(c.p, c.n1, c.n2, 0.05, 0.8)
		if !ok || d <= 0 {
			t.Errorf("MDEProportions(%v, %d, %d) = %v, %v", c.p, c.n1, c.n2, d, ok)
			continue
		}
		p2 := c.p + d
		if c.p > 0.5 {
			p2 = c.p - d
		}
		a, b := float64(c.n1), float64(c.n2)
		pool := (a*c.p + b*p2) / (a + b)
		rhs := z95*math.Sqrt(pool*(1-pool)*(1/a+1/b)) + zb80*math.Sqrt(c.p*(1-c.p)/a+p2*(1-p2)/b)
		if !near(d, rhs, 1e-9) {
			t.Errorf("MDEProportions(%v, %d, %d) = %v, but the power equation gives %v", c.p, c.n1, c.n2, d, rhs)
		}
	}
	// Symmetric about one half.
	a, _ := stats.MDEProportions(0.3, 500, 400, 0.05, 0.8)
	b, _ := stats.MDEProportions(0.7, 500, 400, 0.05, 0.8)
	if !near(a, b, 1e-9) {
		t.Errorf("MDE from 0.3 = %v, from 0.7 = %v; want the same", a, b)
	}
}

// Cohen's d of 0.2, 0.5 and 0.8 with two-sided α 0.05 and power 0.80 need 394, 64 and 26
// values per arm by G*Power 3's exact noncentral t computation (Faul et al. 2007; "t tests –
// Means: Difference between two independent means", totals 788, 128 and 52); Cohen (1988,
// Table 2.4.1) prints 393, 64 and 26 from a normal approximation.
func TestSampleSizeMeansGPower(t *testing.T) {
	for _, c := range []struct {
		d    float64
		want int
	}{{0.2, 394}, {0.5, 64}, {0.8, 26}} {
		for _, sd := range []float64{1, 12.5} {
			got, ok := stats.SampleSizeMeans(sd, c.d*sd, 0.05, 0.80)
			if !ok || got != c.want {
				t.Errorf("SampleSizeMeans(%v, %v, 0.05, 0.80) = %d, %v; want %d", sd, c.d*sd, got, ok, c.want)
			}
		}
		// And the MDE with that many answers is d, a hair under it.
		mde, ok := stats.MDEMeans(1, 1, c.want, c.want, 0.05, 0.80)
		if !ok || mde > c.d || mde < c.d*0.99 {
			t.Errorf("MDEMeans(1, 1, %d, %d) = %v, %v; want just under %v", c.want, c.want, mde, ok, c.d)
		}
	}
	// Large samples: the t quantiles become the normal ones, δ = (z + z_β)·σ·√(2/n).
	mde, _ := stats.MDEMeans(2, 2, 1_000_000, 1_000_000, 0.05, 0.80)
	if want := (z95 + zb80) * 2 * math.Sqrt(2.0/1e6); !near(mde, want, 1e-7) {
		t.Errorf("MDEMeans with a million a side = %v, want %v", mde, want)
	}
}

// A hand computation: promoters 50 %, detractors 20 %, so each answer's score (+1, 0, −1)
// has variance 0.70 − 0.30² = 0.61; a 10-point difference then needs
// 2 · 0.61 · (1.959964 + 0.841621)² / 0.10² = 957.56 answers per arm.
func TestNPSPowerByHand(t *testing.T) {
	if v := stats.NPSVariance(0.5, 0.2); !near(v, 0.61, 1e-12) {
		t.Errorf("NPSVariance(0.5, 0.2) = %v, want 0.61", v)
	}
	// The variance is the population variance of the scores themselves.
	var m stats.Moments
	for i := range 100 {
		switch {
		case i < 50:
			m.Observe(1)
		case i < 80:
			m.Observe(0)
		default:
			m.Observe(-1)
		}
	}
	if pop := m.Variance() * 99 / 100; !near(pop, stats.NPSVariance(0.5, 0.2), 1e-12) {
		t.Errorf("variance of the scores = %v, NPSVariance = %v", pop, stats.NPSVariance(0.5, 0.2))
	}
	hand := 2 * 0.61 * sq(z95+zb80) / sq(0.10)
	if !near(hand, 957.56, 0.01) {
		t.Fatalf("hand = %v", hand)
	}
	if n, ok := stats.SampleSizeNPS(0.5, 0.2, 10, 0.05, 0.80); !ok || n != 958 {
		t.Errorf("SampleSizeNPS(0.5, 0.2, 10) = %d, %v; want 958", n, ok)
	}
	// 958 a side detect just under 10 points; 400 and 2000 detect 100·2.8016·√(0.61·(1/400 + 1/2000)).
	if d, ok := stats.MDENPS(0.5, 0.2, 958, 958, 0.05, 0.80); !ok || d > 10 || d < 9.99 {
		t.Errorf("MDENPS(0.5, 0.2, 958, 958) = %v, %v; want just under 10", d, ok)
	}
	if d, _ := stats.MDENPS(0.5, 0.2, 400, 2000, 0.05, 0.80); !near(d, 100*(z95+zb80)*math.Sqrt(0.61*(1.0/400+1.0/2000)), 1e-9) {
		t.Errorf("MDENPS(0.5, 0.2, 400, 2000) = %v", d)
	}
	// A stricter level and more power need more answers.
	strict, _ := stats.SampleSizeNPS(0.5, 0.2, 10, 0.01, 0.90)
	if want := int(math.Ceil(2 * 0.61 * sq(2.5758293035489004+zb90) / 0.01)); strict != want {
		t.Errorf("SampleSizeNPS at α 0.01, power 0.90 = %d, want %d", strict, want)
	}
}

// simulatedPower runs trials experiments with a fixed seed and returns the share whose test
// is significant.
func simulatedPower(trials int, seed uint64, experiment func(*rand.Rand) stats.Test) float64 {
	rng := rand.New(rand.NewPCG(seed, 99))
	hits := 0
	for range trials {
		if experiment(rng).Significant {
			hits++
		}
	}
	return float64(hits) / float64(trials)
}

func binomial(rng *rand.Rand, n int, p float64) int {
	k := 0
	for range n {
		if rng.Float64() < p {
			k++
		}
	}
	return k
}

// At the MDE, the package's own tests find the difference about four times in five: an
// independent check of the formulas, by simulation with a fixed seed. With 4000 trials the
// standard error of a power of 0.80 is 0.0063; the tolerance is four of them.
func TestPowerAtTheMDEBySimulation(t *testing.T) {
	if testing.Short() {
		t.Skip("simulation")
	}
	const trials, tol = 4000, 0.025
	check := func(name string, got float64) {
		t.Helper()
		if math.Abs(got-0.80) > tol {
			t.Errorf("%s: simulated power at the MDE = %.4f, want 0.80 ± %.3f", name, got, tol)
		} else {
			t.Logf("%s: simulated power at the MDE = %.4f", name, got)
		}
	}
	for _, c := range []struct {
		p      float64
		n1, n2 int
	}{{0.3, 400, 400}, {0.3, 300, 900}, {0.75, 800, 400}} {
		d, _ := stats.MDEProportions(c.p, c.n1, c.n2, 0.05, 0.80)
		p2 := c.p + d
		if c.p > 0.5 {
			p2 = c.p - d
		}
		check("proportions", simulatedPower(trials, uint64(c.n1), func(rng *rand.Rand) stats.Test {
			return stats.TwoProportions(binomial(rng, c.n2, p2), c.n2, binomial(rng, c.n1, c.p), c.n1)
		}))
	}
	for _, c := range []struct {
		sd1, sd2 float64
		n1, n2   int
	}{{1, 1, 64, 64}, {10, 25, 40, 120}} {
		d, _ := stats.MDEMeans(c.sd1, c.sd2, c.n1, c.n2, 0.05, 0.80)
		check("means", simulatedPower(trials, uint64(c.n1), func(rng *rand.Rand) stats.Test {
			var a, b stats.Moments
			for range c.n2 {
				a.Observe(d + c.sd2*rng.NormFloat64())
			}
			for range c.n1 {
				b.Observe(c.sd1 * rng.NormFloat64())
			}
			return stats.Welch(a, b)
		}))
	}
	// NPS: control 40 % promoters and 20 % detractors; the treatment's shares are chosen so
	// that its NPS is higher by the MDE and its variance the control's, as the formula assumes.
	p, dd, n := 0.4, 0.2, 500
	mde, _ := stats.MDENPS(p, dd, n, n, 0.05, 0.80)
	v := stats.NPSVariance(p, dd)
	net := p - dd + mde/100
	sum := v + net*net
	p2, d2 := (sum+net)/2, (sum-net)/2
	if !near(stats.NPSVariance(p2, d2), v, 1e-12) || p2+d2 > 1 {
		t.Fatalf("treatment shares %v, %v", p2, d2)
	}
	draw := func(rng *rand.Rand, n int, p, d float64) stats.NPSCounts {
		var c stats.NPSCounts
		for range n {
			switch u := rng.Float64(); {
			case u < p:
				c.Promoters++
			case u < p+d:
				c.Detractors++
			default:
				c.Passives++
			}
		}
		return c
	}
	check("nps", simulatedPower(trials, 5, func(rng *rand.Rand) stats.Test {
		return stats.NPSDifference(draw(rng, n, p2, d2), draw(rng, n, p, dd))
	}))
}

func TestPowerDegenerateInputs(t *testing.T) {
	for name, ok := range map[string]bool{
		"proportions n 0":      second(stats.MDEProportions(0.3, 0, 10, 0.05, 0.8)),
		"proportions alpha 0":  second(stats.MDEProportions(0.3, 10, 10, 0, 0.8)),
		"proportions power 1":  second(stats.MDEProportions(0.3, 10, 10, 0.05, 1)),
		"proportions p NaN":    second(stats.MDEProportions(math.NaN(), 10, 10, 0.05, 0.8)),
		"means n 1":            second(stats.MDEMeans(1, 1, 1, 10, 0.05, 0.8)),
		"means no spread":      second(stats.MDEMeans(0, 0, 10, 10, 0.05, 0.8)),
		"nps all promoters":    second(stats.MDENPS(1, 0, 100, 100, 0.05, 0.8)),
		"nps shares over 1":    second(stats.MDENPS(0.8, 0.5, 100, 100, 0.05, 0.8)),
		"size p1 = p2":         second(stats.SampleSizeProportions(0.3, 0.3, 0.05, 0.8)),
		"size means delta 0":   second(stats.SampleSizeMeans(1, 0, 0.05, 0.8)),
		"size nps tiny effect": second(stats.SampleSizeNPS(0.5, 0.2, 1e-9, 0.05, 0.8)),
	} {
		if ok {
			t.Errorf("%s: ok, want not", name)
		}
	}
	// Three answers a side cannot show any change of a share of 0.5: the whole scale is not enough.
	if d, ok := stats.MDEProportions(0.5, 3, 3, 0.05, 0.8); ok {
		t.Errorf("MDEProportions(0.5, 3, 3) = %v, ok; want not detectable", d)
	}
}

func second[T any](_ T, ok bool) bool { return ok }
