package kernels

import (
	"fmt"
	"math"
	"math/rand"
	"runtime"
	"testing"

	"github.com/docent-dev/docent/llm/gguf"
)

func attentionRef(q, k, v []float32, ld, L, hd int, scale float32, i int) []float64 {
	s := make([]float64, L)
	mx := math.Inf(-1)
	for j := range s {
		var d float64
		for c := 0; c < hd; c++ {
			d += float64(q[i*ld+c]) * float64(k[j*ld+c])
		}
		s[j] = d * float64(scale)
		mx = max(mx, s[j])
	}
	var sum float64
	for j := range s {
		s[j] = math.Exp(s[j] - mx)
		sum += s[j]
	}
	o := make([]float64, hd)
	for j := range s {
		for c := range o {
			o[c] += s[j] / sum * float64(v[j*ld+c])
		}
	}
	return o
}

func TestBertAttention(t *testing.T) {
	if !hasBertOps() || Backend() == "go" {
		t.Skip("no AVX-512 kernels")
	}
	rng := rand.New(rand.NewSource(3))
	var sc AttnScratch
	for _, sh := range []struct{ L, hd, heads int }{{1, 32, 1}, {2, 32, 3}, {7, 64, 2}, {16, 32, 12}, {33, 32, 2}, {128, 32, 12}, {130, 64, 2}, {300, 96, 1}} {
		ld := sh.hd * sh.heads
		q := randVec(rng, sh.L*ld, 1)
		k := randVec(rng, sh.L*ld, 1)
		v := randVec(rng, sh.L*ld, 1)
		q[0] = 40 // a large score, so that many exponentials are tiny
		out := make([]float32, sh.L*ld)
		scale := float32(1 / math.Sqrt(float64(sh.hd)))
		for h := 0; h < sh.heads; h++ {
			off := h * sh.hd
			if !BertAttention(out[off:], q[off:], k[off:], v[off:], ld, sh.L, sh.hd, scale, &sc) {
				t.Fatal("BertAttention declined")
			}
		}
		for h := 0; h < sh.heads; h++ {
			off := h * sh.hd
			for i := 0; i < sh.L; i++ {
				want := attentionRef(q[off:], k[off:], v[off:], ld, sh.L, sh.hd, scale, i)
				for c, w := range want {
					if g := float64(out[i*ld+off+c]); math.Abs(g-w) > 1e-5*(1+math.Abs(w)) {
						t.Fatalf("L=%d hd=%d head %d row %d col %d: %v, want %v", sh.L, sh.hd, h, i, c, g, w)
					}
				}
			}
		}
	}
}

func TestBertSoftmaxExtremes(t *testing.T) {
	if !hasBertOps() || Backend() == "go" {
		t.Skip("no AVX-512 kernels")
	}
	for _, n := range []int{1, 15, 16, 17, 100} {
		s := make([]float32, n+3)
		for j := range s {
			s[j] = float32(-3 * j)
		}
		s[n], s[n+1], s[n+2] = 1000, 1000, 1000 // beyond n: must stay
		want := make([]float64, n)
		var sum float64
		for j := range want {
			want[j] = math.Exp(float64(s[j]) * 2)
			sum += want[j]
		}
		bertSoftmax(&s[0], n, 2)
		for j := range want {
			w := want[j] / sum
			if bad := w < 1e-37 && s[j] > 1e-37 || w >= 1e-37 && math.Abs(float64(s[j])-w)/w > 1e-6; bad {
				t.Fatalf("n=%d j=%d: %v, want %v", n, j, s[j], w)
			}
		}
		if s[n] != 1000 || s[n+2] != 1000 {
			t.Fatalf("n=%d: wrote past the end", n)
		}
	}
}

func TestBertGELU(t *testing.T) {
	if !hasBertOps() || Backend() == "go" {
		t.Skip("no AVX-512 kernels")
	}
	table := make([]float32, 1<<16)
	for i := range table {
		table[i] = float32(i) // identity on the F16 bits: checks the index
	}
	rng := rand.New(rand.NewSource(5))
	x := randActs(rng, 4099)
	x[3], x[4], x[5], x[6] = -10, 10, -10.001, 9.999
	x[7] = float32(math.Inf(1))
	orig := append([]float32(nil), x...)
	if n := BertGELU(x, table); n != 4096 {
		t.Fatalf("did %d", n)
	}
	for i, v := range orig[:4096] {
		var want float32
		switch {
		case v <= -10:
			want = 0
		case v >= 10:
			want = v
		default:
			want = table[gguf.FP32ToFP16(v)]
		}
		if !sameFloat(x[i], want) {
			t.Fatalf("x[%d] = %v: got %v, want %v", i, v, x[i], want)
		}
	}
	for i := 4096; i < len(x); i++ {
		if x[i] != orig[i] {
			t.Fatal("tail changed")
		}
	}
}

func TestBertLayerNorm(t *testing.T) {
	if !hasBertOps() || Backend() == "go" {
		t.Skip("no AVX-512 kernels")
	}
	rng := rand.New(rand.NewSource(9))
	for _, n := range []int{16, 64, 384, 768} {
		for _, withB := range []bool{true, false} {
			src := randVec(rng, n, 3)
			for i := range src {
				src[i] += 5
			}
			w, b := randVec(rng, n, 1), randVec(rng, n, 1)
			if !withB {
				b = nil
			}
			dst := make([]float32, n)
			if !BertLayerNorm(dst, src, w, b, 1e-12) {
				t.Fatal("declined")
			}
			// The model package's Go loop: sums in float64, in order.
			var sum float64
			for _, v := range src {
				sum += float64(v)
			}
			mean := float32(sum / float64(n))
			var sum2 float64
			for _, v := range src {
				d := v - mean
				sum2 += float64(d * d)
			}
			scale := float32(1 / math.Sqrt(float64(float32(sum2/float64(n))+1e-12)))
			for i, v := range src {
				want := (v - mean) * scale * w[i]
				if b != nil {
					want += b[i]
				}
				if math.Abs(float64(dst[i]-want)) > 1e-6*(1+math.Abs(float64(want))) {
					t.Fatalf("n=%d i=%d: %v, want %v", n, i, dst[i], want)
				}
			}
		}
	}
}

// BenchmarkBertAttention: one thread, MiniLM's heads (12 x 32) over one
// sequence; zmm-FMA/cpu-ns counts the two products' 16-lane multiply-adds
// per CPU nanosecond of this thread.
func BenchmarkBertAttention(b *testing.B) {
	for _, L := range []int{128, 512} {
		b.Run(fmt.Sprintf("L=%d", L), func(b *testing.B) {
			const hd, heads = 32, 12
			ld := hd * heads
			rng := rand.New(rand.NewSource(1))
			q, k, v := randVec(rng, L*ld, 1), randVec(rng, L*ld, 1), randVec(rng, L*ld, 1)
			out := make([]float32, L*ld)
			var sc AttnScratch
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			c0 := threadCPU()
			for b.Loop() {
				for h := 0; h < heads; h++ {
					if !BertAttention(out[h*hd:], q[h*hd:], k[h*hd:], v[h*hd:], ld, L, hd, 0.17, &sc) {
						b.Skip("no AVX-512 kernels")
					}
				}
			}
			b.ReportMetric(float64(2*L*L*hd/16*heads)*float64(b.N)/float64(threadCPU()-c0), "zmm-FMA/cpu-ns")
		})
	}
}
