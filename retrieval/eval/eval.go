// Package eval measures retrieval quality on BEIR-format datasets
// (corpus.jsonl, queries.jsonl, qrels TSV): nDCG@10, Recall@100, MRR@10.
package eval

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
)

// CorpusDoc is one BEIR corpus entry.
type CorpusDoc struct {
	ID    string `json:"_id"`
	Title string `json:"title"`
	Text  string `json:"text"`
}

// Query is one BEIR query.
type Query struct {
	ID   string `json:"_id"`
	Text string `json:"text"`
}

// Qrels maps query id -> doc id -> graded relevance.
type Qrels map[string]map[string]int

// ReadCorpus reads corpus.jsonl.
func ReadCorpus(path string) ([]CorpusDoc, error) { return readJSONL[CorpusDoc](path) }

// ReadQueries reads queries.jsonl.
func ReadQueries(path string) ([]Query, error) { return readJSONL[Query](path) }

func readJSONL[T any](path string) ([]T, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []T
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var v T
		if err := json.Unmarshal([]byte(line), &v); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, n, err)
		}
		out = append(out, v)
	}
	return out, sc.Err()
}

// ReadQrels reads "query-id corpus-id score" (tab or space separated; an
// optional header line starting with "query-id" is skipped; a 4-column
// TREC form "qid 0 docid rel" is accepted too).
func ReadQrels(path string) (Qrels, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	q := Qrels{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 || fields[0] == "query-id" {
			continue
		}
		var qid, did, rel string
		switch len(fields) {
		case 3:
			qid, did, rel = fields[0], fields[1], fields[2]
		case 4:
			qid, did, rel = fields[0], fields[2], fields[3]
		default:
			return nil, fmt.Errorf("%s:%d: want 3 or 4 fields, got %d", path, n, len(fields))
		}
		r, err := strconv.Atoi(rel)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: relevance %q: %w", path, n, rel, err)
		}
		if q[qid] == nil {
			q[qid] = map[string]int{}
		}
		q[qid][did] = r
	}
	return q, sc.Err()
}

// Report holds mean metrics over the judged queries.
type Report struct {
	Queries   int     `json:"queries"`
	NDCG10    float64 `json:"ndcg@10"`
	Recall100 float64 `json:"recall@100"`
	MRR10     float64 `json:"mrr@10"`
}

// Score computes the metrics. ranked maps query id to doc ids, best first
// (duplicates are ignored after their first position). Queries in qrels
// without a ranking count as zero.
func Score(ranked map[string][]string, qrels Qrels) Report {
	var r Report
	for qid, rels := range qrels {
		positive := 0
		for _, g := range rels {
			if g > 0 {
				positive++
			}
		}
		if positive == 0 {
			continue
		}
		r.Queries++
		list := dedupe(ranked[qid])
		// nDCG@10 with gain = relevance (BEIR / pytrec_eval convention).
		var dcg float64
		for i := 0; i < len(list) && i < 10; i++ {
			dcg += float64(rels[list[i]]) / math.Log2(float64(i+2))
		}
		var ideal []int
		for _, g := range rels {
			if g > 0 {
				ideal = append(ideal, g)
			}
		}
		sort.Sort(sort.Reverse(sort.IntSlice(ideal)))
		var idcg float64
		for i := 0; i < len(ideal) && i < 10; i++ {
			idcg += float64(ideal[i]) / math.Log2(float64(i+2))
		}
		if idcg > 0 {
			r.NDCG10 += dcg / idcg
		}
		found := 0
		for i := 0; i < len(list) && i < 100; i++ {
			if rels[list[i]] > 0 {
				found++
			}
		}
		r.Recall100 += float64(found) / float64(positive)
		for i := 0; i < len(list) && i < 10; i++ {
			if rels[list[i]] > 0 {
				r.MRR10 += 1 / float64(i+1)
				break
			}
		}
	}
	if r.Queries > 0 {
		n := float64(r.Queries)
		r.NDCG10 /= n
		r.Recall100 /= n
		r.MRR10 /= n
	}
	return r
}

func dedupe(ids []string) []string {
	seen := map[string]bool{}
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
