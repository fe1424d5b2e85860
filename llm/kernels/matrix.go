// Package kernels holds the numeric building blocks of the inference engine:
// weight matrices kept in their GGUF block formats, the dot products that
// consume them directly (no dequantize-everything at load), and a persistent
// worker pool that splits matrix products across threads.
//
// Numerics follow llama.cpp's CPU backend: for quantized weights the
// activations are quantized first (Q8_0 for Q8_0/Q4_0 weights, Q8_K for the
// k-quants) and the dot product is done in integers per block; for F16 and
// BF16 weights the activations are rounded to that type. MatVecFloat keeps a
// plain float path (dequantized weights, float32 activations) for tests.
package kernels

import (
	"fmt"

	"github.com/docent-dev/docent/llm/gguf"
)

// Matrix is a row-major weight matrix stored in a GGUF block format: Rows
// rows of Cols elements each. In GGUF terms a 2-D tensor with dims
// [Cols, Rows] (ne0 = Cols).
type Matrix struct {
	Type       gguf.GGMLType
	Rows, Cols int
	Data       []byte
	rowBytes   int
}

// Supported reports whether the kernels compute with weights of type t.
func Supported(t gguf.GGMLType) bool {
	switch t {
	case gguf.F32, gguf.F16, gguf.BF16, gguf.Q8_0, gguf.Q4_0, gguf.Q4_1, gguf.Q5_0, gguf.Q5_1,
		gguf.Q4_K, gguf.Q5_K, gguf.Q6_K:
		return true
	}
	return false
}

// NewMatrix wraps data (not copied) as a rows x cols matrix of type t. It
// checks that the type is supported, that cols is a whole number of blocks
// and that data holds exactly rows rows.
func NewMatrix(t gguf.GGMLType, rows, cols int, data []byte) (*Matrix, error) {
	if !Supported(t) {
		return nil, fmt.Errorf("kernels: tensor type %s is not supported", t)
	}
	if rows <= 0 || cols <= 0 {
		return nil, fmt.Errorf("kernels: bad matrix shape %dx%d", rows, cols)
	}
	bs := t.BlockSize()
	if cols%bs != 0 {
		return nil, fmt.Errorf("kernels: %s row of %d elements is not a whole number of %d-element blocks", t, cols, bs)
	}
	rb := cols / bs * t.TypeSize()
	if len(data) != rows*rb {
		return nil, fmt.Errorf("kernels: %s matrix %dx%d needs %d bytes, have %d", t, rows, cols, rows*rb, len(data))
	}
	return &Matrix{Type: t, Rows: rows, Cols: cols, Data: data, rowBytes: rb}, nil
}

// RowBytes is the size in bytes of one row.
func (m *Matrix) RowBytes() int { return m.rowBytes }

func (m *Matrix) row(r int) []byte { return m.Data[r*m.rowBytes : (r+1)*m.rowBytes] }

// Row dequantizes row r into dst[:Cols] (an embedding lookup).
func (m *Matrix) Row(dst []float32, r int) {
	// Sizes were validated by NewMatrix, so Dequantize cannot fail.
	_ = gguf.Dequantize(m.Type, m.row(r), dst[:m.Cols])
}

// dotRow computes row r against activation vector v of a.
func (m *Matrix) dotRow(r int, a *Acts, v int) float32 {
	row := m.row(r)
	c := m.Cols
	switch m.Type {
	case gguf.F32:
		return dotF32Impl(row, a.f[v*c:(v+1)*c])
	case gguf.F16:
		if a.n == 1 {
			return dotF16VecImpl(row, a.f[:c])
		}
		return dotF16Impl(row, a.f[v*c:(v+1)*c])
	case gguf.BF16:
		return dotBF16Impl(row, a.f[v*c:(v+1)*c])
	case gguf.Q8_0:
		nb := c / 32
		return dotQ8_0Impl(row, a.q[v*c:(v+1)*c], a.d[v*nb:(v+1)*nb])
	case gguf.Q4_0:
		nb := c / 32
		return dotQ4_0(row, a.q[v*c:(v+1)*c], a.d[v*nb:(v+1)*nb])
	case gguf.Q5_0:
		nb := c / 32
		return dotQ5_0Impl(row, a.q[v*c:(v+1)*c], a.d[v*nb:(v+1)*nb])
	case gguf.Q4_1:
		nb := c / 32
		return dotQ4_1(row, a.q[v*c:(v+1)*c], a.d[v*nb:(v+1)*nb], a.s[v*nb:(v+1)*nb])
	case gguf.Q5_1:
		nb := c / 32
		return dotQ5_1(row, a.q[v*c:(v+1)*c], a.d[v*nb:(v+1)*nb], a.s[v*nb:(v+1)*nb])
	case gguf.Q4_K:
		nb := c / 256
		return dotQ4_KImpl(row, a.q[v*c:(v+1)*c], a.d[v*nb:(v+1)*nb], a.bs[v*nb*16:(v+1)*nb*16])
	case gguf.Q5_K:
		nb := c / 256
		return dotQ5_K(row, a.q[v*c:(v+1)*c], a.d[v*nb:(v+1)*nb], a.bs[v*nb*16:(v+1)*nb*16])
	case gguf.Q6_K:
		nb := c / 256
		return dotQ6_KImpl(row, a.q[v*c:(v+1)*c], a.d[v*nb:(v+1)*nb], a.bs[v*nb*16:(v+1)*nb*16])
	}
	return 0
}

