package kernels

import (
	"math/rand"
	"runtime"
	"testing"

	"github.com/docent-dev/docent/llm/gguf"
)

// The ktile kernels (AVX-512 Q4_K/Q6_K prefill) against the Go references:
// per (row, vector) bit-identical to dotQ4_Kx4Gemm for groups of four
// vectors (dotQ4_K for the rest) and to dotQ6_K.
//
//	go test -run '^$' -fuzz FuzzKTileQ4_K -fuzztime 60s ./llm/kernels/

func requireKTile(t testing.TB) {
	if !ktileQ4_K || !ktileQ6_K {
		t.Skip("no AVX-512 VNNI tile kernels on this CPU/build (or DOCENT_KERNELS=go)")
	}
}

// ktileRef is the Go reference product (dst[v*rows+r]).
func ktileRef(m *Matrix, a *Acts) []float32 {
	rows, c := m.Rows, m.Cols
	nb := c / 256
	dst := make([]float32, a.n*rows)
	var out [4]float32
	for r := 0; r < rows; r++ {
		row := m.row(r)
		v := 0
		if m.Type == gguf.Q4_K {
			for ; v+4 <= a.n; v += 4 {
				dotQ4_Kx4Gemm(row, a.q[v*c:(v+4)*c], a.d[v*nb:(v+4)*nb], a.bs[v*nb*16:(v+4)*nb*16], out[:], 1)
				for t := 0; t < 4; t++ {
					dst[(v+t)*rows+r] = out[t]
				}
			}
		}
		for ; v < a.n; v++ {
			q, d, bs := a.q[v*c:(v+1)*c], a.d[v*nb:(v+1)*nb], a.bs[v*nb*16:(v+1)*nb*16]
			if m.Type == gguf.Q4_K {
				dst[v*rows+r] = dotQ4_K(row, q, d, bs)
			} else {
				dst[v*rows+r] = dotQ6_K(row, q, d, bs)
			}
		}
	}
	return dst
}

func checkKTile(t *testing.T, typ gguf.GGMLType, data []byte, rows, cols int, x []float32, n int, what string) {
	t.Helper()
	m, err := NewMatrix(typ, rows, cols, data)
	if err != nil {
		t.Fatal(err)
	}
	var a Acts
	a.Prepare(typ, x, n, cols)
	want := ktileRef(m, &a)
	for _, threads := range []int{1, 2} {
		var p *Pool
		if threads > 1 {
			p = NewPool(threads)
		}
		got := make([]float32, n*rows)
		m.MatMulPrepared(got, &a, p)
		p.Close()
		for i := range want {
			if !sameFloat(got[i], want[i]) {
				t.Fatalf("%s %s %dx%d n=%d threads=%d: vector %d row %d: tile %v, go %v",
					what, typ, rows, cols, n, threads, i/rows, i%rows, got[i], want[i])
			}
		}
	}
}

func tameK(typ gguf.GGMLType, data []byte) {
	bsz := typ.TypeSize()
	for b := 0; b+bsz <= len(data); b += bsz {
		if typ == gguf.Q6_K {
			tameF16(data[b+208:])
		} else {
			tameF16(data[b:])
			tameF16(data[b+2:])
		}
	}
}

func TestKTileMatchesGo(t *testing.T) {
	requireKTile(t)
	rng := rand.New(rand.NewSource(11))
	for i := 0; i < 60; i++ {
		for _, typ := range []gguf.GGMLType{gguf.Q4_K, gguf.Q6_K} {
			rows := 1 + rng.Intn(40)
			cols := 256 * (1 + rng.Intn(6))
			if i%20 == 0 {
				cols = 4096
			}
			n := 4 + rng.Intn(17)
			x := randActs(rng, n*cols)
			checkKTile(t, typ, quantRow(t, rng, typ, rows*cols), rows, cols, x, n, "quantized")
			raw := randBytes(rng, rows*cols/256*typ.TypeSize())
			if i&1 == 0 {
				tameK(typ, raw)
			}
			checkKTile(t, typ, raw, rows, cols, x, n, "random bytes")
		}
	}
}

func fuzzKTile(f *testing.F, typ gguf.GGMLType) {
	requireKTile(f)
	rng := rand.New(rand.NewSource(1))
	for _, blocks := range []int{1, 2, 5, 16, 33} {
		f.Add(randBytes(rng, blocks*typ.TypeSize()), rng.Int63())
		f.Add(quantRow(f, rng, typ, blocks*256), rng.Int63()&^1)
	}
	f.Fuzz(func(t *testing.T, data []byte, seed int64) {
		rng := rand.New(rand.NewSource(seed))
		bsz := typ.TypeSize()
		nb := 1 + rng.Intn(4)
		rows := len(data) / (nb * bsz)
		if rows == 0 {
			return
		}
		data = append([]byte(nil), data[:rows*nb*bsz]...)
		if seed&1 == 0 {
			tameK(typ, data)
		}
		n := 4 + rng.Intn(18)
		checkKTile(t, typ, data, rows, nb*256, randActs(rng, n*nb*256), n, "fuzz")
	})
}

func FuzzKTileQ4_K(f *testing.F) { fuzzKTile(f, gguf.Q4_K) }
func FuzzKTileQ6_K(f *testing.F) { fuzzKTile(f, gguf.Q6_K) }

// BenchmarkKTile: the whole product of a 256x4096 matrix with n vectors on
// one thread, with the tile kernels and without (the four-vector AVX2
// path); MB/s counts weight bytes once.
//
//	go test -run '^$' -bench KTile ./llm/kernels/
func BenchmarkKTile(b *testing.B) {
	requireKTile(b)
	defer useKTileKernels()
	const rows, cols = 256, 4096
	rng := rand.New(rand.NewSource(1))
	for _, typ := range []gguf.GGMLType{gguf.Q4_K, gguf.Q6_K} {
		data := quantRow(b, rng, typ, rows*cols)
		m, err := NewMatrix(typ, rows, cols, data)
		if err != nil {
			b.Fatal(err)
		}
		for _, n := range []int{4, 32} {
			var a Acts
			a.Prepare(typ, randVec(rng, n*cols, 1), n, cols)
			dst := make([]float32, n*rows)
			for _, on := range []bool{false, true} {
				name := "avx2"
				if on {
					name = "ktile"
				}
				b.Run(typ.String()+"/n="+string(rune('0'+n/10))+string(rune('0'+n%10))+"/"+name, func(b *testing.B) {
					if on {
						useKTileKernels()
					} else {
						noKTileKernels()
					}
					b.SetBytes(int64(len(data)))
					runtime.LockOSThread()
					defer runtime.UnlockOSThread()
					c0 := threadCPU()
					for b.Loop() {
						m.MatMulPrepared(dst, &a, nil)
					}
					b.ReportMetric(float64(threadCPU()-c0)/float64(b.N), "cpu-ns/op")
				})
			}
		}
	}
}
