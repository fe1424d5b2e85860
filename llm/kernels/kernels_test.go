package kernels

import (
	"math"
	"math/rand"
	"sync/atomic"
	"testing"

	"github.com/docent-dev/docent/llm/gguf"
)

var allTypes = []gguf.GGMLType{gguf.F32, gguf.F16, gguf.BF16, gguf.Q8_0, gguf.Q4_0, gguf.Q4_1, gguf.Q5_0, gguf.Q5_1, gguf.Q4_K, gguf.Q5_K, gguf.Q6_K}

func randVec(rng *rand.Rand, n int, scale float32) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(rng.NormFloat64()) * scale
	}
	return x
}

func randMatrix(t *testing.T, rng *rand.Rand, typ gguf.GGMLType, rows, cols int) *Matrix {
	t.Helper()
	w := randVec(rng, rows*cols, 0.1)
	data, err := gguf.Quantize(typ, w)
	if err != nil {
		t.Fatalf("quantize %s: %v", typ, err)
	}
	m, err := NewMatrix(typ, rows, cols, data)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// relTol is the expected relative error of the activation rounding per type.
func relTol(typ gguf.GGMLType) float64 {
	switch typ {
	case gguf.F32:
		return 1e-5
	case gguf.F16:
		return 2e-3
	case gguf.BF16:
		return 1e-2
	}
	return 2e-2
}

func TestMatMulMatchesFloat(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	pool := NewPool(3)
	defer pool.Close()
	const rows, cols, n = 37, 512, 3
	for _, typ := range allTypes {
		m := randMatrix(t, rng, typ, rows, cols)
		x := randVec(rng, n*cols, 1)
		got := make([]float32, n*rows)
		m.MatMul(got, x, n, pool)
		want := make([]float32, rows)
		var errSum, refSum float64
		for v := 0; v < n; v++ {
			m.MatVecFloat(want, x[v*cols:(v+1)*cols])
			for r := range want {
				d := float64(got[v*rows+r] - want[r])
				errSum += d * d
				refSum += float64(want[r]) * float64(want[r])
			}
			one := make([]float32, rows)
			m.MatVec(one, x[v*cols:(v+1)*cols])
			for r := range one {
				// Single-vector products may sum in another order (as in
				// llama.cpp), so allow float rounding.
				if math.Abs(float64(one[r]-got[v*rows+r])) > 1e-5*(math.Abs(float64(one[r]))+1) {
					t.Fatalf("%s: MatVec and MatMul differ at %d,%d: %g vs %g", typ, v, r, one[r], got[v*rows+r])
				}
			}
		}
		rel := math.Sqrt(errSum / refSum)
		if rel > relTol(typ) {
			t.Errorf("%s: relative error %.2g > %.2g", typ, rel, relTol(typ))
		}
	}
}

func TestNewMatrixErrors(t *testing.T) {
	if _, err := NewMatrix(gguf.Q2_K, 1, 256, make([]byte, 84)); err == nil {
		t.Error("Q2_K accepted")
	}
	if _, err := NewMatrix(gguf.Q8_0, 2, 33, make([]byte, 68)); err == nil {
		t.Error("partial block accepted")
	}
	if _, err := NewMatrix(gguf.Q8_0, 2, 32, make([]byte, 67)); err == nil {
		t.Error("short data accepted")
	}
}

func TestPool(t *testing.T) {
	p := NewPool(4)
	defer p.Close()
	for _, n := range []int{1, 2, 3, 4, 5, 17, 1000} {
		var sum atomic.Int64
		seen := make([]int32, n)
		p.Run(n, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				atomic.AddInt32(&seen[i], 1)
				sum.Add(int64(i))
			}
		})
		for i, s := range seen {
			if s != 1 {
				t.Fatalf("n=%d: item %d ran %d times", n, i, s)
			}
		}
	}
}

func TestMatMulActsNoAlloc(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	p := NewPool(2)
	defer p.Close()
	m := randMatrix(t, rng, gguf.Q4_K, 64, 256)
	x := randVec(rng, 256, 1)
	dst := make([]float32, 64)
	var a Acts
	m.MatMulActs(dst, x, 1, p, &a)
	if n := testing.AllocsPerRun(50, func() { m.MatMulActs(dst, x, 1, p, &a) }); n != 0 {
		t.Errorf("MatMulActs allocates %v times per call", n)
	}
}

func BenchmarkMatVec(b *testing.B) {
	rng := rand.New(rand.NewSource(3))
	p := NewPool(2)
	defer p.Close()
	for _, typ := range allTypes {
		w := randVec(rng, 1024*1024, 0.1)
		data, _ := gguf.Quantize(typ, w)
		m, _ := NewMatrix(typ, 1024, 1024, data)
		x := randVec(rng, 1024, 1)
		dst := make([]float32, 1024)
		var a Acts
		b.Run(typ.String(), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for i := 0; i < b.N; i++ {
				m.MatMulActs(dst, x, 1, p, &a)
			}
		})
	}
}

// TestIntegerDotExact checks each quantized dot product against the float64
// product of the dequantized weights with the dequantized (quantized)
// activations: they agree up to float32 rounding.
func TestIntegerDotExact(t *testing.T) {
	rng := rand.New(rand.NewSource(4))
	const rows, cols = 8, 1024
	for _, typ := range []gguf.GGMLType{gguf.Q8_0, gguf.Q4_0, gguf.Q5_0, gguf.Q4_K, gguf.Q5_K, gguf.Q6_K} {
		m := randMatrix(t, rng, typ, rows, cols)
		x := randVec(rng, cols, 1)
		var a Acts
		a.Prepare(typ, x, 1, cols)
		xd := make([]float64, cols)
		bs := 32
		if a.kind == actQ8_K {
			bs = 256
		}
		for i := range xd {
			xd[i] = float64(a.q[i]) * float64(a.d[i/bs])
		}
		if a.kind == actQ8_K {
			for b := 0; b < cols/256; b++ {
				for j := 0; j < 16; j++ {
					s := 0
					for _, v := range a.q[b*256+j*16 : b*256+j*16+16] {
						s += int(v)
					}
					if int(a.bs[b*16+j]) != s {
						t.Fatalf("bsums wrong")
					}
				}
			}
		}
		w := make([]float32, cols)
		for r := 0; r < rows; r++ {
			m.Row(w, r)
			var want float64
			for i := range w {
				want += float64(w[i]) * xd[i]
			}
			got := float64(m.dotRow(r, &a, 0))
			if math.Abs(got-want) > 1e-5*(math.Abs(want)+1) {
				t.Errorf("%s row %d: %g, want %g", typ, r, got, want)
			}
		}
	}
}
