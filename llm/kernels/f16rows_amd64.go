//go:build !purego

package kernels

import "os"

// F16 decode with the activations read as F16 (f16rows_amd64.s). The
// activations of an F16 matrix are F16-rounded (Acts.Prepare), so their F16
// copy converts back to exactly the same float32 values: per row the
// arithmetic stays dotF16Vec's (dotF16VecAVX2's) FMAs, fold and tail, bit
// for bit. Reading half the activation bytes keeps them in L1 next to the
// streamed weights: the long rows (FFN down, 4864 columns in
// Qwen2.5-0.5B) otherwise evict part of their 19 KB float32 activation
// vector from the 32 KB L1 every row. DOCENT_F16ROWS=off leaves F16 decode
// on the float32-activation AVX2 kernel.

//go:noescape
func f16FromF32(dst *uint16, x *float32, n int)

//go:noescape
func dotF16HX64(row *byte, xh *uint16, n int) float32

var f16RowsOn = os.Getenv("DOCENT_F16ROWS") != "off"

// f16MaxCols bounds the on-stack F16 activation copy; longer rows stay on
// the float32-activation kernel.
const f16MaxCols = 8192

// mulRowsF16 computes rows r0.. of the F16 matrix m against the single
// activation vector of a into dst[r]; it returns how many rows it did (all,
// or 0 when the rows are shorter than 64 or longer than f16MaxCols).
func mulRowsF16(m *Matrix, dst []float32, a *Acts, r0, r1 int) int {
	c := m.Cols
	k := c &^ 63
	if !f16RowsOn || k == 0 || k > f16MaxCols || r1 <= r0 {
		return 0
	}
	rb := m.rowBytes
	data := m.Data[r0*rb : r1*rb]
	dst = dst[r0:r1]
	x := a.f[:c]
	var xh [f16MaxCols]uint16
	f16FromF32(&xh[0], &x[0], k)
	for i := range dst {
		dst[i] = dotF16HX64(&data[i*rb], &xh[0], k/64)
	}
	if k < c {
		for i := range dst {
			row := data[i*rb : (i+1)*rb]
			sum := float64(dst[i])
			for j := k; j < c; j++ {
				sum += float64(f16(row[2*j:]) * x[j])
			}
			dst[i] = float32(sum)
		}
	}
	return len(dst)
}
