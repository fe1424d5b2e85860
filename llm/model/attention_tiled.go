package model

import (
	"math"
	"os"

	"github.com/docent-dev/docent/llm/gguf"
	"github.com/docent-dev/docent/llm/kernels"
)

// The fast form of tiledAttention: the same float32 operations per query
// in the same order (bit-identical results), reorganised so that SIMD runs
// across keys for the scores and across the value dimension for the
// weighted sum. Work items are (KV head, block of query tokens): each tile
// of 64 keys of the KV head is widened to float32 and transposed once per
// item ([hd][64]) and then serves every query of the block that reaches it
// (the block's tokens times the heads of the GQA group), two queries per
// kernel call. Each query keeps its running maximum and sum across tiles,
// and its accumulator in its output row.

const (
	tiledMaxHD    = 256 // largest head dimension of the fast path
	tiledMaxQ     = 128 // most queries (tokens x group heads) per item
	tiledBlockTok = 16  // tokens per item (fewer for large groups)
)

// attnRef, set by DOCENT_ATTN=ref, keeps the reference tiledAttention (for
// comparisons). DOCENT_ATTN=avx2 picks the AVX2 kernels on a CPU that has
// AVX-512 too.
var attnRef = os.Getenv("DOCENT_ATTN") == "ref"

func init() {
	if l := os.Getenv("DOCENT_ATTN"); l == "avx2" && kernels.AttnKernels {
		for _, have := range kernels.AttnKernelLevels() {
			if have == l {
				kernels.SetAttnKernelLevel(l)
			}
		}
	}
}

func tiledFastOK(d *Decoder) bool {
	group := d.Heads / d.KVHeads
	return kernels.AttnKernels && !attnRef && d.HeadDim <= tiledMaxHD &&
		d.HeadDimV%16 == 0 && group <= tiledMaxQ
}

// tiledBlock is the number of query tokens per work item for a GQA group.
func tiledBlock(group int) int { return max(1, min(tiledBlockTok, tiledMaxQ/group)) }

// doTiled runs the work items of the fast tiled path that fall to the pool
// range [lo, hi) of [0, nTok*Heads): item u of W goes to the range holding
// u*N/W. Items are ordered by token block 0, last, 1, last-1, ... (each for
// every KV head) so that contiguous ranges get about equal causal work.
func (t *attnTask) doTiled(lo, hi int) {
	s := t.s
	d := s.d
	group := d.Heads / d.KVHeads
	bt := tiledBlock(group)
	nb := (t.nTok + bt - 1) / bt
	W := nb * d.KVHeads
	N := t.nTok * d.Heads
	uLo, uHi := (lo*W+N-1)/N, (hi*W+N-1)/N
	hd, hdv := d.HeadDim, d.HeadDimV
	scale := 1 / float32(math.Sqrt(float64(hd)))
	kc, vc := s.kc[t.layer], s.vc[t.layer]
	for u := uLo; u < uHi; u++ {
		b := balancedToken(u/d.KVHeads, nb)
		kvh := u % d.KVHeads
		tiledAttentionGroup(s.att, s.q, kc, vc, tiledGeom{
			hd: hd, hdv: hdv, heads: d.Heads, kvHeads: d.KVHeads,
			kvh: kvh, tokLo: b * bt, tokHi: min(t.nTok, (b+1)*bt), n0: s.n,
		}, scale)
	}
}

// tiledGeom places one work item: queries q[(i*heads+h)*hd:][:hd] with
// outputs att[(i*heads+h)*hdv:][:hdv] for tokens tokLo <= i < tokHi (token
// i at position n0+i, seeing positions 0..n0+i) and the heads h of KV head
// kvh; keys kc[p*kvHeads*hd+kvh*hd:][:hd], values likewise in vc.
type tiledGeom struct {
	hd, hdv, heads, kvHeads, kvh int
	tokLo, tokHi, n0             int
}

