package gguf

import (
	"fmt"
	"math"
	"strings"
)

// ValueType is the type tag of a GGUF metadata value.
type ValueType uint32

// Metadata value types, numbered as in the GGUF specification.
const (
	TypeUint8   ValueType = 0
	TypeInt8    ValueType = 1
	TypeUint16  ValueType = 2
	TypeInt16   ValueType = 3
	TypeUint32  ValueType = 4
	TypeInt32   ValueType = 5
	TypeFloat32 ValueType = 6
	TypeBool    ValueType = 7
	TypeString  ValueType = 8
	TypeArray   ValueType = 9
	TypeUint64  ValueType = 10
	TypeInt64   ValueType = 11
	TypeFloat64 ValueType = 12
)

var valueTypeNames = [...]string{"uint8", "int8", "uint16", "int16", "uint32", "int32", "float32", "bool", "string", "array", "uint64", "int64", "float64"}

func (t ValueType) String() string {
	if int(t) < len(valueTypeNames) {
		return valueTypeNames[t]
	}
	return fmt.Sprintf("ValueType(%d)", uint32(t))
}

// Valid reports whether t is a known value type.
func (t ValueType) Valid() bool { return t <= TypeFloat64 }

// scalarSize is the encoded size of a fixed-size value type, 0 for string and
// array.
func (t ValueType) scalarSize() int {
	switch t {
	case TypeUint8, TypeInt8, TypeBool:
		return 1
	case TypeUint16, TypeInt16:
		return 2
	case TypeUint32, TypeInt32, TypeFloat32:
		return 4
	case TypeUint64, TypeInt64, TypeFloat64:
		return 8
	}
	return 0
}

func (t ValueType) isInteger() bool {
	switch t {
	case TypeUint8, TypeInt8, TypeUint16, TypeInt16, TypeUint32, TypeInt32, TypeUint64, TypeInt64:
		return true
	}
	return false
}

func (t ValueType) isSigned() bool {
	return t == TypeInt8 || t == TypeInt16 || t == TypeInt32 || t == TypeInt64
}

// KeyValue is one metadata entry.
type KeyValue struct {
	Key   string
	Value Value
}

// Value holds any GGUF metadata value, including nested arrays.
//
// Scalars keep their bits in a uint64 (sign-extended for signed integers,
// IEEE bits for floats); strings are copied out of the file; arrays of a
// scalar type hold a typed Go slice ([]uint8, []int32, []float32, []bool,
// ...), arrays of strings a []string and arrays of arrays a []Value.
type Value struct {
	Type ValueType
	elem ValueType // element type when Type == TypeArray
	bits uint64
	str  string
	arr  any
	n    int // array length
}

// Constructors, mostly for the writer.

func Uint8Value(v uint8) Value   { return Value{Type: TypeUint8, bits: uint64(v)} }
func Int8Value(v int8) Value     { return Value{Type: TypeInt8, bits: uint64(int64(v))} }
func Uint16Value(v uint16) Value { return Value{Type: TypeUint16, bits: uint64(v)} }
func Int16Value(v int16) Value   { return Value{Type: TypeInt16, bits: uint64(int64(v))} }
func Uint32Value(v uint32) Value { return Value{Type: TypeUint32, bits: uint64(v)} }
func Int32Value(v int32) Value   { return Value{Type: TypeInt32, bits: uint64(int64(v))} }
func Uint64Value(v uint64) Value { return Value{Type: TypeUint64, bits: v} }
func Int64Value(v int64) Value   { return Value{Type: TypeInt64, bits: uint64(v)} }
func Float32Value(v float32) Value {
	return Value{Type: TypeFloat32, bits: uint64(math.Float32bits(v))}
}
func Float64Value(v float64) Value { return Value{Type: TypeFloat64, bits: math.Float64bits(v)} }
func StringValue(v string) Value   { return Value{Type: TypeString, str: v} }
func BoolValue(v bool) Value {
	if v {
		return Value{Type: TypeBool, bits: 1}
	}
	return Value{Type: TypeBool}
}

