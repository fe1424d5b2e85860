// Package llm is docent's inference engine API: load a GGUF model, then
// Generate (decoders, through the model's own chat template or from a raw
// prompt, streaming) or Embed (encoders). It sits on llm/gguf (mmap'd
// weights), llm/tokenizer, llm/chat, llm/model and llm/sample, and imports
// nothing of the service. Adapters for langchaingo are in langchain.go.
package llm

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/docent-dev/docent/llm/chat"
	"github.com/docent-dev/docent/llm/gguf"
	"github.com/docent-dev/docent/llm/model"
	"github.com/docent-dev/docent/llm/sample"
	"github.com/docent-dev/docent/llm/tokenizer"
)

// Options configure Load.
type Options struct {
	// Threads for matrix products (0: all CPUs).
	Threads int
	// Context is the KV-cache size in tokens for generation (0: the
	// model's training context, capped at 4096).
	Context int
}

// Kind says what a model can do.
type Kind string

const (
	KindDecoder Kind = "decoder" // Generate
	KindEncoder Kind = "encoder" // Embed
)

// Info describes a loaded model.
type Info struct {
	Path          string `json:"path"`
	Name          string `json:"name"`
	Architecture  string `json:"architecture"`
	Kind          Kind   `json:"kind"`
	FileBytes     int64  `json:"file_bytes"`
	ContextLength int    `json:"context_length"` // tokens usable per request
	VocabSize     int    `json:"vocab_size"`
	EmbeddingDim  int    `json:"embedding_dim,omitempty"` // encoders
	ChatTemplate  bool   `json:"chat_template"`           // false: ChatML is used
}

// Model is a loaded GGUF model. Generate calls are serialised (one KV
// cache); Embed may run concurrently with itself.
type Model struct {
	info Info
	file *gguf.File
	tok  *tokenizer.Tokenizer
	dec  *model.Decoder
	enc  *model.Encoder
	tmpl *chat.Template

	mu   sync.Mutex // guards sess and cached
	sess *model.Session
	// cached are the tokens whose keys and values sess holds; a request
	// that starts with some of them (the same system prompt, the next step
	// of an agent loop) reuses them instead of evaluating them again.
	cached []int32
	mk     maskers
}

// ErrWrongKind is returned when asking an encoder to generate or a decoder
// to embed.
var ErrWrongKind = errors.New("wrong model kind")

// Load memory-maps a GGUF file and prepares it. Unsupported architectures
// and missing tensors fail with a message naming them.
func Load(path string, opts Options) (*Model, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	f, err := gguf.Open(path)
	if err != nil {
		return nil, fmt.Errorf("model %s: %w", path, err)
	}
	m := &Model{file: f, info: Info{Path: path, FileBytes: st.Size(), Architecture: f.Architecture()}}
	m.info.Name, _ = f.String("general.name")
	fail := func(err error) (*Model, error) {
		m.Close()
		return nil, fmt.Errorf("model %s: %w", path, err)
	}
	arch := f.Architecture()
	switch {
	case model.SupportedDecoder(arch):
		if m.tok, err = tokenizer.FromGGUF(f); err != nil {
			return fail(err)
		}
		if m.dec, err = model.LoadDecoder(f, model.Options{Threads: opts.Threads}); err != nil {
			return fail(err)
		}
		cfg := m.dec.Config
		m.info.Kind, m.info.VocabSize = KindDecoder, cfg.Vocab
		// Requested context, capped at what the model was trained for.
		want := opts.Context
		if want <= 0 {
			want = 4096
		}
		m.info.ContextLength = want
		if cfg.ContextLen > 0 && cfg.ContextLen < want {
			m.info.ContextLength = cfg.ContextLen
		}
		if src, ok := f.String("tokenizer.chat_template"); ok && strings.TrimSpace(src) != "" {
			if m.tmpl, err = chat.New(src); err != nil {
				return fail(fmt.Errorf("chat template: %w", err))
			}
			m.info.ChatTemplate = true
		} else {
			m.tmpl = chat.ChatML()
		}
	case arch == "bert":
		if m.enc, err = model.LoadEncoder(f, model.EncoderOptions{Threads: opts.Threads, Truncate: true}); err != nil {
			return fail(err)
		}
		m.tok = m.enc.Tokenizer()
		ei := m.enc.Info()
		m.info.Kind, m.info.EmbeddingDim, m.info.ContextLength = KindEncoder, ei.Dim, ei.MaxTokens
		m.info.VocabSize = m.tok.VocabSize()
	default:
		return fail(fmt.Errorf("unsupported architecture %q (supported: llama, qwen2, qwen3 decoders; bert encoders)", arch))
	}
	if m.info.Name == "" {
		m.info.Name = strings.TrimSuffix(pathBase(path), ".gguf")
	}
	return m, nil
}

