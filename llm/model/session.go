package model

import (
	"errors"
	"fmt"
	"math"

	"github.com/docent-dev/docent/llm/gguf"
	"github.com/docent-dev/docent/llm/kernels"
)

// ErrContextFull is returned (wrapped) when a session has no room for more
// tokens.
var ErrContextFull = errors.New("model: context is full")

// Session is one sequence being evaluated: a KV cache of up to MaxCtx
// positions plus scratch buffers. After the first evaluation of a given
// batch size, Decode allocates nothing. A Session is not safe for concurrent
// use.
type Session struct {
	d      *Decoder
	maxCtx int
	n      int // tokens in the cache
	kc, vc [][]uint16

	batch  int // capacity of the scratch buffers, in tokens
	x, xn  []float32
	q, k   []float32
	v, att []float32
	gate   []float32
	up     []float32
	cos    []float32
	sin    []float32
	pos    []int
	scores []float32 // AttentionClassic only: batch*Heads*maxCtx
	acts   kernels.Acts
	logits []float32 // last token's logits
	all    []float32 // EvalAll's logits
	at     attnTask
	sw     swigluTask
}

// swigluChunk is how many elements one swigluTask item covers.
const swigluChunk = 4096

// swigluTask sets gate[i] = silu(gate[i]) * up[i], items of swigluChunk
// elements.
type swigluTask struct{ gate, up []float32 }

func (t *swigluTask) Do(lo, hi int) {
	e0, e1 := lo*swigluChunk, min(hi*swigluChunk, len(t.gate))
	swiglu(t.gate[e0:e1], t.up[e0:e1])
}

// swiglu sets gate[i] = silu(gate[i]) * up[i]: whole 16-lane groups in
// assembly where the CPU has it (kernels.SiLUMul16, bit-identical), the
// rest in Go.
func swiglu(gate, up []float32) {
	up = up[:len(gate)]
	i := kernels.SiLUMul16(gate, up)
	swigluGo(gate[i:], up[i:])
}

// swigluGo sets gate[i] = silu(gate[i]) * up[i].
func swigluGo(gate, up []float32) {
	up = up[:len(gate)]
	for i, g := range gate {
		gate[i] = silu(g) * up[i]
	}
}

// NewSession returns a session whose KV cache holds maxCtx positions
// (maxCtx <= 0 or larger than the training context means the training
// context length).
func (d *Decoder) NewSession(maxCtx int) *Session {
	if maxCtx <= 0 || maxCtx > d.ContextLen {
		maxCtx = d.ContextLen
	}
	s := &Session{d: d, maxCtx: maxCtx}
	s.kc = make([][]uint16, d.Layers)
	s.vc = make([][]uint16, d.Layers)
	for i := range s.kc {
		s.kc[i] = make([]uint16, maxCtx*d.KVHeads*d.HeadDim)
		s.vc[i] = make([]uint16, maxCtx*d.KVHeads*d.HeadDimV)
	}
	s.logits = make([]float32, d.Vocab)
	s.at.s = s
	s.ensure(1)
	return s
}

// MaxCtx is the number of positions the session's cache holds.
func (s *Session) MaxCtx() int { return s.maxCtx }

// Len is the number of tokens evaluated so far (positions used).
func (s *Session) Len() int { return s.n }

// Reset empties the cache so the session can start a new sequence.
func (s *Session) Reset() { s.n = 0 }

// Truncate drops the cached tokens after the first n (n <= Len), so that a
// shared prefix can be kept.
func (s *Session) Truncate(n int) {
	if n >= 0 && n < s.n {
		s.n = n
	}
}

func grow(b []float32, n int) []float32 {
	if cap(b) < n {
		return make([]float32, n)
	}
	return b[:n]
}

