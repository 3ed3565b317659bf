package metrics

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/lodestar-cx/lodestar/internal/stats"
)

// A metric move between two periods has two sources: the mix of segments changed (more
// answers from the free plan, whose NPS is lower), or the value within segments changed (the
// free plan's NPS itself fell). Decompose splits the change into the two, by a symmetric
// shift-share: with w the share of a segment's answers and m its value,
//
//	mix    = Σ (w_B − w_A) × (m_A + m_B) / 2
//	within = Σ (m_B − m_A) × (w_A + w_B) / 2
//
// which add up exactly to the change of the total, Σ w_B m_B − Σ w_A m_A. A segment with
// answers in one period only counts its one value on both sides: its change is all mix.

// Shift is one segment's part in a move.
type Shift struct {
	Value string `json:"value" jsonschema_description:"The segment: a value of the dimension."`
	// Before and After are the segment's values; WeightBefore and WeightAfter its share of
	// the answers, in percent.
	Before       Value   `json:"before"`
	After        Value   `json:"after"`
	WeightBefore float64 `json:"weight_before"`
	WeightAfter  float64 `json:"weight_after"`
	Mix          float64 `json:"mix" jsonschema_description:"The part of the move from this segment's change of weight."`
	Within       float64 `json:"within" jsonschema_description:"The part of the move from this segment's change of value."`
	// Change tests the segment's value after against before; absent where either is empty.
	Change *stats.Test `json:"change,omitempty"`
}

// Decomposition is a metric move between two periods, split into segment mix and change within
// segments.
type Decomposition struct {
	By     string     `json:"by"`
	Before Value      `json:"before"`
	After  Value      `json:"after"`
	Change stats.Test `json:"change" jsonschema_description:"After less before, tested."`
	Mix    float64    `json:"mix" jsonschema_description:"The part of the change due to the segments' shares of answers changing."`
	Within float64    `json:"within" jsonschema_description:"The part of the change due to the values within segments changing."`
	// Segments are ordered by how much of the move they carry, the largest first.
	Segments []Shift `json:"segments"`
}

// Decomposable reports whether a form's total is the answer-weighted mean of its segments'
// values, which a decomposition needs: NPS, shares and means are; counts, sums and CLV are not.
func Decomposable(f Form) bool { return f == Net || f == Share || f == Avg }

// raw is the unrounded value of a sample of a decomposable form.
func raw(s Sample) float64 {
	switch s.Form {
	case Net:
		return 100 * float64(s.Pos-s.Neg) / float64(s.N())
	case Share:
		return 100 * float64(s.Pos) / float64(s.N())
	}
	return s.Moments.Sum / float64(s.Moments.N)
}

