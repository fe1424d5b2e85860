package tools

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	lctools "github.com/tmc/langchaingo/tools"
)

func echoTool(name string) *Func {
	return &Func{
		ToolName: name, ToolDescription: "echo",
		Parameters: json.RawMessage(`{"type":"object","properties":{"msg":{"type":"string","maxLength":10},` +
			`"n":{"type":"integer","minimum":1,"maximum":20},"mode":{"enum":["a","b"]}},"required":["msg"],"additionalProperties":false}`),
		Fn: func(_ context.Context, args json.RawMessage) (json.RawMessage, error) { return args, nil },
	}
}

func TestRegisterRejects(t *testing.T) {
	r := NewRegistry(discardLog(), 0)
	if err := r.Register(echoTool("echo")); err != nil {
		t.Fatal(err)
	}
	bad := []Tool{
		nil,
		echoTool("echo"),     // duplicate
		echoTool("bad name"), // space
		echoTool(""),         // empty
		echoTool(strings.Repeat("x", 65)),
		&Func{ToolName: "noschema"},
		&Func{ToolName: "notobject", Parameters: json.RawMessage(`{"type":"string"}`)},
		&Func{ToolName: "badjson", Parameters: json.RawMessage(`{"type":`)},
		&Func{ToolName: "badschema", Parameters: json.RawMessage(`{"type":"object","properties":{"a":{"type":"nonsense"}}}`)},
		&Func{ToolName: "remote", Parameters: json.RawMessage(`{"type":"object","properties":{"a":{"$ref":"https://example.com/s.json"}}}`)},
		&Func{ToolName: "file", Parameters: json.RawMessage(`{"type":"object","properties":{"a":{"$ref":"file:///etc/passwd"}}}`)},
	}
	for _, tl := range bad {
		if err := r.Register(tl); err == nil {
			name := "<nil>"
			if tl != nil {
				name = tl.Name()
			}
			t.Errorf("Register(%q) accepted", name)
		}
	}
	if got := len(r.List()); got != 1 {
		t.Fatalf("%d tools registered, want 1", got)
	}
}

func TestInvokeValidatesBeforeCalling(t *testing.T) {
	r := NewRegistry(discardLog(), 0)
	called := 0
	tl := echoTool("echo")
	inner := tl.Fn
	tl.Fn = func(ctx context.Context, a json.RawMessage) (json.RawMessage, error) { called++; return inner(ctx, a) }
	if err := r.Register(tl); err != nil {
		t.Fatal(err)
	}
	bad := map[string]string{
		`{}`:                      "missing property 'msg'",
		`{"msg":5}`:               "want string",
		`{"msg":"x","extra":1}`:   "additional properties 'extra' not allowed",
		`{"msg":"x","n":21}`:      "maximum",
		`{"msg":"x","n":0}`:       "minimum",
		`{"msg":"x","n":1.5}`:     "want integer",
		`{"msg":"01234567890"}`:   "maxLength",
		`{"msg":"x","mode":"c"}`:  "value must be one of",
		`[1,2]`:                   "must be a JSON object",
		`"str"`:                   "must be a JSON object",
		`{"msg":`:                 "not valid JSON",
		`{"msg":"x"} {"msg":"y"}`: "trailing data",
		`{"msg":"x"}}`:            "trailing data",
	}
	for args, want := range bad {
		_, err := r.Invoke(context.Background(), "echo", json.RawMessage(args))
		var ae *ArgumentError
		if !errors.As(err, &ae) {
			t.Errorf("args %s: error %v, want *ArgumentError", args, err)
			continue
		}
		if ae.Tool != "echo" || !strings.Contains(ae.Message, want) {
			t.Errorf("args %s: message %q, want it to contain %q", args, ae.Message, want)
		}
		if Outcome(err) != "invalid_arguments" {
			t.Errorf("outcome %q", Outcome(err))
		}
	}
	if called != 0 {
		t.Fatalf("tool ran %d times on invalid arguments", called)
	}
	out, err := r.Invoke(context.Background(), "echo", json.RawMessage(` {"msg":"hi","n":20,"mode":"a"} `))
	if err != nil || called != 1 {
		t.Fatalf("valid call: %v (called %d)", err, called)
	}
	if !bytes.Equal(out, []byte(`{"msg":"hi","n":20,"mode":"a"}`)) {
		t.Fatalf("echo returned %s", out)
	}
}

