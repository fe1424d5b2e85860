package grounding

import (
	"fmt"
	"strconv"
	"strings"
)

// comparatives maps a question's comparison word to the order it asks for:
// -1 the earlier date wins, +1 the later.
var comparatives = []struct {
	phrase string
	order  int
}{
	{"first", -1}, {"earlier", -1}, {"earliest", -1}, {"older", -1}, {"oldest", -1}, {"before", -1},
	{"later", 1}, {"latest", 1}, {"younger", 1}, {"youngest", 1}, {"more recent", 1}, {"most recent", 1}, {"newer", 1}, {"after", 1},
}

// checkComparison handles "which came first, A or B?" questions: it finds
// which option the answer names and the year the evidence gives for each,
// and says whether the answer picks the right one. reason is empty when
// the question is not such a comparison or the evidence cannot decide.
func checkComparison(question, answer string, ev *evidence) (ok bool, reason string) {
	q := strings.TrimSpace(question)
	lq := asciiLower(q) // same byte offsets as q
	or := strings.LastIndex(lq, " or ")
	if or < 0 {
		return false, ""
	}
	order, at := 0, -1
	for _, c := range comparatives {
		if i := indexWord(lq[:or], c.phrase); i >= 0 {
			order, at = c.order, i+len(c.phrase)
			break
		}
	}
	if order == 0 {
		return false, ""
	}
	optB := entityTerms(q[or+4:], true)
	// "A, the band that ..., or B": the option is its first phrase.
	a := strings.Trim(q[at:or], " ,")
	if i := strings.IndexByte(a, ','); i > 0 {
		a = a[:i]
	}
	optA := entityTerms(a, true)
	if len(optA) == 0 || len(optB) == 0 {
		return false, ""
	}
	aw := map[string]bool{}
	for _, w := range words(answer) {
		if w.term != "" {
			aw[w.term] = true
		}
	}
	namesA, namesB := share(optA, aw), share(optB, aw)
	if namesA == namesB { // both, neither, or ambiguous
		return false, ""
	}
	yA, okA := optionYear(optA, ev)
	yB, okB := optionYear(optB, ev)
	if !okA || !okB || yA == yB {
		return false, ""
	}
	pickA := namesA > namesB
	wantA := (yA < yB) == (order < 0)
	name := func(a bool) string {
		if a {
			return strings.Join(optA, " ")
		}
		return strings.Join(optB, " ")
	}
	reason = fmt.Sprintf("comparison: the sources date %q %d and %q %d", name(true), yA, name(false), yB)
	return pickA == wantA, reason
}

// indexWord finds phrase in s as whole words.
func indexWord(s, phrase string) int {
	for from := 0; ; {
		i := strings.Index(s[from:], phrase)
		if i < 0 {
			return -1
		}
		i += from
		end := i + len(phrase)
		if (i == 0 || !isWordByte(s[i-1])) && (end == len(s) || !isWordByte(s[end])) {
			return i
		}
		from = i + 1
	}
}

func isWordByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b >= 0x80
}

// entityTerms returns the terms of s's capitalised words (all content
// words when there are none).
func entityTerms(s string, fallback bool) []string {
	var caps, all []string
	for _, w := range words(s) {
		if w.term == "" {
			continue
		}
		all = append(all, w.term)
		if w.cap {
			caps = append(caps, w.term)
		}
	}
	if len(caps) == 0 && fallback {
		return all
	}
	return caps
}

func share(terms []string, set map[string]bool) float64 {
	n := 0
	for _, t := range terms {
		if set[t] {
			n++
		}
	}
	return float64(n) / float64(len(terms))
}

// optionYear is the first year in the evidence sentence that names the
// option best (at least half its terms).
func optionYear(terms []string, ev *evidence) (int, bool) {
	bestI, best := -1, 0.0
	for i, s := range ev.sents {
		if f := share(terms, s.terms); f > best {
			bestI, best = i, f
		}
	}
	if bestI < 0 || best < 0.5 {
		return 0, false
	}
	for _, w := range ev.sents[bestI].words {
		if len(w.num) == 4 && isDigits(w.num) {
			if y, err := strconv.Atoi(w.num); err == nil && y >= 1000 && y <= 2100 {
				return y, true
			}
		}
	}
	return 0, false
}

// asciiLower lower-cases ASCII letters only, keeping byte offsets.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
