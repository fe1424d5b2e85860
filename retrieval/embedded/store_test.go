package embedded

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/docent-dev/docent/retrieval"
	"github.com/docent-dev/docent/retrieval/storetest"
)

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) retrieval.Store {
		s, err := Open(context.Background(), t.TempDir(), DefaultOptions())
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func TestPersistence(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, dir, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	d, cs := storetest.Doc("p", "default", "P", nil, "Persistence survives restarts of the walrus server.")
	if _, err := s.PutDocument(ctx, d, cs); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s2, err := Open(ctx, dir, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	hits, err := s2.Search(ctx, retrieval.Query{Text: "walrus", TopK: 3})
	if err != nil || len(hits) != 1 || hits[0].Document.ID != "p" {
		t.Fatalf("after reopen: %+v %v", hits, err)
	}
	df, total, err := s2.TermStats(ctx, "default", retrieval.Analyze("walrus servers"))
	if err != nil || total != 1 || df["walrus"] != 1 || df["server"] != 1 {
		t.Fatalf("TermStats = %v %d %v", df, total, err)
	}
}

// TestIndexCompactionAndReload replaces a large document until the
// in-memory index compacts, then checks results match a freshly loaded
// index.
func TestIndexCompactionAndReload(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, dir, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	syn := storetest.NewSynthetic(1, 2000)
	for v := 0; v < 3; v++ {
		d, cs := syn.Document("big", "default", 1200, 200)
		if _, err := s.PutDocument(ctx, d, cs); err != nil {
			t.Fatal(err)
		}
		d2, cs2 := syn.Document(fmt.Sprintf("small%d", v), "default", 3, 200)
		if _, err := s.PutDocument(ctx, d2, cs2); err != nil {
			t.Fatal(err)
		}
	}
	ix := s.colls["default"]
	if ix.live != 1209 || ix.dead > ix.live {
		t.Fatalf("live %d dead %d: compaction did not run", ix.live, ix.dead)
	}
	q := retrieval.Query{Text: syn.Question(syn.Sentence(10), 3), TopK: 20}
	before, err := s.Search(ctx, q)
	if err != nil || len(before) == 0 {
		t.Fatalf("search: %v %d", err, len(before))
	}
	s.Close()
	s2, err := Open(ctx, dir, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	after, err := s2.Search(ctx, q)
	if err != nil || len(after) != len(before) {
		t.Fatalf("after reload: %v %d vs %d", err, len(after), len(before))
	}
	for i := range before {
		if before[i].Chunk.ID != after[i].Chunk.ID || math.Abs(before[i].Score-after[i].Score) > 1e-9 {
			t.Fatalf("rank %d: %s %.6f vs %s %.6f", i, before[i].Chunk.ID, before[i].Score, after[i].Chunk.ID, after[i].Score)
		}
	}
}

func TestTermVectorRoundTrip(t *testing.T) {
	tv := analyzeChunk("Zephyr manual\nMaintenance", "The pump pumps water; the pump is blue.")
	got, err := decodeTermVector(tv.encode())
	if err != nil || got.bodyLen != tv.bodyLen || got.titleLen != tv.titleLen || len(got.body) != len(tv.body) || len(got.title) != len(tv.title) {
		t.Fatalf("round trip: %+v vs %+v (%v)", got, tv, err)
	}
	for i := range tv.body {
		if got.body[i] != tv.body[i] {
			t.Fatalf("body[%d] = %v, want %v", i, got.body[i], tv.body[i])
		}
	}
	if _, err := decodeTermVector([]byte{0xff}); err == nil {
		t.Fatal("corrupt vector accepted")
	}
}
