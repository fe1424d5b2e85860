//go:build !purego

package kernels

import (
	"encoding/binary"
	"math"

	"golang.org/x/sys/cpu"
)

// Assembly kernels in dot_amd64.s and dotk_amd64.s. Pointers must address at least the bytes
// the Go wrappers below check.

//go:noescape
func dotQ8_0AVX2(row *byte, q *int8, d *float32, nb int) float32

//go:noescape
func dotQ6_KAVX2(row *byte, q *int8, d *float32, bs *int16, nb int) float32

//go:noescape
func dotQ4_KAVX2(row *byte, q *int8, d *float32, bs *int16, nb int) float32

//go:noescape
func dotQ8_0x4AVX2(row *byte, q *int8, d *float32, nb int, out *float32)

//go:noescape
func dotF16x16x4AVX2(row *byte, x *float32, n, stride int, out *float32)

//go:noescape
func scaleRoundF16AVX2(x *float32, n int, s float32)

//go:noescape
func axpyRoundF16AVX2(x *float32, v *uint16, n int, s float32)

//go:noescape
func dotQ4_Kx4AVX2(row *byte, q *int8, d *float32, bs *int16, nb int, out *float32)

//go:noescape
func dotQ4_KGemmAVX2(row *byte, q *int8, d *float32, bs *int16, nb int) float32

//go:noescape
func dotQ6_Kx4AVX2(row *byte, q *int8, d *float32, nb int, out *float32)

//go:noescape
func dotQ5_0AVX2(row *byte, q *int8, d *float32, nb int) float32

//go:noescape
func dotQ5_0x4AVX2(row *byte, q *int8, d *float32, nb int, out *float32)

//go:noescape
func dotF16x64AVX2(row *byte, x *float32, n int) float32

//go:noescape
func dotF16x16AVX2(row *byte, x *float32, n int) float32

//go:noescape
func dotF32x16AVX2(row *byte, x *float32, n int) float32

var hasAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA && cpu.X86.HasF16C && cpu.X86.HasOSXSAVE

// useAsmKernels selects the assembly kernels the CPU supports.
func useAsmKernels() {
	if !hasAVX2 {
		return
	}
	dotF32Impl = dotF32AVX2
	dotF16Impl = dotF16AVX2
	dotF16VecImpl = dotF16VecAVX2
	dotQ8_0Impl = dotQ8_0AVX2Go
	dotQ4_KImpl = dotQ4_KAVX2Go
	dotQ5_0Impl = dotQ5_0AVX2Go
	dotQ6_KImpl = dotQ6_KAVX2Go
	useBF16Kernels() // bf16_amd64.go
	dotQ8_0x4Impl = dotQ8_0x4AVX2Go
	dotF16x4Impl = dotF16x4AVX2
	// dotQ4_Kx4AVX2 computes per vector what dotQ4_K computes (llama.cpp's
	// GEMV), not the GEMM that llama.cpp uses for groups of four batch
	// rows; dotQ4_KGemmAVX2 does, one vector at a time.
	dotQ4_Kx4Impl = dotQ4_Kx4GemmAVX2Go
	// dotQ6_Kx4AVX2 still computes the old Q6_K lanes (q-32 per element),
	// not ggml_vec_dot_q6_K_q8_K's; Q6_K prefill uses dotQ6_KImpl per vector.
	dotQ5_0x4Impl = dotQ5_0x4AVX2Go
	scaleRoundF16Impl = scaleRoundF16AVX2Go
	axpyRoundF16Impl = axpyRoundF16AVX2Go
	backend = "avx2+fma+f16c"
	useAVX512Kernels() // dot512_amd64.go
	useGemmKernels()   // tile kernels for prefill (Q8_0, Q5_0, F16), gemm_amd64.go
	useKTileKernels()  // ktile (AVX-512 Q4_K/Q6_K prefill)
}

func dotQ8_0AVX2Go(row []byte, q []int8, d []float32) float32 {
	nb := len(d)
	if nb == 0 {
		return 0
	}
	_ = row[nb*34-1]
	_ = q[nb*32-1]
	return dotQ8_0AVX2(&row[0], &q[0], &d[0], nb)
}

func scaleRoundF16AVX2Go(x []float32, s float32) {
	n := len(x)
	m := n &^ 7
	if m > 0 {
		scaleRoundF16AVX2(&x[0], m, s)
	}
	scaleRoundF16Go(x[m:], s)
}

func axpyRoundF16AVX2Go(x []float32, v []uint16, s float32) {
	n := len(x)
	v = v[:n]
	m := n &^ 7
	if m > 0 {
		axpyRoundF16AVX2(&x[0], &v[0], m, s)
	}
	axpyRoundF16Go(x[m:], v[m:], s)
}

func dotQ4_Kx4AVX2Go(row []byte, q []int8, d []float32, bs []int16, dst []float32, stride int) {
	nb := len(d) / 4
	var out [4]float32
	if nb > 0 {
		_ = row[nb*144-1]
		_ = q[4*nb*256-1]
		_ = bs[4*nb*16-1]
		dotQ4_Kx4AVX2(&row[0], &q[0], &d[0], &bs[0], nb, &out[0])
	}
	_ = dst[3*stride]
	dst[0], dst[stride], dst[2*stride], dst[3*stride] = out[0], out[1], out[2], out[3]
}

