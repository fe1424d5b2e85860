package kernels

import (
	"encoding/binary"
	"math"

	"github.com/docent-dev/docent/llm/gguf"
)

// The dot kernels below compute one weight row (in its block format) against
// one prepared activation vector, following ggml's integer formulation for
// quantized types. They are pure Go; SIMD versions come later.

func f16(b []byte) float32 { return gguf.FP16ToFP32(binary.LittleEndian.Uint16(b)) }

// FMA32 is a float32 fused multiply-add, rounded once, as the FMA
// instructions the assembly kernels use round it. The product of two
// float32 values is exact in float64, so a float64 addition followed by a
// conversion gives the right result except when the float64 sum, itself
// rounded, lands exactly halfway between two float32 values: the second
// rounding then breaks the tie that the first one created. FMA32 catches
// that case (the float64 sum is a float32 midpoint and the addition was
// inexact) and moves the sum one float64 step towards the exact value, so
// the conversion rounds the way a single rounding would.
func FMA32(a, b, c float32) float32 {
	p := float64(a) * float64(b)
	cc := float64(c)
	s := p + cc
	// Fast path: where float32 is normal, s is a float32 midpoint exactly
	// when the 29 low bits of its float64 significand are 1000...0.
	if bits := math.Float64bits(s); bits>>52&0x7ff > 1023-126 && bits&(1<<29-1) != 1<<28 {
		return float32(s)
	}
	r := float32(s)
	if float64(r) == s || math.IsInf(s, 0) || math.IsNaN(s) {
		return r
	}
	// The float32 neighbour of r on the other side of s, and their midpoint
	// (exact in float64).
	var o float32
	if float64(r) < s {
		o = math.Nextafter32(r, float32(math.Inf(1)))
	} else {
		o = math.Nextafter32(r, float32(math.Inf(-1)))
	}
	if math.IsInf(float64(o), 0) || (float64(r)+float64(o))/2 != s {
		return r
	}
	// TwoSum: the rounding error of s = p + cc, exactly.
	bv := s - p
	e := (p - (s - bv)) + (cc - bv)
	switch {
	case e > 0:
		return float32(math.Nextafter(s, math.Inf(1)))
	case e < 0:
		return float32(math.Nextafter(s, math.Inf(-1)))
	}
	return r
}

func fma32(a, b, c float32) float32 { return FMA32(a, b, c) }

// reduce16 sums 16 lanes the way _mm512_reduce_add_ps does (halves folded
// 8, 4, 2, 1).
func reduce16(s *[16]float32) float32 {
	var t [8]float32
	for l := 0; l < 8; l++ {
		t[l] = s[l+8] + s[l]
	}
	u0, u1, u2, u3 := t[4]+t[0], t[5]+t[1], t[6]+t[2], t[7]+t[3]
	v0, v1 := u2+u0, u3+u1
	return v0 + v1
}

// dotF32 and dotF16 follow llama.cpp's tinyBLAS (llamafile sgemm) as built
// for AVX-512: one 16-lane accumulator fed by fused multiply-adds along the
// row, reduced at the end. F16 weights meet activations rounded to F16.
func dotF32(row []byte, x []float32) float32 {
	n := len(x)
	row = row[:4*n]
	var s [16]float32
	i := 0
	for ; i+16 <= n; i += 16 {
		r := row[4*i : 4*i+64]
		xx := x[i : i+16]
		for l := 0; l < 16; l++ {
			s[l] = fma32(math.Float32frombits(binary.LittleEndian.Uint32(r[4*l:])), xx[l], s[l])
		}
	}
	sum := reduce16(&s)
	for ; i < n; i++ {
		sum += math.Float32frombits(binary.LittleEndian.Uint32(row[4*i:])) * x[i]
	}
	return sum
}

