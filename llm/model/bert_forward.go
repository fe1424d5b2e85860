package model

import (
	"context"
	"math"
	"sync"
	"sync/atomic"

	"github.com/docent-dev/docent/llm/gguf"
	"github.com/docent-dev/docent/llm/kernels"
)

// bertScratch holds the activations of one forward pass; it is reused
// across the batches of one EmbedTokens call.
type bertScratch struct {
	x, q, k, v, qkv, att, tmp, h, g []float32
	starts                          []int
	acts                            kernels.Acts // activations prepared for a weight type
	actsType                        gguf.GGMLType
	actsReady                       bool            // acts hold the current input for actsType
	f16                             kernels.F16Acts // activations for the tiled F16 products
	f16Ready                        bool
}

// mul computes dst = m · x for T vectors, then adds bias (one value per
// row) and res (T rows like dst), each where not nil, in that order. fresh
// says x is a new input; otherwise the activations prepared by the
// previous call on the same x are reused where the weight types allow.
func (e *Encoder) mul(sc *bertScratch, m *kernels.Matrix, dst, x []float32, T int, fresh bool, bias, res []float32) {
	if fresh {
		sc.actsReady, sc.f16Ready = false, false
	}
	if m.TiledF16() {
		if !sc.f16Ready || sc.f16.N() != T {
			sc.f16.Prepare(x, T, m.Cols)
			sc.f16Ready = true
		}
		m.MulF16ActsAdd(dst, &sc.f16, bias, res, e.pool)
		return
	}
	if !sc.actsReady || sc.actsType != m.Type {
		sc.acts.Prepare(m.Type, x, T, m.Cols)
		sc.actsType, sc.actsReady = m.Type, true
	}
	m.MatMulPrepared(dst, &sc.acts, e.pool)
	if bias == nil && res == nil {
		return
	}
	R := m.Rows
	e.pool.Run(T, func(lo, hi int) {
		for t := lo; t < hi; t++ {
			r := dst[t*R : (t+1)*R]
			if bias != nil {
				bertAdd(r, bias)
			}
			if res != nil {
				bertAdd(r, res[t*R:(t+1)*R])
			}
		}
	})
}

func bertGrow(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}

