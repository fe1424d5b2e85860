package model

import (
	"math"
	"math/rand"
	"testing"

	"github.com/docent-dev/docent/llm/gguf"
	"github.com/docent-dev/docent/llm/kernels"
)

// sameBits reports whether a and b are the same float32, any NaN matching
// any NaN.
func sameBits(a, b float32) bool {
	if a != a || b != b {
		return a != a && b != b
	}
	return math.Float32bits(a) == math.Float32bits(b)
}

type tiledCase struct {
	hd, hdv, heads, kvHeads int
	n0, nTok                int
	mode                    int // 0 normal, 1 large, 2 specials, 3 zeros and signed zeros, 4 tiny
}

func randVal(r *rand.Rand, mode int) float32 {
	switch mode {
	case 1:
		return float32(r.NormFloat64() * 300)
	case 2:
		switch r.Intn(40) {
		case 0:
			return float32(math.Inf(1))
		case 1:
			return float32(math.Inf(-1))
		case 2:
			return 60000
		case 3:
			return -60000
		}
		return float32(r.NormFloat64() * 4)
	case 3:
		switch r.Intn(3) {
		case 0:
			return 0
		case 1:
			return float32(math.Copysign(0, -1))
		}
		return float32(r.NormFloat64())
	case 4:
		return float32(r.NormFloat64() * 1e-4)
	}
	return float32(r.NormFloat64() * 2)
}

