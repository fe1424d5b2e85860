package llm

import (
	"context"
	"fmt"
	"strings"

	"github.com/tmc/langchaingo/embeddings"
	"github.com/tmc/langchaingo/llms"

	"github.com/docent-dev/docent/llm/chat"
	"github.com/docent-dev/docent/llm/sample"
)

// LangChainModel adapts a decoder to langchaingo's llms.Model: messages go
// through the model's chat template; CallOptions map to sampling
// (temperature, top-k, top-p, seed, max tokens, stop words, repetition
// penalty) and StreamingFunc receives generated text as it comes.
type LangChainModel struct{ M *Model }

// LangChainEmbedder adapts an encoder to langchaingo's embeddings.Embedder.
type LangChainEmbedder struct{ M *Model }

var (
	_ llms.Model          = LangChainModel{}
	_ embeddings.Embedder = LangChainEmbedder{}
)

// GenerateContent implements llms.Model.
func (l LangChainModel) GenerateContent(ctx context.Context, messages []llms.MessageContent, options ...llms.CallOption) (*llms.ContentResponse, error) {
	var opts llms.CallOptions
	for _, o := range options {
		o(&opts)
	}
	msgs := make([]chat.Message, 0, len(messages))
	for _, mc := range messages {
		var text strings.Builder
		for _, p := range mc.Parts {
			switch part := p.(type) {
			case llms.TextContent:
				text.WriteString(part.Text)
			case llms.ToolCallResponse:
				text.WriteString(part.Content)
			default:
				return nil, fmt.Errorf("llm: message part %T is not supported (text only)", p)
			}
		}
		msgs = append(msgs, chat.Message{Role: roleOf(mc.Role), Content: text.String()})
	}
	req := Request{Messages: msgs, Stop: opts.StopWords, Sampling: sample.Params{
		Temperature: float32(opts.Temperature), TopK: opts.TopK, TopP: float32(opts.TopP),
		Seed: uint64(opts.Seed), MaxTokens: opts.MaxTokens, RepeatPenalty: float32(opts.RepetitionPenalty),
	}}
	if opts.StreamingFunc != nil {
		req.OnToken = func(text string) error { return opts.StreamingFunc(ctx, []byte(text)) }
	}
	res, err := l.M.Generate(ctx, req)
	if err != nil {
		return nil, err
	}
	return &llms.ContentResponse{Choices: []*llms.ContentChoice{{
		Content:    res.Text,
		StopReason: string(res.StopReason),
		GenerationInfo: map[string]any{
			"PromptTokens": res.PromptTokens, "CompletionTokens": res.CompletionTokens,
			"TotalTokens": res.PromptTokens + res.CompletionTokens,
		},
	}}}, nil
}

// Call implements llms.Model (single prompt through the chat template).
func (l LangChainModel) Call(ctx context.Context, prompt string, options ...llms.CallOption) (string, error) {
	return llms.GenerateFromSinglePrompt(ctx, l, prompt, options...)
}

func roleOf(r llms.ChatMessageType) string {
	switch r {
	case llms.ChatMessageTypeSystem:
		return "system"
	case llms.ChatMessageTypeAI:
		return "assistant"
	case llms.ChatMessageTypeTool, llms.ChatMessageTypeFunction:
		return "tool"
	default:
		return "user"
	}
}

// EmbedDocuments implements embeddings.Embedder.
func (e LangChainEmbedder) EmbedDocuments(ctx context.Context, texts []string) ([][]float32, error) {
	return e.M.Embed(ctx, texts)
}

// EmbedQuery implements embeddings.Embedder.
func (e LangChainEmbedder) EmbedQuery(ctx context.Context, text string) ([]float32, error) {
	v, err := e.M.Embed(ctx, []string{text})
	if err != nil {
		return nil, err
	}
	return v[0], nil
}
