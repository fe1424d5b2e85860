package loaders

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"strings"
)

// Detect returns the format of data.
//
// Content decides first: "%PDF-" in the first KiB is a PDF and a zip archive
// holding word/document.xml is a DOCX, whatever the name. Other known binary
// signatures (images, archives, executables) and bytes that do not decode as
// text are ErrUnsupported, except that binary junk named .pdf or .docx is
// reported as ErrCorrupt (the caller said what it should be and it is not).
// Text that parses as JSON is json (or jsonl, one value per line), text that
// opens like an HTML document is html. The extension then picks among the
// text formats (.md, .csv/.tsv, .txt), checked against the content; without
// a useful extension, markdown structure or a regular delimited shape make it
// md or csv, and anything else is txt. So a real PDF named .txt is a PDF, and
// a text file named .pdf is loaded as text.
func Detect(name string, data []byte) (Format, error) {
	ext := strings.ToLower(path.Ext(name))
	if len(bytes.TrimSpace(data)) == 0 {
		return "", fmt.Errorf("%s: %w", name, ErrEmpty)
	}
	head := data
	if len(head) > 1024 {
		head = head[:1024]
	}
	if bytes.Contains(head, []byte("%PDF-")) {
		return FormatPDF, nil
	}
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) || bytes.HasPrefix(data, []byte("PK\x05\x06")) {
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			if ext == ".docx" {
				return FormatDOCX, nil // let the loader report ErrCorrupt
			}
			return "", fmt.Errorf("%s: unreadable zip archive: %w", name, ErrUnsupported)
		}
		for _, f := range zr.File {
			if f.Name == "word/document.xml" {
				return FormatDOCX, nil
			}
		}
		if ext == ".docx" {
			return "", fmt.Errorf("%s: zip archive without word/document.xml: %w", name, ErrCorrupt)
		}
		return "", fmt.Errorf("%s: zip archive that is not a Word document: %w", name, ErrUnsupported)
	}
	if sig := binarySignature(data); sig != "" {
		if ext == ".pdf" || ext == ".docx" {
			return "", fmt.Errorf("%s: named %s but holds %s data: %w", name, ext, sig, ErrCorrupt)
		}
		return "", fmt.Errorf("%s: %s data: %w", name, sig, ErrUnsupported)
	}
	s, err := decodeText(data)
	if err != nil {
		if ext == ".pdf" || ext == ".docx" {
			return "", fmt.Errorf("%s: named %s but is neither that nor text: %w", name, ext, ErrCorrupt)
		}
		return "", fmt.Errorf("%s: %w", name, err)
	}
	t := strings.TrimSpace(s)
	if t == "" {
		return "", fmt.Errorf("%s: %w", name, ErrEmpty)
	}
	switch t[0] {
	case '{', '[':
		if f, ok := detectJSON(t); ok {
			return f, nil
		}
		if ext == ".json" {
			return FormatJSON, nil // the loader reports the syntax error
		}
		if ext == ".jsonl" || ext == ".ndjson" {
			return FormatJSONL, nil
		}
	case '<':
		if looksHTML(t) {
			return FormatHTML, nil
		}
	}
	if ext == ".html" || ext == ".htm" || ext == ".xhtml" {
		if looksHTML(t) || strings.Contains(strings.ToLower(t[:min(len(t), 4096)]), "<") {
			return FormatHTML, nil
		}
	}
	switch ext {
	case ".md", ".markdown", ".mdown", ".mkd":
		return FormatMarkdown, nil
	case ".csv", ".tsv":
		if _, ok := sniffCSV(s); ok {
			return FormatCSV, nil
		}
		return FormatText, nil
	case ".txt", ".text", ".log":
		return FormatText, nil
	}
	if looksMarkdown(t) {
		return FormatMarkdown, nil
	}
	if d, ok := sniffCSV(s); ok && csvStrong(s, d) {
		return FormatCSV, nil
	}
	return FormatText, nil
}

