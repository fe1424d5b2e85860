package plan

import (
	"encoding/binary"
	"fmt"

	"github.com/docent-dev/docent/llm/gguf"
)

// Field is one part of a quantized block: Size bytes at Offset.
type Field struct {
	Name   string
	Offset int
	Size   int
}

// BlockLayout describes how a weight type is packed, as the CUDA kernels
// read it: Elems values in Bytes bytes, split into Fields. The kernels
// read weights in exactly the file's packing (no repacking on upload).
type BlockLayout struct {
	Type   gguf.GGMLType
	Elems  int
	Bytes  int
	Fields []Field
}

var layouts = map[gguf.GGMLType]BlockLayout{
	gguf.F32:  {gguf.F32, 1, 4, []Field{{"value", 0, 4}}},
	gguf.F16:  {gguf.F16, 1, 2, []Field{{"value", 0, 2}}},
	gguf.BF16: {gguf.BF16, 1, 2, []Field{{"value", 0, 2}}},
	gguf.Q4_0: {gguf.Q4_0, 32, 18, []Field{{"d", 0, 2}, {"qs", 2, 16}}},
	gguf.Q5_0: {gguf.Q5_0, 32, 22, []Field{{"d", 0, 2}, {"qh", 2, 4}, {"qs", 6, 16}}},
	gguf.Q8_0: {gguf.Q8_0, 32, 34, []Field{{"d", 0, 2}, {"qs", 2, 32}}},
	gguf.Q4_K: {gguf.Q4_K, 256, 144, []Field{{"d", 0, 2}, {"dmin", 2, 2}, {"scales", 4, 12}, {"qs", 16, 128}}},
	gguf.Q6_K: {gguf.Q6_K, 256, 210, []Field{{"ql", 0, 128}, {"qh", 128, 64}, {"scales", 192, 16}, {"d", 208, 2}}},
}

// DeviceTypes are the weight types the CUDA kernels read directly.
func DeviceTypes() []gguf.GGMLType {
	return []gguf.GGMLType{gguf.F32, gguf.F16, gguf.BF16, gguf.Q4_0, gguf.Q5_0, gguf.Q8_0, gguf.Q4_K, gguf.Q6_K}
}

// Layout returns the block layout of t, if the kernels support it.
func Layout(t gguf.GGMLType) (BlockLayout, bool) {
	l, ok := layouts[t]
	return l, ok
}

// TypeCode is the integer by which kernels that take a type argument
// (embedding lookup) select the block format: the GGML type number.
func TypeCode(t gguf.GGMLType) int32 { return int32(t) }

func f16(b []byte) float32 { return gguf.FP16ToFP32(binary.LittleEndian.Uint16(b)) }

// DequantElem returns element i of a row packed as t. It is the host
// mirror of the kernels' dq_elem (kernels/common.cuh): same field offsets,
// same bit extraction, element by element, so that a test can check the
// kernels' indexing against llm/gguf's dequantization.
func DequantElem(t gguf.GGMLType, row []byte, i int) float32 {
	l := layouts[t]
	blk := row[(i/l.Elems)*l.Bytes:]
	j := i % l.Elems
	switch t {
	case gguf.F32:
		return mathFloat32(binary.LittleEndian.Uint32(blk))
	case gguf.F16:
		return f16(blk)
	case gguf.BF16:
		return gguf.BF16ToFP32(binary.LittleEndian.Uint16(blk))
	case gguf.Q4_0:
		q := blk[2+j%16]
		if j >= 16 {
			q >>= 4
		}
		return float32(int(q&15)-8) * f16(blk)
	case gguf.Q5_0:
		qh := binary.LittleEndian.Uint32(blk[2:])
		q := blk[6+j%16]
		if j >= 16 {
			q >>= 4
		}
		v := int(q&15) | int((qh>>uint(j))&1)<<4
		return float32(v-16) * f16(blk)
	case gguf.Q8_0:
		return float32(int8(blk[2+j])) * f16(blk)
	case gguf.Q4_K:
		// 64-element chunk c: 32 bytes of qs, low nibbles then high.
		c, r := j/64, j%64
		sub := 2*c + r/32
		sc, m := scaleMinK4(sub, blk[4:16])
		q := blk[16+32*c+r%32]
		if r >= 32 {
			q >>= 4
		}
		return f16(blk)*float32(sc)*float32(q&15) - f16(blk[2:])*float32(m)
	case gguf.Q6_K:
		// 128-element half h; within it, quarter g of 32 (l = position).
		h, r := j/128, j%128
		g, l := r/32, r%32
		ql := blk[64*h+l+32*(g&1)]
		if g >= 2 {
			ql >>= 4
		}
		qh := (blk[128+32*h+l] >> uint(2*g)) & 3
		q := int(ql&15|qh<<4) - 32
		sc := int8(blk[192+8*h+l/16+2*g])
		return f16(blk[208:]) * float32(sc) * float32(q)
	}
	panic(fmt.Sprintf("plan: DequantElem of unsupported type %v", t))
}

// scaleMinK4 unpacks the 6-bit scale and min of sub-block j of Q4_K.
func scaleMinK4(j int, q []byte) (sc, m uint8) {
	if j < 4 {
		return q[j] & 63, q[j+4] & 63
	}
	return q[j+4]&0x0f | (q[j-4]>>6)<<4, q[j+4]>>4 | (q[j]>>6)<<4
}

// WarpElems is the slice of a row that the matrix-vector kernel gives one
// lane of a 32-lane warp in one step: the elements (relative to the step's
// first element) lane reads. One step covers StepElems(t) elements; the
// test checks that the lanes of a step cover them exactly once. It mirrors
// the loops in kernels/matvec.cu.
func WarpElems(t gguf.GGMLType, lane int) []int {
	var e []int
	switch t {
	case gguf.F32, gguf.F16, gguf.BF16:
		// two consecutive elements per lane
		e = []int{2 * lane, 2*lane + 1}
	case gguf.Q4_0, gguf.Q5_0, gguf.Q8_0:
		// eight blocks per step, four lanes per block, eight values each:
		// lane%4 takes values 4*(lane%4)+0..3 and 16+4*(lane%4)+0..3.
		b, part := lane/4, lane%4
		for k := 0; k < 4; k++ {
			e = append(e, 32*b+4*part+k)
		}
		for k := 0; k < 4; k++ {
			e = append(e, 32*b+16+4*part+k)
		}
	case gguf.Q4_K:
		// one super-block per step: chunk c = lane/8 of 64 elements; the
		// lane reads 4 bytes of qs, low nibbles then high nibbles.
		c, w := lane/8, lane%8
		for k := 0; k < 4; k++ {
			e = append(e, 64*c+4*w+k)
		}
		for k := 0; k < 4; k++ {
			e = append(e, 64*c+32+4*w+k)
		}
	case gguf.Q6_K:
		// one super-block per step: position l = lane in both halves,
		// four quarters each.
		for h := 0; h < 2; h++ {
			for g := 0; g < 4; g++ {
				e = append(e, 128*h+32*g+lane)
			}
		}
	}
	return e
}

// StepElems is the number of row elements one warp step of the
// matrix-vector kernel covers.
func StepElems(t gguf.GGMLType) int {
	switch t {
	case gguf.F32, gguf.F16, gguf.BF16:
		return 64
	case gguf.Q4_0, gguf.Q5_0, gguf.Q8_0:
		return 256
	case gguf.Q4_K, gguf.Q6_K:
		return 256
	}
	return 0
}
