// Package journey owns the customer journeys of a workspace: a journey's ordered stages, the
// touchpoints in each stage (milestones among them, named by the event that marks them), the
// pain points customers meet along the way, and when a journey is due for review. It validates
// and decides; it stores nothing itself.
package journey

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lodestar-cx/lodestar/internal/fault"
)

// DefaultStages are the stages a new journey gets unless its input lists its own.
var DefaultStages = []string{"awareness", "consideration", "purchase", "retention", "advocacy"}

// DefaultCadenceDays is the review cadence of a journey whose input does not give one.
const DefaultCadenceDays = 90

// MaxCadenceDays bounds the review cadence: ten years.
const MaxCadenceDays = 3650

// MaxStages bounds the stages of one journey, so that a map stays a map.
const MaxStages = 50

// MaxEvidence bounds the evidence links of one pain point.
const MaxEvidence = 20

// Journey is a customer journey, without its stages and pain points (see Map).
type Journey struct {
	ID                int64     `json:"id"`
	WorkspaceID       int64     `json:"workspace_id"`
	Name              string    `json:"name"`
	Persona           string    `json:"persona" jsonschema_description:"Whose journey this is, such as \"new small-business admin\"."`
	OwnerUserID       int64     `json:"owner_user_id,omitempty"`
	OwnerTeamID       int64     `json:"owner_team_id,omitempty"`
	ReviewCadenceDays int       `json:"review_cadence_days" jsonschema_description:"How often, in days, the journey should be reviewed."`
	LastReviewedAt    time.Time `json:"last_reviewed_at,omitzero" jsonschema_description:"When the journey was last marked reviewed; absent when never."`
	LastReviewedBy    int64     `json:"last_reviewed_by,omitempty" jsonschema_description:"The user who last marked the journey reviewed."`
	CreatedAt         time.Time `json:"created_at"`
	UpdatedAt         time.Time `json:"updated_at"`
	Version           int64     `json:"version"`

	// Computed on read.
	ReviewDue time.Time `json:"review_due" jsonschema_description:"When the next review falls due: the cadence after the last review, or after creation when never reviewed."`
	Stale     bool      `json:"stale" jsonschema_description:"Whether the review is overdue."`
}

// ETagVersion is the version sent as the ETag.
func (j Journey) ETagVersion() int64 { return j.Version }

// Compute fills the computed fields as of now.
func (j *Journey) Compute(now time.Time) {
	j.ReviewDue = ReviewDue(j.CreatedAt, j.LastReviewedAt, j.ReviewCadenceDays)
	j.Stale = Stale(j.CreatedAt, j.LastReviewedAt, j.ReviewCadenceDays, now)
}

// ReviewDue is when a journey's next review falls due: cadenceDays after its last review, or
// after its creation when it was never reviewed (lastReviewed is zero). A day is 24 hours.
func ReviewDue(created, lastReviewed time.Time, cadenceDays int) time.Time {
	from := lastReviewed
	if from.IsZero() {
		from = created
	}
	return from.Add(time.Duration(cadenceDays) * 24 * time.Hour)
}

// Stale reports whether a journey's review is overdue at now: its last review (or, when it
// was never reviewed, its creation) is more than cadenceDays old.
func Stale(created, lastReviewed time.Time, cadenceDays int, now time.Time) bool {
	return now.After(ReviewDue(created, lastReviewed, cadenceDays))
}

// Map is a journey with everything on it: its stages in order, each with its touchpoints,
// and its pain points.
type Map struct {
	Journey
	Stages     []Stage     `json:"stages" jsonschema_description:"The stages in order, each with its touchpoints."`
	PainPoints []PainPoint `json:"pain_points" jsonschema_description:"The journey's pain points, oldest first."`
}