func dotF16(row []byte, x []float32) float32 {
	n := len(x)
	row = row[:2*n]
	var s [16]float32
	i := 0
	for ; i+16 <= n; i += 16 {
		r := row[2*i : 2*i+32]
		xx := x[i : i+16]
		for l := 0; l < 16; l++ {
			s[l] = fma32(f16(r[2*l:]), xx[l], s[l])
		}
	}
	sum := reduce16(&s)
	for ; i < n; i++ {
		sum += f16(row[2*i:]) * x[i]
	}
	return sum
}

// dotF16Vec is ggml_vec_dot_f16 as built for AVX-512, which llama.cpp uses
// for single-vector products (decode): four 16-lane accumulators over
// 64-element steps with fused multiply-adds, folded pairwise, then reduced;
// the tail in float64.
func dotF16Vec(row []byte, x []float32) float32 {
	n := len(x)
	row = row[:2*n]
	var acc [4][16]float32
	i := 0
	for ; i+64 <= n; i += 64 {
		for a := 0; a < 4; a++ {
			r := row[2*(i+16*a) : 2*(i+16*a)+32]
			xx := x[i+16*a : i+16*a+16]
			ac := &acc[a]
			for l := 0; l < 16; l++ {
				ac[l] = fma32(f16(r[2*l:]), xx[l], ac[l])
			}
		}
	}
	var s [16]float32
	for l := 0; l < 16; l++ {
		s[l] = (acc[0][l] + acc[2][l]) + (acc[1][l] + acc[3][l])
	}
	sum := float64(reduce16(&s))
	for ; i < n; i++ {
		sum += float64(f16(row[2*i:]) * x[i])
	}
	return float32(sum)
}

func dotBF16(row []byte, x []float32) float32 {
	n := len(x)
	row = row[:2*n]
	var s [8]float32
	for i := 0; i < n; i++ {
		// float32(...) forbids fusing into an FMA: a plain multiply, then
		// an add, on every GOAMD64 level (bf16_amd64.s does the same).
		s[i&7] += float32(gguf.BF16ToFP32(binary.LittleEndian.Uint16(row[2*i:])) * x[i])
	}
	return ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]))
}

// reduce8 sums 8 lanes as llamafile's hsum(__m256) does.
func reduce8(s *[8]float32) float32 {
	t0, t1, t2, t3 := s[4]+s[0], s[5]+s[1], s[6]+s[2], s[7]+s[3]
	return (t0 + t2) + (t1 + t3)
}

// dotQ8_0 follows tinyBLAS_Q0_AVX (Q8_0 weights, Q8_0 activations): per
// block, eight integer lanes of four products each, each lane scaled by
// d_w*d_x and accumulated with a fused multiply-add; lanes summed at the end.
func dotQ8_0(row []byte, q []int8, d []float32) float32 {
	nb := len(d)
	row = row[:nb*34]
	var acc [8]float32
	for b := 0; b < nb; b++ {
		blk := row[b*34 : b*34+34]
		qs := blk[2:34]
		xq := q[b*32 : b*32+32]
		sc := f16(blk) * d[b]
		for l := 0; l < 8; l++ {
			w := qs[4*l : 4*l+4 : 4*l+4]
			x := xq[4*l : 4*l+4 : 4*l+4]
			p := int32(int8(w[0]))*int32(x[0]) + int32(int8(w[1]))*int32(x[1]) + int32(int8(w[2]))*int32(x[2]) + int32(int8(w[3]))*int32(x[3])
			acc[l] = fma32(sc, float32(p), acc[l])
		}
	}
	return reduce8(&acc)
}

