package chat

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzParseToolCalls: any text, any format — no panic, and the documented
// contract: on error the text comes back with no calls; every call has a
// name and a JSON object of arguments.
func FuzzParseToolCalls(f *testing.F) {
	seeds := []string{
		"", "plain", "<tool_call>{\"name\": \"a\", \"arguments\": {}}</tool_call>",
		"x<tool_call>\n{\"name\": \"a\", \"arguments\": \"{\\\"k\\\": 1}\"}\n</tool_call><tool_call>",
		"<|python_tag|>{\"name\": \"a\", \"parameters\": {\"x\": [1, {}]}}; {\"name\": \"b\", \"parameters\": {}}",
		"{\"name\": \"a\", \"parameters\": {}}", "{not json", "[TOOL_CALLS][{\"name\": \"a\", \"arguments\": {}, \"id\": \"x\"}]",
		"[TOOL_CALLS]a[ARGS]{}[TOOL_CALLS]b[CALL_ID]1[ARGS]{\"q\": 1} tail", "[TOOL_CALLS][[[[", "<tool_call></tool_call>",
	}
	for _, s := range seeds {
		for _, fm := range []uint8{0, 1, 2, 3} {
			f.Add(fm, s)
		}
	}
	formats := []Format{FormatNone, FormatHermes, FormatLlama3, FormatMistral}
	f.Fuzz(func(t *testing.T, fm uint8, text string) {
		format := formats[int(fm)%len(formats)]
		content, calls, err := ParseToolCalls(format, text)
		if err != nil {
			if !errors.Is(err, ErrMalformedToolCall) {
				t.Fatalf("error not ErrMalformedToolCall: %v", err)
			}
			if content != text || calls != nil {
				t.Fatalf("on error got %q, %v", content, calls)
			}
			return
		}
		for _, c := range calls {
			if !validName(c.Name) {
				t.Fatalf("bad name %q", c.Name)
			}
			var obj map[string]any
			if err := json.Unmarshal(c.Arguments, &obj); err != nil {
				t.Fatalf("arguments %s: %v", c.Arguments, err)
			}
		}
		if len(content) > len(text) {
			t.Fatalf("content longer than text")
		}
	})
}

// FuzzTemplate: any template source renders or fails with an error, in
// bounded time and output, without panicking or crashing.
func FuzzTemplate(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join(repoFixtures, "*.jinja"))
	for _, p := range paths {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(string(b))
		}
	}
	for _, s := range []string{
		"{{ messages[-1].content|trim }}", "{% for m in messages %}{{ m.role ~ ':' ~ m.content }}{% endfor %}",
		"{% set ns = namespace(x=0) %}{% for i in range(5) %}{% set ns.x = ns.x + i %}{% endfor %}{{ ns.x }}",
		"{{ tools|tojson(indent=2) }}", "{{ (a if b else c) }}", "{% macro m(x) %}{{ x }}{% endmacro %}{{ m(1) }}",
		"{{ 'abc'[::-1] }}{{ 'a b'.split() }}{{ {'a': 1}.items()|list }}", "{% raw %}{{ x }}{% endraw %}",
		"{{ raise_exception('no') }}", "{{ strftime_now('%d %b %Y') }}", "{%- if x -%} y {%+ endif %}",
	} {
		f.Add(s)
	}
	defer func(d time.Duration) { renderTimeLimit = d }(renderTimeLimit)
	renderTimeLimit = 200 * time.Millisecond
	in := Input{
		Messages: []Message{
			{Role: "system", Content: "sys"},
			{Role: "user", Content: "héllo"},
			{Role: "assistant", ToolCalls: []ToolCall{{ID: "c1", Name: "f", Arguments: json.RawMessage(`{"a":[1,2.5,null,{"b":"c"}]}`)}}},
			{Role: "tool", ToolCallID: "c1", Name: "f", Content: "42"},
		},
		Tools:               []Tool{{Name: "f", Description: "d", Parameters: json.RawMessage(`{"type":"object"}`)}},
		AddGenerationPrompt: true, BOS: "<s>", EOS: "</s>",
		Extra: map[string]any{"enable_thinking": false},
		Now:   fixtureNow,
	}
	f.Fuzz(func(t *testing.T, src string) {
		tpl, err := New(src)
		if err != nil {
			return
		}
		start := time.Now()
		out, err := tpl.Render(in)
		if d := time.Since(start); d > renderTimeLimit+2*time.Second {
			t.Fatalf("render took %s", d)
		}
		if err != nil && out != "" {
			t.Fatalf("output %q with error %v", out, err)
		}
		if len(out) > MaxOutputSize {
			t.Fatalf("output of %d bytes", len(out))
		}
	})
}

// FuzzCaseInput: arbitrary JSON for `docent model render --input` is read
// and rendered with ChatML, or refused with an error.
func FuzzCaseInput(f *testing.F) {
	f.Add(`{"messages": [{"role": "user", "content": "hi"}], "add_generation_prompt": true}`)
	f.Add(`{"messages": [{"role": "assistant", "content": null, "tool_calls": [{"type": "function", "function": {"name": "f", "arguments": "{\"x\": 1}"}}]}], "tools": [{"type": "function", "function": {"name": "f", "parameters": {}}}], "x": [1, {"y": null}]}`)
	f.Add(`{"messages": [{"role": "user", "content": [{"type": "text", "text": "a"}]}]}`)
	f.Fuzz(func(t *testing.T, data string) {
		var ci CaseInput
		if err := json.Unmarshal([]byte(data), &ci); err != nil {
			return
		}
		out, err := ChatML().Render(ci.Input())
		if err == nil && !utf8.ValidString(out) && utf8.ValidString(data) {
			t.Fatalf("invalid UTF-8 output %q", out)
		}
		_ = strings.Count(out, "<|im_start|>")
	})
}
