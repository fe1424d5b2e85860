package gguf

import (
	"fmt"
	"testing"
)

var benchTypes = []GGMLType{F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q4_K, Q5_K, Q6_K}

func BenchmarkQuantize(b *testing.B) {
	x := gaussian(QK_K*256, 3)
	for _, typ := range benchTypes {
		b.Run(typ.String(), func(b *testing.B) {
			b.SetBytes(int64(4 * len(x)))
			for i := 0; i < b.N; i++ {
				if _, err := Quantize(typ, x); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDequantize reports throughput in bytes of float32 output per
// second.
func BenchmarkDequantize(b *testing.B) {
	x := gaussian(QK_K*256, 3)
	out := make([]float32, len(x))
	for _, typ := range append(benchTypes, Q2_K, Q3_K) {
		raw, err := Quantize(typ, x)
		if err != nil {
			raw = make([]byte, len(x)/typ.BlockSize()*typ.TypeSize())
		}
		b.Run(typ.String(), func(b *testing.B) {
			b.SetBytes(int64(4 * len(x)))
			for i := 0; i < b.N; i++ {
				if err := Dequantize(typ, raw, out); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(x))*float64(b.N)/b.Elapsed().Seconds()/1e6, "Melem/s")
		})
	}
}

var _ = fmt.Sprint
