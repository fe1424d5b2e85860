package grammar

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"sort"
	"strconv"
	"strings"
)

// Options tune Compile.
type Options struct {
	// IgnoreUnknownFormats treats a "format" other than date, date-time and
	// time as the annotation JSON Schema 2020-12 makes it by default (any
	// string) instead of failing.
	IgnoreUnknownFormats bool
}

// ErrUnsupported is wrapped by errors for schema keywords and forms the
// grammar cannot enforce.
var ErrUnsupported = errors.New("unsupported")

// ErrUnsatisfiable is wrapped by errors for schemas no value can satisfy
// within the grammar's output shape.
var ErrUnsatisfiable = errors.New("unsatisfiable")

// Number shape limits: integers have at most intDigitsInteger digits;
// numbers at most intDigitsNumber before the point and fracDigitsNumber
// after it; no exponent.
const (
	intDigitsInteger = 15
	intDigitsNumber  = 12
	fracDigitsNumber = 6
	maxAnyDepth      = 4   // nesting of objects/arrays inside a schema-free value
	maxProperties    = 256 // declared properties per object
	maxNodes         = 1 << 16
	maxSchemaDepth   = 48
	maxOneOf         = 64 // alternatives of a oneOf (checked pairwise)
)

// Compile compiles a JSON Schema (draft 2020-12 subset) to a grammar.
//
// Supported, and enforced while decoding (nothing is checked only at the
// end):
//   - type, a name or a list; without type, the type its keywords imply
//     (properties: object, ...) or any JSON value;
//   - enum and const of any JSON values (filtered by the other keywords);
//   - properties and required: declared order, required ones mandatory,
//     optional ones may be skipped; required names that are not declared get
//     the additionalProperties schema (or any value);
//   - additionalProperties false, true or a schema: only declared properties
//     are produced, which satisfies all three; with no properties and no
//     required, a schema or true makes a map (any keys, values following
//     it);
//   - items, minItems, maxItems, uniqueItems: false;
//   - minLength, maxLength (code points), format date, date-time and time
//     (RFC 3339, real calendar days, upper-case T and Z, seconds 00-59);
//   - minimum, maximum, exclusiveMinimum, exclusiveMaximum: exactly, digit by
//     digit (a digit is allowed only if some number within the bounds
//     starts that way);
//   - anyOf; oneOf when its alternatives provably cannot both match (by
//     type, const/enum discriminators or required properties), else an
//     ErrUnsupported error; allOf with one subschema;
//   - $ref to a JSON pointer in the same document (#/$defs/x), not
//     recursive; boolean schemas.
//
// Annotations (title, description, default, examples, $schema, $comment,
// deprecated, readOnly, writeOnly, $defs, definitions; $id at the root) are
// ignored. Any other keyword (pattern, patternProperties, minProperties,
// multipleOf, not, if/then/else, prefixItems, uniqueItems: true, ...) or
// format makes Compile fail with an error wrapping ErrUnsupported that
// names it and its place; a schema no value of the output shape satisfies
// fails with ErrUnsatisfiable.
func Compile(schema json.RawMessage) (*Grammar, error) {
	return CompileWith(schema, Options{})
}

// CompileWith is Compile with options.
func CompileWith(schema json.RawMessage, opts Options) (*Grammar, error) {
	n, err := compileDoc(schema, opts)
	if err != nil {
		return nil, err
	}
	return &Grammar{root: &node{kind: kRoot, value: n}}, nil
}

func compileDoc(schema json.RawMessage, opts Options) (*node, error) {
	doc, err := parseJSON(schema)
	if err != nil {
		return nil, fmt.Errorf("grammar: schema is not valid JSON: %w", err)
	}
	c := &compiler{root: doc, opts: opts, refs: map[string]*node{}, active: map[string]bool{}}
	n, err := c.compile(doc, "", 0)
	if err != nil {
		return nil, fmt.Errorf("grammar: %w", err)
	}
	return n, nil
}

type compiler struct {
	root   *jval
	opts   Options
	refs   map[string]*node
	active map[string]bool
	nodes  int
}

