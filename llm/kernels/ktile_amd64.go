//go:build !purego

package kernels

import (
	"os"
	"sync"
	"unsafe"

	"github.com/docent-dev/docent/llm/gguf"
	"golang.org/x/sys/cpu"
)

// AVX-512 VNNI prefill kernels for Q4_K and Q6_K weights (ktile_amd64.s):
// one weight row against 4, 8 or 16 activation vectors per call (Q4_K;
// 4 or 8 for Q6_K), each weight block unpacked once for all of them. Per
// (row, vector) they compute exactly what the Go references compute:
// dotQ4_Kx4Gemm (llama.cpp's Q4_K GEMM numerics, for each group of four
// batch rows; leftover rows take dotQ4_K, llama.cpp's GEMV) and dotQ6_K.
//
// mulRangeTile (called first by mulRange) runs them over a row range in
// tiles: rows in tiles of 64, whose weights stay in L2 while every vector
// group passes; columns in chunks of 4 blocks, whose activations stay in L1
// while the tile's rows pass; the float accumulators are carried across
// chunks in memory, so the fused multiply-adds per (row, vector) happen in
// the references' order. Q4_K activations are first permuted (permQ4K) so
// that one accumulator per vector takes a whole block.

//go:noescape
func q4kTile4(row *byte, xp *byte, nb int, acc *float32)

//go:noescape
func q4kTile8(row *byte, xp0, xp1 *byte, nb int, acc *float32)

//go:noescape
func q4kTile16(row *byte, xp0, xp1, xp2, xp3 *byte, nb int, acc *float32)

//go:noescape
func q6kTile8(row *byte, q *int8, aux *byte, nb, c int, acc *float32)

//go:noescape
func q6kTile4(row *byte, q *int8, d *float32, bs *int16, nb int, out *float32)

var hasKTile = hasAVX2 && cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW &&
	cpu.X86.HasAVX512VL && cpu.X86.HasAVX512VNNI

// ktileQ4_K / ktileQ6_K: whether mulRangeTile takes Q4_K / Q6_K products
// of four or more vectors.
var ktileQ4_K, ktileQ6_K bool

// useKTileKernels turns the tile kernels on where the CPU has them
// (useAsmKernels calls it). DOCENT_KTILE=off in the environment keeps them
// off (same-binary comparisons with the four-vector AVX2 path).
func useKTileKernels() {
	if !hasKTile || os.Getenv("DOCENT_KTILE") == "off" {
		return
	}
	ktileQ4_K, ktileQ6_K = true, true
}

// noKTileKernels turns them off (useGoKernels calls it).
func noKTileKernels() { ktileQ4_K, ktileQ6_K = false, false }

// dotQ6_Kx4Tile is dotQ6_K of row against four vectors (q, d, bs: four
// vectors of len(d)/4 blocks each), results in dst[0], dst[stride], ...
func dotQ6_Kx4Tile(row []byte, q []int8, d []float32, bs []int16, dst []float32, stride int) {
	nb := len(d) / 4
	_ = dst[3*stride]
	if nb == 0 {
		dst[0], dst[stride], dst[2*stride], dst[3*stride] = 0, 0, 0, 0
		return
	}
	_ = row[nb*210-1]
	_ = q[4*nb*256-1]
	_ = bs[4*nb*16-1]
	var out [32]float32
	q6kTile4(&row[0], &q[0], &d[0], &bs[0], nb, &out[0])
	for v := 0; v < 4; v++ {
		dst[v*stride] = reduce8((*[8]float32)(out[8*v : 8*v+8]))
	}
}

// Layout of permQ4K's output, per group of four vectors and block.
const (
	k4Block = 1152 // bytes per block
	k4BW    = 1024 // offset of the block-sum pairs
	k4DX    = 1088 // offset of the four scales
)

// k4perm[s*16+L] is the source dword (within a 256-element block) of lane
// L = 4p+2i+h of step s: dword 2s+i of sub-block 2p+h.
var k4perm = func() (t [64]uint8) {
	for s := 0; s < 4; s++ {
		for l := 0; l < 16; l++ {
			p, i, h := l/4, (l>>1)&1, l&1
			t[s*16+l] = uint8(8*(2*p+h) + 2*s + i)
		}
	}
	return
}()

// permQ4K lays out vectors v..v+3 of a (Q8_K) for q4kTile4 in dst
// (nb*k4Block bytes).
func permQ4K(dst []byte, a *Acts, v, nb int) {
	c := nb * 256
	dst = dst[:nb*k4Block]
	for b := 0; b < nb; b++ {
		blk := dst[b*k4Block : (b+1)*k4Block]
		out := (*[256]uint32)(unsafe.Pointer(&blk[0]))
		bw := (*[32]int16)(unsafe.Pointer(&blk[k4BW]))
		dx := (*[4]float32)(unsafe.Pointer(&blk[k4DX]))
		for t := 0; t < 4; t++ {
			src := (*[64]uint32)(unsafe.Pointer(&a.q[(v+t)*c+b*256]))
			o := out[t*64 : t*64+64]
			for k, s := range k4perm {
				o[k] = src[s]
			}
			bs := a.bs[((v+t)*nb+b)*16 : ((v+t)*nb+b)*16+16]
			for p := 0; p < 4; p++ {
				bw[2*(4*p+t)] = bs[4*p] + bs[4*p+1]
				bw[2*(4*p+t)+1] = bs[4*p+2] + bs[4*p+3]
			}
			dx[t] = a.d[(v+t)*nb+b]
		}
	}
}

