package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// runModelCmd runs the root command with args and returns its stdout.
func runModelCmd(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	rootCmd.SetOut(&out)
	rootCmd.SetArgs(args)
	defer func() { flagJSON = false; rootCmd.SetArgs(nil); rootCmd.SetOut(nil) }()
	err := rootCmd.Execute()
	return out.String(), err
}

func TestModelSynthAndInfo(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tiny.gguf")
	out, err := runModelCmd(t, "model", "synth", "llama-tiny", "-o", path, "--quant", "q8_0", "--seed", "3", "--json")
	if err != nil {
		t.Fatalf("synth: %v", err)
	}
	var s struct {
		Parameters uint64
		Tensors    int
	}
	if err := json.Unmarshal([]byte(out), &s); err != nil || s.Tensors != 21 {
		t.Fatalf("synth output %q: %v", out, err)
	}
	out, err = runModelCmd(t, "model", "info", path, "--json")
	if err != nil {
		t.Fatalf("info: %v", err)
	}
	var info modelInfo
	if err := json.Unmarshal([]byte(out), &info); err != nil {
		t.Fatal(err)
	}
	if info.Architecture != "llama" || info.Parameters != s.Parameters || info.TensorTypes["Q8_0"] != 16 ||
		info.TensorTypes["F32"] != 5 || info.VocabSize != 32000 || info.Tokenizer != "gpt2" || !info.ChatTemplate ||
		info.Layers != 2 || info.HeadsKV != 2 || info.ContextLength != 512 || info.FileType != "MOSTLY_Q8_0" {
		t.Errorf("info: %+v", info)
	}
	out, err = runModelCmd(t, "model", "info", path)
	if err != nil || !strings.Contains(out, "Q8_0 16") || !strings.Contains(out, "chat template") {
		t.Errorf("info text: %v\n%s", err, out)
	}
	if _, err := runModelCmd(t, "model", "synth", "no-such-preset", "-o", path); err == nil {
		t.Error("unknown preset accepted")
	}
	if _, err := runModelCmd(t, "model", "info", filepath.Join(t.TempDir(), "missing.gguf")); err == nil {
		t.Error("missing file accepted")
	}
}
