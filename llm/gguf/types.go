package gguf

import (
	"fmt"
	"math/bits"
)

// GGMLType is a ggml tensor element type, numbered as in ggml.h.
type GGMLType uint32

// Tensor types, numbered as in ggml's enum ggml_type. Gaps (4, 5, 31-33,
// 36-38) are types that ggml removed; they are rejected.
const (
	F32     GGMLType = 0
	F16     GGMLType = 1
	Q4_0    GGMLType = 2
	Q4_1    GGMLType = 3
	Q5_0    GGMLType = 6
	Q5_1    GGMLType = 7
	Q8_0    GGMLType = 8
	Q8_1    GGMLType = 9
	Q2_K    GGMLType = 10
	Q3_K    GGMLType = 11
	Q4_K    GGMLType = 12
	Q5_K    GGMLType = 13
	Q6_K    GGMLType = 14
	Q8_K    GGMLType = 15
	IQ2_XXS GGMLType = 16
	IQ2_XS  GGMLType = 17
	IQ3_XXS GGMLType = 18
	IQ1_S   GGMLType = 19
	IQ4_NL  GGMLType = 20
	IQ3_S   GGMLType = 21
	IQ2_S   GGMLType = 22
	IQ4_XS  GGMLType = 23
	I8      GGMLType = 24
	I16     GGMLType = 25
	I32     GGMLType = 26
	I64     GGMLType = 27
	F64     GGMLType = 28
	IQ1_M   GGMLType = 29
	BF16    GGMLType = 30
	TQ1_0   GGMLType = 34
	TQ2_0   GGMLType = 35
	MXFP4   GGMLType = 39
)

// QK_K is the super-block size of the k-quants.
const QK_K = 256

type typeTraits struct {
	name      string
	blockSize int // elements per block
	typeSize  int // bytes per block
}

var traits = map[GGMLType]typeTraits{
	F32:     {"F32", 1, 4},
	F16:     {"F16", 1, 2},
	Q4_0:    {"Q4_0", 32, 18},
	Q4_1:    {"Q4_1", 32, 20},
	Q5_0:    {"Q5_0", 32, 22},
	Q5_1:    {"Q5_1", 32, 24},
	Q8_0:    {"Q8_0", 32, 34},
	Q8_1:    {"Q8_1", 32, 36},
	Q2_K:    {"Q2_K", QK_K, 84},
	Q3_K:    {"Q3_K", QK_K, 110},
	Q4_K:    {"Q4_K", QK_K, 144},
	Q5_K:    {"Q5_K", QK_K, 176},
	Q6_K:    {"Q6_K", QK_K, 210},
	Q8_K:    {"Q8_K", QK_K, 292},
	IQ2_XXS: {"IQ2_XXS", QK_K, 66},
	IQ2_XS:  {"IQ2_XS", QK_K, 74},
	IQ3_XXS: {"IQ3_XXS", QK_K, 98},
	IQ1_S:   {"IQ1_S", QK_K, 50},
	IQ4_NL:  {"IQ4_NL", 32, 18},
	IQ3_S:   {"IQ3_S", QK_K, 110},
	IQ2_S:   {"IQ2_S", QK_K, 82},
	IQ4_XS:  {"IQ4_XS", QK_K, 136},
	I8:      {"I8", 1, 1},
	I16:     {"I16", 1, 2},
	I32:     {"I32", 1, 4},
	I64:     {"I64", 1, 8},
	F64:     {"F64", 1, 8},
	IQ1_M:   {"IQ1_M", QK_K, 56},
	BF16:    {"BF16", 1, 2},
	TQ1_0:   {"TQ1_0", QK_K, 54},
	TQ2_0:   {"TQ2_0", QK_K, 66},
	MXFP4:   {"MXFP4", 32, 17},
}

// Valid reports whether t is a tensor type this package knows the layout of.
func (t GGMLType) Valid() bool { _, ok := traits[t]; return ok }

// BlockSize is the number of elements in one block (1 for plain types).
// It is 0 for unknown types.
func (t GGMLType) BlockSize() int { return traits[t].blockSize }

// TypeSize is the number of bytes in one block. It is 0 for unknown types.
func (t GGMLType) TypeSize() int { return traits[t].typeSize }

// String returns ggml's name for the type ("Q4_K", "F16", ...).
func (t GGMLType) String() string {
	if tr, ok := traits[t]; ok {
		return tr.name
	}
	return fmt.Sprintf("GGMLType(%d)", uint32(t))
}

// ParseGGMLType maps a name such as "q8_0" or "F16" (any case) to its type.
func ParseGGMLType(name string) (GGMLType, error) {
	for t, tr := range traits {
		if equalFold(tr.name, name) {
			return t, nil
		}
	}
	return 0, fmt.Errorf("gguf: unknown tensor type %q", name)
}

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'a' <= x && x <= 'z' {
			x -= 'a' - 'A'
		}
		if 'a' <= y && y <= 'z' {
			y -= 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// RowBytes returns the size in bytes of n consecutive elements of type t.
// n must be a multiple of the block size; it returns an error otherwise, for
// unknown types, and on overflow.
func (t GGMLType) RowBytes(n uint64) (uint64, error) {
	tr, ok := traits[t]
	if !ok {
		return 0, fmt.Errorf("gguf: unknown tensor type %d", uint32(t))
	}
	if n%uint64(tr.blockSize) != 0 {
		return 0, fmt.Errorf("gguf: %d elements is not a multiple of the %s block size %d", n, tr.name, tr.blockSize)
	}
	hi, lo := bits.Mul64(n/uint64(tr.blockSize), uint64(tr.typeSize))
	if hi != 0 || lo > 1<<62 {
		return 0, fmt.Errorf("gguf: size of %d %s elements overflows", n, tr.name)
	}
	return lo, nil
}

// NumElements returns the product of the tensor's dimensions.
func (t *TensorInfo) NumElements() uint64 {
	n := uint64(1)
	for _, d := range t.Dims {
		n *= d
	}
	return n
}

// Size returns the size in bytes of the tensor's data.
func (t *TensorInfo) Size() uint64 { return t.size }

// tensorSize computes the byte size of a tensor with the given shape and
// type, checking block alignment of the first dimension and overflow.
func tensorSize(typ GGMLType, dims []uint64) (uint64, error) {
	tr, ok := traits[typ]
	if !ok {
		return 0, fmt.Errorf("unknown tensor type %d", uint32(typ))
	}
	if len(dims) == 0 {
		return 0, fmt.Errorf("tensor has no dimensions")
	}
	if dims[0]%uint64(tr.blockSize) != 0 {
		return 0, fmt.Errorf("first dimension %d is not a multiple of the %s block size %d", dims[0], tr.name, tr.blockSize)
	}
	const limit = 1 << 62
	n := uint64(1)
	for _, d := range dims {
		if d > limit {
			return 0, fmt.Errorf("dimension %d too large", d)
		}
		hi, lo := bits.Mul64(n, d)
		if hi != 0 || lo > limit {
			return 0, fmt.Errorf("element count overflows")
		}
		n = lo
	}
	hi, lo := bits.Mul64(n/uint64(tr.blockSize), uint64(tr.typeSize))
	if hi != 0 || lo > limit {
		return 0, fmt.Errorf("byte size overflows")
	}
	return lo, nil
}
