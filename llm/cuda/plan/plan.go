// Package plan is the host-side planning of the CUDA backend: which buffers
// a decoder needs in device memory (weights in their GGUF types, the F16 KV
// cache, float32 scratch), their sizes and offsets, the launch geometry of
// each kernel, and the block packing the kernels read. It has no cgo and no
// build tag, so that `docent model info` can show the device plan and the
// arithmetic is tested by the ordinary `go test ./...`; llm/cuda (build tag
// cuda) executes the plan.
package plan

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/docent-dev/docent/llm/gguf"
	"github.com/docent-dev/docent/llm/model"
)

// Align is the byte alignment of every buffer inside its region (CUDA's
// allocation granularity for coalesced access is 256 bytes).
const Align = 256

// Region is one device allocation that holds several buffers.
type Region int

const (
	Weights Region = iota // uploaded once from the GGUF file
	KVCache               // F16 keys and values, per layer
	Scratch               // float32 activations of one decode step
	numRegions
)

func (r Region) String() string {
	return [...]string{"weights", "kv cache", "scratch"}[r]
}

// Upload says how a weight buffer is filled from its tensor.
type Upload int

const (
	UploadNone  Upload = iota // not from the file (KV cache, scratch)
	UploadRaw                 // the tensor's bytes, unchanged (block form)
	UploadFloat               // dequantized to float32 on the host (1-D tensors)
)

// Buffer is one tensor in device memory: Rows x Cols elements of Type
// (1 x n for vectors), Bytes long at Offset inside Region.
type Buffer struct {
	Name   string
	Region Region
	Type   gguf.GGMLType
	Rows   int
	Cols   int
	Offset int64
	Bytes  int64
	Upload Upload
}

// Plan is the device memory layout of a decoder with a KV cache of MaxCtx
// positions.
type Plan struct {
	Config  model.Config
	MaxCtx  int
	Buffers []Buffer
	Sizes   [numRegions]int64 // bytes per region, including alignment
	index   map[string]int
}

// Size is the bytes of region r.
func (p *Plan) Size(r Region) int64 { return p.Sizes[r] }

// Total is the device memory the plan needs.
func (p *Plan) Total() int64 {
	var t int64
	for _, s := range p.Sizes {
		t += s
	}
	return t
}

// Buffer returns the named buffer.
func (p *Plan) Buffer(name string) (*Buffer, bool) {
	i, ok := p.index[name]
	if !ok {
		return nil, false
	}
	return &p.Buffers[i], true
}

// TensorSource is where the plan finds tensor types and shapes
// (*gguf.File satisfies it).
type TensorSource interface {
	Tensor(name string) (*gguf.TensorInfo, bool)
}

// AlignUp rounds n up to a multiple of a.
func AlignUp(n, a int64) int64 { return (n + a - 1) / a * a }

func (p *Plan) add(b Buffer) {
	b.Offset = p.Sizes[b.Region]
	p.Sizes[b.Region] = AlignUp(b.Offset+b.Bytes, Align)
	p.index[b.Name] = len(p.Buffers)
	p.Buffers = append(p.Buffers, b)
}

func supportedList() string {
	var s []string
	for _, t := range DeviceTypes() {
		s = append(s, t.String())
	}
	return strings.Join(s, ", ")
}

