package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/docent-dev/docent/agent"
	"github.com/docent-dev/docent/ingest"
	"github.com/docent-dev/docent/ingest/chunk"
	"github.com/docent-dev/docent/ingest/loaders"
	"github.com/docent-dev/docent/retrieval/embedded"
	"github.com/docent-dev/docent/server"
)

const fixtures = "../testdata/docs"

type env struct {
	t     *testing.T
	srv   *httptest.Server
	store *embedded.Store
	dir   string
}

func newEnv(t *testing.T, dir string, opt server.Options) *env {
	t.Helper()
	store, err := embedded.Open(context.Background(), dir, embedded.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	p := &ingest.Pipeline{Store: store, Limits: loaders.DefaultLimits(), Chunking: chunk.DefaultOptions()}
	s := server.New(&server.Server{Store: store, Pipeline: p, Agent: &agent.Agent{Store: store}, Opt: opt})
	ts := httptest.NewServer(s)
	e := &env{t: t, srv: ts, store: store, dir: dir}
	t.Cleanup(e.close)
	return e
}

func (e *env) close() {
	e.srv.Close()
	e.store.Close()
}

func (e *env) do(method, path, ct string, body io.Reader, out any) int {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.srv.URL+path, body)
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			e.t.Fatalf("%s %s: status %d, body not JSON: %s", method, path, resp.StatusCode, data)
		}
	}
	return resp.StatusCode
}

func (e *env) upload(name string, data []byte, fields map[string]string, out any) int {
	e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	return e.do("POST", "/v1/documents", mw.FormDataContentType(), &buf, out)
}

func (e *env) uploadFile(path string, out any) int {
	e.t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		e.t.Fatal(err)
	}
	return e.upload(filepath.Base(path), data, nil, out)
}

type uploadResp struct {
	Documents []ingest.Result `json:"documents"`
	Error     *struct{ Code, Message string }
}

func (e *env) ask(q string) agent.Answer {
	e.t.Helper()
	var a agent.Answer
	body, _ := json.Marshal(map[string]any{"question": q})
	if code := e.do("POST", "/v1/ask", "application/json", bytes.NewReader(body), &a); code != 200 {
		e.t.Fatalf("ask %q: status %d", q, code)
	}
	return a
}

type errResp struct {
	Error struct{ Code, Message string } `json:"error"`
}

func (e *env) documentCount() int {
	var r struct{ Total int }
	e.do("GET", "/v1/documents", "", nil, &r)
	return r.Total
}

func TestUploadEachFormatAndAsk(t *testing.T) {
	e := newEnv(t, t.TempDir(), server.Options{})
	cases := []struct {
		file, question, want, source string
		page                         int
	}{
		{"sample.txt", "When was the lighthouse on Corvin Island automated?", "1987", "sample.txt", 0},
		{"sample.md", "What is the default port of the Orion gateway?", "7443", "sample.md", 0},
		{"sample.html", "How often is the sourdough starter fed?", "12 hours", "sample.html", 0},
		{"sample.pdf", "What is the maintenance interval for the Zephyr pump?", "450 hours", "sample.pdf", 2},
		{"sample.pdf", "How long does the Zephyr pump warranty last?", "36 months", "sample.pdf", 3},
		{"sample.docx", "How much may employees claim per day for meals while travelling?", "85 euros", "sample.docx", 0},
		{"sample.csv", "Where is the copper valve SKU-4471 stocked?", "Rotterdam", "sample.csv", 0},
		{"sample.json", "What is the billing email of Aurora support?", "billing@aurora.example", "sample.json", 0},
		{"sample.jsonl", "Why does the nightly export fail?", "4 GB", "sample.jsonl", 0},
	}
	uploaded := map[string]bool{}
	for _, c := range cases {
		if uploaded[c.file] {
			continue
		}
		uploaded[c.file] = true
		var r uploadResp
		if code := e.uploadFile(filepath.Join(fixtures, c.file), &r); code != http.StatusCreated {
			t.Fatalf("upload %s: status %d %+v", c.file, code, r)
		}
		if len(r.Documents) != 1 || r.Documents[0].Chunks == 0 || r.Documents[0].Version != 1 || r.Documents[0].Source != c.file {
			t.Fatalf("upload %s: %+v", c.file, r.Documents)
		}
	}
	for _, c := range cases {
		a := e.ask(c.question)
		if a.Refused || !a.Grounded || a.Generator != "extractive" {
			t.Errorf("%s: refused=%v grounded=%v generator=%s answer=%q", c.question, a.Refused, a.Grounded, a.Generator, a.Answer)
			continue
		}
		if !strings.Contains(a.Answer, c.want) || !strings.Contains(a.Answer, "[1]") {
			t.Errorf("%s: answer %q lacks %q or [1]", c.question, a.Answer, c.want)
		}
		cit := a.Citations[0]
		if cit.N != 1 || cit.Source != c.source || cit.Page != c.page || cit.DocumentID == "" || cit.ChunkID == "" || cit.Version != 1 || cit.UpdatedAt.IsZero() {
			t.Errorf("%s: citation %+v, want source %s page %d", c.question, cit, c.source, c.page)
		}
		if !strings.Contains(cit.Snippet, c.want) {
			t.Errorf("%s: snippet %q lacks %q", c.question, cit.Snippet, c.want)
		}
	}
	// The HTML's script/style text must never be searchable.
	if a := e.ask("SHOULD_NOT_APPEAR"); !a.Refused {
		t.Errorf("hidden html text answered: %q", a.Answer)
	}
	if a := e.ask("Who won the 1998 football world cup final?"); !a.Refused || a.Answer != agent.NotFound || len(a.Citations) != 0 {
		t.Errorf("unrelated question: %+v", a)
	}
}

