package grounding

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/docent-dev/docent/retrieval"
)

// word is one word of a text with what the checker needs to know about it.
type word struct {
	raw   string // as written
	term  string // analyzed term (retrieval.Analyze); "" for stop words
	num   string // normalized number ("2006", "6.213", "9" for "nine"); "" if none
	cap   bool   // starts with an upper-case letter
	neg   bool   // a negation ("not", "never", "no", "n't", ...)
	start int    // byte offset in the text
}

// words splits text into words: maximal runs of letters, digits and
// combining marks; an apostrophe between letters and a dot or comma between
// digits stay inside the word. Each word is analyzed with the shared
// retrieval analyzer so terms agree with the index.
func words(text string) []word {
	var out []word
	start := -1
	emit := func(end int) {
		raw := text[start:end]
		w := word{raw: raw, start: start}
		first, _ := utf8.DecodeRuneInString(raw)
		w.cap = unicode.IsUpper(first)
		lw := strings.ToLower(raw)
		w.neg = negations[lw] || strings.HasSuffix(lw, "n't") || strings.HasSuffix(lw, "n’t")
		base := raw
		for _, suf := range []string{"'s", "’s", "'", "’"} { // possessives: "Nixon's" is "Nixon"
			if len(base) > len(suf)+1 && strings.HasSuffix(base, suf) {
				base = base[:len(base)-len(suf)]
				break
			}
		}
		if ts := retrieval.Analyze(base); len(ts) == 1 {
			w.term = ts[0]
		} else if len(ts) == 0 && acronyms[raw] {
			w.term = lw // an acronym that looks like a stop word: "US", "IT", "WHO"
		}
		if lightWords[lw] {
			w.term = ""
		}
		w.num = normNumber(lw)
		if w.num != "" {
			w.term = w.num
		}
		out = append(out, w)
		start = -1
	}
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		in := unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
		if !in && start >= 0 && (r == '\'' || r == '’' || r == '.' || r == ',') && i+size < len(text) {
			prev, _ := utf8.DecodeLastRuneInString(text[:i])
			next, _ := utf8.DecodeRuneInString(text[i+size:])
			if (r == '\'' || r == '’') && unicode.IsLetter(prev) && unicode.IsLetter(next) {
				in = true
			} else if (r == '.' || r == ',') && unicode.IsDigit(prev) && unicode.IsDigit(next) {
				in = true
			}
		}
		if in {
			if start < 0 {
				start = i
			}
		} else if start >= 0 {
			emit(i)
		}
		i += size
	}
	if start >= 0 {
		emit(len(text))
	}
	for i := range out {
		// "No. 1", "no 5": a number sign, not a negation.
		if out[i].neg && strings.EqualFold(out[i].raw, "no") && i+1 < len(out) && out[i+1].num != "" {
			out[i].neg = false
		}
	}
	return out
}

// lightWords carry no fact of their own: connectives and quantifiers the
// stop-word list keeps. A claim is not unsupported for using them.
var lightWords = map[string]bool{
	"also": true, "every": true, "each": true, "per": true, "including": true, "currently": true,
	"still": true, "however": true, "therefore": true, "thus": true, "additionally": true,
	"moreover": true, "furthermore": true, "overall": true, "meanwhile": true, "instead": true,
	"respectively": true, "according": true, "yes": true,
}

// acronyms that the analyzer would drop as stop words.
var acronyms = map[string]bool{"US": true, "U.S": true, "UK": true, "UN": true, "WHO": true, "IT": true, "AM": true, "PM": true}

var negations = map[string]bool{
	"not": true, "no": true, "never": true, "none": true, "nor": true, "neither": true,
	"cannot": true, "without": true, "nobody": true, "nothing": true, "nowhere": true,
}

var numberWords = map[string]string{
	"zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
	"seven": "7", "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
	"thirteen": "13", "fourteen": "14", "fifteen": "15", "sixteen": "16", "seventeen": "17",
	"eighteen": "18", "nineteen": "19", "twenty": "20", "thirty": "30", "forty": "40",
	"fifty": "50", "sixty": "60", "seventy": "70", "eighty": "80", "ninety": "90", "hundred": "100",
	"second": "2", "third": "3", "fourth": "4", "fifth": "5", "sixth": "6",
	"seventh": "7", "eighth": "8", "ninth": "9", "tenth": "10", "eleventh": "11", "twelfth": "12",
	"thirteenth": "13", "fourteenth": "14", "fifteenth": "15", "sixteenth": "16",
	"seventeenth": "17", "eighteenth": "18", "nineteenth": "19", "twentieth": "20",
	"once": "1", "twice": "2", "thrice": "3", "single": "1", "double": "2", "triple": "3",
	"dozen": "12",
}

