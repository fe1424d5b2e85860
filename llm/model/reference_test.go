package model

import (
	"bytes"
	"fmt"
	"math"
	"math/rand"
	"testing"

	"github.com/docent-dev/docent/llm/gguf"
)

// refSpec describes a random test model.
type refSpec struct {
	arch            string
	typ             gguf.GGMLType
	embd, layers    int
	heads, kvHeads  int
	headDim         int // 0: embd/heads
	ffn, vocab      int
	bias, tied      bool
	qkNorm          bool
	ropeFreqs       bool
	ropeBase, eps   float32
	ropeScaleLinear float32
}

// refModel is a model built by the test: the GGUF bytes and the float64
// weights the reference computes with (dequantized from the file, so both
// sides see the same weights).
type refModel struct {
	spec refSpec
	file []byte
	w    map[string][]float64
}

func buildRefModel(t testing.TB, sp refSpec, seed int64) *refModel {
	t.Helper()
	rng := rand.New(rand.NewSource(seed))
	hd := sp.headDim
	if hd == 0 {
		hd = sp.embd / sp.heads
	}
	a := sp.arch
	kv := []gguf.KeyValue{
		{Key: "general.architecture", Value: gguf.StringValue(a)},
		{Key: a + ".context_length", Value: gguf.Uint32Value(64)},
		{Key: a + ".embedding_length", Value: gguf.Uint32Value(uint32(sp.embd))},
		{Key: a + ".block_count", Value: gguf.Uint32Value(uint32(sp.layers))},
		{Key: a + ".feed_forward_length", Value: gguf.Uint32Value(uint32(sp.ffn))},
		{Key: a + ".attention.head_count", Value: gguf.Uint32Value(uint32(sp.heads))},
		{Key: a + ".attention.head_count_kv", Value: gguf.Uint32Value(uint32(sp.kvHeads))},
		{Key: a + ".attention.layer_norm_rms_epsilon", Value: gguf.Float32Value(sp.eps)},
		{Key: a + ".rope.freq_base", Value: gguf.Float32Value(sp.ropeBase)},
	}
	if sp.headDim != 0 {
		kv = append(kv, gguf.KeyValue{Key: a + ".attention.key_length", Value: gguf.Uint32Value(uint32(hd))},
			gguf.KeyValue{Key: a + ".attention.value_length", Value: gguf.Uint32Value(uint32(hd))})
	}
	if sp.ropeScaleLinear != 0 {
		kv = append(kv, gguf.KeyValue{Key: a + ".rope.scaling.type", Value: gguf.StringValue("linear")},
			gguf.KeyValue{Key: a + ".rope.scaling.factor", Value: gguf.Float32Value(sp.ropeScaleLinear)})
	}
	m := &refModel{spec: sp, w: map[string][]float64{}}
	var tensors []gguf.WriteTensor
	add := func(name string, typ gguf.GGMLType, scale, offset float64, dims ...int) {
		n := 1
		for _, d := range dims {
			n *= d
		}
		x := make([]float32, n)
		for i := range x {
			x[i] = float32(offset + rng.NormFloat64()*scale)
		}
		data, err := gguf.Quantize(typ, x)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		back := make([]float32, n)
		if err := gguf.Dequantize(typ, data, back); err != nil {
			t.Fatal(err)
		}
		w := make([]float64, n)
		for i, v := range back {
			w[i] = float64(v)
		}
		m.w[name] = w
		ud := make([]uint64, len(dims))
		for i, d := range dims {
			ud[i] = uint64(d)
		}
		tensors = append(tensors, gguf.WriteTensor{Name: name, Dims: ud, Type: typ, Data: data})
	}
	s := 1 / math.Sqrt(float64(sp.embd))
	E, qd, kvd := sp.embd, sp.heads*hd, sp.kvHeads*hd
	add("token_embd.weight", sp.typ, 2*s, 0, E, sp.vocab)
	add("output_norm.weight", gguf.F32, 0.1, 1, E)
	if !sp.tied {
		add("output.weight", sp.typ, 2*s, 0, E, sp.vocab)
	}
	if sp.ropeFreqs {
		// Llama 3 style factors: 1 for high frequencies, up to 8 for low ones.
		f := make([]float32, hd/2)
		for i := range f {
			f[i] = 1 + 7*float32(i)/float32(len(f)-1)
		}
		data, _ := gguf.Quantize(gguf.F32, f)
		w := make([]float64, len(f))
		for i, v := range f {
			w[i] = float64(v)
		}
		m.w["rope_freqs.weight"] = w
		tensors = append(tensors, gguf.WriteTensor{Name: "rope_freqs.weight", Dims: []uint64{uint64(hd / 2)}, Type: gguf.F32, Data: data})
	}
	for i := 0; i < sp.layers; i++ {
		p := fmt.Sprintf("blk.%d.", i)
		add(p+"attn_norm.weight", gguf.F32, 0.1, 1, E)
		add(p+"attn_q.weight", sp.typ, s, 0, E, qd)
		add(p+"attn_k.weight", sp.typ, s, 0, E, kvd)
		add(p+"attn_v.weight", sp.typ, s, 0, E, kvd)
		if sp.bias {
			add(p+"attn_q.bias", gguf.F32, 0.1, 0, qd)
			add(p+"attn_k.bias", gguf.F32, 0.1, 0, kvd)
			add(p+"attn_v.bias", gguf.F32, 0.1, 0, kvd)
		}
		if sp.qkNorm {
			add(p+"attn_q_norm.weight", gguf.F32, 0.1, 1, hd)
			add(p+"attn_k_norm.weight", gguf.F32, 0.1, 1, hd)
		}
		add(p+"attn_output.weight", sp.typ, 3*s, 0, qd, E)
		add(p+"ffn_norm.weight", gguf.F32, 0.1, 1, E)
		add(p+"ffn_gate.weight", sp.typ, s, 0, E, sp.ffn)
		add(p+"ffn_up.weight", sp.typ, s, 0, E, sp.ffn)
		add(p+"ffn_down.weight", sp.typ, 3/math.Sqrt(float64(sp.ffn)), 0, sp.ffn, E)
	}
	var buf bytes.Buffer
	if err := gguf.Write(&buf, kv, tensors); err != nil {
		t.Fatal(err)
	}
	m.file = buf.Bytes()
	return m
}