func TestFreshnessReplaceAndDelete(t *testing.T) {
	e := newEnv(t, t.TempDir(), server.Options{})
	v1 := []byte("Service manual.\n\nThe maintenance interval for the Kestrel compressor is 300 hours.\n")
	v2 := []byte("Service manual.\n\nThe maintenance interval for the Kestrel compressor is 500 hours.\n")
	var r uploadResp
	if code := e.upload("kestrel.txt", v1, map[string]string{"collection": "default"}, &r); code != 201 {
		t.Fatalf("upload v1: %d", code)
	}
	id := r.Documents[0].ID
	// Same bytes again: no new version.
	if code := e.upload("kestrel.txt", v1, nil, &r); code != 200 || r.Documents[0].Status != "unchanged" || r.Documents[0].Version != 1 {
		t.Fatalf("re-upload same bytes: %d %+v", code, r.Documents)
	}
	// Same bytes under another name: a duplicate, not stored twice.
	if code := e.upload("copy-of-kestrel.txt", v1, nil, &r); code != 200 || r.Documents[0].Status != "duplicate" || r.Documents[0].ID != id {
		t.Fatalf("duplicate: %d %+v", code, r.Documents)
	}
	if a := e.ask("What is the maintenance interval of the Kestrel compressor?"); !strings.Contains(a.Answer, "300 hours") {
		t.Fatalf("v1 answer %q", a.Answer)
	}
	if code := e.upload("kestrel.txt", v2, nil, &r); code != 200 || r.Documents[0].Status != "updated" || r.Documents[0].Version != 2 || r.Documents[0].ID != id {
		t.Fatalf("upload v2: %d %+v", code, r.Documents)
	}
	a := e.ask("What is the maintenance interval of the Kestrel compressor?")
	if !strings.Contains(a.Answer, "500 hours") || strings.Contains(a.Answer, "300") || a.Citations[0].Version != 2 {
		t.Fatalf("after update: %q %+v", a.Answer, a.Citations)
	}
	var got struct {
		Document struct{ Version, ChunkCount int }
	}
	if code := e.do("GET", "/v1/documents/"+id, "", nil, &got); code != 200 || got.Document.Version != 2 {
		t.Fatalf("GET document: %d %+v", code, got)
	}
	var del map[string]any
	if code := e.do("DELETE", "/v1/documents/"+id, "", nil, &del); code != 200 {
		t.Fatalf("delete: %d", code)
	}
	if a := e.ask("What is the maintenance interval of the Kestrel compressor?"); !a.Refused {
		t.Fatalf("after delete: %q", a.Answer)
	}
	var er errResp
	if code := e.do("GET", "/v1/documents/"+id, "", nil, &er); code != 404 || er.Error.Code != "not_found" {
		t.Fatalf("GET deleted: %d %+v", code, er)
	}
	if code := e.do("DELETE", "/v1/documents/"+id, "", nil, &er); code != 404 {
		t.Fatalf("delete again: %d", code)
	}
}

func TestPersistenceAcrossRestart(t *testing.T) {
	dir := t.TempDir()
	e := newEnv(t, dir, server.Options{})
	var r uploadResp
	if code := e.uploadFile(filepath.Join(fixtures, "sample.pdf"), &r); code != 201 {
		t.Fatalf("upload: %d", code)
	}
	e.close()
	e2 := newEnv(t, dir, server.Options{})
	a := e2.ask("What is the maintenance interval for the Zephyr pump?")
	if !strings.Contains(a.Answer, "450 hours") || a.Citations[0].Page != 2 {
		t.Fatalf("after restart: %+v", a)
	}
}