// ktileRows: rows per tile; the vectors of a group stay in L1 while the
// tile's rows pass.
const ktileRows = 16

// mulRangeTile computes rows [r0, r1) of the product with the tile kernels
// when they apply (Q4_K or Q6_K weights, four or more vectors); it reports
// whether it did.
func (m *Matrix) mulRangeTile(dst []float32, a *Acts, r0, r1 int) bool {
	if a.n < 4 || a.kind != actQ8_K {
		return false
	}
	switch {
	case m.Type == gguf.Q4_K && ktileQ4_K:
		m.mulRangeQ4_KTile(dst, a, r0, r1)
	case m.Type == gguf.Q6_K && ktileQ6_K:
		m.mulRangeQ6_KTile(dst, a, r0, r1)
	default:
		return false
	}
	return true
}

// Q4_K tiling: rows in tiles of k4TileRows (their weights stay in L2 while
// all vector groups pass), columns in chunks of k4ChunkBlocks blocks (the
// chunk of a pair of vector groups, 2*1152 bytes per block, stays in L1
// while the tile's rows pass). The accumulators carry across chunks.
const (
	k4TileRows    = 64
	k4ChunkBlocks = 4
)

type k4Scratch struct {
	x   []byte    // permQ4K of all groups
	acc []float32 // per tile row: 8 accumulators per vector group
}

var k4Pool = sync.Pool{New: func() any { return new(k4Scratch) }}

func (m *Matrix) mulRangeQ4_KTile(dst []float32, a *Acts, r0, r1 int) {
	rows, nb := m.Rows, m.Cols/256
	ng := a.n / 4
	if nb == 0 {
		for r := r0; r < r1; r++ {
			for v := 0; v < a.n; v++ {
				dst[v*rows+r] = 0
			}
		}
		return
	}
	gb := nb * k4Block
	sc := k4Pool.Get().(*k4Scratch)
	if cap(sc.x) < ng*gb {
		sc.x = make([]byte, ng*gb)
	}
	buf := sc.x[:ng*gb]
	for g := 0; g < ng; g++ {
		permQ4K(buf[g*gb:(g+1)*gb], a, 4*g, nb)
	}
	if cap(sc.acc) < k4TileRows*8*ng {
		sc.acc = make([]float32, k4TileRows*8*ng)
	}
	_ = m.Data[r1*m.rowBytes-1]
	for rt := r0; rt < r1; rt += k4TileRows {
		re := min(rt+k4TileRows, r1)
		nr := re - rt
		acc := sc.acc[:nr*8*ng]
		clear(acc)
		for b0 := 0; b0 < nb; b0 += k4ChunkBlocks {
			kb := min(k4ChunkBlocks, nb-b0)
			wo, xo := b0*144, b0*k4Block
			g := 0
			for ; g+4 <= ng; g += 4 {
				xp0, xp1, xp2, xp3 := &buf[g*gb+xo], &buf[(g+1)*gb+xo], &buf[(g+2)*gb+xo], &buf[(g+3)*gb+xo]
				ac := acc[g*8*nr : (g+4)*8*nr]
				for r := rt; r < re; r++ {
					q4kTile16(&m.Data[r*m.rowBytes+wo], xp0, xp1, xp2, xp3, kb, &ac[(r-rt)*32])
				}
			}
			for ; g+2 <= ng; g += 2 {
				xp0, xp1 := &buf[g*gb+xo], &buf[(g+1)*gb+xo]
				ac := acc[g*8*nr : (g+2)*8*nr]
				for r := rt; r < re; r++ {
					q4kTile8(&m.Data[r*m.rowBytes+wo], xp0, xp1, kb, &ac[(r-rt)*16])
				}
			}
			if g < ng {
				xp := &buf[g*gb+xo]
				ac := acc[g*8*nr : (g+1)*8*nr]
				for r := rt; r < re; r++ {
					q4kTile4(&m.Data[r*m.rowBytes+wo], xp, kb, &ac[(r-rt)*8])
				}
			}
		}
		// Results: accR - accM per (row, vector).
		g := 0
		for ; g+4 <= ng; g += 4 {
			ac := acc[g*8*nr : (g+4)*8*nr]
			for r := rt; r < re; r++ {
				s := ac[(r-rt)*32 : (r-rt)*32+32]
				for h := 0; h < 2; h++ { // q4kTile8's layout per pair of groups
					for t := 0; t < 4; t++ {
						dst[(4*g+8*h+t)*rows+r] = s[16*h+t] - s[16*h+8+t]
						dst[(4*g+8*h+4+t)*rows+r] = s[16*h+4+t] - s[16*h+12+t]
					}
				}
			}
		}
		for ; g+2 <= ng; g += 2 {
			ac := acc[g*8*nr : (g+2)*8*nr]
			for r := rt; r < re; r++ {
				s := ac[(r-rt)*16 : (r-rt)*16+16]
				for t := 0; t < 4; t++ { // [accR (8 vectors), accM (8 vectors)]
					dst[(4*g+t)*rows+r] = s[t] - s[8+t]
					dst[(4*g+4+t)*rows+r] = s[4+t] - s[12+t]
				}
			}
		}
		if g < ng {
			ac := acc[g*8*nr : (g+1)*8*nr]
			for r := rt; r < re; r++ {
				s := ac[(r-rt)*8 : (r-rt)*8+8]
				for t := 0; t < 4; t++ {
					dst[(4*g+t)*rows+r] = s[t] - s[4+t]
				}
			}
		}
		for r := rt; r < re; r++ {
			for v := 4 * ng; v < a.n; v++ {
				dst[v*rows+r] = m.dotRow(r, a, v)
			}
		}
	}
	k4Pool.Put(sc)
}

