package schedule_test

import (
	"errors"
	"fmt"
	"github.com/lodestar-cx/lodestar/internal/civil"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/lodestar-cx/lodestar/internal/schedule"
)

func TestReschedule(t *testing.T) {
	none := civil.Date{}
	// 1 → 2 → 3 back to back; 4 waits for 1 with a five-day gap.
	chain := []schedule.Task{task(1, mar(1), mar(5)), task(2, mar(6), mar(8)), task(3, mar(9), mar(12)), task(4, mar(11), mar(11))}
	chainDeps := []schedule.Dependency{dep(1, 2), dep(2, 3), dep(1, 4)}
	tests := []struct {
		name   string
		tasks  []schedule.Task
		deps   []schedule.Dependency
		change schedule.Change
		want   []schedule.Shift
	}{
		{
			name:   "a slip travels down the chain",
			tasks:  chain,
			deps:   chainDeps,
			change: schedule.Change{ID: 1, Due: mar(8)},
			want: []schedule.Shift{
				{ID: 1, OldStart: mar(1), OldDue: mar(5), NewStart: mar(1), NewDue: mar(8), Days: 3},
				{ID: 2, OldStart: mar(6), OldDue: mar(8), NewStart: mar(9), NewDue: mar(11), Days: 3},
				{ID: 3, OldStart: mar(9), OldDue: mar(12), NewStart: mar(12), NewDue: mar(15), Days: 3},
			},
		},
		{
			name:   "a gap absorbs what it can",
			tasks:  chain,
			deps:   chainDeps,
			change: schedule.Change{ID: 1, Due: mar(12)},
			want: []schedule.Shift{
				{ID: 1, OldStart: mar(1), OldDue: mar(5), NewStart: mar(1), NewDue: mar(12), Days: 7},
				{ID: 2, OldStart: mar(6), OldDue: mar(8), NewStart: mar(13), NewDue: mar(15), Days: 7},
				{ID: 4, OldStart: mar(11), OldDue: mar(11), NewStart: mar(13), NewDue: mar(13), Days: 2},
				{ID: 3, OldStart: mar(9), OldDue: mar(12), NewStart: mar(16), NewDue: mar(19), Days: 7},
			},
		},
		{
			name:   "moving start and due keeps the dependents' durations",
			tasks:  chain,
			deps:   chainDeps,
			change: schedule.Change{ID: 2, Start: mar(10), Due: mar(12)},
			want: []schedule.Shift{
				{ID: 2, OldStart: mar(6), OldDue: mar(8), NewStart: mar(10), NewDue: mar(12), Days: 4},
				{ID: 3, OldStart: mar(9), OldDue: mar(12), NewStart: mar(13), NewDue: mar(16), Days: 4},
			},
		},
		{
			name:   "moving earlier pulls nothing",
			tasks:  chain,
			deps:   chainDeps,
			change: schedule.Change{ID: 1, Start: date(2, 20), Due: date(2, 24)},
			want: []schedule.Shift{
				{ID: 1, OldStart: mar(1), OldDue: mar(5), NewStart: date(2, 20), NewDue: date(2, 24), Days: -9},
			},
		},
		{
			// 3 waits for 1 (due on the 5th) and 2 (due on the 9th).
			name:   "the latest prerequisite decides: no move",
			tasks:  []schedule.Task{task(1, mar(1), mar(5)), task(2, mar(1), mar(9)), task(3, mar(10), mar(11))},
			deps:   []schedule.Dependency{dep(1, 3), dep(2, 3)},
			change: schedule.Change{ID: 1, Due: mar(9)},
			want: []schedule.Shift{
				{ID: 1, OldStart: mar(1), OldDue: mar(5), NewStart: mar(1), NewDue: mar(9), Days: 4},
			},
		},
		{
			name:   "the latest prerequisite decides: a move",
			tasks:  []schedule.Task{task(1, mar(1), mar(5)), task(2, mar(1), mar(9)), task(3, mar(10), mar(11))},
			deps:   []schedule.Dependency{dep(1, 3), dep(2, 3)},
			change: schedule.Change{ID: 1, Due: mar(12)},
			want: []schedule.Shift{
				{ID: 1, OldStart: mar(1), OldDue: mar(5), NewStart: mar(1), NewDue: mar(12), Days: 7},
				{ID: 3, OldStart: mar(10), OldDue: mar(11), NewStart: mar(13), NewDue: mar(14), Days: 3},
			},
		},
		{
			// 3 waits for 2 and, through 2, for 1; 2 moves, and 3 moves once, by the larger need.
			name:   "transitive, with two paths to the same task",
			tasks:  []schedule.Task{task(1, mar(1), mar(2)), task(2, mar(3), mar(4)), task(3, mar(5), mar(6))},
			deps:   []schedule.Dependency{dep(1, 2), dep(2, 3), dep(1, 3)},
			change: schedule.Change{ID: 1, Due: mar(3)},
			want: []schedule.Shift{
				{ID: 1, OldStart: mar(1), OldDue: mar(2), NewStart: mar(1), NewDue: mar(3), Days: 1},
				{ID: 2, OldStart: mar(3), OldDue: mar(4), NewStart: mar(4), NewDue: mar(5), Days: 1},
				{ID: 3, OldStart: mar(5), OldDue: mar(6), NewStart: mar(6), NewDue: mar(7), Days: 1},
			},
		},
		{
			name:   "through an undated task, which does not move",
			tasks:  []schedule.Task{task(1, mar(1), mar(5)), task(5, none, mar(20)), task(2, mar(6), mar(8))},
			deps:   []schedule.Dependency{dep(1, 5), dep(5, 2)},
			change: schedule.Change{ID: 1, Due: mar(7)},
			want: []schedule.Shift{
				{ID: 1, OldStart: mar(1), OldDue: mar(5), NewStart: mar(1), NewDue: mar(7), Days: 2},
				{ID: 2, OldStart: mar(6), OldDue: mar(8), NewStart: mar(8), NewDue: mar(10), Days: 2},
			},
		},
		{
			name:   "an undated task given only a due date stays undated and pushes nothing",
			tasks:  []schedule.Task{task(5, none, none), task(2, mar(6), mar(8))},
			deps:   []schedule.Dependency{dep(5, 2)},
			change: schedule.Change{ID: 5, Due: mar(30)},
			want: []schedule.Shift{
				{ID: 5, NewDue: mar(30)},
			},
		},
		{
			name:   "an undated task given dates pushes its dependents",
			tasks:  []schedule.Task{task(5, none, none), task(2, mar(6), mar(8))},
			deps:   []schedule.Dependency{dep(5, 2)},
			change: schedule.Change{ID: 5, Start: mar(1), Due: mar(6)},
			want: []schedule.Shift{
				{ID: 5, NewStart: mar(1), NewDue: mar(6)},
				{ID: 2, OldStart: mar(6), OldDue: mar(8), NewStart: mar(7), NewDue: mar(9), Days: 1},
			},
		},
		{
			// 3 already conflicts with 2, which the change does not reach: 3 stays.
			name:   "only downstream of the change",
			tasks:  []schedule.Task{task(1, mar(1), mar(2)), task(2, mar(1), mar(9)), task(3, mar(5), mar(6)), task(4, mar(3), mar(4))},
			deps:   []schedule.Dependency{dep(2, 3), dep(1, 4)},
			change: schedule.Change{ID: 1, Due: mar(3)},
			want: []schedule.Shift{
				{ID: 1, OldStart: mar(1), OldDue: mar(2), NewStart: mar(1), NewDue: mar(3), Days: 1},
				{ID: 4, OldStart: mar(3), OldDue: mar(4), NewStart: mar(4), NewDue: mar(5), Days: 1},
			},
		},
		{
			name:   "no change",
			tasks:  chain,
			deps:   chainDeps,
			change: schedule.Change{ID: 1, Due: mar(5)},
			want:   nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := mustNew(t, tt.tasks, tt.deps)
			got, err := g.Reschedule(tt.change)
			if err != nil {
				t.Fatalf("Reschedule(%+v) = %v", tt.change, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Reschedule(%+v) (-want +got):\n%s", tt.change, diff)
			}
		})
	}
}

