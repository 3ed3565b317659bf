package sentiment

import (
	"bufio"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// lexicon rates words, emoticons and two-word expressions on VADER's scale, from -4
// (extremely negative) to +4 (extremely positive).
type lexicon struct {
	// words holds what the rules need to know of a word, found by one lookup.
	words map[string]wordInfo
	// pairs are the two-word entries ("fed up"), keyed by their words.
	pairs map[[2]string]float64
}

// wordInfo is what the rules know of one word.
type wordInfo struct {
	val  float64 // its valence alone
	mod  modifier
	role role
}

// role marks the words that change the weight of others.
type role uint8

const (
	contrast   role = 1 << iota // "but": what follows outweighs what came before
	concession                  // "although": its own clause weighs less
	pairStart                   // the first word of a two-word entry
)

// parse reads "entry<TAB>valence" lines into lex; later files override earlier ones.
// Lines starting with # and blank lines are skipped.
func (lex *lexicon) parse(name, data string) error {
	sc := bufio.NewScanner(strings.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		entry, val, ok := strings.Cut(line, "\t")
		if !ok {
			return fmt.Errorf("%s:%d: no tab", name, n)
		}
		val, _, _ = strings.Cut(val, "\t")
		v, err := strconv.ParseFloat(val, 64)
		if err != nil {
			return fmt.Errorf("%s:%d: %w", name, n, err)
		}
		if a, b, ok := strings.Cut(entry, " "); ok {
			lex.pairs[[2]string{a, b}] = v
			info := lex.words[a]
			info.role |= pairStart
			lex.words[a] = info
			continue
		}
		info := lex.words[entry]
		info.val = v
		lex.words[entry] = info
	}
	return sc.Err()
}

// addRules records the degree words and the contrast words in the lexicon.
func (lex *lexicon) addRules() {
	for w, m := range modifiers {
		info := lex.words[w]
		info.mod = m
		lex.words[w] = info
	}
	for _, w := range strings.Fields(contrasts) {
		info := lex.words[w]
		info.role |= contrast
		lex.words[w] = info
	}
	for _, w := range strings.Fields(concessions) {
		info := lex.words[w]
		info.role |= concession
		lex.words[w] = info
	}
}

// annotate looks up each token of t once.
func (lex *lexicon) annotate(t *tokens, isNegation func(string) bool) {
	for i := range t.list {
		tok := &t.list[i]
		tok.info = lex.words[tok.word]
		if tok.symbol {
			if r, _ := utf8.DecodeRuneInString(tok.word); tok.info.val == 0 {
				tok.info.val = emoji[r]
			}
			continue
		}
		tok.neg = isNegation(tok.word)
	}
}

// isEmoticon reports whether chunk, a run of text without spaces, is an emoticon the
// lexicon rates: an entry made of more than letters, such as ":-)", ":D" or "<3".
func (lex *lexicon) isEmoticon(chunk string) bool {
	if len(chunk) < 2 || len(chunk) > 8 {
		return false
	}
	symbols := false
	for i := 0; i < len(chunk); i++ {
		c := chunk[i]
		if c >= utf8.RuneSelf {
			return false
		}
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '\'') {
			symbols = true
		}
	}
	if !symbols {
		return false
	}
	return lex.words[chunk].val != 0
}

// emoji rates the emoji people put in feedback, on the lexicon's scale. Written by the
// Lodestar authors; an emoji not here is ignored.
var emoji = map[rune]float64{
	'😀': 2.2, '😃': 2.2, '😄': 2.3, '😁': 2.1, '😊': 2.2, '🙂': 1.3, '😍': 2.9, '🥰': 2.9, '🤩': 2.8,
	'😎': 1.6, '😂': 1.6, '🤣': 1.7, '😉': 1.2, '😘': 2.2, '👍': 2.0, '👌': 1.8, '👏': 2.0, '🙌': 2.2,
	'💯': 2.0, '🎉': 2.3, '🔥': 1.5, '⭐': 1.6, '🌟': 1.8, '❤': 2.7, '💕': 2.6, '💖': 2.7, '💙': 2.5,
	'💚': 2.5, '💜': 2.5, '🚀': 1.6, '✅': 1.2, '🙏': 1.2,
	'🙁': -1.4, '☹': -1.8, '😞': -2.0, '😟': -1.7, '😕': -1.3, '😒': -1.6, '😔': -1.8, '😢': -2.1,
	'😭': -2.4, '😩': -2.0, '😫': -2.1, '😤': -1.9, '😠': -2.5, '😡': -2.8, '🤬': -3.0, '🤮': -2.8,
	'🤢': -2.3, '💩': -2.4, '👎': -2.2, '💔': -2.4, '🙄': -1.5, '😑': -1.0, '😐': -0.3, '😖': -1.9,
	'😣': -1.7, '😱': -1.6, '🐛': -1.0, '❌': -1.2, '🤦': -1.8,
}

// modifier is how a word changes the valence of a word that follows it closely.
type modifier int8

const (
	none modifier = iota
	intensifier
	diminisher
	// weakNegation turns valence only in part: "barely works" is a complaint, "barely
	// noticeable lag" almost praise.
	weakNegation
)

// modifiers lists the degree adverbs. Written by the Lodestar authors.
var modifiers = func() map[string]modifier {
	m := make(map[string]modifier)
	for _, w := range strings.Fields(`very really extremely so too totally completely absolutely incredibly
		super highly truly especially most more utterly seriously amazingly awfully insanely ridiculously
		exceptionally remarkably particularly thoroughly enormously hugely deeply greatly such damn damned
		freaking fucking fully entirely way immensely unbelievably exceedingly majorly mighty`) {
		m[w] = intensifier
	}
	for _, w := range strings.Fields(`slightly somewhat kinda sorta little bit marginally partly mildly
		fairly almost nearly less occasionally moderately relatively reasonably`) {
		m[w] = diminisher
	}
	for _, w := range strings.Fields(`barely hardly scarcely`) {
		m[w] = weakNegation
	}
	return m
}()

