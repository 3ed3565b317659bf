package metrics

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/lodestar-cx/lodestar/internal/civil"
	"github.com/lodestar-cx/lodestar/internal/feedback"
)

// Reader is the storage a query is answered from; the store is one.
type Reader interface {
	MetricLayout(ctx context.Context, ws int64) (Layout, error)
	AggregateRows(ctx context.Context, ws int64, question feedback.Question, dim string, values []string, from, to civil.Date) ([]Row, error)
	EachAnswer(ctx context.Context, ws int64, question feedback.Question, from, to time.Time, fn func(*feedback.Item)) error
	EachItem(ctx context.Context, ws int64, from, to time.Time, fn func(*feedback.Item)) error
	AnnotationsBetween(ctx context.Context, ws int64, from, to civil.Date) ([]Annotation, error)
	CustomerLifecycles(ctx context.Context, ws int64, segment string) ([]Lifecycle, error)
	FirstEvents(ctx context.Context, ws int64, names []string) (map[string]map[string]time.Time, error)
	Payments(ctx context.Context, ws int64, from, to time.Time) (Payments, error)
}

// Sources of a result.
const (
	FromAggregates = "aggregates"
	FromFeedback   = "feedback"
	FromCustomers  = "customers"
)

// Run answers query q for workspace ws: from the aggregates when the workspace keeps the
// dimensions it needs apart, or else from every answer of its span. Both give the same
// numbers; the first costs O(days × segments), the second O(answers).
func Run(ctx context.Context, r Reader, ws int64, q Query) (Result, error) {
	if err := q.Validate(); err != nil {
		return Result{}, err
	}
	layout, err := r.MetricLayout(ctx, ws)
	if err != nil {
		return Result{}, err
	}
	if q.Kind.CustomerKind() {
		return runCustomerKind(ctx, r, ws, layout, q)
	}
	var rows []Row
	source := FromAggregates
	if q.Kind == Custom {
		source = FromFeedback
		if rows, err = Scan(ctx, r, ws, layout, q); err != nil {
			return Result{}, err
		}
	} else if dim, values, ok := layout.Answers(q); ok {
		rows, err = r.AggregateRows(ctx, ws, q.Kind.Question(), dim, values, q.From, q.To)
		if err != nil {
			return Result{}, err
		}
		if q.By == "" {
			for i := range rows {
				rows[i].Value = ""
			}
		}
	} else {
		source = FromFeedback
		if rows, err = Scan(ctx, r, ws, layout, q); err != nil {
			return Result{}, err
		}
	}
	notes, err := r.AnnotationsBetween(ctx, ws, q.From, q.To)
	if err != nil {
		return Result{}, err
	}
	res := q.Evaluate(rows, notes)
	res.Source = source
	return res, nil
}

// Scan computes the rows of query q from every answer of its span, as the aggregates would
// hold them if they kept every dimension apart.
func Scan(ctx context.Context, r Reader, ws int64, layout Layout, q Query) ([]Row, error) {
	loc := layout.Location
	if loc == nil {
		loc = time.UTC
	}
	from := time.Date(q.From.Year, q.From.Month, q.From.Day, 0, 0, 0, 0, loc)
	to := time.Date(q.To.Year, q.To.Month, q.To.Day, 0, 0, 0, 0, loc)
	type key struct {
		value string
		day   civil.Date
		scale feedback.Scale
	}
	cells := map[key]Scores{}
	add := func(it *feedback.Item, k key, v float64) {
		if q.By != "" {
			k.value = DimValue(it, q.By)
		}
		s := cells[k]
		s.Add(One(v))
		cells[k] = s
	}
	keep := func(it *feedback.Item) bool {
		return q.Filter.Keeps(func(dim string) string { return DimValue(it, dim) })
	}
	var err error
	if q.Kind == Custom {
		// A custom metric counts items, or the items with a numeric value in its attribute.
		err = r.EachItem(ctx, ws, from, to, func(it *feedback.Item) {
			if !keep(it) {
				return
			}
			v := 1.0
			if q.Attribute != "" {
				f, ok := numericAttribute(it.Attributes[q.Attribute])
				if !ok {
					return
				}
				v = f
			}
			add(it, key{day: layout.Day(it.At)}, v)
		})
	} else {
		err = r.EachAnswer(ctx, ws, q.Kind.Question(), from, to, func(it *feedback.Item) {
			if Counts(it) && keep(it) {
				add(it, key{day: layout.Day(it.At), scale: *it.Scale}, *it.Score)
			}
		})
	}
	if err != nil {
		return nil, fmt.Errorf("scan answers: %w", err)
	}
	rows := make([]Row, 0, len(cells))
	for k, s := range cells {
		rows = append(rows, Row{Value: k.value, Day: k.day, Scale: k.scale, Scores: s})
	}
	return rows, nil
}

// numericAttribute reads an attribute as a number: a decimal point, no grouping.
func numericAttribute(s string) (float64, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return f, err == nil && !math.IsNaN(f) && !math.IsInf(f, 0)
}
