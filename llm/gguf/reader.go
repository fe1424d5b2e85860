// Package gguf reads and writes GGUF files, the model format of llama.cpp,
// and converts between ggml's tensor block formats and float32.
//
// The reader memory-maps the file: tensor data is never copied, and opening
// a multi-gigabyte model costs milliseconds. Metadata (keys, strings,
// arrays) is decoded and copied at open time, so it stays valid after Close.
// Everything read from the file is validated; malformed input produces an
// error, never a panic.
package gguf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
)

// Magic is the first four bytes of every GGUF file.
const Magic = "GGUF"

// DefaultAlignment is the data alignment when general.alignment is absent.
const DefaultAlignment = 32

// MaxDims is the most dimensions a ggml tensor may have.
const MaxDims = 4

// MaxNameLen is the longest tensor name llama.cpp accepts (GGML_MAX_NAME-1).
const MaxNameLen = 63

const maxArrayDepth = 8

// ErrFormat is wrapped by every error about a malformed file.
var ErrFormat = errors.New("gguf: invalid file")

// File is a parsed GGUF file.
type File struct {
	Version    uint32
	KV         []KeyValue   // metadata in file order
	Tensors    []TensorInfo // in file order
	Alignment  uint64
	DataOffset int64 // absolute offset of the tensor data section

	data    []byte // the whole file (mmap'd by Open)
	mmapped bool
	kvIndex map[string]int
	tIndex  map[string]int
}

// TensorInfo describes one tensor.
type TensorInfo struct {
	Name   string
	Dims   []uint64 // ggml order: Dims[0] is the contiguous (row) dimension
	Type   GGMLType
	Offset uint64 // relative to the data section
	size   uint64
}

// Open memory-maps and parses the GGUF file at path. Close releases the
// mapping; tensor data slices must not be used after Close.
func Open(path string) (*File, error) {
	fd, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("gguf: %w", err)
	}
	defer fd.Close()
	st, err := fd.Stat()
	if err != nil {
		return nil, fmt.Errorf("gguf: %w", err)
	}
	size := st.Size()
	if size < 24 {
		return nil, fmt.Errorf("%w: %s: %d bytes is too small for a GGUF header", ErrFormat, path, size)
	}
	if int64(int(size)) != size {
		return nil, fmt.Errorf("%w: %s: file too large to map", ErrFormat, path)
	}
	data, err := mmapFile(fd, int(size))
	if err != nil {
		return nil, fmt.Errorf("gguf: mmap %s: %w", path, err)
	}
	f, err := Parse(data)
	if err != nil {
		_ = munmap(data)
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	f.mmapped = true
	return f, nil
}

// Close unmaps the file (a no-op for files made by Parse).
func (f *File) Close() error {
	if f == nil || !f.mmapped || f.data == nil {
		return nil
	}
	d := f.data
	f.data = nil
	f.mmapped = false
	if err := munmap(d); err != nil {
		return fmt.Errorf("gguf: munmap: %w", err)
	}
	return nil
}

// Size is the size of the whole file in bytes.
func (f *File) Size() int64 { return int64(len(f.data)) }

// Parse parses a GGUF file held in memory. Tensor data returned by
// TensorData aliases data.
func Parse(data []byte) (*File, error) {
	p := &parser{b: data}
	f, err := p.file()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFormat, err)
	}
	return f, nil
}

type parser struct {
	b   []byte
	off int
}

func (p *parser) remaining() int { return len(p.b) - p.off }

func (p *parser) need(n int, what string) error {
	if n < 0 || p.remaining() < n {
		return fmt.Errorf("truncated at offset %d reading %s (need %d bytes, %d left)", p.off, what, n, p.remaining())
	}
	return nil
}

func (p *parser) u8(what string) (uint8, error) {
	if err := p.need(1, what); err != nil {
		return 0, err
	}
	v := p.b[p.off]
	p.off++
	return v, nil
}

func (p *parser) u16(what string) (uint16, error) {
	if err := p.need(2, what); err != nil {
		return 0, err
	}
	v := binary.LittleEndian.Uint16(p.b[p.off:])
	p.off += 2
	return v, nil
}

func (p *parser) u32(what string) (uint32, error) {
	if err := p.need(4, what); err != nil {
		return 0, err
	}
	v := binary.LittleEndian.Uint32(p.b[p.off:])
	p.off += 4
	return v, nil
}

