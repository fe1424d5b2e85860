package grammar

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestToolCall(t *testing.T) {
	g, err := ToolCall(searchTools)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{
		`{"name": "calculator", "arguments": {"expression": "2^10"}}`,
		`{"name":"search_documents","arguments":{"query":"warranty","top_k":5}}`,
		`{"name":"current_datetime","arguments":{}}`,
		`{"name":"current_datetime","arguments":{"timezone":"UTC"}}`,
		`{"name":"schedule","arguments":{"when":"2025-03-01T09:00:00+01:00","attendees":["ann","bo"],"budget":null}}`,
	} {
		if !accepts(g, s) {
			t.Errorf("rejects %s", s)
		}
	}
	for _, s := range []string{
		`{"name":"calculator","arguments":{"query":"x"}}`,      // another tool's arguments
		`{"name":"search_documents","arguments":{"top_k":5}}`,  // missing required
		`{"name":"search_documents","arguments":{"query":""}}`, // minLength
		`{"name":"http_get","arguments":{}}`,                   // unknown tool
		`{"arguments":{},"name":"current_datetime"}`,           // order
		`{"name":"current_datetime","parameters":{}}`,          // Llama 3 key
		`{"name":"current_datetime","arguments":{},"extra":1}`, // extra key
		`{"name":"current_datetime"}`,                          // no arguments
		`{"name":"schedule","arguments":{"when":"tomorrow","attendees":["a"]}}`,
	} {
		if accepts(g, s) {
			t.Errorf("accepts %s", s)
		}
	}

	l3, err := ToolCallWith(searchTools, Llama3)
	if err != nil {
		t.Fatal(err)
	}
	if !accepts(l3, `{"name": "calculator", "parameters": {"expression": "1"}}`) || accepts(l3, `{"name":"calculator","arguments":{"expression":"1"}}`) {
		t.Error("Llama 3 shape")
	}

	h, err := ToolCallWith([]Tool{{Name: "ping"}}, CallFormat{NameKey: "name", ArgsKey: "arguments", Prefix: "\n", Suffix: "\n"})
	if err != nil {
		t.Fatal(err)
	}
	st, ok := h.Start().AdvanceBytes([]byte("\n{\"name\":\"ping\",\"arguments\":{}}"))
	if !ok || st.Complete() {
		t.Fatal("suffix not required")
	}
	if st, ok = st.Advance('\n'); !ok || !st.Complete() || !st.Final() {
		t.Fatal("suffix")
	}
	if accepts(h, `{"name":"ping","arguments":{}}`) {
		t.Error("prefix not required")
	}
}

func TestToolCallErrors(t *testing.T) {
	if _, err := ToolCall(nil); err == nil {
		t.Error("no tools accepted")
	}
	if _, err := ToolCall([]Tool{{Name: "a"}, {Name: "a"}}); err == nil {
		t.Error("duplicate names accepted")
	}
	_, err := ToolCall([]Tool{{Name: "ok"}, {Name: "grep", Parameters: json.RawMessage(`{"type":"object","properties":{"re":{"type":"string","pattern":"x"}}}`)}})
	if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), `tool "grep"`) || !strings.Contains(err.Error(), "pattern") {
		t.Errorf("unsupported tool schema: %v", err)
	}
	if _, err := ToolCallWith([]Tool{{Name: "a"}}, CallFormat{NameKey: "x", ArgsKey: "x"}); err == nil {
		t.Error("same keys accepted")
	}
}
