package cli

import (
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/lodestar-cx/lodestar/internal/civil"
	"github.com/lodestar-cx/lodestar/internal/metrics"
	"github.com/lodestar-cx/lodestar/internal/store"
)

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string { return strings.Join(*l, " ") }

func (l *stringList) Set(s string) error {
	*l = append(*l, s)
	return nil
}

// dateFlag is a calendar date flag.
type dateFlag struct{ d civil.Date }

func (f *dateFlag) String() string {
	if f == nil || f.d.IsZero() {
		return ""
	}
	return f.d.String()
}

func (f *dateFlag) Set(s string) error {
	d, err := civil.Parse(s)
	if err != nil {
		return fmt.Errorf("want a date such as 2026-01-31")
	}
	f.d = d
	return nil
}

func metricsCommand() *command {
	subs := []*command{}
	for _, k := range metrics.AllKinds {
		subs = append(subs, metricValueCommand(k))
	}
	subs = append(subs, customersCommand(), cohortsCommand(), funnelCommand(),
		roadmapCommand("rebuild", "recompute the workspace's metric aggregates from its feedback", nil,
			func(ctx context.Context, e *env, st *store.Store, ws int64) error {
				started := time.Now()
				if err := st.RebuildAggregates(ctx, ws); err != nil {
					return err
				}
				cells, err := st.Aggregates(ctx, ws)
				if err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "rebuilt %d aggregate cells in %s\n", len(cells), time.Since(started).Round(time.Millisecond))
				return nil
			}),
		roadmapCommand("check", "compare the metric aggregates with a recomputation from the feedback, changing nothing", nil,
			func(ctx context.Context, e *env, st *store.Store, ws int64) error {
				have, err := st.Aggregates(ctx, ws)
				if err != nil {
					return err
				}
				want, err := st.RecomputeAggregates(ctx, ws)
				if err != nil {
					return err
				}
				diff := metrics.Diff(have, want)
				if len(diff) == 0 {
					fmt.Fprintf(e.stdout, "%d aggregate cells, all as a recomputation gives them\n", len(have))
					return nil
				}
				for _, d := range diff[:min(len(diff), 20)] {
					fmt.Fprintf(e.stdout, "  %s\n", d)
				}
				return fmt.Errorf("%d aggregate cells differ from a recomputation: run lodestar metrics rebuild", len(diff))
			}),
	)
	return &command{name: "metrics", summary: "NPS, CSAT, CES, retention, churn, CLV and conversion by segment and over time, with their intervals; rebuild and check the aggregates", subs: subs}
}

