package model

import (
	"fmt"
	"math"

	"github.com/docent-dev/docent/llm/gguf"
	"github.com/docent-dev/docent/llm/kernels"
)

// AttentionMode selects how attention is computed over the F16 KV cache.
type AttentionMode int

const (
	// AttentionFlash mirrors llama.cpp's CPU flash attention (its default):
	// online softmax with the value accumulator kept in F16.
	AttentionFlash AttentionMode = iota
	// AttentionClassic mirrors llama.cpp without flash attention: full
	// softmax over the scores, probabilities rounded to F16 before the
	// product with V.
	AttentionClassic
)

// Options configure LoadDecoder.
type Options struct {
	// Threads is the number of threads for matrix products and attention
	// (0: runtime.GOMAXPROCS). Ignored when Pool is set.
	Threads int
	// Pool, if set, is used (and not closed) instead of a new one.
	Pool *kernels.Pool
	// Attention selects the attention numerics (default AttentionFlash).
	Attention AttentionMode
	// MaxBatch bounds the tokens evaluated in one forward pass during
	// prefill (default 512); longer prompts are processed in pieces.
	MaxBatch int
}

type layer struct {
	attnNorm, ffnNorm []float32
	wq, wk, wv, wo    *kernels.Matrix
	bq, bk, bv        []float32
	qNorm, kNorm      []float32
	wg, wu, wd        *kernels.Matrix
}

// Decoder is a loaded decoder-only transformer. It is safe for concurrent
// use by several Sessions (each holds its own KV cache); they share the
// decoder's worker pool, which runs one matrix product at a time.
type Decoder struct {
	Config
	tokEmbd   *kernels.Matrix
	output    *kernels.Matrix
	outNorm   []float32
	ropeFreqs []float32
	layers    []layer
	pool      *kernels.Pool
	ownPool   bool
	attn      AttentionMode
	maxBatch  int
}

type loader struct {
	f *gguf.File
}

func (l loader) tensor(name string, optional bool) (*gguf.TensorInfo, error) {
	t, ok := l.f.Tensor(name)
	if !ok {
		if optional {
			return nil, nil
		}
		return nil, fmt.Errorf("model: tensor %q is missing", name)
	}
	return t, nil
}

// matrix maps tensor name as a rows x cols matrix (GGUF dims [cols, rows]).
func (l loader) matrix(name string, rows, cols int, optional bool) (*kernels.Matrix, error) {
	t, err := l.tensor(name, optional)
	if t == nil {
		return nil, err
	}
	if len(t.Dims) != 2 || t.Dims[0] != uint64(cols) || t.Dims[1] != uint64(rows) {
		return nil, fmt.Errorf("model: tensor %q has shape %v, want [%d %d]", name, t.Dims, cols, rows)
	}
	data, err := l.f.TensorData(t)
	if err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	m, err := kernels.NewMatrix(t.Type, rows, cols, data)
	if err != nil {
		return nil, fmt.Errorf("model: tensor %q: %w", name, err)
	}
	return m, nil
}

// vector dequantizes a 1-D tensor of n elements.
func (l loader) vector(name string, n int, optional bool) ([]float32, error) {
	t, err := l.tensor(name, optional)
	if t == nil {
		return nil, err
	}
	if t.NumElements() != uint64(n) {
		return nil, fmt.Errorf("model: tensor %q has shape %v, want [%d]", name, t.Dims, n)
	}
	v, err := l.f.TensorFloat32(t)
	if err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	return v, nil
}

