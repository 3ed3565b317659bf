package goals

// ComputeTree fills the computed fields of every goal of tree from the key results krs, whose
// own computed fields must be filled already (KeyResult.Compute).
//
// A goal's progress is the weighted mean of its key results and of its child goals, each with
// its own weight (Rollup). A child goal with nothing to measure it has no progress and does
// not count, rather than counting as 0: an objective just written down does not drag its
// parent back. The expected progress is the weighted mean, with the same weights, of the same
// parts' expected progress, and the pace compares the two (PaceOf). Rolling up the expected
// progress, rather than drawing one line over the goal's period, keeps a goal whose parts are
// each exactly on their line exactly on its own, whatever their due dates, and needs no period.
//
// tree should hold the workspace's whole tree: a goal rolls up only the children and key
// results given.
func ComputeTree(tree []Goal, krs []KeyResult) {
	index := make(map[int64]int, len(tree))
	for i, g := range tree {
		index[g.ID] = i
	}
	children := map[int64][]int{}
	for i, g := range tree {
		if _, ok := index[g.ParentID]; ok {
			children[g.ParentID] = append(children[g.ParentID], i)
		}
	}
	parts := map[int64][]int{}
	for i, k := range krs {
		parts[k.GoalID] = append(parts[k.GoalID], i)
	}
	const (
		unseen = iota
		visiting
		done
	)
	state := make([]int, len(tree))
	var visit func(i int)
	visit = func(i int) {
		state[i] = visiting
		g := &tree[i]
		var progress, expected []Weighted
		g.KeyResultsRolledUp, g.ChildrenRolledUp = 0, 0
		for _, k := range parts[g.ID] {
			kr := krs[k]
			if kr.Weight > 0 {
				g.KeyResultsRolledUp++
			}
			progress = append(progress, Weighted{kr.Progress, kr.Weight})
			expected = append(expected, Weighted{kr.Expected, kr.Weight})
		}
		for _, c := range children[g.ID] {
			if state[c] == unseen {
				visit(c)
			}
			// A child still being visited would be a loop in the tree, which the store refuses;
			// it has no progress yet and is left out.
			child := tree[c]
			if state[c] != done || child.Progress == nil {
				continue
			}
			if child.Weight > 0 {
				g.ChildrenRolledUp++
			}
			progress = append(progress, Weighted{*child.Progress, child.Weight})
			expected = append(expected, Weighted{*child.Expected, child.Weight})
		}
		g.Progress, g.Expected, g.Pace = nil, nil, ""
		if p, ok := Rollup(progress); ok {
			e, _ := Rollup(expected)
			g.Progress, g.Expected, g.Pace = &p, &e, PaceOf(p, e)
		}
		state[i] = done
	}
	for i := range tree {
		if state[i] == unseen {
			visit(i)
		}
	}
}
