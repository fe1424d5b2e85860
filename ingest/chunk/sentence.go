package chunk

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// abbreviations that end with a period but do not end a sentence (compared
// lower-case, without the final period).
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "prof": true, "sr": true, "jr": true,
	"st": true, "mt": true, "vs": true, "fig": true, "figs": true, "no": true, "nos": true,
	"vol": true, "pp": true, "inc": true, "ltd": true, "co": true, "corp": true,
	"approx": true, "cf": true, "al": true, "eq": true, "eqs": true, "dept": true, "est": true,
	"ca": true, "e.g": true, "i.e": true, "viz": true, "resp": true, "ref": true, "refs": true,
	"sec": true, "ch": true, "chap": true, "art": true, "ed": true, "eds": true, "rev": true,
	"gen": true, "gov": true, "lt": true, "col": true, "capt": true, "sgt": true, "hon": true,
	"jan": true, "feb": true, "mar": true, "apr": true, "jun": true, "jul": true, "aug": true,
	"sep": true, "sept": true, "oct": true, "nov": true, "dec": true,
	"bzw": true, "usw": true, "z.b": true, "d.h": true, "u.a": true, "ggf": true,
}

// sentences returns the trimmed spans of the sentences in s.
func sentences(s string) [][2]int {
	var out [][2]int
	start := 0
	add := func(end int) {
		if sp, ok := trim(s, start, end); ok {
			out = append(out, sp)
		}
	}
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch r {
		case '。', '！', '？':
			add(i + n)
			start = i + n
			i += n
			continue
		case '.', '!', '?', '…':
		default:
			i += n
			continue
		}
		// End of the terminal run, closing quotes and brackets included.
		j := i + n
		for j < len(s) {
			r2, n2 := utf8.DecodeRuneInString(s[j:])
			if strings.ContainsRune(".!?…\"')]’”»", r2) {
				j += n2
				continue
			}
			break
		}
		if j >= len(s) {
			break
		}
		r2, _ := utf8.DecodeRuneInString(s[j:])
		if !unicode.IsSpace(r2) {
			i = j // "3.14", "example.com", "a.b"
			continue
		}
		k := j
		for k < len(s) {
			r3, n3 := utf8.DecodeRuneInString(s[k:])
			if !unicode.IsSpace(r3) {
				break
			}
			k += n3
		}
		if k >= len(s) {
			break
		}
		if r == '.' && j == i+1 && !endsSentence(s[start:i], s[k:]) {
			i = k
			continue
		}
		add(j)
		start = k
		i = k
	}
	add(len(s))
	return out
}

// endsSentence decides whether a single period after before ends the
// sentence, given the text after it.
func endsSentence(before, after string) bool {
	next, _ := utf8.DecodeRuneInString(after)
	if unicode.IsLower(next) {
		return false // "e.g. this", "approx. five"
	}
	w := before
	if k := strings.LastIndexFunc(w, func(r rune) bool { return unicode.IsSpace(r) || r == '(' || r == '"' || r == '“' }); k >= 0 {
		_, n := utf8.DecodeRuneInString(w[k:])
		w = w[k+n:]
	}
	if w == "" {
		return true
	}
	lw := strings.ToLower(w)
	if abbreviations[lw] {
		return false
	}
	// Initials and dotted abbreviations: "J.", "U.S", "a.m".
	allShort := true
	for _, part := range strings.Split(lw, ".") {
		if utf8.RuneCountInString(part) != 1 {
			allShort = false
			break
		}
	}
	if allShort {
		r, _ := utf8.DecodeRuneInString(w)
		return !unicode.IsLetter(r) // "1." list numbers and digits end
	}
	return true
}
