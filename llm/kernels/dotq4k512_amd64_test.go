//go:build !purego

package kernels

import (
	"math"
	"math/rand"
	"testing"

	"github.com/docent-dev/docent/llm/gguf"
)

// dotQ4_KR4AVX512 against dotQ4_K, bit for bit, row by row: four rows of nb
// super-blocks (bytes of raw, cycled, or realistic rows), activations random
// or at the int8 extremes, scales random (any F16) or tamed (finite),
// nibbles and 6-bit scales possibly all ones.

const (
	q4r4Tame     = 1 << iota // finite d, dmin
	q4r4Nib15                // nibbles all 15
	q4r4Scale63              // scales and mins all 63
	q4r4ActMin               // activations all -128
	q4r4ActMax               // activations all 127
	q4r4ActMixed             // activations -128 or 127 at random
	q4r4Real                 // realistic (quantized) rows instead of raw
)

func checkQ4_KR4(t *testing.T, raw []byte, nb int, mode uint8, seed int64) {
	if !hasAVX512 {
		t.Skip("no AVX-512 VNNI on this CPU")
	}
	rng := rand.New(rand.NewSource(seed))
	rb := nb * 144
	// Rows with a gap (stride > row bytes) to check the stride.
	stride := rb + 144*rng.Intn(2)
	data := make([]byte, 3*stride+rb)
	if mode&q4r4Real != 0 {
		for r := 0; r < 4; r++ {
			copy(data[r*stride:], quantRow(t, rng, gguf.Q4_K, nb*256))
		}
	} else if len(raw) > 0 {
		for i := range data {
			data[i] = raw[i%len(raw)] ^ byte(i/len(raw))
		}
	} else {
		rng.Read(data)
	}
	for r := 0; r < 4; r++ {
		for b := 0; b < nb; b++ {
			blk := data[r*stride+b*144 : r*stride+b*144+144]
			if mode&q4r4Tame != 0 {
				tameF16(blk)
				tameF16(blk[2:])
			}
			if mode&q4r4Scale63 != 0 {
				for i := 4; i < 16; i++ {
					blk[i] = 0xff
				}
			}
			if mode&q4r4Nib15 != 0 {
				for i := 16; i < 144; i++ {
					blk[i] = 0xff
				}
			}
		}
	}
	q := make([]int8, nb*256)
	for i := range q {
		switch {
		case mode&q4r4ActMin != 0:
			q[i] = -128
		case mode&q4r4ActMax != 0:
			q[i] = 127
		case mode&q4r4ActMixed != 0:
			q[i] = int8(-128 + 255*rng.Intn(2))
		default:
			q[i] = int8(rng.Intn(256))
		}
	}
	bs := make([]int16, nb*16)
	for i := range bs {
		if rng.Intn(8) == 0 {
			bs[i] = int16(rng.Intn(65536)) // any int16
			continue
		}
		s := 0
		for _, v := range q[16*i : 16*i+16] {
			s += int(v)
		}
		bs[i] = int16(s)
	}
	d := make([]float32, nb)
	for i := range d {
		d[i] = float32(math.Exp(rng.NormFloat64()*4)) / 127
		if rng.Intn(16) == 0 {
			d[i] = math.Float32frombits(rng.Uint32())
		}
	}
	var out [4]float32
	for i := range out {
		out[i] = -7
	}
	dotQ4_KR4AVX512(&data[0], stride, &q[0], &d[0], &bs[0], nb, &out[0], 8*stride)
	for r := 0; r < 4; r++ {
		row := data[r*stride : r*stride+rb]
		// The same as the one-row kernel it replaces, always.
		if one := dotQ4_KAVX2(&row[0], &q[0], &d[0], &bs[0], nb); !sameFloat(out[r], one) {
			t.Fatalf("nb=%d mode=%#x seed=%d: row %d asm %v (%08x), dotQ4_KAVX2 %v (%08x)", nb, mode, seed, r,
				out[r], math.Float32bits(out[r]), one, math.Float32bits(one))
		}
		want := dotQ4_K(row, q, d, bs)
		if !sameFloat(out[r], want) {
			t.Fatalf("nb=%d mode=%#x seed=%d: row %d asm %v (%08x), go %v (%08x)", nb, mode, seed, r,
				out[r], math.Float32bits(out[r]), want, math.Float32bits(want))
		}
	}
}

