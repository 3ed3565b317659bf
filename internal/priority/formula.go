package priority

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Bounds on a formula, so that one typed by a hostile user can neither exhaust the stack nor
// take long to parse.
const (
	// MaxFormulaLen is the most characters a formula may hold, white space not counted: the
	// canonical form adds spaces around operators, and it must parse wherever its source did.
	MaxFormulaLen = 1000
	// MaxFormulaDepth is the deepest nesting of parentheses, calls and unary minus.
	MaxFormulaDepth = 100

	// maxFormulaChars bounds the whole input, white space included, so that padding cannot make
	// the parser scan megabytes.
	maxFormulaChars = 10 * MaxFormulaLen
)

// SyntaxError reports a formula that does not parse, or that names an unknown field or
// function, or calls one with the wrong number of arguments.
type SyntaxError struct {
	// Pos is the 1-based position of the offending character, counted in characters (not bytes)
	// from the start of the formula.
	Pos int
	// Msg says what was expected, in words a user can act on.
	Msg string
}

// Error returns the position and the message, as in `at 7: expected ")" to close "(" opened at 3`.
func (e *SyntaxError) Error() string { return fmt.Sprintf("at %d: %s", e.Pos, e.Msg) }

// EvalError reports a formula that parsed but cannot be computed for the values given: a
// division by zero, the root or logarithm of a number outside its domain, a result too large to
// represent, a field without a value.
type EvalError struct {
	// Pos is the 1-based position of the operator, function or field, as in SyntaxError.
	Pos int
	// Op is the operator ("/"), function ("log") or field ("effort") at fault.
	Op string
	// Msg says what went wrong.
	Msg string
}

// Error returns the position, the operation and the message, as in "at 3: /: division by zero".
func (e *EvalError) Error() string { return fmt.Sprintf("at %d: %s: %s", e.Pos, e.Op, e.Msg) }

// Formula is a parsed formula, ready to evaluate. It is immutable, so one Formula may be
// evaluated from many goroutines at once.
type Formula struct {
	root   *node
	fields []string
}

type op uint8

const (
	opNum op = iota
	opField
	opNeg
	opAdd
	opSub
	opMul
	opDiv
	opCall
)

type node struct {
	op   op
	pos  int
	num  float64
	text string  // the number as printed in canonical form, the field name, or the function name
	args []*node // the operand of opNeg, the two of a binary operator, the arguments of opCall
}

// Parse parses src as a formula over fields, the names it may refer to; a name outside fields is
// an error, and with no fields a formula can only compute with numbers. Errors are *SyntaxError.
func Parse(src string, fields []string) (*Formula, error) {
	runes, err := decode(src)
	if err != nil {
		return nil, err
	}
	p := &parser{src: runes, allowed: fields, used: map[string]bool{}}
	if err := p.advance(); err != nil {
		return nil, err
	}
	root, err := p.expr()
	if err != nil {
		return nil, err
	}
	switch p.tok.kind {
	case tokEOF:
	case tokRParen:
		return nil, p.errorf(p.tok.pos, `unexpected ")" with no "(" to close`)
	default:
		return nil, p.errorf(p.tok.pos, "expected an operator or the end of the formula, found %s", p.tok)
	}
	used := make([]string, 0, len(p.used))
	for name := range p.used {
		used = append(used, name)
	}
	slices.Sort(used)
	return &Formula{root: root, fields: used}, nil
}

// decode checks the bounds and the encoding of src and returns its characters, so that positions
// count characters rather than bytes.
func decode(src string) ([]rune, error) {
	runes := make([]rune, 0, min(len(src), maxFormulaChars))
	visible := 0
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRuneInString(src[i:])
		pos := len(runes) + 1
		if r == utf8.RuneError && size == 1 {
			return nil, &SyntaxError{Pos: pos, Msg: "formula is not valid UTF-8"}
		}
		if pos > maxFormulaChars {
			return nil, &SyntaxError{Pos: pos, Msg: fmt.Sprintf("formula is longer than %d characters", maxFormulaChars)}
		}
		if !isSpace(r) {
			visible++
			if visible > MaxFormulaLen {
				return nil, &SyntaxError{Pos: pos, Msg: fmt.Sprintf("formula is longer than %d characters, not counting spaces", MaxFormulaLen)}
			}
		}
		runes = append(runes, r)
		i += size
	}
	return runes, nil
}

// Fields returns the names of the fields the formula uses, sorted, each once.
func (f *Formula) Fields() []string {
	if f == nil {
		return nil
	}
	return slices.Clone(f.fields)
}

