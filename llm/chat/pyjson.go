package chat

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/nikolalohinski/gonja/v2/exec"
)

// pyJSON serialises template values the way Hugging Face's tojson filter
// does: json.dumps(x, ensure_ascii=False, indent=indent, sort_keys=...) with
// Python's default separators (", " and ": " without indent, "," and ": "
// with it). Dict order is kept unless sortKeys is set.
type pyJSON struct {
	b        strings.Builder
	indent   string
	pretty   bool
	itemSep  string
	keySep   string
	ascii    bool
	sortKeys bool
}

func (e *pyJSON) newline(level int) {
	if !e.pretty {
		return
	}
	e.b.WriteByte('\n')
	for range level {
		e.b.WriteString(e.indent)
	}
}

func (e *pyJSON) writeString(s string) {
	if e.b.Len()+len(s) > MaxOutputSize {
		return // encode reports the size at its next step
	}
	if e.ascii {
		writeASCIIString(&e.b, s)
		return
	}
	writePyString(&e.b, s)
}

type kv struct {
	key string
	val any
}

func (e *pyJSON) encode(v any, level int) error {
	if level > maxDataDepth {
		return errTooDeep
	}
	if e.b.Len() > MaxOutputSize {
		return errValueTooLarge
	}
	switch t := v.(type) {
	case nil:
		e.b.WriteString("null")
		return nil
	case *exec.Value:
		if t == nil || t.IsNil() {
			e.b.WriteString("null")
			return nil
		}
		if t.IsError() {
			return fmt.Errorf("tojson of an error value: %s", t.Error())
		}
		return e.encode(t.Interface(), level)
	case string:
		e.writeString(t)
		return nil
	case bool:
		if t {
			e.b.WriteString("true")
		} else {
			e.b.WriteString("false")
		}
		return nil
	case float64:
		e.b.WriteString(pyFloatJSON(t))
		return nil
	case float32:
		e.b.WriteString(pyFloatJSON(float64(t)))
		return nil
	case *exec.Dict:
		if t == nil {
			e.b.WriteString("null")
			return nil
		}
		pairs := make([]kv, 0, len(t.Pairs))
		for _, p := range t.Pairs {
			k, err := jsonKey(p.Key)
			if err != nil {
				return err
			}
			pairs = append(pairs, kv{k, p.Value})
		}
		return e.object(pairs, level)
	case exec.Dict:
		return e.encode(&t, level)
	}

	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		e.b.WriteString(strconv.FormatInt(rv.Int(), 10))
		return nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		e.b.WriteString(strconv.FormatUint(rv.Uint(), 10))
		return nil
	case reflect.String:
		e.writeString(rv.String())
		return nil
	case reflect.Bool:
		return e.encode(rv.Bool(), level)
	case reflect.Float32, reflect.Float64:
		e.b.WriteString(pyFloatJSON(rv.Float()))
		return nil
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			e.b.WriteString("null")
			return nil
		}
		return e.encode(rv.Elem().Interface(), level)
	case reflect.Slice, reflect.Array:
		if rv.Kind() == reflect.Slice && rv.IsNil() {
			e.b.WriteString("[]")
			return nil
		}
		n := rv.Len()
		if n == 0 {
			e.b.WriteString("[]")
			return nil
		}
		e.b.WriteByte('[')
		for i := range n {
			if i > 0 {
				e.b.WriteString(e.itemSep)
			}
			e.newline(level + 1)
			if err := e.encode(rv.Index(i).Interface(), level+1); err != nil {
				return err
			}
		}
		e.newline(level)
		e.b.WriteByte(']')
		return nil
	case reflect.Map:
		pairs := make([]kv, 0, rv.Len())
		iter := rv.MapRange()
		for iter.Next() {
			k, err := jsonKey(exec.AsValue(iter.Key().Interface()))
			if err != nil {
				return err
			}
			pairs = append(pairs, kv{k, iter.Value().Interface()})
		}
		// Go maps have no order; sort so the output is deterministic.
		sort.Slice(pairs, func(i, j int) bool { return pairs[i].key < pairs[j].key })
		return e.object(pairs, level)
	}
	return fmt.Errorf("object of type %T is not JSON serializable", v)
}

func (e *pyJSON) object(pairs []kv, level int) error {
	if len(pairs) == 0 {
		e.b.WriteString("{}")
		return nil
	}
	if e.sortKeys {
		sort.SliceStable(pairs, func(i, j int) bool { return pairs[i].key < pairs[j].key })
	}
	e.b.WriteByte('{')
	for i, p := range pairs {
		if i > 0 {
			e.b.WriteString(e.itemSep)
		}
		e.newline(level + 1)
		e.writeString(p.key)
		e.b.WriteString(e.keySep)
		if err := e.encode(p.val, level+1); err != nil {
			return err
		}
	}
	e.newline(level)
	e.b.WriteByte('}')
	return nil
}