// tiledAttentionGroup computes, for every query of the item g, what
// tiledAttention computes. Requires kernels.AttnKernels, hd <= tiledMaxHD,
// hdv a multiple of 16 and at most tiledMaxQ queries.
func tiledAttentionGroup(att, q []float32, kc, vc []uint16, g tiledGeom, scale float32) {
	var kt [fattnTileKV * tiledMaxHD]float32
	var M, S [tiledMaxQ]float32
	var kq0, kq1 [fattnTileKV]float32
	hd, hdv := g.hd, g.hdv
	group := g.heads / g.kvHeads
	kvd, vd := g.kvHeads*hd, g.kvHeads*hdv
	kOff, vOff := g.kvh*hd, g.kvh*hdv
	nq := (g.tokHi - g.tokLo) * group
	// Query qi of the item: token tokLo+qi/group, head kvh*group+qi%group.
	qrow := func(qi int) int {
		return (g.tokLo+qi/group)*g.heads + g.kvh*group + qi%group
	}
	for qi := 0; qi < nq; qi++ {
		M[qi] = float32(math.Inf(-1))
		S[qi] = 0
		clear(att[qrow(qi)*hdv : (qrow(qi)+1)*hdv])
	}
	ktile := kt[:hd*fattnTileKV]
	nkvMax := g.n0 + g.tokHi
	for ic := 0; ic < nkvMax; ic += fattnTileKV {
		nt := min(fattnTileKV, nkvMax-ic)
		// Transpose the tile: ktile[j*64+k] = key ic+k, dimension j.
		for k := 0; k < nt; k++ {
			row := kc[(ic+k)*kvd+kOff : (ic+k)*kvd+kOff+hd]
			for j, h := range row {
				ktile[j*fattnTileKV+k] = gguf.FP16ToFP32(h)
			}
		}
		if nt < fattnTileKV {
			for j := 0; j < hd; j++ {
				clear(ktile[j*fattnTileKV+nt : (j+1)*fattnTileKV])
			}
		}
		// Tokens from ic-n0 on reach this tile.
		q0 := max(0, ic-g.n0-g.tokLo) * group
		for qa := q0; qa < nq; qa += 2 {
			qb := qa + 1
			kqb := &kq1
			if qb >= nq {
				qb = qa
			}
			ra, rb := qrow(qa), qrow(qb)
			nta := min(fattnTileKV, g.n0+g.tokLo+qa/group+1-ic)
			ntb := min(fattnTileKV, g.n0+g.tokLo+qb/group+1-ic)
			ma, mb := kernels.AttnScores2(ktile, q[ra*hd:(ra+1)*hd], q[rb*hd:(rb+1)*hd], scale, nta, ntb, &kq0, kqb)
			tiledSoftmaxAcc(&kq0, ma, nta, &M[qa], &S[qa], att[ra*hdv:(ra+1)*hdv], vc[ic*vd+vOff:], vd)
			if qb != qa {
				tiledSoftmaxAcc(kqb, mb, ntb, &M[qb], &S[qb], att[rb*hdv:(rb+1)*hdv], vc[ic*vd+vOff:], vd)
			}
		}
	}
	for qi := 0; qi < nq; qi++ {
		var inv float32
		if S[qi] != 0 {
			inv = 1 / S[qi]
		}
		out := att[qrow(qi)*hdv : (qrow(qi)+1)*hdv]
		for c := range out {
			out[c] *= inv
		}
	}
}

// tiledSoftmaxAcc is one tile of tiledAttention for one query after its
// scores: the running maximum and sum, the exponentials and the value
// accumulation. tm is the kernel's tile maximum.
func tiledSoftmaxAcc(kq *[fattnTileKV]float32, tm float32, nt int, M, S *float32, out []float32, v []uint16, vStride int) {
	if tm == 0 || tm != tm {
		// The kernel leaves the sign of a zero maximum open and finds NaN
		// without Go's rules for max: take it as the reference does.
		tm = float32(math.Inf(-1))
		for k := 0; k < nt; k++ {
			tm = max(tm, kq[k])
		}
	}
	Mnew := max(*M, tm)
	ms := float32(1)
	if Mnew > *M {
		ms = expf(*M - Mnew)
		*S *= ms
	}
	*M = Mnew
	sum := kernels.AttnExpAcc(kq, Mnew, ms, nt, out, v, vStride)
	*S = float32(float64(*S) + sum)
}
