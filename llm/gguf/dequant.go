package gguf

import (
	"encoding/binary"
	"fmt"
	"math"
)

// Dequantize converts src, holding whole blocks of type t, into float32
// values in dst. len(dst) must be the number of elements src holds.
// Supported: F32, F16, BF16, F64, I8, I16, I32, Q4_0, Q4_1, Q5_0, Q5_1,
// Q8_0, Q8_1, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, Q8_K.
func Dequantize(t GGMLType, src []byte, dst []float32) error {
	bs, ts := t.BlockSize(), t.TypeSize()
	if bs == 0 {
		return fmt.Errorf("gguf: dequantize: unknown tensor type %d", uint32(t))
	}
	if len(dst)%bs != 0 {
		return fmt.Errorf("gguf: dequantize %s: %d elements is not a multiple of the block size %d", t, len(dst), bs)
	}
	nb := len(dst) / bs
	if len(src) != nb*ts {
		return fmt.Errorf("gguf: dequantize %s: %d bytes for %d elements, want %d", t, len(src), len(dst), nb*ts)
	}
	le := binary.LittleEndian
	switch t {
	case F32:
		for i := range dst {
			dst[i] = math.Float32frombits(le.Uint32(src[4*i:]))
		}
	case F16:
		for i := range dst {
			dst[i] = FP16ToFP32(le.Uint16(src[2*i:]))
		}
	case BF16:
		for i := range dst {
			dst[i] = BF16ToFP32(le.Uint16(src[2*i:]))
		}
	case F64:
		for i := range dst {
			dst[i] = float32(math.Float64frombits(le.Uint64(src[8*i:])))
		}
	case I8:
		for i := range dst {
			dst[i] = float32(int8(src[i]))
		}
	case I16:
		for i := range dst {
			dst[i] = float32(int16(le.Uint16(src[2*i:])))
		}
	case I32:
		for i := range dst {
			dst[i] = float32(int32(le.Uint32(src[4*i:])))
		}
	case Q4_0:
		for b := 0; b < nb; b++ {
			dequantQ4_0(src[b*ts:(b+1)*ts], dst[b*bs:(b+1)*bs])
		}
	case Q4_1:
		for b := 0; b < nb; b++ {
			dequantQ4_1(src[b*ts:(b+1)*ts], dst[b*bs:(b+1)*bs])
		}
	case Q5_0:
		for b := 0; b < nb; b++ {
			dequantQ5_0(src[b*ts:(b+1)*ts], dst[b*bs:(b+1)*bs])
		}
	case Q5_1:
		for b := 0; b < nb; b++ {
			dequantQ5_1(src[b*ts:(b+1)*ts], dst[b*bs:(b+1)*bs])
		}
	case Q8_0:
		for b := 0; b < nb; b++ {
			dequantQ8_0(src[b*ts:(b+1)*ts], dst[b*bs:(b+1)*bs])
		}
	case Q8_1:
		for b := 0; b < nb; b++ {
			blk, y := src[b*ts:(b+1)*ts], dst[b*bs:(b+1)*bs]
			d := FP16ToFP32(le.Uint16(blk))
			for j := 0; j < 32; j++ {
				y[j] = float32(int8(blk[4+j])) * d
			}
		}
	case Q2_K:
		for b := 0; b < nb; b++ {
			dequantQ2_K(src[b*ts:(b+1)*ts], dst[b*bs:(b+1)*bs])
		}
	case Q3_K:
		for b := 0; b < nb; b++ {
			dequantQ3_K(src[b*ts:(b+1)*ts], dst[b*bs:(b+1)*bs])
		}
	case Q4_K:
		for b := 0; b < nb; b++ {
			dequantQ4_K(src[b*ts:(b+1)*ts], dst[b*bs:(b+1)*bs])
		}
	case Q5_K:
		for b := 0; b < nb; b++ {
			dequantQ5_K(src[b*ts:(b+1)*ts], dst[b*bs:(b+1)*bs])
		}
	case Q6_K:
		for b := 0; b < nb; b++ {
			dequantQ6_K(src[b*ts:(b+1)*ts], dst[b*bs:(b+1)*bs])
		}
	case Q8_K:
		for b := 0; b < nb; b++ {
			blk, y := src[b*ts:(b+1)*ts], dst[b*bs:(b+1)*bs]
			d := math.Float32frombits(le.Uint32(blk))
			for j := 0; j < QK_K; j++ {
				y[j] = d * float32(int8(blk[4+j]))
			}
		}
	default:
		return fmt.Errorf("gguf: dequantize: tensor type %s is not supported", t)
	}
	return nil
}