// JourneyInput creates a journey.
type JourneyInput struct {
	Name              string   `json:"name" jsonschema:"minLength=1,maxLength=200"`
	Persona           string   `json:"persona,omitempty" jsonschema:"maxLength=200"`
	OwnerUserID       int64    `json:"owner_user_id,omitempty"`
	OwnerTeamID       int64    `json:"owner_team_id,omitempty"`
	ReviewCadenceDays *int     `json:"review_cadence_days,omitempty" jsonschema:"minimum=1,maximum=3650" jsonschema_description:"90 when absent."`
	Stages            []string `json:"stages,omitempty" jsonschema_description:"The names of the journey's stages, in order; awareness, consideration, purchase, retention and advocacy when absent."`
}

// Validate normalises the input and reports each field at fault.
func (in *JourneyInput) Validate() error {
	var v fault.Validation
	in.Name, in.Persona = strings.TrimSpace(in.Name), strings.TrimSpace(in.Persona)
	checkText(&v, "name", in.Name, 200, true)
	checkText(&v, "persona", in.Persona, 200, false)
	checkOwner(&v, in.OwnerUserID, in.OwnerTeamID)
	if in.ReviewCadenceDays == nil {
		d := DefaultCadenceDays
		in.ReviewCadenceDays = &d
	}
	checkCadence(&v, *in.ReviewCadenceDays)
	switch {
	case in.Stages == nil:
		in.Stages = slices.Clone(DefaultStages)
	case len(in.Stages) == 0:
		v.Add("stages", "must list at least one stage; leave it out for the default stages")
	case len(in.Stages) > MaxStages:
		v.Add("stages", "must list at most %d stages", MaxStages)
	default:
		seen := map[string]int{}
		for i, name := range in.Stages {
			name = strings.TrimSpace(name)
			in.Stages[i] = name
			field := fmt.Sprintf("stages[%d]", i)
			checkText(&v, field, name, 100, true)
			if j, dup := seen[name]; dup && name != "" {
				v.Add(field, "repeats stages[%d]: stage names must differ", j)
			}
			seen[name] = i
		}
	}
	return v.Err()
}

// JourneyUpdate changes a journey; absent fields stay as they are.
type JourneyUpdate struct {
	Name              *string `json:"name,omitempty" jsonschema:"minLength=1,maxLength=200"`
	Persona           *string `json:"persona,omitempty" jsonschema:"maxLength=200"`
	OwnerUserID       *int64  `json:"owner_user_id,omitempty" jsonschema_description:"0 for none."`
	OwnerTeamID       *int64  `json:"owner_team_id,omitempty" jsonschema_description:"0 for none."`
	ReviewCadenceDays *int    `json:"review_cadence_days,omitempty" jsonschema:"minimum=1,maximum=3650"`
}

// Apply validates the update against the journey it changes and returns the journey as it
// would be.
func (in *JourneyUpdate) Apply(j Journey) (Journey, error) {
	var v fault.Validation
	if in.Name != nil {
		j.Name = strings.TrimSpace(*in.Name)
		checkText(&v, "name", j.Name, 200, true)
	}
	if in.Persona != nil {
		j.Persona = strings.TrimSpace(*in.Persona)
		checkText(&v, "persona", j.Persona, 200, false)
	}
	if in.OwnerUserID != nil {
		j.OwnerUserID = *in.OwnerUserID
	}
	if in.OwnerTeamID != nil {
		j.OwnerTeamID = *in.OwnerTeamID
	}
	checkOwner(&v, j.OwnerUserID, j.OwnerTeamID)
	if in.ReviewCadenceDays != nil {
		j.ReviewCadenceDays = *in.ReviewCadenceDays
		checkCadence(&v, j.ReviewCadenceDays)
	}
	return j, v.Err()
}

func checkText(v *fault.Validation, field, s string, maxLen int, required bool) {
	if required {
		v.Check(s != "", field, "must not be empty")
	}
	v.Check(utf8.RuneCountInString(s) <= maxLen, field, "must be at most %d characters", maxLen)
}

func checkOwner(v *fault.Validation, user, team int64) {
	v.Check(user >= 0, "owner_user_id", "must be a user id")
	v.Check(team >= 0, "owner_team_id", "must be a team id")
	v.Check(user == 0 || team == 0, "owner_team_id", "a journey has one owner: a person or a team, not both")
}

