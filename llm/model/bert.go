package model

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"

	"github.com/docent-dev/docent/llm/gguf"
	"github.com/docent-dev/docent/llm/kernels"
	"github.com/docent-dev/docent/llm/tokenizer"
)

// Pooling says how an encoder turns per-token states into one vector.
type Pooling int

// Pooling kinds. PoolingDefault, in EncoderOptions, means "as the file says"
// ({arch}.pooling_type, llama.cpp's numbering: 1 mean, 2 cls, 3 last).
const (
	PoolingDefault Pooling = iota
	PoolingMean
	PoolingCLS
	PoolingLast
)

// String returns the pooling's name as llama.cpp prints it.
func (p Pooling) String() string {
	switch p {
	case PoolingDefault:
		return "default"
	case PoolingMean:
		return "mean"
	case PoolingCLS:
		return "cls"
	case PoolingLast:
		return "last"
	}
	return fmt.Sprintf("pooling(%d)", int(p))
}

// ParsePooling maps "mean", "cls", "last" (or "" / "default") to a Pooling.
func ParsePooling(s string) (Pooling, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "default", "file":
		return PoolingDefault, nil
	case "mean":
		return PoolingMean, nil
	case "cls":
		return PoolingCLS, nil
	case "last":
		return PoolingLast, nil
	}
	return PoolingDefault, fmt.Errorf("model: unknown pooling %q (want mean, cls or last)", s)
}

// poolingFromGGUF maps llama.cpp's llama_pooling_type values.
func poolingFromGGUF(v int64) (Pooling, error) {
	switch v {
	case 1:
		return PoolingMean, nil
	case 2:
		return PoolingCLS, nil
	case 3:
		return PoolingLast, nil
	case 0:
		return PoolingDefault, errors.New("pooling type 0 (none: per-token embeddings) is not supported; set a pooling in the options")
	case 4:
		return PoolingDefault, errors.New("pooling type 4 (rank: reranker models) is not supported")
	}
	return PoolingDefault, fmt.Errorf("unknown pooling type %d", v)
}

// Normalization is applied to pooled vectors.
type Normalization int

const (
	// NormalizeL2 scales each vector to unit Euclidean length (llama.cpp's
	// default, --embd-normalize 2).
	NormalizeL2 Normalization = iota
	// NormalizeNone returns the pooled vector as is.
	NormalizeNone
)

// ErrTextTooLong is returned (wrapped) by Embed and Tokenize when a text has
// more tokens than the encoder accepts and EncoderOptions.Truncate is off.
var ErrTextTooLong = errors.New("text longer than the encoder's token limit")

// EncoderOptions configure LoadEncoder.
type EncoderOptions struct {
	// Threads used for the matrix work when Pool is nil; <= 0 means
	// runtime.GOMAXPROCS(0).
	Threads int
	// Pool, when set, is used instead of a pool of the encoder's own (it is
	// not closed by Encoder.Close), so that several models can share threads.
	Pool *kernels.Pool
	// Pooling overrides the file's pooling type.
	Pooling Pooling
	// Normalize is applied to every output vector (L2 by default).
	Normalize Normalization
	// MaxTokens limits the tokens of one text, [CLS] and [SEP] included;
	// 0 means the model's context length (and larger values are clamped
	// to it).
	MaxTokens int
	// Truncate cuts texts longer than MaxTokens (keeping the final [SEP])
	// instead of failing with ErrTextTooLong.
	Truncate bool
	// BatchTokens is the number of tokens evaluated in one forward pass;
	// short texts share a pass. 0 means max(512, MaxTokens).
	BatchTokens int
	// ParseSpecial recognises control tokens such as "[SEP]" written in the
	// text, as llama-embedding does. Off by default so that document text
	// cannot inject control tokens.
	ParseSpecial bool
}

