package retrieval

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	// Snowball's English (Porter2) stemmer: a maintained implementation of
	// a published algorithm; hand-rolling it buys nothing.
	"github.com/kljensen/snowball/english"
)

// Analyze turns text into BM25 terms: Unicode word segmentation on letters
// and digits, lower-casing, English stop-word removal and Porter2 stemming.
// Every backend indexes and queries through this one function, so scores
// agree across backends and term ids are stable.
func Analyze(text string) []string {
	terms := make([]string, 0, len(text)/6)
	forEachWord(text, func(w string) {
		if t, ok := term(w); ok {
			terms = append(terms, t)
		}
	})
	return terms
}

// AnalyzeString is Analyze joined by spaces (what the FTS index stores).
func AnalyzeString(text string) string {
	var b strings.Builder
	b.Grow(len(text))
	forEachWord(text, func(w string) {
		if t, ok := term(w); ok {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(t)
		}
	})
	return b.String()
}

// maxTermLen bounds single terms (long runs of letters are noise, e.g. base64).
const maxTermLen = 40

func term(w string) (string, bool) {
	if len(w) > maxTermLen {
		return "", false
	}
	lw := strings.ToLower(w)
	if english.IsStopWord(lw) {
		return "", false
	}
	if isASCIIAlpha(lw) && len(lw) > 2 {
		lw = english.Stem(lw, false)
	}
	return lw, lw != ""
}

func isASCIIAlpha(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// forEachWord calls fn for each maximal run of letters/digits. An apostrophe
// inside a word ("don't") and a dot or comma between digits ("3.5") are kept.
func forEachWord(text string, fn func(string)) {
	start := -1
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		word := unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
		if !word && start >= 0 && (r == '\'' || r == '.' || r == ',') && i+size < len(text) {
			prev, _ := utf8.DecodeLastRuneInString(text[:i])
			next, _ := utf8.DecodeRuneInString(text[i+size:])
			if r == '\'' && unicode.IsLetter(prev) && unicode.IsLetter(next) {
				word = true
			} else if r != '\'' && unicode.IsDigit(prev) && unicode.IsDigit(next) {
				word = true
			}
		}
		if word {
			if start < 0 {
				start = i
			}
		} else if start >= 0 {
			fn(text[start:i])
			start = -1
		}
		i += size
	}
	if start >= 0 {
		fn(text[start:])
	}
}

// TermID is the stable 32-bit id of an analyzed term (FNV-1a). Backends use
// it for sparse BM25 vectors, so the same text gives the same ids in the
// embedded index and in Qdrant. Collisions are rare and only merge the
// statistics of two rare terms.
func TermID(term string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(term); i++ {
		h ^= uint32(term[i])
		h *= 16777619
	}
	return h
}

// TermFreq is one term of a sparse term-frequency vector.
type TermFreq struct {
	ID uint32
	TF uint32
}

// TermFrequencies analyzes text into (term id, count) pairs sorted by id,
// and returns the number of terms (the BM25 document length).
func TermFrequencies(text string) ([]TermFreq, int) {
	counts := map[uint32]uint32{}
	n := 0
	forEachWord(text, func(w string) {
		if t, ok := term(w); ok {
			counts[TermID(t)]++
			n++
		}
	})
	out := make([]TermFreq, 0, len(counts))
	for id, c := range counts {
		out = append(out, TermFreq{id, c})
	}
	sortTermFreqs(out)
	return out, n
}

func sortTermFreqs(s []TermFreq) { sort.Slice(s, func(i, j int) bool { return s[i].ID < s[j].ID }) }
