//go:build !amd64 || purego

package kernels

var (
	bertF16TileImpl func(row []byte, rowBytes int, x []float32, cols int, dst []float32, stride, nt, nv int, bias, res []float32)
	roundF16Impl    = roundF16Go
)
