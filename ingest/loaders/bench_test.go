package loaders

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/docent-dev/docent/ingest/loaders/internal/testdocs"
)

const benchSentence = "The maintenance interval for the Zephyr pump is 450 hours, e.g. after 2.5 seasons of use. "

// benchInputs builds about 1 MB of each format (the PDF: 100 pages).
func benchInputs() map[Format][]byte {
	const size = 1 << 20
	para := strings.Repeat(benchSentence, 6)
	in := map[Format][]byte{}

	var txt, md, html strings.Builder
	html.WriteString("<!DOCTYPE html><html><head><title>Bench</title><script>var x = 1;</script></head><body>")
	for i := 0; txt.Len() < size; i++ {
		txt.WriteString(para + "\n\n")
		if i%5 == 0 {
			fmt.Fprintf(&md, "## Section %d\n\n", i)
			fmt.Fprintf(&html, "<h2>Section %d</h2>", i)
		}
		md.WriteString(para + "\n\n")
		fmt.Fprintf(&html, "<p>%s<b>bold</b> &amp; more</p>\n", para)
	}
	html.WriteString("</body></html>")
	in[FormatText] = []byte(txt.String())
	in[FormatMarkdown] = []byte(md.String())
	in[FormatHTML] = []byte(html.String())

	var csv strings.Builder
	csv.WriteString("id,name,city,notes\n")
	for i := 0; csv.Len() < size; i++ {
		fmt.Fprintf(&csv, "%d,Item %d,Rotterdam,\"%s\"\n", i, i, benchSentence)
	}
	in[FormatCSV] = []byte(csv.String())

	var recs []map[string]any
	var jsonl strings.Builder
	for i := 0; jsonl.Len() < size; i++ {
		r := map[string]any{"id": i, "name": fmt.Sprintf("Item %d", i), "notes": benchSentence, "tags": []string{"a", "b"}}
		recs = append(recs, r)
		b, _ := json.Marshal(r)
		jsonl.Write(b)
		jsonl.WriteByte('\n')
	}
	in[FormatJSONL] = []byte(jsonl.String())
	in[FormatJSON], _ = json.Marshal(map[string]any{"title": "Bench", "items": recs})

	var paras []testdocs.DocxPara
	n := 0
	for i := 0; n < size; i++ {
		if i%5 == 0 {
			paras = append(paras, testdocs.DocxPara{Style: "Heading1", Text: fmt.Sprintf("Section %d", i)})
		}
		paras = append(paras, testdocs.DocxPara{Text: para})
		n += len(para) + 120 // markup per paragraph
	}
	in[FormatDOCX] = testdocs.DOCX("Bench", paras)

	var pages []testdocs.PDFPage
	for p := 0; p < 100; p++ {
		var lines testdocs.PDFPage
		for l := 0; l < 45; l++ {
			lines = append(lines, "The maintenance interval for the Zephyr pump is 450 hours today.")
		}
		pages = append(pages, lines)
	}
	in[FormatPDF] = testdocs.PDF("Bench", pages)
	return in
}

// BenchmarkLoad reports each loader's throughput (MB/s of input) and blocks/s.
// The PDF engine is started before timing (see WarmPDF for its one-off cost).
func BenchmarkLoad(b *testing.B) {
	if _, err := WarmPDF(); err != nil {
		b.Fatal(err)
	}
	in := benchInputs()
	for _, f := range []Format{FormatText, FormatMarkdown, FormatHTML, FormatPDF, FormatDOCX, FormatCSV, FormatJSON, FormatJSONL} {
		data := in[f]
		b.Run(string(f), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			blocks := 0
			for i := 0; i < b.N; i++ {
				doc, err := Load(context.Background(), "bench", data, DefaultLimits())
				if err != nil {
					b.Fatal(err)
				}
				if doc.Format != f {
					b.Fatalf("detected %s, want %s", doc.Format, f)
				}
				blocks += len(doc.Blocks)
			}
			b.ReportMetric(float64(blocks)/b.Elapsed().Seconds(), "blocks/s")
		})
	}
}

// TestPDFInitCost logs the PDF engine's start-up time in this process.
func TestPDFInitCost(t *testing.T) {
	d, err := WarmPDF()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("PDF engine start-up: %v", d)
}
