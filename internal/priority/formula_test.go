package priority

import (
	"errors"
	"math"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

var abc = []string{"a", "b", "c"}

func TestParse(t *testing.T) {
	vars := map[string]float64{"a": 2, "b": 3, "c": 4}
	cases := []struct {
		src  string
		want string  // canonical form
		val  float64 // with a=2, b=3, c=4
	}{
		// Numbers.
		{"2", "2", 2},
		{"0.5", "0.5", 0.5},
		{"1000", "1000", 1000},
		{"1e3", "1e3", 1000}, // 1000 is longer
		{"1E3", "1e3", 1000},
		{"10e2", "1000", 1000},
		{"2.5e-1", "0.25", 0.25},
		{"007", "7", 7},
		{"0.50", "0.5", 0.5},
		{"0.000001", "0.000001", 1e-6},
		{"0.0000010", "0.000001", 1e-6},
		{"1e-7", "1e-7", 1e-7},
		{"1.5e7", "1.5e7", 1.5e7},  // 15000000 is longer
		{"0150e5", "1.5e7", 1.5e7}, // 15000000 is longer
		{"123e5", "123e5", 123e5},  // 12300000 and 1.23e7 are longer
		{"1e300", "1e300", 1e300},  // not 301 digits
		{"1e-400", "0", 0},         // underflows to zero
		{"1.0e+2", "100", 100},     // signed exponent
		{"12345678", "12345678", 12345678},
		// Precedence and associativity.
		{"1+2*3", "1 + 2 * 3", 7},
		{"(1+2)*3", "(1 + 2) * 3", 9},
		{"a*b+c", "a * b + c", 10},
		{"a*(b+c)", "a * (b + c)", 14},
		{"1-2-3", "1 - 2 - 3", -4},
		{"1-(2-3)", "1 - (2 - 3)", 2},
		{"(1-2)-3", "1 - 2 - 3", -4},
		{"a+(b+c)", "a + (b + c)", 9}, // kept: float addition is not associative
		{"(a+b)+c", "a + b + c", 9},
		{"12/a/b", "12 / a / b", 2},
		{"12/(a/b)", "12 / (a / b)", 18},
		{"12/(a*b)", "12 / (a * b)", 2},
		{"(a*b)/c", "a * b / c", 1.5},
		{"a-b*c", "a - b * c", -10},
		{"(a-b)*c", "(a - b) * c", -4},
		{"((a))", "a", 2},
		{"2*(3)", "2 * 3", 6},
		// Unary minus.
		{"-a", "-a", -2},
		{"-a*b", "-a * b", -6},
		{"-(a*b)", "-(a * b)", -6},
		{"-(a+b)", "-(a + b)", -5},
		{"--a", "--a", 2},
		{"- - a", "--a", 2},
		{"-(-a)", "--a", 2},
		{"a--b", "a - -b", 5},
		{"a*-b", "a * -b", -6},
		{"a/-b*c", "a / -b * c", -8.0 / 3},
		{"-2", "-2", -2},
		// Functions.
		{"min(a,b,c)", "min(a, b, c)", 2},
		{"max( a , b )", "max(a, b)", 3},
		{"min(c, -a)", "min(c, -a)", -2},
		{"sqrt(16)", "sqrt(16)", 4},
		{"sqrt(0)", "sqrt(0)", 0},
		{"log(1)", "log(1)", 0},
		{"log(100, 10)", "log(100, 10)", 2},
		{"abs(a - c)", "abs(a - c)", 2},
		{"round(2.5)", "round(2.5)", 3},
		{"round(-2.5)", "round(-2.5)", -3}, // halves away from zero
		{"round(a/b)", "round(a / b)", 1},
		{"max(a,b)*min(b,c)", "max(a, b) * min(b, c)", 9},
		{"sqrt(abs(-c))", "sqrt(abs(-c))", 2},
		// Spelling.
		{"a × b ÷ c", "a * b / c", 1.5},
		{"\ta\n+\r\nb ", "a + b", 5},
		{"a+b", "a + b", 5},
	}
	for _, c := range cases {
		t.Run(c.src, func(t *testing.T) {
			f, err := Parse(c.src, abc)
			if err != nil {
				t.Fatalf("Parse(%q) = %v", c.src, err)
			}
			if got := f.String(); got != c.want {
				t.Errorf("Parse(%q).String() = %q, want %q", c.src, got, c.want)
			}
			got, err := f.Eval(vars)
			if err != nil || math.Abs(got-c.val) > 1e-12 {
				t.Errorf("Parse(%q).Eval(%v) = %v, %v, want %v", c.src, vars, got, err, c.val)
			}
			again, err := Parse(f.String(), abc)
			if err != nil || again.String() != f.String() {
				t.Errorf("Parse(%q) = %v, %v, want the same canonical form", f.String(), again, err)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	deep := func(open string, n int) string {
		return strings.Repeat(open, n) + "1" + strings.Repeat(")", strings.Count(open, "(")*n)
	}
	cases := []struct {
		name   string
		src    string
		fields []string
		want   SyntaxError
	}{
		{"empty", "", abc, SyntaxError{1, `expected a number, field, function or "(", found the end of the formula`}},
		{"blank", "   ", abc, SyntaxError{4, `expected a number, field, function or "(", found the end of the formula`}},
		{"dangling operator", "1 +", abc, SyntaxError{4, `expected a number, field, function or "(", found the end of the formula`}},
		{"two operators", "a * / b", abc, SyntaxError{5, `expected a number, field, function or "(", found "/"`}},
		{"two ×", "a × × b", abc, SyntaxError{5, `expected a number, field, function or "(", found "×"`}},
		{"unclosed", "(a", abc, SyntaxError{3, `expected ")" to close "(" opened at 1`}},
		{"unclosed later", "2 * (a + b", abc, SyntaxError{11, `expected ")" to close "(" opened at 5`}},
		{"unclosed inner", "((a + b) * c", abc, SyntaxError{13, `expected ")" to close "(" opened at 1`}},
		{"junk in parens", "(a b)", abc, SyntaxError{4, `expected ")" to close "(" opened at 1`}},
		{"unopened", "a)", abc, SyntaxError{2, `unexpected ")" with no "(" to close`}},
		{"no operator", "a b", abc, SyntaxError{3, `expected an operator or the end of the formula, found "b"`}},
		{"number then name", "2a", abc, SyntaxError{2, `expected an operator or the end of the formula, found "a"`}},
		{"empty parens", "()", abc, SyntaxError{2, `expected a number, field, function or "(", found ")"`}},
		{"trailing dot", "1.", abc, SyntaxError{3, `expected a digit after "."`}},
		{"dot then name", "1.a", abc, SyntaxError{3, `expected a digit after "."`}},
		{"empty exponent", "1e", abc, SyntaxError{3, "expected a digit in the exponent"}},
		{"signed empty exponent", "1e+", abc, SyntaxError{4, "expected a digit in the exponent"}},
		{"leading dot", ".5", abc, SyntaxError{1, `unexpected character ".": a number starts with a digit, as in 0.5`}},
		{"lone dot", "a . b", abc, SyntaxError{3, `unexpected character "."`}},
		{"too large", "2 * 1e999", abc, SyntaxError{5, "number 1e999 is too large"}},
		{"uppercase", "a + B", abc, SyntaxError{5, `unexpected character "B": names are lowercase`}},
		{"symbol", "a $ b", abc, SyntaxError{3, `unexpected character "$"`}},
		{"power", "a ^ 2", abc, SyntaxError{3, `unexpected character "^"`}},
		{"positions count characters", "a × é", abc, SyntaxError{5, `unexpected character "é"`}},
		{"invalid UTF-8", "a + \xff", abc, SyntaxError{5, "formula is not valid UTF-8"}},
		{"unknown function", "b + foo(a)", abc, SyntaxError{5, `unknown function "foo": want one of abs, log, max, min, round, sqrt`}},
		{"function as field", "sqrt + 1", abc, SyntaxError{1, `"sqrt" is a function: expected "(" after it`}},
		{"too many arguments", "sqrt(1, 2)", abc, SyntaxError{1, "sqrt takes 1 argument, found 2"}},
		{"no arguments", "1 + abs()", abc, SyntaxError{5, "abs takes 1 argument, found 0"}},
		{"too few for min", "min(a)", abc, SyntaxError{1, "min takes at least 2 arguments, found 1"}},
		{"too many for log", "log(a, b, c)", abc, SyntaxError{1, "log takes 1 or 2 arguments, found 3"}},
		{"trailing comma", "min(a,)", abc, SyntaxError{7, `expected a number, field, function or "(", found ")"`}},
		{"missing comma", "min(a b)", abc, SyntaxError{7, `expected "," or ")" to close "(" opened at 4`}},
		{"unclosed call", "max(a, b", abc, SyntaxError{9, `expected "," or ")" to close "(" opened at 4`}},
		{"comma outside call", "a, b", abc, SyntaxError{2, `expected an operator or the end of the formula, found ","`}},
		{"unknown field", "effort + reech", []string{"reach", "effort"}, SyntaxError{10, `unknown field "reech": want one of effort, reach`}},
		{"no fields", "2 * x", nil, SyntaxError{5, `unknown field "x": this formula may use no fields`}},
		{"too deep parentheses", deep("(", 101), abc, SyntaxError{101, "formula nests deeper than 100 levels"}},
		{"too deep minus", strings.Repeat("-", 101) + "1", abc, SyntaxError{101, "formula nests deeper than 100 levels"}},
		{"too deep calls", deep("abs(", 101), abc, SyntaxError{404, "formula nests deeper than 100 levels"}},
		{"too deep mixed", deep("-(", 51), abc, SyntaxError{101, "formula nests deeper than 100 levels"}},
		{"too long", strings.Repeat("1+", 500) + "1", abc, SyntaxError{1001, "formula is longer than 1000 characters, not counting spaces"}},
		{"too much space", strings.Repeat(" ", 10000) + "1", abc, SyntaxError{10001, "formula is longer than 10000 characters"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := Parse(c.src, c.fields)
			var got *SyntaxError
			if !errors.As(err, &got) {
				t.Fatalf("Parse(%q) = %v, %v, want *SyntaxError %v", c.src, f, err, &c.want)
			}
			if diff := cmp.Diff(c.want, *got); diff != "" {
				t.Errorf("Parse(%q) error mismatch (-want +got):\n%s", c.src, diff)
			}
		})
	}
}

func TestParseAtTheBounds(t *testing.T) {
	cases := []struct {
		name string
		src  string
	}{
		{"100 parentheses", strings.Repeat("(", 100) + "1" + strings.Repeat(")", 100)},
		{"100 minus signs", strings.Repeat("-", 100) + "1"},
		{"1000 characters", strings.Repeat("1+", 499) + "10"},
		{"spaces not counted", strings.Repeat("1 + ", 499) + "10"},
		{"long left chain", strings.Repeat("a*", 499) + "a"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := Parse(c.src, abc)
			if err != nil {
				t.Fatalf("Parse(%.40q…) = %v", c.src, err)
			}
			if _, err := f.Eval(map[string]float64{"a": 1}); err != nil {
				t.Errorf("Parse(%.40q…).Eval() = %v", c.src, err)
			}
		})
	}
}

func TestEvalErrors(t *testing.T) {
	cases := []struct {
		src  string
		vars map[string]float64
		want EvalError
	}{
		{"a / b", map[string]float64{"a": 1, "b": 0}, EvalError{3, "/", "division by zero"}},
		{"0 / (a - a)", map[string]float64{"a": 1}, EvalError{3, "/", "division by zero"}},
		{"sqrt(a - 5)", map[string]float64{"a": 1}, EvalError{1, "sqrt", "argument -4 is negative"}},
		{"1 + log(a - a)", map[string]float64{"a": 1}, EvalError{5, "log", "argument 0 is not above 0"}},
		{"log(-a)", map[string]float64{"a": 1}, EvalError{1, "log", "argument -1 is not above 0"}},
		{"log(8, 1)", nil, EvalError{1, "log", "base 1 is not above 0 and other than 1"}},
		{"log(8, -2)", nil, EvalError{1, "log", "base -2 is not above 0 and other than 1"}},
		{"log(8, 0)", nil, EvalError{1, "log", "base 0 is not above 0 and other than 1"}},
		{"1e300 * 1e300", nil, EvalError{7, "*", "result is too large"}},
		{"1e308 + 1e308", nil, EvalError{7, "+", "result is too large"}},
		{"-1e308 - 1e308", nil, EvalError{8, "-", "result is too large"}},
		{"1e300 / 1e-300", nil, EvalError{7, "/", "result is too large"}},
		{"a + b", map[string]float64{"a": 1}, EvalError{5, "b", "no value given"}},
		{"a", map[string]float64{"a": math.NaN()}, EvalError{1, "a", "value is not a finite number"}},
		{"2 * a", map[string]float64{"a": math.Inf(-1)}, EvalError{5, "a", "value is not a finite number"}},
		{"min(1, b / 0)", map[string]float64{"b": 1}, EvalError{10, "/", "division by zero"}},
	}
	for _, c := range cases {
		t.Run(c.src, func(t *testing.T) {
			f, err := Parse(c.src, abc)
			if err != nil {
				t.Fatalf("Parse(%q) = %v", c.src, err)
			}
			v, err := f.Eval(c.vars)
			var got *EvalError
			if !errors.As(err, &got) {
				t.Fatalf("Parse(%q).Eval(%v) = %v, %v, want *EvalError %v", c.src, c.vars, v, err, &c.want)
			}
			if diff := cmp.Diff(c.want, *got); diff != "" {
				t.Errorf("Parse(%q).Eval(%v) error mismatch (-want +got):\n%s", c.src, c.vars, diff)
			}
		})
	}
}

func TestErrorText(t *testing.T) {
	cases := []struct {
		err  error
		want string
	}{
		{&SyntaxError{Pos: 7, Msg: `expected ")" to close "(" opened at 3`}, `at 7: expected ")" to close "(" opened at 3`},
		{&EvalError{Pos: 3, Op: "/", Msg: "division by zero"}, "at 3: /: division by zero"},
	}
	for _, c := range cases {
		if got := c.err.Error(); got != c.want {
			t.Errorf("%#v.Error() = %q, want %q", c.err, got, c.want)
		}
	}
}

func TestFormulaFields(t *testing.T) {
	cases := []struct {
		src  string
		want []string
	}{
		{"1 + 2", []string{}},
		{"b", []string{"b"}},
		{"b + a * b + min(c, a, b)", []string{"a", "b", "c"}},
	}
	for _, c := range cases {
		f, err := Parse(c.src, abc)
		if err != nil {
			t.Fatalf("Parse(%q) = %v", c.src, err)
		}
		if diff := cmp.Diff(c.want, f.Fields()); diff != "" {
			t.Errorf("Parse(%q).Fields() mismatch (-want +got):\n%s", c.src, diff)
		}
	}
}

func TestNilFormula(t *testing.T) {
	for _, f := range []*Formula{nil, {}} {
		if got := f.String(); got != "" {
			t.Errorf("%#v.String() = %q, want \"\"", f, got)
		}
		if got, err := f.Eval(nil); err == nil {
			t.Errorf("%#v.Eval(nil) = %v, nil, want an error", f, got)
		}
	}
}

// fuzzFields are the fields a fuzzed formula may use; fuzzVars give them values, with a zero to
// reach the division-by-zero and logarithm errors.
var fuzzFields = []string{"a", "b", "zero", "reach", "effort"}

func FuzzParse(f *testing.F) {
	seeds := []string{
		"", "1", "a", "-a", "--a", "a+b*2", "(a+b)*2", "a-(b-1)", "a/b/2", "a/(b/2)",
		"min(a, b, 3)", "max(a,b)", "sqrt(a)", "log(a)", "log(a, 10)", "abs(-a)", "round(a/3)",
		"reach × effort ÷ a", "a / zero", "log(zero)", "sqrt(-1)", "1e308 * 10", "1e-400",
		"123e5 + 1.5e7", "0.000001", "007.50", "2.5E+3", "(((a)))", "-(a*b)", "a*-b", "a--b",
		"min(", "max(a,)", "(a", "a)", "1.", "1e", ".5", "A", "a $", "foo(1)", "sqrt(1,2)", "x",
		"\xff", "é", "a\t+\nb", strings.Repeat("(", 101) + "1" + strings.Repeat(")", 101),
		strings.Repeat("-", 100) + "a", strings.Repeat("a+", 499) + "a",
	}
	for _, s := range seeds {
		f.Add(s)
	}
	varSets := []map[string]float64{
		{"a": 2, "b": 3, "zero": 0, "reach": 1000, "effort": 0.5},
		{"a": -1, "b": 1e300, "zero": 0, "reach": 1e-300, "effort": 1},
	}
	f.Fuzz(func(t *testing.T, src string) {
		formula, err := Parse(src, fuzzFields)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) = %T %v, want a *SyntaxError", src, err, err)
			}
			if n := utf8.RuneCountInString(src); se.Pos < 1 || se.Pos > n+1 {
				t.Fatalf("Parse(%q) error at %d, want a position in 1…%d", src, se.Pos, n+1)
			}
			return
		}
		canonical := formula.String()
		again, err := Parse(canonical, fuzzFields)
		if err != nil {
			t.Fatalf("Parse(%q) = %v, the canonical form of %q", canonical, err, src)
		}
		if got := again.String(); got != canonical {
			t.Fatalf("Parse(%q).String() = %q, want %q (from %q)", canonical, got, canonical, src)
		}
		if diff := cmp.Diff(formula.Fields(), again.Fields()); diff != "" {
			t.Fatalf("Fields() of %q and of its canonical form %q differ (-src +canonical):\n%s", src, canonical, diff)
		}
		for _, vars := range varSets {
			v1, err1 := formula.Eval(vars)
			v2, err2 := again.Eval(vars)
			for _, err := range []error{err1, err2} {
				var ee *EvalError
				if err != nil && !errors.As(err, &ee) {
					t.Fatalf("Eval of %q = %T %v, want an *EvalError", src, err, err)
				}
			}
			if err1 == nil && !finite(v1) {
				t.Fatalf("Parse(%q).Eval(%v) = %v, want a finite number or an error", src, vars, v1)
			}
			if (err1 == nil) != (err2 == nil) || math.Float64bits(v1) != math.Float64bits(v2) {
				t.Fatalf("Eval of %q = %v, %v; of its canonical form %q = %v, %v; want the same", src, v1, err1, canonical, v2, err2)
			}
		}
	})
}
