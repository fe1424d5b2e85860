package synth

import (
	"bytes"
	"crypto/sha256"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/docent-dev/docent/llm/gguf"
)

func build(t *testing.T, preset string, opt Options) (*gguf.File, []byte) {
	t.Helper()
	p, err := Lookup(preset)
	if err != nil {
		t.Fatal(err)
	}
	return buildPreset(t, p, opt)
}

func buildPreset(t *testing.T, p Preset, opt Options) (*gguf.File, []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, p, opt); err != nil {
		t.Fatal(err)
	}
	f, err := gguf.Parse(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return f, buf.Bytes()
}

// The tiny presets must have exactly the tensors (names, shapes) and
// architecture metadata of the parity models that llama.cpp ran.
func TestTinyPresetsMatchParityLayout(t *testing.T) {
	dir := "../../../shared/testdata/parity"
	if _, err := os.Stat(dir); err != nil {
		t.Skip("../shared/testdata/parity not present (shared test data is outside the repo)")
	}
	for preset, ref := range map[string]string{
		"llama-tiny": "llama-tiny-f16.gguf", "qwen2-tiny": "qwen2-tiny-q8_0.gguf", "bert-tiny": "bert-tiny-f16.gguf",
	} {
		f, _ := build(t, preset, Options{Quant: "f16", Seed: 1})
		r, err := gguf.Open(filepath.Join(dir, ref))
		if err != nil {
			t.Fatal(err)
		}
		if len(f.Tensors) != len(r.Tensors) {
			t.Errorf("%s: %d tensors, llama.cpp's %s has %d", preset, len(f.Tensors), ref, len(r.Tensors))
		}
		for _, rt := range r.Tensors {
			ft, ok := f.Tensor(rt.Name)
			if !ok {
				t.Errorf("%s: missing %s", preset, rt.Name)
				continue
			}
			if !reflect.DeepEqual(ft.Dims, rt.Dims) {
				t.Errorf("%s: %s dims %v, want %v", preset, rt.Name, ft.Dims, rt.Dims)
			}
			if (rt.Type == gguf.F32) != (ft.Type == gguf.F32) && rt.Name != "token_types.weight" {
				t.Errorf("%s: %s type %s, llama.cpp's file has %s", preset, rt.Name, ft.Type, rt.Type)
			}
		}
		arch := r.Architecture()
		for _, kv := range r.KV {
			if !strings.HasPrefix(kv.Key, arch+".") {
				continue
			}
			got, ok := f.Get(kv.Key)
			if !ok {
				t.Errorf("%s: missing %s", preset, kv.Key)
			} else if kv.Key != arch+".vocab_size" && !reflect.DeepEqual(got, kv.Value) {
				t.Errorf("%s: %s = %v, llama.cpp's file has %v", preset, kv.Key, got, kv.Value)
			}
		}
		r.Close()
	}
}

func TestDeterministic(t *testing.T) {
	_, a := build(t, "llama-tiny", Options{Quant: "q8_0", Seed: 5})
	_, b := build(t, "llama-tiny", Options{Quant: "q8_0", Seed: 5})
	_, c := build(t, "llama-tiny", Options{Quant: "q8_0", Seed: 6})
	if sha256.Sum256(a) != sha256.Sum256(b) {
		t.Error("same seed, different output")
	}
	if sha256.Sum256(a) == sha256.Sum256(c) {
		t.Error("different seeds, same output")
	}
}

