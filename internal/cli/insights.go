package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/insights"
	"github.com/lodestar-cx/lodestar/internal/metrics"
	"github.com/lodestar-cx/lodestar/internal/store"
)

func insightsCommand() *command {
	return &command{name: "insights", summary: "themes, sentiment, friction points and what changed, from the feedback text",
		subs: []*command{analyzeCommand(), themeAddCommand(), themesCommand(), frictionCommand(), explainCommand()}}
}

// checkFormat refuses an output format other than table or json.
func checkFormat(format string) error {
	if format != "table" && format != "json" {
		return &usageError{msg: fmt.Sprintf("--format %q: want table or json", format)}
	}
	return nil
}

func analyzeCommand() *command {
	return roadmapCommand("analyze", "tag the feedback not yet analysed with the themes and score its sentiment", nil,
		func(ctx context.Context, e *env, st *store.Store, ws int64) error {
			n, err := st.AnalyzeFeedback(ctx, ws)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "analysed %d feedback items\n", n)
			return nil
		})
}

func themeAddCommand() *command {
	var in insights.ThemeInput
	var anyOf, allOf, noneOf, phrases stringList
	return roadmapCommand("add-theme", "save a theme: keywords (--any, --all, --none) or the phrases of a discovered theme, then tag the feedback",
		func(fs *flag.FlagSet) {
			fs.StringVar(&in.Name, "name", "", "the theme's `name`")
			fs.StringVar(&in.Description, "description", "", "what the theme is about")
			fs.Var(&anyOf, "any", "a `phrase` an item must hold one of; repeatable")
			fs.Var(&allOf, "all", "a `phrase` an item must hold; repeatable")
			fs.Var(&noneOf, "none", "a `phrase` an item must not hold; repeatable")
			fs.Var(&phrases, "phrase", "a `phrase` of a discovered theme; repeatable")
		},
		func(ctx context.Context, e *env, st *store.Store, ws int64) error {
			in.Any, in.All, in.None, in.Phrases = anyOf, allOf, noneOf, phrases
			if err := in.Validate(); err != nil {
				return err
			}
			t, err := st.CreateTheme(ctx, audit.System, ws, in)
			if err != nil {
				return err
			}
			n, err := st.AnalyzeFeedback(ctx, ws)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "theme %d %q saved; %d feedback items tagged anew\n", t.ID, t.Name, n)
			return nil
		})
}

func themesCommand() *command {
	var span spanFlags
	var format string
	return roadmapCommand("themes", "every theme's evidence: volume, share, customers, revenue, sentiment and the NPS gap",
		func(fs *flag.FlagSet) {
			span.register(fs, 90)
			fs.StringVar(&format, "format", "table", "table or json")
		},
		func(ctx context.Context, e *env, st *store.Store, ws int64) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			from, to, err := span.instants(ctx, st, ws)
			if err != nil {
				return err
			}
			sums, err := st.ThemeSummaries(ctx, ws, from, to)
			if err != nil || format == "json" {
				if err == nil {
					err = writeJSON(e.stdout, sums)
				}
				return err
			}
			return table(e.stdout, "THEME\tORIGIN\tVOLUME\tSHARE %\tCUSTOMERS\tREVENUE\tSENTIMENT\tNPS NAMING IT\tNPS OTHERS\tP", func(tw io.Writer) {
				for _, s := range sums {
					sent, a, b, p := "-", "-", "-", "-"
					if s.Sentiment != nil {
						sent = num(*s.Sentiment)
					}
					if s.NPS != nil {
						a, b, p = num(s.NPS.Affected.Value), num(s.NPS.Unaffected.Value), fmt.Sprintf("%.4f", s.NPS.Test.P)
					}
					fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%d\t%s\t%s\t%s\t%s\t%s\n", s.Name, s.Origin, s.Volume, num(s.Share), s.Customers, num(s.Revenue), sent, a, b, p)
				}
			})
		})
}

func frictionCommand() *command {
	var span spanFlags
	var format string
	return roadmapCommand("friction", "the themes detractors name significantly more than promoters, per touchpoint and stage",
		func(fs *flag.FlagSet) {
			span.register(fs, 90)
			fs.StringVar(&format, "format", "table", "table or json")
		},
		func(ctx context.Context, e *env, st *store.Store, ws int64) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			from, to, err := span.instants(ctx, st, ws)
			if err != nil {
				return err
			}
			points, err := insights.FrictionPoints(ctx, st, ws, from, to)
			if err != nil || format == "json" {
				if err == nil {
					err = writeJSON(e.stdout, points)
				}
				return err
			}
			if len(points) == 0 {
				fmt.Fprintf(e.stdout, "no friction point from %s to %s\n", from.Format(time.DateOnly), to.Add(-time.Nanosecond).Format(time.DateOnly))
				return nil
			}
			return table(e.stdout, "STAGE\tTOUCHPOINT\tTHEME\tDETRACTORS %\tPROMOTERS %\tP\tCUSTOMERS\tREVENUE", func(tw io.Writer) {
				for _, p := range points {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%.4f\t%d\t%s\n", orDash(p.Stage), orDash(p.Touchpoint), p.Theme, num(p.DetractorShare),
						num(p.PromoterShare), p.Test.P, p.Customers, num(p.Revenue))
				}
			})
		})
}

func explainCommand() *command {
	var span spanFlags
	var before spanFlags
	var kind, variant, by, format string
	return roadmapCommand("explain", "what changed in a metric between two periods: segment mix, change within segments, and the themes among detractors",
		func(fs *flag.FlagSet) {
			span.register(fs, 30)
			fs.Var(&before.since, "before-since", "the first `day` of the earlier period (default: as long a span, just before --since)")
			fs.Var(&before.until, "before-until", "the `day` after the earlier period (default: --since)")
			fs.StringVar(&kind, "kind", "nps", "nps, csat or ces")
			fs.StringVar(&variant, "variant", "", "as for lodestar metrics")
			fs.StringVar(&by, "by", "source", "the `dimension` whose mix is examined")
			fs.StringVar(&format, "format", "table", "table or json")
		},
		func(ctx context.Context, e *env, st *store.Store, ws int64) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			from, to, err := span.resolve(ctx, st, ws)
			if err != nil {
				return err
			}
			q := metrics.Query{Kind: metrics.Kind(kind), Variant: metrics.Variant(variant), By: by, From: from, To: to}
			b := q
			b.From, b.To = before.since.d, before.until.d
			if b.To.IsZero() {
				b.To = from
			}
			if b.From.IsZero() {
				b.From = b.To.AddDays(-to.DaysSince(from))
			}
			ex, err := insights.Explain(ctx, st, ws, q, b)
			if err != nil || format == "json" {
				if err == nil {
					err = writeJSON(e.stdout, ex)
				}
				return err
			}
			fmt.Fprintf(e.stdout, "%s\n\n", ex.Summary)
			return table(e.stdout, "SEGMENT\tSHARE BEFORE %\tSHARE AFTER %\tBEFORE\tAFTER\tMIX\tWITHIN", func(tw io.Writer) {
				for _, s := range ex.Decomposition.Segments {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", orDash(strings.TrimSpace(s.Value)), num(s.WeightBefore), num(s.WeightAfter),
						num(s.Before.Value), num(s.After.Value), num(s.Mix), num(s.Within))
				}
			})
		})
}
