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

// PDFBookmark is an outline (bookmark) entry pointing at a 0-based page.
type PDFBookmark struct {
	Title    string
	Page     int
	Children []PDFBookmark
}

// PDF returns a valid PDF 1.4 with one page per element of pages, each line
// drawn in Helvetica 12pt, so any PDF library finds a text layer. title, when
// not empty, goes into the Info dictionary.
func PDF(title string, pages []PDFPage) []byte { return PDFWithOutline(title, pages, nil) }

// PDFWithOutline is PDF with a document outline (bookmarks).
func PDFWithOutline(title string, pages []PDFPage, outline []PDFBookmark) []byte {
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
	// Outline objects are numbered after the pages.
	nextObj := 5 + 2*n
	var outlineObjs []string // bodies, object numbers nextObj...
	var place func(items []PDFBookmark, parent int) (first, last, count int)
	place = func(items []PDFBookmark, parent int) (int, int, int) {
		nums := make([]int, len(items))
		for i := range items {
			nums[i] = nextObj
			nextObj++
			outlineObjs = append(outlineObjs, "")
		}
		total := len(items)
		for i, it := range items {
			var b strings.Builder
			fmt.Fprintf(&b, "<< /Title (%s) /Parent %d 0 R", pdfEscape(it.Title), parent)
			if i > 0 {
				fmt.Fprintf(&b, " /Prev %d 0 R", nums[i-1])
			}
			if i+1 < len(items) {
				fmt.Fprintf(&b, " /Next %d 0 R", nums[i+1])
			}
			if len(it.Children) > 0 {
				f, l, c := place(it.Children, nums[i])
				fmt.Fprintf(&b, " /First %d 0 R /Last %d 0 R /Count %d", f, l, c)
				total += c
			}
			fmt.Fprintf(&b, " /Dest [%d 0 R /Fit] >>", pageObj(min(max(it.Page, 0), n-1)))
			outlineObjs[nums[i]-(5+2*n)] = b.String()
		}
		if len(items) == 0 {
			return 0, 0, 0
		}
		return nums[0], nums[len(nums)-1], total
	}
	catalog := "<< /Type /Catalog /Pages 2 0 R >>"
	var outlinesRoot string
	if len(outline) > 0 && n > 0 {
		root := nextObj
		nextObj++
		outlineObjs = append(outlineObjs, "")
		f, l, c := place(outline, root)
		outlinesRoot = fmt.Sprintf("<< /Type /Outlines /First %d 0 R /Last %d 0 R /Count %d >>", f, l, c)
		outlineObjs[0] = outlinesRoot
		catalog = fmt.Sprintf("<< /Type /Catalog /Pages 2 0 R /Outlines %d 0 R /PageMode /UseOutlines >>", root)
	}
	obj(catalog)
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
	for _, body := range outlineObjs {
		obj(body)
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
