package main

import (
	"encoding/json"
	"math"
	"path/filepath"
	"strings"
	"testing"
)

func TestModelEmbed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bert.gguf")
	if _, err := runModelCmd(t, "model", "synth", "bert-tiny", "-o", path, "--quant", "q8_0"); err != nil {
		t.Fatalf("synth: %v", err)
	}
	out, err := runModelCmd(t, "model", "embed", "-m", path, "--json", "--threads", "2", "--text", "parts and labour", "two years")
	if err != nil {
		t.Fatalf("embed: %v", err)
	}
	var got []embedJSON
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("embed --json output %q: %v", out, err)
	}
	if len(got) != 2 || got[0].Text != "parts and labour" || got[1].Text != "two years" {
		t.Fatalf("embed --json: %+v", got)
	}
	for _, e := range got {
		if len(e.Vector) != 256 || e.Tokens < 3 || math.Abs(embedL2Norm(e.Vector)-1) > 1e-4 {
			t.Errorf("%q: %d dims, %d tokens, norm %g", e.Text, len(e.Vector), e.Tokens, embedL2Norm(e.Vector))
		}
	}
	out, err = runModelCmd(t, "model", "embed", "-m", path, "--text", "hello")
	if err != nil || !strings.Contains(out, "256 dims") || !strings.Contains(out, "norm 1.0000") || !strings.Contains(out, "1 texts") {
		t.Errorf("embed: %v\n%s", err, out)
	}
	long := strings.Repeat("word ", 600)
	if _, err := runModelCmd(t, "model", "embed", "-m", path, "--text", long); err == nil || !strings.Contains(err.Error(), "limit 512") {
		t.Errorf("long text: err = %v", err)
	}
	if _, err := runModelCmd(t, "model", "embed", "-m", path); err == nil {
		t.Error("no texts accepted")
	}
	if _, err := runModelCmd(t, "model", "embed", "--text", "x"); err == nil {
		t.Error("missing --model accepted")
	}
}
