package text

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func words(s string) (ws []string) {
	Words(s, func(w string, brk bool) bool {
		if brk {
			w = "|" + w
		}
		ws = append(ws, w)
		return true
	})
	return ws
}

func TestWords(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"The app CRASHES, every time.", []string{"the", "app", "crashes", "|every", "time"}},
		{"I don’t like it — at all", []string{"i", "don't", "like", "it", "|at", "all"}},
		{"log-in/sign-up fails", []string{"log", "in", "sign", "up", "fails"}},
		{"'quoted' words' end", []string{"quoted", "words", "end"}},
		{"Größe ÜBER café naïve", []string{"größe", "über", "café", "naïve"}},
		{"日本語のテキスト。次", []string{"日本語のテキスト", "|次"}},
		{"waited 45 minutes!!! terrible", []string{"waited", "45", "minutes", "|terrible"}},
		{"", nil},
		{"  ...  ", nil},
	} {
		if diff := cmp.Diff(tc.want, words(tc.in)); diff != "" {
			t.Errorf("Words(%q) (-want +got):\n%s", tc.in, diff)
		}
	}
}

func TestWordsStopsEarly(t *testing.T) {
	n := 0
	Words("one two three four", func(string, bool) bool { n++; return n < 2 })
	if n != 2 {
		t.Fatalf("fn called %d times after returning false, want 2", n)
	}
}

func TestStemAndStop(t *testing.T) {
	a := NewAnalyzer(English)
	for _, w := range []string{"crashes", "crashed", "crashing", "crash"} {
		if got := a.Stem(w); got != "crash" {
			t.Errorf("Stem(%q) = %q, want crash", w, got)
		}
	}
	for _, w := range []string{"the", "and", "it's", "would", "45"} {
		if got := a.Stem(w); got != "" {
			t.Errorf("Stem(%q) = %q, want \"\" (a stop word or a number)", w, got)
		}
	}
	for _, w := range []string{"not", "no", "don't", "never"} {
		if English.IsStop(w) || !English.IsNegation(w) {
			t.Errorf("%q: stop %v, negation %v; want a negation that is no stop word", w, English.IsStop(w), English.IsNegation(w))
		}
	}
}

func phrases(s string, n int) (keys, texts []string) {
	a := NewAnalyzer(English)
	Phrases(a.Terms(nil, s), n, func(p Phrase) {
		keys = append(keys, p.Key)
		texts = append(texts, p.Text)
	})
	return keys, texts
}

func TestPhrases(t *testing.T) {
	keys, texts := phrases("A total waste of money. Slow checkout pages", 3)
	want := []string{"total", "total wast", "wast", "wast of money", "money", "slow", "slow checkout", "slow checkout page",
		"checkout", "checkout page", "page"}
	if diff := cmp.Diff(want, keys); diff != "" {
		t.Errorf("keys (-want +got):\n%s", diff)
	}
	if !strings.Contains(strings.Join(texts, "|"), "waste of money") {
		t.Errorf("texts %q lack the phrase as written", texts)
	}
	// No phrase crosses the full stop: "money slow" is two clauses.
	for _, k := range keys {
		if k == "money slow" {
			t.Errorf("phrase %q spans a clause boundary", k)
		}
	}
	// Two stop words in a row end a phrase; a phrase never ends on one.
	keys, _ = phrases("support is in the dark", 3)
	if diff := cmp.Diff([]string{"support", "dark"}, keys); diff != "" {
		t.Errorf("keys (-want +got):\n%s", diff)
	}
}

func TestLookup(t *testing.T) {
	if l, ok := Lookup("en-GB"); !ok || l != English {
		t.Errorf("Lookup(en-GB) = %v, %v", l.Code, ok)
	}
	if l, ok := Lookup("ES"); !ok || l != Spanish {
		t.Errorf("Lookup(ES) = %v, %v", l.Code, ok)
	}
	if l, ok := Lookup("xx"); ok || l != English {
		t.Errorf("Lookup(xx) = %v, %v; want the English fallback, not known", l.Code, ok)
	}
	if got := Spanish.Stem("caminando"); got != "camin" {
		t.Errorf("Spanish stem of caminando = %q", got)
	}
}

func FuzzWords(f *testing.F) {
	f.Add("The app CRASHES, don’t it?")
	f.Add("日本語\xff\xfe'x")
	f.Fuzz(func(t *testing.T, s string) {
		a := NewAnalyzer(English)
		terms := a.Terms(nil, s)
		for _, tm := range terms {
			if tm.Word == "" || strings.ToLower(tm.Word) != tm.Word {
				t.Fatalf("term %q of %q is empty or not lowercase", tm.Word, s)
			}
		}
		Phrases(terms, 3, func(p Phrase) {
			if p.Key == "" || strings.Count(p.Key, " ") > 2 {
				t.Fatalf("phrase %q of %q", p.Key, s)
			}
		})
	})
}

// BenchmarkWords tokenises comment-like text; compare with BenchmarkFields, the plain split.
func BenchmarkWords(b *testing.B) {
	s := strings.Repeat("The checkout page keeps crashing when I apply a discount code, so annoying! ", 20)
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		n := 0
		Words(s, func(string, bool) bool { n++; return true })
	}
}

func BenchmarkFields(b *testing.B) {
	s := strings.Repeat("The checkout page keeps crashing when I apply a discount code, so annoying! ", 20)
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		n := 0
		for range strings.FieldsSeq(s) {
			n++
		}
	}
}
