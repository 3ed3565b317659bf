// Package metrics owns Lodestar's CX metrics: their saved definitions (NPS, CSAT, CES, and
// the customer metrics retention, churn and lifetime value), the aggregates that make them
// cheap to read (per day and segment, counts per score), and the computation of a value, a
// series or a breakdown from those aggregates, each value with its sample size, its 95%
// interval and, for a change, the test that says whether it is real (package stats). It knows
// no SQL: the store keeps the aggregates that Layout.Contribute describes.
package metrics

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lodestar-cx/lodestar/internal/civil"
	"github.com/lodestar-cx/lodestar/internal/fault"
	"github.com/lodestar-cx/lodestar/internal/feedback"
)

// Kind is what a metric measures.
type Kind string

// The kinds of metric.
const (
	NPS  Kind = "nps"
	CSAT Kind = "csat"
	CES  Kind = "ces"
	// Custom counts feedback items, or sums or averages a numeric attribute of theirs (such
	// as a ticket's handling minutes). It is counted from the items themselves.
	Custom Kind = "custom"
	// Retention and Churn are the share of the customers at a span's start still there at its
	// end less the new ones ((E − N) / S), and the share of them lost; counted from customer
	// events.
	Retention Kind = "retention"
	Churn     Kind = "churn"
	// CLV is customer lifetime value: the gross profit per customer of a span (revenue ×
	// margin over the customers at its start) divided by the span's churn rate.
	CLV Kind = "clv"
	// Conversion is the share of the customers who signed up in a span who reached a
	// milestone (an event) within a number of days of signing up.
	Conversion Kind = "conversion"
)

// AllKinds lists every kind, in the order the interfaces offer them.
var AllKinds = []Kind{NPS, CSAT, CES, Custom, Retention, Churn, CLV, Conversion}