func checkCadence(v *fault.Validation, days int) {
	v.Check(days >= 1 && days <= MaxCadenceDays, "review_cadence_days", "must be a whole number of days from 1 to %d", MaxCadenceDays)
}

// Stage is one step of a journey, with its touchpoints.
type Stage struct {
	ID          int64        `json:"id"`
	JourneyID   int64        `json:"journey_id"`
	Name        string       `json:"name"`
	Position    int          `json:"position" jsonschema_description:"The stage's place in the journey, from 1."`
	CreatedAt   time.Time    `json:"created_at"`
	UpdatedAt   time.Time    `json:"updated_at"`
	Version     int64        `json:"version"`
	Touchpoints []Touchpoint `json:"touchpoints" jsonschema_description:"The stage's touchpoints, oldest first."`
}

// ETagVersion is the version sent as the ETag.
func (s Stage) ETagVersion() int64 { return s.Version }

// StageInput adds a stage at the end of a journey.
type StageInput struct {
	Name string `json:"name" jsonschema:"minLength=1,maxLength=100"`
}

// Validate normalises the input and reports each field at fault.
func (in *StageInput) Validate() error {
	var v fault.Validation
	in.Name = strings.TrimSpace(in.Name)
	checkText(&v, "name", in.Name, 100, true)
	return v.Err()
}

// StageUpdate renames a stage; its place changes through StageOrder.
type StageUpdate struct {
	Name *string `json:"name,omitempty" jsonschema:"minLength=1,maxLength=100"`
}

// Apply validates the update against the stage it changes and returns the stage as it
// would be.
func (in *StageUpdate) Apply(s Stage) (Stage, error) {
	var v fault.Validation
	if in.Name != nil {
		s.Name = strings.TrimSpace(*in.Name)
		checkText(&v, "name", s.Name, 100, true)
	}
	return s, v.Err()
}

// StageOrder puts a journey's stages in a new order.
type StageOrder struct {
	StageIDs []int64 `json:"stage_ids" jsonschema_description:"Every stage id of the journey, each once, in the new order."`
}

// Validate reports ids that are repeated or not ids at all; whether they are exactly the
// journey's stages is for CheckOrder.
func (in *StageOrder) Validate() error {
	var v fault.Validation
	v.Check(len(in.StageIDs) > 0, "stage_ids", "must list the journey's stages")
	seen := map[int64]int{}
	for i, id := range in.StageIDs {
		field := fmt.Sprintf("stage_ids[%d]", i)
		if id <= 0 {
			v.Add(field, "must be a stage id")
			continue
		}
		if j, dup := seen[id]; dup {
			v.Add(field, "repeats stage_ids[%d]: each stage comes once", j)
		}
		seen[id] = i
	}
	return v.Err()
}

// CheckOrder checks that order holds exactly the stages current (in any order): each of them
// once, and nothing else.
func CheckOrder(current, order []int64) error {
	var v fault.Validation
	have := map[int64]bool{}
	for _, id := range current {
		have[id] = true
	}
	listed := map[int64]bool{}
	for i, id := range order {
		if !have[id] {
			v.Add(fmt.Sprintf("stage_ids[%d]", i), "stage %d is not a stage of this journey", id)
		}
		if listed[id] {
			v.Add(fmt.Sprintf("stage_ids[%d]", i), "stage %d is listed twice", id)
		}
		listed[id] = true
	}
	var missing []string
	for _, id := range current {
		if !listed[id] {
			missing = append(missing, fmt.Sprint(id))
		}
	}
	if len(missing) > 0 {
		v.Add("stage_ids", "must list every stage of the journey; missing: %s", strings.Join(missing, ", "))
	}
	return v.Err()
}

// Channel is how a customer meets a touchpoint.
type Channel string

// The channels.
const (
	ChannelWeb     Channel = "web"
	ChannelEmail   Channel = "email"
	ChannelInApp   Channel = "in_app"
	ChannelSupport Channel = "support"
	ChannelPhone   Channel = "phone"
	ChannelStore   Channel = "store"
	ChannelSocial  Channel = "social"
	ChannelOther   Channel = "other"
)

