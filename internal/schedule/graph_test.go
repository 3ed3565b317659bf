package schedule_test

import (
	"errors"
	"github.com/lodestar-cx/lodestar/internal/civil"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/lodestar-cx/lodestar/internal/schedule"
)

// undated returns undated tasks with the given ids.
func undated(ids ...int64) []schedule.Task {
	tasks := make([]schedule.Task, len(ids))
	for i, id := range ids {
		tasks[i] = schedule.Task{ID: id}
	}
	return tasks
}

func TestNewCycles(t *testing.T) {
	tests := []struct {
		name  string
		tasks []schedule.Task
		deps  []schedule.Dependency
		want  []int64
	}{
		{
			name:  "two",
			tasks: undated(1, 2),
			deps:  []schedule.Dependency{dep(1, 2), dep(2, 1)},
			want:  []int64{1, 2, 1},
		},
		{
			name:  "three",
			tasks: undated(3, 7, 9),
			deps:  []schedule.Dependency{dep(3, 7), dep(7, 9), dep(9, 3)},
			want:  []int64{3, 7, 9, 3},
		},
		{
			name:  "starts at the smallest id whatever the input order",
			tasks: undated(9, 7, 3),
			deps:  []schedule.Dependency{dep(9, 3), dep(7, 9), dep(3, 7)},
			want:  []int64{3, 7, 9, 3},
		},
		{
			name:  "long, with acyclic parts around it",
			tasks: undated(50, 40, 30, 20, 10, 60, 5, 99, 1),
			deps: []schedule.Dependency{
				dep(1, 50), // into the cycle
				dep(50, 40), dep(40, 30), dep(30, 20), dep(20, 10), dep(10, 60), dep(60, 5), dep(5, 50),
				dep(30, 99), // out of the cycle
				dep(1, 99),
			},
			want: []int64{5, 50, 40, 30, 20, 10, 60, 5},
		},
		{
			name:  "behind a long acyclic lead-in",
			tasks: undated(1, 2, 3, 4, 5, 6),
			deps:  []schedule.Dependency{dep(1, 2), dep(2, 3), dep(3, 4), dep(4, 5), dep(5, 6), dep(6, 4)},
			want:  []int64{4, 5, 6, 4},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := schedule.New(tt.tasks, tt.deps)
			var ce *schedule.CycleError
			if !errors.As(err, &ce) {
				t.Fatalf("New(%v) = %v, %v; want a *CycleError", tt.deps, g, err)
			}
			if diff := cmp.Diff(tt.want, ce.IDs); diff != "" {
				t.Errorf("New(%v) cycle (-want +got):\n%s", tt.deps, diff)
			}
		})
	}
}

func TestCycleErrorText(t *testing.T) {
	e := &schedule.CycleError{IDs: []int64{3, 7, 9, 3}}
	if got, want := e.String(), "3 → 7 → 9 → 3"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if got, want := e.Error(), "schedule: dependency cycle 3 → 7 → 9 → 3"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestNewRefuses(t *testing.T) {
	tests := []struct {
		name    string
		tasks   []schedule.Task
		deps    []schedule.Dependency
		wantIs  error
		wantMsg string
	}{
		{
			name:    "self-dependency",
			tasks:   undated(1, 2),
			deps:    []schedule.Dependency{dep(1, 2), dep(2, 2)},
			wantIs:  schedule.ErrSelfDependency,
			wantMsg: "schedule: dependency 2 → 2: task depends on itself",
		},
		{
			name:    "duplicate dependency",
			tasks:   undated(1, 2, 3),
			deps:    []schedule.Dependency{dep(1, 2), dep(2, 3), dep(1, 2)},
			wantIs:  schedule.ErrDuplicateDependency,
			wantMsg: "schedule: dependency 1 → 2: duplicate dependency",
		},
		{
			name:    "unknown prerequisite",
			tasks:   undated(1, 2),
			deps:    []schedule.Dependency{dep(8, 2)},
			wantIs:  schedule.ErrUnknownTask,
			wantMsg: "schedule: dependency 8 → 2: unknown task 8",
		},
		{
			name:    "unknown dependent",
			tasks:   undated(1, 2),
			deps:    []schedule.Dependency{dep(1, 9)},
			wantIs:  schedule.ErrUnknownTask,
			wantMsg: "schedule: dependency 1 → 9: unknown task 9",
		},
		{
			name:    "duplicate task",
			tasks:   undated(1, 2, 1),
			wantIs:  schedule.ErrDuplicateTask,
			wantMsg: "schedule: task 1: duplicate task",
		},
		{
			name:    "start after due",
			tasks:   []schedule.Task{task(1, mar(5), mar(4))},
			wantIs:  schedule.ErrInvalidDates,
			wantMsg: "schedule: task 1: invalid dates: start 2026-03-05 is after due 2026-03-04",
		},
		{
			name:    "no such day",
			tasks:   []schedule.Task{task(1, mar(1), date(time.April, 31))},
			wantIs:  schedule.ErrInvalidDates,
			wantMsg: "schedule: task 1: invalid dates: due 2026-04-31 is not a calendar day",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := schedule.New(tt.tasks, tt.deps)
			if !errors.Is(err, tt.wantIs) {
				t.Fatalf("New() = %v, want %v", err, tt.wantIs)
			}
			if err.Error() != tt.wantMsg {
				t.Errorf("New() = %q, want %q", err, tt.wantMsg)
			}
		})
	}
}

