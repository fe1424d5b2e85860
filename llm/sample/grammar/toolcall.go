package grammar

import (
	"encoding/json"
	"fmt"
)

// Tool is what the grammar needs to know of a tool: its name and the JSON
// Schema of its arguments (empty: an object without properties).
type Tool struct {
	Name       string
	Parameters json.RawMessage
}

// CallFormat is the shape of one tool call object:
// {NameKey: <tool name>, ArgsKey: <arguments>}, with optional literal bytes
// before and after it.
type CallFormat struct {
	NameKey string // "name"
	ArgsKey string // "arguments" (Hermes, Qwen) or "parameters" (Llama 3)
	Prefix  string // e.g. "\n" after a <tool_call> token
	Suffix  string // e.g. "\n" before </tool_call>
	Options Options
}

// Tool call formats of common chat templates.
var (
	// Hermes is the object inside Hermes/Qwen <tool_call>...</tool_call>.
	Hermes = CallFormat{NameKey: "name", ArgsKey: "arguments"}
	// Llama3 is Llama 3.x's JSON tool call.
	Llama3 = CallFormat{NameKey: "name", ArgsKey: "parameters"}
)

// ToolCall compiles a grammar for one Hermes-style tool call,
// {"name": <one of the tools' names>, "arguments": <that tool's
// arguments>}: the name written decides the schema the arguments follow.
func ToolCall(tools []Tool) (*Grammar, error) { return ToolCallWith(tools, Hermes) }

// ToolCallWith is ToolCall with another call shape.
func ToolCallWith(tools []Tool, f CallFormat) (*Grammar, error) {
	if len(tools) == 0 {
		return nil, fmt.Errorf("grammar: no tools")
	}
	if f.NameKey == "" || f.ArgsKey == "" || f.NameKey == f.ArgsKey {
		return nil, fmt.Errorf("grammar: call format needs two different keys (got %q, %q)", f.NameKey, f.ArgsKey)
	}
	c := &compiler{}
	seen := map[string]bool{}
	var alts []*node
	for _, t := range tools {
		if seen[t.Name] {
			return nil, fmt.Errorf("grammar: duplicate tool name %q", t.Name)
		}
		seen[t.Name] = true
		params := t.Parameters
		if len(params) == 0 {
			params = json.RawMessage(`{"type":"object"}`)
		}
		args, err := compileDoc(params, f.Options)
		if err != nil {
			return nil, fmt.Errorf("grammar: tool %q: %w", t.Name, err)
		}
		name, err := c.litNode([][]byte{appendString(nil, t.Name)})
		if err != nil {
			return nil, err
		}
		name.exact = true
		obj := &node{kind: kObject, accepts: tObject, closed: true, props: []prop{
			{name: f.NameKey, node: name, required: true},
			{name: f.ArgsKey, node: args, required: true},
		}}
		obj.first.add('{')
		obj.reqFrom = []bool{true, true, false}
		obj.keyTries = []*litTrie{
			buildLitTrie([][]byte{appendString(nil, f.NameKey)}, []int32{0}),
			buildLitTrie([][]byte{appendString(nil, f.ArgsKey)}, []int32{1}),
		}
		alts = append(alts, obj)
	}
	u, err := c.union(alts, "")
	if err != nil {
		return nil, fmt.Errorf("grammar: %w", err)
	}
	g := &Grammar{root: &node{kind: kRoot, value: u}}
	return g.WithAffixes(f.Prefix, f.Suffix), nil
}
