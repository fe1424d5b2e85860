package kernels

import (
	"unsafe"

	"github.com/docent-dev/docent/llm/gguf"
)

// Vector helpers for F16 attention (K/V caches kept as F16 bits). Each has a
// pure-Go reference below and, on amd64 with F16C and FMA, an assembly twin
// that returns bit-identical results (see simd_test.go).

var (
	scaleRoundF16Impl = scaleRoundF16Go
	axpyRoundF16Impl  = axpyRoundF16Go
)

func f16r(x float32) float32 { return gguf.FP16ToFP32(gguf.FP32ToFP16(x)) }

// DotF16Vec is ggml_vec_dot_f16 as built for AVX-512 (dotF16Vec) of F16
// values k against x: four 16-lane accumulators fed by fused multiply-adds,
// folded pairwise and reduced, the tail in float64.
func DotF16Vec(k []uint16, x []float32) float32 {
	if len(x) == 0 {
		return 0
	}
	k = k[:len(x)]
	return dotF16VecImpl(unsafe.Slice((*byte)(unsafe.Pointer(&k[0])), 2*len(k)), x)
}

// ScaleRoundF16 sets x[i] to x[i]*s rounded to F16 (and back to float32).
func ScaleRoundF16(x []float32, s float32) { scaleRoundF16Impl(x, s) }

// AxpyRoundF16 sets x[i] to fma(v[i], s, x[i]) rounded to F16, v holding
// F16 bits (ggml's F16 value accumulation in flash attention).
func AxpyRoundF16(x []float32, v []uint16, s float32) { axpyRoundF16Impl(x, v, s) }

func scaleRoundF16Go(x []float32, s float32) {
	for i := range x {
		x[i] = f16r(x[i] * s)
	}
}

func axpyRoundF16Go(x []float32, v []uint16, s float32) {
	v = v[:len(x)]
	for i, vb := range v {
		x[i] = f16r(fma32(gguf.FP16ToFP32(vb), s, x[i]))
	}
}
