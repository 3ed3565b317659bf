// Package stats computes the intervals and significance tests that every Lodestar metric
// value carries: NPS by the adjusted-Wald method, proportions by Wilson, means by Student's t,
// and the tests of a difference (z on the adjusted-Wald NPS difference, the two-proportion z
// test, Welch's t). Every function takes counts or sufficient statistics, never raw values,
// because the aggregates keep only those; and none returns NaN or an infinity, which JSON
// cannot carry: degenerate inputs give the value with a zero-width or widest interval and
// TooFew set.
package stats

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Confidence is the level of every interval; Alpha the level of every test.
const (
	Confidence = 0.95
	Alpha      = 1 - Confidence
)

// MinN is the sample size below which a value is marked too few to trust. It is still
// returned: hiding it would hide that the answers are few.
const MinN = 30

// z is the two-sided normal quantile of the confidence level, 1.959964…
var z = distuv.UnitNormal.Quantile(1 - Alpha/2)

// Interval is a confidence interval.
type Interval struct {
	Low  float64 `json:"low"`
	High float64 `json:"high"`
}

// Estimate is a value with its sample size and interval.
type Estimate struct {
	Value    float64  `json:"value"`
	N        int      `json:"n"`
	Interval Interval `json:"interval"`
	TooFew   bool     `json:"too_few,omitempty" jsonschema_description:"Fewer than 30 answers: shown, but not to be trusted."`
}

// Test is the test of a difference between two samples, A less B.
type Test struct {
	Difference  float64  `json:"difference"`
	Interval    Interval `json:"interval" jsonschema_description:"95% interval of the difference."`
	Statistic   float64  `json:"statistic" jsonschema_description:"z or t."`
	DF          float64  `json:"df,omitempty" jsonschema_description:"Degrees of freedom, for Welch's t."`
	P           float64  `json:"p" jsonschema_description:"Two-sided p-value."`
	Significant bool     `json:"significant" jsonschema_description:"p below 0.05."`
	Method      string   `json:"method" jsonschema:"enum=adjusted-wald-z,enum=two-proportion-z,enum=welch-t,enum=none" jsonschema_description:"none for counts and sums, which are told apart but not tested."`
}

func clamp(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }

// finite replaces NaN and infinities by def.
func finite(v, def float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return def
	}
	return v
}

// NPSCounts are the answers to an NPS question by class.
type NPSCounts struct {
	Promoters, Passives, Detractors int
}

// N is the number of answers.
func (c NPSCounts) N() int { return c.Promoters + c.Passives + c.Detractors }

// Raw is the NPS, −100 to 100; 0 without answers.
func (c NPSCounts) Raw() float64 {
	n := c.N()
	if n == 0 {
		return 0
	}
	return 100 * float64(c.Promoters-c.Detractors) / float64(n)
}

// adjusted is the adjusted-Wald NPS (as a fraction, −1 to 1) and its variance: three answers
// added, ¾ of one to promoters and to detractors and 1½ to passives.
func (c NPSCounts) adjusted() (nps, variance float64) {
	n := float64(c.N()) + 3
	p := (float64(c.Promoters) + 0.75) / n
	d := (float64(c.Detractors) + 0.75) / n
	nps = p - d
	return nps, (p + d - nps*nps) / n
}

// NPS is the score of the counts with its adjusted-Wald interval (Sauro and Lewis, Quantifying
// the User Experience), clamped to −100..100. The value is the raw NPS; the interval is
// centred on the adjusted one, which is what gives it its coverage at small n. Without
// answers the value is 0 and the interval the whole scale: the three pseudo-answers alone
// would claim −80..80, a precision no one measured. With a single promoter (or detractor)
// the interval, centred on ±25, stops at ±98.5 and so misses the raw ±100: the method's,
// kept rather than patched, and such a value is marked TooFew anyway. Counts must not be
// negative.
func NPS(promoters, passives, detractors int) Estimate {
	c := NPSCounts{promoters, passives, detractors}
	e := Estimate{Value: c.Raw(), N: c.N(), TooFew: c.N() < MinN}
	if c.N() <= 0 {
		e.Interval = Interval{-100, 100}
		return e
	}
	nps, v := c.adjusted()
	half := z * math.Sqrt(v)
	e.Interval = Interval{Low: clamp(100*(nps-half), -100, 100), High: clamp(100*(nps+half), -100, 100)}
	return e
}

// NPSDifference tests whether two NPS differ: z on the difference of the adjusted scores,
// whose variances add. Difference is the raw NPS of a less that of b; the interval, in NPS
// points, is centred on the adjusted difference. The adjusted variance is never zero, so
// even empty samples give finite numbers (and, being equal, p 1).
func NPSDifference(a, b NPSCounts) Test {
	na, va := a.adjusted()
	nb, vb := b.adjusted()
	se := math.Sqrt(va + vb)
	d := na - nb
	t := Test{Difference: a.Raw() - b.Raw(), Method: "adjusted-wald-z",
		Interval: Interval{Low: clamp(100*(d-z*se), -200, 200), High: clamp(100*(d+z*se), -200, 200)}}
	t.Statistic = finite(d/se, 0)
	t.P = twoSidedNormal(t.Statistic)
	t.Significant = t.P < Alpha
	return t
}

