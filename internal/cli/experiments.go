package cli

import (
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/experiments"
	"github.com/lodestar-cx/lodestar/internal/store"
)

func experimentsCommand() *command {
	return &command{name: "experiments", summary: "test and learn: list experiments, show one, read its results with their tests, and log a decision",
		subs: []*command{experimentListCommand(), experimentShowCommand(), experimentResultsCommand(), experimentDecideCommand()}}
}

// experimentsWithStatus fills the experiments' status as of today in the workspace's time zone.
func experimentsWithStatus(ctx context.Context, st *store.Store, ws int64, es []experiments.Experiment) error {
	layout, err := st.MetricLayout(ctx, ws)
	if err != nil {
		return err
	}
	today := layout.Day(time.Now())
	for i := range es {
		es[i].Compute(today)
	}
	return nil
}

// readExperiment reads experiment id with its status.
func readExperiment(ctx context.Context, st *store.Store, ws, id int64) (experiments.Experiment, error) {
	if err := wantID("id", id); err != nil {
		return experiments.Experiment{}, err
	}
	e, err := st.Experiment(ctx, ws, id)
	if err != nil {
		return e, err
	}
	es := []experiments.Experiment{e}
	err = experimentsWithStatus(ctx, st, ws, es)
	return es[0], err
}

func experimentFormatFlag(fs *flag.FlagSet, dst *string, formats string) {
	fs.StringVar(dst, "format", "table", formats)
}

func experimentFormatError(format, want string) error {
	return &usageError{msg: fmt.Sprintf("--format %q: want %s", format, want)}
}

func experimentMetric(m experiments.Metric) string {
	s := string(m.Kind)
	if m.Variant != "" {
		s += " " + string(m.Variant)
	}
	if m.Attribute != "" {
		s += " of " + m.Attribute
	}
	if m.Event != "" {
		s += fmt.Sprintf(" to %s within %d days", m.Event, m.Within)
	}
	return s
}

func experimentVariants(e experiments.Experiment) string {
	names := make([]string, len(e.Variants))
	for i, v := range e.Variants {
		names[i] = v.Name
	}
	return strings.Join(names, ", ")
}

func experimentLastDecision(e experiments.Experiment) string {
	if len(e.Decisions) == 0 {
		return ""
	}
	d := e.Decisions[len(e.Decisions)-1]
	s := string(d.Decision)
	if d.Variant != "" {
		s += " " + d.Variant
	}
	return s + " " + d.At.Format(time.DateOnly)
}

func experimentListCommand() *command {
	var format string
	return roadmapCommand("list", "list the workspace's experiments with their status and last decision",
		func(fs *flag.FlagSet) { experimentFormatFlag(fs, &format, "table, csv or json") },
		func(ctx context.Context, e *env, st *store.Store, ws int64) error {
			es, err := readAll(func(p store.Page) ([]experiments.Experiment, int64, error) { return st.Experiments(ctx, ws, p) })
			if err != nil {
				return err
			}
			if err := experimentsWithStatus(ctx, st, ws, es); err != nil {
				return err
			}
			header := []string{"ID", "NAME", "STATUS", "METRIC", "DIM", "VARIANTS", "START", "LAST DAY", "LAST DECISION"}
			rows := make([][]string, len(es))
			for i, x := range es {
				rows[i] = []string{strconv.FormatInt(x.ID, 10), x.Name, string(x.Status), experimentMetric(x.Metric), x.Dim, experimentVariants(x),
					x.Start.String(), x.End.AddDays(-1).String(), experimentLastDecision(x)}
			}
			switch format {
			case "json":
				return writeJSON(e.stdout, jsonList(es))
			case "csv":
				return writeExperimentCSV(e.stdout, header, rows)
			case "table":
				return writeExperimentTable(e.stdout, header, rows)
			}
			return experimentFormatError(format, "table, csv or json")
		})
}

// writeExperimentTable prints rows under header, aligned, with "-" for empty cells.
func writeExperimentTable(w io.Writer, header []string, rows [][]string) error {
	return table(w, strings.Join(header, "\t"), func(tw io.Writer) {
		for _, r := range rows {
			cells := make([]string, len(r))
			for i, c := range r {
				cells[i] = orDash(oneLine(c))
			}
			fmt.Fprintln(tw, strings.Join(cells, "\t"))
		}
	})
}