func f16at(b []byte) float32 { return FP16ToFP32(binary.LittleEndian.Uint16(b)) }

// block_q4_0: d f16, qs[16]; element j in the low nibble of qs[j], element
// j+16 in the high nibble.
func dequantQ4_0(blk []byte, y []float32) {
	d := f16at(blk)
	qs := blk[2:18]
	for j := 0; j < 16; j++ {
		y[j] = float32(int(qs[j]&0x0f)-8) * d
		y[j+16] = float32(int(qs[j]>>4)-8) * d
	}
}

// block_q4_1: d f16, m f16, qs[16].
func dequantQ4_1(blk []byte, y []float32) {
	d, m := f16at(blk), f16at(blk[2:])
	qs := blk[4:20]
	for j := 0; j < 16; j++ {
		y[j] = float32(qs[j]&0x0f)*d + m
		y[j+16] = float32(qs[j]>>4)*d + m
	}
}

// block_q5_0: d f16, qh[4] (bit j = fifth bit of element j), qs[16].
func dequantQ5_0(blk []byte, y []float32) {
	d := f16at(blk)
	qh := binary.LittleEndian.Uint32(blk[2:])
	qs := blk[6:22]
	for j := 0; j < 16; j++ {
		h0 := byte((qh>>uint(j))<<4) & 0x10
		h1 := byte(qh>>uint(j+12)) & 0x10
		y[j] = float32(int(qs[j]&0x0f|h0)-16) * d
		y[j+16] = float32(int(qs[j]>>4|h1)-16) * d
	}
}

// block_q5_1: d f16, m f16, qh[4], qs[16].
func dequantQ5_1(blk []byte, y []float32) {
	d, m := f16at(blk), f16at(blk[2:])
	qh := binary.LittleEndian.Uint32(blk[4:])
	qs := blk[8:24]
	for j := 0; j < 16; j++ {
		h0 := byte((qh>>uint(j))<<4) & 0x10
		h1 := byte(qh>>uint(j+12)) & 0x10
		y[j] = float32(qs[j]&0x0f|h0)*d + m
		y[j+16] = float32(qs[j]>>4|h1)*d + m
	}
}

// block_q8_0: d f16, qs[32] int8.
func dequantQ8_0(blk []byte, y []float32) {
	d := f16at(blk)
	for j := 0; j < 32; j++ {
		y[j] = float32(int8(blk[2+j])) * d
	}
}

// scaleMinK4 unpacks the 6-bit scale and min of sub-block j from the 12
// packed scale bytes of Q4_K and Q5_K.
func scaleMinK4(j int, q []byte) (sc, m uint8) {
	if j < 4 {
		return q[j] & 63, q[j+4] & 63
	}
	return q[j+4]&0x0f | (q[j-4]>>6)<<4, q[j+4]>>4 | (q[j]>>6)<<4
}

// block_q2_K: scales[16] (low nibble scale, high nibble min), qs[64], d, dmin.
func dequantQ2_K(blk []byte, y []float32) {
	scales := blk[0:16]
	q := blk[16:80]
	d, dmin := f16at(blk[80:]), f16at(blk[82:])
	is := 0
	for n := 0; n < QK_K; n += 128 {
		shift := uint(0)
		for j := 0; j < 4; j++ {
			sc := scales[is]
			is++
			dl, ml := d*float32(sc&0x0f), dmin*float32(sc>>4)
			for l := 0; l < 16; l++ {
				y[l] = dl*float32((q[l]>>shift)&3) - ml
			}
			y = y[16:]
			sc = scales[is]
			is++
			dl, ml = d*float32(sc&0x0f), dmin*float32(sc>>4)
			for l := 0; l < 16; l++ {
				y[l] = dl*float32((q[l+16]>>shift)&3) - ml
			}
			y = y[16:]
			shift += 2
		}
		q = q[32:]
	}
}

