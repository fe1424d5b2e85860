//go:build !purego

package kernels

import (
	"os"

	"golang.org/x/sys/cpu"
)

// Register-blocked prefill kernels (gemm_amd64.s): several weight rows
// against several activation vectors per call. They need AVX-512 F/BW/VL
// and VNNI. DOCENT_GEMM=off (or DOCENT_KERNELS=go) keeps the one-row
// kernels of mul4.go, for comparisons.

//go:noescape
func gemmQ8_0x2x8(row *byte, rowStride int, q *int8, qStride int, d *float32, dStride int, nb int, out *float32)

//go:noescape
func unpackQ5_0(row *byte, nb int, w *int8, nc *int32, dw *float32)

//go:noescape
func gemmQ5_0x4x8(w *int8, nc *int32, dw *float32, nbRow int, xt *uint8, dt *float32, nb int, out *float32)

//go:noescape
func quantQ8_0AVX512(x *float32, q *int8, d *float32, nb int) int

var hasGemmVNNI = cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW && cpu.X86.HasAVX512VL &&
	cpu.X86.HasAVX512VNNI && cpu.X86.HasOSXSAVE

var gemmOff = os.Getenv("DOCENT_GEMM") == "off"

// useGemmKernels selects the tile kernels the CPU supports (useAsmKernels
// calls it).
func useGemmKernels() {
	if !hasGemmVNNI || gemmOff {
		return
	}
	gemmQ8_0Impl = gemmQ8_0Range
	gemmQ5_0Impl = gemmQ5_0Range
	quantQ8_0RowsImpl = quantQ8_0RowsAVX512
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

func gemmQ8_0Range(m *Matrix, dst []float32, a *Acts, r0, r1 int) {
	m.mulRangeTiled(dst, a, r0, r1, gemmQ8_0Tile)
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
				if b0 == 0 {
					out = [4][8]float32{}
				} else {
					for i := 0; i < 4; i++ {
						for j := 0; j < 8; j++ {
							out[i][j] = dst[(v+j)*rows+r+i]
						}
					}
				}
				xo := (g*nbAll + b0) * 256
				do := (g*nbAll + b0) * 8
				gemmQ5_0x4x8(&w[0], &nc[0], &dw[0], q5Chunk, &a.xt[xo], &a.dt[do], nb, &out[0][0])
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

// gemmQ8_0Tile computes rows r, r+1 of m against vectors v..v+7 of a.
func gemmQ8_0Tile(m *Matrix, dst []float32, a *Acts, r, v int) {
	c, rows := m.Cols, m.Rows
	nb := c / 32
	rb := m.rowBytes
	_ = m.Data[(r+2)*rb-1]
	_ = a.q[(v+8)*c-1]
	_ = a.d[(v+8)*nb-1]
	var out [16][8]float32
	gemmQ8_0x2x8(&m.Data[r*rb], rb, &a.q[v*c], c, &a.d[v*nb], 4*nb, nb, &out[0][0])
	for i := 0; i < 2; i++ {
		for j := 0; j < 8; j++ {
			dst[(v+j)*rows+r+i] = reduce8(&out[i*8+j])
		}
	}
}
