package main

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/docent-dev/docent/llm/gguf"
)

// modelInfo is what `docent model info` reports (its --json shape).
type modelInfo struct {
	File           string         `json:"file"`
	Bytes          int64          `json:"bytes"`
	Version        uint32         `json:"gguf_version"`
	Architecture   string         `json:"architecture"`
	Name           string         `json:"name,omitempty"`
	FileType       string         `json:"file_type,omitempty"`
	Parameters     uint64         `json:"parameters"`
	Tensors        int            `json:"tensors"`
	TensorTypes    map[string]int `json:"tensor_types"`
	ContextLength  uint64         `json:"context_length,omitempty"`
	Embedding      uint64         `json:"embedding_length,omitempty"`
	Layers         uint64         `json:"block_count,omitempty"`
	FeedForward    uint64         `json:"feed_forward_length,omitempty"`
	Heads          uint64         `json:"head_count,omitempty"`
	HeadsKV        uint64         `json:"head_count_kv,omitempty"`
	RopeBase       float32        `json:"rope_freq_base,omitempty"`
	Pooling        *uint64        `json:"pooling_type,omitempty"`
	Tokenizer      string         `json:"tokenizer,omitempty"`
	TokenizerPre   string         `json:"tokenizer_pre,omitempty"`
	VocabSize      int            `json:"vocab_size"`
	ChatTemplate   bool           `json:"chat_template"`
	Alignment      uint64         `json:"alignment"`
	MetadataCount  int            `json:"metadata_count"`
	TiedEmbeddings bool           `json:"tied_embeddings"`
}

// llama.cpp's llama_ftype names.
var fileTypeNames = map[uint64]string{
	0: "ALL_F32", 1: "MOSTLY_F16", 2: "MOSTLY_Q4_0", 3: "MOSTLY_Q4_1", 7: "MOSTLY_Q8_0", 8: "MOSTLY_Q5_0",
	9: "MOSTLY_Q5_1", 10: "MOSTLY_Q2_K", 11: "MOSTLY_Q3_K_S", 12: "MOSTLY_Q3_K_M", 13: "MOSTLY_Q3_K_L",
	14: "MOSTLY_Q4_K_S", 15: "MOSTLY_Q4_K_M", 16: "MOSTLY_Q5_K_S", 17: "MOSTLY_Q5_K_M", 18: "MOSTLY_Q6_K",
	32: "MOSTLY_BF16",
}

func readModelInfo(path string) (*modelInfo, error) {
	f, err := gguf.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	arch := f.Architecture()
	info := &modelInfo{
		File: path, Bytes: f.Size(), Version: f.Version, Architecture: arch, Tensors: len(f.Tensors),
		TensorTypes: map[string]int{}, Alignment: f.Alignment, MetadataCount: len(f.KV),
	}
	info.Name, _ = f.String("general.name")
	if ft, ok := f.Uint64("general.file_type"); ok {
		info.FileType = fileTypeNames[ft]
		if info.FileType == "" {
			info.FileType = fmt.Sprint(ft)
		}
	}
	for i := range f.Tensors {
		t := &f.Tensors[i]
		info.Parameters += t.NumElements()
		info.TensorTypes[t.Type.String()]++
	}
	u := func(k string) uint64 { v, _ := f.Uint64(arch + "." + k); return v }
	info.ContextLength = u("context_length")
	info.Embedding = u("embedding_length")
	info.Layers = u("block_count")
	info.FeedForward = u("feed_forward_length")
	info.Heads = u("attention.head_count")
	info.HeadsKV = u("attention.head_count_kv")
	info.RopeBase, _ = f.Float32(arch + ".rope.freq_base")
	if p, ok := f.Uint64(arch + ".pooling_type"); ok {
		info.Pooling = &p
	}
	info.Tokenizer, _ = f.String("tokenizer.ggml.model")
	info.TokenizerPre, _ = f.String("tokenizer.ggml.pre")
	if v, ok := f.Get("tokenizer.ggml.tokens"); ok {
		info.VocabSize = v.Len()
	}
	_, info.ChatTemplate = f.String("tokenizer.chat_template")
	_, hasEmb := f.Tensor("token_embd.weight")
	_, hasOut := f.Tensor("output.weight")
	info.TiedEmbeddings = hasEmb && !hasOut && arch != "bert"
	return info, nil
}

func printModelInfo(w io.Writer, info *modelInfo) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row := func(k, format string, a ...any) { fmt.Fprintf(tw, "%s\t"+format+"\n", append([]any{k}, a...)...) }
	row("file", "%s (%s, GGUF v%d)", info.File, ggufBytes(info.Bytes), info.Version)
	row("architecture", "%s", info.Architecture)
	if info.Name != "" {
		row("name", "%s", info.Name)
	}
	row("parameters", "%s (%d)", ggufCount(info.Parameters), info.Parameters)
	if info.FileType != "" {
		row("file type", "%s", info.FileType)
	}
	types := make([]string, 0, len(info.TensorTypes))
	for t, n := range info.TensorTypes {
		types = append(types, fmt.Sprintf("%s %d", t, n))
	}
	sort.Strings(types)
	row("tensors", "%d (%s)", info.Tensors, strings.Join(types, ", "))
	if info.ContextLength > 0 {
		row("context length", "%d", info.ContextLength)
	}
	if info.Layers > 0 {
		row("layers", "%d", info.Layers)
	}
	if info.Embedding > 0 {
		row("embedding", "%d", info.Embedding)
	}
	if info.FeedForward > 0 {
		row("feed-forward", "%d", info.FeedForward)
	}
	if info.Heads > 0 {
		kv := info.HeadsKV
		if kv == 0 {
			kv = info.Heads
		}
		hd := uint64(0)
		if info.Embedding > 0 {
			hd = info.Embedding / info.Heads
		}
		row("attention heads", "%d (%d KV), head dim %d", info.Heads, kv, hd)
	}
	if info.RopeBase > 0 {
		row("rope base", "%g", info.RopeBase)
	}
	if info.Pooling != nil {
		row("pooling", "%s", [...]string{"none", "mean", "cls", "last", "rank"}[min(*info.Pooling, 4)])
	}
	if info.Architecture != "bert" && info.Embedding > 0 {
		row("tied embeddings", "%v", info.TiedEmbeddings)
	}
	if info.Tokenizer != "" {
		tk := info.Tokenizer
		if info.TokenizerPre != "" {
			tk += " (pre " + info.TokenizerPre + ")"
		}
		row("tokenizer", "%s, vocab %d", tk, info.VocabSize)
	} else {
		row("tokenizer", "none")
	}
	row("chat template", "%v", map[bool]string{true: "yes", false: "no"}[info.ChatTemplate])
	_ = tw.Flush()
}

func init() {
	modelCmd.AddCommand(&cobra.Command{
		Use:   "info FILE.gguf",
		Short: "Describe a GGUF model: architecture, sizes, tensor types, tokenizer",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			info, err := readModelInfo(args[0])
			if err != nil {
				return err
			}
			if flagJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(info)
			}
			printModelInfo(cmd.OutOrStdout(), info)
			return nil
		},
	})
}
