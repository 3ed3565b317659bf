// Package feedback owns what customers say and do, as Lodestar keeps it: feedback items (a
// survey answer, a ticket, a review, an interview note), the customers who gave them, and the
// customer events (signed up, renewed, churned, a product milestone) that metrics count. It
// validates and decides; it stores nothing itself, and it knows no file format.
package feedback

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lodestar-cx/lodestar/internal/fault"
)

// SourceKind says what kind of channel a feedback item came through.
type SourceKind string

// The source kinds.
const (
	Survey    SourceKind = "survey"
	Ticket    SourceKind = "ticket"
	Review    SourceKind = "review"
	Interview SourceKind = "interview"
	Social    SourceKind = "social"
)

// SourceKinds lists the valid source kinds.
var SourceKinds = []SourceKind{Survey, Ticket, Review, Interview, Social}

// Question says which standard question a score answers. None is a score (a star rating, a
// custom 0–10 question) or a text that no CX metric counts as NPS, CSAT or CES.
type Question string

// The question kinds.
const (
	None Question = ""
	NPS  Question = "nps"
	CSAT Question = "csat"
	CES  Question = "ces"
)

// Questions lists the valid question kinds, None included.
var Questions = []Question{None, NPS, CSAT, CES}

// Scale is the range of a score, inclusive. The zero Scale means no score.
type Scale struct {
	Min float64 `json:"min"`
	Max float64 `json:"max"`
}

// The usual scales.
var (
	ScaleNPS    = Scale{0, 10}
	ScaleCSAT5  = Scale{1, 5}
	ScaleCES7   = Scale{1, 7}
	ScaleStars5 = Scale{1, 5}
	// ScaleGoodBad is a satisfaction answered good (1) or bad (0), as help desks ask it.
	ScaleGoodBad = Scale{0, 1}
)

// DefaultScale is the scale of a question kind when the source does not say.
func DefaultScale(q Question) Scale {
	switch q {
	case NPS:
		return ScaleNPS
	case CSAT:
		return ScaleCSAT5
	case CES:
		return ScaleCES7
	}
	return Scale{}
}

// Contains reports whether v lies on the scale.
func (s Scale) Contains(v float64) bool { return v >= s.Min && v <= s.Max }

// IsZero reports whether the scale is unset.
func (s Scale) IsZero() bool { return s == Scale{} }

// Limits on what one item holds, so that a runaway file cannot fill the database.
const (
	MaxExternalID = 200
	MaxSource     = 100
	MaxText       = 100_000
	MaxAttributes = 100
	MaxAttrKey    = 100
	MaxAttrValue  = 2_000
)

// Item is one piece of feedback: a survey answer, a ticket, a review, an interview note.
// (WorkspaceID, Source, ExternalID) names it: importing the same record again updates it.
type Item struct {
	ID          int64      `json:"id"`
	WorkspaceID int64      `json:"workspace_id"`
	SourceKind  SourceKind `json:"source_kind" jsonschema:"enum=survey,enum=ticket,enum=review,enum=interview,enum=social"`
	Source      string     `json:"source" jsonschema_description:"The tool or channel it came from, such as \"qualtrics\" or \"zendesk\"; with external_id it names the item."`
	ExternalID  string     `json:"external_id" jsonschema_description:"The id the source gave it (a response id, a ticket id)."`
	// CustomerExternalID is the customer's id in the workspace's own systems; empty when the
	// feedback is anonymous.
	CustomerExternalID string            `json:"customer_external_id,omitempty"`
	At                 time.Time         `json:"at" jsonschema_description:"When the customer gave the feedback."`
	Question           Question          `json:"question,omitempty" jsonschema:"enum=,enum=nps,enum=csat,enum=ces" jsonschema_description:"Which standard question the score answers; empty for none. Only an nps item counts in NPS."`
	Score              *float64          `json:"score,omitempty" jsonschema_description:"The score given; absent when there is none. 0 is a score."`
	Scale              *Scale            `json:"scale,omitempty" jsonschema_description:"The range of the score; defaults by question: nps 0–10, csat 1–5, ces 1–7."`
	Text               string            `json:"text,omitempty"`
	Attributes         map[string]string `json:"attributes,omitempty" jsonschema_description:"Anything else the source said (channel, language, tags), for segments."`
	Touchpoint         string            `json:"touchpoint,omitempty" jsonschema_description:"The journey touchpoint the feedback is about, by name."`
	Excluded           bool              `json:"excluded,omitempty" jsonschema_description:"Kept but left out of every metric, as the source marked it."`
	CreatedAt          time.Time         `json:"created_at"`
	UpdatedAt          time.Time         `json:"updated_at"`
	Version            int64             `json:"version"`
}

