package themes

import (
	"errors"
	"fmt"
	"strings"

	"github.com/lodestar-cx/lodestar/internal/text"
)

// Rule defines a theme by keywords. A text matches when it holds at least one phrase of Any
// (if Any is not empty), every phrase of All, and no phrase of None. Phrases are matched by
// their stems, inside one clause, as discovery counts them: "crash" matches "crashes" and
// "crashing", "reset password" matches "resetting the password" but not "reset. Password";
// stop words at either end of a phrase are dropped ("the app" is "app").
type Rule struct {
	Name string   `json:"name"`
	Any  []string `json:"any,omitempty"`
	All  []string `json:"all,omitempty"`
	None []string `json:"none,omitempty"`
}

// ErrInvalidRule is the error, wrapped, of a rule that cannot match as written.
var ErrInvalidRule = errors.New("invalid rule")

// ValidateRules checks rules as lang analyzes them: every rule has a name of its own and at
// least one phrase in Any or All, and every phrase has one to three words, the first and
// last not stop words, within one clause. Errors wrap ErrInvalidRule and name the rule and
// field, such as `rule "Login": any[0] "the": no word that is not a stop word`.
func ValidateRules(lang *text.Language, rules []Rule) error {
	_, _, err := compileRules(lang, rules, func(string, bool) uint32 { return 1 })
	return err
}

// compiledRule is a rule whose phrases are indexes into the phrase list compileRules returns.
type compiledRule struct {
	any, all, none []int
}

// compileRules turns rules into packed phrase keys, interning the words with intern (which
// returns 0 when it cannot). The same phrase in several rules has one index.
func compileRules(lang *text.Language, rules []Rule, intern func(key string, neg bool) uint32) ([]compiledRule, []uint64, error) {
	if lang == nil {
		lang = text.English
	}
	a := text.NewAnalyzer(lang)
	var keys []uint64
	index := make(map[uint64]int)
	names := make(map[string]bool, len(rules))
	out := make([]compiledRule, len(rules))
	for i, r := range rules {
		name := strings.TrimSpace(r.Name)
		if name == "" {
			return nil, nil, fmt.Errorf("rule %d: name is empty: %w", i, ErrInvalidRule)
		}
		if names[name] {
			return nil, nil, fmt.Errorf("rule %q: name used twice: %w", name, ErrInvalidRule)
		}
		names[name] = true
		if len(r.Any) == 0 && len(r.All) == 0 {
			return nil, nil, fmt.Errorf("rule %q: needs a phrase in any or all: %w", name, ErrInvalidRule)
		}
		for _, f := range []struct {
			field   string
			phrases []string
			dst     *[]int
		}{{"any", r.Any, &out[i].any}, {"all", r.All, &out[i].all}, {"none", r.None, &out[i].none}} {
			for j, p := range f.phrases {
				key, err := ruleKey(a, p, intern)
				if err != nil {
					return nil, nil, fmt.Errorf("rule %q: %s[%d] %q: %w: %w", name, f.field, j, p, err, ErrInvalidRule)
				}
				k, ok := index[key]
				if !ok {
					k = len(keys)
					index[key] = k
					keys = append(keys, key)
				}
				*f.dst = append(*f.dst, k)
			}
		}
	}
	return out, keys, nil
}

// ruleKey is the packed key of a rule's phrase.
func ruleKey(a *text.Analyzer, p string, intern func(string, bool) uint32) (uint64, error) {
	terms := a.Terms(nil, p)
	for len(terms) > 0 && terms[0].Stem == "" {
		terms = terms[1:]
	}
	for len(terms) > 0 && terms[len(terms)-1].Stem == "" {
		terms = terms[:len(terms)-1]
	}
	switch {
	case len(terms) == 0:
		return 0, errors.New("no word that is not a stop word")
	case len(terms) > text.MaxPhrase:
		return 0, fmt.Errorf("more than %d words", text.MaxPhrase)
	}
	var ids [3]uint32
	for i, t := range terms {
		if i > 0 && t.Break {
			return 0, errors.New("punctuation inside the phrase")
		}
		k := t.Stem
		if k == "" {
			k = t.Word
		}
		ids[i] = intern(k, a.Lang.IsNegation(t.Word))
	}
	return pack(ids[0], ids[1], ids[2]), nil
}

