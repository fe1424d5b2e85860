package kernels

import (
	"encoding/binary"
	"math"
	"math/rand"
	"testing"

	"github.com/docent-dev/docent/llm/gguf"
)

// The tile kernels (gemm.go) must give, per (row, vector) pair, exactly the
// one-vector Go kernel's result.

// Q4_K is left out: its batched products follow llama.cpp's GEMM, not the
// one-vector kernel (TestKTileMatchesGo checks them); Q6_K products go
// through the ktile kernels here.
var gemmTypes = []gguf.GGMLType{gguf.Q8_0, gguf.Q5_0, gguf.Q6_K, gguf.F16}

// checkGemm multiplies m with n vectors x with the current kernels (tile
// kernels included, on a pool of 2 to cross chunk borders) and compares
// every output with dotRow under the Go kernels.
func checkGemm(t testing.TB, m *Matrix, x []float32, n int, what string) {
	got := make([]float32, n*m.Rows)
	p := NewPool(2)
	defer p.Close()
	kind := Backend()
	m.MatMul(got, x, n, p)
	var a Acts
	a.Prepare(m.Type, x, n, m.Cols)
	wasGo := Backend() == "go"
	useGoKernels()
	defer func() {
		if !wasGo {
			useAsmKernels()
		}
	}()
	for v := 0; v < n; v++ {
		for r := 0; r < m.Rows; r++ {
			want := m.dotRow(r, &a, v)
			if g := got[v*m.Rows+r]; !sameFloat(g, want) {
				t.Fatalf("%s %s %dx%d n=%d: row %d vector %d: %s %v, go %v", what, m.Type, m.Rows, m.Cols, n, r, v, kind, g, want)
			}
		}
	}
}

func TestGemmMatchesGo(t *testing.T) {
	requireAsm(t)
	rng := rand.New(rand.NewSource(11))
	for _, typ := range gemmTypes {
		for _, sh := range [][3]int{{37, 512, 8}, {40, 256, 16}, {33, 768, 13}, {64, 1024, 24}, {18, 2304, 9}, {9, 4608, 8}, {5, 8448, 9}, {3, 16640, 16}} {
			rows, cols, n := sh[0], sh[1], sh[2]
			m := randMatrix(t, rng, typ, rows, cols)
			checkGemm(t, m, randActs(rng, n*cols), n, "quantized")
			// Arbitrary weight bytes (finite scales): extreme integer values.
			raw := append([]byte(nil), m.Data...)
			for i := range raw {
				raw[i] = byte(rng.Intn(256))
			}
			tameScales(typ, raw, m.rowBytes)
			m2, err := NewMatrix(typ, rows, cols, raw)
			if err != nil {
				t.Fatal(err)
			}
			checkGemm(t, m2, randActs(rng, n*cols), n, "random bytes")
		}
	}
}

// tameScales makes the F16 scales of every block finite (so that results
// are numbers, which compare exactly).
func tameScales(typ gguf.GGMLType, data []byte, rowBytes int) {
	switch typ {
	case gguf.Q8_0:
		for o := 0; o < len(data); o += 34 {
			tameF16(data[o:])
		}
	case gguf.Q5_0:
		for o := 0; o < len(data); o += 22 {
			tameF16(data[o:])
		}
	case gguf.Q4_K:
		for o := 0; o < len(data); o += 144 {
			tameF16(data[o:])
			tameF16(data[o+2:])
		}
	case gguf.Q6_K:
		for o := 0; o < len(data); o += 210 {
			tameF16(data[o+208:])
		}
	case gguf.F16:
		for o := 0; o < len(data); o += 2 {
			tameF16(data[o:])
		}
	}
}

// FuzzGemm: the fuzzer picks the type, the shape and the seed of weights
// (arbitrary bytes) and activations. Run with
//
//	go test -run '^$' -fuzz FuzzGemm -fuzztime 60s ./llm/kernels/
func FuzzGemm(f *testing.F) {
	f.Add(uint8(0), uint8(3), uint8(2), uint8(8), int64(1))
	f.Add(uint8(1), uint8(5), uint8(3), uint8(17), int64(2))
	f.Add(uint8(2), uint8(4), uint8(1), uint8(16), int64(3))
	f.Add(uint8(3), uint8(6), uint8(2), uint8(11), int64(4))
	f.Add(uint8(4), uint8(7), uint8(1), uint8(9), int64(5))
	f.Fuzz(func(t *testing.T, ti, rows, blocks, n uint8, seed int64) {
		if Backend() == "go" {
			t.Skip()
		}
		typ := gemmTypes[int(ti)%len(gemmTypes)]
		r := 1 + int(rows)%40
		nv := 1 + int(n)%40
		cols := (1 + int(blocks)%6) * 256
		if typ == gguf.Q8_0 || typ == gguf.Q5_0 || typ == gguf.F16 {
			cols = (1 + int(blocks)%40) * 32
		}
		rng := rand.New(rand.NewSource(seed))
		m := randMatrix(t, rng, typ, r, cols)
		if seed&1 == 1 {
			for i := range m.Data {
				m.Data[i] = byte(rng.Intn(256))
			}
			tameScales(typ, m.Data, m.rowBytes)
		}
		checkGemm(t, m, randActs(rng, nv*cols), nv, "fuzz")
	})
}

