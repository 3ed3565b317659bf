package goals

import (
	"math"
	"testing"
	"time"
)

func TestProgress(t *testing.T) {
	cases := []struct {
		m    Measure
		want float64
	}{
		{Measure{Increase, 32, 45, 32}, 0},
		{Measure{Increase, 32, 45, 38.5}, 0.5},
		{Measure{Increase, 32, 45, 45}, 1},
		{Measure{Increase, 32, 45, 58}, 2}, // not capped above
		{Measure{Increase, 32, 45, 20}, 0}, // floored at 0
		{Measure{Decrease, 6, 4, 5}, 0.5},  // churn from 6% to 4%
		{Measure{Decrease, 6, 4, 3}, 1.5},  // beyond target
		{Measure{Decrease, 6, 4, 7}, 0},    // worse than baseline
		{Measure{StayAbove, 0, 85, 85}, 1}, // at the line counts
		{Measure{StayAbove, 0, 85, 84.9}, 0},
		{Measure{StayBelow, 0, 2, 1.5}, 1},
		{Measure{StayBelow, 0, 2, 2.5}, 0},
		{Measure{Binary, 0, 1, 0}, 0},
		{Measure{Binary, 0, 1, 1}, 1},
	}
	for _, c := range cases {
		if got := c.m.Progress(); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("%+v.Progress() = %v, want %v", c.m, got, c.want)
		}
	}
}

func TestCheck(t *testing.T) {
	cases := []struct {
		m     Measure
		field string
	}{
		{Measure{Increase, 32, 45, 0}, ""},
		{Measure{Increase, 32, 32, 0}, "target"}, // target equal to baseline
		{Measure{Increase, 32, 20, 0}, "target"},
		{Measure{Decrease, 6, 6, 0}, "target"},
		{Measure{Decrease, 6, 8, 0}, "target"},
		{Measure{StayAbove, 0, 85, 0}, ""},
		{Measure{"grow", 0, 1, 0}, "kind"},
		{Measure{Increase, math.NaN(), 1, 0}, "baseline"},
		{Measure{Increase, 0, 1, math.Inf(1)}, "current"},
	}
	for _, c := range cases {
		if field, _ := c.m.Check(); field != c.field {
			t.Errorf("%+v.Check() names %q, want %q", c.m, field, c.field)
		}
	}
}

func TestRollup(t *testing.T) {
	got, ok := Rollup([]Weighted{{0.5, 1}, {1, 3}, {0.9, 0}})
	if !ok || math.Abs(got-0.875) > 1e-12 {
		t.Errorf("Rollup = %v, %v; want 0.875, true", got, ok)
	}
	if _, ok := Rollup([]Weighted{{1, 0}}); ok {
		t.Error("Rollup of weightless parts reports progress")
	}
}

func TestPace(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	due := start.AddDate(0, 0, 100)
	at := func(days int) time.Time { return start.AddDate(0, 0, days) }
	cases := []struct {
		progress float64
		now      time.Time
		want     Status
	}{
		{0, at(-5), OnTrack},    // not started
		{0, at(0), OnTrack},     // nothing expected yet
		{0.48, at(50), OnTrack}, // 0.96 of expected
		{0.475, at(50), OnTrack},
		{0.47, at(50), AtRisk},
		{0.375, at(50), AtRisk}, // exactly 0.75 of expected
		{0.37, at(50), OffTrack},
		{0.9, at(120), AtRisk}, // past due, 90% done
		{1.2, at(120), OnTrack},
	}
	for _, c := range cases {
		if got := Pace(c.progress, start, due, c.now); got != c.want {
			t.Errorf("Pace(%v, day %v) = %v, want %v", c.progress, c.now.Sub(start).Hours()/24, got, c.want)
		}
	}
}
