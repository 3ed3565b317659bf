// Package civil has the calendar date: a day without a time or a zone, which is what people
// mean by a start date, a due date or a goal's period. It travels as "2026-03-31" in JSON, in
// YAML and in both databases. A time.Time would carry an instant, and the same instant falls on
// different days in different zones, so a due date could move across midnight between the
// browser and the database.
package civil

import (
	"cmp"
	"database/sql/driver"
	"fmt"
	"time"
)

// Date is a calendar day. The zero Date means "no date". Valid dates run from 0001-01-01 to
// 9999-12-31.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// Layout is the text form of a date.
const Layout = time.DateOnly

// Of returns the day on which t falls in t's own location.
func Of(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// Parse reads "YYYY-MM-DD".
func Parse(s string) (Date, error) {
	t, err := time.Parse(Layout, s)
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date such as 2026-03-31", s)
	}
	return Of(t), nil
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// IsValid reports whether d names a real calendar day between years 1 and 9999.
func (d Date) IsValid() bool {
	if d.Year < 1 || d.Year > 9999 || d.Month < time.January || d.Month > time.December || d.Day < 1 || d.Day > 31 {
		return false
	}
	// A day past the end of its month (31 April) comes back as another date.
	return FromEpochDays(d.EpochDays()) == d
}

// Time is midnight UTC at the start of d.
func (d Date) Time() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// String writes YYYY-MM-DD, or nothing for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// AddDays returns the date n days after d (before d when n is negative).
func (d Date) AddDays(n int) Date { return FromEpochDays(d.EpochDays() + n) }

// DaysSince returns the number of days from s to d: positive when d is later.
func (d Date) DaysSince(s Date) int { return d.EpochDays() - s.EpochDays() }

// Compare returns -1, 0 or +1 as d is before, equal to, or after o.
func (d Date) Compare(o Date) int {
	if c := cmp.Compare(d.Year, o.Year); c != 0 {
		return c
	}
	if c := cmp.Compare(d.Month, o.Month); c != 0 {
		return c
	}
	return cmp.Compare(d.Day, o.Day)
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// MarshalText writes "YYYY-MM-DD"; the zero Date writes empty text.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads "YYYY-MM-DD"; empty text is the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	p, err := Parse(string(b))
	if err != nil {
		return err
	}
	*d = p
	return nil
}

// Value stores a date as "YYYY-MM-DD", or NULL for the zero Date.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// Scan reads a date from either database: PostgreSQL's DATE arrives as a time, SQLite's as
// text (or as a time when the column is declared DATE).
func (d *Date) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*d = Date{}
	case time.Time:
		*d = Of(x.UTC())
	case string:
		return d.scanText(x)
	case []byte:
		return d.scanText(string(x))
	default:
		return fmt.Errorf("cannot scan %T as a date", v)
	}
	return nil
}

func (d *Date) scanText(s string) error {
	if len(s) >= len(Layout) {
		s = s[:len(Layout)]
	}
	p, err := Parse(s)
	if err != nil {
		return err
	}
	*d = p
	return nil
}

// EpochDays returns the number of days from 1970-01-01 to d, so that day arithmetic is integer
// arithmetic; this is Howard Hinnant's days_from_civil, which needs no time zone and no
// allocation.
func (d Date) EpochDays() int {
	y, m := d.Year, int(d.Month)
	if m <= 2 {
		y--
	}
	era := y
	if era < 0 {
		era -= 399
	}
	era /= 400
	yoe := y - era*400
	mp := m - 3
	if m <= 2 {
		mp = m + 9
	}
	doy := (153*mp+2)/5 + d.Day - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// FromEpochDays is the inverse of EpochDays (Hinnant's civil_from_days).
func FromEpochDays(z int) Date {
	z += 719468
	era := z
	if era < 0 {
		era -= 146096
	}
	era /= 146097
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	day := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if mp >= 10 {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	return Date{Year: y, Month: time.Month(m), Day: day}
}
