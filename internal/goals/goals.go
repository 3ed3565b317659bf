package goals

import (
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lodestar-cx/lodestar/internal/civil"
	"github.com/lodestar-cx/lodestar/internal/fault"
)

// Level is a goal's place in the tree.
type Level string

// The levels: one vision, business goals under it, objectives under those (and under other
// objectives, to any depth).
const (
	Vision    Level = "vision"
	Business  Level = "goal"
	Objective Level = "objective"
)

// GoalStatus is where a goal stands as a commitment.
type GoalStatus string

// The goal statuses.
const (
	Draft    GoalStatus = "draft"
	Active   GoalStatus = "active"
	Achieved GoalStatus = "achieved"
	Missed   GoalStatus = "missed"
	Dropped  GoalStatus = "dropped"
)

// Goal is a node of the goal tree.
type Goal struct {
	ID          int64      `json:"id"`
	WorkspaceID int64      `json:"workspace_id"`
	ParentID    int64      `json:"parent_id,omitempty" jsonschema_description:"The goal above this one; absent for the vision."`
	Level       Level      `json:"level" jsonschema:"enum=vision,enum=goal,enum=objective"`
	Title       string     `json:"title"`
	Description string     `json:"description"`
	OwnerUserID int64      `json:"owner_user_id,omitempty"`
	OwnerTeamID int64      `json:"owner_team_id,omitempty"`
	PeriodStart civil.Date `json:"period_start,omitzero"`
	PeriodEnd   civil.Date `json:"period_end,omitzero"`
	Status      GoalStatus `json:"status" jsonschema:"enum=draft,enum=active,enum=achieved,enum=missed,enum=dropped"`
	Weight      float64    `json:"weight" jsonschema_description:"The goal's weight in its parent's progress."`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	Version     int64      `json:"version"`
	// Key names the goal in roadmap documents; empty until a document has named it.
	Key string `json:"-"`
	// Computed on read by ComputeTree.
	Progress           *float64 `json:"progress,omitempty" jsonschema_description:"Computed: the weighted mean progress of the goal's key results and of the child goals that have a progress, as a fraction (1 is on target, more is beyond it). Absent when nothing weighted below the goal measures it."`
	Expected           *float64 `json:"expected,omitempty" jsonschema_description:"Computed: the weighted mean, with the same weights, of the expected progress of the same key results and child goals today. Absent with progress."`
	Pace               Status   `json:"pace,omitempty" jsonschema:"enum=on_track,enum=at_risk,enum=off_track" jsonschema_description:"Computed: progress against expected progress; on track at 0.95 of it or more, at risk from 0.75, off track below. Absent with progress."`
	KeyResultsRolledUp int      `json:"key_results_rolled_up" jsonschema_description:"Computed: how many of the goal's own key results count in its progress (those with a weight above 0)."`
	ChildrenRolledUp   int      `json:"children_rolled_up" jsonschema_description:"Computed: how many child goals count in its progress (those with a progress and a weight above 0)."`
}

// ETagVersion is the version sent as the ETag.
func (g Goal) ETagVersion() int64 { return g.Version }

// SetComputed copies the computed fields of from, the same goal as computed by ComputeTree.
func (g *Goal) SetComputed(from Goal) {
	g.Progress, g.Expected, g.Pace = from.Progress, from.Expected, from.Pace
	g.KeyResultsRolledUp, g.ChildrenRolledUp = from.KeyResultsRolledUp, from.ChildrenRolledUp
}

// GoalInput creates a goal. Level follows from the parent when absent: the vision has no
// parent, a goal under the vision is a business goal, anything deeper is an objective.
type GoalInput struct {
	ParentID    int64      `json:"parent_id,omitempty"`
	Level       Level      `json:"level,omitempty" jsonschema:"enum=vision,enum=goal,enum=objective"`
	Title       string     `json:"title" jsonschema:"minLength=1,maxLength=200"`
	Description string     `json:"description,omitempty" jsonschema:"maxLength=5000"`
	OwnerUserID int64      `json:"owner_user_id,omitempty"`
	OwnerTeamID int64      `json:"owner_team_id,omitempty"`
	PeriodStart civil.Date `json:"period_start,omitzero"`
	PeriodEnd   civil.Date `json:"period_end,omitzero"`
	Status      GoalStatus `json:"status,omitempty" jsonschema:"enum=draft,enum=active,enum=achieved,enum=missed,enum=dropped"`
	Weight      *float64   `json:"weight,omitempty" jsonschema_description:"1 when absent."`
}