// ForDecoder plans the device memory of a decoder whose shape is c (as
// model.LoadDecoder reports it, Vocab and TiedOutput included) with the
// tensors of src and a KV cache of maxCtx positions (<= 0: c.ContextLen).
func ForDecoder(c model.Config, src TensorSource, maxCtx int) (*Plan, error) {
	if maxCtx <= 0 || maxCtx > c.ContextLen {
		maxCtx = c.ContextLen
	}
	if c.Embd <= 0 || c.Layers <= 0 || c.Heads <= 0 || c.KVHeads <= 0 || c.Vocab <= 0 || c.FFN <= 0 {
		return nil, fmt.Errorf("cuda plan: bad shape %+v", c)
	}
	if c.Heads%c.KVHeads != 0 {
		return nil, fmt.Errorf("cuda plan: %d query heads is not a multiple of %d KV heads", c.Heads, c.KVHeads)
	}
	if c.HeadDim > MaxHeadDim || c.HeadDimV > MaxHeadDim {
		return nil, fmt.Errorf("cuda plan: head size %d/%d is larger than the attention kernel's %d", c.HeadDim, c.HeadDimV, MaxHeadDim)
	}
	p := &Plan{Config: c, MaxCtx: maxCtx, index: map[string]int{}}
	matrix := func(name string, rows, cols int, optional bool) error {
		t, ok := src.Tensor(name)
		if !ok {
			if optional {
				return nil
			}
			return fmt.Errorf("cuda plan: tensor %q is missing", name)
		}
		if len(t.Dims) != 2 || t.Dims[0] != uint64(cols) || t.Dims[1] != uint64(rows) {
			return fmt.Errorf("cuda plan: tensor %q has shape %v, want [%d %d]", name, t.Dims, cols, rows)
		}
		if _, ok := layouts[t.Type]; !ok {
			return fmt.Errorf("cuda plan: tensor %q has type %v, which the CUDA kernels do not read (supported: %s)", name, t.Type, supportedList())
		}
		if t.Type.BlockSize() == 1 && cols%2 != 0 {
			return fmt.Errorf("cuda plan: tensor %q: %d columns is odd (the kernels read pairs)", name, cols)
		}
		n, err := t.Type.RowBytes(uint64(cols))
		if err != nil {
			return fmt.Errorf("cuda plan: tensor %q: %w", name, err)
		}
		p.add(Buffer{Name: name, Region: Weights, Type: t.Type, Rows: rows, Cols: cols, Bytes: int64(n) * int64(rows), Upload: UploadRaw})
		return nil
	}
	vector := func(name string, n int, optional bool) error {
		t, ok := src.Tensor(name)
		if !ok {
			if optional {
				return nil
			}
			return fmt.Errorf("cuda plan: tensor %q is missing", name)
		}
		if t.NumElements() != uint64(n) {
			return fmt.Errorf("cuda plan: tensor %q has shape %v, want [%d]", name, t.Dims, n)
		}
		up := UploadRaw
		if t.Type != gguf.F32 {
			up = UploadFloat
		}
		p.add(Buffer{Name: name, Region: Weights, Type: gguf.F32, Rows: 1, Cols: n, Bytes: 4 * int64(n), Upload: up})
		return nil
	}
	if err := matrix("token_embd.weight", c.Vocab, c.Embd, false); err != nil {
		return nil, err
	}
	if !c.TiedOutput {
		if err := matrix("output.weight", c.Vocab, c.Embd, false); err != nil {
			return nil, err
		}
	}
	if err := vector("output_norm.weight", c.Embd, false); err != nil {
		return nil, err
	}
	if err := vector("rope_freqs.weight", c.RopeDims/2, true); err != nil {
		return nil, err
	}
	qd, kvd, vd := c.Heads*c.HeadDim, c.KVHeads*c.HeadDim, c.KVHeads*c.HeadDimV
	for i := 0; i < c.Layers; i++ {
		b := fmt.Sprintf("blk.%d.", i)
		steps := []error{
			vector(b+"attn_norm.weight", c.Embd, false),
			matrix(b+"attn_q.weight", qd, c.Embd, false),
			matrix(b+"attn_k.weight", kvd, c.Embd, false),
			matrix(b+"attn_v.weight", vd, c.Embd, false),
			matrix(b+"attn_output.weight", c.Embd, c.Heads*c.HeadDimV, false),
			vector(b+"attn_q.bias", qd, true),
			vector(b+"attn_k.bias", kvd, true),
			vector(b+"attn_v.bias", vd, true),
			vector(b+"attn_q_norm.weight", c.HeadDim, true),
			vector(b+"attn_k_norm.weight", c.HeadDim, true),
			vector(b+"ffn_norm.weight", c.Embd, false),
			matrix(b+"ffn_gate.weight", c.FFN, c.Embd, false),
			matrix(b+"ffn_up.weight", c.FFN, c.Embd, false),
			matrix(b+"ffn_down.weight", c.Embd, c.FFN, false),
		}
		for _, err := range steps {
			if err != nil {
				return nil, err
			}
		}
	}
	for i := 0; i < c.Layers; i++ {
		p.add(Buffer{Name: KName(i), Region: KVCache, Type: gguf.F16, Rows: maxCtx, Cols: kvd, Bytes: 2 * int64(maxCtx) * int64(kvd)})
		p.add(Buffer{Name: VName(i), Region: KVCache, Type: gguf.F16, Rows: maxCtx, Cols: vd, Bytes: 2 * int64(maxCtx) * int64(vd)})
	}
	for _, s := range []struct {
		name string
		n    int
	}{
		{"x", c.Embd}, {"xn", c.Embd}, {"q", qd}, {"k", kvd}, {"v", vd},
		{"att", c.Heads * c.HeadDimV}, {"gate", c.FFN}, {"up", c.FFN},
		{"xq", max(c.Embd, c.FFN, c.Heads*c.HeadDimV)}, // matvec input rounded as the CPU rounds it
		{"scores", c.Heads * maxCtx}, {"logits", c.Vocab},
	} {
		p.add(Buffer{Name: s.name, Region: Scratch, Type: gguf.F32, Rows: 1, Cols: s.n, Bytes: 4 * int64(s.n)})
	}
	return p, nil
}

