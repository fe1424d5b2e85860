package kernels

import (
	"encoding/binary"
	"math"
	"math/rand"
	"testing"

	"github.com/docent-dev/docent/llm/gguf"
)

// The assembly kernels must return bit-identical results to their pure-Go
// twins in dot.go. The fuzz targets take the weight row's bytes from the
// fuzzer (any bit pattern, any length) and the activations from a seeded
// generator, prepared the way Acts.Prepare prepares them. Run them with e.g.
//
//	go test -run '^$' -fuzz FuzzDotQ8_0 -fuzztime 60s ./llm/kernels/

func sameFloat(a, b float32) bool {
	if a != a && b != b {
		return true // NaN payloads may differ (F16C quiets signalling NaNs)
	}
	return math.Float32bits(a) == math.Float32bits(b)
}

// requireAsm skips when the CPU (or build) gives no assembly kernels.
func requireAsm(t testing.TB) {
	if Backend() == "go" {
		t.Skip("no assembly kernels on this CPU/build (or DOCENT_KERNELS=go)")
	}
}

// tameF16 clears the top exponent bit of an F16 scale so that it is finite.
func tameF16(b []byte) { b[1] &^= 0x40 }

func randActs(rng *rand.Rand, n int) []float32 {
	x := make([]float32, n)
	scale := float32(math.Exp(rng.NormFloat64() * 3))
	for i := range x {
		switch rng.Intn(16) {
		case 0:
			x[i] = 0
		case 1:
			x[i] = float32(rng.NormFloat64()) * scale * 100
		default:
			x[i] = float32(rng.NormFloat64()) * scale
		}
	}
	return x
}

func checkQ8_0(t *testing.T, row []byte, seed int64) {
	row = append([]byte(nil), row...) // the fuzzer's input is not ours to change
	nb := len(row) / 34
	row = row[:nb*34]
	rng := rand.New(rand.NewSource(seed))
	if seed&1 == 0 {
		for b := 0; b < nb; b++ {
			tameF16(row[b*34:])
		}
	}
	var a Acts
	a.Prepare(gguf.Q8_0, randActs(rng, nb*32), 1, nb*32)
	want := dotQ8_0(row, a.q, a.d)
	got := dotQ8_0Impl(row, a.q, a.d)
	if !sameFloat(got, want) {
		t.Fatalf("nb=%d seed=%d: asm %v (%08x), go %v (%08x)", nb, seed, got, math.Float32bits(got), want, math.Float32bits(want))
	}
	if dotQ8_0x4Impl != nil {
		// Four vectors at once, each against its own one-vector result.
		var a4 Acts
		a4.Prepare(gguf.Q8_0, randActs(rng, 4*nb*32), 4, nb*32)
		out := make([]float32, 8)
		dotQ8_0x4Impl(row, a4.q, a4.d, out[1:], 2)
		for v := 0; v < 4; v++ {
			want := dotQ8_0(row, a4.q[v*nb*32:(v+1)*nb*32], a4.d[v*nb:(v+1)*nb])
			if got := out[1+2*v]; !sameFloat(got, want) {
				t.Fatalf("x4 vector %d nb=%d seed=%d: asm %v, go %v", v, nb, seed, got, want)
			}
		}
	}
}

