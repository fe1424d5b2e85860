package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/spf13/cobra"
)

// peakRSS returns the process's peak resident set size in bytes (0 where
// unknown).
func peakRSS() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	if runtime.GOOS == "darwin" {
		return int64(ru.Maxrss)
	}
	return int64(ru.Maxrss) * 1024
}

// cpuTime returns the process's user plus system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func init() {
	var (
		path, cpuProfile          string
		nPrompt, nGen, threads, r int
	)
	cmd := &cobra.Command{
		Use:   "bench --model FILE.gguf [-p 128] [-n 64] [--threads T]",
		Short: "Measure prefill and decode speed of a decoder",
		Long: `Evaluate -p random prompt tokens in one batch (prefill) and then generate -n
tokens one at a time (decode), like llama-bench's pp and tg tests, and report
tokens per second for each and the peak resident memory (weights are mapped,
so it stays near the file size plus the KV cache). --reps repeats the
measurement and reports the mean (after one warm-up run). Tokens per
CPU-second (user+system time of the process) are shown too: on a shared
machine they compare engines better than wall-clock rates.

For encoder files (bert, nomic-bert) it measures embedding throughput
instead: --texts texts of exactly -p tokens ([CLS] and [SEP] included),
--batch per Embed call (1: one text per call, as llama.cpp's embedding
context evaluates them).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if isEncoderFile(path) {
				return benchEncoder(cmd, path, threads, nPrompt, r, cpuProfile)
			}
			d, _, closeAll, err := openDecoder(path, threads)
			if err != nil {
				return err
			}
			defer closeAll()
			ctxSize := nPrompt + nGen
			if ctxSize > d.ContextLen {
				return fmt.Errorf("-p %d + -n %d exceed the model's context of %d", nPrompt, nGen, d.ContextLen)
			}
			rng := rand.New(rand.NewPCG(1, 2))
			prompt := make([]int32, nPrompt)
			for i := range prompt {
				prompt[i] = int32(rng.IntN(d.Vocab))
			}
			s := d.NewSession(ctxSize)
			var ppCPU, tgCPU time.Duration
			run := func() (pp, tg time.Duration, err error) {
				s.Reset()
				t0, c0 := time.Now(), cpuTime()
				if nPrompt > 0 {
					if _, err = s.Prefill(prompt); err != nil {
						return
					}
				}
				t1, c1 := time.Now(), cpuTime()
				ppCPU += c1 - c0
				defer func() { tgCPU += cpuTime() - c1 }()
				tok := int32(rng.IntN(d.Vocab))
				for i := 0; i < nGen; i++ {
					if _, err = s.Decode(tok); err != nil {
						return
					}
					tok = int32((int(tok)*7 + 13) % d.Vocab)
				}
				return t1.Sub(t0), time.Since(t1), nil
			}
			// Warm-up (pages the weights in, sizes the scratch buffers).
			if _, _, err := run(); err != nil {
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
			ppCPU, tgCPU = 0, 0
			var ppSum, tgSum time.Duration
			for i := 0; i < r; i++ {
				pp, tg, err := run()
				if err != nil {
					return err
				}
				ppSum += pp
				tgSum += tg
			}
			ppTS := float64(nPrompt*r) / ppSum.Seconds()
			tgTS := float64(nGen*r) / tgSum.Seconds()
			st, _ := os.Stat(path)
			// Peak memory of the model runs, read before the bandwidth
			// probe below adds its own 256 MiB buffer.
			rss := peakRSS()
			// The decode bound: weight bytes read per token over measured
			// read bandwidth with the same thread count.
			bw := readBandwidth(d.Threads())
			perTok, err := decodeBytesPerToken(path, d.TiedOutput)
			if err != nil {
				return err
			}
			bound := bw / float64(perTok)
			res := map[string]any{
				"read_bandwidth_bytes_per_s": bw, "decode_bytes_per_token": perTok,
				"decode_bound_tokens_per_s": bound, "decode_share_of_bound": tgTS / bound,
				"model": path, "architecture": d.Arch, "threads": d.Threads(),
				"n_prompt": nPrompt, "n_gen": nGen, "reps": r,
				"prefill_tokens_per_s": ppTS, "decode_tokens_per_s": tgTS,
				"prefill_tokens_per_cpu_s": float64(nPrompt*r) / ppCPU.Seconds(),
				"decode_tokens_per_cpu_s":  float64(nGen*r) / tgCPU.Seconds(),
				"peak_rss_bytes":           rss, "file_bytes": st.Size(), "kv_cache_bytes": d.KVCacheBytes(ctxSize),
			}
			if flagJSON {
				return json.NewEncoder(cmd.OutOrStdout()).Encode(res)
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "model     %s (%s, %.1f MiB)\n", path, d.Arch, float64(st.Size())/(1<<20))
			fmt.Fprintf(w, "threads   %d\n", d.Threads())
			fmt.Fprintf(w, "prefill   pp%d: %.2f tokens/s (%.2f per CPU-second)\n", nPrompt, ppTS, float64(nPrompt*r)/ppCPU.Seconds())
			fmt.Fprintf(w, "decode    tg%d: %.2f tokens/s (%.2f per CPU-second)\n", nGen, tgTS, float64(nGen*r)/tgCPU.Seconds())
			fmt.Fprintf(w, "bound     %.2f tokens/s (%.1f MiB of weights per token, %.1f GB/s measured read bandwidth): decode at %.0f%%\n",
				bound, float64(perTok)/(1<<20), bw/1e9, 100*tgTS/bound)
			fmt.Fprintf(w, "peak RSS  %.1f MiB (KV cache %.1f MiB)\n", float64(rss)/(1<<20), float64(d.KVCacheBytes(ctxSize))/(1<<20))
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&path, "model", "", "GGUF decoder (or encoder) file")
	fl.IntVarP(&nPrompt, "prompt", "p", 128, "prompt tokens to prefill")
	fl.IntVarP(&nGen, "n", "n", 64, "tokens to decode")
	fl.IntVar(&threads, "threads", 0, "threads (0: all CPUs)")
	fl.IntVar(&r, "reps", 1, "measured repetitions (after a warm-up)")
	fl.StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile of the measured runs to this file")
	fl.IntVar(&benchEmbedTexts, "texts", 24, "encoders: texts embedded per repetition")
	fl.IntVar(&benchEmbedBatch, "batch", 1, "encoders: texts per Embed call")
	modelCmd.AddCommand(cmd)
}