// writeExperimentCSV prints rows under header, lower-cased, as CSV.
func writeExperimentCSV(w io.Writer, header []string, rows [][]string) error {
	cw := csv.NewWriter(w)
	h := make([]string, len(header))
	for i, c := range header {
		h[i] = strings.ToLower(c)
	}
	if err := cw.Write(h); err != nil {
		return err
	}
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	return cw.Error()
}

func experimentShowCommand() *command {
	var id int64
	var format string
	return roadmapCommand("show", "show an experiment: its hypothesis, metric, variants, span and decision log",
		func(fs *flag.FlagSet) {
			fs.Int64Var(&id, "id", 0, "the experiment `id`")
			experimentFormatFlag(fs, &format, "table or json")
		},
		func(ctx context.Context, e *env, st *store.Store, ws int64) error {
			x, err := readExperiment(ctx, st, ws, id)
			if err != nil {
				return err
			}
			switch format {
			case "json":
				return writeJSON(e.stdout, x)
			case "table":
			default:
				return experimentFormatError(format, "table or json")
			}
			return printExperiment(e.stdout, x)
		})
}

func printExperiment(w io.Writer, x experiments.Experiment) error {
	fmt.Fprintf(w, "experiment %d %q\n", x.ID, x.Name)
	err := fieldList(w, func(tw io.Writer) {
		fmt.Fprintf(tw, "status\t%s\n", x.Status)
		if x.Hypothesis != "" {
			fmt.Fprintf(tw, "hypothesis\t%s\n", oneLine(x.Hypothesis))
		}
		fmt.Fprintf(tw, "metric\t%s\n", experimentMetric(x.Metric))
		for _, d := range x.Metric.Filter.Dims() {
			fmt.Fprintf(tw, "segment\t%s: %s\n", d, strings.Join(x.Metric.Filter[d], ", "))
		}
		fmt.Fprintf(tw, "days\t%s to %s\n", x.Start, x.End.AddDays(-1))
		if x.InitiativeID != 0 {
			fmt.Fprintf(tw, "initiative\t%d\n", x.InitiativeID)
		}
		if x.KeyResultID != 0 {
			fmt.Fprintf(tw, "key result\t%d\n", x.KeyResultID)
		}
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nvariants by %s:\n", x.Dim)
	err = table(w, "VARIANT\tVALUES", func(tw io.Writer) {
		for i, v := range x.Variants {
			name := v.Name
			if i == 0 {
				name += " (control)"
			}
			fmt.Fprintf(tw, "%s\t%s\n", name, strings.Join(v.Values, ", "))
		}
	})
	if err != nil || len(x.Decisions) == 0 {
		return err
	}
	fmt.Fprintln(w, "\ndecisions:")
	return table(w, "AT\tDECISION\tVARIANT\tRECORDED\tNOTE", func(tw io.Writer) {
		for _, d := range x.Decisions {
			rec := "-"
			if r := d.Recorded; r != nil {
				rec = fmt.Sprintf("%s (n %d) on key result %d", num(r.Value), r.N, r.KeyResultID)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", d.At.Format(time.DateOnly), d.Decision, orDash(d.Variant), rec, orDash(oneLine(d.Note)))
		}
	})
}

var experimentResultsHeader = []string{"VARIANT", "VALUES", "VALUE", "LOW", "HIGH", "N", "DIFFERENCE", "DIFF LOW", "DIFF HIGH", "TEST", "STATISTIC", "P", "MDE", "VERDICT"}

func experimentResultsRows(res experiments.Results) [][]string {
	rows := make([][]string, len(res.Variants))
	for i, v := range res.Variants {
		name := v.Name
		if v.Control {
			name += " (control)"
		}
		r := []string{name, strings.Join(v.Values, " "), num(v.Value.Value), num(v.Interval.Low), num(v.Interval.High), strconv.Itoa(v.N),
			"", "", "", "", "", "", "", strings.ReplaceAll(string(v.Verdict), "_", " ")}
		if t := v.Test; t != nil {
			r[6], r[7], r[8], r[9] = num(t.Difference), num(t.Interval.Low), num(t.Interval.High), t.Method
			r[10], r[11] = strconv.FormatFloat(t.Statistic, 'f', 4, 64), strconv.FormatFloat(t.P, 'f', 4, 64)
		}
		if v.MDE != nil {
			r[12] = num(*v.MDE)
		}
		rows[i] = r
	}
	return rows
}

func experimentResultsCommand() *command {
	var id int64
	var format string
	return roadmapCommand("results", "each variant's value with n and 95% interval, and each treatment's test against the control, MDE and verdict",
		func(fs *flag.FlagSet) {
			fs.Int64Var(&id, "id", 0, "the experiment `id`")
			experimentFormatFlag(fs, &format, "table, csv or json")
		},
		func(ctx context.Context, e *env, st *store.Store, ws int64) error {
			x, err := readExperiment(ctx, st, ws, id)
			if err != nil {
				return err
			}
			if format != "table" && format != "csv" && format != "json" {
				return experimentFormatError(format, "table, csv or json")
			}
			res, err := experiments.Evaluate(ctx, st, ws, x)
			if err != nil {
				return err
			}
			switch format {
			case "json":
				return writeJSON(e.stdout, res)
			case "csv":
				return writeExperimentCSV(e.stdout, experimentResultsHeader, experimentResultsRows(res))
			}
			unit := map[string]string{"net": "score −100..100", "share": "%", "mean": "mean"}[string(res.Form)]
			fmt.Fprintf(e.stdout, "experiment %d %q (%s): %s (%s) by %s, %s to %s, counted from %s\n", x.ID, x.Name, x.Status,
				experimentMetric(res.Metric), unit, res.Dim, res.From, res.To.AddDays(-1), res.Source)
			fmt.Fprintf(e.stdout, "tests two-sided at %s; MDE at power %s\n", num(res.Alpha), num(res.Power))
			return writeExperimentTable(e.stdout, experimentResultsHeader, experimentResultsRows(res))
		})
}

func experimentDecideCommand() *command {
	var id int64
	var decision, variant, note, format string
	return roadmapCommand("decide", "log a decision on an experiment: ship (a treatment, recorded on its key result), iterate or stop",
		func(fs *flag.FlagSet) {
			fs.Int64Var(&id, "id", 0, "the experiment `id`")
			fs.StringVar(&decision, "decision", "", "ship, iterate or stop")
			fs.StringVar(&variant, "variant", "", "for ship: the `variant` shipped (default: the only treatment)")
			fs.StringVar(&note, "note", "", "why: what was learnt")
			experimentFormatFlag(fs, &format, "table or json")
		},
		func(ctx context.Context, e *env, st *store.Store, ws int64) error {
			if format != "table" && format != "json" {
				return experimentFormatError(format, "table or json")
			}
			in := experiments.DecisionInput{Decision: experiments.Choice(decision), Variant: variant, Note: note}
			if err := in.Validate(); err != nil {
				return flagErrors(err, nil)
			}
			x, err := readExperiment(ctx, st, ws, id)
			if err != nil {
				return err
			}
			if x, err = st.DecideExperiment(ctx, audit.System, ws, id, x.Version, in); err != nil {
				return flagErrors(err, nil)
			}
			es := []experiments.Experiment{x}
			if err := experimentsWithStatus(ctx, st, ws, es); err != nil {
				return err
			}
			x = es[0]
			if format == "json" {
				return writeJSON(e.stdout, x)
			}
			d := x.Decisions[len(x.Decisions)-1]
			fmt.Fprintf(e.stdout, "experiment %d %q: %s logged; now %s\n", x.ID, x.Name, experimentLastDecision(x), x.Status)
			if r := d.Recorded; r != nil {
				fmt.Fprintf(e.stdout, "key result %d set to %s (n %d, 95%% interval %s to %s)\n", r.KeyResultID, num(r.Value), r.N,
					num(r.Interval.Low), num(r.Interval.High))
			}
			return nil
		})
}
