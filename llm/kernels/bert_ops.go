package kernels

// Attention and GELU helpers for BERT encoders: assembly on CPUs with
// AVX-512, nothing elsewhere (the callers keep their Go loops).

// AttnScratch is reusable scratch space for BertAttention (one per
// goroutine).
type AttnScratch struct {
	kt, vh, q, s, o []float32
}

// BertAttention computes one head of bidirectional self-attention over one
// sequence of L tokens: out_i = sum_j softmax_j(scale * q_i·k_j) v_j. Row i
// of q, k, v and out starts at i*ld (head offset already applied) and has
// hd values. It reports false, computing nothing, where there is no fast
// kernel (no AVX-512, DOCENT_KERNELS=go, or hd not a multiple of 32).
// Products are float32 fused multiply-adds; the exponential is Cephes'
// expf polynomial (about 1 ulp).
func BertAttention(out, q, k, v []float32, ld, L, hd int, scale float32, sc *AttnScratch) bool {
	if !hasBertOps() || backend == "go" || hd%32 != 0 || L <= 0 {
		return false
	}
	last := (L-1)*ld + hd
	_, _, _, _ = out[last-1], q[last-1], k[last-1], v[last-1]
	lp := (L + 15) &^ 15
	sc.kt = growF32(sc.kt, hd*lp)
	sc.s = growF32(sc.s, 4*lp)
	sc.q = growF32(sc.q, 4*hd)
	sc.o = growF32(sc.o, 4*hd)
	kt := sc.kt
	for j := 0; j < L; j++ {
		kr := k[j*ld : j*ld+hd]
		for d, x := range kr {
			kt[d*lp+j] = x
		}
	}
	if lp > L {
		for d := 0; d < hd; d++ {
			clear(kt[d*lp+L : (d+1)*lp])
		}
	}
	// The head's values, dense: the products below stream them once per
	// four queries.
	sc.vh = growF32(sc.vh, L*hd)
	vh := sc.vh
	for j := 0; j < L; j++ {
		copy(vh[j*hd:(j+1)*hd], v[j*ld:j*ld+hd])
	}
	for i := 0; i < L; i += 4 {
		nq := min(4, L-i)
		qp, qs := q[i*ld:], ld
		if nq < 4 {
			clear(sc.q)
			for r := 0; r < nq; r++ {
				copy(sc.q[r*hd:(r+1)*hd], q[(i+r)*ld:(i+r)*ld+hd])
			}
			qp, qs = sc.q, hd
		}
		bertQK4(&qp[0], 4*qs, hd, &kt[0], 4*lp, lp/16, &sc.s[0], 4*lp)
		for r := 0; r < nq; r++ {
			bertSoftmax(&sc.s[r*lp], L, scale)
		}
		if nq == 4 {
			bertPV4(&sc.s[0], 4*lp, L, &vh[0], 4*hd, hd/32, &out[i*ld], 4*ld)
			continue
		}
		bertPV4(&sc.s[0], 4*lp, L, &vh[0], 4*hd, hd/32, &sc.o[0], 4*hd)
		for r := 0; r < nq; r++ {
			copy(out[(i+r)*ld:(i+r)*ld+hd], sc.o[r*hd:(r+1)*hd])
		}
	}
	return true
}

// BertGELU replaces the first n&^15 values of x by table lookups as
// bertGELUInPlace in the model package does (table indexed by the F16 bits
// of x, 0 at or below -10, x at or above 10) and returns how many it did:
// 0 without AVX-512.
func BertGELU(x []float32, table []float32) int {
	n := len(x) &^ 15
	if !hasBertOps() || backend == "go" || n == 0 || len(table) != 1<<16 {
		return 0
	}
	bertGELU(&x[0], n, &table[0])
	return n
}

// BertLayerNorm sets dst to src normalised to zero mean and unit variance,
// times w plus b (b may be nil), as ggml_norm then the weight and bias do
// (sums in float64). It reports false, computing nothing, without AVX-512
// or when the length is not a multiple of 16.
func BertLayerNorm(dst, src, w, b []float32, eps float32) bool {
	n := len(src)
	if !hasBertOps() || backend == "go" || n == 0 || n%16 != 0 {
		return false
	}
	_, _ = dst[n-1], w[n-1]
	var bp *float32
	if b != nil {
		bp = &b[:n][0]
	}
	bertLayerNorm(&dst[0], &src[0], &w[0], bp, n, float64(n), eps)
	return true
}