// ArrayValue makes an array from a typed slice: []uint8, []int8, []uint16,
// []int16, []uint32, []int32, []uint64, []int64, []float32, []float64,
// []bool, []string, or []Value (an array of arrays: every element must
// itself be an array). The slice is not copied.
func ArrayValue(s any) (Value, error) {
	v := Value{Type: TypeArray, arr: s}
	switch a := s.(type) {
	case []uint8:
		v.elem, v.n = TypeUint8, len(a)
	case []int8:
		v.elem, v.n = TypeInt8, len(a)
	case []uint16:
		v.elem, v.n = TypeUint16, len(a)
	case []int16:
		v.elem, v.n = TypeInt16, len(a)
	case []uint32:
		v.elem, v.n = TypeUint32, len(a)
	case []int32:
		v.elem, v.n = TypeInt32, len(a)
	case []uint64:
		v.elem, v.n = TypeUint64, len(a)
	case []int64:
		v.elem, v.n = TypeInt64, len(a)
	case []float32:
		v.elem, v.n = TypeFloat32, len(a)
	case []float64:
		v.elem, v.n = TypeFloat64, len(a)
	case []bool:
		v.elem, v.n = TypeBool, len(a)
	case []string:
		v.elem, v.n = TypeString, len(a)
	case []Value:
		for i := range a {
			if a[i].Type != TypeArray {
				return Value{}, fmt.Errorf("gguf: array of arrays: element %d is %s", i, a[i].Type)
			}
		}
		v.elem, v.n = TypeArray, len(a)
	default:
		return Value{}, fmt.Errorf("gguf: unsupported array element type %T", s)
	}
	return v, nil
}

// MustArray is ArrayValue for slices whose type is known to be valid; it
// returns an empty uint8 array for unsupported types instead of panicking.
func MustArray(s any) Value {
	v, err := ArrayValue(s)
	if err != nil {
		return Value{Type: TypeArray, elem: TypeUint8, arr: []uint8{}}
	}
	return v
}

// ElemType is the element type of an array value (meaningless otherwise).
func (v Value) ElemType() ValueType { return v.elem }

// Len is the number of elements of an array value, 0 for scalars.
func (v Value) Len() int {
	if v.Type != TypeArray {
		return 0
	}
	return v.n
}

// AsUint64 returns an integer value as uint64 if it is non-negative.
func (v Value) AsUint64() (uint64, bool) {
	if !v.Type.isInteger() {
		return 0, false
	}
	if v.Type.isSigned() && int64(v.bits) < 0 {
		return 0, false
	}
	return v.bits, true
}

// AsInt64 returns an integer value as int64 if it fits.
func (v Value) AsInt64() (int64, bool) {
	if !v.Type.isInteger() {
		return 0, false
	}
	if !v.Type.isSigned() && v.bits > math.MaxInt64 {
		return 0, false
	}
	return int64(v.bits), true
}

// AsFloat64 returns a float32 or float64 value.
func (v Value) AsFloat64() (float64, bool) {
	switch v.Type {
	case TypeFloat32:
		return float64(math.Float32frombits(uint32(v.bits))), true
	case TypeFloat64:
		return math.Float64frombits(v.bits), true
	}
	return 0, false
}

// AsBool returns a bool value.
func (v Value) AsBool() (bool, bool) {
	if v.Type != TypeBool {
		return false, false
	}
	return v.bits != 0, true
}

// AsString returns a string value.
func (v Value) AsString() (string, bool) {
	if v.Type != TypeString {
		return "", false
	}
	return v.str, true
}

// Strings returns an array of strings (the slice is shared, do not modify).
func (v Value) Strings() ([]string, bool) {
	if v.Type != TypeArray || v.elem != TypeString {
		return nil, false
	}
	s, ok := v.arr.([]string)
	return s, ok
}

// Float32s returns an array of float32 (or float64, converted) values.
func (v Value) Float32s() ([]float32, bool) {
	if v.Type != TypeArray {
		return nil, false
	}
	switch a := v.arr.(type) {
	case []float32:
		return a, true
	case []float64:
		out := make([]float32, len(a))
		for i, x := range a {
			out[i] = float32(x)
		}
		return out, true
	}
	return nil, false
}

