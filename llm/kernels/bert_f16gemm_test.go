package kernels

import (
	"fmt"
	"math"
	"math/rand"
	"runtime"
	"testing"

	"github.com/docent-dev/docent/llm/gguf"
)

// checkF16Tiled compares MulF16Acts with the pure-Go dotF16 (dotF16Vec for
// one vector) bit for bit, and the rounding of F16Acts with Acts.Prepare.
func checkF16Tiled(t *testing.T, rng *rand.Rand, rows, cols, n int, pool *Pool, wild bool) {
	t.Helper()
	var data []byte
	if wild {
		data = randBytes(rng, 2*rows*cols)
		if rng.Intn(2) == 0 {
			for i := 0; i < rows*cols; i++ {
				tameF16(data[2*i:])
			}
		}
	} else {
		var err error
		if data, err = gguf.Quantize(gguf.F16, randVec(rng, rows*cols, 0.1)); err != nil {
			t.Fatal(err)
		}
	}
	m, err := NewMatrix(gguf.F16, rows, cols, data)
	if err != nil {
		t.Fatal(err)
	}
	x := randActs(rng, n*cols)
	var a F16Acts
	a.Prepare(x, n, cols)
	var ref Acts
	ref.Prepare(gguf.F16, x, n, cols)
	for i := range ref.f {
		if !sameFloat(a.f[i], ref.f[i]) {
			t.Fatalf("rounding of %v: %v, want %v", x[i], a.f[i], ref.f[i])
		}
	}
	got := make([]float32, n*rows)
	var bias, res []float32
	if rng.Intn(2) == 0 {
		bias = randVec(rng, rows, 1)
	}
	if rng.Intn(2) == 0 {
		res = randVec(rng, n*rows, 1)
	}
	m.MulF16ActsAdd(got, &a, bias, res, pool)
	for v := 0; v < n; v++ {
		for r := 0; r < rows; r++ {
			var want float32
			if n == 1 {
				want = dotF16Vec(m.row(r), ref.f[:cols])
			} else {
				want = dotF16(m.row(r), ref.f[v*cols:(v+1)*cols])
			}
			if bias != nil {
				want += bias[r]
			}
			if res != nil {
				want += res[v*rows+r]
			}
			if g := got[v*rows+r]; !sameFloat(g, want) {
				t.Fatalf("%dx%d, %d vectors: row %d vector %d = %v (%08x), want %v (%08x)", rows, cols, n, r, v, g, math.Float32bits(g), want, math.Float32bits(want))
			}
		}
	}
}

func TestMulF16ActsMatchesDotF16(t *testing.T) {
	if bertF16TileImpl == nil {
		t.Log("no tiled kernel on this CPU: checking the fallback")
	}
	rng := rand.New(rand.NewSource(7))
	pool := NewPool(2)
	defer pool.Close()
	for _, sh := range []struct{ rows, cols, n int }{
		{4, 16, 6}, {8, 32, 1}, {5, 48, 7}, {37, 384, 13}, {384, 384, 128}, {64, 1536, 20}, {1536, 384, 9}, {3, 64, 2},
	} {
		checkF16Tiled(t, rng, sh.rows, sh.cols, sh.n, pool, false)
		checkF16Tiled(t, rng, sh.rows, sh.cols, sh.n, nil, true)
	}
}

func FuzzMulF16Acts(f *testing.F) {
	f.Add(int64(1), uint8(4), uint8(1), uint8(6))
	f.Add(int64(2), uint8(9), uint8(3), uint8(13))
	f.Fuzz(func(t *testing.T, seed int64, rows, chunks, n uint8) {
		if rows == 0 || chunks == 0 || n == 0 {
			return
		}
		rng := rand.New(rand.NewSource(seed))
		checkF16Tiled(t, rng, int(rows)%64+1, 16*(int(chunks)%24+1), int(n)%40+1, nil, seed&1 == 0)
	})
}

// BenchmarkMulF16Acts: one thread, MiniLM's FFN-up shape over 128 tokens;
// zmm-FMA/ns is the kernel's rate of 16-lane fused multiply-adds.
func BenchmarkMulF16Acts(b *testing.B) {
	for _, sh := range []struct{ rows, cols, n int }{{384, 384, 128}, {1536, 384, 128}, {384, 1536, 128}, {384, 384, 512}} {
		b.Run(fmt.Sprintf("%dx%dx%d", sh.rows, sh.cols, sh.n), func(b *testing.B) {
			rng := rand.New(rand.NewSource(1))
			data, _ := gguf.Quantize(gguf.F16, randVec(rng, sh.rows*sh.cols, 0.1))
			m, _ := NewMatrix(gguf.F16, sh.rows, sh.cols, data)
			var a F16Acts
			a.Prepare(randVec(rng, sh.n*sh.cols, 1), sh.n, sh.cols)
			dst := make([]float32, sh.n*sh.rows)
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			c0 := threadCPU()
			for b.Loop() {
				m.MulF16Acts(dst, &a, nil)
			}
			// Per CPU nanosecond of this thread: steadier on a shared machine.
			b.ReportMetric(float64(sh.rows*sh.cols/16*sh.n)*float64(b.N)/float64(threadCPU()-c0), "zmm-FMA/cpu-ns")
		})
	}
}
