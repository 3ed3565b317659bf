package themes

import (
	"cmp"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strings"
	"sync"

	"gonum.org/v1/gonum/stat/distuv"
)

// quoteMin and quoteMax bound the length, in bytes, of the quotes preferred.
const quoteMin, quoteMax = 30, 240

// logOdds is the weighted log-odds ratio, with an informative Dirichlet prior, of a phrase
// held by yt of the nt target documents and yr of the nr reference documents (Monroe,
// Colaresi and Quinn 2008, eq. 16–22, with documents as the trials): prior is the
// phrase's share of all documents, and alpha0·prior the pseudo-documents holding it that
// the prior adds to each group (alpha0·(1−prior) not holding it). It returns the ratio δ
// and its z-score δ/σ, where σ² adds the inverse of the four cells (eq. 18 keeps only
// those of the phrase, as word counts make the others negligible; document shares do not).
func logOdds(yt, nt, yr, nr, prior, alpha0 float64) (delta, z float64) {
	if prior <= 0 || prior >= 1 {
		return 0, 0
	}
	a := alpha0 * prior
	b := alpha0 - a
	ht, mt := yt+a, nt-yt+b // target documents with and without the phrase
	hr, mr := yr+a, nr-yr+b
	delta = math.Log(ht/mt) - math.Log(hr/mr)
	z = delta / math.Sqrt(1/ht+1/mt+1/hr+1/mr)
	return delta, z
}

// pValue is the two-sided normal p-value of z.
func pValue(z float64) float64 { return min(1, 2*distuv.UnitNormal.Survival(math.Abs(z))) }

// row is a counted phrase.
type row struct {
	key      uint64
	n        [2]uint32 // documents: reference, target
	delta, z float64
}

// set is a bit set over the documents of a sample.
type set []uint64

func newSet(n int) set         { return make(set, (n+63)/64) }
func (s set) add(i int32)      { s[i>>6] |= 1 << (i & 63) }
func (s set) has(i int32) bool { return s[i>>6]&(1<<(i&63)) != 0 }
func (s set) addAll(l []int32) {
	for _, i := range l {
		s.add(i)
	}
}
func (s set) inter(l []int32) (n int) {
	for _, i := range l {
		if s.has(i) {
			n++
		}
	}
	return n
}

func (s set) count() (n int) {
	for _, w := range s {
		n += bits.OnesCount64(w)
	}
	return n
}

func (s set) interSet(o set) (n int) {
	for i, w := range s {
		n += bits.OnesCount64(w & o[i])
	}
	return n
}

// tally is what the workers counted, merged.
type tally struct {
	docs       [2]int // by group: reference, target
	periods    []string
	perPeriod  [2][]int   // documents by group and period
	rules      [][2]int   // documents matching each rule, by group
	rulePer    [][2][]int // and by period
	uni        [2][]uint32
	tables     [][]entry
	samples    [2]sample
	undercount int
}