// dotQ4_0 is ggml_vec_dot_q4_0_q8_0: nibbles minus 8 times Q8_0 activations.
func dotQ4_0(row []byte, q []int8, d []float32) float32 {
	nb := len(d)
	row = row[:nb*18]
	var sum float32
	var w [32]int8
	for b := 0; b < nb; b++ {
		blk := row[b*18 : b*18+18 : b*18+18]
		qs := blk[2:18:18]
		for l := 0; l < 4; l++ {
			v := qs[4*l : 4*l+4 : 4*l+4]
			wl := w[4*l : 4*l+4 : 4*l+4]
			wh := w[16+4*l : 16+4*l+4 : 16+4*l+4]
			wl[0], wl[1], wl[2], wl[3] = int8(v[0]&0xf)-8, int8(v[1]&0xf)-8, int8(v[2]&0xf)-8, int8(v[3]&0xf)-8
			wh[0], wh[1], wh[2], wh[3] = int8(v[0]>>4)-8, int8(v[1]>>4)-8, int8(v[2]>>4)-8, int8(v[3]>>4)-8
		}
		s := sum32(&w, (*[32]int8)(q[b*32:b*32+32]))
		sum += float32(s) * (f16(blk) * d[b])
	}
	return sum
}

func scaleMinK4(j int, s []byte) (sc, m int32) {
	if j < 4 {
		return int32(s[j] & 63), int32(s[j+4] & 63)
	}
	return int32(s[j+4]&0xf | (s[j-4]>>6)<<4), int32(s[j+4]>>4 | (s[j]>>6)<<4)
}

// dotQ4_K follows llama.cpp's repacked Q4_K kernels (q4_K_8x8, which its
// CPU backend uses for Q4_K weights on AVX2 machines): exact integer sums
// per super-block, then two float accumulators fed by fused multiply-adds,
// one for the scaled sums and one for the mins, subtracted at the end.
func dotQ4_K(row []byte, q []int8, d []float32, bs []int16) float32 {
	nb := len(d)
	row = row[:nb*144]
	var accR, accM float32
	for b := 0; b < nb; b++ {
		blk := row[b*144 : b*144+144]
		scales := blk[4:16]
		qs := blk[16:144]
		xq := q[b*256 : b*256+256]
		bsum := bs[b*16 : b*16+16]
		var sumi, summ int32
		for j := 0; j < 4; j++ {
			sc0, m0 := scaleMinK4(2*j, scales)
			sc1, m1 := scaleMinK4(2*j+1, scales)
			qq := qs[32*j : 32*j+32]
			x0 := xq[64*j : 64*j+32]
			x1 := xq[64*j+32 : 64*j+64]
			var a0, a1 int32
			for l := 0; l < 32; l++ {
				v := qq[l]
				a0 += int32(v&0xf) * int32(x0[l])
				a1 += int32(v>>4) * int32(x1[l])
			}
			sumi += sc0*a0 + sc1*a1
			summ += m0*(int32(bsum[4*j])+int32(bsum[4*j+1])) + m1*(int32(bsum[4*j+2])+int32(bsum[4*j+3]))
		}
		accR = fma32(float32(sumi), f16(blk)*d[b], accR)
		accM = fma32(float32(summ), f16(blk[2:])*d[b], accM)
	}
	return accR - accM
}

// dotQ5_K is ggml_vec_dot_q5_K_q8_K as built for AVX2: per block the
// scaled integer sums are kept in eight lanes (lane (e%32)/4 for element e)
// and accumulated with d*lane by fused multiply-adds; the mins term is
// summed separately (dmin times the exact integer sum) and added at the end.
func dotQ5_K(row []byte, q []int8, d []float32, bs []int16) float32 {
	nb := len(d)
	row = row[:nb*176]
	var acc [8]float32
	var summs float32
	for b := 0; b < nb; b++ {
		blk := row[b*176 : b*176+176]
		scales := blk[4:16]
		qh := blk[16:48]
		qs := blk[48:176]
		xq := q[b*256 : b*256+256]
		bsum := bs[b*16 : b*16+16]
		var lanes [8]int32
		var summ int32
		for j := 0; j < 4; j++ {
			sc0, m0 := scaleMinK4(2*j, scales)
			sc1, m1 := scaleMinK4(2*j+1, scales)
			qq := qs[32*j : 32*j+32]
			x0 := xq[64*j : 64*j+32]
			x1 := xq[64*j+32 : 64*j+64]
			sh0, sh1 := uint(2*j), uint(2*j+1)
			for l := 0; l < 32; l++ {
				v := qq[l]
				h := qh[l]
				lanes[l>>2] += sc0*int32(v&0xf|((h>>sh0)&1)<<4)*int32(x0[l]) + sc1*int32(v>>4|((h>>sh1)&1)<<4)*int32(x1[l])
			}
			summ += m0*(int32(bsum[4*j])+int32(bsum[4*j+1])) + m1*(int32(bsum[4*j+2])+int32(bsum[4*j+3]))
		}
		dd := d[b] * f16(blk)
		for l := range lanes {
			acc[l] = fma32(dd, float32(lanes[l]), acc[l])
		}
		summs += -d[b] * f16(blk[2:]) * float32(summ)
	}
	return reduce8(&acc) + summs
}