// Q6_K tiling, as for Q4_K: pairs of vector groups (eight vectors) per
// call, rows in tiles, columns in chunks, accumulators carried. aux holds
// per pair and block the eight vectors' d_x (each repeated eight times)
// and block sums (512 bytes).
const (
	k6TileRows    = 64
	k6ChunkBlocks = 4
	k6Aux         = 512
)

type k6Scratch struct {
	aux []byte
	acc []float32 // per tile row: 64 accumulators per pair of groups
}

var k6Pool = sync.Pool{New: func() any { return new(k6Scratch) }}

func (m *Matrix) mulRangeQ6_KTile(dst []float32, a *Acts, r0, r1 int) {
	rows, c := m.Rows, m.Cols
	nb := c / 256
	np := a.n / 8 // pairs of groups: q6kTile8
	sc := k6Pool.Get().(*k6Scratch)
	if cap(sc.aux) < np*nb*k6Aux {
		sc.aux = make([]byte, np*nb*k6Aux)
	}
	aux := sc.aux[:np*nb*k6Aux]
	for k := 0; k < np; k++ {
		for b := 0; b < nb; b++ {
			blk := aux[(k*nb+b)*k6Aux : (k*nb+b+1)*k6Aux]
			dx := (*[8][8]float32)(unsafe.Pointer(&blk[0]))
			bs := (*[8][16]int16)(unsafe.Pointer(&blk[256]))
			for t := 0; t < 8; t++ {
				v := 8*k + t
				for l := range dx[t] {
					dx[t][l] = a.d[v*nb+b]
				}
				copy(bs[t][:], a.bs[(v*nb+b)*16:(v*nb+b)*16+16])
			}
		}
	}
	if cap(sc.acc) < k6TileRows*64*np {
		sc.acc = make([]float32, k6TileRows*64*np)
	}
	_ = m.Data[r1*m.rowBytes-1]
	if np > 0 {
		_ = a.q[8*np*c-1]
	}
	for rt := r0; rt < r1; rt += k6TileRows {
		re := min(rt+k6TileRows, r1)
		nr := re - rt
		acc := sc.acc[:nr*64*np]
		clear(acc)
		for b0 := 0; b0 < nb; b0 += k6ChunkBlocks {
			kb := min(k6ChunkBlocks, nb-b0)
			for k := 0; k < np; k++ {
				q := &a.q[8*k*c+b0*256]
				ax := &aux[(k*nb+b0)*k6Aux]
				ac := acc[k*64*nr : (k+1)*64*nr]
				for r := rt; r < re; r++ {
					q6kTile8(&m.Data[r*m.rowBytes+b0*210], q, ax, kb, c, &ac[(r-rt)*64])
				}
			}
		}
		for k := 0; k < np; k++ {
			ac := acc[k*64*nr : (k+1)*64*nr]
			for r := rt; r < re; r++ {
				s := ac[(r-rt)*64 : (r-rt)*64+64]
				for t := 0; t < 8; t++ {
					dst[(8*k+t)*rows+r] = reduce8((*[8]float32)(s[8*t : 8*t+8]))
				}
			}
		}
		v := 8 * np
		if v+4 <= a.n {
			q, d, bs := a.q[v*c:(v+4)*c], a.d[v*nb:(v+4)*nb], a.bs[v*nb*16:(v+4)*nb*16]
			for r := rt; r < re; r++ {
				dotQ6_Kx4Tile(m.row(r), q, d, bs, dst[v*rows+r:], rows)
			}
			v += 4
		}
		for r := rt; r < re; r++ {
			for w := v; w < a.n; w++ {
				dst[w*rows+r] = m.dotRow(r, a, w)
			}
		}
	}
	k6Pool.Put(sc)
}
