package model

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/docent-dev/docent/llm/gguf"
	"github.com/docent-dev/docent/llm/kernels"
	"github.com/docent-dev/docent/llm/synth"
	"github.com/docent-dev/docent/llm/tokenizer"
)

// ---- fixtures -------------------------------------------------------------

// bertTestPreset is a small bert that still has several heads, blocks of
// every quantized size (64 and 256 wide rows) and a vocabulary of its own.
func bertTestPreset() synth.Preset {
	return synth.Preset{Name: "bert-test", Arch: "bert", Vocab: 2000, Embd: 64, Layers: 2, Heads: 4, HeadsKV: 4,
		FFN: 256, Context: 96, Eps: 1e-12, Pooling: 1, Tokenizer: "bert"}
}

// bertSynth writes a random bert with the synth package and parses it.
func bertSynth(t testing.TB, p synth.Preset, quant string, seed uint64) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := synth.Write(&buf, p, synth.Options{Quant: quant, Seed: seed}); err != nil {
		t.Fatalf("synth %s %s: %v", p.Name, quant, err)
	}
	return buf.Bytes()
}

func bertParse(t testing.TB, data []byte) *gguf.File {
	t.Helper()
	f, err := gguf.Parse(data)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return f
}

// bertRewrite parses data, lets edit change its metadata and tensors, and
// writes a new file.
func bertRewrite(t testing.TB, data []byte, edit func(kv []gguf.KeyValue, ts []gguf.WriteTensor) ([]gguf.KeyValue, []gguf.WriteTensor)) []byte {
	t.Helper()
	f := bertParse(t, data)
	kv := append([]gguf.KeyValue(nil), f.KV...)
	var ts []gguf.WriteTensor
	for i := range f.Tensors {
		ti := &f.Tensors[i]
		d, err := f.TensorData(ti)
		if err != nil {
			t.Fatal(err)
		}
		ts = append(ts, gguf.WriteTensor{Name: ti.Name, Dims: append([]uint64(nil), ti.Dims...), Type: ti.Type, Data: d})
	}
	kv, ts = edit(kv, ts)
	var buf bytes.Buffer
	if err := gguf.Write(&buf, kv, ts); err != nil {
		t.Fatalf("rewrite: %v", err)
	}
	return buf.Bytes()
}

func bertSetKV(kv []gguf.KeyValue, key string, v gguf.Value) []gguf.KeyValue {
	for i := range kv {
		if kv[i].Key == key {
			kv[i].Value = v
			return kv
		}
	}
	return append(kv, gguf.KeyValue{Key: key, Value: v})
}

func bertDropTensor(ts []gguf.WriteTensor, name string) []gguf.WriteTensor {
	out := ts[:0:0]
	for _, t := range ts {
		if t.Name != name {
			out = append(out, t)
		}
	}
	return out
}

var bertTestTexts = []string{
	"The warranty covers parts and labour for two years.",
	"",
	"How do I reset the router to factory settings? Hold the button for ten seconds, then wait.",
	"a",
	"Quarterly revenue rose 12% while costs fell; the board approved a dividend of 3.5 cents per share.",
}

// ---- float64 reference ----------------------------------------------------

// bertRef is a plain float64 forward pass over dequantized weights,
// written independently of the engine (loops, no shared helpers).
type bertRef struct {
	arch       string
	E, H, F, L int
	eps        float64
	pooling    int // llama.cpp numbering
	causal     bool
	ropeBase   float64
	t          map[string][]float64
	dims       map[string][]uint64
	tok        *tokenizer.Tokenizer
}

func newBertRef(t testing.TB, f *gguf.File) *bertRef {
	t.Helper()
	r := &bertRef{arch: f.Architecture(), t: map[string][]float64{}, dims: map[string][]uint64{}}
	u := func(k string) int {
		v, ok := f.Uint64(r.arch + "." + k)
		if !ok {
			t.Fatalf("ref: %s missing", k)
		}
		return int(v)
	}
	r.E, r.H, r.F, r.L = u("embedding_length"), u("attention.head_count"), u("feed_forward_length"), u("block_count")
	eps, _ := f.Float32(r.arch + ".attention.layer_norm_epsilon")
	r.eps = float64(eps)
	r.pooling = u("pooling_type")
	r.causal, _ = f.Bool(r.arch + ".attention.causal")
	if b, ok := f.Float32(r.arch + ".rope.freq_base"); ok {
		r.ropeBase = float64(b)
	}
	for i := range f.Tensors {
		ti := &f.Tensors[i]
		v, err := f.TensorFloat32(ti)
		if err != nil {
			t.Fatalf("ref: %s: %v", ti.Name, err)
		}
		d := make([]float64, len(v))
		for j, x := range v {
			d[j] = float64(x)
		}
		r.t[ti.Name] = d
		r.dims[ti.Name] = ti.Dims
	}
	tok, err := tokenizer.FromGGUF(f)
	if err != nil {
		t.Fatal(err)
	}
	r.tok = tok
	return r
}

