package goals

import (
	"math"
	"testing"
)

func TestComputeTree(t *testing.T) {
	tree := []Goal{
		{ID: 1, Weight: 1},
		{ID: 2, ParentID: 1, Weight: 1},
		{ID: 3, ParentID: 1, Weight: 0}, // measured, but weighs nothing in its parent
		{ID: 4, ParentID: 1, Weight: 1}, // nothing to measure it
		// A loop, which the store never lets happen, must not hang or crash.
		{ID: 5, ParentID: 6, Weight: 1},
		{ID: 6, ParentID: 5, Weight: 1},
	}
	krs := []KeyResult{
		{GoalID: 2, Progress: 0.5, Expected: 0.5, Weight: 1},
		{GoalID: 2, Progress: 1, Expected: 0.5, Weight: 3},
		{GoalID: 3, Progress: 0, Expected: 1, Weight: 1},
		{GoalID: 5, Progress: 0.2, Expected: 0.4, Weight: 1},
	}
	ComputeTree(tree, krs)
	// Goal 2: (0.5 + 3) / 4 = 0.875 against 0.5. Goal 1 takes only goal 2.
	for _, c := range []struct {
		i                  int
		progress, expected float64
		pace               Status
		krs, children      int
	}{
		{1, 0.875, 0.5, OnTrack, 2, 0},
		{2, 0, 1, OffTrack, 1, 0},
		{0, 0.875, 0.5, OnTrack, 0, 1},
	} {
		g := tree[c.i]
		if g.Progress == nil || math.Abs(*g.Progress-c.progress) > 1e-12 || math.Abs(*g.Expected-c.expected) > 1e-12 ||
			g.Pace != c.pace || g.KeyResultsRolledUp != c.krs || g.ChildrenRolledUp != c.children {
			t.Errorf("goal %d = %v/%v %s %d/%d, want %v/%v %s %d/%d", g.ID, g.Progress, g.Expected, g.Pace,
				g.KeyResultsRolledUp, g.ChildrenRolledUp, c.progress, c.expected, c.pace, c.krs, c.children)
		}
	}
	if tree[3].Progress != nil || tree[3].Pace != "" {
		t.Errorf("goal 4 with nothing below it = %v %q, want no progress", tree[3].Progress, tree[3].Pace)
	}
	if tree[4].Progress == nil || *tree[4].Progress != 0.2 {
		t.Errorf("goal 5 in a loop = %v, want 0.2 from its own key result", tree[4].Progress)
	}
}