func TestRescheduleRefuses(t *testing.T) {
	g := mustNew(t, []schedule.Task{task(1, mar(5), mar(9))}, nil)
	tests := []struct {
		change schedule.Change
		want   error
	}{
		{schedule.Change{ID: 2, Due: mar(9)}, schedule.ErrUnknownTask},
		{schedule.Change{ID: 1}, schedule.ErrInvalidDates},
		{schedule.Change{ID: 1, Due: mar(4)}, schedule.ErrInvalidDates},
		{schedule.Change{ID: 1, Start: mar(10), Due: mar(9)}, schedule.ErrInvalidDates},
		{schedule.Change{ID: 1, Due: civil.Date{Year: 2026, Month: 2, Day: 30}}, schedule.ErrInvalidDates},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%+v", tt.change), func(t *testing.T) {
			if got, err := g.Reschedule(tt.change); !errors.Is(err, tt.want) {
				t.Errorf("Reschedule(%+v) = %v, %v; want %v", tt.change, got, err, tt.want)
			}
		})
	}
}

func TestApply(t *testing.T) {
	tasks := []schedule.Task{task(1, mar(1), mar(5)), task(2, mar(6), mar(8)), task(3, mar(20), mar(21))}
	g := mustNew(t, tasks, []schedule.Dependency{dep(1, 2)})
	shifts, err := g.Reschedule(schedule.Change{ID: 1, Due: mar(7)})
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Apply(shifts); err != nil {
		t.Fatalf("Apply(%v) = %v", shifts, err)
	}
	want := []schedule.Task{task(1, mar(1), mar(7)), task(2, mar(8), mar(10)), task(3, mar(20), mar(21))}
	if diff := cmp.Diff(want, g.Tasks()); diff != "" {
		t.Errorf("Tasks() after Apply (-want +got):\n%s", diff)
	}
	if cs := g.Conflicts(); len(cs) != 0 {
		t.Errorf("Conflicts() after Apply = %v, want none", cs)
	}

	// The same preview again is stale: the dates it started from are gone.
	if err := g.Apply(shifts); !errors.Is(err, schedule.ErrStale) {
		t.Errorf("Apply(the same shifts again) = %v, want %v", err, schedule.ErrStale)
	}
	// A refused preview changes nothing, not even the shifts before the bad one.
	bad := []schedule.Shift{
		{ID: 3, OldStart: mar(20), OldDue: mar(21), NewStart: mar(22), NewDue: mar(23), Days: 2},
		{ID: 9, NewStart: mar(1), NewDue: mar(2)},
	}
	if err := g.Apply(bad); !errors.Is(err, schedule.ErrUnknownTask) {
		t.Errorf("Apply(%v) = %v, want %v", bad, err, schedule.ErrUnknownTask)
	}
	twice := []schedule.Shift{bad[0], bad[0]}
	if err := g.Apply(twice); err == nil {
		t.Errorf("Apply(%v) = nil, want an error", twice)
	}
	backwards := []schedule.Shift{{ID: 3, OldStart: mar(20), OldDue: mar(21), NewStart: mar(22), NewDue: mar(21)}}
	if err := g.Apply(backwards); !errors.Is(err, schedule.ErrInvalidDates) {
		t.Errorf("Apply(%v) = %v, want %v", backwards, err, schedule.ErrInvalidDates)
	}
	if diff := cmp.Diff(want, g.Tasks()); diff != "" {
		t.Errorf("Tasks() after refused Apply (-want +got):\n%s", diff)
	}
}