// EncoderInfo describes a loaded encoder.
type EncoderInfo struct {
	Architecture  string  `json:"architecture"`
	Name          string  `json:"name,omitempty"`
	Dim           int     `json:"dim"`
	Layers        int     `json:"layers"`
	Heads         int     `json:"heads"`
	FeedForward   int     `json:"feed_forward"`
	ContextLength int     `json:"context_length"` // tokens the model was trained for
	MaxTokens     int     `json:"max_tokens"`     // per text, as configured
	Pooling       Pooling `json:"-"`
	PoolingName   string  `json:"pooling"`
	Causal        bool    `json:"causal,omitempty"`
	Epsilon       float32 `json:"layer_norm_epsilon"`
	WeightType    string  `json:"weight_type"` // type of blk.0's attention output weight
	Vocab         int     `json:"vocab"`
}

// Encoder computes sentence embeddings with a BERT-family model, the way
// llama.cpp's llama-embedding does. It is safe for concurrent use; forward
// passes are serialised.
type Encoder struct {
	info    EncoderInfo
	opts    EncoderOptions
	tok     *tokenizer.Tokenizer
	headDim int
	rope    *bertRope // nomic-bert
	swiglu  bool      // nomic-bert FFN

	tokEmbd  *bertTable
	typeRow  []float32 // row 0 of token_types (nil when absent)
	posEmbd  *bertTable
	embNormW []float32
	embNormB []float32
	blocks   []bertBlock

	pool    *kernels.Pool
	ownPool bool
	file    *gguf.File // closed by Close when the encoder opened it

	mu     sync.Mutex
	closed bool
	sc     bertScratch // forward-pass buffers, reused across calls (guarded by mu)
}

type bertBlock struct {
	q, k, v, qkv, o        *kernels.Matrix
	qB, kB, vB, qkvB, oB   []float32
	attnNormW, attnNormB   []float32
	up, gate, down         *kernels.Matrix
	upB, downB             []float32
	outNormW, outNormB     []float32
	qNormW, qNormB, kNormW []float32
	kNormB                 []float32
}

// OpenEncoder opens a GGUF file and loads its encoder; Close releases both.
func OpenEncoder(path string, opts EncoderOptions) (*Encoder, error) {
	f, err := gguf.Open(path)
	if err != nil {
		return nil, err
	}
	e, err := LoadEncoder(f, opts)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	e.file = f
	return e, nil
}

