package loaders

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
)

// loadHTML extracts the visible text of an HTML document with
// golang.org/x/net/html: script, style, noscript, template, svg and other
// non-text elements are dropped, as are elements marked hidden; entities are
// decoded by the parser. h1..h6 build the heading path, li items are list
// blocks, pre is code, table rows become "col: value; ..." records using the
// first row (or th cells) as the header. The title comes from <title>, else
// the first h1. The charset comes from a BOM or <meta charset>, else UTF-8.
func loadHTML(ctx context.Context, data []byte, lim Limits) (*Document, error) {
	r, err := charset.NewReader(bytes.NewReader(data), "text/html")
	if err != nil {
		return nil, fmt.Errorf("html charset: %w", ErrCorrupt)
	}
	decoded, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("html decode: %v: %w", err, ErrCorrupt)
	}
	if !utf8.Valid(decoded) {
		decoded = bytes.ToValidUTF8(decoded, []byte("\uFFFD"))
	}
	root, err := html.Parse(bytes.NewReader(decoded))
	if err != nil {
		return nil, fmt.Errorf("html parse: %v: %w", err, ErrCorrupt)
	}
	w := &htmlWalker{ctx: ctx, doc: &Document{}}
	w.walk(root, 0)
	if w.err != nil {
		return nil, w.err
	}
	w.flush()
	if w.doc.Title == "" {
		w.doc.Title = w.firstH1
	}
	return w.doc, nil
}

type htmlWalker struct {
	ctx     context.Context
	err     error
	doc     *Document
	buf     strings.Builder
	kind    string // kind of the inline text being collected
	pre     int    // depth inside <pre>
	levels  []int
	path    []string
	firstH1 string
	nodes   int
}

// skipped elements carry no visible text.
var htmlSkip = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Svg: true, atom.Math: true, atom.Iframe: true, atom.Object: true, atom.Embed: true,
	atom.Canvas: true, atom.Audio: true, atom.Video: true, atom.Head: true, atom.Select: true,
	atom.Button: true, atom.Input: true, atom.Textarea: true, atom.Map: true,
}

// htmlBlock elements end the current block of text.
var htmlBlock = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Section: true, atom.Article: true, atom.Main: true,
	atom.Header: true, atom.Footer: true, atom.Nav: true, atom.Aside: true, atom.Blockquote: true,
	atom.Ul: true, atom.Ol: true, atom.Dl: true, atom.Dt: true, atom.Dd: true, atom.Figure: true,
	atom.Figcaption: true, atom.Form: true, atom.Fieldset: true, atom.Address: true, atom.Hr: true,
	atom.Details: true, atom.Summary: true, atom.Caption: true, atom.Body: true, atom.Html: true,
	atom.Center: true, atom.Legend: true,
}

func (w *htmlWalker) walk(n *html.Node, depth int) {
	if w.err != nil {
		return
	}
	w.nodes++
	if w.nodes%4096 == 0 {
		if err := w.ctx.Err(); err != nil {
			w.err = err
			return
		}
	}
	if depth > 2000 {
		return
	}
	switch n.Type {
	case html.TextNode:
		w.text(n.Data)
		return
	case html.ElementNode:
	case html.DocumentNode:
		w.children(n, depth)
		return
	default:
		return
	}
	if n.DataAtom == atom.Head {
		// Only the title matters in <head>.
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.DataAtom == atom.Title && w.doc.Title == "" {
				w.doc.Title = collapseSpace(nodeText(c))
			}
		}
		return
	}
	if n.DataAtom == atom.Title {
		if w.doc.Title == "" {
			w.doc.Title = collapseSpace(nodeText(n))
		}
		return
	}
	if htmlSkip[n.DataAtom] || hidden(n) {
		return
	}
	switch n.DataAtom {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		w.flush()
		lvl := int(n.Data[1] - '0')
		txt := collapseSpace(visibleText(n))
		if txt == "" {
			return
		}
		for len(w.levels) > 0 && w.levels[len(w.levels)-1] >= lvl {
			w.levels = w.levels[:len(w.levels)-1]
			w.path = w.path[:len(w.path)-1]
		}
		w.levels = append(w.levels, lvl)
		w.path = append(w.path, txt)
		if lvl == 1 && w.firstH1 == "" {
			w.firstH1 = txt
		}
		w.doc.Blocks = append(w.doc.Blocks, Block{Text: txt, Kind: KindHeading, Heading: clonePath(w.path)})
		return
	case atom.Table:
		w.flush()
		w.table(n)
		return
	case atom.Pre:
		w.flush()
		w.pre++
		w.kind = KindCode
		w.children(n, depth)
		w.flush()
		w.pre--
		return
	case atom.Li:
		w.flush()
		w.kind = KindList
		w.children(n, depth)
		w.flush()
		return
	case atom.Br:
		w.buf.WriteByte('\n')
		return
	case atom.Img:
		// Alt text is what a reader sees when images are off; keep it only
		// inside running text.
		return
	}
	block := htmlBlock[n.DataAtom]
	if block {
		w.flush()
	}
	w.children(n, depth)
	if block {
		w.flush()
	}
}