// String returns the formula in canonical form: single spaces around binary operators, ", "
// between arguments, only the parentheses the meaning needs, and each number in its shortest
// plain form (0.5 for 0.50 or 5e-1) unless that is longer than the number as written. Parsing
// it gives the same formula.
func (f *Formula) String() string {
	if f == nil || f.root == nil {
		return ""
	}
	var b strings.Builder
	write(&b, f.root, nil)
	return b.String()
}

// Eval computes the formula with vars as the values of its fields. It never panics: a division by
// zero, sqrt of a negative number, log of a number not above zero, a field missing from vars or
// not finite, and any result too large for a float64 are reported as an *EvalError.
func (f *Formula) Eval(vars map[string]float64) (float64, error) {
	if f == nil || f.root == nil {
		return 0, &EvalError{Pos: 1, Op: "formula", Msg: "empty formula"}
	}
	return eval(f.root, vars)
}

// Lexing.

type tokKind uint8

const (
	tokEOF tokKind = iota
	tokNum
	tokName
	tokPlus
	tokMinus
	tokStar
	tokSlash
	tokLParen
	tokRParen
	tokComma
)

type token struct {
	kind tokKind
	pos  int
	text string
}

// String describes the token for an error message.
func (t token) String() string {
	if t.kind == tokEOF {
		return "the end of the formula"
	}
	return strconv.Quote(t.text)
}

