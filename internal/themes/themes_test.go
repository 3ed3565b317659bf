package themes

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/lodestar-cx/lodestar/internal/text"
)

// tokenTexts are texts that test the splitting of words: case, apostrophes, clause
// boundaries, hyphens, digits, and text outside ASCII.
var tokenTexts = []string{
	"The app CRASHES, every time.",
	"I don't like it - at all; really (never) [again] {ok} \"quoted\" a|b",
	"log-in/sign-up fails",
	"'quoted' words' end it's o'clock rock'n'roll don''t x'",
	"waited 45 minutes!!! terrible\nnext line\r\ttab",
	"an extraordinarilylongwordthatgoesonandon and another",
	"exactly8 exactly16characters exactly17characters",
	"l'été café naïve Größe ÜBER",
	"I don’t like it — at all",
	"",
	"  ...  ",
	"a'",
	"'a",
	"9'a 9'9 a'9",
}

func wordsOf(s string) (out []string) {
	text.Words(s, func(w string, brk bool) bool {
		if brk {
			w = "|" + w
		}
		out = append(out, w)
		return true
	})
	return out
}

func unpackShort(k shortWord) string {
	var b []byte
	for _, v := range []uint64{k.a, k.b} {
		for ; v != 0; v >>= 8 {
			b = append(b, byte(v))
		}
	}
	return string(b)
}

// TestScanASCII holds the fast path of the counter to text.Words: the same words, the same
// boundaries, and the same packed form as the lowercase word.
func TestScanASCII(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const alphabet = "aAzZ09 '.,-/!\n\"|x@[`{:/\x7f_~^\x00mM5"
	texts := slices.Clone(tokenTexts)
	for range 20000 {
		b := make([]byte, r.IntN(30))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		texts = append(texts, string(b))
	}
	for _, s := range texts {
		var got []string
		ok := scanASCII(s, func(k shortWord, raw string, brk bool) {
			w := strings.ToLower(raw)
			if len(w) <= 16 && unpackShort(k) != w {
				t.Errorf("scanASCII(%q): word %q packed as %q", s, w, unpackShort(k))
			}
			if len(w) > 16 && k != (shortWord{}) {
				t.Errorf("scanASCII(%q): word %q of %d bytes packed", s, w, len(w))
			}
			if brk {
				w = "|" + w
			}
			got = append(got, w)
		})
		ascii := true
		for i := range len(s) {
			ascii = ascii && s[i] < 0x80
		}
		if ok != ascii {
			t.Errorf("scanASCII(%q) = %v, want %v", s, ok, ascii)
			continue
		}
		if !ok {
			continue
		}
		if diff := cmp.Diff(wordsOf(s), got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("scanASCII(%q) (-text.Words +scanASCII):\n%s", s, diff)
		}
	}
}

// gramKeys returns the phrase keys forGrams finds in s, spelled by their stems.
func gramKeys(v *vocab, s string, maxN int) []string {
	var toks []tok
	text.Words(s, func(w string, brk bool) bool {
		x := v.lookup(w).tok
		if brk {
			x.flags |= fBreak
		}
		toks = append(toks, x)
		return true
	})
	var keys []string
	forGrams(toks, maxN, func(key uint64, _, _ int) { keys = append(keys, v.keyString(key)) })
	return keys
}

// TestForGramsIsPhrases holds the phrases counted to those of text.Phrases.
func TestForGramsIsPhrases(t *testing.T) {
	v := newVocab(text.English)
	a := text.NewAnalyzer(text.English)
	for _, s := range append(slices.Clone(tokenTexts),
		"A total waste of money. Slow checkout pages", "the app logs me out and I cannot reset my password",
		"not working at all, never replies", "it is what it is", "refund took 3 weeks") {
		for n := 1; n <= 3; n++ {
			var want []string
			text.Phrases(a.Terms(nil, s), n, func(p text.Phrase) { want = append(want, p.Key) })
			if diff := cmp.Diff(want, gramKeys(v, s, n), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("phrases of %q up to %d words (-text.Phrases +forGrams):\n%s", s, n, diff)
			}
		}
	}
}

