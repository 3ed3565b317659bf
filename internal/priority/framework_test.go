package priority

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/lodestar-cx/lodestar/internal/fault"
)

func mustFramework(t testing.TB, c Config) Framework {
	t.Helper()
	f, err := ParseFramework(c)
	if err != nil {
		t.Fatalf("ParseFramework(%+v) = %v", c, err)
	}
	return f
}

func TestScore(t *testing.T) {
	ifa := "0.5 × impact + 0.25 × feasibility + 0.25 × alignment"
	cases := []struct {
		name   string
		config *Config // nil for the zero Framework
		in     Inputs
		want   Explanation
	}{
		{
			name: "zero framework is the default",
			in:   Inputs{"impact": 4, "feasibility": 3, "alignment": 5},
			want: Explanation{
				Framework: ImpactFeasibilityAlignment, Formula: ifa,
				Inputs: Inputs{"impact": 4, "feasibility": 3, "alignment": 5},
				Terms: []Term{
					{"0.5 × impact", "0.5 × 4", 2},
					{"0.25 × feasibility", "0.25 × 3", 0.75},
					{"0.25 × alignment", "0.25 × 5", 1.25},
				},
				Score: 4,
			},
		},
		{
			name:   "impact-feasibility-alignment ignores other fields",
			config: &Config{Kind: ImpactFeasibilityAlignment},
			in:     Inputs{"impact": 1, "feasibility": 5, "alignment": 2, "reach": 1e6, "effort": 3},
			want: Explanation{
				Framework: ImpactFeasibilityAlignment, Formula: ifa,
				Inputs: Inputs{"impact": 1, "feasibility": 5, "alignment": 2},
				Terms: []Term{
					{"0.5 × impact", "0.5 × 1", 0.5},
					{"0.25 × feasibility", "0.25 × 5", 1.25},
					{"0.25 × alignment", "0.25 × 2", 0.5},
				},
				Score: 2.25,
			},
		},
		{
			name:   "weights are normalised",
			config: &Config{Kind: ImpactFeasibilityAlignment, Weights: &Weights{Impact: 2, Feasibility: 1, Alignment: 1}},
			in:     Inputs{"impact": 4, "feasibility": 3, "alignment": 5},
			want: Explanation{
				Framework: ImpactFeasibilityAlignment, Formula: ifa,
				Inputs: Inputs{"impact": 4, "feasibility": 3, "alignment": 5},
				Terms: []Term{
					{"0.5 × impact", "0.5 × 4", 2},
					{"0.25 × feasibility", "0.25 × 3", 0.75},
					{"0.25 × alignment", "0.25 × 5", 1.25},
				},
				Score: 4,
			},
		},
		{
			name:   "equal weights",
			config: &Config{Kind: ImpactFeasibilityAlignment, Weights: &Weights{Impact: 1, Feasibility: 1, Alignment: 1}},
			in:     Inputs{"impact": 5, "feasibility": 5, "alignment": 2},
			want: Explanation{
				Framework: ImpactFeasibilityAlignment,
				Formula:   "0.3333333333 × impact + 0.3333333333 × feasibility + 0.3333333333 × alignment",
				Inputs:    Inputs{"impact": 5, "feasibility": 5, "alignment": 2},
				Terms: []Term{
					{"0.3333333333 × impact", "0.3333333333 × 5", 5.0 / 3},
					{"0.3333333333 × feasibility", "0.3333333333 × 5", 5.0 / 3},
					{"0.3333333333 × alignment", "0.3333333333 × 2", 2.0 / 3},
				},
				Score: 4,
			},
		},
		{
			name:   "a field of weight 0 is not read",
			config: &Config{Kind: ImpactFeasibilityAlignment, Weights: &Weights{Impact: 1, Alignment: 1}},
			in:     Inputs{"impact": 4, "alignment": 2},
			want: Explanation{
				Framework: ImpactFeasibilityAlignment, Formula: "0.5 × impact + 0.5 × alignment",
				Inputs: Inputs{"impact": 4, "alignment": 2},
				Terms:  []Term{{"0.5 × impact", "0.5 × 4", 2}, {"0.5 × alignment", "0.5 × 2", 1}},
				Score:  3,
			},
		},
		{
			name:   "rice",
			config: &Config{Kind: RICE},
			in:     Inputs{"reach": 2000, "impact": 2, "confidence": 0.8, "effort": 4},
			want: Explanation{
				Framework: RICE, Formula: "reach × impact × confidence ÷ effort",
				Inputs: Inputs{"reach": 2000, "impact": 2, "confidence": 0.8, "effort": 4},
				Terms: []Term{
					{"reach × impact × confidence", "2000 × 2 × 0.8", 3200},
					{"reach × impact × confidence ÷ effort", "3200 ÷ 4", 800},
				},
				Score: 800,
			},
		},
		{
			name:   "rice at the bounds",
			config: &Config{Kind: RICE},
			in:     Inputs{"reach": 1e12, "impact": 3, "confidence": 1, "effort": 0.01},
			want: Explanation{
				Framework: RICE, Formula: "reach × impact × confidence ÷ effort",
				Inputs: Inputs{"reach": 1e12, "impact": 3, "confidence": 1, "effort": 0.01},
				Terms: []Term{
					{"reach × impact × confidence", "1000000000000 × 3 × 1", 3e12},
					{"reach × impact × confidence ÷ effort", "3000000000000 ÷ 0.01", 3e14},
				},
				Score: 3e14,
			},
		},
		{
			name:   "ice",
			config: &Config{Kind: ICE},
			in:     Inputs{"impact": 8, "confidence": 7, "ease": 6},
			want: Explanation{
				Framework: ICE, Formula: "impact × confidence × ease",
				Inputs: Inputs{"impact": 8, "confidence": 7, "ease": 6},
				Terms:  []Term{{"impact × confidence × ease", "8 × 7 × 6", 336}},
				Score:  336,
			},
		},
		{
			name:   "wsjf",
			config: &Config{Kind: WSJF},
			in:     Inputs{"business_value": 8, "time_criticality": 5, "risk_reduction": 3, "job_size": 4},
			want: Explanation{
				Framework: WSJF, Formula: "(business_value + time_criticality + risk_reduction) ÷ job_size",
				Inputs: Inputs{"business_value": 8, "time_criticality": 5, "risk_reduction": 3, "job_size": 4},
				Terms: []Term{
					{"business_value + time_criticality + risk_reduction", "8 + 5 + 3", 16},
					{"(business_value + time_criticality + risk_reduction) ÷ job_size", "16 ÷ 4", 4},
				},
				Score: 4,
			},
		},
		{
			name:   "value-effort",
			config: &Config{Kind: ValueEffort},
			in:     Inputs{"value": 8, "effort": 2.5},
			want: Explanation{
				Framework: ValueEffort, Formula: "value ÷ effort",
				Inputs: Inputs{"value": 8, "effort": 2.5},
				Terms:  []Term{{"value ÷ effort", "8 ÷ 2.5", 3.2}},
				Score:  3.2,
			},
		},
		{
			name:   "custom sum",
			config: &Config{Kind: Custom, Formula: "impact*2 + reach/effort - ease"},
			in:     Inputs{"impact": 4, "reach": 1000, "effort": 4, "ease": 3, "value": 9},
			want: Explanation{
				Framework: Custom, Formula: "impact * 2 + reach / effort - ease",
				Inputs: Inputs{"impact": 4, "reach": 1000, "effort": 4, "ease": 3},
				Terms: []Term{
					{"impact * 2", "4 * 2", 8},
					{"reach / effort", "1000 / 4", 250},
					{"-ease", "-3", -3},
				},
				Score: 255,
			},
		},
		{
			name:   "custom subtracts a group",
			config: &Config{Kind: Custom, Formula: "10 - (impact + ease)"},
			in:     Inputs{"impact": 4, "ease": 3},
			want: Explanation{
				Framework: Custom, Formula: "10 - (impact + ease)",
				Inputs: Inputs{"impact": 4, "ease": 3},
				Terms:  []Term{{"10", "10", 10}, {"-(impact + ease)", "-(4 + 3)", -7}},
				Score:  3,
			},
		},
		{
			name:   "custom product",
			config: &Config{Kind: Custom, Formula: " sqrt(reach) × confidence ÷ max(effort, 1) "},
			in:     Inputs{"reach": 900, "confidence": 0.5, "effort": 0.5},
			want: Explanation{
				Framework: Custom, Formula: "sqrt(reach) * confidence / max(effort, 1)",
				Inputs: Inputs{"reach": 900, "confidence": 0.5, "effort": 0.5},
				Terms:  []Term{{"sqrt(reach) * confidence / max(effort, 1)", "sqrt(900) * 0.5 / max(0.5, 1)", 15}},
				Score:  15,
			},
		},
		{
			name:   "custom constant",
			config: &Config{Kind: Custom, Formula: "42"},
			in:     Inputs{},
			want:   Explanation{Framework: Custom, Formula: "42", Inputs: Inputs{}, Terms: []Term{{"42", "42", 42}}, Score: 42},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var f Framework
			if c.config != nil {
				f = mustFramework(t, *c.config)
			}
			got, err := f.Score(c.in)
			if err != nil {
				t.Fatalf("Score(%v) = %v", c.in, err)
			}
			if diff := cmp.Diff(c.want, got, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
				t.Errorf("Score(%v) mismatch (-want +got):\n%s", c.in, diff)
			}
		})
	}
}

