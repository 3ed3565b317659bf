package roadmap

import (
	"fmt"
	"strings"

	"github.com/lodestar-cx/lodestar/internal/fault"
	"github.com/lodestar-cx/lodestar/internal/schedule"
)

// Dates given by hand must keep finish to start: a dependent starts after the day each of its
// prerequisites is due (package schedule). Setting a dependent's start on or before that day,
// or adding a dependency whose prerequisite ends on or after the dependent's start, is refused
// here. Moving a prerequisite's due date later is not: its dependents are flagged
// (FlagDependencyConflict) until a reschedule shifts them.

// CheckStart refuses the dates of initiative id, as they stand in p, when it starts on or
// before the due date of an initiative it waits for, directly or through undated ones. The
// message names the prerequisite that ends last and its due date.
func (p Plan) CheckStart(id int64) error {
	g, err := p.Graph()
	if err != nil {
		return err
	}
	var worst *schedule.Conflict
	for _, c := range g.Conflicts() {
		if c.Dependent == id && (worst == nil || c.Days > worst.Days) {
			worst = &c
		}
	}
	if worst == nil {
		return nil
	}
	items := p.items()
	pre := items[worst.Prerequisite]
	return fault.Invalid("start_date", "must be after %s, the due date of %q (%d), which this initiative waits for%s",
		pre.Due, pre.Title, pre.ID, p.via(items, worst.Via))
}

// CheckNewDates refuses the dependency d, not yet in p, when adding it would put a dependent
// before the end of what it waits for: the prerequisite (or one it waits for through undated
// initiatives) is due on or after the day the dependent (or one waiting for it through undated
// initiatives) starts. Conflicts the plan has already are not this dependency's doing and do
// not refuse it.
func (p Plan) CheckNewDates(d DependencyInput) error {
	g, err := p.Graph()
	if err != nil {
		return err
	}
	before := map[[2]int64]bool{}
	for _, c := range g.Conflicts() {
		before[[2]int64{c.Prerequisite, c.Dependent}] = true
	}
	if err := g.AddDependency(schedule.Dependency{Prerequisite: d.PrerequisiteID, Dependent: d.DependentID}); err != nil {
		return p.CheckNew(d) // a cycle or a duplicate, told as CheckNew tells it
	}
	items := p.items()
	for _, c := range g.Conflicts() {
		if before[[2]int64{c.Prerequisite, c.Dependent}] {
			continue
		}
		pre, dep := items[c.Prerequisite], items[c.Dependent]
		return fault.Invalid("prerequisite_id", "%q (%d) is due on %s, on or after the start of %q (%d) on %s%s: "+
			"the dependent must start after its prerequisite is due; change one of their dates first",
			pre.Title, pre.ID, pre.Due, dep.Title, dep.ID, dep.Start, p.via(items, c.Via))
	}
	return nil
}

func (p Plan) items() map[int64]PlanItem {
	m := make(map[int64]PlanItem, len(p.Items))
	for _, it := range p.Items {
		m[it.ID] = it
	}
	return m
}

// via tells the undated initiatives a dependency runs through, if any.
func (p Plan) via(items map[int64]PlanItem, ids []int64) string {
	if len(ids) == 0 {
		return ""
	}
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = fmt.Sprintf("%q (%d)", items[id].Title, id)
	}
	return " (through the undated " + strings.Join(names, ", ") + ")"
}
