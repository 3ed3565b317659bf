package importer

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lodestar-cx/lodestar/internal/fault"
	"github.com/lodestar-cx/lodestar/internal/feedback"
)

// Target says what a file's records become.
type Target string

// The targets.
const (
	Feedback  Target = "feedback"
	Customers Target = "customers"
	Events    Target = "events"
)

// Mapping says how a table's columns become feedback items, customers or events. Columns are
// named by their Key. A format proposes one (Format.Suggest); a user can change it, save it, and
// pass it again for the next file of the same layout. Its JSON form is what `lodestar import
// --mapping FILE` reads and the API shows before an import.
type Mapping struct {
	Format string `json:"format"`
	Target Target `json:"target" jsonschema:"enum=feedback,enum=customers,enum=events"`
	// Source names the tool, such as "qualtrics": with the external id it names an item.
	Source     string              `json:"source,omitempty"`
	SourceKind feedback.SourceKind `json:"source_kind,omitempty" jsonschema:"enum=survey,enum=ticket,enum=review,enum=interview,enum=social"`

	// ExternalID is the column of the record's own id (a response id, a ticket id). Required
	// for feedback and customers; for events it is optional.
	ExternalID string `json:"external_id,omitempty"`
	// Customer is the column of the customer's external id.
	Customer string `json:"customer,omitempty"`
	// At is the column of the record's time: when the feedback was given, the event happened,
	// the customer signed up.
	At   string     `json:"at,omitempty"`
	Time TimeFormat `json:"time,omitzero"`

	// Questions are the scored questions of a feedback file, each with its kind. Which column
	// holds NPS is said here and never guessed from a 0–10 scale.
	Questions []QuestionColumn `json:"questions,omitempty"`
	// Text columns are joined, blank line between, into the item's text (a review's title
	// and body; a survey's open comment).
	Text []string `json:"text,omitempty"`
	// Touchpoint is the column naming the journey touchpoint the feedback is about.
	Touchpoint string `json:"touchpoint,omitempty"`
	// Excluded is the column that marks an item left out of metrics (Wootric's
	// excluded_from_calculations): true, 1, yes.
	Excluded string `json:"excluded,omitempty"`
	// Attributes map attribute names to the columns that hold them.
	Attributes map[string]string `json:"attributes,omitempty"`
	// CustomerFields map a customer's fields (name, email, plan, region, signup_at, revenue)
	// to columns; in a feedback file they update the customer each item names.
	CustomerFields map[string]string `json:"customer_fields,omitempty"`
	// CustomerAttributes map attribute names of the customer to columns.
	CustomerAttributes map[string]string `json:"customer_attributes,omitempty"`

	// Event is the column holding an event's name, or EventName the one name of every event.
	Event     string `json:"event,omitempty"`
	EventName string `json:"event_name,omitempty"`
	// Value is the column of an event's amount.
	Value string `json:"value,omitempty"`
}

// QuestionColumn is one scored question of a feedback file.
type QuestionColumn struct {
	Column   string            `json:"column"`
	Question feedback.Question `json:"question" jsonschema:"enum=,enum=nps,enum=csat,enum=ces"`
	// Scale is the range of the answers; the question's standard scale when absent.
	Scale *feedback.Scale `json:"scale,omitempty"`
	// Labels turn answers given as words into scores, matched without regard to case and
	// surrounding space: {"good": 1, "bad": 0}, {"very satisfied": 5}. A number is read as a
	// number first.
	Labels map[string]float64 `json:"labels,omitempty"`
	// Blank lists answers that mean no answer was given, such as Zendesk's "offered".
	Blank []string `json:"blank,omitempty"`
}

// TimeFormat says how times are written.
type TimeFormat struct {
	// Layout is a Go time layout, or "unix" (seconds), "unix_ms" (milliseconds), or empty to
	// try the usual ones: RFC 3339, "2006-01-02 15:04:05", "1/2/2006 15:04:05", ISO dates.
	Layout string `json:"layout,omitempty"`
	// Zone is the IANA time zone of times written without an offset; UTC when empty.
	Zone string `json:"zone,omitempty"`
}

