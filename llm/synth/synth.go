package synth

import (
	"bufio"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/docent-dev/docent/llm/gguf"
)

// Quantization names accepted by Options.Quant.
var QuantNames = []string{"f32", "f16", "bf16", "q8_0", "q4_0", "q4_1", "q5_0", "q5_1", "q4_k", "q5_k", "q6_k"}

// Options controls what Write produces.
type Options struct {
	// Quant is the weight type: f32, f16 (default), bf16, q8_0, q4_0, q4_1,
	// q5_0, q5_1, q4_k (llama.cpp's Q4_K_M mix), q5_k (Q5_K_M mix), q6_k.
	// Norms, biases and other 1-D tensors stay F32, as llama.cpp keeps them.
	Quant string
	// Seed makes the weights deterministic.
	Seed uint64
	// VocabPath, when set, is a GGUF whose tokenizer.* metadata is copied;
	// the vocabulary size follows it. Otherwise a tokenizer is generated.
	VocabPath string
	// Name overrides general.name.
	Name string
	// Progress, when set, is called after each tensor chunk with the bytes
	// of tensor data written so far and the total.
	Progress func(done, total int64)
}

// Model is a planned model: its metadata and the tensors that Write will
// generate.
type Model struct {
	Preset  Preset
	KV      []gguf.KeyValue
	Tensors []TensorPlan
	Vocab   int
}

// TensorPlan is one tensor of a planned model.
type TensorPlan struct {
	Name  string
	Dims  []uint64
	Type  gguf.GGMLType
	init  initKind
	scale float32
}

type initKind int

const (
	initNormal  initKind = iota // N(0, scale²)
	initNorm                    // 1 + N(0, scale²)
	initRopeFac                 // llama3 rope frequency factors
)

// Params is the number of weights.
func (m *Model) Params() uint64 {
	var n uint64
	for _, t := range m.Tensors {
		n += numel(t.Dims)
	}
	return n
}

// DataBytes is the size of the tensor data.
func (m *Model) DataBytes() int64 {
	var n int64
	for _, t := range m.Tensors {
		s, _ := t.Type.RowBytes(numel(t.Dims))
		n += int64(s)
	}
	return n
}

func numel(d []uint64) uint64 {
	n := uint64(1)
	for _, x := range d {
		n *= x
	}
	return n
}

type quantPlan struct {
	base     gguf.GGMLType
	fileType uint32 // llama_ftype
	mix      bool   // k-quant _M mix: output, some attn_v / ffn_down get Q6_K
}

func parseQuant(s string) (quantPlan, error) {
	switch strings.ToLower(s) {
	case "", "f16":
		return quantPlan{gguf.F16, 1, false}, nil
	case "f32":
		return quantPlan{gguf.F32, 0, false}, nil
	case "bf16":
		return quantPlan{gguf.BF16, 32, false}, nil
	case "q8_0":
		return quantPlan{gguf.Q8_0, 7, false}, nil
	case "q4_0":
		return quantPlan{gguf.Q4_0, 2, false}, nil
	case "q4_1":
		return quantPlan{gguf.Q4_1, 3, false}, nil
	case "q5_0":
		return quantPlan{gguf.Q5_0, 8, false}, nil
	case "q5_1":
		return quantPlan{gguf.Q5_1, 9, false}, nil
	case "q4_k", "q4_k_m":
		return quantPlan{gguf.Q4_K, 15, true}, nil
	case "q5_k", "q5_k_m":
		return quantPlan{gguf.Q5_K, 17, true}, nil
	case "q6_k":
		return quantPlan{gguf.Q6_K, 18, false}, nil
	}
	return quantPlan{}, fmt.Errorf("synth: unknown quantization %q (want one of %s)", s, strings.Join(QuantNames, ", "))
}

// useMoreBits is llama.cpp's rule for which layers get more bits in the
// _M k-quant mixes.
func useMoreBits(i, n int) bool { return i < n/8 || i >= 7*n/8 || (i-n/8)%3 == 2 }