func metricValueCommand(k metrics.Kind) *command {
	var variant, by, every, format, attribute, event string
	var within int
	var margin float64
	var filters stringList
	var span spanFlags
	summary := fmt.Sprintf("%s over a span, by bucket and segment, each value with n and its 95%% interval", strings.ToUpper(string(k)))
	switch {
	case k == metrics.Custom:
		summary = "count feedback items, or sum or average a numeric attribute of theirs, by bucket and segment"
	case k == metrics.CLV:
		summary = "lifetime value: gross profit per customer over the churn rate, by bucket and customer segment, with its interval"
	case k == metrics.Conversion:
		summary = "the share of each bucket's sign-ups who reached a milestone event within some days, with intervals and tested changes"
	case k.CustomerKind():
		summary = fmt.Sprintf("%s of the customers at each bucket's start, by bucket and customer segment, with intervals and tested changes", k)
	}
	return roadmapCommand(string(k), summary,
		func(fs *flag.FlagSet) {
			fs.StringVar(&variant, "variant", "", "how the value is computed: for csat satisfied or mean; for ces mean, agree or net_easy; for custom count, sum or mean")
			switch k {
			case metrics.Custom:
				fs.StringVar(&attribute, "attribute", "", "the numeric feedback `attribute` to sum or average")
			case metrics.Conversion:
				fs.StringVar(&event, "event", "", "the customer `event` that marks the milestone, such as form_published (required)")
				fs.IntVar(&within, "within", metrics.DefaultWithin, "the `days` after sign-up within which the milestone counts")
			case metrics.CLV:
				fs.Float64Var(&margin, "margin", 1, "the gross `margin`, a fraction above 0 and at most 1")
			}
			fs.StringVar(&by, "by", "", "a `dimension` to break the value down by, such as plan")
			fs.StringVar(&every, "every", "week", "the `bucket` of each point: day, week, month, quarter, or none")
			fs.Var(&filters, "filter", "a segment as `dimension:value[,value…]`; repeatable")
			span.register(fs, metrics.DefaultWindow)
			fs.StringVar(&format, "format", "table", "table, csv or json")
		},
		func(ctx context.Context, e *env, st *store.Store, ws int64) error {
			from, to, err := span.resolve(ctx, st, ws)
			if err != nil {
				return err
			}
			q := metrics.Query{Kind: k, Variant: metrics.Variant(variant), Attribute: attribute, By: by, From: from, To: to,
				Event: event, Within: within, Margin: margin, Now: time.Now()}
			if every != "none" {
				q.Every = metrics.Bucket(every)
			}
			for _, f := range filters {
				dim, values, ok := strings.Cut(f, ":")
				if !ok || dim == "" || values == "" {
					return &usageError{msg: fmt.Sprintf("--filter %q: want dimension:value[,value…]", f)}
				}
				if q.Filter == nil {
					q.Filter = metrics.Filter{}
				}
				q.Filter[dim] = append(q.Filter[dim], strings.Split(values, ",")...)
			}
			if err := q.Validate(); err != nil {
				return &usageError{msg: err.Error()}
			}
			res, err := metrics.Run(ctx, st, ws, q)
			if err != nil {
				return err
			}
			switch format {
			case "json":
				return writeJSON(e.stdout, res)
			case "csv":
				return writeResultCSV(e.stdout, res)
			case "table":
				return writeResultTable(e.stdout, res)
			}
			return &usageError{msg: fmt.Sprintf("--format %q: want table, csv or json", format)}
		})
}

// resultRows flattens a result into rows: the total, then each point, then each segment's
// total and points.
func resultRows(res metrics.Result) [][]string {
	row := func(segment, bucket string, v metrics.Value, c *metrics.Change) []string {
		r := []string{segment, bucket, num(v.Value), num(v.Interval.Low), num(v.Interval.High), strconv.FormatInt(v.Sample.N(), 10), ""}
		if v.TooFew {
			r[6] = "too few"
		}
		if c != nil {
			r = append(r, num(c.Difference), strconv.FormatFloat(c.P, 'g', 3, 64), mark(c.Significant, "significant"))
			var notes []string
			for _, a := range c.Annotations {
				notes = append(notes, a.Day.String()+" "+a.Title)
			}
			r = append(r, strings.Join(notes, "; "))
		} else {
			r = append(r, "", "", "", "")
		}
		return r
	}
	var out [][]string
	span := res.From.String() + ".." + res.To.AddDays(-1).String()
	out = append(out, row("all", span, res.Total, nil))
	for _, p := range res.Points {
		out = append(out, row("all", p.Label, p.Value, p.Change))
	}
	for _, s := range res.Segments {
		name := s.Value
		if name == "" {
			name = "(none)"
		}
		out = append(out, row(name, span, s.Total, nil))
		for _, p := range s.Points {
			out = append(out, row(name, p.Label, p.Value, p.Change))
		}
	}
	return out
}

var resultHeader = []string{"SEGMENT", "BUCKET", "VALUE", "LOW", "HIGH", "N", "NOTE", "CHANGE", "P", "SIGNIFICANT", "ANNOTATIONS"}

