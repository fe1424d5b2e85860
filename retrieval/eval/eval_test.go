package eval

import (
	"math"
	"testing"
)

func TestScore(t *testing.T) {
	qrels := Qrels{"q1": {"a": 1, "b": 1}, "q2": {"c": 2}, "q3": {"x": 0}}
	ranked := map[string][]string{"q1": {"b", "z", "a"}, "q2": {"z", "z", "c"}}
	r := Score(ranked, qrels)
	if r.Queries != 2 {
		t.Fatalf("queries = %d", r.Queries)
	}
	// q1: dcg = 1 + 1/log2(4) = 1.5; idcg = 1 + 1/log2(3).
	q1 := 1.5 / (1 + 1/math.Log2(3))
	// q2 (duplicates dropped -> c at rank 2): dcg = 2/log2(3); idcg = 2.
	q2 := (2 / math.Log2(3)) / 2
	if math.Abs(r.NDCG10-(q1+q2)/2) > 1e-12 {
		t.Fatalf("ndcg = %v, want %v", r.NDCG10, (q1+q2)/2)
	}
	if r.Recall100 != 1 || math.Abs(r.MRR10-(1+0.5)/2) > 1e-12 {
		t.Fatalf("recall %v mrr %v", r.Recall100, r.MRR10)
	}
}
