package schedule_test

import (
	"testing"

	"github.com/lodestar-cx/lodestar/internal/schedule"
)

// The benchmarks run on a roadmap far larger than any real one: 10,000 initiatives and 30,000
// dependencies, dated so that there are no conflicts and gaps of 0–3 days, so a slip early in
// the order travels far. The target is the critical path plus one slip in under 10 ms:
//
//	go test -run '^$' -bench . -benchmem ./internal/schedule/
const (
	benchTasks = 10_000
	benchDeps  = 30_000
)

type benchRoadmap struct {
	tasks []schedule.Task
	deps  []schedule.Dependency
	g     *schedule.Graph
	// Slips of 10 days: of the first dated task in topological order, and of the early task
	// (among the first 500) whose slip moves the most others, the worst case.
	first, widest schedule.Change
}

func newBenchRoadmap(b *testing.B, consistent bool) benchRoadmap {
	b.Helper()
	tasks, deps, byRank := roadmap(1, benchTasks, benchDeps, consistent)
	r := benchRoadmap{tasks: tasks, deps: deps, g: mustNew(b, tasks, deps)}
	most := -1
	for _, id := range byRank[:500] {
		tk := tasks[id-1]
		if !tk.Dated() {
			continue
		}
		c := schedule.Change{ID: id, Due: tk.Due.AddDays(10)}
		if r.first.ID == 0 {
			r.first = c
		}
		shifts, err := r.g.Reschedule(c)
		if err != nil {
			b.Fatal(err)
		}
		if len(shifts) > most {
			r.widest, most = c, len(shifts)
		}
	}
	return r
}

func BenchmarkNew(b *testing.B) {
	r := newBenchRoadmap(b, true)
	for b.Loop() {
		if _, err := schedule.New(r.tasks, r.deps); err != nil {
			b.Fatal(err)
		}
	}
}

// Growing the same graph one dependency at a time, each checked for a cycle as a user's edit
// would be, in an order that often runs against the topological order kept so far.
func BenchmarkAddDependencyAll(b *testing.B) {
	r := newBenchRoadmap(b, true)
	for b.Loop() {
		g := mustNew(b, r.tasks, nil)
		for _, d := range r.deps {
			if err := g.AddDependency(d); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkCriticalPath(b *testing.B) {
	r := newBenchRoadmap(b, true)
	var cp schedule.CriticalPath
	for b.Loop() {
		cp = r.g.CriticalPath()
	}
	b.ReportMetric(float64(len(cp.IDs)), "path-tasks")
}

func BenchmarkConflicts(b *testing.B) {
	for _, bc := range []struct {
		name       string
		consistent bool
	}{
		{"none", true},
		{"random-dates", false},
	} {
		b.Run(bc.name, func(b *testing.B) {
			r := newBenchRoadmap(b, bc.consistent)
			var cs []schedule.Conflict
			for b.Loop() {
				cs = r.g.Conflicts()
			}
			b.ReportMetric(float64(len(cs)), "conflicts")
		})
	}
}

func BenchmarkReschedule(b *testing.B) {
	r := newBenchRoadmap(b, true)
	for _, bc := range []struct {
		name string
		slip schedule.Change
	}{
		{"first", r.first},
		{"widest", r.widest},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var shifts []schedule.Shift
			for b.Loop() {
				var err error
				if shifts, err = r.g.Reschedule(bc.slip); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(shifts)), "shifts")
		})
	}
}

// The target: the critical path, then a 10-day slip of an early task previewed, taking the
// early task whose slip moves the most.
func BenchmarkCriticalPathAndSlip(b *testing.B) {
	r := newBenchRoadmap(b, true)
	var shifts []schedule.Shift
	for b.Loop() {
		r.g.CriticalPath()
		var err error
		if shifts, err = r.g.Reschedule(r.widest); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(shifts)), "shifts")
}
