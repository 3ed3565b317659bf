package metrics

import (
	"math"

	"github.com/lodestar-cx/lodestar/internal/feedback"
	"github.com/lodestar-cx/lodestar/internal/stats"
)

// ByScale holds the answers to one question apart by scale: a CSAT asked on 1–5 in one survey
// and good/bad in the help desk is classified on each scale by that scale's rule.
type ByScale map[feedback.Scale]Scores

// Add adds s, on scale sc.
func (b ByScale) Add(sc feedback.Scale, s Scores) {
	v := b[sc]
	v.Add(s)
	b[sc] = v
}

// Sample is what a metric's value and its tests are computed from: three classes for a
// score such as NPS (promoters, passives, detractors; for CES net easy: easy, neutral,
// difficult), two for a share (yes, no), or the moments of the answers for a mean. Skipped
// counts the answers the variant cannot classify: a score that is not a whole number, or a
// scale the variant has no rule for.
type Sample struct {
	Form    Form          `json:"form"`
	Pos     int64         `json:"positive"`
	Neutral int64         `json:"neutral"`
	Neg     int64         `json:"negative"`
	Moments stats.Moments `json:"-"`
	Skipped int64         `json:"skipped"`
}

// Form is the shape of a sample.
type Form string

// The forms.
const (
	Net   Form = "net"   // share positive less share negative, −100 to 100
	Share Form = "share" // share positive, 0 to 100 %
	Avg   Form = "mean"  // mean answer
	Total Form = "count" // how many items (custom)
	Added Form = "sum"   // the sum of an attribute (custom)
	// Lifetime is a CLV: Pos customers lost and Neg kept out of those at the span's start,
	// and Moments.Sum the gross profit of the span.
	Lifetime Form = "clv"
)

// Defined reports whether the sample has a value: it has answers, and a CLV has churn to
// divide by.
func (s Sample) Defined() bool {
	return s.N() > 0 && (s.Form != Lifetime || s.Pos > 0)
}

// N is the number of answers the value counts.
func (s Sample) N() int64 {
	if s.Form == Avg || s.Form == Total || s.Form == Added {
		return int64(s.Moments.N)
	}
	return s.Pos + s.Neutral + s.Neg
}

// FormOf is the form of a kind's variant.
func FormOf(k Kind, v Variant) Form {
	switch {
	case k == CLV:
		return Lifetime
	case k == Custom && v == Count:
		return Total
	case k == Custom && v == Sum:
		return Added
	case k == NPS, v == NetEasy:
		return Net
	case v == Mean:
		return Avg
	}
	return Share
}

// rule classifies whole scores on one scale: [posLo, posHi] positive, [negLo, negHi]
// negative, the rest neutral.
type rule struct{ posLo, posHi, negLo, negHi int }

// ruleFor is the classification of variant v of kind k on scale sc, if it has one.
func ruleFor(k Kind, v Variant, sc feedback.Scale) (rule, bool) {
	lo, hi := int(sc.Min), int(sc.Max)
	if float64(lo) != sc.Min || float64(hi) != sc.Max || lo < 0 || hi > 10 {
		return rule{}, false
	}
	switch {
	case k == NPS && sc == feedback.ScaleNPS:
		return rule{9, 10, 0, 6}, true
	case k == CSAT && v == Satisfied:
		// The top two boxes, or the top box of a scale of three points or fewer.
		top := hi - 1
		if hi-lo+1 <= 3 {
			top = hi
		}
		return rule{top, hi, lo, top - 1}, true
	case k == CES && sc == feedback.ScaleCES7:
		return rule{5, 7, 1, 3}, true
	case k == CES && sc == legacyCES:
		// CES 1.0 asked how much effort it took: 1 is very little.
		return rule{1, 2, 4, 5}, true
	}
	return rule{}, false
}

// legacyCES is the 1–5 scale of CES 1.0, where a low score means little effort.
var legacyCES = feedback.Scale{Min: 1, Max: 5}

// SampleOf classifies the answers of b for variant v of kind k. A mean is taken on scale
// target (the kind's usual scale when nil), with answers on other scales mapped onto it
// linearly (legacy CES reversed, so that a high score means easy on every scale).
func SampleOf(k Kind, v Variant, target *feedback.Scale, b ByScale) Sample {
	s := Sample{Form: FormOf(k, v)}
	if k == Custom {
		// The values of a custom metric are on no scale: their moments add up as they are.
		for _, sc0 := range b {
			s.Moments.Add(stats.Moments{N: int(sc0.N), Sum: sc0.Sum, SumSq: sc0.SumSq})
		}
		return s
	}
	for sc, sc0 := range b {
		if s.Form == Avg {
			to := feedback.DefaultScale(k.Question())
			if target != nil {
				to = *target
			}
			s.Moments.Add(rescale(sc0, sc, to, k == CES && sc == legacyCES && to != legacyCES))
			continue
		}
		r, ok := ruleFor(k, v, sc)
		if !ok {
			s.Skipped += sc0.N
			continue
		}
		pos := sc0.Range(r.posLo, r.posHi)
		neg := sc0.Range(r.negLo, r.negHi)
		whole := sc0.Range(int(sc.Min), int(sc.Max))
		s.Skipped += sc0.N - whole
		if s.Form == Share {
			s.Pos += pos
			s.Neg += whole - pos
			continue
		}
		s.Pos += pos
		s.Neg += neg
		s.Neutral += whole - pos - neg
	}
	return s
}

