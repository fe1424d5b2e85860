package gguf

import (
	"encoding/binary"
	"fmt"
	"math"
)

// Quantize converts float32 values into blocks of type t. len(src) must be a
// multiple of t's block size. Supported: F32, F16, BF16, Q8_0, Q4_0, Q4_1,
// Q5_0, Q5_1, Q4_K, Q5_K, Q6_K. The block quantizers follow ggml's
// reference (non-imatrix) quantizers; the k-quants use a small least-squares
// scale search per sub-block.
func Quantize(t GGMLType, src []float32) ([]byte, error) {
	bs, ts := t.BlockSize(), t.TypeSize()
	if bs == 0 {
		return nil, fmt.Errorf("gguf: quantize: unknown tensor type %d", uint32(t))
	}
	if len(src)%bs != 0 {
		return nil, fmt.Errorf("gguf: quantize %s: %d elements is not a multiple of the block size %d", t, len(src), bs)
	}
	dst := make([]byte, len(src)/bs*ts)
	if err := QuantizeInto(t, src, dst); err != nil {
		return nil, err
	}
	return dst, nil
}

// QuantizeInto is Quantize into a caller-provided buffer of exactly the
// right size (len(src)/BlockSize*TypeSize bytes).
func QuantizeInto(t GGMLType, src []float32, dst []byte) error {
	bs, ts := t.BlockSize(), t.TypeSize()
	if bs == 0 {
		return fmt.Errorf("gguf: quantize: unknown tensor type %d", uint32(t))
	}
	if len(src)%bs != 0 {
		return fmt.Errorf("gguf: quantize %s: %d elements is not a multiple of the block size %d", t, len(src), bs)
	}
	nb := len(src) / bs
	if len(dst) != nb*ts {
		return fmt.Errorf("gguf: quantize %s: destination is %d bytes, want %d", t, len(dst), nb*ts)
	}
	for _, x := range src {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			if t != F32 && t != F16 && t != BF16 {
				return fmt.Errorf("gguf: quantize %s: input holds %v", t, x)
			}
		}
	}
	le := binary.LittleEndian
	var fn func(x []float32, blk []byte)
	switch t {
	case F32:
		for i, x := range src {
			le.PutUint32(dst[4*i:], math.Float32bits(x))
		}
		return nil
	case F16:
		for i, x := range src {
			le.PutUint16(dst[2*i:], FP32ToFP16(x))
		}
		return nil
	case BF16:
		for i, x := range src {
			le.PutUint16(dst[2*i:], FP32ToBF16(x))
		}
		return nil
	case Q8_0:
		fn = quantQ8_0
	case Q4_0:
		fn = quantQ4_0
	case Q4_1:
		fn = quantQ4_1
	case Q5_0:
		fn = quantQ5_0
	case Q5_1:
		fn = quantQ5_1
	case Q4_K:
		fn = quantQ4_K
	case Q5_K:
		fn = quantQ5_K
	case Q6_K:
		fn = quantQ6_K
	default:
		return fmt.Errorf("gguf: quantize: tensor type %s is not supported", t)
	}
	for b := 0; b < nb; b++ {
		fn(src[b*bs:(b+1)*bs], dst[b*ts:(b+1)*ts])
	}
	return nil
}

func putF16(b []byte, x float32) { binary.LittleEndian.PutUint16(b, FP32ToFP16(x)) }

// absMax returns the element of largest magnitude, with its sign.
func absMax(x []float32) (amax, max float32) {
	for _, v := range x {
		if a := float32(math.Abs(float64(v))); a > amax {
			amax, max = a, v
		}
	}
	return amax, max
}

func minMax(x []float32) (lo, hi float32) {
	lo, hi = x[0], x[0]
	for _, v := range x[1:] {
		lo = min(lo, v)
		hi = max(hi, v)
	}
	return lo, hi
}

func quantQ8_0(x []float32, blk []byte) {
	amax, _ := absMax(x)
	d := amax / 127
	var id float32
	if d != 0 {
		id = 1 / d
	}
	putF16(blk, d)
	for j, v := range x {
		blk[2+j] = byte(int8(nearestInt(v * id)))
	}
}

func quantQ4_0(x []float32, blk []byte) {
	_, m := absMax(x)
	d := m / -8
	var id float32
	if d != 0 {
		id = 1 / d
	}
	putF16(blk, d)
	for j := 0; j < 16; j++ {
		q0 := min(15, int8(x[j]*id+8.5))
		q1 := min(15, int8(x[j+16]*id+8.5))
		blk[2+j] = byte(q0) | byte(q1)<<4
	}
}

func quantQ4_1(x []float32, blk []byte) {
	lo, hi := minMax(x)
	d := (hi - lo) / 15
	var id float32
	if d != 0 {
		id = 1 / d
	}
	putF16(blk, d)
	putF16(blk[2:], lo)
	for j := 0; j < 16; j++ {
		q0 := min(15, int8((x[j]-lo)*id+0.5))
		q1 := min(15, int8((x[j+16]-lo)*id+0.5))
		blk[4+j] = byte(q0) | byte(q1)<<4
	}
}

