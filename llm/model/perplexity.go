package model

import (
	"errors"
	"fmt"
	"math"
)

// PerplexityResult is what Perplexity measured.
type PerplexityResult struct {
	PPL    float64 // exp(mean negative log-likelihood)
	NLL    float64 // mean negative log-likelihood (nats)
	Chunks int     // chunks evaluated
	Scored int     // tokens scored
}

// Perplexity follows llama.cpp's llama-perplexity: tokens (the whole text,
// tokenized with BOS when the vocabulary adds it) are cut into
// non-overlapping chunks of ctx tokens (a trailing partial chunk is
// dropped); when bos >= 0 the first token of each chunk is replaced by bos;
// each chunk is evaluated from an empty cache and only its second half is
// scored (the tokens at positions ctx/2+1 .. ctx-1, each predicted from the
// logits of the one before). progress, if set, is called after each chunk.
func (d *Decoder) Perplexity(tokens []int32, ctx int, bos int32, progress func(done, total int, ppl float64)) (PerplexityResult, error) {
	var r PerplexityResult
	if ctx < 4 {
		return r, fmt.Errorf("model: perplexity context %d is too small", ctx)
	}
	n := len(tokens) / ctx
	if n == 0 {
		return r, fmt.Errorf("model: %d tokens is less than one chunk of %d; use a longer text or a smaller --ctx", len(tokens), ctx)
	}
	s := d.NewSession(ctx)
	if s.MaxCtx() < ctx {
		return r, fmt.Errorf("model: context %d exceeds the model's %d", ctx, d.ContextLen)
	}
	chunk := make([]int32, ctx)
	var nll float64
	V := d.Vocab
	first := ctx / 2
	for c := 0; c < n; c++ {
		copy(chunk, tokens[c*ctx:(c+1)*ctx])
		if bos >= 0 {
			chunk[0] = bos
		}
		s.Reset()
		logits, err := s.EvalFrom(chunk, first)
		if err != nil {
			return r, err
		}
		for i := first; i < ctx-1; i++ {
			row := logits[(i-first)*V : (i-first+1)*V]
			m := row[0]
			for _, v := range row {
				m = max(m, v)
			}
			var sum float64
			for _, v := range row {
				sum += math.Exp(float64(v - m))
			}
			nll -= float64(row[chunk[i+1]]-m) - math.Log(sum)
			r.Scored++
		}
		r.Chunks++
		if progress != nil {
			progress(c+1, n, math.Exp(nll/float64(r.Scored)))
		}
	}
	if r.Scored == 0 {
		return r, errors.New("model: nothing to score")
	}
	r.NLL = nll / float64(r.Scored)
	r.PPL = math.Exp(r.NLL)
	return r, nil
}
