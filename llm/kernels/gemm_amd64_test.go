//go:build !purego

package kernels

import (
	"math/rand"
	"testing"

	"github.com/docent-dev/docent/llm/gguf"
)

// BenchmarkGemmVariants: the tile kernels against earlier variants, same
// shape as BenchmarkGemm (Q5_0 one group of 8 vectors per call; Q8_0 the
// 2x8 kernel with the vectors row-major).
func BenchmarkGemmVariants(b *testing.B) {
	if !hasGemmVNNI {
		b.Skip()
	}
	rng := rand.New(rand.NewSource(1))
	const rows, cols, n = 1024, 896, 128
	for _, typ := range []gguf.GGMLType{gguf.Q5_0, gguf.Q8_0} {
		w := randVec(rng, rows*cols, 0.1)
		data, _ := gguf.Quantize(typ, w)
		m, _ := NewMatrix(typ, rows, cols, data)
		x := randVec(rng, n*cols, 1)
		dst := make([]float32, n*rows)
		var a Acts
		a.Prepare(typ, x, n, cols)
		g := m.gemmKernel(&a)
		if g == nil {
			b.Skip("no tile kernel")
		}
		b.Run(typ.String()+"/tile", func(b *testing.B) {
			for b.Loop() {
				g(m, dst, &a, 0, rows)
			}
		})
		switch typ {
		case gguf.Q5_0:
			b.Run("Q5_0/one-group", func(b *testing.B) {
				gemmQ5One = true
				defer func() { gemmQ5One = false }()
				for b.Loop() {
					g(m, dst, &a, 0, rows)
				}
			})
		case gguf.Q8_0:
			b.Run("Q8_0/ymm", func(b *testing.B) {
				gemmQ8Y = true
				defer func() { gemmQ8Y = false }()
				for b.Loop() {
					g(m, dst, &a, 0, rows)
				}
			})
		}
	}
}
