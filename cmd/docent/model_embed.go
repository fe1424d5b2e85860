package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/docent-dev/docent/llm/model"
)

// embedJSON is one element of `docent model embed --json`.
type embedJSON struct {
	Text   string    `json:"text"`
	Vector []float32 `json:"vector"`
	Tokens int       `json:"tokens"`
}

func init() {
	var (
		path, pooling                       string
		texts                               []string
		threads, maxTokens                  int
		noNormalize, truncate, parseSpecial bool
	)
	cmd := &cobra.Command{
		Use:   "embed --model FILE.gguf --text T [--text T ...]",
		Short: "Embed texts with a BERT-family GGUF model (as llama-embedding does)",
		Long: `Compute sentence embeddings with an encoder model (architectures bert and
nomic-bert): WordPiece tokens with [CLS]/[SEP], the model's pooling (mean, cls
or last, from the file unless --pooling says otherwise) and L2 normalisation,
the way llama.cpp's llama-embedding computes them.

Texts come from --text (repeatable) and from the arguments; "-" reads stdin,
one text per line. Texts longer than the model's context (or --max-tokens)
are an error unless --truncate is given.

Prints, per text, the token count, the vector's norm and its first values;
--json prints [{"text","vector","tokens"}].`,
		RunE: func(cmd *cobra.Command, args []string) error {
			// Flags keep their values across Execute calls (tests run several).
			defer func() {
				path, pooling, texts, threads, maxTokens = "", "", nil, 0, 0
				noNormalize, truncate, parseSpecial = false, false, false
			}()
			if path == "" {
				return errors.New("--model FILE.gguf is required")
			}
			all := append(append([]string(nil), texts...), args...)
			var list []string
			for _, t := range all {
				if t != "-" {
					list = append(list, t)
					continue
				}
				lines, err := embedReadLines(cmd.InOrStdin())
				if err != nil {
					return err
				}
				list = append(list, lines...)
			}
			if len(list) == 0 {
				return errors.New("no texts: give --text T (repeatable), arguments, or - for stdin")
			}
			pool, err := model.ParsePooling(pooling)
			if err != nil {
				return err
			}
			opts := model.EncoderOptions{Threads: threads, Pooling: pool, MaxTokens: maxTokens,
				Truncate: truncate, ParseSpecial: parseSpecial}
			if noNormalize {
				opts.Normalize = model.NormalizeNone
			}
			enc, err := model.OpenEncoder(path, opts)
			if err != nil {
				return err
			}
			defer enc.Close()
			counts := make([]int, len(list))
			total := 0
			for i, t := range list {
				ids, err := enc.Tokenize(t)
				if err != nil {
					return fmt.Errorf("text %d: %w", i+1, err)
				}
				counts[i] = len(ids)
				total += len(ids)
			}
			start := time.Now()
			vecs, err := enc.Embed(cmd.Context(), list)
			if err != nil {
				return err
			}
			elapsed := time.Since(start)
			w := cmd.OutOrStdout()
			if flagJSON {
				out := make([]embedJSON, len(list))
				for i := range list {
					out[i] = embedJSON{Text: list[i], Vector: vecs[i], Tokens: counts[i]}
				}
				enc := json.NewEncoder(w)
				enc.SetEscapeHTML(false)
				return enc.Encode(out)
			}
			in := enc.Info()
			fmt.Fprintf(w, "%s (%s, %s, %d layers), %d dims, pooling %s, %s; %d texts, %d tokens in %s (%.0f tokens/s)\n",
				path, in.Architecture, in.WeightType, in.Layers, in.Dim, in.PoolingName, embedNormName(opts.Normalize),
				len(list), total, elapsed.Round(time.Millisecond), float64(total)/elapsed.Seconds())
			for i, v := range vecs {
				fmt.Fprintf(w, "%d. %q\n   %d tokens, norm %.4f, [%s]\n", i+1, embedClip(list[i], 60), counts[i], embedL2Norm(v), embedHead(v, 6))
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&path, "model", "m", "", "GGUF encoder model")
	f.StringArrayVarP(&texts, "text", "t", nil, "text to embed (repeatable)")
	f.IntVar(&threads, "threads", 0, "threads (default: all cores)")
	f.StringVar(&pooling, "pooling", "", "override the file's pooling: mean|cls|last")
	f.BoolVar(&noNormalize, "no-normalize", false, "do not L2-normalise the vectors")
	f.IntVar(&maxTokens, "max-tokens", 0, "per-text token limit (default: the model's context)")
	f.BoolVar(&truncate, "truncate", false, "cut texts over the limit instead of failing")
	f.BoolVar(&parseSpecial, "parse-special", false, "recognise control tokens such as [SEP] in the text")
	modelCmd.AddCommand(cmd)
}

func embedReadLines(r io.Reader) ([]string, error) {
	var out []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16<<20)
	for sc.Scan() {
		if line := strings.TrimRight(sc.Text(), "\r"); line != "" {
			out = append(out, line)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read stdin: %w", err)
	}
	return out, nil
}

func embedNormName(n model.Normalization) string {
	if n == model.NormalizeNone {
		return "not normalised"
	}
	return "L2-normalised"
}

func embedL2Norm(v []float32) float64 {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	return math.Sqrt(s)
}

func embedHead(v []float32, n int) string {
	var b strings.Builder
	for i, x := range v {
		if i == n {
			b.WriteString(", ...")
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%.4f", x)
	}
	return b.String()
}

func embedClip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