// TestCountIsForGrams holds the worker's inlined phrase forming to forGrams, by counting
// the same documents both ways.
func TestCountIsForGrams(t *testing.T) {
	docs := []string{"The checkout page crashes, every time. Waste of money!", "App logs me out; cannot reset my password",
		"hidden fees hidden fees hidden fees", "l'été café: naïve Größe über alles"}
	for maxN := 1; maxN <= 3; maxN++ {
		c, err := NewCounter(Options{Workers: 1, MaxN: maxN})
		if err != nil {
			t.Fatal(err)
		}
		for i, d := range docs {
			c.Add(Doc{ID: int64(i + 1), Text: d, Target: i%2 == 0})
		}
		c.send()
		c.stop()
		w := c.workers[0]
		got := make(map[string][2]uint32)
		for id, n := range w.uni[1] {
			if n+w.uni[0][id] > 0 {
				got[c.vocab.keyString(pack(uint32(id), 0, 0))] = [2]uint32{w.uni[0][id], n}
			}
		}
		for _, e := range w.counts {
			got[c.vocab.keyString(e.key)] = e.n
		}
		want := make(map[string][2]uint32)
		for i, d := range docs {
			seen := make(map[string]bool)
			for _, k := range gramKeys(c.vocab, d, maxN) {
				if !seen[k] {
					seen[k] = true
					n := want[k]
					n[1-i%2]++
					want[k] = n
				}
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("documents by phrase up to %d words (-forGrams +counter):\n%s", maxN, diff)
		}
	}
}

func TestLogOdds(t *testing.T) {
	// 100 of 5,000 target documents and 15 of 15,000 reference documents hold the phrase;
	// alpha0 500, so the prior adds 500·115/20000 = 2.875 documents with it to each group.
	delta, z := logOdds(100, 5000, 15, 15000, 115.0/20000, 500)
	a := 2.875
	wantDelta := math.Log((100+a)/(5000-100+500-a)) - math.Log((15+a)/(15000-15+500-a))
	wantZ := wantDelta / math.Sqrt(1/(100+a)+1/(5000-100+500-a)+1/(15+a)+1/(15000-15+500-a))
	if math.Abs(delta-wantDelta) > 1e-12 || math.Abs(z-wantZ) > 1e-12 {
		t.Errorf("logOdds = %v, %v; want %v, %v", delta, z, wantDelta, wantZ)
	}
	if delta < 2 || z < 8 {
		t.Errorf("logOdds = %v, %v: want a clear difference", delta, z)
	}
	if _, z := logOdds(50, 1000, 50, 1000, 0.05, 500); z != 0 {
		t.Errorf("logOdds of equal shares: z = %v, want 0", z)
	}
	if _, z := logOdds(10, 1000, 90, 1000, 0.05, 500); z >= 0 {
		t.Errorf("logOdds of a phrase rarer in the target: z = %v, want < 0", z)
	}
	if d, z := logOdds(0, 0, 0, 0, 0, 500); d != 0 || z != 0 {
		t.Errorf("logOdds of nothing = %v, %v; want 0, 0", d, z)
	}
}

func TestValidateRules(t *testing.T) {
	for _, tc := range []struct {
		rules []Rule
		want  string // in the error; "" for none
	}{
		{[]Rule{{Name: "Crashes", Any: []string{"crash", "freezes"}, None: []string{"no crash"}}}, ""},
		{[]Rule{{Name: "Login", All: []string{"the login", "reset my password"}}}, ""},
		{[]Rule{{Name: " ", Any: []string{"crash"}}}, "name is empty"},
		{[]Rule{{Name: "A", Any: []string{"x"}}, {Name: "A", Any: []string{"y"}}}, "name used twice"},
		{[]Rule{{Name: "A", None: []string{"x"}}}, "needs a phrase in any or all"},
		{[]Rule{{Name: "A", Any: []string{"the"}}}, `any[0] "the": no word that is not a stop word`},
		{[]Rule{{Name: "A", Any: []string{"ok", "app crashes on checkout page"}}}, "any[1]"},
		{[]Rule{{Name: "A", All: []string{"slow. dashboard"}}}, "punctuation"},
	} {
		err := ValidateRules(nil, tc.rules)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("ValidateRules(%v) = %v, want nil", tc.rules, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, ErrInvalidRule)):
			t.Errorf("ValidateRules(%v) = %v, want an ErrInvalidRule containing %q", tc.rules, err, tc.want)
		}
	}
}

