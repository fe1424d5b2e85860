//go:build !purego

package kernels

import (
	"os"
	"strconv"

	"github.com/docent-dev/docent/llm/gguf"
	"golang.org/x/sys/cpu"
)

// AVX-512 decode kernels (dot512_amd64.s): one activation vector against
// four weight rows per call, bit-identical per row to the one-row kernels.

//go:noescape
func dotQ8_0R4AVX512(row *byte, stride int, q *int8, d *float32, nb int, out *float32, pf int)

//go:noescape
func dotQ5_0R4AVX512(row *byte, stride int, q *int8, d *float32, nb int, out *float32, pf int)

// pfDist is how many rows ahead the four-row kernels prefetch.
var pfDist = 8

var hasAVX512 = hasAVX2 && cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW && cpu.X86.HasAVX512VL &&
	cpu.X86.HasAVX512DQ && cpu.X86.HasAVX512VNNI

// useAVX512Kernels adds the AVX-512 kernels on top of the AVX2 ones, unless
// the CPU lacks them or DOCENT_KERNELS=avx2 asks to leave them out.
func useAVX512Kernels() {
	if !hasAVX512 || os.Getenv("DOCENT_KERNELS") == "avx2" {
		return
	}
	if v, err := strconv.Atoi(os.Getenv("DOCENT_PF")); err == nil {
		pfDist = v
	}
	mulRows4Impl = mulRows4AVX512
	backend = "avx512+vnni"
}

// mulRows4AVX512 computes rows r0.. of m against the single activation
// vector of a, four rows per kernel call, into dst[r]; it returns how many
// rows it did (a multiple of 4 for Q8_0 and Q5_0, all for Q4_K, Q6_K and
// F16, 0 for other types). F16 rows go one at a time with the activations
// read as F16 (mulRowsF16); ZMM versions, and two or four rows a call with
// prefetch, were slower streaming from memory (Zen 4).
func mulRows4AVX512(m *Matrix, dst []float32, a *Acts, r0, r1 int) int {
	switch m.Type {
	case gguf.Q4_K, gguf.Q6_K:
		return mulRowsK(m, dst, a, r0, r1)
	case gguf.F16:
		return mulRowsF16(m, dst, a, r0, r1)
	}
	n := (r1 - r0) &^ 3
	if n == 0 {
		return 0
	}
	rb := m.rowBytes
	data := m.Data[r0*rb : (r0+n)*rb]
	dst = dst[r0 : r0+n]
	switch m.Type {
	case gguf.Q8_0:
		nb := m.Cols / 32
		q, d := a.q[:nb*32], a.d[:nb]
		for i := 0; i < n; i += 4 {
			dotQ8_0R4AVX512(&data[i*rb], rb, &q[0], &d[0], nb, &dst[i], pfDist*rb)
		}
	case gguf.Q5_0:
		nb := m.Cols / 32
		q, d := a.q[:nb*32], a.d[:nb]
		for i := 0; i < n; i += 4 {
			dotQ5_0R4AVX512(&data[i*rb], rb, &q[0], &d[0], nb, &dst[i], pfDist*rb)
		}
	default:
		return 0
	}
	return n
}

// mulRowsK does all rows of [r0, r1) of a Q4_K or Q6_K matrix: four rows a
// call through the AVX-512 kernels, the last (r1-r0)%4 through the one-row
// AVX2 kernels, called directly (no per-row dispatch).
func mulRowsK(m *Matrix, dst []float32, a *Acts, r0, r1 int) int {
	rb := m.rowBytes
	data := m.Data[r0*rb : r1*rb]
	dst = dst[r0:r1]
	switch m.Type {
	case gguf.Q4_K:
		nb := m.Cols / 256
		q, d, bs := a.q[:nb*256], a.d[:nb], a.bs[:nb*16]
		// Four rows a call (dotq4k512_amd64.s), the rest one at a time.
		n := len(dst) &^ 3
		for i := 0; i < n; i += 4 {
			dotQ4_KR4AVX512(&data[i*rb], rb, &q[0], &d[0], &bs[0], nb, &dst[i], pfDist*rb)
		}
		for i := n; i < len(dst); i++ {
			dst[i] = dotQ4_KAVX2(&data[i*rb], &q[0], &d[0], &bs[0], nb)
		}
	case gguf.Q6_K:
		nb := m.Cols / 256
		q, d, bs := a.q[:nb*256], a.d[:nb], a.bs[:nb*16]
		// Four rows a call (dotq6k512_amd64.s), the rest one at a time.
		n, pf := len(dst)&^3, max(pfDist*rb, q6kPFMin)
		for i := 0; i < n; i += 4 {
			dotQ6_KR4AVX512(&data[i*rb], rb, &q[0], &d[0], &bs[0], nb, &dst[i], pf)
		}
		for i := n; i < len(dst); i++ {
			dst[i] = dotQ6_KAVX2(&data[i*rb], &q[0], &d[0], &bs[0], nb)
		}
	}
	return len(dst)
}