// ETagVersion is the version sent as the ETag.
func (it Item) ETagVersion() int64 { return it.Version }

// Normalize fills what an item leaves to defaults: the scale of its question, UTC time, and
// trimmed names. Call it before Validate.
func (it *Item) Normalize() {
	it.Source = strings.ToLower(strings.TrimSpace(it.Source))
	it.ExternalID = strings.TrimSpace(it.ExternalID)
	it.CustomerExternalID = strings.TrimSpace(it.CustomerExternalID)
	it.Touchpoint = strings.TrimSpace(it.Touchpoint)
	if it.Score != nil && it.Scale == nil {
		if s := DefaultScale(it.Question); !s.IsZero() {
			it.Scale = &s
		}
	}
	if !it.At.IsZero() {
		it.At = it.At.UTC().Truncate(time.Microsecond)
	}
	if len(it.Attributes) == 0 {
		it.Attributes = nil
	}
}

// Validate checks an item. Field names are prefixed with prefix (such as "items[3].").
func (it *Item) Validate(prefix string) error {
	var v fault.Validation
	it.check(&v, prefix)
	return v.Err()
}

func (it *Item) check(v *fault.Validation, p string) {
	v.Check(slices.Contains(SourceKinds, it.SourceKind), p+"source_kind", "must be one of survey, ticket, review, interview, social")
	v.Check(it.Source != "", p+"source", "is required")
	v.Check(utf8.RuneCountInString(it.Source) <= MaxSource, p+"source", "must be at most %d characters", MaxSource)
	v.Check(it.ExternalID != "", p+"external_id", "is required: it is what makes a re-import update rather than duplicate")
	v.Check(utf8.RuneCountInString(it.ExternalID) <= MaxExternalID, p+"external_id", "must be at most %d characters", MaxExternalID)
	v.Check(utf8.RuneCountInString(it.CustomerExternalID) <= MaxExternalID, p+"customer_external_id", "must be at most %d characters", MaxExternalID)
	v.Check(!it.At.IsZero(), p+"at", "is required")
	v.Check(slices.Contains(Questions, it.Question), p+"question", "must be one of nps, csat, ces, or empty")
	v.Check(utf8.ValidString(it.Text), p+"text", "is not valid UTF-8")
	v.Check(len(it.Text) <= MaxText, p+"text", "must be at most %d bytes", MaxText)
	checkAttributes(v, p+"attributes", it.Attributes)
	if it.Score != nil {
		s := *it.Score
		switch {
		case math.IsNaN(s) || math.IsInf(s, 0):
			v.Add(p+"score", "must be a number")
		case it.Scale == nil:
			v.Add(p+"scale", "is required with a score whose question has no standard scale")
		case !it.Scale.Contains(s):
			v.Add(p+"score", "%s is outside the scale %s to %s", FormatScore(s), FormatScore(it.Scale.Min), FormatScore(it.Scale.Max))
		}
	}
	if it.Scale != nil {
		v.Check(it.Scale.Min < it.Scale.Max, p+"scale", "min must be below max")
	}
	if it.Question == NPS && it.Scale != nil && *it.Scale != ScaleNPS {
		v.Add(p+"scale", "an NPS answer is on the 0–10 scale")
	}
	v.Check(it.Question == None || it.Score != nil || it.Excluded, p+"score", "is required for a %s answer", it.Question)
}

func checkAttributes(v *fault.Validation, field string, attrs map[string]string) {
	v.Check(len(attrs) <= MaxAttributes, field, "must hold at most %d attributes", MaxAttributes)
	for _, k := range slices.Sorted(maps.Keys(attrs)) {
		v.Check(k != "" && utf8.RuneCountInString(k) <= MaxAttrKey, field, "a name must be 1 to %d characters", MaxAttrKey)
		v.Check(len(attrs[k]) <= MaxAttrValue, field+"."+k, "must be at most %d bytes", MaxAttrValue)
		v.Check(utf8.ValidString(k) && utf8.ValidString(attrs[k]), field+"."+k, "is not valid UTF-8")
	}
}

// FormatScore writes a score the way people write it: 9, 4.5.
func FormatScore(f float64) string {
	return fmt.Sprintf("%g", f)
}

