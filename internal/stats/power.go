package stats

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Power analysis: how big a difference the tests of this package detect with the answers at
// hand (the minimum detectable effect, MDE), and how many answers a difference needs. Every
// function takes the test's level alpha (two-sided) and the power wanted, usually Alpha and
// DefaultPower; each reports ok false, with zeros, when its inputs allow no answer (no
// answers, no spread, a level or power outside 0..1, or an effect beyond the scale).

// DefaultPower is the power an experiment is planned for: four chances in five of finding a
// difference as big as the MDE.
const DefaultPower = 0.80

// maxSampleSize bounds the sample sizes returned: past it, the effect asked for is too small to
// plan for and ok is false.
const maxSampleSize = 1e12

// quantiles returns z_{1−α/2} and z_{power}.
func quantiles(alpha, power float64) (za, zb float64, ok bool) {
	if !(alpha > 0 && alpha < 1 && power > 0 && power < 1) {
		return 0, 0, false
	}
	return distuv.UnitNormal.Quantile(1 - alpha/2), distuv.UnitNormal.Quantile(power), true
}

// MDEProportions is the smallest difference of two shares, as a fraction, that the pooled
// two-proportion z test (TwoProportions) at two-sided level alpha finds with probability
// power, when the control's share is p over n1 answers and the treatment has n2. The
// difference is taken towards one half (an increase from a share below 0.5, a decrease from
// one above), the harder direction to detect, so that the answer holds both ways.
//
// It is δ solving the power equation of the test with the null variance pooled and the
// alternative one not (Fleiss, Levin and Paik, Statistical Methods for Rates and
// Proportions, 3rd ed., §4.2, without continuity correction):
//
//	|δ| = z_{1−α/2}·√(p̄(1−p̄)(1/n1 + 1/n2)) + z_{power}·√(p1(1−p1)/n1 + p2(1−p2)/n2)
//
// with p1 = p, p2 = p + δ and p̄ = (n1·p1 + n2·p2)/(n1 + n2), solved numerically.
func MDEProportions(p float64, n1, n2 int, alpha, power float64) (float64, bool) {
	za, zb, ok := quantiles(alpha, power)
	if !ok || n1 <= 0 || n2 <= 0 || !(p >= 0 && p <= 1) {
		return 0, false
	}
	a, b := float64(n1), float64(n2)
	sign, room := 1.0, 1-p
	if p > 0.5 {
		sign, room = -1, p
	}
	excess := func(d float64) float64 {
		p2 := p + sign*d
		pool := (a*p + b*p2) / (a + b)
		return za*math.Sqrt(pool*(1-pool)*(1/a+1/b)) + zb*math.Sqrt(p*(1-p)/a+p2*(1-p2)/b) - d
	}
	return smallestRoot(excess, room)
}

// SampleSizeProportions is how many answers each of two equal arms needs for the pooled
// two-proportion z test at level alpha to find, with probability power, the difference
// between shares p1 and p2 (Fleiss, Levin and Paik, §4.2, without continuity correction):
//
//	n = (z_{1−α/2}·√(2·p̄(1−p̄)) + z_{power}·√(p1(1−p1) + p2(1−p2)))² / (p1 − p2)²,  p̄ = (p1+p2)/2
func SampleSizeProportions(p1, p2, alpha, power float64) (int, bool) {
	za, zb, ok := quantiles(alpha, power)
	if !ok || !(p1 >= 0 && p1 <= 1 && p2 >= 0 && p2 <= 1) || p1 == p2 {
		return 0, false
	}
	pool := (p1 + p2) / 2
	root := za*math.Sqrt(2*pool*(1-pool)) + zb*math.Sqrt(p1*(1-p1)+p2*(1-p2))
	return ceilSize(root * root / sq(p1-p2))
}

// MDEMeans is the smallest difference of two means that Welch's t test (Welch) at level alpha
// finds with probability power, for samples of n1 and n2 values with standard deviations sd1
// and sd2 (equal, for a pooled standard deviation):
//
//	δ = (t_{1−α/2, ν} + t_{power, ν}) · √(sd1²/n1 + sd2²/n2)
//
// with ν the Welch–Satterthwaite degrees of freedom. It is the normal formula with Student's
// quantiles, which for equal arms gives the sample sizes of the exact noncentral t
// computation (Cohen's tables, G*Power) to within one answer.
func MDEMeans(sd1, sd2 float64, n1, n2 int, alpha, power float64) (float64, bool) {
	if !(alpha > 0 && alpha < 1 && power > 0 && power < 1) || n1 < 2 || n2 < 2 || !(sd1 >= 0 && sd2 >= 0) {
		return 0, false
	}
	va, vb := sd1*sd1/float64(n1), sd2*sd2/float64(n2)
	se2 := va + vb
	if se2 == 0 || math.IsInf(se2, 0) {
		return 0, false
	}
	fa, fb := va/se2, vb/se2
	df := 1 / (fa*fa/float64(n1-1) + fb*fb/float64(n2-1))
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}
	return (t.Quantile(1-alpha/2) + t.Quantile(power)) * math.Sqrt(se2), true
}

