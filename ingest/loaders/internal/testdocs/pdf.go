// Package testdocs builds small, valid documents (PDF, DOCX) for tests and for
// the fixtures under testdata/docs. Output is deterministic.
package testdocs

import (
	"bytes"
	"fmt"
	"strings"
)

// PDFPage is the text of one page, one string per line.
type PDFPage []string

// PDF returns a valid PDF 1.4 with one page per element of pages, each line
// drawn in Helvetica 12pt, so any PDF library finds a text layer. title, when
// not empty, goes into the Info dictionary.
func PDF(title string, pages []PDFPage) []byte {
	var buf bytes.Buffer
	var offsets []int // byte offset of object i+1
	obj := func(body string) {
		offsets = append(offsets, buf.Len())
		fmt.Fprintf(&buf, "%d 0 obj\n%s\nendobj\n", len(offsets), body)
	}
	buf.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	n := len(pages)
	// Object numbering: 1 catalog, 2 pages, 3 font, 4 info, then per page: page, content.
	pageObj := func(i int) int { return 5 + 2*i }
	kids := make([]string, n)
	for i := range pages {
		kids[i] = fmt.Sprintf("%d 0 R", pageObj(i))
	}
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	obj(fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), n))
	obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	obj(fmt.Sprintf("<< /Title (%s) /Producer (docent testdocs) >>", pdfEscape(title)))
	for i, lines := range pages {
		var cs strings.Builder
		cs.WriteString("BT\n/F1 12 Tf\n14 TL\n72 740 Td\n")
		for _, l := range lines {
			fmt.Fprintf(&cs, "(%s) Tj T*\n", pdfEscape(l))
		}
		cs.WriteString("ET\n")
		obj(fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>", pageObj(i)+1))
		obj(fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", cs.Len(), cs.String()))
	}
	xref := buf.Len()
	fmt.Fprintf(&buf, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, off := range offsets {
		fmt.Fprintf(&buf, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&buf, "trailer\n<< /Size %d /Root 1 0 R /Info 4 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offsets)+1, xref)
	return buf.Bytes()
}

func pdfEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `(`, `\(`, `)`, `\)`)
	return r.Replace(s)
}
