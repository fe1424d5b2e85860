package kernels

// dotQ4_Kx4Gemm computes one Q4_K row against four activation vectors
// (q: 4*cols values, d: 4*nb scales, bs: 4*nb*16 sums; results in dst[0],
// dst[stride], dst[2*stride], dst[3*stride]) the way llama.cpp's repacked
// GEMM ggml_gemm_q4_K_8x8_q8_K does. llama.cpp sends every group of four
// token rows of a batch through that GEMM (the remaining rows, and decode,
// through the GEMV that dotQ4_K follows). The GEMM keeps, per output, a
// scale accumulator and a mins accumulator, and feeds each with one fused
// multiply-add per pair of sub-blocks (64 elements) rather than one per
// super-block:
//
//	acc  = fma(sc[2p]*q·x[sub 2p] + sc[2p+1]*q·x[sub 2p+1], d_w*d_x, acc)
//	accm = fma(m[2p]*bsum(2p) + m[2p+1]*bsum(2p+1), dmin_w*d_x, accm)
//	out  = acc - accm
//
// The sums are the same integers; only the roundings differ from dotQ4_K's,
// by an ulp here and there. That is enough to move llama.cpp's greedy
// output on small random models: its attention scores are sharp, and a
// last-bit change in a Q or K projection of a prompt token shifts later
// logits by several hundredths.
func dotQ4_Kx4Gemm(row []byte, q []int8, d []float32, bs []int16, dst []float32, stride int) {
	nb := len(d) / 4
	c := nb * 256
	row = row[:nb*144]
	var acc, accm [4]float32
	var sc, mn [8]int32
	for b := 0; b < nb; b++ {
		blk := row[b*144 : b*144+144]
		scales := blk[4:16]
		qs := blk[16:144]
		for j := 0; j < 8; j++ {
			sc[j], mn[j] = scaleMinK4(j, scales)
		}
		dw, dmw := f16(blk), f16(blk[2:])
		for t := 0; t < 4; t++ {
			xq := q[t*c+b*256 : t*c+b*256+256]
			bsum := bs[(t*nb+b)*16 : (t*nb+b)*16+16]
			dx := d[t*nb+b]
			dd, dm := dw*dx, dmw*dx
			a, am := acc[t], accm[t]
			for p := 0; p < 4; p++ {
				qq := qs[32*p : 32*p+32]
				x0 := xq[64*p : 64*p+32]
				x1 := xq[64*p+32 : 64*p+64]
				var s0, s1 int32
				for l := 0; l < 32; l++ {
					v := qq[l]
					s0 += int32(v&0xf) * int32(x0[l])
					s1 += int32(v>>4) * int32(x1[l])
				}
				a = fma32(float32(sc[2*p]*s0+sc[2*p+1]*s1), dd, a)
				sm := mn[2*p]*(int32(bsum[4*p])+int32(bsum[4*p+1])) + mn[2*p+1]*(int32(bsum[4*p+2])+int32(bsum[4*p+3]))
				am = fma32(float32(sm), dm, am)
			}
			acc[t], accm[t] = a, am
		}
	}
	for t := 0; t < 4; t++ {
		dst[t*stride] = acc[t] - accm[t]
	}
}
