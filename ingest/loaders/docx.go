package loaders

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// loadDOCX reads a Word (OOXML) document with archive/zip and encoding/xml:
// paragraphs of word/document.xml in order, headings from paragraph styles
// (Heading1..9 and Title, by style id or by the style's name or outline level
// in word/styles.xml), list paragraphs (numPr) as list blocks, and tables as
// one table-row block per row ("col: value; ..." with the first row as the
// header). Deleted revisions and field codes are skipped. The title comes
// from docProps/core.xml (dc:title), else the first Title-styled paragraph.
//
// Zip bombs: the sizes the central directory declares for the parts read
// must fit Limits.MaxDecompressedBytes (ErrTooLarge before inflating
// anything); archive/zip refuses to inflate past a declared size (a lying
// header is ErrCorrupt), and every part is also read through a byte counter
// shared by the whole archive that stops at the limit.
func loadDOCX(ctx context.Context, data []byte, lim Limits) (*Document, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("docx: not a zip archive (%v): %w", err, ErrCorrupt)
	}
	budget := &byteBudget{left: lim.MaxDecompressedBytes, limit: lim.MaxDecompressedBytes}
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[f.Name] = f
	}
	main := files["word/document.xml"]
	if main == nil {
		return nil, fmt.Errorf("docx: word/document.xml is missing: %w", ErrCorrupt)
	}
	// The central directory's sizes are checked first (archive/zip refuses
	// to inflate past them), so an honest bomb fails before any work.
	var claimed uint64
	for _, name := range []string{"word/document.xml", "word/styles.xml", "docProps/core.xml"} {
		if f := files[name]; f != nil {
			claimed += f.UncompressedSize64
		}
	}
	if claimed > uint64(lim.MaxDecompressedBytes) {
		return nil, fmt.Errorf("docx: parts inflate to %d bytes, the limit is %d: %w", claimed, lim.MaxDecompressedBytes, ErrTooLarge)
	}
	styles := map[string]docxStyle{}
	if f := files["word/styles.xml"]; f != nil {
		if err := parseDocxStyles(f, budget, styles); err != nil && errors.Is(err, ErrTooLarge) {
			return nil, err
		}
	}
	doc := &Document{}
	if f := files["docProps/core.xml"]; f != nil {
		title, err := parseDocxCoreTitle(f, budget)
		if errors.Is(err, ErrTooLarge) {
			return nil, err
		}
		doc.Title = title
	}
	rc, err := main.Open()
	if err != nil {
		return nil, fmt.Errorf("docx: opening word/document.xml: %v: %w", err, ErrCorrupt)
	}
	defer rc.Close()
	p := &docxParser{ctx: ctx, doc: doc, styles: styles}
	if err := p.parse(budget.reader(rc)); err != nil {
		return nil, err
	}
	return doc, nil
}

// byteBudget counts inflated bytes across all parts of an archive.
type byteBudget struct{ left, limit int64 }

func (b *byteBudget) reader(r io.Reader) io.Reader { return &budgetReader{r: r, b: b} }

type budgetReader struct {
	r io.Reader
	b *byteBudget
}

func (br *budgetReader) Read(p []byte) (int, error) {
	if br.b.left < 0 {
		return 0, fmt.Errorf("docx: more than %d bytes decompressed: %w", br.b.limit, ErrTooLarge)
	}
	if int64(len(p)) > br.b.left+1 {
		p = p[:br.b.left+1]
	}
	n, err := br.r.Read(p)
	br.b.left -= int64(n)
	if br.b.left < 0 {
		return n, fmt.Errorf("docx: more than %d bytes decompressed: %w", br.b.limit, ErrTooLarge)
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return n, fmt.Errorf("docx: %v: %w", err, ErrCorrupt)
	}
	return n, err
}

type docxStyle struct {
	name  string
	level int // 0 = Title, 1..9 = heading level, -1 = not a heading
}

func parseDocxStyles(f *zip.File, budget *byteBudget, out map[string]docxStyle) error {
	rc, err := f.Open()
	if err != nil {
		return fmt.Errorf("docx styles: %v: %w", err, ErrCorrupt)
	}
	defer rc.Close()
	d := xml.NewDecoder(budget.reader(rc))
	var id string
	var st docxStyle
	for {
		tok, err := d.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return xmlErr("styles", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "style":
				id, st = attr(t, "styleId"), docxStyle{level: -1}
			case "name":
				st.name = attr(t, "val")
				if l := headingLevel(st.name); l >= 0 {
					st.level = l
				}
			case "outlineLvl":
				if n, err := strconv.Atoi(attr(t, "val")); err == nil && n >= 0 && n < 9 && st.level < 0 {
					st.level = n + 1
				}
			}
		case xml.EndElement:
			if t.Name.Local == "style" && id != "" {
				out[id] = st
				id = ""
			}
		}
	}
}

func xmlErr(part string, err error) error {
	if errors.Is(err, ErrTooLarge) || errors.Is(err, ErrCorrupt) {
		return err
	}
	return fmt.Errorf("docx %s: %v: %w", part, err, ErrCorrupt)
}

// headingLevel maps a style id or name ("Heading1", "heading 2", "Title")
// to a level: 0 for Title, 1..9 for headings, -1 otherwise.
func headingLevel(s string) int {
	l := strings.ToLower(strings.ReplaceAll(s, " ", ""))
	if l == "title" {
		return 0
	}
	if rest, ok := strings.CutPrefix(l, "heading"); ok {
		if n, err := strconv.Atoi(rest); err == nil && n >= 1 && n <= 9 {
			return n
		}
	}
	return -1
}

