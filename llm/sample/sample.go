// Package sample picks the next token from a model's logits: greedy,
// temperature, top-k, top-p, min-p, repetition penalty, seeded randomness,
// plus hooks for constrained decoding and a stop-string matcher.
//
// The filters run in llama.cpp's default order: repetition penalty, top-k,
// top-p, min-p, temperature, then a draw from the resulting distribution.
// Same seed and same logits give the same tokens. Sampling allocates nothing
// after the first call.
package sample

import (
	"math"
	"math/rand/v2"
	"slices"
)

// Params configure a Sampler. The zero value is greedy decoding.
type Params struct {
	// Temperature <= 0 selects greedy decoding (argmax after the penalty and
	// masks).
	Temperature float32
	// TopK keeps the K most likely tokens (0: off).
	TopK int
	// TopP keeps the smallest set of tokens whose probability reaches P
	// (0 or >= 1: off).
	TopP float32
	// MinP drops tokens less likely than MinP times the most likely one
	// (0: off).
	MinP float32
	// RepeatPenalty divides positive logits (multiplies negative ones) of
	// tokens seen in the last RepeatLastN accepted tokens (0 or 1: off).
	RepeatPenalty float32
	// RepeatLastN is the penalty window (0: 64; negative: everything).
	RepeatLastN int
	// Seed seeds the random draw.
	Seed uint64
	// MaxTokens is a generation limit for callers' loops (see Exhausted);
	// 0 means no limit.
	MaxTokens int
	// Mask, if set, is called with the logits before anything else; it may
	// set disallowed tokens to -Inf (constrained decoding).
	Mask func(logits []float32)
	// Allowed, if set, rejects tokens for which it returns false.
	Allowed func(id int) bool
}

type cand struct {
	id int32
	p  float32 // logit, then probability
}

// Sampler draws tokens; it is not safe for concurrent use.
type Sampler struct {
	p      Params
	rng    *rand.Rand
	recent []int32 // ring of accepted tokens
	head   int
	filled int
	cands  []cand
}

// New returns a sampler for p.
func New(p Params) *Sampler {
	n := p.RepeatLastN
	if n == 0 {
		n = 64
	}
	s := &Sampler{p: p, rng: rand.New(rand.NewPCG(p.Seed, p.Seed^0x9e3779b97f4a7c15))}
	if n > 0 {
		s.recent = make([]int32, n)
	} else {
		s.recent = make([]int32, 0, 256)
	}
	return s
}

// Params returns the sampler's configuration.
func (s *Sampler) Params() Params { return s.p }

// Reset forgets accepted tokens and reseeds the random source.
func (s *Sampler) Reset() {
	s.head, s.filled = 0, 0
	if s.p.RepeatLastN < 0 {
		s.recent = s.recent[:0]
	}
	s.rng = rand.New(rand.NewPCG(s.p.Seed, s.p.Seed^0x9e3779b97f4a7c15))
}

// Accept records a token that was generated (or is part of the prompt) for
// the repetition penalty.
func (s *Sampler) Accept(id int32) {
	if s.p.RepeatLastN < 0 {
		s.recent = append(s.recent, id)
		s.filled = len(s.recent)
		return
	}
	if len(s.recent) == 0 {
		return
	}
	s.recent[s.head] = id
	s.head = (s.head + 1) % len(s.recent)
	if s.filled < len(s.recent) {
		s.filled++
	}
}

// Exhausted reports whether generated tokens reach MaxTokens.
func (s *Sampler) Exhausted(generated int) bool {
	return s.p.MaxTokens > 0 && generated >= s.p.MaxTokens
}

// Sample picks a token from logits, which it may modify (penalty, masks).
// It returns -1 only if every token is masked out.
func (s *Sampler) Sample(logits []float32) int {
	if s.p.Mask != nil {
		s.p.Mask(logits)
	}
	if s.p.RepeatPenalty != 0 && s.p.RepeatPenalty != 1 {
		pen := s.p.RepeatPenalty
		win := s.recent[:s.filled]
	next:
		for i, id := range win {
			if int(id) < 0 || int(id) >= len(logits) {
				continue
			}
			// Penalise each distinct token once (llama.cpp counts presence).
			for _, e := range win[:i] {
				if e == id {
					continue next
				}
			}
			if l := logits[id]; l <= 0 {
				logits[id] = l * pen
			} else {
				logits[id] = l / pen
			}
		}
	}
	neg := float32(math.Inf(-1))
	if s.p.Temperature <= 0 {
		best := -1
		for i, l := range logits {
			if l == neg || math.IsNaN(float64(l)) || (s.p.Allowed != nil && !s.p.Allowed(i)) {
				continue
			}
			if best < 0 || l > logits[best] {
				best = i
			}
		}
		return best
	}
	c := s.cands[:0]
	for i, l := range logits {
		if l == neg || math.IsNaN(float64(l)) || (s.p.Allowed != nil && !s.p.Allowed(i)) {
			continue
		}
		c = append(c, cand{int32(i), l})
	}
	s.cands = c
	if len(c) == 0 {
		return -1
	}
	sorted := false
	if k := s.p.TopK; k > 0 && k < len(c) {
		slices.SortFunc(c, byLogitDesc)
		c = c[:k]
		sorted = true
	}
	// Softmax over the remaining candidates (untempered, as llama.cpp's
	// top-p and min-p see them).
	softmax(c, 1)
	if p := s.p.TopP; p > 0 && p < 1 {
		if !sorted {
			slices.SortFunc(c, byLogitDesc)
			sorted = true
		}
		var cum float32
		keep := len(c)
		for i := range c {
			cum += c[i].p
			if cum >= p {
				keep = i + 1
				break
			}
		}
		c = c[:keep]
	}
	if mp := s.p.MinP; mp > 0 {
		var maxp float32
		for _, x := range c {
			maxp = max(maxp, x.p)
		}
		thr := mp * maxp
		j := 0
		for _, x := range c {
			if x.p >= thr {
				c[j] = x
				j++
			}
		}
		c = c[:j]
	}
	// Temperature on the logits of what is left (recovered from the
	// original logits), then the draw.
	for i := range c {
		c[i].p = logits[c[i].id]
	}
	softmax(c, s.p.Temperature)
	r := s.rng.Float32()
	var cum float32
	for _, x := range c {
		cum += x.p
		if r < cum {
			return int(x.id)
		}
	}
	return int(c[len(c)-1].id)
}

func byLogitDesc(a, b cand) int {
	switch {
	case a.p > b.p:
		return -1
	case a.p < b.p:
		return 1
	}
	return int(a.id - b.id)
}

// softmax turns c[i].p (logits) into probabilities at temperature t.
func softmax(c []cand, t float32) {
	m := c[0].p
	for _, x := range c {
		m = max(m, x.p)
	}
	var sum float64
	for i := range c {
		e := math.Exp(float64((c[i].p - m) / t))
		c[i].p = float32(e)
		sum += e
	}
	inv := float32(1 / sum)
	for i := range c {
		c[i].p *= inv
	}
}
