package chat

import (
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/nikolalohinski/gonja/v2/builtins"
	"github.com/nikolalohinski/gonja/v2/exec"
)

// gonja's built-in str methods (MethodSet cannot be enumerated).
var builtinStrMethods = []string{
	"capitalize", "capwords", "casefold", "center", "count", "encode", "endswith", "expandtabs",
	"find", "format", "format_map", "isalnum", "isalpha", "isascii", "isdecimal", "isdigit",
	"islower", "isnumeric", "isprintable", "isspace", "istitle", "isupper", "join", "ljust",
	"lower", "lstrip", "partition", "removeprefix", "removesuffix", "replace", "rfind", "rjust",
	"rpartition", "rsplit", "rstrip", "split", "splitlines", "startswith", "strip", "swapcase",
	"title", "upper", "zfill",
}

var builtinDictMethods = []string{"keys", "values", "items", "get", "pop", "setdefault", "update", "copy", "clear"}

var builtinListMethods = []string{"append", "reverse", "copy", "sort"}

func methodSet() exec.Methods {
	str := map[string]exec.Method[string]{}
	for _, name := range builtinStrMethods {
		if m, ok := builtins.Methods.Str.Get(name); ok {
			str[name] = m
		}
	}
	// Python's defaults where gonja differs: strip family strips all
	// whitespace; startswith/endswith take tuples; replace is size-checked.
	str["strip"] = stripMethod(true, true)
	str["lstrip"] = stripMethod(true, false)
	str["rstrip"] = stripMethod(false, true)
	str["startswith"] = affixMethod(strings.HasPrefix)
	str["endswith"] = affixMethod(strings.HasSuffix)
	str["replace"] = replaceMethod
	str["split"] = splitMethod(false)
	str["rsplit"] = splitMethod(true)
	str["join"] = joinMethod
	for name, m := range str {
		str[name] = guardStrMethod(name, m)
	}

	dict := map[string]exec.Method[map[string]any]{}
	for _, name := range builtinDictMethods {
		if m, ok := builtins.Methods.Dict.Get(name); ok {
			dict[name] = m
		}
	}
	dict["items"] = dictItems
	dict["keys"] = dictKeys
	dict["values"] = dictValues
	dict["get"] = dictGet

	list := map[string]exec.Method[[]any]{}
	for _, name := range builtinListMethods {
		if m, ok := builtins.Methods.List.Get(name); ok {
			list[name] = m
		}
	}

	return exec.Methods{
		Bool:  builtins.Methods.Bool,
		Int:   builtins.Methods.Int,
		Float: builtins.Methods.Float,
		Str:   exec.NewMethodSet(str),
		Dict:  exec.NewMethodSet(dict),
		List:  exec.NewMethodSet(list),
	}
}

// guardStrMethod refuses huge widths and format fields and bounds results.
func guardStrMethod(name string, m exec.Method[string]) exec.Method[string] {
	return func(self string, sv *exec.Value, args *exec.VarArgs) (any, error) {
		if err := checkArgs(args); err != nil {
			return nil, fmt.Errorf("str.%s: %w", name, err)
		}
		if (name == "format" || name == "format_map") && hugeNumber(self) {
			return nil, fmt.Errorf("str.%s: format asks for too wide a field", name)
		}
		out, err := m(self, sv, args)
		if err != nil {
			return nil, err
		}
		if s, ok := out.(string); ok && len(s) > MaxOutputSize {
			return nil, fmt.Errorf("str.%s: %w", name, errValueTooLarge)
		}
		return out, nil
	}
}

func stripMethod(left, right bool) exec.Method[string] {
	return func(self string, _ *exec.Value, args *exec.VarArgs) (any, error) {
		chars, err := optionalChars(args.Args, args.KwArgs["chars"])
		if err != nil {
			return nil, err
		}
		return pyStrip(self, chars, left, right), nil
	}
}

