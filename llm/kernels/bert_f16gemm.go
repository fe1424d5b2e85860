package kernels

import (
	"sync/atomic"

	"github.com/docent-dev/docent/llm/gguf"
)

// F16 matrix products over many activation vectors (BERT encoders run
// every token of a batch of texts through each weight matrix), tiled: four
// weight rows against six activation vectors at a time, so that each
// converted weight chunk and each loaded activation chunk feeds several
// fused multiply-adds. Per (row, vector) the arithmetic is dotF16's: one
// 16-lane accumulator along the row, reduced as reduce16 does; results are
// bit-identical to MatMulActs with more than one vector.

// bertTileRows and bertTileVecs are the tile shape of the assembly kernel.
const (
	bertTileRows = 4
	bertTileVecs = 6
)

// F16Acts holds activation vectors rounded to F16 (kept as float32) for
// MulF16Acts, padded with zero vectors to a whole number of tiles.
type F16Acts struct {
	f       []float32
	n, cols int
}

// N is the number of activation vectors prepared.
func (a *F16Acts) N() int { return a.n }

// Prepare rounds x (n vectors of cols values) to F16.
func (a *F16Acts) Prepare(x []float32, n, cols int) {
	np := (n + bertTileVecs - 1) / bertTileVecs * bertTileVecs
	a.n, a.cols = n, cols
	a.f = growF32(a.f, np*cols)
	roundF16Impl(a.f[:n*cols], x[:n*cols])
	clear(a.f[n*cols:])
}

// TiledF16 reports whether MulF16Acts has a tiled kernel for m on this CPU
// (otherwise it multiplies with MatMulActs's kernels).
func (m *Matrix) TiledF16() bool {
	return m.Type == gguf.F16 && bertF16TileImpl != nil && backend != "go" && m.Cols%16 == 0
}

// MulF16Acts computes dst[v*Rows+r] = row r · x_v for an F16 matrix and
// activations prepared by a.Prepare (cols == m.Cols), splitting rows over
// p's threads. With one vector it uses the single-vector dot product, as
// MatMulActs does.
func (m *Matrix) MulF16Acts(dst []float32, a *F16Acts, p *Pool) {
	m.MulF16ActsAdd(dst, a, nil, nil, p)
}

// MulF16ActsAdd is MulF16Acts followed by dst[v*Rows+r] += bias[r] and then
// dst[v*Rows+r] += res[v*Rows+r], each where not nil (res must not overlap
// dst unless it is dst).
func (m *Matrix) MulF16ActsAdd(dst []float32, a *F16Acts, bias, res []float32, p *Pool) {
	if m.Type != gguf.F16 || a.cols != m.Cols {
		panic("kernels: MulF16Acts needs an F16 matrix and activations of its width")
	}
	if a.n == 0 {
		return
	}
	_ = dst[a.n*m.Rows-1]
	if bias != nil {
		bias = bias[:m.Rows]
	}
	if res != nil {
		res = res[:a.n*m.Rows]
	}
	tiles := (m.Rows + bertTileRows - 1) / bertTileRows
	if p == nil || p.threads == 1 || tiles == 1 {
		m.mulF16Range(dst, a, bias, res, 0, tiles)
		return
	}
	// Threads claim chunks of row tiles as they go (not a fixed half each),
	// so that one descheduled thread on a busy machine does not hold the
	// other at the end of the product.
	chunk := max(1, min(8, tiles/(4*p.threads)))
	p.RunTask(p.threads, &f16TileTask{m: m, dst: dst, a: a, bias: bias, res: res, tiles: tiles, chunk: chunk})
}

type f16TileTask struct {
	m              *Matrix
	dst, bias, res []float32
	a              *F16Acts
	tiles, chunk   int
	next           atomic.Int64
}

func (t *f16TileTask) Do(_, _ int) {
	for {
		lo := int(t.next.Add(int64(t.chunk))) - t.chunk
		if lo >= t.tiles {
			return
		}
		t.m.mulF16Range(t.dst, t.a, t.bias, t.res, lo, min(lo+t.chunk, t.tiles))
	}
}

// addAfter adds bias[r] and then res[v*rows+r] to dst[v*rows+r].
func addAfter(dst, bias, res []float32, rows, v, r int) {
	if bias != nil {
		dst[v*rows+r] += bias[r]
	}
	if res != nil {
		dst[v*rows+r] += res[v*rows+r]
	}
}

// mulF16Range computes row tiles [t0, t1) for all vectors.
func (m *Matrix) mulF16Range(dst []float32, a *F16Acts, bias, res []float32, t0, t1 int) {
	rows, c := m.Rows, m.Cols
	r0, r1 := t0*bertTileRows, min(t1*bertTileRows, rows)
	if a.n == 1 || !m.TiledF16() {
		for r := r0; r < r1; r++ {
			row := m.row(r)
			if a.n == 1 {
				dst[r] = dotF16VecImpl(row, a.f[:c])
				addAfter(dst, bias, res, rows, 0, r)
				continue
			}
			for v := 0; v < a.n; v++ {
				dst[v*rows+r] = dotF16Impl(row, a.f[v*c:(v+1)*c])
				addAfter(dst, bias, res, rows, v, r)
			}
		}
		return
	}
	full := r0 + (r1-r0)/bertTileRows*bertTileRows
	tiles := func(r, v, nt, nv int) {
		var b, rs []float32
		if bias != nil {
			b = bias[r:]
		}
		if res != nil {
			rs = res[v*rows+r:]
		}
		bertF16TileImpl(m.Data[r*m.rowBytes:], m.rowBytes, a.f[v*c:], c, dst[v*rows+r:], rows, nt, nv, b, rs)
	}
	// Vectors in blocks that stay in L2 while the thread's row tiles pass
	// over them; the four rows of a tile stay in L1 across a block. (Rows
	// outside, vectors inside measured the same or slower.) One call does
	// a row tile's run of six-vector tiles in a block.
	blk := max(bertTileVecs, (192<<10)/(4*c)/bertTileVecs*bertTileVecs)
	for v0 := 0; v0 < a.n; {
		v1, six := v0, 0 // the block's end, and its tiles of six
		for v1 < a.n && v1-v0 < blk {
			w := bertTileWidth(a.n - v1)
			if w == bertTileVecs {
				six++
			}
			v1 += w
		}
		for r := r0; r < full; r += bertTileRows {
			v := v0
			if six > 0 {
				tiles(r, v, six, bertTileVecs)
				v += six * bertTileVecs
			}
			for v < v1 {
				nv := bertTileWidth(a.n - v)
				tiles(r, v, 1, nv)
				v += nv
			}
		}
		v0 = v1
	}
	for r := full; r < r1; r++ {
		row := m.row(r)
		for v := 0; v < a.n; v++ {
			dst[v*rows+r] = dotF16Impl(row, a.f[v*c:(v+1)*c])
			addAfter(dst, bias, res, rows, v, r)
		}
	}
}

// bertTileWidth is the number of vectors of the next tile when rem are
// left: six, but the last seven or eight as 4+3 or 4+4 (the narrow kernels
// for one or two vectors convert as many weights for fewer products).
func bertTileWidth(rem int) int {
	if rem == 7 || rem == 8 {
		return 4
	}
	return min(bertTileVecs, rem)
}

// roundF16Go sets dst[i] to src[i] rounded to F16.
func roundF16Go(dst, src []float32) {
	src = src[:len(dst)]
	for i, v := range src {
		dst[i] = gguf.FP16ToFP32(gguf.FP32ToFP16(v))
	}
}