// commonLayouts are tried in order when a mapping names no layout.
var commonLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05 Z0700",
	"2006-01-02 15:04:05 -0700 MST",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2006-01-02",
	"1/2/2006 15:04:05",
	"1/2/2006 15:04",
	"1/2/2006",
	"2006/01/02 15:04:05",
	"2006/01/02",
	"Jan 2, 2006 3:04:05 PM",
	"Jan 2, 2006",
	"02 Jan 2006 15:04:05",
	time.RFC1123Z,
	time.RFC1123,
}

// Mapper applies a mapping to a table's records.
type Mapper struct {
	m    Mapping
	zone *time.Location
	// col finds a column's index by key; rebuilt when the table learns columns.
	col   map[string]int
	ncols int
	table Table
}

// NewMapper checks the mapping against the table's columns and returns a mapper. Errors name
// the mapping field and the column at fault.
func NewMapper(t Table, m Mapping) (*Mapper, error) {
	mp := &Mapper{m: m, zone: time.UTC, table: t}
	if m.Time.Zone != "" {
		loc, err := time.LoadLocation(m.Time.Zone)
		if err != nil {
			return nil, fault.Invalid("mapping.time.zone", "%q is not a time zone name such as Europe/Berlin", m.Time.Zone)
		}
		mp.zone = loc
	}
	mp.index()
	if err := mp.check(); err != nil {
		return nil, err
	}
	return mp, nil
}

func (mp *Mapper) index() {
	cols := mp.table.Columns()
	if len(cols) == mp.ncols && mp.col != nil {
		return
	}
	mp.col = make(map[string]int, len(cols))
	for i, c := range cols {
		mp.col[c.Key] = i
	}
	mp.ncols = len(cols)
}

// dynamic reports whether the table may learn columns as it reads (JSON); a mapping may then
// name a column the first records lack.
func (mp *Mapper) dynamic() bool {
	_, ok := mp.table.(interface{ Dynamic() bool })
	return ok
}

func (mp *Mapper) check() error {
	var v fault.Validation
	m := mp.m
	column := func(field, key string, required bool) {
		if key == "" {
			v.Check(!required, "mapping."+field, "is required: name the column")
			return
		}
		if _, ok := mp.col[key]; !ok && !mp.dynamic() {
			v.Add("mapping."+field, "names column %q, which the file does not have", key)
		}
	}
	switch m.Target {
	case Feedback:
		v.Check(slices.Contains(feedback.SourceKinds, m.SourceKind), "mapping.source_kind", "must be one of survey, ticket, review, interview, social")
		v.Check(strings.TrimSpace(m.Source) != "", "mapping.source", "is required: it names the tool, with the external id it names an item")
		column("external_id", m.ExternalID, true)
		column("at", m.At, true)
		column("customer", m.Customer, false)
		column("touchpoint", m.Touchpoint, false)
		column("excluded", m.Excluded, false)
		nps := 0
		for i, q := range m.Questions {
			column(fmt.Sprintf("questions[%d].column", i), q.Column, true)
			v.Check(slices.Contains(feedback.Questions, q.Question), fmt.Sprintf("mapping.questions[%d].question", i), "must be nps, csat, ces or empty")
			if q.Question == feedback.NPS {
				nps++
			}
			if q.Scale == nil && feedback.DefaultScale(q.Question).IsZero() {
				v.Add(fmt.Sprintf("mapping.questions[%d].scale", i), "is required for a question that is not nps, csat or ces")
			}
		}
		v.Check(nps <= 1, "mapping.questions", "name at most one NPS question: a response has one likelihood to recommend")
		for i, c := range m.Text {
			column(fmt.Sprintf("text[%d]", i), c, true)
		}
		for _, k := range slices.Sorted(maps.Keys(m.CustomerFields)) {
			v.Check(slices.Contains(customerFields, k), "mapping.customer_fields."+k, "is not a customer field: use one of %s", strings.Join(customerFields, ", "))
			column("customer_fields."+k, m.CustomerFields[k], true)
		}
		if len(m.CustomerFields)+len(m.CustomerAttributes) > 0 {
			v.Check(m.Customer != "", "mapping.customer", "is required when customer fields are mapped")
		}
	case Customers:
		column("external_id", m.ExternalID, true)
		for _, k := range slices.Sorted(maps.Keys(m.CustomerFields)) {
			v.Check(slices.Contains(customerFields, k), "mapping.customer_fields."+k, "is not a customer field: use one of %s", strings.Join(customerFields, ", "))
			column("customer_fields."+k, m.CustomerFields[k], true)
		}
	case Events:
		column("customer", m.Customer, true)
		column("at", m.At, true)
		column("external_id", m.ExternalID, false)
		column("value", m.Value, false)
		if m.Event == "" && m.EventName == "" {
			v.Add("mapping.event", "is required: name the column of the event's name, or give event_name")
		}
		column("event", m.Event, false)
	default:
		v.Add("mapping.target", "must be feedback, customers or events")
	}
	for _, k := range slices.Sorted(maps.Keys(m.Attributes)) {
		column("attributes."+k, m.Attributes[k], true)
	}
	for _, k := range slices.Sorted(maps.Keys(m.CustomerAttributes)) {
		column("customer_attributes."+k, m.CustomerAttributes[k], true)
	}
	return v.Err()
}