// fallback mirrors llama.cpp: k-quants need rows that are a multiple of 256.
func fallback(t gguf.GGMLType, ne0 uint64) gguf.GGMLType {
	if ne0%uint64(t.BlockSize()) == 0 {
		return t
	}
	switch t {
	case gguf.Q4_K:
		t = gguf.Q5_0
	case gguf.Q5_K:
		t = gguf.Q5_1
	case gguf.Q6_K:
		t = gguf.Q8_0
	}
	if ne0%uint64(t.BlockSize()) != 0 {
		return gguf.F16
	}
	return t
}

// Plan builds the metadata and tensor list for a preset.
func Plan(p Preset, opt Options) (*Model, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	q, err := parseQuant(opt.Quant)
	if err != nil {
		return nil, err
	}
	var tokKV []gguf.KeyValue
	vocab := p.Vocab
	if opt.VocabPath != "" {
		tokKV, vocab, err = vocabFromFile(opt.VocabPath)
	} else {
		tokKV, err = tokenizerKV(p.Tokenizer, p.Vocab)
	}
	if err != nil {
		return nil, err
	}
	name := opt.Name
	if name == "" {
		name = fmt.Sprintf("%s-random-seed%d", p.Name, opt.Seed)
	}
	a := p.Arch
	u32 := func(k string, v int) gguf.KeyValue {
		return gguf.KeyValue{Key: a + "." + k, Value: gguf.Uint32Value(uint32(v))}
	}
	f32 := func(k string, v float32) gguf.KeyValue {
		return gguf.KeyValue{Key: a + "." + k, Value: gguf.Float32Value(v)}
	}
	kv := []gguf.KeyValue{
		{Key: "general.architecture", Value: gguf.StringValue(a)},
		{Key: "general.name", Value: gguf.StringValue(name)},
		u32("context_length", p.Context),
		u32("embedding_length", p.Embd),
		u32("block_count", p.Layers),
		u32("feed_forward_length", p.FFN),
		u32("attention.head_count", p.Heads),
	}
	if a == "bert" {
		kv = append(kv,
			f32("attention.layer_norm_epsilon", p.Eps),
			gguf.KeyValue{Key: a + ".attention.causal", Value: gguf.BoolValue(false)},
			u32("pooling_type", p.Pooling))
	} else {
		kv = append(kv,
			u32("attention.head_count_kv", p.HeadsKV),
			f32("attention.layer_norm_rms_epsilon", p.Eps),
			f32("rope.freq_base", p.RopeBase),
			u32("rope.dimension_count", p.Embd/p.Heads))
	}
	kv = append(kv, gguf.KeyValue{Key: "general.file_type", Value: gguf.Uint32Value(q.fileType)})
	kv = append(kv, tokKV...)
	kv = append(kv, u32("vocab_size", vocab))
	if q.base != gguf.F32 && q.base != gguf.F16 && q.base != gguf.BF16 {
		kv = append(kv, gguf.KeyValue{Key: "general.quantization_version", Value: gguf.Uint32Value(2)})
	}

	m := &Model{Preset: p, KV: kv, Vocab: vocab}
	E, V, F := uint64(p.Embd), uint64(vocab), uint64(p.FFN)
	s := float32(1 / math.Sqrt(float64(p.Embd)))
	weight := func(name string, ne0, ne1 uint64, scale float32, typ gguf.GGMLType) {
		m.Tensors = append(m.Tensors, TensorPlan{Name: name, Dims: []uint64{ne0, ne1}, Type: fallback(typ, ne0), scale: scale})
	}
	vec := func(name string, n uint64, kind initKind, scale float32) {
		m.Tensors = append(m.Tensors, TensorPlan{Name: name, Dims: []uint64{n}, Type: gguf.F32, init: kind, scale: scale})
	}
	outType := q.base
	if q.mix || q.base == gguf.Q4_0 || q.base == gguf.Q4_1 || q.base == gguf.Q5_0 || q.base == gguf.Q5_1 {
		outType = gguf.Q6_K // llama.cpp gives the output head Q6_K
	}

	if a == "bert" {
		weight("token_embd.weight", E, V, 0.5, outType) // no output head: llama.cpp treats it as one
		m.Tensors = append(m.Tensors, TensorPlan{Name: "token_types.weight", Dims: []uint64{E, 2}, Type: gguf.F32, scale: 0.5})
		weight("position_embd.weight", E, uint64(p.Context), 0.5, q.base)
		vec("token_embd_norm.weight", E, initNorm, 0.1)
		vec("token_embd_norm.bias", E, initNormal, 0.1)
		for i := 0; i < p.Layers; i++ {
			b := fmt.Sprintf("blk.%d.", i)
			for _, nm := range []string{"attn_q", "attn_k", "attn_v", "attn_output"} {
				typ := q.base
				if q.mix && nm == "attn_v" && useMoreBits(i, p.Layers) {
					typ = gguf.Q6_K
				}
				weight(b+nm+".weight", E, E, s, typ)
				vec(b+nm+".bias", E, initNormal, 0.1)
			}
			vec(b+"attn_output_norm.weight", E, initNorm, 0.1)
			vec(b+"attn_output_norm.bias", E, initNormal, 0.1)
			weight(b+"ffn_up.weight", E, F, s, q.base)
			vec(b+"ffn_up.bias", F, initNormal, 0.1)
			down := q.base
			if q.mix && useMoreBits(i, p.Layers) {
				down = gguf.Q6_K
			}
			weight(b+"ffn_down.weight", F, E, float32(1/math.Sqrt(float64(p.FFN))), down)
			vec(b+"ffn_down.bias", E, initNormal, 0.1)
			vec(b+"layer_output_norm.weight", E, initNorm, 0.1)
			vec(b+"layer_output_norm.bias", E, initNormal, 0.1)
		}
		return m, nil
	}

	hd := uint64(p.Embd / p.Heads)
	kvDim := hd * uint64(p.HeadsKV)
	embType := q.base
	if p.Tied {
		embType = outType // the embedding doubles as the output head
	}
	weight("token_embd.weight", E, V, 2*s, embType)
	if p.Llama3 {
		m.Tensors = append(m.Tensors, TensorPlan{Name: "rope_freqs.weight", Dims: []uint64{hd / 2}, Type: gguf.F32, init: initRopeFac})
	}
	vec("output_norm.weight", E, initNorm, 0.1)
	if !p.Tied {
		weight("output.weight", E, V, 2*s, outType)
	}
	for i := 0; i < p.Layers; i++ {
		b := fmt.Sprintf("blk.%d.", i)
		more := q.mix && useMoreBits(i, p.Layers)
		vec(b+"attn_norm.weight", E, initNorm, 0.1)
		weight(b+"attn_q.weight", E, E, s, q.base)
		weight(b+"attn_k.weight", E, kvDim, s, q.base)
		vtyp := q.base
		if more {
			vtyp = gguf.Q6_K
		}
		weight(b+"attn_v.weight", E, kvDim, s, vtyp)
		if p.QKVBias {
			vec(b+"attn_q.bias", E, initNormal, 0.1)
			vec(b+"attn_k.bias", kvDim, initNormal, 0.1)
			vec(b+"attn_v.bias", kvDim, initNormal, 0.1)
		}
		weight(b+"attn_output.weight", E, E, 3*s, q.base)
		vec(b+"ffn_norm.weight", E, initNorm, 0.1)
		weight(b+"ffn_gate.weight", E, F, s, q.base)
		weight(b+"ffn_up.weight", E, F, s, q.base)
		dtyp := q.base
		if more {
			dtyp = gguf.Q6_K
		}
		weight(b+"ffn_down.weight", F, E, float32(3/math.Sqrt(float64(p.FFN))), dtyp)
	}
	return m, nil
}

