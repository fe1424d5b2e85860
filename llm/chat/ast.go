package chat

import (
	"fmt"
	"reflect"
	"unsafe"

	ctrl "github.com/nikolalohinski/gonja/v2/builtins/control_structures"
	"github.com/nikolalohinski/gonja/v2/nodes"
	"github.com/nikolalohinski/gonja/v2/tokens"
)

// rewriteAST routes the arithmetic and string operators (+ - * / // % **
// ~) of a parsed template through binopFilter, which follows Python's rules
// (str % args formatting, floor division and modulo, errors for mixed
// types and division by zero) and refuses results over MaxOutputSize:
// gonja evaluates them with no bound (`'x' * 10**12`, or `s ~ s` doubling
// in a loop, would exhaust memory, which Go cannot recover from), and
// x[key] through getitemFilter.
//
// gonja has no hook for operators, so the tree is walked by reflection.
// Statement nodes keep their expressions in unexported fields (set, with,
// filter), which are reached through unsafe; the tree is private to the
// Template being built, and the pinned gonja version is covered by tests.
func rewriteAST(root *nodes.Template) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("rewrite template: %v", r)
		}
	}()
	w := &rewriter{seen: map[uintptr]bool{}}
	w.walk(reflect.ValueOf(root), 0)
	return nil
}

type rewriter struct {
	seen map[uintptr]bool
}

var (
	exprType  = reflect.TypeFor[nodes.Expression]()
	tokenType = reflect.TypeFor[tokens.Token]()
)

func (w *rewriter) walk(v reflect.Value, depth int) {
	if depth > 10*maxNesting+100 {
		panic("template tree too deep")
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() || v.Type().Elem() == tokenType {
			return
		}
		if w.seen[v.Pointer()] {
			return
		}
		w.seen[v.Pointer()] = true
		w.walk(v.Elem(), depth+1)
		if c, ok := v.Interface().(*nodes.Call); ok && c.Parent == nil {
			// gonja loses the receiver of a method called on a
			// parenthesized expression: "(x|first).strip()".
			if ga, ok := c.Func.(*nodes.GetAttribute); ok && ga.Attribute != "" && ga.Node != nil {
				c.Parent = ga.Node
			}
		}
		if o, ok := v.Interface().(*nodes.Output); ok {
			o.Expression = strExpression(o.Expression)
			o.Alternative = strExpression(o.Alternative)
		}
	case reflect.Interface:
		if v.IsNil() {
			return
		}
		w.walk(v.Elem(), depth+1)
		if r, ok := replacement(v.Elem()); ok && v.CanSet() && r.Type().AssignableTo(v.Type()) {
			v.Set(r)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			f := v.Field(i)
			if !f.CanSet() && f.CanAddr() {
				f = reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem()
			}
			w.walk(f, depth+1)
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			w.walk(v.Index(i), depth+1)
		}
	case reflect.Map:
		keys := v.MapKeys()
		for _, k := range keys {
			nv := reflect.New(v.Type().Elem()).Elem()
			nv.Set(v.MapIndex(k))
			w.walk(nv, depth+1)
			if v.CanInterface() {
				v.SetMapIndex(k, nv)
			}
		}
	}
}

// replacement turns a BinaryExpression with +, *, ** or ~ into
// left|__docent_binop(right, op), and x[key] into x|__docent_getitem(key).
func replacement(v reflect.Value) (reflect.Value, bool) {
	if d, ok := v.Interface().(*nodes.Dict); ok && d != nil && len(d.Pairs) == 0 {
		// {} literal: an empty map, which gonja reads as false like Python.
		var e nodes.Expression = &nodes.FilteredExpression{
			Expression: &nodes.None{Location: d.Token},
			Filters:    []*nodes.FilterCall{{Token: d.Token, Name: emptyDictFilter}},
		}
		return reflect.ValueOf(e), true
	}
	if gi, ok := v.Interface().(*nodes.GetItem); ok && gi != nil {
		node, ok1 := gi.Node.(nodes.Expression)
		arg, ok2 := gi.Arg.(nodes.Expression)
		if !ok1 || !ok2 || node == nil || arg == nil {
			return reflect.Value{}, false
		}
		var e nodes.Expression = &nodes.FilteredExpression{
			Expression: node,
			Filters: []*nodes.FilterCall{{
				Token: gi.Location,
				Name:  getitemFilter,
				Args:  []nodes.Expression{arg},
			}},
		}
		return reflect.ValueOf(e), true
	}
	be, ok := v.Interface().(*nodes.BinaryExpression)
	if !ok || be == nil || be.Operator == nil || be.Operator.Token == nil {
		return reflect.Value{}, false
	}
	op := be.Operator.Token
	switch op.Type {
	case tokens.Addition, tokens.Subtraction, tokens.Multiply, tokens.Division,
		tokens.FloorDivision, tokens.Modulo, tokens.Tilde, tokens.Power:
	default:
		return reflect.Value{}, false
	}
	fe := &nodes.FilteredExpression{
		Expression: be.Left,
		Filters: []*nodes.FilterCall{{
			Token: op,
			Name:  binopFilter,
			Args:  []nodes.Expression{be.Right, &nodes.String{Location: op, Val: op.Val}},
		}},
	}
	var e nodes.Expression = fe
	return reflect.ValueOf(e), reflect.TypeOf(e).Implements(exprType)
}

// setAttributeTarget returns the target of "{% set obj.attr = ... %}", or
// nil for other set statements (gonja keeps it unexported).
func setAttributeTarget(c *ctrl.SetControlStructure) (target *nodes.GetAttribute) {
	defer func() {
		if recover() != nil {
			target = nil
		}
	}()
	f := reflect.ValueOf(c).Elem().FieldByName("target")
	if !f.IsValid() || f.Kind() != reflect.Interface {
		return nil
	}
	f = reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem()
	ga, _ := f.Interface().(*nodes.GetAttribute)
	return ga
}

// strExpression wraps what an output tag prints in strFilter.
func strExpression(e nodes.Expression) nodes.Expression {
	if e == nil {
		return nil
	}
	return &nodes.FilteredExpression{
		Expression: e,
		Filters:    []*nodes.FilterCall{{Token: e.Position(), Name: strFilter}},
	}
}
