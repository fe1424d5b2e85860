package kernels

import (
	"math/rand"
	"testing"

	"github.com/docent-dev/docent/llm/gguf"
)

// BenchmarkDot compares each assembly kernel with its Go twin on 64 rows of
// 4096 columns (one op = all 64 rows; MB/s counts weight bytes):
//
//	go test -run '^$' -bench Dot -count 5 ./llm/kernels/
func BenchmarkDot(b *testing.B) {
	const rows, cols = 64, 4096
	rng := rand.New(rand.NewSource(1))
	x := make([]float32, cols)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	type kernel struct {
		name    string
		typ     gguf.GGMLType
		goK     func(row []byte, a *Acts) float32
		current func(row []byte, a *Acts) float32
	}
	ks := []kernel{
		{"Q8_0", gguf.Q8_0,
			func(r []byte, a *Acts) float32 { return dotQ8_0(r, a.q, a.d) },
			func(r []byte, a *Acts) float32 { return dotQ8_0Impl(r, a.q, a.d) }},
		{"Q5_0", gguf.Q5_0,
			func(r []byte, a *Acts) float32 { return dotQ5_0(r, a.q, a.d) },
			func(r []byte, a *Acts) float32 { return dotQ5_0Impl(r, a.q, a.d) }},
		{"F16Vec", gguf.F16,
			func(r []byte, a *Acts) float32 { return dotF16Vec(r, a.f) },
			func(r []byte, a *Acts) float32 { return dotF16VecImpl(r, a.f) }},
		{"F16", gguf.F16,
			func(r []byte, a *Acts) float32 { return dotF16(r, a.f) },
			func(r []byte, a *Acts) float32 { return dotF16Impl(r, a.f) }},
		{"F32", gguf.F32,
			func(r []byte, a *Acts) float32 { return dotF32(r, a.f) },
			func(r []byte, a *Acts) float32 { return dotF32Impl(r, a.f) }},
		{"Q4_K", gguf.Q4_K,
			func(r []byte, a *Acts) float32 { return dotQ4_K(r, a.q, a.d, a.bs) },
			func(r []byte, a *Acts) float32 { return dotQ4_KImpl(r, a.q, a.d, a.bs) }},
		{"Q6_K", gguf.Q6_K,
			func(r []byte, a *Acts) float32 { return dotQ6_K(r, a.q, a.d, a.bs) },
			func(r []byte, a *Acts) float32 { return dotQ6_KImpl(r, a.q, a.d, a.bs) }},
	}
	for _, k := range ks {
		data := quantRow(b, rng, k.typ, rows*cols)
		var a Acts
		a.Prepare(k.typ, x, 1, cols)
		rb := len(data) / rows
		for _, impl := range []struct {
			name string
			f    func([]byte, *Acts) float32
		}{{"go", k.goK}, {Backend(), k.current}} {
			b.Run(k.name+"/"+impl.name, func(b *testing.B) {
				b.SetBytes(int64(len(data)))
				var sink float32
				for b.Loop() {
					for r := 0; r < rows; r++ {
						sink += impl.f(data[r*rb:(r+1)*rb], &a)
					}
				}
				_ = sink
			})
		}
	}
}

// BenchmarkDot4 is the prefill case: 64 rows of 4096 columns against four
// activation vectors (one op = 64x4 dot products; MB/s counts weight bytes
// once): the Go kernel four times, the one-vector assembly kernel four
// times, and the four-vector assembly kernel.
//
//	go test -run '^$' -bench Dot4 -count 5 ./llm/kernels/
func BenchmarkDot4(b *testing.B) {
	const rows, cols = 64, 4096
	rng := rand.New(rand.NewSource(1))
	x := make([]float32, 4*cols)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	for _, typ := range []gguf.GGMLType{gguf.Q8_0, gguf.Q5_0, gguf.F16, gguf.Q4_K, gguf.Q6_K} {
		data := quantRow(b, rng, typ, rows*cols)
		m, err := NewMatrix(typ, rows, cols, data)
		if err != nil {
			b.Fatal(err)
		}
		var a Acts
		a.Prepare(typ, x, 4, cols)
		dst := make([]float32, 4*rows)
		run := func(name string, f func()) {
			b.Run(typ.String()+"/"+name, func(b *testing.B) {
				b.SetBytes(int64(len(data)))
				for b.Loop() {
					f()
				}
			})
		}
		one := func() {
			for r := 0; r < rows; r++ {
				for v := 0; v < 4; v++ {
					dst[v*rows+r] = m.dotRow(r, &a, v)
				}
			}
		}
		useGoKernels()
		run("go", one)
		useAsmKernels()
		if Backend() == "go" {
			continue
		}
		run(Backend()+"/x1", one)
		run(Backend()+"/x4", func() {
			for r := 0; r < rows; r++ {
				m.mulRow4(dst, &a, r, 0)
			}
		})
	}
}
