package metrics

import (
	"context"
	"errors"
	"math"
	"slices"
	"sort"
	"time"

	"github.com/lodestar-cx/lodestar/internal/civil"
	"github.com/lodestar-cx/lodestar/internal/fault"
	"github.com/lodestar-cx/lodestar/internal/journey"
	"github.com/lodestar-cx/lodestar/internal/stats"
)

// Customer metrics come from customer events rather than answers: who signed up when, who
// churned when, and what they paid. They read one row per customer (Lifecycle), which is far
// fewer than answers, and need no aggregates.

// Lifecycle is one customer as the customer metrics see them: when they became a customer
// (the customer's signup time, or else their first signed_up event), when they churned (their
// first churned event after that; zero while they stay), and a segment value.
type Lifecycle struct {
	Customer string
	Signup   time.Time
	Churn    time.Time
	Segment  string
}

// activeAt reports whether the customer was a customer at instant t.
func (l Lifecycle) activeAt(t time.Time) bool {
	return !l.Signup.IsZero() && !l.Signup.After(t) && (l.Churn.IsZero() || l.Churn.After(t))
}

// Period is the customer metrics of one bucket: S customers at its start, N new during it, E
// at its end, and Lost, the customers of S who churned during it; Revenue is what customers
// paid during it (the value of their purchased and renewed events).
type Period struct {
	Start     civil.Date     `json:"start"`
	End       civil.Date     `json:"end" jsonschema_description:"The day after the bucket's last day."`
	Label     string         `json:"label"`
	AtStart   int            `json:"customers_at_start"`
	New       int            `json:"new"`
	Lost      int            `json:"lost"`
	AtEnd     int            `json:"customers_at_end"`
	Revenue   float64        `json:"revenue"`
	Retention stats.Estimate `json:"retention" jsonschema_description:"(E − N) / S, in percent, with its Wilson interval over S."`
	Churn     stats.Estimate `json:"churn" jsonschema_description:"Customers of S lost during the period / S, in percent, with its Wilson interval."`
	// ARPC is the revenue per customer of the period (over the customers at its start), and
	// CLV the lifetime value it implies: ARPC × gross margin ÷ churn rate; absent without churn.
	ARPC float64  `json:"arpc"`
	CLV  *float64 `json:"clv,omitempty" jsonschema_description:"ARPC × gross margin ÷ churn rate; absent when no customer churned."`
}

// Periods computes the customer metrics of every bucket of [from, to) in loc. revenue gives
// the revenue of the instants [a, b).
func Periods(ls []Lifecycle, every Bucket, from, to civil.Date, loc *time.Location, margin float64, revenue func(a, b time.Time) float64) []Period {
	if loc == nil {
		loc = time.UTC
	}
	at := func(d civil.Date) time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc) }
	var out []Period
	for s := every.Start(from); s.Before(to); s = every.Next(s) {
		e := every.Next(s)
		a, b := at(s), at(e)
		p := Period{Start: s, End: e, Label: every.Label(s)}
		p.AtStart, p.New, p.Lost, p.AtEnd = spanCounts(ls, a, b)
		p.Retention = percent(stats.Wilson(clampInt(p.AtEnd-p.New, 0, p.AtStart), p.AtStart))
		p.Churn = percent(stats.Wilson(p.Lost, p.AtStart))
		if revenue != nil {
			p.Revenue = revenue(a, b)
		}
		if p.AtStart > 0 {
			p.ARPC = round(p.Revenue / float64(p.AtStart))
			if p.Lost > 0 {
				clv := round(p.ARPC * margin / (float64(p.Lost) / float64(p.AtStart)))
				p.CLV = &clv
			}
		}
		out = append(out, p)
	}
	return out
}

func clampInt(v, lo, hi int) int { return max(lo, min(hi, v)) }

// spanCounts counts, for the instants [a, b), the customers at its start, the new ones, the
// ones of the start lost during it, and the customers at its end. A customer who signs up and
// churns within the span is new and leaves the end count, but is not "lost": lost counts only
// those there at the start.
func spanCounts(ls []Lifecycle, a, b time.Time) (atStart, newN, lost, atEnd int) {
	for _, l := range ls {
		if l.activeAt(a.Add(-time.Nanosecond)) {
			atStart++
			if !l.Churn.IsZero() && l.Churn.Before(b) {
				lost++
			}
		}
		if !l.Signup.Before(a) && l.Signup.Before(b) {
			newN++
		}
		if l.activeAt(b.Add(-time.Nanosecond)) {
			atEnd++
		}
	}
	return atStart, newN, lost, atEnd
}