// llama3RopeFactors computes the per-frequency rope factors that
// llama.cpp's converter stores as rope_freqs.weight for Llama 3.1/3.2
// (factor 32, low/high frequency factors 1 and 4, original context 8192).
func llama3RopeFactors(base float64, headDim int) []float32 {
	const factor, lowFF, highFF, oldCtx = 32.0, 1.0, 4.0, 8192.0
	lowWave, highWave := oldCtx/lowFF, oldCtx/highFF
	out := make([]float32, headDim/2)
	for i := range out {
		freq := 1 / math.Pow(base, float64(2*i)/float64(headDim))
		wave := 2 * math.Pi / freq
		switch {
		case wave < highWave:
			out[i] = 1
		case wave > lowWave:
			out[i] = factor
		default:
			smooth := (oldCtx/wave - lowFF) / (highFF - lowFF)
			out[i] = float32(1 / ((1-smooth)/factor + smooth))
		}
	}
	return out
}

// chunkElems is the number of weights generated per work item; each chunk
// has its own random stream, so output does not depend on the worker count.
const chunkElems = 1 << 18

func (m *Model) fill(t TensorPlan, seed uint64, w io.Writer, progress func(int64)) error {
	n := numel(t.Dims)
	if t.init == initRopeFac {
		raw, err := gguf.Quantize(gguf.F32, llama3RopeFactors(float64(m.Preset.RopeBase), m.Preset.Embd/m.Preset.Heads))
		if err != nil {
			return err
		}
		_, err = w.Write(raw)
		progress(int64(len(raw)))
		return err
	}
	h := fnv.New64a()
	h.Write([]byte(t.Name))
	tseed := seed ^ h.Sum64()
	// Chunks hold whole rows (and whole blocks).
	ne0 := t.Dims[0]
	rows := max(1, uint64(chunkElems)/ne0)
	per := rows * ne0
	nChunks := int((n + per - 1) / per)
	workers := runtime.GOMAXPROCS(0)
	type result struct {
		buf []byte
		err error
	}
	for first := 0; first < nChunks; first += workers {
		last := min(nChunks, first+workers)
		res := make([]result, last-first)
		var wg sync.WaitGroup
		for c := first; c < last; c++ {
			wg.Add(1)
			go func(c int) {
				defer wg.Done()
				lo := uint64(c) * per
				cnt := min(per, n-lo)
				x := make([]float32, cnt)
				r := rand.New(rand.NewPCG(tseed, uint64(c)))
				for i := range x {
					// The explicit conversion rounds the product, so no
					// compiler fuses it with the +1 below (Go may on arm64),
					// and the files are the same bytes on every platform.
					v := float32(float32(r.NormFloat64()) * t.scale)
					if t.init == initNorm {
						v += 1
					}
					x[i] = v
				}
				buf, err := gguf.Quantize(t.Type, x)
				res[c-first] = result{buf, err}
			}(c)
		}
		wg.Wait()
		for _, r := range res {
			if r.err != nil {
				return r.err
			}
			if _, err := w.Write(r.buf); err != nil {
				return err
			}
			progress(int64(len(r.buf)))
		}
	}
	return nil
}

