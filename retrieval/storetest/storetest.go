// Package storetest is the contract suite every retrieval.Store backend
// must pass. A backend's test calls Run with a constructor that returns an
// empty store.
package storetest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/docent-dev/docent/retrieval"
)

// NewStore returns a fresh, empty store; the suite closes it.
type NewStore func(t *testing.T) retrieval.Store

func hash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// Doc builds a document and its chunks from paragraphs of text.
func Doc(id, collection, title string, meta map[string]any, paras ...string) (retrieval.Document, []retrieval.Chunk) {
	d := retrieval.Document{ID: id, Collection: collection, Source: id + ".txt", Title: title, ContentHash: hash(strings.Join(paras, "\n\n")), Metadata: meta}
	var cs []retrieval.Chunk
	off := 0
	for i, p := range paras {
		cs = append(cs, retrieval.Chunk{Ordinal: i, Text: p, Start: off, End: off + len(p), Page: i + 1, Heading: []string{title}})
		off += len(p) + 2
	}
	return d, cs
}

func put(t *testing.T, s retrieval.Store, d retrieval.Document, cs []retrieval.Chunk) retrieval.PutResult {
	t.Helper()
	r, err := s.PutDocument(context.Background(), d, cs)
	if err != nil {
		t.Fatalf("PutDocument(%s): %v", d.ID, err)
	}
	return r
}

func search(t *testing.T, s retrieval.Store, q retrieval.Query) []retrieval.Hit {
	t.Helper()
	hits, err := s.Search(context.Background(), q)
	if err != nil {
		t.Fatalf("Search(%q): %v", q.Text, err)
	}
	return hits
}

