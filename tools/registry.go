package tools

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// DefaultTimeout is the time limit of a call when neither the tool nor the
// registry sets one.
const DefaultTimeout = 10 * time.Second

// DefaultMaxArgBytes bounds the size of an arguments object.
const DefaultMaxArgBytes = 1 << 20

var validName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// Info describes a registered tool: what GET /v1/tools lists and what a
// model is shown.
type Info struct {
	Name        string          `json:"name"`
	Description string          `json:"description"`
	Parameters  json.RawMessage `json:"parameters"`
}

// Registry holds tools by name. Invoke validates arguments against the
// tool's compiled schema before calling it, enforces a timeout and logs
// every call. A Registry is safe for concurrent use.
type Registry struct {
	log         *slog.Logger
	timeout     time.Duration
	maxArgBytes int

	mu       sync.RWMutex
	tools    map[string]*entry
	disabled map[string]string // name -> why it is not available
}

type entry struct {
	tool    Tool
	schema  *jsonschema.Schema
	timeout time.Duration
}

// NewRegistry returns an empty registry. log may be nil (slog.Default);
// timeout <= 0 means DefaultTimeout.
func NewRegistry(log *slog.Logger, timeout time.Duration) *Registry {
	if log == nil {
		log = slog.Default()
	}
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	return &Registry{log: log, timeout: timeout, maxArgBytes: DefaultMaxArgBytes, tools: map[string]*entry{}, disabled: map[string]string{}}
}

// Register adds t. The name must be 1-64 characters of [A-Za-z0-9_-] and
// unused, and the schema must compile and describe an object.
func (r *Registry) Register(t Tool) error {
	if t == nil {
		return errors.New("register tool: nil tool")
	}
	name := t.Name()
	if !validName.MatchString(name) {
		return fmt.Errorf("register tool %q: name must be 1-64 characters of letters, digits, _ or -", name)
	}
	sch, err := CompileSchema(t.Schema())
	if err != nil {
		return fmt.Errorf("register tool %q: %w", name, err)
	}
	e := &entry{tool: t, schema: sch, timeout: r.timeout}
	if tt, ok := t.(TimeoutTool); ok && tt.Timeout() > 0 {
		e.timeout = tt.Timeout()
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.tools[name]; dup {
		return fmt.Errorf("register tool %q: a tool with this name is already registered", name)
	}
	r.tools[name] = e
	return nil
}

// Disable records that the tool called name is not available and why;
// calls to it fail with ErrUnknownTool and the reason.
func (r *Registry) Disable(name, reason string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.disabled[name] = reason
}

// Known returns nil when a tool called name is registered, else an error
// wrapping ErrUnknownTool (with the reason when the tool was disabled).
func (r *Registry) Known(name string) error {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if _, ok := r.tools[name]; ok {
		return nil
	}
	return r.unknownLocked(name)
}

func (r *Registry) unknownLocked(name string) error {
	if why, ok := r.disabled[name]; ok {
		return fmt.Errorf("%w: %q is disabled: %s", ErrUnknownTool, name, why)
	}
	return fmt.Errorf("%w: %q", ErrUnknownTool, name)
}

// Get returns the tool called name.
func (r *Registry) Get(name string) (Tool, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	e, ok := r.tools[name]
	if !ok {
		return nil, false
	}
	return e.tool, true
}

// List returns every tool with its schema, sorted by name.
func (r *Registry) List() []Info {
	r.mu.RLock()
	out := make([]Info, 0, len(r.tools))
	for _, e := range r.tools {
		out = append(out, Info{Name: e.tool.Name(), Description: e.tool.Description(), Parameters: e.tool.Schema()})
	}
	r.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Timeout returns the time limit of the named tool's calls.
func (r *Registry) Timeout(name string) (time.Duration, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	e, ok := r.tools[name]
	if !ok {
		return 0, false
	}
	return e.timeout, true
}

// Validate checks args against the named tool's schema without calling it.
func (r *Registry) Validate(name string, args json.RawMessage) error {
	r.mu.RLock()
	e, ok := r.tools[name]
	r.mu.RUnlock()
	if !ok {
		return r.Known(name)
	}
	_, err := r.validate(e, name, args)
	return err
}

func (r *Registry) validate(e *entry, name string, args json.RawMessage) (json.RawMessage, error) {
	args = bytes.TrimSpace(args)
	if len(args) == 0 || bytes.Equal(args, []byte("null")) {
		args = json.RawMessage("{}")
	}
	if len(args) > r.maxArgBytes {
		return nil, &ArgumentError{Tool: name, Message: fmt.Sprintf("arguments exceed %d bytes", r.maxArgBytes)}
	}
	inst, err := decodeInstance(args)
	if err != nil {
		return nil, &ArgumentError{Tool: name, Message: "arguments are not valid JSON: " + err.Error()}
	}
	if _, ok := inst.(map[string]any); !ok {
		return nil, &ArgumentError{Tool: name, Message: "arguments must be a JSON object"}
	}
	if err := e.schema.Validate(inst); err != nil {
		return nil, &ArgumentError{Tool: name, Message: schemaMessage(err)}
	}
	return args, nil
}

// schemaMessage condenses the validator's multi-line report to one line:
// "at '/msg': maxLength: got 12, want 10; at '/n': minimum: got 0, want 1".
func schemaMessage(err error) string {
	lines := strings.Split(err.Error(), "\n")
	var parts []string
	for i, l := range lines {
		l = strings.TrimSpace(l)
		l = strings.TrimSpace(strings.TrimPrefix(l, "- "))
		if l == "" || i == 0 && strings.HasPrefix(l, "jsonschema validation failed") {
			continue
		}
		parts = append(parts, l)
	}
	if len(parts) == 0 {
		return err.Error()
	}
	return strings.Join(parts, "; ")
}

// Invoke validates args against the tool's schema, then calls the tool
// under its time limit. Errors: ErrUnknownTool, *ArgumentError, ErrTimeout
// (all wrapped), or what the tool returned (ErrInvalidInput, ErrForbidden,
// ErrUpstream, ...). A panic inside a tool is returned as an error.
func (r *Registry) Invoke(ctx context.Context, name string, args json.RawMessage) (json.RawMessage, error) {
	start := time.Now()
	out, err := r.invoke(ctx, name, args)
	d := time.Since(start)
	attrs := []slog.Attr{
		slog.String("tool", name),
		slog.Float64("duration_ms", float64(d.Microseconds())/1000),
		slog.String("outcome", Outcome(err)),
		slog.Int("arg_bytes", len(args)),
	}
	if err != nil {
		// Arguments are not logged (they may hold personal data); the error
		// text never contains header values of HTTP tools.
		// Bad arguments, timeouts and upstream failures are routine (the
		// caller gets the error); only unclassified errors are warnings.
		level := slog.LevelInfo
		if Outcome(err) == "error" {
			level = slog.LevelWarn
		}
		r.log.LogAttrs(ctx, level, "tool call failed", append(attrs, slog.String("error", err.Error()))...)
		return nil, err
	}
	r.log.LogAttrs(ctx, slog.LevelInfo, "tool call", append(attrs, slog.Int("result_bytes", len(out)))...)
	return out, nil
}

func (r *Registry) invoke(ctx context.Context, name string, args json.RawMessage) (json.RawMessage, error) {
	r.mu.RLock()
	e, ok := r.tools[name]
	var unknown error
	if !ok {
		unknown = r.unknownLocked(name)
	}
	r.mu.RUnlock()
	if !ok {
		return nil, unknown
	}
	args, err := r.validate(e, name, args)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("tool %q: %w", name, err)
	}
	tctx, cancel := context.WithTimeout(ctx, e.timeout)
	defer cancel()
	type result struct {
		out json.RawMessage
		err error
	}
	done := make(chan result, 1) // buffered: a tool that ignores ctx does not leak a blocked sender
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- result{err: fmt.Errorf("tool %q panicked: %v", name, p)}
			}
		}()
		out, err := e.tool.Invoke(tctx, args)
		done <- result{out, err}
	}()
	var res result
	select {
	case res = <-done:
	case <-tctx.Done():
		res.err = tctx.Err()
	}
	if res.err != nil {
		if ctx.Err() == nil && errors.Is(tctx.Err(), context.DeadlineExceeded) && !errors.Is(res.err, ErrTimeout) {
			return nil, fmt.Errorf("%w: %q did not finish within %s", ErrTimeout, name, e.timeout)
		}
		if err := ctx.Err(); err != nil && !errors.Is(res.err, ErrTimeout) {
			if errors.Is(err, context.DeadlineExceeded) {
				return nil, fmt.Errorf("%w: %q: the request's deadline passed", ErrTimeout, name)
			}
			return nil, fmt.Errorf("tool %q: %w", name, err)
		}
		return nil, fmt.Errorf("tool %q: %w", name, res.err)
	}
	if !json.Valid(res.out) {
		return nil, fmt.Errorf("tool %q returned invalid JSON", name)
	}
	return res.out, nil
}