// jsonKey converts a dict key as json.dumps does: strings as-is, numbers,
// booleans and None to their JSON spelling.
func jsonKey(k *exec.Value) (string, error) {
	switch {
	case k == nil || k.IsNil():
		return "null", nil
	case k.IsString():
		return k.String(), nil
	case k.IsBool():
		if k.Bool() {
			return "true", nil
		}
		return "false", nil
	case k.IsInteger():
		return strconv.Itoa(k.Integer()), nil
	case k.IsFloat():
		return pyFloatJSON(k.Float()), nil
	}
	return "", fmt.Errorf("keys must be str, int, float, bool or None, not %T", k.Interface())
}

// writePyString writes s as json.dumps(ensure_ascii=False) does: only the
// quote, the backslash and control characters below U+0020 are escaped.
// Invalid UTF-8 bytes become U+FFFD.
func writePyString(b *strings.Builder, s string) {
	const hex = "0123456789abcdef"
	b.WriteByte('"')
	for i := 0; i < len(s); {
		// Copy a run of bytes that need no escaping in one go.
		j := i
		for j < len(s) && s[j] >= 0x20 && s[j] != '"' && s[j] != '\\' && s[j] < utf8.RuneSelf {
			j++
		}
		if j > i {
			b.WriteString(s[i:j])
			i = j
			continue
		}
		c := s[i]
		if c < utf8.RuneSelf {
			switch c {
			case '"':
				b.WriteString(`\"`)
			case '\\':
				b.WriteString(`\\`)
			case '\n':
				b.WriteString(`\n`)
			case '\r':
				b.WriteString(`\r`)
			case '\t':
				b.WriteString(`\t`)
			case '\b':
				b.WriteString(`\b`)
			case '\f':
				b.WriteString(`\f`)
			default:
				if c < 0x20 {
					b.WriteString(`\u00`)
					b.WriteByte(hex[c>>4])
					b.WriteByte(hex[c&0xf])
				} else {
					b.WriteByte(c)
				}
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	b.WriteByte('"')
}

// writeASCIIString is writePyString with ensure_ascii=True: non-ASCII as
// \uXXXX escapes, surrogate pairs above U+FFFF.
func writeASCIIString(b *strings.Builder, s string) {
	var tmp strings.Builder
	writePyString(&tmp, s)
	for _, r := range tmp.String() {
		switch {
		case r < utf8.RuneSelf:
			b.WriteRune(r)
		case r > 0xFFFF:
			r -= 0x10000
			fmt.Fprintf(b, "\\u%04x\\u%04x", 0xD800+(r>>10), 0xDC00+(r&0x3FF))
		default:
			fmt.Fprintf(b, "\\u%04x", r)
		}
	}
}

// pyFloatJSON formats a float as Python's float.__repr__ (which json.dumps
// uses), with NaN and Infinity spelled as json.dumps spells them.
func pyFloatJSON(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	return pyFloatRepr(f)
}

// pyFloatRepr is Python's repr(float): the shortest round-tripping digits,
// positional notation for exponents in [-4, 16), scientific otherwise, and
// always a fractional part or exponent so it reads back as a float.
func pyFloatRepr(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	s := strconv.FormatFloat(f, 'e', -1, 64) // d.ddde±XX
	neg := false
	if s[0] == '-' {
		neg = true
		s = s[1:]
	}
	mant, expStr, _ := strings.Cut(s, "e")
	exp, _ := strconv.Atoi(expStr)
	digits := strings.Replace(mant, ".", "", 1)
	var out string
	if exp >= -4 && exp < 16 {
		if exp >= 0 {
			if len(digits) <= exp+1 {
				out = digits + strings.Repeat("0", exp+1-len(digits)) + ".0"
			} else {
				out = digits[:exp+1] + "." + digits[exp+1:]
			}
		} else {
			out = "0." + strings.Repeat("0", -exp-1) + digits
		}
	} else {
		m := digits[:1]
		if len(digits) > 1 {
			m += "." + digits[1:]
		}
		sign := "+"
		if exp < 0 {
			sign = "-"
			exp = -exp
		}
		out = fmt.Sprintf("%se%s%02d", m, sign, exp)
	}
	if neg {
		out = "-" + out
	}
	return out
}
