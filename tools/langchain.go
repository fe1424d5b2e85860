package tools

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	lctools "github.com/tmc/langchaingo/tools"
)

// LangChainTool adapts a registered tool to langchaingo's tools.Tool. The
// input string is the JSON arguments object; the output is the JSON result.
// Calls go through the registry, so they are validated, time-limited and
// logged like any other call.
//
// Errors the model can fix (arguments that do not match the schema, input
// the tool cannot use, an unknown tool) come back as the text
// "error: ..." with a nil error, so a langchaingo agent can retry; other
// failures (timeouts, refused destinations, upstream errors) are errors.
type LangChainTool struct {
	registry *Registry
	name     string
}

var _ lctools.Tool = (*LangChainTool)(nil)

// LangChain returns the langchaingo adapter of the named tool.
func (r *Registry) LangChain(name string) (*LangChainTool, bool) {
	if _, ok := r.Get(name); !ok {
		return nil, false
	}
	return &LangChainTool{registry: r, name: name}, true
}

// LangChainOf adapts a single tool outside any registry: its calls are
// still validated against its schema, time-limited (DefaultTimeout unless
// the tool sets its own) and logged with slog.Default.
func LangChainOf(t Tool) (*LangChainTool, error) {
	r := NewRegistry(nil, 0)
	if err := r.Register(t); err != nil {
		return nil, err
	}
	return &LangChainTool{registry: r, name: t.Name()}, nil
}

// LangChainTools returns every registered tool as a langchaingo tool,
// sorted by name.
func (r *Registry) LangChainTools() []lctools.Tool {
	infos := r.List()
	out := make([]lctools.Tool, 0, len(infos))
	for _, in := range infos {
		out = append(out, &LangChainTool{registry: r, name: in.Name})
	}
	return out
}

// Name implements tools.Tool.
func (t *LangChainTool) Name() string { return t.name }

// Description implements tools.Tool: the tool's description followed by
// the JSON Schema its input must match.
func (t *LangChainTool) Description() string {
	tool, ok := t.registry.Get(t.name)
	if !ok {
		return ""
	}
	return tool.Description() + "\nInput: a JSON object matching this JSON Schema: " + string(tool.Schema())
}

// Call implements tools.Tool.
func (t *LangChainTool) Call(ctx context.Context, input string) (string, error) {
	out, err := t.registry.Invoke(ctx, t.name, json.RawMessage(strings.TrimSpace(input)))
	if err != nil {
		var ae *ArgumentError
		if errors.As(err, &ae) || errors.Is(err, ErrInvalidInput) || errors.Is(err, ErrUnknownTool) {
			return "error: " + err.Error(), nil
		}
		return "", err
	}
	return string(out), nil
}