// Validate normalises the input and reports each field at fault.
func (in *GoalInput) Validate() error {
	var v fault.Validation
	in.Title = strings.TrimSpace(in.Title)
	checkText(&v, "title", in.Title, 200, true)
	checkText(&v, "description", in.Description, 5000, false)
	if in.Level != "" {
		v.Check(in.Level == Vision || in.Level == Business || in.Level == Objective, "level", "must be vision, goal or objective")
	}
	if in.Status == "" {
		in.Status = Active
	}
	checkStatus(&v, in.Status)
	if in.Weight == nil {
		one := 1.0
		in.Weight = &one
	}
	v.Check(*in.Weight >= 0, "weight", "must not be negative")
	v.Check(in.OwnerUserID == 0 || in.OwnerTeamID == 0, "owner_team_id", "a goal has one owner: a person or a team, not both")
	checkPeriod(&v, in.PeriodStart, in.PeriodEnd)
	return v.Err()
}

func checkText(v *fault.Validation, field, s string, maxLen int, required bool) {
	if required {
		v.Check(s != "", field, "must not be empty")
	}
	v.Check(utf8.RuneCountInString(s) <= maxLen, field, "must be at most %d characters", maxLen)
}

func checkStatus(v *fault.Validation, s GoalStatus) {
	switch s {
	case Draft, Active, Achieved, Missed, Dropped:
	default:
		v.Add("status", "must be draft, active, achieved, missed or dropped")
	}
}

func checkPeriod(v *fault.Validation, start, end civil.Date) {
	if !start.IsZero() && !end.IsZero() {
		v.Check(!end.Before(start), "period_end", "must not be before period_start (%s)", start)
	}
}

// KeyResult measures a goal.
type KeyResult struct {
	ID          int64      `json:"id"`
	WorkspaceID int64      `json:"workspace_id"`
	GoalID      int64      `json:"goal_id"`
	Title       string     `json:"title"`
	Kind        Kind       `json:"kind" jsonschema:"enum=increase,enum=decrease,enum=stay_above,enum=stay_below,enum=binary"`
	Baseline    float64    `json:"baseline"`
	Target      float64    `json:"target"`
	Current     float64    `json:"current"`
	Unit        string     `json:"unit"`
	StartDate   civil.Date `json:"start_date,omitzero"`
	DueDate     civil.Date `json:"due_date"`
	Weight      float64    `json:"weight"`
	Source      Source     `json:"source" jsonschema:"enum=manual,enum=metric"`
	MetricID    int64      `json:"metric_id,omitempty" jsonschema_description:"The metric definition that feeds the value, when source is metric."`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	Version     int64      `json:"version"`
	// Key names the key result in roadmap documents; empty until a document has named it.
	Key string `json:"-"`
	// GoalStart is the start of the goal's period, from which the key result's pace is judged
	// when it has no start date of its own.
	GoalStart civil.Date `json:"-"`
	// Computed on read.
	Progress float64 `json:"progress" jsonschema_description:"The share of the way from baseline to target: 0 at or below the baseline, 1 at the target, more beyond it."`
	Expected float64 `json:"expected" jsonschema_description:"The progress a straight line from the start date to the due date reaches today."`
	Pace     Status  `json:"pace" jsonschema:"enum=on_track,enum=at_risk,enum=off_track"`
	// Stale is filled by the caller, which knows the workspace's check-in cadence and the key
	// result's last check-in.
	Stale bool `json:"stale" jsonschema_description:"No check-in within the workspace's check-in cadence, counted from the key result's creation when it has none."`
}

// ETagVersion is the version sent as the ETag.
func (k KeyResult) ETagVersion() int64 { return k.Version }

// Source says where a key result's value comes from.
type Source string

