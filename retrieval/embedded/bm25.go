package embedded

import (
	"container/heap"
	"encoding/binary"
	"fmt"
	"math"
	"sync"

	"github.com/docent-dev/docent/retrieval"
)

// Why an in-memory index instead of FTS5's bm25(): measured on 100k
// synthetic chunks, FTS5 took ~780 ms to rank a 3-term query of common
// words (it scores every match through its generic auxiliary-function
// interface), against a 20 ms budget for a whole ask. This index keeps
// per-collection posting lists in memory (rebuilt at open from the
// analyzed term vectors stored with each chunk, so no text is re-analyzed),
// scores term-at-a-time into a pooled accumulator and selects the top k
// with a heap. SQLite stays the source of truth.

// BM25 parameters (the usual defaults, as in Lucene and FTS5).
const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

type posting struct {
	slot    uint32
	tfBody  uint16
	tfTitle uint16
}

type slot struct {
	rowid    int64 // 0 when deleted
	bodyLen  uint32
	titleLen uint32
	vec      []float32
}

// collIndex is the index of one collection.
type collIndex struct {
	slots    []slot
	byRow    map[int64]uint32
	post     map[uint32][]posting
	df       map[uint32]int32
	live     int
	dead     int
	sumBody  float64
	sumTitle float64
}

func newCollIndex() *collIndex {
	return &collIndex{byRow: map[int64]uint32{}, post: map[uint32][]posting{}, df: map[uint32]int32{}}
}

// termVector is a chunk's analyzed form, stored in chunks.terms.
type termVector struct {
	bodyLen, titleLen uint32
	body, title       []retrieval.TermFreq // sorted by id
}

func analyzeChunk(title, text string) termVector {
	var tv termVector
	var n int
	tv.body, n = retrieval.TermFrequencies(text)
	tv.bodyLen = uint32(n)
	tv.title, n = retrieval.TermFrequencies(title)
	tv.titleLen = uint32(n)
	return tv
}

// encode: uvarint bodyLen, titleLen, len(body), then (delta id, tf)...,
// len(title), then (delta id, tf)...
func (tv termVector) encode() []byte {
	b := make([]byte, 0, 8+6*(len(tv.body)+len(tv.title)))
	b = binary.AppendUvarint(b, uint64(tv.bodyLen))
	b = binary.AppendUvarint(b, uint64(tv.titleLen))
	for _, list := range [][]retrieval.TermFreq{tv.body, tv.title} {
		b = binary.AppendUvarint(b, uint64(len(list)))
		prev := uint32(0)
		for _, t := range list {
			b = binary.AppendUvarint(b, uint64(t.ID-prev))
			b = binary.AppendUvarint(b, uint64(t.TF))
			prev = t.ID
		}
	}
	return b
}

func decodeTermVector(b []byte) (termVector, error) {
	var tv termVector
	bad := fmt.Errorf("corrupt term vector")
	next := func() (uint64, bool) {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			return 0, false
		}
		b = b[n:]
		return v, true
	}
	bl, ok1 := next()
	tl, ok2 := next()
	if !ok1 || !ok2 {
		return tv, bad
	}
	tv.bodyLen, tv.titleLen = uint32(bl), uint32(tl)
	for i := 0; i < 2; i++ {
		n, ok := next()
		if !ok || n > uint64(len(b)) {
			return tv, bad
		}
		list := make([]retrieval.TermFreq, n)
		prev := uint32(0)
		for j := range list {
			d, ok1 := next()
			tf, ok2 := next()
			if !ok1 || !ok2 {
				return tv, bad
			}
			prev += uint32(d)
			list[j] = retrieval.TermFreq{ID: prev, TF: uint32(tf)}
		}
		if i == 0 {
			tv.body = list
		} else {
			tv.title = list
		}
	}
	return tv, nil
}

func clamp16(v uint32) uint16 {
	if v > math.MaxUint16 {
		return math.MaxUint16
	}
	return uint16(v)
}

// add indexes one chunk.
func (ix *collIndex) add(rowid int64, tv termVector, vec []float32) {
	id := uint32(len(ix.slots))
	ix.slots = append(ix.slots, slot{rowid: rowid, bodyLen: tv.bodyLen, titleLen: tv.titleLen, vec: vec})
	ix.byRow[rowid] = id
	ix.live++
	ix.sumBody += float64(tv.bodyLen)
	ix.sumTitle += float64(tv.titleLen)
	// merge body and title lists (both sorted by id)
	i, j := 0, 0
	for i < len(tv.body) || j < len(tv.title) {
		var p posting
		var term uint32
		switch {
		case j >= len(tv.title) || (i < len(tv.body) && tv.body[i].ID < tv.title[j].ID):
			term, p = tv.body[i].ID, posting{slot: id, tfBody: clamp16(tv.body[i].TF)}
			i++
		case i >= len(tv.body) || tv.title[j].ID < tv.body[i].ID:
			term, p = tv.title[j].ID, posting{slot: id, tfTitle: clamp16(tv.title[j].TF)}
			j++
		default:
			term, p = tv.body[i].ID, posting{slot: id, tfBody: clamp16(tv.body[i].TF), tfTitle: clamp16(tv.title[j].TF)}
			i++
			j++
		}
		ix.post[term] = append(ix.post[term], p)
		ix.df[term]++
	}
}

