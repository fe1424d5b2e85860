package model

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/docent-dev/docent/llm/gguf"
	"github.com/docent-dev/docent/llm/tokenizer"
)

const parityDir = "../../../shared/testdata/parity"

type parityRefs struct {
	Models map[string]struct {
		Greedy []struct {
			Prompt       string `json:"prompt"`
			N            int    `json:"n"`
			StdoutBase64 string `json:"stdout_base64"`
		} `json:"greedy"`
		Perplexity *struct {
			Ctx int     `json:"ctx"`
			PPL float64 `json:"ppl"`
		} `json:"perplexity"`
	} `json:"models"`
}

func loadRefs(t *testing.T) *parityRefs {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(parityDir, "references.json"))
	if err != nil {
		t.Skipf("llama.cpp parity fixtures not available (%v); they live in ../shared/testdata/parity", err)
	}
	var r parityRefs
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return &r
}

func openDecoder(t *testing.T, path string, opts Options) (*Decoder, *tokenizer.Tokenizer) {
	t.Helper()
	f, err := gguf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	tok, err := tokenizer.FromGGUF(f)
	if err != nil {
		t.Fatal(err)
	}
	d, err := LoadDecoder(f, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Close)
	return d, tok
}

// greedyText renders what llama-simple prints: the prompt's pieces, then n
// greedily generated pieces, then a newline. steps[i] records where the
// i-th generated piece starts in the output and the logit margin between
// the chosen token and the runner-up.
func greedyText(t *testing.T, d *Decoder, tok *tokenizer.Tokenizer, prompt string, n int) ([]byte, []greedyStep) {
	ids := tok.Encode(prompt, tokenizer.EncodeOptions{AddSpecial: true, ParseSpecial: true})
	var out bytes.Buffer
	for _, id := range ids {
		out.Write(tok.PieceSpecial(id))
	}
	s := d.NewSession(len(ids) + n)
	logits, err := s.Prefill(ids)
	if err != nil {
		t.Fatal(err)
	}
	var steps []greedyStep
	for i := 0; i < n; i++ {
		next := argmax(logits)
		second := -1
		for j, v := range logits {
			if j != next && (second < 0 || v > logits[second]) {
				second = j
			}
		}
		steps = append(steps, greedyStep{out.Len(), logits[next] - logits[second]})
		if tok.IsEOG(int32(next)) {
			break
		}
		out.Write(tok.PieceSpecial(int32(next)))
		if logits, err = s.Decode(int32(next)); err != nil {
			t.Fatal(err)
		}
	}
	out.WriteByte('\n') // llama-simple ends with a newline
	return out.Bytes(), steps
}

type greedyStep struct {
	offset int
	margin float32
}

func argmax(x []float32) int {
	best := 0
	for i, v := range x {
		if v > x[best] {
			best = i
		}
	}
	return best
}

func TestParityGreedy(t *testing.T) {
	refs := loadRefs(t)
	for name, m := range refs.Models {
		if len(m.Greedy) == 0 {
			continue
		}
		t.Run(name, func(t *testing.T) {
			d, tok := openDecoder(t, filepath.Join(parityDir, name), Options{Threads: 2, Attention: testAttn()})
			for _, g := range m.Greedy {
				want, _ := base64.StdEncoding.DecodeString(g.StdoutBase64)
				got, steps := greedyText(t, d, tok, g.Prompt, g.N)
				if bytes.Equal(got, want) {
					continue
				}
				i := 0
				for i < len(got) && i < len(want) && got[i] == want[i] {
					i++
				}
				step := 0
				for step+1 < len(steps) && steps[step+1].offset <= i {
					step++
				}
				msg := fmt.Sprintf("%q: output differs from llama.cpp at generated token %d (byte %d), where our top-2 logit margin is %.2g:\n got %q\nwant %q",
					g.Prompt, step, i, steps[step].margin, got, want)
				if strictGreedy() || !knownGap(name) {
					t.Error(msg)
				} else {
					t.Log("known gap: " + msg)
				}
			}
		})
	}
}

// slowTests reports whether the slow variants were asked for with
// DOCENT_SLOW_TESTS=1.
func slowTests() bool { return os.Getenv("DOCENT_SLOW_TESTS") != "" }

// strictGreedy makes mismatches on models with a known gap errors too
// (DOCENT_PARITY_STRICT=1).
func strictGreedy() bool { return os.Getenv("DOCENT_PARITY_STRICT") != "" }

// knownGap lists the fixtures whose llama.cpp outputs are not reproduced
// exactly yet (their mismatches are logged instead of failing unless
// DOCENT_PARITY_STRICT=1). None at present: llama-tiny-q4_k_m, the last one,
// needed llama.cpp's Q4_K GEMM for groups of four prompt rows, glibc's
// sinf/cosf in the RoPE cache, ggml's float rounding of the RMS-norm mean and
// its tiled flash attention for batches of 64+ tokens.
func knownGap(model string) bool { return false }

func testAttn() AttentionMode {
	if os.Getenv("DOCENT_TEST_CLASSIC_ATTN") != "" {
		return AttentionClassic
	}
	return AttentionFlash
}

func TestParityPerplexity(t *testing.T) {
	refs := loadRefs(t)
	text, err := os.ReadFile(filepath.Join(parityDir, "ppl.txt"))
	if err != nil {
		t.Skip(err)
	}
	for name, m := range refs.Models {
		if m.Perplexity == nil {
			continue
		}
		t.Run(name, func(t *testing.T) {
			// Scoring runs the output head over 32k-50k rows for every
			// scored token: one model by default, all with
			// DOCENT_SLOW_TESTS=1.
			if name != "llama-tiny-f16.gguf" && !slowTests() {
				t.Skip("set DOCENT_SLOW_TESTS=1 to check every model's perplexity")
			}
			d, tok := openDecoder(t, filepath.Join(parityDir, name), Options{Threads: 2})
			ids := tok.Encode(string(text), tokenizer.EncodeOptions{AddSpecial: true})
			bos := int32(-1)
			if tok.AddBOS() {
				bos = tok.BOS()
			}
			res, err := d.Perplexity(ids, m.Perplexity.Ctx, bos, nil)
			if err != nil {
				t.Fatal(err)
			}
			got := res.PPL
			rel := math.Abs(got-m.Perplexity.PPL) / m.Perplexity.PPL
			t.Logf("PPL %.4f, llama.cpp %.4f (%.3f%%)", got, m.Perplexity.PPL, 100*rel)
			if rel > 0.005 {
				if knownGap(name) && !strictGreedy() {
					t.Logf("known gap: perplexity %.4f differs from llama.cpp's %.4f by %.2f%%", got, m.Perplexity.PPL, 100*rel)
				} else {
					t.Errorf("perplexity %.4f differs from llama.cpp's %.4f by %.2f%%", got, m.Perplexity.PPL, 100*rel)
				}
			}
		})
	}
}
