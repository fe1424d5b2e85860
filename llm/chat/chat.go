// Package chat renders a model's own chat template (the Jinja source stored
// in a GGUF's tokenizer.chat_template) the way Hugging Face transformers
// does, and parses tool calls out of generated text.
//
// Templates run on github.com/nikolalohinski/gonja/v2, configured like
// transformers' sandboxed Jinja2 environment (trim_blocks, lstrip_blocks,
// loop controls) and extended where chat templates need Python behaviour:
//
//   - tojson is transformers' json.dumps(ensure_ascii=False) with Python's
//     separators, float repr, dict order kept, and indent / separators /
//     sort_keys / ensure_ascii;
//   - raise_exception(msg) (a *RaiseError), strftime_now(fmt) (C strftime
//     on an injectable clock), namespace(), range() bounded like the
//     sandbox;
//   - str.strip/lstrip/rstrip/split/rsplit/startswith/endswith/replace/join
//     and dict.items/keys/values/get, items, dictsort, join, trim, replace
//     and subscripts with Python's semantics (whitespace defaults, tuples,
//     negative indexes, insertion order);
//   - a source pre-pass fixes lstrip_blocks (gonja strips before block tags
//     that are not first on their line) and rewrites "A if B else C" inside
//     brackets and call arguments, which gonja cannot parse, to an
//     equivalent expression;
//   - +, *, ** and ~ follow Python (str + int is an error; int ** int is an
//     int).
//
// Templates are untrusted input: include/import/extends are disabled,
// recursive loops refused, macro nesting, range sizes, string sizes,
// output size and render time are bounded, namespace cycles are refused,
// source nesting is limited (Go cannot recover from stack or memory
// exhaustion), and panics inside the Jinja library become errors.
//
// Known differences from Jinja2: gonja has one nil for None and undefined,
// so None prints as empty and "x is defined" is false for x = None;
// loop.depth counts nested loops; an empty dict is truthy.
package chat

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Message is one turn of a conversation.
type Message struct {
	Role    string
	Content string
	// ToolCalls are the calls an assistant turn made.
	ToolCalls []ToolCall
	// ToolCallID and Name identify the call a "tool" turn answers.
	ToolCallID string
	Name       string
}

// ToolCall is one function call made by the model.
type ToolCall struct {
	ID        string
	Name      string
	Arguments json.RawMessage // a JSON object
}

// Tool describes a function the model may call. Templates see it in the
// shape transformers uses: {"type": "function", "function": {"name",
// "description", "parameters"}}.
type Tool struct {
	Name        string
	Description string
	Parameters  json.RawMessage // JSON Schema of the arguments object
}

// Input is what a template is rendered with.
type Input struct {
	Messages            []Message
	Tools               []Tool
	AddGenerationPrompt bool
	BOS, EOS            string // bos_token, eos_token
	// Extra holds further template variables (enable_thinking,
	// tools_in_user_message, date_string, ...). Values are converted as by
	// encoding/json; the standard variables above take precedence.
	Extra map[string]any
	// Now is the clock strftime_now reads; nil means time.Now.
	Now func() time.Time
}

// RaiseError is the error a template raises with raise_exception(msg).
type RaiseError struct {
	Message string
}

func (e *RaiseError) Error() string { return "chat template raised: " + e.Message }

// --- JSON in the shape Hugging Face and OpenAI use ------------------------

type jsonFunctionCall struct {
	Name      string          `json:"name"`
	Arguments json.RawMessage `json:"arguments,omitempty"`
}

type jsonToolCall struct {
	ID       string            `json:"id,omitempty"`
	Type     string            `json:"type,omitempty"`
	Function *jsonFunctionCall `json:"function,omitempty"`
	// Flat form: {"name": ..., "arguments": ...}.
	Name      string          `json:"name,omitempty"`
	Arguments json.RawMessage `json:"arguments,omitempty"`
}

type jsonMessage struct {
	Role       string          `json:"role"`
	Content    json.RawMessage `json:"content,omitempty"`
	ToolCalls  []jsonToolCall  `json:"tool_calls,omitempty"`
	ToolCallID string          `json:"tool_call_id,omitempty"`
	Name       string          `json:"name,omitempty"`
}