// remove unindexes a chunk (its postings stay until compaction, skipped
// because the slot is dead).
func (ix *collIndex) remove(rowid int64, tv termVector) {
	id, ok := ix.byRow[rowid]
	if !ok {
		return
	}
	delete(ix.byRow, rowid)
	s := &ix.slots[id]
	ix.sumBody -= float64(s.bodyLen)
	ix.sumTitle -= float64(s.titleLen)
	s.rowid, s.vec = 0, nil
	ix.live--
	ix.dead++
	seen := map[uint32]bool{}
	for _, list := range [][]retrieval.TermFreq{tv.body, tv.title} {
		for _, t := range list {
			if !seen[t.ID] {
				seen[t.ID] = true
				if ix.df[t.ID]--; ix.df[t.ID] <= 0 {
					delete(ix.df, t.ID)
				}
			}
		}
	}
	if ix.dead > 1024 && ix.dead > ix.live {
		ix.compact()
	}
}

// compact drops dead slots and their postings.
func (ix *collIndex) compact() {
	remap := make([]uint32, len(ix.slots))
	var slots []slot
	for i, s := range ix.slots {
		if s.rowid != 0 {
			remap[i] = uint32(len(slots))
			slots = append(slots, s)
		} else {
			remap[i] = math.MaxUint32
		}
	}
	for term, list := range ix.post {
		out := list[:0]
		for _, p := range list {
			if r := remap[p.slot]; r != math.MaxUint32 {
				p.slot = r
				out = append(out, p)
			}
		}
		if len(out) == 0 {
			delete(ix.post, term)
		} else {
			ix.post[term] = append([]posting(nil), out...)
		}
	}
	for row, id := range ix.byRow {
		ix.byRow[row] = remap[id]
	}
	ix.slots = slots
	ix.dead = 0
}

type scored struct {
	rowid int64
	score float64
}

// topK is a min-heap of the best k scores.
type topK []scored

func (h topK) Len() int { return len(h) }
func (h topK) Less(i, j int) bool {
	if h[i].score != h[j].score {
		return h[i].score < h[j].score
	}
	return h[i].rowid > h[j].rowid
}
func (h topK) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *topK) Push(x any)   { *h = append(*h, x.(scored)) }
func (h *topK) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

func (h *topK) offer(k int, s scored) {
	if h.Len() < k {
		heap.Push(h, s)
	} else if (*h)[0].score < s.score || ((*h)[0].score == s.score && (*h)[0].rowid > s.rowid) {
		(*h)[0] = s
		heap.Fix(h, 0)
	}
}

// sorted returns the heap's content best first.
func (h *topK) sorted() []scored {
	out := make([]scored, h.Len())
	for i := len(out) - 1; i >= 0; i-- {
		out[i] = heap.Pop(h).(scored)
	}
	return out
}

var accPool = sync.Pool{New: func() any { return new([]float64) }}

// bm25 scores the collection for the query terms (unique ids) and returns
// the best k. allowed, when non-nil, restricts results to those rowids.
func (ix *collIndex) bm25(terms []uint32, k int, titleWeight float64, allowed map[int64]bool) []scored {
	if ix.live == 0 || len(terms) == 0 {
		return nil
	}
	n := float64(ix.live)
	avgdl := (ix.sumBody + titleWeight*ix.sumTitle) / n
	if avgdl <= 0 {
		avgdl = 1
	}
	accp := accPool.Get().(*[]float64)
	defer accPool.Put(accp)
	if cap(*accp) < len(ix.slots) {
		*accp = make([]float64, len(ix.slots))
	}
	acc := (*accp)[:len(ix.slots)]
	var touched []uint32
	for _, t := range terms {
		df := float64(ix.df[t])
		if df == 0 {
			continue
		}
		idf := math.Log(1 + (n-df+0.5)/(df+0.5))
		for _, p := range ix.post[t] {
			s := &ix.slots[p.slot]
			if s.rowid == 0 {
				continue
			}
			tf := float64(p.tfBody) + titleWeight*float64(p.tfTitle)
			if tf == 0 {
				continue
			}
			dl := float64(s.bodyLen) + titleWeight*float64(s.titleLen)
			if acc[p.slot] == 0 {
				touched = append(touched, p.slot)
			}
			acc[p.slot] += idf * tf * (bm25K1 + 1) / (tf + bm25K1*(1-bm25B+bm25B*dl/avgdl))
		}
	}
	h := make(topK, 0, k)
	for _, id := range touched {
		row := ix.slots[id].rowid
		if allowed == nil || allowed[row] {
			h.offer(k, scored{row, acc[id]})
		}
		acc[id] = 0
	}
	return h.sorted()
}

// dense scans the collection's vectors (cosine) and returns the best k.
func (ix *collIndex) dense(q []float32, k int, allowed map[int64]bool) ([]scored, error) {
	qn := norm(q)
	h := make(topK, 0, k)
	for i := range ix.slots {
		s := &ix.slots[i]
		if s.rowid == 0 || s.vec == nil || (allowed != nil && !allowed[s.rowid]) {
			continue
		}
		if len(s.vec) != len(q) {
			return nil, fmt.Errorf("%w: query vector has %d dimensions, stored vectors have %d", retrieval.ErrInvalid, len(q), len(s.vec))
		}
		var dot, vn float64
		for j, x := range s.vec {
			dot += float64(q[j]) * float64(x)
			vn += float64(x) * float64(x)
		}
		c := 0.0
		if qn > 0 && vn > 0 {
			c = dot / (qn * math.Sqrt(vn))
		}
		h.offer(k, scored{s.rowid, c})
	}
	return h.sorted(), nil
}
