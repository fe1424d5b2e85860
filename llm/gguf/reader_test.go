package gguf

import (
	"bytes"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func sampleKV(t testing.TB) []KeyValue {
	nested := MustArray([]Value{MustArray([]int32{1, -2}), MustArray([]string{"a", "bc"})})
	return []KeyValue{
		{"general.architecture", StringValue("llama")},
		{"general.name", StringValue("test")},
		{"u8", Uint8Value(200)}, {"i8", Int8Value(-5)},
		{"u16", Uint16Value(60000)}, {"i16", Int16Value(-30000)},
		{"u32", Uint32Value(4000000000)}, {"i32", Int32Value(-7)},
		{"u64", Uint64Value(1 << 40)}, {"i64", Int64Value(-1 << 40)},
		{"f32", Float32Value(1.5)}, {"f64", Float64Value(2.25)},
		{"b", BoolValue(true)},
		{"tokens", MustArray([]string{"<s>", "</s>", "hello", ""})},
		{"scores", MustArray([]float32{0, -1, -2.5, 3})},
		{"types", MustArray([]int32{3, 3, 1, 1})},
		{"bools", MustArray([]bool{true, false})},
		{"u64s", MustArray([]uint64{1, 2})},
		{"nested", nested},
		{"empty", MustArray([]string{})},
	}
}

func writeSample(t testing.TB, kv []KeyValue, tensors []WriteTensor) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, kv, tensors); err != nil {
		t.Fatalf("Write: %v", err)
	}
	return buf.Bytes()
}

func TestWriteParseMetadata(t *testing.T) {
	kv := sampleKV(t)
	tens := []WriteTensor{
		{Name: "a", Dims: []uint64{4, 2}, Type: F32, Data: make([]byte, 32)},
		{Name: "b", Dims: []uint64{3}, Type: F16, Data: []byte{1, 2, 3, 4, 5, 6}},
		{Name: "c", Dims: []uint64{32}, Type: Q8_0, Data: make([]byte, 34)},
	}
	data := writeSample(t, kv, tens)
	f, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	if f.Version != 3 || f.Alignment != 32 || f.DataOffset%32 != 0 {
		t.Fatalf("version %d align %d dataoff %d", f.Version, f.Alignment, f.DataOffset)
	}
	if len(f.KV) != len(kv) {
		t.Fatalf("got %d kv", len(f.KV))
	}
	for i := range kv {
		if f.KV[i].Key != kv[i].Key || !reflect.DeepEqual(f.KV[i].Value, kv[i].Value) {
			t.Errorf("kv %d: got %s=%v want %s=%v", i, f.KV[i].Key, f.KV[i].Value, kv[i].Key, kv[i].Value)
		}
	}
	if f.Architecture() != "llama" {
		t.Error("architecture")
	}
	if v, ok := f.Uint32("u8"); !ok || v != 200 {
		t.Error("Uint32(u8)", v, ok)
	}
	if _, ok := f.Uint32("u64"); ok {
		t.Error("Uint32(u64 1<<40) should not fit")
	}
	if _, ok := f.Uint32("i32"); ok {
		t.Error("Uint32(-7) should fail")
	}
	if v, ok := f.Int64("i64"); !ok || v != -1<<40 {
		t.Error("Int64", v)
	}
	if v, ok := f.Int64("u32"); !ok || v != 4000000000 {
		t.Error("Int64(u32)", v)
	}
	if v, ok := f.Float32("f64"); !ok || v != 2.25 {
		t.Error("Float32(f64)", v)
	}
	if v, ok := f.Bool("b"); !ok || !v {
		t.Error("Bool")
	}
	if s, ok := f.Strings("tokens"); !ok || !reflect.DeepEqual(s, []string{"<s>", "</s>", "hello", ""}) {
		t.Error("Strings", s)
	}
	if s, ok := f.Float32s("scores"); !ok || s[2] != -2.5 {
		t.Error("Float32s", s)
	}
	if s, ok := f.Int32s("types"); !ok || s[0] != 3 {
		t.Error("Int32s", s)
	}
	if s, ok := f.Int32s("u64s"); !ok || s[1] != 2 {
		t.Error("Int32s(u64s)", s)
	}
	nv, _ := f.Get("nested")
	if nv.Len() != 2 || nv.ElemType() != TypeArray || nv.Index(1).Index(1).str != "bc" {
		t.Error("nested", nv)
	}
	ti, ok := f.Tensor("b")
	if !ok || ti.Type != F16 || !reflect.DeepEqual(ti.Dims, []uint64{3}) || ti.Offset%32 != 0 {
		t.Fatal("tensor b", ti)
	}
	raw, err := f.TensorData(ti)
	if err != nil || !bytes.Equal(raw, []byte{1, 2, 3, 4, 5, 6}) {
		t.Fatal("tensor data", raw, err)
	}
	if _, ok := f.Tensor("zzz"); ok {
		t.Error("missing tensor found")
	}
}