func TestScoreInvalid(t *testing.T) {
	cases := []struct {
		name   string
		config Config
		in     Inputs
		want   []fault.FieldError
	}{
		{"missing", Config{Kind: RICE}, Inputs{"impact": 1}, []fault.FieldError{
			{Field: "reach", Message: "must be given"},
			{Field: "confidence", Message: "must be given"},
			{Field: "effort", Message: "must be given"},
		}},
		{"confidence as a percentage", Config{Kind: RICE}, Inputs{"reach": 10, "impact": 1, "confidence": 80, "effort": 1}, []fault.FieldError{
			{Field: "confidence", Message: "must be between 0 and 1"},
		}},
		{"not finite", Config{Kind: RICE}, Inputs{"reach": math.NaN(), "impact": math.Inf(1), "confidence": 1, "effort": 0}, []fault.FieldError{
			{Field: "reach", Message: "must be a finite number"},
			{Field: "impact", Message: "must be a finite number"},
			{Field: "effort", Message: "must be between 0.01 and 1000"},
		}},
		{"rice impact scale", Config{Kind: RICE}, Inputs{"reach": 10, "impact": 5, "confidence": 1, "effort": 1}, []fault.FieldError{
			{Field: "impact", Message: "must be between 0.25 and 3"},
		}},
		{"out of range", Config{Kind: ImpactFeasibilityAlignment}, Inputs{"impact": 6, "feasibility": 0, "alignment": -1}, []fault.FieldError{
			{Field: "impact", Message: "must be between 1 and 5"},
			{Field: "feasibility", Message: "must be between 1 and 5"},
			{Field: "alignment", Message: "must be between 1 and 5"},
		}},
		{"ice scale", Config{Kind: ICE}, Inputs{"impact": 11, "confidence": 0.8, "ease": 10}, []fault.FieldError{
			{Field: "impact", Message: "must be between 1 and 10"},
			{Field: "confidence", Message: "must be between 1 and 10"},
		}},
		{"job size zero", Config{Kind: WSJF}, Inputs{"business_value": 1, "time_criticality": 21, "risk_reduction": 1, "job_size": 0}, []fault.FieldError{
			{Field: "time_criticality", Message: "must be between 1 and 20"},
			{Field: "job_size", Message: "must be between 1 and 20"},
		}},
		{"effort zero", Config{Kind: ValueEffort}, Inputs{"value": 5, "effort": 0}, []fault.FieldError{
			{Field: "effort", Message: "must be between 0.01 and 1000"},
		}},
		{"custom reads only its fields", Config{Kind: Custom, Formula: "value / ease"}, Inputs{"value": 5, "ease": 0, "impact": -3}, []fault.FieldError{
			{Field: "ease", Message: "must be between 1 and 10"},
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, err := mustFramework(t, c.config).Score(c.in)
			var invalid *fault.InvalidError
			if !errors.As(err, &invalid) {
				t.Fatalf("Score(%v) = %+v, %v, want a *fault.InvalidError", c.in, e, err)
			}
			if diff := cmp.Diff(c.want, invalid.Fields); diff != "" {
				t.Errorf("Score(%v) fields mismatch (-want +got):\n%s", c.in, diff)
			}
		})
	}
}