// ItemUpdate changes what may be changed of an item by hand: whether it counts in metrics,
// the touchpoint it is about, and its attributes (the segments it falls in). What the
// customer said, and when, stays as the source gave it.
type ItemUpdate struct {
	Excluded   *bool              `json:"excluded,omitempty"`
	Touchpoint *string            `json:"touchpoint,omitempty"`
	Attributes map[string]*string `json:"attributes,omitempty" jsonschema_description:"Attributes to set; a null value removes the attribute."`
}

// Apply returns the item as the update leaves it, validated.
func (u ItemUpdate) Apply(it Item) (Item, error) {
	if u.Excluded != nil {
		it.Excluded = *u.Excluded
	}
	if u.Touchpoint != nil {
		it.Touchpoint = strings.TrimSpace(*u.Touchpoint)
	}
	if len(u.Attributes) > 0 {
		attrs := maps.Clone(it.Attributes)
		if attrs == nil {
			attrs = map[string]string{}
		}
		for k, v := range u.Attributes {
			if v == nil {
				delete(attrs, k)
			} else {
				attrs[k] = *v
			}
		}
		it.Attributes = attrs
	}
	it.Normalize()
	return it, it.Validate("")
}

// Customer is someone who gives feedback and whose events metrics count.
type Customer struct {
	ID          int64             `json:"id"`
	WorkspaceID int64             `json:"workspace_id"`
	ExternalID  string            `json:"external_id" jsonschema_description:"The customer's id in the workspace's own systems."`
	Name        string            `json:"name,omitempty"`
	Email       string            `json:"email,omitempty"`
	Plan        string            `json:"plan,omitempty"`
	Region      string            `json:"region,omitempty"`
	SignupAt    time.Time         `json:"signup_at,omitzero"`
	Revenue     *float64          `json:"revenue,omitempty" jsonschema_description:"Recurring revenue per period, in the workspace's currency."`
	Attributes  map[string]string `json:"attributes,omitempty"`
	CreatedAt   time.Time         `json:"created_at"`
	UpdatedAt   time.Time         `json:"updated_at"`
	Version     int64             `json:"version"`
}

// ETagVersion is the version sent as the ETag.
func (c Customer) ETagVersion() int64 { return c.Version }

// Normalize trims names and puts times in UTC.
func (c *Customer) Normalize() {
	c.ExternalID = strings.TrimSpace(c.ExternalID)
	c.Email = strings.TrimSpace(c.Email)
	if !c.SignupAt.IsZero() {
		c.SignupAt = c.SignupAt.UTC().Truncate(time.Microsecond)
	}
	if len(c.Attributes) == 0 {
		c.Attributes = nil
	}
}

// Validate checks a customer; field names carry prefix.
func (c *Customer) Validate(prefix string) error {
	var v fault.Validation
	p := prefix
	v.Check(c.ExternalID != "", p+"external_id", "is required")
	v.Check(utf8.RuneCountInString(c.ExternalID) <= MaxExternalID, p+"external_id", "must be at most %d characters", MaxExternalID)
	if c.Revenue != nil {
		v.Check(!math.IsNaN(*c.Revenue) && !math.IsInf(*c.Revenue, 0) && *c.Revenue >= 0, p+"revenue", "must be a number of at least 0")
	}
	checkAttributes(&v, p+"attributes", c.Attributes)
	return v.Err()
}

// The customer event names that metrics read; a product event has a name of its own, such as
// form_created.
const (
	EventSignedUp  = "signed_up"
	EventRenewed   = "renewed"
	EventChurned   = "churned"
	EventPurchased = "purchased"
)

// Event is something a customer did: signed up, renewed, churned, or a product milestone.
// (WorkspaceID, CustomerExternalID, Name, At) names it, so a re-import does not duplicate it.
type Event struct {
	ID                 int64             `json:"id"`
	WorkspaceID        int64             `json:"workspace_id"`
	CustomerExternalID string            `json:"customer_external_id"`
	Name               string            `json:"name" jsonschema_description:"signed_up, renewed, churned, purchased, or a product event such as form_created."`
	At                 time.Time         `json:"at"`
	Value              *float64          `json:"value,omitempty" jsonschema_description:"An amount the event carries, such as a purchase's revenue."`
	Attributes         map[string]string `json:"attributes,omitempty"`
}

