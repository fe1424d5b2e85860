package tokenizer

import (
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Code point classes as llama.cpp's unicode tables define them: every code
// point has exactly one general category (unassigned code points count as
// "other"/control), plus a separate whitespace bit (Unicode White_Space,
// which is what Python's regex \s matches).
const (
	catOther  uint8 = iota // \p{C} (control, format, private use, surrogate, unassigned)
	catLetter              // \p{L}
	catNumber              // \p{N}
	catPunct               // \p{P}
	catSymbol              // \p{S}
	catMark                // \p{M}
	catSep                 // \p{Z}

	catMask   uint8 = 0x0f
	flagSpace uint8 = 0x10 // White_Space
)

const maxCodepoint = 0x110000

var (
	cpTableOnce sync.Once
	cpTable     []uint8 // indexed by code point
)

func buildCPTable() {
	t := make([]uint8, maxCodepoint)
	fill := func(rt *unicode.RangeTable, v uint8, or bool) {
		for _, r := range rt.R16 {
			for c := uint32(r.Lo); c <= uint32(r.Hi); c += uint32(r.Stride) {
				if or {
					t[c] |= v
				} else {
					t[c] = (t[c] &^ catMask) | v
				}
			}
		}
		for _, r := range rt.R32 {
			for c := r.Lo; c <= r.Hi && c < maxCodepoint; c += r.Stride {
				if or {
					t[c] |= v
				} else {
					t[c] = (t[c] &^ catMask) | v
				}
			}
		}
	}
	fill(unicode.L, catLetter, false)
	fill(unicode.N, catNumber, false)
	fill(unicode.P, catPunct, false)
	fill(unicode.S, catSymbol, false)
	fill(unicode.M, catMark, false)
	fill(unicode.Z, catSep, false)
	fill(unicode.White_Space, flagSpace, true)
	cpTable = t
}

// cpFlags returns the class byte of a code point (category | flagSpace).
func cpFlags(r rune) uint8 {
	if r < 0 || r >= maxCodepoint {
		return catOther
	}
	if r < 0x80 {
		return asciiFlags[r]
	}
	cpTableOnce.Do(buildCPTable)
	return cpTable[r]
}

var asciiFlags = func() [128]uint8 {
	var t [128]uint8
	for c := 0; c < 128; c++ {
		r := rune(c)
		switch {
		case unicode.IsLetter(r):
			t[c] = catLetter
		case unicode.IsNumber(r):
			t[c] = catNumber
		case unicode.IsPunct(r):
			t[c] = catPunct
		case unicode.IsSymbol(r):
			t[c] = catSymbol
		case r == ' ':
			t[c] = catSep
		default:
			t[c] = catOther
		}
		if unicode.Is(unicode.White_Space, r) {
			t[c] |= flagSpace
		}
	}
	return t
}()

func isSpace(f uint8) bool  { return f&flagSpace != 0 }
func isLetter(f uint8) bool { return f&catMask == catLetter }
func isNumber(f uint8) bool { return f&catMask == catNumber }
func isPunct(f uint8) bool  { return f&catMask == catPunct }

// decodeRune decodes one code point the way llama.cpp's
// unicode_cpt_from_utf8 does: it checks lead and continuation bits only (no
// overlong or surrogate checks); a malformed sequence consumes one byte and
// yields U+FFFD. Code points beyond U+10FFFF (which llama.cpp cannot
// re-encode) also yield U+FFFD.
func decodeRune(s string, i int) (rune, int) {
	b0 := s[i]
	if b0 < 0x80 {
		return rune(b0), 1
	}
	n := len(s) - i
	switch {
	case b0&0x40 == 0:
		return utf8.RuneError, 1
	case b0&0x20 == 0:
		if n < 2 || s[i+1]&0xc0 != 0x80 {
			return utf8.RuneError, 1
		}
		return rune(b0&0x1f)<<6 | rune(s[i+1]&0x3f), 2
	case b0&0x10 == 0:
		if n < 3 || s[i+1]&0xc0 != 0x80 || s[i+2]&0xc0 != 0x80 {
			return utf8.RuneError, 1
		}
		return rune(b0&0x0f)<<12 | rune(s[i+1]&0x3f)<<6 | rune(s[i+2]&0x3f), 3
	case b0&0x08 == 0:
		if n < 4 || s[i+1]&0xc0 != 0x80 || s[i+2]&0xc0 != 0x80 || s[i+3]&0xc0 != 0x80 {
			return utf8.RuneError, 1
		}
		r := rune(b0&0x07)<<18 | rune(s[i+1]&0x3f)<<12 | rune(s[i+2]&0x3f)<<6 | rune(s[i+3]&0x3f)
		if r >= maxCodepoint {
			return utf8.RuneError, 4
		}
		return r, 4
	}
	return utf8.RuneError, 1
}

// appendRune encodes r like llama.cpp's unicode_cpt_to_utf8 (surrogates are
// encoded as-is, unlike utf8.AppendRune).
func appendRune(b []byte, r rune) []byte {
	switch {
	case r < 0:
		return append(b, 0xef, 0xbf, 0xbd)
	case r < 0x80:
		return append(b, byte(r))
	case r < 0x800:
		return append(b, 0xc0|byte(r>>6), 0x80|byte(r&0x3f))
	case r < 0x10000:
		return append(b, 0xe0|byte(r>>12), 0x80|byte((r>>6)&0x3f), 0x80|byte(r&0x3f))
	case r < maxCodepoint:
		return append(b, 0xf0|byte(r>>18), 0x80|byte((r>>12)&0x3f), 0x80|byte((r>>6)&0x3f), 0x80|byte(r&0x3f))
	}
	return append(b, 0xef, 0xbf, 0xbd)
}

// utf8Len is llama.cpp's unicode_len_utf8: the sequence length implied by a
// lead byte (continuation bytes count as 1).
func utf8Len(b byte) int {
	switch b >> 4 {
	case 0xc, 0xd:
		return 2
	case 0xe:
		return 3
	case 0xf:
		return 4
	}
	return 1
}

// toLower maps a code point to the first code point of its lowercase form.
func toLower(r rune) rune {
	if r < 0x80 {
		if 'A' <= r && r <= 'Z' {
			return r + 32
		}
		return r
	}
	return unicode.ToLower(r)
}

var (
	nfdOnce  sync.Once
	nfdFirst map[rune]rune
)

// nfdFirstRune returns the first code point of the canonical decomposition
// of r (llama.cpp keeps only that one: "é" becomes "e", a Hangul syllable its
// leading jamo).
func nfdFirstRune(r rune) rune {
	if r < 0xc0 {
		return r
	}
	nfdOnce.Do(func() {
		m := make(map[rune]rune, 16384)
		var buf [4]byte
		for c := rune(0xc0); c < 0x30000; c++ {
			if c >= 0xd800 && c < 0xe000 {
				continue
			}
			if c >= 0xac00 && c <= 0xd7a3 { // Hangul syllables: leading jamo
				m[c] = 0x1100 + (c-0xac00)/588
				continue
			}
			n := utf8.EncodeRune(buf[:], c)
			d := norm.NFD.Properties(buf[:n]).Decomposition()
			if len(d) == 0 {
				continue
			}
			first, _ := utf8.DecodeRune(d)
			if first != c {
				m[c] = first
			}
		}
		nfdFirst = m
	})
	if f, ok := nfdFirst[r]; ok {
		return f
	}
	return r
}

// GPT-2 byte <-> unicode mapping: printable bytes map to themselves, the
// others to U+0100 onwards in byte order.
var (
	byteToRune [256]rune
	runeToByte [0x144]int16 // -1: not a byte-level symbol
)

func init() {
	for i := range runeToByte {
		runeToByte[i] = -1
	}
	n := rune(0)
	for b := 0; b < 256; b++ {
		if (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff) {
			byteToRune[b] = rune(b)
		} else {
			byteToRune[b] = 256 + n
			n++
		}
		runeToByte[byteToRune[b]] = int16(b)
	}
}

// appendFromByteLevel appends the raw bytes of a byte-level BPE text to dst.
func appendFromByteLevel(dst []byte, s string) ([]byte, bool) {
	for i := 0; i < len(s); {
		c := s[i]
		if c < 0x80 {
			if runeToByte[c] < 0 {
				return dst, false
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r >= rune(len(runeToByte)) || runeToByte[r] < 0 {
			return dst, false
		}
		dst = append(dst, byte(runeToByte[r]))
		i += n
	}
	return dst, true
}
