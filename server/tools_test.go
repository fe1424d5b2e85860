package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/docent-dev/docent/agent"
	"github.com/docent-dev/docent/ingest"
	"github.com/docent-dev/docent/ingest/chunk"
	"github.com/docent-dev/docent/ingest/loaders"
	"github.com/docent-dev/docent/retrieval/embedded"
	"github.com/docent-dev/docent/server"
	"github.com/docent-dev/docent/tools"
)

type toolsEnv struct {
	t        *testing.T
	srv      *httptest.Server
	upstream *httptest.Server
}

// newToolsEnv serves the API with the built-in tools, http_get allowed to
// reach a local upstream (loopback permitted by the test-only guard
// option), a declared HTTP tool and a tool that never finishes in time.
func newToolsEnv(t *testing.T) *toolsEnv {
	t.Helper()
	store, err := embedded.Open(context.Background(), t.TempDir(), embedded.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	mux := http.NewServeMux()
	mux.HandleFunc("/page", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, `<html><head><title>Status</title></head><body><p>All systems nominal.</p><script>x()</script></body></html>`)
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(5 * time.Second):
		case <-r.Context().Done():
		}
	})
	mux.HandleFunc("/down", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "maintenance", http.StatusServiceUnavailable)
	})
	mux.HandleFunc("/to-private", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://10.0.0.1/admin", http.StatusFound)
	})
	mux.HandleFunc("/api/rates/", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer test-token" {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"currency":%q,"rate":1.25}`, strings.TrimPrefix(r.URL.Path, "/api/rates/"))
	})
	up := httptest.NewServer(mux)
	t.Cleanup(up.Close)
	t.Setenv("TEST_RATES_TOKEN", "test-token")
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	reg, err := tools.NewDefault(log, tools.Config{
		Store: store,
		Now:   func() time.Time { return time.Date(2025, 12, 31, 23, 30, 0, 0, time.UTC) },
		HTTPGet: tools.HTTPGetConfig{
			Allow: []string{"127.0.0.1"}, Timeout: 300 * time.Millisecond, MaxBytes: 4096,
			Guard: tools.Guard{AllowLoopback: true},
		},
		HTTP: []tools.HTTPToolConfig{{
			Name: "exchange_rate", Description: "Exchange rate of a currency.",
			Parameters: json.RawMessage(`{"type":"object","properties":{"currency":{"type":"string","pattern":"^[A-Z]{3}$"}},"required":["currency"],"additionalProperties":false}`),
			URL:        up.URL + "/api/rates/{currency}",
			Headers:    map[string]string{"Authorization": "Bearer ${TEST_RATES_TOKEN}"},
			Guard:      tools.Guard{AllowLoopback: true},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	err = reg.Register(&tools.Func{
		ToolName: "sleepy", ToolDescription: "never finishes in time", Limit: 50 * time.Millisecond,
		Parameters: json.RawMessage(`{"type":"object"}`),
		Fn: func(ctx context.Context, _ json.RawMessage) (json.RawMessage, error) {
			<-ctx.Done()
			return nil, ctx.Err()
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	p := &ingest.Pipeline{Store: store, Limits: loaders.DefaultLimits(), Chunking: chunk.DefaultOptions()}
	s := server.New(&server.Server{Store: store, Pipeline: p, Agent: &agent.Agent{Store: store}, Tools: reg, Log: log})
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return &toolsEnv{t: t, srv: ts, upstream: up}
}

type invokeResp struct {
	Tool       string          `json:"tool"`
	Result     json.RawMessage `json:"result"`
	DurationMS *float64        `json:"duration_ms"`
	Error      *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func (e *toolsEnv) post(path, body string) (int, invokeResp) {
	e.t.Helper()
	resp, err := http.Post(e.srv.URL+path, "application/json", strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var out invokeResp
	if err := json.Unmarshal(data, &out); err != nil {
		e.t.Fatalf("POST %s: status %d, body not JSON: %s", path, resp.StatusCode, data)
	}
	return resp.StatusCode, out
}

func (e *toolsEnv) invoke(name string, args any) (int, invokeResp) {
	e.t.Helper()
	b, _ := json.Marshal(map[string]any{"arguments": args})
	return e.post("/v1/tools/"+name+"/invoke", string(b))
}

func TestToolsList(t *testing.T) {
	e := newToolsEnv(t)
	resp, err := http.Get(e.srv.URL + "/v1/tools")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Tools []struct {
			Name        string                     `json:"name"`
			Description string                     `json:"description"`
			Parameters  map[string]json.RawMessage `json:"parameters"`
		} `json:"tools"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 200 {
		t.Fatalf("status %d: %v", resp.StatusCode, err)
	}
	var names []string
	for _, tl := range out.Tools {
		names = append(names, tl.Name)
		if tl.Description == "" || string(tl.Parameters["type"]) != `"object"` {
			t.Errorf("%s: description %q, parameters %v", tl.Name, tl.Description, tl.Parameters)
		}
	}
	want := "calculator,current_datetime,exchange_rate,http_get,search_documents,sleepy"
	if got := strings.Join(names, ","); got != want {
		t.Fatalf("tools %s, want %s", got, want)
	}
}

func TestToolsInvokeBuiltins(t *testing.T) {
	e := newToolsEnv(t)
	code, r := e.invoke("calculator", map[string]any{"expression": "2^10 + (3 - 1) * 4"})
	if code != 200 || r.Tool != "calculator" || r.DurationMS == nil || !strings.Contains(string(r.Result), `"result":1032`) {
		t.Fatalf("calculator: %d %s", code, r.Result)
	}
	code, r = e.invoke("current_datetime", map[string]any{"timezone": "Asia/Tokyo"})
	if code != 200 || !strings.Contains(string(r.Result), `"datetime":"2026-01-01T08:30:00+09:00"`) || !strings.Contains(string(r.Result), `"weekday":"Thursday"`) {
		t.Fatalf("datetime: %d %s", code, r.Result)
	}
	// search_documents over a document ingested through the API.
	doc := `{"collection":"kb","documents":[{"id":"policy","title":"Return policy","source":"policy.md",` +
		`"text":"Customers may return any item within 30 days of delivery for a full refund. Refunds are issued to the original payment method."}]}`
	if code, _ := e.post("/v1/documents", doc); code >= 300 {
		t.Fatalf("ingest: %d", code)
	}
	code, r = e.invoke("search_documents", map[string]any{"query": "how many days to return an item", "collection": "kb", "top_k": 3})
	if code != 200 {
		t.Fatalf("search: %d %+v", code, r.Error)
	}
	var sr struct {
		Results []tools.SearchResult `json:"results"`
	}
	json.Unmarshal(r.Result, &sr)
	if len(sr.Results) == 0 || sr.Results[0].DocumentID != "policy" || sr.Results[0].ChunkID == "" || sr.Results[0].Title != "Return policy" ||
		sr.Results[0].Source != "policy.md" || !strings.Contains(sr.Results[0].Text, "30 days") {
		t.Fatalf("search results %s", r.Result)
	}
	// http_get against the local upstream.
	code, r = e.invoke("http_get", map[string]any{"url": e.upstream.URL + "/page"})
	if code != 200 || !strings.Contains(string(r.Result), `"text":"All systems nominal."`) || !strings.Contains(string(r.Result), `"title":"Status"`) {
		t.Fatalf("http_get: %d %s %+v", code, r.Result, r.Error)
	}
	// A declared HTTP tool with a header from the environment.
	code, r = e.invoke("exchange_rate", map[string]any{"currency": "EUR"})
	if code != 200 || !strings.Contains(string(r.Result), `"json":{"currency":"EUR","rate":1.25}`) {
		t.Fatalf("exchange_rate: %d %s %+v", code, r.Result, r.Error)
	}
	// No arguments at all is an empty object.
	if code, r = e.post("/v1/tools/current_datetime/invoke", `{}`); code != 200 {
		t.Fatalf("no arguments: %d %+v", code, r.Error)
	}
}

func TestToolsInvokeErrors(t *testing.T) {
	e := newToolsEnv(t)
	cases := []struct {
		name     string
		body     string
		status   int
		code     string
		contains string
	}{
		{"calculator", `{"arguments":{"expr":"1+1"}}`, 400, "invalid_arguments", "missing property 'expression'"},
		{"calculator", `{"arguments":{"expression":5}}`, 400, "invalid_arguments", "want string"},
		{"calculator", `{"arguments":[1]}`, 400, "invalid_arguments", "must be a JSON object"},
		{"search_documents", `{"arguments":{"query":"x","top_k":50}}`, 400, "invalid_arguments", "maximum"},
		{"current_datetime", `{"arguments":{"timezone":"Nowhere/Land"}}`, 422, "tool_error", "unknown time zone"},
		{"calculator", `{"arguments":{"expression":"1/0"}}`, 422, "tool_error", "division by zero"},
		{"calculator", `{"arguments":{"expression":"2 +* 3"}}`, 422, "tool_error", "position"},
		{"exchange_rate", `{"arguments":{"currency":"euro"}}`, 400, "invalid_arguments", "does not match pattern"},
		{"nope", `{"arguments":{}}`, 404, "unknown_tool", "nope"},
		{"calculator", `{"args":{}}`, 400, "invalid_request", "unknown field"},
		{"calculator", `{"arguments":`, 400, "invalid_json", ""},
		{"calculator", ``, 400, "invalid_request", "empty"},
		{"sleepy", `{"arguments":{}}`, 504, "timeout", "did not finish"},
	}
	for _, c := range cases {
		code, r := e.post("/v1/tools/"+c.name+"/invoke", c.body)
		if code != c.status || r.Error == nil || r.Error.Code != c.code || !strings.Contains(r.Error.Message, c.contains) {
			t.Errorf("%s %s: %d %+v, want %d %s containing %q", c.name, c.body, code, r.Error, c.status, c.code, c.contains)
		}
	}
}

func TestToolsHTTPStatuses(t *testing.T) {
	e := newToolsEnv(t)
	cases := []struct {
		url      string
		status   int
		code     string
		contains string
	}{
		{e.upstream.URL + "/slow", 504, "timeout", ""},
		{e.upstream.URL + "/down", 502, "upstream_error", "503"},
		{e.upstream.URL + "/to-private", 403, "destination_refused", "10.0.0.1"},
		{"http://169.254.169.254/latest/meta-data/", 403, "destination_refused", ""},
		{"https://example.com/", 403, "destination_refused", "allowlist"},
	}
	for _, c := range cases {
		start := time.Now()
		code, r := e.invoke("http_get", map[string]any{"url": c.url})
		if code != c.status || r.Error == nil || r.Error.Code != c.code || !strings.Contains(r.Error.Message, c.contains) {
			t.Errorf("%s: %d %+v, want %d %s", c.url, code, r.Error, c.status, c.code)
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("%s took %s", c.url, d)
		}
	}
}

func TestToolsWithoutRegistry(t *testing.T) {
	store, err := embedded.Open(context.Background(), t.TempDir(), embedded.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ts := httptest.NewServer(server.New(&server.Server{Store: store, Agent: &agent.Agent{Store: store}}))
	defer ts.Close()
	resp, err := http.Get(ts.URL + "/v1/tools")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || strings.TrimSpace(string(b)) != `{"tools":[]}` {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
	resp, err = http.Post(ts.URL+"/v1/tools/calculator/invoke", "application/json", bytes.NewReader([]byte(`{"arguments":{}}`)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Fatalf("invoke without tools: %d", resp.StatusCode)
	}
}

// loopResolver resolves every name to 127.0.0.1.
type loopResolver struct{}

func (loopResolver) LookupNetIP(context.Context, string, string) ([]netip.Addr, error) {
	return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil
}

// With the default guard (no test-only loopback permission) http_get
// refuses internal destinations through the API, whatever the allowlist.
func TestToolsHTTPGetRefusesInternal(t *testing.T) {
	store, err := embedded.Open(context.Background(), t.TempDir(), embedded.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	reg := tools.NewRegistry(slog.New(slog.NewTextHandler(io.Discard, nil)), 0)
	hg, err := tools.NewHTTPGet(tools.HTTPGetConfig{Allow: []string{"*"}, Guard: tools.Guard{Resolver: loopResolver{}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := reg.Register(hg); err != nil {
		t.Fatal(err)
	}
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { t.Errorf("request reached %s", r.URL) }))
	defer up.Close()
	ts := httptest.NewServer(server.New(&server.Server{Store: store, Agent: &agent.Agent{Store: store}, Tools: reg}))
	defer ts.Close()
	e := &toolsEnv{t: t, srv: ts}
	port := up.URL[strings.LastIndexByte(up.URL, ':')+1:]
	for _, u := range []string{
		up.URL + "/", "http://127.0.0.1/", "http://10.0.0.1/", "http://169.254.169.254/latest/meta-data/",
		"http://[::1]:" + port + "/", "http://[fd00:ec2::254]/", "http://internal.example:" + port + "/",
		"http://localhost:" + port + "/", "http://2130706433:" + port + "/",
	} {
		code, r := e.invoke("http_get", map[string]any{"url": u})
		if code != http.StatusForbidden || r.Error == nil || r.Error.Code != "destination_refused" {
			t.Errorf("%s: %d %+v", u, code, r.Error)
		}
	}
}
