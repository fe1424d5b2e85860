package gguf

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// WriteTensor is one tensor for Write. Give either Data (exactly the
// tensor's size in bytes) or Fill, which is called once, in file order, to
// stream the tensor's bytes (it must write exactly Size bytes), so that large
// models never sit in memory at once.
type WriteTensor struct {
	Name string
	Dims []uint64 // ggml order: Dims[0] is the row length
	Type GGMLType
	Data []byte
	Fill func(w io.Writer) error
}

// Size returns the tensor's data size in bytes.
func (t *WriteTensor) Size() (uint64, error) { return tensorSize(t.Type, t.Dims) }

// Write writes a GGUF v3 file: the metadata in the order given, then the
// tensor infos and the tensor data, each tensor aligned to general.alignment
// (a uint32 in kv) or 32 by default. The output follows the layout of
// llama.cpp's gguf-py writer.
func Write(w io.Writer, kv []KeyValue, tensors []WriteTensor) error {
	align := uint64(DefaultAlignment)
	seen := make(map[string]bool, len(kv))
	for _, e := range kv {
		if seen[e.Key] {
			return fmt.Errorf("gguf: write: duplicate metadata key %q", e.Key)
		}
		seen[e.Key] = true
		if e.Key == "general.alignment" {
			if e.Value.Type != TypeUint32 {
				return fmt.Errorf("gguf: write: general.alignment must be uint32, is %s", e.Value.Type)
			}
			align = e.Value.bits
			if align == 0 || align&(align-1) != 0 {
				return fmt.Errorf("gguf: write: general.alignment %d is not a power of two", align)
			}
		}
	}
	offsets := make([]uint64, len(tensors))
	sizes := make([]uint64, len(tensors))
	names := make(map[string]bool, len(tensors))
	var off uint64
	for i := range tensors {
		t := &tensors[i]
		if t.Name == "" || len(t.Name) > MaxNameLen {
			return fmt.Errorf("gguf: write: tensor name %q must be 1..%d bytes", t.Name, MaxNameLen)
		}
		if names[t.Name] {
			return fmt.Errorf("gguf: write: duplicate tensor %q", t.Name)
		}
		names[t.Name] = true
		if len(t.Dims) == 0 || len(t.Dims) > MaxDims {
			return fmt.Errorf("gguf: write: tensor %q has %d dimensions (want 1..%d)", t.Name, len(t.Dims), MaxDims)
		}
		size, err := tensorSize(t.Type, t.Dims)
		if err != nil {
			return fmt.Errorf("gguf: write: tensor %q: %w", t.Name, err)
		}
		if t.Fill == nil && uint64(len(t.Data)) != size {
			return fmt.Errorf("gguf: write: tensor %q: %d bytes of data, want %d", t.Name, len(t.Data), size)
		}
		offsets[i], sizes[i] = off, size
		off = alignUp(off+size, align)
	}

	bw := &countWriter{w: bufio.NewWriterSize(w, 1<<20)}
	bw.bytes([]byte(Magic))
	bw.u32(3)
	bw.u64(uint64(len(tensors)))
	bw.u64(uint64(len(kv)))
	for _, e := range kv {
		bw.str(e.Key)
		if err := bw.value(e.Value, true); err != nil {
			return fmt.Errorf("gguf: write: metadata %q: %w", e.Key, err)
		}
	}
	for i := range tensors {
		t := &tensors[i]
		bw.str(t.Name)
		bw.u32(uint32(len(t.Dims)))
		for _, d := range t.Dims {
			bw.u64(d)
		}
		bw.u32(uint32(t.Type))
		bw.u64(offsets[i])
	}
	bw.pad(align)
	base := bw.n
	for i := range tensors {
		t := &tensors[i]
		if bw.err != nil {
			break
		}
		start := bw.n
		if t.Fill != nil {
			if err := t.Fill(bw); err != nil {
				return fmt.Errorf("gguf: write: tensor %q: %w", t.Name, err)
			}
		} else {
			bw.bytes(t.Data)
		}
		if bw.err == nil && uint64(bw.n-start) != sizes[i] {
			return fmt.Errorf("gguf: write: tensor %q: wrote %d bytes, want %d", t.Name, bw.n-start, sizes[i])
		}
		bw.pad(align)
		if bw.err == nil && uint64(bw.n-base) != alignUp(offsets[i]+sizes[i], align) {
			return fmt.Errorf("gguf: write: internal offset mismatch at tensor %q", t.Name)
		}
	}
	if bw.err != nil {
		return fmt.Errorf("gguf: write: %w", bw.err)
	}
	if err := bw.w.(*bufio.Writer).Flush(); err != nil {
		return fmt.Errorf("gguf: write: %w", err)
	}
	return nil
}