func TestDotQ4_KR4(t *testing.T) {
	if !hasAVX512 {
		t.Skip("no AVX-512 VNNI on this CPU")
	}
	rng := rand.New(rand.NewSource(5))
	for i := 0; i < 400; i++ {
		nb := 1 + rng.Intn(9)
		mode := uint8(rng.Intn(128))
		if i < 128 {
			mode = uint8(i)
		}
		checkQ4_KR4(t, nil, nb, mode, rng.Int63())
	}
}

// TestRows4Q4_KShapes runs mulRows4Impl (the four-row kernel plus the
// one-row leftovers) over row counts that are not multiples of four.
func TestRows4Q4_KShapes(t *testing.T) {
	if mulRows4Impl == nil {
		t.Skip("no several-rows kernels on this CPU/build")
	}
	rng := rand.New(rand.NewSource(7))
	for rows := 1; rows <= 11; rows++ {
		for _, nb := range []int{1, 2, 3, 8} {
			seed := rng.Int63()
			checkRows4(t, gguf.Q4_K, quantRow(t, rng, gguf.Q4_K, rows*nb*256), rows, seed&^1)
			checkRows4(t, gguf.Q4_K, randBytes(rng, rows*nb*144), rows, seed|1)
		}
	}
}

func FuzzDotQ4_KR4(f *testing.F) {
	if !hasAVX512 {
		f.Skip("no AVX-512 VNNI on this CPU")
	}
	rng := rand.New(rand.NewSource(3))
	for _, nb := range []uint8{1, 2, 3, 7} {
		for _, mode := range []uint8{0, q4r4Tame, q4r4Tame | q4r4Nib15 | q4r4Scale63 | q4r4ActMin,
			q4r4Tame | q4r4Nib15 | q4r4Scale63 | q4r4ActMax, q4r4Real | q4r4Tame, q4r4ActMixed | q4r4Tame} {
			f.Add(randBytes(rng, 144*int(nb)+rng.Intn(144)), nb, mode, rng.Int63())
		}
	}
	f.Fuzz(func(t *testing.T, raw []byte, nb, mode uint8, seed int64) {
		checkQ4_KR4(t, raw, 1+int(nb%12), mode, seed)
	})
}

// BenchmarkQ4_KR4Big compares, on one thread, the Q4_K decode product of a
// matrix far larger than the caches (2048 columns x 65536 rows, 72 MiB):
// one row a call (dotQ4_KAVX2) against four (dotQ4_KR4AVX512).
//
//	go test -run '^$' -bench Q4_KR4Big -count 5 ./llm/kernels/
func BenchmarkQ4_KR4Big(b *testing.B) { benchQ4_KR4(b, 65536) }

// BenchmarkQ4_KR4Cache is BenchmarkQ4_KR4Big on 256 rows (288 KiB, in
// cache): the kernels' compute speed.
func BenchmarkQ4_KR4Cache(b *testing.B) { benchQ4_KR4(b, 256) }

func benchQ4_KR4(b *testing.B, rows int) {
	if !hasAVX512 {
		b.Skip("no AVX-512 VNNI on this CPU")
	}
	const cols = 2048
	nb := cols / 256
	rb := nb * 144
	rng := rand.New(rand.NewSource(1))
	blk := quantRow(b, rng, gguf.Q4_K, 64*cols)
	data := make([]byte, rows*rb)
	for i := 0; i < len(data); i += len(blk) {
		copy(data[i:], blk)
	}
	m, err := NewMatrix(gguf.Q4_K, rows, cols, data)
	if err != nil {
		b.Fatal(err)
	}
	var a Acts
	a.Prepare(gguf.Q4_K, randVec(rng, cols, 1), 1, cols)
	q, d, bs := a.q[:nb*256], a.d[:nb], a.bs[:nb*16]
	dst := make([]float32, rows)
	b.Run("avx2-1row", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			for i := range dst {
				dst[i] = dotQ4_KAVX2(&m.Data[i*rb], &q[0], &d[0], &bs[0], nb)
			}
		}
	})
	b.Run("avx512-4rows", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			for i := 0; i < rows; i += 4 {
				dotQ4_KR4AVX512(&m.Data[i*rb], rb, &q[0], &d[0], &bs[0], nb, &dst[i], pfDist*rb)
			}
		}
	})
}
