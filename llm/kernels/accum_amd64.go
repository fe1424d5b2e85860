//go:build !purego

package kernels

//go:noescape
func accumRoundF16x64(out *float32, v *uint16, vStride int, ms, vs *float32, n int)

func accumRoundF16x64Go(out []float32, v []uint16, vStride int, ms, vs []float32) {
	n := len(vs)
	_ = out[63]
	_ = ms[n-1]
	_ = v[(n-1)*vStride+63]
	accumRoundF16x64(&out[0], &v[0], 2*vStride, &ms[0], &vs[0], n)
}
