package gguf

import (
	"encoding/binary"
	"fmt"
	"math"
)

// Quantize converts float32 values into blocks of type t.
func Quantize(t GGMLType, src []float32) ([]byte, error) {
	bs, ts := t.BlockSize(), t.TypeSize()
	if bs == 0 {
		return nil, fmt.Errorf("gguf: quantize: unknown tensor type %d", uint32(t))
	}
	if len(src)%bs != 0 {
		return nil, fmt.Errorf("gguf: quantize %s: %d elements is not a multiple of the block size %d", t, len(src), bs)
	}
	dst := make([]byte, len(src)/bs*ts)
	le := binary.LittleEndian
	switch t {
	case F32:
		for i, x := range src {
			le.PutUint32(dst[4*i:], math.Float32bits(x))
		}
	default:
		return nil, fmt.Errorf("gguf: quantize: tensor type %s is not supported", t)
	}
	return dst, nil
}
