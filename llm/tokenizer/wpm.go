package tokenizer

import "sync"

// WordPiece as llama.cpp's llm_tokenizer_wpm: the text is normalised (with
// strip_accents each code point is replaced by the first code point of its
// NFD form and combining marks are dropped; with lowercase it is lowercased;
// control characters are dropped), split on whitespace, with punctuation, ASCII
// symbols and CJK ideographs as single-character words; each word, prefixed
// with the phantom space U+2581 (the GGUF vocabulary stores word-initial
// pieces with it and "##" continuations without), is cut greedily into the
// longest tokens. A word with any unmatched position becomes [UNK].

type wpmScratch struct {
	buf   []byte
	words []int32 // end offsets in buf
}

var wpmScratchPool = sync.Pool{New: func() any { return new(wpmScratch) }}

func isChineseChar(c rune) bool {
	return (c >= 0x4E00 && c <= 0x9FFF) ||
		(c >= 0x3400 && c <= 0x4DBF) ||
		(c >= 0x20000 && c <= 0x2A6DF) ||
		(c >= 0x2A700 && c <= 0x2B73F) ||
		(c >= 0x2B740 && c <= 0x2B81F) ||
		(c >= 0x2B920 && c <= 0x2CEAF) ||
		(c >= 0xF900 && c <= 0xFAFF) ||
		(c >= 0x2F800 && c <= 0x2FA1F)
}

func (t *Tokenizer) wpmEncode(out []int32, text string) []int32 {
	sc := wpmScratchPool.Get().(*wpmScratch)
	defer func() {
		if cap(sc.buf) <= 16<<20 {
			wpmScratchPool.Put(sc)
		}
	}()
	// Words are written to buf, each preceded by U+2581.
	buf := sc.buf[:0]
	words := sc.words[:0]
	wordStart := -1 // offset of the current word's U+2581 in buf
	finish := func() {
		if wordStart >= 0 {
			if len(buf) > wordStart+3 {
				words = append(words, int32(wordStart), int32(len(buf)))
			} else {
				buf = buf[:wordStart]
			}
			wordStart = -1
		}
	}
	begin := func() {
		if wordStart < 0 {
			wordStart = len(buf)
			buf = append(buf, "\u2581"...)
		}
	}
	for i := 0; i < len(text); {
		var r rune
		var n int
		if c := text[i]; c < 0x80 {
			r, n = rune(c), 1
		} else {
			r, n = decodeRune(text, i)
			if t.stripAccents {
				r = nfdFirstRune(r)
			}
		}
		i += n
		f := cpFlags(r)
		if isSpace(f) {
			finish()
			continue
		}
		if r == 0 || r == 0xFFFD || f&catMask == catOther {
			continue
		}
		if t.stripAccents && f&catMask == catMark {
			continue
		}
		lr := r
		if t.lowercase {
			lr = toLower(r)
		}
		if isPunct(f) || (r < 0x7F && f&catMask == catSymbol) || isChineseChar(r) {
			finish()
			begin()
			buf = appendRune(buf, lr)
			finish()
			continue
		}
		begin()
		buf = appendRune(buf, lr)
	}
	finish()
	for k := 0; k+1 < len(words); k += 2 {
		out = t.wpmWord(out, buf[words[k]:words[k+1]])
	}
	sc.buf = buf
	sc.words = words
	return out
}

// wpmWord tokenizes one word (with its U+2581 prefix).
func (t *Tokenizer) wpmWord(out []int32, w []byte) []int32 {
	if ids, ok := t.cache.getBytes(w); ok {
		return append(out, ids...)
	}
	start := len(out)
	n := len(w)
	for i := 0; i < n; i++ {
		match := false
		for j := min(n, i+t.maxTokenLen+1); j > i; j-- {
			if id, ok := t.toID[string(w[i:j])]; ok {
				out = append(out, id)
				match = true
				i = j - 1
				break
			}
		}
		if !match {
			out = out[:start]
			break
		}
	}
	if len(out) == start && t.special.UNK != None {
		out = append(out, t.special.UNK)
	}
	t.cache.put(string(w), append([]int32(nil), out[start:]...))
	return out
}
