package grammar

import (
	"bytes"
	"cmp"
	"fmt"
	"math"
	"slices"
	"sort"
	"sync"
)

// Masker computes which tokens of a vocabulary can come next in a grammar.
// It depends only on the vocabulary: one Masker serves the states of every
// grammar. It is immutable after NewMasker and safe for concurrent use.
type Masker struct {
	n         int
	pieces    [][]byte
	full      ptrie   // every token with bytes, except end-of-generation tokens
	spec      ptrie   // the tokens with a '"'
	plain     []int32 // tokens accepted inside any string from a character boundary (no '"'), by increasing count of characters started
	plainN    []int32 // characters plain[i] starts
	plainMask []bool  // plain as a mask
	eog       []int32
	isEOG     []bool
	pool      sync.Pool
}

// ptrie is a byte trie of token pieces laid out in pre-order: node k's
// children are the nodes k+1 .. end-1, siblings chained by end.
type ptrie struct {
	nodes []pnode
	toks  []int32
}

type pnode struct {
	end          int32 // one past the last node of this subtree
	tokLo, tokHi int32 // tokens whose piece ends here: toks[tokLo:tokHi]
	label        byte
}

// NewMasker prepares a vocabulary: pieces[i] are token i's raw bytes
// (empty for control tokens, which are then never allowed), eog the tokens
// that end generation, allowed only where the value is complete. pieces is
// kept and must not be modified. g is not needed (it may be nil): the
// masker works for the states of any grammar. Building takes a fraction of
// a second for a 150k-token vocabulary; do it once per model.
func NewMasker(g *Grammar, pieces [][]byte, eog []int) *Masker {
	_ = g
	m := &Masker{n: len(pieces), pieces: pieces, isEOG: make([]bool, len(pieces))}
	for _, id := range eog {
		if id >= 0 && id < len(pieces) && !m.isEOG[id] {
			m.isEOG[id] = true
			m.eog = append(m.eog, int32(id))
		}
	}
	var all, quoted []int32
	runes := make([]int32, len(pieces))
	for i, p := range pieces {
		if len(p) == 0 || m.isEOG[i] {
			continue
		}
		all = append(all, int32(i))
		if bytes.IndexByte(p, '"') >= 0 {
			quoted = append(quoted, int32(i))
		} else if n, ok := inString(p); ok {
			m.plain = append(m.plain, int32(i))
			runes[i] = n
		}
	}
	m.full = buildPTrie(pieces, all)
	m.spec = buildPTrie(pieces, quoted)
	slices.SortFunc(m.plain, func(a, b int32) int {
		if c := cmp.Compare(runes[a], runes[b]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	m.plainN = make([]int32, len(m.plain))
	m.plainMask = make([]bool, len(pieces))
	for i, id := range m.plain {
		m.plainN[i] = runes[id]
		m.plainMask[id] = true
	}
	return m
}

// inString reports whether p, which has no '"', is accepted inside a JSON
// string from a character boundary, and how many characters it starts.
func inString(p []byte) (int32, bool) {
	f := frame{n: anyStringNode, st: sBody}
	for _, b := range p {
		var r int8
		if f, r = strStep(f, b); r != rOK {
			return 0, false
		}
	}
	return f.j, true
}

// anyStringNode is an unconstrained string.
var anyStringNode = func() *node {
	n := &node{kind: kString, maxLen: -1, accepts: tString}
	n.first.add('"')
	return n
}()

func buildPTrie(pieces [][]byte, ids []int32) ptrie {
	ids = append([]int32(nil), ids...)
	slices.SortFunc(ids, func(a, b int32) int {
		if c := bytes.Compare(pieces[a], pieces[b]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	t := ptrie{toks: ids}
	var path []int32 // node index at each depth of the previous piece
	var prev []byte
	for k, id := range ids {
		p := pieces[id]
		l := 0
		for l < len(p) && l < len(prev) && p[l] == prev[l] {
			l++
		}
		// close the nodes of prev below the common prefix
		for d := len(path) - 1; d >= l; d-- {
			t.nodes[path[d]].end = int32(len(t.nodes))
		}
		path = path[:l]
		for d := l; d < len(p); d++ {
			path = append(path, int32(len(t.nodes)))
			t.nodes = append(t.nodes, pnode{label: p[d], tokLo: -1})
		}
		last := &t.nodes[path[len(p)-1]]
		if last.tokLo < 0 {
			last.tokLo = int32(k)
		}
		last.tokHi = int32(k + 1)
		prev = p
	}
	for _, k := range path {
		t.nodes[k].end = int32(len(t.nodes))
	}
	for k := range t.nodes {
		if t.nodes[k].tokLo < 0 {
			t.nodes[k].tokLo, t.nodes[k].tokHi = 0, 0
		}
	}
	return t
}

// VocabSize is the number of tokens the masker was built for.
func (m *Masker) VocabSize() int { return m.n }

// Mask sets allowed[i] (for i < VocabSize) to whether token i can come next
// in state st: all of its bytes advance st, or it ends generation and st is
// complete. It returns the number of allowed tokens; 0 only for a dead
// state.
func (m *Masker) Mask(st State, allowed []bool) int {
	if len(allowed) < m.n {
		// a short buffer gets the mask of its tokens
		p := m.buffer()
		n := m.Mask(st, *p)
		copy(allowed, *p)
		for _, a := range (*p)[len(allowed):] {
			if a {
				n--
			}
		}
		m.pool.Put(p)
		return n
	}
	allowed = allowed[:m.n]
	clear(allowed)
	if !st.live {
		return 0
	}
	count := 0
	if st.extra == nil {
		count = m.maskThread(st, allowed, true)
	} else if !m.anyInString(st) {
		// one walk advancing all alternatives together
		count = walk(&m.full, 0, int32(len(m.full.nodes)), st, allowed)
	} else {
		var buf [8]State
		for i, s := range st.threads(buf[:0]) {
			m.maskThread(s, allowed, i == 0)
		}
		for _, a := range allowed {
			if a {
				count++
			}
		}
	}
	if st.Complete() {
		for _, id := range m.eog {
			if !allowed[id] {
				allowed[id] = true
				count++
			}
		}
	}
	return count
}

// inPlainString reports whether single-thread state st is inside a plain
// string at a character boundary (where Mask takes its fast path).
func inPlainString(st State) bool {
	f := st.t.top
	return f.n.kind == kString && f.n.format == fmtNone && f.st == sBody
}

func (m *Masker) anyInString(st State) bool {
	if inPlainString(State{t: st.t}) {
		return true
	}
	for _, t := range st.extra {
		if inPlainString(State{t: t}) {
			return true
		}
	}
	return false
}

// maskThread marks the tokens single-thread state st allows; fresh says
// allowed has no marks yet.
func (m *Masker) maskThread(st State, allowed []bool, fresh bool) int {
	if f := st.t.top; inPlainString(st) {
		// inside a plain string at a character boundary: every plain token
		// that fits the length limit, and the others by the trie
		k := len(m.plain)
		if f.n.maxLen >= 0 {
			room := f.n.maxLen - f.j
			k = sort.Search(len(m.plainN), func(i int) bool { return m.plainN[i] > room })
		}
		if fresh && k > len(m.plain)/2 {
			copy(allowed, m.plainMask)
			for _, id := range m.plain[k:] {
				allowed[id] = false
			}
		} else {
			for _, id := range m.plain[:k] {
				allowed[id] = true
			}
		}
		return k + walk(&m.spec, 0, int32(len(m.spec.nodes)), st, allowed)
	}
	return walk(&m.full, 0, int32(len(m.full.nodes)), st, allowed)
}

// walk marks the tokens of the sibling subtrees lo..hi reachable from st.
func walk(t *ptrie, lo, hi int32, st State, allowed []bool) int {
	count := 0
	for k := lo; k < hi; {
		nd := &t.nodes[k]
		if s2, ok := st.Advance(nd.label); ok {
			for _, id := range t.toks[nd.tokLo:nd.tokHi] {
				if !allowed[id] {
					allowed[id] = true
					count++
				}
			}
			if nd.end > k+1 {
				count += walk(t, k+1, nd.end, s2, allowed)
			}
		}
		k = nd.end
	}
	return count
}

// Apply sets the logits of the tokens that cannot come next in st to -Inf
// and returns the number of allowed tokens.
func (m *Masker) Apply(st State, logits []float32) int {
	p := m.buffer()
	allowed := *p
	count := m.Mask(st, allowed)
	ninf := float32(math.Inf(-1))
	for i := range logits {
		if i >= m.n || !allowed[i] {
			logits[i] = ninf
		}
	}
	m.pool.Put(p)
	return count
}

func (m *Masker) buffer() *[]bool {
	if p, _ := m.pool.Get().(*[]bool); p != nil {
		return p
	}
	b := make([]bool, m.n)
	return &b
}

// Advance moves st past token tok: its bytes, or for an end-of-generation
// token nothing, which is allowed only where st is complete.
func (m *Masker) Advance(st State, tok int) (State, error) {
	if tok < 0 || tok >= m.n {
		return State{}, fmt.Errorf("grammar: token %d out of range (vocabulary of %d)", tok, m.n)
	}
	if m.isEOG[tok] {
		if st.Complete() {
			return st, nil
		}
		return State{}, fmt.Errorf("grammar: end-of-generation token %d before the value is complete", tok)
	}
	p := m.pieces[tok]
	if len(p) == 0 {
		return State{}, fmt.Errorf("grammar: token %d has no bytes", tok)
	}
	if s2, ok := st.AdvanceBytes(p); ok {
		return s2, nil
	}
	if st.extra != nil {
		// Mask allows a token some single alternative accepts; with many
		// alternatives the joint state may have dropped that one
		var buf [8]State
		for _, s := range st.threads(buf[:0]) {
			if s2, ok := s.AdvanceBytes(p); ok {
				return s2, nil
			}
		}
	}
	return State{}, fmt.Errorf("grammar: token %d (%q) is not allowed here", tok, p)
}
