//go:build !amd64 || purego

package kernels

// AttnScores2 is not available on this platform (AttnKernels is false).
func AttnScores2(kt []float32, q0, q1 []float32, scale float32, nt0, nt1 int, kq0, kq1 *[AttnTileKV]float32) (float32, float32) {
	panic("kernels: no attention kernels")
}

// AttnExpAcc is not available on this platform (AttnKernels is false).
func AttnExpAcc(kq *[AttnTileKV]float32, mnew, ms float32, nt int, out []float32, v []uint16, vstride int) float64 {
	panic("kernels: no attention kernels")
}

// SiLUMul16 does nothing on this platform (see the amd64 version).
func SiLUMul16(g, u []float32) int { return 0 }

// AttnKernelLevels lists none on this platform.
func AttnKernelLevels() []string { return nil }

// SetAttnKernelLevel accepts only "" on this platform.
func SetAttnKernelLevel(level string) string {
	if level != "" {
		panic("kernels: no attention kernels")
	}
	return ""
}
