package grammar

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/docent-dev/docent/llm/gguf"
	"github.com/docent-dev/docent/llm/tokenizer"
)

type vocab struct {
	pieces [][]byte
	eog    []int
}

var vocabCache sync.Map

// loadVocab reads a GGUF vocabulary from the repository's testdata or the
// shared fixtures; it skips the test when neither has it.
func loadVocab(t testing.TB, name string) *vocab {
	t.Helper()
	if v, ok := vocabCache.Load(name); ok {
		return v.(*vocab)
	}
	var path string
	for _, dir := range []string{"../../../testdata/vocab", "../../../../shared/testdata/vocab"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			path = filepath.Join(dir, name)
			break
		}
	}
	if path == "" {
		t.Skipf("vocabulary %s not found in testdata/vocab or ../shared/testdata/vocab", name)
	}
	f, err := gguf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tok, err := tokenizer.FromGGUF(f)
	if err != nil {
		t.Fatal(err)
	}
	v := &vocab{pieces: make([][]byte, tok.VocabSize())}
	for i := range v.pieces {
		v.pieces[i] = append([]byte(nil), tok.Piece(int32(i))...)
	}
	for _, id := range tok.EOGs() {
		v.eog = append(v.eog, int(id))
	}
	vocabCache.Store(name, v)
	return v
}

var searchTools = []Tool{
	{Name: "search_documents", Parameters: json.RawMessage(`{"type":"object","properties":{"query":{"type":"string","minLength":1},"top_k":{"type":"integer","minimum":1,"maximum":50},"collection":{"type":"string"}},"required":["query"],"additionalProperties":false}`)},
	{Name: "calculator", Parameters: json.RawMessage(`{"type":"object","properties":{"expression":{"type":"string","maxLength":200}},"required":["expression"]}`)},
	{Name: "current_datetime", Parameters: json.RawMessage(`{"type":"object","properties":{"timezone":{"type":"string","enum":["UTC","Europe/Paris","America/New_York"]}}}`)},
	{Name: "schedule", Parameters: json.RawMessage(`{"type":"object","properties":{"when":{"type":"string","format":"date-time"},"attendees":{"type":"array","items":{"type":"string"},"minItems":1,"maxItems":4},"urgent":{"type":"boolean"},"budget":{"type":["number","null"],"minimum":0,"maximum":1000.5}},"required":["when","attendees"]}`)},
}

// toolCallOracle is the JSON Schema equivalent of ToolCall(searchTools).
func toolCallOracle(t testing.TB, tools []Tool, argsKey string) string {
	var alts []string
	for _, tl := range tools {
		name, _ := json.Marshal(tl.Name)
		alts = append(alts, `{"type":"object","properties":{"name":{"const":`+string(name)+`},"`+argsKey+`":`+string(tl.Parameters)+`},"required":["name","`+argsKey+`"],"additionalProperties":false}`)
	}
	s := `{"anyOf":[`
	for i, a := range alts {
		if i > 0 {
			s += ","
		}
		s += a
	}
	return s + `]}`
}

// bruteMask is the definition of the mask.
func bruteMask(v *vocab, st State) []bool {
	out := make([]bool, len(v.pieces))
	isEOG := map[int]bool{}
	for _, id := range v.eog {
		isEOG[id] = true
	}
	for i, p := range v.pieces {
		if isEOG[i] {
			out[i] = st.Complete()
			continue
		}
		if len(p) == 0 {
			continue
		}
		_, out[i] = st.AdvanceBytes(p)
	}
	return out
}

func TestMaskMatchesDefinition(t *testing.T) {
	for _, name := range []string{"ggml-vocab-gpt-2.gguf", "ggml-vocab-llama-spm.gguf"} {
		t.Run(name, func(t *testing.T) { testMaskMatchesDefinition(t, loadVocab(t, name)) })
	}
}

