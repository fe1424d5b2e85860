package tokenizer

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/docent-dev/docent/llm/gguf"
)

// Vocabularies with llama.cpp's test vectors. The small ones live in the
// repo's testdata; the large ones are read from ../shared when present.
var vocabNames = []string{"llama-spm", "gpt-2", "bert-bge", "llama-bpe", "qwen2"}

const (
	repoVocabDir   = "../../testdata/vocab"
	sharedVocabDir = "../../../shared/testdata/vocab"
)

// vocabPath finds ggml-vocab-NAME.gguf, or "" when neither copy exists.
func vocabPath(name string) string {
	file := "ggml-vocab-" + name + ".gguf"
	for _, dir := range []string{repoVocabDir, sharedVocabDir} {
		p := filepath.Join(dir, file)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

var (
	tokMu    sync.Mutex
	tokCache = map[string]*Tokenizer{}
)

// loadVocab returns the tokenizer of a test vocabulary or skips the test.
func loadVocab(tb testing.TB, name string) (*Tokenizer, string) {
	tb.Helper()
	p := vocabPath(name)
	if p == "" {
		tb.Skipf("vocab %s not found in %s or %s (the large vocabularies come from ../shared)", name, repoVocabDir, sharedVocabDir)
	}
	tokMu.Lock()
	defer tokMu.Unlock()
	if t, ok := tokCache[p]; ok {
		return t, p
	}
	f, err := gguf.Open(p)
	if err != nil {
		tb.Fatalf("open %s: %v", p, err)
	}
	defer f.Close()
	t, err := FromGGUF(f)
	if err != nil {
		tb.Fatalf("tokenizer from %s: %v", p, err)
	}
	tokCache[p] = t
	return t, p
}

type vocabCase struct {
	text string
	ids  []int32
}

// readCases parses NAME.gguf.inp (cases each followed by
// "\n__ggml_vocab_test__\n") and NAME.gguf.out (one line of ids per case).
func readCases(tb testing.TB, path string) []vocabCase {
	tb.Helper()
	inp, err := os.ReadFile(path + ".inp")
	if err != nil {
		tb.Fatalf("read inputs: %v", err)
	}
	outp, err := os.ReadFile(path + ".out")
	if err != nil {
		tb.Fatalf("read outputs: %v", err)
	}
	const sep = "\n__ggml_vocab_test__\n"
	texts := strings.Split(string(inp), sep)
	if texts[len(texts)-1] != "" {
		tb.Fatalf("%s.inp does not end with the separator", path)
	}
	texts = texts[:len(texts)-1]
	lines := strings.Split(strings.TrimSuffix(string(outp), "\n"), "\n")
	if len(lines) != len(texts) {
		tb.Fatalf("%d inputs but %d output lines", len(texts), len(lines))
	}
	cases := make([]vocabCase, len(texts))
	for i, txt := range texts {
		var ids []int32
		for _, f := range strings.Fields(lines[i]) {
			x, err := strconv.ParseInt(f, 10, 32)
			if err != nil {
				tb.Fatalf("output line %d: %v", i+1, err)
			}
			ids = append(ids, int32(x))
		}
		cases[i] = vocabCase{text: txt, ids: ids}
	}
	return cases
}

func TestVocabVectors(t *testing.T) {
	for _, name := range vocabNames {
		t.Run(name, func(t *testing.T) {
			tok, p := loadVocab(t, name)
			cases := readCases(t, p)
			failed := 0
			for i, c := range cases {
				got := tok.Encode(c.text, EncodeOptions{})
				if !equalIDs(got, c.ids) {
					failed++
					t.Errorf("case %d %q:\n got  %v\n want %v", i, c.text, got, c.ids)
				}
			}
			t.Logf("%s: %d/%d cases match", name, len(cases)-failed, len(cases))
		})
	}
}

func equalIDs(a, b []int32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func fmtIDs(ids []int32) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = fmt.Sprint(id)
	}
	return strings.Join(s, " ")
}
