package llm

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tmc/langchaingo/llms"

	"github.com/docent-dev/docent/llm/chat"
	"github.com/docent-dev/docent/llm/sample"
	"github.com/docent-dev/docent/llm/synth"
)

func synthModel(t *testing.T, preset, quant string) string {
	t.Helper()
	p, err := synth.Lookup(preset)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), preset+".gguf")
	if _, err := synth.WriteFile(path, p, synth.Options{Quant: quant, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestGenerateAndStream(t *testing.T) {
	m, err := Load(synthModel(t, "llama-tiny", "q8_0"), Options{Threads: 2, Context: 256})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if i := m.Info(); i.Kind != KindDecoder || i.ContextLength != 256 || i.Architecture != "llama" {
		t.Fatalf("info = %+v", i)
	}
	var streamed strings.Builder
	req := Request{Prompt: "Once upon a time", Sampling: sample.Params{MaxTokens: 12},
		OnToken: func(s string) error { streamed.WriteString(s); return nil }}
	r1, err := m.Generate(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if r1.CompletionTokens == 0 || r1.Text != streamed.String() || r1.PromptTokens == 0 {
		t.Fatalf("result %+v, streamed %q", r1, streamed.String())
	}
	// Greedy is deterministic, and so is seeded sampling.
	req.OnToken = nil
	r2, _ := m.Generate(context.Background(), req)
	if r2.Text != r1.Text {
		t.Fatalf("greedy not repeatable: %q vs %q", r1.Text, r2.Text)
	}
	req.Sampling = sample.Params{Temperature: 0.9, TopK: 40, Seed: 42, MaxTokens: 12}
	a, _ := m.Generate(context.Background(), req)
	b, _ := m.Generate(context.Background(), req)
	if a.Text != b.Text {
		t.Fatalf("seeded sampling not repeatable")
	}
	// Chat messages go through the template (ChatML for synth files).
	r3, err := m.Generate(context.Background(), Request{Messages: []chat.Message{{Role: "user", Content: "hi"}}, Sampling: sample.Params{MaxTokens: 4}})
	if err != nil || r3.PromptTokens < 3 {
		t.Fatalf("chat generate: %+v %v", r3, err)
	}
	// Cancellation and context limits.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := m.Generate(ctx, Request{Prompt: "x"}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
	if _, err := m.Generate(context.Background(), Request{Prompt: strings.Repeat("word ", 400)}); err == nil || !strings.Contains(err.Error(), "context holds 256") {
		t.Fatalf("too long prompt: %v", err)
	}
	if _, err := m.Embed(context.Background(), []string{"x"}); !errors.Is(err, ErrWrongKind) {
		t.Fatalf("embed on decoder: %v", err)
	}
	// langchaingo adapter.
	var chunks int
	resp, err := LangChainModel{m}.GenerateContent(context.Background(),
		[]llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, "hello")},
		llms.WithMaxTokens(5), llms.WithStreamingFunc(func(ctx context.Context, c []byte) error { chunks++; return nil }))
	if err != nil || len(resp.Choices) != 1 || chunks == 0 {
		t.Fatalf("langchain: %+v %v chunks %d", resp, err, chunks)
	}
}

func TestEmbed(t *testing.T) {
	m, err := Load(synthModel(t, "bert-tiny", "f16"), Options{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	vecs, err := LangChainEmbedder{m}.EmbedDocuments(context.Background(), []string{"first text", "second text"})
	if err != nil || len(vecs) != 2 || len(vecs[0]) != m.Info().EmbeddingDim {
		t.Fatalf("embed: %v %d", err, len(vecs))
	}
	var n float64
	for _, x := range vecs[0] {
		n += float64(x) * float64(x)
	}
	if math.Abs(n-1) > 1e-3 {
		t.Fatalf("not normalised: %v", n)
	}
	if _, err := m.Generate(context.Background(), Request{Prompt: "x"}); !errors.Is(err, ErrWrongKind) {
		t.Fatalf("generate on encoder: %v", err)
	}
}

func TestLoadErrors(t *testing.T) {
	if _, err := Load(filepath.Join(t.TempDir(), "missing.gguf"), Options{}); err == nil {
		t.Fatal("missing file loaded")
	}
	bad := filepath.Join(t.TempDir(), "bad.gguf")
	os.WriteFile(bad, []byte("GGUF\x03\x00\x00\x00garbage"), 0o600)
	if _, err := Load(bad, Options{}); err == nil {
		t.Fatal("corrupt file loaded")
	}
}

// TestPrefixCache: reusing the cached prefix of the previous request gives
// the same tokens as evaluating the whole prompt afresh.
func TestPrefixCache(t *testing.T) {
	path := synthModel(t, "llama-tiny", "q8_0")
	m, err := Load(path, Options{Threads: 2, Context: 256})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	ctx := context.Background()
	greedy := sample.Params{MaxTokens: 10}
	a := "The quick brown fox jumps over the lazy dog and then"
	b := "The quick brown fox jumps over the lazy cat"
	r1, _ := m.Generate(ctx, Request{Prompt: a, Sampling: greedy})
	r2, _ := m.Generate(ctx, Request{Prompt: b, Sampling: greedy})
	r3, _ := m.Generate(ctx, Request{Prompt: a, Sampling: greedy})
	if r1.CachedTokens != 0 || r2.CachedTokens == 0 || r3.CachedTokens == 0 {
		t.Fatalf("cached tokens: %d %d %d", r1.CachedTokens, r2.CachedTokens, r3.CachedTokens)
	}
	if r3.Text != r1.Text {
		t.Fatalf("cached prefix changed the output: %q vs %q", r3.Text, r1.Text)
	}
	fresh, err := Load(path, Options{Threads: 2, Context: 256})
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	f2, _ := fresh.Generate(ctx, Request{Prompt: b, Sampling: greedy})
	if f2.Text != r2.Text {
		t.Fatalf("prefix reuse differs from a fresh evaluation: %q vs %q", r2.Text, f2.Text)
	}
}