// dotQ6_K is ggml_vec_dot_q6_K_q8_K as built for AVX2 (llama.cpp runs it
// for Q6_K weights, single rows and batches alike): per block, eight int32
// lanes, lane (e%32)/4 taking scale*q*x for element e with q the unsigned
// 6-bit value (0..63); the offset of 32 comes off afterwards per lane, lane
// k losing 32*(bsum[2k]*scale[2k] + bsum[2k+1]*scale[2k+1]) (the sums of
// the 16-element groups 2k and 2k+1). Each lane is then scaled by d_x*d_w
// and accumulated with a fused multiply-add; lanes summed at the end. The
// integer total is the same as with q-32 per element, but the lanes, and so
// the roundings, are not.
func dotQ6_K(row []byte, q []int8, d []float32, bs []int16) float32 {
	nb := len(d)
	row = row[:nb*210]
	var acc [8]float32
	for b := 0; b < nb; b++ {
		blk := row[b*210 : b*210+210]
		xq := q[b*256 : b*256+256]
		bsum := bs[b*16 : b*16+16]
		var lanes [8]int32
		for h := 0; h < 2; h++ {
			ql := blk[64*h : 64*h+64]
			qh := blk[128+32*h : 128+32*h+32]
			sc := blk[192+8*h : 192+8*h+8]
			x := xq[128*h : 128*h+128]
			for g := 0; g < 2; g++ { // l in [16g, 16g+16): scale index g
				s0, s1 := int32(int8(sc[g])), int32(int8(sc[g+2]))
				s2, s3 := int32(int8(sc[g+4])), int32(int8(sc[g+6]))
				for l := 16 * g; l < 16*g+16; l++ {
					hb := qh[l]
					q1 := int32(ql[l]&0xf | (hb&3)<<4)
					q2 := int32(ql[l+32]&0xf | ((hb>>2)&3)<<4)
					q3 := int32(ql[l]>>4 | ((hb>>4)&3)<<4)
					q4 := int32(ql[l+32]>>4 | ((hb>>6)&3)<<4)
					// Elements l, l+32, l+64, l+96 all fall in lane l/4.
					lanes[(l&31)>>2] += s0*q1*int32(x[l]) + s1*q2*int32(x[l+32]) + s2*q3*int32(x[l+64]) + s3*q4*int32(x[l+96])
				}
			}
		}
		sc := blk[192:208]
		for k := range lanes {
			lanes[k] -= 32 * (int32(bsum[2*k])*int32(int8(sc[2*k])) + int32(bsum[2*k+1])*int32(int8(sc[2*k+1])))
		}
		dd := d[b] * f16(blk[208:])
		for l := range lanes {
			acc[l] = fma32(dd, float32(lanes[l]), acc[l])
		}
	}
	return reduce8(&acc)
}

