package insights_test

import (
	"math"
	"strings"
	"testing"

	"github.com/lodestar-cx/lodestar/internal/insights"
)

func TestFrictionKnownAnswer(t *testing.T) {
	totals := map[string]insights.Groups{"Checkout": {Detractors: 40, Promoters: 60}, "Onboarding": {Detractors: 10, Promoters: 10}}
	names := map[int64]string{1: "Crashes", 2: "Pricing", 3: "Praise"}
	counts := []insights.FrictionCount{
		{Touchpoint: "Checkout", ThemeID: 1, Detractors: 20, Promoters: 6, Customers: 18, Revenue: 900},
		{Touchpoint: "Checkout", ThemeID: 2, Detractors: 8, Promoters: 10, Customers: 8}, // 20% against 16.7%: not significant
		{Touchpoint: "Checkout", ThemeID: 3, Detractors: 1, Promoters: 30, Customers: 1}, // more among promoters
		{Touchpoint: "Onboarding", ThemeID: 2, Detractors: 9, Promoters: 1, Customers: 30, Revenue: 100},
		{Touchpoint: "Nowhere", ThemeID: 1, Detractors: 5, Customers: 5}, // no totals: no test
	}
	got := insights.Friction(counts, totals, names, 0.05)
	if len(got) != 2 {
		t.Fatalf("friction points = %+v, want Crashes at checkout and Pricing at onboarding", got)
	}
	// Ranked by customers affected: onboarding's 30 before checkout's 18.
	if got[0].Touchpoint != "Onboarding" || got[1].Theme != "Crashes" {
		t.Errorf("order = %s/%s, %s/%s", got[0].Touchpoint, got[0].Theme, got[1].Touchpoint, got[1].Theme)
	}
	c := got[1]
	// 50% of detractors against 10% of promoters: the pooled z test, computed here apart.
	p1, p2 := 20.0/40, 6.0/60
	pool := 26.0 / 100
	z := (p1 - p2) / math.Sqrt(pool*(1-pool)*(1.0/40+1.0/60))
	if c.DetractorShare != 50 || c.PromoterShare != 10 || math.Abs(c.Test.Statistic-z) > 1e-9 || math.Abs(c.Test.P-math.Erfc(z/math.Sqrt2)) > 1e-9 {
		t.Errorf("checkout crashes = %+v, want 50%% against 10%%, z %.6f", c, z)
	}
}

func TestShifts(t *testing.T) {
	names := map[int64]string{1: "Crashes", 2: "Pricing"}
	s := insights.Shifts(map[int64]int{1: 2, 2: 5}, map[int64]int{1: 12, 2: 5}, 20, 20, names)
	if len(s) != 2 || s[0].Theme != "Crashes" || s[0].BeforeShare != 10 || s[0].AfterShare != 60 || !s[0].Test.Significant || s[1].Test.Significant {
		t.Fatalf("shifts = %+v, want Crashes 10%% → 60%% significant first, Pricing unchanged", s)
	}
	if sum := insights.ShiftSummary(s); !strings.Contains(sum, `"Crashes" rose from 10.0% to 60.0% of detractors`) || strings.Contains(sum, "Pricing") {
		t.Errorf("summary = %q", sum)
	}
	if sum := insights.ShiftSummary(s[1:]); sum != "No theme moved significantly among detractors." {
		t.Errorf("summary without a significant move = %q", sum)
	}
}

func TestThemeInput(t *testing.T) {
	for _, tc := range []struct {
		in    insights.ThemeInput
		field string
	}{
		{insights.ThemeInput{Name: "x"}, "any"},
		{insights.ThemeInput{Name: "x", Any: []string{"crash"}, Phrases: []string{"slow page"}}, "phrases"},
		{insights.ThemeInput{Name: "x", Any: []string{"the"}}, "any"},
		{insights.ThemeInput{Name: "x", Phrases: []string{"a of the"}}, "phrases[0]"},
		{insights.ThemeInput{Name: " ", Any: []string{"crash"}}, "name"},
	} {
		err := tc.in.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.field) {
			t.Errorf("%+v: error %v, want one on %s", tc.in, err, tc.field)
		}
	}
	ok := insights.ThemeInput{Name: " Slow pages ", Phrases: []string{"slow loading", " page takes forever "}}
	if err := ok.Validate(); err != nil || ok.Name != "Slow pages" || ok.Origin() != insights.FromDiscovery || ok.Phrases[1] != "page takes forever" {
		t.Errorf("valid input: %v, %+v", err, ok)
	}
}

func TestTagger(t *testing.T) {
	tg, err := insights.NewTagger([]insights.Theme{
		{ID: 7, Name: "Crashes", Origin: insights.FromRule, Any: []string{"crash"}},
		{ID: 9, Name: "Slow pages", Origin: insights.FromDiscovery, Phrases: []string{"slow loading pages"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	a := tg.Analyze("The app crashed and the pages were slow loading... Slow loading page every time!")
	if len(a.Themes) != 2 || a.Themes[0] != 7 || a.Themes[1] != 9 || a.Sentiment.Label != "negative" {
		t.Errorf("analysis = %+v, want both themes (7 then 9) and negative", a)
	}
	if a := tg.Analyze("   "); len(a.Themes) != 0 || a.Sentiment.Label != "neutral" {
		t.Errorf("empty text = %+v", a)
	}
}
