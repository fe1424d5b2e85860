package kernels

import (
	"encoding/binary"
	"math"
	"unsafe"

	"github.com/docent-dev/docent/llm/gguf"
)

// Acts holds n activation vectors converted to the form that a weight type's
// dot product consumes, mirroring ggml's CPU backend ("vec_dot_type"):
//
//	F32 weights:           F32 activations
//	F16 weights:           activations rounded to F16
//	BF16 weights:          activations rounded to BF16
//	Q8_0, Q4_0, Q5_0:      activations quantized to Q8_0 (32-element blocks)
//	Q4_1, Q5_1:            activations quantized to Q8_1 (Q8_0 plus d*sum)
//	Q4_K, Q5_K, Q6_K:      activations quantized to Q8_K (256-element blocks)
//
// Its buffers grow as needed and are reused, so a long-lived Acts makes
// MatMulActs allocation-free.
type Acts struct {
	kind actKind
	n    int
	cols int
	f    []float32 // F32/F16/BF16: n*cols values (rounded as the kind says)
	q    []int8    // quantized values, n*cols
	d    []float32 // one scale per block
	bs   []int16   // Q8_K: 16 partial sums per block
	s    []float32 // Q8_1: d * sum(q) per block, F16-rounded

	// Q8_0 with n >= gemmVecs: the vectors in groups of
	// gemmVecs, transposed for the tile kernels (gemm.go).
	// xt[((g*nc+c)*8+k)*32+4t+j] is byte 32c+4k+j of vector 8g+t, plus 128
	// (as uint8); dt[(g*nb+b)*8+t] is the scale of its block b.
	xt []uint8
	dt []float32
}

type actKind uint8

const (
	actF32 actKind = iota
	actF16
	actBF16
	actQ8_0
	actQ8_K
	actQ8_1
)

func actKindFor(t gguf.GGMLType) actKind {
	switch t {
	case gguf.F16:
		return actF16
	case gguf.BF16:
		return actBF16
	case gguf.Q8_0, gguf.Q4_0, gguf.Q5_0:
		return actQ8_0
	case gguf.Q4_1, gguf.Q5_1:
		return actQ8_1
	case gguf.Q4_K, gguf.Q5_K, gguf.Q6_K:
		return actQ8_K
	}
	return actF32
}

func growF32(b []float32, n int) []float32 {
	if cap(b) < n {
		return make([]float32, n)
	}
	return b[:n]
}

// Prepare converts x (n vectors of cols values) into the activation form that
// weights of type t consume.
func (a *Acts) Prepare(t gguf.GGMLType, x []float32, n, cols int) {
	a.kind = actKindFor(t)
	a.n, a.cols = n, cols
	x = x[:n*cols]
	switch a.kind {
	case actF32:
		a.f = growF32(a.f, n*cols)
		copy(a.f, x)
	case actF16:
		a.f = growF32(a.f, n*cols)
		copy(a.f, x)
		scaleRoundF16Impl(a.f, 1) // x*1 is x: F16 rounding, vectorized
	case actBF16:
		a.f = growF32(a.f, n*cols)
		for i, v := range x {
			a.f[i] = gguf.BF16ToFP32(gguf.FP32ToBF16(v))
		}
	case actQ8_0:
		nb := n * cols / 32
		a.q = growI8(a.q, n*cols)
		a.d = growF32(a.d, nb)
		quantQ8_0RowsImpl(x, a.q, a.d)
		a.transposeQ8(32)
	case actQ8_1:
		nb := n * cols / 32
		a.q = growI8(a.q, n*cols)
		a.d = growF32(a.d, nb)
		a.s = growF32(a.s, nb)
		for b := 0; b < nb; b++ {
			q := a.q[b*32 : b*32+32]
			a.d[b] = quantQ8_0(x[b*32:b*32+32], q)
			sum := 0
			for _, v := range q {
				sum += int(v)
			}
			// ggml keeps the unrounded d for the sum, then rounds to F16.
			a.s[b] = gguf.FP16ToFP32(gguf.FP32ToFP16(q8Scale(x[b*32:b*32+32]) * float32(sum)))
		}
	case actQ8_K:
		nb := n * cols / gguf.QK_K
		a.q = growI8(a.q, n*cols)
		a.d = growF32(a.d, nb)
		if cap(a.bs) < nb*16 {
			a.bs = make([]int16, nb*16)
		}
		a.bs = a.bs[:nb*16]
		quantQ8_KRowsImpl(x, a.q, a.bs, a.d)
		// The K-quant tiles (ktile) take these activations as they are.
		a.xt, a.dt = a.xt[:0], a.dt[:0]
	}
}