func TestNewAcceptsPartialDates(t *testing.T) {
	tasks := []schedule.Task{task(1, mar(1), civil.Date{}), task(2, civil.Date{}, mar(9)), task(3, mar(2), mar(2))}
	g := mustNew(t, tasks, []schedule.Dependency{dep(1, 2), dep(2, 3)})
	if diff := cmp.Diff(tasks, g.Tasks()); diff != "" {
		t.Errorf("Tasks() (-want +got):\n%s", diff)
	}
	for _, want := range tasks {
		if got, ok := g.Task(want.ID); !ok || got != want {
			t.Errorf("Task(%d) = %v, %v; want %v, true", want.ID, got, ok, want)
		}
	}
	if got, ok := g.Task(4); ok {
		t.Errorf("Task(4) = %v, true; want false", got)
	}
}

func TestAddDependency(t *testing.T) {
	// 1 → 2 → 3 → 4 and 5 → 6: the input order is a topological order, so edges "backwards"
	// against it exercise the reordering.
	tasks := undated(1, 2, 3, 4, 5, 6)
	base := []schedule.Dependency{dep(1, 2), dep(2, 3), dep(3, 4), dep(5, 6)}
	tests := []struct {
		name      string
		add       []schedule.Dependency // added in turn; all but the last must succeed
		wantCycle []int64
		wantIs    error
	}{
		{name: "along the order", add: []schedule.Dependency{dep(1, 4)}},
		{name: "against the order, no cycle", add: []schedule.Dependency{dep(6, 1)}},
		{name: "cycle through an added one", add: []schedule.Dependency{dep(6, 1), dep(4, 5)}, wantCycle: []int64{4, 5, 6, 1, 2, 3, 4}},
		{name: "two-cycle", add: []schedule.Dependency{dep(2, 1)}, wantCycle: []int64{2, 1, 2}},
		{name: "long cycle", add: []schedule.Dependency{dep(4, 1)}, wantCycle: []int64{4, 1, 2, 3, 4}},
		{name: "cycle after a reorder", add: []schedule.Dependency{dep(4, 5), dep(6, 2)}, wantCycle: []int64{6, 2, 3, 4, 5, 6}},
		{name: "self", add: []schedule.Dependency{dep(3, 3)}, wantIs: schedule.ErrSelfDependency},
		{name: "duplicate", add: []schedule.Dependency{dep(2, 3)}, wantIs: schedule.ErrDuplicateDependency},
		{name: "duplicate of an added one", add: []schedule.Dependency{dep(6, 1), dep(6, 1)}, wantIs: schedule.ErrDuplicateDependency},
		{name: "unknown", add: []schedule.Dependency{dep(3, 42)}, wantIs: schedule.ErrUnknownTask},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := mustNew(t, tasks, base)
			var err error
			for i, d := range tt.add {
				err = g.AddDependency(d)
				if i < len(tt.add)-1 && err != nil {
					t.Fatalf("AddDependency(%v) = %v, want nil", d, err)
				}
			}
			last := tt.add[len(tt.add)-1]
			switch {
			case tt.wantCycle != nil:
				var ce *schedule.CycleError
				if !errors.As(err, &ce) {
					t.Fatalf("AddDependency(%v) = %v, want a *CycleError", last, err)
				}
				if diff := cmp.Diff(tt.wantCycle, ce.IDs); diff != "" {
					t.Errorf("AddDependency(%v) cycle (-want +got):\n%s", last, diff)
				}
			case tt.wantIs != nil:
				if !errors.Is(err, tt.wantIs) {
					t.Errorf("AddDependency(%v) = %v, want %v", last, err, tt.wantIs)
				}
			case err != nil:
				t.Errorf("AddDependency(%v) = %v, want nil", last, err)
			}
		})
	}
}

