package tools

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/docent-dev/docent/retrieval"
)

func TestSearchDocuments(t *testing.T) {
	var got retrieval.Query
	upd := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	s := fakeSearcher{got: &got, hits: []retrieval.Hit{{
		Chunk:    retrieval.Chunk{ID: "doc1#3", DocumentID: "doc1", Text: "The warranty lasts 2 years.", Page: 4, Heading: []string{"Warranty"}},
		Document: retrieval.Document{ID: "doc1", Title: "Manual", Source: "manual.pdf", Version: 2, UpdatedAt: upd},
		Score:    1.5,
	}}}
	r := NewRegistry(discardLog(), 0)
	if err := r.Register(SearchDocuments{Store: s}); err != nil {
		t.Fatal(err)
	}
	out, err := r.Invoke(context.Background(), "search_documents", json.RawMessage(`{"query":"warranty","collection":"manuals","top_k":3}`))
	if err != nil {
		t.Fatal(err)
	}
	if got.Collection != "manuals" || got.Text != "warranty" || got.TopK != 3 {
		t.Fatalf("query %+v", got)
	}
	var res struct {
		Results []SearchResult
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatal(err)
	}
	want := SearchResult{ChunkID: "doc1#3", DocumentID: "doc1", Title: "Manual", Source: "manual.pdf", Page: 4, Heading: []string{"Warranty"},
		Version: 2, UpdatedAt: "2024-01-02T03:04:05Z", Score: 1.5, Text: "The warranty lasts 2 years."}
	if len(res.Results) != 1 || fmt.Sprint(res.Results[0]) != fmt.Sprint(want) {
		t.Fatalf("results %+v", res.Results)
	}
	// Defaults.
	if _, err := r.Invoke(context.Background(), "search_documents", json.RawMessage(`{"query":"x"}`)); err != nil {
		t.Fatal(err)
	}
	if got.Collection != retrieval.DefaultCollection || got.TopK != 5 {
		t.Fatalf("defaults %+v", got)
	}
	// 3.0 and 1e1 are integers to JSON Schema; the tool accepts them too.
	for a, want := range map[string]int{`{"query":"x","top_k":3.0}`: 3, `{"query":"x","top_k":1e1}`: 10} {
		if _, err := r.Invoke(context.Background(), "search_documents", json.RawMessage(a)); err != nil || got.TopK != want {
			t.Errorf("%s: %v, top_k %d", a, err, got.TopK)
		}
	}
	// Schema limits.
	var ae *ArgumentError
	for _, a := range []string{`{"query":"x","top_k":21}`, `{"query":"x","top_k":0}`, `{"query":""}`, `{}`, `{"query":"x","filters":[]}`} {
		if _, err := r.Invoke(context.Background(), "search_documents", json.RawMessage(a)); !errors.As(err, &ae) {
			t.Errorf("%s: %v, want ArgumentError", a, err)
		}
	}
	if _, err := r.Invoke(context.Background(), "search_documents", json.RawMessage(`{"query":"   "}`)); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("blank query: %v", err)
	}
}

func TestSearchDocumentsStoreErrors(t *testing.T) {
	r := NewRegistry(discardLog(), 0)
	r.Register(SearchDocuments{Store: fakeSearcher{err: fmt.Errorf("%w: bad collection", retrieval.ErrInvalid)}})
	if _, err := r.Invoke(context.Background(), "search_documents", json.RawMessage(`{"query":"x"}`)); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("invalid: %v", err)
	}
	r2 := NewRegistry(discardLog(), 0)
	boom := errors.New("disk on fire")
	r2.Register(SearchDocuments{Store: fakeSearcher{err: boom}})
	if _, err := r2.Invoke(context.Background(), "search_documents", json.RawMessage(`{"query":"x"}`)); !errors.Is(err, boom) {
		t.Errorf("store error: %v", err)
	}
}
