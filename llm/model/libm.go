package model

import "math"

// sinf and cosf reproduce glibc's single-precision sine and cosine
// (sysdeps/ieee754/flt-32/s_sinf.c, s_cosf.c, sincosf.h) as the x86-64
// build runs them on CPUs with FMA (the multiarch *-fma variants, where the
// compiler fuses the multiply-adds of the polynomials and of the range
// reduction). llama.cpp's RoPE cache calls cosf/sinf; their results are not
// always the correctly rounded ones (about 2% of the angles RoPE uses differ
// from float32(math.Sin(x)) in the last bit), and such a bit can decide a
// greedy token.

type sincosT struct {
	sign               [4]float64
	hpiInv, hpi        float64
	c0, c1, c2, c3, c4 float64
	s1, s2, s3         float64
}

var sincosfTable = [2]sincosT{
	{
		sign:   [4]float64{1.0, -1.0, -1.0, 1.0},
		hpiInv: 0x1.45F306DC9C883p+23,
		hpi:    0x1.921FB54442D18p0,
		c0:     0x1p0,
		c1:     -0x1.ffffffd0c621cp-2,
		c2:     0x1.55553e1068f19p-5,
		c3:     -0x1.6c087e89a359dp-10,
		c4:     0x1.99343027bf8c3p-16,
		s1:     -0x1.555545995a603p-3,
		s2:     0x1.1107605230bc4p-7,
		s3:     -0x1.994eb3774cf24p-13,
	},
	{
		sign:   [4]float64{1.0, -1.0, -1.0, 1.0},
		hpiInv: 0x1.45F306DC9C883p+23,
		hpi:    0x1.921FB54442D18p0,
		c0:     -0x1p0,
		c1:     0x1.ffffffd0c621cp-2,
		c2:     -0x1.55553e1068f19p-5,
		c3:     0x1.6c087e89a359dp-10,
		c4:     -0x1.99343027bf8c3p-16,
		s1:     -0x1.555545995a603p-3,
		s2:     0x1.1107605230bc4p-7,
		s3:     -0x1.994eb3774cf24p-13,
	},
}

// invPio4 holds 2/PI in overlapping 32-bit windows, 8 new bits per entry.
var invPio4 = [24]uint32{
	0xa2, 0xa2f9, 0xa2f983, 0xa2f9836e,
	0xf9836e4e, 0x836e4e44, 0x6e4e4415, 0x4e441529,
	0x441529fc, 0x1529fc27, 0x29fc2757, 0xfc2757d1,
	0x2757d1f5, 0x57d1f534, 0xd1f534dd, 0xf534ddc0,
	0x34ddc0db, 0xddc0db62, 0xc0db6295, 0xdb629599,
	0x6295993c, 0x95993c43, 0x993c4390, 0x3c439041,
}

const (
	pi63  = 0x1.921FB54442D18p-62 // 2PI * 2^-64
	pio4f = float32(0x1.921FB6p-1)
)

func abstop12(x float32) uint32 { return (math.Float32bits(x) >> 20) & 0x7ff }

func sinfPoly(x, x2 float64, p *sincosT, n int) float32 {
	if n&1 == 0 {
		x3 := x * x2
		s1 := math.FMA(x2, p.s3, p.s2)
		x7 := x3 * x2
		s := math.FMA(x3, p.s1, x)
		return float32(math.FMA(x7, s1, s))
	}
	x4 := x2 * x2
	c2 := math.FMA(x2, p.c4, p.c3)
	c1 := math.FMA(x2, p.c1, p.c0)
	x6 := x4 * x2
	c := math.FMA(x4, p.c2, c1)
	return float32(math.FMA(x6, c2, c))
}

func reduceFast(x float64, p *sincosT) (float64, int) {
	r := x * p.hpiInv
	n := (int32(r) + 0x800000) >> 24
	return math.FMA(-float64(n), p.hpi, x), int(n)
}

func reduceLarge(xi uint32) (float64, int) {
	arr := invPio4[(xi>>26)&15:]
	shift := (xi >> 23) & 7
	xi = (xi & 0xffffff) | 0x800000
	xi <<= shift
	res0 := uint64(xi * arr[0])
	res1 := uint64(xi) * uint64(arr[4])
	res2 := uint64(xi) * uint64(arr[8])
	res0 = (res2 >> 32) | (res0 << 32)
	res0 += res1
	n := (res0 + (1 << 61)) >> 62
	res0 -= n << 62
	return float64(int64(res0)) * pi63, int(n)
}

