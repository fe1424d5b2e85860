// Package calc evaluates arithmetic expressions with a recursive-descent
// parser (no eval): + - * / % ^ (right-associative; ** too), unary minus,
// parentheses, functions (sqrt, abs, ln, log10, exp, sin, cos, tan, min,
// max, round, floor, ceil) and the constants pi and e. Input length and
// nesting depth are bounded, and every result is a finite float64.
package calc

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits.
const (
	MaxExpressionLen   = 1000 // bytes
	MaxExpressionDepth = 64   // nesting of parentheses, unary operators, powers and calls
	maxFuncArgs        = 100
)

// ErrCalc is wrapped by every error Eval returns.
var ErrCalc = errors.New("cannot evaluate")

// FormatNumber prints v with at most 15 significant digits, so binary
// rounding noise (0.1 + 0.2) does not show.
func FormatNumber(v float64) string {
	s := strconv.FormatFloat(v, 'g', 15, 64)
	if strings.ContainsAny(s, "e") {
		return s
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return s
}

// Eval evaluates an arithmetic expression. The result is finite; errors
// (syntax, unknown names, division by zero, results out of range) wrap
// ErrCalc and give the byte position where the problem is.
func Eval(expr string) (float64, error) {
	if len(expr) > MaxExpressionLen {
		return 0, fmt.Errorf("%w: expression is longer than %d bytes", ErrCalc, MaxExpressionLen)
	}
	if strings.TrimSpace(expr) == "" {
		return 0, fmt.Errorf("%w: expression is empty", ErrCalc)
	}
	toks, err := lex(expr)
	if err != nil {
		return 0, err
	}
	p := &parser{toks: toks}
	v, err := p.expr()
	if err != nil {
		return 0, err
	}
	if t := p.peek(); t.kind != tEOF {
		if t.kind == tRParen {
			return 0, p.errAt(t, "unmatched ')'")
		}
		return 0, p.errAt(t, "unexpected %s (missing operator?)", t)
	}
	// Normalize -0 to 0.
	if v == 0 {
		v = 0
	}
	return v, nil
}

type tokKind int

const (
	tEOF tokKind = iota
	tNum
	tIdent
	tOp // + - * / % ^
	tLParen
	tRParen
	tComma
)

type token struct {
	kind tokKind
	pos  int // byte offset
	text string
	num  float64
	op   byte
}

func (t token) String() string {
	switch t.kind {
	case tEOF:
		return "end of expression"
	case tNum:
		return "number " + t.text
	case tIdent:
		return "name " + strconv.Quote(t.text)
	}
	return strconv.Quote(t.text)
}

func lex(s string) ([]token, error) {
	var toks []token
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			return nil, fmt.Errorf("%w: invalid UTF-8 at position %d", ErrCalc, i+1)
		case unicode.IsSpace(r):
			i += size
		case r >= '0' && r <= '9' || r == '.':
			j := i
			for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == '.') {
				j++
			}
			if j < len(s) && (s[j] == 'e' || s[j] == 'E') {
				k := j + 1
				if k < len(s) && (s[k] == '+' || s[k] == '-') {
					k++
				}
				if k < len(s) && s[k] >= '0' && s[k] <= '9' {
					for k < len(s) && s[k] >= '0' && s[k] <= '9' {
						k++
					}
					j = k
				}
			}
			text := s[i:j]
			v, err := strconv.ParseFloat(text, 64)
			if err != nil || strings.Count(text, ".") > 1 {
				var ne *strconv.NumError
				if errors.As(err, &ne) && errors.Is(ne.Err, strconv.ErrRange) {
					return nil, fmt.Errorf("%w: number %s at position %d is out of range", ErrCalc, text, i+1)
				}
				return nil, fmt.Errorf("%w: malformed number %q at position %d", ErrCalc, text, i+1)
			}
			toks = append(toks, token{kind: tNum, pos: i, text: text, num: v})
			i = j
		case r == '_' || unicode.IsLetter(r):
			j := i
			for j < len(s) {
				r2, sz := utf8.DecodeRuneInString(s[j:])
				if r2 != '_' && !unicode.IsLetter(r2) && !unicode.IsDigit(r2) {
					break
				}
				j += sz
			}
			toks = append(toks, token{kind: tIdent, pos: i, text: s[i:j]})
			i = j
		default:
			t := token{pos: i, text: string(r)}
			switch r {
			case '+', '-', '/', '%', '^':
				t.kind, t.op = tOp, byte(r)
			case '*':
				t.kind, t.op = tOp, '*'
				if i+1 < len(s) && s[i+1] == '*' {
					t.op, t.text, size = '^', "**", 2
				}
			case '−': // U+2212 minus sign
				t.kind, t.op = tOp, '-'
			case '×', '·':
				t.kind, t.op = tOp, '*'
			case '÷':
				t.kind, t.op = tOp, '/'
			case '(':
				t.kind = tLParen
			case ')':
				t.kind = tRParen
			case ',':
				t.kind = tComma
			default:
				return nil, fmt.Errorf("%w: unexpected character %q at position %d", ErrCalc, r, i+1)
			}
			toks = append(toks, t)
			i += size
		}
	}
	return append(toks, token{kind: tEOF, pos: len(s)}), nil
}

