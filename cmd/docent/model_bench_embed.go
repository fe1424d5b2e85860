package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/docent-dev/docent/llm/gguf"
	"github.com/docent-dev/docent/llm/model"
)

// Flags of `model bench` that only encoders use.
var benchEmbedTexts, benchEmbedBatch int

// isEncoderFile reports whether path is a GGUF file of an encoder
// architecture (bert, nomic-bert), which `model bench` measures as
// embedding throughput.
func isEncoderFile(path string) bool {
	f, err := gguf.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	switch f.Architecture() {
	case "bert", "nomic-bert":
		return true
	}
	return false
}

// benchEncoder embeds benchEmbedTexts texts of exactly nTok tokens each
// ([CLS] and [SEP] included), benchEmbedBatch texts per Embed call, reps
// times after a warm-up, and reports tokens per second (wall and CPU).
func benchEncoder(cmd *cobra.Command, path string, threads, nTok, reps int, cpuProfile string) error {
	nTexts, batch := max(1, benchEmbedTexts), max(1, benchEmbedBatch)
	// Flags keep their values across Execute calls (tests run several).
	defer func() { benchEmbedTexts, benchEmbedBatch = 24, 1 }()
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	enc, err := model.OpenEncoder(path, model.EncoderOptions{Threads: threads, MaxTokens: nTok, Truncate: true})
	if err != nil {
		return err
	}
	defer enc.Close()
	texts := make([]string, nTexts)
	tokens := 0
	for i := range texts {
		// The texts of BenchmarkBertEmbed (llm/model), long enough to cut.
		texts[i] = strings.Repeat(fmt.Sprintf("the report %d covers parts and labour for two years while costs fell ", i), nTok/5+10)
		ids, err := enc.Tokenize(texts[i])
		if err != nil {
			return err
		}
		tokens += len(ids)
	}
	ctx := context.Background()
	run := func() error {
		for lo := 0; lo < len(texts); lo += batch {
			if _, err := enc.Embed(ctx, texts[lo:min(lo+batch, len(texts))]); err != nil {
				return err
			}
		}
		return nil
	}
	if err := run(); err != nil { // warm-up: pages the weights in, builds tables
		return err
	}
	if cpuProfile != "" {
		pf, err := os.Create(cpuProfile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(pf); err != nil {
			return err
		}
		defer func() { pprof.StopCPUProfile(); pf.Close() }()
	}
	t0, c0 := time.Now(), cpuTime()
	for i := 0; i < reps; i++ {
		if err := run(); err != nil {
			return err
		}
	}
	wall, cpu := time.Since(t0), cpuTime()-c0
	n := float64(tokens * reps)
	info := enc.Info()
	st, _ := os.Stat(path)
	res := map[string]any{
		"model": path, "architecture": info.Architecture, "weight_type": info.WeightType, "threads": threads,
		"texts": nTexts, "texts_per_call": batch, "tokens_per_text": float64(tokens) / float64(nTexts), "reps": reps,
		"embed_tokens_per_s": n / wall.Seconds(), "embed_tokens_per_cpu_s": n / cpu.Seconds(),
		"embed_texts_per_s": float64(nTexts*reps) / wall.Seconds(),
		"peak_rss_bytes":    peakRSS(), "file_bytes": st.Size(),
	}
	if flagJSON {
		return json.NewEncoder(cmd.OutOrStdout()).Encode(res)
	}
	w := cmd.OutOrStdout()
	fmt.Fprintf(w, "model     %s (%s, %s, %.1f MiB)\n", path, info.Architecture, info.WeightType, float64(st.Size())/(1<<20))
	fmt.Fprintf(w, "threads   %d\n", threads)
	fmt.Fprintf(w, "embed     %d texts of %.0f tokens, %d per call: %.2f tokens/s (%.2f per CPU-second), %.2f texts/s\n",
		nTexts, float64(tokens)/float64(nTexts), batch, n/wall.Seconds(), n/cpu.Seconds(), float64(nTexts*reps)/wall.Seconds())
	fmt.Fprintf(w, "peak RSS  %.1f MiB\n", float64(peakRSS())/(1<<20))
	return nil
}