type schemaError struct {
	path string
	msg  string
	kind error
}

func (e *schemaError) Error() string {
	p := e.path
	if p == "" {
		p = "/"
	}
	return fmt.Sprintf("at %s: %s", p, e.msg)
}

func (e *schemaError) Unwrap() error { return e.kind }

func unsupported(path, format string, args ...any) error {
	return &schemaError{path, "unsupported: " + fmt.Sprintf(format, args...), ErrUnsupported}
}

func unsat(path, format string, args ...any) error {
	return &schemaError{path, "unsatisfiable: " + fmt.Sprintf(format, args...), ErrUnsatisfiable}
}

func invalid(path, format string, args ...any) error {
	return &schemaError{path, fmt.Sprintf(format, args...), nil}
}

func isUnsat(err error) bool { return errors.Is(err, ErrUnsatisfiable) }

var annotationKeywords = map[string]bool{
	"title": true, "description": true, "default": true, "examples": true,
	"$schema": true, "$id": true, "$comment": true, "deprecated": true,
	"readOnly": true, "writeOnly": true, "$defs": true, "definitions": true,
}

var supportedKeywords = map[string]bool{
	"type": true, "enum": true, "const": true,
	"properties": true, "required": true, "additionalProperties": true,
	"items": true, "minItems": true, "maxItems": true, "uniqueItems": true,
	"minLength": true, "maxLength": true, "format": true,
	"minimum": true, "maximum": true, "exclusiveMinimum": true, "exclusiveMaximum": true,
	"anyOf": true, "oneOf": true, "allOf": true, "$ref": true,
}

var familyKeywords = map[string]string{
	"properties": "object", "required": "object", "additionalProperties": "object",
	"items": "array", "minItems": "array", "maxItems": "array", "uniqueItems": "array",
	"minLength": "string", "maxLength": "string", "format": "string",
	"minimum": "number", "maximum": "number", "exclusiveMinimum": "number", "exclusiveMaximum": "number",
}

func (c *compiler) newNode(n *node) (*node, error) {
	c.nodes++
	if c.nodes > maxNodes {
		return nil, invalid("", "schema too large (more than %d grammar nodes)", maxNodes)
	}
	return n, nil
}

func child(path, key string) string {
	key = strings.ReplaceAll(strings.ReplaceAll(key, "~", "~0"), "/", "~1")
	return path + "/" + key
}

// compile compiles schema s. It returns an error wrapping ErrUnsatisfiable
// when no value of the output shape satisfies s.
func (c *compiler) compile(s *jval, path string, depth int) (*node, error) {
	if depth > maxSchemaDepth {
		return nil, invalid(path, "schema nested deeper than %d", maxSchemaDepth)
	}
	switch s.kind {
	case 'b':
		if s.b {
			return anyValue(0), nil
		}
		return nil, unsat(path, "false schema")
	case 'o':
	default:
		return nil, invalid(path, "a schema must be an object or a boolean")
	}
	var bad []string
	constraint := map[string]*jval{}
	for _, e := range s.obj {
		switch {
		case annotationKeywords[e.key]:
		case supportedKeywords[e.key]:
			constraint[e.key] = e.val
		default:
			bad = append(bad, strconv.Quote(e.key))
		}
	}
	if len(bad) > 0 {
		return nil, unsupported(path, "keyword %s", strings.Join(bad, ", "))
	}
	if path != "" && s.get("$id") != nil {
		return nil, unsupported(path, "$id in a subschema (references resolve against the document root only)")
	}
	if u := constraint["uniqueItems"]; u != nil {
		if u.kind != 'b' {
			return nil, invalid(path, "uniqueItems must be a boolean")
		}
		if u.b {
			return nil, unsupported(path, "keyword \"uniqueItems\": true")
		}
		delete(constraint, "uniqueItems")
	}

	if ref := constraint["$ref"]; ref != nil {
		if len(constraint) > 1 {
			return nil, unsupported(path, "$ref with sibling keywords")
		}
		return c.ref(ref, path, depth)
	}
	if all := constraint["allOf"]; all != nil {
		if all.kind != 'a' || len(all.arr) == 0 {
			return nil, invalid(path, "allOf must be a non-empty array")
		}
		if len(all.arr) != 1 || len(constraint) > 1 {
			return nil, unsupported(path, "allOf with more than one subschema or with sibling keywords")
		}
		return c.compile(all.arr[0], child(path, "allOf")+"/0", depth+1)
	}
	for _, kw := range []string{"anyOf", "oneOf"} {
		alts := constraint[kw]
		if alts == nil {
			continue
		}
		if len(constraint) > 1 {
			return nil, unsupported(path, "%s with sibling keywords", kw)
		}
		return c.anyOf(alts, kw, path, depth)
	}
	if constraint["enum"] != nil || constraint["const"] != nil {
		return c.enum(s, constraint, path, depth)
	}
	return c.typed(constraint, path, depth)
}