func (p *parser) u64(what string) (uint64, error) {
	if err := p.need(8, what); err != nil {
		return 0, err
	}
	v := binary.LittleEndian.Uint64(p.b[p.off:])
	p.off += 8
	return v, nil
}

func (p *parser) str(what string) (string, error) {
	at := p.off
	n, err := p.u64(what + " length")
	if err != nil {
		return "", err
	}
	if n > uint64(p.remaining()) {
		return "", fmt.Errorf("%s at offset %d: length %d exceeds the %d bytes left", what, at, n, p.remaining())
	}
	s := string(p.b[p.off : p.off+int(n)])
	p.off += int(n)
	return s, nil
}

func (p *parser) file() (*File, error) {
	if len(p.b) < 4 || string(p.b[:4]) != Magic {
		if len(p.b) >= 4 && string(p.b[:4]) == "FUGG" {
			return nil, errors.New("byte-swapped magic: big-endian GGUF files are not supported")
		}
		return nil, errors.New("not a GGUF file (bad magic)")
	}
	p.off = 4
	version, err := p.u32("version")
	if err != nil {
		return nil, err
	}
	switch {
	case version == 1:
		return nil, errors.New("GGUF version 1 is not supported (obsolete since 2023; re-convert the model with a current llama.cpp)")
	case version == 2 || version == 3:
	case version&0xFFFF == 0 && version>>16 != 0:
		return nil, fmt.Errorf("version %#x looks byte-swapped: big-endian GGUF files are not supported", version)
	default:
		return nil, fmt.Errorf("unsupported GGUF version %d (want 2 or 3)", version)
	}
	nTensors, err := p.u64("tensor count")
	if err != nil {
		return nil, err
	}
	nKV, err := p.u64("metadata count")
	if err != nil {
		return nil, err
	}
	// Every KV takes at least 8 (key length) + 4 (type) + 1 bytes and every
	// tensor info at least 8 + 4 + 8 + 4 + 8 bytes: bound the counts by the
	// file size before allocating anything.
	if nKV > uint64(p.remaining())/13 {
		return nil, fmt.Errorf("metadata count %d is impossible for a %d-byte file", nKV, len(p.b))
	}
	if nTensors > uint64(p.remaining())/32 {
		return nil, fmt.Errorf("tensor count %d is impossible for a %d-byte file", nTensors, len(p.b))
	}
	f := &File{
		Version:   version,
		KV:        make([]KeyValue, 0, nKV),
		Tensors:   make([]TensorInfo, 0, nTensors),
		Alignment: DefaultAlignment,
		data:      p.b,
		kvIndex:   make(map[string]int, nKV),
		tIndex:    make(map[string]int, nTensors),
	}
	for i := uint64(0); i < nKV; i++ {
		key, err := p.str("metadata key")
		if err != nil {
			return nil, fmt.Errorf("metadata entry %d: %w", i, err)
		}
		if _, dup := f.kvIndex[key]; dup {
			return nil, fmt.Errorf("duplicate metadata key %q", key)
		}
		t, err := p.u32("value type")
		if err != nil {
			return nil, fmt.Errorf("metadata %q: %w", key, err)
		}
		v, err := p.value(ValueType(t), 0)
		if err != nil {
			return nil, fmt.Errorf("metadata %q: %w", key, err)
		}
		f.kvIndex[key] = len(f.KV)
		f.KV = append(f.KV, KeyValue{Key: key, Value: v})
	}
	if v, ok := f.Get("general.alignment"); ok {
		if v.Type != TypeUint32 {
			return nil, fmt.Errorf("general.alignment has type %s, want uint32", v.Type)
		}
		a := v.bits
		if a == 0 || a&(a-1) != 0 {
			return nil, fmt.Errorf("general.alignment %d is not a power of two", a)
		}
		f.Alignment = a
	}
	for i := uint64(0); i < nTensors; i++ {
		ti, err := p.tensorInfo()
		if err != nil {
			return nil, fmt.Errorf("tensor info %d: %w", i, err)
		}
		if _, dup := f.tIndex[ti.Name]; dup {
			return nil, fmt.Errorf("duplicate tensor name %q", ti.Name)
		}
		f.tIndex[ti.Name] = len(f.Tensors)
		f.Tensors = append(f.Tensors, ti)
	}
	// The data section starts at the next multiple of the alignment.
	dataOff := uint64(p.off)
	if r := dataOff % f.Alignment; r != 0 {
		dataOff += f.Alignment - r
	}
	f.DataOffset = int64(dataOff)
	var dataLen uint64
	if dataOff < uint64(len(p.b)) {
		dataLen = uint64(len(p.b)) - dataOff
	}
	for i := range f.Tensors {
		t := &f.Tensors[i]
		if t.Offset%f.Alignment != 0 {
			return nil, fmt.Errorf("tensor %q: offset %d is not a multiple of the alignment %d", t.Name, t.Offset, f.Alignment)
		}
		if t.Offset > dataLen || t.size > dataLen-t.Offset {
			return nil, fmt.Errorf("tensor %q: data [%d, +%d) lies outside the %d-byte data section (file truncated?)", t.Name, t.Offset, t.size, dataLen)
		}
	}
	return f, nil
}

