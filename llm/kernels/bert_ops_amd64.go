//go:build !purego

package kernels

func hasBertOps() bool { return hasAVX512Bert }

//go:noescape
func bertQK4(q *float32, qstride int, hd int, kt *float32, ldk int, n16 int, s *float32, lds int)

//go:noescape
func bertPV4(p *float32, lds int, n int, v *float32, ldv int, n32 int, o *float32, ldo int)

//go:noescape
func bertSoftmax(s *float32, n int, scale float32)

//go:noescape
func bertGELU(x *float32, n int, table *float32)

//go:noescape
func bertLayerNorm(dst, src, w, b *float32, n int, nf float64, eps float32)
