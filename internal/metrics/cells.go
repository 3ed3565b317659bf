package metrics

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lodestar-cx/lodestar/internal/civil"
	"github.com/lodestar-cx/lodestar/internal/fault"
	"github.com/lodestar-cx/lodestar/internal/feedback"
)

// Scores counts the answers of one question on one scale: how many, their sum and sum of
// squares (enough for a mean and its interval), and how many gave each whole score from 0 to
// 10 (enough for NPS, top boxes and every other share). A score that is not a whole number
// from 0 to 10 counts in N, Sum and SumSq only.
type Scores struct {
	N     int64
	Sum   float64
	SumSq float64
	Count [11]int64
}

// Add adds o to s; Sub takes it away.
func (s *Scores) Add(o Scores) {
	s.N += o.N
	s.Sum += o.Sum
	s.SumSq += o.SumSq
	for i := range s.Count {
		s.Count[i] += o.Count[i]
	}
}

// Sub takes o away from s.
func (s *Scores) Sub(o Scores) {
	s.N -= o.N
	s.Sum -= o.Sum
	s.SumSq -= o.SumSq
	for i := range s.Count {
		s.Count[i] -= o.Count[i]
	}
}

// IsZero reports whether s counts nothing.
func (s Scores) IsZero() bool { return s == Scores{} }

// One is the Scores of a single answer.
func One(score float64) Scores {
	s := Scores{N: 1, Sum: score, SumSq: score * score}
	if score >= 0 && score <= 10 && score == math.Trunc(score) {
		s.Count[int(score)] = 1
	}
	return s
}

// Range sums the counts of the whole scores lo to hi, both included.
func (s Scores) Range(lo, hi int) int64 {
	var n int64
	for i := max(lo, 0); i <= min(hi, 10); i++ {
		n += s.Count[i]
	}
	return n
}

// Whole is the number of answers that were whole scores from 0 to 10.
func (s Scores) Whole() int64 { return s.Range(0, 10) }

// Key names one cell of the aggregates: the answers to one question on one scale, given on
// one day (in the workspace's time zone), whose dimension Dim has the value Value. Dim ""
// is the total, with Value "".
type Key struct {
	Question feedback.Question
	Scale    feedback.Scale
	Dim      string
	Value    string
	Day      civil.Date
}

// Cells is a set of aggregate cells, as kept by the store and as computed from items.
type Cells map[Key]Scores

// Add adds s to the cell k.
func (c Cells) Add(k Key, s Scores) {
	v := c[k]
	v.Add(s)
	c[k] = v
}

// Sub takes every cell of o away from c.
func (c Cells) Sub(o Cells) {
	for k, s := range o {
		v := c[k]
		v.Sub(s)
		c[k] = v
	}
}

// Changed drops the cells that sum to nothing: what is left is what a write must apply.
func (c Cells) Changed() Cells {
	for k, s := range c {
		if s.IsZero() {
			delete(c, k)
		}
	}
	return c
}

// Sorted lists the keys in a stable order, so writes take row locks in one order.
func (c Cells) Sorted() []Key {
	keys := make([]Key, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b Key) int {
		if n := strings.Compare(string(a.Question), string(b.Question)); n != 0 {
			return n
		}
		if n := strings.Compare(a.Dim, b.Dim); n != 0 {
			return n
		}
		if n := a.Day.Compare(b.Day); n != 0 {
			return n
		}
		if n := strings.Compare(a.Value, b.Value); n != 0 {
			return n
		}
		if a.Scale.Min != b.Scale.Min {
			return cmpFloat(a.Scale.Min, b.Scale.Min)
		}
		return cmpFloat(a.Scale.Max, b.Scale.Max)
	})
	return keys
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Layout says how the workspace aggregates its feedback: the time zone its days are counted
// in, and the dimensions kept apart in the aggregates (the segments that metrics can be
// broken down and filtered by without reading raw feedback).
type Layout struct {
	Location   *time.Location
	Dimensions []string
}

// The dimensions every item has, beside its attributes.
const (
	DimSource     = "source"
	DimSourceKind = "source_kind"
	DimTouchpoint = "touchpoint"
	DimQuestion   = "question"
)

// DefaultDimensions are the dimensions of a new workspace.
var DefaultDimensions = []string{DimSource, DimTouchpoint, "plan", "region", "channel"}

// MaxDimensions bounds the dimensions a workspace keeps: each one is another row in the
// aggregates for every answer.
const MaxDimensions = 12

// DimValue is the value of dimension dim for item it: its source, source kind or touchpoint,
// or else the attribute of that name ("" when it has none).
func DimValue(it *feedback.Item, dim string) string {
	switch dim {
	case DimSource:
		return it.Source
	case DimSourceKind:
		return string(it.SourceKind)
	case DimTouchpoint:
		return it.Touchpoint
	case DimQuestion:
		return string(it.Question)
	}
	return it.Attributes[dim]
}