// customerInput is what a customer kind's samples are counted from, beside the lifecycles:
// the first time each customer reached a conversion's milestone, and the payments a CLV
// counts.
type customerInput struct {
	q       Query
	reached map[string]time.Time
	pays    Payments
	now     time.Time
}

// sample is the query's kind over the instants [a, b) for the customers of ls. members limits
// a CLV's revenue to the payments of those customers; nil counts every payment.
func (in *customerInput) sample(ls []Lifecycle, members map[string]bool, a, b time.Time) Sample {
	switch in.q.Kind {
	case Conversion:
		return conversionSample(ls, in.reached, time.Duration(in.q.Within)*24*time.Hour, in.now, a, b)
	case CLV:
		s0, _, lost, _ := spanCounts(ls, a, b)
		profit := in.pays.Sum(members, a, b) * in.q.Margin
		return Sample{Form: Lifetime, Pos: int64(lost), Neg: int64(s0 - lost), Moments: stats.Moments{N: s0, Sum: profit}}
	}
	return customerSample(in.q.Kind, ls, a, b)
}

// customerSample is retention or churn over [a, b) as a share: retained (E − N) or lost, out
// of the customers at the start.
func customerSample(k Kind, ls []Lifecycle, a, b time.Time) Sample {
	s0, n, lost, e := spanCounts(ls, a, b)
	if k == Churn {
		return Sample{Form: Share, Pos: int64(lost), Neg: int64(s0 - lost)}
	}
	kept := clampInt(e-n, 0, s0)
	return Sample{Form: Share, Pos: int64(kept), Neg: int64(s0 - kept)}
}

// conversionSample counts the customers of ls who signed up in [a, b): those who reached the
// milestone within window of signing up, and those who did not. A customer who signed up less
// than window before now has not had all the time to convert, and is skipped, converted or
// not: the rate is that of the customers whose window is over.
func conversionSample(ls []Lifecycle, reached map[string]time.Time, window time.Duration, now, a, b time.Time) Sample {
	s := Sample{Form: Share}
	for _, l := range ls {
		if l.Signup.Before(a) || !l.Signup.Before(b) {
			continue
		}
		t, ok := reached[l.Customer]
		switch {
		case l.Signup.Add(window).After(now):
			// Counting the quick converters of an unfinished window, and not the others,
			// would overstate the rate.
			s.Skipped++
		case ok && !t.Before(l.Signup) && t.Sub(l.Signup) <= window:
			s.Pos++
		default:
			s.Neg++
		}
	}
	return s
}

// Payment is what a customer paid at one time: the value of a purchased or renewed event.
type Payment struct {
	Customer string
	At       time.Time
	Value    float64
}

// Payments is payments in time order.
type Payments []Payment

// Sum is the value of the payments in [a, b) of the customers in members (all when nil).
func (ps Payments) Sum(members map[string]bool, a, b time.Time) float64 {
	i := sort.Search(len(ps), func(i int) bool { return !ps[i].At.Before(a) })
	sum := 0.0
	for ; i < len(ps) && ps[i].At.Before(b); i++ {
		if members == nil || members[ps[i].Customer] {
			sum += ps[i].Value
		}
	}
	return sum
}

// customerSet is the customers of ls, as a set.
func customerSet(ls []Lifecycle) map[string]bool {
	m := make(map[string]bool, len(ls))
	for _, l := range ls {
		m[l.Customer] = true
	}
	return m
}

