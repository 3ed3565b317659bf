// Package schedule owns the timeline of a roadmap: tasks (initiatives) with optional start and due
// days, and finish-to-start dependencies between them. It keeps the dependency graph acyclic,
// finds the critical path and every task's slack, lists the dependencies whose dates conflict, and
// previews the shifts a date change forces downstream. It works on plain values, with tasks named
// by int64 ids, and knows nothing of storage or HTTP: a caller builds a Graph, asks, and persists
// what it returns.
//
// # Days
//
// Dates are calendar days (civil.Date): no time of day, no time zone, because days are what users edit.
// Every day counts, weekends and holidays included; there are no working calendars. Both ends of
// a task are inclusive, so a task from 3 to 5 March lasts due − start + 1 = 3 days.
//
// # Finish to start
//
// "B depends on A" (A is B's prerequisite) means B starts no earlier than the day after A is due:
// the zero-lag finish-to-start link of Microsoft Project and of the critical path method, read
// with inclusive due dates. If A is due on 5 March, B may start on 6 March. B starting on 5 March
// or before is a conflict, cured by moving B later by A's due − B's start + 1 days.
//
// # Undated tasks
//
// A task is dated when it has both a start and a due date; with one or neither it is undated.
// Undated tasks never move, never conflict, and have no slack, but they do not cut a chain: they
// take no time and pass their prerequisites' constraints on. In A → U → B with U undated, B still
// waits for A; a conflict between A and B is reported with U in its Via list; moving A later
// moves B; and a critical path may run from A to B through U (U itself is not listed).
//
// # Moving and slipping
//
// Reschedule only ever pushes dependents later, each by the least number of days that satisfies
// all its prerequisites, keeping its duration. A task moved earlier leaves its dependents where
// they are: closing a gap is the planner's choice, not a consequence of the rule.
//
// # Critical path
//
// The critical path is the chain of dependencies that leads to the roadmap's last due date: from
// the task due last, walk back to the prerequisite due last (the one that holds it back most),
// and on, until a task that waits for nothing. Ties go to the longer chain by duration, then to
// the smaller id. Slack is on the calendar: the number of days a task's due date can slip,
// pushing its dependents as Reschedule would, before the roadmap's last due date moves. When
// tasks run back to back this is the classic critical path method: the path is the longest chain
// by duration and has no slack. When a user leaves a gap (a weekend, a buffer, a quarter's
// wait), the path runs through it and the tasks before the gap have that much slack; the gap
// shows as Span exceeding Duration. A task in conflict is analysed where resolving the conflict
// would put it: starting the day after its latest prerequisite is due.
package schedule

