package agent

import (
	"context"

	"github.com/docent-dev/docent/llm"
	"github.com/docent-dev/docent/llm/chat"
	"github.com/docent-dev/docent/llm/sample"
)

// ModelGenerator adapts a local decoder (llm.Model) to Generator: messages
// go through the model's own chat template; Params are the sampling
// settings (temperature 0: greedy).
type ModelGenerator struct {
	Model  *llm.Model
	Params sample.Params
}

// Name is the model's name (general.name, else the file name).
func (g ModelGenerator) Name() string { return g.Model.Info().Name }

// Generate implements Generator.
func (g ModelGenerator) Generate(ctx context.Context, msgs []Message, onToken func(string)) (string, error) {
	cm := make([]chat.Message, len(msgs))
	for i, m := range msgs {
		cm[i] = chat.Message{Role: m.Role, Content: m.Content}
	}
	req := llm.Request{Messages: cm, Sampling: g.Params}
	if onToken != nil {
		req.OnToken = func(s string) error { onToken(s); return nil }
	}
	res, err := g.Model.Generate(ctx, req)
	if err != nil {
		return "", err
	}
	return res.Text, nil
}

// Fits reports whether msgs leave room for the answer (Params.MaxTokens,
// or a quarter of the context) in the model's context.
func (g ModelGenerator) Fits(ctx context.Context, msgs []Message) (bool, error) {
	cm := make([]chat.Message, len(msgs))
	for i, m := range msgs {
		cm[i] = chat.Message{Role: m.Role, Content: m.Content}
	}
	toks, err := g.Model.PromptTokens(ctx, llm.Request{Messages: cm})
	if err != nil {
		return false, err
	}
	room := g.Params.MaxTokens
	n := g.Model.Info().ContextLength
	if room <= 0 || room > n/4 {
		room = n / 4
	}
	return len(toks)+room <= n, nil
}