func quantQ5_0(x []float32, blk []byte) {
	_, m := absMax(x)
	d := m / -16
	var id float32
	if d != 0 {
		id = 1 / d
	}
	putF16(blk, d)
	var qh uint32
	for j := 0; j < 16; j++ {
		q0 := min(31, int8(x[j]*id+16.5))
		q1 := min(31, int8(x[j+16]*id+16.5))
		blk[6+j] = byte(q0)&0x0f | (byte(q1)&0x0f)<<4
		qh |= uint32(q0>>4&1) << uint(j)
		qh |= uint32(q1>>4&1) << uint(j+16)
	}
	binary.LittleEndian.PutUint32(blk[2:], qh)
}

func quantQ5_1(x []float32, blk []byte) {
	lo, hi := minMax(x)
	d := (hi - lo) / 31
	var id float32
	if d != 0 {
		id = 1 / d
	}
	putF16(blk, d)
	putF16(blk[2:], lo)
	var qh uint32
	for j := 0; j < 16; j++ {
		q0 := min(31, int8((x[j]-lo)*id+0.5))
		q1 := min(31, int8((x[j+16]-lo)*id+0.5))
		blk[8+j] = byte(q0)&0x0f | (byte(q1)&0x0f)<<4
		qh |= uint32(q0>>4&1) << uint(j)
		qh |= uint32(q1>>4&1) << uint(j+16)
	}
	binary.LittleEndian.PutUint32(blk[4:], qh)
}

// nearestInt rounds half away from zero without going through float64.
func nearestInt(v float32) int {
	if v >= 0 {
		return int(v + 0.5)
	}
	return -int(-v + 0.5)
}

func clampRound(v float32, lo, hi int) int {
	return max(lo, min(hi, nearestInt(v)))
}

// fitMinScale finds scale >= 0 and mn >= 0 such that x ≈ scale*q - mn with
// q in [0, nmax], by trying a range of inverse scales and refitting each by
// least squares (as ggml's make_qkx2_quants does, with unit weights). The
// error of each candidate is computed from the same running sums. Every
// product is converted explicitly so that no compiler fuses it with the
// following addition (Go may on arm64): the levels, and so the files, are
// the same on every platform.
func fitMinScale(x []float32, nmax int) (scale, mn float32) {
	lo, hi := minMax(x)
	lo = min(lo, 0)
	if hi <= lo {
		return 0, -lo
	}
	n := float32(len(x))
	var sx, sx2 float32
	for _, v := range x {
		sx += v
		sx2 += float32(v * v)
	}
	bestErr := float32(math.Inf(1))
	scale, mn = (hi-lo)/float32(nmax), -lo
	fmax := float32(nmax)
	for step := -4; step <= 4; step++ {
		iscale := (fmax + float32(0.25*float32(step))) / (hi - lo)
		var sl, sl2, sxl float32
		for _, v := range x {
			q := float32(int(float32((v-lo)*iscale) + 0.5))
			q = min(q, fmax)
			sl += q
			sl2 += float32(q * q)
			sxl += float32(v * q)
		}
		// least squares for x = s*q + m
		det := float32(n*sl2) - float32(sl*sl)
		if det <= 0 {
			continue
		}
		s := (float32(n*sxl) - float32(sl*sx)) / det
		m := (float32(sl2*sx) - float32(sl*sxl)) / det
		if m > 0 { // the format needs m <= 0: refit the scale alone
			m = 0
			s = sxl / sl2
		}
		if s <= 0 {
			continue
		}
		// sum (s*q + m - x)^2 expanded over the running sums
		e := float32(s*s*sl2) + float32(2*s*m*sl) - float32(2*s*sxl) + float32(n*m*m) - float32(2*m*sx) + sx2
		if e < bestErr {
			bestErr, scale, mn = e, s, -m
		}
	}
	return scale, mn
}

// quantKScaleMin quantizes 8 sub-blocks of 32 with 6-bit scales and mins
// (Q4_K and Q5_K): it returns d, dmin, the packed 12 scale bytes and the
// per-element levels.
func quantKScaleMin(x []float32, nmax int, L *[QK_K]uint8) (d, dmin float32, packed [12]byte) {
	var scales, mins [8]float32
	var maxScale, maxMin float32
	for j := 0; j < 8; j++ {
		scales[j], mins[j] = fitMinScale(x[32*j:32*j+32], nmax)
		maxScale = max(maxScale, scales[j])
		maxMin = max(maxMin, mins[j])
	}
	var ls, lm [8]uint8
	var invScale, invMin float32
	if maxScale > 0 {
		invScale = 63 / maxScale
	}
	if maxMin > 0 {
		invMin = 63 / maxMin
	}
	for j := 0; j < 8; j++ {
		ls[j] = uint8(clampRound(invScale*scales[j], 0, 63))
		lm[j] = uint8(clampRound(invMin*mins[j], 0, 63))
	}
	// Use the scales as they will be stored (f16) for the levels.
	d = FP16ToFP32(FP32ToFP16(maxScale / 63))
	dmin = FP16ToFP32(FP32ToFP16(maxMin / 63))
	for j := 0; j < 8; j++ {
		if j < 4 {
			packed[j] = ls[j]
			packed[j+4] = lm[j]
		} else {
			packed[j+4] = ls[j]&0x0f | (lm[j]&0x0f)<<4
			packed[j-4] |= (ls[j] >> 4) << 6
			packed[j] |= (lm[j] >> 4) << 6
		}
		dl, ml := d*float32(ls[j]), dmin*float32(lm[j])
		for i := 32 * j; i < 32*j+32; i++ {
			if dl == 0 {
				L[i] = 0
				continue
			}
			L[i] = uint8(clampRound((x[i]+ml)/dl, 0, nmax))
		}
	}
	return d, dmin, packed
}

