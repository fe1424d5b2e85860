//go:build !purego

package kernels

// dotQ4_KR4AVX512 (dotq4k512_amd64.s) is dotQ4_K of the four rows row,
// row+stride, row+2*stride, row+3*stride against one Q8_K activation vector
// (q, d, bs; nb super-blocks), into out[0..3], bit-identical per row to
// dotQ4_K. It prefetches, from pf bytes past row on, as many bytes as the
// four rows hold. Needs AVX-512 F/BW/VL/DQ and VNNI (hasAVX512).
//
//go:noescape
func dotQ4_KR4AVX512(row *byte, stride int, q *int8, d *float32, bs *int16, nb int, out *float32, pf int)
