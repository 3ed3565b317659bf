// Package text is Lodestar's text pipeline for feedback: it splits text into words
// (Unicode-aware, lowercased, with clause boundaries), tells stop words apart, stems words
// with the Snowball stemmer of their language, and forms the phrases (two- and three-word
// n-grams) that themes are made of. Sentiment and theme discovery build on it.
//
// A Language holds what differs between languages: its stop words, its negations and its
// stemmer. English is the one there is today; another is a Language value beside it.
package text

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
	"github.com/kljensen/snowball/spanish"
)

// Language is what the pipeline needs to know of one language.
type Language struct {
	// Code is the language's ISO 639-1 code, such as "en".
	Code string
	// stop reports whether a word (lowercased) carries no meaning of its own.
	stop func(string) bool
	// negation lists the words that turn the meaning of what follows.
	negation map[string]bool
	// stem reduces a lowercased word to its stem.
	stem func(string) string
}

// IsStop reports whether w, lowercased, is a stop word. Negations are never stop words: "not
// working" is a theme, "working" is its opposite.
func (l *Language) IsStop(w string) bool { return !l.negation[w] && l.stop(w) }

// IsNegation reports whether w, lowercased, negates what follows it ("not", "never",
// "don't").
func (l *Language) IsNegation(w string) bool { return l.negation[w] }

// Stem is the stem of w, lowercased. It is the same for the forms of one word: "crashes",
// "crashed" and "crashing" all give "crash".
func (l *Language) Stem(w string) string { return l.stem(w) }

// English is the English language: the Snowball (Porter2) stemmer and its stop words, with
// the contractions people type.
var English = &Language{
	Code: "en",
	stop: func(w string) bool { return english.IsStopWord(w) || englishExtraStop[w] },
	negation: set("not", "no", "never", "nor", "none", "nothing", "nobody", "nowhere", "neither", "without", "cannot",
		"can't", "don't", "doesn't", "didn't", "isn't", "aren't", "wasn't", "weren't", "won't", "wouldn't", "shouldn't",
		"couldn't", "haven't", "hasn't", "hadn't", "ain't", "dont", "doesnt", "didnt", "isnt", "cant", "wont", "wasnt"),
	stem: func(w string) string { return english.Stem(w, false) },
}

// Spanish is the Spanish language, with the Snowball stemmer and its stop words.
var Spanish = &Language{
	Code:     "es",
	stop:     spanish.IsStopWord,
	negation: set("no", "nunca", "jamás", "nada", "nadie", "ni", "sin", "tampoco"),
	stem:     func(w string) string { return spanish.Stem(w, false) },
}

// englishExtraStop adds to Snowball's English list the contractions and fillers that say
// nothing about a product.
var englishExtraStop = set("i'm", "i've", "i'd", "i'll", "it's", "that's", "there's", "you're", "you've", "we're",
	"they're", "he's", "she's", "let's", "what's", "would", "could", "also", "just", "really", "get", "got", "one", "us",
	"im", "ive", "id", "its", "thats", "u", "etc", "yet", "even", "much", "many", "lot", "lots", "still", "every", "ever",
	"may", "might", "must", "shall", "say", "said", "thing", "things", "since", "though", "although", "however", "well")

func set(ws ...string) map[string]bool {
	m := make(map[string]bool, len(ws))
	for _, w := range ws {
		m[w] = true
	}
	return m
}

var languages = map[string]*Language{"en": English, "es": Spanish}

// Lookup finds a language by its code ("en", or "en-GB" and the like), falling back to
// English for a language the pipeline does not know, and reports whether it knew it.
func Lookup(code string) (*Language, bool) {
	code = strings.ToLower(code)
	if i := strings.IndexAny(code, "-_"); i >= 0 {
		code = code[:i]
	}
	if l, ok := languages[code]; ok {
		return l, true
	}
	return English, false
}

// Words calls fn with each word of s in order, lowercased, its apostrophes made straight
// ("don’t" gives "don't"). brk reports that a clause boundary (. , ; : ! ? a bracket, a
// quote mark, a dash or a line break) lies between the word and the one before: phrases do
// not span one. A word is a run of letters, digits and marks, with an apostrophe inside it
// kept ("don't", "o'clock"); a hyphen or a slash splits words without a boundary. Words
// returns early when fn returns false.
func Words(s string, fn func(word string, brk bool) bool) {
	var buf []byte // for words that need lowercasing or their apostrophes straightened
	brk := false
	i := 0
	for i < len(s) {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		if !IsWordRune(r) {
			if IsBreak(r) {
				brk = true
			}
			i += size
			continue
		}
		start := i
		clean := true // already lowercase ASCII with straight apostrophes
		for i < len(s) {
			r, size = rune(s[i]), 1
			if r >= utf8.RuneSelf {
				r, size = utf8.DecodeRuneInString(s[i:])
			}
			if IsWordRune(r) {
				if r >= utf8.RuneSelf || ('A' <= r && r <= 'Z') {
					clean = false
				}
				i += size
				continue
			}
			if IsApostrophe(r) && i+size < len(s) {
				// An apostrophe between two word characters belongs to the word.
				next, _ := utf8.DecodeRuneInString(s[i+size:])
				if unicode.IsLetter(next) {
					if r != '\'' {
						clean = false
					}
					i += size
					continue
				}
			}
			break
		}
		w := s[start:i]
		if !clean {
			buf = lowerInto(buf[:0], w)
			w = string(buf)
		}
		if !fn(w, brk) {
			return
		}
		brk = false
	}
}

