//go:build arm64 && !purego

package kernels

import (
	"encoding/binary"
	"math"
	"math/rand"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/docent-dev/docent/llm/gguf"
)

// The NEON kernels of dot_arm64.s against their Go references, with
// math.Float32bits equality (NaN-aware: sameFloat). Both Q8_0 variants run
// (the SDOT one where the CPU has SDOT), whichever dispatch picked.

type q8Kernel struct {
	name string
	fn   func(row []byte, q []int8, d []float32) float32
}

func neonQ8Kernels() []q8Kernel {
	ks := []q8Kernel{{"neon", dotQ8_0NEONGo}}
	if hasDotProd {
		ks = append(ks, q8Kernel{"sdot", dotQ8_0SDOTGo})
	}
	return ks
}

func checkNEONQ8_0(t testing.TB, row []byte, q []int8, d []float32, what string) {
	t.Helper()
	want := dotQ8_0(row, q, d)
	for _, k := range neonQ8Kernels() {
		if got := k.fn(row, q, d); !sameFloat(got, want) {
			t.Fatalf("%s %s nb=%d: asm %v (%08x), go %v (%08x)", k.name, what, len(d), got, math.Float32bits(got), want, math.Float32bits(want))
		}
	}
}

func checkNEONF16Vec(t testing.TB, row []byte, x []float32, what string) {
	t.Helper()
	want := dotF16Vec(row, x)
	if got := dotF16VecNEON(row, x); !sameFloat(got, want) {
		t.Fatalf("%s n=%d: asm %v (%08x), go %v (%08x)", what, len(x), got, math.Float32bits(got), want, math.Float32bits(want))
	}
}

// randInt8s gives n int8 values, a fifth of them at the extremes -128/127.
func randInt8s(rng *rand.Rand, n int) []int8 {
	q := make([]int8, n)
	for i := range q {
		switch rng.Intn(10) {
		case 0:
			q[i] = -128
		case 1:
			q[i] = 127
		default:
			q[i] = int8(rng.Intn(256))
		}
	}
	return q
}

// randScales gives activation block scales over many magnitudes, some zero
// or subnormal.
func randScales(rng *rand.Rand, n int) []float32 {
	d := make([]float32, n)
	for i := range d {
		switch rng.Intn(12) {
		case 0:
			d[i] = 0
		case 1:
			d[i] = math.Float32frombits(uint32(rng.Intn(1 << 23))) // subnormal
		case 2:
			d[i] = float32(rng.NormFloat64()) * 1e30
		default:
			d[i] = float32(rng.NormFloat64() * math.Exp(rng.NormFloat64()*4))
		}
	}
	return d
}

func TestNEONDotQ8_0(t *testing.T) {
	rng := rand.New(rand.NewSource(11))
	for nb := 1; nb <= 40; nb++ {
		for rep := 0; rep < 12; rep++ {
			var row []byte
			switch rep % 4 {
			case 0: // realistic weights, activations as Acts prepares them
				row = quantRow(t, rng, gguf.Q8_0, nb*32)
				var a Acts
				a.Prepare(gguf.Q8_0, randActs(rng, nb*32), 1, nb*32)
				checkNEONQ8_0(t, row, a.q, a.d, "quantRow")
				continue
			case 1: // any bits, finite scales
				row = randBytes(rng, nb*34)
				for b := 0; b < nb; b++ {
					tameF16(row[b*34:])
				}
			case 2: // any bits: inf/NaN/subnormal scales too
				row = randBytes(rng, nb*34)
			case 3: // extreme weights
				row = randBytes(rng, nb*34)
				for b := 0; b < nb; b++ {
					tameF16(row[b*34:])
					for i := 2; i < 34; i++ {
						if rng.Intn(2) == 0 {
							row[b*34+i] = 0x80 // -128
						} else {
							row[b*34+i] = 0x7f
						}
					}
				}
			}
			checkNEONQ8_0(t, row, randInt8s(rng, nb*32), randScales(rng, nb), "random")
		}
	}
	// All products at the extreme: every lane 4*(-128)*(-128) = 65536.
	for _, nb := range []int{1, 2, 17} {
		row := make([]byte, nb*34)
		q := make([]int8, nb*32)
		d := make([]float32, nb)
		for b := 0; b < nb; b++ {
			binary.LittleEndian.PutUint16(row[b*34:], gguf.FP32ToFP16(0.5))
			for i := 2; i < 34; i++ {
				row[b*34+i] = 0x80
			}
			d[b] = 1.25
		}
		for i := range q {
			q[i] = -128
		}
		checkNEONQ8_0(t, row, q, d, "all -128")
	}
	// Lanes with different values, to catch a lane mix-up: weights 1, the
	// activations of element i equal to i (lane l sums 16l+6).
	for _, k := range neonQ8Kernels() {
		row := make([]byte, 34)
		binary.LittleEndian.PutUint16(row, gguf.FP32ToFP16(1))
		for i := 2; i < 34; i++ {
			row[i] = 1
		}
		q := make([]int8, 32)
		for i := range q {
			q[i] = int8(i)
		}
		if got, want := k.fn(row, q, []float32{1}), float32(496); got != want || dotQ8_0(row, q, []float32{1}) != want {
			t.Fatalf("%s: ramp gives %v, want %v", k.name, got, want)
		}
	}
}