// ensure sizes the scratch buffers for a batch of n tokens.
func (s *Session) ensure(n int) {
	if n <= s.batch {
		return
	}
	d := s.d
	s.batch = n
	s.x = grow(s.x, n*d.Embd)
	s.xn = grow(s.xn, n*d.Embd)
	s.q = grow(s.q, n*d.Heads*d.HeadDim)
	s.k = grow(s.k, n*d.KVHeads*d.HeadDim)
	s.v = grow(s.v, n*d.KVHeads*d.HeadDimV)
	s.att = grow(s.att, n*d.Heads*d.HeadDimV)
	s.gate = grow(s.gate, n*d.FFN)
	s.up = grow(s.up, n*d.FFN)
	s.cos = grow(s.cos, n*d.RopeDims/2)
	s.sin = grow(s.sin, n*d.RopeDims/2)
	if cap(s.pos) < n {
		s.pos = make([]int, n)
	}
	s.pos = s.pos[:n]
	if d.attn == AttentionClassic {
		s.scores = grow(s.scores, n*d.Heads*s.maxCtx)
	}
}

// Prefill evaluates tokens after those already in the cache and returns the
// logits of the last one (owned by the session, valid until the next call).
func (s *Session) Prefill(tokens []int32) ([]float32, error) {
	if len(tokens) == 0 {
		return nil, errors.New("model: no tokens to evaluate")
	}
	if err := s.check(tokens); err != nil {
		return nil, err
	}
	for len(tokens) > 0 {
		n := min(len(tokens), s.d.maxBatch)
		s.forward(tokens[:n], n == len(tokens), nil, 0)
		tokens = tokens[n:]
	}
	return s.logits, nil
}

// Decode evaluates one token and returns its logits (owned by the session).
// It allocates nothing.
func (s *Session) Decode(token int32) ([]float32, error) {
	if s.n >= s.maxCtx {
		return nil, fmt.Errorf("%w: %d of %d positions used", ErrContextFull, s.n, s.maxCtx)
	}
	if token < 0 || int(token) >= s.d.Vocab {
		return nil, fmt.Errorf("model: token %d is outside the vocabulary (%d)", token, s.d.Vocab)
	}
	var one [1]int32
	one[0] = token
	s.forward(one[:], true, nil, 0)
	return s.logits, nil
}

// EvalAll evaluates tokens like Prefill and returns the logits of every one
// of them: len(tokens) rows of Vocab values (owned by the session).
func (s *Session) EvalAll(tokens []int32) ([]float32, error) {
	return s.EvalFrom(tokens, 0)
}

// EvalFrom evaluates tokens like Prefill and returns the logits of
// tokens[from:] (len(tokens)-from rows of Vocab values, owned by the
// session); the output head is skipped for the others.
func (s *Session) EvalFrom(tokens []int32, from int) ([]float32, error) {
	if len(tokens) == 0 {
		return nil, errors.New("model: no tokens to evaluate")
	}
	if from < 0 || from >= len(tokens) {
		return nil, fmt.Errorf("model: logits from token %d of %d", from, len(tokens))
	}
	if err := s.check(tokens); err != nil {
		return nil, err
	}
	V := s.d.Vocab
	s.all = grow(s.all, (len(tokens)-from)*V)
	out := s.all
	for off := 0; off < len(tokens); {
		n := min(len(tokens)-off, s.d.maxBatch)
		lo := max(from-off, 0) // first token of this piece that needs logits
		if lo >= n {
			s.forward(tokens[off:off+n], false, nil, 0)
		} else {
			s.forward(tokens[off:off+n], true, out[(off+lo-from)*V:(off+n-from)*V], lo)
		}
		off += n
	}
	return out, nil
}

func (s *Session) check(tokens []int32) error {
	if s.n+len(tokens) > s.maxCtx {
		return fmt.Errorf("%w: %d tokens in the cache + %d new > %d positions", ErrContextFull, s.n, len(tokens), s.maxCtx)
	}
	for _, t := range tokens {
		if t < 0 || int(t) >= s.d.Vocab {
			return fmt.Errorf("model: token %d is outside the vocabulary (%d)", t, s.d.Vocab)
		}
	}
	return nil
}

