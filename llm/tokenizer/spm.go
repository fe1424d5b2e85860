package tokenizer

import (
	"strings"
	"sync"
)

// spmByteToken returns the token for a raw byte: "<0xXX>", else the byte as
// a one-byte token, else UNK (None when there is none).
func (t *Tokenizer) spmByteToken(b byte) int32 {
	const hex = "0123456789ABCDEF"
	name := []byte{'<', '0', 'x', hex[b>>4], hex[b&15], '>'}
	if id, ok := t.toID[string(name)]; ok {
		return id
	}
	if id, ok := t.toID[string([]byte{b})]; ok {
		return id
	}
	return t.special.UNK
}

type spmSymbol struct {
	prev, next int32
	start, n   int32 // byte span in the text
}

type spmBigram struct {
	left, right int32
	score       float32
	size        int32
}

// spmHeap pops the highest score first, leftmost on ties.
type spmHeap = bigramHeap[spmBigram]

func (b spmBigram) before(o spmBigram) bool {
	if b.score != o.score {
		return b.score > o.score
	}
	return b.left < o.left
}

type spmScratch struct {
	syms []spmSymbol
	heap spmHeap
}

var spmScratchPool = sync.Pool{New: func() any { return new(spmScratch) }}

const spaceMarker = "\u2581"

// spmEncode runs llama.cpp's SentencePiece-style tokenizer on text (spaces
// already escaped to U+2581): start from characters and repeatedly merge the
// adjacent pair whose concatenation is the highest-scoring token (leftmost
// first on ties); characters that end up in no token become byte tokens.
//
// When no token has a U+2581 right after another character (t.spmSplit),
// no merge can cross the start of a run of U+2581, so the text is processed
// segment by segment (with the same result) and segments are cached.
func (t *Tokenizer) spmEncode(out []int32, text []byte) []int32 {
	if len(text) == 0 {
		return out
	}
	if !t.spmSplit {
		return t.spmSegment(out, text)
	}
	segStart := 0
	prevMarker := false
	for off := 0; off < len(text); {
		n := min(utf8Len(text[off]), len(text)-off)
		marker := n == 3 && text[off] == 0xe2 && text[off+1] == 0x96 && text[off+2] == 0x81
		if marker && !prevMarker && off > segStart {
			out = t.spmCached(out, text[segStart:off])
			segStart = off
		}
		prevMarker = marker
		off += n
	}
	return t.spmCached(out, text[segStart:])
}

func (t *Tokenizer) spmCached(out []int32, seg []byte) []int32 {
	if len(seg) > 64 {
		return t.spmSegment(out, seg)
	}
	if ids, ok := t.cache.getBytes(seg); ok {
		return append(out, ids...)
	}
	start := len(out)
	out = t.spmSegment(out, seg)
	t.cache.put(string(seg), append([]int32(nil), out[start:]...))
	return out
}

func (t *Tokenizer) spmSegment(out []int32, text []byte) []int32 {
	sc := spmScratchPool.Get().(*spmScratch)
	defer spmScratchPool.Put(sc)
	syms := sc.syms[:0]
	for off := 0; off < len(text); {
		n := min(utf8Len(text[off]), len(text)-off)
		idx := int32(len(syms))
		next := idx + 1
		if off+n == len(text) {
			next = -1
		}
		syms = append(syms, spmSymbol{prev: idx - 1, next: next, start: int32(off), n: int32(n)})
		off += n
	}
	q := sc.heap[:0]
	tryAdd := func(l, r int32) {
		if l < 0 || r < 0 {
			return
		}
		s := text[syms[l].start : syms[r].start+syms[r].n]
		id, ok := t.toID[string(s)]
		if !ok {
			return
		}
		q.push(spmBigram{left: l, right: r, score: t.scores[id], size: int32(len(s))})
	}
	for i := 1; i < len(syms); i++ {
		tryAdd(int32(i-1), int32(i))
	}
	for len(q) > 0 {
		bg := q.pop()
		ls, rs := &syms[bg.left], &syms[bg.right]
		if ls.n == 0 || rs.n == 0 || ls.n+rs.n != bg.size {
			continue
		}
		ls.n += rs.n
		rs.n = 0
		ls.next = rs.next
		if rs.next >= 0 {
			syms[rs.next].prev = bg.left
		}
		tryAdd(ls.prev, bg.left)
		tryAdd(bg.left, ls.next)
	}
	for i := int32(0); i != -1; i = syms[i].next {
		s := text[syms[i].start : syms[i].start+syms[i].n]
		if id, ok := t.toID[string(s)]; ok {
			out = append(out, id)
			continue
		}
		for _, b := range s {
			if id := t.byteTok[b]; id != None {
				out = append(out, id)
			}
		}
	}
	sc.syms = syms
	sc.heap = q
	return out
}

// spmSplittable reports whether no token contains U+2581 right after a
// character other than U+2581.
func spmSplittable(tokens []string) bool {
	for _, s := range tokens {
		for i := 1; i < len(s); i++ {
			k := strings.Index(s[i:], spaceMarker)
			if k < 0 {
				break
			}
			i += k
			if !strings.HasSuffix(s[:i], spaceMarker) {
				return false
			}
		}
	}
	return true
}
