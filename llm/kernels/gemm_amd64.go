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

var hasGemmVNNI = cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW && cpu.X86.HasAVX512VL &&
	cpu.X86.HasAVX512VNNI && cpu.X86.HasOSXSAVE

var gemmOff = os.Getenv("DOCENT_GEMM") == "off"

// useGemmKernels selects the tile kernels the CPU supports (useAsmKernels
// calls it).
func useGemmKernels() {
	if !hasGemmVNNI || gemmOff {
		return
	}
	gemmQ8_0Impl = gemmQ8_0Tile
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
