package loaders

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// loadText reads plain text: UTF-8 (with or without BOM), UTF-16 with a BOM,
// or, when the bytes are not valid UTF-8, Windows-1252. Paragraphs are
// separated by blank lines. Binary data is rejected with ErrUnsupported.
func loadText(ctx context.Context, data []byte, lim Limits) (*Document, error) {
	s, err := decodeText(data)
	if err != nil {
		return nil, err
	}
	doc := &Document{}
	for _, p := range splitParagraphs(s) {
		doc.Blocks = append(doc.Blocks, Block{Text: p, Kind: KindParagraph})
	}
	return doc, nil
}

// decodeText turns data into valid UTF-8 text with "\n" line ends. It fails
// with ErrUnsupported when data looks binary.
func decodeText(data []byte) (string, error) {
	var s string
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		s = string(data[3:])
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		s = decodeUTF16(data[2:], false)
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		s = decodeUTF16(data[2:], true)
	default:
		s = string(data)
	}
	if looksBinary(s) {
		return "", fmt.Errorf("content looks binary: %w", ErrUnsupported)
	}
	if !utf8.ValidString(s) {
		dec, err := charmap.Windows1252.NewDecoder().String(s)
		if err != nil {
			return "", fmt.Errorf("text is neither UTF-8 nor Windows-1252: %w", ErrUnsupported)
		}
		s = dec
	}
	for strings.HasPrefix(s, "\ufeff") {
		s = s[len("\ufeff"):]
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return s, nil
}

func decodeUTF16(b []byte, bigEndian bool) string {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		if bigEndian {
			u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
		} else {
			u = append(u, uint16(b[i+1])<<8|uint16(b[i]))
		}
	}
	return string(utf16.Decode(u))
}

// looksBinary reports whether the start of s holds NUL bytes or many control
// characters, or is mostly invalid UTF-8 (a single-byte text encoding is
// still accepted).
func looksBinary(s string) bool {
	if len(s) > 8192 {
		s = s[:8192]
	}
	if s == "" {
		return false
	}
	ctrl, invalid := 0, 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == 0:
			return true
		case r == utf8.RuneError && size == 1:
			invalid++
		case r < 0x20 && r != '\n' && r != '\r' && r != '\t' && r != '\f' && r != '\v' && r != 0x1b:
			ctrl++
		case r == 0x7f:
			ctrl++
		}
	}
	n := len(s)
	// Windows-1252 text has a few high bytes per line at most; binary has
	// control bytes everywhere.
	return ctrl*20 > n || (ctrl > 0 && invalid*3 > n) || invalid*2 > n
}

// splitParagraphs splits text at blank lines and trims each paragraph's
// trailing spaces per line; empty paragraphs are dropped.
func splitParagraphs(s string) []string {
	var out []string
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.Join(cur, "\n"))
			cur = cur[:0]
		}
	}
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimRight(line, " \t\f\v")
		if strings.TrimSpace(line) == "" {
			flush()
			continue
		}
		if len(cur) == 0 {
			line = strings.TrimLeft(line, " \t\f\v")
		}
		cur = append(cur, line)
	}
	flush()
	return out
}

// collapseSpace replaces runs of white space with one space and trims.
func collapseSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
