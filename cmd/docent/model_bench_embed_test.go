package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestModelBenchEncoder: `model bench` on an encoder file reports embedding
// throughput (texts of exactly -p tokens).
func TestModelBenchEncoder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bert.gguf")
	if _, err := runModelCmd(t, "model", "synth", "bert-tiny", "-o", path, "--quant", "f16"); err != nil {
		t.Fatalf("synth: %v", err)
	}
	out, err := runModelCmd(t, "model", "bench", "--model", path, "-p", "32", "--texts", "5", "--batch", "2", "--threads", "2", "--reps", "1", "--json")
	if err != nil {
		t.Fatalf("bench: %v", err)
	}
	var res struct {
		Arch      string  `json:"architecture"`
		Rate      float64 `json:"embed_tokens_per_s"`
		CPURate   float64 `json:"embed_tokens_per_cpu_s"`
		PerText   float64 `json:"tokens_per_text"`
		Texts     int     `json:"texts"`
		PerCall   int     `json:"texts_per_call"`
		Threads   int     `json:"threads"`
		PeakBytes int64   `json:"peak_rss_bytes"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || res.Arch != "bert" || res.Rate <= 0 || res.CPURate <= 0 ||
		res.PerText != 32 || res.Texts != 5 || res.PerCall != 2 || res.Threads != 2 || res.PeakBytes <= 0 {
		t.Fatalf("bench output %q: %v", out, err)
	}
	out, err = runModelCmd(t, "model", "bench", "--model", path, "-p", "16", "--texts", "2", "--threads", "1")
	if err != nil || !strings.Contains(out, "2 texts of 16 tokens, 1 per call") || !strings.Contains(out, "tokens/s") {
		t.Fatalf("bench: %v\n%s", err, out)
	}
}
