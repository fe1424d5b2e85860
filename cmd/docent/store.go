package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/docent-dev/docent/configs"
	"github.com/docent-dev/docent/retrieval"
	"github.com/docent-dev/docent/retrieval/embedded"
	"github.com/docent-dev/docent/retrieval/qdrant"
)

// openStore opens the configured backend: the embedded store in data_dir,
// or Qdrant (store.backend: qdrant; the qdrant section). Opening Qdrant
// does not contact the server; /readyz (Ping) does.
func openStore(ctx context.Context, cfg *configs.Config, log *slog.Logger) (retrieval.Store, error) {
	switch cfg.Store.Backend {
	case "qdrant":
		q := cfg.Qdrant
		retries := q.Retries
		if retries == 0 {
			retries = -1 // configured 0: no retries (the option's 0 means "default")
		}
		s, err := qdrant.Open(qdrant.Options{
			Host: q.Host, Port: q.Port, APIKey: q.APIKey, TLS: q.TLS,
			CollectionPrefix: q.CollectionPrefix,
			Timeout:          q.Timeout, Retries: retries, RetryBase: q.RetryBackoff, RetryMax: q.RetryMaxBackoff,
			VectorSize: q.VectorSize, Distance: q.Distance,
			TitleWeight: cfg.Store.TitleWeight, BM25AvgLen: q.BM25AvgLen,
			MetadataIndexes: q.MetadataIndexes,
			Log:             log,
		})
		if err != nil {
			return nil, fmt.Errorf("open qdrant store at %s:%d: %w", q.Host, q.Port, err)
		}
		return s, nil
	default:
		s, err := embedded.Open(ctx, cfg.DataDir, embedded.Options{TitleWeight: cfg.Store.TitleWeight})
		if err != nil {
			return nil, fmt.Errorf("open store in %s: %w", cfg.DataDir, err)
		}
		return s, nil
	}
}