import (
	"errors"
	"fmt"
	"github.com/lodestar-cx/lodestar/internal/civil"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Task is one item on the timeline. A zero Start or Due is unset.
type Task struct {
	ID    int64
	Start civil.Date
	Due   civil.Date
}

// Dated reports whether t has both a start and a due date, and so takes part in scheduling.
func (t Task) Dated() bool { return !t.Start.IsZero() && !t.Due.IsZero() }

// Dependency says that Dependent cannot start until the day after Prerequisite is due.
type Dependency struct {
	Prerequisite int64
	Dependent    int64
}

// The reasons a graph or a change is refused. They come wrapped in a *TaskError or a
// *DependencyError that names the culprit; test for them with errors.Is.
var (
	// ErrUnknownTask means an id names no task of the graph.
	ErrUnknownTask = errors.New("unknown task")
	// ErrDuplicateTask means two tasks share an id.
	ErrDuplicateTask = errors.New("duplicate task")
	// ErrSelfDependency means a task was made its own prerequisite.
	ErrSelfDependency = errors.New("task depends on itself")
	// ErrDuplicateDependency means the same dependency was given twice.
	ErrDuplicateDependency = errors.New("duplicate dependency")
	// ErrInvalidDates means a date that does not exist, a start after the due date, or a
	// change without a due date.
	ErrInvalidDates = errors.New("invalid dates")
	// ErrStale means a preview no longer matches the graph: a task's dates changed after
	// Reschedule computed it.
	ErrStale = errors.New("dates changed since the preview")
)

// TaskError reports a problem with one task.
type TaskError struct {
	ID  int64
	Err error
}

// Error returns "schedule: task 5: …".
func (e *TaskError) Error() string { return fmt.Sprintf("schedule: task %d: %v", e.ID, e.Err) }

// Unwrap returns the reason, for errors.Is.
func (e *TaskError) Unwrap() error { return e.Err }

// DependencyError reports a dependency that cannot be added: a self-dependency, a duplicate, or
// one naming an unknown task. Cycles are reported by *CycleError instead.
type DependencyError struct {
	Dependency Dependency
	Err        error
}

// Error returns "schedule: dependency 3 → 7: …".
func (e *DependencyError) Error() string {
	return fmt.Sprintf("schedule: dependency %d → %d: %v", e.Dependency.Prerequisite, e.Dependency.Dependent, e.Err)
}

// Unwrap returns the reason, for errors.Is.
func (e *DependencyError) Unwrap() error { return e.Err }

// CycleError reports dependencies that would make a task wait, through others, on itself.
type CycleError struct {
	// IDs spells the cycle out in dependency order, each task a prerequisite of the next, and
	// ends where it starts: [3 7 9 3] for 3 → 7 → 9 → 3. New starts it at the smallest id, so
	// that the same cycle always reads the same; AddDependency starts it at the new dependency's
	// prerequisite, so that the refused link comes first.
	IDs []int64
}

// Error returns "schedule: dependency cycle 3 → 7 → 9 → 3".
func (e *CycleError) Error() string { return "schedule: dependency cycle " + e.String() }

// String returns the cycle as "3 → 7 → 9 → 3".
func (e *CycleError) String() string {
	var b strings.Builder
	for i, id := range e.IDs {
		if i > 0 {
			b.WriteString(" → ")
		}
		b.WriteString(strconv.FormatInt(id, 10))
	}
	return b.String()
}

// Graph is a set of tasks and the dependencies between them, always acyclic. Its methods that
// only read (CriticalPath, Conflicts, Reschedule, Task, Tasks) may run concurrently with each
// other, not with AddDependency or Apply.
type Graph struct {
	tasks []Task
	index map[int64]int32

	// Days since 1970-01-01 of each task's start and due, kept beside tasks so that the passes
	// are integer arithmetic; meaningful only where dated is true.
	start, due []int
	dated      []bool

	// out[v] and in[v] are v's dependents and prerequisites, by index.
	out, in [][]int32

	// order is a topological order of the indexes and ord its inverse. Every pass walks it, and
	// AddDependency keeps it valid, so no pass sorts.
	order, ord []int32
}

// New builds a graph of tasks and dependencies. It fails with a *TaskError for a duplicate id or
// impossible dates (start after due, a day that does not exist), a *DependencyError for a
// self-dependency, a duplicate, or an unknown id, and a *CycleError if the dependencies loop.
// It takes O(V + E) time: cycles are found by one topological sort, not by a search per edge.
func New(tasks []Task, deps []Dependency) (*Graph, error) {
	n := len(tasks)
	if n > math.MaxInt32 || len(deps) > math.MaxInt32 {
		return nil, errors.New("schedule: too many tasks or dependencies")
	}
	g := &Graph{
		tasks: slices.Clone(tasks),
		index: make(map[int64]int32, n),
		start: make([]int, n),
		due:   make([]int, n),
		dated: make([]bool, n),
	}
	for i, t := range tasks {
		if _, dup := g.index[t.ID]; dup {
			return nil, &TaskError{ID: t.ID, Err: ErrDuplicateTask}
		}
		if err := checkDates(t.Start, t.Due); err != nil {
			return nil, &TaskError{ID: t.ID, Err: err}
		}
		g.index[t.ID] = int32(i)
		g.setDates(int32(i), t.Start, t.Due)
	}

	edges := make([][2]int32, len(deps))
	outCount := make([]int32, n)
	inCount := make([]int32, n)
	for k, d := range deps {
		p, q, err := g.lookup(d)
		if err != nil {
			return nil, err
		}
		edges[k] = [2]int32{p, q}
		outCount[p]++
		inCount[q]++
	}
	// Every adjacency list is a window on one shared array, so 30,000 edges cost two
	// allocations, not 20,000. Each window's capacity is its length: a later AddDependency
	// appends into a fresh array instead of over its neighbour.
	outAll := make([]int32, len(deps))
	inAll := make([]int32, len(deps))
	g.out = make([][]int32, n)
	g.in = make([][]int32, n)
	var outAt, inAt int32
	for v := range n {
		g.out[v] = outAll[outAt:outAt:(outAt + outCount[v])]
		g.in[v] = inAll[inAt:inAt:(inAt + inCount[v])]
		outAt += outCount[v]
		inAt += inCount[v]
	}
	for _, e := range edges {
		g.out[e[0]] = append(g.out[e[0]], e[1])
		g.in[e[1]] = append(g.in[e[1]], e[0])
	}

	// seen[q] == p+1 marks q as already a dependent of p: duplicates in O(E), with no map.
	seen := outCount
	clear(seen)
	for p := range g.out {
		for _, q := range g.out[p] {
			if seen[q] == int32(p)+1 {
				return nil, &DependencyError{
					Dependency: Dependency{Prerequisite: g.tasks[p].ID, Dependent: g.tasks[q].ID},
					Err:        ErrDuplicateDependency,
				}
			}
			seen[q] = int32(p) + 1
		}
	}

	if err := g.sort(); err != nil {
		return nil, err
	}
	return g, nil
}

// AddDependency adds one dependency, refusing it with a *CycleError if the dependent already
// leads, through others, to the prerequisite, and with a *DependencyError for a self-dependency,
// a duplicate, or an unknown id. A refused dependency leaves the graph as it was.
//
// The check searches only the tasks between the two ends in the current topological order, and
// the order is repaired locally (Pearce and Kelly's dynamic topological sort), so a dependency
// that already agrees with the order costs no search at all.
func (g *Graph) AddDependency(d Dependency) error {
	p, q, err := g.lookup(d)
	if err != nil {
		return err
	}
	if slices.Contains(g.out[p], q) {
		return &DependencyError{Dependency: d, Err: ErrDuplicateDependency}
	}
	if g.ord[q] < g.ord[p] {
		if err := g.reorder(p, q); err != nil {
			return err
		}
	}
	g.out[p] = append(g.out[p], q)
	g.in[q] = append(g.in[q], p)
	return nil
}

// Task returns the task with the given id.
func (g *Graph) Task(id int64) (Task, bool) {
	i, ok := g.index[id]
	if !ok {
		return Task{}, false
	}
	return g.tasks[i], true
}

// Tasks returns every task, in the order given to New, with its current dates.
func (g *Graph) Tasks() []Task { return slices.Clone(g.tasks) }

func (g *Graph) lookup(d Dependency) (p, q int32, err error) {
	p, ok := g.index[d.Prerequisite]
	if !ok {
		return 0, 0, &DependencyError{Dependency: d, Err: fmt.Errorf("%w %d", ErrUnknownTask, d.Prerequisite)}
	}
	q, ok = g.index[d.Dependent]
	if !ok {
		return 0, 0, &DependencyError{Dependency: d, Err: fmt.Errorf("%w %d", ErrUnknownTask, d.Dependent)}
	}
	if p == q {
		return 0, 0, &DependencyError{Dependency: d, Err: ErrSelfDependency}
	}
	return p, q, nil
}

func (g *Graph) setDates(i int32, start, due civil.Date) {
	g.tasks[i].Start, g.tasks[i].Due = start, due
	g.dated[i] = !start.IsZero() && !due.IsZero()
	if g.dated[i] {
		g.start[i], g.due[i] = start.EpochDays(), due.EpochDays()
	}
}

// checkDates accepts unset dates, and set ones that exist and run forwards.
func checkDates(start, due civil.Date) error {
	if !start.IsZero() && !start.IsValid() {
		return fmt.Errorf("%w: start %v is not a calendar day", ErrInvalidDates, start)
	}
	if !due.IsZero() && !due.IsValid() {
		return fmt.Errorf("%w: due %v is not a calendar day", ErrInvalidDates, due)
	}
	if !start.IsZero() && !due.IsZero() && start.Compare(due) > 0 {
		return fmt.Errorf("%w: start %v is after due %v", ErrInvalidDates, start, due)
	}
	return nil
}

// sort computes the topological order with Kahn's algorithm, or returns the *CycleError that
// stopped it.
func (g *Graph) sort() error {
	n := len(g.tasks)
	indeg := make([]int32, n)
	order := make([]int32, 0, n)
	for v := range n {
		indeg[v] = int32(len(g.in[v]))
		if indeg[v] == 0 {
			order = append(order, int32(v))
		}
	}
	// order doubles as the queue: everything before head has been emitted.
	for head := 0; head < len(order); head++ {
		for _, w := range g.out[order[head]] {
			if indeg[w]--; indeg[w] == 0 {
				order = append(order, w)
			}
		}
	}
	if len(order) < n {
		return g.cycle(indeg)
	}
	g.order = order
	g.ord = make([]int32, n)
	for i, v := range order {
		g.ord[v] = int32(i)
	}
	return nil
}

// cycle extracts one cycle from what Kahn's algorithm left behind. Every task left has a
// prerequisite that is also left, so walking from prerequisite to prerequisite must come back to
// a task already seen; the stretch between the two visits is a cycle, read backwards.
func (g *Graph) cycle(indeg []int32) error {
	step := make(map[int32]int)
	var walk []int32
	v := int32(slices.IndexFunc(indeg, func(d int32) bool { return d > 0 }))
	for {
		if _, seen := step[v]; seen {
			break
		}
		step[v] = len(walk)
		walk = append(walk, v)
		for _, u := range g.in[v] {
			if indeg[u] > 0 {
				v = u
				break
			}
		}
	}
	loop := walk[step[v]:]
	slices.Reverse(loop)
	// Start at the smallest id, so a cycle reads the same whatever the input order.
	first := 0
	for i, u := range loop {
		if g.tasks[u].ID < g.tasks[loop[first]].ID {
			first = i
		}
	}
	ids := make([]int64, 0, len(loop)+1)
	for i := range loop {
		ids = append(ids, g.tasks[loop[(first+i)%len(loop)]].ID)
	}
	return &CycleError{IDs: append(ids, ids[0])}
}

// reorder makes room in the topological order for a new dependency p → q where q now comes
// before p, or reports the cycle it would close. Only the tasks positioned between q and p can
// be affected: those reachable from q (which must move after p) and those reaching p (which must
// stay before q). The two sets swap into the positions they held, keeping their inner order.
func (g *Graph) reorder(p, q int32) error {
	lo, hi := g.ord[q], g.ord[p]

	parent := map[int32]int32{q: -1}
	fwd := []int32{}
	stack := []int32{q}
	for len(stack) > 0 {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		fwd = append(fwd, v)
		for _, w := range g.out[v] {
			if w == p {
				// q leads to p already: spell out p → q → … → v → p.
				var back []int64
				for u := v; u >= 0; u = parent[u] {
					back = append(back, g.tasks[u].ID)
				}
				slices.Reverse(back)
				ids := append([]int64{g.tasks[p].ID}, back...)
				return &CycleError{IDs: append(ids, g.tasks[p].ID)}
			}
			if _, seen := parent[w]; !seen && g.ord[w] < hi {
				parent[w] = v
				stack = append(stack, w)
			}
		}
	}

	seen := map[int32]bool{p: true}
	bwd := []int32{}
	stack = append(stack[:0], p)
	for len(stack) > 0 {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		bwd = append(bwd, v)
		for _, u := range g.in[v] {
			if !seen[u] && g.ord[u] > lo {
				seen[u] = true
				stack = append(stack, u)
			}
		}
	}

	byOrd := func(a, b int32) int { return int(g.ord[a] - g.ord[b]) }
	slices.SortFunc(fwd, byOrd)
	slices.SortFunc(bwd, byOrd)
	moved := append(bwd, fwd...)
	slots := make([]int32, len(moved))
	for i, v := range moved {
		slots[i] = g.ord[v]
	}
	slices.Sort(slots)
	for i, v := range moved {
		g.ord[v] = slots[i]
		g.order[slots[i]] = v
	}
	return nil
}
