package tokenizer

import (
	"os"
	"strings"
	"testing"

	"github.com/docent-dev/docent/llm/gguf"
)

// benchText builds about 1 MB of varied English-like prose (with some
// punctuation, numbers and code) deterministically.
func benchText() string {
	words := strings.Fields(`the of and to in is was that for on with as by at from his her it an were are
which this be or has had but not they their been one its new more also after first who two other
into time over years when only most some made state such three city many world used these about
government between where while during under both through however known including later being
university national people well school could series would there year part following team united
system since early before second united american include called members several large among
against because public music became high until album river life within each same form film
retrieval grounded answer citations document chunk vector embedding tokenizer transformer model
question evidence source claim support refuse flagged private documents service ingest store`)
	punct := []string{".", ",", ";", ":", "!", "?", "'s", "n't", " (", ")", " -", "\""}
	var b strings.Builder
	seed := uint32(12345)
	next := func(n int) int {
		seed = seed*1664525 + 1013904223
		return int((seed >> 8) % uint32(n))
	}
	for b.Len() < 1<<20 {
		n := 5 + next(20)
		for i := 0; i < n; i++ {
			w := words[next(len(words))]
			if i == 0 {
				w = strings.ToUpper(w[:1]) + w[1:]
			}
			b.WriteString(w)
			switch r := next(30); {
			case r == 0:
				b.WriteString(punct[next(len(punct))])
			case r == 1:
				b.WriteString(" 19")
				b.WriteByte(byte('0' + next(10)))
				b.WriteByte(byte('0' + next(10)))
			}
			b.WriteByte(' ')
		}
		b.WriteString(". ")
		if next(8) == 0 {
			b.WriteString("\n\n")
		}
	}
	return b.String()
}

func benchEncode(b *testing.B, name string) {
	tok, _ := loadVocab(b, name)
	text := benchText()
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tok.Encode(text, EncodeOptions{})
	}
}

func BenchmarkEncodeSPM(b *testing.B)       { benchEncode(b, "llama-spm") }
func BenchmarkEncodeGPT2(b *testing.B)      { benchEncode(b, "gpt-2") }
func BenchmarkEncodeLlama3(b *testing.B)    { benchEncode(b, "llama-bpe") }
func BenchmarkEncodeQwen2(b *testing.B)     { benchEncode(b, "qwen2") }
func BenchmarkEncodeWordPiece(b *testing.B) { benchEncode(b, "bert-bge") }

func BenchmarkDecodeGPT2(b *testing.B) {
	tok, _ := loadVocab(b, "gpt-2")
	ids := tok.Encode(benchText(), EncodeOptions{})
	b.SetBytes(int64(len(benchText())))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tok.Decode(ids)
	}
}

// BenchmarkLoad measures building a tokenizer from a GGUF (the 128k-token
// Llama 3 vocabulary when ../shared is present, else GPT-2).
func BenchmarkLoad(b *testing.B) {
	p := vocabPath("llama-bpe")
	if p == "" {
		p = vocabPath("gpt-2")
	}
	if p == "" {
		b.Skip("no vocab")
	}
	if _, err := os.Stat(p); err != nil {
		b.Skip(err)
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		f, err := gguf.Open(p)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := FromGGUF(f); err != nil {
			b.Fatal(err)
		}
		f.Close()
	}
}