func TestQuantMixes(t *testing.T) {
	for _, q := range QuantNames {
		for _, preset := range []string{"llama-tiny", "qwen2-tiny", "bert-tiny"} {
			p, _ := Lookup(preset)
			if q != "q4_k" {
				p.Vocab = 1024 // keep the test fast; the vocabulary is not what is tested
			}
			f, _ := buildPreset(t, p, Options{Quant: q, Seed: 1})
			counts := map[gguf.GGMLType]int{}
			for i := range f.Tensors {
				ti := &f.Tensors[i]
				counts[ti.Type]++
				if len(ti.Dims) == 1 && ti.Type != gguf.F32 {
					t.Errorf("%s %s: 1-D tensor %s is %s", preset, q, ti.Name, ti.Type)
				}
				x, err := f.TensorFloat32(ti)
				if err != nil {
					t.Fatal(err)
				}
				var ss float64
				for _, v := range x {
					ss += float64(v) * float64(v)
				}
				if ss == 0 && !strings.HasSuffix(ti.Name, ".bias") {
					t.Errorf("%s %s: %s is all zero", preset, q, ti.Name)
				}
			}
			if q == "q4_k" && preset == "llama-tiny" {
				// llama.cpp's Q4_K_M on this shape: 13 Q4_K, 3 Q6_K, 5 F32
				want := map[gguf.GGMLType]int{gguf.Q4_K: 13, gguf.Q6_K: 3, gguf.F32: 5}
				if !reflect.DeepEqual(counts, want) {
					t.Errorf("q4_k mix %v, llama-quantize Q4_K_M gives %v", counts, want)
				}
				ft, _ := f.Uint32("general.file_type")
				if ft != 15 {
					t.Errorf("file_type %d, want 15 (MOSTLY_Q4_K_M)", ft)
				}
			}
		}
	}
	p, _ := Lookup("llama-tiny")
	if err := Write(&bytes.Buffer{}, p, Options{Quant: "q3_k"}); err == nil {
		t.Error("unknown quant accepted")
	}
}

func TestGeneratedBPEVocabIsConsistent(t *testing.T) {
	for _, preset := range []string{"llama-tiny", "qwen2-tiny"} {
		f, _ := build(t, preset, Options{Quant: "f16", Seed: 1})
		toks, _ := f.Strings("tokenizer.ggml.tokens")
		merges, _ := f.Strings("tokenizer.ggml.merges")
		types, _ := f.Int32s("tokenizer.ggml.token_type")
		p, _ := Lookup(preset)
		if len(toks) != p.Vocab || len(types) != p.Vocab {
			t.Fatalf("%s: %d tokens, %d types, want %d", preset, len(toks), len(types), p.Vocab)
		}
		id := map[string]int{}
		for i, s := range toks {
			if _, dup := id[s]; dup {
				t.Fatalf("duplicate token %q", s)
			}
			id[s] = i
		}
		for _, m := range merges {
			a, b, ok := strings.Cut(m, " ")
			if !ok || id[a] == 0 && a != toks[0] || id[b] == 0 && b != toks[0] {
				t.Fatalf("merge %q uses unknown tokens", m)
			}
			if _, ok := id[a+b]; !ok {
				t.Fatalf("merge %q result not a token", m)
			}
		}
		bos, _ := f.Uint32("tokenizer.ggml.bos_token_id")
		if types[bos] != tokControl {
			t.Errorf("bos %d is not a control token", bos)
		}
	}
	f, _ := build(t, "bert-tiny", Options{Quant: "f16", Seed: 1})
	toks, _ := f.Strings("tokenizer.ggml.tokens")
	if len(toks) != 30522 || toks[100] != "[UNK]" || toks[101] != "[CLS]" || toks[102] != "[SEP]" {
		t.Errorf("bert vocab: %d tokens, %q %q %q", len(toks), toks[100], toks[101], toks[102])
	}
	// llama.cpp's WordPiece layout: word starts carry U+2581, continuations are bare.
	has := map[string]bool{}
	for _, s := range toks {
		has[s] = true
	}
	for _, s := range []string{"\u2581the", "\u2581a", "e", "ll", ","} {
		if !has[s] {
			t.Errorf("bert vocab lacks %q", s)
		}
	}
	for s := range has {
		if strings.HasPrefix(s, "##") && len(s) > 2 {
			t.Errorf("bert vocab has HF-style piece %q; llama.cpp expects bare continuations", s)
			break
		}
	}
}