// binarySignature names well-known binary formats by their magic bytes.
func binarySignature(b []byte) string {
	sigs := []struct{ magic, name string }{
		{"\x89PNG\r\n\x1a\n", "PNG image"},
		{"\xff\xd8\xff", "JPEG image"},
		{"GIF87a", "GIF image"},
		{"GIF89a", "GIF image"},
		{"\x1f\x8b", "gzip"},
		{"BZh", "bzip2"},
		{"\xfd7zXZ\x00", "xz"},
		{"7z\xbc\xaf\x27\x1c", "7-zip"},
		{"Rar!\x1a\x07", "RAR"},
		{"\x7fELF", "ELF executable"},
		{"MZ", "Windows executable"},
		{"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "legacy Office (OLE2)"},
		{"{\\rtf", "RTF"},
		{"\x00asm", "WebAssembly"},
		{"SQLite format 3\x00", "SQLite database"},
		{"OggS", "Ogg media"},
		{"ID3", "MP3 audio"},
		{"%!PS", "PostScript"},
	}
	for _, s := range sigs {
		if bytes.HasPrefix(b, []byte(s.magic)) {
			if s.name == "Windows executable" && len(b) < 64 {
				continue // "MZ" alone is too weak for short text
			}
			return s.name
		}
	}
	if len(b) >= 12 && string(b[:4]) == "RIFF" {
		return "RIFF media"
	}
	if len(b) >= 12 && string(b[4:8]) == "ftyp" {
		return "MP4/HEIF media"
	}
	return ""
}

// detectJSON reports whether t is one JSON value (json) or several values,
// one per line (jsonl).
func detectJSON(t string) (Format, bool) {
	if json.Valid([]byte(t)) {
		return FormatJSON, true
	}
	lines := 0
	for _, line := range strings.Split(t, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if !json.Valid([]byte(line)) {
			return "", false
		}
		lines++
	}
	return FormatJSONL, lines > 1
}

// looksHTML reports whether t opens like an HTML document or fragment.
func looksHTML(t string) bool {
	h := strings.ToLower(t[:min(len(t), 2048)])
	h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
	if strings.HasPrefix(h, "<?xml") {
		return strings.Contains(h, "<html")
	}
	for _, p := range []string{"<!doctype html", "<html", "<head", "<body", "<!--", "<title", "<meta", "<div", "<p>", "<p ", "<h1", "<h2", "<table", "<ul", "<section", "<article", "<main", "<script", "<style", "<span", "<a "} {
		if strings.HasPrefix(h, p) {
			return p != "<!--" || strings.Contains(h, "<html") || strings.Contains(h, "<body") || strings.Contains(h, "<div") || strings.Contains(h, "<p")
		}
	}
	return false
}

// looksMarkdown reports whether t has markdown structure: ATX headings,
// fences, front matter, setext underlines, or links.
func looksMarkdown(t string) bool {
	if strings.HasPrefix(t, "---\n") {
		return true
	}
	score := 0
	lines := strings.Split(t[:min(len(t), 16384)], "\n")
	for i, l := range lines {
		tl := strings.TrimSpace(l)
		switch {
		case atxLevel(l) > 0:
			score += 2
		case strings.HasPrefix(tl, "```") || strings.HasPrefix(tl, "~~~"):
			score += 2
		case i > 0 && strings.TrimSpace(lines[i-1]) != "" && len(tl) >= 3 && (strings.Trim(tl, "=") == "" || strings.Trim(tl, "-") == ""):
			score += 2
		case strings.Contains(l, "](") && strings.Contains(l, "["):
			score++
		case strings.HasPrefix(tl, "|") && strings.HasSuffix(tl, "|") && len(tl) > 2:
			score++
		}
		if score >= 2 {
			return true
		}
	}
	return false
}

// sniffCSV picks the delimiter (',', ';', tab or '|') that splits the first
// lines into the same number (at least two) of fields.
func sniffCSV(s string) (rune, bool) {
	sample := s[:min(len(s), 64<<10)]
	if i := strings.LastIndexByte(sample, '\n'); i > 0 && len(sample) < len(s) {
		sample = sample[:i]
	}
	best, bestRows := rune(0), 0
	for _, d := range []rune{',', ';', '\t', '|'} {
		r := csv.NewReader(strings.NewReader(sample))
		r.Comma = d
		r.FieldsPerRecord = 0
		r.LazyQuotes = true
		rows := 0
		ok := true
		for rows < 50 {
			rec, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil || len(rec) < 2 {
				ok = false
				break
			}
			rows++
		}
		if ok && rows >= 2 && rows > bestRows {
			best, bestRows = d, rows
		}
	}
	return best, best != 0
}

// csvStrong is a stricter shape test for content without a .csv name: at
// least three rows, no blank lines between them, a first row that reads
// like column names, and fields that are short on average, so prose with
// commas stays text.
func csvStrong(s string, d rune) bool {
	sample := s[:min(len(s), 64<<10)]
	if strings.Contains(strings.TrimSpace(sample), "\n\n") {
		return false
	}
	r := csv.NewReader(strings.NewReader(sample))
	r.Comma = d
	r.LazyQuotes = true
	rows, fields, total := 0, 0, 0
	for rows < 50 {
		rec, err := r.Read()
		if err != nil {
			break
		}
		rows++
		if rows == 1 && !csvHeaderLike(rec) {
			return false
		}
		for _, f := range rec {
			fields++
			total += len(f)
		}
	}
	return rows >= 3 && fields > 0 && total/fields < 80
}

// csvHeaderLike reports whether a first row reads like column names: short
// labels of at most four words, none ending a sentence.
func csvHeaderLike(rec []string) bool {
	for _, f := range rec {
		f = strings.TrimSpace(f)
		if len(f) > 40 || len(strings.Fields(f)) > 4 || strings.HasSuffix(f, ".") {
			return false
		}
	}
	return true
}