// randF16Row gives n F16 values: normal, subnormal, large, and (unless
// finite) inf and NaN.
func randF16Row(rng *rand.Rand, n int, finite bool) []byte {
	row := make([]byte, 2*n)
	for i := 0; i < n; i++ {
		var h uint16
		switch rng.Intn(10) {
		case 0:
			h = uint16(rng.Intn(1 << 10)) // subnormal or zero
		case 1:
			h = 0x7800 | uint16(rng.Intn(1<<10)) // large (2^15..)
		case 2:
			h = 0x7c00 | uint16(rng.Intn(1<<10)) // inf or NaN
			if finite {
				h = 0x7bff
			}
		default:
			h = gguf.FP32ToFP16(float32(rng.NormFloat64()))
		}
		if rng.Intn(2) == 0 {
			h |= 0x8000
		}
		binary.LittleEndian.PutUint16(row[2*i:], h)
	}
	return row
}

func TestNEONDotF16Vec(t *testing.T) {
	rng := rand.New(rand.NewSource(12))
	var ns []int
	for n := 0; n <= 200; n++ {
		ns = append(ns, n)
	}
	for n := 201; n <= 1000; n += 1 + rng.Intn(13) {
		ns = append(ns, n)
	}
	ns = append(ns, 256, 512, 576, 640, 1000, 1024, 4096, 4097)
	for _, n := range ns {
		x := randActs(rng, n)
		checkNEONF16Vec(t, quantRow(t, rng, gguf.F16, n), x, "quantRow")
		checkNEONF16Vec(t, randF16Row(rng, n, true), x, "finite")
		checkNEONF16Vec(t, randF16Row(rng, n, false), x, "inf/nan")
		checkNEONF16Vec(t, randBytes(rng, 2*n), x, "random bits")
		// Activations with subnormal, large and infinite values.
		y := append([]float32(nil), x...)
		for i := range y {
			switch rng.Intn(16) {
			case 0:
				y[i] = math.Float32frombits(uint32(rng.Intn(1<<23)) | uint32(rng.Intn(2))<<31)
			case 1:
				y[i] = float32(rng.NormFloat64()) * 1e34
			case 2:
				if n%3 == 0 {
					y[i] = float32(math.Inf(1 - 2*rng.Intn(2)))
				}
			}
		}
		checkNEONF16Vec(t, randF16Row(rng, n, true), y, "special x")
	}
	// Lane placement: one nonzero product per lane position, values
	// differing enough that a lane mix-up changes the sum's bits.
	for p := 0; p < 64; p++ {
		n := 128
		row := make([]byte, 2*n)
		x := make([]float32, n)
		for i := range x {
			x[i] = float32(i + 1)
			binary.LittleEndian.PutUint16(row[2*i:], gguf.FP32ToFP16(1.0/float32(1+i%7)))
		}
		x[p] = 1e8
		checkNEONF16Vec(t, row, x, "lanes")
	}
}

