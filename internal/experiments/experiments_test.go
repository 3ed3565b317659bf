package experiments_test

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lodestar-cx/lodestar/internal/civil"
	"github.com/lodestar-cx/lodestar/internal/experiments"
	"github.com/lodestar-cx/lodestar/internal/fault"
	"github.com/lodestar-cx/lodestar/internal/feedback"
	"github.com/lodestar-cx/lodestar/internal/metrics"
	"github.com/lodestar-cx/lodestar/internal/stats"
)

func day(d int) civil.Date { return civil.Date{Year: 2026, Month: 3, Day: d} }

func valid() experiments.Input {
	return experiments.Input{Name: " Shorter form ", Hypothesis: "fewer fields, more sign-ups", Dim: "variant",
		Metric:   experiments.Metric{Kind: metrics.CSAT},
		Variants: []experiments.Variant{{Name: "control", Values: []string{"a"}}, {Name: "short", Values: []string{"b", "b2"}}},
		Start:    day(1), End: day(15)}
}

func fields(err error) []string {
	var inv *fault.InvalidError
	if !errors.As(err, &inv) {
		return nil
	}
	var out []string
	for _, f := range inv.Fields {
		out = append(out, f.Field)
	}
	return out
}

func TestInputValidate(t *testing.T) {
	in := valid()
	if err := in.Validate(); err != nil {
		t.Fatalf("valid input: %v", err)
	}
	if in.Name != "Shorter form" || in.Metric.Variant != metrics.Satisfied {
		t.Errorf("normalised: name %q, variant %q; want trimmed and csat's default satisfied", in.Name, in.Metric.Variant)
	}
	custom := valid()
	custom.Metric = experiments.Metric{Kind: metrics.Custom, Attribute: "minutes"}
	if err := custom.Validate(); err != nil || custom.Metric.Variant != metrics.Mean {
		t.Errorf("custom metric: %v, variant %q; want a mean by default", err, custom.Metric.Variant)
	}
	conv := valid()
	conv.Dim, conv.Metric = "plan", experiments.Metric{Kind: metrics.Conversion, Event: "form_published"}
	if err := conv.Validate(); err != nil || conv.Metric.Within != metrics.DefaultWithin {
		t.Errorf("conversion: %v, within %d; want valid with the default days", err, conv.Metric.Within)
	}
	for _, c := range []struct {
		name   string
		change func(*experiments.Input)
		want   []string
	}{
		{"no name", func(in *experiments.Input) { in.Name = "  " }, []string{"name"}},
		{"long hypothesis", func(in *experiments.Input) { in.Hypothesis = strings.Repeat("x", 5001) }, []string{"hypothesis"}},
		{"negative links", func(in *experiments.Input) { in.InitiativeID, in.KeyResultID = -1, -2 }, []string{"initiative_id", "key_result_id"}},
		{"no dim", func(in *experiments.Input) { in.Dim = "" }, []string{"dim"}},
		{"unknown kind", func(in *experiments.Input) { in.Metric.Kind = "vibes" }, []string{"metric.kind"}},
		{"wrong variant", func(in *experiments.Input) { in.Metric.Variant = metrics.NetEasy }, []string{"metric.variant"}},
		{"a count", func(in *experiments.Input) {
			in.Metric = experiments.Metric{Kind: metrics.Custom, Variant: metrics.Count}
		}, []string{"metric.variant"}},
		{"a mean without attribute", func(in *experiments.Input) {
			in.Metric = experiments.Metric{Kind: metrics.Custom, Variant: metrics.Mean}
		}, []string{"metric.attribute"}},
		{"clv", func(in *experiments.Input) { in.Metric = experiments.Metric{Kind: metrics.CLV} }, []string{"metric.kind"}},
		{"conversion without event", func(in *experiments.Input) { in.Metric = experiments.Metric{Kind: metrics.Conversion} }, []string{"metric.event"}},
		{"churn with a segment", func(in *experiments.Input) {
			in.Metric = experiments.Metric{Kind: metrics.Churn, Filter: metrics.Filter{"region": {"emea"}}}
		}, []string{"metric.filter"}},
		{"scale on a share", func(in *experiments.Input) { in.Metric.Scale = &feedback.Scale{Min: 1, Max: 5} }, []string{"metric.scale"}},
		{"filter on the dim", func(in *experiments.Input) { in.Metric.Filter = metrics.Filter{"variant": {"a"}} }, []string{"metric.filter"}},
		{"empty filter values", func(in *experiments.Input) { in.Metric.Filter = metrics.Filter{"plan": {}} }, []string{"metric.filter.plan"}},
		{"one variant", func(in *experiments.Input) { in.Variants = in.Variants[:1] }, []string{"variants"}},
		{"eleven variants", func(in *experiments.Input) {
			for i := range 9 {
				in.Variants = append(in.Variants, experiments.Variant{Name: string(rune('c' + i)), Values: []string{string(rune('c' + i))}})
			}
		}, []string{"variants"}},
		{"same name", func(in *experiments.Input) { in.Variants[1].Name = "control" }, []string{"variants[1].name"}},
		{"no values", func(in *experiments.Input) { in.Variants[1].Values = nil }, []string{"variants[1].values"}},
		{"a value in two variants", func(in *experiments.Input) { in.Variants[1].Values = []string{"b", "a"} }, []string{"variants[1].values[1]"}},
		{"no start", func(in *experiments.Input) { in.Start = civil.Date{} }, []string{"start"}},
		{"no end", func(in *experiments.Input) { in.End = civil.Date{} }, []string{"end"}},
		{"end before start", func(in *experiments.Input) { in.End = day(1) }, []string{"end"}},
		{"ten years", func(in *experiments.Input) { in.End = civil.Date{Year: 2037, Month: 1, Day: 1} }, []string{"end"}},
	} {
		in := valid()
		c.change(&in)
		if got := fields(in.Validate()); !slices.Equal(got, c.want) {
			t.Errorf("%s: fields at fault %q, want %q", c.name, got, c.want)
		}
	}
}