// kindList is AllKinds as a sentence, for errors.
func kindList() string {
	names := make([]string, len(AllKinds))
	for i, k := range AllKinds {
		names[i] = string(k)
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// Kinds lists the kinds that come from feedback answers.
var Kinds = []Kind{NPS, CSAT, CES}

// Question is the feedback question a kind counts.
func (k Kind) Question() feedback.Question { return feedback.Question(k) }

// Variant says how a CSAT or CES value is computed from the answers.
type Variant string

// The variants.
const (
	// Score is the kind's own score: NPS from −100 to 100.
	Score Variant = ""
	// Satisfied is CSAT's share of satisfied answers: the top two boxes of a 1–5 or 1–7
	// scale, the top box of 1–3, "good" of good/bad.
	Satisfied Variant = "satisfied"
	// Mean is the mean answer, on the definition's scale (Definition.Scale).
	Mean Variant = "mean"
	// Agree is CES's share of answers that the task was easy: 5–7 on the 1–7 scale, 1–2 on
	// the legacy 1–5 scale, where a low score means little effort.
	Agree Variant = "agree"
	// NetEasy is CES's share of easy answers less the share of difficult ones (1–3 on 1–7,
	// 4–5 on the legacy 1–5), from −100 to 100.
	NetEasy Variant = "net_easy"
)

// Variants lists the variants of each kind, the default first.
var Variants = map[Kind][]Variant{
	NPS:        {Score},
	CSAT:       {Satisfied, Mean},
	CES:        {Mean, Agree, NetEasy},
	Custom:     {Count, Sum, Mean},
	Retention:  {Score},
	Churn:      {Score},
	CLV:        {Score},
	Conversion: {Score},
}

// CustomerKind reports whether k is counted from customer events rather than feedback.
func (k Kind) CustomerKind() bool {
	return k == Retention || k == Churn || k == CLV || k == Conversion
}

// DefaultWithin is the days a conversion metric gives a customer to reach its milestone when
// its definition names none.
const DefaultWithin = 30

// Count and Sum are a custom metric's variants beside Mean: how many items, and the sum of
// their attribute.
const (
	Count Variant = "count"
	Sum   Variant = "sum"
)

// Bucket is the width of a series' points.
type Bucket string

// The buckets. A week is an ISO week, from Monday.
const (
	Day     Bucket = "day"
	Week    Bucket = "week"
	Month   Bucket = "month"
	Quarter Bucket = "quarter"
)

// Buckets lists the buckets.
var Buckets = []Bucket{Day, Week, Month, Quarter}

// Start is the first day of the bucket that holds d.
func (b Bucket) Start(d civil.Date) civil.Date {
	switch b {
	case Week:
		wd := int(d.Time().Weekday()+6) % 7 // Monday 0
		return d.AddDays(-wd)
	case Month:
		return civil.Date{Year: d.Year, Month: d.Month, Day: 1}
	case Quarter:
		return civil.Date{Year: d.Year, Month: (d.Month-1)/3*3 + 1, Day: 1}
	}
	return d
}

// Next is the first day of the bucket after the one that starts on start.
func (b Bucket) Next(start civil.Date) civil.Date {
	switch b {
	case Week:
		return start.AddDays(7)
	case Month:
		return civil.Of(start.Time().AddDate(0, 1, 0))
	case Quarter:
		return civil.Of(start.Time().AddDate(0, 3, 0))
	}
	return start.AddDays(1)
}

// Label names the bucket that starts on start the way people write it: 2026-03-09,
// 2026-W11, 2026-03, 2026-Q1.
func (b Bucket) Label(start civil.Date) string {
	switch b {
	case Week:
		y, w := start.Time().ISOWeek()
		return fmt.Sprintf("%d-W%02d", y, w)
	case Month:
		return fmt.Sprintf("%d-%02d", start.Year, int(start.Month))
	case Quarter:
		return fmt.Sprintf("%d-Q%d", start.Year, (int(start.Month)-1)/3+1)
	}
	return start.String()
}

// Filter keeps the answers whose dimension has one of the values given, for every dimension
// named: {"plan": ["pro", "enterprise"]}.
type Filter map[string][]string

// Keeps reports whether an item with the dimension values of value passes the filter.
func (f Filter) Keeps(value func(dim string) string) bool {
	for dim, want := range f {
		if !slices.Contains(want, value(dim)) {
			return false
		}
	}
	return true
}

// Dims lists the dimensions the filter names, sorted.
func (f Filter) Dims() []string {
	dims := make([]string, 0, len(f))
	for d := range f {
		dims = append(dims, d)
	}
	slices.Sort(dims)
	return dims
}

// Definition is a saved metric: what it measures, over which answers, and in which buckets.
type Definition struct {
	ID          int64   `json:"id"`
	WorkspaceID int64   `json:"workspace_id"`
	Name        string  `json:"name"`
	Description string  `json:"description,omitempty"`
	Kind        Kind    `json:"kind" jsonschema:"enum=nps,enum=csat,enum=ces,enum=custom,enum=retention,enum=churn,enum=clv,enum=conversion"`
	Variant     Variant `json:"variant,omitempty" jsonschema:"enum=,enum=satisfied,enum=mean,enum=agree,enum=net_easy,enum=count,enum=sum" jsonschema_description:"How the value is computed: csat satisfied (default) or mean; ces mean (default), agree or net_easy; custom count (default), sum or mean. Empty for the other kinds."`
	// Attribute is the numeric attribute a custom metric sums or averages.
	Attribute string `json:"attribute,omitempty" jsonschema_description:"For a custom metric: the numeric feedback attribute it sums or averages (or, with count, the items that have it)."`
	// Event is the milestone a conversion metric counts; Within the days after sign-up it
	// must come within.
	Event  string `json:"event,omitempty" jsonschema_description:"For a conversion metric: the customer event that marks the milestone, such as form_published."`
	Within int    `json:"within_days,omitempty" jsonschema_description:"For a conversion metric: the days after sign-up within which the milestone counts (default 30)."`
	// Margin is the gross margin a CLV metric counts, as a fraction.
	Margin float64 `json:"margin,omitempty" jsonschema_description:"For a CLV metric: the gross margin, a fraction above 0 and at most 1 (default 1)."`
	// Scale is the scale a mean is reported on; answers on another scale are mapped onto it
	// linearly. Empty for the kind's usual scale.
	Scale  *feedback.Scale `json:"scale,omitempty" jsonschema_description:"For a mean: the scale it is reported on; answers on other scales are mapped onto it linearly. Defaults to 1–5 for CSAT and 1–7 for CES."`
	Filter Filter          `json:"filter,omitempty" jsonschema_description:"The segment counted: for each dimension, the values kept, such as {\"plan\": [\"pro\"]}."`
	Bucket Bucket          `json:"bucket" jsonschema:"enum=day,enum=week,enum=month,enum=quarter" jsonschema_description:"The width of the points of its series."`
	// Window is how many days back from today the metric's current value looks (a key result
	// bound to it takes that value).
	Window    int       `json:"window_days" jsonschema:"minimum=1,maximum=3660" jsonschema_description:"How many days up to today its current value counts, as used by key results."`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	Version   int64     `json:"version"`
}

// ETagVersion is the version sent as the ETag.
func (d Definition) ETagVersion() int64 { return d.Version }

// DefinitionInput creates or replaces a definition.
type DefinitionInput struct {
	Name        string          `json:"name" jsonschema:"minLength=1,maxLength=200"`
	Description string          `json:"description,omitempty" jsonschema:"maxLength=2000"`
	Kind        Kind            `json:"kind" jsonschema:"enum=nps,enum=csat,enum=ces,enum=custom,enum=retention,enum=churn,enum=clv,enum=conversion"`
	Variant     Variant         `json:"variant,omitempty" jsonschema:"enum=,enum=satisfied,enum=mean,enum=agree,enum=net_easy,enum=count,enum=sum"`
	Attribute   string          `json:"attribute,omitempty" jsonschema:"maxLength=100"`
	Event       string          `json:"event,omitempty" jsonschema:"maxLength=100" jsonschema_description:"For conversion: the milestone's event name."`
	Within      int             `json:"within_days,omitempty" jsonschema_description:"For conversion: days after sign-up; defaults to 30."`
	Margin      float64         `json:"margin,omitempty" jsonschema_description:"For clv: the gross margin as a fraction; defaults to 1."`
	Scale       *feedback.Scale `json:"scale,omitempty"`
	Filter      Filter          `json:"filter,omitempty"`
	Bucket      Bucket          `json:"bucket,omitempty" jsonschema:"enum=day,enum=week,enum=month,enum=quarter" jsonschema_description:"Defaults to week."`
	Window      int             `json:"window_days,omitempty" jsonschema_description:"Defaults to 90."`
}

// DefaultWindow is the window of a definition that names none.
const DefaultWindow = 90

// Normalize fills the defaults.
func (in *DefinitionInput) Normalize() {
	in.Name = strings.TrimSpace(in.Name)
	if in.Bucket == "" {
		in.Bucket = Week
	}
	if in.Window == 0 {
		in.Window = DefaultWindow
	}
	if v, ok := Variants[in.Kind]; ok && in.Variant == "" {
		in.Variant = v[0]
	}
	if len(in.Filter) == 0 {
		in.Filter = nil
	}
	in.Event = strings.TrimSpace(in.Event)
	if in.Kind == Conversion && in.Within == 0 {
		in.Within = DefaultWithin
	}
	if in.Kind == CLV && in.Margin == 0 {
		in.Margin = 1
	}
}

// Validate fills the defaults and checks the input.
func (in *DefinitionInput) Validate() error {
	in.Normalize()
	var v fault.Validation
	v.Check(in.Name != "" && utf8.RuneCountInString(in.Name) <= 200, "name", "must be 1 to 200 characters")
	v.Check(utf8.RuneCountInString(in.Description) <= 2000, "description", "must be at most 2000 characters")
	variants, ok := Variants[in.Kind]
	v.Check(ok, "kind", "must be %s", kindList())
	if ok {
		v.Check(slices.Contains(variants, in.Variant), "variant", "must be one of %s for %s", variantList(variants), in.Kind)
	}
	checkAttribute(&v, in.Kind, in.Variant, in.Attribute)
	checkCustomerDims(&v, in.Kind, in.Filter, "")
	checkCustomerParams(&v, in.Kind, in.Event, in.Within, in.Margin)
	if in.Scale != nil {
		v.Check(in.Variant == Mean, "scale", "only a mean is reported on a scale")
		v.Check(in.Scale.Min < in.Scale.Max, "scale", "min must be below max")
	}
	v.Check(slices.Contains(Buckets, in.Bucket), "bucket", "must be day, week, month or quarter")
	v.Check(in.Window >= 1 && in.Window <= 3660, "window_days", "must be 1 to 3660")
	for _, d := range in.Filter.Dims() {
		v.Check(d != "" && utf8.RuneCountInString(d) <= feedback.MaxAttrKey, "filter", "a dimension name must be 1 to %d characters", feedback.MaxAttrKey)
		v.Check(len(in.Filter[d]) > 0, "filter."+d, "must list at least one value")
	}
	return v.Err()
}

func variantList(vs []Variant) string {
	names := make([]string, len(vs))
	for i, v := range vs {
		names[i] = string(v)
		if v == "" {
			names[i] = `"" (the score)`
		}
	}
	return strings.Join(names, ", ")
}

// Definition returns the definition the input describes.
func (in DefinitionInput) Definition() Definition {
	return Definition{Name: in.Name, Description: in.Description, Kind: in.Kind, Variant: in.Variant, Attribute: in.Attribute,
		Event: in.Event, Within: in.Within, Margin: in.Margin, Scale: in.Scale, Filter: in.Filter, Bucket: in.Bucket, Window: in.Window}
}

// Query asks for the values of a metric: what it measures, the days it covers [From, To),
// the buckets, and the dimension to break it down by ("" for none).
type Query struct {
	Kind      Kind
	Variant   Variant
	Attribute string // for a custom metric
	Scale     *feedback.Scale
	Filter    Filter
	From      civil.Date
	To        civil.Date // exclusive
	Every     Bucket     // "" for one value over the whole span
	By        string
	// Event and Within are a conversion metric's milestone and days; Margin is a CLV
	// metric's gross margin (1 when zero).
	Event  string
	Within int
	Margin float64
	// Now is the instant a conversion counts up to: a customer who signed up less than Within
	// days before it has not had the time to convert, and is left out. Zero means now.
	Now time.Time
}

// QueryOf is the query of definition d over [from, to).
func QueryOf(d Definition, from, to civil.Date) Query {
	return Query{Kind: d.Kind, Variant: d.Variant, Attribute: d.Attribute, Scale: d.Scale, Filter: d.Filter, From: from, To: to, Every: d.Bucket,
		Event: d.Event, Within: d.Within, Margin: d.Margin}
}

// Validate checks the query.
func (q *Query) Validate() error {
	var v fault.Validation
	variants, ok := Variants[q.Kind]
	v.Check(ok, "kind", "must be %s", kindList())
	if ok && q.Variant == "" {
		q.Variant = variants[0]
	}
	if ok {
		v.Check(slices.Contains(variants, q.Variant), "variant", "must be one of %s for %s", variantList(variants), q.Kind)
	}
	if q.Kind == Conversion && q.Within == 0 {
		q.Within = DefaultWithin
	}
	if q.Kind == CLV && q.Margin == 0 {
		q.Margin = 1
	}
	checkAttribute(&v, q.Kind, q.Variant, q.Attribute)
	checkCustomerDims(&v, q.Kind, q.Filter, q.By)
	checkCustomerParams(&v, q.Kind, q.Event, q.Within, q.Margin)
	v.Check(!q.From.IsZero() && !q.To.IsZero() && q.From.Before(q.To), "to", "must be after from")
	v.Check(q.Every == "" || slices.Contains(Buckets, q.Every), "every", "must be day, week, month or quarter")
	if !q.From.IsZero() && !q.To.IsZero() && q.Every == Day {
		v.Check(q.To.DaysSince(q.From) <= 3700, "every", "daily points over more than ten years are too many; choose week or longer")
	}
	return v.Err()
}

// Dims lists the dimensions the query needs apart: its breakdown and its filter's.
func (q Query) Dims() []string {
	dims := q.Filter.Dims()
	if q.By != "" && !slices.Contains(dims, q.By) {
		dims = append(dims, q.By)
	}
	return dims
}

// checkAttribute checks a custom metric's attribute: a sum or a mean needs one, and only a
// custom metric has one.
func checkAttribute(v *fault.Validation, k Kind, vr Variant, attr string) {
	switch {
	case k != Custom:
		v.Check(attr == "", "attribute", "only a custom metric names an attribute")
	case vr == Sum || vr == Mean:
		v.Check(attr != "", "attribute", "is required: the numeric attribute to %s", map[Variant]string{Sum: "sum", Mean: "average"}[vr])
	}
	v.Check(utf8.RuneCountInString(attr) <= feedback.MaxAttrKey, "attribute", "must be at most %d characters", feedback.MaxAttrKey)
}

// checkCustomerDims checks that a retention or churn metric names at most one customer
// dimension (plan, region or a customer attribute), in its filter or breakdown.
func checkCustomerDims(v *fault.Validation, k Kind, f Filter, by string) {
	if !k.CustomerKind() {
		return
	}
	dims := f.Dims()
	v.Check(len(dims) <= 1, "filter", "a %s metric filters on one customer dimension at most", k)
	if len(dims) == 1 && by != "" {
		v.Check(dims[0] == by, "by", "a %s metric breaks down by the dimension it filters on, %s", k, dims[0])
	}
}

// checkCustomerParams checks what only conversion and CLV metrics take: a conversion's
// milestone event and days, and a CLV's margin.
func checkCustomerParams(v *fault.Validation, k Kind, event string, within int, margin float64) {
	if k == Conversion {
		v.Check(event != "", "event", "is required: the event that marks the milestone, such as form_published")
		v.Check(utf8.RuneCountInString(event) <= feedback.MaxAttrKey, "event", "must be at most %d characters", feedback.MaxAttrKey)
		v.Check(within >= 1 && within <= 3660, "within_days", "must be 1 to 3660")
	} else {
		v.Check(event == "", "event", "only a conversion metric names an event")
		v.Check(within == 0, "within_days", "only a conversion metric has within_days")
	}
	if k == CLV {
		v.Check(margin > 0 && margin <= 1, "margin", "must be a fraction above 0 and at most 1, such as 0.8")
	} else {
		v.Check(margin == 0, "margin", "only a clv metric has a margin")
	}
}
