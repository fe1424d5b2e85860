// Package synth writes random-weight GGUF models in llama.cpp's layout
// (tensor names, shapes, metadata keys), for tests and benchmarks. Weights
// are deterministic for a given seed, generated and quantized in streaming
// fashion so that billion-parameter presets never sit in memory at once.
package synth

import (
	"fmt"
	"sort"
	"strings"
)

// Preset describes a model shape.
type Preset struct {
	Name      string
	Arch      string // llama, qwen2 or bert
	Vocab     int    // vocabulary size of the generated tokenizer
	Embd      int    // hidden size
	Layers    int
	Heads     int
	HeadsKV   int // decoders; bert uses Heads
	FFN       int
	Context   int
	RopeBase  float32 // decoders
	Eps       float32 // rms-norm (decoders) or layer-norm (bert) epsilon
	QKVBias   bool    // q/k/v biases (qwen2)
	Tied      bool    // output head shares token_embd (no output.weight)
	Pooling   int     // bert: llama.cpp pooling type (1 = mean, 2 = cls)
	Llama3    bool    // llama 3 rope scaling (rope_freqs.weight tensor)
	Tokenizer string  // generated tokenizer flavour: "gpt2", "llama3", "qwen2", "bert"
	Describe  string
}

var presets = []Preset{
	{Name: "llama-tiny", Arch: "llama", Vocab: 32000, Embd: 256, Layers: 2, Heads: 4, HeadsKV: 2, FFN: 512,
		Context: 512, RopeBase: 10000, Eps: 1e-6, Tokenizer: "gpt2",
		Describe: "parity shape: 256 wide, 2 layers, 4 heads (2 KV), FFN 512, separate output head"},
	{Name: "qwen2-tiny", Arch: "qwen2", Vocab: 50257, Embd: 256, Layers: 2, Heads: 4, HeadsKV: 2, FFN: 512,
		Context: 512, RopeBase: 10000, Eps: 1e-6, QKVBias: true, Tokenizer: "qwen2",
		Describe: "parity shape: like llama-tiny with q/k/v biases"},
	{Name: "bert-tiny", Arch: "bert", Vocab: 30522, Embd: 256, Layers: 2, Heads: 4, HeadsKV: 4, FFN: 512,
		Context: 512, Eps: 1e-12, Pooling: 1, Tokenizer: "bert",
		Describe: "parity shape: 256 wide, 2 layers, 4 heads, FFN 512, mean pooling"},
	{Name: "qwen2.5-0.5b", Arch: "qwen2", Vocab: 151936, Embd: 896, Layers: 24, Heads: 14, HeadsKV: 2, FFN: 4864,
		Context: 32768, RopeBase: 1e6, Eps: 1e-6, QKVBias: true, Tied: true, Tokenizer: "qwen2",
		Describe: "Qwen2.5-0.5B shapes: 896 wide, 24 layers, 14 heads (2 KV), FFN 4864, tied embeddings"},
	{Name: "llama-3.2-1b", Arch: "llama", Vocab: 128256, Embd: 2048, Layers: 16, Heads: 32, HeadsKV: 8, FFN: 8192,
		Context: 131072, RopeBase: 500000, Eps: 1e-5, Tied: true, Llama3: true, Tokenizer: "llama3",
		Describe: "Llama-3.2-1B shapes: 2048 wide, 16 layers, 32 heads (8 KV), FFN 8192, tied, llama3 rope scaling"},
	{Name: "minilm-l6", Arch: "bert", Vocab: 30522, Embd: 384, Layers: 6, Heads: 12, HeadsKV: 12, FFN: 1536,
		Context: 512, Eps: 1e-12, Pooling: 1, Tokenizer: "bert",
		Describe: "all-MiniLM-L6-v2 shapes: 384 wide, 6 layers, 12 heads, FFN 1536, mean pooling"},
}

// Presets returns the known presets.
func Presets() []Preset { return append([]Preset(nil), presets...) }

// PresetNames returns the preset names, sorted.
func PresetNames() []string {
	var s []string
	for _, p := range presets {
		s = append(s, p.Name)
	}
	sort.Strings(s)
	return s
}

// Lookup finds a preset by name.
func Lookup(name string) (Preset, error) {
	for _, p := range presets {
		if p.Name == name {
			return p, nil
		}
	}
	return Preset{}, fmt.Errorf("synth: unknown preset %q (known: %s)", name, strings.Join(PresetNames(), ", "))
}

func (p Preset) validate() error {
	switch {
	case p.Arch != "llama" && p.Arch != "qwen2" && p.Arch != "bert":
		return fmt.Errorf("synth: preset %q: unsupported architecture %q", p.Name, p.Arch)
	case p.Embd <= 0 || p.Layers <= 0 || p.Heads <= 0 || p.FFN <= 0 || p.Context <= 0 || p.Vocab <= 0:
		return fmt.Errorf("synth: preset %q: sizes must be positive", p.Name)
	case p.Embd%p.Heads != 0:
		return fmt.Errorf("synth: preset %q: embedding %d not divisible by %d heads", p.Name, p.Embd, p.Heads)
	case p.Arch != "bert" && (p.HeadsKV <= 0 || p.Heads%p.HeadsKV != 0):
		return fmt.Errorf("synth: preset %q: %d heads not divisible by %d KV heads", p.Name, p.Heads, p.HeadsKV)
	}
	return nil
}
