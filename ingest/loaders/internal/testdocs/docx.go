package testdocs

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"strings"
	"time"
)

// DocxPara is one paragraph of a generated DOCX. Style is a paragraph
// style id ("Title", "Heading1", ...) or ""; List marks a numbered list item.
// A paragraph with Table set renders that table instead (first row header).
type DocxPara struct {
	Style string
	Text  string
	List  bool
	Table [][]string
}

// DOCX returns a minimal valid Word document with the given core title and
// body.
func DOCX(title string, body []DocxPara) []byte {
	var doc strings.Builder
	doc.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n")
	doc.WriteString(`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`)
	for _, p := range body {
		if p.Table != nil {
			doc.WriteString(`<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr>`)
			for _, row := range p.Table {
				doc.WriteString(`<w:tr>`)
				for _, cell := range row {
					fmt.Fprintf(&doc, `<w:tc><w:p><w:r><w:t xml:space="preserve">%s</w:t></w:r></w:p></w:tc>`, xmlEscape(cell))
				}
				doc.WriteString(`</w:tr>`)
			}
			doc.WriteString(`</w:tbl>`)
			continue
		}
		doc.WriteString(`<w:p>`)
		if p.Style != "" || p.List {
			doc.WriteString(`<w:pPr>`)
			if p.Style != "" {
				fmt.Fprintf(&doc, `<w:pStyle w:val="%s"/>`, xmlEscape(p.Style))
			}
			if p.List {
				doc.WriteString(`<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>`)
			}
			doc.WriteString(`</w:pPr>`)
		}
		// Split the text over two runs to exercise run joining.
		t := p.Text
		half := strings.LastIndex(t[:len(t)/2], " ")
		if half <= 0 {
			fmt.Fprintf(&doc, `<w:r><w:t xml:space="preserve">%s</w:t></w:r>`, xmlEscape(t))
		} else {
			fmt.Fprintf(&doc, `<w:r><w:t xml:space="preserve">%s</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">%s</w:t></w:r>`, xmlEscape(t[:half]), xmlEscape(t[half:]))
		}
		doc.WriteString(`</w:p>`)
	}
	doc.WriteString(`<w:sectPr/></w:body></w:document>`)
	return DOCXRaw(title, doc.String())
}

// DOCXRaw packs a word/document.xml given verbatim into a DOCX with the
// same styles and core properties as DOCX.
func DOCXRaw(title, documentXML string) []byte {

	files := []struct{ name, body string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>`},
		{"word/_rels/document.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`},
		{"word/document.xml", documentXML},
		{"word/styles.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style><w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/></w:style><w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style><w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style><w:style w:type="paragraph" w:styleId="Berschrift3"><w:name w:val="heading 3"/></w:style><w:style w:type="paragraph" w:styleId="ListParagraph"><w:name w:val="List Paragraph"/></w:style></w:styles>`},
		{"docProps/core.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>` + xmlEscape(title) + `</dc:title><dc:creator>docent testdocs</dc:creator></cp:coreProperties>`},
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			panic(err) // bytes.Buffer writes cannot fail
		}
		_, _ = w.Write([]byte(f.body))
	}
	_ = zw.Close()
	return buf.Bytes()
}

// ZipBomb returns a DOCX-shaped archive whose word/document.xml honestly
// inflates to about size bytes (a paragraph repeated) from a small
// compressed part. The deflate stream is one compressed 1 MiB segment
// repeated (each segment only refers back into itself), so building even a
// multi-GiB bomb takes milliseconds.
func ZipBomb(size int64) []byte {
	const segSize = 1 << 20
	unit := `<w:p><w:r><w:t>bomb</w:t></w:r></w:p>`
	head := `<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`
	tail := `</w:body></w:document>`
	seg := []byte(strings.Repeat(unit, segSize/len(unit)))
	compress := func(b []byte, final bool) []byte {
		var out bytes.Buffer
		fw, _ := flate.NewWriter(&out, flate.BestCompression)
		_, _ = fw.Write(b)
		if final {
			_ = fw.Close()
		} else {
			_ = fw.Flush()
		}
		return out.Bytes()
	}
	segZ := compress(seg, false)
	var raw bytes.Buffer
	raw.Write(compress([]byte(head), false))
	crc := crc32.ChecksumIEEE([]byte(head))
	n := uint64(len(head))
	for int64(n) < size {
		raw.Write(segZ)
		crc = crc32.Update(crc, crc32.IEEETable, seg)
		n += uint64(len(seg))
	}
	raw.Write(compress([]byte(tail), true))
	crc = crc32.Update(crc, crc32.IEEETable, []byte(tail))
	n += uint64(len(tail))

	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateRaw(&zip.FileHeader{
		Name: "word/document.xml", Method: zip.Deflate, CRC32: crc,
		CompressedSize64: uint64(raw.Len()), UncompressedSize64: n,
	})
	if err != nil {
		panic(err) // bytes.Buffer writes cannot fail
	}
	_, _ = w.Write(raw.Bytes())
	_ = zw.Close()
	return buf.Bytes()
}

func xmlEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '"':
			b.WriteString("&quot;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
