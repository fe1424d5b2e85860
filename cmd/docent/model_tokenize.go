package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/docent-dev/docent/llm/gguf"
	"github.com/docent-dev/docent/llm/tokenizer"
)

var modelTokenizeCmd = &cobra.Command{
	Use:   "tokenize --model FILE.gguf TEXT|-",
	Short: "Print the token ids of a text (\"-\" reads stdin) with a model's tokenizer",
	Long: `Tokenize TEXT with the tokenizer stored in a GGUF file's metadata, exactly as
llama.cpp does, and print the ids separated by spaces. TEXT "-" reads stdin.
Several arguments are joined with single spaces.

--bos adds the special tokens the model adds itself (BOS when add_bos is set,
EOS when add_eos is set, [CLS] ... [SEP] for WordPiece); --parse-special
recognises control tokens such as <|im_start|> written in the text; --json
prints the ids with their pieces.`,
	Args: cobra.MinimumNArgs(1),
	RunE: func(cmd *cobra.Command, args []string) error {
		path, _ := cmd.Flags().GetString("model")
		bos, _ := cmd.Flags().GetBool("bos")
		parse, _ := cmd.Flags().GetBool("parse-special")
		if path == "" {
			return errors.New("--model FILE.gguf is required")
		}
		text := strings.Join(args, " ")
		if len(args) == 1 && args[0] == "-" {
			b, err := io.ReadAll(cmd.InOrStdin())
			if err != nil {
				return fmt.Errorf("read stdin: %w", err)
			}
			text = string(b)
		}
		f, err := gguf.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		tok, err := tokenizer.FromGGUF(f)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		ids := tok.Encode(text, tokenizer.EncodeOptions{AddSpecial: bos, ParseSpecial: parse})
		return printTokens(cmd.OutOrStdout(), tok, ids, flagJSON)
	},
}

type tokenJSON struct {
	ID    int32  `json:"id"`
	Piece string `json:"piece"`
	Text  string `json:"text"`
}

func printTokens(w io.Writer, tok *tokenizer.Tokenizer, ids []int32, asJSON bool) error {
	if asJSON {
		out := struct {
			Kind   string      `json:"kind"`
			Pre    string      `json:"pre,omitempty"`
			Count  int         `json:"count"`
			IDs    []int32     `json:"ids"`
			Tokens []tokenJSON `json:"tokens"`
		}{Kind: string(tok.Kind()), Pre: tok.Pre(), Count: len(ids), IDs: ids, Tokens: make([]tokenJSON, len(ids))}
		if out.IDs == nil {
			out.IDs = []int32{}
		}
		for i, id := range ids {
			// piece: the bytes the token stands for (control tokens as their
			// text; bytes that are not valid UTF-8 on their own show as U+FFFD);
			// text: the vocabulary entry.
			out.Tokens[i] = tokenJSON{ID: id, Piece: string(tok.PieceSpecial(id)), Text: tok.TokenText(id)}
		}
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	var b strings.Builder
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.FormatInt(int64(id), 10))
	}
	b.WriteByte('\n')
	_, err := io.WriteString(w, b.String())
	return err
}

func init() {
	modelTokenizeCmd.Flags().StringP("model", "m", "", "GGUF file whose tokenizer to use")
	modelTokenizeCmd.Flags().Bool("bos", false, "add BOS/EOS (or [CLS]/[SEP]) as the model does")
	modelTokenizeCmd.Flags().Bool("parse-special", false, "recognise control tokens written in the text")
	modelCmd.AddCommand(modelTokenizeCmd)
}
