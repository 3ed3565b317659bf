package sentiment

// This file trains the model. The model is a logistic regression over the lexicon's scores
// and the words of a text, trained on the yelp and imdb sentences in data/train only: the
// amazon sentences of the same data set are the held-out check (accuracy_test.go), never
// seen here.
//
//	go test ./internal/sentiment -run TestTrainModel -update   # rewrite data/model.txt
//	go test ./internal/sentiment -run TestCrossValidate -cv -v  # compare settings
//
// Training is deterministic: full-batch AdaGrad from zero weights, data in file order.

import (
	"cmp"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
)

var (
	update = flag.Bool("update", false, "retrain the model on data/train and rewrite data/model.txt")
	doCV   = flag.Bool("cv", false, "cross-validate the model's settings on data/train")
)

// trainConfig is everything that decides the model besides the data.
type trainConfig struct {
	set featureSet
	// lambda is the L2 penalty on the word weights; lambdaDense that on the lexicon's.
	lambda, lambdaDense float64
	// minCount drops words seen in fewer training texts.
	minCount int
	iters    int
}

// chosen is the configuration that cross-validation picked (docs/sentiment.md has the
// table): the best mean accuracy when training on one of yelp and imdb and testing on the
// other, the closest the training data comes to text of a domain the model has not seen.
var chosen = trainConfig{
	set:         featureSet{stems: true, bigrams: true, negScope: 3},
	lambda:      1e-3,
	lambdaDense: 1e-5,
	minCount:    1,
	iters:       600,
}

// labelled is one sentence of the UCI data set as the sentiment npm package keeps it.
type labelled struct {
	Text  string `json:"text"`
	Class *int   `json:"class"`
}

// readLabelled reads a JSON array of labelled sentences, leaving out those without a class
// (the files end with an empty one).
func readLabelled(path string) ([]labelled, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var all []labelled
	if err := json.Unmarshal(b, &all); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return slices.DeleteFunc(all, func(l labelled) bool { return l.Class == nil }), nil
}

// example is a training sentence read into features.
type example struct {
	dense [len(denseNames)]float64
	keys  []string // the sparse features, as the model file names them, once each
	y     float64  // 1 positive, 0 negative
}

func featureKey(kind byte, a, b string) string {
	if kind == bigram {
		return string(kind) + "\t" + a + "\t" + b
	}
	return string(kind) + "\t" + a
}

// extract reads the training sentences with the feature set fs.
func extract(data []labelled, fs featureSet) []example {
	a := NewAnalyzer(nil)
	exs := make([]example, len(data))
	for i, l := range data {
		r := a.rules(l.Text)
		var keys []string
		fs.sparseFeatures(a.toks.list, a.stem, func(kind byte, x, y string) {
			keys = append(keys, featureKey(kind, x, y))
		})
		slices.Sort(keys)
		exs[i] = example{dense: dense(r), keys: slices.Compact(keys), y: float64(*l.Class)}
	}
	return exs
}

// fitted is a trained model, with its vocabulary.
type fitted struct {
	vocab map[string]int
	names []string
	w     []float64
	bias  float64
	dense [len(denseNames)]float64
}

func (f *fitted) logit(ex example) float64 {
	z := f.bias
	for i, x := range ex.dense {
		z += f.dense[i] * x
	}
	for _, k := range ex.keys {
		if j, ok := f.vocab[k]; ok {
			z += f.w[j]
		}
	}
	return z
}

// fit trains a logistic regression on exs by full-batch AdaGrad.
func fit(exs []example, cfg trainConfig) *fitted {
	counts := map[string]int{}
	for _, ex := range exs {
		for _, k := range ex.keys {
			counts[k]++
		}
	}
	f := &fitted{vocab: map[string]int{}}
	for k, n := range counts {
		if n >= cfg.minCount {
			f.names = append(f.names, k)
		}
	}
	slices.Sort(f.names)
	for i, k := range f.names {
		f.vocab[k] = i
	}
	idx := make([][]int, len(exs))
	for i, ex := range exs {
		for _, k := range ex.keys {
			if j, ok := f.vocab[k]; ok {
				idx[i] = append(idx[i], j)
			}
		}
	}
	nd := len(denseNames)
	f.w = make([]float64, len(f.names))
	// One vector of parameters: bias, dense weights, word weights.
	theta := make([]float64, 1+nd+len(f.w))
	grad := make([]float64, len(theta))
	hist := make([]float64, len(theta))
	const rate, eps = 0.3, 1e-8
	n := float64(len(exs))
	for it := 0; it < cfg.iters; it++ {
		clear(grad)
		for i, ex := range exs {
			z := theta[0]
			for d, x := range ex.dense {
				z += theta[1+d] * x
			}
			for _, j := range idx[i] {
				z += theta[1+nd+j]
			}
			e := (sigmoid(z) - ex.y) / n
			grad[0] += e
			for d, x := range ex.dense {
				grad[1+d] += e * x
			}
			for _, j := range idx[i] {
				grad[1+nd+j] += e
			}
		}
		for d := range nd {
			grad[1+d] += cfg.lambdaDense * theta[1+d]
		}
		for j := 1 + nd; j < len(theta); j++ {
			grad[j] += cfg.lambda * theta[j]
		}
		for j, g := range grad {
			hist[j] += g * g
			theta[j] -= rate * g / (math.Sqrt(hist[j]) + eps)
		}
	}
	f.bias = theta[0]
	copy(f.dense[:], theta[1:1+nd])
	copy(f.w, theta[1+nd:])
	return f
}

