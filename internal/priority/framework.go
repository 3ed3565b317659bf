package priority

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/lodestar-cx/lodestar/internal/fault"
)

// The names of the numeric fields of an initiative that frameworks read. [Fields] describes each
// with its range.
const (
	FieldImpact          = "impact"
	FieldFeasibility     = "feasibility"
	FieldAlignment       = "alignment"
	FieldReach           = "reach"
	FieldConfidence      = "confidence"
	FieldEffort          = "effort"
	FieldEase            = "ease"
	FieldValue           = "value"
	FieldBusinessValue   = "business_value"
	FieldTimeCriticality = "time_criticality"
	FieldRiskReduction   = "risk_reduction"
	FieldJobSize         = "job_size"
)

// Field describes one numeric field of an initiative and the values it may take.
type Field struct {
	Name        string  `json:"name"`
	Description string  `json:"description"`
	Min         float64 `json:"min" jsonschema_description:"The smallest value allowed, inclusive."`
	Max         float64 `json:"max" jsonschema_description:"The largest value allowed, inclusive."`
}

// Fields returns every field a framework may read, in a fixed order, each on the widest range any
// framework accepts; a custom formula's fields are checked against these ranges. A built-in
// framework narrows them to its own scale ([Framework.Inputs]). Every range is bounded so that no
// framework can overflow, and no lower bound of a divisor reaches 0.
func Fields() []Field {
	return []Field{
		{FieldImpact, "Impact of the initiative: on customer experience, 1–5, for impact-feasibility-alignment; " +
			"0.25 minimal, 0.5 low, 1 medium, 2 high, 3 massive for rice; 1–10 for ice.", 0, 10},
		{FieldFeasibility, "How feasible the initiative is, 1 (hardly) to 5 (easily).", 1, 5},
		{FieldAlignment, "How well the initiative serves the business goals, 1 (barely) to 5 (squarely).", 1, 5},
		{FieldReach, "People or events the initiative touches per period, for rice.", 0, 1e12},
		{FieldConfidence, "Confidence in the estimates: a fraction 0–1 for rice (0.8 for 80%); 1–10 for ice.", 0, 10},
		{FieldEffort, "Work to deliver, in person-months, at least 0.01 (about an hour and a half).", 0.01, 1000},
		{FieldEase, "How easy the initiative is, 1–10, for ice.", 1, 10},
		{FieldValue, "Value of the initiative, 1–10, for value-effort.", 1, 10},
		{FieldBusinessValue, "User and business value, 1–20 (1, 2, 3, 5, 8, 13, 20 by custom), for wsjf.", 1, 20},
		{FieldTimeCriticality, "How much value decays with delay, 1–20, for wsjf.", 1, 20},
		{FieldRiskReduction, "Risk reduction or opportunity enablement, 1–20, for wsjf.", 1, 20},
		{FieldJobSize, "Size of the job relative to others, 1–20, for wsjf.", 1, 20},
	}
}

func fieldNames() []string {
	fields := Fields()
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.Name
	}
	return names
}

// ranged returns the field name on the range lo–hi, which must lie within its range in Fields.
func ranged(name string, lo, hi float64) Field {
	for _, f := range Fields() {
		if f.Name == name {
			f.Min, f.Max = lo, hi
			return f
		}
	}
	return Field{Name: name, Min: lo, Max: hi}
}

// Inputs holds an initiative's numeric fields by name. Fields a framework does not read are
// ignored, so an initiative can carry all of them.
type Inputs map[string]float64

// Kind names a prioritisation framework.
type Kind string

// The frameworks. The package comment gives each one's formula.
const (
	// ImpactFeasibilityAlignment is the weighted sum of impact on customer experience,
	// feasibility and alignment with business goals, each 1–5; the default.
	ImpactFeasibilityAlignment Kind = "impact-feasibility-alignment"
	// RICE is reach × impact × confidence ÷ effort, after Intercom.
	RICE Kind = "rice"
	// ICE is impact × confidence × ease.
	ICE Kind = "ice"
	// WSJF is weighted shortest job first: cost of delay ÷ job size, after SAFe.
	WSJF Kind = "wsjf"
	// ValueEffort is value ÷ effort.
	ValueEffort Kind = "value-effort"
	// Custom is a formula of the workspace's own.
	Custom Kind = "custom"
)

