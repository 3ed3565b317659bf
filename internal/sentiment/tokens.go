package sentiment

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/lodestar-cx/lodestar/internal/text"
)

// token is one word, emoticon or emoji of a text.
type token struct {
	// word is the word lowercased with straight apostrophes, or the emoticon or emoji as
	// written.
	word string
	// caps reports a word written in capitals ("GREAT"), two letters or more.
	caps bool
	// brk reports a clause boundary (punctuation, a bracket, a line break) before the token:
	// negations and intensifiers do not reach across one.
	brk bool
	// symbol reports an emoticon or an emoji, which have a valence but no stem.
	symbol bool
	// neg reports a negation ("not", "never", "don't").
	neg bool
	// info is what the lexicon knows of the token.
	info wordInfo
}

// tokens is a text split for scoring, with the punctuation that adds emphasis.
type tokens struct {
	list []token
	// exclaims counts the exclamation marks.
	exclaims int
	// words and capsWords tell a shouted word apart from a text typed in capitals.
	words, capsWords int
}

// split splits s into t, reusing t's storage. A word is a run of letters, digits and
// combining marks with apostrophes inside it kept ("don't"); a hyphen or a slash splits words.
// A whitespace-separated chunk that the lexicon knows as an emoticon (":-)", "<3") is one
// token, and so is an emoji that lex rates.
func (t *tokens) split(s string, lex *lexicon) {
	t.list = t.list[:0]
	t.exclaims, t.words, t.capsWords = 0, 0, 0
	brk := false
	chunkStart := true
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		if unicode.IsSpace(r) {
			if r == '\n' || r == '\r' || r == '\t' {
				brk = true
			}
			chunkStart = true
			i += size
			continue
		}
		if chunkStart {
			chunkStart = false
			end := strings.IndexFunc(s[i:], unicode.IsSpace)
			if end < 0 {
				end = len(s) - i
			}
			// An emoticon may end a sentence: ":)." or ":(!!".
			chunk := strings.TrimRight(s[i:i+end], ".,;!?")
			if lex.isEmoticon(chunk) {
				t.list = append(t.list, token{word: chunk, brk: brk, symbol: true})
				brk = false
				i += len(chunk)
				continue
			}
		}
		if r == '\uFE0F' || r == '\uFE0E' || r == '\u200D' {
			// Variation selectors and joiners belong to the emoji before them.
			i += size
			continue
		}
		if text.IsWordRune(r) {
			start := i
			clean := true // lowercase ASCII with straight apostrophes
			upper, lower := 0, 0
			for i < len(s) {
				r, size = rune(s[i]), 1
				if r >= utf8.RuneSelf {
					r, size = utf8.DecodeRuneInString(s[i:])
				}
				if text.IsWordRune(r) && r != '\uFE0F' && r != '\uFE0E' {
					switch {
					case unicode.IsUpper(r):
						upper++
						clean = false
					case unicode.IsLower(r):
						lower++
						if r >= utf8.RuneSelf {
							clean = false
						}
					}
					i += size
					continue
				}
				if text.IsApostrophe(r) && i+size < len(s) {
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
				w = text.Lower(w)
			}
			caps := upper >= 2 && lower == 0
			t.words++
			if caps {
				t.capsWords++
			}
			t.list = append(t.list, token{word: w, caps: caps, brk: brk})
			brk = false
			continue
		}
		if _, ok := emoji[r]; ok {
			t.list = append(t.list, token{word: s[i : i+size], brk: brk, symbol: true})
			brk = false
			i += size
			continue
		}
		switch {
		case r == '!':
			t.exclaims++
			brk = true
		case text.IsBreak(r):
			brk = true
		}
		i += size
	}
}

// shouting reports whether capitals in the text stand out: in a text typed all in capitals
// they say nothing.
func (t *tokens) shouting() bool { return t.capsWords > 0 && t.capsWords < t.words }
