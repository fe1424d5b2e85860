package chat

import (
	"errors"
	"os"
	"strings"
	"testing"
)

func TestDetectFormat(t *testing.T) {
	want := map[string]Format{
		"qwen2.5":  FormatHermes,
		"llama3.2": FormatLlama3,
		"gemma2":   FormatNone,
		"phi3.5":   FormatNone,
		"smollm3":  FormatNone,
	}
	for name, f := range want {
		src, err := os.ReadFile(repoFixtures + "/" + name + ".jinja")
		if err != nil {
			t.Fatal(err)
		}
		if got := DetectFormat(string(src)); got != f {
			t.Errorf("%s: got %q, want %q", name, got, f)
		}
	}
	if got := ChatML().ToolFormat(); got != FormatHermes {
		t.Errorf("ChatML: got %q", got)
	}
	if got := DetectFormat("{{ '[TOOL_CALLS]' }}"); got != FormatMistral {
		t.Errorf("mistral: got %q", got)
	}
}

type callWant struct{ id, name, args string }

func TestParseToolCalls(t *testing.T) {
	cases := []struct {
		name    string
		format  Format
		text    string
		content string
		calls   []callWant
		err     bool
	}{
		{"hermes_none", FormatHermes, "Just an answer.", "Just an answer.", nil, false},
		{"hermes_one", FormatHermes, "<tool_call>\n{\"name\": \"calculator\", \"arguments\": {\"expression\": \"17*23\"}}\n</tool_call>", "",
			[]callWant{{"", "calculator", `{"expression":"17*23"}`}}, false},
		{"hermes_two_with_text", FormatHermes, "Let me check.\n<tool_call>\n{\"name\": \"a\", \"arguments\": {}}\n</tool_call>\n<tool_call>\n{\"name\": \"b\", \"arguments\": \"{\\\"x\\\": 1}\"}\n</tool_call>", "Let me check.",
			[]callWant{{"", "a", `{}`}, {"", "b", `{"x":1}`}}, false},
		{"hermes_unterminated", FormatHermes, "<tool_call>\n{\"name\": \"a\", \"arguments\": {\"k\": [1, 2]}}", "",
			[]callWant{{"", "a", `{"k":[1,2]}`}}, false},
		{"hermes_bad_json", FormatHermes, "<tool_call>{\"name\": \"a\", \"arguments\": {</tool_call>", "", nil, true},
		{"hermes_no_name", FormatHermes, "<tool_call>{\"arguments\": {}}</tool_call>", "", nil, true},
		{"hermes_args_not_object", FormatHermes, "<tool_call>{\"name\": \"a\", \"arguments\": [1]}</tool_call>", "", nil, true},
		{"llama_plain", FormatLlama3, "The answer is 391.", "The answer is 391.", nil, false},
		{"llama_json", FormatLlama3, "{\"name\": \"calculator\", \"parameters\": {\"expression\": \"17*23\"}}", "",
			[]callWant{{"", "calculator", `{"expression":"17*23"}`}}, false},
		{"llama_python_tag", FormatLlama3, "<|python_tag|>{\"type\": \"function\", \"name\": \"search\", \"parameters\": {\"q\": \"x\"}}", "",
			[]callWant{{"", "search", `{"q":"x"}`}}, false},
		{"llama_two", FormatLlama3, "{\"name\": \"a\", \"parameters\": {}}; {\"name\": \"b\", \"parameters\": {\"n\": 2}}", "",
			[]callWant{{"", "a", `{}`}, {"", "b", `{"n":2}`}}, false},
		{"llama_prose_braces", FormatLlama3, "{curly} prose", "{curly} prose", nil, false},
		{"llama_json_not_call", FormatLlama3, "{\"answer\": 42}", "{\"answer\": 42}", nil, false},
		{"llama_builtin_python", FormatLlama3, "<|python_tag|>brave_search.call(query=\"x\")", "<|python_tag|>brave_search.call(query=\"x\")", nil, false},
		{"llama_tag_bad", FormatLlama3, "<|python_tag|>{\"name\": ", "", nil, true},
		{"mistral_array", FormatMistral, "[TOOL_CALLS] [{\"name\": \"search\", \"arguments\": {\"q\": \"naïve\"}, \"id\": \"abc123def\"}]", "",
			[]callWant{{"abc123def", "search", `{"q":"naïve"}`}}, false},
		{"mistral_text_before", FormatMistral, "Sure.[TOOL_CALLS][{\"name\": \"a\", \"arguments\": {}}, {\"name\": \"b\", \"arguments\": {\"x\": null}}]", "Sure.",
			[]callWant{{"", "a", `{}`}, {"", "b", `{"x":null}`}}, false},
		{"mistral_args_form", FormatMistral, "[TOOL_CALLS]search[ARGS]{\"q\": \"x\"}[TOOL_CALLS]calc[ARGS]{\"e\": \"1+1\"}", "",
			[]callWant{{"", "search", `{"q":"x"}`}, {"", "calc", `{"e":"1+1"}`}}, false},
		{"mistral_none", FormatMistral, "No tools needed.", "No tools needed.", nil, false},
		{"mistral_bad", FormatMistral, "[TOOL_CALLS][{\"name\": 1}]", "", nil, true},
		{"none_format", FormatNone, "<tool_call>{}</tool_call>", "<tool_call>{}</tool_call>", nil, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			content, calls, err := ParseToolCalls(c.format, c.text)
			if c.err {
				if !errors.Is(err, ErrMalformedToolCall) {
					t.Fatalf("want ErrMalformedToolCall, got %v (calls %v)", err, calls)
				}
				if content != c.text || calls != nil {
					t.Errorf("on error want the text back and no calls, got %q %v", content, calls)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if content != c.content {
				t.Errorf("content %q, want %q", content, c.content)
			}
			if len(calls) != len(c.calls) {
				t.Fatalf("got %d calls %v, want %d", len(calls), calls, len(c.calls))
			}
			for i, w := range c.calls {
				g := calls[i]
				if g.ID != w.id || g.Name != w.name || string(g.Arguments) != w.args {
					t.Errorf("call %d = {%q %q %s}, want {%q %q %s}", i, g.ID, g.Name, g.Arguments, w.id, w.name, w.args)
				}
			}
		})
	}
}

// What a template writes for an assistant's tool call, the parser for that
// template's format reads back.
func TestToolCallRoundTrip(t *testing.T) {
	call := ToolCall{Name: "search", Arguments: []byte(`{"q":"naïve \"quotes\"","k":3,"nested":{"z":[1,2.5,null]}}`)}
	for _, name := range []string{"qwen2.5", "llama3.2"} {
		src, err := os.ReadFile(repoFixtures + "/" + name + ".jinja")
		if err != nil {
			t.Fatal(err)
		}
		tpl, err := New(string(src))
		if err != nil {
			t.Fatal(err)
		}
		tools := []Tool{{Name: "search", Parameters: []byte(`{"type":"object"}`)}}
		base := []Message{{Role: "user", Content: "find it"}}
		before, err := tpl.Render(Input{Messages: base, Tools: tools, Now: fixtureNow})
		if err != nil {
			t.Fatal(err)
		}
		after, err := tpl.Render(Input{Messages: append(base, Message{Role: "assistant", ToolCalls: []ToolCall{call}}), Tools: tools, Now: fixtureNow})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(after, before) {
			t.Fatalf("%s: rendering with the call does not extend the one without", name)
		}
		gen := strings.TrimPrefix(after, before)
		for _, marker := range []string{"<|im_start|>assistant\n", "<|start_header_id|>assistant<|end_header_id|>\n\n"} {
			gen = strings.TrimPrefix(gen, marker)
		}
		for _, end := range []string{"<|im_end|>\n", "<|eot_id|>"} {
			gen = strings.TrimSuffix(gen, end)
		}
		_, calls, err := ParseToolCalls(tpl.ToolFormat(), gen)
		if err != nil {
			t.Fatalf("%s: %v (text %q)", name, err, gen)
		}
		if len(calls) != 1 || calls[0].Name != call.Name || string(calls[0].Arguments) != string(call.Arguments) {
			t.Errorf("%s: parsed %v from %q", name, calls, gen)
		}
	}
}
