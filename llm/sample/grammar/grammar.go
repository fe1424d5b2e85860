package grammar

// kind is a node's matcher.
type kind uint8

const (
	kRoot   kind = iota // prefix, value, suffix
	kLit                // a finite set of literal byte strings (enum, const, true/false/null)
	kString             // a JSON string, optionally with length bounds or a format
	kNumber             // a JSON number or integer, optionally with bounds
	kObject             // declared properties in order, or free keys (any object)
	kArray              // items, minItems, maxItems
	kAnyOf              // alternatives, run side by side
)

// Formats a string node can enforce.
const (
	fmtNone uint8 = iota
	fmtDate
	fmtDateTime
	fmtTime
)

// byteSet is a set of bytes.
type byteSet [4]uint64

func (s *byteSet) add(b byte)       { s[b>>6] |= 1 << (b & 63) }
func (s *byteSet) has(b byte) bool  { return s[b>>6]&(1<<(b&63)) != 0 }
func (s *byteSet) union(o *byteSet) { s[0] |= o[0]; s[1] |= o[1]; s[2] |= o[2]; s[3] |= o[3] }
func (s *byteSet) addRange(lo, hi byte) {
	for c := int(lo); c <= int(hi); c++ {
		s.add(byte(c))
	}
}

// node is a compiled schema; nodes are immutable once compiled and may be
// shared.
type node struct {
	kind    kind
	first   byteSet // bytes a value of this node can start with
	accepts uint8   // JSON types the source schema accepts (tString...)
	lossy   bool    // alternatives the schema allows were dropped (anyOf)

	// kRoot
	prefix, suffix []byte
	value          *node

	// kLit
	lit   *litTrie
	lits  []string // the literals
	exact bool     // the source schema accepts exactly these values (enum/const)

	// kString
	minLen, maxLen int32 // maxLen < 0: unbounded
	format         uint8

	// kNumber
	integer    bool
	bounded    bool
	lo, hi     int64 // bounds on the value scaled by 10^frac (when bounded)
	intDigits  int32 // at most this many digits before the point
	fracDigits int32 // at most this many after it (0: no fraction)

	// kObject
	props    []prop
	keyTries []*litTrie      // keyTries[i]: the keys that may come next when properties before i are done
	reqFrom  []bool          // reqFrom[i]: some property at index >= i is required
	freeKeys bool            // any string key, values of node addl (an any-value object)
	closed   bool            // additionalProperties: false
	declared map[string]bool // every name in properties, produced or not
	keyNode  *node           // the key node when freeKeys
	addl     *node           // the value node when freeKeys

	// kArray
	items              *node
	minItems, maxItems int32 // maxItems < 0: unbounded

	// kAnyOf
	alts []*node
}

type prop struct {
	name     string
	node     *node
	required bool
}

// frame is one level of a matcher stack: a node and where in it the matcher
// is.
type frame struct {
	n  *node
	v  int64 // number: magnitude digits; date: year*100+month
	i  int32
	j  int32
	st uint8
	f  uint8 // number: flags
}

// cell is an immutable link of a persistent stack.
type cell struct {
	f    frame
	next *cell
}

// thread is one way of reading the input so far: the top frame by value and
// the rest of the stack shared.
type thread struct {
	top  frame
	rest *cell
}

func (t thread) push(parent frame, child *node) thread {
	return thread{top: frame{n: child}, rest: &cell{f: parent, next: t.rest}}
}

// maxThreads bounds the alternatives a state tracks. Dropping a thread only
// narrows the language (every thread can still complete), so the bound never
// makes the output invalid.
const maxThreads = 32

// State is where a matcher is after some bytes. States are immutable values:
// Advance returns a new one and leaves the receiver usable, so decoding can
// branch. The zero State accepts nothing.
type State struct {
	t     thread
	extra []thread // further alternatives; never modified once built
	live  bool
}

// acc collects the threads a step produces without allocating for the
// common single-thread case.
type acc struct {
	n     int
	first thread
	rest  []thread
}

func (a *acc) add(t thread) {
	switch {
	case a.n == 0:
		a.first = t
	case a.n < maxThreads:
		// alternatives that end the same way (an enum and a string, say)
		// continue identically: keep one
		if sameThread(a.first, t) {
			return
		}
		for _, u := range a.rest {
			if sameThread(u, t) {
				return
			}
		}
		a.rest = append(a.rest, t)
	default:
		return
	}
	a.n++
}

// sameThread reports whether two threads have equal stacks.
func sameThread(x, y thread) bool {
	if x.top != y.top {
		return false
	}
	for p, q := x.rest, y.rest; p != q; p, q = p.next, q.next {
		if p == nil || q == nil || p.f != q.f {
			return false
		}
	}
	return true
}