// Write generates the model and writes it as GGUF to w.
func (m *Model) Write(w io.Writer, opt Options) error {
	total := m.DataBytes()
	var done int64
	progress := func(n int64) {
		done += n
		if opt.Progress != nil {
			opt.Progress(done, total)
		}
	}
	wt := make([]gguf.WriteTensor, len(m.Tensors))
	for i := range m.Tensors {
		t := m.Tensors[i]
		wt[i] = gguf.WriteTensor{Name: t.Name, Dims: t.Dims, Type: t.Type,
			Fill: func(w io.Writer) error { return m.fill(t, opt.Seed, w, progress) }}
	}
	if err := gguf.Write(w, m.KV, wt); err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	return nil
}

// Write plans the preset and writes it to w.
func Write(w io.Writer, p Preset, opt Options) error {
	m, err := Plan(p, opt)
	if err != nil {
		return err
	}
	return m.Write(w, opt)
}

// WriteFile writes the model to path atomically (a temporary file in the
// same folder, renamed when complete).
func WriteFile(path string, p Preset, opt Options) (*Model, error) {
	m, err := Plan(p, opt)
	if err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return nil, fmt.Errorf("synth: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	bw := bufio.NewWriterSize(tmp, 4<<20)
	if err := m.Write(bw, opt); err != nil {
		tmp.Close()
		return nil, err
	}
	if err := bw.Flush(); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("synth: %w", err)
	}
	if err := tmp.Chmod(0o644); err != nil { // CreateTemp makes it 0600
		tmp.Close()
		return nil, fmt.Errorf("synth: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("synth: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return nil, fmt.Errorf("synth: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return nil, fmt.Errorf("synth: %w", err)
	}
	return m, nil
}