// match reports whether a text whose phrases include those marked in has matches r.
func (r *compiledRule) match(has func(int) bool) bool {
	for _, p := range r.none {
		if has(p) {
			return false
		}
	}
	for _, p := range r.all {
		if !has(p) {
			return false
		}
	}
	if len(r.any) == 0 {
		return true
	}
	for _, p := range r.any {
		if has(p) {
			return true
		}
	}
	return false
}

// Tagger tags texts with themes: those of rules first, in the order of the rules, then the
// discovered themes in their order. A discovered theme matches a text that holds one of its
// phrases. A Tagger is safe for concurrent use.
type Tagger struct {
	lang    *text.Language
	keys    map[string]uint32
	rules   []compiledRule
	nRule   int              // phrases [0, nRule) are rules' phrases
	phrases map[uint64][]int // packed key → indexes of rule phrases and of themes (after len(rules))
	names   []string
	maxN    int
}

// NewTagger returns a tagger for rules and themes, analyzing text as lang does (English when
// nil). Themes that come from a rule (Theme.Rule) are left to the rule; the others match by
// the keys of their Phrases, as Result gives them or as stored.
func NewTagger(lang *text.Language, rules []Rule, themes []Theme) (*Tagger, error) {
	if lang == nil {
		lang = text.English
	}
	t := &Tagger{lang: lang, keys: make(map[string]uint32), phrases: make(map[uint64][]int)}
	intern := func(k string, _ bool) uint32 {
		id, ok := t.keys[k]
		if !ok {
			id = uint32(len(t.keys) + 1)
			t.keys[k] = id
		}
		return id
	}
	rs, keys, err := compileRules(lang, rules, intern)
	if err != nil {
		return nil, err
	}
	t.rules, t.nRule = rs, len(keys)
	for i, k := range keys {
		t.phrases[k] = append(t.phrases[k], i)
		t.maxN = max(t.maxN, keyLen(k))
	}
	for _, r := range rules {
		t.names = append(t.names, strings.TrimSpace(r.Name))
	}
	for _, th := range themes {
		if th.Rule {
			continue
		}
		idx := t.nRule + len(t.names) - len(t.rules) // the theme's place in Match's hits
		t.names = append(t.names, th.Name)
		for _, p := range th.Phrases {
			words := strings.Fields(p.Key)
			if len(words) == 0 || len(words) > text.MaxPhrase {
				return nil, fmt.Errorf("theme %q: phrase key %q: want 1 to %d words", th.Name, p.Key, text.MaxPhrase)
			}
			var ids [3]uint32
			for i, w := range words {
				ids[i] = intern(w, false)
			}
			k := pack(ids[0], ids[1], ids[2])
			if l := t.phrases[k]; len(l) == 0 || l[len(l)-1] != idx {
				t.phrases[k] = append(l, idx)
			}
			t.maxN = max(t.maxN, len(words))
		}
	}
	return t, nil
}

func keyLen(k uint64) int { _, n := unpack(k); return n }

// Names are the names of the tagger's themes, rules first.
func (t *Tagger) Names() []string { return t.names }

// Tag returns the names of the themes of s, rules first.
func (t *Tagger) Tag(s string) []string {
	var out []string
	for _, i := range t.Match(s) {
		out = append(out, t.names[i])
	}
	return out
}

// Match returns the indexes into Names of the themes of s, in order.
func (t *Tagger) Match(s string) []int {
	if len(t.names) == 0 {
		return nil
	}
	var toks []tok
	text.With(t.lang, func(a *text.Analyzer) {
		text.Words(s, func(w string, brk bool) bool {
			k := a.Stem(w)
			var x tok
			if k == "" {
				x.flags = fStop
				k = w
			}
			if brk {
				x.flags |= fBreak
			}
			id, ok := t.keys[k]
			if !ok {
				id = maxID
			}
			x.key = id
			toks = append(toks, x)
			return true
		})
	})
	hit := make([]bool, t.nRule+len(t.names)-len(t.rules))
	forGrams(toks, t.maxN, func(key uint64, _, _ int) {
		for _, i := range t.phrases[key] {
			hit[i] = true
		}
	})
	var out []int
	has := func(i int) bool { return hit[i] }
	for i := range t.rules {
		if t.rules[i].match(has) {
			out = append(out, i)
		}
	}
	for i := len(t.rules); i < len(t.names); i++ {
		if hit[t.nRule+i-len(t.rules)] {
			out = append(out, i)
		}
	}
	return out
}