// linear computes W x + b for a weight stored as rows of len(x).
func (r *bertRef) linear(name string, x []float64) []float64 {
	w := r.t[name+".weight"]
	n := len(x)
	out := make([]float64, len(w)/n)
	for o := range out {
		var s float64
		for i := 0; i < n; i++ {
			s += w[o*n+i] * x[i]
		}
		if b, ok := r.t[name+".bias"]; ok {
			s += b[o]
		}
		out[o] = s
	}
	return out
}

func (r *bertRef) norm(name string, x []float64) []float64 {
	var mean float64
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	var vr float64
	for _, v := range x {
		vr += (v - mean) * (v - mean)
	}
	vr /= float64(len(x))
	w, b := r.t[name+".weight"], r.t[name+".bias"]
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = (v - mean) / math.Sqrt(vr+r.eps) * w[i]
		if b != nil {
			out[i] += b[i]
		}
	}
	return out
}

func (r *bertRef) embed(ids []int32) []float64 {
	E, n := r.E, len(ids)
	hd := E / r.H
	xs := make([][]float64, n)
	for p, id := range ids {
		x := make([]float64, E)
		copy(x, r.t["token_embd.weight"][int(id)*E:])
		if ty, ok := r.t["token_types.weight"]; ok {
			for i := range x {
				x[i] += ty[i]
			}
		}
		if pe, ok := r.t["position_embd.weight"]; ok {
			for i := range x {
				x[i] += pe[p*E+i]
			}
		}
		xs[p] = r.norm("token_embd_norm", x)
	}
	rope := func(v []float64, pos int) {
		for h := 0; h < r.H; h++ {
			for i := 0; i < hd/2; i++ {
				th := float64(pos) * math.Pow(r.ropeBase, -2*float64(i)/float64(hd))
				a, b := v[h*hd+i], v[h*hd+i+hd/2]
				v[h*hd+i] = a*math.Cos(th) - b*math.Sin(th)
				v[h*hd+i+hd/2] = a*math.Sin(th) + b*math.Cos(th)
			}
		}
	}
	for l := 0; l < r.L; l++ {
		p := "blk." + bertItoa(l) + "."
		qs, ks, vs := make([][]float64, n), make([][]float64, n), make([][]float64, n)
		for t := range xs {
			if _, ok := r.t[p+"attn_qkv.weight"]; ok {
				all := r.linear(p+"attn_qkv", xs[t])
				qs[t], ks[t], vs[t] = all[:E], all[E:2*E], all[2*E:]
			} else {
				qs[t], ks[t], vs[t] = r.linear(p+"attn_q", xs[t]), r.linear(p+"attn_k", xs[t]), r.linear(p+"attn_v", xs[t])
			}
			if r.arch == "nomic-bert" {
				rope(qs[t], t)
				rope(ks[t], t)
			}
		}
		next := make([][]float64, n)
		for t := range xs {
			att := make([]float64, E)
			for h := 0; h < r.H; h++ {
				m := n
				if r.causal {
					m = t + 1
				}
				sc := make([]float64, m)
				mx := math.Inf(-1)
				for j := 0; j < m; j++ {
					var s float64
					for i := 0; i < hd; i++ {
						s += qs[t][h*hd+i] * ks[j][h*hd+i]
					}
					sc[j] = s / math.Sqrt(float64(hd))
					mx = math.Max(mx, sc[j])
				}
				var sum float64
				for j := range sc {
					sc[j] = math.Exp(sc[j] - mx)
					sum += sc[j]
				}
				for j := range sc {
					for i := 0; i < hd; i++ {
						att[h*hd+i] += sc[j] / sum * vs[j][h*hd+i]
					}
				}
			}
			o := r.linear(p+"attn_output", att)
			for i := range o {
				o[i] += xs[t][i]
			}
			ffnIn := r.norm(p+"attn_output_norm", o)
			up := r.linear(p+"ffn_up", ffnIn)
			if _, ok := r.t[p+"ffn_gate.weight"]; ok {
				g := r.linear(p+"ffn_gate", ffnIn)
				for i := range up {
					up[i] *= g[i] / (1 + math.Exp(-g[i]))
				}
			} else {
				for i, v := range up {
					up[i] = 0.5 * v * (1 + math.Tanh(math.Sqrt(2/math.Pi)*(v+0.044715*v*v*v)))
				}
			}
			d := r.linear(p+"ffn_down", up)
			for i := range d {
				d[i] += ffnIn[i]
			}
			next[t] = r.norm(p+"layer_output_norm", d)
		}
		xs = next
	}
	out := make([]float64, E)
	switch r.pooling {
	case 2:
		copy(out, xs[0])
	case 3:
		copy(out, xs[n-1])
	default:
		for _, x := range xs {
			for i := range out {
				out[i] += x[i] / float64(n)
			}
		}
	}
	var s float64
	for _, v := range out {
		s += v * v
	}
	for i := range out {
		out[i] /= math.Sqrt(s)
	}
	return out
}

func bertItoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}

func bertCosine(a []float32, b []float64) float64 {
	var ab, aa, bb float64
	for i := range a {
		ab += float64(a[i]) * b[i]
		aa += float64(a[i]) * float64(a[i])
		bb += b[i] * b[i]
	}
	return ab / math.Sqrt(aa*bb)
}

// ---- engine vs reference --------------------------------------------------

func TestBertMatchesReference(t *testing.T) {
	// Minimum cosine per weight type: F32 is only float32 rounding; F16 /
	// BF16 / Q8_0 weights also round the activations the way ggml does
	// (F16, BF16, Q8_0 activations), so they sit a little lower.
	// The k-quants need rows of 256: q4_k runs on a wider model (llama.cpp's
	// Q4_K_M mix, with Q6_K and Q5_0 tensors in it).
	wide := bertTestPreset()
	wide.Embd, wide.FFN = 256, 256
	cases := []struct {
		quant string
		min   float64
		p     synth.Preset
	}{
		{"f32", 0.999999, bertTestPreset()}, {"f16", 0.99999, bertTestPreset()}, {"bf16", 0.9999, bertTestPreset()},
		{"q8_0", 0.9995, bertTestPreset()}, {"q4_0", 0.999, bertTestPreset()}, {"q4_k", 0.999, wide},
	}
	for _, c := range cases {
		t.Run(c.quant, func(t *testing.T) {
			data := bertSynth(t, c.p, c.quant, 7)
			f := bertParse(t, data)
			ref := newBertRef(t, f)
			enc, err := LoadEncoder(f, EncoderOptions{Threads: 2, BatchTokens: 40})
			if err != nil {
				t.Fatalf("LoadEncoder: %v", err)
			}
			defer enc.Close()
			got, err := enc.Embed(context.Background(), bertTestTexts)
			if err != nil {
				t.Fatalf("Embed: %v", err)
			}
			if len(got) != len(bertTestTexts) {
				t.Fatalf("got %d vectors for %d texts", len(got), len(bertTestTexts))
			}
			for i, text := range bertTestTexts {
				ids, err := enc.Tokenize(text)
				if err != nil {
					t.Fatal(err)
				}
				want := ref.embed(ids)
				if len(got[i]) != enc.Dim() {
					t.Fatalf("text %d: dim %d, want %d", i, len(got[i]), enc.Dim())
				}
				cos := bertCosine(got[i], want)
				if !(cos >= c.min) {
					t.Errorf("text %d (%d tokens): cosine %.7f < %g", i, len(ids), cos, c.min)
				}
				if testing.Verbose() {
					t.Logf("text %d (%d tokens): cosine %.8f", i, len(ids), cos)
				}
			}
		})
	}
}

