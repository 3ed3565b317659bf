// Package roadmap owns the initiatives of a CX roadmap: what they are, where they sit on the
// horizons, how they score under the workspace's framework, who is responsible, accountable or
// participating, and which wait for which. Scores come from package priority and timelines from
// package schedule; this package stores nothing itself.
package roadmap

import (
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lodestar-cx/lodestar/internal/civil"
	"github.com/lodestar-cx/lodestar/internal/fault"
	"github.com/lodestar-cx/lodestar/internal/priority"
)

// Horizon is when an initiative is meant to land.
type Horizon string

// The horizons.
const (
	Short Horizon = "short"
	Mid   Horizon = "mid"
	Long  Horizon = "long"
)

// Status is where an initiative stands.
type Status string

// The statuses.
const (
	Idea       Status = "idea"
	Planned    Status = "planned"
	InProgress Status = "in_progress"
	Done       Status = "done"
	Dropped    Status = "dropped"
)

// Initiative is one item of the roadmap.
type Initiative struct {
	ID          int64           `json:"id"`
	WorkspaceID int64           `json:"workspace_id"`
	Title       string          `json:"title"`
	Description string          `json:"description"`
	Horizon     Horizon         `json:"horizon" jsonschema:"enum=short,enum=mid,enum=long"`
	Status      Status          `json:"status" jsonschema:"enum=idea,enum=planned,enum=in_progress,enum=done,enum=dropped"`
	StartDate   civil.Date      `json:"start_date,omitzero"`
	DueDate     civil.Date      `json:"due_date,omitzero"`
	Inputs      priority.Inputs `json:"inputs" jsonschema_description:"The numeric fields the scoring frameworks read, such as impact, feasibility, alignment, reach, confidence, effort."`
	CreatedAt   time.Time       `json:"created_at"`
	UpdatedAt   time.Time       `json:"updated_at"`
	Version     int64           `json:"version"`
	// Key names the initiative in roadmap documents; empty until a document has named it.
	Key string `json:"-"`

	// Computed on read.
	Score       *priority.Explanation `json:"score,omitempty" jsonschema_description:"The score under the workspace's framework with its explanation; absent when an input it needs is missing."`
	ScoreError  string                `json:"score_error,omitempty" jsonschema_description:"Why there is no score."`
	Rank        int                   `json:"rank,omitempty" jsonschema_description:"The place by score within the horizon, from 1; in lists only."`
	Accountable int                   `json:"accountable" jsonschema_description:"How many are accountable: exactly one is expected."`
	Flags       []string              `json:"flags" jsonschema_description:"What needs attention: no_accountable, several_accountable, dependency_conflict, overdue, stale_check_in."`
	// KeyResults are the key results the initiative is meant to move, read with it.
	KeyResults []KeyResultLink `json:"key_results" jsonschema_description:"The key results the initiative is meant to move, with the expected effect."`
	// Touchpoints and PainPoints are the journey touchpoints and pain points it addresses.
	Touchpoints []TouchpointLink `json:"touchpoints" jsonschema_description:"The journey touchpoints the initiative is meant to improve."`
	PainPoints  []PainPointLink  `json:"pain_points" jsonschema_description:"The journey pain points the initiative is meant to relieve."`
}

// ETagVersion is the version sent as the ETag.
func (i Initiative) ETagVersion() int64 { return i.Version }

// Scored fills the score from the framework.
func (i *Initiative) Scored(f priority.Framework) {
	e, err := f.Score(i.Inputs)
	if err != nil {
		i.Score, i.ScoreError = nil, err.Error()
		return
	}
	i.Score, i.ScoreError = &e, ""
}

// InitiativeInput creates an initiative.
type InitiativeInput struct {
	Title       string          `json:"title" jsonschema:"minLength=1,maxLength=200"`
	Description string          `json:"description,omitempty" jsonschema:"maxLength=10000"`
	Horizon     Horizon         `json:"horizon" jsonschema:"enum=short,enum=mid,enum=long"`
	Status      Status          `json:"status,omitempty" jsonschema:"enum=idea,enum=planned,enum=in_progress,enum=done,enum=dropped"`
	StartDate   civil.Date      `json:"start_date,omitzero"`
	DueDate     civil.Date      `json:"due_date,omitzero"`
	Inputs      priority.Inputs `json:"inputs,omitempty"`
}

// Validate normalises the input and reports each field at fault.
func (in *InitiativeInput) Validate() error {
	var v fault.Validation
	in.Title = strings.TrimSpace(in.Title)
	v.Check(in.Title != "", "title", "must not be empty")
	v.Check(utf8.RuneCountInString(in.Title) <= 200, "title", "must be at most 200 characters")
	v.Check(utf8.RuneCountInString(in.Description) <= 10000, "description", "must be at most 10000 characters")
	switch in.Horizon {
	case Short, Mid, Long:
	default:
		v.Add("horizon", "must be short, mid or long")
	}
	if in.Status == "" {
		in.Status = Idea
	}
	checkStatus(&v, in.Status)
	checkDates(&v, in.StartDate, in.DueDate)
	if in.Inputs == nil {
		in.Inputs = priority.Inputs{}
	}
	checkInputs(&v, in.Inputs)
	return v.Err()
}

func checkStatus(v *fault.Validation, s Status) {
	switch s {
	case Idea, Planned, InProgress, Done, Dropped:
	default:
		v.Add("status", "must be idea, planned, in_progress, done or dropped")
	}
}