// normNumber returns the canonical form of a number word or numeral:
// thousands separators dropped, ordinal suffixes dropped, trailing zero
// decimals dropped, small number words and ordinals as digits. "first" is
// left alone: it is far more often "earliest" than the number one.
func normNumber(lw string) string {
	if v, ok := numberWords[lw]; ok {
		return v
	}
	if lw == "" || !unicode.IsDigit(rune(lw[0])) {
		return ""
	}
	for _, suf := range []string{"st", "nd", "rd", "th", "s"} { // 3rd, 1990s
		if strings.HasSuffix(lw, suf) && len(lw) > len(suf) && isDigits(lw[:len(lw)-len(suf)]) {
			lw = lw[:len(lw)-len(suf)]
			break
		}
	}
	s := strings.ReplaceAll(lw, ",", "")
	if f, err := strconv.ParseFloat(s, 64); err == nil && isNumeral(s) {
		if f == float64(int64(f)) && f < 1e15 && f > -1e15 {
			return strconv.FormatInt(int64(f), 10)
		}
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	if isDigits(s) {
		return s
	}
	return "" // mixed like "c2h5oh" or "4k": an ordinary term
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isNumeral(s string) bool {
	dots := 0
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '.':
			dots++
		case s[i] < '0' || s[i] > '9':
			return false
		}
	}
	return dots <= 1
}

// span is a sentence of a text: [start, end) byte offsets.
type span struct{ start, end int }

// sentenceSpans splits text into sentences at . ! ? followed by an
// upper-case letter, digit, quote or bracket (with or without a space:
// concatenated passages often lack it), and at blank lines; not after
// common abbreviations or single initials. Offsets cover the whole text
// so the pieces can be put back together.
//
// With lines, every line break ends a sentence too (answers put list
// items on their own lines; sources are often hard-wrapped, so they are
// split without).
func sentenceSpans(text string, lines bool) []span {
	var out []span
	start := 0
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if r == '\n' && (lines || i+1 < len(text) && text[i+1] == '\n') {
			out = append(out, span{start, i + 1})
			start = i + 1
			i++
			continue
		}
		if r == '.' || r == '!' || r == '?' {
			j := i + size
			for j < len(text) {
				c, n := utf8.DecodeRuneInString(text[j:])
				if !strings.ContainsRune("\"')]”’", c) {
					break
				}
				j += n
			}
			// Citation markers after the punctuation belong to the
			// sentence: "... in 1997. [2] The next ..."
			for {
				m := j
				for m < len(text) && (text[m] == ' ' || text[m] == '\t') {
					m++
				}
				n := markerLen(text[m:])
				if n == 0 {
					break
				}
				j = m + n
			}
			k := j
			for k < len(text) && (text[k] == ' ' || text[k] == '\n' || text[k] == '\t') {
				k++
			}
			if k >= len(text) {
				break
			}
			next, _ := utf8.DecodeRuneInString(text[k:])
			spaced := k > j
			prev, _ := utf8.DecodeLastRuneInString(text[:i])
			boundary := unicode.IsUpper(next) || next == '"' || next == '“' || next == '(' || (spaced && (unicode.IsDigit(next) || next == '['))
			if boundary && !spaced && r == '.' && unicode.IsUpper(prev) {
				boundary = false // "D.C.", "U.S.A"
			}
			if boundary && r == '.' && isAbbrev(text[start:i]) {
				boundary = false
			}
			if boundary {
				out = append(out, span{start, j})
				start = j
				i = k
				continue
			}
		}
		i += size
	}
	if start < len(text) {
		out = append(out, span{start, len(text)})
	}
	return out
}

// markerLen is the length of a citation marker "[n]" (n of 1 to 3
// digits) at the start of s, or 0.
func markerLen(s string) int {
	if len(s) < 3 || s[0] != '[' {
		return 0
	}
	k := 1
	for k < len(s) && k <= 3 && s[k] >= '0' && s[k] <= '9' {
		k++
	}
	if k == 1 || k >= len(s) || s[k] != ']' {
		return 0
	}
	return k + 1
}

var abbreviations = map[string]bool{
	"e.g": true, "i.e": true, "etc": true, "vs": true, "dr": true, "mr": true, "mrs": true, "ms": true,
	"prof": true, "fig": true, "no": true, "approx": true, "al": true, "st": true, "jr": true, "sr": true,
	"inc": true, "ltd": true, "co": true, "corp": true, "gen": true, "gov": true, "sen": true, "rep": true,
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
	return utf8.RuneCountInString(w) == 1 // an initial: "J. Smith"
}

// sentences returns the trimmed, non-empty sentences of text.
func sentences(text string) []string {
	var out []string
	for _, sp := range sentenceSpans(text, false) {
		if s := strings.TrimSpace(text[sp.start:sp.end]); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Sentences splits text into trimmed sentences: at . ! ? before a capital,
// digit or opening mark, at line breaks and blank lines; not after common
// abbreviations, initials or inside numbers. The agent uses it to pick
// extractive answers, so quotes and checks split text the same way.
func Sentences(text string) []string { return sentences(text) }