// MatVec computes dst[r] = row r · x for all rows on the calling goroutine.
// It allocates scratch space; the decode loop uses MatMulActs instead.
func (m *Matrix) MatVec(dst, x []float32) {
	var a Acts
	a.Prepare(m.Type, x, 1, m.Cols)
	for r := 0; r < m.Rows; r++ {
		dst[r] = m.dotRow(r, &a, 0)
	}
}

// MatVecFloat is the float reference path: each row dequantized to float32
// and multiplied with x unrounded, accumulated in float64.
func (m *Matrix) MatVecFloat(dst, x []float32) {
	buf := make([]float32, m.Cols)
	for r := 0; r < m.Rows; r++ {
		m.Row(buf, r)
		var s float64
		for i, w := range buf {
			s += float64(w) * float64(x[i])
		}
		dst[r] = float32(s)
	}
}

// MatMul computes n products: x holds n vectors of Cols values, dst receives
// n vectors of Rows values (dst[v*Rows+r] = row r · x_v). Rows are split
// across p's threads (p may be nil). It allocates activation scratch space;
// use MatMulActs with a long-lived Acts to avoid that.
func (m *Matrix) MatMul(dst, x []float32, n int, p *Pool) {
	var a Acts
	m.MatMulActs(dst, x, n, p, &a)
}

// MatMulActs is MatMul with caller-owned scratch a (reused across calls, so
// repeated products allocate nothing). a must not be shared by concurrent
// calls.
func (m *Matrix) MatMulActs(dst, x []float32, n int, p *Pool, a *Acts) {
	a.Prepare(m.Type, x, n, m.Cols)
	m.MatMulPrepared(dst, a, p)
}

// MatMulPrepared multiplies with activations already prepared for m.Type
// (several matrices of the same type and width can share one Prepare).
func (m *Matrix) MatMulPrepared(dst []float32, a *Acts, p *Pool) {
	if p == nil || p.threads == 1 {
		m.mulRange(dst, a, 0, m.Rows)
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	t := &p.mm
	t.m, t.dst, t.a = m, dst, a
	// Split in chunks of 16 rows so that threads get whole cache lines of dst.
	chunks := (m.Rows + 15) / 16
	t.chunks = chunks
	p.runLocked(chunks, t)
	t.m, t.dst, t.a = nil, nil, nil
}

type matmulTask struct {
	m      *Matrix
	dst    []float32
	a      *Acts
	chunks int
}

func (t *matmulTask) Do(lo, hi int) {
	r0, r1 := lo*16, hi*16
	if r1 > t.m.Rows {
		r1 = t.m.Rows
	}
	t.m.mulRange(t.dst, t.a, r0, r1)
}

func (m *Matrix) mulRange(dst []float32, a *Acts, r0, r1 int) {
	if m.mulRangeTile(dst, a, r0, r1) { // ktile (AVX-512 Q4_K/Q6_K prefill)
		return
	}
	if g := m.gemmKernel(a); g != nil {
		g(m, dst, a, r0, r1)
		return
	}
	rows := m.Rows
	if a.n == 1 && mulRows4Impl != nil {
		r0 += mulRows4Impl(m, dst, a, r0, r1)
	}
	for r := r0; r < r1; r++ {
		for v := m.mulRow4(dst, a, r, 0); v < a.n; v++ {
			dst[v*rows+r] = m.dotRow(r, a, v)
		}
	}
}
