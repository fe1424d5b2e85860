package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestIngestAskDocumentsCLI drives the service commands end to end on a
// scratch data dir: ingest the fixture folder, ask, list, show, delete.
func TestIngestAskDocumentsCLI(t *testing.T) {
	dir := t.TempDir()
	docs := t.TempDir()
	for _, f := range []string{"sample.pdf", "sample.md", "sample.txt"} {
		data, err := os.ReadFile(filepath.Join("../../testdata/docs", f))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(docs, f), data, 0o600)
	}
	os.WriteFile(filepath.Join(docs, ".hidden.txt"), []byte("secret hidden file"), 0o600)
	out, err := runCLI(t, "ingest", "--data-dir", dir, docs)
	if err != nil || !strings.Contains(out, "3 files: 3 created, 0 updated, 0 unchanged, 0 duplicate, 0 failed") {
		t.Fatalf("ingest: %v\n%s", err, out)
	}
	out, err = runCLI(t, "ingest", "--data-dir", dir, docs)
	if err != nil || !strings.Contains(out, "3 unchanged") {
		t.Fatalf("re-ingest: %v\n%s", err, out)
	}
	out, err = runCLI(t, "ask", "--data-dir", dir, "What is the maintenance interval for the Zephyr pump?")
	if err != nil || !strings.Contains(out, "450 hours. [1]") || !strings.Contains(out, "[1] Zephyr Pump Manual (sample.pdf, page 2; v1") {
		t.Fatalf("ask: %v\n%s", err, out)
	}
	out, err = runCLI(t, "ask", "--data-dir", dir, "--json", "Who won the 1998 world cup?")
	var ans struct {
		Answer  string
		Refused bool
	}
	if err != nil || json.Unmarshal([]byte(out), &ans) != nil || !ans.Refused {
		t.Fatalf("ask refusal: %v\n%s", err, out)
	}
	out, err = runCLI(t, "documents", "list", "--data-dir", dir, "--json")
	var list struct {
		Documents []struct{ ID, Source string }
		Total     int
	}
	if err != nil || json.Unmarshal([]byte(out), &list) != nil || list.Total != 3 {
		t.Fatalf("list: %v\n%s", err, out)
	}
	var pdfID string
	for _, d := range list.Documents {
		if d.Source == "sample.pdf" {
			pdfID = d.ID
		}
	}
	out, err = runCLI(t, "documents", "show", "--data-dir", dir, "--chunks", pdfID)
	if err != nil || !strings.Contains(out, "title:      Zephyr Pump Manual") || !strings.Contains(out, "450 hours") {
		t.Fatalf("show: %v\n%s", err, out)
	}
	if out, err = runCLI(t, "documents", "delete", "--data-dir", dir, pdfID); err != nil || !strings.Contains(out, "deleted "+pdfID) {
		t.Fatalf("delete: %v\n%s", err, out)
	}
	out, _ = runCLI(t, "ask", "--data-dir", dir, "What is the maintenance interval for the Zephyr pump?")
	if !strings.Contains(out, "Not found in the documents.") {
		t.Fatalf("after delete: %s", out)
	}
	if _, err = runCLI(t, "documents", "show", "--data-dir", dir, pdfID); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Fatalf("show deleted: %v", err)
	}
}

func TestEvalRetrievalCLI(t *testing.T) {
	dir := t.TempDir()
	w := func(name, s string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(s), 0o600)
		return p
	}
	corpus := w("corpus.jsonl", `{"_id":"d1","title":"Otters","text":"Sea otters hold hands while they sleep."}
{"_id":"d2","title":"Bees","text":"Honey bees communicate through a waggle dance."}
{"_id":"d3","title":"Ants","text":"Ants follow pheromone trails to food."}
`)
	queries := w("queries.jsonl", `{"_id":"q1","text":"how do bees communicate"}
{"_id":"q2","text":"otters sleeping"}
`)
	qrels := w("qrels.tsv", "query-id\tcorpus-id\tscore\nq1\td2\t1\nq2\td1\t1\n")
	out, err := runCLI(t, "eval", "retrieval", "--json", "--corpus", corpus, "--queries", queries, "--qrels", qrels)
	var rep struct {
		Queries int     `json:"queries"`
		NDCG    float64 `json:"ndcg@10"`
		MRR     float64 `json:"mrr@10"`
	}
	if err != nil || json.Unmarshal([]byte(out), &rep) != nil {
		t.Fatalf("eval: %v\n%s", err, out)
	}
	if rep.Queries != 2 || rep.NDCG != 1 || rep.MRR != 1 {
		t.Fatalf("eval report = %+v", rep)
	}
}