// Channels lists the channels in the order they are documented.
var Channels = []Channel{ChannelWeb, ChannelEmail, ChannelInApp, ChannelSupport, ChannelPhone, ChannelStore, ChannelSocial, ChannelOther}

func checkChannel(v *fault.Validation, c Channel) {
	if !slices.Contains(Channels, c) {
		v.Add("channel", "must be web, email, in_app, support, phone, store, social or other")
	}
}

// Touchpoint is a moment where the customer meets the product or the company. One with an
// event name is a milestone: the event marks that the customer got there.
type Touchpoint struct {
	ID        int64     `json:"id"`
	JourneyID int64     `json:"journey_id"`
	StageID   int64     `json:"stage_id"`
	Name      string    `json:"name"`
	Channel   Channel   `json:"channel" jsonschema:"enum=web,enum=email,enum=in_app,enum=support,enum=phone,enum=store,enum=social,enum=other"`
	TeamID    int64     `json:"team_id,omitempty" jsonschema_description:"The team that owns the touchpoint."`
	EventName string    `json:"event_name,omitempty" jsonschema_description:"The product event that marks this milestone, such as form_created; absent for a plain touchpoint."`
	Milestone bool      `json:"milestone" jsonschema_description:"Whether the touchpoint is a milestone, that is, has an event name."`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	Version   int64     `json:"version"`
}

// ETagVersion is the version sent as the ETag.
func (t Touchpoint) ETagVersion() int64 { return t.Version }

// TouchpointInput adds a touchpoint to a stage of a journey.
type TouchpointInput struct {
	StageID   int64   `json:"stage_id" jsonschema:"minimum=1"`
	Name      string  `json:"name" jsonschema:"minLength=1,maxLength=200"`
	Channel   Channel `json:"channel" jsonschema:"enum=web,enum=email,enum=in_app,enum=support,enum=phone,enum=store,enum=social,enum=other"`
	TeamID    int64   `json:"team_id,omitempty"`
	EventName string  `json:"event_name,omitempty" jsonschema:"maxLength=64" jsonschema_description:"Makes the touchpoint a milestone: a snake_case event name such as form_created."`
}

// Validate normalises the input and reports each field at fault.
func (in *TouchpointInput) Validate() error {
	var v fault.Validation
	in.Name, in.EventName = strings.TrimSpace(in.Name), strings.TrimSpace(in.EventName)
	v.Check(in.StageID > 0, "stage_id", "is required: the stage the touchpoint belongs to")
	checkText(&v, "name", in.Name, 200, true)
	checkChannel(&v, in.Channel)
	v.Check(in.TeamID >= 0, "team_id", "must be a team id")
	checkEventName(&v, in.EventName)
	return v.Err()
}

// TouchpointUpdate changes a touchpoint; absent fields stay as they are.
type TouchpointUpdate struct {
	StageID   *int64   `json:"stage_id,omitempty" jsonschema:"minimum=1" jsonschema_description:"Move the touchpoint to another stage of the same journey."`
	Name      *string  `json:"name,omitempty" jsonschema:"minLength=1,maxLength=200"`
	Channel   *Channel `json:"channel,omitempty" jsonschema:"enum=web,enum=email,enum=in_app,enum=support,enum=phone,enum=store,enum=social,enum=other"`
	TeamID    *int64   `json:"team_id,omitempty" jsonschema_description:"0 for none."`
	EventName *string  `json:"event_name,omitempty" jsonschema:"maxLength=64" jsonschema_description:"An empty string makes the touchpoint a plain one again."`
}

