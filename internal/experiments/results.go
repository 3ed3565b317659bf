package experiments

import (
	"context"
	"fmt"
	"math"

	"github.com/lodestar-cx/lodestar/internal/civil"
	"github.com/lodestar-cx/lodestar/internal/metrics"
	"github.com/lodestar-cx/lodestar/internal/stats"
)

// Verdict says in plain words what a treatment's test found.
type Verdict string

// The verdicts.
const (
	// Significant: the difference from the control is unlikely to be chance (p below α).
	Significant Verdict = "significant"
	// NotSignificant: the answers cannot tell the treatment from the control; the MDE says
	// how big a difference they could have shown.
	NotSignificant Verdict = "not_significant"
	// TooFew: the treatment or the control has fewer than stats.MinN answers, too few for
	// the test's normal approximation to be trusted.
	TooFew Verdict = "too_few_answers"
)

// VariantResult is one variant's value over the experiment's span and, for a treatment, its
// test against the control.
type VariantResult struct {
	Name    string   `json:"name"`
	Values  []string `json:"values"`
	Control bool     `json:"control,omitempty"`
	metrics.Value
	// Test is the treatment less the control, by the test of the metric's form.
	Test *stats.Test `json:"test,omitempty" jsonschema_description:"This treatment less the control: two-proportion z for a share, z on the adjusted-Wald difference for NPS and net easy, Welch's t for a mean. Absent for the control."`
	// MDE is the smallest difference the test finds with the power of the results, given the
	// control's spread and both variants' answers, in the units of the difference.
	MDE     *float64 `json:"mde,omitempty" jsonschema_description:"The minimum detectable effect: the smallest difference from the control, in the units of the test's difference, that the test finds with the results' power at their level with these answers. Absent for the control, and when no difference on the scale could be found."`
	Verdict Verdict  `json:"verdict,omitempty" jsonschema:"enum=significant,enum=not_significant,enum=too_few_answers" jsonschema_description:"significant (p below alpha), not_significant, or too_few_answers (fewer than 30 answers on either side). Absent for the control."`
}

// Results are an experiment's values, tests and detectable effects.
type Results struct {
	ExperimentID int64        `json:"experiment_id"`
	Metric       Metric       `json:"metric"`
	Form         metrics.Form `json:"form" jsonschema:"enum=net,enum=share,enum=mean" jsonschema_description:"net: −100 to 100 (NPS, net easy); share: percent; mean: on the metric's scale."`
	Dim          string       `json:"dim"`
	From         civil.Date   `json:"from"`
	To           civil.Date   `json:"to" jsonschema_description:"The day after the last day counted."`
	Alpha        float64      `json:"alpha" jsonschema_description:"The two-sided level of the tests."`
	Power        float64      `json:"power" jsonschema_description:"The power the minimum detectable effects are computed for."`
	// Source says where the answers were counted, as for a metric: aggregates, feedback or
	// customers.
	Source   string          `json:"source"`
	Variants []VariantResult `json:"variants" jsonschema_description:"The control first, then each treatment with its test against the control."`
}

// Variant finds a variant's result by name.
func (r Results) Variant(name string) (VariantResult, bool) {
	for _, v := range r.Variants {
		if v.Name == name {
			return v, true
		}
	}
	return VariantResult{}, false
}

// Evaluate computes experiment e's results: each variant's metric over [Start, End), its
// answers filtered to the variant's values of the dimension (metrics.Run, so from the
// aggregates when they keep the dimension apart and from the answers otherwise), then
// Analyse.
func Evaluate(ctx context.Context, r metrics.Reader, ws int64, e Experiment) (Results, error) {
	values := make([]metrics.Value, len(e.Variants))
	source := ""
	for i, v := range e.Variants {
		res, err := metrics.Run(ctx, r, ws, e.Query(v))
		if err != nil {
			return Results{}, fmt.Errorf("experiment %d, variant %q: %w", e.ID, v.Name, err)
		}
		values[i] = res.Total
		if source == "" || res.Source != metrics.FromAggregates {
			source = res.Source
		}
	}
	res := Analyse(e, values, stats.Alpha, stats.DefaultPower)
	res.Source = source
	return res, nil
}

// Analyse tests each treatment's value against the control's (values in the order of the
// variants) at two-sided level alpha, and computes the minimum detectable effect at power.
func Analyse(e Experiment, values []metrics.Value, alpha, power float64) Results {
	res := Results{ExperimentID: e.ID, Metric: e.Metric, Form: e.Metric.Form(), Dim: e.Dim, From: e.Start, To: e.End,
		Alpha: alpha, Power: power}
	control := values[0].Sample
	for i, v := range e.Variants {
		vr := VariantResult{Name: v.Name, Values: v.Values, Control: i == 0, Value: values[i]}
		if i > 0 {
			s := values[i].Sample
			t := metrics.Compare(s, control)
			vr.Test = &t
			if d, ok := detectable(res.Form, control, s, alpha, power); ok {
				d = math.Round(d*1e4) / 1e4
				vr.MDE = &d
			}
			switch {
			case control.N() < stats.MinN || s.N() < stats.MinN || t.Method == "none":
				vr.Verdict = TooFew
			case t.P < alpha:
				vr.Verdict = Significant
			default:
				vr.Verdict = NotSignificant
			}
		}
		res.Variants = append(res.Variants, vr)
	}
	return res
}

// detectable is the minimum detectable effect of a treatment against the control, in the
// units of the test's difference: percentage points of a share (from the control's share),
// points of NPS (from the control's shares, adjusted as the test adjusts them, so that a
// control of promoters only still has a spread), units of a mean (from each side's spread).
func detectable(form metrics.Form, control, treatment metrics.Sample, alpha, power float64) (float64, bool) {
	n1, n2 := int(control.N()), int(treatment.N())
	switch form {
	case metrics.Share:
		if n1 == 0 {
			return 0, false
		}
		d, ok := stats.MDEProportions(float64(control.Pos)/float64(n1), n1, n2, alpha, power)
		return 100 * d, ok
	case metrics.Net:
		n := float64(n1) + 3
		return stats.MDENPS((float64(control.Pos)+0.75)/n, (float64(control.Neg)+0.75)/n, n1, n2, alpha, power)
	case metrics.Avg:
		return stats.MDEMeans(math.Sqrt(control.Moments.Variance()), math.Sqrt(treatment.Moments.Variance()), n1, n2, alpha, power)
	}
	return 0, false
}
