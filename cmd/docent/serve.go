package main

import (
	"errors"
	"fmt"
	"os/signal"
	"sync/atomic"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/docent-dev/docent/ingest"
	"github.com/docent-dev/docent/ingest/loaders"
	"github.com/docent-dev/docent/server"
)

var serveCmd = &cobra.Command{
	Use:   "serve",
	Short: "Run the HTTP API (and web UI) on the configured address",
	Args:  cobra.NoArgs,
	RunE: func(cmd *cobra.Command, _ []string) error {
		overrides := map[string]any{}
		if v, _ := cmd.Flags().GetString("addr"); v != "" {
			overrides["server.addr"] = v
		}
		cfg, err := loadConfig(cmd, overrides)
		if err != nil {
			return err
		}
		log := newLogger(cfg)
		ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
		defer stop()
		a, err := openApp(ctx, cfg, log)
		if err != nil {
			return err
		}
		defer a.store.Close()
		// Models load in the background: /healthz answers at once, /readyz
		// and the endpoints that need models answer 503 until they are in.
		var ready atomic.Pointer[error]
		loading := errors.New("models are loading")
		ready.Store(&loading)
		genName := atomic.Pointer[string]{}
		go func() {
			err := a.loadModels()
			if err != nil {
				log.Error("model loading failed", "err", err)
				err = fmt.Errorf("model loading failed: %w", err)
			} else if a.agent.Generator != nil {
				n := a.agent.Generator.Name()
				genName.Store(&n)
			}
			ready.Store(&err)
		}()
		defer a.closeModels()
		// Compile the PDF engine now (seconds on a cold cache) rather than
		// on the first upload.
		go func() { _, _ = loaders.WarmPDF() }()
		srv := server.New(&server.Server{
			Ready: func() error { return *ready.Load() },
			GeneratorName: func() string {
				if n := genName.Load(); n != nil {
					return *n
				}
				return ""
			},
			Store: a.store, Pipeline: a.pipeline, Agent: a.agent, Tools: a.tools, Log: log,
			Jobs: &ingest.Jobs{Pipeline: a.pipeline},
			Opt: server.Options{
				APIKeys: cfg.Server.APIKeys, MaxBodyBytes: cfg.Server.MaxBodyBytes, MaxInFlight: cfg.Server.MaxInFlight,
				RequestTimeout: cfg.Server.RequestTimeout, AsyncThresholdBytes: cfg.Server.AsyncThresholdBytes,
			},
		})
		log.Info("docent starting", "data_dir", cfg.DataDir, "store", cfg.Store.Backend,
			"generator", orDefault(cfg.Generator.Model, "extractive"), "embedder", orDefault(cfg.Embedder.Model, "none (BM25 only)"))
		return srv.Run(ctx, cfg.Server.Addr, cfg.Server.ShutdownTimeout)
	},
}

func init() {
	serveCmd.Flags().String("addr", "", "listen address (overrides server.addr, default 127.0.0.1:8080)")
	rootCmd.AddCommand(serveCmd)
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
