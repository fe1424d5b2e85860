package kernels

import "github.com/docent-dev/docent/llm/gguf"

// mulRow4 computes row r against activation vectors v0..v0+4k-1 of a, four
// at a time, where a four-vector kernel exists for m.Type (the weight row is
// read once per four vectors). It returns the first vector it did not do:
// v0 plus a multiple of 4 (v0 when there is no such kernel).
func (m *Matrix) mulRow4(dst []float32, a *Acts, r, v0 int) int {
	c, rows := m.Cols, m.Rows
	row := m.row(r)
	v := v0
	switch {
	case m.Type == gguf.Q8_0 && dotQ8_0x4Impl != nil:
		nb := c / 32
		for ; v+4 <= a.n; v += 4 {
			dotQ8_0x4Impl(row, a.q[v*c:(v+4)*c], a.d[v*nb:(v+4)*nb], dst[v*rows+r:], rows)
		}
	case m.Type == gguf.Q5_0 && dotQ5_0x4Impl != nil:
		nb := c / 32
		for ; v+4 <= a.n; v += 4 {
			dotQ5_0x4Impl(row, a.q[v*c:(v+4)*c], a.d[v*nb:(v+4)*nb], dst[v*rows+r:], rows)
		}
	case m.Type == gguf.Q4_K && dotQ4_Kx4Impl != nil:
		nb := c / 256
		for ; v+4 <= a.n; v += 4 {
			dotQ4_Kx4Impl(row, a.q[v*c:(v+4)*c], a.d[v*nb:(v+4)*nb], a.bs[v*nb*16:(v+4)*nb*16], dst[v*rows+r:], rows)
		}
	case m.Type == gguf.Q6_K && dotQ6_Kx4Impl != nil:
		nb := c / 256
		for ; v+4 <= a.n; v += 4 {
			dotQ6_Kx4Impl(row, a.q[v*c:(v+4)*c], a.d[v*nb:(v+4)*nb], dst[v*rows+r:], rows)
		}
	case m.Type == gguf.F16 && a.n > 1 && dotF16x4Impl != nil:
		for ; v+4 <= a.n; v += 4 {
			dotF16x4Impl(row, a.f[v*c:(v+4)*c], dst[v*rows+r:], rows)
		}
	}
	return v
}
