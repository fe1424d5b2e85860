package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/docent-dev/docent/llm/tokenizer"
)

func init() {
	var (
		path, file       string
		ctxSize, threads int
	)
	cmd := &cobra.Command{
		Use:   "perplexity --model FILE.gguf --file TEXT [--ctx N]",
		Short: "Measure a decoder's perplexity on a text (llama-perplexity's method)",
		Long: `Compute perplexity the way llama.cpp's llama-perplexity does, so the numbers
compare: the whole text is tokenized (with BOS when the vocabulary adds it),
cut into non-overlapping chunks of --ctx tokens (a partial last chunk is
dropped), each chunk starts with BOS when the vocabulary adds it and is
evaluated from an empty cache, and only the second half of each chunk is
scored. Prints "PPL = x" (--json for scripts).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if file == "" {
				return errors.New("--file TEXT is required")
			}
			text, err := os.ReadFile(file)
			if err != nil {
				return err
			}
			d, tok, closeAll, err := openDecoder(path, threads)
			if err != nil {
				return err
			}
			defer closeAll()
			if ctxSize > d.ContextLen {
				return fmt.Errorf("--ctx %d exceeds the model's context of %d", ctxSize, d.ContextLen)
			}
			ids := tok.Encode(string(text), tokenizer.EncodeOptions{AddSpecial: true})
			bos := int32(-1)
			if tok.AddBOS() {
				bos = tok.BOS()
			}
			start := time.Now()
			errOut := cmd.ErrOrStderr()
			res, err := d.Perplexity(ids, ctxSize, bos, func(done, total int, ppl float64) {
				fmt.Fprintf(errOut, "[%d/%d] %.4f\n", done, total, ppl)
			})
			if err != nil {
				return err
			}
			if flagJSON {
				return json.NewEncoder(cmd.OutOrStdout()).Encode(map[string]any{
					"ppl": res.PPL, "nll": res.NLL, "chunks": res.Chunks, "scored": res.Scored,
					"ctx": ctxSize, "tokens": len(ids), "seconds": time.Since(start).Seconds(),
				})
			}
			fmt.Fprintf(cmd.OutOrStdout(), "PPL = %.4f\n", res.PPL)
			fmt.Fprintf(errOut, "%d chunks of %d tokens, %d scored, %.1fs\n", res.Chunks, ctxSize, res.Scored, time.Since(start).Seconds())
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&path, "model", "", "GGUF decoder file")
	fl.StringVarP(&file, "file", "f", "", "text file to score")
	fl.IntVarP(&ctxSize, "ctx", "c", 512, "chunk size in tokens")
	fl.IntVar(&threads, "threads", 0, "threads (0: all CPUs)")
	modelCmd.AddCommand(cmd)
}