func checkDates(v *fault.Validation, start, due civil.Date) {
	if !start.IsZero() && !due.IsZero() {
		v.Check(!due.Before(start), "due_date", "must not be before start_date (%s)", start)
	}
}

// checkInputs accepts only the fields the frameworks know, as finite numbers; whether each is
// in its range is the framework's to say when it scores.
func checkInputs(v *fault.Validation, in priority.Inputs) {
	known := map[string]bool{}
	for _, f := range priority.Fields() {
		known[f.Name] = true
	}
	for name, x := range in {
		switch {
		case !known[name]:
			v.Add("inputs."+name, "is not a scoring field")
		case math.IsNaN(x) || math.IsInf(x, 0):
			v.Add("inputs."+name, "must be a finite number")
		}
	}
}

// InitiativeUpdate changes an initiative; absent fields stay as they are. Inputs given are
// merged into the initiative's: a field set to null is removed.
type InitiativeUpdate struct {
	Title       *string             `json:"title,omitempty" jsonschema:"minLength=1,maxLength=200"`
	Description *string             `json:"description,omitempty" jsonschema:"maxLength=10000"`
	Horizon     *Horizon            `json:"horizon,omitempty" jsonschema:"enum=short,enum=mid,enum=long"`
	Status      *Status             `json:"status,omitempty" jsonschema:"enum=idea,enum=planned,enum=in_progress,enum=done,enum=dropped"`
	StartDate   *civil.Date         `json:"start_date,omitempty"`
	DueDate     *civil.Date         `json:"due_date,omitempty"`
	Inputs      map[string]*float64 `json:"inputs,omitempty"`
}

// Apply validates the update against the initiative it changes and returns the initiative as
// it would be.
func (in *InitiativeUpdate) Apply(i Initiative) (Initiative, error) {
	full := InitiativeInput{Title: i.Title, Description: i.Description, Horizon: i.Horizon, Status: i.Status,
		StartDate: i.StartDate, DueDate: i.DueDate, Inputs: priority.Inputs{}}
	for k, v := range i.Inputs {
		full.Inputs[k] = v
	}
	if in.Title != nil {
		full.Title = *in.Title
	}
	if in.Description != nil {
		full.Description = *in.Description
	}
	if in.Horizon != nil {
		full.Horizon = *in.Horizon
	}
	if in.Status != nil {
		full.Status = *in.Status
	}
	if in.StartDate != nil {
		full.StartDate = *in.StartDate
	}
	if in.DueDate != nil {
		full.DueDate = *in.DueDate
	}
	for k, v := range in.Inputs {
		if v == nil {
			delete(full.Inputs, k)
			continue
		}
		full.Inputs[k] = *v
	}
	if err := full.Validate(); err != nil {
		return i, err
	}
	i.Title, i.Description, i.Horizon, i.Status = full.Title, full.Description, full.Horizon, full.Status
	i.StartDate, i.DueDate, i.Inputs = full.StartDate, full.DueDate, full.Inputs
	return i, nil
}

// Role is a part someone plays in an initiative.
type Role string

// The roles, after RACI (consulted and informed are both "participating").
const (
	Responsible   Role = "responsible"
	Accountable   Role = "accountable"
	Participating Role = "participating"
)

// Assignment gives a person or a team a role in an initiative.
type Assignment struct {
	ID           int64     `json:"id"`
	InitiativeID int64     `json:"initiative_id"`
	UserID       int64     `json:"user_id,omitempty"`
	TeamID       int64     `json:"team_id,omitempty"`
	Role         Role      `json:"role" jsonschema:"enum=responsible,enum=accountable,enum=participating"`
	CreatedAt    time.Time `json:"created_at"`
}

// AssignmentInput assigns a person or a team.
type AssignmentInput struct {
	UserID int64 `json:"user_id,omitempty" jsonschema_description:"A member of the workspace; give this or team_id."`
	TeamID int64 `json:"team_id,omitempty" jsonschema_description:"A team of the workspace; give this or user_id."`
	Role   Role  `json:"role" jsonschema:"enum=responsible,enum=accountable,enum=participating"`
}

// Validate reports each field at fault.
func (in *AssignmentInput) Validate() error {
	var v fault.Validation
	v.Check((in.UserID != 0) != (in.TeamID != 0), "user_id", "give either user_id or team_id")
	switch in.Role {
	case Responsible, Accountable, Participating:
	default:
		v.Add("role", "must be responsible, accountable or participating")
	}
	return v.Err()
}

// Dependency says that an initiative cannot start before another is done.
type Dependency struct {
	PrerequisiteID int64     `json:"prerequisite_id"`
	DependentID    int64     `json:"dependent_id"`
	CreatedAt      time.Time `json:"created_at"`
}

// DependencyInput adds a dependency.
type DependencyInput struct {
	PrerequisiteID int64 `json:"prerequisite_id" jsonschema:"minimum=1"`
	DependentID    int64 `json:"dependent_id" jsonschema:"minimum=1"`
}

// Validate reports each field at fault.
func (in *DependencyInput) Validate() error {
	var v fault.Validation
	v.Check(in.PrerequisiteID > 0, "prerequisite_id", "must be an initiative id")
	v.Check(in.DependentID > 0, "dependent_id", "must be an initiative id")
	v.Check(in.PrerequisiteID != in.DependentID, "dependent_id", "an initiative cannot depend on itself")
	return v.Err()
}
