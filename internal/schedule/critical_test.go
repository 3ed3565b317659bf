package schedule_test

import (
	"github.com/lodestar-cx/lodestar/internal/civil"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/lodestar-cx/lodestar/internal/schedule"
)

func TestCriticalPath(t *testing.T) {
	none := civil.Date{}
	tests := []struct {
		name  string
		tasks []schedule.Task
		deps  []schedule.Dependency
		want  schedule.CriticalPath
	}{
		{
			name:  "empty",
			tasks: nil,
			want:  schedule.CriticalPath{},
		},
		{
			name:  "nothing dated",
			tasks: undated(1, 2),
			deps:  []schedule.Dependency{dep(1, 2)},
			want:  schedule.CriticalPath{},
		},
		{
			name:  "one task",
			tasks: []schedule.Task{task(1, mar(2), mar(4))},
			want:  schedule.CriticalPath{IDs: []int64{1}, Start: mar(2), End: mar(4), Span: 3, Duration: 3, Slack: map[int64]int{1: 0}},
		},
		{
			name:  "back-to-back chain",
			tasks: []schedule.Task{task(3, mar(11), mar(12)), task(2, mar(4), mar(10)), task(1, mar(1), mar(3))},
			deps:  []schedule.Dependency{dep(2, 3), dep(1, 2)},
			want: schedule.CriticalPath{
				IDs: []int64{1, 2, 3}, Start: mar(1), End: mar(12), Span: 12, Duration: 12,
				Slack: map[int64]int{1: 0, 2: 0, 3: 0},
			},
		},
		{
			// 1 → {2, 3} → 4: 3 ends on the 5th, 4 starts on the 11th.
			name:  "diamond",
			tasks: []schedule.Task{task(1, mar(1), mar(2)), task(2, mar(3), mar(10)), task(3, mar(3), mar(5)), task(4, mar(11), mar(12))},
			deps:  []schedule.Dependency{dep(1, 2), dep(1, 3), dep(2, 4), dep(3, 4)},
			want: schedule.CriticalPath{
				IDs: []int64{1, 2, 4}, Start: mar(1), End: mar(12), Span: 12, Duration: 12,
				Slack: map[int64]int{1: 0, 2: 0, 3: 5, 4: 0},
			},
		},
		{
			name:  "parallel chains",
			tasks: []schedule.Task{task(1, mar(1), mar(5)), task(2, mar(6), mar(10)), task(3, mar(1), mar(3)), task(4, mar(4), mar(6))},
			deps:  []schedule.Dependency{dep(1, 2), dep(3, 4)},
			want: schedule.CriticalPath{
				IDs: []int64{1, 2}, Start: mar(1), End: mar(10), Span: 10, Duration: 10,
				Slack: map[int64]int{1: 0, 2: 0, 3: 4, 4: 4},
			},
		},
		{
			// What ends the roadmap is 2, which waits for 1 across seven weeks; 3 is the
			// longest work, but nothing waits for it.
			name: "across a gap",
			tasks: []schedule.Task{
				task(1, date(time.January, 1), date(time.January, 10)),
				task(2, mar(1), mar(5)),
				task(3, date(time.January, 1), date(time.January, 20)),
			},
			deps: []schedule.Dependency{dep(1, 2)},
			want: schedule.CriticalPath{
				IDs: []int64{1, 2}, Start: date(time.January, 1), End: mar(5), Span: 64, Duration: 15,
				Slack: map[int64]int{1: 49, 2: 0, 3: 44},
			},
		},
		{
			name:  "a one-day gap",
			tasks: []schedule.Task{task(1, mar(1), mar(3)), task(2, mar(5), mar(6))},
			deps:  []schedule.Dependency{dep(1, 2)},
			want:  schedule.CriticalPath{IDs: []int64{1, 2}, Start: mar(1), End: mar(6), Span: 6, Duration: 5, Slack: map[int64]int{1: 1, 2: 0}},
		},
		{
			// 3 waits for 1 (ten days, due on the 10th) and 2 (three days, due on the 14th):
			// 2 is what holds it back.
			name:  "the prerequisite due last, not the longest",
			tasks: []schedule.Task{task(1, mar(1), mar(10)), task(2, mar(12), mar(14)), task(3, mar(16), mar(20))},
			deps:  []schedule.Dependency{dep(1, 3), dep(2, 3)},
			want: schedule.CriticalPath{
				IDs: []int64{2, 3}, Start: mar(12), End: mar(20), Span: 9, Duration: 8,
				Slack: map[int64]int{1: 5, 2: 1, 3: 0},
			},
		},
		{
			// 5 has no dates and 6 only a due date: both pass 1's due on to 2.
			name: "undated tasks in the middle",
			tasks: []schedule.Task{
				task(1, mar(1), mar(5)), task(5, none, none), task(6, none, mar(20)),
				task(2, mar(6), mar(8)), task(3, mar(1), mar(7)),
			},
			deps: []schedule.Dependency{dep(1, 5), dep(5, 6), dep(6, 2)},
			want: schedule.CriticalPath{
				IDs: []int64{1, 2}, Start: mar(1), End: mar(8), Span: 8, Duration: 8,
				Slack: map[int64]int{1: 0, 2: 0, 3: 1},
			},
		},
		{
			// 2 starts before 1 is due; analysed where Reschedule would put it, 6 to 7 March.
			name:  "a conflict is analysed as resolved",
			tasks: []schedule.Task{task(1, mar(1), mar(5)), task(2, mar(3), mar(4)), task(3, mar(1), mar(6))},
			deps:  []schedule.Dependency{dep(1, 2)},
			want: schedule.CriticalPath{
				IDs: []int64{1, 2}, Start: mar(1), End: mar(7), Span: 7, Duration: 7,
				Slack: map[int64]int{1: 0, 2: 0, 3: 1},
			},
		},
		{
			// 3 (via 1 or 2) and 4 all end on the 10th after ten days: the smaller ids win.
			name:  "ties go to the smaller ids",
			tasks: []schedule.Task{task(4, mar(1), mar(10)), task(2, mar(1), mar(5)), task(1, mar(1), mar(5)), task(3, mar(6), mar(10))},
			deps:  []schedule.Dependency{dep(2, 3), dep(1, 3)},
			want: schedule.CriticalPath{
				IDs: []int64{1, 3}, Start: mar(1), End: mar(10), Span: 10, Duration: 10,
				Slack: map[int64]int{1: 0, 2: 0, 3: 0, 4: 0},
			},
		},
		{
			// 2 and 3 both end the roadmap; the chain through 2 is longer.
			name:  "the longest of the chains that end last",
			tasks: []schedule.Task{task(1, mar(1), mar(4)), task(2, mar(5), mar(10)), task(3, mar(6), mar(10))},
			deps:  []schedule.Dependency{dep(1, 2)},
			want: schedule.CriticalPath{
				IDs: []int64{1, 2}, Start: mar(1), End: mar(10), Span: 10, Duration: 10,
				Slack: map[int64]int{1: 0, 2: 0, 3: 0},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := mustNew(t, tt.tasks, tt.deps)
			if diff := cmp.Diff(tt.want, g.CriticalPath()); diff != "" {
				t.Errorf("CriticalPath() (-want +got):\n%s", diff)
			}
		})
	}
}