// forward evaluates a batch of sequences in one pass (attention stays
// within each sequence) and writes one pooled vector per sequence to out.
func (e *Encoder) forward(ctx context.Context, sc *bertScratch, seqs [][]int32, out [][]float32) error {
	E, F, H, hd := e.info.Dim, e.info.FeedForward, e.info.Heads, e.headDim
	sc.starts = sc.starts[:0]
	T := 0
	for _, s := range seqs {
		sc.starts = append(sc.starts, T)
		T += len(s)
	}
	sc.x = bertGrow(sc.x, T*E)
	sc.q = bertGrow(sc.q, T*E)
	sc.k = bertGrow(sc.k, T*E)
	sc.v = bertGrow(sc.v, T*E)
	sc.att = bertGrow(sc.att, T*E)
	sc.tmp = bertGrow(sc.tmp, T*E)
	sc.h = bertGrow(sc.h, T*F)
	x, tmp := sc.x, sc.tmp

	// Token, type (always 0, "sentence A", as llama.cpp) and position
	// embeddings, then the embedding layer norm.
	tokAt := make([]int32, T)
	posAt := make([]int32, T)
	for si, s := range seqs {
		copy(tokAt[sc.starts[si]:], s)
		for j := range s {
			posAt[sc.starts[si]+j] = int32(j)
		}
	}
	e.pool.Run(T, func(lo, hi int) {
		for t := lo; t < hi; t++ {
			row := x[t*E : (t+1)*E]
			e.tokEmbd.Row(row, int(tokAt[t]))
			if e.typeRow != nil {
				bertAdd(row, e.typeRow)
			}
			if e.posEmbd != nil {
				pos := tmp[t*E : (t+1)*E]
				e.posEmbd.Row(pos, int(posAt[t]))
				bertAdd(row, pos)
			}
			bertLayerNormTo(row, row, e.embNormW, e.embNormB, e.info.Epsilon)
		}
	})

	scale := float32(1 / math.Sqrt(float64(hd)))
	compact := false // rows reduced to one per sequence
	for li := range e.blocks {
		if err := ctx.Err(); err != nil {
			return err
		}
		b := &e.blocks[li]
		q, k, v := sc.q, sc.k, sc.v
		if b.qkv != nil {
			sc.qkv = bertGrow(sc.qkv, T*3*E)
			e.mul(sc, b.qkv, sc.qkv, x, T, true, b.qkvB, nil)
			qkv := sc.qkv
			e.pool.Run(T, func(lo, hi int) {
				for t := lo; t < hi; t++ {
					r := qkv[t*3*E : (t+1)*3*E]
					copy(q[t*E:(t+1)*E], r[:E])
					copy(k[t*E:(t+1)*E], r[E:2*E])
					copy(v[t*E:(t+1)*E], r[2*E:])
				}
			})
		} else {
			// q, k and v read the same input: prepare it once per type.
			e.mul(sc, b.q, q, x, T, true, b.qB, nil)
			e.mul(sc, b.k, k, x, T, false, b.kB, nil)
			e.mul(sc, b.v, v, x, T, false, b.vB, nil)
		}
		if b.qNormW != nil || b.kNormW != nil || e.rope != nil {
			e.pool.Run(T, func(lo, hi int) {
				for t := lo; t < hi; t++ {
					qr, kr := q[t*E:(t+1)*E], k[t*E:(t+1)*E]
					if b.qNormW != nil {
						bertLayerNorm(qr, b.qNormW, b.qNormB, e.info.Epsilon)
					}
					if b.kNormW != nil {
						bertLayerNorm(kr, b.kNormW, b.kNormB, e.info.Epsilon)
					}
					if e.rope != nil {
						e.rope.apply(qr, int(posAt[t]))
						e.rope.apply(kr, int(posAt[t]))
					}
				}
			})
		}

		// Self-attention, one (sequence, head) pair per work item.
		att := sc.att
		// Threads claim (sequence, head) items one at a time, so that a
		// descheduled thread does not leave the other waiting.
		var next atomic.Int64
		items := len(seqs) * H
		e.pool.Run(min(items, e.pool.Threads()), func(_, _ int) {
			var scores []float32
			var as kernels.AttnScratch
			for {
				it := int(next.Add(1)) - 1
				if it >= items {
					return
				}
				si, h := it/H, it%H
				st, L := sc.starts[si], len(seqs[si])
				if !e.info.Causal {
					o := st*E + h*hd
					if kernels.BertAttention(att[o:], q[o:], k[o:], v[o:], E, L, hd, scale, &as) {
						continue
					}
				}
				if cap(scores) < L {
					scores = make([]float32, L)
				}
				off := h * hd
				for i := 0; i < L; i++ {
					qi := q[(st+i)*E+off : (st+i)*E+off+hd]
					n := L
					if e.info.Causal {
						n = i + 1
					}
					row := scores[:n]
					mx := float32(math.Inf(-1))
					for j := range row {
						s := bertDot(qi, k[(st+j)*E+off:(st+j)*E+off+hd]) * scale
						row[j] = s
						mx = max(mx, s)
					}
					var sum float64
					for j, s := range row {
						p := float32(math.Exp(float64(s - mx)))
						row[j] = p
						sum += float64(p)
					}
					inv := float32(1 / sum)
					o := att[(st+i)*E+off : (st+i)*E+off+hd]
					clear(o)
					for j, p := range row {
						bertAxpy(o, v[(st+j)*E+off:(st+j)*E+off+hd], p*inv)
					}
				}
			}
		})

		// CLS and last-token pooling read one row per sequence: after the
		// last attention (which needs every token's keys and values), keep
		// only those rows, as llama.cpp does with its output ids.
		if li == len(e.blocks)-1 && e.info.Pooling != PoolingMean {
			for si, s := range seqs {
				r := sc.starts[si]
				if e.info.Pooling == PoolingLast {
					r += len(s) - 1
				}
				copy(att[si*E:(si+1)*E], att[r*E:(r+1)*E])
				copy(x[si*E:(si+1)*E], x[r*E:(r+1)*E])
			}
			T = len(seqs)
			compact = true
		}

		// Output projection, residual, attention layer norm.
		e.mul(sc, b.o, tmp, att, T, true, b.oB, x[:T*E])
		e.pool.Run(T, func(lo, hi int) {
			for t := lo; t < hi; t++ {
				bertLayerNormTo(x[t*E:(t+1)*E], tmp[t*E:(t+1)*E], b.attnNormW, b.attnNormB, e.info.Epsilon)
			}
		})

		// Feed-forward: GELU(up) (bert) or SiLU(gate) * up (nomic-bert).
		hb := sc.h
		e.mul(sc, b.up, hb, x, T, true, b.upB, nil)
		var g []float32
		if b.gate != nil {
			sc.g = bertGrow(sc.g, T*F)
			g = sc.g
			e.mul(sc, b.gate, g, x, T, false, nil, nil)
		}
		e.pool.Run(T, func(lo, hi int) {
			for t := lo; t < hi; t++ {
				r := hb[t*F : (t+1)*F]
				if g != nil {
					for i, gv := range g[t*F : (t+1)*F] {
						r[i] *= gv / (1 + float32(math.Exp(float64(-gv))))
					}
				} else {
					bertGELUInPlace(r)
				}
			}
		})
		e.mul(sc, b.down, tmp, hb, T, true, b.downB, x[:T*E])
		e.pool.Run(T, func(lo, hi int) {
			for t := lo; t < hi; t++ {
				bertLayerNormTo(x[t*E:(t+1)*E], tmp[t*E:(t+1)*E], b.outNormW, b.outNormB, e.info.Epsilon)
			}
		})
	}

	for si, s := range seqs {
		st, L := sc.starts[si], len(s)
		vec := make([]float32, E)
		switch {
		case compact:
			copy(vec, x[si*E:(si+1)*E])
		case e.info.Pooling == PoolingCLS:
			copy(vec, x[st*E:(st+1)*E])
		case e.info.Pooling == PoolingLast:
			copy(vec, x[(st+L-1)*E:(st+L)*E])
		default: // mean
			acc := make([]float64, E)
			for t := st; t < st+L; t++ {
				for i, xv := range x[t*E : (t+1)*E] {
					acc[i] += float64(xv)
				}
			}
			for i := range vec {
				vec[i] = float32(acc[i] / float64(L))
			}
		}
		if e.opts.Normalize == NormalizeL2 {
			bertL2Normalize(vec)
		}
		out[si] = vec
	}
	return nil
}