// Normalize trims names and puts the time in UTC.
func (e *Event) Normalize() {
	e.CustomerExternalID = strings.TrimSpace(e.CustomerExternalID)
	e.Name = strings.ToLower(strings.TrimSpace(e.Name))
	if !e.At.IsZero() {
		e.At = e.At.UTC().Truncate(time.Microsecond)
	}
	if len(e.Attributes) == 0 {
		e.Attributes = nil
	}
}

// Validate checks an event; field names carry prefix.
func (e *Event) Validate(prefix string) error {
	var v fault.Validation
	p := prefix
	v.Check(e.CustomerExternalID != "", p+"customer_external_id", "is required")
	v.Check(utf8.RuneCountInString(e.CustomerExternalID) <= MaxExternalID, p+"customer_external_id", "must be at most %d characters", MaxExternalID)
	v.Check(validEventName(e.Name), p+"name", "must be 1 to 100 letters, digits, _ . or -")
	v.Check(!e.At.IsZero(), p+"at", "is required")
	if e.Value != nil {
		v.Check(!math.IsNaN(*e.Value) && !math.IsInf(*e.Value, 0), p+"value", "must be a number")
	}
	checkAttributes(&v, p+"attributes", e.Attributes)
	return v.Err()
}

func validEventName(s string) bool {
	if s == "" || len(s) > 100 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '.' || r == '-') {
			return false
		}
	}
	return true
}

// Problem is one thing wrong with one record of an imported file.
type Problem struct {
	Row     int    `json:"row" jsonschema_description:"The record's place in the file as a person counts it: the line of a CSV file, header rows included; the element of a JSON array."`
	Column  string `json:"column,omitempty"`
	Message string `json:"message"`
}

func (p Problem) String() string {
	if p.Column != "" {
		return fmt.Sprintf("row %d, column %q: %s", p.Row, p.Column, p.Message)
	}
	return fmt.Sprintf("row %d: %s", p.Row, p.Message)
}

// ImportStatus is where an import job stands.
type ImportStatus string

// The import statuses. An import checks every record before it writes any (validating), then
// writes them in batches (running). A process that dies leaves it validating or running, and
// the next run of the same file resumes it.
const (
	ImportValidating ImportStatus = "validating"
	ImportRunning    ImportStatus = "running"
	ImportDone       ImportStatus = "done"
	// ImportRefused means the file had invalid records and the policy was to write nothing.
	ImportRefused ImportStatus = "refused"
	ImportFailed  ImportStatus = "failed"
)

// Finished reports whether the import will not move again.
func (s ImportStatus) Finished() bool {
	return s == ImportDone || s == ImportRefused || s == ImportFailed
}

// MaxProblems bounds the problems an import keeps; the count of invalid records goes on.
const MaxProblems = 1000

// Import is an import job: one file, read with one format and mapping into a workspace.
type Import struct {
	ID          int64           `json:"id"`
	WorkspaceID int64           `json:"workspace_id"`
	Status      ImportStatus    `json:"status" jsonschema:"enum=validating,enum=running,enum=done,enum=refused,enum=failed"`
	Target      string          `json:"target" jsonschema:"enum=feedback,enum=customers,enum=events"`
	Format      string          `json:"format"`
	FileName    string          `json:"file_name,omitempty"`
	FileSHA256  string          `json:"file_sha256"`
	FileSize    int64           `json:"file_size"`
	Mapping     json.RawMessage `json:"mapping" jsonschema:"type=object"`
	SkipInvalid bool            `json:"skip_invalid" jsonschema_description:"Import the valid records and report the others, rather than refuse the whole file."`
	RowsTotal   int64           `json:"rows_total" jsonschema_description:"Records in the file, known once it has been checked."`
	RowsDone    int64           `json:"rows_done" jsonschema_description:"Records written (or skipped as invalid) so far."`
	Inserted    int64           `json:"inserted"`
	Updated     int64           `json:"updated"`
	Unchanged   int64           `json:"unchanged"`
	Invalid     int64           `json:"invalid" jsonschema_description:"Records with problems."`
	Problems    []Problem       `json:"problems" jsonschema_description:"The first problems found, by row and column."`
	Error       string          `json:"error,omitempty"`
	CreatedBy   int64           `json:"created_by,omitempty"`
	CreatedAt   time.Time       `json:"created_at"`
	UpdatedAt   time.Time       `json:"updated_at"`
	FinishedAt  time.Time       `json:"finished_at,omitzero"`
}
