package civil_test

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/lodestar-cx/lodestar/internal/civil"
)

func TestDateIsValid(t *testing.T) {
	tests := []struct {
		d    civil.Date
		want bool
	}{
		{civil.Date{Year: 2026, Month: time.March, Day: 1}, true},
		{civil.Date{Year: 2024, Month: time.February, Day: 29}, true},
		{civil.Date{Year: 2026, Month: time.February, Day: 29}, false},
		{civil.Date{Year: 1900, Month: time.February, Day: 29}, false},
		{civil.Date{Year: 2000, Month: time.February, Day: 29}, true},
		{civil.Date{Year: 2026, Month: time.April, Day: 31}, false},
		{civil.Date{Year: 2026, Month: 13, Day: 1}, false},
		{civil.Date{Year: 2026, Month: time.March, Day: 0}, false},
		{civil.Date{Year: 1, Month: time.January, Day: 1}, true},
		{civil.Date{Year: 9999, Month: time.December, Day: 31}, true},
		{civil.Date{Year: 10000, Month: time.January, Day: 1}, false},
		{civil.Date{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.d.String(), func(t *testing.T) {
			if got := tt.d.IsValid(); got != tt.want {
				t.Errorf("%v.IsValid() = %v, want %v", tt.d, got, tt.want)
			}
		})
	}
}

func TestDateAddDays(t *testing.T) {
	tests := []struct {
		d    civil.Date
		n    int
		want civil.Date
	}{
		{mar(1), 0, mar(1)},
		{mar(1), -1, date(time.February, 28)},
		{civil.Date{Year: 2024, Month: time.March, Day: 1}, -1, civil.Date{Year: 2024, Month: time.February, Day: 29}},
		{date(time.December, 31), 1, civil.Date{Year: 2027, Month: time.January, Day: 1}},
		{mar(5), 365, civil.Date{Year: 2027, Month: time.March, Day: 5}},
		{civil.Date{Year: 1970, Month: time.January, Day: 1}, -1, civil.Date{Year: 1969, Month: time.December, Day: 31}},
	}
	for _, tt := range tests {
		t.Run(tt.d.String(), func(t *testing.T) {
			if got := tt.d.AddDays(tt.n); got != tt.want {
				t.Errorf("%v.AddDays(%d) = %v, want %v", tt.d, tt.n, got, tt.want)
			}
			if got := tt.want.DaysSince(tt.d); got != tt.n {
				t.Errorf("%v.DaysSince(%v) = %d, want %d", tt.want, tt.d, got, tt.n)
			}
		})
	}
}

// The day arithmetic agrees with the time package's over the whole valid range.
func TestDateAgreesWithTime(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	origin := time.Date(1, time.January, 1, 0, 0, 0, 0, time.UTC)
	for range 10000 {
		a := origin.AddDate(0, 0, r.IntN(3652000))
		n := r.IntN(2000) - 1000
		b := a.AddDate(0, 0, n)
		if b.Year() < 1 || b.Year() > 9999 {
			continue
		}
		if got, want := civil.Of(a).AddDays(n), civil.Of(b); got != want {
			t.Fatalf("%v.AddDays(%d) = %v, want %v", civil.Of(a), n, got, want)
		}
		if !civil.Of(a).IsValid() {
			t.Fatalf("%v.IsValid() = false, want true", civil.Of(a))
		}
	}
}

func TestDateOfUsesTheLocation(t *testing.T) {
	// 23:30 in New York on 1 March is already 2 March in UTC: the user's day is the one shown.
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip(err)
	}
	in := time.Date(2026, time.March, 1, 23, 30, 0, 0, ny)
	if got := civil.Of(in); got != mar(1) {
		t.Errorf("Of(%v) = %v, want %v", in, got, mar(1))
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in      string
		want    civil.Date
		wantErr bool
	}{
		{"2026-03-01", mar(1), false},
		{"2024-02-29", civil.Date{Year: 2024, Month: time.February, Day: 29}, false},
		{"2026-02-29", civil.Date{}, true},
		{"2026-3-1", civil.Date{}, true},
		{"", civil.Date{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := civil.Parse(tt.in)
			if got != tt.want || (err != nil) != tt.wantErr {
				t.Errorf("Parse(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestDateJSON(t *testing.T) {
	type row struct {
		Start civil.Date `json:"start"`
		Due   civil.Date `json:"due,omitzero"`
	}
	b, err := json.Marshal(row{Start: mar(3)})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"start":"2026-03-03"}`; got != want {
		t.Errorf("json.Marshal = %s, want %s", got, want)
	}
	var back row
	if err := json.Unmarshal([]byte(`{"start":"2026-03-03","due":""}`), &back); err != nil {
		t.Fatal(err)
	}
	if want := (row{Start: mar(3)}); back != want {
		t.Errorf("json.Unmarshal = %+v, want %+v", back, want)
	}
	if err := json.Unmarshal([]byte(`{"start":"March 3"}`), &back); err == nil {
		t.Errorf("json.Unmarshal(March 3) = nil error, want one")
	}
}

func TestDateCompare(t *testing.T) {
	tests := []struct {
		a, b civil.Date
		want int
	}{
		{mar(1), mar(2), -1},
		{mar(2), mar(2), 0},
		{date(time.April, 1), mar(31), 1},
		{civil.Date{Year: 2025, Month: time.December, Day: 31}, mar(1), -1},
	}
	for _, tt := range tests {
		if got := tt.a.Compare(tt.b); got != tt.want {
			t.Errorf("%v.Compare(%v) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func mar(day int) civil.Date { return date(time.March, day) }

func date(m time.Month, day int) civil.Date { return civil.Date{Year: 2026, Month: m, Day: day} }