func TestInvokeEmptyArgsMeansEmptyObject(t *testing.T) {
	r := NewRegistry(discardLog(), 0)
	if err := r.Register(Datetime{Now: func() time.Time { return time.Unix(0, 0) }}); err != nil {
		t.Fatal(err)
	}
	for _, a := range []string{"", "null", "{}", "  "} {
		if _, err := r.Invoke(context.Background(), "current_datetime", json.RawMessage(a)); err != nil {
			t.Errorf("args %q: %v", a, err)
		}
	}
}

func TestInvokeUnknown(t *testing.T) {
	r := NewRegistry(discardLog(), 0)
	_, err := r.Invoke(context.Background(), "nope", nil)
	if !errors.Is(err, ErrUnknownTool) || Outcome(err) != "unknown_tool" {
		t.Fatalf("got %v", err)
	}
}

func TestInvokeTimeout(t *testing.T) {
	r := NewRegistry(discardLog(), 50*time.Millisecond)
	block := make(chan struct{})
	defer close(block)
	tools := []*Func{
		{ToolName: "polite", Parameters: json.RawMessage(`{"type":"object"}`), Fn: func(ctx context.Context, _ json.RawMessage) (json.RawMessage, error) {
			<-ctx.Done()
			return nil, ctx.Err()
		}},
		{ToolName: "rude", Parameters: json.RawMessage(`{"type":"object"}`), Fn: func(context.Context, json.RawMessage) (json.RawMessage, error) {
			<-block // ignores its context
			return json.RawMessage(`{}`), nil
		}},
		{ToolName: "own", Limit: 20 * time.Millisecond, Parameters: json.RawMessage(`{"type":"object"}`), Fn: func(ctx context.Context, _ json.RawMessage) (json.RawMessage, error) {
			<-ctx.Done()
			return nil, ctx.Err()
		}},
	}
	for _, tl := range tools {
		if err := r.Register(tl); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		_, err := r.Invoke(context.Background(), tl.ToolName, nil)
		if !errors.Is(err, ErrTimeout) || Outcome(err) != "timeout" {
			t.Errorf("%s: error %v, want ErrTimeout", tl.ToolName, err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%s: took %s", tl.ToolName, d)
		}
	}
	if d, _ := r.Timeout("own"); d != 20*time.Millisecond {
		t.Errorf("own timeout %s", d)
	}
	// A cancelled caller is not a timeout.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.Invoke(ctx, "polite", nil); !errors.Is(err, context.Canceled) || errors.Is(err, ErrTimeout) {
		t.Errorf("cancelled: %v", err)
	}
}

func TestInvokePanicAndBadOutput(t *testing.T) {
	r := NewRegistry(discardLog(), 0)
	r.Register(&Func{ToolName: "boom", Parameters: json.RawMessage(`{"type":"object"}`), Fn: func(context.Context, json.RawMessage) (json.RawMessage, error) {
		panic("kaboom")
	}})
	r.Register(&Func{ToolName: "garbage", Parameters: json.RawMessage(`{"type":"object"}`), Fn: func(context.Context, json.RawMessage) (json.RawMessage, error) {
		return json.RawMessage(`{not json`), nil
	}})
	if _, err := r.Invoke(context.Background(), "boom", nil); err == nil || !strings.Contains(err.Error(), "panicked") {
		t.Errorf("panic: %v", err)
	}
	if _, err := r.Invoke(context.Background(), "garbage", nil); err == nil || !strings.Contains(err.Error(), "invalid JSON") {
		t.Errorf("garbage: %v", err)
	}
}

func TestInvokeLogs(t *testing.T) {
	var buf bytes.Buffer
	r := NewRegistry(slog.New(slog.NewJSONHandler(&buf, nil)), 0)
	r.Register(echoTool("echo"))
	r.Invoke(context.Background(), "echo", json.RawMessage(`{"msg":"secretval"}`))
	r.Invoke(context.Background(), "echo", json.RawMessage(`{}`))
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("log lines: %q", buf.String())
	}
	for i, want := range []string{"ok", "invalid_arguments"} {
		var rec map[string]any
		if err := json.Unmarshal([]byte(lines[i]), &rec); err != nil {
			t.Fatal(err)
		}
		if rec["tool"] != "echo" || rec["outcome"] != want {
			t.Errorf("line %d: %v", i, rec)
		}
		if _, ok := rec["duration_ms"].(float64); !ok {
			t.Errorf("line %d has no duration_ms: %v", i, rec)
		}
	}
	if strings.Contains(buf.String(), "secretval") {
		t.Error("arguments were logged")
	}
}