func attr(t xml.StartElement, local string) string {
	for _, a := range t.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

func parseDocxCoreTitle(f *zip.File, budget *byteBudget) (string, error) {
	rc, err := f.Open()
	if err != nil {
		return "", fmt.Errorf("docx core: %v: %w", err, ErrCorrupt)
	}
	defer rc.Close()
	d := xml.NewDecoder(budget.reader(rc))
	in := false
	var sb strings.Builder
	for {
		tok, err := d.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return collapseSpace(sb.String()), nil
			}
			return collapseSpace(sb.String()), xmlErr("core properties", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			in = t.Name.Local == "title"
		case xml.EndElement:
			if in {
				return collapseSpace(sb.String()), nil
			}
		case xml.CharData:
			if in {
				sb.Write(t)
			}
		}
	}
}

type docxParser struct {
	ctx    context.Context
	doc    *Document
	styles map[string]docxStyle
	levels []int
	path   []string

	// current paragraph
	para      strings.Builder
	paraStyle string
	paraList  bool
	pDepth    int
	inText    bool // inside w:t
	skip      int  // depth inside w:delText, w:instrText and similar

	// tables (nested tables are flattened into their cell's text)
	tblDepth int
	rows     [][]string
	row      []string
	cell     strings.Builder
}

func (p *docxParser) parse(r io.Reader) error {
	d := xml.NewDecoder(r)
	n := 0
	for {
		n++
		if n%8192 == 0 {
			if err := p.ctx.Err(); err != nil {
				return err
			}
		}
		tok, err := d.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return xmlErr("document.xml", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			p.start(t)
		case xml.EndElement:
			p.end(t)
		case xml.CharData:
			if p.inText && p.skip == 0 {
				p.para.Write(t)
			}
		}
	}
}

func (p *docxParser) start(t xml.StartElement) {
	switch t.Name.Local {
	case "p":
		// Paragraphs nested in text boxes join their outer paragraph.
		p.pDepth++
		if p.pDepth == 1 {
			p.para.Reset()
			p.paraStyle, p.paraList = "", false
		} else {
			p.para.WriteByte(' ')
		}
	case "pStyle":
		p.paraStyle = attr(t, "val")
	case "numPr":
		p.paraList = true
	case "t":
		p.inText = true
	case "delText", "instrText", "del":
		p.skip++
	case "tab", "ptab":
		p.para.WriteByte('\t')
	case "br", "cr":
		p.para.WriteByte('\n')
	case "noBreakHyphen":
		p.para.WriteByte('-')
	case "tbl":
		if p.tblDepth == 0 {
			p.rows = nil
		}
		p.tblDepth++
	case "tr":
		if p.tblDepth == 1 {
			p.row = nil
		}
	case "tc":
		if p.tblDepth == 1 {
			p.cell.Reset()
		}
	}
}

func (p *docxParser) end(t xml.EndElement) {
	switch t.Name.Local {
	case "t":
		p.inText = false
	case "delText", "instrText", "del":
		if p.skip > 0 {
			p.skip--
		}
	case "p":
		if p.pDepth > 0 {
			p.pDepth--
		}
		if p.pDepth > 0 {
			return
		}
		txt := strings.TrimSpace(p.para.String())
		p.para.Reset()
		if p.tblDepth > 0 {
			if txt != "" {
				if p.cell.Len() > 0 {
					p.cell.WriteByte(' ')
				}
				p.cell.WriteString(txt)
			}
			return
		}
		p.paragraph(txt)
	case "tc":
		if p.tblDepth == 1 {
			p.row = append(p.row, collapseSpace(p.cell.String()))
		}
	case "tr":
		if p.tblDepth == 1 && len(p.row) > 0 {
			p.rows = append(p.rows, p.row)
			p.row = nil
		}
	case "tbl":
		p.tblDepth--
		if p.tblDepth == 0 {
			for _, txt := range tableRowTexts(p.rows) {
				if txt != "" {
					p.doc.Blocks = append(p.doc.Blocks, Block{Text: txt, Kind: KindTableRow, Heading: clonePath(p.path)})
				}
			}
			p.rows = nil
		} else if p.tblDepth < 0 {
			p.tblDepth = 0
		}
	}
}

func (p *docxParser) paragraph(txt string) {
	if txt == "" {
		return
	}
	level := -1
	if st, ok := p.styles[p.paraStyle]; ok && st.level >= 0 {
		level = st.level
	} else if l := headingLevel(p.paraStyle); l >= 0 {
		level = l
	}
	if level >= 0 {
		txt = collapseSpace(txt)
		if level == 0 && p.doc.Title == "" {
			p.doc.Title = txt
		}
		for len(p.levels) > 0 && p.levels[len(p.levels)-1] >= level {
			p.levels = p.levels[:len(p.levels)-1]
			p.path = p.path[:len(p.path)-1]
		}
		p.levels = append(p.levels, level)
		p.path = append(p.path, txt)
		p.doc.Blocks = append(p.doc.Blocks, Block{Text: txt, Kind: KindHeading, Heading: clonePath(p.path)})
		return
	}
	kind := KindParagraph
	if p.paraList || strings.EqualFold(p.paraStyle, "ListParagraph") {
		kind = KindList
	}
	p.doc.Blocks = append(p.doc.Blocks, Block{Text: txt, Kind: kind, Heading: clonePath(p.path)})
}
