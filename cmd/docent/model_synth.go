package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/docent-dev/docent/llm/synth"
)

func init() {
	var (
		out, quant, vocab, name string
		seed                    uint64
	)
	cmd := &cobra.Command{
		Use:   "synth PRESET -o FILE.gguf",
		Short: "Write a random-weight model in llama.cpp's GGUF layout",
		Long: `Write a model with random weights for PRESET, in llama.cpp's tensor naming and
metadata, for tests and benchmarks. The same --seed gives the same file.

Presets:
` + presetList() + `
--quant picks the weight type (norms and biases stay F32, as in llama.cpp):
` + strings.Join(synth.QuantNames, ", ") + `; q4_k and q5_k are llama.cpp's
Q4_K_M / Q5_K_M mixes (output head and some attn_v / ffn_down in Q6_K).

--vocab FILE.gguf copies the tokenizer.* metadata of a vocabulary GGUF (the
vocabulary size follows it). Without it a self-contained tokenizer is
generated: byte-level BPE ("gpt2": 256 byte tokens, letter merges, special
tokens and a chat template) for decoders, uncased WordPiece for bert.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := synth.Lookup(args[0])
			if err != nil {
				return err
			}
			if out == "" {
				return fmt.Errorf("-o FILE.gguf is required")
			}
			opt := synth.Options{Quant: quant, Seed: seed, VocabPath: vocab, Name: name}
			opt.Progress = synthProgress(args[0])
			start := time.Now()
			m, err := synth.WriteFile(out, p, opt)
			if err != nil {
				return err
			}
			st, err := os.Stat(out)
			if err != nil {
				return err
			}
			if flagJSON {
				return json.NewEncoder(cmd.OutOrStdout()).Encode(map[string]any{
					"file": out, "preset": p.Name, "architecture": p.Arch, "quant": quant, "seed": seed,
					"parameters": m.Params(), "bytes": st.Size(), "tensors": len(m.Tensors), "vocab": m.Vocab,
					"seconds": time.Since(start).Seconds(),
				})
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s: %s %s, %s parameters, %d tensors, vocab %d, %s in %.1fs\n",
				out, p.Name, strings.ToUpper(quant), ggufCount(m.Params()), len(m.Tensors), m.Vocab,
				ggufBytes(st.Size()), time.Since(start).Seconds())
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&out, "output", "o", "", "output file (written atomically)")
	f.StringVar(&quant, "quant", "f16", "weight type: "+strings.Join(synth.QuantNames, "|"))
	f.Uint64Var(&seed, "seed", 1, "random seed")
	f.StringVar(&vocab, "vocab", "", "copy tokenizer metadata from this GGUF")
	f.StringVar(&name, "name", "", "general.name (default PRESET-random-seedN)")
	modelCmd.AddCommand(cmd)
}

func presetList() string {
	var b strings.Builder
	for _, p := range synth.Presets() {
		fmt.Fprintf(&b, "  %-13s %s\n", p.Name, p.Describe)
	}
	return b.String()
}

// synthProgress reports on stderr: a bar on terminals, a line every 10%
// otherwise (nothing with --json).
func synthProgress(label string) func(done, total int64) {
	if flagJSON {
		return nil
	}
	if term.IsTerminal(int(os.Stderr.Fd())) {
		bar := newBar(0, "synth "+label)
		return func(done, total int64) {
			if bar.GetMax64() != total {
				bar.ChangeMax64(total)
			}
			_ = bar.Set64(done)
			if done == total {
				_ = bar.Finish()
			}
		}
	}
	last := int64(-1)
	return func(done, total int64) {
		if total <= 0 {
			return
		}
		pct := done * 100 / total / 10 * 10
		if pct != last {
			last = pct
			fmt.Fprintf(os.Stderr, "synth %s: %d%% (%s of %s)\n", label, pct, ggufBytes(done), ggufBytes(total))
		}
	}
}

func ggufCount(n uint64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.2fB", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.1fM", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.1fK", float64(n)/1e3)
	}
	return fmt.Sprint(n)
}

func ggufBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
