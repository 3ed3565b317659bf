// Package experiments owns test and learn: an experiment states a hypothesis, names the metric
// that will judge it and the customer or feedback attribute whose values split the answers
// into variants (the first the control), and runs over a span of days. Its results give each
// variant's value with n and a 95% interval, the test of each treatment against the control
// (two-proportion z, Welch's t or the NPS difference, by the metric's form) and the minimum
// detectable effect for the answers at hand. Its decision log (ship, iterate, stop) is
// append-only; shipping records the shipped variant's value on the linked key result. It knows
// no SQL: the store keeps experiments and their decisions.
package experiments

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/civil"
	"github.com/lodestar-cx/lodestar/internal/fault"
	"github.com/lodestar-cx/lodestar/internal/feedback"
	"github.com/lodestar-cx/lodestar/internal/metrics"
	"github.com/lodestar-cx/lodestar/internal/stats"
)

// Metric is what an experiment measures: a kind and variant as a metric query takes them, and
// a segment every variant shares. The experiment owns it rather than pointing at a saved
// metric definition, so that editing a definition cannot change a decided experiment's
// results, and because the experiment's span and variants replace a definition's window,
// bucket and breakdown anyway.
type Metric struct {
	Kind      metrics.Kind    `json:"kind" jsonschema:"enum=nps,enum=csat,enum=ces,enum=custom,enum=retention,enum=churn,enum=conversion"`
	Variant   metrics.Variant `json:"variant,omitempty" jsonschema:"enum=,enum=satisfied,enum=mean,enum=agree,enum=net_easy" jsonschema_description:"How the value is computed, as for a metric: csat satisfied (default) or mean; ces mean (default), agree or net_easy; custom only mean, since counts and sums are not tested. Empty for the other kinds."`
	Attribute string          `json:"attribute,omitempty" jsonschema:"maxLength=100" jsonschema_description:"For a custom mean: the numeric feedback attribute averaged."`
	Event     string          `json:"event,omitempty" jsonschema:"maxLength=100" jsonschema_description:"For conversion: the customer event that marks the milestone."`
	Within    int             `json:"within_days,omitempty" jsonschema_description:"For conversion: the days after sign-up within which the milestone counts (default 30)."`
	Scale     *feedback.Scale `json:"scale,omitempty" jsonschema_description:"For a mean: the scale it is reported on."`
	Filter    metrics.Filter  `json:"filter,omitempty" jsonschema_description:"A segment all variants share, such as {\"plan\": [\"pro\"]}; it may not name the experiment's dimension. Retention, churn and conversion split customers by the experiment's dimension alone and take none."`
}

// Form is the shape of the metric's values, which decides the test.
func (m Metric) Form() metrics.Form { return metrics.FormOf(m.Kind, m.Variant) }

// Variant is one arm of an experiment: the answers whose dimension has one of its values.
type Variant struct {
	Name   string   `json:"name" jsonschema:"minLength=1,maxLength=100"`
	Values []string `json:"values" jsonschema:"minItems=1,maxItems=50" jsonschema_description:"The values of the experiment's dimension that put an answer in this variant."`
}

// Status is where an experiment stands, derived from its span, the day and its decisions.
type Status string

// The statuses.
const (
	// Draft: its first day is still to come.
	Draft Status = "draft"
	// Running: its span has begun and not ended.
	Running Status = "running"
	// Ended: its span is over and no decision has concluded it yet.
	Ended Status = "ended"
	// Concluded: its last decision is ship or stop.
	Concluded Status = "concluded"
)

// Choice is what a decision decides.
type Choice string

// The choices. Ship and stop conclude an experiment; iterate keeps it open, to be changed
// (another span, other variants) and decided again.
const (
	Ship    Choice = "ship"
	Iterate Choice = "iterate"
	Stop    Choice = "stop"
)

// Choices lists the choices.
var Choices = []Choice{Ship, Iterate, Stop}

// Concludes reports whether the choice ends the experiment.
func (c Choice) Concludes() bool { return c == Ship || c == Stop }

