package main

import (
	"fmt"
	"time"

	"github.com/docent-dev/docent/agent"
	"github.com/docent-dev/docent/llm"
	"github.com/docent-dev/docent/llm/sample"
)

// loadModels loads the configured generator and embedder (if any) and
// plugs them into the agent and the ingestion pipeline. It logs progress:
// large files take a moment to map and check.
func (a *app) loadModels() error {
	cfg := a.cfg
	if p := cfg.Embedder.Model; p != "" {
		t0 := time.Now()
		a.log.Info("loading embedder", "model", p)
		m, err := llm.Load(p, llm.Options{Threads: cfg.Embedder.Threads})
		if err != nil {
			return fmt.Errorf("embedder: %w", err)
		}
		if m.Info().Kind != llm.KindEncoder {
			m.Close()
			return fmt.Errorf("embedder: %s is a %s model; embedder.model needs an encoder (bert)", p, m.Info().Kind)
		}
		a.models = append(a.models, m)
		a.pipeline.Embedder = m
		a.agent.Embedder = m
		a.log.Info("embedder ready", "model", m.Info().Name, "dim", m.Info().EmbeddingDim, "seconds", time.Since(t0).Seconds())
	}
	if p := cfg.Generator.Model; p != "" {
		t0 := time.Now()
		a.log.Info("loading generator", "model", p)
		m, err := llm.Load(p, llm.Options{Threads: cfg.Generator.Threads, Context: cfg.Generator.Context})
		if err != nil {
			return fmt.Errorf("generator: %w", err)
		}
		if m.Info().Kind != llm.KindDecoder {
			m.Close()
			return fmt.Errorf("generator: %s is a %s model; generator.model needs a decoder (llama, qwen2, qwen3)", p, m.Info().Kind)
		}
		a.models = append(a.models, m)
		g := cfg.Generator
		a.agent.Generator = agent.ModelGenerator{Model: m, Params: sample.Params{
			Temperature: float32(g.Temperature), TopK: g.TopK, TopP: float32(g.TopP), MinP: float32(g.MinP),
			RepeatPenalty: float32(g.RepeatPenalty), Seed: g.Seed, MaxTokens: g.MaxTokens,
		}}
		a.log.Info("generator ready", "model", m.Info().Name, "context", m.Info().ContextLength, "chat_template", m.Info().ChatTemplate, "seconds", time.Since(t0).Seconds())
	}
	return nil
}

func (a *app) closeModels() {
	for _, m := range a.models {
		m.Close()
	}
	a.models = nil
}