// block_q3_K: hmask[32], qs[64], scales[12] (16 packed 6-bit scales), d.
func dequantQ3_K(blk []byte, y []float32) {
	hm := blk[0:32]
	q := blk[32:96]
	sb := blk[96:108]
	d := f16at(blk[108:])
	var scales [16]int8
	for i := 0; i < 16; i++ {
		var low, high byte
		if i < 8 {
			low = sb[i] & 0x0f
		} else {
			low = sb[i-8] >> 4
		}
		high = (sb[8+i%4] >> (2 * uint(i/4))) & 3
		scales[i] = int8(low|high<<4) - 32
	}
	is := 0
	m := byte(1)
	for n := 0; n < QK_K; n += 128 {
		shift := uint(0)
		for j := 0; j < 4; j++ {
			dl := d * float32(scales[is])
			is++
			for l := 0; l < 16; l++ {
				v := int8((q[l] >> shift) & 3)
				if hm[l]&m == 0 {
					v -= 4
				}
				y[l] = dl * float32(v)
			}
			y = y[16:]
			dl = d * float32(scales[is])
			is++
			for l := 0; l < 16; l++ {
				v := int8((q[l+16] >> shift) & 3)
				if hm[l+16]&m == 0 {
					v -= 4
				}
				y[l] = dl * float32(v)
			}
			y = y[16:]
			shift += 2
			m <<= 1
		}
		q = q[32:]
	}
}

// block_q4_K: d f16, dmin f16, scales[12], qs[128]. Each 64-element chunk
// uses 32 bytes of qs: low nibbles for the first 32 elements, high nibbles
// for the next 32, with its own scale and min.
func dequantQ4_K(blk []byte, y []float32) {
	d, dmin := f16at(blk), f16at(blk[2:])
	scales := blk[4:16]
	q := blk[16:144]
	is := 0
	for j := 0; j < QK_K; j += 64 {
		sc, m := scaleMinK4(is, scales)
		d1, m1 := d*float32(sc), dmin*float32(m)
		sc, m = scaleMinK4(is+1, scales)
		d2, m2 := d*float32(sc), dmin*float32(m)
		for l := 0; l < 32; l++ {
			y[j+l] = d1*float32(q[l]&0x0f) - m1
			y[j+32+l] = d2*float32(q[l]>>4) - m2
		}
		q = q[32:]
		is += 2
	}
}

// block_q5_K: d f16, dmin f16, scales[12], qh[32], qs[128].
func dequantQ5_K(blk []byte, y []float32) {
	d, dmin := f16at(blk), f16at(blk[2:])
	scales := blk[4:16]
	qh := blk[16:48]
	ql := blk[48:176]
	is := 0
	shift := uint(0) // bit of qh holding the fifth bit of the low half
	for j := 0; j < QK_K; j += 64 {
		sc, m := scaleMinK4(is, scales)
		d1, m1 := d*float32(sc), dmin*float32(m)
		sc, m = scaleMinK4(is+1, scales)
		d2, m2 := d*float32(sc), dmin*float32(m)
		lo, hi := y[j:j+32:j+32], y[j+32:j+64:j+64]
		for l := 0; l < 32; l++ {
			h := qh[l] >> shift
			lo[l] = d1*float32(ql[l]&0x0f|(h&1)<<4) - m1
			hi[l] = d2*float32(ql[l]>>4|(h&2)<<3) - m2
		}
		ql = ql[32:]
		is += 2
		shift += 2
	}
}

// block_q6_K: ql[128] (low 4 bits), qh[64] (high 2 bits), scales[16] int8, d.
func dequantQ6_K(blk []byte, y []float32) {
	ql := blk[0:128]
	qh := blk[128:192]
	sc := blk[192:208]
	d := f16at(blk[208:])
	for n := 0; n < QK_K; n += 128 {
		for l := 0; l < 32; l++ {
			is := l / 16
			q1 := int(ql[l]&0x0f|((qh[l]>>0)&3)<<4) - 32
			q2 := int(ql[l+32]&0x0f|((qh[l]>>2)&3)<<4) - 32
			q3 := int(ql[l]>>4|((qh[l]>>4)&3)<<4) - 32
			q4 := int(ql[l+32]>>4|((qh[l]>>6)&3)<<4) - 32
			y[n+l] = d * float32(int8(sc[is])) * float32(q1)
			y[n+l+32] = d * float32(int8(sc[is+2])) * float32(q2)
			y[n+l+64] = d * float32(int8(sc[is+4])) * float32(q3)
			y[n+l+96] = d * float32(int8(sc[is+6])) * float32(q4)
		}
		ql = ql[64:]
		qh = qh[32:]
		sc = sc[8:]
	}
}
