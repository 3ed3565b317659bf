package roadmap_test

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/lodestar-cx/lodestar/internal/civil"
	"github.com/lodestar-cx/lodestar/internal/fault"
	"github.com/lodestar-cx/lodestar/internal/roadmap"
)

func TestCheckInInputValidate(t *testing.T) {
	pct := func(p float64) *float64 { return &p }
	tests := []struct {
		name string
		in   roadmap.CheckInInput
		want []string // the fields at fault, in order
	}{
		{"on track", roadmap.CheckInInput{Status: "on_track", Progress: pct(0), Confidence: 1}, nil},
		{"done", roadmap.CheckInInput{Status: "on_track", Progress: pct(100), Confidence: 10}, nil},
		{"at risk with a note", roadmap.CheckInInput{Status: "at_risk", Progress: pct(40), Confidence: 4, Note: "late"}, nil},
		{"at risk without a note", roadmap.CheckInInput{Status: "at_risk", Progress: pct(40), Confidence: 4, Note: " "}, []string{"note"}},
		{"off track without a note", roadmap.CheckInInput{Status: "off_track", Progress: pct(40), Confidence: 4}, []string{"note"}},
		{"no progress", roadmap.CheckInInput{Status: "on_track", Confidence: 5}, []string{"progress"}},
		{"over 100", roadmap.CheckInInput{Status: "on_track", Progress: pct(100.5), Confidence: 5}, []string{"progress"}},
		{"negative", roadmap.CheckInInput{Status: "on_track", Progress: pct(-0.1), Confidence: 5}, []string{"progress"}},
		{"not a number", roadmap.CheckInInput{Status: "on_track", Progress: pct(math.NaN()), Confidence: 5}, []string{"progress"}},
		{"everything wrong", roadmap.CheckInInput{Status: "fine", Confidence: 0}, []string{"status", "confidence", "progress"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.in.Validate()
			var got []string
			var inv *fault.InvalidError
			if errors.As(err, &inv) {
				for _, f := range inv.Fields {
					got = append(got, f.Field)
				}
			} else if err != nil {
				t.Fatalf("Validate() = %v, want an *InvalidError or nil", err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("Validate() faults %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("Validate() faults %v, want %v", got, tt.want)
				}
			}
		})
	}
}

func TestCheckInCadenceStale(t *testing.T) {
	created := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	c := roadmap.CheckInCadence{Days: 14}
	tests := []struct {
		name string
		last time.Time
		now  time.Time
		want bool
	}{
		{"new", time.Time{}, created, false},
		{"never checked in, at the cadence", time.Time{}, created.Add(14 * day), false},
		{"never checked in, past the cadence", time.Time{}, created.Add(14*day + time.Second), true},
		{"checked in lately", created.Add(10 * day), created.Add(20 * day), false},
		{"checked in long ago", created.Add(1 * day), created.Add(20 * day), true},
	}
	for _, tt := range tests {
		if got := c.Stale(tt.last, created, tt.now); got != tt.want {
			t.Errorf("%s: Stale(%v, %v, %v) = %v, want %v", tt.name, tt.last, created, tt.now, got, tt.want)
		}
	}
}

func TestQuarter(t *testing.T) {
	for _, tt := range []struct {
		d    civil.Date
		want string
	}{
		{civil.Date{Year: 2026, Month: 1, Day: 1}, "2026-Q1"},
		{civil.Date{Year: 2026, Month: 3, Day: 31}, "2026-Q1"},
		{civil.Date{Year: 2026, Month: 4, Day: 1}, "2026-Q2"},
		{civil.Date{Year: 2026, Month: 9, Day: 30}, "2026-Q3"},
		{civil.Date{Year: 2026, Month: 12, Day: 31}, "2026-Q4"},
	} {
		if got := roadmap.Quarter(tt.d); got != tt.want {
			t.Errorf("Quarter(%s) = %s, want %s", tt.d, got, tt.want)
		}
	}
}