func TestBertPoolingAndCausal(t *testing.T) {
	p := bertTestPreset()
	p.Pooling = 2
	data := bertSynth(t, p, "f32", 3)
	check := func(name string, data []byte, opts EncoderOptions, refPooling int, want Pooling) {
		t.Run(name, func(t *testing.T) {
			f := bertParse(t, data)
			ref := newBertRef(t, f)
			ref.pooling = refPooling
			opts.Threads = 2
			enc, err := LoadEncoder(f, opts)
			if err != nil {
				t.Fatal(err)
			}
			defer enc.Close()
			if enc.Pooling() != want {
				t.Fatalf("pooling %v, want %v", enc.Pooling(), want)
			}
			got, err := enc.Embed(context.Background(), bertTestTexts[:3])
			if err != nil {
				t.Fatal(err)
			}
			for i := range got {
				ids, _ := enc.Tokenize(bertTestTexts[i])
				if cos := bertCosine(got[i], ref.embed(ids)); cos < 0.999999 {
					t.Errorf("text %d: cosine %.7f", i, cos)
				}
			}
		})
	}
	check("cls-from-file", data, EncoderOptions{}, 2, PoolingCLS)
	check("last-option", data, EncoderOptions{Pooling: PoolingLast}, 3, PoolingLast)
	check("mean-option", data, EncoderOptions{Pooling: PoolingMean}, 1, PoolingMean)
	causal := bertRewrite(t, data, func(kv []gguf.KeyValue, ts []gguf.WriteTensor) ([]gguf.KeyValue, []gguf.WriteTensor) {
		return bertSetKV(kv, "bert.attention.causal", gguf.BoolValue(true)), ts
	})
	check("causal", causal, EncoderOptions{Pooling: PoolingMean}, 1, PoolingMean)
}

// TestBertFusedQKV checks the attn_qkv layout (one matrix for q, k and v)
// against the separate one.
func TestBertFusedQKV(t *testing.T) {
	data := bertSynth(t, bertTestPreset(), "q8_0", 5)
	fused := bertRewrite(t, data, bertFuseQKV)
	a := bertEmbedAll(t, data, EncoderOptions{})
	b := bertEmbedAll(t, fused, EncoderOptions{})
	for i := range a {
		if d := bertMaxDiff(a[i], b[i]); d > 1e-6 {
			t.Errorf("text %d: fused differs by %g", i, d)
		}
	}
}

func bertFuseQKV(kv []gguf.KeyValue, ts []gguf.WriteTensor) ([]gguf.KeyValue, []gguf.WriteTensor) {
	byName := map[string]gguf.WriteTensor{}
	for _, t := range ts {
		byName[t.Name] = t
	}
	var out []gguf.WriteTensor
	for _, t := range ts {
		base, ok := strings.CutSuffix(t.Name, "attn_q.weight")
		if ok {
			k, v := byName[base+"attn_k.weight"], byName[base+"attn_v.weight"]
			data := append(append(append([]byte(nil), t.Data...), k.Data...), v.Data...)
			out = append(out, gguf.WriteTensor{Name: base + "attn_qkv.weight", Dims: []uint64{t.Dims[0], 3 * t.Dims[1]}, Type: t.Type, Data: data})
			continue
		}
		if base, ok := strings.CutSuffix(t.Name, "attn_q.bias"); ok {
			k, v := byName[base+"attn_k.bias"], byName[base+"attn_v.bias"]
			data := append(append(append([]byte(nil), t.Data...), k.Data...), v.Data...)
			out = append(out, gguf.WriteTensor{Name: base + "attn_qkv.bias", Dims: []uint64{3 * t.Dims[0]}, Type: t.Type, Data: data})
			continue
		}
		if strings.HasSuffix(t.Name, "attn_k.weight") || strings.HasSuffix(t.Name, "attn_v.weight") ||
			strings.HasSuffix(t.Name, "attn_k.bias") || strings.HasSuffix(t.Name, "attn_v.bias") {
			continue
		}
		out = append(out, t)
	}
	return kv, out
}