// forward runs the batch through the network. If all is non-nil it receives
// the logits of tokens[from:]; otherwise, if wantLast, s.logits receives the
// last token's.
func (s *Session) forward(tokens []int32, wantLast bool, all []float32, from int) {
	d := s.d
	n := len(tokens)
	s.ensure(n)
	E := d.Embd
	p := d.pool
	x, xn := s.x[:n*E], s.xn[:n*E]
	for i, t := range tokens {
		d.tokEmbd.Row(x[i*E:(i+1)*E], int(t))
		s.pos[i] = s.n + i
	}
	s.ropeTables(n)
	qd, kvd, vd := d.Heads*d.HeadDim, d.KVHeads*d.HeadDim, d.KVHeads*d.HeadDimV
	q, k, v := s.q[:n*qd], s.k[:n*kvd], s.v[:n*vd]
	att := s.att[:n*d.Heads*d.HeadDimV]
	gate, up := s.gate[:n*d.FFN], s.up[:n*d.FFN]
	for li := range d.layers {
		ly := &d.layers[li]
		for i := 0; i < n; i++ {
			rmsNorm(xn[i*E:(i+1)*E], x[i*E:(i+1)*E], ly.attnNorm, d.RMSEps)
		}
		s.acts.Prepare(ly.wq.Type, xn, n, E)
		ly.wq.MatMulPrepared(q, &s.acts, p)
		if ly.wk.Type != ly.wq.Type {
			s.acts.Prepare(ly.wk.Type, xn, n, E)
		}
		ly.wk.MatMulPrepared(k, &s.acts, p)
		if ly.wv.Type != ly.wk.Type {
			s.acts.Prepare(ly.wv.Type, xn, n, E)
		}
		ly.wv.MatMulPrepared(v, &s.acts, p)
		addBias(q, ly.bq, n)
		addBias(k, ly.bk, n)
		addBias(v, ly.bv, n)
		if ly.qNorm != nil {
			for h := 0; h < n*d.Heads; h++ {
				seg := q[h*d.HeadDim : (h+1)*d.HeadDim]
				rmsNorm(seg, seg, ly.qNorm, d.RMSEps)
			}
		}
		if ly.kNorm != nil {
			for h := 0; h < n*d.KVHeads; h++ {
				seg := k[h*d.HeadDim : (h+1)*d.HeadDim]
				rmsNorm(seg, seg, ly.kNorm, d.RMSEps)
			}
		}
		for i := 0; i < n; i++ {
			for h := 0; h < d.Heads; h++ {
				s.rope(q[(i*d.Heads+h)*d.HeadDim:(i*d.Heads+h+1)*d.HeadDim], i)
			}
			for h := 0; h < d.KVHeads; h++ {
				s.rope(k[(i*d.KVHeads+h)*d.HeadDim:(i*d.KVHeads+h+1)*d.HeadDim], i)
			}
		}
		// Store K and V in the F16 cache, as llama.cpp does by default.
		kc, vc := s.kc[li], s.vc[li]
		for i, val := range k {
			kc[s.n*kvd+i] = gguf.FP32ToFP16(val)
		}
		for i, val := range v {
			vc[s.n*vd+i] = gguf.FP32ToFP16(val)
		}
		// Queries are rounded to F16 for the dot products with F16 keys
		// (except on llama.cpp's tiled path, which keeps them in float32).
		if d.attn == AttentionClassic || n < fattnTileQ {
			kernels.ScaleRoundF16(q, 1) // x*1 is x: the F16 rounding, vectorized
		}
		s.at.layer, s.at.nTok = li, n
		p.RunTask(n*d.Heads, &s.at)
		// Output projection and residual.
		s.acts.Prepare(ly.wo.Type, att, n, d.Heads*d.HeadDimV)
		ly.wo.MatMulPrepared(xn, &s.acts, p)
		for i := range x {
			x[i] += xn[i]
		}
		// Feed-forward (SwiGLU).
		for i := 0; i < n; i++ {
			rmsNorm(xn[i*E:(i+1)*E], x[i*E:(i+1)*E], ly.ffnNorm, d.RMSEps)
		}
		s.acts.Prepare(ly.wg.Type, xn, n, E)
		ly.wg.MatMulPrepared(gate, &s.acts, p)
		if ly.wu.Type != ly.wg.Type {
			s.acts.Prepare(ly.wu.Type, xn, n, E)
		}
		ly.wu.MatMulPrepared(up, &s.acts, p)
		if n == 1 {
			swiglu(gate, up)
		} else {
			// SwiGLU over the batch, split across the pool.
			s.sw.gate, s.sw.up = gate, up
			p.RunTask((len(gate)+swigluChunk-1)/swigluChunk, &s.sw)
			s.sw.gate, s.sw.up = nil, nil
		}
		s.acts.Prepare(ly.wd.Type, gate, n, d.FFN)
		ly.wd.MatMulPrepared(xn, &s.acts, p)
		for i := range x {
			x[i] += xn[i]
		}
	}
	s.n += n
	switch {
	case all != nil:
		m := n - from
		for i := 0; i < m; i++ {
			rmsNorm(xn[i*E:(i+1)*E], x[(from+i)*E:(from+i+1)*E], d.outNorm, d.RMSEps)
		}
		d.output.MatMulActs(all[:m*d.Vocab], xn[:m*E], m, p, &s.acts)
		copy(s.logits, all[(m-1)*d.Vocab:m*d.Vocab])
	case wantLast:
		last := x[(n-1)*E : n*E]
		rmsNorm(xn[:E], last, d.outNorm, d.RMSEps)
		d.output.MatMulActs(s.logits, xn[:E], 1, p, &s.acts)
	}
}