// sum32 is the integer dot product of 32 int8 pairs, written as eight
// straight-line groups of four (the shape the Go compiler turns into the
// fastest scalar code).
func sum32(w, x *[32]int8) int32 {
	var s int32
	for l := 0; l < 8; l++ {
		ww := w[4*l : 4*l+4 : 4*l+4]
		xx := x[4*l : 4*l+4 : 4*l+4]
		s += int32(ww[0])*int32(xx[0]) + int32(ww[1])*int32(xx[1]) + int32(ww[2])*int32(xx[2]) + int32(ww[3])*int32(xx[3])
	}
	return s
}

// dotQ5_0 is ggml_vec_dot_q5_0_q8_0: 5-bit values minus 16. The high bits
// of elements j and j+16 are bits j and j+16 of qh. Each block is unpacked
// to bytes first, which keeps the multiply loop simple.
func dotQ5_0(row []byte, q []int8, d []float32) float32 {
	nb := len(d)
	row = row[:nb*22]
	var sum float32
	var w [32]int8
	for b := 0; b < nb; b++ {
		blk := row[b*22 : b*22+22 : b*22+22]
		qh := binary.LittleEndian.Uint32(blk[2:6])
		qs := (*[16]byte)(blk[6:22])
		lo, hi := qh<<4, qh>>12
		for l := 0; l < 4; l++ {
			v := qs[4*l : 4*l+4 : 4*l+4]
			wl := w[4*l : 4*l+4 : 4*l+4]
			wh := w[16+4*l : 16+4*l+4 : 16+4*l+4]
			wl[0] = int8(v[0]&0xf|byte(lo)&0x10) - 16
			wl[1] = int8(v[1]&0xf|byte(lo>>1)&0x10) - 16
			wl[2] = int8(v[2]&0xf|byte(lo>>2)&0x10) - 16
			wl[3] = int8(v[3]&0xf|byte(lo>>3)&0x10) - 16
			wh[0] = int8(v[0]>>4|byte(hi)&0x10) - 16
			wh[1] = int8(v[1]>>4|byte(hi>>1)&0x10) - 16
			wh[2] = int8(v[2]>>4|byte(hi>>2)&0x10) - 16
			wh[3] = int8(v[3]>>4|byte(hi>>3)&0x10) - 16
			lo >>= 4
			hi >>= 4
		}
		s := sum32(&w, (*[32]int8)(q[b*32:b*32+32]))
		sum += float32(s) * (f16(blk) * d[b])
	}
	return sum
}

// dotQ4_1 is ggml_vec_dot_q4_1_q8_1: d_w*d_x*sumi + m_w*s_x.
func dotQ4_1(row []byte, q []int8, d, sx []float32) float32 {
	nb := len(d)
	row = row[:nb*20]
	var sum float32
	for b := 0; b < nb; b++ {
		blk := row[b*20 : b*20+20]
		qs := blk[4:20]
		xq := q[b*32 : b*32+32]
		var s int32
		for j := 0; j < 16; j++ {
			v := qs[j]
			s += int32(v&0xf)*int32(xq[j]) + int32(v>>4)*int32(xq[j+16])
		}
		sum += f16(blk)*d[b]*float32(s) + f16(blk[2:])*sx[b]
	}
	return sum
}

// dotQ5_1 is ggml_vec_dot_q5_1_q8_1.
func dotQ5_1(row []byte, q []int8, d, sx []float32) float32 {
	nb := len(d)
	row = row[:nb*24]
	var sum float32
	for b := 0; b < nb; b++ {
		blk := row[b*24 : b*24+24]
		qh := binary.LittleEndian.Uint32(blk[4:8])
		qs := blk[8:24]
		xq := q[b*32 : b*32+32]
		var s int32
		for j := 0; j < 16; j++ {
			v := qs[j]
			lo := int32(v&0xf | byte((qh>>uint(j))<<4)&0x10)
			hi := int32(v>>4 | byte((qh>>uint(j+12)))&0x10)
			s += lo*int32(xq[j]) + hi*int32(xq[j+16])
		}
		sum += f16(blk)*d[b]*float32(s) + f16(blk[2:])*sx[b]
	}
	return sum
}
