package sentiment

import (
	"bufio"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// featureSet says which features the model reads from a text. The model file records it,
// so that the weights are always read with the features they were trained on.
type featureSet struct {
	// stems replaces each word by its stem ("crashes" and "crashed" are one feature).
	stems bool
	// bigrams adds each pair of neighbouring words inside a clause ("would recommend").
	bigrams bool
	// negScope is how many words after a negation are marked negated ("not good" gives the
	// feature good-negated); 0 marks up to the end of the clause.
	negScope int
}

// The kinds of sparse feature.
const (
	unigram        = 'u'
	negatedUnigram = 'n'
	bigram         = 'b'
)

// denseNames name the features that come from the lexicon and its rules.
var denseNames = [...]string{"compound", "positive", "negative"}

// dense are the lexicon features of a text: the rules' compound score, and its positive and
// negative parts squashed onto 0..1.
func dense(r rules) [len(denseNames)]float64 {
	return [...]float64{r.compound(), math.Tanh(r.pos / 4), math.Tanh(r.neg / 4)}
}

// model is a logistic regression over the lexicon features and the words of a text.
type model struct {
	set    featureSet
	bias   float64
	dense  [len(denseNames)]float64
	sparse map[uint64]float64
}

// sparseFeatures calls fn with each sparse feature of toks: kind, and one word (two for a
// bigram). stem gives the stem of a word, or "" to keep the word as it is.
func (fs featureSet) sparseFeatures(toks []token, stem func(string) string, fn func(kind byte, a, b string)) {
	prev := ""
	negLeft := 0 // words still negated; -1 up to the clause's end
	for _, tok := range toks {
		if tok.brk {
			prev, negLeft = "", 0
		}
		form := tok.word
		if fs.stems && !tok.symbol {
			if s := stem(tok.word); s != "" {
				form = s
			}
		}
		kind := byte(unigram)
		if negLeft != 0 {
			kind = negatedUnigram
			if negLeft > 0 {
				negLeft--
			}
		}
		fn(kind, form, "")
		if fs.bigrams && prev != "" {
			fn(bigram, prev, form)
		}
		prev = form
		if tok.neg {
			negLeft = fs.negScope
			if negLeft == 0 {
				negLeft = -1
			}
		}
	}
}

// featureHash names a sparse feature by a 64-bit FNV-1a hash, so that looking it up
// allocates nothing.
func featureHash(kind byte, a, b string) uint64 {
	const prime = 1099511628211
	h := uint64(14695981039346656037)
	h = (h ^ uint64(kind)) * prime
	for i := 0; i < len(a); i++ {
		h = (h ^ uint64(a[i])) * prime
	}
	h = (h ^ 0xff) * prime // cannot occur in UTF-8
	for i := 0; i < len(b); i++ {
		h = (h ^ uint64(b[i])) * prime
	}
	return h
}

// logit is the model's log-odds that a text is positive, from its rules and its sparse
// feature hashes (each counted once).
func (m *model) logit(r rules, hashes []uint64) float64 {
	z := m.bias
	for i, x := range dense(r) {
		z += m.dense[i] * x
	}
	for _, h := range hashes {
		z += m.sparse[h]
	}
	return z
}

// dedupe sorts hashes and drops repeats: a feature counts once per text.
func dedupe(hashes []uint64) []uint64 {
	slices.Sort(hashes)
	return slices.Compact(hashes)
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// parseModel reads a model file: a "# features" line with the feature set, then one weight a
// line, tab-separated: "bias w", "dense NAME w", or a sparse feature "KIND WORD w" (KIND u or
// n) or "b WORD WORD w".
func parseModel(data string) (*model, error) {
	m := &model{sparse: make(map[uint64]float64, 1<<14)}
	sc := bufio.NewScanner(strings.NewReader(data))
	sawSet := false
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "# features "); ok {
			set, err := parseFeatureSet(rest)
			if err != nil {
				return nil, fmt.Errorf("model:%d: %w", n, err)
			}
			m.set, sawSet = set, true
			continue
		}
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Split(line, "\t")
		w, err := strconv.ParseFloat(f[len(f)-1], 64)
		if err != nil {
			return nil, fmt.Errorf("model:%d: %w", n, err)
		}
		switch {
		case f[0] == "bias" && len(f) == 2:
			m.bias = w
		case f[0] == "dense" && len(f) == 3:
			i := slices.Index(denseNames[:], f[1])
			if i < 0 {
				return nil, fmt.Errorf("model:%d: unknown dense feature %q", n, f[1])
			}
			m.dense[i] = w
		case (f[0] == string(unigram) || f[0] == string(negatedUnigram)) && len(f) == 3:
			m.sparse[featureHash(f[0][0], f[1], "")] = w
		case f[0] == string(bigram) && len(f) == 4:
			m.sparse[featureHash(bigram, f[1], f[2])] = w
		default:
			return nil, fmt.Errorf("model:%d: bad line %q", n, line)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if !sawSet {
		return nil, fmt.Errorf("model: no %q line", "# features")
	}
	return m, nil
}

func (fs featureSet) String() string {
	return fmt.Sprintf("stems=%t bigrams=%t negscope=%d", fs.stems, fs.bigrams, fs.negScope)
}

func parseFeatureSet(s string) (featureSet, error) {
	var fs featureSet
	for _, kv := range strings.Fields(s) {
		k, v, _ := strings.Cut(kv, "=")
		var err error
		switch k {
		case "stems":
			fs.stems, err = strconv.ParseBool(v)
		case "bigrams":
			fs.bigrams, err = strconv.ParseBool(v)
		case "negscope":
			fs.negScope, err = strconv.Atoi(v)
		default:
			err = fmt.Errorf("unknown feature option %q", k)
		}
		if err != nil {
			return fs, err
		}
	}
	return fs, nil
}
