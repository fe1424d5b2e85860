//go:build !purego

package kernels

import (
	"math"
	"math/rand"
	"testing"

	"github.com/docent-dev/docent/llm/gguf"
)

// Tests of dotQ6_KR4AVX512 called directly: every row of the four must be
// bit-identical to dotQ6_K.

// q6r4Acts are Q8_K activations for nb blocks: q from raw (cycled, or
// random when raw is empty), bs the sums of 16, d from the rng.
func q6r4Acts(rng *rand.Rand, raw []byte, nb int) ([]int8, []float32, []int16) {
	q := make([]int8, nb*256)
	for i := range q {
		if len(raw) > 0 {
			q[i] = int8(raw[i%len(raw)] ^ byte(i/len(raw)))
		} else {
			q[i] = int8(rng.Intn(256))
		}
	}
	bs := make([]int16, nb*16)
	for j := range bs {
		s := 0
		for _, v := range q[16*j : 16*j+16] {
			s += int(v)
		}
		bs[j] = int16(s)
	}
	d := make([]float32, nb)
	for b := range d {
		switch rng.Intn(8) {
		case 0:
			d[b] = 0
		case 1:
			d[b] = math.Float32frombits(rng.Uint32()) // any value, NaN and Inf too
		default:
			d[b] = float32(rng.NormFloat64() * math.Exp(rng.NormFloat64()*3))
		}
	}
	return q, d, bs
}

// checkQ6KR4 runs the kernel on four rows of nb blocks (stride: the row
// size plus pad bytes) and compares each with dotQ6_K.
func checkQ6KR4(t *testing.T, rows []byte, nb, pad int, q []int8, d []float32, bs []int16) {
	t.Helper()
	if !hasAVX512 {
		t.Skip("no AVX-512 VNNI")
	}
	stride := nb*210 + pad
	if len(rows) < 4*stride {
		t.Fatalf("rows: %d bytes, want %d", len(rows), 4*stride)
	}
	var out [4]float32
	var q0 *int8
	var d0 *float32
	var bs0 *int16
	if nb > 0 {
		q0, d0, bs0 = &q[0], &d[0], &bs[0]
	}
	var row0 *byte
	if len(rows) > 0 {
		row0 = &rows[0]
	}
	dotQ6_KR4AVX512(row0, stride, q0, d0, bs0, nb, &out[0], 8*stride)
	for r := 0; r < 4; r++ {
		want := dotQ6_K(rows[r*stride:r*stride+nb*210], q[:nb*256], d[:nb], bs[:nb*16])
		if !sameFloat(out[r], want) {
			t.Fatalf("nb=%d pad=%d row %d: asm %v (%08x), go %v (%08x)", nb, pad, r,
				out[r], math.Float32bits(out[r]), want, math.Float32bits(want))
		}
	}
}

// q6r4Rows is four random rows of nb blocks, stride nb*210+pad; tame makes
// the F16 scales finite and the int8 scales small.
func q6r4Rows(rng *rand.Rand, nb, pad int, tame bool) []byte {
	stride := nb*210 + pad
	rows := randBytes(rng, 4*stride)
	if tame {
		for r := 0; r < 4; r++ {
			for b := 0; b < nb; b++ {
				blk := rows[r*stride+b*210 : r*stride+b*210+210]
				tameF16(blk[208:])
				for i := 192; i < 208; i++ {
					blk[i] = byte(int8(rng.Intn(64) - 32))
				}
			}
		}
	}
	return rows
}

func TestDotQ6_KR4(t *testing.T) {
	if !hasAVX512 {
		t.Skip("no AVX-512 VNNI")
	}
	rng := rand.New(rand.NewSource(3))
	for i := 0; i < 400; i++ {
		nb := rng.Intn(20)
		pad := 0
		if i%3 == 0 {
			pad = rng.Intn(100)
		}
		rows := q6r4Rows(rng, nb, pad, i%2 == 0)
		q, d, bs := q6r4Acts(rng, nil, nb)
		checkQ6KR4(t, rows, nb, pad, q, d, bs)
	}
}

// TestDotQ6_KR4Extremes: all 6-bit values 63 or 0, scales -128 or 127,
// activations -128 or 127 (the largest magnitudes in every product).
func TestDotQ6_KR4Extremes(t *testing.T) {
	if !hasAVX512 {
		t.Skip("no AVX-512 VNNI")
	}
	rng := rand.New(rand.NewSource(4))
	for _, nb := range []int{1, 2, 3, 8, 17} {
		for _, w := range []byte{0x00, 0xff} { // ql, qh all zero or all ones: q = 0 or 63
			for _, sc := range []int8{-128, 127} {
				for _, x := range []int8{-128, 127} {
					rows := make([]byte, 4*nb*210)
					for r := 0; r < 4*nb; r++ {
						blk := rows[r*210 : r*210+210]
						for i := 0; i < 192; i++ {
							blk[i] = w
						}
						for i := 192; i < 208; i++ {
							blk[i] = byte(sc)
						}
						blk[208], blk[209] = 0x00, 0x3c // 1.0
					}
					q, d, bs := q6r4Acts(rng, []byte{byte(x)}, nb)
					for i := range q {
						q[i] = x
					}
					for j := range bs {
						bs[j] = 16 * int16(x)
					}
					for b := range d {
						d[b] = 1
					}
					checkQ6KR4(t, rows, nb, 0, q, d, bs)
					// and mixed: random bytes with extreme scales
					rows = q6r4Rows(rng, nb, 0, false)
					for r := 0; r < 4*nb; r++ {
						for i := 192; i < 208; i++ {
							if rng.Intn(2) == 0 {
								rows[r*210+i] = byte(sc)
							}
						}
					}
					checkQ6KR4(t, rows, nb, 0, q, d, bs)
				}
			}
		}
	}
}