// Apply validates the update against the touchpoint it changes and returns the touchpoint as
// it would be.
func (in *TouchpointUpdate) Apply(t Touchpoint) (Touchpoint, error) {
	var v fault.Validation
	if in.StageID != nil {
		t.StageID = *in.StageID
		v.Check(t.StageID > 0, "stage_id", "must be a stage id")
	}
	if in.Name != nil {
		t.Name = strings.TrimSpace(*in.Name)
		checkText(&v, "name", t.Name, 200, true)
	}
	if in.Channel != nil {
		t.Channel = *in.Channel
		checkChannel(&v, t.Channel)
	}
	if in.TeamID != nil {
		t.TeamID = *in.TeamID
		v.Check(t.TeamID >= 0, "team_id", "must be a team id")
	}
	if in.EventName != nil {
		t.EventName = strings.TrimSpace(*in.EventName)
		checkEventName(&v, t.EventName)
	}
	t.Milestone = t.EventName != ""
	return t, v.Err()
}

// eventNameRE is a snake_case identifier: lowercase words of letters and digits joined by
// single underscores, starting with a letter.
var eventNameRE = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

// ValidEventName reports whether name can name a milestone's event.
func ValidEventName(name string) bool {
	return len(name) <= 64 && eventNameRE.MatchString(name)
}

func checkEventName(v *fault.Validation, name string) {
	if name != "" && !ValidEventName(name) {
		v.Add("event_name", "must be a snake_case identifier of at most 64 characters, such as form_created")
	}
}

// PainStatus is where a pain point stands.
type PainStatus string

// The pain point statuses.
const (
	Open         PainStatus = "open"
	Acknowledged PainStatus = "acknowledged"
	Solved       PainStatus = "solved"
)

func checkPainStatus(v *fault.Validation, field string, s PainStatus) {
	switch s {
	case Open, Acknowledged, Solved:
	default:
		v.Add(field, "must be open, acknowledged or solved")
	}
}

func checkSeverity(v *fault.Validation, field string, n int) {
	v.Check(n >= 1 && n <= 5, field, "must be a whole number from 1 (minor) to 5 (severe)")
}

// Evidence is a link to what shows a pain point: a ticket, a recording, a survey answer.
type Evidence struct {
	Title string `json:"title,omitempty" jsonschema:"maxLength=200"`
	URL   string `json:"url" jsonschema:"minLength=1,maxLength=2000" jsonschema_description:"An http or https URL."`
}

func checkEvidence(v *fault.Validation, links []Evidence) {
	v.Check(len(links) <= MaxEvidence, "evidence", "must hold at most %d links", MaxEvidence)
	for i := range links {
		e := &links[i]
		e.Title, e.URL = strings.TrimSpace(e.Title), strings.TrimSpace(e.URL)
		checkText(v, fmt.Sprintf("evidence[%d].title", i), e.Title, 200, false)
		field := fmt.Sprintf("evidence[%d].url", i)
		if len(e.URL) > 2000 {
			v.Add(field, "must be at most 2000 characters")
			continue
		}
		if msg := checkURL(e.URL); msg != "" {
			v.Add(field, "%s", msg)
		}
	}
}

// checkURL says what is wrong with a link, or "" when it is an absolute http(s) URL.
func checkURL(s string) string {
	if s == "" {
		return "must not be empty"
	}
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return "is not a URL"
	case u.Scheme != "http" && u.Scheme != "https":
		return "must be an http or https URL"
	case u.Host == "" || u.Hostname() == "":
		return "must name a host, as in https://example.com/page"
	case u.User != nil:
		return "must not carry a user name or password"
	}
	return ""
}