// runTiledCase compares tiledAttentionGroup with tiledAttention, query by
// query, bit for bit.
func runTiledCase(t *testing.T, r *rand.Rand, c tiledCase) {
	t.Helper()
	nkv := c.n0 + c.nTok
	kvd, vd := c.kvHeads*c.hd, c.kvHeads*c.hdv
	kc := make([]uint16, nkv*kvd)
	vc := make([]uint16, nkv*vd)
	for i := range kc {
		kc[i] = gguf.FP32ToFP16(randVal(r, c.mode))
	}
	for i := range vc {
		m := c.mode
		if m == 2 && r.Intn(8) != 0 {
			m = 0 // keep the values mostly finite
		}
		vc[i] = gguf.FP32ToFP16(randVal(r, m))
	}
	q := make([]float32, c.nTok*c.heads*c.hd)
	for i := range q {
		m := c.mode
		if m == 2 && r.Intn(4) != 0 {
			m = 0
		}
		q[i] = randVal(r, m)
	}
	if c.mode == 3 && r.Intn(2) == 0 {
		// Whole rows of zeros: every score zero.
		for i := range q[:len(q)/2] {
			q[i] = float32(math.Copysign(0, float64(r.Intn(2)*2-1)))
		}
	}
	scale := 1 / float32(math.Sqrt(float64(c.hd)))
	want := make([]float32, c.nTok*c.heads*c.hdv)
	group := c.heads / c.kvHeads
	for i := 0; i < c.nTok; i++ {
		for h := 0; h < c.heads; h++ {
			it := i*c.heads + h
			kvh := h / group
			tiledAttention(want[it*c.hdv:(it+1)*c.hdv], q[it*c.hd:(it+1)*c.hd], kc, vc, c.n0+i+1, kvh*c.hd, kvd, kvh*c.hdv, vd, scale)
		}
	}
	got := make([]float32, len(want))
	for i := range got {
		got[i] = float32(r.NormFloat64()) // garbage the fast path must clear
	}
	bt := tiledBlock(group)
	for kvh := 0; kvh < c.kvHeads; kvh++ {
		for lo := 0; lo < c.nTok; lo += bt {
			tiledAttentionGroup(got, q, kc, vc, tiledGeom{
				hd: c.hd, hdv: c.hdv, heads: c.heads, kvHeads: c.kvHeads, kvh: kvh,
				tokLo: lo, tokHi: min(c.nTok, lo+bt), n0: c.n0,
			}, scale)
		}
	}
	bad := 0
	for i := range want {
		if !sameBits(want[i], got[i]) {
			if bad < 5 {
				t.Errorf("%+v: out[%d] = %g (%#08x), want %g (%#08x)", c, i, got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
			}
			bad++
		}
	}
	if bad > 0 {
		t.Fatalf("%+v: %d of %d values differ", c, bad, len(want))
	}
}

// forAttnLevels runs f with each attention kernel level the CPU has.
func forAttnLevels(t *testing.T, f func(t *testing.T)) {
	levels := kernels.AttnKernelLevels()
	if len(levels) == 0 {
		t.Skip("no attention kernels")
	}
	for _, l := range levels {
		t.Run(l, func(t *testing.T) {
			prev := kernels.SetAttnKernelLevel(l)
			defer kernels.SetAttnKernelLevel(prev)
			f(t)
		})
	}
}

func TestTiledAttentionFast(t *testing.T) { forAttnLevels(t, testTiledAttentionFast) }

func testTiledAttentionFast(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	shapes := [][4]int{ // hd, hdv, heads, kvHeads
		{64, 64, 14, 2}, {128, 128, 16, 8}, {64, 64, 4, 4}, {128, 128, 32, 4},
		{80, 80, 6, 2}, {96, 96, 3, 1}, {256, 256, 8, 2}, {17, 16, 2, 1}, {128, 48, 4, 1},
		{64, 64, 128, 1},
	}
	for _, sh := range shapes {
		// Positions n0 before the batch, nTok tokens: totals that are and
		// are not multiples of 64, a batch starting mid-tile.
		ns := [][2]int{{0, 64}, {0, 65}, {0, 130}, {37, 70}, {64, 64}, {100, 90}, {0, 200}}
		for mode := 0; mode < 5; mode++ {
			for _, n := range [][2]int{{37, 70}, ns[r.Intn(len(ns))]} {
				runTiledCase(t, r, tiledCase{hd: sh[0], hdv: sh[1], heads: sh[2], kvHeads: sh[3], n0: n[0], nTok: n[1], mode: mode})
			}
		}
	}
}

func FuzzTiledAttentionFast(f *testing.F) {
	levels := kernels.AttnKernelLevels()
	if len(levels) == 0 {
		f.Skip("no attention kernels")
	}
	f.Add(int64(1), uint8(0), uint8(64), uint8(0), uint8(0))
	f.Add(int64(2), uint8(1), uint8(100), uint8(50), uint8(2))
	f.Fuzz(func(t *testing.T, seed int64, shape, ntok, n0, mode uint8) {
		prev := kernels.SetAttnKernelLevel(levels[int(seed&1)%len(levels)])
		defer kernels.SetAttnKernelLevel(prev)
		shapes := [][4]int{{64, 64, 14, 2}, {128, 128, 16, 8}, {32, 16, 2, 1}, {48, 32, 6, 3}}
		sh := shapes[int(shape)%len(shapes)]
		c := tiledCase{hd: sh[0], hdv: sh[1], heads: sh[2], kvHeads: sh[3],
			n0: int(n0), nTok: 1 + int(ntok)%160, mode: int(mode) % 5}
		runTiledCase(t, rand.New(rand.NewSource(seed)), c)
	})
}

func TestSiLUMul16(t *testing.T) { forAttnLevels(t, testSiLUMul16) }

func testSiLUMul16(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	for _, n := range []int{0, 5, 16, 37, 4864} {
		for mode := 0; mode < 5; mode++ {
			g := make([]float32, n)
			u := make([]float32, n)
			for i := range g {
				g[i] = randVal(r, mode) * 20
				u[i] = randVal(r, mode)
			}
			if n > 8 {
				g[0], g[1], g[2], g[3] = 88.8, -88.8, 200, -200
				g[4], g[5] = float32(math.Copysign(0, -1)), float32(math.NaN())
			}
			want := make([]float32, n)
			for i := range g {
				want[i] = silu(g[i]) * u[i]
			}
			m := kernels.SiLUMul16(g, u)
			if m != n&^15 {
				t.Fatalf("SiLUMul16 did %d of %d", m, n)
			}
			for i := 0; i < m; i++ {
				if !sameBits(g[i], want[i]) {
					t.Fatalf("n=%d mode %d: [%d] = %g, want %g", n, mode, i, g[i], want[i])
				}
			}
		}
	}
}

// TestAttnExpAccVexpf checks the kernels' exponentials and sums against
// vexpf and reduce16 over the whole range of the scores' differences,
// subnormal results included.
func TestAttnExpAccVexpf(t *testing.T) { forAttnLevels(t, testAttnExpAccVexpf) }

func testAttnExpAccVexpf(t *testing.T) {
	r := rand.New(rand.NewSource(4))
	out := make([]float32, 16)
	v := make([]uint16, 16)
	for iter := 0; iter < 20000; iter++ {
		var kq, x [fattnTileKV]float32
		for i := range kq {
			switch r.Intn(6) {
			case 0:
				x[i] = -float32(r.ExpFloat64() * 100)
			case 1:
				x[i] = -80 - float32(r.Float64()*30) // results near and below the normal range
			case 2:
				x[i] = -float32(r.Float64() * 200)
			case 3:
				x[i] = math.Float32frombits(r.Uint32()) // anything, NaN and Inf included
			default:
				x[i] = -float32(r.Float64() * 20)
			}
		}
		mnew := float32(0)
		if iter%2 == 1 {
			mnew = float32(r.NormFloat64() * 10)
		}
		kq = x
		got := kernels.AttnExpAcc(&kq, mnew, 1, 1, out, v, 16)
		var want float64
		for c := 0; c < fattnTileKV; c += 16 {
			var lane [16]float32
			for i := range lane {
				lane[i] = vexpf(x[c+i] - mnew)
				if !sameBits(kq[c+i], lane[i]) {
					t.Fatalf("vexpf(%g - %g) = %g (%#08x), want %g (%#08x)", x[c+i], mnew, kq[c+i], math.Float32bits(kq[c+i]), lane[i], math.Float32bits(lane[i]))
				}
			}
			want += float64(reduce16(&lane))
		}
		if got != want && !(got != got && want != want) {
			t.Fatalf("sum %g, want %g", got, want)
		}
	}
}
