package sentiment

import (
	"errors"
	"io/fs"
	"os"
	"testing"
)

// amazonPath is the held-out check: 1,000 real review sentences of phones and their
// accessories, labelled positive or negative, from the same UCI data set as the training
// sentences but a domain the model never saw; copied from the shared data with its
// attribution (testdata/README.md).
const amazonPath = "testdata/uci-amazon-cells-labelled.json"

// minAccuracy is the floor below which the held-out accuracy fails the test. The reference,
// the sentiment npm package (AFINN-165), scores 72.5% on the same file.
const minAccuracy = 0.80

// TestAccuracyAmazon measures the sentiment of the held-out amazon sentences against their
// labels. A text is counted as positive when its score is positive, so that a neutral label
// does not hide a decision; how many got the neutral label is reported beside. Run with -v
// to see the figures.
func TestAccuracyAmazon(t *testing.T) {
	data, err := readLabelled(amazonPath)
	if errors.Is(err, fs.ErrNotExist) && os.Getenv("CI") != "true" {
		t.Skipf("%s is absent: the held-out check needs the shared data", amazonPath)
	}
	if err != nil {
		t.Fatal(err)
	}
	var (
		confusion [2][2]int // [actual][predicted], 0 negative, 1 positive
		neutral   int
		rulesOK   int
	)
	a := NewAnalyzer(nil)
	for _, l := range data {
		res := a.Analyze(l.Text)
		pred := 0
		if res.Score > 0 {
			pred = 1
		}
		confusion[*l.Class][pred]++
		if res.Label == Neutral {
			neutral++
		}
		if r := a.rules(l.Text); (r.compound() >= 0) == (*l.Class == 1) {
			rulesOK++
		}
	}
	n := len(data)
	acc := float64(confusion[0][0]+confusion[1][1]) / float64(n)
	t.Logf("amazon held-out: accuracy %.1f%% (%d of %d); lexicon rules alone %.1f%%", 100*acc,
		confusion[0][0]+confusion[1][1], n, 100*float64(rulesOK)/float64(n))
	for c, name := range []string{"negative", "positive"} {
		tp := confusion[c][c]
		predicted := confusion[0][c] + confusion[1][c]
		actual := confusion[c][0] + confusion[c][1]
		t.Logf("  %s: precision %.1f%%, recall %.1f%%", name, 100*ratio(tp, predicted), 100*ratio(tp, actual))
	}
	t.Logf("  confusion (rows actual, columns predicted): negative [%d %d], positive [%d %d]",
		confusion[0][0], confusion[0][1], confusion[1][0], confusion[1][1])
	t.Logf("  labelled neutral: %d of %d", neutral, n)
	if acc < minAccuracy {
		t.Errorf("accuracy on %s = %.1f%%, want at least %.0f%%", amazonPath, 100*acc, 100*minAccuracy)
	}
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