// SampleSizeMeans is how many values each of two equal arms with standard deviation sd needs
// for Welch's t test at level alpha to find a difference of delta with probability power: the
// smallest n for which MDEMeans is at most delta.
func SampleSizeMeans(sd, delta, alpha, power float64) (int, bool) {
	za, zb, ok := quantiles(alpha, power)
	if !ok || !(sd > 0) || !(delta > 0) {
		return 0, false
	}
	// The normal formula is the start; Student's quantiles need a few more.
	n, ok := ceilSize(2 * sq(za+zb) * sd * sd / (delta * delta))
	if !ok {
		return 0, false
	}
	n = max(n, 2)
	within := func(n int) bool {
		m, ok := MDEMeans(sd, sd, n, n, alpha, power)
		return ok && m <= delta
	}
	for !within(n) {
		n++
	}
	for n > 2 && within(n-1) {
		n--
	}
	return n, true
}

// NPSVariance is the variance of one answer's NPS score (+1 for a promoter, 0 for a passive,
// −1 for a detractor) when the shares of promoters and detractors are p and d:
// (p + d) − (p − d)². Times 100², it is the variance on the −100..100 scale.
func NPSVariance(p, d float64) float64 { return math.Max(0, p+d-sq(p-d)) }

// MDENPS is the smallest difference of two NPS, in points of the −100..100 scale, that a z
// test of the difference (NPSDifference) at level alpha finds with probability power, when
// the control has promoter and detractor shares p and d over n1 answers and the treatment n2
// answers, each answer taken with the control's variance:
//
//	δ = 100 · (z_{1−α/2} + z_{power}) · √(v·(1/n1 + 1/n2)),  v = NPSVariance(p, d)
func MDENPS(p, d float64, n1, n2 int, alpha, power float64) (float64, bool) {
	za, zb, ok := quantiles(alpha, power)
	v := NPSVariance(p, d)
	if !ok || n1 <= 0 || n2 <= 0 || !validShares(p, d) || v == 0 {
		return 0, false
	}
	return 100 * (za + zb) * math.Sqrt(v*(1/float64(n1)+1/float64(n2))), true
}

// SampleSizeNPS is how many answers each of two equal arms needs for the z test of the
// difference to find a change of delta NPS points with probability power, from promoter and
// detractor shares p and d: n = 2·v·(z_{1−α/2} + z_{power})² / (δ/100)².
func SampleSizeNPS(p, d, delta, alpha, power float64) (int, bool) {
	za, zb, ok := quantiles(alpha, power)
	v := NPSVariance(p, d)
	if !ok || !validShares(p, d) || v == 0 || !(delta > 0) {
		return 0, false
	}
	return ceilSize(2 * v * sq(za+zb) / sq(delta/100))
}

func validShares(p, d float64) bool { return p >= 0 && d >= 0 && p+d <= 1+1e-12 }

// ceilSize rounds a sample size up, forgiving the rounding error of a formula that lands on a
// whole number.
func ceilSize(n float64) (int, bool) {
	if !(n > 0) || n > maxSampleSize {
		return 0, false
	}
	return int(math.Ceil(n - 1e-9)), true
}

// smallestRoot finds the smallest d in (0, hi] where excess(d) falls to zero or below, after a
// start above it: a scan finds the first step that crosses, bisection the point. excess can
// rise before it falls (a share near 0 gains variance as it grows), which is why the scan
// goes first.
func smallestRoot(excess func(float64) float64, hi float64) (float64, bool) {
	const steps = 4000
	lo := 0.0
	for i := 1; i <= steps; i++ {
		x := hi * float64(i) / steps
		if excess(x) <= 0 {
			a, b := lo, x
			for range 100 {
				m := (a + b) / 2
				if excess(m) <= 0 {
					b = m
				} else {
					a = m
				}
			}
			return b, true
		}
		lo = x
	}
	return 0, false
}