// rescale maps the moments of answers on scale from onto scale to: x' = a + b·x, reversed
// (high ↔ low) when reverse is set.
func rescale(s Scores, from, to feedback.Scale, reverse bool) stats.Moments {
	b := (to.Max - to.Min) / (from.Max - from.Min)
	a := to.Min - from.Min*b
	if reverse {
		b = -b
		a = to.Max + from.Min*(to.Max-to.Min)/(from.Max-from.Min)
	}
	n := float64(s.N)
	return stats.Moments{N: int(s.N), Sum: a*n + b*s.Sum, SumSq: a*a*n + 2*a*b*s.Sum + b*b*s.SumSq}
}

// Value is a metric's value over a sample: the value with its 95% interval, n, and whether n
// is too small to trust.
type Value struct {
	stats.Estimate
	Sample Sample `json:"sample"`
}

// Evaluate computes the value of a sample: NPS and net easy from −100 to 100 with the
// adjusted-Wald interval, a share in percent with the Wilson interval, a mean with the t
// interval.
func Evaluate(s Sample) Value {
	var e stats.Estimate
	switch s.Form {
	case Net:
		e = stats.NPS(int(s.Pos), int(s.Neutral), int(s.Neg))
	case Share:
		e = stats.Wilson(int(s.Pos), int(s.Pos+s.Neg))
		e.Value, e.Interval.Low, e.Interval.High = 100*e.Value, 100*e.Interval.Low, 100*e.Interval.High
	case Total, Added:
		// A count or a sum of what happened is not a sample of something larger: it has no
		// interval, only its value.
		v := float64(s.Moments.N)
		if s.Form == Added {
			v = s.Moments.Sum
		}
		e = stats.Estimate{Value: v, N: s.Moments.N, Interval: stats.Interval{Low: v, High: v}}
	case Lifetime:
		e = lifetime(s)
	default:
		e = stats.MeanT(s.Moments)
	}
	e.Value = round(e.Value)
	e.Interval.Low, e.Interval.High = round(e.Interval.Low), round(e.Interval.High)
	return Value{Estimate: e, Sample: s}
}

// round keeps four decimals: more is noise, and it keeps JSON readable.
func round(f float64) float64 { return math.Round(f*1e4) / 1e4 }

// Compare tests whether the value of sample a differs from that of b: NPS and net easy by z on
// the adjusted-Wald difference, shares by the two-proportion z test, means by Welch's t.
func Compare(a, b Sample) stats.Test {
	var t stats.Test
	switch a.Form {
	case Net:
		t = stats.NPSDifference(stats.NPSCounts{Promoters: int(a.Pos), Passives: int(a.Neutral), Detractors: int(a.Neg)},
			stats.NPSCounts{Promoters: int(b.Pos), Passives: int(b.Neutral), Detractors: int(b.Neg)})
	case Share:
		t = stats.TwoProportions(int(a.Pos), int(a.Pos+a.Neg), int(b.Pos), int(b.Pos+b.Neg))
		t.Difference, t.Interval.Low, t.Interval.High = 100*t.Difference, 100*t.Interval.Low, 100*t.Interval.High
	case Total, Added, Lifetime:
		// Counts and sums are told apart, not tested: there is no sample to test. Nor is a
		// CLV: its churn is the part to test, as a churn metric.
		d := Evaluate(a).Value - Evaluate(b).Value
		t = stats.Test{Difference: d, Interval: stats.Interval{Low: d, High: d}, P: 1, Method: "none"}
	default:
		t = stats.Welch(a.Moments, b.Moments)
	}
	t.Difference, t.Interval.Low, t.Interval.High = round(t.Difference), round(t.Interval.Low), round(t.Interval.High)
	return t
}

// lifetime is the CLV of a sample: the gross profit per customer at the start (ARPC × margin)
// over the churn rate. Its interval carries the uncertainty of the churn rate, the Wilson
// interval of lost over customers at the start, taking the span's revenue as known. Without a
// customer lost there is no rate to divide by: the value is 0 and marked too few.
func lifetime(s Sample) stats.Estimate {
	n := s.Pos + s.Neg
	if s.Pos == 0 || n == 0 {
		return stats.Estimate{N: int(n), TooFew: true}
	}
	profit := s.Moments.Sum / float64(n)
	w := stats.Wilson(int(s.Pos), int(n))
	e := stats.Estimate{Value: profit / w.Value, N: int(n), TooFew: w.TooFew}
	e.Interval = stats.Interval{Low: profit / w.Interval.High, High: profit / w.Interval.Low}
	return e
}