func TestOpenMmap(t *testing.T) {
	data := make([]float32, 64)
	for i := range data {
		data[i] = float32(i) - 10
	}
	raw, _ := Quantize(F32, data)
	path := filepath.Join(t.TempDir(), "m.gguf")
	if err := os.WriteFile(path, writeSample(t, sampleKV(t), []WriteTensor{{Name: "w", Dims: []uint64{16, 4}, Type: F32, Data: raw}}), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	ti, _ := f.Tensor("w")
	got, err := f.TensorFloat32(ti)
	if err != nil || !reflect.DeepEqual(got, data) {
		t.Fatal(got, err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := f.TensorData(ti); err == nil {
		t.Fatal("TensorData after Close should fail")
	}
	if s, ok := f.String("general.name"); !ok || s != "test" {
		t.Fatal("metadata should survive Close")
	}
}

func TestParseErrors(t *testing.T) {
	good := writeSample(t, sampleKV(t), []WriteTensor{{Name: "w", Dims: []uint64{32, 2}, Type: Q8_0, Data: make([]byte, 68)}})
	if _, err := Parse(good); err != nil {
		t.Fatal(err)
	}
	v2 := append([]byte(nil), good...)
	v2[4] = 2 // v2 has the same layout as v3 (v3 only added big-endian files)
	if f, err := Parse(v2); err != nil || f.Version != 2 {
		t.Fatalf("v2 file: %v", err)
	}
	mod := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), good...)) }
	cases := map[string][]byte{
		"empty":     {},
		"magic":     mod(func(b []byte) []byte { b[0] = 'X'; return b }),
		"v1":        mod(func(b []byte) []byte { b[4] = 1; return b }),
		"v4":        mod(func(b []byte) []byte { b[4] = 4; return b }),
		"bigendian": mod(func(b []byte) []byte { b[4], b[7] = 0, 3; return b }),
		"ntensors":  mod(func(b []byte) []byte { b[8+7] = 0x7f; return b }),
		"nkv":       mod(func(b []byte) []byte { b[16+6] = 0x7f; return b }),
		"truncated": good[:len(good)-30], // past the final padding into the data
		"header":    good[:20],
	}
	for i := 1; i < len(good)-64; i += 7 {
		cases["trunc"+string(rune('a'+i%26))+string(rune('0'+i%10))] = good[:i]
	}
	for name, b := range cases {
		if _, err := Parse(b); err == nil {
			t.Errorf("%s: no error", name)
		} else if !errors.Is(err, ErrFormat) {
			t.Errorf("%s: error %v does not wrap ErrFormat", name, err)
		}
	}
	_, err := Parse(cases["v1"])
	if err == nil || !strings.Contains(err.Error(), "version 1") {
		t.Errorf("v1 error not clear: %v", err)
	}
}

func TestParseRejectsBadTensors(t *testing.T) {
	mk := func(tt WriteTensor, kv ...KeyValue) []byte {
		var buf bytes.Buffer
		c := &countWriter{w: &buf}
		c.bytes([]byte(Magic))
		c.u32(3)
		c.u64(1)
		c.u64(uint64(len(kv)))
		for _, e := range kv {
			c.str(e.Key)
			if !e.Value.Type.Valid() {
				c.u32(uint32(e.Value.Type))
				continue
			}
			_ = c.value(e.Value, true)
		}
		c.str(tt.Name)
		c.u32(uint32(len(tt.Dims)))
		for _, d := range tt.Dims {
			c.u64(d)
		}
		c.u32(uint32(tt.Type))
		c.u64(uint64(len(tt.Data))) // abuse Data length as the offset
		c.pad(32)
		c.bytes(make([]byte, 4096))
		return buf.Bytes()
	}
	cases := map[string][]byte{
		"unknown type":   mk(WriteTensor{Name: "x", Dims: []uint64{32}, Type: 4}),
		"type 1000":      mk(WriteTensor{Name: "x", Dims: []uint64{32}, Type: 1000}),
		"block multiple": mk(WriteTensor{Name: "x", Dims: []uint64{31}, Type: Q8_0}),
		"overflow":       mk(WriteTensor{Name: "x", Dims: []uint64{1 << 32, 1 << 32, 1 << 32}, Type: F32}),
		"negative dim":   mk(WriteTensor{Name: "x", Dims: []uint64{1 << 63}, Type: F32}),
		"0 dims":         mk(WriteTensor{Name: "x", Dims: nil, Type: F32}),
		"5 dims":         mk(WriteTensor{Name: "x", Dims: []uint64{1, 1, 1, 1, 1}, Type: F32}),
		"misaligned":     mk(WriteTensor{Name: "x", Dims: []uint64{4}, Type: F32, Data: make([]byte, 4)}),
		"beyond end":     mk(WriteTensor{Name: "x", Dims: []uint64{2048}, Type: F32}),
		"long name":      mk(WriteTensor{Name: strings.Repeat("n", 64), Dims: []uint64{4}, Type: F32}),
		"bad alignment":  mk(WriteTensor{Name: "x", Dims: []uint64{4}, Type: F32}, KeyValue{"general.alignment", Uint32Value(24)}),
		"alignment type": mk(WriteTensor{Name: "x", Dims: []uint64{4}, Type: F32}, KeyValue{"general.alignment", Uint64Value(32)}),
		"dup key":        mk(WriteTensor{Name: "x", Dims: []uint64{4}, Type: F32}, KeyValue{"a", Uint8Value(1)}, KeyValue{"a", Uint8Value(1)}),
		"bad value type": mk(WriteTensor{Name: "x", Dims: []uint64{4}, Type: F32}, KeyValue{"a", Value{Type: 13}}),
	}
	for name, b := range cases {
		if _, err := Parse(b); err == nil {
			t.Errorf("%s: no error", name)
		} else {
			t.Logf("%s: %v", name, err)
		}
	}
	if _, err := Parse(mk(WriteTensor{Name: "x", Dims: []uint64{4}, Type: F32})); err != nil {
		t.Errorf("control case: %v", err)
	}
}