var customerFields = []string{"name", "email", "plan", "region", "signup_at", "revenue"}

// Row is what one record becomes: items, a customer, an event; or the problems that keep it
// out.
type Row struct {
	Row      int                `json:"row"`
	Items    []feedback.Item    `json:"items,omitempty"`
	Customer *feedback.Customer `json:"customer,omitempty"`
	Event    *feedback.Event    `json:"event,omitempty"`
	Problems []Problem          `json:"problems,omitempty"`
}

// Problem is one thing wrong with one record.
type Problem = feedback.Problem

// rowBuilder gathers one record's problems.
type rowBuilder struct {
	mp  *Mapper
	rec Record
	row Row
}

func (b *rowBuilder) get(key string) string {
	if key == "" {
		return ""
	}
	i, ok := b.mp.col[key]
	if !ok {
		return ""
	}
	return strings.TrimSpace(b.rec.Value(i))
}

func (b *rowBuilder) problem(column, format string, args ...any) {
	b.row.Problems = append(b.row.Problems, Problem{Row: b.rec.Row, Column: column, Message: fmt.Sprintf(format, args...)})
}

func (b *rowBuilder) time(key string, required bool) time.Time {
	s := b.get(key)
	if s == "" {
		if required {
			b.problem(key, "the time is missing")
		}
		return time.Time{}
	}
	t, err := ParseTime(s, b.mp.m.Time, b.mp.zone)
	if err != nil {
		b.problem(key, "%v", err)
	}
	return t
}

func (b *rowBuilder) number(key string) *float64 {
	s := b.get(key)
	if s == "" {
		return nil
	}
	f, err := parseNumber(s)
	if errors.Is(err, errAmbiguousNumber) {
		b.problem(key, "%q could be a thousand and more or a decimal: write it without the grouping comma, or with a decimal point", s)
		return nil
	}
	if err != nil {
		b.problem(key, "%q is not a number", s)
		return nil
	}
	return &f
}

func (b *rowBuilder) attrs(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for name, key := range m {
		if v := b.get(key); v != "" {
			out[name] = v
		}
	}
	return out
}

// fieldProblems turns a validation error of a built object into problems of the record,
// naming the mapped column where the field came from one.
func (b *rowBuilder) fieldProblems(err error, columnOf func(field string) string) {
	if err == nil {
		return
	}
	inv, ok := err.(*fault.InvalidError)
	if !ok {
		b.problem("", "%v", err)
		return
	}
	for _, f := range inv.Fields {
		col := columnOf(f.Field)
		msg := f.Message
		if col == "" {
			msg = f.Field + ": " + msg
		}
		b.problem(col, "%s", msg)
	}
}

// Map turns one record into a row.
func (mp *Mapper) Map(rec Record) Row {
	mp.index()
	b := &rowBuilder{mp: mp, rec: rec, row: Row{Row: rec.Row}}
	switch mp.m.Target {
	case Feedback:
		mp.mapFeedback(b)
	case Customers:
		c := mp.customer(b, b.get(mp.m.ExternalID))
		b.row.Customer = &c
		if len(b.row.Problems) == 0 {
			b.fieldProblems(c.Validate(""), mp.customerColumn)
		}
	case Events:
		mp.mapEvent(b)
	}
	return b.row
}

