//go:build !amd64 || purego

package kernels

func (m *Matrix) mulRangeTile(dst []float32, a *Acts, r0, r1 int) bool { return false }

func useKTileKernels() {}

func noKTileKernels() {}

var ktileQ4_K, ktileQ6_K bool