// On random conflict-free roadmaps, any change followed by Apply leaves no conflict (but those of
// the changed task with its own prerequisites, when it was moved earlier), moves no other task
// earlier, moves only tasks downstream of the change, keeps their durations, and moves each no
// further than its prerequisites require.
func TestRescheduleProperties(t *testing.T) {
	for seed := range uint64(40) {
		tasks, deps, _ := roadmap(seed, 200, 600, true)
		if cs := mustNew(t, tasks, deps).Conflicts(); len(cs) != 0 {
			t.Fatalf("seed %d: the generated roadmap has conflicts: %v", seed, cs)
		}
		rng := newRand(seed)
		for range 25 {
			tk := tasks[rng.IntN(len(tasks))]
			if !tk.Dated() {
				continue
			}
			var c schedule.Change
			switch rng.IntN(4) {
			case 0: // slip the due date
				c = schedule.Change{ID: tk.ID, Due: tk.Due.AddDays(1 + rng.IntN(30))}
			case 1: // drag later
				k := 1 + rng.IntN(30)
				c = schedule.Change{ID: tk.ID, Start: tk.Start.AddDays(k), Due: tk.Due.AddDays(k)}
			case 2: // drag earlier
				k := 1 + rng.IntN(30)
				c = schedule.Change{ID: tk.ID, Start: tk.Start.AddDays(-k), Due: tk.Due.AddDays(-k)}
			case 3: // finish early
				c = schedule.Change{ID: tk.ID, Due: tk.Due.AddDays(-min(rng.IntN(5), tk.Due.DaysSince(tk.Start)))}
			}
			t.Run(fmt.Sprintf("seed %d %+v", seed, c), func(t *testing.T) {
				checkReschedule(t, tasks, deps, c)
			})
		}
	}
}

