package sentiment

import (
	"math"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/lodestar-cx/lodestar/internal/text"
)

func TestAnalyzeLabels(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Label
	}{
		{"The app is good", Positive},
		{"The app is not good", Negative},
		{"I like the new dashboard", Positive},
		{"I don't like the new dashboard", Negative},
		{"I would like a dark mode", Neutral},
		{"Export works", Positive},
		{"Export never works", Negative},
		{"Export doesn't work", Negative},
		{"Export barely works", Negative},
		{"It was bad", Negative},
		{"It wasn't bad", Positive},
		{"The screen is good but the battery dies fast", Negative},
		{"The battery dies fast but the screen is good", Positive},
		{"Although it is pricey, it works great", Positive},
		{"Checkout crashes every time I pay", Negative},
		{"Support was quick and helpful", Positive},
		{"Love it :)", Positive},
		{"Sync is broken again :(", Negative},
		{"New reports 👍", Positive},
		{"New reports 👎", Negative},
		{"Please add a dark mode", Neutral},
		{"", Neutral},
		{"  ...  ", Neutral},
	} {
		if got := Analyze(tc.in); got.Label != tc.want {
			t.Errorf("Analyze(%q) = %+v, want label %s", tc.in, got, tc.want)
		}
	}
}

// rulesScore is the lexicon rules' compound score of s, before the model: the part of the
// pipeline whose response to negation, degree words and emphasis is set by hand.
func rulesScore(s string) float64 {
	return NewAnalyzer(nil).rules(s).compound()
}

func TestRules(t *testing.T) {
	// Each pair: the first scores higher than the second.
	for _, tc := range []struct{ higher, lower string }{
		// Negation turns a valence, within the clause.
		{"good", "not good"},
		{"I like it", "I don't like it"},
		{"it wasn't bad", "it was bad"},
		{"it works", "it never works"},
		{"no problems", "problems"},
		{"not here, good", "not good"},
		// Intensifiers add, diminishers take away, on either side of zero.
		{"very good", "good"},
		{"extremely good", "good"},
		{"good", "slightly good"},
		{"slow", "very slow"},
		{"slightly slow", "slow"},
		{"barely slow", "slow"},
		{"pretty good", "good"},
		{"slow", "pretty slow"},
		{"works", "barely works"},
		// What follows "but" outweighs what precedes it.
		{"slow but good", "good but slow"},
		{"the screen is great", "the screen is great but the battery is poor"},
		{"although slow, it works", "slow"},
		// Emphasis: exclamation marks and a shouted word, not a text typed in capitals.
		{"great!!!", "great"},
		{"this is GREAT", "this is great"},
		{"bad", "bad!!!"},
		{"it is bad", "it is BAD"},
		{"love it :)", "love it"},
		{"ok 👍", "ok"},
	} {
		h, l := rulesScore(tc.higher), rulesScore(tc.lower)
		if !(h > l) {
			t.Errorf("rules score %q = %.3f, %q = %.3f; want the first higher", tc.higher, h, tc.lower, l)
		}
	}
	if a, b := rulesScore("THIS IS GREAT"), rulesScore("this is great"); a != b {
		t.Errorf("rules score of a text typed in capitals = %.3f, want %.3f as in lowercase", a, b)
	}
}

func TestSplit(t *testing.T) {
	lex := english().lex
	var toks tokens
	toks.split("The app CRASHES, don’t ship it!! :-) 👍 well-made ❤️ fun :(.", lex)
	var got []string
	for _, tok := range toks.list {
		w := tok.word
		if tok.brk {
			w = "|" + w
		}
		if tok.caps {
			w += "^"
		}
		got = append(got, w)
	}
	want := []string{"the", "app", "crashes^", "|don't", "ship", "it", "|:-)", "👍", "well", "made", "❤", "fun", ":("}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("split (-want +got):\n%s", diff)
	}
	if toks.exclaims != 2 {
		t.Errorf("exclaims = %d, want 2", toks.exclaims)
	}
}

func TestOtherLanguageIsNeutral(t *testing.T) {
	if Supports(text.Spanish) {
		t.Fatal("Supports(Spanish) = true, want false")
	}
	if got, want := AnalyzeLang(text.Spanish, "es muy malo"), (Result{Label: Neutral}); got != want {
		t.Errorf("AnalyzeLang(Spanish, ...) = %+v, want %+v", got, want)
	}
	if got, want := AnalyzeLang(nil, "great"), Analyze("great"); got != want {
		t.Errorf("AnalyzeLang(nil, great) = %+v, want English %+v", got, want)
	}
}

func TestAnalyzeConcurrent(t *testing.T) {
	texts := []string{"great app", "the export is broken", "why is this so slow?", "NOT happy!!!"}
	want := make([]Result, len(texts))
	for i, s := range texts {
		want[i] = NewAnalyzer(nil).Analyze(s)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 200 {
				for i, s := range texts {
					if got := Analyze(s); got != want[i] {
						t.Errorf("Analyze(%q) = %+v, want %+v", s, got, want[i])
						return
					}
				}
			}
		})
	}
	wg.Wait()
}

// TestStemCacheBounded checks that the stem cache stays bounded on endless new words.
func TestStemCacheBounded(t *testing.T) {
	a := NewAnalyzer(nil)
	for i := range maxStems + 10 {
		a.stem("w" + strings.Repeat("x", i%50) + string(rune('a'+i%26)) + string(rune(i)))
	}
	if len(a.stems) > maxStems {
		t.Errorf("stem cache holds %d words, want at most %d", len(a.stems), maxStems)
	}
}

func FuzzAnalyze(f *testing.F) {
	for _, s := range []string{"", "good", "not bad!!!", "GREAT but :( 👎", "ñ’'", "\xff\xfe", "!!!!!!!!!!", "not not not"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := Analyze(s)
		if math.IsNaN(r.Score) || r.Score < -1 || r.Score > 1 {
			t.Fatalf("Analyze(%q).Score = %v, want within [-1, 1]", s, r.Score)
		}
		switch r.Label {
		case Positive, Negative, Neutral:
		default:
			t.Fatalf("Analyze(%q).Label = %q", s, r.Label)
		}
		if r2 := NewAnalyzer(nil).Analyze(s); r2 != r {
			t.Fatalf("Analyze(%q) = %+v, a fresh analyzer gives %+v", s, r, r2)
		}
	})
}

// A typical comment: twenty words, with a negation, a contrast and an intensifier.
const typical = "The new dashboard looks great, but exports still don't work on large projects and support was really slow to answer."

func BenchmarkAnalyze(b *testing.B) {
	Analyze(typical) // load the lexicon and the model
	b.ReportAllocs()
	for b.Loop() {
		Analyze(typical)
	}
}

func BenchmarkAnalyzer(b *testing.B) {
	a := NewAnalyzer(nil)
	b.ReportAllocs()
	for b.Loop() {
		a.Analyze(typical)
	}
}