// LoadEncoder builds an encoder over the tensors of f (architectures bert
// and nomic-bert). Weights stay in the file's mapping: f must stay open
// while the encoder is used.
func LoadEncoder(f *gguf.File, opts EncoderOptions) (*Encoder, error) {
	arch := f.Architecture()
	switch arch {
	case "bert", "nomic-bert":
	case "":
		return nil, errors.New("model: general.architecture missing")
	default:
		return nil, fmt.Errorf("model: unsupported encoder architecture %q (supported: bert, nomic-bert)", arch)
	}
	l := bertLoader{f: f, arch: arch}
	e := &Encoder{opts: opts}
	e.info.Architecture = arch
	e.info.Name, _ = f.String("general.name")
	e.info.Dim = l.uint("embedding_length", 0)
	e.info.Layers = l.uint("block_count", 0)
	e.info.Heads = l.uint("attention.head_count", 0)
	e.info.FeedForward = l.uint("feed_forward_length", 0)
	e.info.ContextLength = l.uint("context_length", 0)
	if l.err != nil {
		return nil, l.err
	}
	E, H := e.info.Dim, e.info.Heads
	if E <= 0 || H <= 0 || E%H != 0 || e.info.Layers <= 0 || e.info.FeedForward <= 0 || e.info.ContextLength <= 0 {
		return nil, fmt.Errorf("model: %s: bad hyperparameters: embedding %d, heads %d, layers %d, feed-forward %d, context %d",
			arch, E, H, e.info.Layers, e.info.FeedForward, e.info.ContextLength)
	}
	if kv, ok := f.Get(arch + ".attention.head_count_kv"); ok {
		if n, ok := kv.AsUint64(); ok && int(n) != H {
			return nil, fmt.Errorf("model: %s: grouped-query attention (%d KV heads for %d heads) is not supported in encoders", arch, n, H)
		}
	}
	e.headDim = E / H
	e.info.Epsilon = 1e-12
	if eps, ok := f.Float32(arch + ".attention.layer_norm_epsilon"); ok {
		e.info.Epsilon = eps
	}
	if c, ok := f.Bool(arch + ".attention.causal"); ok {
		e.info.Causal = c
	}
	e.info.Pooling = opts.Pooling
	if e.info.Pooling == PoolingDefault {
		v, ok := f.Int64(arch + ".pooling_type")
		if !ok {
			return nil, fmt.Errorf("model: %s: %s.pooling_type missing; set a pooling in the options", arch, arch)
		}
		p, err := poolingFromGGUF(v)
		if err != nil {
			return nil, fmt.Errorf("model: %s: %w", arch, err)
		}
		e.info.Pooling = p
	} else if opts.Pooling < PoolingMean || opts.Pooling > PoolingLast {
		return nil, fmt.Errorf("model: unknown pooling %d", int(opts.Pooling))
	}
	e.info.PoolingName = e.info.Pooling.String()

	tok, err := tokenizer.FromGGUF(f)
	if err != nil {
		return nil, fmt.Errorf("model: %s tokenizer: %w", arch, err)
	}
	e.tok = tok
	e.info.Vocab = tok.VocabSize()

	// Embeddings.
	e.tokEmbd = l.table("token_embd.weight", E, true)
	if types := l.table("token_types.weight", E, false); types != nil {
		e.typeRow = make([]float32, E)
		types.Row(e.typeRow, 0)
	}
	e.embNormW = l.vector("token_embd_norm.weight", E, true)
	e.embNormB = l.vector("token_embd_norm.bias", E, false)
	maxPos := e.info.ContextLength
	if arch == "bert" {
		e.posEmbd = l.table("position_embd.weight", E, true)
		if e.posEmbd != nil && e.posEmbd.Rows < maxPos {
			maxPos = e.posEmbd.Rows
		}
	} else {
		if n, ok := f.Uint64(arch + ".expert_count"); ok && n > 0 {
			return nil, fmt.Errorf("model: %s: mixture-of-experts layers are not supported", arch)
		}
		if n, ok := f.Uint64(arch + ".moe_every_n_layers"); ok && n > 0 {
			return nil, fmt.Errorf("model: %s: mixture-of-experts layers are not supported", arch)
		}
		base, ok := f.Float32(arch + ".rope.freq_base")
		if !ok {
			base = 10000
		}
		nRot := e.headDim
		if n, ok := f.Uint64(arch + ".rope.dimension_count"); ok {
			nRot = int(n)
		}
		if nRot <= 0 || nRot > e.headDim || nRot%2 != 0 {
			return nil, fmt.Errorf("model: %s: rope dimension count %d does not fit head size %d", arch, nRot, e.headDim)
		}
		e.rope = newBertRope(e.headDim, nRot, base)
		e.swiglu = true
	}
	if e.tokEmbd != nil && e.tokEmbd.Rows < e.info.Vocab {
		return nil, fmt.Errorf("model: %s: token_embd.weight has %d rows for a vocabulary of %d", arch, e.tokEmbd.Rows, e.info.Vocab)
	}

	F := e.info.FeedForward
	e.blocks = make([]bertBlock, e.info.Layers)
	for i := range e.blocks {
		b := &e.blocks[i]
		p := fmt.Sprintf("blk.%d.", i)
		if _, fused := f.Tensor(p + "attn_qkv.weight"); fused {
			b.qkv = l.matrix(p+"attn_qkv.weight", E, 3*E, true)
			b.qkvB = l.vector(p+"attn_qkv.bias", 3*E, false)
		} else {
			b.q = l.matrix(p+"attn_q.weight", E, E, true)
			b.k = l.matrix(p+"attn_k.weight", E, E, true)
			b.v = l.matrix(p+"attn_v.weight", E, E, true)
			// Biases are optional, as in llama.cpp.
			b.qB = l.vector(p+"attn_q.bias", E, false)
			b.kB = l.vector(p+"attn_k.bias", E, false)
			b.vB = l.vector(p+"attn_v.bias", E, false)
		}
		b.qNormW = l.vector(p+"attn_q_norm.weight", E, false)
		b.qNormB = l.vector(p+"attn_q_norm.bias", E, false)
		b.kNormW = l.vector(p+"attn_k_norm.weight", E, false)
		b.kNormB = l.vector(p+"attn_k_norm.bias", E, false)
		b.o = l.matrix(p+"attn_output.weight", E, E, true)
		b.oB = l.vector(p+"attn_output.bias", E, false)
		b.attnNormW = l.vector(p+"attn_output_norm.weight", E, true)
		b.attnNormB = l.vector(p+"attn_output_norm.bias", E, false)
		b.up = l.matrix(p+"ffn_up.weight", E, F, true)
		b.down = l.matrix(p+"ffn_down.weight", F, E, true)
		if e.swiglu {
			// llama.cpp's nomic-bert graph uses no feed-forward biases.
			b.gate = l.matrix(p+"ffn_gate.weight", E, F, true)
		} else {
			b.upB = l.vector(p+"ffn_up.bias", F, false)
			b.downB = l.vector(p+"ffn_down.bias", E, false)
		}
		b.outNormW = l.vector(p+"layer_output_norm.weight", E, true)
		b.outNormB = l.vector(p+"layer_output_norm.bias", E, false)
		if l.err != nil {
			return nil, l.err
		}
		if i == 0 && b.o != nil {
			e.info.WeightType = b.o.Type.String()
		}
	}
	if l.err != nil {
		return nil, l.err
	}

	limit := maxPos
	if opts.MaxTokens > 0 && opts.MaxTokens < limit {
		limit = opts.MaxTokens
	}
	if limit < 2 {
		return nil, fmt.Errorf("model: token limit %d is too small", limit)
	}
	e.info.MaxTokens = limit
	if e.opts.BatchTokens <= 0 {
		e.opts.BatchTokens = max(512, limit)
	}
	e.opts.BatchTokens = max(e.opts.BatchTokens, limit)

	if opts.Pool != nil {
		e.pool = opts.Pool
	} else {
		n := opts.Threads
		if n <= 0 {
			n = runtime.GOMAXPROCS(0)
		}
		e.pool = kernels.NewPool(n)
		e.ownPool = true
	}
	return e, nil
}