func TestListSortedWithSchemas(t *testing.T) {
	r, err := NewDefault(discardLog(), Config{Store: fakeSearcher{}})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, in := range r.List() {
		names = append(names, in.Name)
		if !json.Valid(in.Parameters) || in.Description == "" {
			t.Errorf("%s: bad info", in.Name)
		}
	}
	if got := strings.Join(names, ","); got != "calculator,current_datetime,search_documents" {
		t.Fatalf("tools: %s (http_get must be absent without an allowlist)", got)
	}
}

func TestLangChainAdapter(t *testing.T) {
	r, err := NewDefault(discardLog(), Config{Now: func() time.Time { return time.Date(2024, 2, 29, 12, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	var lc []lctools.Tool = r.LangChainTools()
	if len(lc) != 2 {
		t.Fatalf("%d langchaingo tools", len(lc))
	}
	calc, ok := r.LangChain("calculator")
	if !ok {
		t.Fatal("no calculator")
	}
	if !strings.Contains(calc.Description(), `"expression"`) {
		t.Errorf("description lacks the schema: %s", calc.Description())
	}
	out, err := calc.Call(context.Background(), `{"expression":"6*7"}`)
	if err != nil || !strings.Contains(out, `"result":42`) {
		t.Fatalf("Call: %s %v", out, err)
	}
	out, err = calc.Call(context.Background(), `{"expr":"6*7"}`)
	if err != nil || !strings.HasPrefix(out, "error: ") {
		t.Fatalf("bad args through langchaingo: %q %v", out, err)
	}
	out, err = calc.Call(context.Background(), `{"expression":"1/0"}`)
	if err != nil || !strings.Contains(out, "division by zero") {
		t.Fatalf("1/0 through langchaingo: %q %v", out, err)
	}
	if _, ok := r.LangChain("nope"); ok {
		t.Fatal("adapter for unknown tool")
	}
	var single lctools.Tool
	single, err = LangChainOf(Datetime{Now: func() time.Time { return time.Date(2024, 2, 29, 12, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	out, err = single.Call(context.Background(), `{"timezone":"Europe/Berlin"}`)
	if err != nil || !strings.Contains(out, `"date":"2024-02-29"`) || single.Name() != "current_datetime" {
		t.Fatalf("LangChainOf: %s %v", out, err)
	}
	if _, err := LangChainOf(&Func{ToolName: "bad"}); err == nil {
		t.Fatal("LangChainOf accepted a tool without schema")
	}
}

func TestDisabledToolReason(t *testing.T) {
	r, err := NewDefault(discardLog(), Config{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.Invoke(context.Background(), "http_get", json.RawMessage(`{"url":"https://example.com/"}`))
	if !errors.Is(err, ErrUnknownTool) || !strings.Contains(err.Error(), "tools.http_get.allow") {
		t.Fatalf("got %v", err)
	}
	if err := r.Known("calculator"); err != nil {
		t.Fatal(err)
	}
	if err := r.Validate("http_get", nil); !errors.Is(err, ErrUnknownTool) {
		t.Fatal(err)
	}
}

// BenchmarkInvokeOverhead measures what the registry adds to a call:
// schema validation, the timeout context and goroutine, logging (to a
// discarding handler) and output checks, around a tool that does nothing.
func BenchmarkInvokeOverhead(b *testing.B) {
	r := NewRegistry(slog.New(slog.NewTextHandler(io.Discard, nil)), 0)
	r.Register(echoTool("echo"))
	args := json.RawMessage(`{"msg":"hello","n":3,"mode":"a"}`)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Invoke(ctx, "echo", args); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkValidate is schema validation alone.
func BenchmarkValidate(b *testing.B) {
	r := NewRegistry(discardLog(), 0)
	r.Register(echoTool("echo"))
	args := json.RawMessage(`{"msg":"hello","n":3,"mode":"a"}`)
	b.ReportAllocs()
	for b.Loop() {
		if err := r.Validate("echo", args); err != nil {
			b.Fatal(err)
		}
	}
}

func TestInvokeConcurrent(t *testing.T) {
	r, err := NewDefault(discardLog(), Config{})
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 64)
	for i := 0; i < 64; i++ {
		go func(i int) {
			out, err := r.Invoke(context.Background(), "calculator", json.RawMessage(fmt.Sprintf(`{"expression":"%d*2"}`, i)))
			if err == nil && !strings.Contains(string(out), fmt.Sprintf(`"result":%d`, i*2)) {
				err = fmt.Errorf("%d*2 gave %s", i, out)
			}
			errs <- err
		}(i)
	}
	for i := 0; i < 64; i++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