// Decision is one entry of an experiment's decision log.
type Decision struct {
	ID       int64     `json:"id"`
	Decision Choice    `json:"decision" jsonschema:"enum=ship,enum=iterate,enum=stop"`
	Variant  string    `json:"variant,omitempty" jsonschema_description:"The variant shipped, for ship."`
	Note     string    `json:"note,omitempty"`
	ByUserID int64     `json:"by_user_id,omitempty" jsonschema_description:"Who decided; absent when the system did (the admin CLI)."`
	At       time.Time `json:"at"`
	// Recorded is the value the decision put on the experiment's key result, when it shipped
	// and the experiment has one.
	Recorded *Recorded `json:"recorded,omitempty"`
}

// Recorded is a shipped variant's result as recorded on a key result's history.
type Recorded struct {
	KeyResultID int64          `json:"key_result_id"`
	Value       float64        `json:"value"`
	N           int64          `json:"n"`
	Interval    stats.Interval `json:"interval" jsonschema_description:"The value's 95% interval."`
}

// Experiment is a test of a hypothesis on a metric, between variants of the answers.
type Experiment struct {
	ID           int64  `json:"id"`
	WorkspaceID  int64  `json:"workspace_id"`
	Name         string `json:"name"`
	Hypothesis   string `json:"hypothesis"`
	InitiativeID int64  `json:"initiative_id,omitempty" jsonschema_description:"The initiative whose change the experiment tests."`
	KeyResultID  int64  `json:"key_result_id,omitempty" jsonschema_description:"The key result the metric moves; shipping records the shipped variant's value on it."`
	Metric       Metric `json:"metric"`
	// Dim is the dimension whose values make the variants: a feedback attribute (or source,
	// touchpoint) for a feedback metric, a customer dimension (plan, region or a customer
	// attribute) for retention, churn and conversion.
	Dim      string    `json:"dim" jsonschema_description:"The feedback attribute (or source, touchpoint), or for retention, churn and conversion the customer dimension (plan, region or a customer attribute), whose values make the variants."`
	Variants []Variant `json:"variants" jsonschema_description:"The variants; the first is the control."`
	// Start is the first day counted and End the day after the last one, in the workspace's
	// time zone: the span is [Start, End), as everywhere in metrics.
	Start     civil.Date `json:"start" jsonschema_description:"The first day counted, in the workspace's time zone."`
	End       civil.Date `json:"end" jsonschema_description:"The day after the last day counted: the span is [start, end)."`
	Status    Status     `json:"status" jsonschema:"enum=draft,enum=running,enum=ended,enum=concluded" jsonschema_description:"Computed: draft before start, running until end, then ended until a ship or stop decision concludes it."`
	Decisions []Decision `json:"decisions" jsonschema_description:"The decision log, oldest first; append-only."`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
	Version   int64      `json:"version"`
}

// ETagVersion is the version sent as the ETag.
func (e Experiment) ETagVersion() int64 { return e.Version }

// Control is the first variant.
func (e Experiment) Control() Variant { return e.Variants[0] }

// Concluded reports whether a ship or stop decision has ended the experiment, and which.
func (e Experiment) Concluded() (Decision, bool) {
	if n := len(e.Decisions); n > 0 && e.Decisions[n-1].Decision.Concludes() {
		return e.Decisions[n-1], true
	}
	return Decision{}, false
}

// StatusOn is the experiment's status on day today.
func (e Experiment) StatusOn(today civil.Date) Status {
	switch _, done := e.Concluded(); {
	case done:
		return Concluded
	case today.Before(e.Start):
		return Draft
	case today.Before(e.End):
		return Running
	}
	return Ended
}

// Compute fills the computed fields as of day today.
func (e *Experiment) Compute(today civil.Date) { e.Status = e.StatusOn(today) }

// Variant finds a variant by name.
func (e Experiment) Variant(name string) (Variant, int, bool) {
	for i, v := range e.Variants {
		if v.Name == name {
			return v, i, true
		}
	}
	return Variant{}, -1, false
}

