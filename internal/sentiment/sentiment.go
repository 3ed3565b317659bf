// Package sentiment scores the sentiment of a feedback item: a score from -1 (negative) to +1
// (positive) and a label. It owns the sentiment lexicon, the rules that read negation
// ("not good", "never works"), degree words ("very", "slightly", "barely"), contrast ("good
// but the battery dies"), exclamation marks, words in capitals and emoticons, and the small
// trained model that weighs them together with the words of the text.
//
// The lexicon is VADER's (Hutto and Gilbert, 2014) with Lodestar's own additions for
// product feedback; the model is a logistic regression trained on the yelp and imdb
// sentences of the UCI "Sentiment Labelled Sentences" data set. See docs/sentiment.md for
// the method, the data and their licenses, and the measured accuracy; train_test.go
// regenerates the model.
//
// Only English has a lexicon and a model: text in another language is neutral.
package sentiment

//go:generate go test -run TestTrainModel -update

import (
	_ "embed"
	"fmt"
	"math"
	"strings"
	"sync"

	"github.com/lodestar-cx/lodestar/internal/text"
)

// Label names the sentiment of a text.
type Label string

// The labels.
const (
	Positive Label = "positive"
	Negative Label = "negative"
	Neutral  Label = "neutral"
)

// Result is the sentiment of one text.
type Result struct {
	// Score runs from -1 (certainly negative) to +1 (certainly positive): twice the model's
	// probability that the text is positive, less one.
	Score float64 `json:"score"`
	// Label is positive or negative, or neutral where the score is too close to 0 to tell
	// (a text without words, or in a language without a model, scores 0).
	Label Label `json:"label"`
}

// neutralBand is the score below which, in absolute value, a text is neutral. In
// cross-validation on the training sentences, the sign of a score this close to 0 was right
// little more often than a coin (docs/sentiment.md).
const neutralBand = 0.2

var (
	//go:embed data/vader_lexicon.txt
	vaderLexicon string
	//go:embed data/product_lexicon.txt
	productLexicon string
	//go:embed data/model.txt
	modelFile string
)

// resources are what one language needs: its lexicon and its trained model.
type resources struct {
	lex   *lexicon
	model *model
}

// english is parsed from the embedded files on first use.
var english = sync.OnceValue(func() *resources {
	lex, err := loadLexicon()
	if err != nil {
		panic(fmt.Sprintf("sentiment: embedded lexicon: %v", err))
	}
	m, err := parseModel(modelFile)
	if err != nil {
		panic(fmt.Sprintf("sentiment: embedded model: %v", err))
	}
	return &resources{lex: lex, model: m}
})

func loadLexicon() (*lexicon, error) {
	lex := &lexicon{words: make(map[string]wordInfo, 8192), pairs: make(map[[2]string]float64)}
	if err := lex.parse("vader_lexicon.txt", vaderLexicon); err != nil {
		return nil, err
	}
	if err := lex.parse("product_lexicon.txt", productLexicon); err != nil {
		return nil, err
	}
	lex.addRules()
	return lex, nil
}

// Supports reports whether the package has a lexicon and a model for lang; for any other
// language, Analyze says neutral.
func Supports(lang *text.Language) bool { return lang == nil || lang.Code == text.English.Code }

// Analyzer scores texts of one language. It keeps scratch space and a cache of stems
// between calls, so it is not safe for concurrent use: give each goroutine its own, or call
// the package's Analyze, which shares a pool of them.
type Analyzer struct {
	lang   *text.Language
	res    *resources // nil for a language without a model
	stems  map[string]string
	toks   tokens
	hashes []uint64
}

// NewAnalyzer returns an analyzer for lang (English when nil).
func NewAnalyzer(lang *text.Language) *Analyzer {
	if lang == nil {
		lang = text.English
	}
	a := &Analyzer{lang: lang, stems: make(map[string]string, 1024)}
	if Supports(lang) {
		a.res = english()
	}
	return a
}

// maxStems bounds the stem cache: a vocabulary is small next to the words of a million
// comments, but typos and names have no end.
const maxStems = 1 << 16

// stem is the stem of w, or "" for a stop word, which stays as it is.
func (a *Analyzer) stem(w string) string {
	if s, ok := a.stems[w]; ok {
		return s
	}
	s := ""
	if !a.lang.IsStop(w) {
		s = a.lang.Stem(w)
	}
	if len(a.stems) >= maxStems {
		clear(a.stems)
	}
	a.stems[strings.Clone(w)] = s // w may point into a long text
	return s
}

// Analyze scores s.
func (a *Analyzer) Analyze(s string) Result {
	if a.res == nil {
		return Result{Label: Neutral}
	}
	r, hashes := a.read(s)
	if len(a.toks.list) == 0 {
		return Result{Label: Neutral}
	}
	p := sigmoid(a.res.model.logit(r, hashes))
	score := math.Max(-1, math.Min(1, 2*p-1))
	if math.IsNaN(score) {
		score = 0
	}
	label := Neutral
	switch {
	case score >= neutralBand:
		label = Positive
	case score <= -neutralBand:
		label = Negative
	}
	return Result{Score: score, Label: label}
}

// read splits s into tokens, applies the lexicon's rules and collects the model's sparse
// features.
func (a *Analyzer) read(s string) (rules, []uint64) {
	r := a.rules(s)
	a.hashes = a.hashes[:0]
	a.res.model.set.sparseFeatures(a.toks.list, a.stem, func(kind byte, x, y string) {
		a.hashes = append(a.hashes, featureHash(kind, x, y))
	})
	a.hashes = dedupe(a.hashes)
	return r, a.hashes
}

// rules splits s into tokens and applies the lexicon and its rules.
func (a *Analyzer) rules(s string) rules {
	lex := a.res.lex
	a.toks.split(s, lex)
	lex.annotate(&a.toks, a.lang.IsNegation)
	return lex.score(&a.toks)
}

// pools holds a pool of analyzers per language.
var pools sync.Map // *text.Language → *sync.Pool

// Analyze scores English text s. It is safe for concurrent use.
func Analyze(s string) Result { return AnalyzeLang(text.English, s) }

// AnalyzeLang scores s, written in lang (English when nil). It is safe for concurrent use.
func AnalyzeLang(lang *text.Language, s string) Result {
	if lang == nil {
		lang = text.English
	}
	if !Supports(lang) {
		return Result{Label: Neutral}
	}
	p, ok := pools.Load(lang)
	if !ok {
		p, _ = pools.LoadOrStore(lang, &sync.Pool{New: func() any { return NewAnalyzer(lang) }})
	}
	pool := p.(*sync.Pool)
	a := pool.Get().(*Analyzer)
	defer pool.Put(a)
	return a.Analyze(s)
}