// Counts reports whether it counts in any metric: a scored answer to NPS, CSAT or CES that
// the source did not exclude.
func Counts(it *feedback.Item) bool {
	return !it.Excluded && it.Question != feedback.None && it.Score != nil && it.Scale != nil
}

// Contribute adds what item it brings to the aggregates to c: one cell for the total and one
// for each dimension of the layout, on the item's day in the workspace's time zone.
func (l Layout) Contribute(c Cells, it *feedback.Item) {
	if !Counts(it) {
		return
	}
	s := One(*it.Score)
	k := Key{Question: it.Question, Scale: *it.Scale, Day: l.Day(it.At)}
	c.Add(k, s)
	for _, d := range l.Dimensions {
		k.Dim, k.Value = d, DimValue(it, d)
		c.Add(k, s)
	}
}

// Day is the calendar day of t in the layout's time zone.
func (l Layout) Day(t time.Time) civil.Date {
	loc := l.Location
	if loc == nil {
		loc = time.UTC
	}
	return civil.Of(t.In(loc))
}

// Start is the instant day d starts in the workspace's time zone.
func (l Layout) Start(d civil.Date) time.Time {
	loc := l.Location
	if loc == nil {
		loc = time.UTC
	}
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// HasDimension reports whether the layout keeps dim apart.
func (l Layout) HasDimension(dim string) bool {
	return dim == "" || slices.Contains(l.Dimensions, dim)
}

// LayoutInput sets a workspace's layout.
type LayoutInput struct {
	TimeZone   string   `json:"time_zone" jsonschema_description:"The IANA time zone days are counted in, such as Europe/Paris."`
	Dimensions []string `json:"dimensions" jsonschema_description:"The dimensions aggregated apart: source, source_kind, touchpoint, or an attribute name."`
}

// Validate checks the input.
func (in *LayoutInput) Validate() error {
	var v fault.Validation
	if _, err := time.LoadLocation(in.TimeZone); err != nil || in.TimeZone == "" || in.TimeZone == "Local" {
		v.Add("time_zone", "%q is not an IANA time zone name", in.TimeZone)
	}
	v.Check(len(in.Dimensions) <= MaxDimensions, "dimensions", "at most %d", MaxDimensions)
	seen := map[string]bool{}
	for i, d := range in.Dimensions {
		f := fmt.Sprintf("dimensions[%d]", i)
		v.Check(d != "" && utf8.RuneCountInString(d) <= feedback.MaxAttrKey, f, "must be 1 to %d characters", feedback.MaxAttrKey)
		v.Check(!seen[d], f, "%q is named twice", d)
		seen[d] = true
	}
	if in.Dimensions == nil {
		in.Dimensions = []string{}
	}
	return v.Err()
}

// Input is the layout as an input.
func (l Layout) Input() LayoutInput {
	tz := "UTC"
	if l.Location != nil {
		tz = l.Location.String()
	}
	return LayoutInput{TimeZone: tz, Dimensions: l.Dimensions}
}

// Answers tells how the aggregates answer query q: from the cells of one dimension (dim, ""
// for the total) keeping the values given (all when empty), or not at all (ok false) when
// the query needs two dimensions together or one the layout does not keep apart.
func (l Layout) Answers(q Query) (dim string, values []string, ok bool) {
	dims := q.Dims()
	switch {
	case len(dims) == 0:
		return "", nil, true
	case len(dims) == 1 && l.HasDimension(dims[0]):
		return dims[0], q.Filter[dims[0]], true
	}
	return "", nil, false
}

// Diff lists the cells where have and want differ, counts exactly and sums within a
// rounding error, as lines for people; empty when they agree.
func Diff(have, want Cells) []string {
	var out []string
	all := Cells{}
	for k := range have {
		all[k] = Scores{}
	}
	for k := range want {
		all[k] = Scores{}
	}
	for _, k := range all.Sorted() {
		h, w := have[k], want[k]
		if h.N == w.N && h.Count == w.Count && near(h.Sum, w.Sum) && near(h.SumSq, w.SumSq) {
			continue
		}
		out = append(out, fmt.Sprintf("%s %s=%q %s scale %g–%g: have n %d sum %g, want n %d sum %g",
			k.Question, orTotal(k.Dim), k.Value, k.Day, k.Scale.Min, k.Scale.Max, h.N, h.Sum, w.N, w.Sum))
	}
	return out
}

func orTotal(dim string) string {
	if dim == "" {
		return "total"
	}
	return dim
}

func near(a, b float64) bool {
	return math.Abs(a-b) <= 1e-6*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}