// Run runs the whole contract.
func Run(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	open := func(t *testing.T) retrieval.Store {
		s := newStore(t)
		t.Cleanup(func() { s.Close() })
		return s
	}

	t.Run("PutGetSearch", func(t *testing.T) {
		s := open(t)
		d, cs := Doc("pump", "c1", "Zephyr pump manual", map[string]any{"lang": "en"},
			"The maintenance interval for the Zephyr pump is 450 hours.",
			"Always wear gloves when replacing the impeller.")
		r := put(t, s, d, cs)
		if r.Status != retrieval.StatusCreated || r.Document.Version != 1 || r.Document.ChunkCount != 2 {
			t.Fatalf("put result = %+v", r)
		}
		got, err := s.GetDocument(ctx, "pump")
		if err != nil {
			t.Fatal(err)
		}
		if got.Title != d.Title || got.Collection != "c1" || got.Version != 1 || got.ChunkCount != 2 || got.Metadata["lang"] != "en" {
			t.Fatalf("GetDocument = %+v", got)
		}
		if got.UpdatedAt.IsZero() || got.CreatedAt.IsZero() {
			t.Fatalf("timestamps missing: %+v", got)
		}
		hits := search(t, s, retrieval.Query{Collection: "c1", Text: "how often is the pump maintained?", TopK: 5})
		if len(hits) == 0 || hits[0].Chunk.Ordinal != 0 || hits[0].Document.ID != "pump" {
			t.Fatalf("search hits = %+v", hits)
		}
		if hits[0].Chunk.Page != 1 || !strings.Contains(hits[0].Chunk.Text, "450 hours") || hits[0].Document.Title != d.Title {
			t.Fatalf("hit payload = %+v", hits[0])
		}
		cs2, err := s.Chunks(ctx, "pump")
		if err != nil || len(cs2) != 2 || cs2[1].Text != cs[1].Text || cs2[1].Heading[0] != d.Title {
			t.Fatalf("Chunks = %+v, %v", cs2, err)
		}
		if _, err := s.GetDocument(ctx, "nope"); !errors.Is(err, retrieval.ErrNotFound) {
			t.Fatalf("missing document error = %v, want ErrNotFound", err)
		}
	})

	t.Run("Freshness", func(t *testing.T) {
		s := open(t)
		d, cs := Doc("pump", "c1", "Pump", nil, "The maintenance interval is 450 hours.")
		put(t, s, d, cs)
		if r := put(t, s, d, cs); r.Status != retrieval.StatusUnchanged || r.Document.Version != 1 {
			t.Fatalf("same bytes again: %+v", r)
		}
		d2, cs2 := Doc("pump", "c1", "Pump", nil, "The maintenance interval is 600 hours.")
		r := put(t, s, d2, cs2)
		if r.Status != retrieval.StatusUpdated || r.Document.Version != 2 {
			t.Fatalf("changed content: %+v", r)
		}
		hits := search(t, s, retrieval.Query{Collection: "c1", Text: "maintenance interval hours", TopK: 10})
		if len(hits) != 1 || !strings.Contains(hits[0].Chunk.Text, "600") || hits[0].Document.Version != 2 {
			t.Fatalf("after update hits = %+v", hits)
		}
		if hits := search(t, s, retrieval.Query{Collection: "c1", Text: "450", TopK: 10}); len(hits) != 0 {
			t.Fatalf("old version still searchable: %+v", hits)
		}
		// Same bytes under another id in the same collection: a duplicate.
		d3, cs3 := Doc("pump-copy", "c1", "Pump", nil, "The maintenance interval is 600 hours.")
		if r := put(t, s, d3, cs3); r.Status != retrieval.StatusDuplicate || r.Document.ID != "pump" {
			t.Fatalf("duplicate: %+v", r)
		}
		if _, err := s.GetDocument(ctx, "pump-copy"); !errors.Is(err, retrieval.ErrNotFound) {
			t.Fatalf("duplicate was stored: %v", err)
		}
		// ...but not across collections.
		d4, cs4 := Doc("pump-c2", "c2", "Pump", nil, "The maintenance interval is 600 hours.")
		if r := put(t, s, d4, cs4); r.Status != retrieval.StatusCreated {
			t.Fatalf("other collection: %+v", r)
		}
		// Moving an id to another collection is a conflict.
		d5, cs5 := Doc("pump", "c2", "Pump", nil, "Moved.")
		if _, err := s.PutDocument(ctx, d5, cs5); !errors.Is(err, retrieval.ErrConflict) {
			t.Fatalf("collection move error = %v, want ErrConflict", err)
		}
	})

	t.Run("Delete", func(t *testing.T) {
		s := open(t)
		d, cs := Doc("a", "c1", "A", nil, "Quokkas live on Rottnest Island.")
		put(t, s, d, cs)
		if err := s.DeleteDocument(ctx, "a"); err != nil {
			t.Fatal(err)
		}
		if hits := search(t, s, retrieval.Query{Collection: "c1", Text: "quokkas", TopK: 5}); len(hits) != 0 {
			t.Fatalf("deleted chunks still found: %+v", hits)
		}
		if _, err := s.GetDocument(ctx, "a"); !errors.Is(err, retrieval.ErrNotFound) {
			t.Fatalf("deleted doc: %v", err)
		}
		if _, err := s.Chunks(ctx, "a"); !errors.Is(err, retrieval.ErrNotFound) {
			t.Fatalf("deleted chunks: %v", err)
		}
		if err := s.DeleteDocument(ctx, "a"); !errors.Is(err, retrieval.ErrNotFound) {
			t.Fatalf("second delete = %v, want ErrNotFound", err)
		}
		// Re-adding the same content after delete creates it afresh.
		if r := put(t, s, d, cs); r.Status != retrieval.StatusCreated || r.Document.Version != 1 {
			t.Fatalf("re-add after delete: %+v", r)
		}
	})

	t.Run("ListAndCollections", func(t *testing.T) {
		s := open(t)
		for i := 0; i < 5; i++ {
			d, cs := Doc(fmt.Sprintf("d%d", i), "c1", "T", nil, fmt.Sprintf("document number %d about otters", i))
			put(t, s, d, cs)
		}
		d, cs := Doc("other", "c2", "T", nil, "a note about otters")
		put(t, s, d, cs)
		docs, total, err := s.ListDocuments(ctx, retrieval.ListOptions{Collection: "c1", Limit: 2, Offset: 2})
		if err != nil || total != 5 || len(docs) != 2 || docs[0].ID != "d2" || docs[1].ID != "d3" {
			t.Fatalf("list = %v total %d err %v", docs, total, err)
		}
		if _, total, _ := s.ListDocuments(ctx, retrieval.ListOptions{}); total != 6 {
			t.Fatalf("list all total = %d", total)
		}
		hits := search(t, s, retrieval.Query{Collection: "c2", Text: "otters", TopK: 10})
		if len(hits) != 1 || hits[0].Document.ID != "other" {
			t.Fatalf("collection isolation: %+v", hits)
		}
		if hits := search(t, s, retrieval.Query{Collection: "c1", Text: "the of and", TopK: 10}); len(hits) != 0 {
			t.Fatalf("stop-word query matched: %+v", hits)
		}
	})

	t.Run("Filters", func(t *testing.T) {
		s := open(t)
		for i, lang := range []string{"en", "de", "en"} {
			d, cs := Doc(fmt.Sprintf("f%d", i), "c1", "T", map[string]any{"lang": lang, "year": 2020 + i}, fmt.Sprintf("report %d on solar panels", i))
			put(t, s, d, cs)
		}
		ids := func(hits []retrieval.Hit) string {
			var out []string
			for _, h := range hits {
				out = append(out, h.Document.ID)
			}
			return strings.Join(sortStrings(out), ",")
		}
		q := retrieval.Query{Collection: "c1", Text: "solar", TopK: 10}
		q.Filters = []retrieval.Filter{{Key: "lang", Eq: "en"}}
		if got := ids(search(t, s, q)); got != "f0,f2" {
			t.Fatalf("eq filter: %s", got)
		}
		q.Filters = []retrieval.Filter{{Key: "year", Gte: 2021.0}}
		if got := ids(search(t, s, q)); got != "f1,f2" {
			t.Fatalf("range filter: %s", got)
		}
		q.Filters = []retrieval.Filter{{Key: "document_id", In: []any{"f0", "f1"}}}
		if got := ids(search(t, s, q)); got != "f0,f1" {
			t.Fatalf("in filter: %s", got)
		}
		q.Filters = []retrieval.Filter{{Key: "bad key;"}}
		if _, err := s.Search(ctx, q); !errors.Is(err, retrieval.ErrInvalid) {
			t.Fatalf("bad filter error = %v", err)
		}
	})

	t.Run("DenseAndHybrid", func(t *testing.T) {
		s := open(t)
		d, cs := Doc("v", "c1", "V", nil, "alpha text", "beta text", "gamma words")
		cs[0].Vector = []float32{1, 0, 0}
		cs[1].Vector = []float32{0, 1, 0}
		cs[2].Vector = []float32{0, 0.6, 0.8}
		put(t, s, d, cs)
		hits := search(t, s, retrieval.Query{Collection: "c1", Vector: []float32{0, 0.1, 1}, TopK: 2})
		if len(hits) != 2 || hits[0].Chunk.Ordinal != 2 || hits[1].Chunk.Ordinal != 1 {
			t.Fatalf("dense hits = %+v", hits)
		}
		hits = search(t, s, retrieval.Query{Collection: "c1", Text: "alpha", Vector: []float32{0, 0.1, 1}, TopK: 3})
		if len(hits) != 3 {
			t.Fatalf("hybrid hits = %+v", hits)
		}
		// alpha: rank 1 in BM25, rank 3 dense; gamma: rank 1 dense only.
		if hits[0].Chunk.Ordinal != 0 {
			t.Fatalf("hybrid order = %d %d %d", hits[0].Chunk.Ordinal, hits[1].Chunk.Ordinal, hits[2].Chunk.Ordinal)
		}
		if _, err := s.Search(ctx, retrieval.Query{Collection: "c1", Vector: []float32{1, 2}, TopK: 2}); !errors.Is(err, retrieval.ErrInvalid) {
			t.Fatalf("dimension mismatch error = %v", err)
		}
	})

	t.Run("AtomicReplaceUnderReads", func(t *testing.T) {
		s := open(t)
		mk := func(v int) (retrieval.Document, []retrieval.Chunk) {
			var paras []string
			for i := 0; i < 20; i++ {
				paras = append(paras, fmt.Sprintf("edition %d paragraph %d about the lighthouse keeper", v, i))
			}
			return Doc("book", "c1", "Book", nil, paras...)
		}
		d, cs := mk(0)
		put(t, s, d, cs)
		var wg sync.WaitGroup
		stop := make(chan struct{})
		errs := make(chan error, 4)
		for r := 0; r < 3; r++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					hits, err := s.Search(ctx, retrieval.Query{Collection: "c1", Text: "lighthouse keeper", TopK: 50})
					if err != nil {
						errs <- err
						return
					}
					if len(hits) != 20 {
						errs <- fmt.Errorf("reader saw %d chunks, want 20 (a mix or a gap)", len(hits))
						return
					}
					v := hits[0].Document.Version
					for _, h := range hits {
						if !strings.HasSuffix(strings.SplitN(h.Chunk.ID, ":v", 2)[0], "book") || h.Document.Version != v || !strings.Contains(h.Chunk.ID, fmt.Sprintf(":v%d:", v)) {
							errs <- fmt.Errorf("reader saw a mix of versions: %s vs v%d", h.Chunk.ID, v)
							return
						}
					}
				}
			}()
		}
		for v := 1; v <= 10; v++ {
			d, cs := mk(v)
			put(t, s, d, cs)
		}
		close(stop)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
	})
}

func sortStrings(s []string) []string {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	return s
}