// bertLoader reads hyperparameters and tensors, keeping the first error.
type bertLoader struct {
	f    *gguf.File
	arch string
	err  error
}

func (l *bertLoader) fail(format string, args ...any) {
	if l.err == nil {
		l.err = fmt.Errorf("model: "+l.arch+": "+format, args...)
	}
}

func (l *bertLoader) uint(key string, def int) int {
	k := l.arch + "." + key
	v, ok := l.f.Uint64(k)
	if !ok {
		if _, present := l.f.Get(k); present {
			l.fail("metadata %s is not a non-negative integer", k)
		} else if def == 0 {
			l.fail("metadata %s missing", k)
		}
		return def
	}
	if v > 1<<24 {
		l.fail("metadata %s = %d is out of range", k, v)
		return def
	}
	return int(v)
}

// matrix maps a 2-D weight with rows of cols elements; rows < 0 accepts
// any row count. Missing optional tensors give nil.
func (l *bertLoader) matrix(name string, cols, rows int, required bool) *kernels.Matrix {
	if l.err != nil {
		return nil
	}
	t, ok := l.f.Tensor(name)
	if !ok {
		if required {
			l.fail("missing tensor %s", name)
		}
		return nil
	}
	if len(t.Dims) != 2 || int(t.Dims[0]) != cols || (rows >= 0 && int(t.Dims[1]) != rows) || t.Dims[1] == 0 {
		want := fmt.Sprintf("[%d, %d]", cols, rows)
		if rows < 0 {
			want = fmt.Sprintf("[%d, N]", cols)
		}
		l.fail("tensor %s has shape %v, want %s", name, t.Dims, want)
		return nil
	}
	data, err := l.f.TensorData(t)
	if err != nil {
		l.fail("tensor %s: %w", name, err)
		return nil
	}
	m, err := kernels.NewMatrix(t.Type, int(t.Dims[1]), int(t.Dims[0]), data)
	if err != nil {
		l.fail("tensor %s (%s): %w", name, t.Type, err)
		return nil
	}
	return m
}