// Decompose splits the move from before to after (the same query over two periods, broken
// down by one dimension) into mix and within.
func Decompose(before, after Result) (Decomposition, error) {
	d := Decomposition{By: after.By, Before: before.Total, After: after.Total}
	if after.By == "" || before.By != after.By {
		return d, fmt.Errorf("a decomposition needs both periods broken down by the same dimension")
	}
	form := after.Total.Sample.Form
	if !Decomposable(form) {
		return d, fmt.Errorf("a %s metric's total is not a mean of its segments: it cannot be split into mix and within", form)
	}
	d.Change = Compare(after.Total.Sample, before.Total.Sample)
	segs := map[string]*Shift{}
	var order []string
	shift := func(v string) *Shift {
		if s, ok := segs[v]; ok {
			return s
		}
		s := &Shift{Value: v}
		segs[v] = s
		order = append(order, v)
		return s
	}
	for _, s := range before.Segments {
		shift(s.Value).Before = s.Total
	}
	for _, s := range after.Segments {
		shift(s.Value).After = s.Total
	}
	nA, nB := float64(before.Total.Sample.N()), float64(after.Total.Sample.N())
	for _, v := range order {
		s := segs[v]
		a, b := s.Before.Sample, s.After.Sample
		var wA, wB, mA, mB float64
		if nA > 0 {
			wA = float64(a.N()) / nA
		}
		if nB > 0 {
			wB = float64(b.N()) / nB
		}
		switch {
		case a.N() > 0 && b.N() > 0:
			mA, mB = raw(a), raw(b)
			t := Compare(b, a)
			s.Change = &t
		case a.N() > 0:
			mA = raw(a)
			mB = mA
		case b.N() > 0:
			mB = raw(b)
			mA = mB
		}
		s.Mix = (wB - wA) * (mA + mB) / 2
		s.Within = (mB - mA) * (wA + wB) / 2
		s.WeightBefore, s.WeightAfter = round(100*wA), round(100*wB)
		d.Mix += s.Mix
		d.Within += s.Within
	}
	for _, v := range order {
		s := segs[v]
		s.Mix, s.Within = round(s.Mix), round(s.Within)
		d.Segments = append(d.Segments, *s)
	}
	d.Mix, d.Within = round(d.Mix), round(d.Within)
	slices.SortStableFunc(d.Segments, func(a, b Shift) int {
		return cmp.Compare(math.Abs(b.Mix)+math.Abs(b.Within), math.Abs(a.Mix)+math.Abs(a.Within))
	})
	return d, nil
}

// Summary says the decomposition in a sentence or two, for reports: how the total moved, and
// how much of it came from the mix and from within segments, naming the segments that carry
// most of each.
func (d Decomposition) Summary(name string) string {
	var b strings.Builder
	dir := "rose"
	if d.Change.Difference < 0 {
		dir = "fell"
	}
	sig := "not a significant change"
	if d.Change.Significant {
		sig = "a significant change"
	}
	if d.Change.Difference == 0 {
		fmt.Fprintf(&b, "%s stayed at %s. ", name, fmtNum(d.After.Value))
	} else {
		fmt.Fprintf(&b, "%s %s %s, from %s to %s (p = %s, %s). ", name, dir, signed(d.Change.Difference), fmtNum(d.Before.Value),
			fmtNum(d.After.Value), fmtP(d.Change.P), sig)
	}
	fmt.Fprintf(&b, "Segment mix (by %s) accounts for %s and change within segments for %s", d.By, signed(d.Mix), signed(d.Within))
	var mixTop, withinTop *Shift
	for i := range d.Segments {
		s := &d.Segments[i]
		if mixTop == nil || math.Abs(s.Mix) > math.Abs(mixTop.Mix) {
			mixTop = s
		}
		if withinTop == nil || math.Abs(s.Within) > math.Abs(withinTop.Within) {
			withinTop = s
		}
	}
	var parts []string
	if mixTop != nil && math.Abs(mixTop.Mix) >= 0.05 {
		parts = append(parts, fmt.Sprintf("%s went from %s%% to %s%% of answers", segName(mixTop.Value), fmtNum(mixTop.WeightBefore), fmtNum(mixTop.WeightAfter)))
	}
	if withinTop != nil && math.Abs(withinTop.Within) >= 0.05 {
		parts = append(parts, fmt.Sprintf("%s moved from %s to %s", segName(withinTop.Value), fmtNum(withinTop.Before.Value), fmtNum(withinTop.After.Value)))
	}
	if len(parts) > 0 {
		b.WriteString(": " + strings.Join(parts, "; "))
	}
	b.WriteString(".")
	return b.String()
}

func segName(v string) string {
	if v == "" {
		return "answers without one"
	}
	return v
}

func signed(f float64) string {
	if f > 0 {
		return "+" + fmtNum(f)
	}
	return fmtNum(f)
}

func fmtNum(f float64) string {
	s := fmt.Sprintf("%.1f", f)
	if s == "-0.0" {
		s = "0.0"
	}
	return s
}

func fmtP(p float64) string {
	if p < 0.001 {
		return "< 0.001"
	}
	return fmt.Sprintf("%.3f", p)
}
