package main

import (
	"bufio"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/docent-dev/docent/llm/gguf"
	"github.com/docent-dev/docent/llm/model"
	"github.com/docent-dev/docent/llm/sample"
	"github.com/docent-dev/docent/llm/tokenizer"
)

// openDecoder opens a GGUF file and loads its decoder and tokenizer. The
// returned closer releases both.
func openDecoder(path string, threads int) (*model.Decoder, *tokenizer.Tokenizer, func(), error) {
	if path == "" {
		return nil, nil, nil, errors.New("--model FILE.gguf is required")
	}
	f, err := gguf.Open(path)
	if err != nil {
		return nil, nil, nil, err
	}
	tok, err := tokenizer.FromGGUF(f)
	if err != nil {
		f.Close()
		return nil, nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	d, err := model.LoadDecoder(f, model.Options{Threads: threads})
	if err != nil {
		f.Close()
		return nil, nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return d, tok, func() { d.Close(); f.Close() }, nil
}

func init() {
	var (
		path, prompt              string
		n, threads, topK, ctxSize int
		temp, topP, minP, repPen  float32
		seed                      uint64
	)
	cmd := &cobra.Command{
		Use:   "generate --model FILE.gguf --prompt TEXT [-n N]",
		Short: "Complete a prompt with a local decoder (raw, no chat template)",
		Long: `Continue --prompt with the model, without a chat template, and print the
prompt as the tokenizer renders it (BOS included, as "<s>" for SentencePiece
vocabularies) followed by the generated pieces, like llama.cpp's llama-simple.
Generation stops after -n tokens or at an end-of-generation token.

Sampling is greedy with --temp 0 (the default); otherwise --top-k, --top-p,
--min-p and --repeat-penalty filter the distribution and --seed makes the
draw repeatable. Timings go to stderr.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			d, tok, closeAll, err := openDecoder(path, threads)
			if err != nil {
				return err
			}
			defer closeAll()
			ids := tok.Encode(prompt, tokenizer.EncodeOptions{AddSpecial: true, ParseSpecial: true})
			if len(ids) == 0 {
				return errors.New("the prompt is empty (and the vocabulary adds no BOS)")
			}
			ctxLen := ctxSize
			if ctxLen <= 0 {
				ctxLen = len(ids) + n
				if ctxLen > d.ContextLen {
					return fmt.Errorf("%d prompt tokens + %d to generate exceed the model's context of %d (use --ctx to stop at the limit)", len(ids), n, d.ContextLen)
				}
			}
			if ctxLen > d.ContextLen {
				return fmt.Errorf("--ctx %d exceeds the model's context of %d", ctxLen, d.ContextLen)
			}
			if len(ids) >= ctxLen {
				return fmt.Errorf("the prompt has %d tokens, more than --ctx %d allows", len(ids), ctxLen)
			}
			out := bufio.NewWriter(cmd.OutOrStdout())
			defer out.Flush()
			for _, id := range ids {
				out.Write(tok.PieceSpecial(id))
			}
			out.Flush()
			smp := sample.New(sample.Params{Temperature: temp, TopK: topK, TopP: topP, MinP: minP, RepeatPenalty: repPen, Seed: seed})
			for _, id := range ids {
				smp.Accept(id)
			}
			s := d.NewSession(ctxLen)
			t0 := time.Now()
			logits, err := s.Prefill(ids)
			if err != nil {
				return err
			}
			t1 := time.Now()
			gen := 0
			for gen < n && s.Len() < ctxLen {
				next := int32(smp.Sample(logits))
				if next < 0 || tok.IsEOG(next) {
					break
				}
				smp.Accept(next)
				out.Write(tok.PieceSpecial(next))
				out.Flush()
				gen++
				if gen == n {
					break
				}
				if logits, err = s.Decode(next); err != nil {
					return err
				}
			}
			out.WriteByte('\n')
			t2 := time.Now()
			fmt.Fprintf(cmd.ErrOrStderr(), "prompt: %d tokens in %.2fs (%.1f t/s); generated: %d tokens in %.2fs (%.1f t/s); %d threads\n",
				len(ids), t1.Sub(t0).Seconds(), float64(len(ids))/t1.Sub(t0).Seconds(),
				gen, t2.Sub(t1).Seconds(), float64(gen)/t2.Sub(t1).Seconds(), d.Threads())
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&path, "model", "", "GGUF decoder file")
	fl.StringVarP(&prompt, "prompt", "p", "", "text to continue")
	fl.IntVarP(&n, "n", "n", 32, "tokens to generate")
	fl.IntVar(&threads, "threads", 0, "threads (0: all CPUs)")
	fl.IntVar(&ctxSize, "ctx", 0, "KV cache size in tokens (0: prompt + n)")
	fl.Float32Var(&temp, "temp", 0, "temperature (0: greedy)")
	fl.IntVar(&topK, "top-k", 40, "keep the K most likely tokens (0: off)")
	fl.Float32Var(&topP, "top-p", 0.95, "nucleus sampling threshold (1: off)")
	fl.Float32Var(&minP, "min-p", 0.05, "drop tokens below this fraction of the best (0: off)")
	fl.Float32Var(&repPen, "repeat-penalty", 1, "repetition penalty over the last 64 tokens (1: off)")
	fl.Uint64Var(&seed, "seed", 0, "random seed for sampling")
	modelCmd.AddCommand(cmd)
}
