package kernels

import (
	"encoding/binary"
	"math"
	"os"
	"testing"

	"github.com/docent-dev/docent/llm/gguf"
)

// testdata/q4k_llamacpp.bin: 16 rows of a Q4_K matrix with 512 columns
// (blk.0.ffn_down of the parity fixture llama-tiny-q4_k_m), 8 activation
// vectors (random, float32), then what llama.cpp (node-llama-cpp 3.21.1,
// zen4 CPU build, its exported kernels called on the repacked rows) computes
// for them: ggml_quantize_mat_q8_K_4x8 + ggml_gemm_q4_K_8x8_q8_K on vectors
// 0-3 and 4-7 ([vector][row]), then quantize_row_q8_K +
// ggml_gemv_q4_K_8x8_q8_K on each vector alone. 88 of the 128 GEMM results
// differ from the GEMV ones in the last bits.
func TestQ4_KMatchesLlamaCpp(t *testing.T) {
	b, err := os.ReadFile("testdata/q4k_llamacpp.bin")
	if err != nil {
		t.Fatal(err)
	}
	const rows, cols, n = 16, 512, 8
	wBytes := rows * cols / 256 * 144
	w := b[:wBytes]
	f32 := func(off, count int) []float32 {
		out := make([]float32, count)
		for i := range out {
			out[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[off+4*i:]))
		}
		return out
	}
	x := f32(wBytes, n*cols)
	gemm := f32(wBytes+4*n*cols, n*rows)
	gemv := f32(wBytes+4*n*cols+4*n*rows, n*rows)
	m, err := NewMatrix(gguf.Q4_K, rows, cols, w)
	if err != nil {
		t.Fatal(err)
	}
	check := func(name string, got, want []float32) {
		t.Helper()
		for i := range want {
			if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
				t.Errorf("%s: vector %d row %d: %v, llama.cpp %v", name, i/rows, i%rows, got[i], want[i])
			}
		}
	}
	for _, p := range []*Pool{nil, NewPool(2)} {
		dst := make([]float32, n*rows)
		m.MatMul(dst, x, n, p) // two groups of four: llama.cpp's GEMM
		check("batch of 8", dst, gemm)
		for v := 0; v < n; v++ { // one vector at a time: its GEMV
			m.MatMul(dst[v*rows:(v+1)*rows], x[v*cols:(v+1)*cols], 1, p)
		}
		check("one at a time", dst, gemv)
		// A batch of 7: one group of four, then three single vectors.
		m.MatMul(dst[:7*rows], x[:7*cols], 7, p)
		check("batch of 7", dst[:7*rows], append(append([]float32{}, gemm[:4*rows]...), gemv[4*rows:7*rows]...))
		if p != nil {
			p.Close()
		}
	}
}

// testdata/q6k_llamacpp.bin: 16 rows of a Q6_K matrix with 512 columns
// (blk.1.ffn_down of llama-tiny-q4_k_m), 4 random activation vectors, then
// llama.cpp's quantize_row_q8_K + ggml_vec_dot_q6_K_q8_K (zen4 build) for
// each ([vector][row]). llama.cpp has no repacked Q6_K kernel on x86, so
// batches compute the same.
func TestQ6_KMatchesLlamaCpp(t *testing.T) {
	b, err := os.ReadFile("testdata/q6k_llamacpp.bin")
	if err != nil {
		t.Fatal(err)
	}
	const rows, cols, n = 16, 512, 4
	wBytes := rows * cols / 256 * 210
	f32 := func(off, count int) []float32 {
		out := make([]float32, count)
		for i := range out {
			out[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[off+4*i:]))
		}
		return out
	}
	x := f32(wBytes, n*cols)
	want := f32(wBytes+4*n*cols, n*rows)
	m, err := NewMatrix(gguf.Q6_K, rows, cols, b[:wBytes])
	if err != nil {
		t.Fatal(err)
	}
	for _, batch := range []bool{false, true} {
		dst := make([]float32, n*rows)
		if batch {
			m.MatMul(dst, x, n, nil)
		} else {
			for v := 0; v < n; v++ {
				m.MatMul(dst[v*rows:(v+1)*rows], x[v*cols:(v+1)*cols], 1, nil)
			}
		}
		for i := range want {
			if math.Float32bits(dst[i]) != math.Float32bits(want[i]) {
				t.Errorf("batch=%v: vector %d row %d: %v, llama.cpp %v", batch, i/rows, i%rows, dst[i], want[i])
			}
		}
	}
}