// Int64s returns an integer array converted to int64, if every element fits.
func (v Value) Int64s() ([]int64, bool) {
	if v.Type != TypeArray || !v.elem.isInteger() {
		return nil, false
	}
	out := make([]int64, v.n)
	for i := 0; i < v.n; i++ {
		e := v.Index(i)
		x, ok := e.AsInt64()
		if !ok {
			return nil, false
		}
		out[i] = x
	}
	return out, true
}

// Int32s returns an integer array converted to int32, if every element fits.
func (v Value) Int32s() ([]int32, bool) {
	if v.Type != TypeArray {
		return nil, false
	}
	if a, ok := v.arr.([]int32); ok {
		return a, true
	}
	all, ok := v.Int64s()
	if !ok {
		return nil, false
	}
	out := make([]int32, len(all))
	for i, x := range all {
		if x < math.MinInt32 || x > math.MaxInt32 {
			return nil, false
		}
		out[i] = int32(x)
	}
	return out, true
}

// Uint32s returns an integer array converted to uint32, if every element fits.
func (v Value) Uint32s() ([]uint32, bool) {
	if v.Type != TypeArray {
		return nil, false
	}
	if a, ok := v.arr.([]uint32); ok {
		return a, true
	}
	all, ok := v.Int64s()
	if !ok {
		return nil, false
	}
	out := make([]uint32, len(all))
	for i, x := range all {
		if x < 0 || x > math.MaxUint32 {
			return nil, false
		}
		out[i] = uint32(x)
	}
	return out, true
}

// Index returns element i of an array as a Value (the zero Value when out of
// range or not an array).
func (v Value) Index(i int) Value {
	if v.Type != TypeArray || i < 0 || i >= v.n {
		return Value{}
	}
	switch a := v.arr.(type) {
	case []uint8:
		return Uint8Value(a[i])
	case []int8:
		return Int8Value(a[i])
	case []uint16:
		return Uint16Value(a[i])
	case []int16:
		return Int16Value(a[i])
	case []uint32:
		return Uint32Value(a[i])
	case []int32:
		return Int32Value(a[i])
	case []uint64:
		return Uint64Value(a[i])
	case []int64:
		return Int64Value(a[i])
	case []float32:
		return Float32Value(a[i])
	case []float64:
		return Float64Value(a[i])
	case []bool:
		return BoolValue(a[i])
	case []string:
		return StringValue(a[i])
	case []Value:
		return a[i]
	}
	return Value{}
}

// Interface returns the value as a plain Go value: uint8 ... float64, bool,
// string, or for arrays the typed slice ([]Value for arrays of arrays).
func (v Value) Interface() any {
	switch v.Type {
	case TypeUint8:
		return uint8(v.bits)
	case TypeInt8:
		return int8(v.bits)
	case TypeUint16:
		return uint16(v.bits)
	case TypeInt16:
		return int16(v.bits)
	case TypeUint32:
		return uint32(v.bits)
	case TypeInt32:
		return int32(v.bits)
	case TypeUint64:
		return v.bits
	case TypeInt64:
		return int64(v.bits)
	case TypeFloat32:
		return math.Float32frombits(uint32(v.bits))
	case TypeFloat64:
		return math.Float64frombits(v.bits)
	case TypeBool:
		return v.bits != 0
	case TypeString:
		return v.str
	case TypeArray:
		return v.arr
	}
	return nil
}

// String formats the value for people; long arrays are abbreviated.
func (v Value) String() string {
	if v.Type != TypeArray {
		if v.Type == TypeString {
			return fmt.Sprintf("%q", v.str)
		}
		return fmt.Sprint(v.Interface())
	}
	var b strings.Builder
	fmt.Fprintf(&b, "[%s x %d]", v.elem, v.n)
	if v.n > 0 {
		b.WriteString(" [")
		for i := 0; i < v.n && i < 5; i++ {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(v.Index(i).String())
		}
		if v.n > 5 {
			b.WriteString(", ...")
		}
		b.WriteString("]")
	}
	return b.String()
}
