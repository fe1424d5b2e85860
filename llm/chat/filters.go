package chat

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/nikolalohinski/gonja/v2/exec"
)

func errValue(format string, args ...any) *exec.Value {
	return exec.AsValue(fmt.Errorf(format, args...))
}

// filterToJSON is transformers' tojson: json.dumps(x, ensure_ascii=False,
// indent=None, separators=None, sort_keys=False), arguments positional or
// by keyword, in that order.
func filterToJSON(_ *exec.Evaluator, in *exec.Value, params *exec.VarArgs) *exec.Value {
	if in.IsError() {
		return in
	}
	names := []string{"ensure_ascii", "indent", "separators", "sort_keys"}
	args := map[string]*exec.Value{}
	if len(params.Args) > len(names) {
		return errValue("tojson takes at most %d arguments", len(names))
	}
	for i, a := range params.Args {
		args[names[i]] = a
	}
	for k, v := range params.KwArgs {
		if indexOf(names, k) < 0 {
			return errValue("tojson got an unexpected keyword argument %q", k)
		}
		if _, dup := args[k]; dup {
			return errValue("tojson got multiple values for argument %q", k)
		}
		args[k] = v
	}
	e := &pyJSON{itemSep: ", ", keySep: ": "}
	if v := args["indent"]; v != nil && !v.IsNil() {
		e.pretty = true
		e.itemSep = ","
		switch {
		case v.IsInteger():
			n := v.Integer()
			if n > 64 {
				return errValue("tojson indent %d is too large", n)
			}
			e.indent = strings.Repeat(" ", max(n, 0))
		case v.IsString():
			if len(v.String()) > 64 {
				return errValue("tojson indent is too long")
			}
			e.indent = v.String()
		default:
			return errValue("tojson indent must be an integer or a string")
		}
	}
	if v := args["separators"]; v != nil && !v.IsNil() {
		if !v.IsList() || v.Len() != 2 {
			return errValue("tojson separators must be an (item, key) pair")
		}
		e.itemSep, e.keySep = v.Index(0).String(), v.Index(1).String()
	}
	if v := args["ensure_ascii"]; v != nil {
		e.ascii = v.IsTrue()
	}
	if v := args["sort_keys"]; v != nil {
		e.sortKeys = v.IsTrue()
	}
	if err := e.encode(in, 0); err != nil {
		return exec.AsValue(fmt.Errorf("tojson: %w", err))
	}
	if e.b.Len() > MaxOutputSize {
		return exec.AsValue(fmt.Errorf("tojson: %w", errValueTooLarge))
	}
	return exec.AsSafeValue(e.b.String())
}

// filterItems is Jinja2's items filter: the (key, value) pairs of a mapping
// in order; undefined gives nothing.
func filterItems(_ *exec.Evaluator, in *exec.Value, _ *exec.VarArgs) *exec.Value {
	if in.IsError() {
		return in
	}
	if in.IsNil() {
		return exec.AsValue([]any{})
	}
	pairs, ok := orderedPairs(in)
	if !ok {
		return errValue("items filter needs a mapping, not %s", in.String())
	}
	out := make([]any, len(pairs))
	for i, p := range pairs {
		out[i] = []any{p.Key, p.Value}
	}
	return exec.AsValue(out)
}

// orderedPairs lists a mapping's pairs: a Dict in its order, a Go map by
// sorted key.
func orderedPairs(v *exec.Value) ([]*exec.Pair, bool) {
	switch d := v.Interface().(type) {
	case *exec.Dict:
		return d.Pairs, true
	case exec.Dict:
		return d.Pairs, true
	}
	if !v.IsDict() {
		return nil, false
	}
	var out []*exec.Pair
	for _, k := range v.Keys() {
		val, _ := v.GetItem(k.Interface())
		out = append(out, &exec.Pair{Key: k, Value: val})
	}
	return out, true
}

