package calc

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestEval(t *testing.T) {
	cases := []struct {
		expr string
		want float64
	}{
		{"1+2*3", 7},
		{"(1+2)*3", 9},
		{"2^10", 1024},
		{"2**10", 1024},
		{"2^3^2", 512}, // right-associative: 2^(3^2)
		{"(2^3)^2", 64},
		{"-2^2", -4}, // unary minus binds looser than ^
		{"(-2)^2", 4},
		{"2^-1", 0.5},
		{"2^-1^2", 0.5}, // 2^(-(1^2))
		{"10-4-3", 3},   // left-associative
		{"100/10/5", 2},
		{"7%3", 1},
		{"-7%3", -1},
		{"7.5%2", 1.5},
		{"2*3%4", 2}, // same level, left to right: (2*3)%4
		{"--3", 3},
		{"-(-3)", 3},
		{"+4", 4},
		{"1e3+1", 1001},
		{"1.5E-2*100", 1.5},
		{".5+.25", 0.75},
		{"sqrt(16)", 4},
		{"abs(-3.5)", 3.5},
		{"ln(e)", 1},
		{"log10(1000)", 3},
		{"exp(0)", 1},
		{"sin(0)", 0},
		{"cos(0)", 1},
		{"tan(0)", 0},
		{"min(3, 1, 2)", 1},
		{"max(3, 1, 2)", 3},
		{"max(-1)", -1},
		{"round(2.5)", 3},
		{"round(3.14159, 2)", 3.14},
		{"round(1234, -2)", 1200},
		{"floor(-1.5)", -2},
		{"ceil(1.2)", 2},
		{"pi", math.Pi},
		{"PI*2", 2 * math.Pi},
		{"2*pi*3", 6 * math.Pi},
		{"sqrt(2)^2", 2.0000000000000004},
		{"  ( 1 + 2 ) * ( 3 + 4 )  ", 21},
		{"max(1+2, 2*3) - min(4, 5)^2", -10},
		{"sqrt(abs(-16)) + round(2.4)", 6},
		{"3 × 4 ÷ 2 − 1", 5},
		{"0*-1", 0},
		{"((((((1))))))", 1},
	}
	for _, c := range cases {
		got, err := Eval(c.expr)
		if err != nil {
			t.Errorf("Eval(%q): %v", c.expr, err)
			continue
		}
		if math.Abs(got-c.want) > 1e-12*math.Max(1, math.Abs(c.want)) {
			t.Errorf("Eval(%q) = %v, want %v", c.expr, got, c.want)
		}
		if math.Signbit(got) && got == 0 {
			t.Errorf("Eval(%q) returned -0", c.expr)
		}
	}
}

func TestEvalErrors(t *testing.T) {
	cases := []struct{ expr, want string }{
		{"1/0", "division by zero"},
		{"1/(2-2)", "division by zero"},
		{"5%0", "division by zero"},
		{"0^-1", "division by zero"},
		{"x+1", `unknown identifier "x"`},
		{"foo(1)", `unknown function "foo"`},
		{"log(10)", "use ln (natural) or log10"},
		{"sqrt", "needs arguments"},
		{"1+", "expression ends where a number was expected"},
		{"(1+2", "missing ')'"},
		{"1+2)", "unmatched ')'"},
		{"2 3", "missing operator"},
		{"2pi", "missing operator"},
		{"1..2", "malformed number"},
		{"1.2.3", "malformed number"},
		{"1e999", "out of range"},
		{"10^400", "out of range"},
		{"exp(1000)", "out of range"},
		{"sqrt(-1)", "square root of a negative number"},
		{"ln(0)", "not positive"},
		{"log10(-5)", "not positive"},
		{"(-8)^(1/3)", "not a real number"},
		{"min()", "at least 1 argument"},
		{"sqrt(1, 2)", "exactly 1 argument"},
		{"round(1, 2, 3)", "1 to 2 arguments"},
		{"round(1, 0.5)", "whole number"},
		{"1 $ 2", "unexpected character"},
		{"", "empty"},
		{"   ", "empty"},
		{"*3", "where a number was expected"},
		{"max(1,)", "where a number was expected"},
		{"max(1 2)", "expected ',' or ')'"},
		{"()", "unexpected ')'"},
		{"\xff", "invalid UTF-8"},
		{strings.Repeat("(", 100) + "1" + strings.Repeat(")", 100), "nested more than"},
		{strings.Repeat("-", 100) + "1", "nested more than"},
		{strings.Repeat("2^", 100) + "2", "nested more than"},
		{strings.Repeat("1+", 600) + "1", "longer than"},
	}
	for _, c := range cases {
		_, err := Eval(c.expr)
		if err == nil {
			t.Errorf("Eval(%q): no error, want %q", c.expr, c.want)
			continue
		}
		if !errors.Is(err, ErrCalc) {
			t.Errorf("Eval(%q): error %v does not wrap ErrCalc", c.expr, err)
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("Eval(%q) error = %q, want it to contain %q", c.expr, err, c.want)
		}
	}
}

func TestEvalErrorPosition(t *testing.T) {
	_, err := Eval("1 + 2 * foo")
	if err == nil || !strings.Contains(err.Error(), "position 9") {
		t.Fatalf("error %v should point at position 9", err)
	}
}

func TestFormatNumber(t *testing.T) {
	for v, want := range map[float64]string{0.30000000000000004: "0.3", 1024: "1024", 1e21: "1e+21", -2.5: "-2.5", 1.0 / 3: "0.333333333333333"} {
		if got := FormatNumber(v); got != want {
			t.Errorf("FormatNumber(%v) = %q, want %q", v, got, want)
		}
	}
}

// FuzzEval: never panics, never returns a non-finite number, errors wrap
// ErrCalc. Run: go test ./tools/calc -run '^$' -fuzz FuzzEval -fuzztime 30s
func FuzzEval(f *testing.F) {
	for _, s := range []string{"1+2*3", "2^3^2", "-(1)", "sqrt(2)", "max(1,2,3)", "round(1.5, 1)", "((1)", "1e308*10", "pi/e", "%", "2**-3", "×÷−", strings.Repeat("(", 70)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := Eval(s)
		if err != nil {
			if !errors.Is(err, ErrCalc) {
				t.Fatalf("Eval(%q): error %v does not wrap ErrCalc", s, err)
			}
			return
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Fatalf("Eval(%q) = %v", s, v)
		}
	})
}