func (mp *Mapper) customerColumn(field string) string {
	switch field {
	case "external_id":
		if mp.m.Target == Customers {
			return mp.m.ExternalID
		}
		return mp.m.Customer
	case "revenue":
		return mp.m.CustomerFields["revenue"]
	}
	if k, ok := strings.CutPrefix(field, "attributes."); ok {
		return mp.m.CustomerAttributes[k]
	}
	return ""
}

func (mp *Mapper) customer(b *rowBuilder, id string) feedback.Customer {
	f := mp.m.CustomerFields
	c := feedback.Customer{
		ExternalID: id,
		Name:       b.get(f["name"]),
		Email:      b.get(f["email"]),
		Plan:       b.get(f["plan"]),
		Region:     b.get(f["region"]),
		Attributes: b.attrs(mp.m.CustomerAttributes),
	}
	if id == "" {
		b.problem(mp.customerColumn("external_id"), "the customer id is missing")
	}
	if k := f["signup_at"]; k != "" {
		c.SignupAt = b.time(k, false)
	}
	if k := f["revenue"]; k != "" {
		c.Revenue = b.number(k)
	}
	c.Normalize()
	return c
}

func (mp *Mapper) mapFeedback(b *rowBuilder) {
	m := mp.m
	id := b.get(m.ExternalID)
	if id == "" {
		b.problem(m.ExternalID, "the id is missing: without it a re-import could not find this record")
	}
	at := b.time(m.At, true)
	var texts []string
	for _, k := range m.Text {
		if t := b.get(k); t != "" {
			texts = append(texts, t)
		}
	}
	base := feedback.Item{
		SourceKind:         m.SourceKind,
		Source:             m.Source,
		ExternalID:         id,
		CustomerExternalID: b.get(m.Customer),
		At:                 at,
		Touchpoint:         b.get(m.Touchpoint),
		Attributes:         b.attrs(m.Attributes),
	}
	if m.Excluded != "" {
		s := strings.ToLower(b.get(m.Excluded))
		switch s {
		case "true", "1", "yes", "y", "excluded":
			base.Excluded = true
		case "", "false", "0", "no", "n":
		default:
			b.problem(m.Excluded, "%q is not true or false", b.get(m.Excluded))
		}
	}
	var items []feedback.Item
	for i, q := range m.Questions {
		score, ok := mp.score(b, q)
		if !ok {
			continue
		}
		it := base
		it.Question = q.Question
		it.Score = &score
		if q.Scale != nil {
			s := *q.Scale
			it.Scale = &s
		}
		// The first question's answer keeps the record's own id, so that adding a question to
		// a mapping later leaves the ids of the answers imported before as they were.
		if i > 0 {
			it.ExternalID = id + "/" + q.Column
		}
		items = append(items, it)
	}
	if len(items) == 0 && (len(texts) > 0 || len(m.Questions) == 0) {
		items = append(items, base)
	}
	if len(items) > 0 {
		// The comment explains the response; it goes with its first answer only, so that a
		// theme counts it once.
		items[0].Text = strings.Join(texts, "\n\n")
	}
	if len(b.row.Problems) == 0 {
		for i := range items {
			items[i].Normalize()
			b.fieldProblems(items[i].Validate(""), func(field string) string { return mp.itemColumn(field, items[i]) })
		}
	}
	b.row.Items = items
	if m.Customer != "" && base.CustomerExternalID != "" && (len(m.CustomerFields)+len(m.CustomerAttributes) > 0) {
		c := mp.customer(b, base.CustomerExternalID)
		b.row.Customer = &c
	}
	if len(b.row.Problems) > 0 {
		b.row.Items, b.row.Customer = nil, nil
	}
}

func (mp *Mapper) itemColumn(field string, it feedback.Item) string {
	switch field {
	case "external_id":
		return mp.m.ExternalID
	case "customer_external_id":
		return mp.m.Customer
	case "at":
		return mp.m.At
	case "touchpoint":
		return mp.m.Touchpoint
	case "score", "scale":
		for _, q := range mp.m.Questions {
			if q.Question == it.Question {
				return q.Column
			}
		}
	case "text":
		if len(mp.m.Text) > 0 {
			return mp.m.Text[0]
		}
	}
	if k, ok := strings.CutPrefix(field, "attributes."); ok {
		return mp.m.Attributes[k]
	}
	return ""
}