func TestBadInputIs4xxAndStoreUnchanged(t *testing.T) {
	e := newEnv(t, t.TempDir(), server.Options{MaxBodyBytes: 1 << 20})
	var r uploadResp
	e.uploadFile(filepath.Join(fixtures, "sample.txt"), &r)
	before := e.documentCount()
	corrupt, _ := os.ReadFile(filepath.Join(fixtures, "corrupt.pdf"))
	png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0, 1, 2, 3}, 64)...)
	cases := []struct {
		name        string
		code        int
		errCode     string
		send        func(out any) int
		messageHint string
	}{
		{"corrupt pdf", 422, "corrupt_document", func(o any) int { return e.upload("corrupt.pdf", corrupt, nil, o) }, "corrupt"},
		{"binary image", 415, "unsupported_type", func(o any) int { return e.upload("photo.png", png, nil, o) }, "unsupported"},
		{"empty file", 422, "empty_document", func(o any) int { return e.upload("empty.txt", nil, nil, o) }, "empty"},
		{"whitespace file", 422, "empty_document", func(o any) int { return e.upload("blank.md", []byte("  \n\n\t "), nil, o) }, "empty"},
		{"oversized body", 413, "too_large", func(o any) int { return e.upload("big.txt", bytes.Repeat([]byte("word "), 300_000), nil, o) }, "limit"},
		{"wrong content type", 415, "unsupported_type", func(o any) int { return e.do("POST", "/v1/documents", "text/plain", strings.NewReader("hi"), o) }, "multipart"},
		{"invalid json", 400, "invalid_json", func(o any) int {
			return e.do("POST", "/v1/documents", "application/json", strings.NewReader(`{"documents": [`), o)
		}, "JSON"},
		{"unknown field", 400, "invalid_request", func(o any) int {
			return e.do("POST", "/v1/ask", "application/json", strings.NewReader(`{"questoin": "x"}`), o)
		}, "questoin"},
		{"empty question", 400, "invalid_request", func(o any) int {
			return e.do("POST", "/v1/ask", "application/json", strings.NewReader(`{"question": "  "}`), o)
		}, "empty"},
		{"bad metadata", 400, "invalid_request", func(o any) int {
			return e.upload("x.txt", []byte("some text here"), map[string]string{"metadata": "[1,2"}, o)
		}, "metadata"},
		{"bad collection", 400, "invalid_request", func(o any) int {
			return e.upload("x.txt", []byte("some text here"), map[string]string{"collection": "../etc"}, o)
		}, "collection"},
		{"bad limit", 400, "invalid_request", func(o any) int { return e.do("GET", "/v1/documents?limit=abc", "", nil, o) }, "limit"},
		{"unknown route", 404, "not_found", func(o any) int { return e.do("GET", "/v1/nope", "", nil, o) }, "no route"},
		{"wrong method", 405, "method_not_allowed", func(o any) int { return e.do("PUT", "/v1/ask", "", nil, o) }, "PUT"},
	}
	for _, c := range cases {
		var er errResp
		code := c.send(&er)
		if code != c.code || er.Error.Code != c.errCode || !strings.Contains(strings.ToLower(er.Error.Message), strings.ToLower(c.messageHint)) {
			t.Errorf("%s: got %d %+v, want %d %s (message mentioning %q)", c.name, code, er.Error, c.code, c.errCode, c.messageHint)
		}
	}
	if after := e.documentCount(); after != before {
		t.Fatalf("store changed by bad input: %d -> %d documents", before, after)
	}
	if a := e.ask("When was the lighthouse on Corvin Island automated?"); !strings.Contains(a.Answer, "1987") {
		t.Fatalf("existing data damaged: %q", a.Answer)
	}
}

