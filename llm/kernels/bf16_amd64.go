//go:build !purego

package kernels

import (
	"encoding/binary"

	"github.com/docent-dev/docent/llm/gguf"
)

// BF16 dot kernel in bf16_amd64.s: dotBF16's eight lanes, bit-identical.

//go:noescape
func dotBF16x8AVX2(row *byte, x *float32, n int, s *[8]float32)

// useBF16Kernels selects the assembly BF16 kernel (called from useAsmKernels
// once the CPU has AVX2).
func useBF16Kernels() {
	if !hasAVX2 {
		return
	}
	dotBF16Impl = dotBF16AVX2
}

// dotBF16AVX2 is dotBF16: the steps of 8 in assembly, the tail and the fold
// as the Go kernel does them.
func dotBF16AVX2(row []byte, x []float32) float32 {
	n := len(x)
	row = row[:2*n]
	var s [8]float32
	m := n &^ 7
	if m > 0 {
		dotBF16x8AVX2(&row[0], &x[0], m, &s)
	}
	for i := m; i < n; i++ {
		s[i&7] += float32(gguf.BF16ToFP32(binary.LittleEndian.Uint16(row[2*i:])) * x[i])
	}
	return ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]))
}