func (p *parser) tensorInfo() (TensorInfo, error) {
	name, err := p.str("tensor name")
	if err != nil {
		return TensorInfo{}, err
	}
	if len(name) > MaxNameLen {
		return TensorInfo{}, fmt.Errorf("tensor name %q is longer than %d bytes", name[:MaxNameLen], MaxNameLen)
	}
	nd, err := p.u32("dimension count")
	if err != nil {
		return TensorInfo{}, fmt.Errorf("tensor %q: %w", name, err)
	}
	if nd == 0 || nd > MaxDims {
		return TensorInfo{}, fmt.Errorf("tensor %q: %d dimensions (want 1..%d)", name, nd, MaxDims)
	}
	dims := make([]uint64, nd)
	for j := range dims {
		if dims[j], err = p.u64("dimension"); err != nil {
			return TensorInfo{}, fmt.Errorf("tensor %q: %w", name, err)
		}
		if dims[j] > math.MaxInt64 {
			return TensorInfo{}, fmt.Errorf("tensor %q: dimension %d is negative as int64", name, j)
		}
	}
	typ, err := p.u32("tensor type")
	if err != nil {
		return TensorInfo{}, fmt.Errorf("tensor %q: %w", name, err)
	}
	size, err := tensorSize(GGMLType(typ), dims)
	if err != nil {
		return TensorInfo{}, fmt.Errorf("tensor %q: %w", name, err)
	}
	off, err := p.u64("tensor offset")
	if err != nil {
		return TensorInfo{}, fmt.Errorf("tensor %q: %w", name, err)
	}
	return TensorInfo{Name: name, Dims: dims, Type: GGMLType(typ), Offset: off, size: size}, nil
}

func (p *parser) value(t ValueType, depth int) (Value, error) {
	v := Value{Type: t}
	switch t {
	case TypeUint8, TypeBool:
		x, err := p.u8(t.String())
		if err != nil {
			return v, err
		}
		if t == TypeBool && x > 1 {
			return v, fmt.Errorf("bool value %d is neither 0 nor 1", x)
		}
		v.bits = uint64(x)
	case TypeInt8:
		x, err := p.u8(t.String())
		v.bits = uint64(int64(int8(x)))
		return v, err
	case TypeUint16:
		x, err := p.u16(t.String())
		v.bits = uint64(x)
		return v, err
	case TypeInt16:
		x, err := p.u16(t.String())
		v.bits = uint64(int64(int16(x)))
		return v, err
	case TypeUint32, TypeFloat32:
		x, err := p.u32(t.String())
		v.bits = uint64(x)
		return v, err
	case TypeInt32:
		x, err := p.u32(t.String())
		v.bits = uint64(int64(int32(x)))
		return v, err
	case TypeUint64, TypeInt64, TypeFloat64:
		x, err := p.u64(t.String())
		v.bits = x
		return v, err
	case TypeString:
		s, err := p.str("string")
		v.str = s
		return v, err
	case TypeArray:
		return p.array(depth)
	default:
		return v, fmt.Errorf("unknown value type %d", uint32(t))
	}
	return v, nil
}

