package chat

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/nikolalohinski/gonja/v2/builtins"
	ctrl "github.com/nikolalohinski/gonja/v2/builtins/control_structures"
	"github.com/nikolalohinski/gonja/v2/exec"
	"github.com/nikolalohinski/gonja/v2/nodes"
	"github.com/nikolalohinski/gonja/v2/parser"
)

var (
	envOnce sync.Once
	env     *exec.Environment
)

// environment is the Jinja environment every chat template runs in. It is
// built once and only read afterwards.
func environment() *exec.Environment {
	envOnce.Do(func() {
		env = &exec.Environment{
			Filters:           filterSet(),
			Tests:             builtins.Tests,
			ControlStructures: controlStructureSet(),
			Methods:           methodSet(),
			Context:           globals(),
		}
	})
	return env
}

// gonja's built-in filters (FilterSet cannot be enumerated).
var builtinFilterNames = []string{
	"abs", "attr", "batch", "capitalize", "center", "default", "d", "dictsort", "e", "escape",
	"filesizeformat", "first", "float", "forceescape", "format", "groupby", "indent", "int",
	"join", "items", "last", "length", "count", "list", "lower", "map", "max", "min", "pprint",
	"random", "rejectattr", "reject", "replace", "reverse", "round", "safe", "selectattr",
	"select", "slice", "sort", "string", "striptags", "sum", "title", "tojson", "trim",
	"truncate", "unique", "upper", "urlencode", "urlize", "wordcount", "wordwrap", "xmlattr",
}

func filterSet() *exec.FilterSet {
	fs := exec.NewFilterSet(map[string]exec.FilterFunction{})
	for _, name := range builtinFilterNames {
		if f, ok := builtins.Filters.Get(name); ok {
			_ = fs.Register(name, guardFilter(name, f))
		}
	}
	own := map[string]exec.FilterFunction{
		"tojson":        filterToJSON,
		"dictsort":      filterDictSort,
		"items":         filterItems,
		"trim":          filterTrim,
		"replace":       filterReplace,
		"join":          filterJoin,
		"string":        filterString,
		strFilter:       filterStr,
		binopFilter:     filterBinop,
		getitemFilter:   filterGetItem,
		emptyDictFilter: filterEmptyDict,
	}
	for name, f := range own {
		f = guardFilter(name, f)
		if fs.Exists(name) {
			_ = fs.Replace(name, f)
		} else {
			_ = fs.Register(name, f)
		}
	}
	return fs
}

// guardFilter charges a filter call to the render's budget, refuses integer
// arguments big enough to allocate unbounded memory (widths, counts), and
// bounds the size of string results.
func guardFilter(name string, f exec.FilterFunction) exec.FilterFunction {
	return func(e *exec.Evaluator, in *exec.Value, params *exec.VarArgs) *exec.Value {
		g, err := guardOf(e.Environment.Context)
		if err != nil {
			return exec.AsValue(err)
		}
		if err := g.check(); err != nil {
			return exec.AsValue(err)
		}
		if err := checkArgs(params); err != nil {
			return exec.AsValue(fmt.Errorf("filter %s: %w", name, err))
		}
		out := f(e, in, params)
		if out != nil && out.IsString() && len(out.String()) > MaxOutputSize {
			return exec.AsValue(g.fail(fmt.Errorf("filter %s: %w", name, errValueTooLarge)))
		}
		return out
	}
}

var errValueTooLarge = fmt.Errorf("value exceeds %d bytes", MaxOutputSize)