// score reads one question's answer; ok is false when it was not answered.
func (mp *Mapper) score(b *rowBuilder, q QuestionColumn) (float64, bool) {
	s := b.get(q.Column)
	if s == "" {
		return 0, false
	}
	for _, blank := range q.Blank {
		if strings.EqualFold(s, blank) {
			return 0, false
		}
	}
	if f, err := parseNumber(s); err == nil {
		scale := q.Scale
		if scale == nil {
			d := feedback.DefaultScale(q.Question)
			scale = &d
		}
		if !scale.Contains(f) {
			b.problem(q.Column, "%s is outside the scale %s to %s", feedback.FormatScore(f), feedback.FormatScore(scale.Min), feedback.FormatScore(scale.Max))
			return 0, false
		}
		return f, true
	}
	for label, f := range q.Labels {
		if strings.EqualFold(strings.TrimSpace(label), s) {
			return f, true
		}
	}
	if len(q.Labels) > 0 {
		b.problem(q.Column, "%q is neither a number nor one of the answers %s", s, strings.Join(slices.Sorted(maps.Keys(q.Labels)), ", "))
	} else {
		b.problem(q.Column, "%q is not a number", s)
	}
	return 0, false
}

func (mp *Mapper) mapEvent(b *rowBuilder) {
	m := mp.m
	e := feedback.Event{
		CustomerExternalID: b.get(m.Customer),
		Name:               m.EventName,
		At:                 b.time(m.At, true),
		Attributes:         b.attrs(m.Attributes),
	}
	if m.Event != "" {
		e.Name = b.get(m.Event)
	}
	if m.Value != "" {
		e.Value = b.number(m.Value)
	}
	if e.CustomerExternalID == "" {
		b.problem(m.Customer, "the customer id is missing")
	}
	e.Normalize()
	if len(b.row.Problems) == 0 {
		b.fieldProblems(e.Validate(""), func(field string) string {
			switch field {
			case "name":
				return m.Event
			case "value":
				return m.Value
			case "at":
				return m.At
			}
			return ""
		})
	}
	if len(b.row.Problems) == 0 {
		b.row.Event = &e
	}
}

// ParseTime reads a time as the format says, in zone when the text has no offset.
func ParseTime(s string, f TimeFormat, zone *time.Location) (time.Time, error) {
	if zone == nil {
		zone = time.UTC
	}
	switch f.Layout {
	case "unix", "unix_ms":
		n, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("%q is not a Unix time", s)
		}
		if f.Layout == "unix_ms" {
			return time.UnixMilli(int64(n)).UTC(), nil
		}
		sec := int64(n)
		return time.Unix(sec, int64((n-float64(sec))*1e9)).UTC(), nil
	case "":
		for _, l := range commonLayouts {
			if t, err := time.ParseInLocation(l, s, zone); err == nil {
				return t.UTC(), nil
			}
		}
		return time.Time{}, fmt.Errorf("%q is not a date and time this importer reads (such as 2026-03-01 14:30:00 or an RFC 3339 time)", s)
	}
	t, err := time.ParseInLocation(f.Layout, s, zone)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q does not match the time layout %q", s, f.Layout)
	}
	return t.UTC(), nil
}

// parseNumber reads a number as exports write it: 9, 4.5, "4,5" (a decimal comma), " 7 ".
// errAmbiguousNumber is a number such as 1,234 that could be read two ways.
var errAmbiguousNumber = errors.New("ambiguous number")

func parseNumber(s string) (float64, error) {
	s = strings.TrimSpace(s)
	if strings.Count(s, ",") == 1 && !strings.Contains(s, ".") {
		// One comma is a decimal comma (4,5), unless three digits follow it: 1,234 is as
		// likely a thousand and more written with a grouping comma, and guessing either way
		// would silently make one of them a thousand times wrong.
		if _, frac, _ := strings.Cut(s, ","); len(frac) == 3 && strings.Trim(frac, "0123456789") == "" {
			return 0, errAmbiguousNumber
		}
		s = strings.Replace(s, ",", ".", 1)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, fmt.Errorf("not a number")
	}
	return f, nil
}