// Kinds returns every framework kind, the default first.
func Kinds() []Kind {
	return []Kind{ImpactFeasibilityAlignment, RICE, ICE, WSJF, ValueEffort, Custom}
}

// Weights are the relative weights of the impact-feasibility-alignment framework. Only their
// ratios matter: they are normalised to sum 1 before scoring.
type Weights struct {
	Impact      float64 `json:"impact" jsonschema:"minimum=0,maximum=1000"`
	Feasibility float64 `json:"feasibility" jsonschema:"minimum=0,maximum=1000"`
	Alignment   float64 `json:"alignment" jsonschema:"minimum=0,maximum=1000"`
}

// MaxWeight bounds each weight, so that their sum cannot overflow.
const MaxWeight = 1000

// DefaultWeights returns the weights used when none are configured: impact on customer
// experience counts as much as feasibility and alignment together.
func DefaultWeights() Weights { return Weights{Impact: 0.5, Feasibility: 0.25, Alignment: 0.25} }

// Config is a workspace's choice of framework as stored and as exchanged with the API.
type Config struct {
	Kind    Kind     `json:"kind" jsonschema:"enum=impact-feasibility-alignment,enum=rice,enum=ice,enum=wsjf,enum=value-effort,enum=custom"`
	Weights *Weights `json:"weights,omitempty" jsonschema_description:"For impact-feasibility-alignment only; 0.5, 0.25, 0.25 when absent."`
	Formula string   `json:"formula,omitempty" jsonschema:"maxLength=10000" jsonschema_description:"For custom only: a formula over the initiative's fields."`
}

// Framework is a validated framework, ready to score. Make one with ParseFramework or Default;
// the zero Framework is the default one. A Framework is immutable and safe for concurrent use.
// It marshals to JSON as its Config.
type Framework struct {
	kind    Kind
	weights Weights    // as configured, for impact-feasibility-alignment
	norm    [3]float64 // weights normalised to sum 1
	wtext   [3]string  // the normalised weights as shown
	source  string     // the custom formula as configured
	formula *Formula   // the custom formula, parsed
	text    string     // the formula shown in explanations
	inputs  []Field    // the fields read, on this framework's ranges
}

// Default returns the impact-feasibility-alignment framework with the default weights.
func Default() Framework {
	f, _ := ParseFramework(Config{Kind: ImpactFeasibilityAlignment}) // the defaults are valid
	return f
}

// ParseFramework validates c and returns the framework it describes. Errors are a
// *fault.InvalidError naming each field at fault: "kind", "weights", "weights.impact",
// "formula" and so on.
func ParseFramework(c Config) (Framework, error) {
	var v fault.Validation
	f := Framework{kind: c.Kind}
	if !slices.Contains(Kinds(), c.Kind) {
		v.Add("kind", "must be one of %s", joinKinds())
		return Framework{}, v.Err()
	}
	v.Check(c.Kind == ImpactFeasibilityAlignment || c.Weights == nil, "weights", "apply only to %s", ImpactFeasibilityAlignment)
	v.Check(c.Kind == Custom || c.Formula == "", "formula", "applies only to %s", Custom)
	switch c.Kind {
	case ImpactFeasibilityAlignment:
		f.weights = DefaultWeights()
		if c.Weights != nil {
			f.weights = *c.Weights
		}
		w := [3]float64{f.weights.Impact, f.weights.Feasibility, f.weights.Alignment}
		names := [3]string{FieldImpact, FieldFeasibility, FieldAlignment}
		valid := true
		for i, x := range w {
			if !(x >= 0 && x <= MaxWeight) { // false for NaN too
				v.Add("weights."+names[i], "must be between 0 and %d", MaxWeight)
				valid = false
			}
		}
		sum := w[0] + w[1] + w[2]
		if valid && sum == 0 {
			v.Add("weights", "must not all be 0")
			valid = false
		}
		if !valid {
			break
		}
		var terms []string
		for i, x := range w {
			f.norm[i] = x / sum
			f.wtext[i] = display(f.norm[i])
			if x > 0 { // a field of weight 0 is neither read nor required
				f.inputs = append(f.inputs, ranged(names[i], 1, 5))
				terms = append(terms, f.wtext[i]+" × "+names[i])
			}
		}
		f.text = strings.Join(terms, " + ")
	case RICE:
		f.text = "reach × impact × confidence ÷ effort"
		f.inputs = []Field{ranged(FieldReach, 0, 1e12), ranged(FieldImpact, 0.25, 3),
			ranged(FieldConfidence, 0, 1), ranged(FieldEffort, 0.01, 1000)}
	case ICE:
		f.text = "impact × confidence × ease"
		f.inputs = []Field{ranged(FieldImpact, 1, 10), ranged(FieldConfidence, 1, 10), ranged(FieldEase, 1, 10)}
	case WSJF:
		f.text = "(business_value + time_criticality + risk_reduction) ÷ job_size"
		f.inputs = []Field{ranged(FieldBusinessValue, 1, 20), ranged(FieldTimeCriticality, 1, 20),
			ranged(FieldRiskReduction, 1, 20), ranged(FieldJobSize, 1, 20)}
	case ValueEffort:
		f.text = "value ÷ effort"
		f.inputs = []Field{ranged(FieldValue, 1, 10), ranged(FieldEffort, 0.01, 1000)}
	case Custom:
		f.source = strings.TrimSpace(c.Formula)
		if f.source == "" {
			v.Add("formula", "must not be empty")
			break
		}
		formula, err := Parse(f.source, fieldNames())
		if err != nil {
			v.Add("formula", "%s", err)
			break
		}
		f.formula = formula
		f.text = formula.String()
		general := Fields()
		for _, name := range formula.Fields() {
			i := slices.IndexFunc(general, func(g Field) bool { return g.Name == name })
			f.inputs = append(f.inputs, general[i])
		}
	}
	if err := v.Err(); err != nil {
		return Framework{}, err
	}
	return f, nil
}