func affixMethod(has func(s, affix string) bool) exec.Method[string] {
	return func(self string, _ *exec.Value, args *exec.VarArgs) (any, error) {
		if len(args.Args) < 1 || len(args.Args) > 3 {
			return nil, errors.New("takes 1 to 3 arguments")
		}
		s := []rune(self)
		start, end := 0, len(s)
		if len(args.Args) > 1 && !args.Args[1].IsNil() {
			start = args.Args[1].Integer()
		}
		if len(args.Args) > 2 && !args.Args[2].IsNil() {
			end = args.Args[2].Integer()
		}
		start, end = clampSlice(start, end, len(s))
		sub := ""
		if start < end {
			sub = string(s[start:end])
		}
		a := args.Args[0]
		if a.IsString() {
			return has(sub, a.String()), nil
		}
		if !a.IsList() {
			return nil, fmt.Errorf("first arg must be str or a tuple of str, not %s", typeName(a))
		}
		for _, item := range listItems(a) {
			v := exec.ToValue(item)
			if !v.IsString() {
				return nil, fmt.Errorf("tuple for startswith/endswith must only contain str, not %s", typeName(v))
			}
			if has(sub, v.String()) {
				return true, nil
			}
		}
		return false, nil
	}
}

// clampSlice applies Python's slice index rules to [start:end] of n items.
func clampSlice(start, end, n int) (int, int) {
	fix := func(i int) int {
		if i < 0 {
			i += n
			if i < 0 {
				i = 0
			}
		}
		if i > n {
			i = n
		}
		return i
	}
	return fix(start), fix(end)
}

func replaceMethod(self string, _ *exec.Value, args *exec.VarArgs) (any, error) {
	if len(args.Args) < 2 || len(args.Args) > 3 {
		return nil, errors.New("replace takes 2 or 3 arguments")
	}
	if !args.Args[0].IsString() || !args.Args[1].IsString() {
		return nil, errors.New("replace arguments must be str")
	}
	count := -1
	if len(args.Args) == 3 {
		count = args.Args[2].Integer()
	}
	if c, ok := args.KwArgs["count"]; ok {
		count = c.Integer()
	}
	return pyReplace(self, args.Args[0].String(), args.Args[1].String(), count)
}

func joinMethod(self string, _ *exec.Value, args *exec.VarArgs) (any, error) {
	if len(args.Args) != 1 {
		return nil, errors.New("join takes exactly one argument")
	}
	var parts []string
	size := 0
	for _, item := range iterValues(args.Args[0]) {
		if !item.IsString() {
			return nil, fmt.Errorf("sequence item: expected str instance, %s found", typeName(item))
		}
		size += item.Len() + len(self)
		if size > MaxOutputSize {
			return nil, errValueTooLarge
		}
		parts = append(parts, item.String())
	}
	return strings.Join(parts, self), nil
}

// iterValues lists what iterating v yields (keys for a mapping).
func iterValues(v *exec.Value) []*exec.Value {
	if pairs, ok := orderedPairs(v); ok {
		out := make([]*exec.Value, len(pairs))
		for i, p := range pairs {
			out[i] = p.Key
		}
		return out
	}
	var out []*exec.Value
	v.Iterate(func(_, _ int, key, _ *exec.Value) bool {
		out = append(out, key)
		return true
	}, func() {})
	return out
}

// Dict methods keep the dict's order (gonja sorts keys).

func dictPairs(sv *exec.Value) ([]*exec.Pair, error) {
	pairs, ok := orderedPairs(sv)
	if !ok {
		return nil, errors.New("not a mapping")
	}
	return pairs, nil
}

func dictItems(_ map[string]any, sv *exec.Value, args *exec.VarArgs) (any, error) {
	if len(args.Args) > 0 || len(args.KwArgs) > 0 {
		return nil, errors.New("items() takes no arguments")
	}
	pairs, err := dictPairs(sv)
	if err != nil {
		return nil, err
	}
	out := make([]any, len(pairs))
	for i, p := range pairs {
		out[i] = []any{p.Key, p.Value}
	}
	return out, nil
}

func dictKeys(_ map[string]any, sv *exec.Value, args *exec.VarArgs) (any, error) {
	if len(args.Args) > 0 || len(args.KwArgs) > 0 {
		return nil, errors.New("keys() takes no arguments")
	}
	pairs, err := dictPairs(sv)
	if err != nil {
		return nil, err
	}
	out := make([]any, len(pairs))
	for i, p := range pairs {
		out[i] = p.Key
	}
	return out, nil
}

