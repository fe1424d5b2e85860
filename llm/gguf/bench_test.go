package gguf

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// vmRSS returns the resident set size of this process in bytes (Linux).
func vmRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// BenchmarkOpen opens a ~1 GiB GGUF (64 F16 tensors of 16 MiB plus a
// 32k-token vocabulary). Open maps the file and decodes only the metadata,
// so the time is milliseconds and resident memory does not grow with the
// file: rss-MB is the growth of VmRSS across all opens.
func BenchmarkOpen(b *testing.B) {
	if testing.Short() {
		b.Skip("writes a 1 GiB file; skipped under -short")
	}
	path := filepath.Join(b.TempDir(), "big.gguf")
	fd, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	toks := make([]string, 32000)
	for i := range toks {
		toks[i] = "tok" + strconv.Itoa(i)
	}
	kv := []KeyValue{{"general.architecture", StringValue("llama")}, {"tokenizer.ggml.tokens", MustArray(toks)}}
	var ts []WriteTensor
	chunk := make([]byte, 1<<20)
	for i := 0; i < 64; i++ {
		ts = append(ts, WriteTensor{Name: "blk." + strconv.Itoa(i) + ".w", Dims: []uint64{4096, 2048}, Type: F16,
			Fill: func(w io.Writer) error {
				for k := 0; k < 16; k++ {
					if _, err := w.Write(chunk); err != nil {
						return err
					}
				}
				return nil
			}})
	}
	bw := bufio.NewWriter(fd)
	if err := Write(bw, kv, ts); err != nil {
		b.Fatal(err)
	}
	if err := bw.Flush(); err != nil {
		b.Fatal(err)
	}
	fd.Close()
	st, _ := os.Stat(path)
	b.ReportMetric(float64(st.Size())/(1<<20), "file-MB")
	rss0 := vmRSS()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f, err := Open(path)
		if err != nil {
			b.Fatal(err)
		}
		if len(f.Tensors) != 64 {
			b.Fatal("tensors")
		}
		f.Close()
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/open")
	b.ReportMetric(float64(vmRSS()-rss0)/(1<<20), "rss-MB")
}

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
