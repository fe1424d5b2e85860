// Package loaders turns uploaded files into structured text: a Document made
// of Blocks (headings, paragraphs, list items, table rows, code, records),
// each carrying the heading path in force and, for paged formats, its page.
//
// One file per format: text.go, markdown.go, html.go, pdf.go, docx.go, csv.go,
// json.go. Detect picks the format by content first (magic bytes, parse
// shape) and uses the file name's extension only as a hint.
//
// Loaders never panic on any input: third-party parsers run under recover and
// failures come back as errors wrapping one of the sentinel errors below.
package loaders

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Format names a supported input format.
type Format string

// Supported formats.
const (
	FormatText     Format = "txt"
	FormatMarkdown Format = "md"
	FormatHTML     Format = "html"
	FormatPDF      Format = "pdf"
	FormatDOCX     Format = "docx"
	FormatCSV      Format = "csv"
	FormatJSON     Format = "json"
	FormatJSONL    Format = "jsonl"
)

// Block kinds.
const (
	KindHeading   = "heading"
	KindParagraph = "paragraph"
	KindList      = "list"
	KindTableRow  = "table-row"
	KindCode      = "code"
	KindRecord    = "record"
)

// Block is one structural unit of a document's text.
type Block struct {
	Text    string
	Page    int      // 1-based page for pdf, 0 when not paged
	Heading []string // heading path in force for this block; a heading block's path includes itself
	Kind    string   // KindHeading, KindParagraph, KindList, KindTableRow, KindCode, KindRecord
}

// Document is a loaded file.
type Document struct {
	Format Format
	Title  string // from <title>, first # heading, docx core title, pdf Info Title, else ""
	Blocks []Block
	Pages  int // number of pages for paged formats (pdf), 0 otherwise
}

// BlockSeparator joins blocks in Document.Text.
const BlockSeparator = "\n\n"

// Text returns the blocks' text joined with BlockSeparator. Chunk offsets are
// byte offsets into this string.
func (d *Document) Text() string {
	if d == nil || len(d.Blocks) == 0 {
		return ""
	}
	n := 0
	for _, b := range d.Blocks {
		n += len(b.Text) + len(BlockSeparator)
	}
	var sb strings.Builder
	sb.Grow(n)
	for i, b := range d.Blocks {
		if i > 0 {
			sb.WriteString(BlockSeparator)
		}
		sb.WriteString(b.Text)
	}
	return sb.String()
}

// Limits bound the resources one input may use. Zero (or negative) fields
// take the default. Exceeding any of them is ErrTooLarge.
type Limits struct {
	MaxBytes             int64 // size of the input itself
	MaxDecompressedBytes int64 // bytes inflated from a docx archive; also caps the text extracted from a pdf
	MaxPages             int   // pages of a paged document (pdf)
}

// DefaultLimits returns 64 MiB input, 256 MiB decompressed, 2000 pages.
func DefaultLimits() Limits {
	return Limits{MaxBytes: 64 << 20, MaxDecompressedBytes: 256 << 20, MaxPages: 2000}
}

// withDefaults fills zero (or negative) fields with the defaults.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxBytes <= 0 {
		l.MaxBytes = d.MaxBytes
	}
	if l.MaxDecompressedBytes <= 0 {
		l.MaxDecompressedBytes = d.MaxDecompressedBytes
	}
	if l.MaxPages <= 0 {
		l.MaxPages = d.MaxPages
	}
	return l
}

// Sentinel errors. Loaders wrap them with detail via %w; test with errors.Is.
// The server maps them to 415, 413, 422 and 422.
var (
	ErrUnsupported = errors.New("unsupported document type")
	ErrTooLarge    = errors.New("document too large")
	ErrEmpty       = errors.New("document is empty")
	ErrCorrupt     = errors.New("document is corrupt")
)

// recoverPanics turns a panic inside a parser into ErrCorrupt. Fuzz tests
// switch it off so that bugs surface.
var recoverPanics = true

// Load detects the format of data and extracts its text. name is used as a
// hint (its extension) and in error messages.
func Load(ctx context.Context, name string, data []byte, lim Limits) (doc *Document, err error) {
	lim = lim.withDefaults()
	if int64(len(data)) > lim.MaxBytes {
		return nil, fmt.Errorf("%s: %d bytes exceeds the limit of %d bytes: %w", name, len(data), lim.MaxBytes, ErrTooLarge)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, err := Detect(name, data)
	if err != nil {
		return nil, err
	}
	return LoadAs(ctx, f, name, data, lim)
}

// LoadAs extracts the text of data as format f, skipping detection.
func LoadAs(ctx context.Context, f Format, name string, data []byte, lim Limits) (doc *Document, err error) {
	lim = lim.withDefaults()
	if int64(len(data)) > lim.MaxBytes {
		return nil, fmt.Errorf("%s: %d bytes exceeds the limit of %d bytes: %w", name, len(data), lim.MaxBytes, ErrTooLarge)
	}
	defer func() {
		if !recoverPanics {
			return
		}
		if r := recover(); r != nil {
			doc = nil
			err = fmt.Errorf("%s: %s parser failed: %v: %w", name, f, r, ErrCorrupt)
		}
	}()
	switch f {
	case FormatText:
		doc, err = loadText(ctx, data, lim)
	case FormatMarkdown:
		doc, err = loadMarkdown(ctx, data, lim)
	case FormatHTML:
		doc, err = loadHTML(ctx, data, lim)
	case FormatPDF:
		doc, err = loadPDF(ctx, data, lim)
	case FormatDOCX:
		doc, err = loadDOCX(ctx, data, lim)
	case FormatCSV:
		doc, err = loadCSV(ctx, data, lim)
	case FormatJSON:
		doc, err = loadJSON(ctx, data, lim)
	case FormatJSONL:
		doc, err = loadJSONL(ctx, data, lim)
	default:
		return nil, fmt.Errorf("%s: format %q: %w", name, f, ErrUnsupported)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	doc.Format = f
	// Loaders should not produce blank blocks; make sure none get through.
	kept := doc.Blocks[:0]
	for _, b := range doc.Blocks {
		if strings.TrimSpace(strings.ReplaceAll(b.Text, "\ufeff", "")) != "" {
			kept = append(kept, b)
		}
	}
	doc.Blocks = kept
	if len(doc.Blocks) == 0 {
		return nil, fmt.Errorf("%s: no text found: %w", name, ErrEmpty)
	}
	return doc, nil
}