// bertTable is an embedding table: rows are looked up, never multiplied,
// so any type the gguf package can dequantize will do.
type bertTable struct {
	typ      gguf.GGMLType
	Rows     int
	rowBytes int
	data     []byte
}

// Row dequantizes row r into dst.
func (t *bertTable) Row(dst []float32, r int) {
	// The row size was checked at load, so this cannot fail.
	_ = gguf.Dequantize(t.typ, t.data[r*t.rowBytes:(r+1)*t.rowBytes], dst)
}

// table maps an embedding table with rows of cols elements.
func (l *bertLoader) table(name string, cols int, required bool) *bertTable {
	if l.err != nil {
		return nil
	}
	t, ok := l.f.Tensor(name)
	if !ok {
		if required {
			l.fail("missing tensor %s", name)
		}
		return nil
	}
	if len(t.Dims) != 2 || int(t.Dims[0]) != cols || t.Dims[1] == 0 || t.Dims[1] > 1<<31 {
		l.fail("tensor %s has shape %v, want [%d, N]", name, t.Dims, cols)
		return nil
	}
	rb, err := t.Type.RowBytes(uint64(cols))
	if err != nil {
		l.fail("tensor %s (%s): %w", name, t.Type, err)
		return nil
	}
	data, err := l.f.TensorData(t)
	if err != nil {
		l.fail("tensor %s: %w", name, err)
		return nil
	}
	rows := int(t.Dims[1])
	if uint64(len(data)) != rb*uint64(rows) {
		l.fail("tensor %s: %d bytes for %d rows of %d", name, len(data), rows, rb)
		return nil
	}
	probe := make([]float32, cols)
	if err := gguf.Dequantize(t.Type, data[:rb], probe); err != nil {
		l.fail("tensor %s (%s): %w", name, t.Type, err)
		return nil
	}
	return &bertTable{typ: t.Type, Rows: rows, rowBytes: int(rb), data: data}
}

// vector reads a 1-D tensor of n elements as float32.
func (l *bertLoader) vector(name string, n int, required bool) []float32 {
	if l.err != nil {
		return nil
	}
	t, ok := l.f.Tensor(name)
	if !ok {
		if required {
			l.fail("missing tensor %s", name)
		}
		return nil
	}
	if t.NumElements() != uint64(n) {
		l.fail("tensor %s has shape %v, want [%d]", name, t.Dims, n)
		return nil
	}
	v, err := l.f.TensorFloat32(t)
	if err != nil {
		l.fail("tensor %s: %w", name, err)
		return nil
	}
	return v
}

// Info describes the encoder.
func (e *Encoder) Info() EncoderInfo { return e.info }

// Dim is the length of the vectors Embed returns.
func (e *Encoder) Dim() int { return e.info.Dim }

// Architecture is the file's general.architecture.
func (e *Encoder) Architecture() string { return e.info.Architecture }

// Pooling is the pooling in effect.
func (e *Encoder) Pooling() Pooling { return e.info.Pooling }