type parser struct {
	toks  []token
	i     int
	depth int
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func (p *parser) errAt(t token, format string, a ...any) error {
	return fmt.Errorf("%w: %s at position %d", ErrCalc, fmt.Sprintf(format, a...), t.pos+1)
}

func (p *parser) enter(t token) error {
	p.depth++
	if p.depth > MaxExpressionDepth {
		return p.errAt(t, "expression is nested more than %d levels deep", MaxExpressionDepth)
	}
	return nil
}

func (p *parser) leave() { p.depth-- }

// expr := term (('+' | '-') term)*
func (p *parser) expr() (float64, error) {
	v, err := p.term()
	if err != nil {
		return 0, err
	}
	for {
		t := p.peek()
		if t.kind != tOp || (t.op != '+' && t.op != '-') {
			return v, nil
		}
		p.next()
		w, err := p.term()
		if err != nil {
			return 0, err
		}
		if t.op == '+' {
			v += w
		} else {
			v -= w
		}
		if err := p.finite(t, v); err != nil {
			return 0, err
		}
	}
}

// term := unary (('*' | '/' | '%') unary)*
func (p *parser) term() (float64, error) {
	v, err := p.unary()
	if err != nil {
		return 0, err
	}
	for {
		t := p.peek()
		if t.kind != tOp || (t.op != '*' && t.op != '/' && t.op != '%') {
			return v, nil
		}
		p.next()
		w, err := p.unary()
		if err != nil {
			return 0, err
		}
		switch t.op {
		case '*':
			v *= w
		case '/':
			if w == 0 {
				return 0, p.errAt(t, "division by zero")
			}
			v /= w
		case '%':
			if w == 0 {
				return 0, p.errAt(t, "remainder of division by zero")
			}
			v = math.Mod(v, w)
		}
		if err := p.finite(t, v); err != nil {
			return 0, err
		}
	}
}

// unary := ('-' | '+') unary | power
// Unary minus binds looser than ^, so -2^2 is -(2^2) = -4.
func (p *parser) unary() (float64, error) {
	t := p.peek()
	if t.kind == tOp && (t.op == '-' || t.op == '+') {
		p.next()
		if err := p.enter(t); err != nil {
			return 0, err
		}
		defer p.leave()
		v, err := p.unary()
		if err != nil {
			return 0, err
		}
		if t.op == '-' {
			return -v, nil
		}
		return v, nil
	}
	return p.power()
}

// power := primary ('^' unary)?   (right-associative: 2^3^2 = 2^9)
func (p *parser) power() (float64, error) {
	base, err := p.primary()
	if err != nil {
		return 0, err
	}
	t := p.peek()
	if t.kind != tOp || t.op != '^' {
		return base, nil
	}
	p.next()
	if err := p.enter(t); err != nil {
		return 0, err
	}
	defer p.leave()
	exp, err := p.unary()
	if err != nil {
		return 0, err
	}
	if base == 0 && exp < 0 {
		return 0, p.errAt(t, "division by zero (0 raised to a negative power)")
	}
	v := math.Pow(base, exp)
	if math.IsNaN(v) {
		return 0, p.errAt(t, "result is not a real number (negative base with a fractional exponent)")
	}
	return v, p.finite(t, v)
}

// primary := number | constant | function '(' args ')' | '(' expr ')'
func (p *parser) primary() (float64, error) {
	t := p.next()
	switch t.kind {
	case tNum:
		return t.num, nil
	case tLParen:
		if err := p.enter(t); err != nil {
			return 0, err
		}
		defer p.leave()
		v, err := p.expr()
		if err != nil {
			return 0, err
		}
		if c := p.next(); c.kind != tRParen {
			if c.kind == tEOF {
				return 0, p.errAt(t, "missing ')' for this '('")
			}
			return 0, p.errAt(c, "expected ')' but found %s", c)
		}
		return v, nil
	case tIdent:
		name := strings.ToLower(t.text)
		if p.peek().kind == tLParen {
			return p.call(t, name)
		}
		switch name {
		case "pi", "π":
			return math.Pi, nil
		case "e":
			return math.E, nil
		}
		if _, ok := functions[name]; ok {
			return 0, p.errAt(t, "function %s needs arguments in parentheses", t.text)
		}
		return 0, p.errAt(t, "unknown identifier %q (constants: pi, e)", t.text)
	case tEOF:
		return 0, p.errAt(t, "expression ends where a number was expected")
	case tRParen:
		return 0, p.errAt(t, "unexpected ')' where a number was expected")
	}
	return 0, p.errAt(t, "unexpected %s where a number was expected", t)
}

func (p *parser) call(nameTok token, name string) (float64, error) {
	fn, ok := functions[name]
	if !ok {
		hint := ""
		if name == "log" {
			hint = "; use ln (natural) or log10"
		}
		return 0, p.errAt(nameTok, "unknown function %q%s", nameTok.text, hint)
	}
	open := p.next() // '('
	if err := p.enter(open); err != nil {
		return 0, err
	}
	defer p.leave()
	var args []float64
	if p.peek().kind != tRParen {
		for {
			v, err := p.expr()
			if err != nil {
				return 0, err
			}
			args = append(args, v)
			if len(args) > maxFuncArgs {
				return 0, p.errAt(nameTok, "too many arguments to %s", name)
			}
			if p.peek().kind != tComma {
				break
			}
			p.next()
		}
	}
	if c := p.next(); c.kind != tRParen {
		if c.kind == tEOF {
			return 0, p.errAt(open, "missing ')' for this '('")
		}
		return 0, p.errAt(c, "expected ',' or ')' but found %s", c)
	}
	if len(args) < fn.min || (fn.max >= 0 && len(args) > fn.max) {
		return 0, p.errAt(nameTok, "%s takes %s", name, fn.arity())
	}
	v, err := fn.f(args)
	if err != nil {
		return 0, p.errAt(nameTok, "%s: %s", name, err.Error())
	}
	if math.IsNaN(v) {
		return 0, p.errAt(nameTok, "%s: result is not a real number", name)
	}
	return v, p.finite(nameTok, v)
}

func (p *parser) finite(t token, v float64) error {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return p.errAt(t, "result is out of range")
	}
	return nil
}

