package storetest

import (
	"fmt"
	"math"
	"math/rand"
	"strings"

	"github.com/docent-dev/docent/retrieval"
)

// Synthetic is a deterministic corpus for benchmarks: documents of
// paragraphs whose words follow a Zipf distribution over a pseudo-English
// vocabulary mixed with common function words, so posting lists have
// realistic length skew.
type Synthetic struct {
	vocab []string
	zipf  *rand.Zipf
	rng   *rand.Rand
}

var function = strings.Fields("the of and to in is was for on that with as by at from it this are be or an which has were its")

// NewSynthetic builds a generator with a vocabulary of n words.
func NewSynthetic(seed int64, n int) *Synthetic {
	rng := rand.New(rand.NewSource(seed))
	syll := strings.Fields("ka lo mi ra te su vo ne pa di gro str ent ion al ar ex pre con tur bel mon dra fi")
	seen := map[string]bool{}
	var vocab []string
	for len(vocab) < n {
		k := 2 + rng.Intn(3)
		var b strings.Builder
		for i := 0; i < k; i++ {
			b.WriteString(syll[rng.Intn(len(syll))])
		}
		w := b.String()
		if !seen[w] {
			seen[w] = true
			vocab = append(vocab, w)
		}
	}
	return &Synthetic{vocab: vocab, zipf: rand.NewZipf(rng, 1.1, 2, uint64(n-1)), rng: rng}
}

// Sentence returns one sentence of about n words.
func (s *Synthetic) Sentence(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(' ')
		}
		if s.rng.Float64() < 0.35 {
			b.WriteString(function[s.rng.Intn(len(function))])
		} else {
			b.WriteString(s.vocab[s.zipf.Uint64()])
		}
	}
	out := b.String()
	return strings.ToUpper(out[:1]) + out[1:] + "."
}

// Chunk returns a chunk text of about chars characters.
func (s *Synthetic) Chunk(chars int) string {
	var parts []string
	total := 0
	for total < chars {
		sent := s.Sentence(8 + s.rng.Intn(14))
		parts = append(parts, sent)
		total += len(sent) + 1
	}
	return strings.Join(parts, " ")
}

// Question picks k content words of text and phrases them as a question.
func (s *Synthetic) Question(text string, k int) string {
	var content []string
	for _, w := range strings.Fields(strings.ToLower(strings.TrimRight(text, "."))) {
		w = strings.Trim(w, ".")
		if len(w) > 3 {
			content = append(content, w)
		}
	}
	if len(content) == 0 {
		return "what is it?"
	}
	var picked []string
	for i := 0; i < k; i++ {
		picked = append(picked, content[s.rng.Intn(len(content))])
	}
	return "What is the " + strings.Join(picked, " ") + "?"
}

// Document builds a document of nChunks chunks of about chars characters.
func (s *Synthetic) Document(id, collection string, nChunks, chars int) (retrieval.Document, []retrieval.Chunk) {
	cs := make([]retrieval.Chunk, nChunks)
	off := 0
	h := fmt.Sprintf("%s-%d", id, s.rng.Int63())
	for i := range cs {
		t := s.Chunk(chars)
		cs[i] = retrieval.Chunk{Ordinal: i, Text: t, Start: off, End: off + len(t), Heading: []string{"Section " + fmt.Sprint(i/5)}}
		off += len(t) + 2
	}
	return retrieval.Document{ID: id, Collection: collection, Source: id + ".txt", Title: "Report " + id, ContentHash: h}, cs
}

// Percentile returns the p-quantile (0..1) of xs (sorted in place).
func Percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	for i := 1; i < len(xs); i++ {
		for j := i; j > 0 && xs[j] < xs[j-1]; j-- {
			xs[j], xs[j-1] = xs[j-1], xs[j]
		}
	}
	return xs[int(p*float64(len(xs)-1))]
}
