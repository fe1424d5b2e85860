//go:build !purego

package kernels

import (
	"os"

	"golang.org/x/sys/cpu"
)

//go:noescape
func attnScores2AVX512(kt *float32, q0, q1 *float32, hd int, scale float32, m0, m1 uint64, kq0, kq1 *float32) (max0, max1 float32)

//go:noescape
func attnExpAccAVX512(kq *float32, mnew, ms float32, nt int, out *float32, hdv int, v *uint16, vstride int) float64

//go:noescape
func attnScores1AVX2(kt *float32, q *float32, hd int, scale float32, nt int, kq *float32) float32

//go:noescape
func attnExpAccAVX2(kq *float32, mnew, ms float32, nt int, out *float32, hdv int, v *uint16, vstride int) float64

//go:noescape
func siluMulAVX2(x, y *float32, n int)

var (
	hasAttnAVX512 = cpu.X86.HasAVX512F && cpu.X86.HasAVX512VL && cpu.X86.HasAVX512DQ &&
		cpu.X86.HasAVX512BW && cpu.X86.HasOSXSAVE
	hasAttnAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA && cpu.X86.HasF16C && cpu.X86.HasOSXSAVE
	attnLevel   string // "avx512", "avx2" or "" (none)
)

func init() {
	if os.Getenv("DOCENT_KERNELS") == "go" {
		return
	}
	switch {
	case hasAttnAVX512:
		SetAttnKernelLevel("avx512")
	case hasAttnAVX2:
		SetAttnKernelLevel("avx2")
	}
}

// AttnKernelLevels lists the instruction sets of the attention kernels that
// this CPU can run, best first.
func AttnKernelLevels() []string {
	var l []string
	if hasAttnAVX512 {
		l = append(l, "avx512")
	}
	if hasAttnAVX2 {
		l = append(l, "avx2")
	}
	return l
}

// SetAttnKernelLevel selects the attention kernels ("avx512", "avx2", or ""
// for none: AttnKernels false) and returns the previous choice. For tests
// and comparisons; not safe while kernels run.
func SetAttnKernelLevel(level string) string {
	prev := attnLevel
	attnLevel = level
	AttnKernels = level != ""
	return prev
}

func tileMask(nt int) uint64 {
	if nt >= AttnTileKV {
		return ^uint64(0)
	}
	return 1<<uint(nt) - 1
}

// AttnScores2 computes the scores of two queries against a transposed tile
// of keys, kt[j*AttnTileKV+k] for key k and dimension j < hd = len(q0):
// kq[k] = (fma chain over j of q[j]*kt[j][k]) * scale, each chain a
// sequence of float32 fused multiply-adds from 0 in the order of j, for
// k < nt; kq[k] = -Inf for k >= nt. It returns the maximum of each kq over
// k < nt as VMAXPS finds it: exact, except that the sign of a zero maximum
// is unspecified, and NaN when any lane is NaN. Requires AttnKernels and
// 1 <= nt0, nt1 <= AttnTileKV.
func AttnScores2(kt []float32, q0, q1 []float32, scale float32, nt0, nt1 int, kq0, kq1 *[AttnTileKV]float32) (float32, float32) {
	hd := len(q0)
	_ = kt[hd*AttnTileKV-1]
	_ = q1[hd-1]
	if attnLevel == "avx2" {
		return attnScores1AVX2(&kt[0], &q0[0], hd, scale, nt0, &kq0[0]),
			attnScores1AVX2(&kt[0], &q1[0], hd, scale, nt1, &kq1[0])
	}
	return attnScores2AVX512(&kt[0], &q0[0], &q1[0], hd, scale, tileMask(nt0), tileMask(nt1), &kq0[0], &kq1[0])
}

// AttnExpAcc replaces kq[k] by vexpf(kq[k]-mnew) (ggml's AVX-512 expf) for
// all 64 lanes and returns their sum taken by 16-lane groups, each reduced
// like _mm512_reduce_add_ps and added in order to a float64 from 0. Then it
// scales out by ms and accumulates out[j] = fma(kq[k], v[k*vstride+j],
// out[j]) for k = 0..nt-1 in order (v in F16). Requires AttnKernels and
// len(out) a multiple of 16.
func AttnExpAcc(kq *[AttnTileKV]float32, mnew, ms float32, nt int, out []float32, v []uint16, vstride int) float64 {
	hdv := len(out)
	if hdv%16 != 0 || nt < 1 || nt > AttnTileKV {
		panic("kernels: AttnExpAcc: bad shape")
	}
	_ = v[(nt-1)*vstride+hdv-1]
	if attnLevel == "avx2" {
		return attnExpAccAVX2(&kq[0], mnew, ms, nt, &out[0], hdv, &v[0], vstride)
	}
	return attnExpAccAVX512(&kq[0], mnew, ms, nt, &out[0], hdv, &v[0], vstride)
}

//go:noescape
func siluMulAVX512(x, y *float32, n int)

// SiLUMul16 sets g[i] = g[i]/(1+vexpf(-g[i])) * u[i] (ggml's AVX-512 SiLU
// with its vectorised expf, as llm/model's silu computes it) for the first
// len(g)&^15 elements and returns that count; 0 without AttnKernels. The
// caller finishes the tail.
func SiLUMul16(g, u []float32) int {
	n := len(g) &^ 15
	if !AttnKernels || n == 0 {
		return 0
	}
	_ = u[n-1]
	if attnLevel == "avx2" {
		siluMulAVX2(&g[0], &u[0], n)
	} else {
		siluMulAVX512(&g[0], &u[0], n)
	}
	return n
}