func dictValues(_ map[string]any, sv *exec.Value, args *exec.VarArgs) (any, error) {
	if len(args.Args) > 0 || len(args.KwArgs) > 0 {
		return nil, errors.New("values() takes no arguments")
	}
	pairs, err := dictPairs(sv)
	if err != nil {
		return nil, err
	}
	out := make([]any, len(pairs))
	for i, p := range pairs {
		out[i] = p.Value
	}
	return out, nil
}

func dictGet(_ map[string]any, sv *exec.Value, args *exec.VarArgs) (any, error) {
	if len(args.Args) < 1 || len(args.Args) > 2 {
		return nil, errors.New("get() takes 1 or 2 arguments")
	}
	pairs, err := dictPairs(sv)
	if err != nil {
		return nil, err
	}
	for _, p := range pairs {
		if p.Key.EqualValueTo(args.Args[0]) {
			return p.Value.Interface(), nil
		}
	}
	if len(args.Args) == 2 {
		return args.Args[1].Interface(), nil
	}
	return nil, nil
}

// splitMethod is str.split / str.rsplit(sep=None, maxsplit=-1).
func splitMethod(fromRight bool) exec.Method[string] {
	return func(self string, _ *exec.Value, args *exec.VarArgs) (any, error) {
		var sepV, maxV *exec.Value
		if len(args.Args) > 2 {
			return nil, errors.New("split takes at most 2 arguments")
		}
		if len(args.Args) > 0 {
			sepV = args.Args[0]
		}
		if len(args.Args) > 1 {
			maxV = args.Args[1]
		}
		if v, ok := args.KwArgs["sep"]; ok {
			sepV = v
		}
		if v, ok := args.KwArgs["maxsplit"]; ok {
			maxV = v
		}
		maxsplit := -1
		if maxV != nil && !maxV.IsNil() {
			if !maxV.IsInteger() {
				return nil, errors.New("maxsplit must be an integer")
			}
			maxsplit = maxV.Integer()
		}
		var parts []string
		if sepV == nil || sepV.IsNil() {
			parts = splitWhitespace(self, maxsplit, fromRight)
		} else {
			if !sepV.IsString() {
				return nil, fmt.Errorf("must be str or None, not %s", typeName(sepV))
			}
			sep := sepV.String()
			if sep == "" {
				return nil, errors.New("empty separator")
			}
			switch {
			case maxsplit < 0:
				parts = strings.Split(self, sep)
			case fromRight:
				parts = rsplitN(self, sep, maxsplit)
			default:
				parts = strings.SplitN(self, sep, maxsplit+1)
			}
		}
		out := make([]any, len(parts))
		for i, p := range parts {
			out[i] = p
		}
		return out, nil
	}
}

func rsplitN(s, sep string, maxsplit int) []string {
	var rev []string
	for maxsplit > 0 {
		k := strings.LastIndex(s, sep)
		if k < 0 {
			break
		}
		rev = append(rev, s[k+len(sep):])
		s = s[:k]
		maxsplit--
	}
	out := []string{s}
	for i := len(rev) - 1; i >= 0; i-- {
		out = append(out, rev[i])
	}
	return out
}

// splitWhitespace is str.split() / str.rsplit() without a separator.
func splitWhitespace(s string, maxsplit int, fromRight bool) []string {
	fields := strings.FieldsFunc(s, unicode.IsSpace)
	if maxsplit < 0 || len(fields) <= maxsplit+1 {
		return fields
	}
	if maxsplit == 0 {
		if t := pyStrip(s, nil, true, true); t != "" {
			return []string{t}
		}
		return nil
	}
	if fromRight {
		// Keep the last maxsplit fields; the rest is the text before them.
		rest := s
		var tail []string
		for range maxsplit {
			rest = strings.TrimRightFunc(rest, unicode.IsSpace)
			k := strings.LastIndexFunc(rest, unicode.IsSpace)
			tail = append([]string{rest[k+1:]}, tail...)
			rest = rest[:k+1]
		}
		return append([]string{pyStrip(rest, nil, false, true)}, tail...)
	}
	rest := s
	var head []string
	for range maxsplit {
		rest = strings.TrimLeftFunc(rest, unicode.IsSpace)
		k := strings.IndexFunc(rest, unicode.IsSpace)
		head = append(head, rest[:k])
		rest = rest[k:]
	}
	return append(head, pyStrip(rest, nil, true, false))
}