// runCustomerKind answers a query of a customer kind (retention, churn, CLV, conversion):
// the value over the span, a point per bucket each tested against the one before, and the
// same per segment.
func runCustomerKind(ctx context.Context, r Reader, ws int64, layout Layout, q Query) (Result, error) {
	dim := q.By
	if dim == "" && len(q.Filter) == 1 {
		dim = q.Filter.Dims()[0]
	}
	ls, err := r.CustomerLifecycles(ctx, ws, dim)
	if err != nil {
		return Result{}, err
	}
	filtered := false
	if vals, ok := q.Filter[dim]; ok {
		kept := ls[:0:0]
		for _, l := range ls {
			if slices.Contains(vals, l.Segment) {
				kept = append(kept, l)
			}
		}
		ls, filtered = kept, true
	}
	notes, err := r.AnnotationsBetween(ctx, ws, q.From, q.To)
	if err != nil {
		return Result{}, err
	}
	loc := layout.Location
	if loc == nil {
		loc = time.UTC
	}
	at := func(d civil.Date) time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc) }
	in := &customerInput{q: q, now: q.Now}
	if in.now.IsZero() {
		in.now = time.Now()
	}
	switch q.Kind {
	case Conversion:
		firsts, err := r.FirstEvents(ctx, ws, []string{q.Event})
		if err != nil {
			return Result{}, err
		}
		in.reached = make(map[string]time.Time, len(firsts))
		for c, f := range firsts {
			in.reached[c] = f[q.Event]
		}
	case CLV:
		if in.pays, err = r.Payments(ctx, ws, at(q.From), at(q.To)); err != nil {
			return Result{}, err
		}
	}
	series := func(ls []Lifecycle, members map[string]bool) (Value, []Point) {
		total := Evaluate(in.sample(ls, members, at(q.From), at(q.To)))
		if q.Every == "" {
			return total, nil
		}
		var points []Point
		var prev *Sample
		for s := q.Every.Start(q.From); s.Before(q.To); s = q.Every.Next(s) {
			e := q.Every.Next(s)
			smp := in.sample(ls, members, at(s), at(e))
			p := Point{Start: s, End: e, Label: q.Every.Label(s), Value: Evaluate(smp)}
			if prev != nil && prev.Defined() && smp.Defined() {
				c := &Change{Test: Compare(smp, *prev)}
				for _, a := range notes {
					if !a.Day.Before(points[len(points)-1].Start) && a.Day.Before(e) {
						c.Annotations = append(c.Annotations, a)
					}
				}
				p.Change = c
			}
			points = append(points, p)
			prev = &smp
		}
		return total, points
	}
	res := Result{Kind: q.Kind, Variant: q.Variant, From: q.From, To: q.To, Every: q.Every, By: q.By, Source: FromCustomers}
	var members map[string]bool
	if filtered {
		members = customerSet(ls)
	}
	res.Total, res.Points = series(ls, members)
	if q.By != "" {
		for _, seg := range Segments(ls) {
			var part []Lifecycle
			for _, l := range ls {
				if l.Segment == seg {
					part = append(part, l)
				}
			}
			t, ps := series(part, customerSet(part))
			res.Segments = append(res.Segments, Segment{Value: seg, Total: t, Points: ps})
		}
	}
	return res, nil
}

func percent(e stats.Estimate) stats.Estimate {
	e.Value, e.Interval.Low, e.Interval.High = round(100*e.Value), round(100*e.Interval.Low), round(100*e.Interval.High)
	return e
}

// Cohort is the customers who signed up in one month, and the share of them still customers
// at the end of each month after (month 0 being the month they signed up in).
type Cohort struct {
	Month    string           `json:"month"`
	Size     int              `json:"size"`
	Retained []stats.Estimate `json:"retained" jsonschema_description:"For month 0, 1, 2, …: the percentage of the cohort still customers at that month's end, with its Wilson interval; up to the month of now."`
}

// Cohorts computes the monthly signup cohorts of [from, to) and their retention curves up to
// now.
func Cohorts(ls []Lifecycle, from, to civil.Date, now time.Time, loc *time.Location) []Cohort {
	if loc == nil {
		loc = time.UTC
	}
	at := func(d civil.Date) time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc) }
	var out []Cohort
	for m := Month.Start(from); m.Before(to); m = Month.Next(m) {
		a, b := at(m), at(Month.Next(m))
		var members []Lifecycle
		for _, l := range ls {
			if !l.Signup.Before(a) && l.Signup.Before(b) {
				members = append(members, l)
			}
		}
		c := Cohort{Month: Month.Label(m), Size: len(members)}
		// Month k's end, or now for the month in progress, which is the last.
		for end := Month.Next(m); ; end = Month.Next(end) {
			edge := at(end).Add(-time.Nanosecond)
			last := !at(end).Before(now)
			if last {
				edge = now
			}
			kept := 0
			for _, l := range members {
				if l.activeAt(edge) {
					kept++
				}
			}
			c.Retained = append(c.Retained, percent(stats.Wilson(kept, len(members))))
			if last {
				break
			}
		}
		out = append(out, c)
	}
	return out
}

