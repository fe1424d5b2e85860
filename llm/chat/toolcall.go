package chat

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Format is how a model family writes tool calls in its output.
type Format string

const (
	// FormatNone: the template shows no tool-call convention; nothing is
	// parsed out of the text.
	FormatNone Format = ""
	// FormatHermes: Qwen 2.5/3, Hermes, ChatML fallback —
	// <tool_call>{"name": ..., "arguments": {...}}</tool_call>, possibly
	// several.
	FormatHermes Format = "hermes"
	// FormatLlama3: Llama 3.1-3.3 — a bare JSON object {"name": ...,
	// "parameters": {...}} as the whole reply, optionally after
	// <|python_tag|>, several separated by ";".
	FormatLlama3 Format = "llama3"
	// FormatMistral: Mistral — [TOOL_CALLS][{"name": ..., "arguments":
	// {...}, "id": ...}], or the newer [TOOL_CALLS]name[ARGS]{...}.
	FormatMistral Format = "mistral"
)

// ErrMalformedToolCall reports text that starts a tool call but does not
// hold a valid one.
var ErrMalformedToolCall = errors.New("malformed tool call")

// DetectFormat chooses the tool-call format from a chat template's source.
func DetectFormat(templateSource string) Format {
	switch {
	case strings.Contains(templateSource, "[TOOL_CALLS]"):
		return FormatMistral
	case strings.Contains(templateSource, "<tool_call>"):
		return FormatHermes
	case strings.Contains(templateSource, "<|python_tag|>"),
		strings.Contains(templateSource, "<|start_header_id|>") && strings.Contains(templateSource, `"parameters"`):
		return FormatLlama3
	}
	return FormatNone
}

// ToolFormat is DetectFormat of the template's source.
func (t *Template) ToolFormat() Format { return DetectFormat(t.source) }

// ParseToolCalls splits generated text into the reply's content and the
// tool calls it makes, in the given format. Text with no tool call comes
// back as content with no calls. Text that starts a call but holds no
// valid one returns the whole text as content, no calls and an error
// wrapping ErrMalformedToolCall.
func ParseToolCalls(format Format, text string) (content string, calls []ToolCall, err error) {
	switch format {
	case FormatNone:
		return text, nil, nil
	case FormatHermes:
		content, calls, err = parseHermes(text)
	case FormatLlama3:
		content, calls, err = parseLlama3(text)
	case FormatMistral:
		content, calls, err = parseMistral(text)
	default:
		return text, nil, fmt.Errorf("chat: unknown tool-call format %q", format)
	}
	if err != nil {
		return text, nil, fmt.Errorf("chat: %s tool call: %w: %w", format, ErrMalformedToolCall, err)
	}
	return content, calls, nil
}

// --- Hermes ----------------------------------------------------------------

const (
	hermesOpen  = "<tool_call>"
	hermesClose = "</tool_call>"
)

func parseHermes(text string) (string, []ToolCall, error) {
	if !strings.Contains(text, hermesOpen) {
		return text, nil, nil
	}
	var content strings.Builder
	var calls []ToolCall
	rest := text
	for {
		i := strings.Index(rest, hermesOpen)
		if i < 0 {
			content.WriteString(rest)
			break
		}
		content.WriteString(rest[:i])
		rest = rest[i+len(hermesOpen):]
		body := rest
		if j := strings.Index(rest, hermesClose); j >= 0 {
			body, rest = rest[:j], rest[j+len(hermesClose):]
		} else {
			rest = "" // generation stopped before the closing tag
		}
		call, err := decodeCall(strings.TrimSpace(body))
		if err != nil {
			return "", nil, fmt.Errorf("call %d: %w", len(calls)+1, err)
		}
		calls = append(calls, call)
	}
	return strings.TrimSpace(content.String()), calls, nil
}

// --- Llama 3 ---------------------------------------------------------------

const pythonTag = "<|python_tag|>"

func parseLlama3(text string) (string, []ToolCall, error) {
	content, body := "", text
	tagged := false
	if i := strings.Index(text, pythonTag); i >= 0 {
		content, body, tagged = strings.TrimSpace(text[:i]), text[i+len(pythonTag):], true
	}
	body = strings.TrimSpace(body)
	if !strings.HasPrefix(body, "{") {
		if tagged && body != "" {
			// Built-in tools are called as Python code; hand it back as is.
			return text, nil, nil
		}
		return strings.TrimSpace(text), nil, nil
	}
	var calls []ToolCall
	for body != "" {
		raw, n, err := firstJSON(body)
		if err != nil {
			if !tagged && len(calls) == 0 {
				return text, nil, nil // prose that happens to start with "{"
			}
			return "", nil, err
		}
		call, err := decodeCall(string(raw))
		if err != nil {
			if !tagged && len(calls) == 0 {
				return text, nil, nil
			}
			return "", nil, err
		}
		calls = append(calls, call)
		body = strings.TrimSpace(body[n:])
		body = strings.TrimSpace(strings.TrimPrefix(body, ";"))
		if body != "" && !strings.HasPrefix(body, "{") {
			if !tagged && len(calls) == 1 {
				return text, nil, nil
			}
			return "", nil, fmt.Errorf("unexpected text after call %d", len(calls))
		}
	}
	return content, calls, nil
}