// filterDictSort is Jinja2's dictsort(value, case_sensitive=False,
// by='key', reverse=False): (key, value) pairs sorted.
func filterDictSort(_ *exec.Evaluator, in *exec.Value, params *exec.VarArgs) *exec.Value {
	if in.IsError() {
		return in
	}
	pairs, ok := orderedPairs(in)
	if !ok {
		return errValue("dictsort needs a mapping")
	}
	names := []string{"case_sensitive", "by", "reverse"}
	args := map[string]*exec.Value{}
	for i, a := range params.Args {
		if i >= len(names) {
			return errValue("dictsort takes at most 3 arguments")
		}
		args[names[i]] = a
	}
	for k, v := range params.KwArgs {
		args[k] = v
	}
	caseSensitive := args["case_sensitive"] != nil && args["case_sensitive"].IsTrue()
	byValue := false
	if by := args["by"]; by != nil {
		switch by.String() {
		case "key":
		case "value":
			byValue = true
		default:
			return errValue("dictsort: by must be 'key' or 'value'")
		}
	}
	reverse := args["reverse"] != nil && args["reverse"].IsTrue()
	sorted := append([]*exec.Pair(nil), pairs...)
	sortKey := func(p *exec.Pair) *exec.Value {
		v := p.Key
		if byValue {
			v = p.Value
		}
		if !caseSensitive && v.IsString() {
			return exec.AsValue(strings.ToLower(v.String()))
		}
		return v
	}
	sort.SliceStable(sorted, func(i, j int) bool {
		a, b := sortKey(sorted[i]), sortKey(sorted[j])
		if reverse {
			a, b = b, a
		}
		return lessValue(a, b)
	})
	out := make([]any, len(sorted))
	for i, p := range sorted {
		out[i] = []any{p.Key, p.Value}
	}
	return exec.AsValue(out)
}

// lessValue orders numbers numerically and everything else as strings.
func lessValue(a, b *exec.Value) bool {
	if isNumber(a) && isNumber(b) {
		return asFloat(a) < asFloat(b)
	}
	return pyStr(a) < pyStr(b)
}

// filterTrim is Jinja2's trim: str.strip(chars).
func filterTrim(_ *exec.Evaluator, in *exec.Value, params *exec.VarArgs) *exec.Value {
	if in.IsError() {
		return in
	}
	chars, err := optionalChars(params.Args, params.KwArgs["chars"])
	if err != nil {
		return exec.AsValue(fmt.Errorf("trim: %w", err))
	}
	return exec.AsValue(pyStrip(pyStr(in), chars, true, true))
}

func optionalChars(args []*exec.Value, kw *exec.Value) (*string, error) {
	v := kw
	if len(args) > 0 {
		v = args[0]
	}
	if len(args) > 1 {
		return nil, errors.New("takes at most 1 argument")
	}
	if v == nil || v.IsNil() {
		return nil, nil
	}
	if !v.IsString() {
		return nil, fmt.Errorf("strip arg must be None or str, not %s", v.String())
	}
	s := v.String()
	return &s, nil
}

// pyStrip is str.strip/lstrip/rstrip: Unicode whitespace when chars is nil.
func pyStrip(s string, chars *string, left, right bool) string {
	cut := unicode.IsSpace
	if chars != nil {
		set := *chars
		cut = func(r rune) bool { return strings.ContainsRune(set, r) }
	}
	if left {
		s = strings.TrimLeftFunc(s, cut)
	}
	if right {
		s = strings.TrimRightFunc(s, cut)
	}
	return s
}

// filterReplace is Jinja2's replace(s, old, new, count=None), with the
// result's size checked before it is built.
func filterReplace(_ *exec.Evaluator, in *exec.Value, params *exec.VarArgs) *exec.Value {
	if in.IsError() {
		return in
	}
	args := params.Args
	if len(args) < 2 || len(args) > 3 {
		return errValue("replace takes 2 or 3 arguments")
	}
	count := -1
	if len(args) == 3 && !args[2].IsNil() {
		count = args[2].Integer()
	} else if c, ok := params.KwArgs["count"]; ok && !c.IsNil() {
		count = c.Integer()
	}
	out, err := pyReplace(pyStr(in), pyStr(args[0]), pyStr(args[1]), count)
	if err != nil {
		return exec.AsValue(fmt.Errorf("replace: %w", err))
	}
	return exec.AsValue(out)
}

func pyReplace(s, old, new string, count int) (string, error) {
	n := strings.Count(s, old)
	if count >= 0 && count < n {
		n = count
	}
	if size := len(s) + n*(len(new)-len(old)); n > 0 && (size > MaxOutputSize || n > MaxOutputSize) {
		return "", errValueTooLarge
	}
	return strings.Replace(s, old, new, count), nil
}

// filterJoin is Jinja2's join(value, d="", attribute=None).
func filterJoin(_ *exec.Evaluator, in *exec.Value, params *exec.VarArgs) *exec.Value {
	if in.IsError() {
		return in
	}
	var sep, attr *exec.Value
	if len(params.Args) > 0 {
		sep = params.Args[0]
	}
	if len(params.Args) > 1 {
		attr = params.Args[1]
	}
	if v, ok := params.KwArgs["d"]; ok {
		sep = v
	}
	if v, ok := params.KwArgs["attribute"]; ok {
		attr = v
	}
	d := ""
	if sep != nil {
		d = pyStr(sep)
	}
	var parts []string
	size := 0
	var err error
	in.Iterate(func(_, _ int, key, _ *exec.Value) bool {
		item := key
		if attr != nil && !attr.IsNil() {
			if v, ok := item.Get(attr.String()); ok {
				item = v
			} else {
				item = exec.AsValue(nil)
			}
		}
		s := pyStr(item)
		size += len(s) + len(d)
		if size > MaxOutputSize {
			err = errValueTooLarge
			return false
		}
		parts = append(parts, s)
		return true
	}, func() {})
	if err != nil {
		return exec.AsValue(fmt.Errorf("join: %w", err))
	}
	return exec.AsValue(strings.Join(parts, d))
}