func (c *compiler) ref(ref *jval, path string, depth int) (*node, error) {
	if ref.kind != 's' {
		return nil, invalid(path, "$ref must be a string")
	}
	r := ref.str
	if n, ok := c.refs[r]; ok {
		if n == nil {
			return nil, unsat(path, "$ref %q", r)
		}
		return n, nil
	}
	if !strings.HasPrefix(r, "#") {
		return nil, unsupported(path, "$ref %q (only local JSON pointers such as #/$defs/name)", r)
	}
	if c.active[r] {
		return nil, unsupported(path, "recursive $ref %q", r)
	}
	target := c.root
	if p := r[1:]; p != "" {
		if !strings.HasPrefix(p, "/") {
			return nil, unsupported(path, "$ref %q (anchors are not resolved)", r)
		}
		for _, tok := range strings.Split(p[1:], "/") {
			tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
			switch target.kind {
			case 'o':
				target = target.get(tok)
			case 'a':
				i, err := strconv.Atoi(tok)
				if err != nil || i < 0 || i >= len(target.arr) {
					target = nil
				} else {
					target = target.arr[i]
				}
			default:
				target = nil
			}
			if target == nil {
				return nil, invalid(path, "$ref %q does not resolve", r)
			}
		}
	}
	c.active[r] = true
	n, err := c.compile(target, r[1:], depth+1)
	delete(c.active, r)
	if err != nil && !isUnsat(err) {
		return nil, err
	}
	c.refs[r] = n
	return n, err
}