func testMaskMatchesDefinition(t *testing.T, v *vocab) {
	g, err := ToolCall(searchTools)
	if err != nil {
		t.Fatal(err)
	}
	m := NewMasker(g, v.pieces, v.eog)
	prefixes := []string{
		``, `{`, `{"`, `{"name": "`, `{"name":"calculator","arguments":{"expression":"`, `{"name":"calculator","arguments":{"expression":"1+\`,
		`{"name":"calculator","arguments":{"expression":"\u00`, `{"name":"calculator","arguments":{"expression":"é` + "\xe4",
		`{"name":"search_documents","arguments":{"query":"a","top_k":`, `{"name":"search_documents","arguments":{"query":"a","top_k":4`,
		`{"name":"schedule","arguments":{"when":"2024-0`, `{"name":"schedule","arguments":{"when":"2024-01-01T00:00:00Z","attendees":["a"],"budget":1000.`,
		`{"name":"current_datetime","arguments":{}}`, `{"name":"current_datetime","arguments":{"timezone":"Europe/`,
	}
	allowed := make([]bool, len(v.pieces))
	for _, p := range prefixes {
		st, ok := g.Start().AdvanceBytes([]byte(p))
		if !ok {
			t.Fatalf("prefix %q rejected", p)
		}
		n := m.Mask(st, allowed)
		want := bruteMask(v, st)
		cnt := 0
		for i := range want {
			if want[i] {
				cnt++
			}
			if want[i] != allowed[i] {
				t.Fatalf("prefix %q: token %d %q: mask %v, definition %v", p, i, v.pieces[i], allowed[i], want[i])
			}
		}
		if n != cnt || n == 0 {
			t.Fatalf("prefix %q: count %d, want %d (>0)", p, n, cnt)
		}
	}
}

// TestRandomModel samples tokens uniformly among the allowed ones, as a
// model with random weights would under the mask, for a budget of tokens;
// calls still open at the end of the budget are closed with Finish. Every
// call must parse and validate.
func TestRandomModel(t *testing.T) {
	name := "ggml-vocab-qwen2.gguf"
	if testing.Short() {
		name = "ggml-vocab-gpt-2.gguf"
	}
	v := loadVocab(t, name)
	m := NewMasker(nil, v.pieces, v.eog) // a masker serves every grammar
	allowed := make([]bool, len(v.pieces))
	var ids []int
	for _, f := range []CallFormat{Hermes, Llama3} {
		g, err := ToolCallWith(searchTools, f)
		if err != nil {
			t.Fatal(err)
		}
		o := oracle(t, toolCallOracle(t, searchTools, f.ArgsKey))
		runs, budget := uint64(40), 150
		if s := os.Getenv("GRAMMAR_RANDOM_MODEL_RUNS"); s != "" { // e.g. 200
			n, _ := strconv.Atoi(s)
			runs = uint64(n)
		}
		finished, tokens := 0, 0
		for seed := uint64(0); seed < runs; seed++ {
			r := rand.New(rand.NewPCG(seed, 7))
			st := g.Start()
			var out []byte
			for step := 0; step < budget && !st.Final(); step++ {
				if m.Mask(st, allowed) == 0 {
					t.Fatalf("seed %d: no token allowed after %q", seed, out)
				}
				ids = ids[:0]
				for i, a := range allowed {
					if a {
						ids = append(ids, i)
					}
				}
				tok := ids[r.IntN(len(ids))]
				st, err = m.Advance(st, tok)
				if err != nil {
					t.Fatalf("seed %d: %v", seed, err)
				}
				tokens++
				if m.isEOG[tok] {
					break
				}
				out = append(out, v.pieces[tok]...)
			}
			if !st.Complete() {
				tail, ok := st.Finish()
				if !ok {
					t.Fatalf("seed %d: cannot finish %q", seed, out)
				}
				out = append(out, tail...)
				finished++
			}
			if !json.Valid(out) {
				t.Fatalf("seed %d: not JSON: %q", seed, out)
			}
			if err := validates(o, out); err != nil {
				t.Fatalf("seed %d: %q: %v", seed, out, err)
			}
		}
		t.Logf("%s, %q: %d random calls valid (%d closed by Finish after %d tokens), %d tokens sampled", name, f.ArgsKey, runs, finished, budget, tokens)
	}
}

func TestMaskerAdvanceErrors(t *testing.T) {
	g, _ := Compile(json.RawMessage(`{"type":"boolean"}`))
	pieces := [][]byte{[]byte("tr"), []byte("ue"), nil, []byte("x"), []byte("false")}
	m := NewMasker(g, pieces, []int{2})
	st := g.Start()
	if _, err := m.Advance(st, 3); err == nil {
		t.Error("x accepted")
	}
	if _, err := m.Advance(st, 2); err == nil {
		t.Error("EOG accepted before completion")
	}
	if _, err := m.Advance(st, 9); err == nil {
		t.Error("out of range accepted")
	}
	st, err := m.Advance(st, 0)
	if err == nil {
		st, err = m.Advance(st, 1)
	}
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Advance(st, 2); err != nil {
		t.Errorf("EOG after completion: %v", err)
	}
	short := make([]bool, 2)
	if n := m.Mask(st, short); n != 0 || short[0] || short[1] {
		t.Errorf("short mask: %d %v", n, short)
	}
	logits := []float32{1, 2, 3, 4, 5}
	if n := m.Apply(st, logits); n != 1 || logits[2] != 3 || logits[0] > -1e38 || logits[4] > -1e38 {
		t.Errorf("Apply: %d %v", n, logits)
	}
}

func benchStates(b *testing.B, g *Grammar) map[string]State {
	out := map[string]State{}
	for name, p := range map[string]string{
		"start":      ``,
		"string":     `{"name":"calculator","arguments":{"expression":"12 + `,
		"boundedstr": `{"name":"search_documents","arguments":{"query":"`,
		"key":        `{"name":"search_documents","arguments":{"query":"x",`,
		"integer":    `{"name":"search_documents","arguments":{"query":"x","top_k":1`,
		"toolname":   `{"name": "`,
		"date-time":  `{"name":"schedule","arguments":{"when":"2024-`,
	} {
		st, ok := g.Start().AdvanceBytes([]byte(p))
		if !ok {
			b.Fatalf("%q rejected", p)
		}
		out[name] = st
	}
	return out
}

// BenchmarkMask: go test -run '^$' -bench Mask ./llm/sample/grammar/
func BenchmarkMask(b *testing.B) {
	v := loadVocab(b, "ggml-vocab-qwen2.gguf")
	g, err := ToolCall(searchTools)
	if err != nil {
		b.Fatal(err)
	}
	m := NewMasker(g, v.pieces, v.eog)
	allowed := make([]bool, len(v.pieces))
	for _, name := range []string{"start", "toolname", "key", "string", "boundedstr", "integer", "date-time"} {
		st := benchStates(b, g)[name]
		b.Run(name, func(b *testing.B) {
			n := 0
			c0 := cpuTime()
			for b.Loop() {
				n = m.Mask(st, allowed)
			}
			b.ReportMetric(float64(n), "allowed")
			if c := cpuTime() - c0; c > 0 {
				b.ReportMetric(float64(c.Microseconds())/float64(b.N), "cpu-µs/op")
			}
		})
	}
}

func BenchmarkNewMasker(b *testing.B) {
	v := loadVocab(b, "ggml-vocab-qwen2.gguf")
	g, _ := ToolCall(searchTools)
	c0 := cpuTime()
	for b.Loop() {
		NewMasker(g, v.pieces, v.eog)
	}
	if c := cpuTime() - c0; c > 0 {
		b.ReportMetric(float64(c.Milliseconds())/float64(b.N), "cpu-ms/op")
	}
}

func TestMaskerConcurrent(t *testing.T) {
	v := loadVocab(t, "ggml-vocab-gpt-2.gguf")
	g, err := ToolCall(searchTools)
	if err != nil {
		t.Fatal(err)
	}
	m := NewMasker(nil, v.pieces, v.eog)
	st, _ := g.Start().AdvanceBytes([]byte(`{"name":"calculator","arguments":{"expression":"`))
	want := make([]bool, len(v.pieces))
	n := m.Mask(st, want)
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			allowed := make([]bool, len(v.pieces))
			logits := make([]float32, len(v.pieces))
			for i := 0; i < 5; i++ {
				if m.Mask(st, allowed) != n || m.Apply(st, logits) != n {
					t.Error("concurrent masks differ")
					return
				}
			}
		}()
	}
	wg.Wait()
}