// BenchmarkGemm: the tile kernels against the one-row kernels (x4) on a
// 128-vector product of Qwen2.5-0.5B's FFN shape, one thread.
func BenchmarkGemm(b *testing.B) {
	if Backend() == "go" {
		b.Skip()
	}
	rng := rand.New(rand.NewSource(1))
	const rows, cols, n = 1024, 896, 128
	for _, typ := range gemmTypes {
		c := cols
		if typ == gguf.Q4_K || typ == gguf.Q6_K {
			c = 1024
		}
		w := randVec(rng, rows*c, 0.1)
		data, _ := gguf.Quantize(typ, w)
		m, _ := NewMatrix(typ, rows, c, data)
		x := randVec(rng, n*c, 1)
		dst := make([]float32, n*rows)
		var a Acts
		a.Prepare(typ, x, n, c)
		b.Run(typ.String()+"/x4", func(b *testing.B) {
			for b.Loop() {
				for r := 0; r < rows; r++ {
					for v := m.mulRow4(dst, &a, r, 0); v < n; v++ {
						dst[v*rows+r] = m.dotRow(r, &a, v)
					}
				}
			}
		})
		if g := m.gemmKernel(&a); g != nil {
			b.Run(typ.String()+"/tile", func(b *testing.B) {
				for b.Loop() {
					g(m, dst, &a, 0, rows)
				}
			})
		}
	}
}

// checkQuantQ8_0 quantizes x with quantQ8_0RowsImpl and with the Go code.
func checkQuantQ8_0(t testing.TB, x []float32) {
	nb := len(x) / 32
	q1, q2 := make([]int8, nb*32), make([]int8, nb*32)
	d1, d2 := make([]float32, nb), make([]float32, nb)
	quantQ8_0RowsImpl(x[:nb*32], q1, d1)
	quantQ8_0Rows(x[:nb*32], q2, d2)
	for b := 0; b < nb; b++ {
		if !sameFloat(d1[b], d2[b]) {
			t.Fatalf("block %d: d %v, go %v (x %v)", b, d1[b], d2[b], x[b*32:b*32+32])
		}
	}
	for i := range q1 {
		if q1[i] != q2[i] {
			t.Fatalf("q[%d] = %d, go %d (x %v)", i, q1[i], q2[i], x[i])
		}
	}
}

// checkQuantQ8_K quantizes x with quantQ8_KRowsImpl and with the Go code.
func checkQuantQ8_K(t testing.TB, x []float32) {
	nb := len(x) / 256
	q1, q2 := make([]int8, nb*256), make([]int8, nb*256)
	b1, b2 := make([]int16, nb*16), make([]int16, nb*16)
	d1, d2 := make([]float32, nb), make([]float32, nb)
	quantQ8_KRowsImpl(x[:nb*256], q1, b1, d1)
	quantQ8_KRows(x[:nb*256], q2, b2, d2)
	for b := 0; b < nb; b++ {
		if !sameFloat(d1[b], d2[b]) {
			t.Fatalf("Q8_K block %d: d %v, go %v", b, d1[b], d2[b])
		}
	}
	for i := range q1 {
		if q1[i] != q2[i] {
			t.Fatalf("Q8_K q[%d] = %d, go %d (x %v)", i, q1[i], q2[i], x[i])
		}
	}
	for i := range b1 {
		if b1[i] != b2[i] {
			t.Fatalf("Q8_K bs[%d] = %d, go %d", i, b1[i], b2[i])
		}
	}
}

func TestQuantMatchesGo(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	for it := 0; it < 200; it++ {
		x := randActs(rng, 32*(1+rng.Intn(40)))
		switch it % 8 {
		case 1:
			x[rng.Intn(len(x))] = float32(math.Inf(1))
		case 2:
			x[rng.Intn(len(x))] = float32(math.NaN())
		case 3:
			for i := 0; i < 32; i++ {
				x[i] = 0
			}
		case 4:
			for i := range x {
				x[i] *= 1e-38
			}
		case 5:
			for i := range x {
				x[i] = float32(rng.Intn(5)-2) * 0.5
			}
		}
		checkQuantQ8_0(t, x)
		xk := randActs(rng, 256*(1+rng.Intn(6)))
		switch it % 8 {
		case 1:
			xk[rng.Intn(len(xk))] = float32(math.Inf(-1))
		case 2:
			xk[rng.Intn(len(xk))] = float32(math.NaN())
		case 3:
			for i := 0; i < 256; i++ {
				xk[i] = 0
			}
		case 4:
			for i := range xk {
				xk[i] *= 1e-38
			}
		case 5, 6:
			// ties in magnitude with both signs
			for i := range xk {
				xk[i] = float32(rng.Intn(5)-2) * 0.5
			}
		}
		checkQuantQ8_K(t, xk)
	}
}

func FuzzQuant(f *testing.F) {
	f.Add([]byte("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"))
	seed := make([]byte, 2048)
	for i := range seed {
		seed[i] = byte(i*7 + i>>3)
	}
	f.Add(seed)
	f.Fuzz(func(t *testing.T, b []byte) {
		x := make([]float32, len(b)/4)
		for i := range x {
			x[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
		}
		checkQuantQ8_0(t, x)
		checkQuantQ8_K(t, x)
	})
}

// Prefill-sized products (tile kernels) allocate nothing with a reused Acts.
func TestGemmNoAlloc(t *testing.T) {
	rng := rand.New(rand.NewSource(12))
	p := NewPool(2)
	defer p.Close()
	const n = 17
	for _, typ := range gemmTypes {
		m := randMatrix(t, rng, typ, 40, 512)
		x := randVec(rng, n*512, 1)
		dst := make([]float32, n*40)
		var a Acts
		m.MatMulActs(dst, x, n, p, &a)
		if allocs := testing.AllocsPerRun(20, func() { m.MatMulActs(dst, x, n, p, &a) }); allocs != 0 {
			t.Errorf("%s: MatMulActs of %d vectors allocates %v times per call", typ, n, allocs)
		}
	}
}
