// Package themes finds what one group of feedback says more than another — detractors
// against promoters, one segment against the rest, this period against the last — and
// tags each feedback item with its themes. It is pure Go over texts: the caller reads the
// feedback (from the store, a file, a test) and stores what comes out.
//
// Discovery counts, for every phrase of one to three words (text.Phrases, by stems, so
// "crashes" and "crashing" count as one), the documents of each group that hold it, and
// ranks the phrases by the weighted log-odds ratio with an informative Dirichlet prior
// (Monroe, Colaresi and Quinn 2008, "Fightin' Words"), whose z-score weighs how much more
// often the target group uses a phrase against how sure that is. Phrases that mostly occur
// in the same documents are grouped into a theme, labelled with its most distinctive
// phrase of several words as customers write it ("checkout page crashes"), and reported
// with its volume, its share in both groups, its z and p, its trend by period and a few
// example quotes. docs/themes.md gives the formulas and the reasons behind each choice.
//
// Rules define themes by keywords (Rule); they win over discovery: a phrase found mostly in
// a rule's documents joins the rule's theme instead of starting one of its own. A Tagger
// built from the rules and the discovered themes tags any text, rules first.
//
// Counting is one streaming pass (Counter, or Discover over an iterator), so a million
// comments can come straight from a database cursor: texts are not kept, except a sample
// of documents of each group, drawn by a hash of their id, for grouping, trends and quotes.
// Workers (one per CPU) each count a share of the documents with their own vocabulary cache
// and sorted count tables, merged at the end. Memory is bounded: a worker holding more
// than its share of Options.MaxPhrases multi-word phrases drops the rarest (see
// Result.Undercount).
//
// Typical use:
//
//	res, err := themes.Discover(ctx, docs, themes.Options{Rules: rules})
//	tagger, err := res.Tagger()
//	for item := range items { item.Themes = tagger.Tag(item.Text) }
package themes

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"math"
	"runtime"

	"github.com/lodestar-cx/lodestar/internal/text"
)

// Doc is one feedback text to count.
type Doc struct {
	// ID names the document in examples, and draws the sample: it should be unique. Zero
	// means none; the document's place in the input is used instead.
	ID   int64
	Text string
	// Target puts the document in the group whose themes are sought; the others are the
	// reference it is compared with. Documents in neither group are not added.
	Target bool
	// Period is the time bucket the document falls in, such as "2026-03" or "2026-W14";
	// trends list periods in the order of their names. Empty for none.
	Period string
}

// Options tune discovery. The zero value is the defaults.
type Options struct {
	// TopN is the number of discovered themes to return (10). Rule themes come on top.
	TopN int
	// MaxN is the longest phrase, in words: 1 to 3 (3).
	MaxN int
	// MinCount is the fewest target documents a phrase must occur in to be ranked (5).
	MinCount int
	// Alpha0 is the weight of the prior, in documents (500): each group's share of
	// documents holding a phrase is drawn towards the share in all documents as if Alpha0
	// documents at that share had been added to it.
	Alpha0 float64
	// MinZ is the least z-score of a phrase that may start or join a theme. Zero means
	// the Bonferroni bound for the phrases tested: the normal quantile of 1 − 0.05/m,
	// m being the number of phrases with at least MinCount target documents.
	MinZ float64
	// Rules define themes by keywords; they win over discovery.
	Rules []Rule
	// Examples is the number of example quotes per theme (3).
	Examples int
	// Phrases is the number of most distinctive phrases Result.Phrases lists (100).
	Phrases int
	// SampleSize is the number of documents of each group kept (as word ids, and the text
	// of target documents) for grouping, volumes, trends and quotes (100,000). Below it
	// every document is kept and those figures are exact; above it, they are scaled from
	// the sample.
	SampleSize int
	// MaxPhrases bounds the distinct multi-word phrases held while counting, across the
	// workers (4,194,304; 16 bytes each, and room for a sort buffer's worth more). A worker
	// past its share drops its rarest phrases: see Result.Undercount.
	MaxPhrases int
	// Workers is the number of counting goroutines (runtime.GOMAXPROCS).
	Workers int
	// Lang is the language of the texts (English).
	Lang *text.Language
}

// ErrInvalidOptions is the error, wrapped, of options out of range.
var ErrInvalidOptions = errors.New("invalid options")

func (o Options) withDefaults() (Options, error) {
	for _, f := range []struct {
		name string
		bad  bool
	}{
		{"TopN", o.TopN < 0}, {"MaxN", o.MaxN < 0 || o.MaxN > text.MaxPhrase}, {"MinCount", o.MinCount < 0},
		{"Alpha0", o.Alpha0 < 0 || math.IsNaN(o.Alpha0) || math.IsInf(o.Alpha0, 0)},
		{"MinZ", o.MinZ < 0 || math.IsNaN(o.MinZ) || math.IsInf(o.MinZ, 0)}, {"Examples", o.Examples < 0},
		{"Phrases", o.Phrases < 0}, {"SampleSize", o.SampleSize < 0}, {"MaxPhrases", o.MaxPhrases < 0},
		{"Workers", o.Workers < 0},
	} {
		if f.bad {
			return o, fmt.Errorf("themes: %s out of range: %w", f.name, ErrInvalidOptions)
		}
	}
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&o.TopN, 10)
	def(&o.MaxN, text.MaxPhrase)
	def(&o.MinCount, 5)
	def(&o.Examples, 3)
	def(&o.Phrases, 100)
	def(&o.SampleSize, 100_000)
	def(&o.MaxPhrases, 1<<22)
	def(&o.Workers, runtime.GOMAXPROCS(0))
	if o.Alpha0 == 0 {
		o.Alpha0 = 500
	}
	if o.Lang == nil {
		o.Lang = text.English
	}
	return o, nil
}

