package main

import (
	"os"
	"strconv"
	"testing"

	"github.com/lodestar-cx/lodestar/bench/themes/gen"
	"github.com/lodestar-cx/lodestar/internal/themes"
)

// TestPlantedThemes is the proof of discovery: on generated comments, the planted themes
// are in the top ten with recall of at least 0.9, no decoy is, every theme found is labelled
// with a word of its planted name, and the rising theme's trend rises.
func TestPlantedThemes(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		t.Run("seed"+strconv.FormatUint(seed, 10), func(t *testing.T) {
			c := generate(30_000, seed)
			res, err := c.discover(t.Context(), themes.Options{})
			if err != nil {
				t.Fatal(err)
			}
			ev, err := c.evaluate(res, 10)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%d detractors, %d others, %d phrases tested, min z %.2f\n%s", res.Target, res.Reference, res.Tested, res.MinZ, report(res, ev))
			if ev.Recall < 0.9 {
				t.Errorf("recall of planted themes in the top 10 = %.2f, want ≥ 0.9", ev.Recall)
			}
			if ev.Decoys > 0 {
				t.Errorf("%d decoys in the top 10, want none", ev.Decoys)
			}
			for _, m := range ev.Matches {
				if m.Planted >= 0 && !m.Label {
					t.Errorf("theme %q found planted theme %q but shares no word with it", m.Theme, gen.Planted[m.Planted].Name)
				}
			}
			rising := -1
			for i, p := range gen.Planted {
				if p.Rising {
					rising = i
				}
			}
			for i, m := range ev.Matches {
				if m.Planted != rising {
					continue
				}
				// Planted at 0.5 to 1.5 times its rate from the first period to the last:
				// about 0.64 times in the first third and 1.36 times in the last.
				tr := res.Themes[i].Trend
				var first, last float64
				for j, p := range tr {
					switch {
					case j < len(tr)/3:
						first += float64(p.Volume) / float64(p.Docs)
					case j >= len(tr)-len(tr)/3:
						last += float64(p.Volume) / float64(p.Docs)
					}
				}
				if last < 1.3*first {
					t.Errorf("trend of %q: share %.3f in the first third, %.3f in the last; want it rising", m.Theme, first, last)
				}
			}
		})
	}
}

// BenchmarkDiscover discovers the themes of BENCH_THEMES_N generated comments (100,000).
func BenchmarkDiscover(b *testing.B) {
	n := 100_000
	if s := os.Getenv("BENCH_THEMES_N"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			b.Fatal(err)
		}
	}
	c := generate(n, 1)
	b.ResetTimer()
	for b.Loop() {
		if _, err := c.discover(b.Context(), themes.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
