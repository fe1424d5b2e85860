//go:build !purego

package kernels

import "golang.org/x/sys/cpu"

// NEON kernels in dot_arm64.s, bit-identical to dotQ8_0 and dotF16Vec.
// Pointers must address at least the bytes the Go wrappers below check.

//go:noescape
func dotQ8_0SDOT(row *byte, q *int8, d *float32, nb int) float32

//go:noescape
func dotQ8_0NEON(row *byte, q *int8, d *float32, nb int) float32

//go:noescape
func dotF16x64NEON(row *byte, x *float32, n int) float32

// NEON (ASIMD) and FP are part of ARMv8-A; SDOT (the dot product extension,
// ARMv8.2 and later) is optional: without it dotQ8_0 uses the widening
// multiplies.
var (
	hasNEON    = cpu.ARM64.HasASIMD && cpu.ARM64.HasFP
	hasDotProd = cpu.ARM64.HasASIMDDP
)

// useAsmKernels selects the assembly kernels the CPU supports.
func useAsmKernels() {
	if !hasNEON {
		return
	}
	dotF16VecImpl = dotF16VecNEON
	if hasDotProd {
		dotQ8_0Impl = dotQ8_0SDOTGo
		backend = "neon+dotprod"
	} else {
		dotQ8_0Impl = dotQ8_0NEONGo
		backend = "neon"
	}
}

func dotQ8_0SDOTGo(row []byte, q []int8, d []float32) float32 {
	nb := len(d)
	if nb == 0 {
		return 0
	}
	_ = row[nb*34-1]
	_ = q[nb*32-1]
	return dotQ8_0SDOT(&row[0], &q[0], &d[0], nb)
}

func dotQ8_0NEONGo(row []byte, q []int8, d []float32) float32 {
	nb := len(d)
	if nb == 0 {
		return 0
	}
	_ = row[nb*34-1]
	_ = q[nb*32-1]
	return dotQ8_0NEON(&row[0], &q[0], &d[0], nb)
}

// dotF16VecNEON is dotF16Vec: the 64-element steps in assembly, the tail as
// the Go kernel does it.
func dotF16VecNEON(row []byte, x []float32) float32 {
	n := len(x)
	row = row[:2*n]
	m := n &^ 63
	var sum float64
	if m > 0 {
		sum = float64(dotF16x64NEON(&row[0], &x[0], m))
	}
	for i := m; i < n; i++ {
		sum += float64(f16(row[2*i:]) * x[i])
	}
	return float32(sum)
}
