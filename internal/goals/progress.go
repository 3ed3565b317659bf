// Package goals owns the vision and goals of a workspace: a tree from the vision through
// business goals to objectives, and the key results that measure them. It knows how progress
// is computed and whether it is on pace; it stores nothing itself.
package goals

import (
	"fmt"
	"math"
	"time"
)

// Kind is how a key result's value is judged against its target.
type Kind string

// The kinds of key result.
const (
	// Increase moves a value up from its baseline to its target (NPS from 32 to 45).
	Increase Kind = "increase"
	// Decrease moves a value down from its baseline to its target (churn from 6% to 4%).
	Decrease Kind = "decrease"
	// StayAbove keeps a value at or above its target (CSAT stays above 85%).
	StayAbove Kind = "stay_above"
	// StayBelow keeps a value at or below its target (first response under 2 hours).
	StayBelow Kind = "stay_below"
	// Binary is done or not done: a value of 1 or more is done.
	Binary Kind = "binary"
)

// Kinds lists the kinds, for validation and documentation.
var Kinds = []Kind{Increase, Decrease, StayAbove, StayBelow, Binary}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool {
	for _, x := range Kinds {
		if k == x {
			return true
		}
	}
	return false
}

// Measure is what progress is computed from.
type Measure struct {
	Kind     Kind
	Baseline float64
	Target   float64
	Current  float64
}

// Check reports a measure whose progress cannot be computed, naming the field at fault.
func (m Measure) Check() (field, problem string) {
	for _, f := range []struct {
		name string
		v    float64
	}{{"baseline", m.Baseline}, {"target", m.Target}, {"current", m.Current}} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) {
			return f.name, "must be a finite number"
		}
	}
	switch m.Kind {
	case Increase:
		if m.Target <= m.Baseline {
			return "target", fmt.Sprintf("must be above the baseline (%g) for a key result that increases", m.Baseline)
		}
	case Decrease:
		if m.Target >= m.Baseline {
			return "target", fmt.Sprintf("must be below the baseline (%g) for a key result that decreases", m.Baseline)
		}
	case StayAbove, StayBelow, Binary:
	default:
		return "kind", "must be one of increase, decrease, stay_above, stay_below, binary"
	}
	return "", ""
}

// Progress is the share of the way from baseline to target, as a fraction: 0 at the baseline
// or worse, 1 at the target, above 1 beyond it (progress is not capped, so overachievement
// shows). Stay-above, stay-below and binary key results are 0 or 1.
func (m Measure) Progress() float64 {
	var p float64
	switch m.Kind {
	case Increase:
		p = (m.Current - m.Baseline) / (m.Target - m.Baseline)
	case Decrease:
		p = (m.Baseline - m.Current) / (m.Baseline - m.Target)
	case StayAbove:
		p = b2f(m.Current >= m.Target)
	case StayBelow:
		p = b2f(m.Current <= m.Target)
	case Binary:
		p = b2f(m.Current >= 1)
	}
	if math.IsNaN(p) || p < 0 {
		return 0
	}
	return p
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// Weighted is one part of an objective: a key result or a child objective, with its progress
// and weight.
type Weighted struct {
	Progress float64
	Weight   float64
}

// Rollup is the weighted mean progress of an objective's parts; parts with no weight count for
// nothing, and an objective with no weighted parts has no progress (ok is false).
func Rollup(parts []Weighted) (progress float64, ok bool) {
	var sum, weights float64
	for _, p := range parts {
		if p.Weight <= 0 {
			continue
		}
		sum += p.Progress * p.Weight
		weights += p.Weight
	}
	if weights == 0 {
		return 0, false
	}
	return sum / weights, true
}

// Status is how progress compares with the pace needed to arrive on time.
type Status string

// The statuses.
const (
	OnTrack  Status = "on_track"
	AtRisk   Status = "at_risk"
	OffTrack Status = "off_track"
)

// Pace thresholds: progress at or above these shares of the expected progress.
const (
	onTrackShare = 0.95
	atRiskShare  = 0.75
)

// Expected is the progress a straight line from start (0) to due (1) reaches at now.
func Expected(start, due, now time.Time) float64 {
	if !due.After(start) {
		if now.Before(due) {
			return 0
		}
		return 1
	}
	f := float64(now.Sub(start)) / float64(due.Sub(start))
	return math.Max(0, math.Min(1, f))
}

// Pace judges progress against the expected progress at now: on track at 95% of it or more,
// at risk from 75%, off track below. Before any progress is expected, anything is on track.
func Pace(progress float64, start, due, now time.Time) Status {
	return PaceOf(progress, Expected(start, due, now))
}

// PaceOf judges progress against an expected progress, with the thresholds of Pace.
func PaceOf(progress, exp float64) Status {
	switch {
	case exp == 0 || progress >= onTrackShare*exp:
		return OnTrack
	case progress >= atRiskShare*exp:
		return AtRisk
	}
	return OffTrack
}
