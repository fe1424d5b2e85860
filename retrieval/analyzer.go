package retrieval

import (
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
