package plan

import "fmt"

// Launch is the geometry of one kernel launch.
type Launch struct {
	Grid   [3]int
	Block  [3]int
	Shared int // dynamic shared memory, bytes
}

// Device limits the geometry respects (the same on sm_80 and sm_90).
const (
	MaxThreads   = 1024
	MaxGridX     = 1<<31 - 1
	MaxGridYZ    = 65535
	MaxShared    = 48 << 10 // without opting in to more
	WarpSize     = 32
	MaxHeadDim   = 256 // the attention kernel keeps one query head in shared memory
	MatVecWarps  = 4   // warps per block in the matrix-vector kernels: one row each
	NormThreads  = 256
	AttnThreads  = 256
	ElemThreads  = 256
	RopeMaxPairs = MaxThreads
)

// CeilDiv is a/b rounded up (b > 0).
func CeilDiv(a, b int) int { return (a + b - 1) / b }

// Validate checks l against the device limits.
func (l Launch) Validate() error {
	t := l.Block[0] * l.Block[1] * l.Block[2]
	switch {
	case l.Grid[0] < 1 || l.Grid[1] < 1 || l.Grid[2] < 1 || l.Block[0] < 1 || l.Block[1] < 1 || l.Block[2] < 1:
		return fmt.Errorf("cuda launch: empty geometry %v x %v", l.Grid, l.Block)
	case t > MaxThreads:
		return fmt.Errorf("cuda launch: %d threads per block > %d", t, MaxThreads)
	case l.Grid[0] > MaxGridX || l.Grid[1] > MaxGridYZ || l.Grid[2] > MaxGridYZ:
		return fmt.Errorf("cuda launch: grid %v too large", l.Grid)
	case l.Shared > MaxShared:
		return fmt.Errorf("cuda launch: %d bytes of shared memory > %d", l.Shared, MaxShared)
	}
	return nil
}

func oneD(grid, block, shared int) Launch {
	return Launch{Grid: [3]int{grid, 1, 1}, Block: [3]int{block, 1, 1}, Shared: shared}
}

// MatVec is the geometry of y = W x for W with rows rows: one warp per row,
// MatVecWarps rows per block.
func MatVec(rows int) Launch {
	return oneD(CeilDiv(rows, MatVecWarps), MatVecWarps*WarpSize, 0)
}

// RowNorm is the geometry of RMSNorm over rows vectors of n values: one
// block per vector, NormThreads threads (fewer, a whole number of warps,
// for short vectors), WarpSize floats of shared memory for the reduction.
func RowNorm(rows, n int) Launch {
	t := min(NormThreads, CeilDiv(n, WarpSize)*WarpSize)
	return oneD(rows, t, WarpSize*4)
}

// Rope is the geometry of RoPE over heads heads of which ropeDims
// dimensions rotate: one block per head, one thread per rotated pair.
func Rope(heads, ropeDims int) Launch {
	return oneD(heads, max(1, ropeDims/2), 0)
}

// Elementwise covers n values with ElemThreads threads per block.
func Elementwise(n int) Launch {
	return oneD(max(1, CeilDiv(n, ElemThreads)), ElemThreads, 0)
}

// Attention is the geometry of decode attention: one block per query head,
// AttnThreads threads; the query head (headDim floats) and the
// reduction scratch (WarpSize floats) live in shared memory.
func Attention(heads, headDim int) Launch {
	return oneD(heads, AttnThreads, 4*(headDim+WarpSize))
}

// Embed is the geometry of one embedding row of cols values.
func Embed(cols int) Launch { return Elementwise(cols) }

// ActRound is the geometry of act_round over n values: blocks of 256
// threads (one Q8_K block, eight Q8_0 blocks), WarpSize floats of shared
// memory.
func ActRound(n int) Launch {
	return oneD(max(1, CeilDiv(n, 256)), 256, WarpSize*4)
}