func TestDecisionInputValidate(t *testing.T) {
	for _, c := range []struct {
		in   experiments.DecisionInput
		want []string
	}{
		{experiments.DecisionInput{Decision: experiments.Ship, Variant: "short"}, nil},
		{experiments.DecisionInput{Decision: experiments.Stop, Note: "no effect"}, nil},
		{experiments.DecisionInput{Decision: "maybe"}, []string{"decision"}},
		{experiments.DecisionInput{Decision: experiments.Iterate, Variant: "short"}, []string{"variant"}},
		{experiments.DecisionInput{Decision: experiments.Stop, Note: strings.Repeat("x", 5001)}, []string{"note"}},
	} {
		if got := fields(c.in.Validate()); !slices.Equal(got, c.want) {
			t.Errorf("%+v: fields at fault %q, want %q", c.in, got, c.want)
		}
	}
}

func TestStatus(t *testing.T) {
	in := valid()
	if err := in.Validate(); err != nil {
		t.Fatal(err)
	}
	e := in.Experiment()
	for _, c := range []struct {
		today civil.Date
		want  experiments.Status
	}{{day(0), experiments.Draft}, {day(1), experiments.Running}, {day(14), experiments.Running}, {day(15), experiments.Ended}} {
		if got := e.StatusOn(c.today); got != c.want {
			t.Errorf("status on %s = %s, want %s", c.today, got, c.want)
		}
	}
	e.Decisions = append(e.Decisions, experiments.Decision{Decision: experiments.Iterate, At: time.Now()})
	if got := e.StatusOn(day(3)); got != experiments.Running {
		t.Errorf("after iterate: %s, want running", got)
	}
	e.Decisions = append(e.Decisions, experiments.Decision{Decision: experiments.Stop, At: time.Now()})
	if got := e.StatusOn(day(3)); got != experiments.Concluded {
		t.Errorf("after stop: %s, want concluded", got)
	}
}

func share(pos, n int64) metrics.Value {
	return metrics.Evaluate(metrics.Sample{Form: metrics.Share, Pos: pos, Neg: n - pos})
}