func addBias(x, b []float32, n int) {
	if b == nil {
		return
	}
	m := len(b)
	for i := 0; i < n; i++ {
		row := x[i*m : (i+1)*m]
		for j, bv := range b {
			row[j] += bv
		}
	}
}

// ropeTables fills the cos/sin of every rotated pair for the batch's
// positions, as ggml's rope cache does (theta advanced by repeated float32
// multiplication, divided by the per-dimension frequency factor).
func (s *Session) ropeTables(n int) {
	d := s.d
	half := d.RopeDims / 2
	thetaScale := float32(math.Pow(float64(d.RopeBase), float64(float32(-2)/float32(d.RopeDims))))
	for i := 0; i < n; i++ {
		theta := float32(s.pos[i])
		cs, sn := s.cos[i*half:(i+1)*half], s.sin[i*half:(i+1)*half]
		for j := 0; j < half; j++ {
			t := theta
			if d.ropeFreqs != nil {
				t = theta / d.ropeFreqs[j]
			}
			t *= d.RopeScale
			cs[j] = cosf(t)
			sn[j] = sinf(t)
			theta *= thetaScale
		}
	}
}

// rope rotates one head of token i in place. The products are fused the
// way GCC contracts ggml's x0*cos - x1*sin and x0*sin + x1*cos (the
// second product rounded, the first fused): with plain float32 operations
// greedy outputs part from llama.cpp's after a few tokens.
func (s *Session) rope(x []float32, i int) {
	d := s.d
	half := d.RopeDims / 2
	cs, sn := s.cos[i*half:(i+1)*half], s.sin[i*half:(i+1)*half]
	if d.RopeMode == RopeNeox {
		a, b := x[:half], x[half:2*half]
		for j := range cs {
			x0, x1 := a[j], b[j]
			a[j] = fma32(x0, cs[j], -(x1 * sn[j]))
			b[j] = fma32(x0, sn[j], x1*cs[j])
		}
		return
	}
	for j := range cs {
		x0, x1 := x[2*j], x[2*j+1]
		x[2*j] = fma32(x0, cs[j], -(x1 * sn[j]))
		x[2*j+1] = fma32(x0, sn[j], x1*cs[j])
	}
}
