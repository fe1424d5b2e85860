package model

import (
	"math"
	"math/rand"
	"testing"

	"github.com/docent-dev/docent/llm/gguf"
	"github.com/docent-dev/docent/llm/kernels"
)

// flashAttentionRef is flashAttention one position at a time (ggml's loop
// as written).
func flashAttentionRef(out, q []float32, kc, vc []uint16, nkv, kOff, kStride, vOff, vStride int, scale float32) {
	hd, hdv := len(q), len(out)
	for j := range out {
		out[j] = 0
	}
	M := float32(math.Inf(-1))
	var S float32
	for j := 0; j < nkv; j++ {
		krow := kc[j*kStride+kOff : j*kStride+kOff+hd]
		sc := float32(dotF16Attn(krow, q) * scale) // rounded: not fused with "sc - M" below (arm64)
		ms, vs := float32(1), float32(1)
		if sc > M {
			mold := M
			M = sc
			ms = expf(mold - M)
			kernels.ScaleRoundF16(out, ms)
		} else {
			vs = expf(sc - M)
		}
		vrow := vc[j*vStride+vOff : j*vStride+vOff+hdv]
		kernels.AxpyRoundF16(out, vrow, vs)
		S = float32(S*ms) + vs // not fused, as ggml
	}
	var inv float32
	if S != 0 {
		inv = 1 / S
	}
	for c := range out {
		out[c] *= inv
	}
}

func TestFlashAttentionMatchesRef(t *testing.T) {
	rng := rand.New(rand.NewSource(4))
	for it := 0; it < 60; it++ {
		hd := []int{64, 128, 80}[it%3]
		heads := 2
		nkv := 1 + rng.Intn(300)
		stride := heads * hd
		kc := make([]uint16, nkv*stride)
		vc := make([]uint16, nkv*stride)
		for i := range kc {
			kc[i] = gguf.FP32ToFP16(float32(rng.NormFloat64()) * 2)
			vc[i] = gguf.FP32ToFP16(float32(rng.NormFloat64()))
		}
		q := make([]float32, hd)
		for i := range q {
			q[i] = f16r(float32(rng.NormFloat64()))
		}
		scale := 1 / float32(math.Sqrt(float64(hd)))
		got := make([]float32, hd)
		want := make([]float32, hd)
		flashAttention(got, q, kc, vc, nkv, hd, stride, hd, stride, scale)
		flashAttentionRef(want, q, kc, vc, nkv, hd, stride, hd, stride, scale)
		for i := range want {
			if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
				t.Fatalf("hd=%d nkv=%d: out[%d] = %v, want %v", hd, nkv, i, got[i], want[i])
			}
		}
	}
}

func BenchmarkFlashAttention(b *testing.B) {
	rng := rand.New(rand.NewSource(4))
	const hd, nkv, stride = 64, 128, 128
	kc := make([]uint16, nkv*stride)
	vc := make([]uint16, nkv*stride)
	for i := range kc {
		kc[i] = gguf.FP32ToFP16(float32(rng.NormFloat64()) * 2)
		vc[i] = gguf.FP32ToFP16(float32(rng.NormFloat64()))
	}
	q := make([]float32, hd)
	for i := range q {
		q[i] = f16r(float32(rng.NormFloat64()))
	}
	out := make([]float32, hd)
	b.Run("batched", func(b *testing.B) {
		for b.Loop() {
			flashAttention(out, q, kc, vc, nkv, 0, stride, 0, stride, 0.125)
		}
	})
	b.Run("ref", func(b *testing.B) {
		for b.Loop() {
			flashAttentionRef(out, q, kc, vc, nkv, 0, stride, 0, stride, 0.125)
		}
	})
}
