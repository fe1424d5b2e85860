package gguf

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// relRMS returns ||a-b|| / ||b||.
func relRMS(a, b []float32) float64 {
	var num, den float64
	for i := range a {
		d := float64(a[i]) - float64(b[i])
		num += d * d
		den += float64(b[i]) * float64(b[i])
	}
	if den == 0 {
		return math.Sqrt(num)
	}
	return math.Sqrt(num / den)
}

func gaussian(n int, seed uint64) []float32 {
	r := rand.New(rand.NewPCG(seed, 1))
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(r.NormFloat64()) * 0.05
	}
	return x
}

// Expected relative RMS error of each format on Gaussian data (ggml's own
// quantizers measure on the parity models: q8_0 0.57%, q6_k 1.8%, q4_k 7.1%).
var roundTripBound = map[GGMLType]float64{
	F32: 0, F16: 1e-3, BF16: 5e-3, Q8_0: 0.0065, Q6_K: 0.02,
	Q5_0: 0.05, Q5_1: 0.045, Q5_K: 0.04,
	Q4_0: 0.10, Q4_1: 0.09, Q4_K: 0.08,
}

func TestRoundTripAllTypes(t *testing.T) {
	x := gaussian(QK_K*64, 7)
	x[5] = 0.9 // an outlier
	x[300] = -0.7
	for typ, bound := range roundTripBound {
		raw, err := Quantize(typ, x)
		if err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
		// writer -> reader -> dequantize
		dims := []uint64{QK_K * 4, 16}
		data := writeSample(t, []KeyValue{{"general.architecture", StringValue("llama")}}, []WriteTensor{
			{Name: "pad", Dims: []uint64{3}, Type: F32, Data: make([]byte, 12)},
			{Name: "w", Dims: dims, Type: typ, Data: raw},
		})
		f, err := Parse(data)
		if err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
		ti, _ := f.Tensor("w")
		got, err := f.TensorFloat32(ti)
		if err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
		e := relRMS(got, x)
		t.Logf("%-5s rel RMS error %.5f (bound %.4f), %.3f bits/weight", typ, e, bound, float64(len(raw))*8/float64(len(x)))
		if e > bound || math.IsNaN(e) {
			t.Errorf("%s: relative RMS error %.5f exceeds %.4f", typ, e, bound)
		}
		// all-zero and constant blocks must stay exact-ish and finite
		for _, c := range []float32{0, 0.25, -3} {
			in := make([]float32, QK_K)
			for i := range in {
				in[i] = c
			}
			raw, _ := Quantize(typ, in)
			out := make([]float32, QK_K)
			if err := Dequantize(typ, raw, out); err != nil {
				t.Fatal(err)
			}
			for i := range out {
				if math.Abs(float64(out[i]-c)) > 0.02*math.Abs(float64(c))+1e-6 {
					t.Fatalf("%s: constant %v block: element %d = %v", typ, c, i, out[i])
				}
			}
		}
	}
}

func f16bytes(x float32) []byte {
	return binary.LittleEndian.AppendUint16(nil, FP32ToFP16(x))
}

