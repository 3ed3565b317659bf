package themes

import "slices"

// Grouping. Candidates (phrases with z ≥ MinZ) are taken in order of z. Each is compared
// with the themes so far by the documents of the target group's sample they share:
//
//   - it joins the theme holding at least half of its documents (a variant, or a part, of
//     what the theme says), or else the theme at least half of whose documents it holds (a
//     broader phrase, as "dashboard" for "dashboard loads slowly");
//   - it adds its documents to the theme only when, outside the theme's documents, it is
//     still distinctive (z ≥ MinZ): "dashboard" brings in the theme's other wordings,
//     while "take", once the documents of "refund takes weeks" are set aside, is as common
//     among detractors as among promoters and brings in nothing;
//   - a phrase that joins no theme starts one, unless it is not distinctive outside the
//     documents of all the themes so far: "keeps" is common in detractors' comments only
//     because "checkout page keeps crashing" and "app keeps logging me out" are.
//
// Themes that then share half the documents of the smaller are merged, and a discovered
// theme half of whose documents match a rule goes to the rule. Last, a theme keeps as its
// tagging phrases those at least three quarters of whose documents hold another of its
// phrases: a broad word such as "dashboard" is then related, not tagging, and the theme's
// volume is the documents of its tagging phrases.
const (
	joinShare = 0.5
	// tagShare is the share of a phrase's documents that must hold another of the theme's
	// phrases for the phrase to tag the theme.
	tagShare = 0.75
	// labelNear is how close, as a share of the best z, a longer phrase holding the best
	// one must come to be the label instead: "checkout page crashes" over "checkout page".
	labelNear = 0.75
	// minSampled is the fewest sampled target documents a phrase needs to start a theme.
	minSampled = 2
)

// group is a theme being formed: a rule's (rule ≥ 0) or a discovered one.
type group struct {
	rule    int
	members []int32 // candidates, in order of z
	related []int32
	t, r    set // its documents in the target and reference samples
	nt, nr  int // their counts
	theme   Theme
}

func (g *group) add(b, br []int32) {
	g.t.addAll(b)
	g.r.addAll(br)
	g.nt, g.nr = g.t.count(), g.r.count()
}

// grouper groups candidates into themes.
type grouper struct {
	post        [2][][]int32 // by group (reference, target) and candidate: sampled documents
	nts, nrs    int          // documents in the samples
	scale       [2]float64   // documents in each group over documents in its sample
	all, allRef set          // documents of all the themes
	minZ        float64
	alpha0      float64
	maxThemes   int
	groups      []*group
}

// residual is the z of a phrase with documents b and br outside the documents t and r.
// The counts in the samples are scaled up to the groups' sizes, so that the z is what the
// whole groups would give, to compare with MinZ.
func (gp *grouper) residual(b, br []int32, t, r set) float64 {
	st, sr := gp.scale[1], gp.scale[0]
	bt, nt := st*float64(len(b)-t.inter(b)), st*float64(gp.nts-t.count())
	brr, nr := sr*float64(len(br)-r.inter(br)), sr*float64(gp.nrs-r.count())
	if nt+nr == 0 {
		return 0
	}
	_, z := logOdds(bt, nt, brr, nr, (bt+brr)/(nt+nr), gp.alpha0)
	return z
}

// run groups candidates 0 to n−1 (in order of z) and returns the themes, the rules first.
func (gp *grouper) run(n, rules int) []*group {
	for _, g := range gp.groups {
		g.nt, g.nr = g.t.count(), g.r.count()
	}
	discovered := 0
	for ci := range int32(n) {
		b, br := gp.post[1][ci], gp.post[0][ci]
		if len(b) == 0 {
			continue
		}
		var pick *group
		pickInside, pickShare := false, 0.0
		for _, g := range gp.groups {
			in := float64(g.t.inter(b))
			inside, f := true, in/float64(len(b))
			if f < joinShare {
				inside, f = false, 0
				if g.nt > 0 {
					f = in / float64(g.nt)
				}
			}
			if f >= joinShare && (pick == nil || inside && !pickInside || inside == pickInside && f > pickShare) {
				pick, pickInside, pickShare = g, inside, f
			}
		}
		switch {
		case pick != nil:
			pick.members = append(pick.members, ci)
			if pick.rule < 0 && gp.residual(b, br, pick.t, pick.r) >= gp.minZ {
				pick.add(b, br)
				gp.all.addAll(b)
				gp.allRef.addAll(br)
			}
		case discovered < gp.maxThemes && len(b) >= minSampled && gp.residual(b, br, gp.all, gp.allRef) >= gp.minZ:
			g := &group{rule: -1, members: []int32{ci}, t: newSet(gp.nts), r: newSet(gp.nrs)}
			g.add(b, br)
			gp.all.addAll(b)
			gp.allRef.addAll(br)
			gp.groups = append(gp.groups, g)
			discovered++
		}
	}

	// Merge discovered themes that overlap, the later into the earlier.
	for merged := true; merged; {
		merged = false
		for i := rules; i < len(gp.groups) && !merged; i++ {
			for j := i + 1; j < len(gp.groups); j++ {
				a, b := gp.groups[i], gp.groups[j]
				if float64(a.t.interSet(b.t)) >= joinShare*float64(min(a.nt, b.nt)) {
					a.members = append(a.members, b.members...)
					for k := range a.t {
						a.t[k] |= b.t[k]
					}
					for k := range a.r {
						a.r[k] |= b.r[k]
					}
					a.nt, a.nr = a.t.count(), a.r.count()
					gp.groups = slices.Delete(gp.groups, j, j+1)
					merged = true
					break
				}
			}
		}
	}
	// Rules win: a discovered theme mostly inside a rule's documents is the rule's.
	gp.groups = slices.DeleteFunc(gp.groups, func(g *group) bool {
		if g.rule >= 0 {
			return false
		}
		for _, rg := range gp.groups[:rules] {
			if float64(g.t.interSet(rg.t)) >= joinShare*float64(g.nt) {
				rg.members = append(rg.members, g.members...)
				return true
			}
		}
		return false
	})

	// Tagging phrases, and the documents they tag.
	for _, g := range gp.groups {
		slices.Sort(g.members)
		g.members = slices.Compact(g.members)
		if g.rule >= 0 {
			// A rule tags by itself; its phrases are those mostly in its documents.
			var keep []int32
			for _, ci := range g.members {
				if b := gp.post[1][ci]; float64(g.t.inter(b)) >= tagShare*float64(len(b)) {
					keep = append(keep, ci)
				} else {
					g.related = append(g.related, ci)
				}
			}
			g.members = keep
			continue
		}
		if len(g.members) == 1 {
			continue
		}
		holders := make(map[int32]int)
		for _, ci := range g.members {
			for _, d := range gp.post[1][ci] {
				holders[d]++
			}
		}
		var keep []int32
		for _, ci := range g.members {
			b := gp.post[1][ci]
			shared := 0
			for _, d := range b {
				if holders[d] > 1 {
					shared++
				}
			}
			if float64(shared) >= tagShare*float64(len(b)) {
				keep = append(keep, ci)
			} else {
				g.related = append(g.related, ci)
			}
		}
		if len(keep) == 0 {
			// No phrase is mostly inside the others: the theme is its best phrase.
			keep = g.members[:1]
			g.related = slices.DeleteFunc(g.related, func(ci int32) bool { return ci == keep[0] })
		}
		g.members = keep
		g.t, g.r = newSet(gp.nts), newSet(gp.nrs)
		for _, ci := range keep {
			g.add(gp.post[1][ci], gp.post[0][ci])
		}
	}
	return gp.groups
}