// --- Mistral ---------------------------------------------------------------

const (
	mistralCalls = "[TOOL_CALLS]"
	mistralArgs  = "[ARGS]"
	mistralID    = "[CALL_ID]"
)

func parseMistral(text string) (string, []ToolCall, error) {
	i := strings.Index(text, mistralCalls)
	if i < 0 {
		return text, nil, nil
	}
	content := strings.TrimSpace(text[:i])
	var calls []ToolCall
	rest := text[i:]
	for strings.HasPrefix(rest, mistralCalls) {
		rest = strings.TrimLeft(rest[len(mistralCalls):], " \t\r\n")
		if strings.HasPrefix(rest, "[") {
			// [{"name": ..., "arguments": ..., "id": ...}, ...]
			raw, n, err := firstJSON(rest)
			if err != nil {
				return "", nil, err
			}
			var items []json.RawMessage
			if err := json.Unmarshal(raw, &items); err != nil {
				return "", nil, fmt.Errorf("calls are not a JSON array: %w", err)
			}
			for k, item := range items {
				call, err := decodeCall(string(item))
				if err != nil {
					return "", nil, fmt.Errorf("call %d: %w", len(calls)+k+1, err)
				}
				calls = append(calls, call)
			}
			rest = strings.TrimSpace(rest[n:])
			continue
		}
		// name[ARGS]{...} (optionally name[CALL_ID]id[ARGS]{...})
		j := strings.Index(rest, mistralArgs)
		if j < 0 {
			return "", nil, errors.New("missing [ARGS] after the function name")
		}
		name, id := strings.TrimSpace(rest[:j]), ""
		if k := strings.Index(name, mistralID); k >= 0 {
			name, id = strings.TrimSpace(name[:k]), strings.TrimSpace(name[k+len(mistralID):])
		}
		if !validName(name) {
			return "", nil, fmt.Errorf("bad function name %q", truncate(name, 40))
		}
		raw, n, err := firstJSON(strings.TrimLeft(rest[j+len(mistralArgs):], " \t\r\n"))
		if err != nil {
			return "", nil, err
		}
		args, err := normalizeArguments(raw)
		if err != nil {
			return "", nil, err
		}
		if !isJSONObject(args) {
			return "", nil, errors.New("arguments are not a JSON object")
		}
		calls = append(calls, ToolCall{ID: id, Name: name, Arguments: compactJSON(args)})
		rest = strings.TrimLeft(rest[j+len(mistralArgs):], " \t\r\n")[n:]
		rest = strings.TrimSpace(rest)
	}
	if rest != "" {
		if content != "" {
			content += "\n"
		}
		content += rest
	}
	return content, calls, nil
}

// --- shared ----------------------------------------------------------------

// firstJSON decodes the JSON value at the start of s and returns it with
// the number of bytes it took.
func firstJSON(s string) (json.RawMessage, int, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return nil, 0, fmt.Errorf("invalid JSON: %w", err)
	}
	return raw, int(dec.InputOffset()), nil
}

// decodeCall reads {"name", "arguments"|"parameters", "id"} (also wrapped
// as {"type": "function", "function": {...}}).
func decodeCall(s string) (ToolCall, error) {
	var obj struct {
		ID         string          `json:"id"`
		Name       string          `json:"name"`
		Arguments  json.RawMessage `json:"arguments"`
		Parameters json.RawMessage `json:"parameters"`
		Function   *struct {
			Name      string          `json:"name"`
			Arguments json.RawMessage `json:"arguments"`
		} `json:"function"`
	}
	dec := json.NewDecoder(strings.NewReader(s))
	if err := dec.Decode(&obj); err != nil {
		return ToolCall{}, fmt.Errorf("invalid JSON: %w", err)
	}
	if dec.More() {
		return ToolCall{}, errors.New("text after the call's JSON")
	}
	name, args := obj.Name, obj.Arguments
	if obj.Function != nil && name == "" {
		name, args = obj.Function.Name, obj.Function.Arguments
	}
	if len(args) == 0 {
		args = obj.Parameters
	}
	if !validName(name) {
		return ToolCall{}, fmt.Errorf("bad function name %q", truncate(name, 40))
	}
	norm, err := normalizeArguments(args)
	if err != nil {
		return ToolCall{}, err
	}
	if !isJSONObject(norm) {
		return ToolCall{}, errors.New("arguments are not a JSON object")
	}
	return ToolCall{ID: obj.ID, Name: name, Arguments: compactJSON(norm)}, nil
}

func validName(name string) bool {
	if name == "" || len(name) > 256 {
		return false
	}
	for _, r := range name {
		if r <= ' ' || strings.ContainsRune(`"'{}[]<>`, r) {
			return false
		}
	}
	return true
}

func isJSONObject(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) > 0 && t[0] == '{'
}

func compactJSON(raw json.RawMessage) json.RawMessage {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return raw
	}
	return b.Bytes()
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
