package kernels

import (
	"math"
	"math/rand"
	"testing"

	"github.com/docent-dev/docent/llm/gguf"
)

// The several-rows decode kernels (mulRows4Impl, AVX-512) must give, row by
// row, exactly what the pure-Go one-row kernels give.

var rows4Types = []gguf.GGMLType{gguf.Q8_0, gguf.Q5_0, gguf.Q4_K, gguf.Q6_K}

// goDotRow is row r of m against the single vector of a with the Go kernels.
func goDotRow(m *Matrix, r int, a *Acts) float32 {
	row := m.row(r)
	c := m.Cols
	switch m.Type {
	case gguf.F16:
		return dotF16Vec(row, a.f[:c])
	case gguf.Q8_0:
		return dotQ8_0(row, a.q, a.d)
	case gguf.Q5_0:
		return dotQ5_0(row, a.q, a.d)
	case gguf.Q4_K:
		return dotQ4_K(row, a.q, a.d, a.bs)
	case gguf.Q6_K:
		return dotQ6_K(row, a.q, a.d, a.bs)
	}
	panic("goDotRow: " + m.Type.String())
}

// tameRow makes the block scales of a random row finite.
func tameRow(typ gguf.GGMLType, data []byte) {
	bsz := typ.TypeSize()
	for b := 0; b+bsz <= len(data); b += bsz {
		blk := data[b : b+bsz]
		switch typ {
		case gguf.F16:
			tameF16(blk)
		case gguf.Q6_K:
			tameF16(blk[208:])
		case gguf.Q4_K:
			tameF16(blk)
			tameF16(blk[2:])
		default:
			tameF16(blk)
		}
	}
}

// checkRows4 multiplies rows x cols weights (raw bytes, tamed when seed is
// even) by one random activation vector with mulRows4Impl and compares.
func checkRows4(t *testing.T, typ gguf.GGMLType, raw []byte, rows int, seed int64) {
	if mulRows4Impl == nil {
		t.Skip("no several-rows kernels on this CPU/build")
	}
	bsz, elems := typ.TypeSize(), typ.BlockSize()
	if rows <= 0 {
		return
	}
	nb := len(raw) / (rows * bsz)
	if nb == 0 {
		return
	}
	data := append([]byte(nil), raw[:rows*nb*bsz]...)
	rng := rand.New(rand.NewSource(seed))
	if seed&1 == 0 {
		tameRow(typ, data)
	}
	m, err := NewMatrix(typ, rows, nb*elems, data)
	if err != nil {
		t.Fatal(err)
	}
	var a Acts
	a.Prepare(typ, randActs(rng, m.Cols), 1, m.Cols)
	r0 := int(uint64(seed)>>1) % rows
	dst := make([]float32, rows)
	for i := range dst {
		dst[i] = -7
	}
	did := mulRows4Impl(m, dst, &a, r0, rows)
	if (did%4 != 0 && did != rows-r0) || did > rows-r0 {
		t.Fatalf("%s: did %d rows of [%d, %d)", typ, did, r0, rows)
	}
	for r := range dst {
		if r < r0 || r >= r0+did {
			if dst[r] != -7 {
				t.Fatalf("%s: row %d outside [%d, %d) written", typ, r, r0, r0+did)
			}
			continue
		}
		if want := goDotRow(m, r, &a); !sameFloat(dst[r], want) {
			t.Fatalf("%s rows=%d nb=%d seed=%d: row %d asm %v (%08x), go %v (%08x)", typ, rows, nb, seed, r,
				dst[r], math.Float32bits(dst[r]), want, math.Float32bits(want))
		}
	}
}

func TestRows4MatchesGo(t *testing.T) {
	if mulRows4Impl == nil {
		t.Skip("no several-rows kernels on this CPU/build")
	}
	rng := rand.New(rand.NewSource(11))
	for i := 0; i < 200; i++ {
		for _, typ := range rows4Types {
			rows := 1 + rng.Intn(13)
			nb := 1 + rng.Intn(40)
			if typ == gguf.Q4_K || typ == gguf.Q6_K {
				nb = 1 + rng.Intn(6)
			}
			if typ == gguf.F16 {
				nb = 1 + rng.Intn(300)
			}
			seed := rng.Int63()
			checkRows4(t, typ, quantRow(t, rng, typ, rows*nb*typ.BlockSize()), rows, seed&^1)
			checkRows4(t, typ, randBytes(rng, rows*nb*typ.TypeSize()), rows, seed)
		}
	}
}