// merge adds up what the workers counted. Periods are numbered as they came; trends list
// them by name.
func (c *Counter) merge() *tally {
	t := &tally{periods: slices.Sorted(slices.Values(c.periodNames)), rules: make([][2]int, len(c.rules)),
		rulePer: make([][2][]int, len(c.rules))}
	order := make([]int32, len(c.periodNames))
	for i, name := range c.periodNames {
		order[i] = int32(slices.Index(t.periods, name))
	}
	nP := len(t.periods)
	t.perPeriod = [2][]int{make([]int, nP), make([]int, nP)}
	for r := range t.rulePer {
		t.rulePer[r] = [2][]int{make([]int, nP), make([]int, nP)}
	}
	for _, w := range c.workers {
		for g := range 2 {
			t.docs[g] += w.docs[g]
			if len(t.uni[g]) < len(w.uni[g]) {
				t.uni[g] = append(t.uni[g], make([]uint32, len(w.uni[g])-len(t.uni[g]))...)
			}
			for id, n := range w.uni[g] {
				t.uni[g][id] += n
			}
			for p, n := range w.perPeriod[g] {
				t.perPeriod[g][order[p]] += n
			}
			for r := range t.rules {
				t.rules[r][g] += w.rules[r][g]
				for p, n := range w.rulePer[r][g] {
					t.rulePer[r][g][order[p]] += n
				}
			}
		}
		t.tables = append(t.tables, w.counts)
		w.counts = nil
		t.undercount += w.undercount
	}
	for g := range 2 {
		var parts []*sample
		for _, w := range c.workers {
			parts = append(parts, &w.samples[g])
		}
		t.samples[g] = mergeSamples(parts, c.opts.SampleSize)
		for _, w := range c.workers {
			w.samples[g] = sample{}
		}
		for i := range t.samples[g].docs {
			if p := t.samples[g].docs[i].period; p >= 0 {
				t.samples[g].docs[i].period = order[p]
			}
		}
	}
	return t
}

// ranking is the candidates, the phrases distinctive enough to make themes, and where the
// samples hold them.
type ranking struct {
	rows  []row        // in order of z
	texts []string     // by row: the most frequent form
	post  [2][][]int32 // by group and row: the sampled documents holding it
	rules [2][]set     // by group and rule: the sampled documents matching it
	v     *vocab
	n     [2]float64 // documents by group
}

func (rk *ranking) stat(ci int32) PhraseStat {
	r := rk.rows[ci]
	key := rk.v.keyString(r.key)
	t := rk.texts[ci]
	if t == "" {
		t = key
	}
	return PhraseStat{Key: key, Text: t, Target: int(r.n[1]), Reference: int(r.n[0]),
		TargetShare: share(float64(r.n[1]), rk.n[1]), ReferenceShare: share(float64(r.n[0]), rk.n[0]),
		LogOdds: r.delta, Z: r.z, P: pValue(r.z)}
}

// rankPhrases ranks every phrase in at least MinCount target documents, keeps those with z of at
// least MinZ as candidates, and finds them in the samples.
func (c *Counter) rankPhrases(t *tally, res *Result) *ranking {
	o := c.opts
	rk := &ranking{v: c.vocab, n: [2]float64{float64(t.docs[0]), float64(t.docs[1])}}
	nr, nt := rk.n[0], rk.n[1]
	var rows []row
	for id, n := range t.uni[1] {
		if int(n) >= o.MinCount && !c.vocab.keyNeg[id] {
			rows = append(rows, row{key: pack(uint32(id), 0, 0), n: [2]uint32{t.uni[0][id], n}})
		}
	}
	mergeCounts(t.tables, func(e entry) {
		if int(e.n[1]) >= o.MinCount {
			rows = append(rows, row{key: e.key, n: e.n})
		}
	})
	t.tables = nil
	for i := range rows {
		r := &rows[i]
		yt, yr := float64(r.n[1]), float64(r.n[0])
		r.delta, r.z = logOdds(yt, nt, yr, nr, (yt+yr)/(nt+nr), o.Alpha0)
	}
	res.Tested = len(rows)
	res.MinZ = o.MinZ
	if res.MinZ == 0 && len(rows) > 0 {
		res.MinZ = distuv.UnitNormal.Quantile(1 - 0.05/float64(len(rows)))
	}
	rows = slices.DeleteFunc(rows, func(r row) bool { return r.z < res.MinZ || r.z <= 0 })
	slices.SortFunc(rows, func(a, b row) int { return cmp.Or(cmp.Compare(b.z, a.z), cmp.Compare(a.key, b.key)) })
	rk.rows = rows[:min(len(rows), max(50*o.TopN, 500, o.Phrases))]

	// Find the candidates and the rules in the samples, the two groups side by side.
	cand := make(map[uint64]int32, len(rk.rows))
	for i, r := range rk.rows {
		cand[r.key] = int32(i)
	}
	var forms map[surfKey]int32
	var wg sync.WaitGroup
	for g := range 2 {
		rk.post[g] = make([][]int32, len(rk.rows))
		wg.Go(func() {
			m := c.replay(&t.samples[g], cand, rk.post[g], g == 1)
			if g == 1 {
				forms = m
			}
			rk.rules[g] = c.matchRules(&t.samples[g])
		})
	}
	wg.Wait()
	// A candidate's text is its most frequent form.
	rk.texts = make([]string, len(rk.rows))
	best := make([]int32, len(rk.rows))
	for k, n := range forms {
		s := surfaceText(c.vocab, k.w, rk.rows[k.c].key)
		if n > best[k.c] || n == best[k.c] && s < rk.texts[k.c] {
			best[k.c], rk.texts[k.c] = n, s
		}
	}
	return rk
}

