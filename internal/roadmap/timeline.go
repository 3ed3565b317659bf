package roadmap

import (
	"errors"
	"fmt"
	"strings"

	"github.com/lodestar-cx/lodestar/internal/civil"
	"github.com/lodestar-cx/lodestar/internal/fault"
	"github.com/lodestar-cx/lodestar/internal/schedule"
)

// Plan is what a workspace's timeline is computed from: every initiative's title and dates,
// and every dependency.
type Plan struct {
	Items []PlanItem
	Deps  []Dependency
}

// PlanItem is an initiative as the timeline sees it.
type PlanItem struct {
	ID         int64
	Title      string
	Start, Due civil.Date
}

// Graph builds the plan's dependency graph.
func (p Plan) Graph() (*schedule.Graph, error) {
	tasks := make([]schedule.Task, len(p.Items))
	for i, it := range p.Items {
		tasks[i] = schedule.Task{ID: it.ID, Start: it.Start, Due: it.Due}
	}
	deps := make([]schedule.Dependency, len(p.Deps))
	for i, d := range p.Deps {
		deps[i] = schedule.Dependency{Prerequisite: d.PrerequisiteID, Dependent: d.DependentID}
	}
	return schedule.New(tasks, deps)
}

func (p Plan) titles() map[int64]string {
	m := make(map[int64]string, len(p.Items))
	for _, it := range p.Items {
		m[it.ID] = it.Title
	}
	return m
}

// CheckNew refuses a dependency that would close a cycle, spelling the cycle out by title
// ("Live chat → Chatbot → Live chat"), or that exists already.
func (p Plan) CheckNew(d DependencyInput) error {
	g, err := p.Graph()
	if err != nil {
		return err
	}
	err = g.AddDependency(schedule.Dependency{Prerequisite: d.PrerequisiteID, Dependent: d.DependentID})
	var ce *schedule.CycleError
	switch {
	case errors.As(err, &ce):
		titles := p.titles()
		names := make([]string, len(ce.IDs))
		for i, id := range ce.IDs {
			names[i] = fmt.Sprintf("%q (%d)", titles[id], id)
		}
		return fault.Invalid("dependent_id", "this dependency would make a cycle: %s", strings.Join(names, " → "))
	case errors.Is(err, schedule.ErrDuplicateDependency):
		return fault.Invalid("dependent_id", "this dependency exists already")
	case errors.Is(err, schedule.ErrSelfDependency):
		return fault.Invalid("dependent_id", "an initiative cannot depend on itself")
	}
	return err
}

// Timeline is the schedule of a workspace's dated initiatives.
type Timeline struct {
	CriticalPath []int64      `json:"critical_path" jsonschema_description:"The dated initiatives that decide when the roadmap ends, in order."`
	Start        civil.Date   `json:"start,omitzero"`
	End          civil.Date   `json:"end,omitzero"`
	Span         int          `json:"span_days" jsonschema_description:"Days from the path's start to its end, both counted."`
	Duration     int          `json:"duration_days" jsonschema_description:"The sum of the durations of the initiatives on the path."`
	Slack        []Slack      `json:"slack" jsonschema_description:"How many days each dated initiative can slip before the end moves."`
	Conflicts    []Conflict   `json:"conflicts" jsonschema_description:"Dependencies whose dates overlap: the dependent starts before the prerequisite is done."`
	Dependencies []Dependency `json:"dependencies"`
}

// Slack is one initiative's room to slip.
type Slack struct {
	InitiativeID int64 `json:"initiative_id"`
	Days         int   `json:"days"`
}

// Conflict is a dependency whose dates overlap.
type Conflict struct {
	PrerequisiteID int64   `json:"prerequisite_id"`
	DependentID    int64   `json:"dependent_id"`
	Via            []int64 `json:"via,omitempty" jsonschema_description:"Undated initiatives the dependency runs through."`
	Days           int     `json:"days" jsonschema_description:"How far the dependent must move later."`
}

// Timeline computes the critical path, slack and conflicts of the plan.
func (p Plan) Timeline() (Timeline, error) {
	g, err := p.Graph()
	if err != nil {
		return Timeline{}, err
	}
	cp := g.CriticalPath()
	t := Timeline{CriticalPath: cp.IDs, Start: cp.Start, End: cp.End, Span: cp.Span, Duration: cp.Duration,
		Slack: []Slack{}, Conflicts: []Conflict{}, Dependencies: p.Deps}
	if t.CriticalPath == nil {
		t.CriticalPath = []int64{}
	}
	if t.Dependencies == nil {
		t.Dependencies = []Dependency{}
	}
	for _, it := range p.Items {
		if days, ok := cp.Slack[it.ID]; ok {
			t.Slack = append(t.Slack, Slack{InitiativeID: it.ID, Days: days})
		}
	}
	for _, c := range g.Conflicts() {
		t.Conflicts = append(t.Conflicts, Conflict{PrerequisiteID: c.Prerequisite, DependentID: c.Dependent, Via: c.Via, Days: c.Days})
	}
	return t, nil
}

// ConflictIDs is the set of initiatives that are the dependent of a conflict.
func (t Timeline) ConflictIDs() map[int64]bool {
	m := map[int64]bool{}
	for _, c := range t.Conflicts {
		m[c.DependentID] = true
	}
	return m
}

// Move is a user's change of one initiative's dates, for a reschedule.
type Move struct {
	StartDate civil.Date `json:"start_date,omitzero" jsonschema_description:"The new start; the current one when absent, so the initiative stretches or shrinks."`
	DueDate   civil.Date `json:"due_date"`
	// Expect, on apply, is the preview the caller saw; when the plan has changed since, so that
	// the shifts would differ, nothing is applied.
	Expect []Shift `json:"expect,omitempty" jsonschema_description:"On apply: the shifts of the preview; the apply is refused if they no longer hold."`
}

// Validate reports each field at fault.
func (m *Move) Validate() error {
	var v fault.Validation
	v.Check(!m.DueDate.IsZero(), "due_date", "is required")
	checkDates(&v, m.StartDate, m.DueDate)
	return v.Err()
}

// Shift is one initiative's move in a reschedule.
type Shift struct {
	InitiativeID int64      `json:"initiative_id"`
	Title        string     `json:"title"`
	OldStart     civil.Date `json:"old_start,omitzero"`
	OldDue       civil.Date `json:"old_due,omitzero"`
	NewStart     civil.Date `json:"new_start,omitzero"`
	NewDue       civil.Date `json:"new_due,omitzero"`
	Days         int        `json:"days" jsonschema_description:"How many days it moves later (for the initiative changed, how far its due date moves)."`
}

// Reschedule previews moving initiative id: its own shift first, then every dependent it
// pushes later, in dependency order.
func (p Plan) Reschedule(id int64, m Move) ([]Shift, error) {
	g, err := p.Graph()
	if err != nil {
		return nil, err
	}
	raw, err := g.Reschedule(schedule.Change{ID: id, Start: m.StartDate, Due: m.DueDate})
	var te *schedule.TaskError
	if errors.As(err, &te) && errors.Is(err, schedule.ErrInvalidDates) {
		return nil, fault.Invalid("due_date", "must not be before the start date")
	}
	if err != nil {
		return nil, err
	}
	titles := p.titles()
	shifts := make([]Shift, len(raw))
	for i, s := range raw {
		shifts[i] = Shift{InitiativeID: s.ID, Title: titles[s.ID], OldStart: s.OldStart, OldDue: s.OldDue,
			NewStart: s.NewStart, NewDue: s.NewDue, Days: s.Days}
	}
	return shifts, nil
}