// Result is what discovery found.
type Result struct {
	// Target and Reference are the numbers of documents in each group.
	Target    int `json:"target"`
	Reference int `json:"reference"`
	// Themes are the rules' themes and the discovered ones, most distinctive first.
	Themes []Theme `json:"themes"`
	// Phrases are the most distinctive phrases, by z, whatever their theme.
	Phrases []PhraseStat `json:"phrases"`
	// Periods are the periods of the documents, in order.
	Periods []string `json:"periods,omitempty"`
	// Rules are the rules the themes were found with; Tagger uses them.
	Rules []Rule `json:"rules,omitempty"`
	// Tested is the number of phrases ranked (those in at least MinCount target
	// documents), and MinZ the z a phrase needed to count as distinctive.
	Tested int     `json:"tested"`
	MinZ   float64 `json:"min_z"`
	// Undercount is the most that pruning can have taken from a multi-word phrase's count
	// in either group: 0 when nothing was pruned. A phrase dropped while rare and seen
	// again later starts again from zero.
	Undercount int `json:"undercount"`
	// TargetSample and ReferenceSample are the numbers of documents in the samples: when
	// they equal Target and Reference, theme volumes and trends are exact.
	TargetSample    int `json:"target_sample"`
	ReferenceSample int `json:"reference_sample"`
	lang            *text.Language
}

// Theme is a group of phrases that tell the target group apart, or a rule's theme.
type Theme struct {
	// Name is the theme's label: for a discovered theme its most distinctive phrase of
	// several words as customers write it; for a rule, the rule's name.
	Name string `json:"name"`
	// Rule reports a theme defined by the rule of that name.
	Rule bool `json:"rule,omitempty"`
	// Phrases tag a text with a discovered theme: a text holding one of them has the
	// theme. For a rule's theme they are the distinctive phrases found mostly in its
	// documents, shown but not used to tag. Most distinctive first.
	Phrases []PhraseStat `json:"phrases"`
	// Related are broader phrases that most of the theme's documents hold, but many others
	// too (the "crash" of "checkout page crashes"): shown, not used to tag.
	Related []PhraseStat `json:"related,omitempty"`
	// Volume is the number of target documents with the theme, Share its share of the
	// target group; ReferenceVolume and ReferenceShare the same in the reference group.
	Volume          int     `json:"volume"`
	Share           float64 `json:"share"`
	ReferenceVolume int     `json:"reference_volume"`
	ReferenceShare  float64 `json:"reference_share"`
	// LogOdds, Z and P are the weighted log-odds ratio of the theme's documents in the
	// target group over the reference, its z-score and two-sided p-value.
	LogOdds float64 `json:"log_odds"`
	Z       float64 `json:"z"`
	P       float64 `json:"p"`
	// Estimated reports volumes and trend scaled up from the sample rather than counted.
	Estimated bool `json:"estimated,omitempty"`
	// Trend is the theme in the target group, period by period.
	Trend []TrendPoint `json:"trend,omitempty"`
	// Examples are target documents with the theme, short ones and those with the label's
	// phrase first.
	Examples []Example `json:"examples,omitempty"`
}

// TrendPoint is a theme in one period: Volume of the Docs target documents of the period
// have it.
type TrendPoint struct {
	Period string  `json:"period"`
	Volume int     `json:"volume"`
	Docs   int     `json:"docs"`
	Share  float64 `json:"share"`
}

// Example is a quote of a document.
type Example struct {
	ID   int64  `json:"id"`
	Text string `json:"text"`
}

// PhraseStat is a phrase with its counts and statistic.
type PhraseStat struct {
	// Key spells the phrase by its stems ("checkout page crash"): it names the phrase
	// whatever its form, and tags by it. Text is its most frequent form in the target
	// group's sample ("checkout page crashes").
	Key  string `json:"key"`
	Text string `json:"text"`
	// Target and Reference are the numbers of documents of each group holding it, and
	// TargetShare and ReferenceShare their shares of their group.
	Target         int     `json:"target"`
	Reference      int     `json:"reference"`
	TargetShare    float64 `json:"target_share"`
	ReferenceShare float64 `json:"reference_share"`
	// LogOdds is the weighted log-odds ratio (δ), Z its z-score and P the two-sided
	// normal p-value of Z.
	LogOdds float64 `json:"log_odds"`
	Z       float64 `json:"z"`
	P       float64 `json:"p"`
}

// Tagger returns a tagger for the result's rules and discovered themes.
func (r *Result) Tagger() (*Tagger, error) { return NewTagger(r.lang, r.Rules, r.Themes) }

// Discover counts docs and finds their themes. docs is read once, from this goroutine, so
// it may be a database cursor; Discover stops early, with ctx's error, when ctx ends.
func Discover(ctx context.Context, docs iter.Seq[Doc], opts Options) (*Result, error) {
	c, err := NewCounter(opts)
	if err != nil {
		return nil, err
	}
	n := 0
	for d := range docs {
		if n++; n%4096 == 0 && ctx.Err() != nil {
			c.Close()
			return nil, ctx.Err()
		}
		c.Add(d)
	}
	if err := ctx.Err(); err != nil {
		c.Close()
		return nil, err
	}
	return c.Result(), nil
}