// Hand-computed blocks: the expected values below were worked out on paper
// from the block layouts in ggml-common.h, so a layout mistake made
// symmetrically in Quantize and Dequantize cannot hide.
func TestDequantizeHandBlocks(t *testing.T) {
	type check struct {
		i    int
		want float32
	}
	cases := []struct {
		typ    GGMLType
		blk    []byte
		checks []check
	}{
		{Q8_0, func() []byte {
			b := append(f16bytes(0.25), make([]byte, 32)...)
			b[2], b[33] = 0x80, 127
			return b
		}(), []check{{0, -32}, {31, 31.75}, {1, 0}}},
		{Q4_0, func() []byte {
			b := append(f16bytes(0.5), make([]byte, 16)...)
			b[2] = 0x1F
			return b
		}(), []check{{0, 3.5}, {16, -3.5}, {1, -4}}},
		{Q4_1, func() []byte {
			b := append(append(f16bytes(0.5), f16bytes(-1)...), make([]byte, 16)...)
			b[4] = 0x1F
			return b
		}(), []check{{0, 6.5}, {16, -0.5}, {1, -1}}},
		{Q5_0, func() []byte {
			b := append(append(f16bytes(2), 0x08, 0, 0x08, 0), make([]byte, 16)...)
			b[6+3] = 0xF7
			return b
		}(), []check{{3, 14}, {19, 30}, {0, -32}, {16, -32}}},
		{Q5_1, func() []byte {
			b := append(append(append(f16bytes(2), f16bytes(1)...), 0x08, 0, 0x08, 0), make([]byte, 16)...)
			b[8+3] = 0xF7
			return b
		}(), []check{{3, 47}, {19, 63}, {0, 1}}},
		{Q4_K, func() []byte {
			b := append(append(f16bytes(1), f16bytes(0.5)...),
				0x41, 2, 3, 4, 10, 11, 12, 13, 0x21, 0x43, 0x65, 0x87)
			for i := 0; i < 128; i++ {
				b = append(b, 0x5A)
			}
			return b
		}(), []check{{0, 5}, {32, 4.5}, {64, 24}, {128, 169}, {255, 31}}},
		{Q5_K, func() []byte {
			// same scales as the Q4_K case; qh bit 0 set for l=0 (element 0
			// gets +16), bit 5 set (chunk 2, high half: element 160+0)
			b := append(append(f16bytes(1), f16bytes(0.5)...),
				0x41, 2, 3, 4, 10, 11, 12, 13, 0x21, 0x43, 0x65, 0x87)
			qh := make([]byte, 32)
			qh[0] = 1 | 1<<5
			b = append(b, qh...)
			for i := 0; i < 128; i++ {
				b = append(b, 0x5A)
			}
			return b
		}(), []check{{0, 21}, {1, 5}, {32, 4.5}, {160, 3*(5+16) - 2}, {161, 3*5 - 2}}},
		{Q6_K, func() []byte {
			b := make([]byte, 210)
			for l := 0; l < 64; l++ {
				b[l] = 0x21
			}
			b[128], b[128+32] = 0xE4, 0xE4
			for k := 0; k < 16; k++ {
				b[192+k] = byte(k + 1)
			}
			b[192+2] = 0xFD // -3
			copy(b[208:], f16bytes(0.5))
			return b
		}(), []check{{0, -15.5}, {32, 22.5}, {64, 5}, {96, 63}, {17, -31}, {128, -144}}},
		{Q2_K, func() []byte {
			b := make([]byte, 84)
			b[0], b[2], b[6] = 0x32, 0x15, 0x07
			b[16] = 0xE4
			copy(b[80:], f16bytes(1))
			copy(b[82:], f16bytes(1))
			return b
		}(), []check{{0, -3}, {32, 4}, {96, 21}}},
		{Q3_K, func() []byte {
			b := make([]byte, 110)
			for i := 0; i < 32; i++ {
				b[i] = 0xFF
			}
			b[0] = 0xFE
			b[32], b[33] = 0xE4, 3
			b[96], b[96+8] = 0x01, 0x02
			copy(b[108:], f16bytes(1))
			return b
		}(), []check{{0, -4}, {1, 3}, {32, -32}}},
	}
	for _, c := range cases {
		if len(c.blk) != c.typ.TypeSize() {
			t.Fatalf("%s: test block is %d bytes, want %d", c.typ, len(c.blk), c.typ.TypeSize())
		}
		out := make([]float32, c.typ.BlockSize())
		if err := Dequantize(c.typ, c.blk, out); err != nil {
			t.Fatal(err)
		}
		for _, ch := range c.checks {
			if out[ch.i] != ch.want {
				t.Errorf("%s: element %d = %v, want %v", c.typ, ch.i, out[ch.i], ch.want)
			}
		}
	}
}

func TestHalfConversions(t *testing.T) {
	for h := 0; h < 1<<16; h++ {
		f := FP16ToFP32(uint16(h))
		back := FP32ToFP16(f)
		if math.IsNaN(float64(f)) {
			if back&0x7c00 != 0x7c00 || back&0x3ff == 0 {
				t.Fatalf("nan %#x -> %#x", h, back)
			}
			continue
		}
		if back != uint16(h) {
			t.Fatalf("fp16 %#04x -> %v -> %#04x", h, f, back)
		}
		if bf := BF16ToFP32(uint16(h)); !math.IsNaN(float64(bf)) && FP32ToBF16(bf) != uint16(h) {
			t.Fatalf("bf16 %#04x round trip", h)
		}
	}
	checks := map[float32]uint16{1: 0x3c00, -2: 0xc000, 65504: 0x7bff, 65520: 0x7c00, 1e-8: 0, 5.960464477539063e-08: 1, 0.1: 0x2e66}
	for f, want := range checks {
		if got := FP32ToFP16(f); got != want {
			t.Errorf("FP32ToFP16(%v) = %#x, want %#x", f, got, want)
		}
	}
}

