package kernels

import "github.com/docent-dev/docent/llm/gguf"

// Register-blocked prefill kernels (gemm_amd64.go): a gemmRange multiplies
// a range of weight rows with all activation vectors, a tile of rows
// against a group of vectors per assembly call, results written to dst as
// mulRange does. Per (row, vector) pair they compute exactly what the
// one-vector kernels compute. nil where the CPU has no such kernel.
const (
	// gemmVecs is the size of the vector groups of the transposed
	// activations (Acts.xt) and of the tiles on Y registers.
	gemmVecs = 8
	// Rows per cache block where a kernel walks a block of rows against
	// each vector group (F16).
	gemmRowBlock = 16
)

// A gemmRange computes rows r0..r1-1 of m against all a.n vectors.
type gemmRange func(m *Matrix, dst []float32, a *Acts, r0, r1 int)

// quantQ8_0RowsImpl quantizes len(d) blocks of 32 as quantQ8_0 does.
var quantQ8_0RowsImpl = quantQ8_0Rows

func quantQ8_0Rows(x []float32, q []int8, d []float32) {
	for b := range d {
		d[b] = quantQ8_0(x[b*32:b*32+32], q[b*32:b*32+32])
	}
}

// quantQ8_KRowsImpl quantizes len(d) blocks of 256 as quantQ8_K does.
var quantQ8_KRowsImpl = quantQ8_KRows

func quantQ8_KRows(x []float32, q []int8, bs []int16, d []float32) {
	for b := range d {
		d[b] = quantQ8_K(x[b*256:b*256+256], q[b*256:b*256+256], bs[b*16:b*16+16])
	}
}

var (
	gemmQ8_0Impl gemmRange
	gemmQ5_0Impl gemmRange
	gemmF16Impl  gemmRange
)

func (m *Matrix) gemmKernel(a *Acts) gemmRange {
	if a.n < gemmVecs {
		return nil
	}
	switch m.Type {
	case gguf.Q8_0:
		return gemmQ8_0Impl
	case gguf.F16:
		if m.Cols%16 != 0 {
			return nil
		}
		return gemmF16Impl
	case gguf.Q5_0:
		if len(a.xt) == 0 {
			return nil
		}
		return gemmQ5_0Impl
	}
	return nil
}