// FuzzDotQ6_KR4 compares dotQ6_KR4AVX512 with dotQ6_K on fuzzed rows and
// activations:
//
//	go test -run XXX -fuzz FuzzDotQ6_KR4 -fuzztime 60s ./llm/kernels/
func FuzzDotQ6_KR4(f *testing.F) {
	if !hasAVX512 {
		f.Skip("no AVX-512 VNNI")
	}
	rng := rand.New(rand.NewSource(5))
	for _, nb := range []int{1, 2, 5} {
		f.Add(q6r4Rows(rng, nb, 0, true), randBytes(rng, 256), uint8(0), rng.Int63())
		f.Add(q6r4Rows(rng, nb, 3, false), randBytes(rng, 100), uint8(3), rng.Int63())
	}
	f.Fuzz(func(t *testing.T, raw, acts []byte, pad uint8, seed int64) {
		p := min(int(pad%64), len(raw)/4)
		nb := (len(raw)/4 - p) / 210
		stride := nb*210 + p
		rows := append([]byte(nil), raw[:4*stride]...)
		rng := rand.New(rand.NewSource(seed))
		if seed&1 == 0 {
			for r := 0; r < 4; r++ {
				for b := 0; b < nb; b++ {
					tameF16(rows[r*stride+b*210+208:])
				}
			}
		}
		q, d, bs := q6r4Acts(rng, acts, nb)
		checkQ6KR4(t, rows, nb, p, q, d, bs)
	})
}

// BenchmarkDotQ6_KR4 compares one-row (dotQ6_KAVX2 per row) and four-row
// (dotQ6_KR4AVX512) Q6_K decode on one thread: "cache" is 256 rows x 4096
// columns (430 KB), "big" 40960 rows x 2048 columns (69 MB, streamed from
// memory); MB/s counts weight bytes.
//
//	go test -run XXX -bench DotQ6_KR4 -count 5 ./llm/kernels/
func BenchmarkDotQ6_KR4(b *testing.B) {
	if !hasAVX512 {
		b.Skip("no AVX-512 VNNI")
	}
	for _, sz := range []struct {
		name       string
		rows, cols int
	}{{"cache", 256, 4096}, {"big", 40960, 2048}} {
		rng := rand.New(rand.NewSource(1))
		nb := sz.cols / 256
		rb := nb * 210
		data := make([]byte, sz.rows*rb)
		blk := q6r4Rows(rng, nb, 0, true)
		for i := 0; i < len(data); i += len(blk) {
			copy(data[i:], blk)
		}
		q, d, bs := q6r4Acts(rng, nil, nb)
		for i := range d {
			d[i] = 0.01
		}
		dst := make([]float32, sz.rows)
		b.Run(sz.name+"/row1", func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				for i := range dst {
					dst[i] = dotQ6_KAVX2(&data[i*rb], &q[0], &d[0], &bs[0], nb)
				}
			}
		})
		b.Run(sz.name+"/rows4", func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				for i := 0; i < len(dst); i += 4 {
					dotQ6_KR4AVX512(&data[i*rb], rb, &q[0], &d[0], &bs[0], nb, &dst[i], max(pfDist*rb, q6kPFMin))
				}
			}
		})
	}
}

// TestRows4Q6_KExtremes runs rows of extreme Q6_K blocks (6-bit values all
// 63 or all 0, scales -128 or 127) through mulRows4Impl (groups of four
// through dotQ6_KR4AVX512, the rest through dotQ6_KAVX2).
func TestRows4Q6_KExtremes(t *testing.T) {
	for _, rows := range []int{4, 7, 9, 13} {
		for _, nb := range []int{1, 3, 8} {
			for _, w := range []byte{0x00, 0xff} {
				for _, sc := range []int8{-128, 127} {
					raw := make([]byte, rows*nb*210)
					for b := 0; b < rows*nb; b++ {
						blk := raw[b*210 : b*210+210]
						for i := 0; i < 192; i++ {
							blk[i] = w
						}
						for i := 192; i < 208; i++ {
							blk[i] = byte(sc)
						}
						blk[208], blk[209] = 0x00, 0x3c
					}
					checkRows4(t, gguf.Q6_K, raw, rows, int64(2*rows+1))
				}
			}
		}
	}
}