// pyStr is str(x) for what a template handles: None reads as "" since
// gonja cannot tell None from undefined and undefined prints empty.
func pyStr(v *exec.Value) string {
	switch {
	case v == nil || v.IsNil():
		return ""
	case v.IsString():
		return v.String()
	case v.IsBool():
		if v.Bool() {
			return "True"
		}
		return "False"
	case v.IsFloat():
		return pyFloatRepr(v.Float())
	case v.IsInteger():
		return strconv.Itoa(v.Integer())
	case v.IsList() || v.IsDict():
		if s, err := pyStrErr(v); err == nil {
			return s
		}
	}
	return v.String()
}

// getitemFilter names the filter the AST rewrite routes x[key] through:
// gonja refuses valid negative indexes (xs[-1] of a one-item list) and
// cannot index dicts by non-string keys.
const getitemFilter = "__docent_getitem"

func filterGetItem(_ *exec.Evaluator, in *exec.Value, params *exec.VarArgs) *exec.Value {
	if in.IsError() {
		return in
	}
	if len(params.Args) != 1 {
		return errValue("internal: bad subscript")
	}
	key := params.Args[0]
	if key.IsError() {
		return key
	}
	if in.IsNil() {
		return errValue("cannot subscript None or an undefined value with %s", key.String())
	}
	if key.IsInteger() || key.IsBool() {
		switch {
		case in.IsString():
			r := []rune(in.String())
			i := asInt(key)
			if i < 0 {
				i += len(r)
			}
			if i < 0 || i >= len(r) {
				return exec.AsValue(nil)
			}
			return exec.AsValue(string(r[i]))
		case in.IsList():
			n, i := in.Len(), asInt(key)
			if i < 0 {
				i += n
			}
			if i < 0 || i >= n {
				return exec.AsValue(nil)
			}
			return in.Index(i)
		}
	}
	if pairs, ok := orderedPairs(in); ok && !key.IsString() {
		for _, p := range pairs {
			if p.Key.EqualValueTo(key) {
				return p.Value
			}
		}
		return exec.AsValue(nil)
	}
	if !key.IsString() {
		return exec.AsValue(nil)
	}
	item, found := in.GetItem(key.String())
	if !found {
		item, found = in.GetAttribute(key.String())
	}
	if !found {
		if item != nil && item.IsError() {
			return item
		}
		return exec.AsValue(nil)
	}
	return item
}

// emptyDictFilter makes the value of a {} literal (see rewriteAST).
const emptyDictFilter = "__docent_emptydict"

func filterEmptyDict(*exec.Evaluator, *exec.Value, *exec.VarArgs) *exec.Value {
	return exec.AsValue(emptyDict())
}

// --- binary operators ------------------------------------------------------

// binopFilter names the filter that the AST rewrite (rewriteAST) routes
// +, * and ~ through, so that their results are size-checked and follow
// Python's rules.
const binopFilter = "__docent_binop"

func filterBinop(_ *exec.Evaluator, left *exec.Value, params *exec.VarArgs) *exec.Value {
	if left.IsError() {
		return left
	}
	if len(params.Args) != 2 {
		return errValue("internal: bad operator call")
	}
	right, op := params.Args[0], params.Args[1].String()
	if right.IsError() {
		return right
	}
	out, err := binop(op, left, right)
	if err != nil {
		return exec.AsValue(err)
	}
	return out
}

func isNumber(v *exec.Value) bool { return v.IsInteger() || v.IsFloat() || v.IsBool() }

func asInt(v *exec.Value) int {
	if v.IsBool() {
		if v.Bool() {
			return 1
		}
		return 0
	}
	return v.Integer()
}

func asFloat(v *exec.Value) float64 {
	if v.IsFloat() {
		return v.Float()
	}
	return float64(asInt(v))
}

func typeName(v *exec.Value) string {
	switch {
	case v.IsNil():
		return "NoneType"
	case v.IsString():
		return "str"
	case v.IsBool():
		return "bool"
	case v.IsInteger():
		return "int"
	case v.IsFloat():
		return "float"
	case v.IsList():
		return "list"
	case v.IsDict():
		return "dict"
	}
	return fmt.Sprintf("%T", v.Interface())
}

