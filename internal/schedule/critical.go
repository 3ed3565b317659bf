package schedule

import (
	"cmp"
	"github.com/lodestar-cx/lodestar/internal/civil"
	"math"
	"slices"
)

// noDay stands for "no dated prerequisite" in the forward passes, and noLimit for "no dated
// dependent" in the backward one; neither overflows when a day or a duration is added.
const (
	noDay   = math.MinInt32
	noLimit = math.MaxInt32
)

// CriticalPath is the chain of dependencies that leads to the roadmap's last due date.
type CriticalPath struct {
	// IDs lists the dated tasks on the path in dependency order, each a prerequisite of the
	// next (directly or through undated tasks, which are not listed); it is empty when no task
	// is dated.
	IDs []int64
	// Start is the first task's start and End the last task's due. End is also the last due
	// date of the whole roadmap (once conflicts are resolved, if there are any).
	Start, End civil.Date
	// Span is the number of days from Start to End, both counted.
	Span int
	// Duration is the sum of the durations of the tasks on the path: Span less the gaps
	// between them.
	Duration int
	// Slack maps every dated task to the number of days its due date can slip, pushing its
	// dependents as Reschedule would, before End moves. The last task on the path has none,
	// and a task on the path has no more than the gaps after it on the path add up to.
	Slack map[int64]int
}

// CriticalPath finds the critical path and every dated task's slack (see the package
// documentation for the conventions) in O(V + E): one pass forwards in topological order for the
// earliest dates and the chains, one backwards for the latest dates.
func (g *Graph) CriticalPath() CriticalPath {
	n := len(g.tasks)
	// finish is each dated task's due once conflicts are resolved, and for an undated task the
	// latest such due among its prerequisites (noDay if none): what it passes on.
	finish := make([]int, n)
	// via is the prerequisite a task waits for longest (-1 if none), and chain the duration of
	// the chain that following via walks back along.
	chain := make([]int, n)
	via := make([]int32, n)
	end := noDay
	for _, v := range g.order {
		m, best := noDay, int32(-1)
		for _, p := range g.in[v] {
			f := finish[p]
			if f == noDay {
				continue
			}
			if f > m || f == m && (chain[p] > chain[best] || chain[p] == chain[best] && g.tasks[p].ID < g.tasks[best].ID) {
				m, best = f, p
			}
		}
		bestChain := 0
		if best >= 0 {
			bestChain = chain[best]
		}
		via[v], chain[v] = best, bestChain
		if !g.dated[v] {
			finish[v] = m
			continue
		}
		d := g.due[v] - g.start[v] + 1
		chain[v] += d
		finish[v] = g.due[v]
		if m != noDay && m+1 > g.start[v] {
			finish[v] = m + d // in conflict: analysed where Reschedule would put it
		}
		end = max(end, finish[v])
	}
	if end == noDay {
		return CriticalPath{}
	}

	slack := make(map[int64]int, n)
	latest := make([]int, n) // the latest due that keeps end, or passes it on for undated tasks
	last := int32(-1)
	for k := n - 1; k >= 0; k-- {
		v := g.order[k]
		l := noLimit
		for _, s := range g.out[v] {
			c := latest[s]
			if g.dated[s] {
				c -= g.due[s] - g.start[s] + 1 // finish the day before s must start
			}
			l = min(l, c)
		}
		if g.dated[v] {
			l = min(l, end)
			slack[g.tasks[v].ID] = l - finish[v]
			if finish[v] == end && (last < 0 || chain[v] > chain[last] || chain[v] == chain[last] && g.tasks[v].ID < g.tasks[last].ID) {
				last = v
			}
		}
		latest[v] = l
	}

	var ids []int64
	head := last
	for v := last; v >= 0; v = via[v] {
		if g.dated[v] {
			ids = append(ids, g.tasks[v].ID)
			head = v
		}
	}
	slices.Reverse(ids)
	start := finish[head] - (g.due[head] - g.start[head])
	return CriticalPath{
		IDs:      ids,
		Start:    civil.FromEpochDays(start),
		End:      civil.FromEpochDays(end),
		Span:     end - start + 1,
		Duration: chain[last],
		Slack:    slack,
	}
}

// Conflict is a dependency whose dates break finish-to-start: the dependent starts on or before
// the day its prerequisite is due.
type Conflict struct {
	Prerequisite int64
	Dependent    int64
	// Via lists the undated tasks the dependency runs through, from prerequisite to dependent;
	// it is empty for a direct dependency.
	Via []int64
	// Days is how far the dependent must move later to start the day after the prerequisite is
	// due: prerequisite's due − dependent's start + 1.
	Days int
}

// Conflicts lists every conflicting dependency between dated tasks, sorted by dependent and then
// prerequisite. Chains through undated tasks count (see the package documentation), and each
// such pair is reported once, through the fewest undated tasks.
func (g *Graph) Conflicts() []Conflict {
	var cs []Conflict
	n := len(g.tasks)
	// mark[v] == d+1 means v was reached from d; parent leads back towards d through undated
	// tasks (-1 for d's own prerequisites). One allocation serves every search.
	var mark, parent []int32
	var queue []int32
	for d := range int32(n) {
		if !g.dated[d] {
			continue
		}
		start := g.start[d]
		queue = queue[:0]
		for _, p := range g.in[d] {
			if g.dated[p] {
				if g.due[p] >= start {
					cs = append(cs, Conflict{Prerequisite: g.tasks[p].ID, Dependent: g.tasks[d].ID, Days: g.due[p] - start + 1})
				}
				if mark != nil {
					mark[p] = d + 1
				}
				continue
			}
			if mark == nil {
				mark, parent = make([]int32, n), make([]int32, n)
				// Direct prerequisites already checked must not be reported again via U.
				for _, p := range g.in[d] {
					mark[p] = d + 1
				}
			}
			mark[p], parent[p] = d+1, -1
			queue = append(queue, p)
		}
		// Breadth first through undated tasks, so the shortest Via is the one reported.
		for head := 0; head < len(queue); head++ {
			u := queue[head]
			for _, p := range g.in[u] {
				if mark[p] == d+1 {
					continue
				}
				mark[p] = d + 1
				if !g.dated[p] {
					parent[p] = u
					queue = append(queue, p)
					continue
				}
				if g.due[p] >= start {
					var via []int64
					for w := u; w >= 0; w = parent[w] {
						via = append(via, g.tasks[w].ID)
					}
					cs = append(cs, Conflict{Prerequisite: g.tasks[p].ID, Dependent: g.tasks[d].ID, Via: via, Days: g.due[p] - start + 1})
				}
			}
		}
	}
	slices.SortFunc(cs, func(a, b Conflict) int {
		return cmp.Or(cmp.Compare(a.Dependent, b.Dependent), cmp.Compare(a.Prerequisite, b.Prerequisite))
	})
	return cs
}