func joinKinds() string {
	names := make([]string, 0, len(Kinds()))
	for _, k := range Kinds() {
		names = append(names, string(k))
	}
	return strings.Join(names, ", ")
}

// orDefault makes the zero Framework the default one.
func (f Framework) orDefault() Framework {
	if f.kind == "" {
		return Default()
	}
	return f
}

// Kind returns the framework's kind.
func (f Framework) Kind() Kind { return f.orDefault().kind }

// Config returns the configuration that ParseFramework turns back into f. For
// impact-feasibility-alignment it always holds the weights, so that a stored choice keeps its
// meaning even if the defaults change.
func (f Framework) Config() Config {
	f = f.orDefault()
	c := Config{Kind: f.kind, Formula: f.source}
	if f.kind == ImpactFeasibilityAlignment {
		w := f.weights
		c.Weights = &w
	}
	return c
}

// Formula returns the formula as shown in explanations, such as "value ÷ effort"; for a custom
// framework, the canonical form of its formula.
func (f Framework) Formula() string { return f.orDefault().text }

// Inputs returns the fields the framework reads, each on the range the framework accepts.
func (f Framework) Inputs() []Field { return slices.Clone(f.orDefault().inputs) }

// MarshalJSON encodes f as its Config.
func (f Framework) MarshalJSON() ([]byte, error) { return json.Marshal(f.Config()) }

// UnmarshalJSON decodes a Config and validates it as ParseFramework does.
func (f *Framework) UnmarshalJSON(data []byte) error {
	var c Config
	if err := json.Unmarshal(data, &c); err != nil {
		return err
	}
	parsed, err := ParseFramework(c)
	if err != nil {
		return err
	}
	*f = parsed
	return nil
}

// Explanation shows how a score came about: from which inputs, by which formula, through which
// intermediate terms. The REST API returns it as it is.
type Explanation struct {
	Framework Kind    `json:"framework"`
	Formula   string  `json:"formula" jsonschema_description:"The formula, with the weights in, such as reach × impact × confidence ÷ effort."`
	Inputs    Inputs  `json:"inputs" jsonschema_description:"The value of each field the formula read."`
	Terms     []Term  `json:"terms" jsonschema_description:"The steps of the computation, in order."`
	Score     float64 `json:"score"`
}

// Term is one step of a computation: a weighted input, a numerator, a division; for a custom
// formula, each of the terms it adds up (a subtracted one negated), which sum to the score.
type Term struct {
	// Name is the part of the formula, such as "0.5 × impact" or "reach × impact × confidence".
	Name string `json:"name"`
	// Expr is that part with the values in, such as "0.5 × 4".
	Expr string `json:"expr"`
	// Value is what the part comes to.
	Value float64 `json:"value"`
}