func accuracy(f *fitted, exs []example) float64 {
	right := 0
	for _, ex := range exs {
		if (f.logit(ex) > 0) == (ex.y == 1) {
			right++
		}
	}
	return float64(right) / float64(len(exs))
}

// trainingData reads the yelp and imdb sentences.
func trainingData(t testing.TB) (yelp, imdb []labelled) {
	t.Helper()
	yelp, err := readLabelled("data/train/yelp.json")
	if err != nil {
		t.Fatal(err)
	}
	imdb, err = readLabelled("data/train/imdb.json")
	if err != nil {
		t.Fatal(err)
	}
	return yelp, imdb
}

// modelText writes f as a model file. Weights under 1e-4 are left out: they change no
// decision.
func modelText(f *fitted, cfg trainConfig) string {
	var b strings.Builder
	b.WriteString("# The sentiment model: a logistic regression trained on data/train (yelp and imdb) by\n")
	b.WriteString("# train_test.go. Generated by go test -run TestTrainModel -update; do not edit.\n")
	fmt.Fprintf(&b, "# training: lambda=%g lambdaDense=%g minCount=%d iters=%d\n", cfg.lambda, cfg.lambdaDense, cfg.minCount, cfg.iters)
	fmt.Fprintf(&b, "# features %s\n", cfg.set)
	fmt.Fprintf(&b, "bias\t%s\n", formatWeight(f.bias))
	for i, name := range denseNames {
		fmt.Fprintf(&b, "dense\t%s\t%s\n", name, formatWeight(f.dense[i]))
	}
	for i, k := range f.names {
		if math.Abs(f.w[i]) >= 1e-4 {
			fmt.Fprintf(&b, "%s\t%s\n", k, formatWeight(f.w[i]))
		}
	}
	return b.String()
}

func formatWeight(w float64) string { return strconv.FormatFloat(w, 'g', 5, 64) }

