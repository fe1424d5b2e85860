// Package model runs transformer forward passes over GGUF weights: decoders
// (llama, qwen2, qwen3) with a KV cache for generation, and encoders (bert)
// for embeddings. Weights stay memory-mapped in their block formats and are
// consumed by llm/kernels; numerics follow llama.cpp's CPU backend (F16 KV
// cache, flash-attention accumulation, activation quantization per weight
// type) so that results track llama.cpp on the same file.
//
// Generation with a decoder:
//
//	f, _ := gguf.Open(path)                  // keep open while the decoder is used
//	d, err := model.LoadDecoder(f, model.Options{Threads: 4})
//	defer d.Close()
//	s := d.NewSession(2048)                  // KV cache for 2048 positions
//	logits, err := s.Prefill(promptIDs)      // batched; logits of the last token
//	for {
//		next := sampler.Sample(logits)       // llm/sample
//		...
//		logits, err = s.Decode(int32(next)) // no allocation per token
//	}
//
// A Decoder is shared by any number of Sessions (one per concurrent
// sequence); a Session is used by one goroutine at a time. Errors wrapping
// ErrContextFull mean the session's cache has no room left.
package model

import (
	"fmt"

	"github.com/docent-dev/docent/llm/gguf"
)

// RopeMode is how RoPE pairs the dimensions of a head.
type RopeMode int

const (
	// RopeNorm rotates adjacent pairs (x[2i], x[2i+1]) (llama).
	RopeNorm RopeMode = iota
	// RopeNeox rotates (x[i], x[i+d/2]) (GPT-NeoX style: qwen2, qwen3).
	RopeNeox
)

func (m RopeMode) String() string {
	if m == RopeNeox {
		return "neox"
	}
	return "norm"
}

// Config is a decoder's shape and hyperparameters, read from GGUF metadata.
type Config struct {
	Arch       string  // general.architecture: llama, qwen2, qwen3
	Name       string  // general.name, if any
	ContextLen int     // training context length ({arch}.context_length)
	Embd       int     // hidden size
	Layers     int     // number of blocks
	Heads      int     // query heads
	KVHeads    int     // key/value heads (GQA when < Heads, MQA when 1)
	HeadDim    int     // per-head size of queries and keys
	HeadDimV   int     // per-head size of values
	FFN        int     // feed-forward hidden size
	Vocab      int     // rows of the output head
	RMSEps     float32 // RMSNorm epsilon
	RopeBase   float32 // RoPE frequency base
	RopeDims   int     // rotated dimensions per head (<= HeadDim)
	RopeMode   RopeMode
	RopeScale  float32 // frequency scale (1/linear factor); 1 when unscaled
	QKNorm     bool    // per-head RMSNorm of q and k (qwen3)
	Bias       bool    // q/k/v biases present
	TiedOutput bool    // output head shares token_embd.weight
	RopeFreqs  bool    // per-dimension frequency factors (Llama 3 rope scaling)
}

// archInfo is what differs between supported decoder architectures.
type archInfo struct {
	rope RopeMode
}

var decoderArchs = map[string]archInfo{
	"llama": {rope: RopeNorm},
	"qwen2": {rope: RopeNeox},
	"qwen3": {rope: RopeNeox},
}

// SupportedDecoder reports whether arch is a decoder architecture this package runs.
func SupportedDecoder(arch string) bool { _, ok := decoderArchs[arch]; return ok }

func readConfig(f *gguf.File) (Config, error) {
	arch := f.Architecture()
	ai, ok := decoderArchs[arch]
	if !ok {
		if arch == "" {
			return Config{}, fmt.Errorf("model: general.architecture is missing")
		}
		return Config{}, fmt.Errorf("model: unsupported decoder architecture %q (supported: llama, qwen2, qwen3)", arch)
	}
	c := Config{Arch: arch, RopeMode: ai.rope, RopeScale: 1}
	c.Name, _ = f.String("general.name")
	u := func(key string, dst *int, required bool) error {
		v, ok := f.Uint32(arch + "." + key)
		if !ok {
			if required {
				return fmt.Errorf("model: metadata %s.%s is missing or not an integer", arch, key)
			}
			return nil
		}
		*dst = int(v)
		return nil
	}
	for _, k := range []struct {
		key string
		dst *int
		req bool
	}{
		{"context_length", &c.ContextLen, false},
		{"embedding_length", &c.Embd, true},
		{"block_count", &c.Layers, true},
		{"feed_forward_length", &c.FFN, true},
		{"attention.head_count", &c.Heads, true},
		{"attention.head_count_kv", &c.KVHeads, false},
		{"attention.key_length", &c.HeadDim, false},
		{"attention.value_length", &c.HeadDimV, false},
		{"rope.dimension_count", &c.RopeDims, false},
	} {
		if err := u(k.key, k.dst, k.req); err != nil {
			return c, err
		}
	}
	if c.Heads <= 0 || c.Embd <= 0 || c.Layers <= 0 {
		return c, fmt.Errorf("model: bad shape: %d heads, %d wide, %d layers", c.Heads, c.Embd, c.Layers)
	}
	if c.KVHeads == 0 {
		c.KVHeads = c.Heads
	}
	if c.Heads%c.KVHeads != 0 {
		return c, fmt.Errorf("model: %d query heads is not a multiple of %d KV heads", c.Heads, c.KVHeads)
	}
	if c.HeadDim == 0 {
		if c.Embd%c.Heads != 0 {
			return c, fmt.Errorf("model: width %d is not a multiple of %d heads", c.Embd, c.Heads)
		}
		c.HeadDim = c.Embd / c.Heads
	}
	if c.HeadDimV == 0 {
		c.HeadDimV = c.HeadDim
	}
	if c.RopeDims == 0 {
		c.RopeDims = c.HeadDim
	}
	if c.RopeDims > c.HeadDim || c.RopeDims%2 != 0 {
		return c, fmt.Errorf("model: rope dimension count %d does not fit head size %d", c.RopeDims, c.HeadDim)
	}
	c.RMSEps = 1e-5
	if v, ok := f.Float32(arch + ".attention.layer_norm_rms_epsilon"); ok {
		c.RMSEps = v
	}
	c.RopeBase = 10000
	if v, ok := f.Float32(arch + ".rope.freq_base"); ok {
		c.RopeBase = v
	}
	if typ, ok := f.String(arch + ".rope.scaling.type"); ok {
		switch typ {
		case "none", "":
		case "linear":
			if v, ok := f.Float32(arch + ".rope.scaling.factor"); ok && v > 0 {
				c.RopeScale = 1 / v
			}
		case "llama3":
			// The factors are in the rope_freqs tensor (checked at load).
		default:
			return c, fmt.Errorf("model: rope scaling type %q is not supported", typ)
		}
	} else if v, ok := f.Float32(arch + ".rope.scale_linear"); ok && v > 0 {
		c.RopeScale = 1 / v
	}
	if c.ContextLen == 0 {
		c.ContextLen = 2048
	}
	return c, nil
}