func TestSharedVocabs(t *testing.T) {
	files, _ := filepath.Glob("../../../shared/testdata/vocab/*.gguf")
	if len(files) == 0 {
		t.Skip("../shared/testdata/vocab not present (shared test data is outside the repo)")
	}
	for _, p := range files {
		f, err := Open(p)
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		toks, ok := f.Strings("tokenizer.ggml.tokens")
		model, _ := f.String("tokenizer.ggml.model")
		if !ok || len(toks) == 0 || model == "" {
			t.Errorf("%s: no tokenizer", p)
		}
		t.Logf("%s: v%d arch=%q model=%s tokens=%d kv=%d", filepath.Base(p), f.Version, f.Architecture(), model, len(toks), len(f.KV))
		f.Close()
	}
}

var _ = math.Pi

func TestWriterOptionsAndErrors(t *testing.T) {
	kv := []KeyValue{{"general.alignment", Uint32Value(64)}}
	data := writeSample(t, kv, []WriteTensor{
		{Name: "a", Dims: []uint64{3}, Type: F32, Data: make([]byte, 12)},
		{Name: "b", Dims: []uint64{5}, Type: F32, Fill: func(w io.Writer) error { _, err := w.Write(make([]byte, 20)); return err }},
	})
	f, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	if f.Alignment != 64 || f.DataOffset%64 != 0 || f.Tensors[1].Offset != 64 {
		t.Fatalf("alignment %d, data offset %d, offset %d", f.Alignment, f.DataOffset, f.Tensors[1].Offset)
	}
	bad := map[string]struct {
		kv []KeyValue
		ts []WriteTensor
	}{
		"short data":    {nil, []WriteTensor{{Name: "a", Dims: []uint64{3}, Type: F32, Data: make([]byte, 8)}}},
		"fill too long": {nil, []WriteTensor{{Name: "a", Dims: []uint64{1}, Type: F32, Fill: func(w io.Writer) error { _, err := w.Write(make([]byte, 8)); return err }}}},
		"dup tensor":    {nil, []WriteTensor{{Name: "a", Dims: []uint64{1}, Type: F32, Data: make([]byte, 4)}, {Name: "a", Dims: []uint64{1}, Type: F32, Data: make([]byte, 4)}}},
		"block":         {nil, []WriteTensor{{Name: "a", Dims: []uint64{16}, Type: Q8_0, Data: make([]byte, 17)}}},
		"unknown type":  {nil, []WriteTensor{{Name: "a", Dims: []uint64{1}, Type: 5, Data: make([]byte, 4)}}},
		"long name":     {nil, []WriteTensor{{Name: strings.Repeat("x", 64), Dims: []uint64{1}, Type: F32, Data: make([]byte, 4)}}},
		"dup key":       {[]KeyValue{{"k", Uint8Value(1)}, {"k", Uint8Value(2)}}, nil},
		"bad align":     {[]KeyValue{{"general.alignment", Uint32Value(48)}}, nil},
		"align type":    {[]KeyValue{{"general.alignment", Int32Value(64)}}, nil},
		"bad value":     {[]KeyValue{{"k", Value{Type: 99}}}, nil},
		"fill error": {nil, []WriteTensor{{Name: "a", Dims: []uint64{1}, Type: F32, Fill: func(io.Writer) error {
			return errors.New("boom")
		}}}},
	}
	for name, c := range bad {
		if err := Write(io.Discard, c.kv, c.ts); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := ArrayValue([]complex64{1}); err == nil {
		t.Error("ArrayValue accepted []complex64")
	}
}