func bertAdd(dst, src []float32) {
	src = src[:len(dst)]
	for i := range dst {
		dst[i] += src[i]
	}
}

func bertAxpy(dst, x []float32, a float32) {
	x = x[:len(dst)]
	for i := range dst {
		dst[i] += a * x[i]
	}
}

func bertDot(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// bertLayerNorm normalises x in place to zero mean and unit variance, then
// scales by w and shifts by b (nil b: no shift), in ggml_norm's order of
// operations (sums in float64).
func bertLayerNorm(x, w, b []float32, eps float32) {
	n := float64(len(x))
	var sum float64
	for _, v := range x {
		sum += float64(v)
	}
	mean := float32(sum / n)
	var sum2 float64
	for i, v := range x {
		d := v - mean
		x[i] = d
		sum2 += float64(d * d)
	}
	scale := float32(1 / math.Sqrt(float64(float32(sum2/n)+eps)))
	w = w[:len(x)]
	if b == nil {
		for i := range x {
			x[i] = x[i] * scale * w[i]
		}
		return
	}
	b = b[:len(x)]
	for i := range x {
		x[i] = x[i]*scale*w[i] + b[i]
	}
}

// bertLayerNormTo is bertLayerNorm of src written to dst (src unchanged
// but for its use as scratch).
func bertLayerNormTo(dst, src, w, b []float32, eps float32) {
	if kernels.BertLayerNorm(dst, src, w, b, eps) {
		return
	}
	bertLayerNorm(src, w, b, eps)
	copy(dst, src)
}

func bertL2Normalize(v []float32) {
	var sum float64
	for _, x := range v {
		sum += float64(x) * float64(x)
	}
	if sum == 0 {
		return
	}
	inv := float32(1 / math.Sqrt(sum))
	for i := range v {
		v[i] *= inv
	}
}

// GELU as ggml computes it on the CPU: the tanh approximation, looked up
// in a table indexed by the input rounded to F16 (GGML_GELU_FP16), the
// result rounded to F16; inputs beyond ±10 are clamped (0 or x).
var bertGELU struct {
	once  sync.Once
	table []float32
}

func bertGELUTable() []float32 {
	bertGELU.once.Do(func() {
		t := make([]float32, 1<<16)
		const sqrt2OverPi = 0.79788456080286535587989211986876
		const coefA = 0.044715
		for i := range t {
			x := float64(gguf.FP16ToFP32(uint16(i)))
			y := 0.5 * x * (1 + math.Tanh(sqrt2OverPi*x*(1+coefA*x*x)))
			t[i] = gguf.FP16ToFP32(gguf.FP32ToFP16(float32(y)))
		}
		bertGELU.table = t
	})
	return bertGELU.table
}

func bertGELUInPlace(x []float32) {
	t := bertGELUTable()
	x = x[kernels.BertGELU(x, t):]
	for i, v := range x {
		switch {
		case v <= -10:
			x[i] = 0
		case v >= 10:
		default:
			x[i] = t[gguf.FP32ToFP16(v)]
		}
	}
}

// bertRope rotates query and key heads by position, NEOX ordering (the
// two halves of each head form the pairs), as llama.cpp does for
// nomic-bert.
// Only the first nRot dimensions of each head rotate.
type bertRope struct {
	headDim, nRot int
	freqs         []float64 // theta per pair at position 1
}

func newBertRope(headDim, nRot int, base float32) *bertRope {
	r := &bertRope{headDim: headDim, nRot: nRot, freqs: make([]float64, nRot/2)}
	for i := range r.freqs {
		r.freqs[i] = math.Pow(float64(base), -2*float64(i)/float64(nRot))
	}
	return r
}

func (r *bertRope) apply(x []float32, pos int) {
	half := r.nRot / 2
	for h := 0; h+r.headDim <= len(x); h += r.headDim {
		v := x[h : h+r.headDim]
		for i := 0; i < half; i++ {
			s, c := math.Sincos(float64(pos) * r.freqs[i])
			x0, x1 := float64(v[i]), float64(v[i+half])
			v[i] = float32(x0*c - x1*s)
			v[i+half] = float32(x0*s + x1*c)
		}
	}
}