// TestArm64Dispatch checks that the init chose the NEON kernels.
func TestArm64Dispatch(t *testing.T) {
	if os.Getenv("DOCENT_KERNELS") == "go" {
		t.Skip("DOCENT_KERNELS=go")
	}
	if !hasNEON {
		t.Skip("no NEON")
	}
	want := "neon"
	if hasDotProd {
		want = "neon+dotprod"
	}
	if Backend() != want {
		t.Fatalf("Backend() = %q, want %q", Backend(), want)
	}
	rng := rand.New(rand.NewSource(13))
	row := quantRow(t, rng, gguf.Q8_0, 5*32)
	q, d := randInt8s(rng, 5*32), randScales(rng, 5)
	if got, want := dotQ8_0Impl(row, q, d), dotQ8_0(row, q, d); !sameFloat(got, want) {
		t.Fatalf("dotQ8_0Impl %v, go %v", got, want)
	}
	t.Logf("backend %s", Backend())
}

func FuzzNEONDotQ8_0(f *testing.F) {
	addSeeds(f, gguf.Q8_0, 34, 32)
	f.Fuzz(fuzzNEONQ8_0)
}

func fuzzNEONQ8_0(t *testing.T, row []byte, seed int64) {
	row = append([]byte(nil), row...) // the fuzzer's input is not ours to change
	nb := len(row) / 34
	row = row[:nb*34]
	rng := rand.New(rand.NewSource(seed))
	if seed&1 == 0 {
		for b := 0; b < nb; b++ {
			tameF16(row[b*34:])
		}
	}
	if seed&2 == 0 {
		var a Acts
		a.Prepare(gguf.Q8_0, randActs(rng, nb*32), 1, nb*32)
		checkNEONQ8_0(t, row, a.q, a.d, "fuzz acts")
	} else {
		checkNEONQ8_0(t, row, randInt8s(rng, nb*32), randScales(rng, nb), "fuzz random")
	}
}

func FuzzNEONDotF16Vec(f *testing.F) {
	addSeeds(f, gguf.F16, 2, 1)
	f.Fuzz(fuzzNEONF16Vec)
}

func fuzzNEONF16Vec(t *testing.T, row []byte, seed int64) {
	row = append([]byte(nil), row...)
	n := len(row) / 2
	row = row[:2*n]
	rng := rand.New(rand.NewSource(seed))
	if seed&1 == 0 {
		for i := 0; i < n; i++ {
			tameF16(row[2*i:])
		}
	}
	x := randActs(rng, n)
	if seed&2 != 0 {
		for i := range x {
			if rng.Intn(8) == 0 {
				x[i] = math.Float32frombits(rng.Uint32())
			}
		}
	}
	checkNEONF16Vec(t, row, x, "fuzz")
}

// TestNEONRandomized runs the fuzz targets' checks on generated inputs (random
// bytes, quantized rows, quantized rows with flipped bits) for
// DOCENT_NEON_ITERS iterations with a seed from the clock (default: 200, seed
// 1): under qemu-user the fuzzing
// engine cannot start its workers (they are re-executed arm64 binaries).
func TestNEONRandomized(t *testing.T) {
	iters, seed0 := 200, int64(1)
	if v, err := strconv.Atoi(os.Getenv("DOCENT_NEON_ITERS")); err == nil {
		iters, seed0 = v, time.Now().UnixNano()
	}
	t.Logf("seed %d, %d iterations", seed0, iters)
	rng := rand.New(rand.NewSource(seed0))
	gen := func(typ gguf.GGMLType, bsz, belems, maxBlocks int) []byte {
		blocks := rng.Intn(maxBlocks + 1)
		switch rng.Intn(3) {
		case 0:
			return randBytes(rng, blocks*bsz+rng.Intn(bsz))
		case 1:
			return quantRow(t, rng, typ, blocks*belems)
		}
		row := quantRow(t, rng, typ, blocks*belems)
		for k := rng.Intn(8); k > 0 && len(row) > 0; k-- {
			row[rng.Intn(len(row))] ^= 1 << rng.Intn(8)
		}
		return row
	}
	for i := 0; i < iters; i++ {
		fuzzNEONQ8_0(t, gen(gguf.Q8_0, 34, 32, 64), rng.Int63())
		fuzzNEONF16Vec(t, gen(gguf.F16, 2, 1, 2100), rng.Int63())
	}
}