// The sources.
const (
	Manual Source = "manual"
	Metric Source = "metric"
)

// Compute fills the computed fields from the stored ones, as of now. The pace is judged from
// the key result's start date, else its goal's period start, else its creation.
func (k *KeyResult) Compute(now time.Time) {
	start := k.CreatedAt
	switch {
	case !k.StartDate.IsZero():
		start = k.StartDate.Time()
	case !k.GoalStart.IsZero():
		start = k.GoalStart.Time()
	}
	m := Measure{Kind: k.Kind, Baseline: k.Baseline, Target: k.Target, Current: k.Current}
	k.Progress = m.Progress()
	due := k.DueDate.AddDays(1).Time() // due at the end of its day
	k.Expected = Expected(start, due, now)
	k.Pace = Pace(k.Progress, start, due, now)
}

// KeyResultInput creates a key result.
type KeyResultInput struct {
	Title     string     `json:"title" jsonschema:"minLength=1,maxLength=200"`
	Kind      Kind       `json:"kind" jsonschema:"enum=increase,enum=decrease,enum=stay_above,enum=stay_below,enum=binary"`
	Baseline  float64    `json:"baseline"`
	Target    float64    `json:"target"`
	Current   *float64   `json:"current,omitempty" jsonschema_description:"The baseline when absent."`
	Unit      string     `json:"unit,omitempty" jsonschema:"maxLength=20"`
	StartDate civil.Date `json:"start_date,omitzero"`
	DueDate   civil.Date `json:"due_date"`
	Weight    *float64   `json:"weight,omitempty" jsonschema_description:"1 when absent."`
	Source    Source     `json:"source,omitempty" jsonschema:"enum=manual,enum=metric"`
	MetricID  int64      `json:"metric_id,omitempty"`
}

// Validate normalises the input and reports each field at fault.
func (in *KeyResultInput) Validate() error {
	var v fault.Validation
	in.Title = strings.TrimSpace(in.Title)
	checkText(&v, "title", in.Title, 200, true)
	checkText(&v, "unit", in.Unit, 20, false)
	if in.Current == nil {
		c := in.Baseline
		in.Current = &c
	}
	m := Measure{Kind: in.Kind, Baseline: in.Baseline, Target: in.Target, Current: *in.Current}
	if field, problem := m.Check(); field != "" {
		v.Add(field, "%s", problem)
	}
	v.Check(!in.DueDate.IsZero(), "due_date", "is required, as a date such as 2026-06-30")
	if !in.StartDate.IsZero() && !in.DueDate.IsZero() {
		v.Check(in.StartDate.Before(in.DueDate), "due_date", "must be after start_date (%s)", in.StartDate)
	}
	if in.Weight == nil {
		one := 1.0
		in.Weight = &one
	}
	v.Check(*in.Weight >= 0, "weight", "must not be negative")
	if in.Source == "" {
		in.Source = Manual
	}
	switch in.Source {
	case Manual:
		v.Check(in.MetricID == 0, "metric_id", "only a key result with source metric names a metric")
	case Metric:
		v.Check(in.MetricID > 0, "metric_id", "is required when the source is metric")
	default:
		v.Add("source", "must be manual or metric")
	}
	return v.Err()
}

// GoalUpdate changes a goal; absent fields stay as they are.
type GoalUpdate struct {
	ParentID    *int64      `json:"parent_id,omitempty" jsonschema_description:"Move the goal under another one of the same workspace."`
	Title       *string     `json:"title,omitempty" jsonschema:"minLength=1,maxLength=200"`
	Description *string     `json:"description,omitempty" jsonschema:"maxLength=5000"`
	OwnerUserID *int64      `json:"owner_user_id,omitempty" jsonschema_description:"0 for none."`
	OwnerTeamID *int64      `json:"owner_team_id,omitempty" jsonschema_description:"0 for none."`
	PeriodStart *civil.Date `json:"period_start,omitempty"`
	PeriodEnd   *civil.Date `json:"period_end,omitempty"`
	Status      *GoalStatus `json:"status,omitempty" jsonschema:"enum=draft,enum=active,enum=achieved,enum=missed,enum=dropped"`
	Weight      *float64    `json:"weight,omitempty"`
}

