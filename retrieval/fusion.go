package retrieval

import "sort"

// DefaultRRFK matches Qdrant's server-side RRF: a point scores
// sum over lists of 1/(rank0 + 2), rank0 being its 0-based position,
// i.e. 1/(k + rank1) with k = 1.
const DefaultRRFK = 1

// RRF fuses ranked lists of keys by reciprocal rank fusion with constant k
// (score = sum over lists of 1/(k + rank), rank 1-based) and returns the
// keys best first (ties keep first-seen order) with their scores.
func RRF[K comparable](k int, lists ...[]K) ([]K, map[K]float64) {
	if k <= 0 {
		k = DefaultRRFK
	}
	score := map[K]float64{}
	var order []K
	for _, l := range lists {
		for i, key := range l {
			if _, ok := score[key]; !ok {
				order = append(order, key)
			}
			score[key] += 1 / float64(k+i+1)
		}
	}
	sort.SliceStable(order, func(i, j int) bool { return score[order[i]] > score[order[j]] })
	return order, score
}

// FuseRRF fuses ranked lists of hits (identified by chunk id; the first
// occurrence supplies the payload) with RRF; Score becomes the fused score.
func FuseRRF(k int, lists ...[]Hit) []Hit {
	ids := make([][]string, len(lists))
	first := map[string]Hit{}
	for i, l := range lists {
		for _, h := range l {
			ids[i] = append(ids[i], h.Chunk.ID)
			if _, ok := first[h.Chunk.ID]; !ok {
				first[h.Chunk.ID] = h
			}
		}
	}
	order, score := RRF(k, ids...)
	out := make([]Hit, len(order))
	for i, id := range order {
		out[i] = first[id]
		out[i].Score = score[id]
	}
	return out
}