func (c *compiler) anyOf(alts *jval, kw, path string, depth int) (*node, error) {
	if alts.kind != 'a' || len(alts.arr) == 0 {
		return nil, invalid(path, "%s must be a non-empty array", kw)
	}
	if kw == "oneOf" && len(alts.arr) > maxOneOf {
		return nil, unsupported(path, "oneOf with more than %d alternatives", maxOneOf)
	}
	var out []*node
	lossy := false
	for i, a := range alts.arr {
		n, err := c.compile(a, child(path, kw)+"/"+strconv.Itoa(i), depth+1)
		if isUnsat(err) {
			if a.kind == 'b' {
				continue // false: matches nothing
			}
			if kw == "oneOf" {
				// it may still match what another alternative produces
				return nil, unsupported(path, "oneOf alternative %d that the grammar cannot produce (%v)", i, err)
			}
			lossy = true
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	if kw == "oneOf" {
		for i := range out {
			for j := i + 1; j < len(out); j++ {
				if !(fails(out[i], out[j]) && fails(out[j], out[i])) {
					return nil, unsupported(path, "oneOf whose alternatives %d and %d may both match (use anyOf, or tell them apart by type, const or required properties)", i, j)
				}
			}
		}
	}
	u, err := c.union(out, path)
	if err != nil || !lossy {
		return u, err
	}
	cp := *u
	cp.lossy = true
	return c.newNode(&cp)
}

// union builds an anyOf node over ns, flattening nested alternatives.
func (c *compiler) union(ns []*node, path string) (*node, error) {
	var flat []*node
	for _, n := range ns {
		if n.kind == kAnyOf {
			flat = append(flat, n.alts...)
		} else {
			flat = append(flat, n)
		}
	}
	switch len(flat) {
	case 0:
		return nil, unsat(path, "no alternative can be satisfied")
	case 1:
		return flat[0], nil
	}
	u := &node{kind: kAnyOf, alts: flat}
	for _, n := range flat {
		u.first.union(&n.first)
		u.accepts |= n.accepts
	}
	return c.newNode(u)
}

// JSON types as bits (node.accepts: what the schema a node came from can
// accept; a superset of what the node produces).
const (
	tString uint8 = 1 << iota
	tNumber
	tBool
	tNull
	tObject
	tArray
	tAll = tString | tNumber | tBool | tNull | tObject | tArray
)

var typeBits = map[string]uint8{
	"string": tString, "number": tNumber, "integer": tNumber, "boolean": tBool,
	"null": tNull, "object": tObject, "array": tArray,
}

func typeOfFirst(b byte) uint8 {
	switch {
	case b == '"':
		return tString
	case b == '-' || (b >= '0' && b <= '9'):
		return tNumber
	case b == 't' || b == 'f':
		return tBool
	case b == 'n':
		return tNull
	case b == '{':
		return tObject
	case b == '[':
		return tArray
	}
	return 0
}

// produces returns the JSON types n can produce.
func produces(n *node) uint8 {
	var t uint8
	for b := 0; b < 256; b++ {
		if n.first.has(byte(b)) {
			t |= typeOfFirst(byte(b))
		}
	}
	return t
}

// fails reports whether no value a produces validates against the schema b
// was compiled from (conservatively: false when unsure).
func fails(a, b *node) bool {
	if b.lossy {
		return false
	}
	if produces(a)&b.accepts == 0 {
		return true
	}
	if a.kind == kAnyOf {
		for _, x := range a.alts {
			if !fails(x, b) {
				return false
			}
		}
		return true
	}
	if b.kind == kAnyOf {
		if b.accepts != unionAccepts(b.alts) {
			return false
		}
		for _, y := range b.alts {
			if !fails(a, y) {
				return false
			}
		}
		return true
	}
	if a.kind == kLit && b.kind == kLit && b.exact {
		for _, x := range a.lits {
			for _, y := range b.lits {
				if litEqual(x, y) {
					return false
				}
			}
		}
		return true
	}
	if a.kind == kObject && b.kind == kObject && !a.freeKeys && !b.freeKeys && b.accepts == tObject {
		declA := map[string]*prop{}
		for i := range a.props {
			declA[a.props[i].name] = &a.props[i]
		}
		declB := map[string]*prop{}
		for i := range b.props {
			declB[b.props[i].name] = &b.props[i]
		}
		for _, q := range b.props {
			if q.required && declA[q.name] == nil {
				return true
			}
		}
		for _, p := range a.props {
			if !p.required {
				continue
			}
			q := declB[p.name]
			if q == nil && b.closed && !b.declared[p.name] {
				return true
			}
			if q != nil && fails(p.node, q.node) {
				return true
			}
		}
	}
	return false
}

func unionAccepts(ns []*node) uint8 {
	var t uint8
	for _, n := range ns {
		t |= n.accepts
	}
	return t
}

// litEqual compares two serialized literals as JSON values (numbers by
// value, others by their compact text).
func litEqual(x, y string) bool {
	if x == y {
		return true
	}
	if typeOfFirst(x[0]) == tNumber && typeOfFirst(y[0]) == tNumber {
		rx, ok1 := new(big.Rat).SetString(x)
		ry, ok2 := new(big.Rat).SetString(y)
		return !ok1 || !ok2 || rx.Cmp(ry) == 0
	}
	// objects and arrays could be equal with other key order or number
	// spellings: be conservative
	return typeOfFirst(x[0]) == tObject || typeOfFirst(x[0]) == tArray
}

// sameValue reports whether two serialized literals are surely the same
// JSON value.
func sameValue(x, y string) bool {
	if x == y {
		return true
	}
	if typeOfFirst(x[0]) == tNumber && typeOfFirst(y[0]) == tNumber {
		rx, ok1 := new(big.Rat).SetString(x)
		ry, ok2 := new(big.Rat).SetString(y)
		return ok1 && ok2 && rx.Cmp(ry) == 0
	}
	return false
}

// enum compiles enum/const, keeping the values that also satisfy the
// schema's other keywords.
func (c *compiler) enum(s *jval, kw map[string]*jval, path string, depth int) (*node, error) {
	var vals []*jval
	if e := kw["enum"]; e != nil {
		if e.kind != 'a' || len(e.arr) == 0 {
			return nil, invalid(path, "enum must be a non-empty array")
		}
		vals = e.arr
	}
	if cv := kw["const"]; cv != nil {
		if vals != nil {
			var keep []*jval
			cs := string(appendJSON(nil, cv))
			for _, v := range vals {
				if sameValue(string(appendJSON(nil, v)), cs) {
					keep = append(keep, v)
				}
			}
			if len(keep) == 0 {
				return nil, unsat(path, "const is not among enum")
			}
			vals = keep
		} else {
			vals = []*jval{cv}
		}
	}
	var lits [][]byte
	var accepts uint8
	for _, v := range vals {
		l := appendJSON(nil, v)
		lits = append(lits, l)
		accepts |= typeOfFirst(l[0])
	}
	exact := true
	siblings := map[string]*jval{}
	for k, v := range kw {
		if k != "enum" && k != "const" {
			siblings[k] = v
		}
	}
	if len(siblings) > 0 {
		shape, err := c.typed(siblings, path, depth)
		if isUnsat(err) {
			return nil, err
		}
		if err != nil {
			return nil, err
		}
		g := &Grammar{root: &node{kind: kRoot, value: shape}}
		var keep [][]byte
		for _, l := range lits {
			if st, ok := g.Start().AdvanceBytes(l); ok && st.Complete() {
				keep = append(keep, l)
			}
		}
		// a value the shape cannot produce may still be valid: the node
		// is then not the schema's exact set
		exact = len(keep) == len(lits)
		lits = keep
	}
	if len(lits) == 0 {
		return nil, unsat(path, "no enum value satisfies the other keywords")
	}
	n, err := c.litNode(lits)
	if err != nil {
		return nil, err
	}
	n.exact = exact
	n.accepts = accepts
	return n, nil
}

func (c *compiler) litNode(lits [][]byte) (*node, error) {
	vals := make([]int32, len(lits))
	n := &node{kind: kLit}
	for i, l := range lits {
		vals[i] = int32(i)
		n.lits = append(n.lits, string(l))
		n.accepts |= typeOfFirst(l[0])
	}
	n.lit = buildLitTrie(lits, vals)
	n.first = n.lit.firstBytes()
	return c.newNode(n)
}

// typed compiles a schema by its type (given or inferred from keywords).
func (c *compiler) typed(kw map[string]*jval, path string, depth int) (*node, error) {
	var types []string
	if t := kw["type"]; t != nil {
		switch t.kind {
		case 's':
			types = []string{t.str}
		case 'a':
			for _, e := range t.arr {
				if e.kind != 's' {
					return nil, invalid(path, "type list entries must be strings")
				}
				types = append(types, e.str)
			}
			if len(types) == 0 {
				return nil, unsat(path, "empty type list")
			}
		default:
			return nil, invalid(path, "type must be a string or an array of strings")
		}
		for _, t := range types {
			if typeBits[t] == 0 {
				return nil, invalid(path, "unknown type %q", t)
			}
		}
	} else {
		seen := map[string]bool{}
		keys := make([]string, 0, len(kw))
		for k := range kw {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if f := familyKeywords[k]; f != "" && !seen[f] {
				seen[f] = true
				types = append(types, f)
			}
		}
		if len(types) == 0 {
			return anyValue(0), nil
		}
	}
	hasNumber := false
	for _, t := range types {
		hasNumber = hasNumber || t == "number"
	}
	var alts []*node
	var accepts uint8
	for _, t := range types {
		accepts |= typeBits[t]
	}
	if kw["type"] == nil {
		accepts = tAll
	}
	seen := map[string]bool{}
	for _, t := range types {
		if seen[t] || (t == "integer" && hasNumber) {
			continue
		}
		seen[t] = true
		var n *node
		var err error
		switch t {
		case "null":
			n, err = c.litNode([][]byte{[]byte("null")})
		case "boolean":
			n, err = c.litNode([][]byte{[]byte("true"), []byte("false")})
		case "string":
			n, err = c.stringNode(kw, path)
		case "integer", "number":
			n, err = c.numberNode(kw, t == "integer", path)
		case "object":
			n, err = c.objectNode(kw, path, depth)
		case "array":
			n, err = c.arrayNode(kw, path, depth)
		}
		if isUnsat(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		alts = append(alts, n)
	}
	u, err := c.union(alts, path)
	if err != nil {
		return nil, err
	}
	// the schema's accepted types, not only the node's (an inferred object
	// also accepts strings: keywords only apply to their own type)
	cp := *u
	cp.accepts = accepts
	return c.newNode(&cp)
}

func nonNegInt(v *jval, path, kw string) (int32, error) {
	if v.kind != 'n' {
		return 0, invalid(path, "%s must be a non-negative integer", kw)
	}
	r, ok := new(big.Rat).SetString(v.str)
	if !ok || r.Sign() < 0 || !r.IsInt() {
		return 0, invalid(path, "%s must be a non-negative integer", kw)
	}
	if r.Num().Cmp(big.NewInt(1<<30)) > 0 {
		return 1 << 30, nil
	}
	return int32(r.Num().Int64()), nil
}

func (c *compiler) stringNode(kw map[string]*jval, path string) (*node, error) {
	n := &node{kind: kString, maxLen: -1, accepts: tString}
	n.first.add('"')
	if v := kw["minLength"]; v != nil {
		x, err := nonNegInt(v, path, "minLength")
		if err != nil {
			return nil, err
		}
		n.minLen = x
	}
	if v := kw["maxLength"]; v != nil {
		x, err := nonNegInt(v, path, "maxLength")
		if err != nil {
			return nil, err
		}
		n.maxLen = x
		if x < n.minLen {
			return nil, unsat(path, "maxLength < minLength")
		}
	}
	if v := kw["format"]; v != nil {
		if v.kind != 's' {
			return nil, invalid(path, "format must be a string")
		}
		switch v.str {
		case "date":
			n.format = fmtDate
		case "date-time":
			n.format = fmtDateTime
		case "time":
			n.format = fmtTime
		default:
			if !c.opts.IgnoreUnknownFormats {
				return nil, unsupported(path, "format %q (date, date-time and time are enforced; Options.IgnoreUnknownFormats treats others as plain strings)", v.str)
			}
		}
		if n.format != fmtNone {
			// fixed-shape strings: lengths between 8 (time) and 35 code points
			lo, hi := int32(10), int32(10)
			switch n.format {
			case fmtDateTime:
				lo, hi = 20, 35
			case fmtTime:
				lo, hi = 9, 24
			}
			if n.minLen > lo || (n.maxLen >= 0 && n.maxLen < hi) {
				return nil, unsupported(path, "minLength/maxLength together with format %q", v.str)
			}
		}
	}
	return c.newNode(n)
}

func (c *compiler) numberNode(kw map[string]*jval, integer bool, path string) (*node, error) {
	n := &node{kind: kNumber, integer: integer, accepts: tNumber, intDigits: intDigitsNumber, fracDigits: fracDigitsNumber}
	if integer {
		n.intDigits, n.fracDigits = intDigitsInteger, 0
	}
	n.first.add('-')
	n.first.addRange('0', '9')
	scale := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n.fracDigits)), nil))
	limit := pow10[n.intDigits+n.fracDigits] - 1
	lo, hi := -limit, limit
	bound := func(kw2 string, isMin, exclusive bool) error {
		v := kw[kw2]
		if v == nil {
			return nil
		}
		if v.kind == 'b' {
			return unsupported(path, "boolean %s (draft 4)", kw2)
		}
		if v.kind != 'n' {
			return invalid(path, "%s must be a number", kw2)
		}
		r, ok := new(big.Rat).SetString(v.str)
		if !ok {
			return invalid(path, "%s: bad number %q", kw2, v.str)
		}
		n.bounded = true
		r.Mul(r, scale)
		fl := new(big.Int).Quo(r.Num(), r.Denom()) // truncated toward zero
		if r.Sign() < 0 && !r.IsInt() {
			fl.Sub(fl, big.NewInt(1)) // floor
		}
		ce := new(big.Int).Set(fl)
		if !r.IsInt() {
			ce.Add(ce, big.NewInt(1))
		}
		var x *big.Int
		switch {
		case isMin && exclusive:
			x = fl.Add(fl, big.NewInt(1))
		case isMin:
			x = ce
		case exclusive:
			x = ce.Sub(ce, big.NewInt(1))
		default:
			x = fl
		}
		switch {
		case x.Cmp(big.NewInt(limit)) > 0:
			if isMin {
				lo = limit + 1
			}
		case x.Cmp(big.NewInt(-limit)) < 0:
			if !isMin {
				hi = -limit - 1
			}
		default:
			if isMin && x.Int64() > lo {
				lo = x.Int64()
			}
			if !isMin && x.Int64() < hi {
				hi = x.Int64()
			}
		}
		return nil
	}
	for _, b := range []struct {
		kw       string
		min, exc bool
	}{{"minimum", true, false}, {"exclusiveMinimum", true, true}, {"maximum", false, false}, {"exclusiveMaximum", false, true}} {
		if err := bound(b.kw, b.min, b.exc); err != nil {
			return nil, err
		}
	}
	if lo > hi {
		return nil, unsat(path, "no %s with at most %d digits lies within the bounds", map[bool]string{true: "integer", false: "number"}[integer], n.intDigits+n.fracDigits)
	}
	n.lo, n.hi = lo, hi
	return c.newNode(n)
}