// A graph grown one dependency at a time refuses exactly the dependencies that close a cycle, and
// then agrees in every answer with the same graph built at once.
func TestAddDependencyMatchesNew(t *testing.T) {
	for seed := range uint64(20) {
		tasks, deps, _ := roadmap(seed, 120, 400, true)
		// Offer the edges in a shuffled order, and each one reversed too: about half the
		// reversed ones close a cycle with what is already there.
		var offers []schedule.Dependency
		for _, d := range deps {
			offers = append(offers, d, dep(d.Dependent, d.Prerequisite))
		}
		rng := newRand(seed)
		rng.Shuffle(len(offers), func(i, j int) { offers[i], offers[j] = offers[j], offers[i] })

		g := mustNew(t, tasks, nil)
		var accepted []schedule.Dependency
		out := make(map[int64][]int64)
		for _, d := range offers {
			err := g.AddDependency(d)
			closes := reaches(out, d.Dependent, d.Prerequisite)
			var ce *schedule.CycleError
			switch {
			case closes && !errors.As(err, &ce):
				t.Fatalf("seed %d: AddDependency(%v) = %v, want a *CycleError", seed, d, err)
			case closes:
				checkCycle(t, ce.IDs, append(slices.Clone(accepted), d))
				if ce.IDs[0] != d.Prerequisite || ce.IDs[1] != d.Dependent {
					t.Errorf("seed %d: AddDependency(%v) cycle %v, want it to start with the new dependency", seed, d, ce)
				}
			case errors.Is(err, schedule.ErrDuplicateDependency):
				// a reversed pair offered twice cannot happen; a repeat is a bug
				t.Fatalf("seed %d: AddDependency(%v) = %v", seed, d, err)
			case err != nil:
				t.Fatalf("seed %d: AddDependency(%v) = %v, want nil", seed, d, err)
			default:
				accepted = append(accepted, d)
				out[d.Prerequisite] = append(out[d.Prerequisite], d.Dependent)
			}
		}
		whole := mustNew(t, tasks, accepted)
		if diff := cmp.Diff(whole.CriticalPath(), g.CriticalPath()); diff != "" {
			t.Errorf("seed %d: CriticalPath() grown vs built (-built +grown):\n%s", seed, diff)
		}
		if diff := cmp.Diff(whole.Conflicts(), g.Conflicts()); diff != "" {
			t.Errorf("seed %d: Conflicts() grown vs built (-built +grown):\n%s", seed, diff)
		}
		for _, tk := range tasks[:20] {
			if !tk.Dated() {
				continue
			}
			c := schedule.Change{ID: tk.ID, Due: tk.Due.AddDays(9)}
			want, err1 := whole.Reschedule(c)
			got, err2 := g.Reschedule(c)
			if err1 != nil || err2 != nil {
				t.Fatalf("Reschedule(%v) = %v, %v", c, err1, err2)
			}
			// The two graphs may hold different topological orders: compare as sets.
			byID := func(a, b schedule.Shift) int { return int(a.ID - b.ID) }
			slices.SortFunc(want, byID)
			slices.SortFunc(got, byID)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("seed %d: Reschedule(%v) grown vs built (-built +grown):\n%s", seed, c, diff)
			}
		}
	}
}

// reaches reports whether to can be reached from from along out.
func reaches(out map[int64][]int64, from, to int64) bool {
	seen := map[int64]bool{from: true}
	stack := []int64{from}
	for len(stack) > 0 {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if v == to {
			return true
		}
		for _, w := range out[v] {
			if !seen[w] {
				seen[w] = true
				stack = append(stack, w)
			}
		}
	}
	return false
}

// checkCycle fails unless ids is a closed walk along deps.
func checkCycle(t *testing.T, ids []int64, deps []schedule.Dependency) {
	t.Helper()
	if len(ids) < 3 || ids[0] != ids[len(ids)-1] {
		t.Fatalf("cycle %v does not close", ids)
	}
	for i := range len(ids) - 1 {
		if !slices.Contains(deps, dep(ids[i], ids[i+1])) {
			t.Fatalf("cycle %v: %d → %d is not a dependency", ids, ids[i], ids[i+1])
		}
	}
}

// Building a graph with a cycle hidden among many dependencies names a real cycle.
func TestNewFindsCycleInLargeGraph(t *testing.T) {
	tasks, deps, _ := roadmap(7, 2000, 6000, true)
	// Close a cycle: the last dependency's dependent leads back, through the reverse of an
	// existing path, to its prerequisite.
	d := deps[len(deps)/2]
	deps = append(deps, dep(d.Dependent, d.Prerequisite))
	_, err := schedule.New(tasks, deps)
	var ce *schedule.CycleError
	if !errors.As(err, &ce) {
		t.Fatalf("New() = %v, want a *CycleError", err)
	}
	checkCycle(t, ce.IDs, deps)
}