// Grammar is a compiled schema. It is immutable and safe for concurrent use.
type Grammar struct {
	root *node
}

// Start returns the state before any byte.
func (g *Grammar) Start() State {
	if g == nil || g.root == nil {
		return State{}
	}
	return State{t: thread{top: frame{n: g.root}}, live: true}
}

// WithAffixes returns a grammar that also requires the literal bytes prefix
// before the value and suffix after it (for instance "\n" around a Hermes
// <tool_call> body).
func (g *Grammar) WithAffixes(prefix, suffix string) *Grammar {
	if g == nil || g.root == nil {
		return g
	}
	r := *g.root
	r.prefix = []byte(prefix)
	r.suffix = []byte(suffix)
	return &Grammar{root: &r}
}

// Advance consumes one byte. It reports false, with the zero State, when the
// byte cannot come next.
func (s State) Advance(b byte) (State, bool) {
	if !s.live {
		return State{}, false
	}
	var a acc
	step(s.t, b, &a)
	for _, t := range s.extra {
		step(t, b, &a)
	}
	if a.n == 0 {
		return State{}, false
	}
	return State{t: a.first, extra: a.rest, live: true}, true
}

// AdvanceBytes consumes bs, stopping at the first byte that cannot come next.
func (s State) AdvanceBytes(bs []byte) (State, bool) {
	for _, b := range bs {
		var ok bool
		if s, ok = s.Advance(b); !ok {
			return State{}, false
		}
	}
	return s, s.live
}

// Valid reports whether s is a live state (not the result of a rejected byte).
func (s State) Valid() bool { return s.live }

// Complete reports whether the bytes so far form a whole valid value (with
// the grammar's suffix, if any).
func (s State) Complete() bool {
	if !s.live {
		return false
	}
	if complete(s.t) {
		return true
	}
	for _, t := range s.extra {
		if complete(t) {
			return true
		}
	}
	return false
}

// Final reports whether s is complete and no further byte can follow, so a
// decoder can stop without waiting for an end-of-generation token.
func (s State) Final() bool {
	if !s.Complete() {
		return false
	}
	for b := 0; b < 256; b++ {
		if _, ok := s.Advance(byte(b)); ok {
			return false
		}
	}
	return true
}

// threads returns the state's alternatives as single-thread states.
func (s State) threads(dst []State) []State {
	if !s.live {
		return dst
	}
	dst = append(dst, State{t: s.t, live: true})
	for _, t := range s.extra {
		dst = append(dst, State{t: t, live: true})
	}
	return dst
}

func complete(t thread) bool {
	for {
		f := t.top
		if f.n.kind == kRoot {
			return f.st == rSuffix && int(f.i) == len(f.n.suffix)
		}
		if !canEnd(f) || t.rest == nil {
			return false
		}
		t = thread{top: childDone(t.rest.f), rest: t.rest.next}
	}
}

// canEnd reports whether a lazily ending frame (number, literal with
// longer alternatives) may end here.
func canEnd(f frame) bool {
	switch f.n.kind {
	case kNumber:
		return numCanEnd(f)
	case kLit:
		return f.n.lit.nodes[f.j].term >= 0
	}
	return false
}

// Root phases.
const (
	rPrefix uint8 = iota
	rValue
	rSuffix
)

// Object phases.
const (
	oOpen uint8 = iota
	oFirst
	oKey
	oColon
	oAfterColon
	oValueSpace
	oInValue
	oInKey
	oAfterValue
	oComma
	oCommaSpace
)

// Array phases.
const (
	aOpen uint8 = iota
	aFirst
	aInItem
	aAfterItem
	aComma
	aCommaSpace
)

// childDone updates a parent frame whose child value has just ended.
func childDone(p frame) frame {
	switch p.n.kind {
	case kRoot:
		p.st, p.i = rSuffix, 0
	case kObject:
		if p.st == oInKey {
			p.st = oColon
		} else {
			p.st = oAfterValue
			p.i = p.j + 1
		}
	case kArray:
		p.st = aAfterItem
		p.i++
	}
	return p
}