func (c *compiler) objectNode(kw map[string]*jval, path string, depth int) (*node, error) {
	n := &node{kind: kObject, accepts: tObject}
	n.first.add('{')
	required := map[string]bool{}
	var reqOrder []string
	if r := kw["required"]; r != nil {
		if r.kind != 'a' {
			return nil, invalid(path, "required must be an array of strings")
		}
		for _, e := range r.arr {
			if e.kind != 's' {
				return nil, invalid(path, "required must be an array of strings")
			}
			if !required[e.str] {
				required[e.str] = true
				reqOrder = append(reqOrder, e.str)
			}
		}
	}
	var addl *jval
	if a := kw["additionalProperties"]; a != nil {
		if a.kind != 'b' && a.kind != 'o' {
			return nil, invalid(path, "additionalProperties must be a schema")
		}
		addl = a
		n.closed = a.kind == 'b' && !a.b
	}
	declared := map[string]bool{}
	n.declared = declared
	if p := kw["properties"]; (p == nil || (p.kind == 'o' && len(p.obj) == 0)) && len(reqOrder) == 0 && addl != nil && !n.closed {
		// a map: any keys, values of the additionalProperties schema
		n.freeKeys = true
		n.keyNode = anyStringNode
		if addl.kind == 'b' {
			n.addl = anyValue(0)
			return c.newNode(n)
		}
		vn, err := c.compile(addl, child(path, "additionalProperties"), depth+1)
		switch {
		case isUnsat(err):
			n.freeKeys = false // no entry can be written: {}
			n.reqFrom = []bool{false}
			return c.newNode(n)
		case err != nil:
			return nil, err
		}
		n.addl = vn
		return c.newNode(n)
	}
	if p := kw["properties"]; p != nil {
		if p.kind != 'o' {
			return nil, invalid(path, "properties must be an object")
		}
		for _, e := range p.obj {
			declared[e.key] = true
			pn, err := c.compile(e.val, child(child(path, "properties"), e.key), depth+1)
			if isUnsat(err) {
				if required[e.key] {
					return nil, err
				}
				continue
			}
			if err != nil {
				return nil, err
			}
			n.props = append(n.props, prop{name: e.key, node: pn, required: required[e.key]})
		}
	}
	for _, name := range reqOrder {
		if declared[name] {
			continue
		}
		var pn *node
		var err error
		switch {
		case addl == nil || (addl.kind == 'b' && addl.b):
			pn = anyValue(0)
		case addl.kind == 'b':
			return nil, unsat(path, "required property %q is not declared and additionalProperties is false", name)
		default:
			pn, err = c.compile(addl, child(path, "additionalProperties"), depth+1)
			if err != nil {
				return nil, err
			}
		}
		n.props = append(n.props, prop{name: name, node: pn, required: true})
	}
	if len(n.props) > maxProperties {
		return nil, unsupported(path, "more than %d properties", maxProperties)
	}
	np := len(n.props)
	n.reqFrom = make([]bool, np+1)
	for i := np - 1; i >= 0; i-- {
		n.reqFrom[i] = n.reqFrom[i+1] || n.props[i].required
	}
	keys := make([][]byte, np)
	for i, p := range n.props {
		keys[i] = appendString(nil, p.name)
	}
	n.keyTries = make([]*litTrie, np)
	for i := 0; i < np; i++ {
		var ls [][]byte
		var vs []int32
		for j := i; j < np; j++ {
			ls = append(ls, keys[j])
			vs = append(vs, int32(j))
			if n.props[j].required {
				break
			}
		}
		n.keyTries[i] = buildLitTrie(ls, vs)
	}
	return c.newNode(n)
}