type function struct {
	min, max int // max < 0: variadic
	f        func([]float64) (float64, error)
}

func (f function) arity() string {
	switch {
	case f.max < 0:
		return fmt.Sprintf("at least %d argument(s)", f.min)
	case f.min == f.max:
		return fmt.Sprintf("exactly %d argument(s)", f.min)
	}
	return fmt.Sprintf("%d to %d arguments", f.min, f.max)
}

func unary(f func(float64) float64) function {
	return function{1, 1, func(a []float64) (float64, error) { return f(a[0]), nil }}
}

var functions = map[string]function{
	"sqrt": {1, 1, func(a []float64) (float64, error) {
		if a[0] < 0 {
			return 0, errors.New("square root of a negative number")
		}
		return math.Sqrt(a[0]), nil
	}},
	"abs": unary(math.Abs),
	"ln": {1, 1, func(a []float64) (float64, error) {
		if a[0] <= 0 {
			return 0, errors.New("logarithm of a number that is not positive")
		}
		return math.Log(a[0]), nil
	}},
	"log10": {1, 1, func(a []float64) (float64, error) {
		if a[0] <= 0 {
			return 0, errors.New("logarithm of a number that is not positive")
		}
		return math.Log10(a[0]), nil
	}},
	"exp":   unary(math.Exp),
	"sin":   unary(math.Sin),
	"cos":   unary(math.Cos),
	"tan":   unary(math.Tan),
	"floor": unary(math.Floor),
	"ceil":  unary(math.Ceil),
	"min": {1, -1, func(a []float64) (float64, error) {
		m := a[0]
		for _, v := range a[1:] {
			m = math.Min(m, v)
		}
		return m, nil
	}},
	"max": {1, -1, func(a []float64) (float64, error) {
		m := a[0]
		for _, v := range a[1:] {
			m = math.Max(m, v)
		}
		return m, nil
	}},
	"round": {1, 2, func(a []float64) (float64, error) {
		if len(a) == 1 {
			return math.Round(a[0]), nil
		}
		d := a[1]
		if d != math.Trunc(d) || d < -15 || d > 15 {
			return 0, errors.New("digits must be a whole number from -15 to 15")
		}
		scale := math.Pow(10, d)
		r := math.Round(a[0]*scale) / scale
		if math.IsInf(a[0]*scale, 0) {
			return a[0], nil
		}
		return r, nil
	}},
}