// Score scores one initiative. The score depends on in and f alone, never on other
// initiatives. Inputs the framework reads must be present, finite and on its range; each that is
// not is named in a *fault.InvalidError. A custom formula that cannot be computed for these
// inputs (a division by zero, say) returns an error wrapping an *EvalError.
func (f Framework) Score(in Inputs) (Explanation, error) {
	f = f.orDefault()
	if err := check(in, f.inputs); err != nil {
		return Explanation{}, err
	}
	used := make(Inputs, len(f.inputs))
	for _, fd := range f.inputs {
		used[fd.Name] = in[fd.Name]
	}
	e := Explanation{Framework: f.kind, Formula: f.text, Inputs: used}
	d := func(name string) string { return display(in[name]) }
	switch f.kind {
	case ImpactFeasibilityAlignment:
		for i, name := range [3]string{FieldImpact, FieldFeasibility, FieldAlignment} {
			if f.norm[i] == 0 {
				continue
			}
			w := f.wtext[i]
			v := f.norm[i] * in[name]
			e.Terms = append(e.Terms, Term{Name: w + " × " + name, Expr: w + " × " + d(name), Value: v})
			e.Score += v
		}
	case RICE:
		product := in[FieldReach] * in[FieldImpact] * in[FieldConfidence]
		e.Score = product / in[FieldEffort]
		e.Terms = []Term{
			{Name: "reach × impact × confidence", Expr: d(FieldReach) + " × " + d(FieldImpact) + " × " + d(FieldConfidence), Value: product},
			{Name: f.text, Expr: display(product) + " ÷ " + d(FieldEffort), Value: e.Score},
		}
	case ICE:
		e.Score = in[FieldImpact] * in[FieldConfidence] * in[FieldEase]
		e.Terms = []Term{{Name: f.text, Expr: d(FieldImpact) + " × " + d(FieldConfidence) + " × " + d(FieldEase), Value: e.Score}}
	case WSJF:
		delay := in[FieldBusinessValue] + in[FieldTimeCriticality] + in[FieldRiskReduction]
		e.Score = delay / in[FieldJobSize]
		e.Terms = []Term{
			{Name: "business_value + time_criticality + risk_reduction",
				Expr: d(FieldBusinessValue) + " + " + d(FieldTimeCriticality) + " + " + d(FieldRiskReduction), Value: delay},
			{Name: f.text, Expr: display(delay) + " ÷ " + d(FieldJobSize), Value: e.Score},
		}
	case ValueEffort:
		e.Score = in[FieldValue] / in[FieldEffort]
		e.Terms = []Term{{Name: f.text, Expr: d(FieldValue) + " ÷ " + d(FieldEffort), Value: e.Score}}
	case Custom:
		score, terms, err := f.formula.summands(in)
		if err != nil {
			return Explanation{}, fmt.Errorf("custom formula %s: %w", f.text, err)
		}
		e.Score, e.Terms = score, terms
	}
	return e, nil
}

// check reports each of fields that in lacks, or holds a value for that is not finite or out of
// the field's range.
func check(in Inputs, fields []Field) error {
	var v fault.Validation
	for _, fd := range fields {
		x, ok := in[fd.Name]
		switch {
		case !ok:
			v.Add(fd.Name, "must be given")
		case math.IsNaN(x) || math.IsInf(x, 0):
			v.Add(fd.Name, "must be a finite number")
		case x < fd.Min || x > fd.Max:
			v.Add(fd.Name, "must be between %s and %s", display(fd.Min), display(fd.Max))
		}
	}
	return v.Err()
}

// Ranked is an initiative's score, for ranking.
type Ranked struct {
	ID    int64   `json:"id"`
	Score float64 `json:"score"`
}

// Rank returns items ordered by score, highest first, leaving items as it was. Equal scores go to
// the lower id first, the older initiative since ids grow, so that a ranking is the same on every
// call whatever order the items came in. Scores are compared exactly; a NaN, which Score never
// returns, ranks last.
func Rank(items []Ranked) []Ranked {
	ranked := slices.Clone(items)
	slices.SortStableFunc(ranked, func(a, b Ranked) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return ranked
}
