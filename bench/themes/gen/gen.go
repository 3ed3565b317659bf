// Package gen makes synthetic NPS comments with known themes, for testing and benchmarking
// theme discovery (internal/themes): the same seed gives the same comments.
//
// A comment is 10 to 40 words (about 22 on average) of filler drawn from a vocabulary of a
// few thousand words with a Zipf law (generic product and customer-experience words first, a
// long tail of made-up names after), stop words between them, and sentences with capitals,
// commas and full stops. Into detractors' comments (scores 0–6) it plants the Planted themes,
// each at its own rate (2% to 10% of detractors, and a twentieth of that in everyone else's
// comments), in one of several wordings with different inflections and word orders. Decoys
// go into every group at the same rate, and promoter themes into promoters' comments only:
// neither should come out as a theme of detractors.
package gen

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Theme is a planted theme: the wordings it is written in, and the rate at which it is
// planted into detractors' comments.
type Theme struct {
	Name     string
	Rate     float64
	Variants []string
	// Rising themes are planted at half their rate in the first period, rising linearly to
	// one and a half times their rate in the last.
	Rising bool
}

// Planted are the themes planted into detractors' comments.
var Planted = []Theme{
	{Name: "checkout page crashes", Rate: 0.10, Variants: []string{
		"the checkout page crashes", "checkout page crashed again", "checkout page keeps crashing",
		"it crashes on the checkout page", "checkout page crashes every time"}},
	{Name: "refund takes weeks", Rate: 0.08, Variants: []string{
		"refund takes weeks", "my refund took three weeks", "waited weeks for my refund",
		"refunds take weeks", "the refund is taking weeks"}},
	{Name: "hidden fees", Rate: 0.07, Variants: []string{
		"hidden fees", "so many hidden fees", "there was a hidden fee", "fees were hidden",
		"hidden fees everywhere"}},
	{Name: "cannot reset password", Rate: 0.06, Variants: []string{
		"cannot reset my password", "can't reset password", "password reset does not work",
		"unable to reset my password", "resetting the password fails"}},
	{Name: "app logs me out", Rate: 0.05, Variants: []string{
		"the app logs me out", "app keeps logging me out", "logged out of the app again",
		"app logged me out", "it logs me out constantly"}},
	{Name: "support never replies", Rate: 0.045, Variants: []string{
		"support never replies", "support never replied to my emails", "no reply from support",
		"support does not reply", "still waiting for support to reply"}},
	{Name: "delivery arrived damaged", Rate: 0.04, Variants: []string{
		"delivery arrived damaged", "my package arrived damaged", "the order was damaged on delivery",
		"damaged delivery again", "items arrived damaged"}},
	{Name: "slow loading dashboard", Rate: 0.035, Rising: true, Variants: []string{
		"the dashboard loads slowly", "slow loading dashboard", "dashboard is slow to load",
		"dashboard takes forever to load", "dashboard loading is so slow"}},
	{Name: "billing charged twice", Rate: 0.03, Variants: []string{
		"charged twice", "i was billed twice", "double charged on my bill", "they charged me twice this month",
		"billing charged my card twice"}},
	{Name: "confusing onboarding", Rate: 0.02, Variants: []string{
		"confusing onboarding", "onboarding is confusing", "the onboarding was so confusing",
		"confused during onboarding", "onboarding confused me"}},
}

// Decoys are written into every comment at the same rate, whatever its score.
var Decoys = []Theme{
	{Name: "mobile app", Rate: 0.06, Variants: []string{"on the mobile app", "the mobile app", "using the mobile app"}},
	{Name: "customer service", Rate: 0.05, Variants: []string{"customer service", "called customer service", "the customer service team"}},
	{Name: "monthly subscription", Rate: 0.04, Variants: []string{"monthly subscription", "my monthly subscription", "the monthly subscriptions"}},
	{Name: "email notifications", Rate: 0.03, Variants: []string{"email notifications", "the email notification", "notifications by email"}},
}

// PromoterThemes are planted into promoters' comments (scores 9–10) only.
var PromoterThemes = []Theme{
	{Name: "love the new design", Rate: 0.08, Variants: []string{"love the new design", "loving the new design", "the new design is lovely"}},
	{Name: "great customer support", Rate: 0.06, Variants: []string{"great customer support", "support team was great", "great support"}},
	{Name: "easy to use", Rate: 0.05, Variants: []string{"easy to use", "so easy to use", "really easy to use"}},
}

// LeakFactor is the share of a planted theme's rate at which it also appears in comments that
// are not detractors'.
const LeakFactor = 0.05

// Config configures a Generator.
type Config struct {
	Seed uint64
	// Periods is the number of months the comments spread over (12 when 0), named
	// "2025-01", "2025-02", and so on.
	Periods int
	// Vocabulary is the number of filler words (4000 when 0): the real words first, then
	// made-up ones.
	Vocabulary int
}

// Comment is one generated comment.
type Comment struct {
	ID     int64
	Score  int // 0–10
	Period string
	Text   string
	// Planted, Decoys and Promoter are the indexes, into Planted, Decoys and PromoterThemes,
	// of the themes written into the comment.
	Planted, Decoys, Promoter []int
}

// Detractor reports whether the comment's score makes its author a detractor.
func (c *Comment) Detractor() bool { return c.Score <= 6 }

