package tools

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

type seenRequest struct {
	Method, Path, RawPath, RawQuery, Auth, Key, CT string
	Body                                           string
}

func echoAPI(t *testing.T) (*httptest.Server, *[]seenRequest) {
	t.Helper()
	var mu sync.Mutex
	var seen []seenRequest
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		seen = append(seen, seenRequest{r.Method, r.URL.Path, r.URL.RawPath, r.URL.RawQuery, r.Header.Get("Authorization"), r.Header.Get("X-Api-Key"), r.Header.Get("Content-Type"), string(b)})
		mu.Unlock()
		switch {
		case strings.HasPrefix(r.URL.Path, "/fail"):
			http.Error(w, "upstream broke", http.StatusInternalServerError)
		case strings.HasPrefix(r.URL.Path, "/away"):
			http.Redirect(w, r, "http://example.com/steal", http.StatusFound)
		case strings.HasPrefix(r.URL.Path, "/text"):
			w.Header().Set("Content-Type", "text/plain")
			io.WriteString(w, "plain answer")
		default:
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(map[string]any{"ok": true, "path": r.URL.EscapedPath()})
		}
	})
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts, &seen
}

var weatherSchema = json.RawMessage(`{"type":"object","properties":{"city":{"type":"string","minLength":1},"q":{"type":"string"},` +
	`"days":{"type":"integer","minimum":1,"maximum":7},"tags":{"type":"array","items":{"type":"string"}}},"required":["city"],"additionalProperties":false}`)

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestHTTPToolGET(t *testing.T) {
	ts, seen := echoAPI(t)
	tool, err := NewHTTPTool(HTTPToolConfig{
		Name: "weather", Description: "Weather by city.", Parameters: weatherSchema,
		URL:     ts.URL + "/v1/weather/{city}?q={q}&days={days}",
		Headers: map[string]string{"Authorization": "Bearer ${WEATHER_TOKEN}", "X-Api-Key": "k-${WEATHER_KEY}-z"},
		Guard:   Guard{AllowLoopback: true}, LookupEnv: env(map[string]string{"WEATHER_TOKEN": "s3cr3t", "WEATHER_KEY": "abc"}),
	})
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	r := NewRegistry(slog.New(slog.NewTextHandler(&logs, nil)), 0)
	if err := r.Register(tool); err != nil {
		t.Fatal(err)
	}
	out, err := r.Invoke(context.Background(), "weather", json.RawMessage(`{"city":"São Paulo/x y","q":"a&b=c #d","days":3}`))
	if err != nil {
		t.Fatal(err)
	}
	var res HTTPToolResult
	json.Unmarshal(out, &res)
	if res.Status != 200 || res.ContentType != "application/json" || !strings.Contains(string(res.JSON), `"ok":true`) {
		t.Fatalf("result %s", out)
	}
	got := (*seen)[0]
	if got.Method != "GET" || got.Path != "/v1/weather/São Paulo/x y" || got.RawPath != "/v1/weather/S%C3%A3o%20Paulo%2Fx%20y" {
		t.Errorf("path: %+v", got)
	}
	if got.RawQuery != "q=a%26b%3Dc+%23d&days=3" {
		t.Errorf("query: %q", got.RawQuery)
	}
	if got.Auth != "Bearer s3cr3t" || got.Key != "k-abc-z" || got.Body != "" {
		t.Errorf("headers/body: %+v", got)
	}
	// Failures are logged, but never with header values.
	r.Invoke(context.Background(), "weather", json.RawMessage(`{"city":"x","q":"y"}`))
	tool2, _ := NewHTTPTool(HTTPToolConfig{Name: "broken", Description: "d", Parameters: weatherSchema, URL: ts.URL + "/fail/{city}",
		Headers: map[string]string{"Authorization": "Bearer ${WEATHER_TOKEN}"}, Guard: Guard{AllowLoopback: true}, LookupEnv: env(map[string]string{"WEATHER_TOKEN": "s3cr3t"})})
	r.Register(tool2)
	if _, err := r.Invoke(context.Background(), "broken", json.RawMessage(`{"city":"x"}`)); !errors.Is(err, ErrUpstream) || !strings.Contains(err.Error(), "500") {
		t.Errorf("500: %v", err)
	}
	if strings.Contains(logs.String(), "s3cr3t") || strings.Contains(logs.String(), "abc") {
		t.Errorf("secret in logs:\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), "tool=broken") || !strings.Contains(logs.String(), "outcome=upstream_error") {
		t.Errorf("logs:\n%s", logs.String())
	}
	// Path traversal through an argument is refused.
	if _, err := r.Invoke(context.Background(), "weather", json.RawMessage(`{"city":".."}`)); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("..: %v", err)
	}
}