// transposeQ8 fills xt and dt (when there are gemmVecs vectors or more)
// for blocks of bsz values (32: Q8_0).
func (a *Acts) transposeQ8(bsz int) {
	groups := a.n / gemmVecs
	nc := a.cols / 32 // 32-byte chunks per vector
	nb := a.cols / bsz
	if groups == 0 {
		a.xt, a.dt = a.xt[:0], a.dt[:0]
		return
	}
	if cap(a.xt) < groups*nc*256 {
		a.xt = make([]uint8, groups*nc*256)
	}
	a.xt = a.xt[:groups*nc*256]
	a.dt = growF32(a.dt, groups*nb*8)
	c := a.cols
	for g := 0; g < groups; g++ {
		for t := 0; t < gemmVecs; t++ {
			v := g*gemmVecs + t
			for b := 0; b < nb; b++ {
				a.dt[(g*nb+b)*8+t] = a.d[v*nb+b]
			}
			q := unsafe.Slice((*byte)(unsafe.Pointer(&a.q[v*c])), c)
			for ch := 0; ch < nc; ch++ {
				blk := q[ch*32 : ch*32+32 : ch*32+32]
				out := a.xt[(g*nc+ch)*256+4*t : (g*nc+ch)*256+256]
				for k := 0; k < 8; k++ {
					binary.LittleEndian.PutUint32(out[k*32:], binary.LittleEndian.Uint32(blk[4*k:])^0x80808080)
				}
			}
		}
	}
}

func growI8(b []int8, n int) []int8 {
	if cap(b) < n {
		return make([]int8, n)
	}
	return b[:n]
}

// quantQ8_0 quantizes one block of 32 as ggml's x86 (AVX2) quantize_row_q8_0
// does: d = amax/127 stored as F16, q = round-half-even(x * 127/amax). It
// returns the F16-rounded scale.
func quantQ8_0(x []float32, q []int8) float32 {
	x = x[:32]
	q = q[:32]
	var amax float32
	for _, v := range x {
		if v < 0 {
			v = -v
		}
		if v > amax {
			amax = v
		}
	}
	d := amax / 127
	var id float32
	if amax != 0 {
		id = 127 / amax
	}
	for i, v := range x {
		q[i] = int8(math.RoundToEven(float64(v * id)))
	}
	return gguf.FP16ToFP32(gguf.FP32ToFP16(d))
}

// q8Scale is amax/127 of a block, unrounded.
func q8Scale(x []float32) float32 {
	var amax float32
	for _, v := range x {
		if v < 0 {
			v = -v
		}
		amax = max(amax, v)
	}
	return amax / 127
}

// quantQ8_K quantizes one block of 256 as ggml's quantize_row_q8_K_ref:
// iscale = -127/max (max: the value of largest magnitude, with its sign),
// q = min(127, nearest(iscale*x)), d = 1/iscale (F32), plus sums of 16.
func quantQ8_K(x []float32, q []int8, bs []int16) float32 {
	x = x[:256]
	q = q[:256]
	bs = bs[:16]
	var amax, max float32
	for _, v := range x {
		av := v
		if av < 0 {
			av = -av
		}
		if av > amax {
			amax, max = av, v
		}
	}
	if amax == 0 {
		for i := range q {
			q[i] = 0
		}
		for i := range bs {
			bs[i] = 0
		}
		return 0
	}
	iscale := -127 / max
	for i, v := range x {
		r := math.RoundToEven(float64(iscale * v))
		if r > 127 {
			r = 127
		}
		q[i] = int8(r)
	}
	for j := 0; j < 16; j++ {
		s := 0
		for _, v := range q[j*16 : j*16+16] {
			s += int(v)
		}
		bs[j] = int16(s)
	}
	return 1 / iscale
}