func writeResultTable(w io.Writer, res metrics.Result) error {
	unit := map[metrics.Form]string{metrics.Net: "score −100..100", metrics.Share: "%", metrics.Avg: "mean", metrics.Total: "count",
		metrics.Added: "sum", metrics.Lifetime: "gross profit per customer"}[metrics.FormOf(res.Kind, res.Variant)]
	name := strings.ToUpper(string(res.Kind))
	if res.Variant != "" {
		name += " " + string(res.Variant)
	}
	fmt.Fprintf(w, "%s (%s), %s to %s, counted from %s\n", name, unit, res.From, res.To.AddDays(-1), res.Source)
	return table(w, strings.Join(resultHeader, "\t"), func(tw io.Writer) {
		for _, r := range resultRows(res) {
			for i := range r {
				r[i] = orDash(r[i])
			}
			fmt.Fprintln(tw, strings.Join(r, "\t"))
		}
	})
}

func writeResultCSV(w io.Writer, res metrics.Result) error {
	cw := csv.NewWriter(w)
	header := make([]string, len(resultHeader))
	for i, h := range resultHeader {
		header[i] = strings.ToLower(h)
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, r := range resultRows(res) {
		if err := cw.Write(r); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// spanFlags registers --since, --until and --days, and resolves them against the workspace's
// today: until defaults to tomorrow, since to days before until.
type spanFlags struct {
	since, until dateFlag
	days         int
}

func (f *spanFlags) register(fs *flag.FlagSet, days int) {
	fs.Var(&f.since, "since", "the first `day` counted (default: --days before --until)")
	fs.Var(&f.until, "until", "the `day` after the last one counted (default: tomorrow)")
	fs.IntVar(&f.days, "days", days, "how many days to count when --since is not given")
}

func (f *spanFlags) resolve(ctx context.Context, st *store.Store, ws int64) (from, to civil.Date, err error) {
	layout, err := st.MetricLayout(ctx, ws)
	if err != nil {
		return from, to, err
	}
	from, to = f.since.d, f.until.d
	if to.IsZero() {
		to = layout.Day(time.Now()).AddDays(1)
	}
	if from.IsZero() {
		from = to.AddDays(-f.days)
	}
	if !from.Before(to) {
		return from, to, &usageError{msg: "--since must be before --until"}
	}
	return from, to, nil
}

// instants resolves the span and gives it also as instants in the workspace's time zone.
func (f *spanFlags) instants(ctx context.Context, st *store.Store, ws int64) (from, to time.Time, err error) {
	a, b, err := f.resolve(ctx, st, ws)
	if err != nil {
		return from, to, err
	}
	layout, err := st.MetricLayout(ctx, ws)
	if err != nil {
		return from, to, err
	}
	return layout.Start(a), layout.Start(b), nil
}

func customersCommand() *command {
	var span spanFlags
	var every, by, format string
	var margin float64
	return roadmapCommand("customers", "retention, churn, revenue per customer and CLV by period, from customer events",
		func(fs *flag.FlagSet) {
			span.register(fs, 365)
			fs.StringVar(&every, "every", "month", "the `bucket` of each period: day, week, month or quarter")
			fs.StringVar(&by, "by", "", "plan, region or a customer attribute to break the metrics down by")
			fs.Float64Var(&margin, "margin", 1, "the gross margin CLV counts, as a fraction")
			fs.StringVar(&format, "format", "table", "table or json")
		},
		func(ctx context.Context, e *env, st *store.Store, ws int64) error {
			from, to, err := span.resolve(ctx, st, ws)
			if err != nil {
				return err
			}
			q := metrics.CustomerQuery{From: from, To: to, Every: metrics.Bucket(every), By: by, Margin: margin}
			if err := q.Validate(); err != nil {
				return &usageError{msg: err.Error()}
			}
			res, err := metrics.RunCustomers(ctx, st, ws, q)
			if err != nil {
				return err
			}
			switch format {
			case "json":
				return writeJSON(e.stdout, res)
			case "table":
			default:
				return &usageError{msg: fmt.Sprintf("--format %q: want table or json", format)}
			}
			segments := append([]metrics.CustomerSegment{{Value: "all", Periods: res.Periods}}, res.Segments...)
			return table(e.stdout, "SEGMENT\tPERIOD\tAT START\tNEW\tLOST\tAT END\tRETENTION %\tCHURN %\tCHURN 95% CI\tREVENUE\tARPC\tCLV", func(tw io.Writer) {
				for _, s := range segments {
					name := s.Value
					if name == "" {
						name = "(none)"
					}
					for _, p := range s.Periods {
						clv := "-"
						if p.CLV != nil {
							clv = num(*p.CLV)
						}
						fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%s\t%s\t%s–%s\t%s\t%s\t%s\n", name, p.Label, p.AtStart, p.New, p.Lost, p.AtEnd,
							num(p.Retention.Value), num(p.Churn.Value), num(p.Churn.Interval.Low), num(p.Churn.Interval.High), num(p.Revenue), num(p.ARPC), clv)
					}
				}
			})
		})
}

func cohortsCommand() *command {
	var span spanFlags
	var asJSON bool
	return roadmapCommand("cohorts", "retention curves of the monthly sign-up cohorts: the % still customers at the end of each month after sign-up",
		func(fs *flag.FlagSet) {
			span.register(fs, 365)
			jsonFlag(fs, &asJSON)
		},
		func(ctx context.Context, e *env, st *store.Store, ws int64) error {
			from, to, err := span.resolve(ctx, st, ws)
			if err != nil {
				return err
			}
			layout, err := st.MetricLayout(ctx, ws)
			if err != nil {
				return err
			}
			ls, err := st.CustomerLifecycles(ctx, ws, "")
			if err != nil {
				return err
			}
			cs := metrics.Cohorts(ls, from, to, time.Now(), layout.Location)
			if asJSON {
				return writeJSON(e.stdout, jsonList(cs))
			}
			return table(e.stdout, "COHORT\tSIZE\tRETAINED % BY MONTH (0, 1, 2, …)", func(tw io.Writer) {
				for _, c := range cs {
					vals := make([]string, len(c.Retained))
					for i, r := range c.Retained {
						vals[i] = num(math.Round(r.Value*10) / 10)
					}
					fmt.Fprintf(tw, "%s\t%d\t%s\n", c.Month, c.Size, orDash(strings.Join(vals, " ")))
				}
			})
		})
}

func funnelCommand() *command {
	var span spanFlags
	var journeyID int64
	var window int
	var asJSON bool
	return roadmapCommand("funnel", "how many of the customers who signed up reached each milestone of a journey, and how fast",
		func(fs *flag.FlagSet) {
			fs.Int64Var(&journeyID, "journey", 0, "the journey `id`")
			span.register(fs, 90)
			fs.IntVar(&window, "window-days", 30, "days after sign-up in which a milestone counts")
			jsonFlag(fs, &asJSON)
		},
		func(ctx context.Context, e *env, st *store.Store, ws int64) error {
			if journeyID <= 0 {
				return &usageError{msg: "--journey is required: the journey id"}
			}
			if window < 1 {
				return &usageError{msg: "--window-days must be at least 1"}
			}
			from, to, err := span.resolve(ctx, st, ws)
			if err != nil {
				return err
			}
			m, err := st.JourneyMap(ctx, ws, journeyID)
			if err != nil {
				return err
			}
			f, err := metrics.JourneyFunnel(ctx, st, ws, m, from, to, window)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(e.stdout, f)
			}
			fmt.Fprintf(e.stdout, "%d customers signed up from %s to %s; milestones within %d days:\n", f.Started, from, to.AddDays(-1), window)
			return table(e.stdout, "MILESTONE\tEVENT\tREACHED\tSHARE %\tFROM PREVIOUS %\tMEDIAN\tP90", func(tw io.Writer) {
				for _, s := range f.Steps {
					fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t%s\n", orDash(s.Name), s.Event, s.Reached, num(s.Share.Value), num(s.FromPrevious.Value),
						seconds(s.MedianSeconds), seconds(s.P90Seconds))
				}
			})
		})
}

func seconds(s *float64) string {
	if s == nil {
		return "-"
	}
	return (time.Duration(*s) * time.Second).Round(time.Minute).String()
}