func (c *Counter) rank() *Result {
	o := c.opts
	t := c.merge()
	res := &Result{Rules: o.Rules, lang: o.Lang, Periods: t.periods, Undercount: t.undercount,
		Reference: t.docs[0], Target: t.docs[1],
		ReferenceSample: len(t.samples[0].docs), TargetSample: len(t.samples[1].docs)}
	rk := c.rankPhrases(t, res)
	for ci := range min(len(rk.rows), o.Phrases) {
		res.Phrases = append(res.Phrases, rk.stat(int32(ci)))
	}

	// Group the candidates into themes, the rules' first, so that rules win.
	nts, nrs := len(t.samples[1].docs), len(t.samples[0].docs)
	gp := &grouper{post: rk.post, nts: nts, nrs: nrs, all: newSet(nts), allRef: newSet(nrs), minZ: res.MinZ,
		alpha0: o.Alpha0, maxThemes: 3 * o.TopN,
		scale: [2]float64{sampleScale(t.docs[0], nrs), sampleScale(t.docs[1], nts)}}
	for r := range c.rules {
		gp.groups = append(gp.groups, &group{rule: r, t: rk.rules[1][r], r: rk.rules[0][r]})
	}
	groups := gp.run(len(rk.rows), len(c.rules))
	for _, gr := range groups {
		c.measure(gr, t, rk)
	}

	// Most distinctive first; every rule, and the TopN best discovered themes.
	slices.SortStableFunc(groups, func(a, b *group) int {
		return cmp.Or(cmp.Compare(b.theme.Z, a.theme.Z), strings.Compare(a.theme.Name, b.theme.Name))
	})
	// Names tag, so they must differ: a discovered theme named as a rule or an earlier theme
	// adds its best phrase's key.
	names := make(map[string]bool)
	for _, gr := range groups {
		if gr.rule >= 0 {
			names[gr.theme.Name] = true
		}
	}
	kept := 0
	for _, gr := range groups {
		if gr.rule < 0 {
			if kept == o.TopN {
				continue
			}
			kept++
			for base, i := gr.theme.Name, 1; names[gr.theme.Name]; i++ {
				gr.theme.Name = fmt.Sprintf("%s (%s)", base, gr.theme.Phrases[0].Key)
				if i > 1 {
					gr.theme.Name = fmt.Sprintf("%s (%s %d)", base, gr.theme.Phrases[0].Key, i)
				}
			}
			names[gr.theme.Name] = true
		}
		res.Themes = append(res.Themes, gr.theme)
	}
	return res
}