// contrast words make what follows them outweigh what came before ("fine but slow");
// concessions make their own clause weigh less ("although it is pricey, it works").
const (
	contrasts   = "but however nevertheless nonetheless"
	concessions = "although though despite while whilst"
)

// The weights of the rules, chosen on the training sentences (see train_test.go).
const (
	negationFactor     = -0.74 // a negated valence keeps three quarters of its size, turned
	weakNegationFactor = -0.4
	intensifierStep    = 0.3 // "very good" is 30% more than "good"
	diminisherStep     = -0.4
	capsStep           = 0.7  // added to a shouted word's valence
	exclaimStep        = 0.3  // added to the sum for each '!', up to 4
	beforeContrast     = 0.5  // "good" in "good but slow"
	afterContrast      = 1.5  // "slow" in "good but slow"
	inConcessionWeight = 0.5  // "pricey" in "although pricey, it works"
	normalizer         = 15.0 // sum/sqrt(sum²+normalizer) maps a sum onto -1..1
)

// rules is the outcome of the lexicon and its rules on one text.
type rules struct {
	sum      float64 // the valences after the rules, summed
	pos, neg float64 // the positive and the (absolute) negative parts of sum
	hits     int     // the tokens that carry a valence
}

// compound maps the summed valence onto -1..1.
func (r rules) compound() float64 {
	if r.sum == 0 {
		return 0
	}
	return r.sum / math.Sqrt(r.sum*r.sum+normalizer)
}

// score applies the lexicon and its rules to t, annotated.
func (lex *lexicon) score(t *tokens) rules {
	var r rules
	toks := t.list
	shout := t.shouting()
	// Everything before the last contrast word weighs less, everything after it more.
	lastContrast := -1
	for i, tok := range toks {
		if tok.info.role&contrast != 0 {
			lastContrast = i
		}
	}
	inConcession := false
	for i, tok := range toks {
		if tok.brk {
			inConcession = false
		}
		if tok.info.role&concession != 0 {
			inConcession = true
		}
		v := lex.valence(toks, i)
		if v == 0 {
			continue
		}
		sign := math.Copysign(1, v)
		if shout && tok.caps {
			v += sign * capsStep
		}
		// Look back over the clause for degree words and negations.
		scale, negated := 1.0, 0.0
		for d := 1; d <= 3 && i-d >= 0; d++ {
			if toks[i-d+1].brk {
				break
			}
			w := toks[i-d].word
			damp := 1 - 0.2*float64(d-1)
			mod := toks[i-d].info.mod
			if w == "pretty" && d == 1 {
				mod = intensifier // "pretty bad"
			}
			switch mod {
			case intensifier:
				step := intensifierStep
				if shout && toks[i-d].caps {
					step *= 2
				}
				scale += step * damp
			case diminisher:
				scale += diminisherStep * damp
			case weakNegation:
				if negated == 0 {
					negated = weakNegationFactor
				}
			}
			if toks[i-d].neg {
				negated = negationFactor
			}
		}
		v *= max(scale, 0.1)
		if negated != 0 {
			v *= negated
		}
		switch {
		case lastContrast >= 0 && i < lastContrast:
			v *= beforeContrast
		case lastContrast >= 0 && i > lastContrast:
			v *= afterContrast
		}
		if inConcession {
			v *= inConcessionWeight
		}
		r.hits++
		r.sum += v
		if v > 0 {
			r.pos += v
		} else {
			r.neg -= v
		}
	}
	if r.sum != 0 && t.exclaims > 0 {
		e := exclaimStep * float64(min(t.exclaims, 4))
		r.sum += math.Copysign(e, r.sum)
		if r.sum > 0 {
			r.pos += e
		} else {
			r.neg += e
		}
	}
	return r
}

// valence is the valence of toks[i] alone: its lexicon entry, or its emoji's, or that of
// the two-word expression it ends. A degree word has none of its own.
func (lex *lexicon) valence(toks []token, i int) float64 {
	tok := toks[i]
	if tok.symbol {
		return tok.info.val
	}
	if i > 0 && !tok.brk && toks[i-1].info.role&pairStart != 0 {
		if v, ok := lex.pairs[[2]string{toks[i-1].word, tok.word}]; ok {
			return v
		}
	}
	if tok.info.mod != none || tok.info.val == 0 {
		return 0
	}
	if tok.word == "like" && !likeIsVerb(toks, i) {
		return 0
	}
	if tok.word == "pretty" && i+1 < len(toks) && !toks[i+1].brk && toks[i+1].info.val != 0 {
		return 0 // a degree word in "pretty good", "pretty bad"
	}
	return tok.info.val
}

// likeIsVerb tells "I like it" and "don't like" from "looks like plastic" and from a wish
// ("I would like an export"): "like" is liking only after a subject or an auxiliary, with
// at most a degree word or a negation between.
func likeIsVerb(toks []token, i int) bool {
	for d := 1; d <= 3 && i-d >= 0; d++ {
		if toks[i-d+1].brk {
			return false
		}
		switch w := toks[i-d].word; w {
		case "would", "i'd", "we'd", "you'd", "id":
			return false
		case "i", "we", "you", "they", "he", "she", "people", "users", "customers", "everyone", "everybody",
			"do", "does", "did", "really", "truly", "totally", "still", "also", "just", "to":
			return true
		default:
			if !toks[i-d].neg && toks[i-d].info.mod == none {
				return false
			}
		}
	}
	return false
}