// Outcome names the kind of a call's result for logs and metrics: ok,
// unknown_tool, invalid_arguments, timeout, canceled, forbidden,
// upstream_error, tool_error or error.
func Outcome(err error) string {
	var ae *ArgumentError
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, ErrUnknownTool):
		return "unknown_tool"
	case errors.As(err, &ae):
		return "invalid_arguments"
	case errors.Is(err, ErrTimeout):
		return "timeout"
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, ErrForbidden):
		return "forbidden"
	case errors.Is(err, ErrUpstream):
		return "upstream_error"
	case errors.Is(err, ErrInvalidInput):
		return "tool_error"
	}
	return "error"
}

// CompileSchema compiles a tool's argument schema (draft 2020-12 unless it
// says otherwise). References to other documents are not loaded (no file
// or network access), and the top-level type must be "object".
func CompileSchema(schema json.RawMessage) (*jsonschema.Schema, error) {
	if len(bytes.TrimSpace(schema)) == 0 {
		return nil, errors.New("schema is empty")
	}
	doc, err := decodeInstance(schema)
	if err != nil {
		return nil, fmt.Errorf("schema is not valid JSON: %w", err)
	}
	obj, ok := doc.(map[string]any)
	if !ok || obj["type"] != "object" {
		return nil, errors.New(`schema must be a JSON object with "type": "object"`)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.UseLoader(noLoader{})
	c.AssertFormat()
	const loc = "urn:docent:tool-arguments"
	if err := c.AddResource(loc, doc); err != nil {
		return nil, fmt.Errorf("schema: %w", err)
	}
	sch, err := c.Compile(loc)
	if err != nil {
		return nil, fmt.Errorf("schema: %w", err)
	}
	return sch, nil
}

// noLoader refuses to load referenced schema documents.
type noLoader struct{}

func (noLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("loading external schema %s is not allowed", url)
}

// decodeInstance parses one JSON value (numbers kept exact) and refuses
// trailing data.
func decodeInstance(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(data[dec.InputOffset():])) > 0 {
		return nil, errors.New("trailing data after the JSON value")
	}
	return v, nil
}
