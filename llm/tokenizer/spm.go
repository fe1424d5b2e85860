package tokenizer

import "container/heap"

// spmByteToken returns the token for a raw byte: "<0xXX>", else the byte as
// a one-byte token, else UNK (None when there is none).
func (t *Tokenizer) spmByteToken(b byte) int32 {
	const hex = "0123456789ABCDEF"
	name := string([]byte{'<', '0', 'x', hex[b>>4], hex[b&15], '>'})
	if id, ok := t.toID[name]; ok {
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

type spmQueue []spmBigram

func (q spmQueue) Len() int { return len(q) }
func (q spmQueue) Less(i, j int) bool {
	if q[i].score != q[j].score {
		return q[i].score > q[j].score
	}
	return q[i].left < q[j].left
}
func (q spmQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *spmQueue) Push(x any)   { *q = append(*q, x.(spmBigram)) }
func (q *spmQueue) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}

// spmEncode runs llama.cpp's SentencePiece-style tokenizer on text (spaces
// already escaped to U+2581): start from characters and repeatedly merge the
// adjacent pair whose concatenation is the highest-scoring token (leftmost
// first on ties); characters that end up in no token become byte tokens.
func (t *Tokenizer) spmEncode(out []int32, text []byte) []int32 {
	if len(text) == 0 {
		return out
	}
	syms := make([]spmSymbol, 0, len(text))
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
	q := make(spmQueue, 0, len(syms))
	tryAdd := func(l, r int32) {
		if l < 0 || r < 0 {
			return
		}
		s := text[syms[l].start : syms[r].start+syms[r].n]
		id, ok := t.toID[string(s)]
		if !ok {
			return
		}
		heap.Push(&q, spmBigram{left: l, right: r, score: t.scores[id], size: int32(len(s))})
	}
	for i := 1; i < len(syms); i++ {
		tryAdd(int32(i-1), int32(i))
	}
	for q.Len() > 0 {
		bg := heap.Pop(&q).(spmBigram)
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
	return out
}