func checkReschedule(t *testing.T, tasks []schedule.Task, deps []schedule.Dependency, c schedule.Change) {
	t.Helper()
	g := mustNew(t, tasks, deps)
	before, _ := g.Task(c.ID)
	shifts, err := g.Reschedule(c)
	if err != nil {
		t.Fatal(err)
	}
	if len(shifts) == 0 {
		if c.Due != before.Due || !c.Start.IsZero() && c.Start != before.Start {
			t.Errorf("Reschedule(%+v) = no shifts for a real change", c)
		}
		return
	}
	if shifts[0].ID != c.ID {
		t.Errorf("Reschedule(%+v) starts with %+v, want the changed task", c, shifts[0])
	}
	if err := g.Apply(shifts); err != nil {
		t.Fatal(err)
	}
	after := g.Tasks()

	for _, cf := range g.Conflicts() {
		if cf.Dependent != c.ID || c.Start.IsZero() || c.Start.Compare(before.Start) >= 0 {
			t.Errorf("conflict after Apply: %+v", cf)
		}
	}
	if c.Due.Compare(before.Due) <= 0 && len(shifts) > 1 {
		t.Errorf("moving %d earlier moved %d other tasks", c.ID, len(shifts)-1)
	}

	down := downstream(deps, c.ID)
	moved := map[int64]bool{c.ID: true}
	for _, s := range shifts[1:] {
		moved[s.ID] = true
		if !down[s.ID] {
			t.Errorf("%d moved but is not downstream of %d", s.ID, c.ID)
		}
		if s.Days <= 0 || s.NewStart != s.OldStart.AddDays(s.Days) || s.NewDue != s.OldDue.AddDays(s.Days) {
			t.Errorf("shift %+v does not move start and due later by Days", s)
		}
	}
	// Each moved task starts the day after its latest prerequisite is due: a day earlier would
	// conflict, so it moved no further than needed.
	w := newWaits(after, deps)
	for _, s := range shifts[1:] {
		var latest civil.Date
		for _, p := range w.on(s.ID) {
			if d := w.byID[p].Due; d.Compare(latest) > 0 {
				latest = d
			}
		}
		if want := latest.AddDays(1); s.NewStart != want {
			t.Errorf("%d moved to start %v, want %v, the day after its latest prerequisite", s.ID, s.NewStart, want)
		}
	}
	for i, tk := range after {
		if !moved[tk.ID] && tk != tasks[i] {
			t.Errorf("%d changed from %v to %v without a shift", tk.ID, tasks[i], tk)
		}
	}
}