func fuzzRows4(f *testing.F, typ gguf.GGMLType) {
	requireAsm(f)
	rng := rand.New(rand.NewSource(1))
	for _, blocks := range []int{1, 2, 7, 28} {
		f.Add(randBytes(rng, 5*blocks*typ.TypeSize()), uint8(5), rng.Int63())
		f.Add(quantRow(f, rng, typ, 8*blocks*typ.BlockSize()), uint8(8), rng.Int63()&^1)
	}
	f.Fuzz(func(t *testing.T, raw []byte, rows uint8, seed int64) {
		checkRows4(t, typ, raw, int(rows%16), seed)
	})
}

func FuzzRows4Q8_0(f *testing.F) { fuzzRows4(f, gguf.Q8_0) }
func FuzzRows4Q5_0(f *testing.F) { fuzzRows4(f, gguf.Q5_0) }
func FuzzRows4Q4_K(f *testing.F) { fuzzRows4(f, gguf.Q4_K) }
func FuzzRows4Q6_K(f *testing.F) { fuzzRows4(f, gguf.Q6_K) }

// BenchmarkRows4 compares the decode matrix-vector product of one thread
// with and without the several-rows kernels (1024 rows x 896 or 4864
// columns; MB/s counts weight bytes):
//
//	go test -run '^$' -bench Rows4 -count 3 ./llm/kernels/
func BenchmarkRows4(b *testing.B) {
	if mulRows4Impl == nil {
		b.Skip("no several-rows kernels on this CPU/build")
	}
	rng := rand.New(rand.NewSource(1))
	for _, typ := range rows4Types {
		cols := 896
		if typ == gguf.Q4_K || typ == gguf.Q6_K {
			cols = 4864
		}
		const rows = 1024
		data := quantRow(b, rng, typ, rows*cols)
		m, err := NewMatrix(typ, rows, cols, data)
		if err != nil {
			b.Fatal(err)
		}
		x := randVec(rng, cols, 1)
		var a Acts
		a.Prepare(typ, x, 1, cols)
		dst := make([]float32, rows)
		saved := mulRows4Impl
		for _, on := range []bool{false, true} {
			name := typ.String() + "/avx2"
			if on {
				name = typ.String() + "/rows4"
			}
			b.Run(name, func(b *testing.B) {
				mulRows4Impl = nil
				if on {
					mulRows4Impl = saved
				}
				defer func() { mulRows4Impl = saved }()
				b.SetBytes(int64(len(data)))
				for b.Loop() {
					m.mulRange(dst, &a, 0, rows)
				}
			})
		}
	}
}

// BenchmarkRows4Big is BenchmarkRows4 on a matrix far larger than the
// caches (weights streamed from memory, one thread).
func BenchmarkRows4Big(b *testing.B) {
	if mulRows4Impl == nil {
		b.Skip("no several-rows kernels on this CPU/build")
	}
	rng := rand.New(rand.NewSource(1))
	for _, typ := range rows4Types {
		cols := 896
		if typ == gguf.Q4_K || typ == gguf.Q6_K {
			cols = 4864
		}
		rows := (96 << 20) / (cols / typ.BlockSize() * typ.TypeSize()) &^ 15
		data := make([]byte, rows*cols/typ.BlockSize()*typ.TypeSize())
		blk := quantRow(b, rng, typ, 64*cols)
		for i := 0; i < len(data); i += len(blk) {
			copy(data[i:], blk)
		}
		m, err := NewMatrix(typ, rows, cols, data)
		if err != nil {
			b.Fatal(err)
		}
		x := randVec(rng, cols, 1)
		var a Acts
		a.Prepare(typ, x, 1, cols)
		dst := make([]float32, rows)
		saved := mulRows4Impl
		for _, on := range []bool{false, true} {
			name := typ.String() + "/avx2"
			if on {
				name = typ.String() + "/rows4"
			}
			b.Run(name, func(b *testing.B) {
				mulRows4Impl = nil
				if on {
					mulRows4Impl = saved
				}
				defer func() { mulRows4Impl = saved }()
				b.SetBytes(int64(len(data)))
				for b.Loop() {
					m.mulRange(dst, &a, 0, rows)
				}
			})
		}
	}
}