func TestScoreCustomEvalError(t *testing.T) {
	f := mustFramework(t, Config{Kind: Custom, Formula: "value / (impact - 1)"})
	in := Inputs{"value": 5, "impact": 1}
	e, err := f.Score(in)
	var got *EvalError
	if !errors.As(err, &got) {
		t.Fatalf("Score(%v) = %+v, %v, want an *EvalError", in, e, err)
	}
	if want := (EvalError{Pos: 7, Op: "/", Msg: "division by zero"}); *got != want {
		t.Errorf("Score(%v) = %v, want %v", in, got, &want)
	}
	if want := "custom formula value / (impact - 1): at 7: /: division by zero"; err.Error() != want {
		t.Errorf("Score(%v) = %q, want %q", in, err, want)
	}
}

func TestParseFramework(t *testing.T) {
	cases := []struct {
		name   string
		config Config
		want   []fault.FieldError
	}{
		{"no kind", Config{}, []fault.FieldError{{Field: "kind",
			Message: "must be one of impact-feasibility-alignment, rice, ice, wsjf, value-effort, custom"}}},
		{"unknown kind", Config{Kind: "moscow", Formula: "x"}, []fault.FieldError{{Field: "kind",
			Message: "must be one of impact-feasibility-alignment, rice, ice, wsjf, value-effort, custom"}}},
		{"negative weight", Config{Kind: ImpactFeasibilityAlignment, Weights: &Weights{Impact: -1, Feasibility: 1, Alignment: 1}},
			[]fault.FieldError{{Field: "weights.impact", Message: "must be between 0 and 1000"}}},
		{"weights not finite", Config{Kind: ImpactFeasibilityAlignment, Weights: &Weights{Impact: 1, Feasibility: math.NaN(), Alignment: math.Inf(1)}},
			[]fault.FieldError{
				{Field: "weights.feasibility", Message: "must be between 0 and 1000"},
				{Field: "weights.alignment", Message: "must be between 0 and 1000"},
			}},
		{"weight too large", Config{Kind: ImpactFeasibilityAlignment, Weights: &Weights{Impact: 1e308, Feasibility: 1e308, Alignment: 1e308}},
			[]fault.FieldError{
				{Field: "weights.impact", Message: "must be between 0 and 1000"},
				{Field: "weights.feasibility", Message: "must be between 0 and 1000"},
				{Field: "weights.alignment", Message: "must be between 0 and 1000"},
			}},
		{"all weights zero", Config{Kind: ImpactFeasibilityAlignment, Weights: &Weights{}},
			[]fault.FieldError{{Field: "weights", Message: "must not all be 0"}}},
		{"weights elsewhere", Config{Kind: RICE, Weights: &Weights{Impact: 1}},
			[]fault.FieldError{{Field: "weights", Message: "apply only to impact-feasibility-alignment"}}},
		{"formula elsewhere", Config{Kind: ICE, Formula: "impact"},
			[]fault.FieldError{{Field: "formula", Message: "applies only to custom"}}},
		{"no formula", Config{Kind: Custom, Formula: "  "},
			[]fault.FieldError{{Field: "formula", Message: "must not be empty"}}},
		{"formula syntax", Config{Kind: Custom, Formula: "reach * (impact"},
			[]fault.FieldError{{Field: "formula", Message: `at 16: expected ")" to close "(" opened at 9`}}},
		{"formula field", Config{Kind: Custom, Formula: "reech"},
			[]fault.FieldError{{Field: "formula", Message: `at 1: unknown field "reech": want one of alignment, business_value, ` +
				`confidence, ease, effort, feasibility, impact, job_size, reach, risk_reduction, time_criticality, value`}}},
		{"weights and formula both wrong", Config{Kind: Custom, Weights: &Weights{}, Formula: "1 +"},
			[]fault.FieldError{
				{Field: "weights", Message: "apply only to impact-feasibility-alignment"},
				{Field: "formula", Message: `at 4: expected a number, field, function or "(", found the end of the formula`},
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := ParseFramework(c.config)
			var invalid *fault.InvalidError
			if !errors.As(err, &invalid) {
				t.Fatalf("ParseFramework(%+v) = %+v, %v, want a *fault.InvalidError", c.config, f.Config(), err)
			}
			if diff := cmp.Diff(c.want, invalid.Fields); diff != "" {
				t.Errorf("ParseFramework(%+v) fields mismatch (-want +got):\n%s", c.config, diff)
			}
		})
	}
}

