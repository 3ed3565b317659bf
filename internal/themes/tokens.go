package themes

import "math/bits"

// The counter's hot path: splitting a text into words and finding each word in the
// worker's vocabulary cache. text.Words does the splitting for any text; for the common
// text that is all ASCII, scanASCII splits it the same way (TestScanASCII holds it to
// that) while it lowercases and packs each word into two machine words, which key an
// open-addressing table without hashing or comparing strings, and without allocating for
// a capitalized word.

const (
	cWord   = 1 << iota // a letter or digit
	cLetter             // a letter
	cBreak              // a clause boundary, as text.Words has them
	cHigh               // not ASCII
)

var asciiClass = func() (t [256]uint8) {
	for c := '0'; c <= '9'; c++ {
		t[c] = cWord
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = cWord | cLetter
		t[c-'a'+'A'] = cWord | cLetter
	}
	for _, c := range ".,;:!?()[]{}\"\n\r\t|" {
		t[c] = cBreak
	}
	for c := 0x80; c < 0x100; c++ {
		t[c] = cHigh
	}
	return t
}()

// shortWord is a word of at most 16 bytes, lowercased and packed little-endian; its bytes
// are never zero, so the zero padding tells its length and the zero key is no word.
type shortWord struct{ a, b uint64 }

type slot struct {
	key shortWord
	w   word
}

// wordTable maps short words to what the vocabulary knows of them.
type wordTable struct {
	slots []slot
	n     int
}

func (t *wordTable) hash(k shortWord) uint64 {
	h := (k.a ^ k.b*0x9e3779b97f4a7c15) * 0xbf58476d1ce4e5b9
	return h ^ h>>29
}

func (t *wordTable) get(k shortWord) (word, bool) {
	if len(t.slots) == 0 {
		return word{}, false
	}
	mask := uint64(len(t.slots) - 1)
	for i := t.hash(k) & mask; ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.key == k {
			return s.w, true
		}
		if s.key.a == 0 {
			return word{}, false
		}
	}
}

func (t *wordTable) put(k shortWord, w word) {
	if 2*(t.n+1) > len(t.slots) {
		old := t.slots
		t.slots = make([]slot, max(1<<12, 2*len(old)))
		t.n = 0
		for _, s := range old {
			if s.key.a != 0 {
				t.put(s.key, s.w)
			}
		}
	}
	mask := uint64(len(t.slots) - 1)
	i := t.hash(k) & mask
	for t.slots[i].key.a != 0 {
		i = (i + 1) & mask
	}
	t.slots[i] = slot{k, w}
	t.n++
}

// scanASCII splits s into words as text.Words does, calling fn with each word as written
// (raw), with, when it has at most 16 bytes, its lowercase form packed. It returns false
// as soon as it meets a byte outside ASCII, having called fn for the words before it:
// text.Words must split such a text.
func scanASCII(s string, fn func(k shortWord, raw string, brk bool)) bool {
	brk := false
	for i := 0; i < len(s); {
		c := asciiClass[s[i]]
		if c&cWord == 0 {
			if c&cHigh != 0 {
				return false
			}
			if c&cBreak != 0 {
				brk = true
			}
			i++
			continue
		}
		start := i
		if i+8 <= len(s) {
			// Most words are short: take up to 7 bytes at once.
			if k, n := short8(s[i : i+8]); n > 0 {
				i += n
				fn(k, s[start:i], brk)
				brk = false
				continue
			}
		}
		var k shortWord
		n := 0
		for ; i < len(s); i++ {
			ch := s[i]
			if c := asciiClass[ch]; c&cWord == 0 {
				if c&cHigh != 0 {
					return false
				}
				// An apostrophe followed by a letter belongs to the word ("don't").
				if ch != '\'' || i+1 >= len(s) {
					break
				}
				if next := asciiClass[s[i+1]]; next&cHigh != 0 {
					return false // a letter outside ASCII, maybe
				} else if next&cLetter == 0 {
					break
				}
			}
			// Lowercase: ch | 0x20 lowers A–Z and leaves digits and the apostrophe.
			switch {
			case n < 8:
				k.a |= uint64(ch|0x20) << (8 * n)
			case n < 16:
				k.b |= uint64(ch|0x20) << (8 * (n - 8))
			}
			n++
		}
		if n > 16 {
			k = shortWord{}
		}
		fn(k, s[start:i], brk)
		brk = false
	}
	return true
}

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// short8 reads the word at the start of s (8 bytes, the first a letter or digit) eight bytes
// at once. When it ends within them, on a byte that neither continues it nor needs a closer
// look (an apostrophe, a byte outside ASCII), short8 returns it packed in lowercase and its
// length; otherwise a length of 0.
func short8(s string) (shortWord, int) {
	_ = s[7]
	x := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
	if x&highs != 0 {
		return shortWord{}, 0
	}
	// With every byte below 0x80, adding (0x80 − c) to each carries into no other byte and
	// sets its top bit exactly when the byte is at least c.
	l := x | 0x20*ones // letters in lowercase
	letter := (l + (0x80-'a')*ones) &^ (l + (0x80-'z'-1)*ones)
	digit := (x + (0x80-'0')*ones) &^ (x + (0x80-'9'-1)*ones)
	other := ^(letter | digit) & highs
	if other == 0 {
		return shortWord{}, 0 // eight letters or more
	}
	n := bits.TrailingZeros64(other) / 8
	if s[n] == '\'' {
		return shortWord{}, 0
	}
	return shortWord{a: l & (1<<(8*n) - 1)}, n
}