// Lower is w lowercased, with its curly apostrophes made straight, as Words gives words.
func Lower(w string) string { return string(lowerInto(nil, w)) }

// lowerInto appends w lowercased, with curly apostrophes made straight, to buf.
func lowerInto(buf []byte, w string) []byte {
	for _, r := range w {
		if IsApostrophe(r) {
			r = '\''
		}
		buf = utf8.AppendRune(buf, unicode.ToLower(r))
	}
	return buf
}

// IsWordRune reports whether r belongs to a word: a letter, a digit or a combining mark.
func IsWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// IsApostrophe reports whether r is an apostrophe, straight or curly.
func IsApostrophe(r rune) bool { return r == '\'' || r == '’' || r == 'ʼ' }

// IsBreak reports whether r ends a clause: phrases do not span it.
func IsBreak(r rune) bool {
	switch r {
	case '.', ',', ';', ':', '!', '?', '(', ')', '[', ']', '{', '}', '"', '\n', '\r', '\t', '|',
		'…', '—', '–', '“', '”', '«', '»', '¡', '¿', '。', '、', '！', '？':
		return true
	}
	return false
}

// Analyzer turns text into the terms and phrases of one language, remembering the stem of
// every word it has seen: a vocabulary is small next to the words of a million comments, so
// stemming costs a map lookup. An Analyzer is not safe for concurrent use; give each
// goroutine its own.
type Analyzer struct {
	Lang  *Language
	stems map[string]string
}

// NewAnalyzer returns an analyzer for lang (English when nil).
func NewAnalyzer(lang *Language) *Analyzer {
	if lang == nil {
		lang = English
	}
	return &Analyzer{Lang: lang, stems: make(map[string]string, 1024)}
}

// Term is one word of a text as the analyzer sees it.
type Term struct {
	Word string // the word, lowercased
	Stem string // its stem; "" for a stop word
	// Break reports a clause boundary before the word.
	Break bool
}

// Stem is the stem of word (lowercased), or "" for a stop word.
func (a *Analyzer) Stem(word string) string {
	if s, ok := a.stems[word]; ok {
		return s
	}
	s := ""
	if !a.Lang.IsStop(word) && !isNumber(word) {
		s = a.Lang.Stem(word)
	}
	a.stems[strings.Clone(word)] = s
	return s
}

func isNumber(w string) bool {
	for _, r := range w {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// Terms appends the words of s to dst, each with its stem.
func (a *Analyzer) Terms(dst []Term, s string) []Term {
	Words(s, func(w string, brk bool) bool {
		st := a.Stem(w)
		if st != "" {
			w = strings.Clone(w)
		}
		dst = append(dst, Term{Word: w, Stem: st, Break: brk})
		return true
	})
	return dst
}

// Phrase is a run of one to three words inside one clause, starting and ending on a word
// that is not a stop word ("app crashes", "waste of money"). Key joins the stems with
// spaces and names the phrase whatever its form; Text joins the words as written.
type Phrase struct {
	Key  string
	Text string
}

// MaxPhrase is the longest phrase, in words.
const MaxPhrase = 3

// Phrases calls fn with every phrase of terms of n words, for n from 1 to maxN (at most
// MaxPhrase). A phrase never spans a clause boundary, starts or ends on a stop word, or
// holds two stop words in a row.
func Phrases(terms []Term, maxN int, fn func(p Phrase)) {
	maxN = min(maxN, MaxPhrase)
	for i, t := range terms {
		if t.Stem == "" {
			continue
		}
		key, txt := t.Stem, t.Word
		fn(Phrase{Key: key, Text: txt})
		stops := 0
		for j := i + 1; j < len(terms) && j-i < maxN; j++ {
			u := terms[j]
			if u.Break {
				break
			}
			key += " " + orWord(u)
			txt += " " + u.Word
			if u.Stem == "" {
				stops++
				if stops > 1 {
					break
				}
				continue
			}
			stops = 0
			fn(Phrase{Key: key, Text: txt})
		}
	}
}

// orWord is a term's stem, or the word itself for a stop word inside a phrase ("waste of
// money" keeps its "of").
func orWord(t Term) string {
	if t.Stem == "" {
		return t.Word
	}
	return t.Stem
}

// pool of analyzers per language, for callers that analyze one text at a time from many
// goroutines.
var pools sync.Map // *Language → *sync.Pool

// With runs fn with an analyzer of lang taken from a pool, so that one-off calls share
// the stems learnt before.
func With(lang *Language, fn func(a *Analyzer)) {
	if lang == nil {
		lang = English
	}
	p, _ := pools.LoadOrStore(lang, &sync.Pool{New: func() any { return NewAnalyzer(lang) }})
	pool := p.(*sync.Pool)
	a := pool.Get().(*Analyzer)
	defer pool.Put(a)
	if len(a.stems) > 1<<16 {
		clear(a.stems)
	}
	fn(a)
}
