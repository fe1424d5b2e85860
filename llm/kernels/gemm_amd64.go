//go:build !purego

package kernels

import (
	"os"

	"golang.org/x/sys/cpu"
)

// Register-blocked prefill kernels (gemm_amd64.s): several weight rows
// against several activation vectors per call. They need AVX-512
// F/BW/VL/DQ and VNNI. DOCENT_GEMM=off (or DOCENT_KERNELS=go) keeps the
// one-row kernels of mul4.go; for comparisons DOCENT_GEMM=q8y and q5one
// select the one-group variants (Y-register tiles, one vector group per
// call).

//go:noescape
func unpackQ5_0(row *byte, nb int, w *int8, nc *int32, dw *float32)

//go:noescape
func gemmQ5_0x4x8(w *int8, nc *int32, dw *float32, nbRow int, xt *uint8, dt *float32, nb int, out *float32, dst *float32, dstStride int)

//go:noescape
func quantQ8_0AVX512(x *float32, q *int8, d *float32, nb int) int

//go:noescape
func unpackQ8_0(row *byte, nb int, nc *int32, dw *float32)

//go:noescape
func gemmQ8_0x2x8t(w0, w1 *byte, nc *int32, dw *float32, nbRow int, xt *uint8, dt *float32, nb int, out *float32, red *float32, dstStride int)

//go:noescape
func gemmF16x4x6(row *byte, rowStride int, x *float32, xStride int, n int, out *float32)

//go:noescape
func gemmF16x4x5(row *byte, rowStride int, x *float32, xStride int, n int, out *float32)

//go:noescape
func gemmF16x4x4(row *byte, rowStride int, x *float32, xStride int, n int, out *float32)

//go:noescape
func gemmF16x4x3(row *byte, rowStride int, x *float32, xStride int, n int, out *float32)

//go:noescape
func gemmF16x4x2(row *byte, rowStride int, x *float32, xStride int, n int, out *float32)

//go:noescape
func gemmF16x4x1(row *byte, rowStride int, x *float32, xStride int, n int, out *float32)

// gemmF16x4 calls the F16 tile kernel for nv (1..6) vectors (a switch,
// not a table of functions, so that out stays on the caller's stack).
func gemmF16x4(nv int, row *byte, rowStride int, x *float32, xStride int, n int, out *float32) {
	switch nv {
	case 1:
		gemmF16x4x1(row, rowStride, x, xStride, n, out)
	case 2:
		gemmF16x4x2(row, rowStride, x, xStride, n, out)
	case 3:
		gemmF16x4x3(row, rowStride, x, xStride, n, out)
	case 4:
		gemmF16x4x4(row, rowStride, x, xStride, n, out)
	case 5:
		gemmF16x4x5(row, rowStride, x, xStride, n, out)
	default:
		gemmF16x4x6(row, rowStride, x, xStride, n, out)
	}
}

//go:noescape
func quantQ8_KAVX512(x *float32, q *int8, bs *int16, d *float32, nb int) int

//go:noescape
func gemmQ5_0x4x16(w *int8, nc *int32, dw *float32, nbRow int, xt *uint8, xtStride int, dt *float32, dtStride int, nb int, dst *float32, dstStride int)

//go:noescape
func gemmQ8_0x2x16z(w0, w1 *byte, nc *int32, dw *float32, nbRow int, xt *uint8, xtStride int, dt *float32, dtStride int, nb int, dst *float32, dstStride int)

var hasGemmVNNI = cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW && cpu.X86.HasAVX512VL &&
	cpu.X86.HasAVX512DQ && cpu.X86.HasAVX512VNNI && cpu.X86.HasOSXSAVE

var gemmOff = os.Getenv("DOCENT_GEMM") == "off"

// useGemmKernels selects the tile kernels the CPU supports (useAsmKernels
// calls it).
func useGemmKernels() {
	useAccumAsm = true // AVX2 (accum_amd64.s)
	if !hasGemmVNNI || gemmOff {
		return
	}
	gemmQ8_0Impl = gemmQ8_0Range
	gemmQ5_0Impl = gemmQ5_0Range
	quantQ8_0RowsImpl = quantQ8_0RowsAVX512
	gemmF16Impl = gemmF16Range
	quantQ8_KRowsImpl = quantQ8_KRowsAVX512
}

func quantQ8_KRowsAVX512(x []float32, q []int8, bs []int16, d []float32) {
	nb := len(d)
	if nb == 0 {
		return
	}
	_ = x[nb*256-1]
	_ = q[nb*256-1]
	_ = bs[nb*16-1]
	for b := 0; b < nb; {
		b += quantQ8_KAVX512(&x[b*256], &q[b*256], &bs[b*16], &d[b], nb-b)
		if b < nb {
			d[b] = quantQ8_K(x[b*256:b*256+256], q[b*256:b*256+256], bs[b*16:b*16+16])
			b++
		}
	}
}

