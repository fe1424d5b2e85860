package main

import (
	"context"
	"log/slog"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/docent-dev/docent/agent"
	"github.com/docent-dev/docent/agent/grounding"
	"github.com/docent-dev/docent/configs"
	"github.com/docent-dev/docent/ingest"
	"github.com/docent-dev/docent/ingest/chunk"
	"github.com/docent-dev/docent/ingest/loaders"
	"github.com/docent-dev/docent/llm"
	"github.com/docent-dev/docent/retrieval"
	"github.com/docent-dev/docent/tools"
)

// Global flags.
var (
	flagConfig  string
	flagDataDir string
	flagJSON    bool
)

func init() {
	pf := rootCmd.PersistentFlags()
	pf.StringVar(&flagConfig, "config", "", "config file (YAML) layered over configs/default.yaml")
	pf.StringVar(&flagDataDir, "data-dir", "", "data directory (overrides data_dir)")
	pf.BoolVar(&flagJSON, "json", false, "print JSON for scripts")
}

// app is the assembled application for one command.
type app struct {
	cfg      *configs.Config
	log      *slog.Logger
	store    retrieval.Store // embedded or qdrant (store.backend)
	pipeline *ingest.Pipeline
	agent    *agent.Agent
	tools    *tools.Registry
	models   []*llm.Model
}

func loadConfig(cmd *cobra.Command, overrides map[string]any) (*configs.Config, error) {
	if overrides == nil {
		overrides = map[string]any{}
	}
	if flagDataDir != "" {
		overrides["data_dir"] = flagDataDir
	}
	return configs.Load(flagConfig, overrides)
}

func newLogger(cfg *configs.Config) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.Log.Level)); err != nil {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	if strings.EqualFold(cfg.Log.Format, "json") {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}

func openApp(ctx context.Context, cfg *configs.Config, log *slog.Logger) (*app, error) {
	store, err := openStore(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	p := &ingest.Pipeline{
		Store: store,
		Limits: loaders.Limits{
			MaxBytes: cfg.Ingest.MaxFileBytes, MaxDecompressedBytes: cfg.Ingest.MaxDecompressedBytes, MaxPages: cfg.Ingest.MaxPages,
		},
		Chunking: chunk.Options{TargetChars: cfg.Chunking.TargetChars, OverlapChars: cfg.Chunking.OverlapChars, MinChars: cfg.Chunking.MinChars},
		Log:      log,
	}
	a := &agent.Agent{Store: store, Config: agent.Config{
		TopK: cfg.Agent.TopK, MinCoverage: cfg.Agent.MinCoverage, MaxSentences: cfg.Agent.MaxSentences,
		MaxSteps: cfg.Agent.MaxSteps, Grounding: grounding.Mode(cfg.Agent.Grounding),
	}}
	reg, err := buildTools(cfg, store, log)
	if err != nil {
		store.Close()
		return nil, err
	}
	a.Tools = reg // used once a generator is loaded
	return &app{cfg: cfg, log: log, store: store, pipeline: p, agent: a, tools: reg}, nil
}

// withApp loads config and opens the app for a CLI command (quiet logs
// unless the config asks for debug). Models are not loaded; commands that
// need them use withModels.
func withApp(cmd *cobra.Command, fn func(ctx context.Context, a *app) error) error {
	return openCLI(cmd, false, fn)
}

// withModels is withApp plus the configured generator and embedder.
func withModels(cmd *cobra.Command, fn func(ctx context.Context, a *app) error) error {
	return openCLI(cmd, true, fn)
}

func openCLI(cmd *cobra.Command, models bool, fn func(ctx context.Context, a *app) error) error {
	cfg, err := loadConfig(cmd, nil)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	if cfg.Log.Level == "debug" {
		log = newLogger(cfg)
	}
	a, err := openApp(cmd.Context(), cfg, log)
	if err != nil {
		return err
	}
	defer a.store.Close()
	a.pipeline.Log = nil
	if models {
		a.log = log
		if err := a.loadModels(); err != nil {
			return err
		}
		defer a.closeModels()
	}
	return fn(cmd.Context(), a)
}