func TestVocabFromFile(t *testing.T) {
	v := "../../../shared/testdata/vocab/ggml-vocab-llama-spm.gguf"
	if _, err := os.Stat(v); err != nil {
		t.Skip("../shared/testdata/vocab not present (shared test data is outside the repo)")
	}
	f, _ := build(t, "llama-tiny", Options{Quant: "q4_0", Seed: 1, VocabPath: v})
	if m, _ := f.String("tokenizer.ggml.model"); m != "llama" {
		t.Errorf("tokenizer model %q", m)
	}
	scores, ok := f.Float32s("tokenizer.ggml.scores")
	if !ok || len(scores) != 32000 {
		t.Error("scores not copied")
	}
	emb, _ := f.Tensor("token_embd.weight")
	if emb.Dims[1] != 32000 {
		t.Errorf("token_embd %v", emb.Dims)
	}
	// The vocabulary size follows the file, not the preset.
	g, _ := build(t, "qwen2-tiny", Options{Quant: "q8_0", Seed: 1, VocabPath: v})
	if n, _ := g.Uint32("qwen2.vocab_size"); n != 32000 {
		t.Errorf("vocab_size %d", n)
	}
}

func TestLlama3RopeFactors(t *testing.T) {
	f := llama3RopeFactors(500000, 64)
	if len(f) != 32 || f[0] != 1 || f[31] != 32 {
		t.Fatalf("rope factors %v", f)
	}
	for i := 1; i < len(f); i++ {
		if f[i] < f[i-1] {
			t.Fatalf("rope factors not monotonic: %v", f)
		}
	}
}

func TestBigPresetsPlan(t *testing.T) {
	want := map[string]uint64{"qwen2.5-0.5b": 494_032_768, "llama-3.2-1b": 1_235_814_432, "minilm-l6": 22_565_376} // minilm: the HF count 22,713,216 includes the pooler, which llama.cpp drops
	for name, params := range want {
		p, _ := Lookup(name)
		m, err := Plan(p, Options{Quant: "q8_0"})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %d params, %d data bytes at q8_0, %d tensors", name, m.Params(), m.DataBytes(), len(m.Tensors))
		if m.Params() != params {
			t.Errorf("%s: %d params, want %d", name, m.Params(), params)
		}
	}
}

// With llama-tiny's vocabulary, our q8_0 and q4_k (Q4_K_M) files give every
// tensor the type llama-quantize chose, and the same file size.
func TestQuantMixMatchesLlamaQuantize(t *testing.T) {
	dir := "../../../shared/testdata"
	vocab := filepath.Join(dir, "vocab/ggml-vocab-llama-spm.gguf")
	if _, err := os.Stat(vocab); err != nil {
		t.Skip("../shared/testdata not present (shared test data is outside the repo)")
	}
	for q, ref := range map[string]string{"q8_0": "llama-tiny-q8_0.gguf", "q4_k": "llama-tiny-q4_k_m.gguf"} {
		f, data := build(t, "llama-tiny", Options{Quant: q, Seed: 1, VocabPath: vocab, Name: "llama-random-256x2-seed1"})
		r, err := gguf.Open(filepath.Join(dir, "parity", ref))
		if err != nil {
			t.Fatal(err)
		}
		for _, rt := range r.Tensors {
			if ft, ok := f.Tensor(rt.Name); !ok || ft.Type != rt.Type {
				t.Errorf("%s: %s: llama-quantize chose %s, we wrote %v", q, rt.Name, rt.Type, ft)
			}
		}
		if ft, _ := f.Uint32("general.file_type"); ft != mustU32(r, "general.file_type") {
			t.Errorf("%s: file_type %d", q, ft)
		}
		if int64(len(data)) != r.Size() {
			t.Errorf("%s: %d bytes, llama-quantize's file has %d", q, len(data), r.Size())
		}
		r.Close()
	}
}

func mustU32(f *gguf.File, k string) uint32 { v, _ := f.Uint32(k); return v }
