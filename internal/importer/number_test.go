package importer

import (
	"errors"
	"testing"
)

func TestParseNumber(t *testing.T) {
	for _, c := range []struct {
		in   string
		want float64
		err  error
	}{
		{"0", 0, nil},
		{" 9 ", 9, nil},
		{"4.5", 4.5, nil},
		{"4,5", 4.5, nil},
		{"1234.50", 1234.5, nil},
		{"1,234", 0, errAmbiguousNumber},
		{"12,000", 0, errAmbiguousNumber},
		{"1,2345", 1.2345, nil},
	} {
		got, err := parseNumber(c.in)
		if got != c.want || !errors.Is(err, c.err) {
			t.Errorf("parseNumber(%q) = %v, %v; want %v, %v", c.in, got, err, c.want, c.err)
		}
	}
	if _, err := parseNumber("five"); err == nil {
		t.Error(`parseNumber("five") = nil error`)
	}
}