func twoSidedNormal(z float64) float64 {
	return clamp(2*distuv.UnitNormal.Survival(math.Abs(z)), 0, 1)
}

// Wilson is the share of successes among n, as a fraction, with the Wilson score interval.
// Without answers the value is 0 and the interval 0 to 1. Successes must lie in 0..n.
func Wilson(successes, n int) Estimate {
	e := Estimate{N: n, TooFew: n < MinN}
	if n <= 0 {
		e.Interval = Interval{0, 1}
		return e
	}
	p := float64(successes) / float64(n)
	nf := float64(n)
	z2 := z * z
	centre := (p + z2/(2*nf)) / (1 + z2/nf)
	half := z / (1 + z2/nf) * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf))
	e.Value = p
	e.Interval = Interval{Low: clamp(centre-half, 0, 1), High: clamp(centre+half, 0, 1)}
	return e
}

// TwoProportions tests whether two shares differ with the pooled two-proportion z test. The
// interval of the difference is Newcombe's hybrid score interval (method 10), built from the
// two Wilson intervals, which keeps its coverage near 0 and 1 where the Wald interval fails.
// A side without answers, or every answer the same on both sides, gives no test: statistic
// 0, p 1, and (without answers) the interval −1..1.
func TwoProportions(s1, n1, s2, n2 int) Test {
	t := Test{Method: "two-proportion-z", Interval: Interval{-1, 1}, P: 1}
	if n1 <= 0 || n2 <= 0 {
		return t
	}
	p1, p2 := float64(s1)/float64(n1), float64(s2)/float64(n2)
	t.Difference = p1 - p2
	w1, w2 := Wilson(s1, n1).Interval, Wilson(s2, n2).Interval
	t.Interval = Interval{
		Low:  clamp(t.Difference-math.Sqrt(sq(p1-w1.Low)+sq(w2.High-p2)), -1, 1),
		High: clamp(t.Difference+math.Sqrt(sq(w1.High-p1)+sq(p2-w2.Low)), -1, 1),
	}
	pool := float64(s1+s2) / float64(n1+n2)
	se := math.Sqrt(pool * (1 - pool) * (1/float64(n1) + 1/float64(n2)))
	if se == 0 {
		// Every answer the same on both sides: no difference to find.
		return t
	}
	t.Statistic = t.Difference / se
	t.P = twoSidedNormal(t.Statistic)
	t.Significant = t.P < Alpha
	return t
}

func sq(x float64) float64 { return x * x }

// Moments are the sufficient statistics of a sample for its mean and variance.
type Moments struct {
	N     int
	Sum   float64
	SumSq float64
}

// Add adds o to m.
func (m *Moments) Add(o Moments) {
	m.N += o.N
	m.Sum += o.Sum
	m.SumSq += o.SumSq
}

// Observe adds one value.
func (m *Moments) Observe(x float64) { m.Add(Moments{1, x, x * x}) }

// Mean is the sample mean; 0 when empty.
func (m Moments) Mean() float64 {
	if m.N == 0 {
		return 0
	}
	return m.Sum / float64(m.N)
}

// Variance is the sample variance (n − 1); 0 below two values. Rounding can make the
// difference of sums slightly negative for a constant sample; it is taken as 0.
func (m Moments) Variance() float64 {
	if m.N < 2 {
		return 0
	}
	n := float64(m.N)
	return math.Max(0, (m.SumSq-m.Sum*m.Sum/n)/(n-1))
}

// MeanT is the mean with its Student's t interval. Below two values the interval is the value
// itself: there is no spread to measure.
func MeanT(m Moments) Estimate {
	e := Estimate{Value: m.Mean(), N: m.N, TooFew: m.N < MinN}
	e.Interval = Interval{e.Value, e.Value}
	if m.N < 2 {
		return e
	}
	q := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(m.N - 1)}.Quantile(1 - Alpha/2)
	half := q * math.Sqrt(m.Variance()/float64(m.N))
	e.Interval = Interval{e.Value - half, e.Value + half}
	return e
}

// Welch tests whether two means differ by Welch's t, with the Welch–Satterthwaite degrees of
// freedom. Either side below two values, or both without spread, gives no test: statistic 0,
// p 1, and the interval the observed difference alone, since there is no spread to measure.
func Welch(a, b Moments) Test {
	t := Test{Method: "welch-t", Difference: a.Mean() - b.Mean(), P: 1}
	t.Interval = Interval{t.Difference, t.Difference}
	if a.N < 2 || b.N < 2 {
		return t
	}
	va, vb := a.Variance()/float64(a.N), b.Variance()/float64(b.N)
	se2 := va + vb
	if se2 == 0 {
		return t
	}
	// Written with the shares of se² rather than se⁴/(va²/… + vb²/…), whose squares underflow
	// to 0/0 for very small variances; each share is in 0..1.
	fa, fb := va/se2, vb/se2
	df := 1 / (fa*fa/float64(a.N-1) + fb*fb/float64(b.N-1))
	se := math.Sqrt(se2)
	dist := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}
	half := dist.Quantile(1-Alpha/2) * se
	t.DF = df
	t.Statistic = t.Difference / se
	t.Interval = Interval{t.Difference - half, t.Difference + half}
	t.P = clamp(2*dist.Survival(math.Abs(t.Statistic)), 0, 1)
	t.Significant = t.P < Alpha
	return t
}