// On random conflict-free roadmaps, the critical path ends the roadmap and walks back through
// the prerequisites due last; and slack means what it says: a slip of exactly that many days
// keeps the end, one more day moves it.
func TestCriticalPathProperties(t *testing.T) {
	for seed := range uint64(30) {
		tasks, deps, _ := roadmap(seed, 150, 300, true)
		g := mustNew(t, tasks, deps)
		cp := g.CriticalPath()
		end := lastDue(tasks)
		if cp.End != end {
			t.Fatalf("seed %d: CriticalPath().End = %v, want the last due date %v", seed, cp.End, end)
		}
		eff := effectivePrereqs(tasks, deps)
		byID := make(map[int64]schedule.Task)
		for _, tk := range tasks {
			byID[tk.ID] = tk
		}
		duration := 0
		for i, id := range cp.IDs {
			tk := byID[id]
			duration += tk.Due.DaysSince(tk.Start) + 1
			var latest civil.Date // of tk's prerequisites
			for _, p := range eff[id] {
				if d := byID[p].Due; d.Compare(latest) > 0 {
					latest = d
				}
			}
			if i == 0 {
				if tk.Start != cp.Start || !latest.IsZero() {
					t.Errorf("seed %d: path starts with %v, waiting until %v; want Start %v and no prerequisite", seed, tk, latest, cp.Start)
				}
				continue
			}
			if prev := byID[cp.IDs[i-1]]; !contains(eff[id], prev.ID) || prev.Due != latest {
				t.Errorf("seed %d: path step %v → %v: want the prerequisite due last (%v)", seed, prev, tk, latest)
			}
		}
		if last := cp.IDs[len(cp.IDs)-1]; byID[last].Due != end || cp.Slack[last] != 0 {
			t.Errorf("seed %d: path ends with %v, slack %d; want due %v, slack 0", seed, byID[last], cp.Slack[last], end)
		}
		if duration != cp.Duration || cp.Span != cp.End.DaysSince(cp.Start)+1 {
			t.Errorf("seed %d: Duration %d, Span %d; want %d, %d", seed, cp.Duration, cp.Span, duration, cp.End.DaysSince(cp.Start)+1)
		}

		for _, tk := range tasks {
			if !tk.Dated() {
				if _, ok := cp.Slack[tk.ID]; ok {
					t.Errorf("seed %d: undated task %d has slack", seed, tk.ID)
				}
				continue
			}
			s, ok := cp.Slack[tk.ID]
			if !ok || s < 0 {
				t.Fatalf("seed %d: Slack[%d] = %d, %v; want a value ≥ 0", seed, tk.ID, s, ok)
			}
			for _, slip := range []int{s, s + 1} {
				shifts, err := g.Reschedule(schedule.Change{ID: tk.ID, Due: tk.Due.AddDays(slip)})
				if err != nil {
					t.Fatal(err)
				}
				newEnd := end
				for _, sh := range shifts {
					if sh.NewDue.Compare(newEnd) > 0 {
						newEnd = sh.NewDue
					}
				}
				want := end
				if slip > s {
					want = end.AddDays(1)
				}
				if newEnd != want {
					t.Errorf("seed %d: slipping %d (slack %d) by %d ends the roadmap on %v, want %v", seed, tk.ID, s, slip, newEnd, want)
				}
			}
		}
	}
}

