package retrieval

import "sort"

// DefaultRRFK matches Qdrant's server-side RRF: a point scores
// sum over lists of 1/(rank0 + 2), rank0 being its 0-based position,
// i.e. 1/(k + rank1) with k = 1.
const DefaultRRFK = 1

// FuseRRF merges ranked lists of hits by reciprocal rank fusion with
// constant k (score = sum 1/(k + rank), rank 1-based). Hits are identified
// by chunk id; the first occurrence supplies the payload.
func FuseRRF(k int, lists ...[]Hit) []Hit {
	if k <= 0 {
		k = DefaultRRFK
	}
	score := map[string]float64{}
	first := map[string]Hit{}
	var order []string
	for _, l := range lists {
		for i, h := range l {
			id := h.Chunk.ID
			if _, ok := first[id]; !ok {
				first[id] = h
				order = append(order, id)
			}
			score[id] += 1 / float64(k+i+1)
		}
	}
	out := make([]Hit, 0, len(order))
	for _, id := range order {
		h := first[id]
		h.Score = score[id]
		out = append(out, h)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Score > out[j].Score })
	return out
}
