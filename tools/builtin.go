package tools

import (
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Config assembles a registry with the built-in tools and the declared
// HTTP tools.
type Config struct {
	Timeout    time.Duration    // default per-call limit; 0: DefaultTimeout
	Store      Searcher         // search_documents is registered when set
	SearchTopK int              // search_documents' default top_k
	Now        func() time.Time // current_datetime's clock; nil: time.Now
	HTTPGet    HTTPGetConfig    // http_get is registered when Allow is not empty
	HTTP       []HTTPToolConfig // declared tools
}

// NewDefault builds a registry holding search_documents (with a store),
// calculator, current_datetime, http_get (with an allowlist) and the
// declared HTTP tools.
func NewDefault(log *slog.Logger, cfg Config) (*Registry, error) {
	r := NewRegistry(log, cfg.Timeout)
	list := []Tool{Calculator{}, Datetime{Now: cfg.Now}}
	if cfg.Store != nil {
		list = append(list, SearchDocuments{Store: cfg.Store, DefaultTopK: cfg.SearchTopK})
	}
	hg, err := NewHTTPGet(cfg.HTTPGet)
	switch {
	case err == nil:
		list = append(list, hg)
	case errors.Is(err, ErrDisabled):
		r.Disable("http_get", "no hosts are allowed; set tools.http_get.allow in the config (or DOCENT_TOOLS_HTTP_GET_ALLOW)")
	default:
		return nil, err
	}
	for _, hc := range cfg.HTTP {
		t, err := NewHTTPTool(hc)
		if err != nil {
			return nil, err
		}
		list = append(list, t)
	}
	for _, t := range list {
		if err := r.Register(t); err != nil {
			return nil, fmt.Errorf("tools: %w", err)
		}
	}
	return r, nil
}
