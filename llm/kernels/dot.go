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

// dotF32 sums with 8 interleaved lanes, close to ggml's vectorised order.
func dotF32(row []byte, x []float32) float32 {
	n := len(x)
	row = row[:4*n]
	var s [8]float32
	i := 0
	for ; i+8 <= n; i += 8 {
		r := row[4*i : 4*i+32]
		xx := x[i : i+8]
		s[0] += math.Float32frombits(binary.LittleEndian.Uint32(r[0:])) * xx[0]
		s[1] += math.Float32frombits(binary.LittleEndian.Uint32(r[4:])) * xx[1]
		s[2] += math.Float32frombits(binary.LittleEndian.Uint32(r[8:])) * xx[2]
		s[3] += math.Float32frombits(binary.LittleEndian.Uint32(r[12:])) * xx[3]
		s[4] += math.Float32frombits(binary.LittleEndian.Uint32(r[16:])) * xx[4]
		s[5] += math.Float32frombits(binary.LittleEndian.Uint32(r[20:])) * xx[5]
		s[6] += math.Float32frombits(binary.LittleEndian.Uint32(r[24:])) * xx[6]
		s[7] += math.Float32frombits(binary.LittleEndian.Uint32(r[28:])) * xx[7]
	}
	sum := ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]))
	for ; i < n; i++ {
		sum += math.Float32frombits(binary.LittleEndian.Uint32(row[4*i:])) * x[i]
	}
	return sum
}

// dotF16 multiplies an F16 row with F16-rounded activations in float32.
func dotF16(row []byte, x []float32) float32 {
	n := len(x)
	row = row[:2*n]
	var s [8]float32
	i := 0
	for ; i+8 <= n; i += 8 {
		r := row[2*i : 2*i+16]
		xx := x[i : i+8]
		s[0] += f16(r[0:]) * xx[0]
		s[1] += f16(r[2:]) * xx[1]
		s[2] += f16(r[4:]) * xx[2]
		s[3] += f16(r[6:]) * xx[3]
		s[4] += f16(r[8:]) * xx[4]
		s[5] += f16(r[10:]) * xx[5]
		s[6] += f16(r[12:]) * xx[6]
		s[7] += f16(r[14:]) * xx[7]
	}
	sum := ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]))
	for ; i < n; i++ {
		sum += f16(row[2*i:]) * x[i]
	}
	return sum
}

func dotBF16(row []byte, x []float32) float32 {
	n := len(x)
	row = row[:2*n]
	var s [8]float32
	for i := 0; i < n; i++ {
		s[i&7] += gguf.BF16ToFP32(binary.LittleEndian.Uint16(row[2*i:])) * x[i]
	}
	return ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]))
}

// dotQ8_0 is ggml_vec_dot_q8_0_q8_0: per block sumi * d_w * d_x.
func dotQ8_0(row []byte, q []int8, d []float32) float32 {
	nb := len(d)
	row = row[:nb*34]
	var sum float32
	for b := 0; b < nb; b++ {
		blk := row[b*34 : b*34+34]
		qs := blk[2:34]
		xq := q[b*32 : b*32+32]
		var s0, s1, s2, s3 int32
		for j := 0; j < 32; j += 4 {
			s0 += int32(int8(qs[j])) * int32(xq[j])
			s1 += int32(int8(qs[j+1])) * int32(xq[j+1])
			s2 += int32(int8(qs[j+2])) * int32(xq[j+2])
			s3 += int32(int8(qs[j+3])) * int32(xq[j+3])
		}
		sum += float32(s0+s1+s2+s3) * (f16(blk) * d[b])
	}
	return sum
}