// Apply validates the update against the goal it changes and returns the goal as it would be.
func (in *GoalUpdate) Apply(g Goal) (Goal, error) {
	var v fault.Validation
	if in.ParentID != nil {
		g.ParentID = *in.ParentID
	}
	if in.Title != nil {
		g.Title = strings.TrimSpace(*in.Title)
		checkText(&v, "title", g.Title, 200, true)
	}
	if in.Description != nil {
		g.Description = *in.Description
		checkText(&v, "description", g.Description, 5000, false)
	}
	if in.OwnerUserID != nil {
		g.OwnerUserID = *in.OwnerUserID
	}
	if in.OwnerTeamID != nil {
		g.OwnerTeamID = *in.OwnerTeamID
	}
	v.Check(g.OwnerUserID == 0 || g.OwnerTeamID == 0, "owner_team_id", "a goal has one owner: a person or a team, not both")
	if in.PeriodStart != nil {
		g.PeriodStart = *in.PeriodStart
	}
	if in.PeriodEnd != nil {
		g.PeriodEnd = *in.PeriodEnd
	}
	checkPeriod(&v, g.PeriodStart, g.PeriodEnd)
	if in.Status != nil {
		g.Status = *in.Status
		checkStatus(&v, g.Status)
	}
	if in.Weight != nil {
		g.Weight = *in.Weight
		v.Check(g.Weight >= 0, "weight", "must not be negative")
	}
	return g, v.Err()
}

// KeyResultUpdate changes a key result's definition; absent fields stay as they are. Its
// value changes through RecordValue, so that every value is kept in the history.
type KeyResultUpdate struct {
	Title     *string     `json:"title,omitempty" jsonschema:"minLength=1,maxLength=200"`
	Kind      *Kind       `json:"kind,omitempty" jsonschema:"enum=increase,enum=decrease,enum=stay_above,enum=stay_below,enum=binary"`
	Baseline  *float64    `json:"baseline,omitempty"`
	Target    *float64    `json:"target,omitempty"`
	Unit      *string     `json:"unit,omitempty" jsonschema:"maxLength=20"`
	StartDate *civil.Date `json:"start_date,omitempty"`
	DueDate   *civil.Date `json:"due_date,omitempty"`
	Weight    *float64    `json:"weight,omitempty"`
	Source    *Source     `json:"source,omitempty" jsonschema:"enum=manual,enum=metric"`
	MetricID  *int64      `json:"metric_id,omitempty"`
}

// Apply validates the update against the key result it changes and returns the key result
// as it would be.
func (in *KeyResultUpdate) Apply(k KeyResult) (KeyResult, error) {
	full := KeyResultInput{Title: k.Title, Kind: k.Kind, Baseline: k.Baseline, Target: k.Target, Current: &k.Current,
		Unit: k.Unit, StartDate: k.StartDate, DueDate: k.DueDate, Weight: &k.Weight, Source: k.Source, MetricID: k.MetricID}
	if in.Title != nil {
		full.Title = *in.Title
	}
	if in.Kind != nil {
		full.Kind = *in.Kind
	}
	if in.Baseline != nil {
		full.Baseline = *in.Baseline
	}
	if in.Target != nil {
		full.Target = *in.Target
	}
	if in.Unit != nil {
		full.Unit = *in.Unit
	}
	if in.StartDate != nil {
		full.StartDate = *in.StartDate
	}
	if in.DueDate != nil {
		full.DueDate = *in.DueDate
	}
	if in.Weight != nil {
		full.Weight = in.Weight
	}
	if in.Source != nil {
		full.Source = *in.Source
		if full.Source == Manual && in.MetricID == nil {
			full.MetricID = 0
		}
	}
	if in.MetricID != nil {
		full.MetricID = *in.MetricID
	}
	if err := full.Validate(); err != nil {
		return k, err
	}
	k.Title, k.Kind, k.Baseline, k.Target, k.Unit = full.Title, full.Kind, full.Baseline, full.Target, full.Unit
	k.StartDate, k.DueDate, k.Weight, k.Source, k.MetricID = full.StartDate, full.DueDate, *full.Weight, full.Source, full.MetricID
	return k, nil
}

