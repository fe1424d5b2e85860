//go:build !purego

package kernels

// dotQ6_KR4AVX512 (dotq6k512_amd64.s) is dotQ6_K of the four rows row,
// row+stride, row+2*stride and row+3*stride (nb Q6_K blocks each) against
// one Q8_K activation vector (q, d, bs), into out[0..3], bit-identical per
// row; it prefetches the rows from pf bytes past row on. Needs AVX-512 F, BW,
// VL and VNNI (hasAVX512).
//
//go:noescape
func dotQ6_KR4AVX512(row *byte, stride int, q *int8, d *float32, bs *int16, nb int, out *float32, pf int)

// q6kPFMin is the least prefetch distance, in bytes, of the Q6_K four-row
// kernel (pfDist rows are too few for rows of 2048 columns, 1680 bytes).
const q6kPFMin = 32 << 10
