//go:build !amd64 || purego

package kernels

func accumRoundF16x64Go(out []float32, v []uint16, vStride int, ms, vs []float32) {
	panic("kernels: no assembly AccumRoundF16")
}