func isSpace(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' }

func isDigit(r rune) bool { return '0' <= r && r <= '9' }

func isNameStart(r rune) bool { return 'a' <= r && r <= 'z' || r == '_' }

func isNamePart(r rune) bool { return isNameStart(r) || isDigit(r) }

type parser struct {
	src     []rune
	off     int // index in src of the next character to lex
	tok     token
	depth   int
	allowed []string
	used    map[string]bool
}

func (p *parser) errorf(pos int, format string, args ...any) error {
	return &SyntaxError{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// peek returns the character at src[i], or 0 past the end.
func (p *parser) peek(i int) rune {
	if i < len(p.src) {
		return p.src[i]
	}
	return 0
}

// advance lexes the next token into p.tok.
func (p *parser) advance() error {
	for p.off < len(p.src) && isSpace(p.src[p.off]) {
		p.off++
	}
	start := p.off
	pos := start + 1
	if start == len(p.src) {
		p.tok = token{kind: tokEOF, pos: pos}
		return nil
	}
	r := p.src[start]
	p.off++
	var kind tokKind
	switch r {
	case '+':
		kind = tokPlus
	case '-':
		kind = tokMinus
	case '*', '×':
		kind = tokStar
	case '/', '÷':
		kind = tokSlash
	case '(':
		kind = tokLParen
	case ')':
		kind = tokRParen
	case ',':
		kind = tokComma
	}
	if kind != tokEOF {
		p.tok = token{kind: kind, pos: pos, text: string(r)}
		return nil
	}
	switch {
	case isDigit(r):
		return p.number(start)
	case isNameStart(r):
		for p.off < len(p.src) && isNamePart(p.src[p.off]) {
			p.off++
		}
		p.tok = token{kind: tokName, pos: pos, text: string(p.src[start:p.off])}
		return nil
	case 'A' <= r && r <= 'Z':
		return p.errorf(pos, "unexpected character %q: names are lowercase", string(r))
	case r == '.' && isDigit(p.peek(p.off)):
		return p.errorf(pos, `unexpected character ".": a number starts with a digit, as in 0.5`)
	}
	return p.errorf(pos, "unexpected character %q", string(r))
}

// number lexes a number starting at src[start], whose first digit is already consumed.
func (p *parser) number(start int) error {
	digits := func() bool {
		n := 0
		for p.off < len(p.src) && isDigit(p.src[p.off]) {
			p.off++
			n++
		}
		return n > 0
	}
	digits()
	if p.peek(p.off) == '.' {
		p.off++
		if !digits() {
			return p.errorf(p.off+1, `expected a digit after "."`)
		}
	}
	if c := p.peek(p.off); c == 'e' || c == 'E' {
		p.off++
		if c := p.peek(p.off); c == '+' || c == '-' {
			p.off++
		}
		if !digits() {
			return p.errorf(p.off+1, "expected a digit in the exponent")
		}
	}
	text := string(p.src[start:p.off])
	v, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsInf(v, 0) {
		return p.errorf(start+1, "number %s is too large", text)
	}
	p.tok = token{kind: tokNum, pos: start + 1, text: text}
	return nil
}

// Parsing, by recursive descent on the grammar in the package comment.

func (p *parser) expr() (*node, error) {
	left, err := p.term()
	if err != nil {
		return nil, err
	}
	for p.tok.kind == tokPlus || p.tok.kind == tokMinus {
		t := p.tok
		if err := p.advance(); err != nil {
			return nil, err
		}
		right, err := p.term()
		if err != nil {
			return nil, err
		}
		o := opAdd
		if t.kind == tokMinus {
			o = opSub
		}
		left = &node{op: o, pos: t.pos, args: []*node{left, right}}
	}
	return left, nil
}

func (p *parser) term() (*node, error) {
	left, err := p.factor()
	if err != nil {
		return nil, err
	}
	for p.tok.kind == tokStar || p.tok.kind == tokSlash {
		t := p.tok
		if err := p.advance(); err != nil {
			return nil, err
		}
		right, err := p.factor()
		if err != nil {
			return nil, err
		}
		o := opMul
		if t.kind == tokSlash {
			o = opDiv
		}
		left = &node{op: o, pos: t.pos, args: []*node{left, right}}
	}
	return left, nil
}

func (p *parser) factor() (*node, error) {
	if p.tok.kind != tokMinus {
		return p.primary()
	}
	t := p.tok
	if err := p.enter(t.pos); err != nil {
		return nil, err
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	x, err := p.factor()
	if err != nil {
		return nil, err
	}
	p.depth--
	return &node{op: opNeg, pos: t.pos, args: []*node{x}}, nil
}

// enter counts one more level of nesting, refusing to go deeper than MaxFormulaDepth so that a
// hostile formula cannot exhaust the stack. Callers decrement p.depth when they return; on error
// the parse is abandoned, so the count need not be restored.
func (p *parser) enter(pos int) error {
	p.depth++
	if p.depth > MaxFormulaDepth {
		return p.errorf(pos, "formula nests deeper than %d levels", MaxFormulaDepth)
	}
	return nil
}

func (p *parser) primary() (*node, error) {
	t := p.tok
	switch t.kind {
	case tokNum:
		v, _ := strconv.ParseFloat(t.text, 64) // checked by the lexer
		if err := p.advance(); err != nil {
			return nil, err
		}
		return &node{op: opNum, pos: t.pos, num: v, text: canonicalNumber(t.text, v)}, nil
	case tokName:
		if err := p.advance(); err != nil {
			return nil, err
		}
		if p.tok.kind == tokLParen {
			return p.call(t)
		}
		if _, _, ok := arity(t.text); ok {
			return nil, p.errorf(t.pos, `%q is a function: expected "(" after it`, t.text)
		}
		if !slices.Contains(p.allowed, t.text) {
			if len(p.allowed) == 0 {
				return nil, p.errorf(t.pos, "unknown field %q: this formula may use no fields", t.text)
			}
			allowed := slices.Sorted(slices.Values(p.allowed))
			return nil, p.errorf(t.pos, "unknown field %q: want one of %s", t.text, strings.Join(allowed, ", "))
		}
		p.used[t.text] = true
		return &node{op: opField, pos: t.pos, text: t.text}, nil
	case tokLParen:
		if err := p.enter(t.pos); err != nil {
			return nil, err
		}
		if err := p.advance(); err != nil {
			return nil, err
		}
		x, err := p.expr()
		if err != nil {
			return nil, err
		}
		if p.tok.kind != tokRParen {
			return nil, p.errorf(p.tok.pos, `expected ")" to close "(" opened at %d`, t.pos)
		}
		if err := p.advance(); err != nil {
			return nil, err
		}
		p.depth--
		return x, nil
	}
	return nil, p.errorf(t.pos, `expected a number, field, function or "(", found %s`, t)
}

// call parses the arguments of the function named by name; p.tok is the "(" after it.
func (p *parser) call(name token) (*node, error) {
	minArgs, maxArgs, ok := arity(name.text)
	if !ok {
		return nil, p.errorf(name.pos, "unknown function %q: want one of abs, log, max, min, round, sqrt", name.text)
	}
	open := p.tok
	if err := p.enter(open.pos); err != nil {
		return nil, err
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	var args []*node
	if p.tok.kind != tokRParen {
		for {
			a, err := p.expr()
			if err != nil {
				return nil, err
			}
			args = append(args, a)
			if p.tok.kind == tokRParen {
				break
			}
			if p.tok.kind != tokComma {
				return nil, p.errorf(p.tok.pos, `expected "," or ")" to close "(" opened at %d`, open.pos)
			}
			if err := p.advance(); err != nil {
				return nil, err
			}
		}
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	p.depth--
	if n := len(args); n < minArgs || n > maxArgs {
		return nil, p.errorf(name.pos, "%s takes %s, found %d", name.text, arityText(minArgs, maxArgs), n)
	}
	return &node{op: opCall, pos: name.pos, text: name.text, args: args}, nil
}

// arity returns the bounds on the number of arguments of the function name, and whether there is
// such a function. maxArgs is effectively unbounded for min and max.
func arity(name string) (minArgs, maxArgs int, ok bool) {
	switch name {
	case "min", "max":
		return 2, math.MaxInt, true
	case "sqrt", "abs", "round":
		return 1, 1, true
	case "log":
		return 1, 2, true
	}
	return 0, 0, false
}

func arityText(minArgs, maxArgs int) string {
	switch {
	case maxArgs == math.MaxInt:
		return fmt.Sprintf("at least %d arguments", minArgs)
	case minArgs == maxArgs && minArgs == 1:
		return "1 argument"
	case minArgs == maxArgs:
		return fmt.Sprintf("%d arguments", minArgs)
	}
	return fmt.Sprintf("%d or %d arguments", minArgs, maxArgs)
}

// Printing.

// canonicalNumber returns the canonical text of the number written as lit, whose value is v: the
// shortest plain decimal that reads back as v, else the shortest with an exponent, else lit,
// whichever first is no longer than lit. A canonical formula is so never longer than its source
// and always parses within MaxFormulaLen, and 1000 stays 1000 while 1e300 stays 1e300.
func canonicalNumber(lit string, v float64) string {
	if s := strconv.FormatFloat(v, 'f', -1, 64); len(s) <= len(lit) {
		return s
	}
	// Like 1.5e+07: trim the exponent's plus sign and leading zeros.
	mant, exp, _ := strings.Cut(strconv.FormatFloat(v, 'e', -1, 64), "e")
	sign := ""
	if exp[0] == '-' {
		sign = "-"
	}
	exp = strings.TrimLeft(exp[1:], "0")
	if exp == "" {
		exp = "0"
	}
	if s := mant + "e" + sign + exp; len(s) <= len(lit) {
		return s
	}
	return lit
}

// precedence ranks how tightly each kind of node binds, for deciding on parentheses.
func precedence(n *node) int {
	switch n.op {
	case opAdd, opSub:
		return 1
	case opMul, opDiv:
		return 2
	case opNeg:
		return 3
	}
	return 4
}

func symbol(o op) string {
	switch o {
	case opAdd:
		return "+"
	case opSub:
		return "-"
	case opMul:
		return "*"
	case opDiv:
		return "/"
	}
	return "?"
}

// write prints n in canonical form. With vars, fields are printed as their values, to show
// a computation with its numbers in.
func write(b *strings.Builder, n *node, vars map[string]float64) {
	switch n.op {
	case opNum:
		b.WriteString(n.text)
	case opField:
		v, ok := vars[n.text]
		switch {
		case !ok:
			b.WriteString(n.text)
		case v < 0:
			b.WriteString("(" + display(v) + ")")
		default:
			b.WriteString(display(v))
		}
	case opNeg:
		b.WriteByte('-')
		writeOperand(b, n.args[0], precedence(n.args[0]) < precedence(n), vars)
	case opAdd, opSub, opMul, opDiv:
		// Operators associate to the left, so an operand of equal precedence on the right needs
		// parentheses: a - (b - c). They are kept for + and * too, because floating-point
		// addition and multiplication are not associative.
		writeOperand(b, n.args[0], precedence(n.args[0]) < precedence(n), vars)
		b.WriteString(" " + symbol(n.op) + " ")
		writeOperand(b, n.args[1], precedence(n.args[1]) <= precedence(n), vars)
	case opCall:
		b.WriteString(n.text)
		b.WriteByte('(')
		for i, a := range n.args {
			if i > 0 {
				b.WriteString(", ")
			}
			write(b, a, vars)
		}
		b.WriteByte(')')
	}
}

func writeOperand(b *strings.Builder, n *node, parens bool, vars map[string]float64) {
	if parens {
		b.WriteByte('(')
	}
	write(b, n, vars)
	if parens {
		b.WriteByte(')')
	}
}

// Evaluating.

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func eval(n *node, vars map[string]float64) (float64, error) {
	switch n.op {
	case opNum:
		return n.num, nil
	case opField:
		v, ok := vars[n.text]
		if !ok {
			return 0, &EvalError{Pos: n.pos, Op: n.text, Msg: "no value given"}
		}
		if !finite(v) {
			return 0, &EvalError{Pos: n.pos, Op: n.text, Msg: "value is not a finite number"}
		}
		return v, nil
	case opNeg:
		x, err := eval(n.args[0], vars)
		return -x, err
	case opAdd, opSub, opMul, opDiv:
		a, err := eval(n.args[0], vars)
		if err != nil {
			return 0, err
		}
		b, err := eval(n.args[1], vars)
		if err != nil {
			return 0, err
		}
		return binary(n, a, b)
	case opCall:
		return call(n, vars)
	}
	return 0, &EvalError{Pos: n.pos, Op: "formula", Msg: "malformed formula"}
}

// binary applies the binary operator of n to a and b.
func binary(n *node, a, b float64) (float64, error) {
	var r float64
	switch n.op {
	case opAdd:
		r = a + b
	case opSub:
		r = a - b
	case opMul:
		r = a * b
	case opDiv:
		if b == 0 {
			return 0, &EvalError{Pos: n.pos, Op: "/", Msg: "division by zero"}
		}
		r = a / b
	}
	if !finite(r) {
		return 0, &EvalError{Pos: n.pos, Op: symbol(n.op), Msg: "result is too large"}
	}
	return r, nil
}

func call(n *node, vars map[string]float64) (float64, error) {
	x, err := eval(n.args[0], vars)
	if err != nil {
		return 0, err
	}
	fail := func(format string, args ...any) (float64, error) {
		return 0, &EvalError{Pos: n.pos, Op: n.text, Msg: fmt.Sprintf(format, args...)}
	}
	switch n.text {
	case "min", "max":
		for _, a := range n.args[1:] {
			y, err := eval(a, vars)
			if err != nil {
				return 0, err
			}
			if n.text == "min" {
				x = min(x, y)
			} else {
				x = max(x, y)
			}
		}
		return x, nil
	case "abs":
		return math.Abs(x), nil
	case "round":
		return math.Round(x), nil
	case "sqrt":
		if x < 0 {
			return fail("argument %s is negative", display(x))
		}
		return math.Sqrt(x), nil
	case "log":
		if x <= 0 {
			return fail("argument %s is not above 0", display(x))
		}
		r := math.Log(x)
		if len(n.args) == 2 {
			base, err := eval(n.args[1], vars)
			if err != nil {
				return 0, err
			}
			if base <= 0 || base == 1 {
				return fail("base %s is not above 0 and other than 1", display(base))
			}
			r /= math.Log(base)
		}
		if !finite(r) {
			return fail("result is too large")
		}
		return r, nil
	}
	return fail("unknown function")
}

// summands evaluates f as the sum of its top-level terms, the operands of its outermost chain of
// + and -, and returns each with its value (subtracted ones negated) to explain the result. The
// chain is folded in the same order as eval does, so the result is the same to the last bit.
func (f *Formula) summands(vars map[string]float64) (float64, []Term, error) {
	var chain []*node // the + and - nodes, outermost first
	n := f.root
	for n.op == opAdd || n.op == opSub {
		chain = append(chain, n)
		n = n.args[0]
	}
	total, err := eval(n, vars)
	if err != nil {
		return 0, nil, err
	}
	terms := make([]Term, 0, len(chain)+1)
	terms = append(terms, summand(n, total, vars))
	for _, o := range slices.Backward(chain) {
		v, err := eval(o.args[1], vars)
		if err != nil {
			return 0, nil, err
		}
		if total, err = binary(o, total, v); err != nil {
			return 0, nil, err
		}
		if o.op == opSub {
			terms = append(terms, summand(&node{op: opNeg, pos: o.pos, args: o.args[1:]}, -v, vars))
		} else {
			terms = append(terms, summand(o.args[1], v, vars))
		}
	}
	return total, terms, nil
}

// summand describes the term n of value v: its formula, and the formula with the values in.
func summand(n *node, v float64, vars map[string]float64) Term {
	var name, expr strings.Builder
	write(&name, n, nil)
	write(&expr, n, vars)
	return Term{Name: name.String(), Expr: expr.String(), Value: v}
}

// display formats v for people to read in an explanation: ten significant digits, enough for any
// input on the documented ranges, and few enough to hide floating-point noise such as
// 0.30000000000000004; without an exponent unless the number is huge or tiny.
func display(v float64) string {
	if v == 0 {
		return "0" // not "-0"
	}
	s := strconv.FormatFloat(v, 'g', 10, 64)
	if !strings.Contains(s, "e") {
		return s
	}
	// Beyond ten digits before the point or four zeros after it, 'g' switches to an exponent;
	// write plainly up to 1e21 instead, so a reach of 1e12 reads 1000000000000.
	r, _ := strconv.ParseFloat(s, 64)
	if a := math.Abs(r); a >= 1e-6 && a < 1e21 {
		return strconv.FormatFloat(r, 'f', -1, 64)
	}
	return s
}