func TestDequantizeErrors(t *testing.T) {
	out := make([]float32, 32)
	if err := Dequantize(Q8_0, make([]byte, 33), out); err == nil {
		t.Error("short source accepted")
	}
	if err := Dequantize(Q8_0, make([]byte, 34), out[:31]); err == nil {
		t.Error("partial block accepted")
	}
	if err := Dequantize(GGMLType(4), nil, nil); err == nil {
		t.Error("unknown type accepted")
	}
	if err := Dequantize(IQ2_XXS, make([]byte, 66), make([]float32, 256)); err == nil {
		t.Error("unsupported type accepted")
	}
	if _, err := Quantize(Q4_K, make([]float32, 100)); err == nil {
		t.Error("partial k-block accepted")
	}
	if _, err := Quantize(Q8_0, []float32{float32(math.NaN())}); err == nil {
		t.Error("NaN accepted")
	}
}

// TestParityLlamaCpp checks the dequantizers against llama.cpp's quantizer:
// the Q8_0 and Q4_K_M files were made by llama-quantize from the F16 file.
func TestParityLlamaCpp(t *testing.T) {
	dir := "../../../shared/testdata/parity"
	ref := filepath.Join(dir, "llama-tiny-f16.gguf")
	if _, err := os.Stat(ref); err != nil {
		t.Skip("../shared/testdata/parity not present (shared test data is outside the repo)")
	}
	fr, err := Open(ref)
	if err != nil {
		t.Fatal(err)
	}
	defer fr.Close()
	bound := roundTripBound
	for _, name := range []string{"llama-tiny-q8_0.gguf", "llama-tiny-q4_k_m.gguf"} {
		fq, err := Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		counts := map[GGMLType]int{}
		for i := range fq.Tensors {
			tq := &fq.Tensors[i]
			tr, ok := fr.Tensor(tq.Name)
			if !ok {
				t.Fatalf("%s: %s not in the f16 file", name, tq.Name)
			}
			counts[tq.Type]++
			if tq.Type == F32 {
				continue
			}
			want, err := fr.TensorFloat32(tr)
			if err != nil {
				t.Fatal(err)
			}
			got, err := fq.TensorFloat32(tq)
			if err != nil {
				t.Fatal(err)
			}
			e := relRMS(got, want)
			b, ok := bound[tq.Type]
			if !ok {
				t.Errorf("%s: %s has type %s, not covered", name, tq.Name, tq.Type)
				continue
			}
			if e > b {
				t.Errorf("%s: %s (%s): llama.cpp-quantized data dequantizes with rel RMS error %.4f > %.4f", name, tq.Name, tq.Type, e, b)
			}
			// Our quantizer on the same data should do about as well (checked
			// on the first rows only, to keep the test fast).
			if len(want) > 1<<20 {
				want, got = want[:1<<20], got[:1<<20]
				e = relRMS(got, want)
			}
			mine, err := Quantize(tq.Type, want)
			if err != nil {
				t.Fatal(err)
			}
			back := make([]float32, len(want))
			if err := Dequantize(tq.Type, mine, back); err != nil {
				t.Fatal(err)
			}
			if em := relRMS(back, want); em > 1.25*e+1e-4 {
				t.Errorf("%s: %s (%s): our quantizer error %.5f vs llama.cpp %.5f", name, tq.Name, tq.Type, em, e)
			}
			if tq.Type == Q8_0 {
				// Q8_0 quantization is deterministic: our bytes should match llama.cpp's nearly always.
				raw, _ := fq.TensorData(tq)
				raw = raw[:len(mine)]
				if !bytes.Equal(raw, mine) {
					diff := 0
					for k := range raw {
						if raw[k] != mine[k] {
							diff++
						}
					}
					if diff > len(raw)/1000 {
						t.Errorf("%s: %s: %d of %d Q8_0 bytes differ from llama.cpp", name, tq.Name, diff, len(raw))
					}
				}
			}
		}
		t.Logf("%s: tensor types %v", name, counts)
		fq.Close()
	}
}
