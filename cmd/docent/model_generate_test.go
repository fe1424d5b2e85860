package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestModelGeneratePerplexityBench runs the decoder commands on a synth
// model (random weights, so only the shape of the output is checked).
func TestModelGeneratePerplexityBench(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "tiny.gguf")
	if _, err := runModelCmd(t, "model", "synth", "qwen2-tiny", "-o", path, "--quant", "q8_0", "--seed", "5"); err != nil {
		t.Fatalf("synth: %v", err)
	}
	gen := func(extra ...string) string {
		args := append([]string{"model", "generate", "--model", path, "--prompt", "Hello world", "-n", "8", "--threads", "2",
			"--temp", "0", "--seed", "1", "--top-k", "40", "--top-p", "0.95", "--min-p", "0.05", "--repeat-penalty", "1"}, extra...)
		out, err := runModelCmd(t, args...)
		if err != nil {
			t.Fatalf("generate: %v", err)
		}
		return out
	}
	a, b := gen(), gen()
	if a != b || !strings.HasPrefix(a, "Hello world") || !strings.HasSuffix(a, "\n") || len(a) <= len("Hello world\n") {
		t.Fatalf("greedy generate: %q then %q", a, b)
	}
	c, d := gen("--temp", "0.8", "--seed", "7"), gen("--temp", "0.8", "--seed", "7")
	if c != d {
		t.Fatalf("same seed, different text: %q vs %q", c, d)
	}
	if _, err := runModelCmd(t, "model", "generate", "--model", path, "--prompt", "x", "-n", "100000", "--temp", "0", "--ctx", "0"); err == nil {
		t.Error("generation past the context accepted")
	}

	text := filepath.Join(dir, "text.txt")
	if err := os.WriteFile(text, []byte(strings.Repeat("the quick brown fox jumps over the lazy dog. ", 8)), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := runModelCmd(t, "model", "perplexity", "--model", path, "--file", text, "--ctx", "32", "--threads", "2")
	if err != nil || !strings.HasPrefix(out, "PPL = ") {
		t.Fatalf("perplexity: %q, %v", out, err)
	}

	out, err = runModelCmd(t, "model", "bench", "--model", path, "-p", "8", "-n", "4", "--threads", "2", "--reps", "1", "--json")
	if err != nil {
		t.Fatalf("bench: %v", err)
	}
	var res struct {
		Prefill float64 `json:"prefill_tokens_per_s"`
		Decode  float64 `json:"decode_tokens_per_s"`
		RSS     int64   `json:"peak_rss_bytes"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || res.Prefill <= 0 || res.Decode <= 0 || res.RSS <= 0 {
		t.Fatalf("bench output %q: %v", out, err)
	}
}