func sinf(y float32) float32 {
	x := float64(y)
	p := &sincosfTable[0]
	switch {
	case abstop12(y) < abstop12(pio4f):
		if abstop12(y) < abstop12(0x1p-12) {
			return y
		}
		return sinfPoly(x, x*x, p, 0)
	case abstop12(y) < abstop12(120):
		x, n := reduceFast(x, p)
		s := p.sign[n&3]
		if n&2 != 0 {
			p = &sincosfTable[1]
		}
		return sinfPoly(x*s, x*x, p, n)
	case abstop12(y) < abstop12(float32(math.Inf(1))):
		xi := math.Float32bits(y)
		sign := int(xi >> 31)
		x, n := reduceLarge(xi)
		s := p.sign[(n+sign)&3]
		if (n+sign)&2 != 0 {
			p = &sincosfTable[1]
		}
		return sinfPoly(x*s, x*x, p, n)
	}
	return float32(math.NaN())
}

func cosf(y float32) float32 {
	x := float64(y)
	p := &sincosfTable[0]
	switch {
	case abstop12(y) < abstop12(pio4f):
		if abstop12(y) < abstop12(0x1p-12) {
			return 1
		}
		return sinfPoly(x, x*x, p, 1)
	case abstop12(y) < abstop12(120):
		x, n := reduceFast(x, p)
		s := p.sign[n&3]
		if n&2 != 0 {
			p = &sincosfTable[1]
		}
		return sinfPoly(x*s, x*x, p, n^1)
	case abstop12(y) < abstop12(float32(math.Inf(1))):
		xi := math.Float32bits(y)
		sign := int(xi >> 31)
		x, n := reduceLarge(xi)
		s := p.sign[(n+sign)&3]
		if (n+sign)&2 != 0 {
			p = &sincosfTable[1]
		}
		return sinfPoly(x*s, x*x, p, n^1)
	}
	return float32(math.NaN())
}

// exp2fTab[i] is the bits of 2^(i/32) minus i<<47 (glibc's __exp2f_data.tab).
var exp2fTab = [32]uint64{
	0x3ff0000000000000, 0x3fefd9b0d3158574, 0x3fefb5586cf9890f, 0x3fef9301d0125b51,
	0x3fef72b83c7d517b, 0x3fef54873168b9aa, 0x3fef387a6e756238, 0x3fef1e9df51fdee1,
	0x3fef06fe0a31b715, 0x3feef1a7373aa9cb, 0x3feedea64c123422, 0x3feece086061892d,
	0x3feebfdad5362a27, 0x3feeb42b569d4f82, 0x3feeab07dd485429, 0x3feea47eb03a5585,
	0x3feea09e667f3bcd, 0x3fee9f75e8ec5f74, 0x3feea11473eb0187, 0x3feea589994cce13,
	0x3feeace5422aa0db, 0x3feeb737b0cdc5e5, 0x3feec49182a3f090, 0x3feed503b23e255d,
	0x3feee89f995ad3ad, 0x3feeff76f2fb5e47, 0x3fef199bdd85529c, 0x3fef3720dcef9069,
	0x3fef5818dcfba487, 0x3fef7c97337b9b5f, 0x3fefa4afa2a490da, 0x3fefd0765b6e4540,
}

// glibcExpf is glibc's expf (sysdeps/ieee754/flt-32/e_expf.c, FMA build),
// which llama.cpp's flash attention calls for its softmax rescaling. About
// one float in 10^4 comes out one ulp from the correctly rounded value that
// float32(math.Exp(x)) gives.
func glibcExpf(x float32) float32 {
	const (
		n            = 32
		invLn2N      = 0x1.71547652b82fep+0 * n
		shift        = 0x1.8p+52
		c0           = 0x1.c6af84b912394p-5 / n / n / n
		c1           = 0x1.ebfce50fac4f3p-3 / n / n
		c2           = 0x1.62e42ff0c52d6p-1 / n
		top12Of88    = 0x42b // top12(88.0f)
		top12Inf     = 0x7f8
		overflowArg  = 0x1.62e42ep6
		underflowArg = -0x1.9fe368p6
	)
	abstop := (math.Float32bits(x) >> 20) & 0x7ff
	if abstop >= top12Of88 {
		switch {
		case math.Float32bits(x) == math.Float32bits(float32(math.Inf(-1))):
			return 0
		case abstop >= top12Inf:
			return x + x
		case x > overflowArg:
			return float32(math.Inf(1))
		case x < underflowArg:
			return 0
		}
	}
	xd := float64(x)
	z := invLn2N * xd
	kd := z + shift
	ki := math.Float64bits(kd)
	kd -= shift
	r := z - kd
	t := exp2fTab[ki%n] + ki<<(52-5)
	s := math.Float64frombits(t)
	zz := math.FMA(c0, r, c1)
	r2 := r * r
	y := math.FMA(c2, r, 1)
	y = math.FMA(zz, r2, y)
	return float32(y * s)
}
