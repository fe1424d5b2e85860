package chat

import (
	"errors"
	"fmt"
	"strings"

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
			return p.Value, nil
		}
	}
	if len(args.Args) == 2 {
		return args.Args[1], nil
	}
	return nil, nil
}