func TestTagger(t *testing.T) {
	rules := []Rule{
		{Name: "Crashes", Any: []string{"crash", "freeze"}, None: []string{"no crash"}},
		{Name: "Password", All: []string{"reset", "password"}},
	}
	themes := []Theme{
		{Name: "hidden fees", Phrases: []PhraseStat{{Key: "hidden fee"}, {Key: "fee were hidden"}}},
		{Name: "logs me out", Phrases: []PhraseStat{{Key: "log me"}, {Key: "app log"}}}, // "log me" ends on a stop word: never matches
		{Name: "Crashes", Rule: true, Phrases: []PhraseStat{{Key: "anyth"}}},            // a rule's: left to the rule
	}
	tg, err := NewTagger(nil, rules, themes)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"The app keeps CRASHING and freezes", []string{"Crashes"}},
		{"No crash today, it froze though", nil},              // "no crash" is in None; "froze" is not "freeze"
		{"no crashes, but it keeps freezing", nil},            // None wins
		{"Resetting my password fails", []string{"Password"}}, // "resetting" is "reset"
		{"I reset it. Password gone", []string{"Password"}},   // words, not phrases: clauses do not matter
		{"So many hidden fees!", []string{"hidden fees"}},
		{"fees were hidden, and the app logs me out", []string{"hidden fees", "logs me out"}},
		{"the fees. Hidden", nil},
		{"app crashed and the app logged me out after my password reset", []string{"Crashes", "Password", "logs me out"}},
		{"", nil},
	} {
		if got := tg.Tag(tc.text); !slices.Equal(got, tc.want) {
			t.Errorf("Tag(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
	if got, want := tg.Names(), []string{"Crashes", "Password", "hidden fees", "logs me out"}; !slices.Equal(got, want) {
		t.Errorf("Names() = %q, want %q", got, want)
	}
}

// corpus makes n documents: fillers from a small vocabulary, and in a target document now
// and then one of two complaints. It is small enough that every figure is exact.
func corpus(n int) []Doc {
	r := rand.New(rand.NewPCG(7, 7))
	filler := strings.Fields("the product is good and the team was helpful with my order on time price plan account " +
		"service website update email phone week month support experience quality value")
	complaints := []string{"checkout page crashes", "the checkout page crashed again", "refund takes weeks",
		"my refund took weeks"}
	var docs []Doc
	for i := range n {
		d := Doc{ID: int64(i + 1), Target: i%4 == 0, Period: fmt.Sprintf("2026-%02d", 1+i%3)}
		var words []string
		for range 8 + r.IntN(10) {
			words = append(words, filler[r.IntN(len(filler))])
		}
		text := strings.Join(words, " ") + "."
		if d.Target && r.IntN(5) == 0 || !d.Target && r.IntN(200) == 0 {
			text += " " + complaints[r.IntN(len(complaints))] + "!"
		}
		d.Text = text
		docs = append(docs, d)
	}
	return docs
}

func discover(t *testing.T, docs []Doc, opts Options) *Result {
	t.Helper()
	res, err := Discover(t.Context(), slices.Values(docs), opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func names(res *Result) (out []string) {
	for _, th := range res.Themes {
		out = append(out, th.Name)
	}
	return out
}

func TestDiscover(t *testing.T) {
	docs := corpus(4000)
	res := discover(t, docs, Options{})
	if res.Target != 1000 || res.Reference != 3000 || res.TargetSample != 1000 || res.ReferenceSample != 3000 {
		t.Fatalf("counted %d and %d documents, sampled %d and %d; want 1000, 3000, all",
			res.Target, res.Reference, res.TargetSample, res.ReferenceSample)
	}
	if got, want := names(res), []string{"checkout page crashes", "refund took weeks"}; !slices.Equal(got, want) {
		t.Fatalf("themes = %q, want %q\n%+v", got, want, res.Themes)
	}
	th := res.Themes[0]
	// The theme's volume is exact here: count the target documents it tags.
	tagger, err := res.Tagger()
	if err != nil {
		t.Fatal(err)
	}
	volume, refVolume := 0, 0
	trend := map[string]int{}
	for _, d := range docs {
		if slices.Contains(tagger.Tag(d.Text), th.Name) {
			if d.Target {
				volume++
				trend[d.Period]++
			} else {
				refVolume++
			}
		}
	}
	if th.Volume != volume || th.ReferenceVolume != refVolume || th.Estimated {
		t.Errorf("theme %q: volume %d, reference %d, estimated %v; tagging finds %d and %d",
			th.Name, th.Volume, th.ReferenceVolume, th.Estimated, volume, refVolume)
	}
	if math.Abs(th.Share-float64(volume)/1000) > 1e-9 || th.Z < 5 || th.P > 1e-6 {
		t.Errorf("theme %q: share %v, z %v, p %v", th.Name, th.Share, th.Z, th.P)
	}
	if len(th.Trend) != 3 || th.Trend[0].Period != "2026-01" {
		t.Fatalf("trend = %+v, want three months from 2026-01", th.Trend)
	}
	for _, p := range th.Trend {
		if p.Volume != trend[p.Period] {
			t.Errorf("trend in %s: %d, want %d", p.Period, p.Volume, trend[p.Period])
		}
	}
	if len(th.Examples) != 3 {
		t.Errorf("examples = %+v, want 3", th.Examples)
	}
	for _, e := range th.Examples {
		if !strings.Contains(strings.ToLower(e.Text), "checkout page") || docs[e.ID-1].Text != e.Text {
			t.Errorf("example %+v: not a quote holding the theme", e)
		}
	}
	if len(res.Phrases) == 0 || res.Phrases[0].Z < res.Phrases[len(res.Phrases)-1].Z {
		t.Errorf("phrases not ranked by z: %+v", res.Phrases)
	}

	// The same with one worker and with three: the same result.
	for _, workers := range []int{1, 3} {
		other := discover(t, docs, Options{Workers: workers})
		if diff := cmp.Diff(res, other, cmpopts.IgnoreUnexported(Result{}), cmpopts.EquateApprox(0, 1e-9)); diff != "" {
			t.Errorf("with %d workers (-default +other):\n%s", workers, diff)
		}
	}
}

func TestRulesWin(t *testing.T) {
	docs := corpus(4000)
	rules := []Rule{{Name: "Refunds", Any: []string{"refund"}}}
	res := discover(t, docs, Options{Rules: rules})
	if got, want := names(res), []string{"checkout page crashes", "Refunds"}; !slices.Equal(got, want) {
		t.Fatalf("themes = %q, want %q", got, want)
	}
	rt := res.Themes[1]
	if !rt.Rule || rt.Volume == 0 || len(rt.Trend) != 3 {
		t.Errorf("rule theme = %+v", rt)
	}
	found := false
	for _, p := range append(rt.Phrases, rt.Related...) {
		found = found || p.Key == "take week"
	}
	if !found {
		t.Errorf("rule theme's phrases %+v lack the discovered %q", rt.Phrases, "take week")
	}
	tagger, err := res.Tagger()
	if err != nil {
		t.Fatal(err)
	}
	if got := tagger.Tag("My refunds took weeks; the checkout page crashed"); !slices.Equal(got, []string{"Refunds", "checkout page crashes"}) {
		t.Errorf("Tag = %q", got)
	}
}

func TestSampleAndPrune(t *testing.T) {
	docs := corpus(4000)
	exact := discover(t, docs, Options{})
	res := discover(t, docs, Options{SampleSize: 500, MaxPhrases: 2048, Workers: 2})
	if res.TargetSample > 500 || res.ReferenceSample > 500 || res.TargetSample < 125 {
		t.Errorf("samples of %d and %d documents, want at most 500 and not much less", res.TargetSample, res.ReferenceSample)
	}
	if res.Undercount == 0 {
		t.Errorf("undercount 0 with room for 2048 phrases: want pruning")
	}
	lead := func(r *Result) (out []string) {
		for _, th := range r.Themes {
			out = append(out, th.Phrases[0].Key)
		}
		return out
	}
	if got, want := lead(res), lead(exact); !slices.Equal(got, want) {
		t.Fatalf("sampled and pruned themes = %q (%q), want %q (%q)", names(res), got, names(exact), want)
	}
	for i, th := range res.Themes {
		e := exact.Themes[i]
		if !th.Estimated || math.Abs(float64(th.Volume-e.Volume)) > 0.3*float64(e.Volume) {
			t.Errorf("theme %q: estimated %v, volume %d; exact %d", th.Name, th.Estimated, th.Volume, e.Volume)
		}
	}
}

func TestDiscoverEdges(t *testing.T) {
	if _, err := Discover(t.Context(), slices.Values([]Doc(nil)), Options{MaxN: 4}); !errors.Is(err, ErrInvalidOptions) {
		t.Errorf("MaxN 4: error %v, want ErrInvalidOptions", err)
	}
	if _, err := Discover(t.Context(), slices.Values([]Doc(nil)), Options{Rules: []Rule{{Name: "x"}}}); !errors.Is(err, ErrInvalidRule) {
		t.Errorf("a rule without phrases: error %v, want ErrInvalidRule", err)
	}
	res := discover(t, nil, Options{Rules: []Rule{{Name: "x", Any: []string{"crash"}}}})
	if res.Target != 0 || len(res.Themes) != 1 || res.Themes[0].Volume != 0 {
		t.Errorf("no documents: %+v", res)
	}
	// Only target documents: nothing stands out against nothing.
	var docs []Doc
	for i := range 300 {
		docs = append(docs, Doc{Text: "checkout page crashes again", Target: true, ID: int64(i)})
	}
	if res := discover(t, docs, Options{}); len(res.Themes) != 0 {
		t.Errorf("target only: themes %q, want none", names(res))
	}
	ctx, cancel := contextWithCancel(t)
	cancel()
	if _, err := Discover(ctx, slices.Values(corpus(10000)), Options{}); err == nil {
		t.Errorf("Discover with a cancelled context: no error")
	}
}

func contextWithCancel(t *testing.T) (context.Context, context.CancelFunc) {
	return context.WithCancel(t.Context())
}

func TestNamesDiffer(t *testing.T) {
	rules := []Rule{{Name: "checkout page crashes", Any: []string{"password"}}}
	res := discover(t, corpus(4000), Options{Rules: rules})
	got := names(res)
	want := []string{"checkout page crashes (checkout)", "refund took weeks", "checkout page crashes"}
	if !slices.Equal(got, want) {
		t.Errorf("themes = %q, want %q", got, want)
	}
	if _, err := res.Tagger(); err != nil {
		t.Error(err)
	}
}

func BenchmarkTag(b *testing.B) {
	docs := corpus(4000)
	res, err := Discover(b.Context(), slices.Values(docs), Options{Rules: []Rule{{Name: "Refunds", Any: []string{"refund"}}}})
	if err != nil {
		b.Fatal(err)
	}
	tg, err := res.Tagger()
	if err != nil {
		b.Fatal(err)
	}
	text := "The checkout page crashed again and my refund took weeks. Support was no help at all with my order, " +
		"and the price of the plan went up"
	b.ReportAllocs()
	for b.Loop() {
		tg.Tag(text)
	}
}

func BenchmarkWords(b *testing.B) {
	s := "The checkout page crashed again and my refund took weeks. Support was no help at all with my order, " +
		"and the price of the plan went up"
	for b.Loop() {
		text.Words(s, func(string, bool) bool { return true })
	}
}
