package chat

import (
	"encoding/json"
	"os"
	"testing"
)

// benchInput is a typical agent turn: system prompt, a few turns, one tool
// call and its result, two tools.
func benchInput() Input {
	params := json.RawMessage(`{"type":"object","properties":{"query":{"type":"string","description":"what to look for"},"top_k":{"type":"integer"}},"required":["query"]}`)
	return Input{
		Messages: []Message{
			{Role: "system", Content: "You answer only from the provided documents. Cite sources as [n]."},
			{Role: "user", Content: "What does the warranty cover?"},
			{Role: "assistant", ToolCalls: []ToolCall{{ID: "call_1", Name: "search", Arguments: json.RawMessage(`{"query":"warranty coverage","top_k":5}`)}}},
			{Role: "tool", ToolCallID: "call_1", Name: "search", Content: "[1] The warranty covers defects in materials and workmanship for two years."},
			{Role: "assistant", Content: "It covers defects in materials and workmanship for two years [1]."},
			{Role: "user", Content: "And accidental damage?"},
		},
		Tools: []Tool{
			{Name: "search", Description: "Search the document store.", Parameters: params},
			{Name: "calculator", Description: "Evaluate an arithmetic expression.", Parameters: json.RawMessage(`{"type":"object","properties":{"expression":{"type":"string"}},"required":["expression"]}`)},
		},
		AddGenerationPrompt: true,
		EOS:                 "<|im_end|>",
		Now:                 fixtureNow,
	}
}

func benchmarkTemplate(b *testing.B, name string) {
	src, err := os.ReadFile(repoFixtures + "/" + name + ".jinja")
	if err != nil {
		b.Fatal(err)
	}
	tpl, err := New(string(src))
	if err != nil {
		b.Fatal(err)
	}
	in := benchInput()
	if name == "llama3.2" {
		// single tool call per turn is all this template accepts
		in.Tools = in.Tools[:1]
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := tpl.Render(in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRenderQwen25(b *testing.B)  { benchmarkTemplate(b, "qwen2.5") }
func BenchmarkRenderLlama32(b *testing.B) { benchmarkTemplate(b, "llama3.2") }
func BenchmarkRenderSmolLM3(b *testing.B) { benchmarkTemplate(b, "smollm3") }

func BenchmarkNewQwen25(b *testing.B) {
	src, err := os.ReadFile(repoFixtures + "/qwen2.5.jinja")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := New(string(src)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseToolCallsHermes(b *testing.B) {
	text := "Let me look.\n<tool_call>\n{\"name\": \"search\", \"arguments\": {\"query\": \"warranty coverage\", \"top_k\": 5}}\n</tool_call>"
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := ParseToolCalls(FormatHermes, text); err != nil {
			b.Fatal(err)
		}
	}
}

// Render must be safe for concurrent use of one Template.
func TestRenderConcurrent(t *testing.T) {
	src, err := os.ReadFile(repoFixtures + "/qwen2.5.jinja")
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := New(string(src))
	if err != nil {
		t.Fatal(err)
	}
	want, err := tpl.Render(benchInput())
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			for range 50 {
				got, err := tpl.Render(benchInput())
				if err == nil && got != want {
					err = errMismatch
				}
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

var errMismatch = errorString("concurrent render differs")

type errorString string

func (e errorString) Error() string { return string(e) }