func dotQ5_0x4AVX2Go(row []byte, q []int8, d []float32, dst []float32, stride int) {
	nb := len(d) / 4
	var out [4]float32
	if nb > 0 {
		_ = row[nb*22-1]
		_ = q[4*nb*32-1]
		dotQ5_0x4AVX2(&row[0], &q[0], &d[0], nb, &out[0])
	}
	_ = dst[3*stride]
	dst[0], dst[stride], dst[2*stride], dst[3*stride] = out[0], out[1], out[2], out[3]
}

func dotQ6_Kx4AVX2Go(row []byte, q []int8, d []float32, dst []float32, stride int) {
	nb := len(d) / 4
	var out [4]float32
	if nb > 0 {
		_ = row[nb*210-1]
		_ = q[4*nb*256-1]
		dotQ6_Kx4AVX2(&row[0], &q[0], &d[0], nb, &out[0])
	}
	_ = dst[3*stride]
	dst[0], dst[stride], dst[2*stride], dst[3*stride] = out[0], out[1], out[2], out[3]
}

// dotQ8_0x4AVX2Go: q and d hold four vectors of len(d)/4 blocks each.
func dotQ8_0x4AVX2Go(row []byte, q []int8, d []float32, dst []float32, stride int) {
	nb := len(d) / 4
	var out [4]float32
	if nb > 0 {
		_ = row[nb*34-1]
		_ = q[4*nb*32-1]
		dotQ8_0x4AVX2(&row[0], &q[0], &d[0], nb, &out[0])
	}
	_ = dst[3*stride]
	dst[0], dst[stride], dst[2*stride], dst[3*stride] = out[0], out[1], out[2], out[3]
}

// dotF16x4AVX2 is dotF16 of row against the four vectors of x (len(x)/4
// values each).
func dotF16x4AVX2(row []byte, x []float32, dst []float32, stride int) {
	c := len(x) / 4
	_ = dst[3*stride]
	if c == 0 {
		dst[0], dst[stride], dst[2*stride], dst[3*stride] = 0, 0, 0, 0
		return
	}
	var out [4]float32
	row = row[:2*c]
	m := c &^ 15
	dotF16x16x4AVX2(&row[0], &x[0], m, 4*c, &out[0])
	for v := range out {
		sum := out[v]
		xv := x[v*c : (v+1)*c]
		for i := m; i < c; i++ {
			sum += f16(row[2*i:]) * xv[i]
		}
		dst[v*stride] = sum
	}
}

func dotQ5_0AVX2Go(row []byte, q []int8, d []float32) float32 {
	nb := len(d)
	if nb == 0 {
		return 0
	}
	_ = row[nb*22-1]
	_ = q[nb*32-1]
	return dotQ5_0AVX2(&row[0], &q[0], &d[0], nb)
}

func dotQ6_KAVX2Go(row []byte, q []int8, d []float32, bs []int16) float32 {
	nb := len(d)
	if nb == 0 {
		return 0
	}
	_ = row[nb*210-1]
	_ = q[nb*256-1]
	_ = bs[nb*16-1]
	return dotQ6_KAVX2(&row[0], &q[0], &d[0], &bs[0], nb)
}

func dotQ4_KAVX2Go(row []byte, q []int8, d []float32, bs []int16) float32 {
	nb := len(d)
	if nb == 0 {
		return 0
	}
	_ = row[nb*144-1]
	_ = q[nb*256-1]
	_ = bs[nb*16-1]
	return dotQ4_KAVX2(&row[0], &q[0], &d[0], &bs[0], nb)
}

// dotF16VecAVX2 is dotF16Vec: the 64-element steps in assembly, the tail as
// the Go kernel does it.
func dotF16VecAVX2(row []byte, x []float32) float32 {
	n := len(x)
	if n == 0 {
		return 0
	}
	row = row[:2*n]
	m := n &^ 63
	sum := float64(dotF16x64AVX2(&row[0], &x[0], m))
	for i := m; i < n; i++ {
		sum += float64(f16(row[2*i:]) * x[i])
	}
	return float32(sum)
}

func dotF16AVX2(row []byte, x []float32) float32 {
	n := len(x)
	if n == 0 {
		return 0
	}
	row = row[:2*n]
	m := n &^ 15
	sum := dotF16x16AVX2(&row[0], &x[0], m)
	for i := m; i < n; i++ {
		sum += f16(row[2*i:]) * x[i]
	}
	return sum
}

func dotF32AVX2(row []byte, x []float32) float32 {
	n := len(x)
	if n == 0 {
		return 0
	}
	row = row[:4*n]
	m := n &^ 15
	sum := dotF32x16AVX2(&row[0], &x[0], m)
	for i := m; i < n; i++ {
		sum += math.Float32frombits(binary.LittleEndian.Uint32(row[4*i:])) * x[i]
	}
	return sum
}

// dotQ4_Kx4GemmAVX2Go is dotQ4_Kx4Gemm with the assembly kernel, one vector
// at a time.
func dotQ4_Kx4GemmAVX2Go(row []byte, q []int8, d []float32, bs []int16, dst []float32, stride int) {
	nb := len(d) / 4
	if nb == 0 {
		for v := 0; v < 4; v++ {
			dst[v*stride] = 0
		}
		return
	}
	c := nb * 256
	_ = row[nb*144-1]
	_ = q[4*c-1]
	_ = bs[4*nb*16-1]
	_ = dst[3*stride]
	for v := 0; v < 4; v++ {
		dst[v*stride] = dotQ4_KGemmAVX2(&row[0], &q[v*c], &d[v*nb], &bs[v*nb*16], nb)
	}
}