func alignUp(x, a uint64) uint64 {
	if r := x % a; r != 0 {
		return x + a - r
	}
	return x
}

// countWriter writes little-endian values and remembers the first error.
type countWriter struct {
	w   io.Writer
	n   int64
	err error
	buf [8]byte
}

func (c *countWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	c.n += int64(n)
	c.err = err
	return n, err
}

func (c *countWriter) bytes(p []byte) { _, _ = c.Write(p) }

func (c *countWriter) u8(v uint8) { c.buf[0] = v; c.bytes(c.buf[:1]) }
func (c *countWriter) u16(v uint16) {
	binary.LittleEndian.PutUint16(c.buf[:], v)
	c.bytes(c.buf[:2])
}
func (c *countWriter) u32(v uint32) {
	binary.LittleEndian.PutUint32(c.buf[:], v)
	c.bytes(c.buf[:4])
}
func (c *countWriter) u64(v uint64) {
	binary.LittleEndian.PutUint64(c.buf[:], v)
	c.bytes(c.buf[:8])
}
func (c *countWriter) str(s string) {
	c.u64(uint64(len(s)))
	_, _ = io.WriteString(c, s)
}

var zeros [256]byte

func (c *countWriter) pad(align uint64) {
	n := alignUp(uint64(c.n), align) - uint64(c.n)
	for n > 0 {
		k := min(n, uint64(len(zeros)))
		c.bytes(zeros[:k])
		n -= k
	}
}

func (c *countWriter) scalar(t ValueType, bits uint64) {
	switch t.scalarSize() {
	case 1:
		c.u8(uint8(bits))
	case 2:
		c.u16(uint16(bits))
	case 4:
		c.u32(uint32(bits))
	case 8:
		c.u64(bits)
	}
}

func (c *countWriter) value(v Value, withType bool) error {
	if !v.Type.Valid() {
		return fmt.Errorf("unknown value type %d", uint32(v.Type))
	}
	if withType {
		c.u32(uint32(v.Type))
	}
	switch v.Type {
	case TypeString:
		c.str(v.str)
		return nil
	case TypeArray:
		return c.array(v)
	}
	c.scalar(v.Type, v.bits)
	return nil
}

func (c *countWriter) array(v Value) error {
	if v.arr == nil && v.n == 0 {
		return errors.New("array value without elements or type (use ArrayValue)")
	}
	c.u32(uint32(v.elem))
	c.u64(uint64(v.n))
	switch a := v.arr.(type) {
	case []uint8:
		c.bytes(a)
	case []int8:
		for _, x := range a {
			c.u8(uint8(x))
		}
	case []bool:
		for _, x := range a {
			if x {
				c.u8(1)
			} else {
				c.u8(0)
			}
		}
	case []uint16:
		for _, x := range a {
			c.u16(x)
		}
	case []int16:
		for _, x := range a {
			c.u16(uint16(x))
		}
	case []uint32:
		for _, x := range a {
			c.u32(x)
		}
	case []int32:
		for _, x := range a {
			c.u32(uint32(x))
		}
	case []float32:
		for _, x := range a {
			c.u32(math.Float32bits(x))
		}
	case []uint64:
		for _, x := range a {
			c.u64(x)
		}
	case []int64:
		for _, x := range a {
			c.u64(uint64(x))
		}
	case []float64:
		for _, x := range a {
			c.u64(math.Float64bits(x))
		}
	case []string:
		for _, x := range a {
			c.str(x)
		}
	case []Value:
		for i, x := range a {
			if x.Type != TypeArray {
				return fmt.Errorf("array of arrays: element %d is %s", i, x.Type)
			}
			if err := c.array(x); err != nil {
				return fmt.Errorf("element %d: %w", i, err)
			}
		}
	default:
		return fmt.Errorf("unsupported array storage %T", v.arr)
	}
	return nil
}
