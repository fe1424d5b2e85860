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
	// gemmRows is the tile height of gemmQ8_0x2x8 (row-major activations,
	// kept for comparisons).
	gemmRows = 2
	// Rows per cache block where a kernel walks a block of rows against
	// each vector group (F16, and the row-major Q8_0 variant).
	gemmRowBlock = 16
)

// A gemmFunc computes rows r, r+1 against vectors v..v+7 (mulRangeTiled).
type gemmFunc func(m *Matrix, dst []float32, a *Acts, r, v int)

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

// mulRangeTiled is mulRange with a tile kernel g: rows in blocks of
// gemmRowBlock, and within a block the vectors in groups of gemmVecs, each
// group against all the block's rows (weights and activations both stay in
// cache). Leftover rows and vectors take the one-row kernels.
func (m *Matrix) mulRangeTiled(dst []float32, a *Acts, r0, r1 int, g gemmFunc) {
	rows, n := m.Rows, a.n
	nv := n / gemmVecs * gemmVecs
	for rc := r0; rc < r1; rc += gemmRowBlock {
		re := min(rc+gemmRowBlock, r1)
		rt := rc + (re-rc)/gemmRows*gemmRows
		for v := 0; v < nv; v += gemmVecs {
			for r := rc; r < rt; r += gemmRows {
				g(m, dst, a, r, v)
			}
		}
		for r := rc; r < rt; r++ {
			for v := m.mulRow4(dst, a, r, nv); v < n; v++ {
				dst[v*rows+r] = m.dotRow(r, a, v)
			}
		}
		for r := rt; r < re; r++ {
			for v := m.mulRow4(dst, a, r, 0); v < n; v++ {
				dst[v*rows+r] = m.dotRow(r, a, v)
			}
		}
	}
}