func listItems(v *exec.Value) []any {
	var out []any
	v.Iterate(func(_, _ int, key, _ *exec.Value) bool {
		out = append(out, key)
		return true
	}, func() {})
	return out
}

const maxListLen = 10 * maxRange

func binop(op string, l, r *exec.Value) (*exec.Value, error) {
	switch op {
	case "~":
		a, b := pyStr(l), pyStr(r)
		if len(a)+len(b) > MaxOutputSize {
			return nil, errValueTooLarge
		}
		return exec.AsValue(a + b), nil
	case "+":
		switch {
		case l.IsString() && r.IsString():
			if l.Len()+r.Len() > MaxOutputSize {
				return nil, errValueTooLarge
			}
			return exec.AsValue(l.String() + r.String()), nil
		case l.IsList() && r.IsList():
			if l.Len()+r.Len() > maxListLen {
				return nil, errors.New("list too long")
			}
			return exec.AsValue(append(listItems(l), listItems(r)...)), nil
		case isNumber(l) && isNumber(r):
			if l.IsFloat() || r.IsFloat() {
				return exec.AsValue(asFloat(l) + asFloat(r)), nil
			}
			return exec.AsValue(asInt(l) + asInt(r)), nil
		}
	case "-":
		if isNumber(l) && isNumber(r) {
			if l.IsFloat() || r.IsFloat() {
				return exec.AsValue(asFloat(l) - asFloat(r)), nil
			}
			return exec.AsValue(asInt(l) - asInt(r)), nil
		}
	case "/", "//":
		if isNumber(l) && isNumber(r) {
			return pyDiv(l, r, op == "//")
		}
	case "%":
		switch {
		case l.IsString():
			if hugeNumber(l.String()) {
				return nil, errors.New("format asks for too wide a field")
			}
			s, err := percentFormat(l.String(), r)
			if err != nil {
				return nil, err
			}
			return exec.AsValue(s), nil
		case isNumber(l) && isNumber(r):
			return pyMod(l, r)
		}
	case "**":
		switch {
		case isNumber(l) && isNumber(r) && !l.IsFloat() && !r.IsFloat() && asInt(r) >= 0:
			if v, ok := intPow(asInt(l), asInt(r)); ok {
				return exec.AsValue(v), nil
			}
			return exec.AsValue(math.Pow(asFloat(l), asFloat(r))), nil
		case isNumber(l) && isNumber(r):
			return exec.AsValue(math.Pow(asFloat(l), asFloat(r))), nil
		}
	case "*":
		switch {
		case (l.IsString() || l.IsList()) && (r.IsInteger() || r.IsBool()):
			return repeat(l, asInt(r))
		case (r.IsString() || r.IsList()) && (l.IsInteger() || l.IsBool()):
			return repeat(r, asInt(l))
		case isNumber(l) && isNumber(r):
			if l.IsFloat() || r.IsFloat() {
				return exec.AsValue(asFloat(l) * asFloat(r)), nil
			}
			return exec.AsValue(asInt(l) * asInt(r)), nil
		}
	default:
		return nil, fmt.Errorf("internal: unknown operator %q", op)
	}
	return nil, fmt.Errorf("unsupported operand type(s) for %s: '%s' and '%s'", op, typeName(l), typeName(r))
}

// intPow is b**e for e >= 0, reporting overflow.
func intPow(b, e int) (int, bool) {
	result := 1
	for e > 0 {
		if e&1 == 1 {
			if !mulOK(result, b) {
				return 0, false
			}
			result *= b
		}
		e >>= 1
		if e > 0 {
			if !mulOK(b, b) {
				return 0, false
			}
			b *= b
		}
	}
	return result, true
}

func mulOK(a, b int) bool {
	if a == 0 || b == 0 {
		return true
	}
	c := a * b
	return c/b == a && !(a == -1 && b == math.MinInt) && !(b == -1 && a == math.MinInt)
}

func repeat(v *exec.Value, n int) (*exec.Value, error) {
	if n < 0 {
		n = 0
	}
	if v.IsString() {
		s := v.String()
		if n > 0 && len(s) > MaxOutputSize/n {
			return nil, errValueTooLarge
		}
		return exec.AsValue(strings.Repeat(s, n)), nil
	}
	items := listItems(v)
	if n > 0 && len(items) > maxListLen/n {
		return nil, errors.New("list too long")
	}
	out := make([]any, 0, len(items)*n)
	for range n {
		out = append(out, items...)
	}
	return exec.AsValue(out), nil
}
