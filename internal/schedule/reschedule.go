package schedule

import (
	"errors"
	"fmt"
	"github.com/lodestar-cx/lodestar/internal/civil"
)

// Change is a user's edit of one task's dates.
type Change struct {
	ID int64
	// Start is the new start; zero keeps the current one, so a change of Due alone stretches or
	// shortens the task.
	Start civil.Date
	// Due is the new due date; it is required.
	Due civil.Date
}

// Shift is one task's move in a preview: the changed task itself, or a dependent pushed later.
type Shift struct {
	ID               int64
	OldStart, OldDue civil.Date
	NewStart, NewDue civil.Date
	// Days is how many days the task moved later: for a pushed dependent, start and due both;
	// for the changed task, its due (negative when it moved earlier, zero when it had none).
	Days int
}

// Reschedule previews a change without making it: the changed task's own shift first, then the
// dependents it pushes, in dependency order. Each dependent it reaches through a prerequisite
// that moved later starts no earlier than the day after every prerequisite is due, moving by the
// least number of days that achieves it and keeping its duration; tasks that need not move do
// not, and tasks that are not downstream of the change are left alone, even if they conflict.
// It takes O(V + E) time. The changed task takes
// the dates given even if they conflict with its own prerequisites: the user asked for them,
// and Conflicts will say so. A change that alters nothing returns no shifts.
//
// Pass the result to Apply to make it, and persist it as the caller's own store sees fit.
func (g *Graph) Reschedule(c Change) ([]Shift, error) {
	i, ok := g.index[c.ID]
	if !ok {
		return nil, &TaskError{ID: c.ID, Err: ErrUnknownTask}
	}
	if c.Due.IsZero() {
		return nil, &TaskError{ID: c.ID, Err: fmt.Errorf("%w: the new due date is missing", ErrInvalidDates)}
	}
	old := g.tasks[i]
	start := c.Start
	if start.IsZero() {
		start = old.Start
	}
	if err := checkDates(start, c.Due); err != nil {
		return nil, &TaskError{ID: c.ID, Err: err}
	}
	if start == old.Start && c.Due == old.Due {
		return nil, nil
	}
	own := Shift{ID: c.ID, OldStart: old.Start, OldDue: old.Due, NewStart: start, NewDue: c.Due}
	if !old.Due.IsZero() {
		own.Days = c.Due.DaysSince(old.Due)
	}
	shifts := []Shift{own}

	if start.IsZero() {
		// Still undated: it passes on what it did before, so nothing downstream changes.
		return shifts, nil
	}
	finish := g.finishes()
	if due := c.Due.EpochDays(); due > finish[i] {
		finish[i] = due
	} else {
		return shifts, nil // earlier (or no later): dependents stay put
	}

	// Walk the order from the changed task on, visiting only tasks with a prerequisite that
	// moved later; everything before it in the order cannot be downstream.
	touched := make([]bool, len(g.tasks))
	for _, w := range g.out[i] {
		touched[w] = true
	}
	for _, v := range g.order[g.ord[i]+1:] {
		if !touched[v] {
			continue
		}
		m := noDay
		for _, p := range g.in[v] {
			m = max(m, finish[p])
		}
		if g.dated[v] {
			days := m + 1 - g.start[v]
			if days <= 0 {
				continue
			}
			t := g.tasks[v]
			shifts = append(shifts, Shift{
				ID: t.ID, OldStart: t.Start, OldDue: t.Due,
				NewStart: t.Start.AddDays(days), NewDue: t.Due.AddDays(days), Days: days,
			})
			finish[v] = g.due[v] + days
		} else {
			if m <= finish[v] {
				continue
			}
			finish[v] = m
		}
		for _, w := range g.out[v] {
			touched[w] = true
		}
	}
	return shifts, nil
}

// finishes returns, for each task, the day its dependents wait for: its due if it is dated, else
// the latest such day among its prerequisites (noDay if none).
func (g *Graph) finishes() []int {
	finish := make([]int, len(g.tasks))
	for _, v := range g.order {
		if g.dated[v] {
			finish[v] = g.due[v]
			continue
		}
		m := noDay
		for _, p := range g.in[v] {
			m = max(m, finish[p])
		}
		finish[v] = m
	}
	return finish
}

// Apply makes the shifts of a preview. It refuses, changing nothing, if a task is unknown, listed
// twice, or no longer has the dates the preview started from (ErrStale), so a preview computed
// before another edit cannot overwrite it. Apply sets dates; it does not check them against
// dependencies, which is Reschedule's work.
func (g *Graph) Apply(shifts []Shift) error {
	seen := make(map[int64]bool, len(shifts))
	for _, s := range shifts {
		i, ok := g.index[s.ID]
		if !ok {
			return &TaskError{ID: s.ID, Err: ErrUnknownTask}
		}
		if seen[s.ID] {
			return &TaskError{ID: s.ID, Err: errors.New("shifted twice")}
		}
		seen[s.ID] = true
		if t := g.tasks[i]; t.Start != s.OldStart || t.Due != s.OldDue {
			return &TaskError{ID: s.ID, Err: ErrStale}
		}
		if err := checkDates(s.NewStart, s.NewDue); err != nil {
			return &TaskError{ID: s.ID, Err: err}
		}
	}
	for _, s := range shifts {
		g.setDates(g.index[s.ID], s.NewStart, s.NewDue)
	}
	return nil
}