// Query is the metric query of variant v over the experiment's span: one value, the answers
// filtered to the variant's values of the dimension, in the metric's segment.
func (e Experiment) Query(v Variant) metrics.Query {
	f := maps.Clone(e.Metric.Filter)
	if f == nil {
		f = metrics.Filter{}
	}
	f[e.Dim] = slices.Clone(v.Values)
	m := e.Metric
	return metrics.Query{Kind: m.Kind, Variant: m.Variant, Attribute: m.Attribute, Event: m.Event, Within: m.Within, Scale: m.Scale,
		Filter: f, From: e.Start, To: e.End}
}

// Limits on an experiment's definition.
const (
	MaxVariants      = 10
	MaxVariantValues = 50
	maxName          = 200
	maxHypothesis    = 5000
	maxVariantName   = 100
	maxNote          = 5000
	// maxDays bounds a span, as a daily metric query is bounded.
	maxDays = 3660
)

// Input creates or replaces an experiment.
type Input struct {
	Name         string     `json:"name" jsonschema:"minLength=1,maxLength=200"`
	Hypothesis   string     `json:"hypothesis,omitempty" jsonschema:"maxLength=5000" jsonschema_description:"What is expected and why, such as: the shorter form raises CSAT of onboarding by 5 points."`
	InitiativeID int64      `json:"initiative_id,omitempty" jsonschema_description:"An initiative of the workspace; 0 or absent for none."`
	KeyResultID  int64      `json:"key_result_id,omitempty" jsonschema_description:"A key result of the workspace; 0 or absent for none."`
	Metric       Metric     `json:"metric"`
	Dim          string     `json:"dim" jsonschema:"minLength=1,maxLength=100"`
	Variants     []Variant  `json:"variants" jsonschema:"minItems=2,maxItems=10" jsonschema_description:"Two or more; the first is the control."`
	Start        civil.Date `json:"start"`
	End          civil.Date `json:"end" jsonschema_description:"The day after the last day counted."`
}

// Validate normalises the input and reports every field at fault.
func (in *Input) Validate() error {
	in.Name = strings.TrimSpace(in.Name)
	in.Dim = strings.TrimSpace(in.Dim)
	var v fault.Validation
	v.Check(in.Name != "" && utf8.RuneCountInString(in.Name) <= maxName, "name", "must be 1 to %d characters", maxName)
	v.Check(utf8.RuneCountInString(in.Hypothesis) <= maxHypothesis, "hypothesis", "must be at most %d characters", maxHypothesis)
	v.Check(in.InitiativeID >= 0, "initiative_id", "must be an initiative id, or 0 for none")
	v.Check(in.KeyResultID >= 0, "key_result_id", "must be a key result id, or 0 for none")
	v.Check(in.Dim != "" && utf8.RuneCountInString(in.Dim) <= feedback.MaxAttrKey, "dim", "must be 1 to %d characters: the attribute whose values make the variants", feedback.MaxAttrKey)
	in.checkMetric(&v)
	in.checkVariants(&v)
	switch {
	case in.Start.IsZero():
		v.Add("start", "is required, as a date such as 2026-03-01")
	case in.End.IsZero():
		v.Add("end", "is required: the day after the last day counted")
	case !in.Start.Before(in.End):
		v.Add("end", "must be after start (%s): the span is [start, end)", in.Start)
	case in.End.DaysSince(in.Start) > maxDays:
		v.Add("end", "the span may be at most %d days", maxDays)
	}
	return v.Err()
}