func quantQ4_K(x []float32, blk []byte) {
	var L [QK_K]uint8
	d, dmin, sc := quantKScaleMin(x, 15, &L)
	putF16(blk, d)
	putF16(blk[2:], dmin)
	copy(blk[4:16], sc[:])
	q := blk[16:144]
	for j := 0; j < QK_K; j += 64 {
		for l := 0; l < 32; l++ {
			q[l] = L[j+l] | L[j+l+32]<<4
		}
		q = q[32:]
	}
}

func quantQ5_K(x []float32, blk []byte) {
	var L [QK_K]uint8
	d, dmin, sc := quantKScaleMin(x, 31, &L)
	putF16(blk, d)
	putF16(blk[2:], dmin)
	copy(blk[4:16], sc[:])
	qh := blk[16:48]
	ql := blk[48:176]
	clear(qh)
	u1, u2 := byte(1), byte(2)
	for j := 0; j < QK_K; j += 64 {
		for l := 0; l < 32; l++ {
			a, b := L[j+l], L[j+l+32]
			ql[l] = a&0x0f | (b&0x0f)<<4
			if a > 15 {
				qh[l] |= u1
			}
			if b > 15 {
				qh[l] |= u2
			}
		}
		ql = ql[32:]
		u1 <<= 2
		u2 <<= 2
	}
}

// fitSymScale finds a scale for x ≈ scale*q with q in [-nmax, nmax-1]:
// for inverse scales around nmax/amax it takes the levels, refits the scale
// by least squares and keeps the candidate with the least squared error
// (which is maximal (x·q)²/(q·q)), as ggml's make_qx_quants does.
func fitSymScale(x []float32, nmax int) float32 {
	amax, m := absMax(x)
	if amax == 0 {
		return 0
	}
	best, bestGain := m/float32(-nmax), float32(-1)
	for step := -4; step <= 4; step++ {
		iscale := -(float32(nmax) + float32(0.2*float32(step))) / m
		var sxl, sl2 float32
		for _, v := range x {
			q := float32(clampRound(iscale*v, -nmax, nmax-1))
			sxl += float32(v * q) // explicit: no fused multiply-add (see fitMinScale)
			sl2 += float32(q * q)
		}
		if sl2 == 0 {
			continue
		}
		if g := sxl * sxl / sl2; g > bestGain {
			best, bestGain = sxl/sl2, g
		}
	}
	return best
}

func quantQ6_K(x []float32, blk []byte) {
	var scales [16]float32
	var maxScale, maxAbs float32
	for ib := 0; ib < 16; ib++ {
		s := fitSymScale(x[16*ib:16*ib+16], 32)
		scales[ib] = s
		if a := float32(math.Abs(float64(s))); a > maxAbs {
			maxAbs, maxScale = a, s
		}
	}
	ql := blk[0:128]
	qh := blk[128:192]
	sc := blk[192:208]
	var L [QK_K]uint8
	if maxAbs == 0 {
		clear(blk)
		for i := range L {
			L[i] = 32
		}
	} else {
		iscale := -128 / maxScale
		d := FP16ToFP32(FP32ToFP16(1 / iscale))
		putF16(blk[208:], 1/iscale)
		for ib := 0; ib < 16; ib++ {
			s := int8(clampRound(iscale*scales[ib], -128, 127))
			sc[ib] = byte(s)
			dl := d * float32(s)
			for i := 16 * ib; i < 16*ib+16; i++ {
				if dl == 0 {
					L[i] = 32
					continue
				}
				L[i] = uint8(clampRound(x[i]/dl, -32, 31) + 32)
			}
		}
	}
	for j := 0; j < QK_K; j += 128 {
		for l := 0; l < 32; l++ {
			a, b, c, e := L[j+l], L[j+l+32], L[j+l+64], L[j+l+96]
			ql[l] = a&0x0f | (c&0x0f)<<4
			ql[l+32] = b&0x0f | (e&0x0f)<<4
			qh[l] = a>>4 | (b>>4)<<2 | (c>>4)<<4 | (e>>4)<<6
		}
		ql = ql[64:]
		qh = qh[32:]
	}
}
