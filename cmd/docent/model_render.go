package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/docent-dev/docent/llm/chat"
	"github.com/docent-dev/docent/llm/gguf"
)

var modelRenderCmd = &cobra.Command{
	Use:   "render (--template FILE.jinja | --model FILE.gguf) --input CASE.json",
	Short: "Render a chat template with messages and tools, as the model would see them",
	Long: `Render a chat template (Jinja, as in a GGUF's tokenizer.chat_template) the way
Hugging Face transformers does, and print the result exactly, with no newline
added.

--input is a JSON object shaped like a template test case's input:
  {"messages": [{"role": "user", "content": "..."}, ...],
   "tools": [{"type": "function", "function": {"name", "description", "parameters"}}],
   "add_generation_prompt": true, "bos_token": "<s>", "eos_token": "</s>",
   ...any other template variable (enable_thinking, ...)}
("-" reads stdin). The template comes from --template, or from --model: the
GGUF's tokenizer.chat_template (its tool_use variant when tools are given and
the file has one), with ChatML when the file has none; bos_token and
eos_token then default to the model's own. When the template calls
raise_exception the command fails with its message. --now fixes the clock
strftime_now reads (RFC 3339). --json prints {"text", "tool_format"}.`,
	Args: cobra.NoArgs,
	RunE: runModelRender,
}

func init() {
	f := modelRenderCmd.Flags()
	f.String("template", "", "chat template file (Jinja)")
	f.String("model", "", "GGUF file whose tokenizer.chat_template to use")
	f.String("input", "", `JSON input file ("-" for stdin)`)
	f.String("now", "", "time strftime_now returns, RFC 3339 (default: the current time)")
	modelCmd.AddCommand(modelRenderCmd)
}

func runModelRender(cmd *cobra.Command, _ []string) error {
	tplPath, _ := cmd.Flags().GetString("template")
	modelPath, _ := cmd.Flags().GetString("model")
	inputPath, _ := cmd.Flags().GetString("input")
	nowFlag, _ := cmd.Flags().GetString("now")
	if (tplPath == "") == (modelPath == "") {
		return errors.New("give one of --template FILE.jinja or --model FILE.gguf")
	}
	if inputPath == "" {
		return errors.New("--input CASE.json is required")
	}

	raw, err := readInput(cmd, inputPath)
	if err != nil {
		return err
	}
	var ci chat.CaseInput
	if err := json.Unmarshal(raw, &ci); err != nil {
		return fmt.Errorf("%s: %w", inputPath, err)
	}
	var hasBOS, hasEOS bool
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(raw, &keys); err == nil {
		_, hasBOS = keys["bos_token"]
		_, hasEOS = keys["eos_token"]
	}
	in := ci.Input()
	if nowFlag != "" {
		now, err := time.Parse(time.RFC3339, nowFlag)
		if err != nil {
			return fmt.Errorf("--now: %w", err)
		}
		in.Now = func() time.Time { return now }
	}

	var tpl *chat.Template
	if tplPath != "" {
		src, err := os.ReadFile(tplPath)
		if err != nil {
			return err
		}
		if tpl, err = chat.New(string(src)); err != nil {
			return fmt.Errorf("%s: %w", tplPath, err)
		}
	} else {
		var bos, eos string
		tpl, bos, eos, err = templateFromGGUF(modelPath, len(in.Tools) > 0)
		if err != nil {
			return err
		}
		if tpl == nil {
			fmt.Fprintf(cmd.ErrOrStderr(), "docent: %s has no chat template; using ChatML\n", modelPath)
			tpl = chat.ChatML()
		}
		if !hasBOS {
			in.BOS = bos
		}
		if !hasEOS {
			in.EOS = eos
		}
	}

	out, err := tpl.RenderContext(cmd.Context(), in)
	if err != nil {
		var raised *chat.RaiseError
		if errors.As(err, &raised) {
			return raised
		}
		return err
	}
	w := cmd.OutOrStdout()
	if flagJSON {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Text       string      `json:"text"`
			ToolFormat chat.Format `json:"tool_format"`
		}{out, tpl.ToolFormat()})
	}
	_, err = io.WriteString(w, out)
	return err
}

func readInput(cmd *cobra.Command, path string) ([]byte, error) {
	if path == "-" {
		b, err := io.ReadAll(cmd.InOrStdin())
		if err != nil {
			return nil, fmt.Errorf("read stdin: %w", err)
		}
		return b, nil
	}
	return os.ReadFile(path)
}

// templateFromGGUF reads a model's chat template (nil when it has none)
// and its BOS and EOS token texts.
func templateFromGGUF(path string, tools bool) (tpl *chat.Template, bos, eos string, err error) {
	f, err := gguf.Open(path)
	if err != nil {
		return nil, "", "", err
	}
	defer f.Close()
	if vocab, ok := f.Strings("tokenizer.ggml.tokens"); ok {
		piece := func(key string) string {
			if id, ok := f.Uint32(key); ok && int(id) < len(vocab) {
				return vocab[id]
			}
			return ""
		}
		bos, eos = piece("tokenizer.ggml.bos_token_id"), piece("tokenizer.ggml.eos_token_id")
	}
	src, ok := "", false
	if tools {
		src, ok = f.String("tokenizer.chat_template.tool_use")
	}
	if !ok {
		src, ok = f.String("tokenizer.chat_template")
	}
	if !ok || src == "" {
		return nil, bos, eos, nil
	}
	if tpl, err = chat.New(src); err != nil {
		return nil, "", "", fmt.Errorf("%s: tokenizer.chat_template: %w", path, err)
	}
	return tpl, bos, eos, nil
}