// measure fills in the theme of gr: a rule's from its counts, a discovered one's scaled
// from the samples.
func (c *Counter) measure(gr *group, t *tally, rk *ranking) {
	o := c.opts
	th := &gr.theme
	nt, nr := rk.n[1], rk.n[0]
	samples := &t.samples
	nts, nrs := len(samples[1].docs), len(samples[0].docs)
	var vt, vr float64
	if gr.rule >= 0 {
		th.Name, th.Rule = strings.TrimSpace(o.Rules[gr.rule].Name), true
		vt, vr = float64(t.rules[gr.rule][1]), float64(t.rules[gr.rule][0])
	} else {
		th.Name = label(gr.members, rk)
		th.Estimated = nts < t.docs[1] || nrs < t.docs[0]
		vt = scaled(gr.nt, t.docs[1], nts)
		vr = scaled(gr.nr, t.docs[0], nrs)
	}
	slices.Sort(gr.members)
	slices.Sort(gr.related)
	for _, ci := range gr.members {
		th.Phrases = append(th.Phrases, rk.stat(ci))
	}
	for _, ci := range gr.related {
		th.Related = append(th.Related, rk.stat(ci))
	}
	th.Volume, th.ReferenceVolume = int(vt), int(vr)
	th.Share, th.ReferenceShare = share(vt, nt), share(vr, nr)
	th.LogOdds, th.Z = logOdds(vt, nt, vr, nr, (vt+vr)/(nt+nr), o.Alpha0)
	th.P = pValue(th.Z)

	if nP := len(t.periods); nP > 0 {
		th.Trend = make([]TrendPoint, nP)
		var hits, inSample []int
		if gr.rule < 0 {
			hits, inSample = make([]int, nP), make([]int, nP)
			for di, d := range samples[1].docs {
				if d.period >= 0 {
					inSample[d.period]++
					if gr.t.has(int32(di)) {
						hits[d.period]++
					}
				}
			}
		}
		for p := range th.Trend {
			tp := &th.Trend[p]
			tp.Period, tp.Docs = t.periods[p], t.perPeriod[1][p]
			if gr.rule >= 0 {
				tp.Volume = t.rulePer[gr.rule][1][p]
			} else {
				tp.Volume = int(scaled(hits[p], tp.Docs, inSample[p]))
			}
			tp.Share = share(float64(tp.Volume), float64(tp.Docs))
		}
	}

	var labelDocs []int32
	if gr.rule < 0 {
		for _, ci := range gr.members {
			if rk.texts[ci] == th.Name {
				labelDocs = rk.post[1][ci]
			}
		}
	}
	th.Examples = examples(&samples[1], gr.t, labelDocs, o.Examples)
}

// surfaceText joins the surface words of a phrase of key's length.
func surfaceText(v *vocab, w [3]uint32, key uint64) string {
	_, n := unpack(key)
	s := v.surface[w[0]]
	for _, id := range w[1:n] {
		s += " " + v.surface[id]
	}
	return s
}

// label names a discovered theme by its most distinctive phrase of several words, or by a
// longer phrase that holds it and is nearly as distinctive ("checkout page crashes" over
// "checkout page"); by its best phrase when it has none of several words.
func label(members []int32, rk *ranking) string {
	rows := rk.rows
	pick := int32(-1)
	for _, ci := range members {
		if keyLen(rows[ci].key) > 1 && (pick < 0 || rows[ci].z > rows[pick].z) {
			pick = ci
		}
	}
	if pick >= 0 {
		short := " " + rk.v.keyString(rows[pick].key) + " "
		best := rows[pick].z
		for _, ci := range members {
			if keyLen(rows[ci].key) > keyLen(rows[pick].key) && rows[ci].z >= labelNear*best &&
				strings.Contains(" "+rk.v.keyString(rows[ci].key)+" ", short) {
				pick = ci
			}
		}
	} else {
		pick = members[0]
	}
	return rk.stat(pick).Text
}

