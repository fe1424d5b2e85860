package tokenizer

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/docent-dev/docent/llm/gguf"
)

// TestWriteRefVariants writes the inputs testdata/vocab/gen-refs.mjs needs to
// regenerate testdata/vocab/refs.json with llama.cpp: copies of the test
// vocabularies with tokenizer.ggml.pre replaced (one per pre-tokenizer) and
// the case texts. It runs only when DOCENT_TOKENIZER_REFGEN names an output
// directory:
//
//	DOCENT_TOKENIZER_REFGEN=/tmp/refgen go test ./llm/tokenizer -run TestWriteRefVariants
//	node testdata/vocab/gen-refs.mjs /tmp/refgen > testdata/vocab/refs.json
func TestWriteRefVariants(t *testing.T) {
	dir := os.Getenv("DOCENT_TOKENIZER_REFGEN")
	if dir == "" {
		t.Skip("set DOCENT_TOKENIZER_REFGEN=DIR to write the reference-generation inputs")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var plan []refVariant
	for _, rv := range refVariants() {
		src := vocabPath(rv.Base)
		if src == "" {
			t.Logf("skip %s: base vocab %s absent", rv.Name, rv.Base)
			continue
		}
		f, err := gguf.Open(src)
		if err != nil {
			t.Fatal(err)
		}
		kv := make([]gguf.KeyValue, 0, len(f.KV)+1)
		for _, e := range f.KV {
			if e.Key == KeyPre && rv.Pre != "" {
				continue
			}
			kv = append(kv, e)
		}
		if rv.Pre != "" && rv.Pre != "\x00" {
			kv = append(kv, gguf.KeyValue{Key: KeyPre, Value: gguf.StringValue(rv.Pre)})
		}
		out := filepath.Join(dir, rv.Name+".gguf")
		w, err := os.Create(out)
		if err != nil {
			t.Fatal(err)
		}
		if err := gguf.Write(w, kv, nil); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		f.Close()
		plan = append(plan, rv)
	}
	js, err := json.MarshalIndent(map[string]any{"variants": plan, "texts": refTexts(t)}, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "plan.json"), js, 0o644); err != nil {
		t.Fatal(err)
	}
}