// UnmarshalJSON reads a message in the OpenAI / transformers shape:
// {"role", "content", "tool_calls": [{"id", "type": "function", "function":
// {"name", "arguments"}}], "tool_call_id", "name"}. Content may be null or a
// list of {"type": "text", "text"} parts (joined); arguments may be an
// object or a string holding JSON.
func (m *Message) UnmarshalJSON(data []byte) error {
	var j jsonMessage
	if err := json.Unmarshal(data, &j); err != nil {
		return fmt.Errorf("message: %w", err)
	}
	content, err := contentText(j.Content)
	if err != nil {
		return fmt.Errorf("message content: %w", err)
	}
	*m = Message{Role: j.Role, Content: content, ToolCallID: j.ToolCallID, Name: j.Name}
	for _, tc := range j.ToolCalls {
		call := ToolCall{ID: tc.ID, Name: tc.Name, Arguments: tc.Arguments}
		if tc.Function != nil {
			call.Name, call.Arguments = tc.Function.Name, tc.Function.Arguments
		}
		args, err := normalizeArguments(call.Arguments)
		if err != nil {
			return fmt.Errorf("tool call %q: %w", call.Name, err)
		}
		call.Arguments = args
		m.ToolCalls = append(m.ToolCalls, call)
	}
	return nil
}

// MarshalJSON writes the shape UnmarshalJSON reads.
func (m Message) MarshalJSON() ([]byte, error) {
	j := jsonMessage{Role: m.Role, ToolCallID: m.ToolCallID, Name: m.Name}
	c, err := json.Marshal(m.Content)
	if err != nil {
		return nil, err
	}
	j.Content = c
	for _, tc := range m.ToolCalls {
		args := tc.Arguments
		if len(bytes.TrimSpace(args)) == 0 {
			args = json.RawMessage("{}")
		}
		j.ToolCalls = append(j.ToolCalls, jsonToolCall{ID: tc.ID, Type: "function",
			Function: &jsonFunctionCall{Name: tc.Name, Arguments: args}})
	}
	return json.Marshal(j)
}

func contentText(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	if raw[0] == '"' {
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err
	}
	var parts []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	if err := json.Unmarshal(raw, &parts); err != nil {
		return "", errors.New("must be a string, null or a list of text parts")
	}
	var b bytes.Buffer
	for _, p := range parts {
		if p.Type != "" && p.Type != "text" {
			return "", fmt.Errorf("content part of type %q is not supported", p.Type)
		}
		b.WriteString(p.Text)
	}
	return b.String(), nil
}

// normalizeArguments accepts an arguments object or a JSON string holding
// one (OpenAI's wire form) and returns the object.
func normalizeArguments(raw json.RawMessage) (json.RawMessage, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return json.RawMessage("{}"), nil
	}
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, fmt.Errorf("arguments: %w", err)
		}
		if json.Valid([]byte(s)) {
			return json.RawMessage(s), nil
		}
		return raw, nil // keep a plain string as it is
	}
	if !json.Valid(raw) {
		return nil, errors.New("arguments are not valid JSON")
	}
	return raw, nil
}

type jsonFunction struct {
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	Parameters  json.RawMessage `json:"parameters,omitempty"`
}

type jsonTool struct {
	Type     string        `json:"type,omitempty"`
	Function *jsonFunction `json:"function,omitempty"`
	jsonFunction
}

// UnmarshalJSON reads {"type": "function", "function": {...}} or the bare
// function object {"name", "description", "parameters"}.
func (t *Tool) UnmarshalJSON(data []byte) error {
	var j jsonTool
	if err := json.Unmarshal(data, &j); err != nil {
		return fmt.Errorf("tool: %w", err)
	}
	f := j.jsonFunction
	if j.Function != nil {
		f = *j.Function
	}
	*t = Tool{Name: f.Name, Description: f.Description, Parameters: f.Parameters}
	return nil
}

// MarshalJSON writes the {"type": "function", "function": {...}} shape.
func (t Tool) MarshalJSON() ([]byte, error) {
	return json.Marshal(jsonTool{Type: "function", Function: &jsonFunction{
		Name: t.Name, Description: t.Description, Parameters: t.Parameters}})
}