// Step is one milestone of a funnel: how many of the customers who started reached it within
// the window, their share, and how long it took them.
type Step struct {
	Event   string         `json:"event"`
	Name    string         `json:"name,omitempty"`
	Reached int            `json:"reached"`
	Share   stats.Estimate `json:"share" jsonschema_description:"Reached over the customers who started, in percent, with its Wilson interval."`
	// FromPrevious is the share of those who reached the step before who reached this one.
	FromPrevious  stats.Estimate `json:"from_previous"`
	MedianSeconds *float64       `json:"median_seconds,omitempty" jsonschema_description:"Median time from sign-up to the milestone, among those who reached it."`
	P90Seconds    *float64       `json:"p90_seconds,omitempty"`
}

// Funnel is the conversion through a journey's milestones of the customers who signed up in a
// span.
type Funnel struct {
	Started    int    `json:"started" jsonschema_description:"Customers who signed up in the span."`
	WindowDays int    `json:"window_days"`
	Steps      []Step `json:"steps"`
}

// MilestoneFunnel computes the funnel of the steps (event names, in journey order) for the
// customers of ls, counting a milestone as reached when its first event comes within window
// of sign-up. firsts holds each customer's first time of each event.
func MilestoneFunnel(ls []Lifecycle, steps []Step, firsts map[string]map[string]time.Time, window time.Duration) Funnel {
	f := Funnel{Started: len(ls), WindowDays: int(window / (24 * time.Hour))}
	prevReached := len(ls)
	for _, st := range steps {
		var took []float64
		for _, l := range ls {
			t, ok := firsts[l.Customer][st.Event]
			if ok && !t.Before(l.Signup) && t.Sub(l.Signup) <= window {
				took = append(took, t.Sub(l.Signup).Seconds())
			}
		}
		st.Reached = len(took)
		st.Share = percent(stats.Wilson(st.Reached, len(ls)))
		st.FromPrevious = percent(stats.Wilson(min(st.Reached, prevReached), prevReached))
		if len(took) > 0 {
			sort.Float64s(took)
			med, p90 := quantile(took, 0.5), quantile(took, 0.9)
			st.MedianSeconds, st.P90Seconds = &med, &p90
		}
		prevReached = st.Reached
		f.Steps = append(f.Steps, st)
	}
	return f
}

// quantile is the q-quantile of sorted xs by linear interpolation between closest ranks.
func quantile(xs []float64, q float64) float64 {
	if len(xs) == 1 {
		return xs[0]
	}
	pos := q * float64(len(xs)-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, len(xs)-1)
	return xs[lo] + (xs[hi]-xs[lo])*(pos-float64(lo))
}

