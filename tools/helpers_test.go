package tools

import (
	"context"
	"io"
	"log/slog"
	"net/url"
	"testing"

	"github.com/docent-dev/docent/retrieval"
)

func discardLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

type fakeSearcher struct {
	hits []retrieval.Hit
	err  error
	got  *retrieval.Query
}

func (f fakeSearcher) Search(_ context.Context, q retrieval.Query) ([]retrieval.Hit, error) {
	if f.got != nil {
		*f.got = q
	}
	return f.hits, f.err
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