func (c *compiler) arrayNode(kw map[string]*jval, path string, depth int) (*node, error) {
	n := &node{kind: kArray, accepts: tArray, maxItems: -1}
	n.first.add('[')
	if v := kw["minItems"]; v != nil {
		x, err := nonNegInt(v, path, "minItems")
		if err != nil {
			return nil, err
		}
		n.minItems = x
	}
	if v := kw["maxItems"]; v != nil {
		x, err := nonNegInt(v, path, "maxItems")
		if err != nil {
			return nil, err
		}
		if x < n.minItems {
			return nil, unsat(path, "maxItems < minItems")
		}
		n.maxItems = x
	}
	if it := kw["items"]; it != nil {
		if it.kind == 'a' {
			return nil, unsupported(path, "items as an array (use prefixItems; also unsupported)")
		}
		in, err := c.compile(it, child(path, "items"), depth+1)
		switch {
		case isUnsat(err):
			if n.minItems > 0 {
				return nil, err
			}
			n.maxItems = 0
		case err != nil:
			return nil, err
		default:
			n.items = in
		}
	} else {
		n.items = anyValue(0)
	}
	return c.newNode(n)
}

// anyNodes[d] matches any JSON value with objects and arrays nested at most
// maxAnyDepth-d deep.
var anyNodes = func() []*node {
	str := &node{kind: kString, maxLen: -1, accepts: tString}
	str.first.add('"')
	num := &node{kind: kNumber, accepts: tNumber, intDigits: intDigitsNumber, fracDigits: fracDigitsNumber}
	num.first.add('-')
	num.first.addRange('0', '9')
	lits := &node{kind: kLit, accepts: tBool | tNull, lits: []string{"true", "false", "null"}}
	lits.lit = buildLitTrie([][]byte{[]byte("true"), []byte("false"), []byte("null")}, []int32{0, 1, 2})
	lits.first = lits.lit.firstBytes()
	levels := make([]*node, maxAnyDepth+1)
	for d := maxAnyDepth; d >= 0; d-- {
		alts := []*node{str, num, lits}
		if d < maxAnyDepth {
			obj := &node{kind: kObject, freeKeys: true, keyNode: str, addl: levels[d+1], accepts: tObject}
			obj.first.add('{')
			arr := &node{kind: kArray, items: levels[d+1], maxItems: -1, accepts: tArray}
			arr.first.add('[')
			alts = append(alts, obj, arr)
		}
		u := &node{kind: kAnyOf, alts: alts, accepts: tAll}
		for _, a := range alts {
			u.first.union(&a.first)
		}
		levels[d] = u
	}
	return levels
}()

func anyValue(d int) *node { return anyNodes[d] }