func (in *Input) checkMetric(v *fault.Validation) {
	m := &in.Metric
	m.Attribute = strings.TrimSpace(m.Attribute)
	m.Event = strings.TrimSpace(m.Event)
	if len(m.Filter) == 0 {
		m.Filter = nil
	}
	variants, ok := metrics.Variants[m.Kind]
	if !ok {
		v.Add("metric.kind", "must be nps, csat, ces, custom, retention, churn or conversion")
		return
	}
	if m.Kind == metrics.Conversion && m.Within == 0 {
		m.Within = metrics.DefaultWithin
	}
	if m.Variant == "" {
		m.Variant = variants[0]
		if m.Kind == metrics.Custom {
			// Counts and sums are not tested: a custom metric is compared by its mean.
			m.Variant = metrics.Mean
		}
	}
	switch m.Form() {
	case metrics.Total, metrics.Added:
		v.Add("metric.variant", "a custom metric is compared by its mean: counts and sums depend on how many answers each variant has, and are not tested")
		return
	case metrics.Lifetime:
		v.Add("metric.kind", "a lifetime value is not tested: test its churn (kind churn) instead")
		return
	}
	// The metric query checks the rest (variant, attribute, the dimensions of a customer
	// metric); its fields are named as the experiment names them.
	q := metrics.Query{Kind: m.Kind, Variant: m.Variant, Attribute: m.Attribute, Event: m.Event, Within: m.Within, Scale: m.Scale, Filter: maps.Clone(m.Filter),
		From: civil.Date{Year: 2000, Month: 1, Day: 1}, To: civil.Date{Year: 2000, Month: 1, Day: 2}}
	if in.Dim != "" {
		if q.Filter == nil {
			q.Filter = metrics.Filter{}
		}
		q.Filter[in.Dim] = []string{""}
	}
	if err := q.Validate(); err != nil {
		var inv *fault.InvalidError
		if errors.As(err, &inv) {
			for _, f := range inv.Fields {
				field := "metric." + f.Field
				if f.Field == "filter" && m.Kind.CustomerKind() {
					v.Add(field, "a %s experiment splits the customers by its dimension alone: leave the filter empty", m.Kind)
					continue
				}
				v.Add(field, "%s", f.Message)
			}
		} else {
			v.Add("metric", "%s", err.Error())
		}
	}
	if m.Scale != nil {
		v.Check(m.Variant == metrics.Mean, "metric.scale", "only a mean is reported on a scale")
		v.Check(m.Scale.Min < m.Scale.Max, "metric.scale", "min must be below max")
	}
	_, named := m.Filter[in.Dim]
	v.Check(!named, "metric.filter", "may not name the experiment's dimension %q: the variants choose its values", in.Dim)
	for _, d := range m.Filter.Dims() {
		v.Check(d != "" && utf8.RuneCountInString(d) <= feedback.MaxAttrKey, "metric.filter", "a dimension name must be 1 to %d characters", feedback.MaxAttrKey)
		v.Check(len(m.Filter[d]) > 0, "metric.filter."+d, "must list at least one value")
	}
}

func (in *Input) checkVariants(v *fault.Validation) {
	v.Check(len(in.Variants) >= 2 && len(in.Variants) <= MaxVariants, "variants", "must be 2 to %d: the control first, then the treatments", MaxVariants)
	names := map[string]bool{}
	owner := map[string]string{}
	for i := range in.Variants {
		va := &in.Variants[i]
		field := fmt.Sprintf("variants[%d]", i)
		va.Name = strings.TrimSpace(va.Name)
		v.Check(va.Name != "" && utf8.RuneCountInString(va.Name) <= maxVariantName, field+".name", "must be 1 to %d characters", maxVariantName)
		v.Check(!names[va.Name], field+".name", "%q names two variants", va.Name)
		names[va.Name] = true
		v.Check(len(va.Values) >= 1 && len(va.Values) <= MaxVariantValues, field+".values", "must list 1 to %d values of %s", MaxVariantValues, in.Dim)
		for j, val := range va.Values {
			vf := fmt.Sprintf("%s.values[%d]", field, j)
			v.Check(len(val) <= feedback.MaxAttrValue, vf, "must be at most %d bytes", feedback.MaxAttrValue)
			if o, taken := owner[val]; taken {
				v.Add(vf, "%q is already a value of variant %q: a value belongs to one variant", val, o)
				continue
			}
			owner[val] = va.Name
		}
	}
}

// Experiment returns the experiment the input describes.
func (in Input) Experiment() Experiment {
	return Experiment{Name: in.Name, Hypothesis: in.Hypothesis, InitiativeID: in.InitiativeID, KeyResultID: in.KeyResultID,
		Metric: in.Metric, Dim: in.Dim, Variants: in.Variants, Start: in.Start, End: in.End}
}

// DecisionInput records a decision.
type DecisionInput struct {
	Decision Choice `json:"decision" jsonschema:"enum=ship,enum=iterate,enum=stop"`
	Variant  string `json:"variant,omitempty" jsonschema:"maxLength=100" jsonschema_description:"For ship: the variant shipped, not the control; defaults to the only treatment when there is one."`
	Note     string `json:"note,omitempty" jsonschema:"maxLength=5000" jsonschema_description:"Why: what was learnt."`
}