// Generator makes comments one after another; it is not safe for concurrent use.
type Generator struct {
	rng     *rand.Rand
	zipf    *rand.Zipf
	vocab   []string
	periods []string
	n       int64
	words   []string
	clauses []string
}

// New returns a generator of the comments of cfg.
func New(cfg Config) *Generator {
	if cfg.Periods <= 0 {
		cfg.Periods = 12
	}
	if cfg.Vocabulary <= 0 {
		cfg.Vocabulary = 4000
	}
	g := &Generator{rng: rand.New(rand.NewPCG(cfg.Seed, 0x7e3a5))}
	seen := make(map[string]bool)
	for _, w := range realWords {
		if !seen[w] && len(g.vocab) < cfg.Vocabulary {
			seen[w] = true
			g.vocab = append(g.vocab, w)
		}
	}
	if n := cfg.Vocabulary - len(g.vocab); n > 0 {
		g.vocab = append(g.vocab, tailWords(n)...)
	}
	g.zipf = rand.NewZipf(g.rng, 1.05, 3, uint64(len(g.vocab)-1))
	for i := range cfg.Periods {
		g.periods = append(g.periods, fmt.Sprintf("%04d-%02d", 2025+i/12, 1+i%12))
	}
	return g
}

// Periods are the names of the periods, in order.
func (g *Generator) Periods() []string { return g.periods }

// Vocabulary is the number of distinct filler words.
func (g *Generator) Vocabulary() int { return len(g.vocab) }

// Next makes the next comment.
func (g *Generator) Next() Comment {
	g.n++
	c := Comment{ID: g.n}
	r := g.rng
	p := r.IntN(len(g.periods))
	c.Period = g.periods[p]
	switch u := r.Float64(); {
	case u < 0.25:
		c.Score = r.IntN(7)
	case u < 0.45:
		c.Score = 7 + r.IntN(2)
	default:
		c.Score = 9 + r.IntN(2)
	}
	// Comment length in words: 10 plus an exponential tail, at most 40, about 22 on average.
	length := 10 + int(r.ExpFloat64()*14)
	length = min(length, 40)

	g.clauses = g.clauses[:0]
	for i, t := range Planted {
		rate := t.Rate
		if t.Rising && len(g.periods) > 1 {
			rate *= 0.5 + float64(p)/float64(len(g.periods)-1)
		}
		if !c.Detractor() {
			rate *= LeakFactor
		}
		if r.Float64() < rate {
			c.Planted = append(c.Planted, i)
			g.clauses = append(g.clauses, t.Variants[r.IntN(len(t.Variants))])
		}
	}
	for i, t := range Decoys {
		if r.Float64() < t.Rate {
			c.Decoys = append(c.Decoys, i)
			g.clauses = append(g.clauses, t.Variants[r.IntN(len(t.Variants))])
		}
	}
	if c.Score >= 9 {
		for i, t := range PromoterThemes {
			if r.Float64() < t.Rate {
				c.Promoter = append(c.Promoter, i)
				g.clauses = append(g.clauses, t.Variants[r.IntN(len(t.Variants))])
			}
		}
	}
	for _, cl := range g.clauses {
		length -= strings.Count(cl, " ") + 1
	}
	c.Text = g.text(max(length, 3))
	return c
}

// text writes a comment of about n filler words, with the clauses of g.clauses put in among
// its sentences.
func (g *Generator) text(n int) string {
	r := g.rng
	var b strings.Builder
	b.Grow(8 * (n + 12))
	// The planted clauses go in at random sentence starts.
	sentences := 1 + n/9
	at := make([]int, len(g.clauses))
	for i := range at {
		at[i] = r.IntN(sentences + 1)
	}
	for s := 0; s <= sentences; s++ {
		for i, cl := range g.clauses {
			if at[i] == s {
				g.sentence(&b, []string{cl})
			}
		}
		if s == sentences {
			break
		}
		k := n / sentences
		if s < n%sentences {
			k++
		}
		g.words = g.words[:0]
		for len(g.words) < k {
			if len(g.words) > 0 && len(g.words) < k-1 && r.Float64() < 0.4 {
				g.words = append(g.words, stopWords[r.IntN(len(stopWords))])
			}
			g.words = append(g.words, g.vocab[g.zipf.Uint64()])
		}
		if len(g.words) > 5 && r.Float64() < 0.3 {
			// A comma somewhere inside the sentence.
			i := 2 + r.IntN(len(g.words)-3)
			g.words[i] += ","
		}
		g.sentence(&b, g.words)
	}
	return b.String()
}

// sentence writes words as a sentence: a capital first, a full stop (or now and then an
// exclamation mark) last.
func (g *Generator) sentence(b *strings.Builder, words []string) {
	if len(words) == 0 {
		return
	}
	if b.Len() > 0 {
		b.WriteByte(' ')
	}
	for i, w := range words {
		if i > 0 {
			b.WriteByte(' ')
		}
		if i == 0 {
			w = strings.ToUpper(w[:1]) + w[1:]
		}
		b.WriteString(w)
	}
	if g.rng.IntN(10) == 0 {
		b.WriteByte('!')
	} else {
		b.WriteByte('.')
	}
}

// mix is SplitMix64's finalizer.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}
