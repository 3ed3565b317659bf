package themes

import (
	"strings"
	"sync"

	"github.com/lodestar-cx/lodestar/internal/text"
)

// A phrase is counted by its key: the integer ids of its one to three stems (or, for a stop
// word inside a phrase, of the word itself, as text.Phrase.Key spells it), packed 21 bits
// each into a uint64: first<<42 | second<<21 | third, 0 for a missing word. Packed keys
// order phrases by their words, so the counting tables are sorted arrays merged in one
// sequential pass, and a phrase's key needs no string.
const (
	idBits = 21
	idMask = 1<<idBits - 1
	// maxID is the largest id a word can have. Past it the counter treats new words as
	// unknown (they split phrases and count for nothing), and the tagger gives maxID to
	// every word it does not know, so that the id never matches a phrase.
	maxID = idMask
)

func pack(a, b, c uint32) uint64 { return uint64(a)<<(2*idBits) | uint64(b)<<idBits | uint64(c) }

// unpack returns the ids of key and their number.
func unpack(key uint64) (ids [3]uint32, n int) {
	ids = [3]uint32{uint32(key >> (2 * idBits)), uint32(key>>idBits) & idMask, uint32(key) & idMask}
	switch {
	case ids[1] == 0:
		n = 1
	case ids[2] == 0:
		n = 2
	default:
		n = 3
	}
	return ids, n
}

// Token flags.
const (
	fStop    = 1 << iota // a stop word or a number: inside a phrase only
	fNeg                 // a negation: in phrases, never a theme on its own
	fBreak               // a clause boundary lies before the token
	fUnknown             // a word past maxID: no phrase includes it
)

// tok is a word as the phrase former sees it.
type tok struct {
	key   uint32
	flags uint8
}

// forGrams calls fn with the key of every phrase of toks of up to maxN words, as
// text.Phrases forms them: a phrase starts and ends on a word that is not a stop word,
// holds no two stop words in a row and spans no clause boundary. start and n say where the
// phrase lies in toks.
func forGrams(toks []tok, maxN int, fn func(key uint64, start, n int)) {
	for i, t := range toks {
		if t.flags&(fStop|fUnknown) != 0 {
			continue
		}
		fn(pack(t.key, 0, 0), i, 1)
		if maxN < 2 || i+1 >= len(toks) {
			continue
		}
		u := toks[i+1]
		if u.flags&(fBreak|fUnknown) != 0 {
			continue
		}
		if u.flags&fStop == 0 {
			fn(pack(t.key, u.key, 0), i, 2)
		}
		if maxN < 3 || i+2 >= len(toks) {
			continue
		}
		v := toks[i+2]
		if v.flags&(fBreak|fUnknown|fStop) != 0 {
			continue
		}
		fn(pack(t.key, u.key, v.key), i, 3)
	}
}

// word is what the vocabulary knows of a surface word.
type word struct {
	id  uint32 // the surface word's id
	tok        // its key id and flags (fBreak is never set here)
}

// vocab interns words and keys for all the workers of one count. Workers keep their own
// caches of it, so the lock is taken once a new word per worker.
type vocab struct {
	mu       sync.Mutex
	lang     *text.Language
	analyzer *text.Analyzer
	words    map[string]word
	surface  []string // by word id
	wordTok  []tok    // by word id
	keys     map[string]uint32
	keyText  []string // by key id; keyText[0] is ""
	keyNeg   []bool   // by key id: the word is a negation
}

func newVocab(lang *text.Language) *vocab {
	return &vocab{lang: lang, analyzer: text.NewAnalyzer(lang), words: make(map[string]word, 1<<14),
		keys: make(map[string]uint32, 1<<14), keyText: []string{""}, keyNeg: []bool{false}}
}

// lookup returns the word w, interning it when new.
func (v *vocab) lookup(w string) word {
	v.mu.Lock()
	defer v.mu.Unlock()
	if x, ok := v.words[w]; ok {
		return x
	}
	w = strings.Clone(w)
	x := word{id: uint32(len(v.surface))}
	stem := v.analyzer.Stem(w)
	k := stem
	if stem == "" {
		x.flags |= fStop
		k = w // a stop word inside a phrase is keyed by itself
	}
	if v.lang.IsNegation(w) {
		x.flags |= fNeg
	}
	x.key = v.internLocked(k, x.flags&fNeg != 0)
	if x.key == 0 {
		x.flags = fUnknown
	}
	v.words[w] = x
	v.surface = append(v.surface, w)
	v.wordTok = append(v.wordTok, x.tok)
	return x
}

// internLocked returns the id of key k, 0 when the vocabulary is full.
func (v *vocab) internLocked(k string, neg bool) uint32 {
	id, ok := v.keys[k]
	if !ok {
		if len(v.keyText) > maxID {
			return 0
		}
		id = uint32(len(v.keyText))
		v.keys[k] = id
		v.keyText = append(v.keyText, k)
		v.keyNeg = append(v.keyNeg, false)
	}
	if neg {
		v.keyNeg[id] = true
	}
	return id
}

func (v *vocab) intern(k string, neg bool) uint32 {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.internLocked(k, neg)
}

// keyString spells a packed key with its stems: "checkout page crash".
func (v *vocab) keyString(key uint64) string {
	ids, n := unpack(key)
	s := v.keyText[ids[0]]
	for _, id := range ids[1:n] {
		s += " " + v.keyText[id]
	}
	return s
}
