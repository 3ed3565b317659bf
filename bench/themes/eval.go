package main

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"strings"

	"github.com/lodestar-cx/lodestar/bench/themes/gen"
	"github.com/lodestar-cx/lodestar/internal/text"
	"github.com/lodestar-cx/lodestar/internal/themes"
)

// corpus is a generated set of comments, held in memory.
type corpus struct {
	comments []gen.Comment
	periods  []string
}

func generate(n int, seed uint64) *corpus {
	g := gen.New(gen.Config{Seed: seed})
	c := &corpus{comments: make([]gen.Comment, n), periods: g.Periods()}
	for i := range c.comments {
		c.comments[i] = g.Next()
	}
	return c
}

// docs yields the comments as documents: detractors are the target, everyone else the
// reference.
func (c *corpus) docs() iter.Seq[themes.Doc] {
	return func(yield func(themes.Doc) bool) {
		for i := range c.comments {
			cm := &c.comments[i]
			if !yield(themes.Doc{ID: cm.ID, Text: cm.Text, Target: cm.Detractor(), Period: cm.Period}) {
				return
			}
		}
	}
}

func (c *corpus) discover(ctx context.Context, opts themes.Options) (*themes.Result, error) {
	return themes.Discover(ctx, c.docs(), opts)
}

// match says which planted theme a discovered theme is, judged by the detractors' comments
// it tags: a discovered theme is a planted one when it tags at least half of the comments
// that theme was planted in, and at least half of the comments it tags have that theme
// planted. It is a decoy when at least half of the comments it tags hold that decoy.
type match struct {
	Theme     string
	Planted   int // index into gen.Planted, or -1
	Decoy     int // index into gen.Decoys, or -1
	Recall    float64
	Precision float64
	Label     bool // the label shares a stem with the planted theme's name
}

// evaluation is how discovery did on a corpus.
type evaluation struct {
	Matches []match
	Recall  float64 // planted themes found in the top themes, over all planted themes
	Decoys  int     // top themes that are decoys
	Found   []bool  // by planted theme
}

// evaluate tags the detractors' comments with res's themes and matches them to the
// planted ones.
func (c *corpus) evaluate(res *themes.Result, top int) (*evaluation, error) {
	var top10 []themes.Theme
	for _, th := range res.Themes {
		if !th.Rule && len(top10) < top {
			top10 = append(top10, th)
		}
	}
	tagger, err := themes.NewTagger(nil, nil, top10)
	if err != nil {
		return nil, err
	}
	nt := len(top10)
	tagged := make([]int, nt)
	planted := make([]int, len(gen.Planted))
	both := make([][]int, nt)    // by theme, by planted theme
	decoyed := make([][]int, nt) // by theme, by decoy
	for i := range both {
		both[i] = make([]int, len(gen.Planted))
		decoyed[i] = make([]int, len(gen.Decoys))
	}
	for i := range c.comments {
		cm := &c.comments[i]
		if !cm.Detractor() {
			continue
		}
		for _, p := range cm.Planted {
			planted[p]++
		}
		for _, t := range tagger.Match(cm.Text) {
			tagged[t]++
			for _, p := range cm.Planted {
				both[t][p]++
			}
			for _, d := range cm.Decoys {
				decoyed[t][d]++
			}
		}
	}
	ev := &evaluation{Found: make([]bool, len(gen.Planted))}
	for t, th := range top10 {
		m := match{Theme: th.Name, Planted: -1, Decoy: -1}
		for p := range gen.Planted {
			if tagged[t] == 0 || planted[p] == 0 {
				continue
			}
			rec, prec := float64(both[t][p])/float64(planted[p]), float64(both[t][p])/float64(tagged[t])
			if rec >= 0.5 && prec >= 0.5 && (m.Planted < 0 || rec > m.Recall) {
				m.Planted, m.Recall, m.Precision = p, rec, prec
			}
		}
		if m.Planted >= 0 {
			ev.Found[m.Planted] = true
			m.Label = sharesStem(th.Name, gen.Planted[m.Planted].Name)
		}
		for d := range gen.Decoys {
			if tagged[t] > 0 && float64(decoyed[t][d]) >= 0.5*float64(tagged[t]) {
				m.Decoy = d
				ev.Decoys++
			}
		}
		ev.Matches = append(ev.Matches, m)
	}
	found := 0
	for _, f := range ev.Found {
		if f {
			found++
		}
	}
	ev.Recall = float64(found) / float64(len(gen.Planted))
	return ev, nil
}

// sharesStem reports whether two phrases have a word with the same stem.
func sharesStem(a, b string) bool {
	an := text.NewAnalyzer(nil)
	stems := func(s string) (out []string) {
		for _, t := range an.Terms(nil, s) {
			if t.Stem != "" {
				out = append(out, t.Stem)
			}
		}
		return out
	}
	sb := stems(b)
	for _, s := range stems(a) {
		if slices.Contains(sb, s) {
			return true
		}
	}
	return false
}

// report writes the top themes and their match as a table.
func report(res *themes.Result, ev *evaluation) string {
	var b strings.Builder
	fmt.Fprintf(&b, "| # | theme | z | volume | share | reference share | planted theme (recall, precision) |\n|---:|---|---:|---:|---:|---:|---|\n")
	i := 0
	for _, th := range res.Themes {
		if th.Rule {
			continue
		}
		what := "—"
		if i < len(ev.Matches) {
			m := ev.Matches[i]
			switch {
			case m.Planted >= 0:
				what = fmt.Sprintf("%s (%.2f, %.2f)", gen.Planted[m.Planted].Name, m.Recall, m.Precision)
			case m.Decoy >= 0:
				what = "DECOY " + gen.Decoys[m.Decoy].Name
			}
		}
		i++
		fmt.Fprintf(&b, "| %d | %s | %.1f | %d | %.2f%% | %.2f%% | %s |\n", i, th.Name, th.Z, th.Volume, 100*th.Share, 100*th.ReferenceShare, what)
	}
	return b.String()
}