func bertEmbedAll(t *testing.T, data []byte, opts EncoderOptions) [][]float32 {
	t.Helper()
	if opts.Threads == 0 {
		opts.Threads = 2
	}
	enc, err := LoadEncoder(bertParse(t, data), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	got, err := enc.Embed(context.Background(), bertTestTexts)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func bertMaxDiff(a, b []float32) float64 {
	var d float64
	for i := range a {
		d = math.Max(d, math.Abs(float64(a[i]-b[i])))
	}
	return d
}

// bertNomicEdit turns a bert file into nomic-bert: keys renamed, rope
// (base 1000) instead of position embeddings, fused qkv without biases,
// no output or feed-forward biases, a random F32 ffn_gate per layer.
func bertNomicEdit(kv []gguf.KeyValue, ts []gguf.WriteTensor) ([]gguf.KeyValue, []gguf.WriteTensor) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range kv {
		if rest, ok := strings.CutPrefix(kv[i].Key, "bert."); ok {
			kv[i].Key = "nomic-bert." + rest
		}
	}
	kv = bertSetKV(kv, "general.architecture", gguf.StringValue("nomic-bert"))
	kv = bertSetKV(kv, "nomic-bert.rope.freq_base", gguf.Float32Value(1000))
	kv, ts = bertFuseQKV(kv, ts)
	var out []gguf.WriteTensor
	for _, t := range ts {
		switch {
		case t.Name == "position_embd.weight", strings.HasSuffix(t.Name, "attn_qkv.bias"),
			strings.HasSuffix(t.Name, "attn_output.bias"), strings.HasSuffix(t.Name, "ffn_up.bias"),
			strings.HasSuffix(t.Name, "ffn_down.bias"):
			continue
		}
		out = append(out, t)
		if base, ok := strings.CutSuffix(t.Name, "ffn_up.weight"); ok {
			n := int(t.Dims[0] * t.Dims[1])
			g := make([]byte, 4*n)
			for i := 0; i < n; i++ {
				binary.LittleEndian.PutUint32(g[4*i:], math.Float32bits(float32(rng.NormFloat64()*0.2)))
			}
			out = append(out, gguf.WriteTensor{Name: base + "ffn_gate.weight", Dims: t.Dims, Type: gguf.F32, Data: g})
		}
	}
	return kv, out
}

// TestBertNomic checks nomic-bert (fused qkv without biases, NEOX rope
// instead of position embeddings, SwiGLU feed-forward) against the
// reference on a file rewritten from a random bert.
func TestBertNomic(t *testing.T) {
	data := bertSynth(t, bertTestPreset(), "f16", 9)
	nomic := bertRewrite(t, data, bertNomicEdit)
	f := bertParse(t, nomic)
	ref := newBertRef(t, f)
	enc, err := LoadEncoder(f, EncoderOptions{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	if enc.Architecture() != "nomic-bert" {
		t.Fatalf("architecture %q", enc.Architecture())
	}
	got, err := enc.Embed(context.Background(), bertTestTexts)
	if err != nil {
		t.Fatal(err)
	}
	for i, text := range bertTestTexts {
		ids, _ := enc.Tokenize(text)
		if cos := bertCosine(got[i], ref.embed(ids)); cos < 0.99999 {
			t.Errorf("text %d: cosine %.7f", i, cos)
		}
	}
}

// TestBertBatching checks that texts evaluated together give the vectors
// they give alone.
func TestBertBatching(t *testing.T) {
	data := bertSynth(t, bertTestPreset(), "q8_0", 11)
	together := bertEmbedAll(t, data, EncoderOptions{BatchTokens: 4096})
	enc, err := LoadEncoder(bertParse(t, data), EncoderOptions{Threads: 1, BatchTokens: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	for i, text := range bertTestTexts {
		alone, err := enc.Embed(context.Background(), []string{text})
		if err != nil {
			t.Fatal(err)
		}
		if d := bertMaxDiff(alone[0], together[i]); d > 1e-6 {
			t.Errorf("text %d: batched differs from alone by %g", i, d)
		}
		var norm float64
		for _, v := range alone[0] {
			norm += float64(v) * float64(v)
		}
		if math.Abs(norm-1) > 1e-5 {
			t.Errorf("text %d: squared norm %g", i, norm)
		}
	}
	none, err := LoadEncoder(bertParse(t, data), EncoderOptions{Normalize: NormalizeNone})
	if err != nil {
		t.Fatal(err)
	}
	defer none.Close()
	raw, err := none.Embed(context.Background(), bertTestTexts[:1])
	if err != nil {
		t.Fatal(err)
	}
	var norm float64
	for _, v := range raw[0] {
		norm += float64(v) * float64(v)
	}
	if math.Abs(norm-1) < 1e-3 {
		t.Errorf("NormalizeNone returned a unit vector")
	}
	if got, err := enc.Embed(context.Background(), nil); err != nil || len(got) != 0 {
		t.Errorf("Embed(nil) = %v, %v", got, err)
	}
}

// TestBertConcurrent runs Embed from several goroutines on one encoder
// with a shared pool (which the encoder must not close).
func TestBertConcurrent(t *testing.T) {
	data := bertSynth(t, bertTestPreset(), "q8_0", 4)
	pool := kernels.NewPool(2)
	defer pool.Close()
	enc, err := LoadEncoder(bertParse(t, data), EncoderOptions{Pool: pool})
	if err != nil {
		t.Fatal(err)
	}
	want, err := enc.Embed(context.Background(), bertTestTexts)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := enc.Embed(context.Background(), bertTestTexts)
			if err != nil {
				errs <- err
				return
			}
			for i := range got {
				if d := bertMaxDiff(got[i], want[i]); d != 0 {
					errs <- fmt.Errorf("text %d differs by %g", i, d)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	enc.Close()
	// The shared pool stays usable for other models after the encoder closes.
	enc2, err := LoadEncoder(bertParse(t, data), EncoderOptions{Pool: pool})
	if err != nil {
		t.Fatal(err)
	}
	defer enc2.Close()
	if got, err := enc2.Embed(context.Background(), bertTestTexts[:1]); err != nil || bertMaxDiff(got[0], want[0]) != 0 {
		t.Errorf("after closing the first encoder: %v", err)
	}
}

func TestBertTruncation(t *testing.T) {
	data := bertSynth(t, bertTestPreset(), "f32", 2)
	long := strings.Repeat("parts and labour for two years ", 40)
	enc, err := LoadEncoder(bertParse(t, data), EncoderOptions{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	if enc.MaxTokens() != 96 {
		t.Fatalf("MaxTokens %d, want the context length 96", enc.MaxTokens())
	}
	_, err = enc.Embed(context.Background(), []string{"short", long})
	if !errors.Is(err, ErrTextTooLong) || !strings.Contains(err.Error(), "text 1") {
		t.Fatalf("long text: err = %v, want ErrTextTooLong naming text 1", err)
	}

	tr, err := LoadEncoder(bertParse(t, data), EncoderOptions{Threads: 2, Truncate: true, MaxTokens: 20})
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	ids, err := tr.Tokenize(long)
	if err != nil {
		t.Fatal(err)
	}
	full := tr.Tokenizer().Encode(long, tokenizer.EncodeOptions{AddSpecial: true})
	if len(ids) != 20 || ids[0] != full[0] || ids[19] != full[len(full)-1] {
		t.Fatalf("truncated ids %v (full starts %v ends %v)", ids, full[:2], full[len(full)-1])
	}
	vecs, err := tr.Embed(context.Background(), []string{long})
	if err != nil {
		t.Fatal(err)
	}
	ref := newBertRef(t, bertParse(t, data))
	if cos := bertCosine(vecs[0], ref.embed(ids)); cos < 0.999999 {
		t.Errorf("truncated: cosine %.7f", cos)
	}
}

func TestBertCancel(t *testing.T) {
	data := bertSynth(t, bertTestPreset(), "f32", 2)
	enc, err := LoadEncoder(bertParse(t, data), EncoderOptions{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := enc.Embed(ctx, bertTestTexts); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	enc.Close()
	if _, err := enc.Embed(context.Background(), bertTestTexts); err == nil {
		t.Fatal("Embed after Close succeeded")
	}
}

func TestBertLoadErrors(t *testing.T) {
	data := bertSynth(t, bertTestPreset(), "q8_0", 1)
	cases := []struct {
		name string
		edit func(kv []gguf.KeyValue, ts []gguf.WriteTensor) ([]gguf.KeyValue, []gguf.WriteTensor)
		opts EncoderOptions
		want string
	}{
		{"missing tensor", func(kv []gguf.KeyValue, ts []gguf.WriteTensor) ([]gguf.KeyValue, []gguf.WriteTensor) {
			return kv, bertDropTensor(ts, "blk.1.ffn_down.weight")
		}, EncoderOptions{}, "missing tensor blk.1.ffn_down.weight"},
		{"missing position", func(kv []gguf.KeyValue, ts []gguf.WriteTensor) ([]gguf.KeyValue, []gguf.WriteTensor) {
			return kv, bertDropTensor(ts, "position_embd.weight")
		}, EncoderOptions{}, "missing tensor position_embd.weight"},
		{"architecture", func(kv []gguf.KeyValue, ts []gguf.WriteTensor) ([]gguf.KeyValue, []gguf.WriteTensor) {
			return bertSetKV(kv, "general.architecture", gguf.StringValue("llama")), ts
		}, EncoderOptions{}, `unsupported encoder architecture "llama"`},
		{"pooling none", func(kv []gguf.KeyValue, ts []gguf.WriteTensor) ([]gguf.KeyValue, []gguf.WriteTensor) {
			return bertSetKV(kv, "bert.pooling_type", gguf.Uint32Value(0)), ts
		}, EncoderOptions{}, "pooling type 0"},
		{"pooling rank", func(kv []gguf.KeyValue, ts []gguf.WriteTensor) ([]gguf.KeyValue, []gguf.WriteTensor) {
			return bertSetKV(kv, "bert.pooling_type", gguf.Uint32Value(4)), ts
		}, EncoderOptions{}, "pooling type 4"},
		{"pooling unknown", func(kv []gguf.KeyValue, ts []gguf.WriteTensor) ([]gguf.KeyValue, []gguf.WriteTensor) {
			return bertSetKV(kv, "bert.pooling_type", gguf.Uint32Value(9)), ts
		}, EncoderOptions{}, "unknown pooling type 9"},
		{"pooling option", nil, EncoderOptions{Pooling: Pooling(42)}, "unknown pooling 42"},
		{"shape", func(kv []gguf.KeyValue, ts []gguf.WriteTensor) ([]gguf.KeyValue, []gguf.WriteTensor) {
			return bertSetKV(kv, "bert.feed_forward_length", gguf.Uint32Value(128)), ts
		}, EncoderOptions{}, "tensor blk.0.ffn_up.weight has shape"},
		{"heads", func(kv []gguf.KeyValue, ts []gguf.WriteTensor) ([]gguf.KeyValue, []gguf.WriteTensor) {
			return bertSetKV(kv, "bert.attention.head_count", gguf.Uint32Value(5)), ts
		}, EncoderOptions{}, "bad hyperparameters"},
		{"block count", func(kv []gguf.KeyValue, ts []gguf.WriteTensor) ([]gguf.KeyValue, []gguf.WriteTensor) {
			return bertSetKV(kv, "bert.block_count", gguf.Uint32Value(3)), ts
		}, EncoderOptions{}, "missing tensor blk.2.attn_q.weight"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := data
			if c.edit != nil {
				d = bertRewrite(t, data, c.edit)
			}
			enc, err := LoadEncoder(bertParse(t, d), c.opts)
			if err == nil {
				enc.Close()
				t.Fatalf("no error, want %q", c.want)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want it to contain %q", err, c.want)
			}
		})
	}
}

func TestBertInfo(t *testing.T) {
	data := bertSynth(t, bertTestPreset(), "q8_0", 1)
	enc, err := LoadEncoder(bertParse(t, data), EncoderOptions{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	in := enc.Info()
	if in.Architecture != "bert" || in.Dim != 64 || in.Layers != 2 || in.Heads != 4 || in.FeedForward != 256 ||
		in.ContextLength != 96 || in.Pooling != PoolingMean || in.PoolingName != "mean" || in.WeightType != "Q8_0" || in.Vocab != 2000 {
		t.Fatalf("info %+v", in)
	}
	for _, s := range []string{"mean", "CLS", "last", ""} {
		if _, err := ParsePooling(s); err != nil {
			t.Errorf("ParsePooling(%q): %v", s, err)
		}
	}
	if _, err := ParsePooling("max"); err == nil {
		t.Error("ParsePooling(max) succeeded")
	}
}

// ---- parity with llama.cpp --------------------------------------------------

// TestBertParityLlamaCpp compares with llama-embedding's vectors on the
// shared fixtures (../shared/testdata/parity).
func TestBertParityLlamaCpp(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "testdata", "parity")
	raw, err := os.ReadFile(filepath.Join(dir, "references.json"))
	if err != nil {
		t.Skipf("shared parity fixtures not available (%v); they live in ../shared/testdata/parity", err)
	}
	var refs struct {
		Models map[string]struct {
			Embeddings []struct {
				Text      string    `json:"text"`
				Normalize string    `json:"normalize"`
				Vector    []float64 `json:"vector"`
			} `json:"embeddings"`
		} `json:"models"`
	}
	if err := json.Unmarshal(raw, &refs); err != nil {
		t.Fatalf("references.json: %v", err)
	}
	n := 0
	for name, m := range refs.Models {
		if len(m.Embeddings) == 0 {
			continue
		}
		n++
		t.Run(name, func(t *testing.T) {
			enc, err := OpenEncoder(filepath.Join(dir, name), EncoderOptions{Threads: 2, ParseSpecial: true})
			if err != nil {
				t.Fatal(err)
			}
			defer enc.Close()
			texts := make([]string, len(m.Embeddings))
			for i, e := range m.Embeddings {
				if e.Normalize != "l2" {
					t.Fatalf("normalize %q not handled", e.Normalize)
				}
				texts[i] = e.Text
			}
			got, err := enc.Embed(context.Background(), texts)
			if err != nil {
				t.Fatal(err)
			}
			for i, e := range m.Embeddings {
				cos := bertCosine(got[i], e.Vector)
				t.Logf("%s %q: cosine %.8f", name, e.Text, cos)
				if !(cos >= 0.999) {
					t.Errorf("%q: cosine %.7f < 0.999", e.Text, cos)
				}
			}
		})
	}
	if n == 0 {
		t.Fatal("references.json has no embeddings")
	}
}

// bertPeerCase is a model the tests generate (synth, fixed seed) whose
// llama.cpp vectors are stored in testdata/bert_llamacpp.json.
type bertPeerCase struct {
	name  string
	build func(t testing.TB) []byte
}

func bertPeerCases() []bertPeerCase {
	wide := bertTestPreset()
	wide.Embd, wide.FFN = 256, 256
	cls := bertTestPreset()
	cls.Pooling = 2
	return []bertPeerCase{
		{"bert-f16-mean", func(t testing.TB) []byte { return bertSynth(t, bertTestPreset(), "f16", 21) }},
		{"bert-q8_0-cls", func(t testing.TB) []byte { return bertSynth(t, cls, "q8_0", 22) }},
		{"bert-q4_k-mean", func(t testing.TB) []byte { return bertSynth(t, wide, "q4_k", 23) }},
		{"nomic-bert-f16", func(t testing.TB) []byte {
			return bertRewrite(t, bertSynth(t, bertTestPreset(), "f16", 24), bertNomicEdit)
		}},
	}
}

// bertPeerTexts are the texts of testdata/bert_llamacpp.json.
var bertPeerTexts = []string{
	"The warranty covers parts and labour for two years.",
	"a",
	"How do I reset the router to factory settings? Hold the button for ten seconds, then wait.",
	"Quarterly revenue rose 12% while costs fell; the board approved a dividend of 3.5 cents per share.",
	"Ünïcödé façade — naïve café, 東京 and emoji 🙂 too!",
}

// TestBertWritePeerModels writes the bertPeerCases models and a plan for
// testdata/bert_llamacpp.mjs, which records llama.cpp's vectors for them.
func TestBertWritePeerModels(t *testing.T) {
	dir := os.Getenv("DOCENT_BERT_PEER_DIR")
	if dir == "" {
		t.Skip("set DOCENT_BERT_PEER_DIR to write the models for testdata/bert_llamacpp.mjs")
	}
	plan := struct {
		Texts  []string `json:"texts"`
		Models []string `json:"models"`
	}{Texts: bertPeerTexts}
	for _, c := range bertPeerCases() {
		if err := os.WriteFile(filepath.Join(dir, c.name+".gguf"), c.build(t), 0o644); err != nil {
			t.Fatal(err)
		}
		plan.Models = append(plan.Models, c.name)
	}
	b, _ := json.Marshal(plan)
	if err := os.WriteFile(filepath.Join(dir, "plan.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestBertParityLlamaCppSynth compares with llama.cpp's vectors for models
// the tests generate (bert F16 mean, Q8_0 CLS, Q4_K_M mix; nomic-bert), so
// it runs on a fresh machine. A model whose bytes changed (the synth
// package changed) is skipped with a note to regenerate.
func TestBertParityLlamaCppSynth(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "bert_llamacpp.json"))
	if err != nil {
		t.Fatal(err)
	}
	var refs struct {
		Texts  []string `json:"texts"`
		Models map[string]struct {
			SHA256  string      `json:"sha256"`
			Vectors [][]float64 `json:"vectors"`
		} `json:"models"`
	}
	if err := json.Unmarshal(raw, &refs); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(refs.Texts, bertPeerTexts) {
		t.Fatalf("testdata texts differ from bertPeerTexts")
	}
	for _, c := range bertPeerCases() {
		t.Run(c.name, func(t *testing.T) {
			ref, ok := refs.Models[c.name]
			if !ok {
				t.Fatalf("no llama.cpp vectors for %s", c.name)
			}
			data := c.build(t)
			if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != ref.SHA256 {
				t.Skipf("generated model differs from the one llama.cpp embedded (synth changed?); regenerate with testdata/bert_llamacpp.mjs")
			}
			enc, err := LoadEncoder(bertParse(t, data), EncoderOptions{Threads: 2})
			if err != nil {
				t.Fatal(err)
			}
			defer enc.Close()
			got, err := enc.Embed(context.Background(), refs.Texts)
			if err != nil {
				t.Fatal(err)
			}
			worst := 1.0
			for i := range got {
				cos := bertCosine(got[i], ref.Vectors[i])
				worst = math.Min(worst, cos)
				if !(cos >= 0.9999) {
					t.Errorf("text %d: cosine %.7f < 0.9999", i, cos)
				}
			}
			t.Logf("%s: lowest cosine to llama.cpp %.7f", c.name, worst)
		})
	}
}
