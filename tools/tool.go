// Package tools holds what the agent (and API clients) can call: the Tool
// interface with a JSON Schema for its arguments, a Registry that validates
// arguments before every call and enforces a timeout, the built-in tools
// (search_documents, calculator, current_datetime, http_get) and tools
// declared in the configuration (HTTP requests built from templates).
//
// Every tool also satisfies langchaingo's tools.Tool through the registry
// (see Registry.LangChainTools), so docent's tools plug into langchaingo
// agents. Tool output is data for the model to read, never instructions.
package tools

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Tool is something the agent can call. Schema is the JSON Schema of the
// arguments object; the registry validates arguments against it before
// Invoke runs, so Invoke may rely on the shape the schema promises.
type Tool interface {
	Name() string
	Description() string
	Schema() json.RawMessage
	Invoke(ctx context.Context, args json.RawMessage) (json.RawMessage, error)
}

// TimeoutTool is implemented by tools that want a timeout other than the
// registry's default.
type TimeoutTool interface {
	Timeout() time.Duration
}

// Errors returned (wrapped) by Registry.Invoke and by the tools.
var (
	// ErrUnknownTool: no tool has the requested name.
	ErrUnknownTool = errors.New("unknown tool")
	// ErrTimeout: the call ran past its time limit (the tool's own, the
	// registry's, or an upstream server that did not answer in time).
	ErrTimeout = errors.New("tool call timed out")
	// ErrInvalidInput: the arguments match the schema but the tool cannot
	// use them (an expression that does not parse, an unknown time zone).
	ErrInvalidInput = errors.New("invalid tool input")
	// ErrForbidden: an HTTP tool refused the destination (not allowlisted,
	// or a loopback, private, link-local or metadata address).
	ErrForbidden = errors.New("destination refused")
	// ErrUpstream: an HTTP tool's upstream failed (connection error,
	// non-2xx status, response too large, unsupported content type).
	ErrUpstream = errors.New("upstream request failed")
)

// ArgumentError reports arguments that do not match the tool's schema (or
// are not a JSON object at all). Message is the validator's explanation.
type ArgumentError struct {
	Tool    string
	Message string
}

func (e *ArgumentError) Error() string {
	return fmt.Sprintf("invalid arguments for tool %q: %s", e.Tool, e.Message)
}

// Func is a Tool made of a function; handy for tests and small tools.
type Func struct {
	ToolName        string
	ToolDescription string
	Parameters      json.RawMessage
	Fn              func(ctx context.Context, args json.RawMessage) (json.RawMessage, error)
	Limit           time.Duration // 0: the registry's default
}

func (f *Func) Name() string            { return f.ToolName }
func (f *Func) Description() string     { return f.ToolDescription }
func (f *Func) Schema() json.RawMessage { return f.Parameters }
func (f *Func) Timeout() time.Duration  { return f.Limit }
func (f *Func) Invoke(ctx context.Context, args json.RawMessage) (json.RawMessage, error) {
	if f.Fn == nil {
		return nil, fmt.Errorf("tool %q has no function", f.ToolName)
	}
	return f.Fn(ctx, args)
}

// InvalidInput marks err as ErrInvalidInput without changing its text.
func InvalidInput(err error) error {
	if err == nil {
		return nil
	}
	return inputError{err}
}

type inputError struct{ err error }

func (e inputError) Error() string   { return e.err.Error() }
func (e inputError) Unwrap() []error { return []error{ErrInvalidInput, e.err} }

// invalidf returns an error wrapping ErrInvalidInput.
func invalidf(format string, a ...any) error {
	return inputError{fmt.Errorf(format, a...)}
}

// marshal encodes a tool result.
func marshal(v any) (json.RawMessage, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode result: %w", err)
	}
	return b, nil
}
