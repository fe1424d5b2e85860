package kernels

import (
	"encoding/binary"
	"math"
	"math/rand"
	"testing"

	"github.com/docent-dev/docent/llm/gguf"
)

// specialBF16 are BF16 bit patterns the BF16 checks mix into rows: zeros,
// denormals, the extremes, infinities and NaNs (quiet, signalling,
// negative).
var specialBF16 = []uint16{
	0x0000, 0x8000, 0x0001, 0x8001, 0x007f, 0x807f, 0x0080, 0x8080,
	0x7f7f, 0xff7f, 0x7f80, 0xff80, 0x7fc0, 0xffc0, 0x7f81, 0xffff,
	0x3f80, 0xbf80,
}

// checkBF16 compares dotBF16Impl with dotBF16 bit for bit (any NaN matches
// any NaN). Even seeds keep the row finite and moderate; odd seeds leave the
// fuzzer's bytes and salt in special values; seed&2 makes the activations
// extreme too.
func checkBF16(t *testing.T, row []byte, seed int64) {
	row = append([]byte(nil), row...) // the fuzzer's input is not ours to change
	n := len(row) / 2
	row = row[:2*n]
	rng := rand.New(rand.NewSource(seed))
	if seed&1 == 0 {
		for i := 0; i < n; i++ {
			row[2*i+1] &^= 0x40 // exponent below 2^0: finite, small
		}
	} else if n > 0 {
		for k := rng.Intn(4); k > 0; k-- {
			binary.LittleEndian.PutUint16(row[2*rng.Intn(n):], specialBF16[rng.Intn(len(specialBF16))])
		}
	}
	x := randActs(rng, n)
	if seed&2 != 0 {
		for k := rng.Intn(4); k > 0 && n > 0; k-- {
			x[rng.Intn(n)] = gguf.BF16ToFP32(specialBF16[rng.Intn(len(specialBF16))])
		}
	}
	var a Acts
	a.Prepare(gguf.BF16, x, 1, n)
	if got, want := dotBF16Impl(row, a.f), dotBF16(row, a.f); !sameFloat(got, want) {
		t.Fatalf("dotBF16 n=%d seed=%d: asm %v (%08x), go %v (%08x)", n, seed, got, math.Float32bits(got), want, math.Float32bits(want))
	}
	// Unrounded activations too: a BF16 times a BF16 is exact in float32
	// (but for underflow), so only these tell a fused multiply-add from
	// the reference's multiply then add.
	if got, want := dotBF16Impl(row, x), dotBF16(row, x); !sameFloat(got, want) {
		t.Fatalf("dotBF16 (unrounded x) n=%d seed=%d: asm %v (%08x), go %v (%08x)", n, seed, got, math.Float32bits(got), want, math.Float32bits(want))
	}
}

// TestBF16AsmMatchesGo: random rows (realistic, raw bytes, and ones full of
// special values) of every length mod 32.
func TestBF16AsmMatchesGo(t *testing.T) {
	requireAsm(t)
	rng := rand.New(rand.NewSource(11))
	for i := 0; i < 400; i++ {
		seed := rng.Int63()
		n := rng.Intn(3000)
		if i < 80 {
			n = i // every short length, every tail
		}
		checkBF16(t, quantRow(t, rng, gguf.BF16, n), seed)
		checkBF16(t, randBytes(rng, 2*n), seed)
		checkBF16(t, randBytes(rng, 2*n), seed|1)
		sp := make([]byte, 2*n)
		for j := 0; j < n; j++ {
			binary.LittleEndian.PutUint16(sp[2*j:], specialBF16[rng.Intn(len(specialBF16))])
		}
		checkBF16(t, sp, seed|1)
		checkBF16(t, sp, seed|3)
	}
}

// TestBF16Signs: lanes whose sum is -0 stay -0 (the tail must not pad with
// +0 products).
func TestBF16Signs(t *testing.T) {
	for _, n := range []int{1, 5, 8, 13, 40, 45} {
		row := make([]byte, 2*n)
		x := make([]float32, n)
		for i := range x {
			binary.LittleEndian.PutUint16(row[2*i:], 0x8000) // -0
			x[i] = 1
		}
		got, want := dotBF16Impl(row, x), dotBF16(row, x)
		if math.Float32bits(got) != math.Float32bits(want) {
			t.Fatalf("n=%d: asm %08x, go %08x", n, math.Float32bits(got), math.Float32bits(want))
		}
	}
}

func FuzzDotBF16(f *testing.F) {
	requireAsm(f)
	addSeeds(f, gguf.BF16, 2, 1)
	f.Fuzz(func(t *testing.T, row []byte, seed int64) { checkBF16(t, row, seed) })
}

// BenchmarkDotBF16: one op = one 4096-element row (ns/op is per row).
//
//	go test -run '^$' -bench DotBF16 -count 5 ./llm/kernels/
func BenchmarkDotBF16(b *testing.B) {
	const cols = 4096
	rng := rand.New(rand.NewSource(1))
	x := make([]float32, cols)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	row := quantRow(b, rng, gguf.BF16, cols)
	var a Acts
	a.Prepare(gguf.BF16, x, 1, cols)
	for _, impl := range []struct {
		name string
		f    func([]byte, []float32) float32
	}{{"go", dotBF16}, {Backend(), dotBF16Impl}} {
		b.Run(impl.name, func(b *testing.B) {
			b.SetBytes(2 * cols)
			var sink float32
			for b.Loop() {
				sink += impl.f(row, a.f)
			}
			_ = sink
		})
	}
}