// step advances one thread by b, adding the resulting threads to a.
func step(t thread, b byte, a *acc) {
	for {
		f := t.top
		n := f.n
		var push *node
		switch n.kind {
		case kRoot:
			switch f.st {
			case rPrefix:
				if int(f.i) < len(n.prefix) {
					if b != n.prefix[f.i] {
						return
					}
					f.i++
					if int(f.i) == len(n.prefix) {
						f.st = rValue
					}
					t.top = f
					a.add(t)
					return
				}
				f.st = rValue
				fallthrough
			case rValue:
				f.st = rValue
				push = n.value
			case rSuffix:
				if int(f.i) >= len(n.suffix) || b != n.suffix[f.i] {
					return
				}
				f.i++
				t.top = f
				a.add(t)
				return
			}

		case kLit:
			tr := n.lit
			c := tr.child(f.j, b)
			if c < 0 {
				if tr.nodes[f.j].term >= 0 && t.rest != nil {
					t = thread{top: childDone(t.rest.f), rest: t.rest.next}
					continue
				}
				return
			}
			if tr.nodes[c].term >= 0 && tr.nodes[c].nEdges == 0 {
				t = thread{top: childDone(t.rest.f), rest: t.rest.next}
				a.add(t)
				return
			}
			f.j = c
			t.top = f
			a.add(t)
			return

		case kString:
			var r int8
			if n.format != fmtNone {
				f, r = fmtStep(f, b)
			} else {
				f, r = strStep(f, b)
			}
			switch r {
			case rFail:
				return
			case rDone:
				t = thread{top: childDone(t.rest.f), rest: t.rest.next}
			default:
				t.top = f
			}
			a.add(t)
			return

		case kNumber:
			nf, r := numStep(f, b)
			switch r {
			case rFail:
				return
			case rEnd:
				if t.rest == nil {
					return
				}
				t = thread{top: childDone(t.rest.f), rest: t.rest.next}
				continue
			}
			t.top = nf
			a.add(t)
			return

		case kObject:
			var r int8
			f, push, r = objStep(f, b)
			switch r {
			case rFail:
				return
			case rDone:
				t = thread{top: childDone(t.rest.f), rest: t.rest.next}
				a.add(t)
				return
			case rOK:
				t.top = f
				a.add(t)
				return
			}

		case kArray:
			var r int8
			f, push, r = arrStep(f, b)
			switch r {
			case rFail:
				return
			case rDone:
				t = thread{top: childDone(t.rest.f), rest: t.rest.next}
				a.add(t)
				return
			case rOK:
				t.top = f
				a.add(t)
				return
			}

		default:
			return
		}

		// push a child value and give it b
		if push == nil {
			return
		}
		if push.kind == kAnyOf {
			var only *node
			cnt := 0
			for _, alt := range push.alts {
				if alt.first.has(b) {
					only = alt
					cnt++
				}
			}
			if cnt == 0 {
				return
			}
			if cnt > 1 {
				for _, alt := range push.alts {
					if alt.first.has(b) {
						step(t.push(f, alt), b, a)
					}
				}
				return
			}
			push = only
		}
		if !push.first.has(b) {
			return
		}
		t = t.push(f, push)
	}
}

// Step results.
const (
	rFail int8 = iota
	rOK        // consumed, stay
	rDone      // consumed, value ended
	rEnd       // not consumed: value ended before b
	rPush      // not consumed: push the returned node and give it b
)

// String phases.
const (
	sOpen uint8 = iota
	sBody
	sEsc
	sHex
	sCont   // i more continuation bytes in 80..BF
	sContE0 // A0..BF then 1 more
	sContED // 80..9F then 1 more
	sContF0 // 90..BF then 2 more
	sContF4 // 80..8F then 2 more
)

func strStep(f frame, b byte) (frame, int8) {
	n := f.n
	switch f.st {
	case sOpen:
		if b == '"' {
			f.st = sBody
			return f, rOK
		}
		return f, rFail
	case sBody:
		if b == '"' {
			if f.j >= n.minLen {
				return f, rDone
			}
			return f, rFail
		}
		if n.maxLen >= 0 && f.j >= n.maxLen {
			return f, rFail
		}
		switch {
		case b == '\\':
			f.st = sEsc
		case b < 0x20:
			return f, rFail
		case b < 0x80:
		case b >= 0xC2 && b <= 0xDF:
			f.st, f.i = sCont, 1
		case b == 0xE0:
			f.st = sContE0
		case b == 0xED:
			f.st = sContED
		case b >= 0xE1 && b <= 0xEF:
			f.st, f.i = sCont, 2
		case b == 0xF0:
			f.st = sContF0
		case b >= 0xF1 && b <= 0xF3:
			f.st, f.i = sCont, 3
		case b == 0xF4:
			f.st = sContF4
		default:
			return f, rFail
		}
		f.j++
		return f, rOK
	case sEsc:
		switch b {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			f.st = sBody
		case 'u':
			f.st, f.i, f.v = sHex, 0, 0
		default:
			return f, rFail
		}
		return f, rOK
	case sHex:
		d := hexDigit(b)
		if d < 0 {
			return f, rFail
		}
		f.v = f.v<<4 | int64(d)
		f.i++
		if f.i == 2 && f.v >= 0xD8 && f.v <= 0xDF {
			return f, rFail // no surrogate escapes: raw UTF-8 instead
		}
		if f.i == 4 {
			f.st = sBody
		}
		return f, rOK
	case sCont:
		if b < 0x80 || b > 0xBF {
			return f, rFail
		}
		f.i--
		if f.i == 0 {
			f.st = sBody
		}
		return f, rOK
	case sContE0, sContED, sContF0, sContF4:
		lo, hi, more := byte(0xA0), byte(0xBF), int32(1)
		switch f.st {
		case sContED:
			lo, hi = 0x80, 0x9F
		case sContF0:
			lo, more = 0x90, 2
		case sContF4:
			lo, hi, more = 0x80, 0x8F, 2
		}
		if b < lo || b > hi {
			return f, rFail
		}
		f.st, f.i = sCont, more
		return f, rOK
	}
	return f, rFail
}