// KName and VName name layer i's key and value cache buffers.
func KName(i int) string { return fmt.Sprintf("cache_k.%d", i) }
func VName(i int) string { return fmt.Sprintf("cache_v.%d", i) }

// Output is the buffer of the output head (token_embd when tied).
func (p *Plan) Output() *Buffer {
	if b, ok := p.Buffer("output.weight"); ok {
		return b
	}
	b, _ := p.Buffer("token_embd.weight")
	return b
}

// WeightBytesPerToken is the weight bytes one decode step reads: every
// matrix once (the embedding table only one row), vectors included.
func (p *Plan) WeightBytesPerToken() int64 {
	var n int64
	for _, b := range p.Buffers {
		if b.Region != Weights {
			continue
		}
		if b.Name == "token_embd.weight" {
			if p.Config.TiedOutput {
				n += b.Bytes
			} else {
				n += b.Bytes / int64(b.Rows)
			}
			continue
		}
		n += b.Bytes
	}
	return n
}

// HumanBytes formats n as B, KiB, MiB or GiB.
func HumanBytes(n int64) string {
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

// WriteSummary prints the plan for people: bytes per region, weight bytes
// per type, the total.
func (p *Plan) WriteSummary(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	byType := map[gguf.GGMLType]int64{}
	for _, b := range p.Buffers {
		if b.Region == Weights {
			byType[b.Type] += b.Bytes
		}
	}
	var types []gguf.GGMLType
	for t := range byType {
		types = append(types, t)
	}
	sort.Slice(types, func(i, j int) bool { return types[i] < types[j] })
	fmt.Fprintf(tw, "device plan (cuda, %d-position KV cache)\t\n", p.MaxCtx)
	for _, t := range types {
		fmt.Fprintf(tw, "  weights %v\t%s\n", t, HumanBytes(byType[t]))
	}
	fmt.Fprintf(tw, "  weights\t%s\n", HumanBytes(p.Sizes[Weights]))
	fmt.Fprintf(tw, "  kv cache (F16)\t%s\n", HumanBytes(p.Sizes[KVCache]))
	fmt.Fprintf(tw, "  scratch\t%s\n", HumanBytes(p.Sizes[Scratch]))
	fmt.Fprintf(tw, "  total\t%s\n", HumanBytes(p.Total()))
	return tw.Flush()
}