// LoadDecoder maps a decoder's weights from f (which must stay open while
// the decoder is used). It fails with an error naming the architecture,
// tensor or type it cannot handle.
func LoadDecoder(f *gguf.File, opts Options) (*Decoder, error) {
	c, err := readConfig(f)
	if err != nil {
		return nil, err
	}
	l := loader{f}
	d := &Decoder{Config: c, attn: opts.Attention, maxBatch: opts.MaxBatch}
	if d.maxBatch <= 0 {
		d.maxBatch = 512
	}
	te, err := l.tensor("token_embd.weight", false)
	if err != nil {
		return nil, err
	}
	if len(te.Dims) != 2 || te.Dims[0] != uint64(c.Embd) {
		return nil, fmt.Errorf("model: tensor \"token_embd.weight\" has shape %v, want [%d vocab]", te.Dims, c.Embd)
	}
	nv := int(te.Dims[1])
	if d.tokEmbd, err = l.matrix("token_embd.weight", nv, c.Embd, false); err != nil {
		return nil, err
	}
	if d.output, err = l.matrix("output.weight", nv, c.Embd, true); err != nil {
		return nil, err
	}
	if d.output == nil {
		d.output = d.tokEmbd
		d.TiedOutput = true
	}
	d.Vocab = nv
	if d.outNorm, err = l.vector("output_norm.weight", c.Embd, false); err != nil {
		return nil, err
	}
	if d.ropeFreqs, err = l.vector("rope_freqs.weight", c.RopeDims/2, true); err != nil {
		return nil, err
	}
	d.RopeFreqs = d.ropeFreqs != nil
	qd, kvd, vd := c.Heads*c.HeadDim, c.KVHeads*c.HeadDim, c.KVHeads*c.HeadDimV
	d.layers = make([]layer, c.Layers)
	for i := range d.layers {
		p := fmt.Sprintf("blk.%d.", i)
		ly := &d.layers[i]
		steps := []func() error{
			func() (e error) { ly.attnNorm, e = l.vector(p+"attn_norm.weight", c.Embd, false); return },
			func() (e error) { ly.wq, e = l.matrix(p+"attn_q.weight", qd, c.Embd, false); return },
			func() (e error) { ly.wk, e = l.matrix(p+"attn_k.weight", kvd, c.Embd, false); return },
			func() (e error) { ly.wv, e = l.matrix(p+"attn_v.weight", vd, c.Embd, false); return },
			func() (e error) {
				ly.wo, e = l.matrix(p+"attn_output.weight", c.Embd, c.Heads*c.HeadDimV, false)
				return
			},
			func() (e error) { ly.bq, e = l.vector(p+"attn_q.bias", qd, true); return },
			func() (e error) { ly.bk, e = l.vector(p+"attn_k.bias", kvd, true); return },
			func() (e error) { ly.bv, e = l.vector(p+"attn_v.bias", vd, true); return },
			func() (e error) { ly.qNorm, e = l.vector(p+"attn_q_norm.weight", c.HeadDim, c.Arch != "qwen3"); return },
			func() (e error) { ly.kNorm, e = l.vector(p+"attn_k_norm.weight", c.HeadDim, c.Arch != "qwen3"); return },
			func() (e error) { ly.ffnNorm, e = l.vector(p+"ffn_norm.weight", c.Embd, false); return },
			func() (e error) { ly.wg, e = l.matrix(p+"ffn_gate.weight", c.FFN, c.Embd, false); return },
			func() (e error) { ly.wu, e = l.matrix(p+"ffn_up.weight", c.FFN, c.Embd, false); return },
			func() (e error) { ly.wd, e = l.matrix(p+"ffn_down.weight", c.Embd, c.FFN, false); return },
		}
		for _, s := range steps {
			if err := s(); err != nil {
				return nil, err
			}
		}
		if ly.bq != nil || ly.bk != nil || ly.bv != nil {
			d.Bias = true
		}
		if ly.qNorm != nil {
			d.QKNorm = true
		}
	}
	if opts.Pool != nil {
		d.pool = opts.Pool
	} else {
		d.pool = kernels.NewPool(opts.Threads)
		d.ownPool = true
	}
	return d, nil
}

// Threads is the number of threads the decoder computes with.
func (d *Decoder) Threads() int { return d.pool.Threads() }

// Pool is the worker pool the decoder computes with.
func (d *Decoder) Pool() *kernels.Pool { return d.pool }

// Close stops the decoder's own worker pool (not one passed in Options).
// The GGUF file is the caller's to close.
func (d *Decoder) Close() {
	if d.ownPool {
		d.pool.Close()
	}
}

// KVCacheBytes is the memory a session of maxCtx positions uses for its
// KV cache (F16 keys and values).
func (d *Decoder) KVCacheBytes(maxCtx int) int64 {
	return int64(maxCtx) * int64(d.Layers) * int64(d.KVHeads*(d.HeadDim+d.HeadDimV)) * 2
}

// rmsNorm writes x * w / rms(x) into dst, as ggml does (sum of squares in
// float64, scale in float32).
func rmsNorm(dst, x, w []float32, eps float32) {
	var sum float64
	for _, v := range x {
		sum += float64(v * v)
	}
	// ggml rounds the mean to float before adding eps in float.
	mean := float32(sum / float64(len(x)))
	scale := 1 / float32(math.Sqrt(float64(mean+eps)))
	w = w[:len(x)]
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = (v * scale) * w[i]
	}
}

// silu is x/(1+exp(-x)) with exp computed as ggml's vectorised SiLU does
// (vexpf), so that results round like llama.cpp's.
func silu(x float32) float32 { return x / (1 + vexpf(-x)) }

// fma32 is a float32 FMA rounded once (kernels.FMA32).
func fma32(a, b, c float32) float32 { return kernels.FMA32(a, b, c) }

// vexpf is the polynomial exp that ggml's AVX-512 code uses for SiLU and
// softmax (ggml_v_expf, adapted there from Arm's optimized routines; max
// error about 1.5 ulp). Where |n| > 192 it gives 0 or +Inf, as ggml does;
// the scaling by 2^n rounds once (like _mm512_scalef_ps).
func vexpf(x float32) float32 {
	const r = 0x1.8p23
	z := fma32(x, 0x1.715476p+0, r)
	n := z - r
	if n > 192 {
		return float32(math.Inf(1))
	}
	if n < -192 {
		return 0
	}
	b := fma32(-n, 0x1.7f7d1cp-20, fma32(-n, 0x1.62e4p-1, x))
	u := b * b
	j := fma32(fma32(fma32(0x1.0e4020p-7, b, 0x1.573e2ep-5), u, fma32(0x1.555e66p-3, b, 0x1.fffdb6p-2)), u, fma32(0x1.ffffecp-1, b, 1))
	if n >= -126 && n <= 127 {
		// j * 2^n: one rounding of the exact product, as Ldexp then
		// float32 gives (2^n is a normal float32 here).
		return j * math.Float32frombits(uint32(int32(n)+127)<<23)
	}
	return float32(math.Ldexp(float64(j), int(n)))
}