// MaxTokens is the per-text token limit ([CLS] and [SEP] included).
func (e *Encoder) MaxTokens() int { return e.info.MaxTokens }

// Tokenizer returns the model's tokenizer.
func (e *Encoder) Tokenizer() *tokenizer.Tokenizer { return e.tok }

// Close releases the encoder's threads and, when it opened the file, the
// file's mapping.
func (e *Encoder) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return nil
	}
	e.closed = true
	if e.ownPool {
		e.pool.Close()
	}
	if e.file != nil {
		return e.file.Close()
	}
	return nil
}

// Tokenize returns the tokens Embed evaluates for text: the WordPiece ids
// with [CLS] and [SEP] added as the vocabulary asks, truncated to MaxTokens
// when Truncate is set (ErrTextTooLong otherwise).
func (e *Encoder) Tokenize(text string) ([]int32, error) {
	ids := e.tok.Encode(text, tokenizer.EncodeOptions{AddSpecial: true, ParseSpecial: e.opts.ParseSpecial})
	if len(ids) == 0 {
		// A vocabulary without [CLS]/[SEP] and an empty text: llama.cpp
		// cannot evaluate an empty batch either.
		return nil, errors.New("model: text has no tokens")
	}
	limit := e.info.MaxTokens
	if len(ids) <= limit {
		return ids, nil
	}
	if !e.opts.Truncate {
		return nil, fmt.Errorf("model: %w: %d tokens, limit %d (enable truncation or shorten the text)", ErrTextTooLong, len(ids), limit)
	}
	last := ids[len(ids)-1]
	ids = ids[:limit]
	if sp := e.tok.Special(); last != tokenizer.None && (last == sp.SEP || last == sp.EOS) {
		ids[limit-1] = last // keep [SEP] at the end, as the model saw in training
	}
	return ids, nil
}

// Embed returns one vector per text (Dim values each, L2-normalised unless
// the options say otherwise). Texts are evaluated in batches of up to
// BatchTokens tokens; ctx is checked between batches and layers.
func (e *Encoder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	seqs := make([][]int32, len(texts))
	for i, t := range texts {
		ids, err := e.Tokenize(t)
		if err != nil {
			if len(texts) > 1 {
				return nil, fmt.Errorf("text %d: %w", i, err)
			}
			return nil, err
		}
		seqs[i] = ids
	}
	return e.EmbedTokens(ctx, seqs)
}

// EmbedTokens is Embed for texts already tokenized (each at most MaxTokens
// ids, with the special tokens the model expects).
func (e *Encoder) EmbedTokens(ctx context.Context, seqs [][]int32) ([][]float32, error) {
	out := make([][]float32, len(seqs))
	if len(seqs) == 0 {
		return out, nil
	}
	for i, s := range seqs {
		if len(s) == 0 {
			return nil, fmt.Errorf("model: sequence %d is empty", i)
		}
		if len(s) > e.info.MaxTokens {
			return nil, fmt.Errorf("model: sequence %d: %w: %d tokens, limit %d", i, ErrTextTooLong, len(s), e.info.MaxTokens)
		}
		for _, id := range s {
			if id < 0 || int(id) >= e.tokEmbd.Rows {
				return nil, fmt.Errorf("model: sequence %d: token id %d out of range [0, %d)", i, id, e.tokEmbd.Rows)
			}
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return nil, errors.New("model: encoder is closed")
	}
	sc := &e.sc
	for lo := 0; lo < len(seqs); {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		n, hi := 0, lo
		for hi < len(seqs) && (hi == lo || n+len(seqs[hi]) <= e.opts.BatchTokens) {
			n += len(seqs[hi])
			hi++
		}
		if err := e.forward(ctx, sc, seqs[lo:hi], out[lo:hi]); err != nil {
			return nil, err
		}
		lo = hi
	}
	return out, nil
}