func pathBase(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}

// Info returns the model's description.
func (m *Model) Info() Info { return m.info }

// Tokenizer returns the model's tokenizer.
func (m *Model) Tokenizer() *tokenizer.Tokenizer { return m.tok }

// Close releases the model (and unmaps the file).
func (m *Model) Close() error {
	if m.dec != nil {
		m.dec.Close()
	}
	if m.enc != nil {
		m.enc.Close()
	}
	if m.file != nil {
		return m.file.Close()
	}
	return nil
}

// Tokenize encodes text; addSpecial adds BOS/EOS as the vocabulary asks,
// parseSpecial recognises control tokens written in the text.
func (m *Model) Tokenize(text string, addSpecial, parseSpecial bool) []int32 {
	return m.tok.Encode(text, tokenizer.EncodeOptions{AddSpecial: addSpecial, ParseSpecial: parseSpecial})
}

// Embed returns one L2-normalised vector per text (encoders only). Texts
// longer than the encoder's context are truncated (chunks are embedded for
// retrieval; their first tokens carry most of the signal).
func (m *Model) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	if m.enc == nil {
		return nil, fmt.Errorf("%w: %s is a %s; embeddings need an encoder model (bert)", ErrWrongKind, m.info.Name, m.info.Kind)
	}
	return m.enc.Embed(ctx, texts)
}

// Request is a generation request: Messages (rendered through the model's
// chat template with the generation prompt) or a raw Prompt.
type Request struct {
	Messages []chat.Message
	Tools    []chat.Tool
	Prompt   string
	Sampling sample.Params // MaxTokens 0: up to the context
	Stop     []string
	// OnToken receives text as it is generated (complete UTF-8; stop
	// strings withheld). Returning an error stops generation.
	OnToken func(text string) error
	// Constraint, when set, restricts every token (grammar-constrained
	// decoding); generation ends when it is complete.
	Constraint Constraint
	// Prefix is text appended to the rendered prompt (e.g. the start of
	// a tool call the output must continue).
	Prefix string
}

// Constraint restricts generation token by token.
type Constraint interface {
	// Mask sets the logits of tokens that may not come next to -Inf.
	Mask(logits []float32)
	// Accept advances the constraint past a sampled token.
	Accept(id int32) error
	// Complete reports whether the constrained output is finished.
	Complete() bool
}

// StopReason says why generation ended.
type StopReason string

const (
	StopEOG    StopReason = "eog"    // the model ended its turn
	StopString StopReason = "stop"   // a stop string matched
	StopLength StopReason = "length" // max tokens or the context filled up
	StopDone   StopReason = "done"   // the constraint is complete
)

// Result is a finished generation.
type Result struct {
	Text             string     `json:"text"`
	PromptTokens     int        `json:"prompt_tokens"`
	CachedTokens     int        `json:"cached_tokens"` // prompt tokens reused from the previous request
	CompletionTokens int        `json:"completion_tokens"`
	StopReason       StopReason `json:"stop_reason"`
	PrefillMS        float64    `json:"prefill_ms"`
	DecodeMS         float64    `json:"decode_ms"`
}

// ToolFormat is the tool-call format the model's chat template uses.
func (m *Model) ToolFormat() chat.Format {
	if m.tmpl == nil {
		return chat.FormatNone
	}
	return m.tmpl.ToolFormat()
}

// RenderChat renders messages through the model's chat template (ChatML
// when the file has none), ending with the assistant's generation prompt.
func (m *Model) RenderChat(ctx context.Context, msgs []chat.Message, tools []chat.Tool) (string, error) {
	if m.tmpl == nil {
		return "", fmt.Errorf("%w: %s is an encoder", ErrWrongKind, m.info.Name)
	}
	in := chat.Input{Messages: msgs, Tools: tools, AddGenerationPrompt: true}
	if id := m.tok.BOS(); id >= 0 {
		in.BOS = m.tok.TokenText(id)
	}
	if id := m.tok.EOS(); id >= 0 {
		in.EOS = m.tok.TokenText(id)
	}
	return m.tmpl.RenderContext(ctx, in)
}

