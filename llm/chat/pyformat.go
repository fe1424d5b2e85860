package chat

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/nikolalohinski/gonja/v2/exec"
)

// percentFormat is Python's printf-style str % args: conversions
// d i u s r f F e E g G x X o c %, with flags "-+ 0#", width and precision
// ("*" not supported). args is a tuple/list or a single value.
func percentFormat(format string, args *exec.Value) (string, error) {
	var vals []*exec.Value
	if args.IsList() {
		for _, it := range listItems(args) {
			vals = append(vals, exec.ToValue(it))
		}
	} else {
		vals = []*exec.Value{args}
	}
	var b strings.Builder
	next := 0
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		i++
		if i >= len(format) {
			return "", errors.New("incomplete format")
		}
		if format[i] == '%' {
			b.WriteByte('%')
			continue
		}
		start := i
		for i < len(format) && strings.IndexByte("-+ 0#", format[i]) >= 0 {
			i++
		}
		flags := format[start:i]
		wStart := i
		for i < len(format) && format[i] >= '0' && format[i] <= '9' {
			i++
		}
		width := format[wStart:i]
		prec := ""
		if i < len(format) && format[i] == '.' {
			pStart := i
			i++
			for i < len(format) && format[i] >= '0' && format[i] <= '9' {
				i++
			}
			prec = format[pStart:i]
		}
		if len(width) > 6 || len(prec) > 7 {
			return "", errors.New("format field too wide")
		}
		if i >= len(format) {
			return "", errors.New("incomplete format")
		}
		verb := format[i]
		if next >= len(vals) {
			return "", errors.New("not enough arguments for format string")
		}
		v := vals[next]
		next++
		spec := "%" + flags + width + prec
		switch verb {
		case 's', 'r':
			s := pyStr(v)
			if verb == 'r' {
				var rb strings.Builder
				if err := writeRepr(&rb, v, 0); err != nil {
					return "", err
				}
				s = rb.String()
			}
			fmt.Fprintf(&b, "%"+strings.ReplaceAll(flags, "0", "")+width+prec+"s", s)
		case 'd', 'i', 'u':
			if !isNumber(v) {
				return "", fmt.Errorf("%%%c format: a real number is required, not %s", verb, typeName(v))
			}
			n := asInt(v)
			if v.IsFloat() {
				n = int(v.Float())
			}
			fmt.Fprintf(&b, spec+"d", n)
		case 'x', 'X', 'o':
			if !v.IsInteger() && !v.IsBool() {
				return "", fmt.Errorf("%%%c format: an integer is required, not %s", verb, typeName(v))
			}
			fmt.Fprintf(&b, spec+string(verb), asInt(v))
		case 'f', 'F', 'e', 'E', 'g', 'G':
			if !isNumber(v) {
				return "", fmt.Errorf("%%%c format: a real number is required, not %s", verb, typeName(v))
			}
			if prec == "" && verb != 'g' && verb != 'G' {
				spec += ".6"
			}
			fmt.Fprintf(&b, spec+string(verb), asFloat(v))
		case 'c':
			switch {
			case v.IsString() && len([]rune(v.String())) == 1:
				b.WriteString(v.String())
			case v.IsInteger():
				b.WriteRune(rune(v.Integer()))
			default:
				return "", errors.New("%c requires an int or a single character")
			}
		default:
			return "", fmt.Errorf("unsupported format character %q", verb)
		}
		if b.Len() > MaxOutputSize {
			return "", errValueTooLarge
		}
	}
	if next < len(vals) && args.IsList() {
		return "", errors.New("not all arguments converted during string formatting")
	}
	return b.String(), nil
}

// pyMod is Python's % on numbers: the result takes the divisor's sign.
func pyMod(l, r *exec.Value) (*exec.Value, error) {
	if l.IsFloat() || r.IsFloat() {
		a, b := asFloat(l), asFloat(r)
		if b == 0 {
			return nil, errors.New("float modulo by zero")
		}
		m := math.Mod(a, b)
		if m != 0 && (m < 0) != (b < 0) {
			m += b
		}
		return exec.AsValue(m), nil
	}
	a, b := asInt(l), asInt(r)
	if b == 0 {
		return nil, errors.New("integer division or modulo by zero")
	}
	m := a % b
	if m != 0 && (m < 0) != (b < 0) {
		m += b
	}
	return exec.AsValue(m), nil
}

// pyDiv is Python's / (true division) and // (floor division).
func pyDiv(l, r *exec.Value, floor bool) (*exec.Value, error) {
	if !floor || l.IsFloat() || r.IsFloat() {
		b := asFloat(r)
		if b == 0 {
			return nil, errors.New("division by zero")
		}
		q := asFloat(l) / b
		if floor {
			return exec.AsValue(math.Floor(q)), nil
		}
		return exec.AsValue(q), nil
	}
	a, b := asInt(l), asInt(r)
	if b == 0 {
		return nil, errors.New("integer division or modulo by zero")
	}
	if a == math.MinInt && b == -1 {
		return exec.AsValue(float64(a) * -1), nil
	}
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return exec.AsValue(q), nil
}