// dotQ4_0 is ggml_vec_dot_q4_0_q8_0: nibbles minus 8 times Q8_0 activations.
func dotQ4_0(row []byte, q []int8, d []float32) float32 {
	nb := len(d)
	row = row[:nb*18]
	var sum float32
	for b := 0; b < nb; b++ {
		blk := row[b*18 : b*18+18]
		qs := blk[2:18]
		xq := q[b*32 : b*32+32]
		var s int32
		for j := 0; j < 16; j++ {
			v := qs[j]
			s += (int32(v&0xf)-8)*int32(xq[j]) + (int32(v>>4)-8)*int32(xq[j+16])
		}
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

// dotQ4_K is ggml_vec_dot_q4_K_q8_K.
func dotQ4_K(row []byte, q []int8, d []float32, bs []int16) float32 {
	nb := len(d)
	row = row[:nb*144]
	var sum float32
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
		dd := d[b] * f16(blk)
		dm := d[b] * f16(blk[2:])
		sum += dd*float32(sumi) - dm*float32(summ)
	}
	return sum
}

// dotQ5_K is ggml_vec_dot_q5_K_q8_K.
func dotQ5_K(row []byte, q []int8, d []float32, bs []int16) float32 {
	nb := len(d)
	row = row[:nb*176]
	var sum float32
	for b := 0; b < nb; b++ {
		blk := row[b*176 : b*176+176]
		scales := blk[4:16]
		qh := blk[16:48]
		qs := blk[48:176]
		xq := q[b*256 : b*256+256]
		bsum := bs[b*16 : b*16+16]
		var sumi, summ int32
		for j := 0; j < 4; j++ {
			sc0, m0 := scaleMinK4(2*j, scales)
			sc1, m1 := scaleMinK4(2*j+1, scales)
			qq := qs[32*j : 32*j+32]
			x0 := xq[64*j : 64*j+32]
			x1 := xq[64*j+32 : 64*j+64]
			sh0, sh1 := uint(2*j), uint(2*j+1)
			var a0, a1 int32
			for l := 0; l < 32; l++ {
				v := qq[l]
				h := qh[l]
				a0 += int32(v&0xf|((h>>sh0)&1)<<4) * int32(x0[l])
				a1 += int32(v>>4|((h>>sh1)&1)<<4) * int32(x1[l])
			}
			sumi += sc0*a0 + sc1*a1
			summ += m0*(int32(bsum[4*j])+int32(bsum[4*j+1])) + m1*(int32(bsum[4*j+2])+int32(bsum[4*j+3]))
		}
		dd := d[b] * f16(blk)
		dm := d[b] * f16(blk[2:])
		sum += dd*float32(sumi) - dm*float32(summ)
	}
	return sum
}

// dotQ6_K is ggml_vec_dot_q6_K_q8_K.
func dotQ6_K(row []byte, q []int8, d []float32) float32 {
	nb := len(d)
	row = row[:nb*210]
	var sum float32
	for b := 0; b < nb; b++ {
		blk := row[b*210 : b*210+210]
		xq := q[b*256 : b*256+256]
		var sumi int32
		for h := 0; h < 2; h++ {
			ql := blk[64*h : 64*h+64]
			qh := blk[128+32*h : 128+32*h+32]
			sc := blk[192+8*h : 192+8*h+8]
			x := xq[128*h : 128*h+128]
			for g := 0; g < 2; g++ { // l in [16g, 16g+16): scale index g
				var a0, a1, a2, a3 int32
				for l := 16 * g; l < 16*g+16; l++ {
					hb := qh[l]
					q1 := int32(ql[l]&0xf|(hb&3)<<4) - 32
					q2 := int32(ql[l+32]&0xf|((hb>>2)&3)<<4) - 32
					q3 := int32(ql[l]>>4|((hb>>4)&3)<<4) - 32
					q4 := int32(ql[l+32]>>4|((hb>>6)&3)<<4) - 32
					a0 += q1 * int32(x[l])
					a1 += q2 * int32(x[l+32])
					a2 += q3 * int32(x[l+64])
					a3 += q4 * int32(x[l+96])
				}
				sumi += int32(int8(sc[g]))*a0 + int32(int8(sc[g+2]))*a1 + int32(int8(sc[g+4]))*a2 + int32(int8(sc[g+6]))*a3
			}
		}
		sum += d[b] * f16(blk[208:]) * float32(sumi)
	}
	return sum
}
