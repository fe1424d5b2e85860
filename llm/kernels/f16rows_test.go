//go:build amd64 && !purego

package kernels

import (
	"math/rand"
	"strconv"
	"testing"

	"github.com/docent-dev/docent/llm/gguf"
)

// The F16 decode kernel with F16 activations (mulRowsF16 via mulRows4Impl)
// must give, row by row, exactly dotF16Vec: random bytes (Inf, NaN, denormals) and
// realistic rows, column counts with and without a tail, below 64 too.
func TestF16RowsMatchesGo(t *testing.T) {
	if mulRows4Impl == nil || !f16RowsOn {
		t.Skip("no several-rows kernels on this CPU/build")
	}
	rng := rand.New(rand.NewSource(12))
	for _, cols := range []int{1, 63, 64, 65, 127, 128, 200, 896, 960, 4864, 4900, 8192, 8200, 8256} {
		for rows := 1; rows <= 13; rows += 3 {
			seed := rng.Int63()
			checkRows4(t, gguf.F16, quantRow(t, rng, gguf.F16, rows*cols), rows, seed&^1)
			checkRows4(t, gguf.F16, randBytes(rng, rows*cols*2), rows, seed|1)
		}
	}
	for i := 0; i < 300; i++ {
		rows := 1 + rng.Intn(13)
		cols := 1 + rng.Intn(700)
		seed := rng.Int63()
		checkRows4(t, gguf.F16, quantRow(t, rng, gguf.F16, rows*cols), rows, seed&^1)
		checkRows4(t, gguf.F16, randBytes(rng, rows*cols*2), rows, seed)
	}
}

func FuzzRows4F16(f *testing.F) {
	if mulRows4Impl == nil || !f16RowsOn {
		f.Skip("no several-rows kernels on this CPU/build")
	}
	fuzzRows4(f, gguf.F16)
}

// BenchmarkF16RowsBig: F16 decode of one thread on a matrix far larger than
// the caches, float32-activation AVX2 kernel (avx2) vs F16 activations (hx):
//
//	go test -run '^$' -bench F16RowsBig -count 3 ./llm/kernels/
func BenchmarkF16RowsBig(b *testing.B) {
	if mulRows4Impl == nil {
		b.Skip("no several-rows kernels on this CPU/build")
	}
	rng := rand.New(rand.NewSource(1))
	for _, cols := range []int{896, 4864} {
		rows := (128 << 20) / (2 * cols) &^ 15
		data := make([]byte, rows*cols*2)
		blk := quantRow(b, rng, gguf.F16, 64*cols)
		for i := 0; i < len(data); i += len(blk) {
			copy(data[i:], blk)
		}
		m, err := NewMatrix(gguf.F16, rows, cols, data)
		if err != nil {
			b.Fatal(err)
		}
		var a Acts
		a.Prepare(gguf.F16, randVec(rng, cols, 1), 1, cols)
		dst := make([]float32, rows)
		saved := f16RowsOn
		for _, on := range []bool{false, true, false, true} {
			on := on && saved
			name := "avx2"
			if on {
				name = "hx"
			}
			b.Run(name+"/"+strconv.Itoa(cols), func(b *testing.B) {
				f16RowsOn = on
				defer func() { f16RowsOn = saved }()
				b.SetBytes(int64(len(data)))
				for b.Loop() {
					m.mulRange(dst, &a, 0, rows)
				}
			})
		}
	}
}