// PromptTokens returns the tokens a request starts from.
func (m *Model) PromptTokens(ctx context.Context, req Request) ([]int32, error) {
	if m.dec == nil {
		return nil, fmt.Errorf("%w: %s is an encoder; generation needs a decoder", ErrWrongKind, m.info.Name)
	}
	if len(req.Messages) == 0 {
		return m.Tokenize(req.Prompt+req.Prefix, true, true), nil
	}
	text, err := m.RenderChat(ctx, req.Messages, req.Tools)
	if err != nil {
		return nil, err
	}
	text += req.Prefix
	// Templates usually write the BOS text themselves; add BOS only when
	// the vocabulary wants one and the rendering lacks it.
	toks := m.Tokenize(text, false, true)
	if m.tok.AddBOS() && m.tok.BOS() >= 0 && (len(toks) == 0 || toks[0] != m.tok.BOS()) {
		toks = append([]int32{m.tok.BOS()}, toks...)
	}
	return toks, nil
}

// Generate runs a request to completion, streaming through OnToken.
// Cancelling ctx stops it between tokens.
func (m *Model) Generate(ctx context.Context, req Request) (*Result, error) {
	prompt, err := m.PromptTokens(ctx, req)
	if err != nil {
		return nil, err
	}
	if len(prompt) == 0 {
		return nil, fmt.Errorf("empty prompt")
	}
	n := m.info.ContextLength
	if len(prompt) >= n {
		return nil, fmt.Errorf("prompt has %d tokens but the context holds %d: shorten it or raise the context size", len(prompt), n)
	}
	maxNew := n - len(prompt)
	if req.Sampling.MaxTokens > 0 && req.Sampling.MaxTokens < maxNew {
		maxNew = req.Sampling.MaxTokens
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.sess == nil || m.sess.MaxCtx() < n {
		m.sess = m.dec.NewSession(n)
		m.cached = m.cached[:0]
	}
	s := m.sess
	// Keep the longest cached prefix (at least one prompt token must be
	// evaluated, for its logits).
	keep := 0
	for keep < len(m.cached) && keep < len(prompt)-1 && m.cached[keep] == prompt[keep] {
		keep++
	}
	if keep == 0 {
		s.Reset()
	} else {
		s.Truncate(keep)
	}
	m.cached = append(m.cached[:keep], prompt[keep:]...)
	res := &Result{PromptTokens: len(prompt), CachedTokens: keep, StopReason: StopLength}
	t0 := time.Now()
	logits, err := s.Prefill(prompt[keep:])
	if err != nil {
		s.Reset()
		m.cached = m.cached[:0]
		return nil, fmt.Errorf("prefill: %w", err)
	}
	res.PrefillMS = float64(time.Since(t0).Microseconds()) / 1000
	t1 := time.Now()
	smp := sample.New(req.Sampling)
	for _, id := range prompt {
		smp.Accept(id)
	}
	stream := m.tok.NewStream()
	stops := sample.NewStops(req.Stop)
	var out strings.Builder
	emit := func(text string) error {
		if text == "" {
			return nil
		}
		out.WriteString(text)
		if req.OnToken != nil {
			return req.OnToken(text)
		}
		return nil
	}
	for res.CompletionTokens < maxNew {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if req.Constraint != nil {
			req.Constraint.Mask(logits)
		}
		id := int32(smp.Sample(logits))
		if m.tok.IsEOG(id) {
			res.StopReason = StopEOG
			break
		}
		if req.Constraint != nil {
			if err := req.Constraint.Accept(id); err != nil {
				return nil, fmt.Errorf("constraint: %w", err)
			}
		}
		res.CompletionTokens++
		smp.Accept(id)
		piece, stopped := stops.Push([]byte(stream.Add(id)))
		if err := emit(string(piece)); err != nil {
			return nil, err
		}
		if stopped {
			res.StopReason = StopString
			break
		}
		if req.Constraint != nil && req.Constraint.Complete() {
			res.StopReason = StopDone
			break
		}
		if res.CompletionTokens == maxNew {
			break
		}
		if logits, err = s.Decode(id); err != nil {
			s.Reset()
			m.cached = m.cached[:0]
			return nil, fmt.Errorf("decode: %w", err)
		}
		m.cached = append(m.cached, id)
	}
	if res.StopReason != StopString {
		tail, _ := stops.Push([]byte(stream.Flush()))
		if err := emit(string(tail) + string(stops.Flush())); err != nil {
			return nil, err
		}
	}
	res.DecodeMS = float64(time.Since(t1).Microseconds()) / 1000
	res.Text = out.String()
	return res, nil
}
