package model

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/docent-dev/docent/llm/synth"
)

// BenchmarkBertEmbed measures embedding throughput on the minilm-l6 preset
// (all-MiniLM-L6-v2 shapes) at F16, texts of exactly 128 tokens, 2 threads:
//
//	go test -run '^$' -bench BertEmbed -benchtime 5x ./llm/model/
func BenchmarkBertEmbed(b *testing.B) {
	p, err := synth.Lookup("minilm-l6")
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "minilm-l6-f16.gguf")
	if _, err := synth.WriteFile(path, p, synth.Options{Quant: "f16", Seed: 1}); err != nil {
		b.Fatal(err)
	}
	for _, batch := range []int{1, 8} {
		b.Run(fmt.Sprintf("texts=%d", batch), func(b *testing.B) {
			enc, err := OpenEncoder(path, EncoderOptions{Threads: 2, MaxTokens: 128, Truncate: true})
			if err != nil {
				b.Fatal(err)
			}
			defer enc.Close()
			texts := make([]string, batch)
			tokens := 0
			for i := range texts {
				texts[i] = strings.Repeat(fmt.Sprintf("the report %d covers parts and labour for two years while costs fell ", i), 20)
				ids, err := enc.Tokenize(texts[i])
				if err != nil {
					b.Fatal(err)
				}
				if len(ids) != 128 {
					b.Fatalf("text %d has %d tokens, want 128", i, len(ids))
				}
				tokens += len(ids)
			}
			ctx := context.Background()
			if _, err := enc.Embed(ctx, texts); err != nil { // warm up (tables, page faults)
				b.Fatal(err)
			}
			b.ResetTimer()
			cpu0 := bertCPUTime()
			for b.Loop() {
				if _, err := enc.Embed(ctx, texts); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(tokens)*float64(b.N)/b.Elapsed().Seconds(), "tokens/s")
			// On a shared machine wall time says little: tokens per CPU
			// second (all threads together) is the steadier number.
			if cpu := bertCPUTime() - cpu0; cpu > 0 {
				b.ReportMetric(float64(tokens)*float64(b.N)/cpu.Seconds(), "tokens/cpu-s")
			}
		})
	}
}
