package kernels

// useAccumAsm selects accumRoundF16x64Go (AccumRoundF16 on 64 values of
// out in assembly). A flag, not a function variable, so that the callers'
// slices do not escape.
var useAccumAsm bool

// AccumRoundF16 is ggml's flash-attention value accumulation over rows of
// F16 values: for j < len(vs), if ms[j] != 1, out = F16-rounded out*ms[j]
// (ScaleRoundF16); then out = F16-rounded fma(v_j, vs[j], out)
// (AxpyRoundF16), v_j = v[j*vStride : j*vStride+len(out)]. Bit-identical to
// those calls in sequence.
func AccumRoundF16(out []float32, v []uint16, vStride int, ms, vs []float32) {
	n := len(vs)
	if n == 0 || len(out) == 0 {
		return
	}
	ms = ms[:n]
	_ = v[(n-1)*vStride+len(out)-1]
	c := 0
	if useAccumAsm {
		for ; c+64 <= len(out); c += 64 {
			accumRoundF16x64Go(out[c:c+64], v[c:], vStride, ms, vs)
		}
	}
	if c == len(out) {
		return
	}
	o := out[c:]
	for j := 0; j < n; j++ {
		if ms[j] != 1 {
			scaleRoundF16Impl(o, ms[j])
		}
		axpyRoundF16Impl(o, v[j*vStride+c:j*vStride+len(out)], vs[j])
	}
}
