package kernels

import "os"

// The dot kernels that matrix products call go through these variables. They
// start as the pure-Go kernels of dot.go (the reference); on CPUs with the
// needed features an init in dot_amd64.go (dot_arm64.go: NEON Q8_0 and F16
// decode kernels) points them at assembly twins that compute bit-identical
// results. DOCENT_KERNELS=go in the environment keeps the pure-Go kernels
// (for comparisons).
var (
	dotF32Impl    = dotF32
	dotF16Impl    = dotF16
	dotF16VecImpl = dotF16Vec
	dotQ8_0Impl   = dotQ8_0
	dotQ4_KImpl   = dotQ4_K
	dotQ5_0Impl   = dotQ5_0
	dotQ6_KImpl   = dotQ6_K
	dotBF16Impl   = dotBF16 // bf16_amd64.go

	// One row against four activation vectors at once (prefill), results
	// in dst[0], dst[stride], dst[2*stride], dst[3*stride]; nil where there
	// is no such kernel. Per vector they compute exactly what the
	// one-vector kernels compute, except Q4_K: llama.cpp runs groups of four
	// batch rows through a different kernel (its repacked GEMM), which
	// dotQ4_Kx4Gemm follows; the Q4_K four-vector kernel is required.
	// (dotQ6_Kx4Impl: none at present; its AVX2 kernel computes the older
	// Q6_K lanes.)
	dotQ8_0x4Impl func(row []byte, q []int8, d []float32, dst []float32, stride int)
	dotF16x4Impl  func(row []byte, x []float32, dst []float32, stride int)
	dotQ4_Kx4Impl = dotQ4_Kx4Gemm
	dotQ6_Kx4Impl func(row []byte, q []int8, d []float32, dst []float32, stride int)
	dotQ5_0x4Impl func(row []byte, q []int8, d []float32, dst []float32, stride int)

	// Decode (one activation vector): rows r0.. of [r0, r1) of m, with no
	// per-row dispatch (several rows per kernel call where there is such a
	// kernel); returns how many rows it did from r0 (nil: none).
	mulRows4Impl func(m *Matrix, dst []float32, a *Acts, r0, r1 int) int

	backend = "go"
)

// Backend names the dot kernels in use: "go" or the CPU features of the
// assembly kernels (for example "avx2+fma+f16c").
func Backend() string { return backend }

// useGoKernels points the kernel variables back at the pure-Go kernels.
func useGoKernels() {
	dotF32Impl = dotF32
	dotF16Impl = dotF16
	dotF16VecImpl = dotF16Vec
	dotQ8_0Impl = dotQ8_0
	dotQ4_KImpl = dotQ4_K
	dotQ5_0Impl = dotQ5_0
	dotQ6_KImpl = dotQ6_K
	dotBF16Impl = dotBF16 // bf16_amd64.go
	dotQ8_0x4Impl = nil
	dotF16x4Impl = nil
	dotQ4_Kx4Impl = dotQ4_Kx4Gemm
	dotQ6_Kx4Impl = nil
	dotQ5_0x4Impl = nil
	mulRows4Impl = nil
	scaleRoundF16Impl = scaleRoundF16Go
	axpyRoundF16Impl = axpyRoundF16Go
	noKTileKernels() // ktile (AVX-512 Q4_K/Q6_K prefill)
	// Tile kernels (gemm.go).
	gemmQ8_0Impl = nil
	gemmQ5_0Impl = nil
	gemmF16Impl = nil
	useAccumAsm = false
	quantQ8_0RowsImpl = quantQ8_0Rows
	quantQ8_KRowsImpl = quantQ8_KRows
	backend = "go"
}

// The assembly kernels of the CPU (useAsmKernels: dot_amd64.go,
// dot_arm64.go; none in dot_other.go), unless DOCENT_KERNELS=go.
func init() {
	if os.Getenv("DOCENT_KERNELS") == "go" {
		return
	}
	useAsmKernels()
}
