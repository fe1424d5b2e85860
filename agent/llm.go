package agent

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/docent-dev/docent/llm"
	"github.com/docent-dev/docent/llm/chat"
	"github.com/docent-dev/docent/llm/sample"
	"github.com/docent-dev/docent/llm/sample/grammar"
	"github.com/docent-dev/docent/tools"
)

// ModelGenerator adapts a local decoder (llm.Model) to Generator: messages
// go through the model's own chat template; Params are the sampling
// settings (temperature 0: greedy).
type ModelGenerator struct {
	Model  *llm.Model
	Params sample.Params
	// MaxCallTokens bounds one tool call's JSON (default 256); past it the
	// grammar closes the value with the fewest bytes.
	MaxCallTokens int
}

// Name is the model's name (general.name, else the file name).
func (g ModelGenerator) Name() string { return g.Model.Info().Name }

// Generate implements Generator.
func (g ModelGenerator) Generate(ctx context.Context, msgs []Message, onToken func(string)) (string, error) {
	req := llm.Request{Messages: chatMessages(msgs), Sampling: g.Params}
	if onToken != nil {
		req.OnToken = func(s string) error { onToken(s); return nil }
	}
	res, err := g.Model.Generate(ctx, req)
	if err != nil {
		return "", err
	}
	return res.Text, nil
}

// Fits reports whether msgs (and the tools' descriptions, when given)
// leave room for the answer (Params.MaxTokens, or a quarter of the
// context) in the model's context.
func (g ModelGenerator) Fits(ctx context.Context, msgs []Message, infos []tools.Info) (bool, error) {
	toks, err := g.Model.PromptTokens(ctx, llm.Request{Messages: chatMessages(msgs), Tools: chatTools(infos)})
	if err != nil {
		return false, err
	}
	room := g.Params.MaxTokens
	n := g.Model.Info().ContextLength
	if room <= 0 || room > n/4 {
		room = n / 4
	}
	return len(toks)+room <= n, nil
}

func chatTools(infos []tools.Info) []chat.Tool {
	var ct []chat.Tool
	for _, t := range infos {
		ct = append(ct, chat.Tool{Name: t.Name, Description: t.Description, Parameters: t.Parameters})
	}
	return ct
}

func chatMessages(msgs []Message) []chat.Message {
	cm := make([]chat.Message, len(msgs))
	for i, m := range msgs {
		cm[i] = chat.Message{Role: m.Role, Content: m.Content, Name: m.Name, ToolCallID: m.CallID}
		if m.Call != nil {
			cm[i].ToolCalls = []chat.ToolCall{{ID: m.Call.ID, Name: m.Call.Name, Arguments: m.Call.Arguments}}
		}
	}
	return cm
}

// grammars caches one tool-call grammar per tool set.
var grammars sync.Map // key: tool set signature -> *grammar.Grammar

func toolGrammar(infos []tools.Info) (*grammar.Grammar, error) {
	var key strings.Builder
	gt := make([]grammar.Tool, len(infos))
	for i, t := range infos {
		gt[i] = grammar.Tool{Name: t.Name, Parameters: t.Parameters}
		key.WriteString(t.Name)
		key.WriteByte(0)
		key.Write(t.Parameters)
		key.WriteByte(0)
	}
	if g, ok := grammars.Load(key.String()); ok {
		return g.(*grammar.Grammar), nil
	}
	g, err := grammar.ToolCall(gt)
	if err != nil {
		return nil, fmt.Errorf("tool grammar: %w", err)
	}
	grammars.Store(key.String(), g)
	return g, nil
}

// toolCallOpen is the Hermes/Qwen tool-call marker (also used with the
// ChatML fallback template).
const toolCallOpen = "<tool_call>"

// Step implements ToolStepper. The model writes freely until it opens a
// tool call (the template's <tool_call> marker); from there its output is
// constrained by a grammar compiled from the tools' JSON Schemas, so the
// call always parses, names a known tool and has schema-valid arguments.
// Templates with other tool formats (Llama 3 JSON, Mistral) are prompted
// with their own tool rendering but constrained in the Hermes shape.
func (g ModelGenerator) Step(ctx context.Context, msgs []Message, infos []tools.Info, mode ToolMode, onToken func(string)) (string, *CallRequest, error) {
	cm := chatMessages(msgs)
	var ct []chat.Tool
	if mode != ToolNone {
		ct = chatTools(infos)
	}
	req := llm.Request{Messages: cm, Tools: ct, Sampling: g.Params}
	if onToken != nil {
		req.OnToken = func(s string) error { onToken(s); return nil }
	}
	prefix := ""
	if mode != ToolRequired {
		if mode == ToolAuto {
			req.Stop = []string{toolCallOpen}
		}
		res, err := g.Model.Generate(ctx, req)
		if err != nil {
			return "", nil, err
		}
		if mode == ToolNone || res.StopReason != llm.StopString {
			return res.Text, nil, nil
		}
		prefix = res.Text
	}
	gr, err := toolGrammar(infos)
	if err != nil {
		return "", nil, err
	}
	c := g.Model.NewGrammarConstraint(gr)
	creq := llm.Request{Messages: cm, Tools: ct, Prefix: prefix + toolCallOpen + "\n", Constraint: c, Sampling: g.Params}
	maxCall := g.MaxCallTokens
	if maxCall <= 0 {
		maxCall = 256
	}
	creq.Sampling.MaxTokens = maxCall
	res, err := g.Model.Generate(ctx, creq)
	if err != nil {
		return "", nil, err
	}
	out := res.Text
	if !c.Valid() {
		tail, ok := c.Finish()
		if !ok {
			return "", nil, fmt.Errorf("tool call could not be completed within %d tokens", maxCall)
		}
		out += string(tail)
	}
	var call struct {
		Name      string          `json:"name"`
		Arguments json.RawMessage `json:"arguments"`
	}
	if err := json.Unmarshal([]byte(out), &call); err != nil {
		return "", nil, fmt.Errorf("constrained tool call did not parse (grammar bug): %w: %q", err, out)
	}
	return prefix, &CallRequest{Name: call.Name, Arguments: call.Arguments}, nil
}