func (p *parser) array(depth int) (Value, error) {
	if depth >= maxArrayDepth {
		return Value{}, fmt.Errorf("arrays nested deeper than %d", maxArrayDepth)
	}
	et, err := p.u32("array element type")
	if err != nil {
		return Value{}, err
	}
	elem := ValueType(et)
	if !elem.Valid() {
		return Value{}, fmt.Errorf("array of unknown value type %d", et)
	}
	n64, err := p.u64("array length")
	if err != nil {
		return Value{}, err
	}
	minSize := uint64(elem.scalarSize())
	switch elem {
	case TypeString:
		minSize = 8
	case TypeArray:
		minSize = 12
	}
	if n64 > uint64(p.remaining())/minSize {
		return Value{}, fmt.Errorf("array of %d %s elements exceeds the %d bytes left", n64, elem, p.remaining())
	}
	n := int(n64)
	v := Value{Type: TypeArray, elem: elem, n: n}
	if sz := elem.scalarSize(); sz > 0 {
		raw := p.b[p.off : p.off+n*sz]
		p.off += n * sz
		arr, err := decodeScalars(elem, raw, n)
		if err != nil {
			return Value{}, err
		}
		v.arr = arr
		return v, nil
	}
	switch elem {
	case TypeString:
		// Validate the lengths first, then copy all the bytes into one
		// string that the elements slice: two allocations instead of n.
		start, total := p.off, 0
		for i := 0; i < n; i++ {
			at := p.off
			l, err := p.u64("string array element length")
			if err != nil {
				return Value{}, fmt.Errorf("element %d: %w", i, err)
			}
			if l > uint64(p.remaining()) {
				return Value{}, fmt.Errorf("element %d at offset %d: length %d exceeds the %d bytes left", i, at, l, p.remaining())
			}
			p.off += int(l)
			total += int(l)
		}
		buf := make([]byte, 0, total)
		for q := start; q < p.off; {
			l := int(binary.LittleEndian.Uint64(p.b[q:]))
			buf = append(buf, p.b[q+8:q+8+l]...)
			q += 8 + l
		}
		all := string(buf)
		s := make([]string, n)
		off := 0
		for i, q := 0, start; i < n; i++ {
			l := int(binary.LittleEndian.Uint64(p.b[q:]))
			s[i] = all[off : off+l]
			off += l
			q += 8 + l
		}
		v.arr = s
	case TypeArray:
		s := make([]Value, n)
		for i := range s {
			if s[i], err = p.array(depth + 1); err != nil {
				return Value{}, fmt.Errorf("element %d: %w", i, err)
			}
		}
		v.arr = s
	}
	return v, nil
}

func decodeScalars(t ValueType, raw []byte, n int) (any, error) {
	le := binary.LittleEndian
	switch t {
	case TypeUint8:
		return append([]uint8(nil), raw...), nil
	case TypeInt8:
		s := make([]int8, n)
		for i := range s {
			s[i] = int8(raw[i])
		}
		return s, nil
	case TypeBool:
		s := make([]bool, n)
		for i := range s {
			if raw[i] > 1 {
				return nil, fmt.Errorf("bool array element %d is %d, neither 0 nor 1", i, raw[i])
			}
			s[i] = raw[i] == 1
		}
		return s, nil
	case TypeUint16:
		s := make([]uint16, n)
		for i := range s {
			s[i] = le.Uint16(raw[2*i:])
		}
		return s, nil
	case TypeInt16:
		s := make([]int16, n)
		for i := range s {
			s[i] = int16(le.Uint16(raw[2*i:]))
		}
		return s, nil
	case TypeUint32:
		s := make([]uint32, n)
		for i := range s {
			s[i] = le.Uint32(raw[4*i:])
		}
		return s, nil
	case TypeInt32:
		s := make([]int32, n)
		for i := range s {
			s[i] = int32(le.Uint32(raw[4*i:]))
		}
		return s, nil
	case TypeFloat32:
		s := make([]float32, n)
		for i := range s {
			s[i] = math.Float32frombits(le.Uint32(raw[4*i:]))
		}
		return s, nil
	case TypeUint64:
		s := make([]uint64, n)
		for i := range s {
			s[i] = le.Uint64(raw[8*i:])
		}
		return s, nil
	case TypeInt64:
		s := make([]int64, n)
		for i := range s {
			s[i] = int64(le.Uint64(raw[8*i:]))
		}
		return s, nil
	case TypeFloat64:
		s := make([]float64, n)
		for i := range s {
			s[i] = math.Float64frombits(le.Uint64(raw[8*i:]))
		}
		return s, nil
	}
	return nil, fmt.Errorf("not a scalar type: %s", t)
}