// checkArgs refuses integer arguments that ask for more than MaxOutputSize
// characters (widths, counts). Strings are not checked here: ordinary text
// holds long numbers (phone numbers, ids); format strings are checked where
// they are used as formats (the % operator, str.format).
func checkArgs(params *exec.VarArgs) error {
	if params == nil {
		return nil
	}
	check := func(v *exec.Value) error {
		switch {
		case v == nil:
		case v.IsInteger():
			if n := v.Integer(); n > MaxOutputSize || n < -MaxOutputSize {
				return fmt.Errorf("argument %d is too large", n)
			}
		}
		return nil
	}
	for _, a := range params.Args {
		if err := check(a); err != nil {
			return err
		}
	}
	for _, a := range params.KwArgs {
		if err := check(a); err != nil {
			return err
		}
	}
	return nil
}

// hugeNumber reports a run of 9 or more digits (a width in a format spec).
func hugeNumber(s string) bool {
	run := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			run++
			if run >= 9 {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
}

// --- control structures ----------------------------------------------------

// Statements chat templates may use; include, import, from and extends are
// left out (a template cannot read files).
var allowedStatements = []string{
	"autoescape", "block", "filter", "for", "if", "macro", "raw", "set", "with", "do",
	"break", "continue", "call",
}

func controlStructureSet() *exec.ControlStructureSet {
	set := exec.NewControlStructureSet(map[string]parser.ControlStructureParser{})
	for _, name := range allowedStatements {
		p, ok := ctrl.All.Get(name)
		if !ok {
			continue
		}
		_ = set.Register(name, guardedParser(name, p))
	}
	return set
}

func guardedParser(name string, p parser.ControlStructureParser) parser.ControlStructureParser {
	return func(pp *parser.Parser, args *parser.Parser) (nodes.ControlStructure, error) {
		cs, err := p(pp, args)
		if err != nil {
			return nil, err
		}
		switch c := cs.(type) {
		case *ctrl.ForControlStructure:
			if c.Recursive {
				return nil, errors.New("recursive for loops are not supported")
			}
		case *ctrl.MacroControlStructure:
			return &guardedMacro{c}, nil
		case *ctrl.SetControlStructure:
			if target := setAttributeTarget(c); target != nil {
				return &guardedSet{guardedStatement{c}, target}, nil
			}
		}
		inner, ok := cs.(exec.ControlStructure)
		if !ok {
			return nil, fmt.Errorf("statement %s cannot be executed", name)
		}
		return &guardedStatement{inner}, nil
	}
}

// guardedStatement charges each statement's execution to the budget.
type guardedStatement struct{ exec.ControlStructure }

func (s *guardedStatement) Execute(r *exec.Renderer, tag *nodes.ControlStructureBlock) error {
	g, err := guardOf(r.Environment.Context)
	if err != nil {
		return err
	}
	if err := g.check(); err != nil {
		return err
	}
	return s.ControlStructure.Execute(r, tag)
}

// guardedSet is a "{% set ns.attr = value %}". Namespaces are the only
// mutable containers templates have, so storing a namespace inside one is
// the only way to build a cycle, which gonja would print or convert by
// recursing forever. Such values are refused.
type guardedSet struct {
	guardedStatement
	target *nodes.GetAttribute
}

func (s *guardedSet) Execute(r *exec.Renderer, tag *nodes.ControlStructureBlock) error {
	obj := r.Eval(s.target.Node)
	if obj.IsError() {
		return obj
	}
	ns, ok := obj.Interface().(namespace)
	if !ok {
		// As Jinja2: only namespace() objects take attribute assignment.
		return fmt.Errorf("cannot assign attribute %q on a non-namespace object", s.target.Attribute)
	}
	if err := s.guardedStatement.Execute(r, tag); err != nil {
		return err
	}
	if v, ok := ns[s.target.Attribute]; ok && holdsNamespace(v, 0) {
		delete(ns, s.target.Attribute)
		return errors.New("a namespace cannot be stored in a namespace")
	}
	return nil
}

// holdsNamespace reports whether v is or contains a namespace.
func holdsNamespace(v any, depth int) bool {
	if depth > maxDataDepth {
		return true
	}
	switch t := v.(type) {
	case nil:
		return false
	case namespace:
		return true
	case *exec.Value:
		if t == nil || !t.Val.IsValid() {
			return false
		}
		return holdsNamespace(t.Val.Interface(), depth+1)
	case *exec.Dict:
		for _, p := range t.Pairs {
			if holdsNamespace(p.Value, depth+1) {
				return true
			}
		}
		return false
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice, reflect.Array:
		for i := range rv.Len() {
			if holdsNamespace(rv.Index(i).Interface(), depth+1) {
				return true
			}
		}
	case reflect.Map:
		iter := rv.MapRange()
		for iter.Next() {
			if holdsNamespace(iter.Value().Interface(), depth+1) {
				return true
			}
		}
	case reflect.Pointer, reflect.Interface:
		if !rv.IsNil() {
			return holdsNamespace(rv.Elem().Interface(), depth+1)
		}
	}
	return false
}

// guardedMacro defines the macro like gonja does, then wraps the function
// so calls are charged to the budget and nesting is bounded.
type guardedMacro struct{ *ctrl.MacroControlStructure }

func (m *guardedMacro) Execute(r *exec.Renderer, tag *nodes.ControlStructureBlock) error {
	g, err := guardOf(r.Environment.Context)
	if err != nil {
		return err
	}
	fn, err := exec.MacroNodeToFunc(m.Macro, r)
	if err != nil {
		return fmt.Errorf("macro %s: %w", m.Name, err)
	}
	var wrapped exec.Macro = func(params *exec.VarArgs) *exec.Value {
		if err := g.check(); err != nil {
			return exec.AsValue(err)
		}
		if g.depth >= maxCallDepth {
			return exec.AsValue(g.fail(fmt.Errorf("macro calls nested deeper than %d", maxCallDepth)))
		}
		g.depth++
		defer func() { g.depth-- }()
		return fn(params)
	}
	r.Environment.Context.Set(m.Name, wrapped)
	return nil
}

// --- globals ---------------------------------------------------------------

func globals() *exec.Context {
	ctx := exec.EmptyContext()
	for _, name := range []string{"cycler", "dict", "joiner", "lipsum"} {
		if f, ok := builtins.GlobalFunctions.Get(name); ok {
			ctx.Set(name, f)
		}
	}
	ctx.Set("namespace", namespaceFunction)
	ctx.Set("range", rangeFunction)
	ctx.Set("true", true)
	ctx.Set("false", false)
	ctx.Set("True", true)
	ctx.Set("False", false)
	return ctx
}

// rangeFunction is Python's range returning a list (gonja's streams through
// a goroutine that leaks when a loop breaks), bounded like Jinja2's sandbox.
func rangeFunction(params *exec.VarArgs) (any, error) {
	var ints []int
	for _, a := range params.Args {
		if !a.IsInteger() {
			return nil, fmt.Errorf("range() arguments must be integers, not %s", a.String())
		}
		ints = append(ints, a.Integer())
	}
	if len(params.KwArgs) > 0 {
		return nil, errors.New("range() takes no keyword arguments")
	}
	start, stop, step := 0, 0, 1
	switch len(ints) {
	case 1:
		stop = ints[0]
	case 2:
		start, stop = ints[0], ints[1]
	case 3:
		start, stop, step = ints[0], ints[1], ints[2]
	default:
		return nil, fmt.Errorf("range expected 1 to 3 arguments, got %d", len(ints))
	}
	if step == 0 {
		return nil, errors.New("range() arg 3 must not be zero")
	}
	n := 0
	if step > 0 && stop > start {
		n = (stop-start-1)/step + 1
	} else if step < 0 && stop < start {
		n = (start-stop-1)/(-step) + 1
	}
	if n > maxRange || n < 0 {
		return nil, fmt.Errorf("range too big: the sandbox allows at most %d items", maxRange)
	}
	out := make([]any, n)
	for i := range out {
		out[i] = start + i*step
	}
	return out, nil
}

// namespace is what namespace() makes: gonja sets its attributes as map
// entries.
type namespace map[string]any

// namespaceFunction is Jinja2's namespace(**kwargs): a mutable object for
// carrying values out of loops with {% set ns.x = ... %}.
func namespaceFunction(params *exec.VarArgs) (any, error) {
	ns := namespace{}
	for _, a := range params.Args {
		if !a.IsDict() {
			return nil, errors.New("namespace() positional argument must be a mapping")
		}
		for _, p := range a.Items() {
			ns[p.Key.String()] = p.Value
		}
	}
	for k, v := range params.KwArgs {
		ns[k] = v
	}
	return ns, nil
}

// --- data ------------------------------------------------------------------

// templateVars converts an Input to the variables a template sees.
func templateVars(in Input) (map[string]any, error) {
	vars := map[string]any{}
	for k, v := range in.Extra {
		c, err := fromGo(v, 0)
		if err != nil {
			return nil, fmt.Errorf("extra variable %q: %w", k, err)
		}
		vars[k] = c
	}
	msgs := make([]any, 0, len(in.Messages))
	for i, m := range in.Messages {
		d, err := messageDict(m)
		if err != nil {
			return nil, fmt.Errorf("message %d: %w", i, err)
		}
		msgs = append(msgs, d)
	}
	vars["messages"] = msgs
	if len(in.Tools) > 0 {
		tools := make([]any, 0, len(in.Tools))
		for _, t := range in.Tools {
			d, err := toolDict(t)
			if err != nil {
				return nil, fmt.Errorf("tool %q: %w", t.Name, err)
			}
			tools = append(tools, d)
		}
		vars["tools"] = tools
	}
	vars["add_generation_prompt"] = in.AddGenerationPrompt
	vars["bos_token"] = in.BOS
	vars["eos_token"] = in.EOS
	return vars, nil
}

// messageDict builds the dict transformers passes: keys that are not set are
// absent, so "'tool_calls' in message" behaves as in Python.
func messageDict(m Message) (*exec.Dict, error) {
	keys := []string{"role", "content"}
	vals := []any{m.Role, m.Content}
	if len(m.ToolCalls) > 0 {
		calls := make([]any, 0, len(m.ToolCalls))
		for _, tc := range m.ToolCalls {
			args, err := argumentsValue(tc.Arguments)
			if err != nil {
				return nil, fmt.Errorf("tool call %q: %w", tc.Name, err)
			}
			fn := newDict([]string{"name", "arguments"}, []any{tc.Name, args})
			ck, cv := []string{"type", "function"}, []any{"function", fn}
			if tc.ID != "" {
				ck, cv = append([]string{"id"}, ck...), append([]any{tc.ID}, cv...)
			}
			calls = append(calls, newDict(ck, cv))
		}
		keys, vals = append(keys, "tool_calls"), append(vals, calls)
	}
	if m.ToolCallID != "" {
		keys, vals = append(keys, "tool_call_id"), append(vals, m.ToolCallID)
	}
	if m.Name != "" {
		keys, vals = append(keys, "name"), append(vals, m.Name)
	}
	return newDict(keys, vals), nil
}

func argumentsValue(raw []byte) (any, error) {
	norm, err := normalizeArguments(raw)
	if err != nil {
		return nil, err
	}
	return decodeJSON(norm)
}

func toolDict(t Tool) (*exec.Dict, error) {
	keys, vals := []string{"name"}, []any{t.Name}
	if t.Description != "" {
		keys, vals = append(keys, "description"), append(vals, t.Description)
	}
	if len(strings.TrimSpace(string(t.Parameters))) > 0 {
		p, err := decodeJSON(t.Parameters)
		if err != nil {
			return nil, fmt.Errorf("parameters: %w", err)
		}
		keys, vals = append(keys, "parameters"), append(vals, p)
	}
	return newDict([]string{"type", "function"}, []any{"function", newDict(keys, vals)}), nil
}
