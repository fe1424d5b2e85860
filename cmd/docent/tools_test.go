package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCLI runs the root command with args and returns its stdout.
func runCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	rootCmd.SetOut(&out)
	rootCmd.SetArgs(args)
	defer func() {
		flagJSON, flagConfig, flagDataDir = false, "", ""
		rootCmd.SetArgs(nil)
		rootCmd.SetOut(nil)
	}()
	err := rootCmd.Execute()
	return out.String(), err
}

func TestToolsCLI(t *testing.T) {
	dir := t.TempDir()
	out, err := runCLI(t, "tools", "list", "--data-dir", dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"NAME", "calculator", "expression*", "current_datetime", "timezone", "search_documents", "query*, top_k"} {
		if !strings.Contains(out, want) {
			t.Errorf("list lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "http_get") {
		t.Errorf("http_get listed without an allowlist:\n%s", out)
	}
	out, err = runCLI(t, "tools", "list", "--json", "--data-dir", dir)
	var listed struct {
		Tools []struct {
			Name       string
			Parameters map[string]any
		}
	}
	if err != nil || json.Unmarshal([]byte(out), &listed) != nil || len(listed.Tools) != 3 || listed.Tools[0].Parameters["type"] != "object" {
		t.Fatalf("list --json: %v\n%s", err, out)
	}
	out, err = runCLI(t, "tools", "call", "calculator", `{"expression":"2^10"}`, "--data-dir", dir)
	if err != nil || !strings.Contains(out, `"result": 1024`) {
		t.Fatalf("call: %v\n%s", err, out)
	}
	if _, err := runCLI(t, "tools", "call", "calculator", `{"x":1}`, "--data-dir", dir); err == nil || !strings.Contains(err.Error(), "missing property 'expression'") {
		t.Errorf("bad arguments: %v", err)
	}
	if _, err := runCLI(t, "tools", "call", "nope", "--data-dir", dir); err == nil || !strings.Contains(err.Error(), "unknown tool") {
		t.Errorf("unknown tool: %v", err)
	}
	out, err = runCLI(t, "tools", "call", "current_datetime", "--data-dir", dir)
	if err != nil || !strings.Contains(out, `"timezone": "UTC"`) {
		t.Errorf("no arguments: %v\n%s", err, out)
	}
}

func TestToolsFromConfigFile(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"path":%q,"auth":%q}`, r.URL.EscapedPath(), r.Header.Get("Authorization"))
	}))
	defer api.Close()
	t.Setenv("CLI_TEST_TOKEN", "tok123")
	t.Setenv("DOCENT_TOOLS_HTTP_GET_ALLOW", "example.com,*.example.org")
	dir := t.TempDir()
	cfg := filepath.Join(dir, "docent.yaml")
	yaml := `tools:
  timeout: 5s
  http:
    - name: lookup
      description: Look up an item by id.
      parameters:
        type: object
        properties:
          id: {type: string, minLength: 1}
        required: [id]
        additionalProperties: false
      url: ` + api.URL + `/items/{id}
      headers:
        Authorization: "Bearer ${CLI_TEST_TOKEN}"
      timeout: 2s
      allow_private: true
    - name: create
      description: Create an item.
      parameters: '{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}'
      method: POST
      url: https://api.example.com/items
      body: {item: {label: "{name}"}}
`
	if err := os.WriteFile(cfg, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := runCLI(t, "tools", "list", "--config", cfg, "--data-dir", dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"lookup", "id*", "create", "name*", "http_get", "url*"} {
		if !strings.Contains(out, want) {
			t.Errorf("list lacks %q:\n%s", want, out)
		}
	}
	out, err = runCLI(t, "tools", "list", "--json", "--config", cfg, "--data-dir", dir)
	if err != nil || !strings.Contains(out, "example.com, *.example.org") {
		t.Errorf("http_get allowlist from env not in description: %v", err)
	}
	out, err = runCLI(t, "tools", "call", "lookup", `{"id":"a b/c"}`, "--config", cfg, "--data-dir", dir)
	if err != nil || !strings.Contains(out, `"path": "/items/a%20b%2Fc"`) || !strings.Contains(out, `"auth": "Bearer tok123"`) {
		t.Fatalf("lookup: %v\n%s", err, out)
	}
	// A declared tool whose env var is missing stops startup with a clear error.
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte(strings.ReplaceAll(yaml, "CLI_TEST_TOKEN", "CLI_TEST_UNSET")), 0o600)
	if _, err := runCLI(t, "tools", "list", "--config", bad, "--data-dir", dir); err == nil || !strings.Contains(err.Error(), "CLI_TEST_UNSET is not set") {
		t.Errorf("missing env: %v", err)
	}
}