// Get returns the metadata value stored under key.
func (f *File) Get(key string) (Value, bool) {
	i, ok := f.kvIndex[key]
	if !ok {
		return Value{}, false
	}
	return f.KV[i].Value, true
}

// String returns a string value.
func (f *File) String(key string) (string, bool) {
	v, ok := f.Get(key)
	if !ok {
		return "", false
	}
	return v.AsString()
}

// Uint32 returns an integer value of any integer type that fits in uint32.
func (f *File) Uint32(key string) (uint32, bool) {
	x, ok := f.Uint64(key)
	if !ok || x > math.MaxUint32 {
		return 0, false
	}
	return uint32(x), true
}

// Uint64 returns a non-negative integer value of any integer type.
func (f *File) Uint64(key string) (uint64, bool) {
	v, ok := f.Get(key)
	if !ok {
		return 0, false
	}
	return v.AsUint64()
}

// Int64 returns an integer value of any integer type that fits in int64.
func (f *File) Int64(key string) (int64, bool) {
	v, ok := f.Get(key)
	if !ok {
		return 0, false
	}
	return v.AsInt64()
}

// Float32 returns a float32 or float64 value as float32.
func (f *File) Float32(key string) (float32, bool) {
	v, ok := f.Get(key)
	if !ok {
		return 0, false
	}
	x, ok := v.AsFloat64()
	return float32(x), ok
}

// Bool returns a bool value.
func (f *File) Bool(key string) (bool, bool) {
	v, ok := f.Get(key)
	if !ok {
		return false, false
	}
	return v.AsBool()
}

// Strings returns an array of strings (shared; do not modify).
func (f *File) Strings(key string) ([]string, bool) {
	v, ok := f.Get(key)
	if !ok {
		return nil, false
	}
	return v.Strings()
}

// Float32s returns an array of floats as float32.
func (f *File) Float32s(key string) ([]float32, bool) {
	v, ok := f.Get(key)
	if !ok {
		return nil, false
	}
	return v.Float32s()
}

// Int32s returns an integer array whose elements all fit in int32.
func (f *File) Int32s(key string) ([]int32, bool) {
	v, ok := f.Get(key)
	if !ok {
		return nil, false
	}
	return v.Int32s()
}

// Architecture returns general.architecture ("" when absent).
func (f *File) Architecture() string {
	s, _ := f.String("general.architecture")
	return s
}

// Tensor returns the tensor named name.
func (f *File) Tensor(name string) (*TensorInfo, bool) {
	i, ok := f.tIndex[name]
	if !ok {
		return nil, false
	}
	return &f.Tensors[i], true
}

// TensorData returns the bytes of a tensor: a slice of the mapped file, not
// a copy. It is valid until Close.
func (f *File) TensorData(t *TensorInfo) ([]byte, error) {
	if t == nil {
		return nil, errors.New("gguf: nil tensor")
	}
	if f.data == nil {
		return nil, errors.New("gguf: file is closed")
	}
	size, err := tensorSize(t.Type, t.Dims)
	if err != nil {
		return nil, fmt.Errorf("gguf: tensor %q: %w", t.Name, err)
	}
	start := uint64(f.DataOffset)
	if start > uint64(len(f.data)) || t.Offset > uint64(len(f.data))-start || size > uint64(len(f.data))-start-t.Offset {
		return nil, fmt.Errorf("gguf: tensor %q lies outside the file", t.Name)
	}
	lo := start + t.Offset
	return f.data[lo : lo+size : lo+size], nil
}

// TensorFloat32 dequantizes a whole tensor into a new float32 slice.
func (f *File) TensorFloat32(t *TensorInfo) ([]float32, error) {
	raw, err := f.TensorData(t)
	if err != nil {
		return nil, err
	}
	n := t.NumElements()
	if n > math.MaxInt32*8 {
		return nil, fmt.Errorf("gguf: tensor %q too large to dequantize at once", t.Name)
	}
	out := make([]float32, n)
	if err := Dequantize(t.Type, raw, out); err != nil {
		return nil, fmt.Errorf("gguf: tensor %q: %w", t.Name, err)
	}
	return out, nil
}
