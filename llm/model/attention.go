package model

import (
	"math"

	"github.com/docent-dev/docent/llm/gguf"
	"github.com/docent-dev/docent/llm/kernels"
)

// attnTask computes attention for items token*Heads+head of the current
// batch against the session's F16 KV cache (causal: token i sees positions
// up to its own).
type attnTask struct {
	s     *Session
	layer int
	nTok  int
}

func (t *attnTask) Do(lo, hi int) {
	s := t.s
	d := s.d
	if d.attn != AttentionClassic && t.nTok >= fattnTileQ && tiledFastOK(d) {
		t.doTiled(lo, hi)
		return
	}
	hd, hdv := d.HeadDim, d.HeadDimV
	kvd, vd := d.KVHeads*hd, d.KVHeads*hdv
	group := d.Heads / d.KVHeads
	scale := 1 / float32(math.Sqrt(float64(hd)))
	kc, vc := s.kc[t.layer], s.vc[t.layer]
	for k := lo; k < hi; k++ {
		// Item k is token balanced(k/Heads), head k%Heads: tokens in the
		// order 0, n-1, 1, n-2, ... so that the pool's contiguous ranges
		// get about equal causal work.
		i, h := balancedToken(k/d.Heads, t.nTok), k%d.Heads
		it := i*d.Heads + h
		kvh := h / group
		pos := s.n + i
		q := s.q[it*hd : (it+1)*hd]
		out := s.att[it*hdv : (it+1)*hdv]
		if d.attn == AttentionClassic {
			sc := s.scores[it*s.maxCtx : it*s.maxCtx+pos+1]
			classicAttention(out, q, kc, vc, sc, kvh*hd, kvd, kvh*hdv, vd, scale)
			continue
		}
		if t.nTok >= fattnTileQ {
			tiledAttention(out, q, kc, vc, pos+1, kvh*hd, kvd, kvh*hdv, vd, scale)
			continue
		}
		flashAttention(out, q, kc, vc, pos+1, kvh*hd, kvd, kvh*hdv, vd, scale)
	}
}

// balancedToken maps 0..n-1 to tokens 0, n-1, 1, n-2, 2, ...
func balancedToken(k, n int) int {
	if k%2 == 0 {
		return k / 2
	}
	return n - 1 - k/2
}

// fattnTileQ is ggml's GGML_FA_TILE_Q: llama.cpp's CPU flash attention
// takes its tiled path (ggml_compute_forward_flash_attn_ext_tiled) when a
// batch holds at least this many tokens, its one-query-at-a-time path
// otherwise. The numerics differ (see tiledAttention).
const fattnTileQ = 64

// fattnTileKV is ggml's GGML_FA_TILE_KV: keys per tile of the tiled path.
const fattnTileKV = 64

// tiledAttention follows ggml's tiled CPU flash attention for F16 K/V, per
// query row: the query stays in float32 (not rounded to F16), keys are
// widened to float32 and each score is a sequential chain of fused
// multiply-adds over the head dimension, then scaled. Keys go by tiles of
// 64 from position 0; per tile the running maximum is updated once (the
// accumulator and sum rescaled by expf of the difference), the tile's
// exponentials come from ggml's vectorised expf and are summed in 16-lane
// groups (reduced like _mm512_reduce_add_ps) into a float64 that is added to
// the float32 sum, and the value accumulator (float32) takes each key's
// weight*value by a fused multiply-add, key by key. This is the reference;
// attnTask runs the SIMD form of attention_tiled.go (bit-identical) where
// the CPU has its kernels.
func tiledAttention(out, q []float32, kc, vc []uint16, nkv, kOff, kStride, vOff, vStride int, scale float32) {
	hd, hdv := len(q), len(out)
	for j := range out {
		out[j] = 0
	}
	M := float32(math.Inf(-1))
	var S float32
	var kq [fattnTileKV]float32
	for ic := 0; ic < nkv; ic += fattnTileKV {
		nt := min(fattnTileKV, nkv-ic)
		tileMax := float32(math.Inf(-1))
		for k := 0; k < fattnTileKV; k++ {
			if k >= nt {
				kq[k] = float32(math.Inf(-1))
				continue
			}
			krow := kc[(ic+k)*kStride+kOff : (ic+k)*kStride+kOff+hd]
			var acc float32
			for j, kv := range krow {
				acc = fma32(q[j], gguf.FP16ToFP32(kv), acc)
			}
			kq[k] = acc * scale
			tileMax = max(tileMax, kq[k])
		}
		Mnew := max(M, tileMax)
		if Mnew > M {
			ms := expf(M - Mnew)
			for j := range out {
				out[j] *= ms
			}
			S *= ms
		}
		M = Mnew
		var sum float64
		for c := 0; c < fattnTileKV; c += 16 {
			var lane [16]float32
			for i := range lane {
				lane[i] = vexpf(kq[c+i] - Mnew)
				kq[c+i] = lane[i]
			}
			sum += float64(reduce16(&lane))
		}
		S = float32(float64(S) + sum)
		for k := 0; k < nt; k++ {
			p := kq[k]
			vrow := vc[(ic+k)*vStride+vOff : (ic+k)*vStride+vOff+hdv]
			for j, vv := range vrow {
				out[j] = fma32(p, gguf.FP16ToFP32(vv), out[j])
			}
		}
	}
	var inv float32
	if S != 0 {
		inv = 1 / S
	}
	for c := range out {
		out[c] *= inv
	}
}