// gemmF16Range computes rows r0..r1-1 of an F16 matrix (Cols a multiple of
// 16) against all vectors: rows in blocks of gemmRowBlock, and per block
// the vectors in groups of 6, each against the block's rows four at a
// time. Leftovers take the one-row kernels.
func gemmF16Range(m *Matrix, dst []float32, a *Acts, r0, r1 int) {
	const tr, tv = 4, 6
	rows, n, c := m.Rows, a.n, m.Cols
	rb := m.rowBytes
	var out [tr * tv]float32
	for rc := r0; rc < r1; rc += gemmRowBlock {
		re := min(rc+gemmRowBlock, r1)
		rt := rc + (re-rc)/tr*tr
		for v := 0; v < n; v += tv {
			nv := min(tv, n-v)
			x := a.f[v*c : (v+nv)*c]
			for r := rc; r < rt; r += tr {
				w := m.Data[r*rb : (r+tr)*rb]
				gemmF16x4(nv, &w[0], rb, &x[0], 4*c, c, &out[0])
				for i := 0; i < tr; i++ {
					for j := 0; j < nv; j++ {
						dst[(v+j)*rows+r+i] = out[i*nv+j]
					}
				}
			}
		}
		for r := rt; r < re; r++ {
			for v := m.mulRow4(dst, a, r, 0); v < n; v++ {
				dst[v*rows+r] = m.dotRow(r, a, v)
			}
		}
	}
}

func quantQ8_0RowsAVX512(x []float32, q []int8, d []float32) {
	nb := len(d)
	if nb == 0 {
		return
	}
	_ = x[nb*32-1]
	_ = q[nb*32-1]
	for b := 0; b < nb; {
		b += quantQ8_0AVX512(&x[b*32], &q[b*32], &d[b], nb-b)
		if b < nb {
			d[b] = quantQ8_0(x[b*32:b*32+32], q[b*32:b*32+32])
			b++
		}
	}
}

var gemmQ5One = os.Getenv("DOCENT_GEMM") == "q5one"

var gemmQ8Y = os.Getenv("DOCENT_GEMM") == "q8y"

// q8Chunk is how many blocks of two rows gemmQ8_0Range prepares at a time.
const q8Chunk = 256

// gemmQ8_0Range computes rows r0..r1-1 of a Q8_0 matrix against all
// vectors, two rows at a time against each group of 8 transposed
// activation vectors (a.xt, a.dt), q8Chunk blocks at a time.
func gemmQ8_0Range(m *Matrix, dst []float32, a *Acts, r0, r1 int) {
	var nc [2 * q8Chunk * 8]int32
	var dw [2 * q8Chunk]float32
	var out [2][8][8]float32
	rows, n := m.Rows, a.n
	nbAll := m.Cols / 32
	groups := n / gemmVecs
	nv := groups * gemmVecs
	_ = a.xt[groups*nbAll*256-1]
	_ = a.dt[groups*nbAll*8-1]
	rb := m.rowBytes
	r := r0
	for ; r+2 <= r1; r += 2 {
		for g := 0; g < groups; g++ {
			if nbAll <= q8Chunk && g+1 < groups && !gemmQ8Y {
				// Two groups per call on Z registers.
				w0 := m.Data[r*rb : r*rb+nbAll*34]
				w1 := m.Data[(r+1)*rb : (r+1)*rb+nbAll*34]
				if g == 0 {
					unpackQ8_0(&w0[0], nbAll, &nc[0], &dw[0])
					unpackQ8_0(&w1[0], nbAll, &nc[q8Chunk*8], &dw[q8Chunk])
				}
				v := g * gemmVecs
				_ = dst[(v+15)*rows+r+1]
				_ = a.xt[(g+2)*nbAll*256-1]
				_ = a.dt[(g+2)*nbAll*8-1]
				gemmQ8_0x2x16z(&w0[0], &w1[0], &nc[0], &dw[0], q8Chunk, &a.xt[g*nbAll*256], nbAll*256, &a.dt[g*nbAll*8], nbAll*32, nbAll, &dst[v*rows+r], 4*rows)
				g++
				continue
			}
			out = [2][8][8]float32{}
			for b0 := 0; b0 < nbAll; b0 += q8Chunk {
				nb := min(q8Chunk, nbAll-b0)
				w0 := m.Data[r*rb+b0*34 : r*rb+(b0+nb)*34]
				w1 := m.Data[(r+1)*rb+b0*34 : (r+1)*rb+(b0+nb)*34]
				if g == 0 || nbAll > q8Chunk {
					unpackQ8_0(&w0[0], nb, &nc[0], &dw[0])
					unpackQ8_0(&w1[0], nb, &nc[q8Chunk*8], &dw[q8Chunk])
				}
				xo := (g*nbAll + b0) * 256
				do := (g*nbAll + b0) * 8
				var rp *float32
				if b0+nb == nbAll {
					v := g * gemmVecs
					rp = &dst[(v+7)*rows+r+1] // bounds check of the last one
					rp = &dst[v*rows+r]
				}
				gemmQ8_0x2x8t(&w0[0], &w1[0], &nc[0], &dw[0], q8Chunk, &a.xt[xo], &a.dt[do], nb, &out[0][0][0], rp, 4*rows)
			}
		}
		for i := 0; i < 2; i++ {
			for v := m.mulRow4(dst, a, r+i, nv); v < n; v++ {
				dst[v*rows+r+i] = m.dotRow(r+i, a, v)
			}
		}
	}
	for ; r < r1; r++ {
		for v := m.mulRow4(dst, a, r, 0); v < n; v++ {
			dst[v*rows+r] = m.dotRow(r, a, v)
		}
	}
}

