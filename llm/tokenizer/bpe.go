package tokenizer

import (
	"strings"
	"sync"
)

// bpeModel holds byte-level BPE in the raw byte domain: token texts and
// merges are mapped back through the GPT-2 byte<->unicode table, so a word is
// processed as its bytes (one initial symbol per byte, exactly as llama.cpp's
// one symbol per encoded character).
type bpeModel struct {
	nTok    int32
	symID   map[string]int32 // raw bytes -> token id, or synthetic id >= nTok
	byteSym [256]int32       // symbol of each single byte (-1: none)
	merges  map[uint64]bpeMerge
	// fallback[b]: the tokens llama.cpp emits for byte b of a symbol that is
	// not a token (one per byte of b's encoded character that is a token).
	fallback [256][]int32
}

type bpeMerge struct {
	rank   int32
	result int32
}

func newBPEModel(tokens []string, toID map[string]int32, merges []string) *bpeModel {
	m := &bpeModel{
		nTok:   int32(len(tokens)),
		symID:  make(map[string]int32, len(tokens)+len(tokens)/8),
		merges: make(map[uint64]bpeMerge, len(merges)),
	}
	var buf []byte
	for i, s := range tokens {
		var ok bool
		buf, ok = appendFromByteLevel(buf[:0], s)
		if ok && len(buf) > 0 {
			if len(buf) == len(s) {
				m.symID[s] = int32(i) // ASCII: same bytes, no copy
			} else {
				m.symID[string(buf)] = int32(i)
			}
		}
	}
	next := m.nTok
	sym := func(raw []byte) int32 {
		if id, ok := m.symID[string(raw)]; ok {
			return id
		}
		id := next
		next++
		m.symID[string(raw)] = id
		return id
	}
	for i, w := range merges {
		if len(w) < 2 {
			continue
		}
		k := strings.IndexByte(w[1:], ' ')
		if k < 0 {
			continue
		}
		k++
		var okl, okr bool
		buf, okl = appendFromByteLevel(buf[:0], w[:k])
		nl := len(buf)
		buf, okr = appendFromByteLevel(buf, w[k+1:])
		if !okl || !okr || nl == 0 || len(buf) == nl {
			continue
		}
		li, ri := sym(buf[:nl]), sym(buf[nl:])
		key := uint64(uint32(li))<<32 | uint64(uint32(ri))
		if _, dup := m.merges[key]; dup {
			continue
		}
		m.merges[key] = bpeMerge{rank: int32(i), result: sym(buf)}
	}
	for b := 0; b < 256; b++ {
		if id, ok := m.symID[string([]byte{byte(b)})]; ok {
			m.byteSym[b] = id
		} else {
			m.byteSym[b] = -1
		}
		enc := string(byteToRune[b])
		for j := 0; j < len(enc); j++ {
			if id, ok := toID[enc[j:j+1]]; ok {
				m.fallback[b] = append(m.fallback[b], id)
			}
		}
	}
	return m
}

type bpeSym struct {
	prev, next int32
	id         int32
	n          int32
}

type bpeBigram struct {
	rank        int32
	left, right int32
	lid, rid    int32
	result      int32
}

// bpeHeap pops the lowest merge rank first, leftmost on ties.
type bpeHeap = bigramHeap[bpeBigram]

func (b bpeBigram) before(o bpeBigram) bool {
	if b.rank != o.rank {
		return b.rank < o.rank
	}
	return b.left < o.left
}

type bpeScratch struct {
	syms []bpeSym
	heap bpeHeap
	p    ptText
	offs []int32
	cur  []span
	tmp  []span
}

var bpeScratchPool = sync.Pool{New: func() any { return new(bpeScratch) }}

// bpeEncode pre-tokenizes text and runs BPE on every word.
func (t *Tokenizer) bpeEncode(out []int32, text string) []int32 {
	sc := bpeScratchPool.Get().(*bpeScratch)
	defer func() {
		if cap(sc.p.cps) <= 1<<22 { // do not keep huge buffers around (sync.Pool drops the rest at GC)
			bpeScratchPool.Put(sc)
		}
	}()
	norm, offs := decodeText(text, &sc.p, sc.offs)
	sc.offs = offs
	spans, tmp := t.pt.split(&sc.p, sc.cur, sc.tmp)
	sc.cur, sc.tmp = spans, tmp
	for _, sp := range spans {
		word := norm[offs[sp.s]:offs[sp.e]]
		out = t.bpeWord(out, word, sc)
	}
	return out
}

func (t *Tokenizer) bpeWord(out []int32, word string, sc *bpeScratch) []int32 {
	m := t.bpe
	if len(word) == 1 {
		if id := m.byteSym[word[0]]; id >= 0 && id < m.nTok {
			return append(out, id)
		}
	}
	if t.ignoreMerges {
		if id, ok := m.symID[word]; ok && id < m.nTok {
			return append(out, id)
		}
	}
	if ids, ok := t.cache.get(word); ok {
		return append(out, ids...)
	}
	start := len(out)
	syms := sc.syms[:0]
	for i := 0; i < len(word); i++ {
		next := int32(i + 1)
		if i+1 == len(word) {
			next = -1
		}
		syms = append(syms, bpeSym{prev: int32(i - 1), next: next, id: m.byteSym[word[i]], n: 1})
	}
	h := sc.heap[:0]
	add := func(l, r int32) {
		if l < 0 || r < 0 {
			return
		}
		li, ri := syms[l].id, syms[r].id
		if li < 0 || ri < 0 {
			return
		}
		mg, ok := m.merges[uint64(uint32(li))<<32|uint64(uint32(ri))]
		if !ok {
			return
		}
		h.push(bpeBigram{rank: mg.rank, left: l, right: r, lid: li, rid: ri, result: mg.result})
	}
	for i := 1; i < len(syms); i++ {
		add(int32(i-1), int32(i))
	}
	for len(h) > 0 {
		bg := h.pop()
		ls, rs := &syms[bg.left], &syms[bg.right]
		if ls.n == 0 || rs.n == 0 || ls.id != bg.lid || rs.id != bg.rid || ls.next != bg.right {
			continue
		}
		ls.n += rs.n
		ls.id = bg.result
		rs.n = 0
		ls.next = rs.next
		if rs.next >= 0 {
			syms[rs.next].prev = bg.left
		}
		add(ls.prev, bg.left)
		add(bg.left, ls.next)
	}
	off := 0
	for i := int32(0); i != -1; i = syms[i].next {
		s := syms[i]
		if s.id >= 0 && s.id < m.nTok {
			out = append(out, s.id)
		} else {
			for j := off; j < off+int(s.n); j++ {
				out = append(out, m.fallback[word[j]]...)
			}
		}
		off += int(s.n)
	}
	sc.syms = syms
	sc.heap = h
	t.cache.put(strings.Clone(word), append([]int32(nil), out[start:]...))
	return out
}