// reduce16 sums 16 lanes the way _mm512_reduce_add_ps does (halves folded
// 8, 4, 2, 1).
func reduce16(s *[16]float32) float32 {
	var t [8]float32
	for l := 0; l < 8; l++ {
		t[l] = s[l+8] + s[l]
	}
	u0, u1, u2, u3 := t[4]+t[0], t[5]+t[1], t[6]+t[2], t[7]+t[3]
	return (u2 + u0) + (u3 + u1)
}

func f16r(x float32) float32 { return gguf.FP16ToFP32(gguf.FP32ToFP16(x)) }

// expf is the C library's expf as llama.cpp's CPU build calls it (glibc).
func expf(x float32) float32 { return glibcExpf(x) }

// flashAttention follows ggml's CPU flash attention for F16 K/V: scores
// from F16 dot products, an online softmax, and a value accumulator kept in
// F16 (rescaled when the running maximum grows). Positions go in chunks of
// faChunk: the scores, then the softmax factors (ms rescales the
// accumulator, vs weighs the value row), then the value rows in one
// kernels.AccumRoundF16 call; the arithmetic is the step-by-step loop's
// (flashAttentionRef in the tests).
func flashAttention(out, q []float32, kc, vc []uint16, nkv, kOff, kStride, vOff, vStride int, scale float32) {
	hd, hdv := len(q), len(out)
	for j := range out {
		out[j] = 0
	}
	M := float32(math.Inf(-1))
	var S float32
	var scs, mss, vss [faChunk]float32
	for j0 := 0; j0 < nkv; j0 += faChunk {
		cnt := min(faChunk, nkv-j0)
		sc, ms, vs := scs[:cnt], mss[:cnt], vss[:cnt]
		for j := range sc {
			o := (j0+j)*kStride + kOff
			sc[j] = float32(dotF16Attn(kc[o:o+hd], q) * scale) // rounded: never fused with "- M" (arm64)
		}
		for j, s := range sc {
			m, v := float32(1), float32(1)
			if s > M {
				mold := M
				M = s
				m = expf(mold - M)
			} else {
				v = expf(s - M)
			}
			ms[j], vs[j] = m, v
			// S*ms + vs, not fused (an FMA here parts from llama.cpp
			// when the running maximum grows).
			S = float32(S*m) + v
		}
		o := j0*vStride + vOff
		kernels.AccumRoundF16(out, vc[o:o+(cnt-1)*vStride+hdv], vStride, ms, vs)
	}
	var inv float32
	if S != 0 {
		inv = 1 / S
	}
	for c := range out {
		out[c] *= inv
	}
}

// faChunk is how many positions flashAttention takes per step.
const faChunk = 128

// classicAttention follows ggml without flash attention: F16 dot products
// for the scores, softmax with the sum in float64, probabilities rounded to
// F16 for the product with V.
func classicAttention(out, q []float32, kc, vc []uint16, sc []float32, kOff, kStride, vOff, vStride int, scale float32) {
	hd := len(q)
	max := float32(math.Inf(-1))
	for j := range sc {
		krow := kc[j*kStride+kOff : j*kStride+kOff+hd]
		sc[j] = float32(dotF16Attn(krow, q) * scale)
		if sc[j] > max {
			max = sc[j]
		}
	}
	var sum float64
	for j, v := range sc {
		e := expf(v - max)
		sc[j] = e
		sum += float64(e)
	}
	inv := float32(1 / sum)
	for j := range sc {
		sc[j] = f16r(sc[j] * inv)
	}
	for c := range out {
		var acc float32
		for j, p := range sc {
			acc = fma32(gguf.FP16ToFP32(vc[j*vStride+vOff+c]), p, acc)
		}
		out[c] = acc
	}
}

// dotF16Attn is ggml_vec_dot_f16 as built for AVX-512: four accumulators of
// 16 lanes fed with fused multiply-adds, reduced pairwise; the tail in
// float64.
func dotF16Attn(k []uint16, q []float32) float32 { return kernels.DotF16Vec(k, q) }
