package kernels

import (
	"math/rand"
	"testing"

	"github.com/docent-dev/docent/llm/gguf"
)

// AccumRoundF16 with the assembly kernels must match ScaleRoundF16 and
// AxpyRoundF16 called per row with the Go kernels.
func TestAccumRoundF16MatchesGo(t *testing.T) {
	rng := rand.New(rand.NewSource(9))
	for it := 0; it < 200; it++ {
		hd := []int{64, 128, 80, 8, 192, 3}[it%6]
		n := 1 + rng.Intn(70)
		stride := hd + rng.Intn(3)*64
		v := make([]uint16, (n-1)*stride+hd)
		for i := range v {
			v[i] = gguf.FP32ToFP16(float32(rng.NormFloat64()))
		}
		ms := make([]float32, n)
		vs := make([]float32, n)
		for j := range ms {
			ms[j], vs[j] = 1, rng.Float32()
			switch rng.Intn(4) {
			case 0:
				ms[j], vs[j] = rng.Float32(), 1
			case 1:
				ms[j] = 0
			}
		}
		out := make([]float32, hd)
		for i := range out {
			out[i] = f16r(float32(rng.NormFloat64()))
		}
		ref := append([]float32(nil), out...)
		AccumRoundF16(out, v, stride, ms, vs)
		for j := 0; j < n; j++ {
			if ms[j] != 1 {
				scaleRoundF16Go(ref, ms[j])
			}
			axpyRoundF16Go(ref, v[j*stride:j*stride+hd], vs[j])
		}
		for i := range ref {
			if !sameFloat(out[i], ref[i]) {
				t.Fatalf("hd=%d n=%d: out[%d] = %v, go %v", hd, n, i, out[i], ref[i])
			}
		}
	}
}
