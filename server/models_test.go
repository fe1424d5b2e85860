package server_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/docent-dev/docent/agent"
	"github.com/docent-dev/docent/ingest"
	"github.com/docent-dev/docent/ingest/chunk"
	"github.com/docent-dev/docent/ingest/loaders"
	"github.com/docent-dev/docent/llm"
	"github.com/docent-dev/docent/llm/sample"
	"github.com/docent-dev/docent/llm/synth"
	"github.com/docent-dev/docent/retrieval/embedded"
	"github.com/docent-dev/docent/server"
)

func synthFile(t *testing.T, preset, quant string) string {
	t.Helper()
	p, err := synth.Lookup(preset)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), preset+".gguf")
	if _, err := synth.WriteFile(path, p, synth.Options{Quant: quant, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestAskWithLocalModels runs the service with a random-weight generator
// and embedder written by the test: chunks get vectors at ingestion,
// retrieval is hybrid, the answer comes from the model (streamed over SSE)
// and is checked for grounding. Random weights write nonsense, so the
// check must flag it.
func TestAskWithLocalModels(t *testing.T) {
	if testing.Short() {
		t.Skip("writes and runs two small models")
	}
	gen, err := llm.Load(synthFile(t, "qwen2-tiny", "q8_0"), llm.Options{Threads: 2, Context: 1024})
	if err != nil {
		t.Fatal(err)
	}
	defer gen.Close()
	emb, err := llm.Load(synthFile(t, "bert-tiny", "f16"), llm.Options{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer emb.Close()
	ctx := context.Background()
	store, err := embedded.Open(ctx, t.TempDir(), embedded.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	p := &ingest.Pipeline{Store: store, Embedder: emb, Limits: loaders.DefaultLimits(), Chunking: chunk.DefaultOptions()}
	ag := &agent.Agent{Store: store, Embedder: emb, Generator: agent.ModelGenerator{Model: gen, Params: sample.Params{MaxTokens: 24}}}
	ts := httptest.NewServer(server.New(&server.Server{Store: store, Pipeline: p, Agent: ag}))
	defer ts.Close()
	e := &env{t: t, srv: ts, store: store}

	var r uploadResp
	if code := e.uploadFile(filepath.Join(fixtures, "sample.pdf"), &r); code != 201 {
		t.Fatalf("upload: %d %+v", code, r)
	}
	chunks, err := store.Chunks(ctx, r.Documents[0].ID)
	if err != nil || len(chunks) == 0 || len(chunks[0].Vector) != emb.Info().EmbeddingDim {
		t.Fatalf("chunks not embedded: %v", err)
	}
	req, _ := http.NewRequest("POST", ts.URL+"/v1/ask", strings.NewReader(`{"question":"What is the maintenance interval for the Zephyr pump?","stream":true}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var events []string
	var final agent.Answer
	cur, lastData := "", ""
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "event:") {
			cur = strings.TrimSpace(strings.TrimPrefix(line, "event:"))
			events = append(events, cur)
		} else if strings.HasPrefix(line, "data:") && cur != "final" {
			lastData = line
		} else if strings.HasPrefix(line, "data:") && cur == "final" {
			if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "data:")), &final); err != nil {
				t.Fatal(err)
			}
		}
	}
	if events[len(events)-1] == "error" {
		t.Fatalf("ask failed: %s", lastData)
	}
	tokens := strings.Count(strings.Join(events, ","), "token")
	if events[0] != "retrieval" || events[len(events)-1] != "final" || tokens < 2 {
		t.Fatalf("events = %v", events)
	}
	if final.Generator != gen.Info().Name {
		t.Fatalf("final = %+v", final)
	}
	// Random weights: whatever came out is not supported by the sources
	// (a refusal, or claims marked unsupported).
	if final.Grounded {
		t.Fatalf("nonsense from a random model passed the grounding check: %q", final.Answer)
	}
	// Unrelated questions are refused before the model runs.
	a := e.ask("Who won the 1998 football world cup final?")
	if !a.Refused || a.Generator != gen.Info().Name {
		t.Fatalf("unrelated: %+v", a)
	}
}