func hexDigit(b byte) int {
	switch {
	case '0' <= b && b <= '9':
		return int(b - '0')
	case 'a' <= b && b <= 'f':
		return int(b-'a') + 10
	case 'A' <= b && b <= 'F':
		return int(b-'A') + 10
	}
	return -1
}

// Number phases.
const (
	nStart uint8 = iota
	nSign
	nZero
	nInt
	nDot
	nFrac
)

const flagNeg uint8 = 1

// numStep: f.v is the magnitude of the digits so far (int and fraction
// digits together), f.i the count of integer digits, f.j of fraction digits.
func numStep(f frame, b byte) (frame, int8) {
	n := f.n
	isDigit := b >= '0' && b <= '9'
	g := f
	switch f.st {
	case nStart:
		switch {
		case b == '-':
			g.st, g.f = nSign, flagNeg
		case b == '0':
			g.st, g.i = nZero, 1
		case isDigit:
			g.st, g.i, g.v = nInt, 1, int64(b-'0')
		default:
			return f, rFail
		}
	case nSign:
		switch {
		case b == '0':
			g.st, g.i = nZero, 1
		case isDigit:
			g.st, g.i, g.v = nInt, 1, int64(b-'0')
		default:
			return f, rFail
		}
	case nZero, nInt:
		switch {
		case b == '.' && n.fracDigits > 0:
			g.st = nDot
		case isDigit && f.st == nInt && f.i < n.intDigits:
			g.i++
			g.v = f.v*10 + int64(b-'0')
		case isDigit:
			return f, rFail
		default:
			if numCanEnd(f) {
				return f, rEnd
			}
			return f, rFail
		}
	case nDot:
		if !isDigit {
			return f, rFail
		}
		g.st, g.j = nFrac, 1
		g.v = f.v*10 + int64(b-'0')
	case nFrac:
		switch {
		case isDigit && f.j < n.fracDigits:
			g.j++
			g.v = f.v*10 + int64(b-'0')
		case isDigit:
			return f, rFail
		default:
			if numCanEnd(f) {
				return f, rEnd
			}
			return f, rFail
		}
	default:
		return f, rFail
	}
	if n.bounded && !numLive(g) {
		return f, rFail
	}
	return g, rOK
}

var pow10 = func() [19]int64 {
	var p [19]int64
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1] * 10
	}
	return p
}()

func numCanEnd(f frame) bool {
	switch f.st {
	case nZero, nInt, nFrac:
	default:
		return false
	}
	n := f.n
	if !n.bounded {
		return true
	}
	m := f.v * pow10[n.fracDigits-f.j]
	if f.f&flagNeg != 0 {
		m = -m
	}
	return m >= n.lo && m <= n.hi
}

// numLive reports whether some completion of f lies within the bounds.
func numLive(f frame) bool {
	n := f.n
	F := n.fracDigits
	neg := f.f&flagNeg != 0
	hit := func(lo, hi int64) bool { // magnitudes [lo, hi] at scale F
		if neg {
			lo, hi = -hi, -lo
		}
		return lo <= n.hi && hi >= n.lo
	}
	switch f.st {
	case nSign:
		return hit(0, pow10[n.intDigits+F]-1)
	case nZero:
		return hit(0, pow10[F]-1)
	case nInt:
		for extra := int32(0); f.i+extra <= n.intDigits; extra++ {
			s := pow10[extra+F]
			if hit(f.v*s, (f.v+1)*s-1) {
				return true
			}
		}
		return false
	case nDot:
		s := pow10[F]
		return hit(f.v*s, (f.v+1)*s-1)
	case nFrac:
		s := pow10[F-f.j]
		return hit(f.v*s, (f.v+1)*s-1)
	}
	return true
}