func checkK(t *testing.T, typ gguf.GGMLType, row []byte, seed int64) {
	row = append([]byte(nil), row...)
	bsz := typ.TypeSize()
	nb := len(row) / bsz
	row = row[:nb*bsz]
	rng := rand.New(rand.NewSource(seed))
	if seed&1 == 0 {
		for b := 0; b < nb; b++ {
			blk := row[b*bsz : (b+1)*bsz]
			if typ == gguf.Q6_K {
				tameF16(blk[208:])
			} else {
				tameF16(blk)
				tameF16(blk[2:])
			}
		}
	}
	var a Acts
	a.Prepare(typ, randActs(rng, nb*256), 1, nb*256)
	var got, want float32
	if typ == gguf.Q6_K {
		got, want = dotQ6_KImpl(row, a.q, a.d, a.bs), dotQ6_K(row, a.q, a.d, a.bs)
	} else {
		got, want = dotQ4_KImpl(row, a.q, a.d, a.bs), dotQ4_K(row, a.q, a.d, a.bs)
	}
	if !sameFloat(got, want) {
		t.Fatalf("%s nb=%d seed=%d: asm %v (%08x), go %v (%08x)", typ, nb, seed, got, math.Float32bits(got), want, math.Float32bits(want))
	}
	if typ == gguf.Q6_K && dotQ6_Kx4Impl != nil {
		var a4 Acts
		a4.Prepare(typ, randActs(rng, 4*nb*256), 4, nb*256)
		out := make([]float32, 8)
		dotQ6_Kx4Impl(row, a4.q, a4.d, out[1:], 2)
		c := nb * 256
		for v := 0; v < 4; v++ {
			want := dotQ6_K(row, a4.q[v*c:(v+1)*c], a4.d[v*nb:(v+1)*nb], a4.bs[v*nb*16:(v+1)*nb*16])
			if got := out[1+2*v]; !sameFloat(got, want) {
				t.Fatalf("Q6_K x4 vector %d nb=%d seed=%d: asm %v, go %v", v, nb, seed, got, want)
			}
		}
	}
	if typ == gguf.Q4_K {
		var a4 Acts
		a4.Prepare(typ, randActs(rng, 4*nb*256), 4, nb*256)
		out := make([]float32, 8)
		ref := make([]float32, 8)
		dotQ4_Kx4Impl(row, a4.q, a4.d, a4.bs, out[1:], 2)
		dotQ4_Kx4Gemm(row, a4.q, a4.d, a4.bs, ref[1:], 2)
		for v := 0; v < 4; v++ {
			want := ref[1+2*v]
			if got := out[1+2*v]; !sameFloat(got, want) {
				t.Fatalf("Q4_K x4 vector %d nb=%d seed=%d: asm %v, go %v", v, nb, seed, got, want)
			}
		}
	}
}

func checkQ5_0(t *testing.T, row []byte, seed int64) {
	row = append([]byte(nil), row...)
	nb := len(row) / 22
	row = row[:nb*22]
	rng := rand.New(rand.NewSource(seed))
	if seed&1 == 0 {
		for b := 0; b < nb; b++ {
			tameF16(row[b*22:])
		}
	}
	var a Acts
	a.Prepare(gguf.Q5_0, randActs(rng, nb*32), 1, nb*32)
	if got, want := dotQ5_0Impl(row, a.q, a.d), dotQ5_0(row, a.q, a.d); !sameFloat(got, want) {
		t.Fatalf("Q5_0 nb=%d seed=%d: asm %v (%08x), go %v (%08x)", nb, seed, got, math.Float32bits(got), want, math.Float32bits(want))
	}
	if dotQ5_0x4Impl != nil {
		var a4 Acts
		a4.Prepare(gguf.Q5_0, randActs(rng, 4*nb*32), 4, nb*32)
		out := make([]float32, 8)
		dotQ5_0x4Impl(row, a4.q, a4.d, out[1:], 2)
		for v := 0; v < 4; v++ {
			want := dotQ5_0(row, a4.q[v*nb*32:(v+1)*nb*32], a4.d[v*nb:(v+1)*nb])
			if got := out[1+2*v]; !sameFloat(got, want) {
				t.Fatalf("Q5_0 x4 vector %d nb=%d seed=%d: asm %v, go %v", v, nb, seed, got, want)
			}
		}
	}
}

func FuzzDotQ5_0(f *testing.F) {
	requireAsm(f)
	addSeeds(f, gguf.Q5_0, 22, 32)
	f.Fuzz(func(t *testing.T, row []byte, seed int64) { checkQ5_0(t, row, seed) })
}

func checkF16(t *testing.T, row []byte, seed int64) {
	row = append([]byte(nil), row...) // the fuzzer's input is not ours to change
	n := len(row) / 2
	row = row[:2*n]
	rng := rand.New(rand.NewSource(seed))
	if seed&1 == 0 {
		for i := 0; i < n; i++ {
			tameF16(row[2*i:])
		}
	}
	var a Acts
	a.Prepare(gguf.F16, randActs(rng, n), 1, n)
	if got, want := dotF16VecImpl(row, a.f), dotF16Vec(row, a.f); !sameFloat(got, want) {
		t.Fatalf("dotF16Vec n=%d seed=%d: asm %v (%08x), go %v (%08x)", n, seed, got, math.Float32bits(got), want, math.Float32bits(want))
	}
	if got, want := dotF16Impl(row, a.f), dotF16(row, a.f); !sameFloat(got, want) {
		t.Fatalf("dotF16 n=%d seed=%d: asm %v (%08x), go %v (%08x)", n, seed, got, math.Float32bits(got), want, math.Float32bits(want))
	}
	if dotF16x4Impl != nil {
		var a4 Acts
		a4.Prepare(gguf.F16, randActs(rng, 4*n), 4, n)
		out := make([]float32, 9)
		dotF16x4Impl(row, a4.f, out[2:], 2)
		for v := 0; v < 4; v++ {
			want := dotF16(row, a4.f[v*n:(v+1)*n])
			if got := out[2+2*v]; !sameFloat(got, want) {
				t.Fatalf("dotF16 x4 vector %d n=%d seed=%d: asm %v, go %v", v, n, seed, got, want)
			}
		}
	}
}

