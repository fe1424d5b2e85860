package embedded

import (
	"context"
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
	df, total, err := s2.TermStats(ctx, retrieval.Analyze("walrus servers"))
	if err != nil || total != 1 || df["walrus"] != 1 || df["server"] != 1 {
		t.Fatalf("TermStats = %v %d %v", df, total, err)
	}
}
