package schedule_test

import (
	"github.com/lodestar-cx/lodestar/internal/civil"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/lodestar-cx/lodestar/internal/schedule"
)

// mar returns a day of March 2026, the month most hand-made cases live in.
func mar(day int) civil.Date { return civil.Date{Year: 2026, Month: time.March, Day: day} }

// date returns a day of 2026.
func date(m time.Month, day int) civil.Date { return civil.Date{Year: 2026, Month: m, Day: day} }

// task returns a task; zero dates are unset.
func task(id int64, start, due civil.Date) schedule.Task {
	return schedule.Task{ID: id, Start: start, Due: due}
}

// dep returns "b depends on a".
func dep(a, b int64) schedule.Dependency { return schedule.Dependency{Prerequisite: a, Dependent: b} }

func mustNew(t testing.TB, tasks []schedule.Task, deps []schedule.Dependency) *schedule.Graph {
	t.Helper()
	g, err := schedule.New(tasks, deps)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return g
}

// roadmap returns n tasks (ids 1..n) and m dependencies forming a random DAG, the same for the
// same seed. Each task gets a hidden rank from a shuffle, and dependencies run from a lower rank
// to a higher one, so the input order is not a topological order. One task in twenty is undated
// (half of those keep a due date). With consistent dates, each dated task starts 0–3 days after
// its latest prerequisite (through undated ones) is due, so there are no conflicts and a slip
// travels far; otherwise dates are random within a year and conflicts abound. Durations run
// 1–20 days. byRank lists the ids in rank order, a topological order.
func roadmap(seed uint64, n, m int, consistent bool) (tasks []schedule.Task, deps []schedule.Dependency, byRank []int64) {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	perm := r.Perm(n) // perm[k] is the index of the task of rank k
	byRank = make([]int64, n)
	for k, i := range perm {
		byRank[k] = int64(i + 1)
	}
	m = min(m, n*(n-1)/2)
	type pair struct{ a, b int }
	seen := make(map[pair]bool, m)
	deps = make([]schedule.Dependency, 0, m)
	prereqs := make([][]int, n) // by rank
	for len(deps) < m {
		a, b := r.IntN(n), r.IntN(n)
		if a == b || seen[pair{a, b}] || seen[pair{b, a}] {
			continue
		}
		if a > b {
			a, b = b, a
		}
		seen[pair{a, b}] = true
		prereqs[b] = append(prereqs[b], a)
		deps = append(deps, dep(byRank[a], byRank[b]))
	}

	jan1 := civil.Date{Year: 2026, Month: time.January, Day: 1}
	tasks = make([]schedule.Task, n)
	finish := make([]int, n) // by rank: days from jan1 dependents wait for, -1 if none
	for k := range n {
		id := byRank[k]
		ready := -1
		for _, a := range prereqs[k] {
			ready = max(ready, finish[a])
		}
		if r.IntN(20) == 0 {
			tasks[id-1] = schedule.Task{ID: id}
			if r.IntN(2) == 0 {
				tasks[id-1].Due = jan1.AddDays(r.IntN(365))
			}
			finish[k] = ready
			continue
		}
		start := r.IntN(365)
		if consistent && ready >= 0 {
			start = ready + 1 + r.IntN(4)
		}
		due := start + r.IntN(20)
		tasks[id-1] = task(id, jan1.AddDays(start), jan1.AddDays(due))
		finish[k] = due
	}
	return tasks, deps, byRank
}

// effectivePrereqs returns, by brute force, the dated tasks each dated task waits for: its dated
// prerequisites and those reached through undated ones.
func effectivePrereqs(tasks []schedule.Task, deps []schedule.Dependency) map[int64][]int64 {
	w := newWaits(tasks, deps)
	eff := make(map[int64][]int64)
	for _, t := range tasks {
		if t.Dated() {
			eff[t.ID] = w.on(t.ID)
		}
	}
	return eff
}

// waits answers, by brute force, which dated tasks a task waits for.
type waits struct {
	byID map[int64]schedule.Task
	in   map[int64][]int64
}

func newWaits(tasks []schedule.Task, deps []schedule.Dependency) waits {
	w := waits{byID: make(map[int64]schedule.Task, len(tasks)), in: make(map[int64][]int64)}
	for _, t := range tasks {
		w.byID[t.ID] = t
	}
	for _, d := range deps {
		w.in[d.Dependent] = append(w.in[d.Dependent], d.Prerequisite)
	}
	return w
}

// on returns the dated prerequisites of id, direct or through undated tasks.
func (w waits) on(id int64) []int64 {
	var ids []int64
	seen := map[int64]bool{}
	stack := append([]int64(nil), w.in[id]...)
	for len(stack) > 0 {
		p := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[p] {
			continue
		}
		seen[p] = true
		if w.byID[p].Dated() {
			ids = append(ids, p)
		} else {
			stack = append(stack, w.in[p]...)
		}
	}
	return ids
}

// downstream returns the tasks reachable from id along dependencies.
func downstream(deps []schedule.Dependency, id int64) map[int64]bool {
	out := make(map[int64][]int64)
	for _, d := range deps {
		out[d.Prerequisite] = append(out[d.Prerequisite], d.Dependent)
	}
	seen := map[int64]bool{}
	stack := []int64{id}
	for len(stack) > 0 {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, w := range out[v] {
			if !seen[w] {
				seen[w] = true
				stack = append(stack, w)
			}
		}
	}
	return seen
}

// lastDue returns the latest due date of the dated tasks.
func lastDue(tasks []schedule.Task) civil.Date {
	var end civil.Date
	for _, t := range tasks {
		if t.Dated() && t.Due.Compare(end) > 0 {
			end = t.Due
		}
	}
	return end
}

// newRand returns a seeded source, so every random test repeats exactly.
func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0xda7e)) }
