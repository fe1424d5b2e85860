package tokenizer

// bigramHeap is the priority queue of candidate merges shared by the BPE
// and SentencePiece tokenizers: a binary heap whose top is the element
// that comes before all others. Hand-written rather than container/heap
// so that push and pop stay allocation-free and free of interface calls.
type bigramHeap[T interface{ before(T) bool }] []T

func (h *bigramHeap[T]) push(b T) {
	*h = append(*h, b)
	s := *h
	i := len(s) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !s[i].before(s[p]) {
			break
		}
		s[i], s[p] = s[p], s[i]
		i = p
	}
}

func (h *bigramHeap[T]) pop() T {
	s := *h
	top := s[0]
	last := len(s) - 1
	s[0] = s[last]
	s = s[:last]
	i := 0
	for {
		l := 2*i + 1
		if l >= len(s) {
			break
		}
		c := l
		if r := l + 1; r < len(s) && s[r].before(s[l]) {
			c = r
		}
		if !s[c].before(s[i]) {
			break
		}
		s[i], s[c] = s[c], s[i]
		i = c
	}
	*h = s
	return top
}