func objStep(f frame, b byte) (frame, *node, int8) {
	n := f.n
	switch f.st {
	case oOpen:
		if b == '{' {
			f.st, f.i = oFirst, 0
			return f, nil, rOK
		}
	case oFirst, oComma, oCommaSpace:
		if f.st == oFirst && b == '}' {
			if n.freeKeys || !n.reqFrom[0] {
				return f, nil, rDone
			}
			return f, nil, rFail
		}
		if f.st == oComma && b == ' ' {
			f.st = oCommaSpace
			return f, nil, rOK
		}
		if b != '"' {
			return f, nil, rFail
		}
		if n.freeKeys {
			f.st = oInKey
			return f, n.keyNode, rPush
		}
		if int(f.i) >= len(n.props) {
			return f, nil, rFail
		}
		c := n.keyTries[f.i].child(0, b)
		if c < 0 {
			return f, nil, rFail
		}
		f.st, f.j = oKey, c
		return f, nil, rOK
	case oKey:
		tr := n.keyTries[f.i]
		c := tr.child(f.j, b)
		if c < 0 {
			return f, nil, rFail
		}
		if p := tr.nodes[c].term; p >= 0 {
			f.st, f.j = oColon, p
			return f, nil, rOK
		}
		f.j = c
		return f, nil, rOK
	case oColon:
		if b == ':' {
			f.st = oAfterColon
			return f, nil, rOK
		}
	case oAfterColon, oValueSpace:
		if f.st == oAfterColon && b == ' ' {
			f.st = oValueSpace
			return f, nil, rOK
		}
		f.st = oInValue
		if n.freeKeys {
			return f, n.addl, rPush
		}
		return f, n.props[f.j].node, rPush
	case oAfterValue:
		switch b {
		case ',':
			if n.freeKeys || int(f.i) < len(n.props) {
				f.st = oComma
				return f, nil, rOK
			}
		case '}':
			if n.freeKeys || !n.reqFrom[f.i] {
				return f, nil, rDone
			}
		}
	}
	return f, nil, rFail
}

func arrStep(f frame, b byte) (frame, *node, int8) {
	n := f.n
	switch f.st {
	case aOpen:
		if b == '[' {
			f.st, f.i = aFirst, 0
			return f, nil, rOK
		}
	case aFirst:
		if b == ']' {
			if n.minItems == 0 {
				return f, nil, rDone
			}
			return f, nil, rFail
		}
		if n.maxItems == 0 || n.items == nil {
			return f, nil, rFail
		}
		f.st = aInItem
		return f, n.items, rPush
	case aAfterItem:
		switch b {
		case ',':
			if n.maxItems < 0 || f.i < n.maxItems {
				f.st = aComma
				return f, nil, rOK
			}
		case ']':
			if f.i >= n.minItems {
				return f, nil, rDone
			}
		}
	case aComma, aCommaSpace:
		if f.st == aComma && b == ' ' {
			f.st = aCommaSpace
			return f, nil, rOK
		}
		f.st = aInItem
		return f, n.items, rPush
	}
	return f, nil, rFail
}

// finishOrder is the byte preference of Finish: close what can be closed,
// then the shortest way forward.
const finishOrder = "\"}]0Z,:1-Ta.23456789"

// maxFinish bounds Finish's output; completions of supported schemas are far
// shorter unless minLength/minItems ask for more.
const maxFinish = 1 << 16

// Finish returns bytes that complete the value from s (nil when s is
// already complete): strings, containers and numbers are closed as soon as
// the schema allows, required parts are filled with the shortest values.
// A decoder that runs out of its token budget in the middle of a tool call
// can append them (or force their tokens) to end with a valid call. It
// returns false for a dead state or when no completion is found within 64
// KiB.
func (s State) Finish() ([]byte, bool) {
	if !s.live {
		return nil, false
	}
	var out []byte
	for !s.Complete() {
		if len(out) >= maxFinish {
			return nil, false
		}
		next, ok := State{}, false
		var b byte
		for i := 0; i < len(finishOrder) && !ok; i++ {
			b = finishOrder[i]
			next, ok = s.Advance(b)
		}
		for c := 0; c < 256 && !ok; c++ {
			b = byte(c)
			next, ok = s.Advance(b)
		}
		if !ok {
			return nil, false
		}
		out = append(out, b)
		s = next
	}
	return out, true
}
