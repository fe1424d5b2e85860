package gguf

import (
	"testing"
)

// FuzzParse feeds arbitrary bytes to Parse: it must return an error or a
// File whose every accessor and tensor slice is safe to use.
func FuzzParse(f *testing.F) {
	f.Add(writeSample(f, sampleKV(f), []WriteTensor{
		{Name: "a", Dims: []uint64{4, 2}, Type: F32, Data: make([]byte, 32)},
		{Name: "q", Dims: []uint64{32}, Type: Q8_0, Data: make([]byte, 34)},
	}))
	f.Add(writeSample(f, []KeyValue{{"general.alignment", Uint32Value(64)}}, []WriteTensor{
		{Name: "k", Dims: []uint64{256}, Type: Q4_K, Data: make([]byte, 144)},
		{Name: "h", Dims: []uint64{2, 1, 1, 1}, Type: F16, Data: make([]byte, 4)},
	}))
	f.Add(writeSample(f, nil, nil))
	f.Add([]byte("GGUF\x02\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse(data)
		if err != nil {
			return
		}
		for _, kv := range file.KV {
			_ = kv.Value.String()
			_, _ = file.Int32s(kv.Key)
			_, _ = file.Float32s(kv.Key)
			_, _ = file.Uint32(kv.Key)
		}
		for i := range file.Tensors {
			ti := &file.Tensors[i]
			raw, err := file.TensorData(ti)
			if err != nil {
				t.Fatalf("validated tensor %q: %v", ti.Name, err)
			}
			if uint64(len(raw)) != ti.Size() {
				t.Fatalf("tensor %q: %d bytes, want %d", ti.Name, len(raw), ti.Size())
			}
			if n := ti.NumElements(); n <= 1<<16 {
				out := make([]float32, n)
				_ = Dequantize(ti.Type, raw, out)
			}
		}
	})
}