// matvec64: W is rows x cols row-major.
func matvec64(w []float64, x []float64, rows int) []float64 {
	cols := len(x)
	out := make([]float64, rows)
	for r := 0; r < rows; r++ {
		var s float64
		row := w[r*cols : (r+1)*cols]
		for i, v := range row {
			s += v * x[i]
		}
		out[r] = s
	}
	return out
}

func rms64(x, w []float64, eps float64) []float64 {
	var ss float64
	for _, v := range x {
		ss += v * v
	}
	sc := 1 / math.Sqrt(ss/float64(len(x))+eps)
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = v * sc * w[i]
	}
	return out
}

// forward64 is the plain reference: all positions' logits for tokens.
func (m *refModel) forward64(tokens []int32) [][]float64 {
	sp := m.spec
	hd := sp.headDim
	if hd == 0 {
		hd = sp.embd / sp.heads
	}
	E := sp.embd
	eps := float64(sp.eps)
	neox := sp.arch != "llama"
	ropeScale := 1.0
	if sp.ropeScaleLinear != 0 {
		ropeScale = 1 / float64(sp.ropeScaleLinear)
	}
	rope := func(x []float64, pos int) {
		for j := 0; j < hd/2; j++ {
			theta := float64(pos) * math.Pow(float64(sp.ropeBase), -2*float64(j)/float64(hd))
			if f := m.w["rope_freqs.weight"]; f != nil {
				theta /= f[j]
			}
			theta *= ropeScale
			c, s := math.Cos(theta), math.Sin(theta)
			i0, i1 := 2*j, 2*j+1
			if neox {
				i0, i1 = j, j+hd/2
			}
			x0, x1 := x[i0], x[i1]
			x[i0] = x0*c - x1*s
			x[i1] = x0*s + x1*c
		}
	}
	n := len(tokens)
	xs := make([][]float64, n)
	for i, t := range tokens {
		xs[i] = append([]float64(nil), m.w["token_embd.weight"][int(t)*E:(int(t)+1)*E]...)
	}
	for l := 0; l < sp.layers; l++ {
		p := fmt.Sprintf("blk.%d.", l)
		ks := make([][]float64, n)
		vs := make([][]float64, n)
		qs := make([][]float64, n)
		for i := range xs {
			xn := rms64(xs[i], m.w[p+"attn_norm.weight"], eps)
			q := matvec64(m.w[p+"attn_q.weight"], xn, sp.heads*hd)
			k := matvec64(m.w[p+"attn_k.weight"], xn, sp.kvHeads*hd)
			v := matvec64(m.w[p+"attn_v.weight"], xn, sp.kvHeads*hd)
			if sp.bias {
				for j := range q {
					q[j] += m.w[p+"attn_q.bias"][j]
				}
				for j := range k {
					k[j] += m.w[p+"attn_k.bias"][j]
					v[j] += m.w[p+"attn_v.bias"][j]
				}
			}
			for h := 0; h < sp.heads; h++ {
				seg := q[h*hd : (h+1)*hd]
				if sp.qkNorm {
					copy(seg, rms64(seg, m.w[p+"attn_q_norm.weight"], eps))
				}
				rope(seg, i)
			}
			for h := 0; h < sp.kvHeads; h++ {
				seg := k[h*hd : (h+1)*hd]
				if sp.qkNorm {
					copy(seg, rms64(seg, m.w[p+"attn_k_norm.weight"], eps))
				}
				rope(seg, i)
			}
			qs[i], ks[i], vs[i] = q, k, v
		}
		for i := range xs {
			att := make([]float64, sp.heads*hd)
			for h := 0; h < sp.heads; h++ {
				kvh := h / (sp.heads / sp.kvHeads)
				q := qs[i][h*hd : (h+1)*hd]
				sc := make([]float64, i+1)
				mx := math.Inf(-1)
				for j := 0; j <= i; j++ {
					var s float64
					for c := 0; c < hd; c++ {
						s += q[c] * ks[j][kvh*hd+c]
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
					for c := 0; c < hd; c++ {
						att[h*hd+c] += sc[j] / sum * vs[j][kvh*hd+c]
					}
				}
			}
			o := matvec64(m.w[p+"attn_output.weight"], att, E)
			for j := range o {
				xs[i][j] += o[j]
			}
			xn := rms64(xs[i], m.w[p+"ffn_norm.weight"], eps)
			g := matvec64(m.w[p+"ffn_gate.weight"], xn, sp.ffn)
			u := matvec64(m.w[p+"ffn_up.weight"], xn, sp.ffn)
			for j := range g {
				g[j] = g[j] / (1 + math.Exp(-g[j])) * u[j]
			}
			dn := matvec64(m.w[p+"ffn_down.weight"], g, E)
			for j := range dn {
				xs[i][j] += dn[j]
			}
		}
	}
	out := m.w["output.weight"]
	if sp.tied {
		out = m.w["token_embd.weight"]
	}
	logits := make([][]float64, n)
	for i := range xs {
		logits[i] = matvec64(out, rms64(xs[i], m.w["output_norm.weight"], eps), sp.vocab)
	}
	return logits
}

// relErr is ||a-b|| / ||b||.
func relErr(a []float32, b []float64) float64 {
	var num, den float64
	for i := range b {
		d := float64(a[i]) - b[i]
		num += d * d
		den += b[i] * b[i]
	}
	return math.Sqrt(num / den)
}

// tolerance per weight type: F16 K/V/Q rounding for all, plus activation
// rounding or quantization where llama.cpp applies it.
func tolerance(t gguf.GGMLType) float64 {
	switch t {
	case gguf.F32:
		return 2e-3
	case gguf.F16:
		return 3e-3
	case gguf.BF16:
		return 1.5e-2
	case gguf.Q8_0, gguf.Q6_K:
		return 5e-2
	}
	return 8e-2
}

var refTypes = []gguf.GGMLType{gguf.F32, gguf.F16, gguf.BF16, gguf.Q8_0, gguf.Q4_0, gguf.Q4_1, gguf.Q5_0, gguf.Q5_1, gguf.Q4_K, gguf.Q5_K, gguf.Q6_K}

func refSpecs() map[string]refSpec {
	base := refSpec{embd: 256, layers: 2, heads: 4, kvHeads: 2, ffn: 512, vocab: 300, ropeBase: 10000, eps: 1e-6}
	llama := base
	llama.arch = "llama"
	mqa := llama
	mqa.heads, mqa.kvHeads, mqa.ropeFreqs, mqa.eps = 8, 1, true, 1e-5
	mqa.ropeBase = 500000
	linear := llama
	linear.kvHeads, linear.ropeScaleLinear = 4, 4
	qwen2 := base
	qwen2.arch, qwen2.bias, qwen2.tied = "qwen2", true, true
	qwen3 := base
	qwen3.arch, qwen3.qkNorm, qwen3.headDim = "qwen3", true, 128
	return map[string]refSpec{"llama": llama, "llama-mqa-rope3": mqa, "llama-linear": linear, "qwen2-tied": qwen2, "qwen3": qwen3}
}

func TestDecoderMatchesReference(t *testing.T) {
	// Every architecture with F32, F16, Q8_0 and Q4_K by default; every
	// tensor type with DOCENT_SLOW_TESTS=1.
	types := []gguf.GGMLType{gguf.F32, gguf.F16, gguf.Q8_0, gguf.Q4_K}
	if slowTests() {
		types = refTypes
	}
	tokens := []int32{1, 17, 250, 3, 99, 42, 7, 299, 120, 5, 64}
	for name, sp := range refSpecs() {
		for ti, typ := range types {
			sp := sp
			sp.typ = typ
			t.Run(name+"/"+typ.String(), func(t *testing.T) {
				m := buildRefModel(t, sp, int64(100+ti))
				f, err := gguf.Parse(m.file)
				if err != nil {
					t.Fatal(err)
				}
				d, err := LoadDecoder(f, Options{Threads: 2, MaxBatch: 4})
				if err != nil {
					t.Fatal(err)
				}
				defer d.Close()
				want := m.forward64(tokens)
				// Batched prefill (in pieces of MaxBatch) with all logits.
				s := d.NewSession(32)
				all, err := s.EvalAll(tokens)
				if err != nil {
					t.Fatal(err)
				}
				tol := tolerance(typ)
				worst := 0.0
				for i := range tokens {
					e := relErr(all[i*d.Vocab:(i+1)*d.Vocab], want[i])
					worst = max(worst, e)
					if e > tol {
						t.Errorf("prefill token %d: relative error %.3g > %.3g", i, e, tol)
					}
				}
				t.Logf("worst relative error %.2g (tolerance %.2g)", worst, tol)
				// Incremental decode gives the same as the batch.
				s.Reset()
				if _, err := s.Prefill(tokens[:3]); err != nil {
					t.Fatal(err)
				}
				for i := 3; i < len(tokens); i++ {
					logits, err := s.Decode(tokens[i])
					if err != nil {
						t.Fatal(err)
					}
					if e := relErr(logits, want[i]); e > tol {
						t.Errorf("decode token %d: relative error %.3g > %.3g", i, e, tol)
					}
				}
			})
		}
	}
}

func TestDecodeAllocatesNothing(t *testing.T) {
	for _, typ := range []gguf.GGMLType{gguf.F16, gguf.Q8_0, gguf.Q4_K} {
		sp := refSpecs()["qwen2-tied"]
		sp.typ = typ
		m := buildRefModel(t, sp, 1)
		f, err := gguf.Parse(m.file)
		if err != nil {
			t.Fatal(err)
		}
		d, err := LoadDecoder(f, Options{Threads: 2})
		if err != nil {
			t.Fatal(err)
		}
		s := d.NewSession(64)
		if _, err := s.Prefill([]int32{1, 2, 3}); err != nil {
			t.Fatal(err)
		}
		tok := int32(4)
		if _, err := s.Decode(tok); err != nil { // sizes the scratch buffers
			t.Fatal(err)
		}
		allocs := testing.AllocsPerRun(20, func() {
			if _, err := s.Decode(tok); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("%s: Decode allocates %v times per token", typ, allocs)
		}
		d.Close()
	}
}

func TestLoadErrors(t *testing.T) {
	sp := refSpecs()["llama"]
	sp.typ = gguf.F16
	m := buildRefModel(t, sp, 1)
	f, _ := gguf.Parse(m.file)
	// Unsupported architecture.
	kv := append([]gguf.KeyValue(nil), f.KV...)
	for i := range kv {
		if kv[i].Key == "general.architecture" {
			kv[i].Value = gguf.StringValue("mamba")
		}
	}
	if _, err := LoadDecoder(rewrite(t, f, kv, ""), Options{Threads: 1}); err == nil || !bytes.Contains([]byte(err.Error()), []byte(`"mamba"`)) {
		t.Errorf("unsupported architecture: %v", err)
	}
	// Missing tensor.
	if _, err := LoadDecoder(rewrite(t, f, f.KV, "blk.1.ffn_up.weight"), Options{Threads: 1}); err == nil || !bytes.Contains([]byte(err.Error()), []byte("blk.1.ffn_up.weight")) {
		t.Errorf("missing tensor: %v", err)
	}
	// Context limit.
	d, err := LoadDecoder(f, Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	s := d.NewSession(4)
	if _, err := s.Prefill([]int32{1, 2, 3, 4, 5}); err == nil {
		t.Error("prefill past the context accepted")
	}
	if _, err := s.Prefill([]int32{1, 2, 3, 4}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Decode(1); err == nil {
		t.Error("decode past the context accepted")
	}
	s.Reset()
	if _, err := s.Decode(99999); err == nil {
		t.Error("token outside the vocabulary accepted")
	}
}

// rewrite writes f again with kv and without the tensor named drop.
func rewrite(t *testing.T, f *gguf.File, kv []gguf.KeyValue, drop string) *gguf.File {
	t.Helper()
	var ts []gguf.WriteTensor
	for i := range f.Tensors {
		ti := &f.Tensors[i]
		if ti.Name == drop {
			continue
		}
		data, err := f.TensorData(ti)
		if err != nil {
			t.Fatal(err)
		}
		ts = append(ts, gguf.WriteTensor{Name: ti.Name, Dims: ti.Dims, Type: ti.Type, Data: data})
	}
	var buf bytes.Buffer
	if err := gguf.Write(&buf, kv, ts); err != nil {
		t.Fatal(err)
	}
	g, err := gguf.Parse(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestEvalFromMatchesEvalAll(t *testing.T) {
	sp := refSpecs()["llama"]
	sp.typ = gguf.F16
	m := buildRefModel(t, sp, 3)
	f, err := gguf.Parse(m.file)
	if err != nil {
		t.Fatal(err)
	}
	d, err := LoadDecoder(f, Options{Threads: 2, MaxBatch: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	tokens := []int32{5, 9, 2, 77, 31, 8, 200, 13}
	s := d.NewSession(16)
	all, err := s.EvalAll(tokens)
	if err != nil {
		t.Fatal(err)
	}
	all = append([]float32(nil), all...)
	for _, from := range []int{1, 3, 4, 7} {
		s.Reset()
		part, err := s.EvalFrom(tokens, from)
		if err != nil {
			t.Fatal(err)
		}
		V := d.Vocab
		if len(part) != (len(tokens)-from)*V {
			t.Fatalf("from %d: %d logits", from, len(part))
		}
		// A single output row goes through the single-vector kernels (as
		// in llama.cpp), which may round differently.
		for i := range part {
			if math.Abs(float64(part[i]-all[from*V+i])) > 1e-4*(1+math.Abs(float64(part[i]))) {
				t.Fatalf("from %d: logit %d: %g vs %g", from, i, part[i], all[from*V+i])
			}
		}
	}
}