// PainPoint is something that hurts customers on a journey, optionally at one touchpoint.
type PainPoint struct {
	ID           int64      `json:"id"`
	JourneyID    int64      `json:"journey_id"`
	TouchpointID int64      `json:"touchpoint_id,omitempty" jsonschema_description:"The touchpoint where it hurts; absent when it concerns the journey as a whole."`
	Title        string     `json:"title"`
	Description  string     `json:"description"`
	Severity     int        `json:"severity" jsonschema:"minimum=1,maximum=5"`
	Status       PainStatus `json:"status" jsonschema:"enum=open,enum=acknowledged,enum=solved"`
	Evidence     []Evidence `json:"evidence"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
	Version      int64      `json:"version"`
}

// ETagVersion is the version sent as the ETag.
func (p PainPoint) ETagVersion() int64 { return p.Version }

// PainPointInput records a pain point on a journey.
type PainPointInput struct {
	Title        string     `json:"title" jsonschema:"minLength=1,maxLength=200"`
	Description  string     `json:"description,omitempty" jsonschema:"maxLength=5000"`
	Severity     int        `json:"severity" jsonschema:"minimum=1,maximum=5"`
	Status       PainStatus `json:"status,omitempty" jsonschema:"enum=open,enum=acknowledged,enum=solved" jsonschema_description:"open when absent."`
	TouchpointID int64      `json:"touchpoint_id,omitempty" jsonschema_description:"A touchpoint of the same journey."`
	Evidence     []Evidence `json:"evidence,omitempty" jsonschema:"maxItems=20"`
}

// Validate normalises the input and reports each field at fault.
func (in *PainPointInput) Validate() error {
	var v fault.Validation
	in.Title = strings.TrimSpace(in.Title)
	checkText(&v, "title", in.Title, 200, true)
	checkText(&v, "description", in.Description, 5000, false)
	checkSeverity(&v, "severity", in.Severity)
	if in.Status == "" {
		in.Status = Open
	}
	checkPainStatus(&v, "status", in.Status)
	v.Check(in.TouchpointID >= 0, "touchpoint_id", "must be a touchpoint id")
	if in.Evidence == nil {
		in.Evidence = []Evidence{}
	}
	checkEvidence(&v, in.Evidence)
	return v.Err()
}

// PainPointUpdate changes a pain point; absent fields stay as they are.
type PainPointUpdate struct {
	Title        *string     `json:"title,omitempty" jsonschema:"minLength=1,maxLength=200"`
	Description  *string     `json:"description,omitempty" jsonschema:"maxLength=5000"`
	Severity     *int        `json:"severity,omitempty" jsonschema:"minimum=1,maximum=5"`
	Status       *PainStatus `json:"status,omitempty" jsonschema:"enum=open,enum=acknowledged,enum=solved"`
	TouchpointID *int64      `json:"touchpoint_id,omitempty" jsonschema_description:"0 for none."`
	Evidence     *[]Evidence `json:"evidence,omitempty" jsonschema:"maxItems=20" jsonschema_description:"Replaces the evidence links."`
}

// Apply validates the update against the pain point it changes and returns the pain point as
// it would be.
func (in *PainPointUpdate) Apply(p PainPoint) (PainPoint, error) {
	var v fault.Validation
	if in.Title != nil {
		p.Title = strings.TrimSpace(*in.Title)
		checkText(&v, "title", p.Title, 200, true)
	}
	if in.Description != nil {
		p.Description = *in.Description
		checkText(&v, "description", p.Description, 5000, false)
	}
	if in.Severity != nil {
		p.Severity = *in.Severity
		checkSeverity(&v, "severity", p.Severity)
	}
	if in.Status != nil {
		p.Status = *in.Status
		checkPainStatus(&v, "status", p.Status)
	}
	if in.TouchpointID != nil {
		p.TouchpointID = *in.TouchpointID
		v.Check(p.TouchpointID >= 0, "touchpoint_id", "must be a touchpoint id")
	}
	if in.Evidence != nil {
		p.Evidence = slices.Clone(*in.Evidence)
		if p.Evidence == nil {
			p.Evidence = []Evidence{}
		}
		checkEvidence(&v, p.Evidence)
	}
	return p, v.Err()
}

// PainPointFilter selects pain points; zero fields select all.
type PainPointFilter struct {
	Status PainStatus
	// Severity selects one severity; MinSeverity those at or above it.
	Severity, MinSeverity int
}

// Validate reports each filter at fault, named as its query parameter.
func (f PainPointFilter) Validate() error {
	var v fault.Validation
	if f.Status != "" {
		checkPainStatus(&v, "status", f.Status)
	}
	if f.Severity != 0 {
		checkSeverity(&v, "severity", f.Severity)
	}
	if f.MinSeverity != 0 {
		checkSeverity(&v, "min_severity", f.MinSeverity)
	}
	return v.Err()
}