// q5Chunk is how many blocks of four rows gemmQ5_0Range unpacks at a time
// (its scratch space lives on the stack).
const q5Chunk = 128

// gemmQ5_0Range computes rows r0..r1-1 of a Q5_0 matrix against all
// vectors: four rows at a time are unpacked to signed bytes (q5Chunk blocks
// at a time), then run against the transposed activations (a.xt, a.dt) of
// each group of 8 vectors. Rows and vectors left over take mulRow4.
func gemmQ5_0Range(m *Matrix, dst []float32, a *Acts, r0, r1 int) {
	var w [4 * q5Chunk * 32]int8
	var nc [4 * q5Chunk]int32
	var dw [4 * q5Chunk]float32
	var out [4][8]float32
	rows, n := m.Rows, a.n
	nbAll := m.Cols / 32
	groups := n / gemmVecs
	nv := groups * gemmVecs
	_ = a.xt[groups*nbAll*256-1]
	_ = a.dt[groups*nbAll*8-1]
	r := r0
	for ; r+4 <= r1; r += 4 {
		for b0 := 0; b0 < nbAll; b0 += q5Chunk {
			nb := min(q5Chunk, nbAll-b0)
			for i := 0; i < 4; i++ {
				row := m.Data[(r+i)*m.rowBytes+b0*22 : (r+i)*m.rowBytes+(b0+nb)*22]
				unpackQ5_0(&row[0], nb, &w[i*q5Chunk*32], &nc[i*q5Chunk], &dw[i*q5Chunk])
			}
			for g := 0; g < groups; g++ {
				v := g * gemmVecs
				xo := (g*nbAll + b0) * 256
				do := (g*nbAll + b0) * 8
				if nbAll <= q5Chunk && g+1 < groups && !gemmQ5One {
					// Two groups per call.
					_ = dst[(v+15)*rows+r+3]
					_ = a.xt[xo+nbAll*256+nb*256-1]
					_ = a.dt[do+nbAll*8+nb*8-1]
					gemmQ5_0x4x16(&w[0], &nc[0], &dw[0], q5Chunk, &a.xt[xo], nbAll*256, &a.dt[do], nbAll*32, nb, &dst[v*rows+r], 4*rows)
					g++
					continue
				}
				if nbAll <= q5Chunk {
					// One pass: the kernel writes dst.
					out = [4][8]float32{}
					_ = dst[(v+7)*rows+r+3]
					gemmQ5_0x4x8(&w[0], &nc[0], &dw[0], q5Chunk, &a.xt[xo], &a.dt[do], nb, &out[0][0], &dst[v*rows+r], 4*rows)
					continue
				}
				if b0 == 0 {
					out = [4][8]float32{}
				} else {
					for i := 0; i < 4; i++ {
						for j := 0; j < 8; j++ {
							out[i][j] = dst[(v+j)*rows+r+i]
						}
					}
				}
				gemmQ5_0x4x8(&w[0], &nc[0], &dw[0], q5Chunk, &a.xt[xo], &a.dt[do], nb, &out[0][0], nil, 0)
				for i := 0; i < 4; i++ {
					for j := 0; j < 8; j++ {
						dst[(v+j)*rows+r+i] = out[i][j]
					}
				}
			}
		}
		for i := 0; i < 4; i++ {
			for v := m.mulRow4(dst, a, r+i, nv); v < n; v++ {
				dst[v*rows+r+i] = m.dotRow(r+i, a, v)
			}
		}
	}
	for ; r < r1; r++ {
		for v := m.mulRow4(dst, a, r, 0); v < n; v++ {
			dst[v*rows+r] = m.dotRow(r, a, v)
		}
	}
}