func checkF32(t *testing.T, row []byte, seed int64) {
	row = append([]byte(nil), row...) // the fuzzer's input is not ours to change
	n := len(row) / 4
	row = row[:4*n]
	rng := rand.New(rand.NewSource(seed))
	if seed&1 == 0 {
		for i := 0; i < n; i++ {
			v := math.Float32frombits(binary.LittleEndian.Uint32(row[4*i:]))
			if v != v || math.IsInf(float64(v), 0) || math.Abs(float64(v)) > 1e30 {
				binary.LittleEndian.PutUint32(row[4*i:], math.Float32bits(float32(rng.NormFloat64())))
			}
		}
	}
	x := randActs(rng, n)
	if got, want := dotF32Impl(row, x), dotF32(row, x); !sameFloat(got, want) {
		t.Fatalf("dotF32 n=%d seed=%d: asm %v, go %v", n, seed, got, want)
	}
}

func randBytes(rng *rand.Rand, n int) []byte {
	b := make([]byte, n)
	rng.Read(b)
	return b
}

// quantRow gives a realistic weight row of type t (normal weights).
func quantRow(t testing.TB, rng *rand.Rand, typ gguf.GGMLType, n int) []byte {
	w := make([]float32, n)
	for i := range w {
		w[i] = float32(rng.NormFloat64()) * 0.05
	}
	data, err := gguf.Quantize(typ, w)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func addSeeds(f *testing.F, typ gguf.GGMLType, blockBytes, blockElems int) {
	rng := rand.New(rand.NewSource(1))
	for _, blocks := range []int{0, 1, 2, 3, 7, 28, 29, 152} {
		f.Add(randBytes(rng, blocks*blockBytes+rng.Intn(blockBytes)), rng.Int63())
		f.Add(quantRow(f, rng, typ, blocks*blockElems), rng.Int63()&^1)
	}
}

func FuzzDotQ8_0(f *testing.F) {
	requireAsm(f)
	addSeeds(f, gguf.Q8_0, 34, 32)
	f.Fuzz(func(t *testing.T, row []byte, seed int64) { checkQ8_0(t, row, seed) })
}

func FuzzDotF16(f *testing.F) {
	requireAsm(f)
	addSeeds(f, gguf.F16, 2, 1)
	f.Fuzz(func(t *testing.T, row []byte, seed int64) { checkF16(t, row, seed) })
}

func FuzzDotF32(f *testing.F) {
	requireAsm(f)
	addSeeds(f, gguf.F32, 4, 1)
	f.Fuzz(func(t *testing.T, row []byte, seed int64) { checkF32(t, row, seed) })
}

func checkF16Ops(t *testing.T, vb []byte, seed int64) {
	vb = append([]byte(nil), vb...) // the fuzzer's input is not ours to change
	n := len(vb) / 2
	rng := rand.New(rand.NewSource(seed))
	v := make([]uint16, n)
	for i := range v {
		v[i] = binary.LittleEndian.Uint16(vb[2*i:])
		if seed&1 == 0 {
			v[i] &^= 0x4000 // finite
		}
	}
	x := randActs(rng, n)
	if seed&2 == 0 {
		for i := range x {
			x[i] = f16r(x[i])
		}
	}
	s := float32(math.Exp(rng.NormFloat64() * 2))
	if seed&4 == 0 {
		s = float32(rng.Float64())
	}
	got, want := append([]float32(nil), x...), append([]float32(nil), x...)
	scaleRoundF16Impl(got, s)
	scaleRoundF16Go(want, s)
	for i := range want {
		if !sameFloat(got[i], want[i]) {
			t.Fatalf("ScaleRoundF16 n=%d seed=%d: [%d] asm %v, go %v", n, seed, i, got[i], want[i])
		}
	}
	axpyRoundF16Impl(got, v, s)
	axpyRoundF16Go(want, v, s)
	for i := range want {
		if !sameFloat(got[i], want[i]) {
			t.Fatalf("AxpyRoundF16 n=%d seed=%d: [%d] asm %v, go %v", n, seed, i, got[i], want[i])
		}
	}
	vb = vb[:2*n]
	for i, h := range v {
		binary.LittleEndian.PutUint16(vb[2*i:], h)
	}
	if g, w := DotF16Vec(v, x), dotF16Vec(vb, x); !sameFloat(g, w) {
		t.Fatalf("DotF16Vec n=%d seed=%d: asm %v, go %v", n, seed, g, w)
	}
}

func FuzzF16Ops(f *testing.F) {
	requireAsm(f)
	addSeeds(f, gguf.F16, 2, 1)
	f.Fuzz(func(t *testing.T, v []byte, seed int64) { checkF16Ops(t, v, seed) })
}

func FuzzDotQ6_K(f *testing.F) {
	requireAsm(f)
	addSeeds(f, gguf.Q6_K, 210, 256)
	f.Fuzz(func(t *testing.T, row []byte, seed int64) { checkK(t, gguf.Q6_K, row, seed) })
}

func FuzzDotQ4_K(f *testing.F) {
	requireAsm(f)
	addSeeds(f, gguf.Q4_K, 144, 256)
	f.Fuzz(func(t *testing.T, row []byte, seed int64) { checkK(t, gguf.Q4_K, row, seed) })
}

// TestAsmMatchesGo runs the identity checks on a few hundred random cases in
// the ordinary test run (the fuzz targets go further).
func TestAsmMatchesGo(t *testing.T) {
	requireAsm(t)
	rng := rand.New(rand.NewSource(7))
	for i := 0; i < 300; i++ {
		seed := rng.Int63()
		checkQ8_0(t, quantRow(t, rng, gguf.Q8_0, 32*rng.Intn(200)), seed)
		checkQ8_0(t, randBytes(rng, 34*rng.Intn(40)), seed)
		checkQ5_0(t, quantRow(t, rng, gguf.Q5_0, 32*rng.Intn(200)), seed)
		checkQ5_0(t, randBytes(rng, 22*rng.Intn(40)), seed)
		for _, typ := range []gguf.GGMLType{gguf.Q4_K, gguf.Q6_K} {
			checkK(t, typ, quantRow(t, rng, typ, 256*rng.Intn(20)), seed)
			checkK(t, typ, randBytes(rng, typ.TypeSize()*rng.Intn(10)), seed)
		}
		n := rng.Intn(3000)
		checkF16(t, quantRow(t, rng, gguf.F16, n), seed)
		checkF16(t, randBytes(rng, 2*n), seed)
		checkF32(t, randBytes(rng, 4*n), seed)
		checkF16Ops(t, randBytes(rng, 2*(n%300)), seed)
		checkF16Ops(t, quantRow(t, rng, gguf.F16, n%300), seed)
	}
}

// TestMatMulBothPaths multiplies with the assembly kernels and with the Go
// kernels forced, and requires identical outputs, so both paths stay covered.
func TestMatMulBothPaths(t *testing.T) {
	wasGo := Backend() == "go"
	defer func() {
		useGoKernels()
		if !wasGo {
			useAsmKernels()
		}
	}()
	rng := rand.New(rand.NewSource(3))
	const rows, cols = 29, 768
	for _, typ := range allTypes {
		m := randMatrix(t, rng, typ, rows, cols)
		for _, n := range []int{1, 3, 4, 9} {
			x := randVec(rng, n*cols, 1)
			asm := make([]float32, n*rows)
			useAsmKernels()
			kind := Backend()
			m.MatMul(asm, x, n, nil)
			useGoKernels()
			ref := make([]float32, n*rows)
			m.MatMul(ref, x, n, nil)
			for i := range ref {
				if !sameFloat(asm[i], ref[i]) {
					t.Fatalf("%s n=%d: out[%d] = %v with %s kernels, %v with Go", typ, n, i, asm[i], kind, ref[i])
				}
			}
		}
	}
}