// Segments lists the segment values of ls, sorted.
func Segments(ls []Lifecycle) []string {
	seen := map[string]bool{}
	for _, l := range ls {
		seen[l.Segment] = true
	}
	out := make([]string, 0, len(seen))
	for s := range seen {
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

// CustomerQuery asks for the customer metrics of a span.
type CustomerQuery struct {
	From, To civil.Date
	Every    Bucket
	By       string
	// Margin is the gross margin, as a fraction, that CLV counts; 1 when zero.
	Margin float64
}

// CustomerSegment is the periods of one segment value.
type CustomerSegment struct {
	Value   string   `json:"value"`
	Periods []Period `json:"periods"`
}

// CustomerResult is the customer metrics of a span: every period for all customers, and for
// each segment value when the query has a breakdown.
type CustomerResult struct {
	From     civil.Date        `json:"from"`
	To       civil.Date        `json:"to"`
	Every    Bucket            `json:"every"`
	By       string            `json:"by,omitempty"`
	Margin   float64           `json:"margin"`
	Periods  []Period          `json:"periods"`
	Segments []CustomerSegment `json:"segments,omitempty"`
}

// Validate checks the query and fills its defaults.
func (q *CustomerQuery) Validate() error {
	var v fault.Validation
	if q.Every == "" {
		q.Every = Month
	}
	if q.Margin == 0 {
		q.Margin = 1
	}
	v.Check(slices.Contains(Buckets, q.Every), "every", "must be day, week, month or quarter")
	v.Check(!q.From.IsZero() && !q.To.IsZero() && q.From.Before(q.To), "to", "must be after from")
	v.Check(q.Margin > 0 && q.Margin <= 1, "margin", "must be a fraction above 0 and at most 1")
	if v.Err() == nil {
		v.Check(q.To.DaysSince(q.From) <= 3700 && (q.Every != Day || q.To.DaysSince(q.From) <= 1000), "every", "too many periods; choose a wider bucket or a shorter span")
	}
	return v.Err()
}

// CustomerReader is the storage the customer metrics read.
type CustomerReader interface {
	MetricLayout(ctx context.Context, ws int64) (Layout, error)
	CustomerLifecycles(ctx context.Context, ws int64, segment string) ([]Lifecycle, error)
	Payments(ctx context.Context, ws int64, from, to time.Time) (Payments, error)
}

// RunCustomers answers a customer query. A segment's revenue is what its own customers paid.
func RunCustomers(ctx context.Context, r CustomerReader, ws int64, q CustomerQuery) (CustomerResult, error) {
	if err := q.Validate(); err != nil {
		return CustomerResult{}, err
	}
	layout, err := r.MetricLayout(ctx, ws)
	if err != nil {
		return CustomerResult{}, err
	}
	ls, err := r.CustomerLifecycles(ctx, ws, q.By)
	if err != nil {
		return CustomerResult{}, err
	}
	loc := layout.Location
	if loc == nil {
		loc = time.UTC
	}
	at := func(d civil.Date) time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc) }
	pays, err := r.Payments(ctx, ws, at(q.Every.Start(q.From)), at(q.To).AddDate(0, 3, 0))
	if err != nil {
		return CustomerResult{}, err
	}
	revenueOf := func(members map[string]bool) func(a, b time.Time) float64 {
		return func(a, b time.Time) float64 { return pays.Sum(members, a, b) }
	}
	res := CustomerResult{From: q.From, To: q.To, Every: q.Every, By: q.By, Margin: q.Margin,
		Periods: Periods(ls, q.Every, q.From, q.To, loc, q.Margin, revenueOf(nil))}
	if q.By != "" {
		for _, seg := range Segments(ls) {
			var part []Lifecycle
			for _, l := range ls {
				if l.Segment == seg {
					part = append(part, l)
				}
			}
			ps := Periods(part, q.Every, q.From, q.To, loc, q.Margin, revenueOf(customerSet(part)))
			res.Segments = append(res.Segments, CustomerSegment{Value: seg, Periods: ps})
		}
	}
	return res, nil
}

// ErrNoMilestones is the error of a funnel of a journey without milestones.
var ErrNoMilestones = errors.New("the journey has no milestones")

// FunnelReader is the storage a funnel reads.
type FunnelReader interface {
	MetricLayout(ctx context.Context, ws int64) (Layout, error)
	CustomerLifecycles(ctx context.Context, ws int64, segment string) ([]Lifecycle, error)
	FirstEvents(ctx context.Context, ws int64, names []string) (map[string]map[string]time.Time, error)
}

// JourneyFunnel computes the funnel through the milestones of journey map m, in stage and
// touchpoint order, of the customers who signed up in [from, to), a milestone counting when
// reached within window days of sign-up.
func JourneyFunnel(ctx context.Context, r FunnelReader, ws int64, m journey.Map, from, to civil.Date, window int) (Funnel, error) {
	layout, err := r.MetricLayout(ctx, ws)
	if err != nil {
		return Funnel{}, err
	}
	var steps []Step
	var names []string
	for _, stage := range m.Stages {
		for _, tp := range stage.Touchpoints {
			if tp.EventName != "" {
				steps = append(steps, Step{Event: tp.EventName, Name: tp.Name})
				names = append(names, tp.EventName)
			}
		}
	}
	if len(steps) == 0 {
		return Funnel{}, ErrNoMilestones
	}
	ls, err := r.CustomerLifecycles(ctx, ws, "")
	if err != nil {
		return Funnel{}, err
	}
	loc := layout.Location
	if loc == nil {
		loc = time.UTC
	}
	a := time.Date(from.Year, from.Month, from.Day, 0, 0, 0, 0, loc)
	b := time.Date(to.Year, to.Month, to.Day, 0, 0, 0, 0, loc)
	var started []Lifecycle
	for _, l := range ls {
		if !l.Signup.Before(a) && l.Signup.Before(b) {
			started = append(started, l)
		}
	}
	firsts, err := r.FirstEvents(ctx, ws, names)
	if err != nil {
		return Funnel{}, err
	}
	return MilestoneFunnel(started, steps, firsts, time.Duration(window)*24*time.Hour), nil
}