func TestFrameworkJSON(t *testing.T) {
	cases := []struct {
		name string
		f    Framework
		want string
	}{
		{"zero", Framework{}, `{"kind":"impact-feasibility-alignment","weights":{"impact":0.5,"feasibility":0.25,"alignment":0.25}}`},
		{"default", Default(), `{"kind":"impact-feasibility-alignment","weights":{"impact":0.5,"feasibility":0.25,"alignment":0.25}}`},
		{"weights as given", mustFramework(t, Config{Kind: ImpactFeasibilityAlignment, Weights: &Weights{Impact: 3, Feasibility: 1}}),
			`{"kind":"impact-feasibility-alignment","weights":{"impact":3,"feasibility":1,"alignment":0}}`},
		{"rice", mustFramework(t, Config{Kind: RICE}), `{"kind":"rice"}`},
		{"wsjf", mustFramework(t, Config{Kind: WSJF}), `{"kind":"wsjf"}`},
		{"custom keeps the formula as written", mustFramework(t, Config{Kind: Custom, Formula: " reach*impact/effort\n"}),
			`{"kind":"custom","formula":"reach*impact/effort"}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data, err := json.Marshal(c.f)
			if err != nil || string(data) != c.want {
				t.Fatalf("json.Marshal(%s) = %s, %v, want %s", c.name, data, err, c.want)
			}
			var back Framework
			if err := json.Unmarshal(data, &back); err != nil {
				t.Fatalf("json.Unmarshal(%s) = %v", data, err)
			}
			if diff := cmp.Diff(c.f.Config(), back.Config()); diff != "" {
				t.Errorf("json.Unmarshal(%s) config mismatch (-want +got):\n%s", data, diff)
			}
			if back.Formula() != c.f.Formula() {
				t.Errorf("json.Unmarshal(%s).Formula() = %q, want %q", data, back.Formula(), c.f.Formula())
			}
		})
	}
}

func TestFrameworkUnmarshalInvalid(t *testing.T) {
	cases := []struct {
		data    string
		invalid bool // a *fault.InvalidError rather than a JSON error
	}{
		{`{"kind":"moscow"}`, true},
		{`{"kind":"custom","formula":"sqrt("}`, true},
		{`{"kind":"impact-feasibility-alignment","weights":{"impact":0,"feasibility":0,"alignment":0}}`, true},
		{`{"kind":3}`, false},
		{`[`, false},
	}
	for _, c := range cases {
		var f Framework
		err := json.Unmarshal([]byte(c.data), &f)
		var invalid *fault.InvalidError
		if err == nil || errors.As(err, &invalid) != c.invalid {
			t.Errorf("json.Unmarshal(%s) = %v, want an error (invalid input: %v)", c.data, err, c.invalid)
		}
	}
}

func TestExplanationJSON(t *testing.T) {
	e, err := mustFramework(t, Config{Kind: RICE}).Score(Inputs{"reach": 2000, "impact": 2, "confidence": 0.8, "effort": 4, "ease": 1})
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(e)
	want := `{"framework":"rice","formula":"reach × impact × confidence ÷ effort",` +
		`"inputs":{"confidence":0.8,"effort":4,"impact":2,"reach":2000},` +
		`"terms":[{"name":"reach × impact × confidence","expr":"2000 × 2 × 0.8","value":3200},` +
		`{"name":"reach × impact × confidence ÷ effort","expr":"3200 ÷ 4","value":800}],"score":800}`
	if err != nil || string(data) != want {
		t.Errorf("json.Marshal(%+v) = %s, %v, want %s", e, data, err, want)
	}
}

// frameworks returns one framework of each kind.
func frameworks(t testing.TB) []Framework {
	t.Helper()
	return []Framework{
		Default(),
		mustFramework(t, Config{Kind: RICE}),
		mustFramework(t, Config{Kind: ICE}),
		mustFramework(t, Config{Kind: WSJF}),
		mustFramework(t, Config{Kind: ValueEffort}),
		mustFramework(t, Config{Kind: Custom, Formula: "(impact * confidence + 2 * value) / max(effort, 0.5) + log(reach + 1, 10)"}),
	}
}

// initiatives returns n initiatives with every field drawn at random from the range that f
// accepts, or from the range in Fields when f is nil, the same on every call.
func initiatives(f *Framework, n int) []Inputs {
	r := rand.New(rand.NewPCG(1, 2))
	fields := Fields()
	if f != nil {
		fields = f.Inputs()
	}
	ins := make([]Inputs, n)
	for i := range ins {
		ins[i] = make(Inputs, len(fields))
		for _, fd := range fields {
			ins[i][fd.Name] = fd.Min + r.Float64()*(fd.Max-fd.Min)
		}
	}
	return ins
}

// A score depends on the initiative and the framework alone: scoring others in between, at the
// same time, or with more fields than read changes nothing.
func TestScoreIsAbsolute(t *testing.T) {
	for _, f := range frameworks(t) {
		t.Run(string(f.Kind()), func(t *testing.T) {
			ins := initiatives(&f, 200)
			alone := make([]Explanation, len(ins))
			for i, in := range ins {
				e, err := f.Score(in)
				if err != nil {
					t.Fatalf("Score(%v) = %v", in, err)
				}
				alone[i] = e
			}
			var wg sync.WaitGroup
			together := make([]Explanation, len(ins))
			for i, in := range ins {
				wg.Go(func() {
					padded := Inputs{"unrelated": float64(i)}
					for k, v := range in {
						padded[k] = v
					}
					together[i], _ = f.Score(padded)
				})
			}
			wg.Wait()
			for i := len(ins) - 1; i >= 0; i-- {
				again, _ := f.Score(ins[i])
				if diff := cmp.Diff(alone[i], again); diff != "" {
					t.Fatalf("Score(%v) after others mismatch (-alone +again):\n%s", ins[i], diff)
				}
				if diff := cmp.Diff(alone[i], together[i]); diff != "" {
					t.Fatalf("Score(%v) among others mismatch (-alone +together):\n%s", ins[i], diff)
				}
			}
		})
	}
}

// The formula of a built-in framework's explanation is a custom formula that computes the same
// score, so a workspace can start its own from it.
func TestExplanationFormulaParses(t *testing.T) {
	for _, f := range frameworks(t)[:5] {
		t.Run(string(f.Kind()), func(t *testing.T) {
			formula, err := Parse(f.Formula(), fieldNames())
			if err != nil {
				t.Fatalf("Parse(%q) = %v", f.Formula(), err)
			}
			for _, in := range initiatives(&f, 100) {
				e, err := f.Score(in)
				if err != nil {
					t.Fatalf("Score(%v) = %v", in, err)
				}
				if got, err := formula.Eval(in); err != nil || got != e.Score {
					t.Fatalf("Parse(%q).Eval(%v) = %v, %v, want %v", f.Formula(), in, got, err, e.Score)
				}
			}
		})
	}
}

// Each framework reads fields on ranges within those of Fields, so that a custom formula accepts
// whatever a built-in framework accepts.
func TestInputsWithinFields(t *testing.T) {
	general := map[string]Field{}
	for _, fd := range Fields() {
		general[fd.Name] = fd
	}
	for _, f := range frameworks(t) {
		for _, in := range f.Inputs() {
			g, ok := general[in.Name]
			if !ok || in.Min < g.Min || in.Max > g.Max || in.Min > in.Max {
				t.Errorf("%s.Inputs() has %s on %v–%v, want within %v–%v", f.Kind(), in.Name, in.Min, in.Max, g.Min, g.Max)
			}
		}
	}
}

func TestRank(t *testing.T) {
	cases := []struct {
		name  string
		items []Ranked
		want  []int64 // ids, in order
	}{
		{"none", nil, nil},
		{"by score", []Ranked{{1, 2}, {2, 5}, {3, 2.5}, {4, 9}}, []int64{4, 2, 3, 1}},
		{"ties by id", []Ranked{{5, 1}, {3, 1}, {4, 1}, {9, 2}}, []int64{9, 3, 4, 5}},
		{"negative scores", []Ranked{{1, -3}, {2, 0}, {3, -1}}, []int64{2, 3, 1}},
		{"NaN last", []Ranked{{1, math.NaN()}, {2, -1}, {3, math.Inf(-1)}}, []int64{2, 3, 1}},
		{"same id keeps order", []Ranked{{7, 1}, {7, 1}, {1, 0}}, []int64{7, 7, 1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := fmt.Sprint(c.items)
			var got []int64
			for _, r := range Rank(c.items) {
				got = append(got, r.ID)
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("Rank(%v) mismatch (-want +got):\n%s", c.items, diff)
			}
			if after := fmt.Sprint(c.items); after != before {
				t.Errorf("Rank(%v) changed its argument to %v", before, after)
			}
		})
	}
}

// BenchmarkScore scores 10,000 initiatives with each framework; ns/initiative is the figure to
// watch.
func BenchmarkScore(b *testing.B) {
	const n = 10_000
	for _, f := range frameworks(b) {
		ins := initiatives(&f, n)
		name := string(f.Kind())
		if f.Kind() == Custom {
			name += " " + strings.ReplaceAll(f.Formula(), " ", "")
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for _, in := range ins {
					if _, err := f.Score(in); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/initiative")
		})
	}
}