// Value is one entry of a key result's history.
type Value struct {
	ID          int64     `json:"id"`
	KeyResultID int64     `json:"key_result_id"`
	Value       float64   `json:"value"`
	Source      string    `json:"source" jsonschema_description:"manual, check-in, or metric."`
	Note        string    `json:"note,omitempty"`
	ActorUserID int64     `json:"actor_user_id,omitempty"`
	At          time.Time `json:"at"`
	// N and Interval come with a value taken from a metric: its sample size and 95% interval.
	N        *int64    `json:"n,omitempty"`
	Interval *Interval `json:"interval,omitempty"`
}

// Interval is the 95% interval of a value taken from a metric.
type Interval struct {
	Low  float64 `json:"low"`
	High float64 `json:"high"`
}

// ValueInput records a new value of a key result.
type ValueInput struct {
	Value float64 `json:"value"`
	Note  string  `json:"note,omitempty" jsonschema:"maxLength=2000"`
}

// Validate reports each field at fault.
func (in *ValueInput) Validate() error {
	var v fault.Validation
	v.Check(!math.IsNaN(in.Value) && !math.IsInf(in.Value, 0), "value", "must be a finite number")
	checkText(&v, "note", in.Note, 2000, false)
	return v.Err()
}

// CheckIn is a regular word on how a key result or an initiative is doing. Exactly one of
// KeyResultID and InitiativeID is set.
type CheckIn struct {
	ID          int64     `json:"id"`
	KeyResultID int64     `json:"key_result_id,omitempty"`
	Status      Status    `json:"status" jsonschema:"enum=on_track,enum=at_risk,enum=off_track"`
	Value       *float64  `json:"value,omitempty" jsonschema_description:"The key result's value reported with the check-in, if any."`
	Confidence  int       `json:"confidence" jsonschema:"minimum=1,maximum=10"`
	Note        string    `json:"note,omitempty"`
	Blockers    string    `json:"blockers,omitempty"`
	AuthorID    int64     `json:"author_user_id,omitempty"`
	At          time.Time `json:"at"`

	// InitiativeID is set on the check-ins of an initiative, which package roadmap posts.
	InitiativeID int64 `json:"initiative_id,omitempty"`
	// Progress is reported on an initiative's check-ins; a key result's follows from its value.
	Progress *float64 `json:"progress,omitempty" jsonschema_description:"An initiative's progress in percent, 0 to 100; absent on key result check-ins."`
}

// CheckInInput posts a check-in.
type CheckInInput struct {
	Status     Status   `json:"status" jsonschema:"enum=on_track,enum=at_risk,enum=off_track"`
	Value      *float64 `json:"value,omitempty" jsonschema_description:"A new value for the key result, recorded in its history."`
	Confidence int      `json:"confidence" jsonschema:"minimum=1,maximum=10"`
	Note       string   `json:"note,omitempty" jsonschema:"maxLength=5000"`
	Blockers   string   `json:"blockers,omitempty" jsonschema:"maxLength=5000"`
}

// Validate normalises the input and reports each field at fault. A check-in that is at risk
// or off track must say why.
func (in *CheckInInput) Validate() error {
	var v fault.Validation
	in.Note, in.Blockers = strings.TrimSpace(in.Note), strings.TrimSpace(in.Blockers)
	switch in.Status {
	case OnTrack:
	case AtRisk, OffTrack:
		v.Check(in.Note != "", "note", "is required when the status is %s: say what is wrong", in.Status)
	default:
		v.Add("status", "must be on_track, at_risk or off_track")
	}
	v.Check(in.Confidence >= 1 && in.Confidence <= 10, "confidence", "must be a whole number from 1 to 10")
	if in.Value != nil {
		v.Check(!math.IsNaN(*in.Value) && !math.IsInf(*in.Value, 0), "value", "must be a finite number")
	}
	checkText(&v, "note", in.Note, 5000, false)
	checkText(&v, "blockers", in.Blockers, 5000, false)
	return v.Err()
}
