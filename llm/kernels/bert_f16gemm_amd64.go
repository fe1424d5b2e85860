//go:build !purego

package kernels

import "golang.org/x/sys/cpu"

var hasAVX512Bert = hasAVX2 && cpu.X86.HasAVX512F && cpu.X86.HasAVX512VL && cpu.X86.HasAVX512BW && cpu.X86.HasAVX512DQ && cpu.X86.HasBMI2

var (
	// bertF16TileImpl computes nt tiles of four F16 weight rows (rowBytes
	// apart) against six activation vectors (cols values apart; all six
	// readable) each, the tiles six vectors apart, storing results at
	// dst[v*stride+i] plus bias[i] and then res[v*stride+i] where those are
	// not nil. The last tile stores only its first nv vectors; the others
	// all six.
	bertF16TileImpl func(row []byte, rowBytes int, x []float32, cols int, dst []float32, stride, nt, nv int, bias, res []float32)
	roundF16Impl    = roundF16Go
)

func init() {
	if hasAVX512Bert {
		bertF16TileImpl = bertF16Tile4x6Go
		roundF16Impl = roundF16AVX512Go
	}
}

//go:noescape
func bertF16Tile4x6(a *byte, astride int, b *float32, bstride int, k int, dst *float32, dstride int, nv int, bias, res *float32, nt int)

//go:noescape
func bertF16Tile4x4(a *byte, astride int, b *float32, bstride int, k int, dst *float32, dstride int, nv int, bias, res *float32)

//go:noescape
func bertF16Tile4x2(a *byte, astride int, b *float32, bstride int, k int, dst *float32, dstride int, nv int, bias, res *float32)

//go:noescape
func roundF16AVX512(dst, src *float32, n int)

func bertF16Tile4x6Go(row []byte, rowBytes int, x []float32, cols int, dst []float32, stride, nt, nv int, bias, res []float32) {
	last := (nt-1)*bertTileVecs + nv - 1 // the last vector stored
	_ = row[3*rowBytes+2*cols-1]
	_ = x[nt*bertTileVecs*cols-1]
	_ = dst[last*stride+3]
	var bp, rp *float32
	if bias != nil {
		bp = &bias[:4][0]
	}
	if res != nil {
		_ = res[last*stride+3]
		rp = &res[0]
	}
	// Narrower kernels for the last vectors of a batch: no work on padding.
	switch {
	case nt > 1 || nv > 4:
		bertF16Tile4x6(&row[0], rowBytes, &x[0], 4*cols, cols/16, &dst[0], 4*stride, nv, bp, rp, nt)
	case nv <= 2:
		bertF16Tile4x2(&row[0], rowBytes, &x[0], 4*cols, cols/16, &dst[0], 4*stride, nv, bp, rp)
	default:
		bertF16Tile4x4(&row[0], rowBytes, &x[0], 4*cols, cols/16, &dst[0], 4*stride, nv, bp, rp)
	}
}

func roundF16AVX512Go(dst, src []float32) {
	src = src[:len(dst)]
	m := len(dst) &^ 15
	if m > 0 {
		roundF16AVX512(&dst[0], &src[0], m)
	}
	roundF16Go(dst[m:], src[m:])
}