func contains(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

func TestConflicts(t *testing.T) {
	none := civil.Date{}
	tests := []struct {
		name  string
		tasks []schedule.Task
		deps  []schedule.Dependency
		want  []schedule.Conflict
	}{
		{
			name:  "starting the day after is fine",
			tasks: []schedule.Task{task(1, mar(1), mar(5)), task(2, mar(6), mar(8))},
			deps:  []schedule.Dependency{dep(1, 2)},
		},
		{
			name:  "starting the same day is a conflict",
			tasks: []schedule.Task{task(1, mar(1), mar(5)), task(2, mar(5), mar(8))},
			deps:  []schedule.Dependency{dep(1, 2)},
			want:  []schedule.Conflict{{Prerequisite: 1, Dependent: 2, Days: 1}},
		},
		{
			name:  "overlap",
			tasks: []schedule.Task{task(1, mar(1), mar(10)), task(2, mar(3), mar(8))},
			deps:  []schedule.Dependency{dep(1, 2)},
			want:  []schedule.Conflict{{Prerequisite: 1, Dependent: 2, Days: 8}},
		},
		{
			name:  "through undated tasks",
			tasks: []schedule.Task{task(1, mar(1), mar(10)), task(5, none, none), task(6, none, mar(2)), task(2, mar(3), mar(8))},
			deps:  []schedule.Dependency{dep(1, 5), dep(5, 6), dep(6, 2)},
			want:  []schedule.Conflict{{Prerequisite: 1, Dependent: 2, Via: []int64{5, 6}, Days: 8}},
		},
		{
			name:  "through the fewest undated tasks",
			tasks: []schedule.Task{task(1, mar(1), mar(10)), task(5, none, none), task(6, none, none), task(7, none, none), task(2, mar(3), mar(8))},
			deps:  []schedule.Dependency{dep(1, 5), dep(5, 6), dep(6, 2), dep(1, 7), dep(7, 2)},
			want:  []schedule.Conflict{{Prerequisite: 1, Dependent: 2, Via: []int64{7}, Days: 8}},
		},
		{
			name:  "a direct dependency is reported once, without Via",
			tasks: []schedule.Task{task(5, none, none), task(1, mar(1), mar(10)), task(2, mar(3), mar(8))},
			deps:  []schedule.Dependency{dep(1, 5), dep(5, 2), dep(1, 2)},
			want:  []schedule.Conflict{{Prerequisite: 1, Dependent: 2, Days: 8}},
		},
		{
			// 7 has only a start, 8 only a due: neither is dated, so neither conflicts.
			name:  "undated tasks never conflict",
			tasks: []schedule.Task{task(1, mar(1), mar(10)), task(7, mar(1), none), task(8, none, mar(2)), task(2, mar(3), mar(8))},
			deps:  []schedule.Dependency{dep(1, 8), dep(7, 2)},
		},
		{
			name: "sorted by dependent, then prerequisite",
			tasks: []schedule.Task{
				task(9, mar(1), mar(9)), task(4, mar(1), mar(4)),
				task(3, mar(2), mar(5)), task(1, mar(3), mar(10)),
			},
			deps: []schedule.Dependency{dep(9, 3), dep(4, 3), dep(9, 1), dep(3, 1)},
			want: []schedule.Conflict{
				{Prerequisite: 3, Dependent: 1, Days: 3},
				{Prerequisite: 9, Dependent: 1, Days: 7},
				{Prerequisite: 4, Dependent: 3, Days: 3},
				{Prerequisite: 9, Dependent: 3, Days: 8},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := mustNew(t, tt.tasks, tt.deps)
			if diff := cmp.Diff(tt.want, g.Conflicts(), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Conflicts() (-want +got):\n%s", diff)
			}
		})
	}
}

// On random roadmaps, Conflicts agrees with a brute-force check of every waiting pair.
func TestConflictsMatchBruteForce(t *testing.T) {
	for seed := range uint64(20) {
		tasks, deps, _ := roadmap(seed, 200, 500, false)
		g := mustNew(t, tasks, deps)
		byID := make(map[int64]schedule.Task)
		for _, tk := range tasks {
			byID[tk.ID] = tk
		}
		var want []schedule.Conflict
		eff := effectivePrereqs(tasks, deps)
		for _, d := range tasks {
			for _, p := range eff[d.ID] {
				if days := byID[p].Due.DaysSince(d.Start) + 1; days > 0 {
					want = append(want, schedule.Conflict{Prerequisite: p, Dependent: d.ID, Days: days})
				}
			}
		}
		got := g.Conflicts()
		ignoreVia := cmpopts.IgnoreFields(schedule.Conflict{}, "Via")
		sortConflicts := cmpopts.SortSlices(func(a, b schedule.Conflict) bool {
			return a.Dependent < b.Dependent || a.Dependent == b.Dependent && a.Prerequisite < b.Prerequisite
		})
		if diff := cmp.Diff(want, got, ignoreVia, sortConflicts, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("seed %d: Conflicts() (-brute force +got):\n%s", seed, diff)
		}
		if len(got) == 0 {
			t.Errorf("seed %d: no conflicts among random dates; the test tests nothing", seed)
		}
	}
}