func TestJSONDocumentsAndStreaming(t *testing.T) {
	e := newEnv(t, t.TempDir(), server.Options{})
	body := `{"collection":"notes","documents":[{"id":"n1","title":"Garden notes","text":"The tomatoes in bed four were planted on 3 May.","metadata":{"season":"spring"}}]}`
	var r uploadResp
	if code := e.do("POST", "/v1/documents", "application/json", strings.NewReader(body), &r); code != 201 || r.Documents[0].ID != "n1" {
		t.Fatalf("json upload: %d %+v", code, r)
	}
	var list struct {
		Documents []struct{ ID, Title string }
		Total     int
	}
	if code := e.do("GET", "/v1/documents?collection=notes", "", nil, &list); code != 200 || list.Total != 1 || list.Documents[0].Title != "Garden notes" {
		t.Fatalf("list: %d %+v", code, list)
	}
	req, _ := http.NewRequest("POST", e.srv.URL+"/v1/ask", strings.NewReader(`{"question":"When were the tomatoes planted?","collection":"notes","stream":true}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		t.Fatalf("content type %q", ct)
	}
	var events []string
	var final agent.Answer
	sc := bufio.NewScanner(resp.Body)
	var cur string
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "event:") {
			cur = strings.TrimSpace(strings.TrimPrefix(line, "event:"))
			events = append(events, cur)
		}
		if strings.HasPrefix(line, "data:") && cur == "final" {
			json.Unmarshal([]byte(strings.TrimPrefix(line, "data:")), &final)
		}
	}
	if strings.Join(events, ",") != "retrieval,token,final" {
		t.Fatalf("events = %v", events)
	}
	if !strings.Contains(final.Answer, "3 May") || final.Citations[0].DocumentID != "n1" {
		t.Fatalf("final = %+v", final)
	}
}

func TestAsyncJob(t *testing.T) {
	e := newEnv(t, t.TempDir(), server.Options{})
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, f := range []string{"sample.md", "sample.docx", "corrupt.pdf"} {
		data, _ := os.ReadFile(filepath.Join(fixtures, f))
		fw, _ := mw.CreateFormFile("file", f)
		fw.Write(data)
	}
	mw.Close()
	var acc struct {
		JobID string `json:"job_id"`
	}
	if code := e.do("POST", "/v1/documents?async=true", mw.FormDataContentType(), &buf, &acc); code != 202 || acc.JobID == "" {
		t.Fatalf("async upload: %d %+v", code, acc)
	}
	var job ingest.Job
	for i := 0; i < 500; i++ {
		e.do("GET", "/v1/jobs/"+acc.JobID, "", nil, &job)
		if job.State == ingest.JobDone || job.State == ingest.JobFailed {
			break
		}
		waitABit()
	}
	if job.State != ingest.JobDone || job.Done != 3 || len(job.Results) != 2 || len(job.Errors) != 1 || job.Errors[0].Code != "corrupt_document" {
		t.Fatalf("job = %+v", job)
	}
	var er errResp
	if code := e.do("GET", "/v1/jobs/job_nope", "", nil, &er); code != 404 {
		t.Fatalf("unknown job: %d", code)
	}
}

func TestAuthAndHealth(t *testing.T) {
	e := newEnv(t, t.TempDir(), server.Options{APIKeys: []string{"s3cret"}})
	var er errResp
	if code := e.do("GET", "/v1/documents", "", nil, &er); code != 401 || er.Error.Code != "unauthorized" {
		t.Fatalf("no key: %d", code)
	}
	req, _ := http.NewRequest("GET", e.srv.URL+"/v1/documents", nil)
	req.Header.Set("Authorization", "Bearer wrong")
	resp, _ := http.DefaultClient.Do(req)
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Fatalf("wrong key: %d", resp.StatusCode)
	}
	req.Header.Set("Authorization", "Bearer s3cret")
	resp, _ = http.DefaultClient.Do(req)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("X-Request-ID") == "" {
		t.Fatalf("right key: %d", resp.StatusCode)
	}
	for _, p := range []string{"/healthz", "/readyz"} {
		var h map[string]any
		if code := e.do("GET", p, "", nil, &h); code != 200 {
			t.Fatalf("%s: %d", p, code)
		}
	}
	resp, _ = http.Get(e.srv.URL + "/metrics")
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(data), "docent_http_requests_total") {
		t.Fatal("metrics missing")
	}
}

func TestConcurrentUploadsAndAsks(t *testing.T) {
	e := newEnv(t, t.TempDir(), server.Options{})
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < 5; i++ {
				text := fmt.Sprintf("Report %d-%d.\n\nThe walrus colony number %d-%d counts %d animals.", w, i, w, i, 100+w*10+i)
				var r uploadResp
				if code := e.upload(fmt.Sprintf("w%d-%d.txt", w, i), []byte(text), nil, &r); code != 201 {
					errs <- fmt.Errorf("upload %d-%d: %d", w, i, code)
				}
				var a agent.Answer
				body := `{"question":"How many animals does the walrus colony count?"}`
				if code := e.do("POST", "/v1/ask", "application/json", strings.NewReader(body), &a); code != 200 {
					errs <- fmt.Errorf("ask: %d", code)
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := e.documentCount(); n != 20 {
		t.Fatalf("documents = %d, want 20", n)
	}
}