// Validate normalises the input and reports every field at fault.
func (in *DecisionInput) Validate() error {
	in.Variant = strings.TrimSpace(in.Variant)
	var v fault.Validation
	v.Check(slices.Contains(Choices, in.Decision), "decision", "must be ship, iterate or stop")
	v.Check(in.Variant == "" || in.Decision == Ship, "variant", "only a ship decision names a variant")
	v.Check(utf8.RuneCountInString(in.Note) <= maxNote, "note", "must be at most %d characters", maxNote)
	return v.Err()
}

// Store is what deciding needs: the metrics' reader for the results, the experiment, and the
// append to its log.
type Store interface {
	metrics.Reader
	Experiment(ctx context.Context, ws, id int64) (Experiment, error)
	AppendExperimentDecision(ctx context.Context, a audit.Actor, ws, id, version int64, d Decision) (Experiment, error)
}

// Decide records decision in on experiment id of workspace ws if it is still at version. A
// concluded experiment takes no more decisions. Shipping names a treatment (the only one by
// default) and, when the experiment has a key result, records that variant's value over the
// experiment's span on it, with n and interval. Run it in one transaction (store.Atomically)
// so that the value recorded is the one the results show at that moment.
func Decide(ctx context.Context, st Store, a audit.Actor, ws, id, version int64, in DecisionInput) (Experiment, error) {
	if err := in.Validate(); err != nil {
		return Experiment{}, err
	}
	e, err := st.Experiment(ctx, ws, id)
	if err != nil {
		return e, err
	}
	if e.Version != version {
		// Checked here as well as by the store, so that a decision on an old version is told
		// the experiment moved on, before being told what it moved to.
		return e, fmt.Errorf("experiment %d is at version %d, not %d: %w", id, e.Version, version, fault.ErrStale)
	}
	if last, done := e.Concluded(); done {
		return e, &fault.ConflictError{Detail: fmt.Sprintf("Experiment %d was concluded by its %s decision of %s; it takes no more decisions.",
			id, last.Decision, last.At.Format(time.DateOnly))}
	}
	d := Decision{Decision: in.Decision, Note: in.Note, ByUserID: a.UserID}
	if in.Decision != Ship {
		return st.AppendExperimentDecision(ctx, a, ws, id, version, d)
	}
	name := in.Variant
	if name == "" {
		if len(e.Variants) != 2 {
			return e, fault.Invalid("variant", "is required: name the variant shipped, one of %s", strings.Join(treatments(e), ", "))
		}
		name = e.Variants[1].Name
	}
	_, i, ok := e.Variant(name)
	switch {
	case !ok:
		return e, fault.Invalid("variant", "%q is not a variant of this experiment; its treatments are %s", name, strings.Join(treatments(e), ", "))
	case i == 0:
		return e, fault.Invalid("variant", "%q is the control: keeping it is a stop decision", name)
	}
	d.Variant = name
	if e.KeyResultID != 0 {
		res, err := Evaluate(ctx, st, ws, e)
		if err != nil {
			return e, err
		}
		r := res.Variants[i]
		if r.N == 0 {
			return e, fault.Invalid("variant", "%q has no answers in the experiment's span: there is no result to record on key result %d", name, e.KeyResultID)
		}
		d.Recorded = &Recorded{KeyResultID: e.KeyResultID, Value: r.Value.Value, N: int64(r.N),
			Interval: r.Interval}
	}
	return st.AppendExperimentDecision(ctx, a, ws, id, version, d)
}

func treatments(e Experiment) []string {
	var out []string
	for _, v := range e.Variants[1:] {
		out = append(out, fmt.Sprintf("%q", v.Name))
	}
	return out
}

// ShipNote is the note of a shipped result in the key result's history.
func (e Experiment) ShipNote(d Decision) string {
	return fmt.Sprintf("experiment %q shipped %q (%s to %s)", e.Name, d.Variant, e.Start, e.End.AddDays(-1))
}