func (w *htmlWalker) children(n *html.Node, depth int) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.walk(c, depth+1)
	}
}

func (w *htmlWalker) text(s string) {
	w.buf.WriteString(s)
}

// flush ends the current block.
func (w *htmlWalker) flush() {
	raw := w.buf.String()
	w.buf.Reset()
	kind := w.kind
	w.kind = ""
	if kind == "" {
		kind = KindParagraph
	}
	var txt string
	if w.pre > 0 || kind == KindCode {
		txt = strings.Trim(strings.ReplaceAll(raw, "\r\n", "\n"), "\n")
		if strings.TrimSpace(txt) == "" {
			return
		}
	} else {
		// Collapse white space but keep <br> line breaks.
		lines := strings.Split(raw, "\n")
		var out []string
		for _, l := range lines {
			if l = collapseSpace(l); l != "" {
				out = append(out, l)
			}
		}
		txt = strings.Join(out, "\n")
	}
	if txt == "" {
		return
	}
	w.doc.Blocks = append(w.doc.Blocks, Block{Text: txt, Kind: kind, Heading: clonePath(w.path)})
}

// table emits one table-row block per row; th cells (or the first row) name
// the columns.
func (w *htmlWalker) table(t *html.Node) {
	var rows [][]string
	var header []string
	var visit func(n *html.Node, depth int)
	visit = func(n *html.Node, depth int) {
		if depth > 200 || n.Type != html.ElementNode && n.Type != html.DocumentNode {
			return
		}
		if htmlSkip[n.DataAtom] || hidden(n) {
			return
		}
		if n.DataAtom == atom.Tr {
			var cells []string
			allTH := true
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				if c.Type != html.ElementNode || (c.DataAtom != atom.Td && c.DataAtom != atom.Th) || hidden(c) {
					continue
				}
				if c.DataAtom != atom.Th {
					allTH = false
				}
				cells = append(cells, collapseSpace(visibleText(c)))
			}
			if len(cells) == 0 {
				return
			}
			if allTH && header == nil {
				header = cells
				return
			}
			rows = append(rows, cells)
			return
		}
		if n.DataAtom == atom.Caption {
			if txt := collapseSpace(visibleText(n)); txt != "" {
				w.doc.Blocks = append(w.doc.Blocks, Block{Text: txt, Kind: KindParagraph, Heading: clonePath(w.path)})
			}
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			visit(c, depth+1)
		}
	}
	visit(t, 0)
	if header == nil && len(rows) > 1 {
		header, rows = rows[0], rows[1:]
	}
	var texts []string
	if header != nil {
		texts = tableRowTexts(append([][]string{header}, rows...))
	} else {
		for _, r := range rows {
			texts = append(texts, joinNonEmpty(r, " | "))
		}
	}
	for _, txt := range texts {
		if txt != "" {
			w.doc.Blocks = append(w.doc.Blocks, Block{Text: txt, Kind: KindTableRow, Heading: clonePath(w.path)})
		}
	}
}

// hidden reports elements a browser does not show.
func hidden(n *html.Node) bool {
	for _, a := range n.Attr {
		switch strings.ToLower(a.Key) {
		case "hidden":
			return true
		case "aria-hidden":
			if strings.EqualFold(a.Val, "true") {
				return true
			}
		case "style":
			v := strings.ToLower(strings.ReplaceAll(a.Val, " ", ""))
			if strings.Contains(v, "display:none") || strings.Contains(v, "visibility:hidden") {
				return true
			}
		case "type":
			if n.DataAtom == atom.Input && strings.EqualFold(a.Val, "hidden") {
				return true
			}
		}
	}
	return false
}

// visibleText concatenates the visible text under n.
func visibleText(n *html.Node) string {
	var sb strings.Builder
	var f func(*html.Node, int)
	f = func(n *html.Node, depth int) {
		if depth > 500 {
			return
		}
		switch n.Type {
		case html.TextNode:
			sb.WriteString(n.Data)
			return
		case html.ElementNode:
			if htmlSkip[n.DataAtom] || hidden(n) {
				return
			}
			if n.DataAtom == atom.Br || htmlBlock[n.DataAtom] || n.DataAtom == atom.Li || n.DataAtom == atom.Td || n.DataAtom == atom.Th {
				sb.WriteByte(' ')
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			f(c, depth+1)
		}
	}
	f(n, 0)
	return sb.String()
}

// nodeText is all text under n (for <title>, whose content is raw text).
func nodeText(n *html.Node) string {
	var sb strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode {
			sb.WriteString(c.Data)
		}
	}
	return sb.String()
}
