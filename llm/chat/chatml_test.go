package chat

import (
	"encoding/json"
	"testing"
)

func TestChatML(t *testing.T) {
	in := Input{
		Messages: []Message{
			{Role: "system", Content: "Be brief."},
			{Role: "user", Content: "17*23?"},
			{Role: "assistant", ToolCalls: []ToolCall{{Name: "calculator", Arguments: json.RawMessage(`{"expression": "17*23"}`)}}},
			{Role: "tool", Name: "calculator", Content: "391"},
		},
		AddGenerationPrompt: true,
	}
	got, err := ChatML().Render(in)
	if err != nil {
		t.Fatal(err)
	}
	want := "<|im_start|>system\nBe brief.<|im_end|>\n" +
		"<|im_start|>user\n17*23?<|im_end|>\n" +
		"<|im_start|>assistant\n<tool_call>\n{\"name\": \"calculator\", \"arguments\": {\"expression\": \"17*23\"}}\n</tool_call><|im_end|>\n" +
		"<|im_start|>tool\n391<|im_end|>\n" +
		"<|im_start|>assistant\n"
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	_, calls, err := ParseToolCalls(ChatML().ToolFormat(), "<tool_call>\n{\"name\": \"calculator\", \"arguments\": {\"expression\": \"17*23\"}}\n</tool_call>")
	if err != nil || len(calls) != 1 || calls[0].Name != "calculator" {
		t.Errorf("parse back: %v %v", calls, err)
	}
}

func TestMessageJSONRoundTrip(t *testing.T) {
	src := `{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{\"x\": [1, 2]}"}}]}`
	var m Message
	if err := json.Unmarshal([]byte(src), &m); err != nil {
		t.Fatal(err)
	}
	if m.Content != "" || len(m.ToolCalls) != 1 || m.ToolCalls[0].ID != "c1" || string(m.ToolCalls[0].Arguments) != `{"x": [1, 2]}` {
		t.Fatalf("decoded %+v", m)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var back Message
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.ToolCalls[0].Name != "f" || string(back.ToolCalls[0].Arguments) != `{"x":[1,2]}` && string(back.ToolCalls[0].Arguments) != `{"x": [1, 2]}` {
		t.Errorf("round trip %s -> %+v", b, back)
	}
	var tool Tool
	if err := json.Unmarshal([]byte(`{"name":"g","parameters":{"type":"object"}}`), &tool); err != nil || tool.Name != "g" {
		t.Errorf("flat tool: %+v %v", tool, err)
	}
	if err := json.Unmarshal([]byte(`{"type":"function","function":{"name":"h","description":"d"}}`), &tool); err != nil || tool.Name != "h" || tool.Description != "d" {
		t.Errorf("wrapped tool: %+v %v", tool, err)
	}
	var bad Message
	if err := json.Unmarshal([]byte(`{"role":"user","content":[{"type":"image"}]}`), &bad); err == nil {
		t.Error("image content accepted")
	}
}