func TestAnalyse(t *testing.T) {
	in := valid()
	in.Variants = append(in.Variants, experiments.Variant{Name: "tiny", Values: []string{"c"}}, experiments.Variant{Name: "empty", Values: []string{"d"}})
	if err := in.Validate(); err != nil {
		t.Fatal(err)
	}
	e := in.Experiment()
	// Control 120 of 400 (30 %); short 126 of 400 (31.5 %, not significant); tiny 10 of 20;
	// empty none.
	res := experiments.Analyse(e, []metrics.Value{share(120, 400), share(126, 400), share(10, 20), share(0, 0)}, stats.Alpha, stats.DefaultPower)
	if res.Form != metrics.Share || res.From != day(1) || res.To != day(15) || res.Alpha != 0.05 || res.Power != 0.8 || len(res.Variants) != 4 {
		t.Fatalf("results %+v", res)
	}
	ctl, short, tiny, empty := res.Variants[0], res.Variants[1], res.Variants[2], res.Variants[3]
	if !ctl.Control || ctl.Test != nil || ctl.MDE != nil || ctl.Verdict != "" {
		t.Errorf("control %+v, want no test", ctl)
	}
	if short.Verdict != experiments.NotSignificant || short.Test.Difference != 1.5 || short.MDE == nil {
		t.Errorf("short: %+v, want not significant at +1.5 points with an MDE", short)
	}
	// Not significant, and the MDE says why: 1.5 points is well under what 400 a side detect.
	if want, _ := stats.MDEProportions(0.3, 400, 400, 0.05, 0.8); short.MDE != nil && math.Abs(*short.MDE-100*want) > 1e-4 {
		t.Errorf("short MDE = %v, want %v", *short.MDE, 100*want)
	}
	if short.MDE != nil && *short.MDE <= 1.5 {
		t.Errorf("MDE %v at or under the difference of a non-significant result", *short.MDE)
	}
	if tiny.Verdict != experiments.TooFew || tiny.Test == nil {
		t.Errorf("tiny (20 answers): %+v, want too few", tiny)
	}
	if empty.Verdict != experiments.TooFew || empty.N != 0 || empty.MDE != nil {
		t.Errorf("empty: %+v, want too few and no MDE", empty)
	}
	if v, ok := res.Variant("tiny"); !ok || v.N != 20 {
		t.Errorf("Variant(tiny) = %+v, %v", v, ok)
	}

	// Means: the MDE comes from each side's spread.
	mean := func(xs ...float64) metrics.Value {
		s := metrics.Sample{Form: metrics.Avg}
		for range 20 {
			for _, x := range xs {
				s.Moments.Observe(x)
			}
		}
		return metrics.Evaluate(s)
	}
	e.Metric = experiments.Metric{Kind: metrics.CES, Variant: metrics.Mean}
	res = experiments.Analyse(e, []metrics.Value{mean(3, 4, 5), mean(4, 5, 6), mean(1, 7), mean()}, stats.Alpha, stats.DefaultPower)
	a, b := res.Variants[0].Sample.Moments, res.Variants[2].Sample.Moments
	want, _ := stats.MDEMeans(math.Sqrt(a.Variance()), math.Sqrt(b.Variance()), 60, 40, 0.05, 0.8)
	if m := res.Variants[2].MDE; m == nil || math.Abs(*m-want) > 1e-4 {
		t.Errorf("MDE of means = %v, want %v", m, want)
	}
	if res.Variants[1].Verdict != experiments.Significant || res.Variants[1].Test.Method != "welch-t" {
		t.Errorf("a mean one point higher over 60 answers a side: %+v, want significant by Welch", res.Variants[1])
	}
}

func TestQuery(t *testing.T) {
	in := valid()
	in.Metric.Filter = metrics.Filter{"plan": {"pro"}}
	if err := in.Validate(); err != nil {
		t.Fatal(err)
	}
	e := in.Experiment()
	q := e.Query(e.Variants[1])
	if q.Kind != metrics.CSAT || q.Variant != metrics.Satisfied || q.From != day(1) || q.To != day(15) || q.Every != "" || q.By != "" ||
		!slices.Equal(q.Filter["variant"], []string{"b", "b2"}) || !slices.Equal(q.Filter["plan"], []string{"pro"}) {
		t.Errorf("query = %+v", q)
	}
	// The experiment's own filter is not changed by a variant's query.
	if len(e.Metric.Filter) != 1 {
		t.Errorf("metric filter changed: %v", e.Metric.Filter)
	}
	if err := q.Validate(); err != nil {
		t.Errorf("query does not validate: %v", err)
	}
}
