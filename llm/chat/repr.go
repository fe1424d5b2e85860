package chat

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/nikolalohinski/gonja/v2/exec"
)

// strFilter names the filter every {{ ... }} output goes through (see
// rewriteAST), so values print as Python's str() would: lists and dicts as
// their repr (None inside them as None), floats as repr, booleans as
// True/False. A bare None still prints empty: gonja cannot tell it from
// undefined.
const strFilter = "__docent_str"

func filterStr(_ *exec.Evaluator, in *exec.Value, _ *exec.VarArgs) *exec.Value {
	if in.IsError() || in.IsString() {
		return in
	}
	s, err := pyStrErr(in)
	if err != nil {
		return exec.AsValue(err)
	}
	return exec.AsSafeValue(s)
}

// filterString is Jinja2's string filter: str(x).
func filterString(_ *exec.Evaluator, in *exec.Value, _ *exec.VarArgs) *exec.Value {
	if in.IsError() {
		return in
	}
	s, err := pyStrErr(in)
	if err != nil {
		return exec.AsValue(err)
	}
	return exec.AsValue(s)
}

func pyStrErr(v *exec.Value) (string, error) {
	if v.IsList() || v.IsDict() {
		var b strings.Builder
		if err := writeRepr(&b, v, 0); err != nil {
			return "", err
		}
		return b.String(), nil
	}
	return pyStr(v), nil
}

// writeRepr writes Python's repr of a template value.
func writeRepr(b *strings.Builder, v any, depth int) error {
	if depth > maxDataDepth {
		return errTooDeep
	}
	if b.Len() > MaxOutputSize {
		return errValueTooLarge
	}
	val, ok := v.(*exec.Value)
	if !ok {
		val = exec.ToValue(v)
	}
	switch {
	case val == nil || val.IsNil():
		b.WriteString("None")
	case val.IsString():
		writeStrRepr(b, val.String())
	case val.IsBool(), val.IsInteger(), val.IsFloat():
		b.WriteString(pyStr(val))
	case val.IsList():
		b.WriteByte('[')
		for i, item := range listItems(val) {
			if i > 0 {
				b.WriteString(", ")
			}
			if err := writeRepr(b, item, depth+1); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	default:
		pairs, ok := orderedPairs(val)
		if !ok {
			fmt.Fprint(b, val.String())
			return nil
		}
		if _, isNS := val.Interface().(namespace); isNS {
			b.WriteString("<Namespace ")
			defer b.WriteByte('>')
		}
		b.WriteByte('{')
		for i, p := range pairs {
			if i > 0 {
				b.WriteString(", ")
			}
			if err := writeRepr(b, p.Key, depth+1); err != nil {
				return err
			}
			b.WriteString(": ")
			if err := writeRepr(b, p.Value, depth+1); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	}
	return nil
}

// writeStrRepr is Python's repr(str): single quotes unless the text has a
// single quote and no double quote.
func writeStrRepr(b *strings.Builder, s string) {
	q := byte('\'')
	if strings.ContainsRune(s, '\'') && !strings.ContainsRune(s, '"') {
		q = '"'
	}
	b.WriteByte(q)
	for _, r := range s {
		switch {
		case r == rune(q) || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(b, `\x%02x`, r)
		case r > 0x7f && !unicode.IsPrint(r):
			switch {
			case r <= 0xff:
				fmt.Fprintf(b, `\x%02x`, r)
			case r <= 0xffff:
				fmt.Fprintf(b, `\u%04x`, r)
			default:
				fmt.Fprintf(b, `\U%08x`, r)
			}
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte(q)
}
