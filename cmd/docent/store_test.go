package main

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/docent-dev/docent/configs"
	"github.com/docent-dev/docent/retrieval/embedded"
	"github.com/docent-dev/docent/retrieval/qdrant"
)

func TestOpenStoreBackends(t *testing.T) {
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	cfg, err := configs.Load("", map[string]any{"data_dir": t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	s, err := openStore(ctx, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.(*embedded.Store); !ok {
		t.Fatalf("default backend = %T", s)
	}
	s.Close()

	// Qdrant: opening does not contact the server; Ping (readiness) does
	// and says what failed. Port 1 on loopback refuses connections.
	cfg, err = configs.Load("", map[string]any{"store.backend": "qdrant", "qdrant.host": "127.0.0.1", "qdrant.port": 1, "qdrant.retries": 0, "qdrant.timeout": "2s"})
	if err != nil {
		t.Fatal(err)
	}
	s, err = openStore(ctx, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, ok := s.(*qdrant.Store); !ok {
		t.Fatalf("qdrant backend = %T", s)
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := s.Ping(ctx); err == nil || !strings.Contains(err.Error(), "qdrant health check") {
		t.Fatalf("ping of an absent server: %v", err)
	}
}