func TestHTTPToolPOSTBodyTemplate(t *testing.T) {
	ts, seen := echoAPI(t)
	tool, err := NewHTTPTool(HTTPToolConfig{
		Name: "create", Description: "Create.", Parameters: weatherSchema, Method: "post",
		URL:   ts.URL + "/items",
		Body:  json.RawMessage(`{"name":"{city}","label":"city={city}; days={days}","n":"{days}","tags":"{tags}","fixed":[1,"{q}"]}`),
		Guard: Guard{AllowLoopback: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	r := NewRegistry(discardLog(), 0)
	r.Register(tool)
	if _, err := r.Invoke(context.Background(), "create", json.RawMessage(`{"city":"Oslo \"N\"","days":2,"tags":["a","b"]}`)); err != nil {
		t.Fatal(err)
	}
	got := (*seen)[0]
	var body map[string]any
	if err := json.Unmarshal([]byte(got.Body), &body); err != nil {
		t.Fatalf("body %q: %v", got.Body, err)
	}
	want := `{"fixed":[1,null],"label":"city=Oslo \"N\"; days=2","n":2,"name":"Oslo \"N\"","tags":["a","b"]}`
	if b, _ := json.Marshal(body); string(b) != want {
		t.Errorf("body %s\nwant %s", b, want)
	}
	if got.Method != "POST" || got.CT != "application/json" {
		t.Errorf("%+v", got)
	}
	// Without a body template, POST sends the arguments.
	tool2, _ := NewHTTPTool(HTTPToolConfig{Name: "post2", Description: "d", Parameters: weatherSchema, Method: "POST", URL: ts.URL + "/text", Guard: Guard{AllowLoopback: true}})
	r.Register(tool2)
	out, err := r.Invoke(context.Background(), "post2", json.RawMessage(`{"city":"Rome"}`))
	if err != nil || (*seen)[1].Body != `{"city":"Rome"}` || !strings.Contains(string(out), `"text":"plain answer"`) {
		t.Errorf("post2: %s %v %+v", out, err, (*seen)[1])
	}
}

func TestHTTPToolAddressGuard(t *testing.T) {
	ts, seen := echoAPI(t)
	cfg := HTTPToolConfig{Name: "internal", Description: "d", Parameters: weatherSchema, URL: ts.URL + "/x/{city}"}
	closed, err := NewHTTPTool(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := closed.Invoke(context.Background(), json.RawMessage(`{"city":"a"}`)); !errors.Is(err, ErrForbidden) {
		t.Errorf("loopback without allow_private: %v", err)
	}
	cfg.AllowPrivate = true
	open, _ := NewHTTPTool(cfg)
	if _, err := open.Invoke(context.Background(), json.RawMessage(`{"city":"a"}`)); err != nil {
		t.Errorf("allow_private: %v", err)
	}
	// allow_private never opens the metadata address.
	cfg.URL = "http://169.254.169.254/latest/{city}"
	meta, _ := NewHTTPTool(cfg)
	if _, err := meta.Invoke(context.Background(), json.RawMessage(`{"city":"a"}`)); !errors.Is(err, ErrForbidden) {
		t.Errorf("metadata with allow_private: %v", err)
	}
	// Redirects to another host are not followed (headers carry secrets).
	cfg.URL = ts.URL + "/away"
	away, _ := NewHTTPTool(cfg)
	if _, err := away.Invoke(context.Background(), json.RawMessage(`{"city":"a"}`)); !errors.Is(err, ErrForbidden) || !strings.Contains(err.Error(), "another host") {
		t.Errorf("cross-host redirect: %v", err)
	}
	_ = seen
}

func TestHTTPToolTimeout(t *testing.T) {
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(3 * time.Second):
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	tool, err := NewHTTPTool(HTTPToolConfig{Name: "slow", Description: "d", URL: slow.URL + "/", Timeout: 200 * time.Millisecond, Guard: Guard{AllowLoopback: true}})
	if err != nil {
		t.Fatal(err)
	}
	if tool.Timeout() != 1200*time.Millisecond {
		t.Errorf("tool timeout %s", tool.Timeout())
	}
	r := NewRegistry(discardLog(), 0)
	r.Register(tool)
	if _, err := r.Invoke(context.Background(), "slow", nil); !errors.Is(err, ErrTimeout) {
		t.Fatalf("got %v", err)
	}
}

func TestHTTPToolConfigErrors(t *testing.T) {
	base := HTTPToolConfig{Name: "t", Description: "d", Parameters: weatherSchema, URL: "https://api.example.com/{city}"}
	cases := map[string]func(c *HTTPToolConfig){
		"name must be":                func(c *HTTPToolConfig) { c.Name = "bad name" },
		"description is empty":        func(c *HTTPToolConfig) { c.Description = " " },
		"parameters":                  func(c *HTTPToolConfig) { c.Parameters = json.RawMessage(`{"type":"array"}`) },
		"method":                      func(c *HTTPToolConfig) { c.Method = "TRACE" },
		"is not a parameter":          func(c *HTTPToolConfig) { c.URL = "https://api.example.com/{nope}" },
		"scheme or host":              func(c *HTTPToolConfig) { c.URL = "https://{city}.example.com/" },
		"absolute http":               func(c *HTTPToolConfig) { c.URL = "ftp://example.com/{city}" },
		"credentials":                 func(c *HTTPToolConfig) { c.URL = "https://u:p@example.com/{city}" },
		"has no body":                 func(c *HTTPToolConfig) { c.Body = json.RawMessage(`{}`) },
		"body template is not valid":  func(c *HTTPToolConfig) { c.Method = "POST"; c.Body = json.RawMessage(`{`) },
		"body: placeholder {x}":       func(c *HTTPToolConfig) { c.Method = "POST"; c.Body = json.RawMessage(`{"a":"{x}"}`) },
		"MISSING_VAR is not set":      func(c *HTTPToolConfig) { c.Headers = map[string]string{"X-Key": "${MISSING_VAR}"} },
		"header name":                 func(c *HTTPToolConfig) { c.Headers = map[string]string{"Bad Name": "v"} },
		"value is not a valid header": func(c *HTTPToolConfig) { c.Headers = map[string]string{"X-Key": "${NL}"} },
	}
	for want, mod := range cases {
		c := base
		c.LookupEnv = env(map[string]string{"NL": "top\r\nsecret"})
		mod(&c)
		_, err := NewHTTPTool(c)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v", want, err)
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("error leaks a header value: %v", err)
		}
	}
	if _, err := NewHTTPTool(base); err != nil {
		t.Fatalf("base: %v", err)
	}
}
