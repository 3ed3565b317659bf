package metrics

import (
	"cmp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lodestar-cx/lodestar/internal/civil"
	"github.com/lodestar-cx/lodestar/internal/fault"
	"github.com/lodestar-cx/lodestar/internal/feedback"
	"github.com/lodestar-cx/lodestar/internal/stats"
)

// Row is one cell of the aggregates as read for a query: the answers on one day, on one
// scale, whose breakdown dimension has the value Value ("" without a breakdown).
type Row struct {
	Value  string
	Day    civil.Date
	Scale  feedback.Scale
	Scores Scores
}

// Annotation is a dated event of the workspace (a release, a campaign, an incident), drawn on
// charts and returned with the changes it may explain.
type Annotation struct {
	ID          int64      `json:"id"`
	WorkspaceID int64      `json:"workspace_id"`
	Day         civil.Date `json:"day"`
	Kind        string     `json:"kind" jsonschema:"enum=release,enum=campaign,enum=incident,enum=other"`
	Title       string     `json:"title"`
	Description string     `json:"description,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
	Version     int64      `json:"version"`
}

// ETagVersion is the version sent as the ETag.
func (a Annotation) ETagVersion() int64 { return a.Version }

// AnnotationKinds lists the kinds of annotation.
var AnnotationKinds = []string{"release", "campaign", "incident", "other"}

// Point is one bucket of a series.
type Point struct {
	Start civil.Date `json:"start"`
	End   civil.Date `json:"end" jsonschema_description:"The day after the bucket's last day."`
	Label string     `json:"label"`
	Value
	// Change is the test of this point against the one before; absent on the first point and
	// where either has no answers.
	Change *Change `json:"change,omitempty"`
}

// Change is a tested difference between two values, with the annotations dated inside the
// span it covers, which may explain it.
type Change struct {
	stats.Test
	Annotations []Annotation `json:"annotations,omitempty"`
}

// Segment is the series of one value of the breakdown dimension.
type Segment struct {
	Value  string  `json:"value"`
	Total  Value   `json:"total"`
	Points []Point `json:"points,omitempty"`
}

// Result is what a query returns: the value over the whole span, its series when the query
// has buckets, and the same for each segment when it has a breakdown.
type Result struct {
	Kind    Kind    `json:"kind"`
	Variant Variant `json:"variant,omitempty"`
	// Attribute is a custom metric's attribute.
	Attribute string     `json:"attribute,omitempty"`
	From      civil.Date `json:"from"`
	To        civil.Date `json:"to" jsonschema_description:"The day after the last day counted."`
	Every     Bucket     `json:"every,omitempty"`
	By        string     `json:"by,omitempty"`
	Total     Value      `json:"total"`
	Points    []Point    `json:"points,omitempty"`
	Segments  []Segment  `json:"segments,omitempty"`
	// Source says where the answers were counted: "aggregates" or, for a filter or breakdown
	// over dimensions the workspace does not aggregate, "feedback" (every answer read).
	Source string `json:"source"`
}

// Significant lists the points, of the total series and of every segment, whose change from
// the point before is significant.
func (r Result) Significant() []Point {
	var out []Point
	for _, p := range r.Points {
		if p.Change != nil && p.Change.Significant {
			out = append(out, p)
		}
	}
	for _, s := range r.Segments {
		for _, p := range s.Points {
			if p.Change != nil && p.Change.Significant {
				out = append(out, p)
			}
		}
	}
	return out
}

// Evaluate computes the result of q from rows, which hold the answers of the query's span
// that pass its filter, apart by the breakdown value when q.By is set. Annotations are
// attached to the changes whose span holds them.
func (q Query) Evaluate(rows []Row, notes []Annotation) Result {
	r := Result{Kind: q.Kind, Variant: q.Variant, Attribute: q.Attribute, From: q.From, To: q.To, Every: q.Every, By: q.By}
	total := ByScale{}
	bySeg := map[string][]Row{}
	for _, row := range rows {
		total.Add(row.Scale, row.Scores)
		if q.By != "" {
			bySeg[row.Value] = append(bySeg[row.Value], row)
		}
	}
	r.Total = Evaluate(SampleOf(q.Kind, q.Variant, q.Scale, total))
	r.Points = q.series(rows, notes)
	if q.By == "" {
		return r
	}
	for v, rs := range bySeg {
		b := ByScale{}
		for _, row := range rs {
			b.Add(row.Scale, row.Scores)
		}
		r.Segments = append(r.Segments, Segment{Value: v, Total: Evaluate(SampleOf(q.Kind, q.Variant, q.Scale, b)),
			Points: q.series(rs, notes)})
	}
	// The biggest segments first; ties by value, so the order is stable.
	slices.SortFunc(r.Segments, func(a, b Segment) int {
		if c := cmp.Compare(b.Total.Sample.N(), a.Total.Sample.N()); c != 0 {
			return c
		}
		return cmp.Compare(a.Value, b.Value)
	})
	return r
}

// series folds rows into the query's buckets, every bucket of the span present (empty ones
// with n 0), each tested against the one before.
func (q Query) series(rows []Row, notes []Annotation) []Point {
	if q.Every == "" {
		return nil
	}
	var points []Point
	index := map[civil.Date]int{}
	var samples []ByScale
	for s := q.Every.Start(q.From); s.Before(q.To); s = q.Every.Next(s) {
		index[s] = len(points)
		end := q.Every.Next(s)
		points = append(points, Point{Start: s, End: end, Label: q.Every.Label(s)})
		samples = append(samples, ByScale{})
	}
	for _, row := range rows {
		if i, ok := index[q.Every.Start(row.Day)]; ok {
			samples[i].Add(row.Scale, row.Scores)
		}
	}
	var prev *Sample
	for i := range points {
		s := SampleOf(q.Kind, q.Variant, q.Scale, samples[i])
		points[i].Value = Evaluate(s)
		if prev != nil && prev.Defined() && s.Defined() {
			c := &Change{Test: Compare(s, *prev)}
			from, to := points[i-1].Start, points[i].End
			for _, a := range notes {
				if !a.Day.Before(from) && a.Day.Before(to) {
					c.Annotations = append(c.Annotations, a)
				}
			}
			points[i].Change = c
		}
		prev = &s
	}
	return points
}

// Comparison is the test of one sample against another: two periods, or two segments.
type Comparison struct {
	A    Value      `json:"a"`
	B    Value      `json:"b"`
	Test stats.Test `json:"test" jsonschema_description:"A less B, with its interval, statistic and p-value."`
}

// CompareSamples compares a with b.
func CompareSamples(a, b Sample) Comparison {
	return Comparison{A: Evaluate(a), B: Evaluate(b), Test: Compare(a, b)}
}

// AnnotationInput records an annotation.
type AnnotationInput struct {
	Day         civil.Date `json:"day"`
	Kind        string     `json:"kind,omitempty" jsonschema:"enum=release,enum=campaign,enum=incident,enum=other" jsonschema_description:"Defaults to other."`
	Title       string     `json:"title" jsonschema:"minLength=1,maxLength=200"`
	Description string     `json:"description,omitempty" jsonschema:"maxLength=2000"`
}

// Validate checks the input and fills its defaults.
func (in *AnnotationInput) Validate() error {
	in.Title = strings.TrimSpace(in.Title)
	if in.Kind == "" {
		in.Kind = "other"
	}
	var v fault.Validation
	v.Check(!in.Day.IsZero(), "day", "is required")
	v.Check(slices.Contains(AnnotationKinds, in.Kind), "kind", "must be release, campaign, incident or other")
	v.Check(in.Title != "" && utf8.RuneCountInString(in.Title) <= 200, "title", "must be 1 to 200 characters")
	v.Check(utf8.RuneCountInString(in.Description) <= 2000, "description", "must be at most 2000 characters")
	return v.Err()
}
