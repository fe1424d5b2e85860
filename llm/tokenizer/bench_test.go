package tokenizer

import (
	"math/rand"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docent-dev/docent/llm/gguf"
)

// benchText builds about 1 MB of varied English-like prose
// deterministically: common English words mixed Zipf-style with ~20,000
// generated words (so the word cache sees a realistic spread), punctuation,
// numbers, capitals and paragraphs.
func benchText() string {
	benchOnce.Do(func() { benchTextCache = makeBenchText() })
	return benchTextCache
}

var (
	benchOnce      sync.Once
	benchTextCache string
)

func makeBenchText() string {
	common := strings.Fields(`the of and to in is was that for on with as by at from his her it an were are
which this be or has had but not they their been one its new more also after first who two other
into time over years when only most some made state such three city many world used these about
government between where while during under both through however known including later being
university national people well school could series would there year part following team united
system since early before second united american include called members several large among
against because public music became high until album river life within each same form film
retrieval grounded answer citations document chunk vector embedding tokenizer transformer model
question evidence source claim support refuse flagged private documents service ingest store`)
	onsets := []string{"", "b", "c", "d", "f", "g", "h", "l", "m", "n", "p", "r", "s", "t", "v", "w", "br", "cr", "st", "tr", "pl", "sh", "th", "ch"}
	vowels := []string{"a", "e", "i", "o", "u", "ea", "ou", "io", "ai"}
	codas := []string{"", "n", "r", "s", "t", "l", "m", "nd", "st", "ng", "ck", "tion", "ment", "ly", "ed", "ing", "er"}
	seed := uint32(12345)
	next := func(n int) int {
		seed = seed*1664525 + 1013904223
		return int((seed >> 8) % uint32(n))
	}
	gen := make([]string, 20000)
	for i := range gen {
		var w strings.Builder
		for k := 0; k < 1+next(3); k++ {
			w.WriteString(onsets[next(len(onsets))])
			w.WriteString(vowels[next(len(vowels))])
		}
		w.WriteString(codas[next(len(codas))])
		gen[i] = w.String()
	}
	zipf := rand.NewZipf(rand.New(rand.NewSource(1)), 1.1, 1, uint64(len(gen)-1))
	punct := []string{".", ",", ";", ":", "!", "?", "'s", "n't", " (", ")", " -", "\""}
	var b strings.Builder
	for b.Len() < 1<<20 {
		n := 5 + next(20)
		for i := 0; i < n; i++ {
			w := common[next(len(common))]
			if next(3) == 0 {
				w = gen[zipf.Uint64()]
			}
			if i == 0 || next(15) == 0 {
				w = strings.ToUpper(w[:1]) + w[1:]
			}
			b.WriteString(w)
			switch r := next(30); {
			case r == 0:
				b.WriteString(punct[next(len(punct))])
			case r == 1:
				b.WriteString(" 1")
				b.WriteString(strconv.Itoa(next(1000)))
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

func benchEncode(b *testing.B, name string) { benchEncodeCache(b, name, true) }

// benchEncodeCache with warm=false clears the word cache before every
// iteration, measuring the merge algorithms themselves.
func benchEncodeCache(b *testing.B, name string, warm bool) {
	tok, _ := loadVocab(b, name)
	text := benchText()
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	tok.Encode(text, EncodeOptions{}) // warm the word cache
	b.ResetTimer()
	c0 := cpuTime()
	for i := 0; i < b.N; i++ {
		if !warm {
			tok.cache = newWordCache()
		}
		tok.Encode(text, EncodeOptions{})
	}
	reportCPU(b, c0, len(text))
}

// reportCPU adds cpu-MB/s: bytes per CPU second of this process, which a
// busy shared machine distorts less than wall time (run with -cpu 1; GC
// work on other threads counts too, so it is a lower bound).
func reportCPU(b *testing.B, c0 time.Duration, n int) {
	if d := cpuTime() - c0; d > 0 {
		b.ReportMetric(float64(n)*float64(b.N)/1e6/d.Seconds(), "cpu-MB/s")
	}
}

func BenchmarkEncodeSPM(b *testing.B)       { benchEncode(b, "llama-spm") }
func BenchmarkEncodeGPT2(b *testing.B)      { benchEncode(b, "gpt-2") }
func BenchmarkEncodeLlama3(b *testing.B)    { benchEncode(b, "llama-bpe") }
func BenchmarkEncodeQwen2(b *testing.B)     { benchEncode(b, "qwen2") }
func BenchmarkEncodeWordPiece(b *testing.B) { benchEncode(b, "bert-bge") }

func BenchmarkEncodeSPMCold(b *testing.B)       { benchEncodeCache(b, "llama-spm", false) }
func BenchmarkEncodeGPT2Cold(b *testing.B)      { benchEncodeCache(b, "gpt-2", false) }
func BenchmarkEncodeLlama3Cold(b *testing.B)    { benchEncodeCache(b, "llama-bpe", false) }
func BenchmarkEncodeWordPieceCold(b *testing.B) { benchEncodeCache(b, "bert-bge", false) }

func BenchmarkDecodeGPT2(b *testing.B) {
	tok, _ := loadVocab(b, "gpt-2")
	ids := tok.Encode(benchText(), EncodeOptions{})
	b.SetBytes(int64(len(benchText())))
	b.ResetTimer()
	c0 := cpuTime()
	for i := 0; i < b.N; i++ {
		tok.Decode(ids)
	}
	reportCPU(b, c0, len(benchText()))
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
