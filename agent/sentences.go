package agent

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// abbreviations that end with a dot but do not end a sentence.
var abbreviations = map[string]bool{
	"e.g": true, "i.e": true, "etc": true, "vs": true, "dr": true, "mr": true, "mrs": true, "ms": true,
	"prof": true, "fig": true, "no": true, "approx": true, "al": true, "st": true, "jr": true, "sr": true, "inc": true, "ltd": true,
}

// Sentences splits text into sentences: at . ! ? followed by space and an
// upper-case letter, digit or quote, and at blank lines; not after common
// abbreviations, single initials or inside numbers.
func Sentences(text string) []string {
	var out []string
	add := func(s string) {
		s = strings.TrimSpace(s)
		if s != "" {
			out = append(out, s)
		}
	}
	start := 0
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if r == '\n' && i+1 < len(text) && text[i+1] == '\n' {
			add(text[start:i])
			start = i + 1
			i++
			continue
		}
		if r == '.' || r == '!' || r == '?' {
			j := i + size
			for j < len(text) && (text[j] == '"' || text[j] == '\'' || text[j] == ')' || text[j] == ']') {
				j++
			}
			if j >= len(text) {
				break
			}
			if text[j] == ' ' || text[j] == '\n' || text[j] == '\t' {
				k := j
				for k < len(text) && (text[k] == ' ' || text[k] == '\n' || text[k] == '\t') {
					k++
				}
				next, _ := utf8.DecodeRuneInString(text[k:])
				if k < len(text) && (unicode.IsUpper(next) || unicode.IsDigit(next) || next == '"' || next == '(' || next == '[') && !(r == '.' && isAbbrev(text[start:i])) {
					add(text[start:j])
					start = j
					i = k
					continue
				}
			}
		}
		i += size
	}
	add(text[start:])
	return out
}

func isAbbrev(before string) bool {
	k := len(before)
	for k > 0 {
		r, size := utf8.DecodeLastRuneInString(before[:k])
		if !(unicode.IsLetter(r) || r == '.') {
			break
		}
		k -= size
	}
	w := strings.ToLower(before[k:])
	if abbreviations[w] {
		return true
	}
	// A single letter ("J. Smith") is an initial.
	return utf8.RuneCountInString(w) == 1
}
