package tokenizer

import "strings"

// fragment is either a special token (tok != None) or raw text [start,end).
type fragment struct {
	tok        int32
	start, end int
}

// partition splits text around special tokens the way llama.cpp's
// tokenizer_st_partition does: tokens are tried longest first, each splitting
// every remaining raw fragment at its leftmost occurrences. Control and
// unknown tokens are only recognised when parseSpecial is set; user-defined
// tokens always are.
func (t *Tokenizer) partition(text string, parseSpecial bool) []fragment {
	if text == "" {
		return nil
	}
	frags := []fragment{{tok: None, start: 0, end: len(text)}}
	if len(t.specials) == 0 {
		return frags
	}
	var present [256]bool
	for i := 0; i < len(text); i++ {
		present[text[i]] = true
	}
	var next []fragment
	for _, id := range t.specials {
		a := t.attrs[id]
		if !parseSpecial && a&(AttrControl|AttrUnknown) != 0 {
			continue
		}
		tok := t.tokens[id]
		if len(tok) > len(text) || !present[tok[0]] || !strings.Contains(text, tok) {
			continue
		}
		next = next[:0]
		for _, f := range frags {
			if f.tok != None {
				next = append(next, f)
				continue
			}
			start, end := f.start, f.end
			for start < end {
				k := strings.Index(text[start:end], tok)
				if k < 0 {
					break
				}
				m := start + k
				left := m
				if a&AttrLStrip != 0 {
					for left > start && isASCIISpace(text[left-1]) {
						left--
					}
				}
				if left > start {
					next = append(next, fragment{tok: None, start: start, end: left})
				}
				next = append(next, fragment{tok: id, start: m, end: m + len(tok)})
				start = m + len(tok)
				if a&AttrRStrip != 0 {
					for start < end && isASCIISpace(text[start]) {
						start++
					}
				}
			}
			if start < end {
				next = append(next, fragment{tok: None, start: start, end: end})
			}
		}
		frags, next = next, frags
	}
	return frags
}

func isASCIISpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}