// TestTrainModel trains the model on all of data/train and checks that the embedded model
// is what training gives (within rounding, as floating point may differ across machines);
// with -update it rewrites data/model.txt.
func TestTrainModel(t *testing.T) {
	yelp, imdb := trainingData(t)
	exs := extract(append(yelp, imdb...), chosen.set)
	f := fit(exs, chosen)
	t.Logf("training accuracy %.3f over %d sentences, %d word features", accuracy(f, exs), len(exs), len(f.names))
	got := modelText(f, chosen)
	if *update {
		if err := os.WriteFile("data/model.txt", []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, have := weights(t, got), weights(t, modelFile)
	for k, w := range want {
		if math.Abs(have[k]-w) > 1e-3*max(1, math.Abs(w)) {
			t.Fatalf("data/model.txt is stale: %q is %g, training gives %g; run go generate ./internal/sentiment", k, have[k], w)
		}
	}
	for k := range have {
		if _, ok := want[k]; !ok && !strings.HasPrefix(k, "#") {
			t.Fatalf("data/model.txt is stale: it has %q, which training does not give; run go generate ./internal/sentiment", k)
		}
	}
}

// weights reads a model file into its weights by name.
func weights(t *testing.T, model string) map[string]float64 {
	t.Helper()
	m := map[string]float64{}
	for line := range strings.Lines(model) {
		line = strings.TrimSuffix(line, "\n")
		if line == "" || line[0] == '#' {
			m[line] = 0
			continue
		}
		i := strings.LastIndexByte(line, '\t')
		w, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("model line %q: %v", line, err)
		}
		m[line[:i]] = w
	}
	return m
}

// TestCrossValidate compares settings of the model on the training data alone: trained on
// yelp and tested on imdb and the other way round, and by 10-fold cross-validation over
// both. Run with -cv -v.
func TestCrossValidate(t *testing.T) {
	if !*doCV {
		t.Skip("run with -cv to cross-validate")
	}
	yelp, imdb := trainingData(t)
	t.Logf("lexicon rules alone (sign of compound): yelp %.3f, imdb %.3f", rulesAccuracy(yelp), rulesAccuracy(imdb))
	type row struct {
		cfg                trainConfig
		yelpImdb, imdbYelp float64
		cv                 float64
	}
	var rows []row
	for _, fs := range []featureSet{
		{stems: true, bigrams: true},
		{stems: true, bigrams: false},
		{stems: false, bigrams: true},
		{stems: true, bigrams: true, negScope: 3},
	} {
		ey, ei := extract(yelp, fs), extract(imdb, fs)
		all := append(slices.Clone(ey), ei...)
		for _, lambda := range []float64{3e-4, 1e-3, 3e-3, 1e-2} {
			for _, minCount := range []int{1, 2} {
				cfg := chosen
				cfg.set, cfg.lambda, cfg.minCount = fs, lambda, minCount
				r := row{cfg: cfg}
				r.yelpImdb = accuracy(fit(ey, cfg), ei)
				r.imdbYelp = accuracy(fit(ei, cfg), ey)
				r.cv = crossValidate(all, cfg, 10)
				rows = append(rows, r)
				t.Logf("%-40s lambda=%-6g min=%d  yelp→imdb %.3f  imdb→yelp %.3f  mean %.3f  10-fold %.3f",
					fs, lambda, minCount, r.yelpImdb, r.imdbYelp, (r.yelpImdb+r.imdbYelp)/2, r.cv)
			}
		}
	}
	best := slices.MaxFunc(rows, func(a, b row) int {
		return cmp.Or(cmp.Compare(a.yelpImdb+a.imdbYelp, b.yelpImdb+b.imdbYelp), cmp.Compare(a.cv, b.cv))
	})
	t.Logf("best: %s lambda=%g min=%d", best.cfg.set, best.cfg.lambda, best.cfg.minCount)
}

// crossValidate is the accuracy of k-fold cross-validation, the folds drawn by a fixed
// shuffle.
func crossValidate(exs []example, cfg trainConfig, k int) float64 {
	scores := crossScores(exs, cfg, k)
	right := 0
	for i, ex := range exs {
		if (scores[i] > 0) == (ex.y == 1) {
			right++
		}
	}
	return float64(right) / float64(len(exs))
}

// crossScores is the score (2p-1) of each example by a model trained on the other folds.
func crossScores(exs []example, cfg trainConfig, k int) []float64 {
	order := rand.New(rand.NewPCG(1, 2)).Perm(len(exs))
	scores := make([]float64, len(exs))
	for fold := range k {
		var train []example
		for i, j := range order {
			if i%k != fold {
				train = append(train, exs[j])
			}
		}
		f := fit(train, cfg)
		for i, j := range order {
			if i%k == fold {
				scores[j] = 2*sigmoid(f.logit(exs[j])) - 1
			}
		}
	}
	return scores
}

// TestCalibration prints, for the chosen settings, how often the sign of a cross-validated
// score is right by how far the score is from 0: where it is little better than a coin, the
// label is neutral (neutralBand). Run with -cv -v.
func TestCalibration(t *testing.T) {
	if !*doCV {
		t.Skip("run with -cv to see the calibration")
	}
	yelp, imdb := trainingData(t)
	exs := extract(append(yelp, imdb...), chosen.set)
	scores := crossScores(exs, chosen, 10)
	var n, right [10]int
	for i, ex := range exs {
		b := min(int(math.Abs(scores[i])*10), 9)
		n[b]++
		if (scores[i] > 0) == (ex.y == 1) {
			right[b]++
		}
	}
	for b := range n {
		t.Logf("|score| %.1f–%.1f: %4d sentences, sign right %.0f%%", float64(b)/10, float64(b+1)/10, n[b],
			100*float64(right[b])/float64(max(n[b], 1)))
	}
}

// rulesAccuracy is the accuracy of the sign of the lexicon rules' compound score, a
// positive sign (or zero) counting as positive.
func rulesAccuracy(data []labelled) float64 {
	a := NewAnalyzer(nil)
	right := 0
	for _, l := range data {
		if r := a.rules(l.Text); (r.compound() >= 0) == (*l.Class == 1) {
			right++
		}
	}
	return float64(right) / float64(len(data))
}