// examples picks up to n quotes from the sampled target documents in docs: those holding
// the label's phrase (in labelDocs) first, then whole ones of a readable length, then in the
// order of their hash, which is as good as random and repeats.
func examples(s *sample, docs set, labelDocs []int32, n int) []Example {
	type cand struct {
		i     int32
		score int
		hash  uint64
	}
	var cs []cand
	label := newSet(len(s.docs))
	label.addAll(labelDocs)
	for i := range s.docs {
		di := int32(i)
		if !docs.has(di) {
			continue
		}
		d := &s.docs[i]
		score := 0
		if !label.has(di) {
			score += 4
		}
		if d.truncated {
			score += 2
		}
		if d.text.n < quoteMin || d.text.n > quoteMax {
			score++
		}
		cs = append(cs, cand{di, score, d.hash})
	}
	slices.SortFunc(cs, func(a, b cand) int {
		return cmp.Or(cmp.Compare(a.score, b.score), cmp.Compare(a.hash, b.hash), cmp.Compare(a.i, b.i))
	})
	var out []Example
	seen := make(map[string]bool)
	for _, c := range cs {
		if len(out) == n {
			break
		}
		d := &s.docs[c.i]
		t := s.textOf(d)
		if t == "" || seen[t] {
			continue
		}
		seen[t] = true
		out = append(out, Example{ID: d.id, Text: t})
	}
	return out
}

// surfKey is a candidate phrase in one form: the ids of its words as written.
type surfKey struct {
	c int32
	w [3]uint32
}

// replay forms the phrases of the documents of s again, and lists, for each candidate
// (cand: packed key → index), the documents holding it in post. With surfaces, it also
// counts the forms each candidate is written in.
func (c *Counter) replay(s *sample, cand map[uint64]int32, post [][]int32, surfaces bool) map[surfKey]int32 {
	var forms map[surfKey]int32
	if surfaces {
		forms = make(map[surfKey]int32)
	}
	var toks []tok
	for di := range s.docs {
		words := s.wordsOf(&s.docs[di])
		toks = c.toks(toks[:0], words)
		forGrams(toks, c.opts.MaxN, func(key uint64, start, n int) {
			ci, ok := cand[key]
			if !ok {
				return
			}
			if l := post[ci]; len(l) == 0 || l[len(l)-1] != int32(di) {
				post[ci] = append(l, int32(di))
			}
			if surfaces {
				k := surfKey{c: ci}
				for j := range n {
					k.w[j] = words[start+j] &^ breakBit
				}
				forms[k]++
			}
		})
	}
	return forms
}

// matchRules returns, for each rule, the documents of s it matches.
func (c *Counter) matchRules(s *sample) []set {
	out := make([]set, len(c.rules))
	for r := range out {
		out[r] = newSet(len(s.docs))
	}
	if len(c.rules) == 0 {
		return out
	}
	var toks []tok
	seen := make([]bool, len(c.ruleKeys))
	has := func(i int) bool { return seen[i] }
	for di := range s.docs {
		toks = c.toks(toks[:0], s.wordsOf(&s.docs[di]))
		clear(seen)
		forGrams(toks, c.opts.MaxN, func(key uint64, _, _ int) {
			if i, ok := c.rulePhrase[key]; ok {
				seen[i] = true
			}
		})
		for r := range c.rules {
			if c.rules[r].match(has) {
				out[r].add(int32(di))
			}
		}
	}
	return out
}

// toks appends the tokens of a sampled document's words to dst.
func (c *Counter) toks(dst []tok, words []uint32) []tok {
	for _, id := range words {
		t := c.vocab.wordTok[id&^breakBit]
		if id&breakBit != 0 {
			t.flags |= fBreak
		}
		dst = append(dst, t)
	}
	return dst
}

// scaled estimates, from k of the sampled documents of a group, how many of its n
// documents have the property: k itself when the sample holds them all.
func scaled(k, n, sampled int) float64 { return math.Round(float64(k) * sampleScale(n, sampled)) }

// sampleScale is the number of documents each sampled one stands for.
func sampleScale(n, sampled int) float64 {
	if sampled == 0 || sampled >= n {
		return 1
	}
	return float64(n) / float64(sampled)
}

func share(k, n float64) float64 {
	if n == 0 {
		return 0
	}
	return k / n
}
