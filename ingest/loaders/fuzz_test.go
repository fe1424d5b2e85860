package loaders

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/docent-dev/docent/ingest/loaders/internal/testdocs"
)

// Run each for a while, e.g. go test ./ingest/loaders -fuzz=FuzzLoadHTML -fuzztime=30s

func addSeeds(f *testing.F, files ...string) {
	for _, name := range files {
		if data, err := os.ReadFile(filepath.Join(docsDir, name)); err == nil {
			f.Add(data)
		}
	}
}

// checkLoad asserts that a load either produced a sane document or failed
// with one of the sentinel errors.
func checkLoad(t *testing.T, doc *Document, err error) {
	t.Helper()
	if err != nil {
		if doc != nil {
			t.Fatal("document returned with an error")
		}
		if !errors.Is(err, ErrUnsupported) && !errors.Is(err, ErrTooLarge) && !errors.Is(err, ErrEmpty) && !errors.Is(err, ErrCorrupt) {
			t.Fatalf("error wraps no sentinel: %v", err)
		}
		return
	}
	checkDoc(t, doc)
}

func fuzzFormat(f *testing.F, format Format, seeds ...string) {
	addSeeds(f, seeds...)
	lim := Limits{MaxBytes: 1 << 20, MaxDecompressedBytes: 4 << 20, MaxPages: 50}
	f.Fuzz(func(t *testing.T, data []byte) {
		recoverPanics = false
		defer func() { recoverPanics = true }()
		doc, err := LoadAs(context.Background(), format, "fuzz", data, lim)
		checkLoad(t, doc, err)
	})
}

func FuzzDetect(f *testing.F) {
	addSeeds(f, "sample.txt", "sample.md", "sample.html", "sample.pdf", "sample.docx", "sample.csv", "sample.json", "sample.jsonl", "corrupt.pdf")
	f.Fuzz(func(t *testing.T, data []byte) {
		recoverPanics = false
		defer func() { recoverPanics = true }()
		for _, name := range []string{"x", "x.txt", "x.pdf", "x.docx", "x.csv", "x.json", "x.md", "x.html"} {
			fm, err := Detect(name, data)
			if err == nil && fm == "" {
				t.Fatal("no format and no error")
			}
			if err != nil && !errors.Is(err, ErrUnsupported) && !errors.Is(err, ErrEmpty) && !errors.Is(err, ErrCorrupt) {
				t.Fatalf("Detect error wraps no sentinel: %v", err)
			}
		}
		if fm, err := Detect("x", data); err == nil && fm != FormatPDF && fm != FormatDOCX {
			doc, err := Load(context.Background(), "x", data, Limits{MaxBytes: 1 << 20})
			checkLoad(t, doc, err)
		}
	})
}

func FuzzLoadText(f *testing.F)     { fuzzFormat(f, FormatText, "sample.txt") }
func FuzzLoadMarkdown(f *testing.F) { fuzzFormat(f, FormatMarkdown, "sample.md") }
func FuzzLoadHTML(f *testing.F)     { fuzzFormat(f, FormatHTML, "sample.html") }
func FuzzLoadCSV(f *testing.F)      { fuzzFormat(f, FormatCSV, "sample.csv") }
func FuzzLoadJSON(f *testing.F)     { fuzzFormat(f, FormatJSON, "sample.json") }
func FuzzLoadJSONL(f *testing.F)    { fuzzFormat(f, FormatJSONL, "sample.jsonl") }

func FuzzLoadDOCX(f *testing.F) {
	f.Add(testdocs.DOCX("t", []testdocs.DocxPara{{Style: "Heading1", Text: "H"}, {Text: "p"}, {Table: [][]string{{"a", "b"}, {"1", "2"}}}}))
	fuzzFormat(f, FormatDOCX, "sample.docx")
}

func FuzzLoadPDF(f *testing.F) {
	f.Add(testdocs.PDF("t", []testdocs.PDFPage{{"x"}}))
	fuzzFormat(f, FormatPDF, "sample.pdf", "corrupt.pdf")
}
