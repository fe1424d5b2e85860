package tools

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// HTMLText parses an HTML document and returns its title and visible text:
// scripts, styles, templates, embedded objects and elements marked hidden
// are dropped; block elements become line breaks; runs of whitespace
// collapse.
//
// Documents the tree builder refuses (nesting deeper than 512 elements)
// fall back to a flat token scan with the same rules for skipped elements.
func HTMLText(r io.Reader) (title, text string, err error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return "", "", fmt.Errorf("read html: %w", err)
	}
	doc, err := html.Parse(bytes.NewReader(data))
	if err != nil {
		return tokenText(data)
	}
	var b strings.Builder
	var walk func(n *html.Node, pre bool, depth int)
	walk = func(n *html.Node, pre bool, depth int) {
		if depth > 512 { // html.Parse already bounds nesting; stay safe anyway
			return
		}
		switch n.Type {
		case html.TextNode:
			if pre {
				b.WriteString(n.Data)
			} else {
				writeCollapsed(&b, n.Data)
			}
			return
		case html.ElementNode:
			if n.DataAtom == atom.Title {
				if title == "" {
					title = strings.Join(strings.Fields(nodeText(n)), " ")
				}
				return
			}
			if n.DataAtom == atom.Head { // only the title is visible
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					if c.Type == html.ElementNode && c.DataAtom == atom.Title {
						walk(c, pre, depth+1)
					}
				}
				return
			}
			if skipElement(n) {
				return
			}
		}
		block := n.Type == html.ElementNode && blockElements[n.DataAtom]
		if block {
			b.WriteString("\n")
		}
		if n.Type == html.ElementNode && n.DataAtom == atom.Br {
			b.WriteString("\n")
		}
		if n.Type == html.ElementNode && (n.DataAtom == atom.Td || n.DataAtom == atom.Th) {
			b.WriteString(" ")
		}
		isPre := pre || n.Type == html.ElementNode && (n.DataAtom == atom.Pre || n.DataAtom == atom.Textarea)
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, isPre, depth+1)
		}
		if block {
			b.WriteString("\n")
		}
	}
	walk(doc, false, 0)
	return title, tidyLines(b.String()), nil
}

func nodeText(n *html.Node) string {
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	return b.String()
}

func skipElement(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Svg, atom.Math, atom.Iframe,
		atom.Object, atom.Embed, atom.Canvas, atom.Select, atom.Button, atom.Audio, atom.Video:
		return true
	}
	for _, a := range n.Attr {
		switch strings.ToLower(a.Key) {
		case "hidden":
			return true
		case "aria-hidden":
			if strings.EqualFold(strings.TrimSpace(a.Val), "true") {
				return true
			}
		case "style":
			s := strings.ToLower(strings.Join(strings.Fields(a.Val), ""))
			if strings.Contains(s, "display:none") || strings.Contains(s, "visibility:hidden") {
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

var blockElements = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Section: true, atom.Article: true, atom.Header: true, atom.Footer: true,
	atom.Nav: true, atom.Aside: true, atom.Main: true, atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true,
	atom.H5: true, atom.H6: true, atom.Ul: true, atom.Ol: true, atom.Li: true, atom.Dl: true, atom.Dt: true,
	atom.Dd: true, atom.Table: true, atom.Tr: true, atom.Pre: true, atom.Blockquote: true, atom.Hr: true,
	atom.Figure: true, atom.Figcaption: true, atom.Form: true, atom.Fieldset: true, atom.Address: true,
	atom.Details: true, atom.Summary: true, atom.Caption: true, atom.Body: true,
}

// writeCollapsed appends s with whitespace runs collapsed to one space.
func writeCollapsed(b *strings.Builder, s string) {
	space := false
	for _, r := range s {
		if r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' || r == '\u00a0' {
			space = true
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	if space {
		b.WriteByte(' ')
	}
}

// tidyLines trims every line, drops empty ones beyond a single blank line
// and trims the whole.
func tidyLines(s string) string {
	lines := strings.Split(s, "\n")
	out := lines[:0]
	blank := 0
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if l == "" {
			blank++
			if blank > 1 {
				continue
			}
		} else {
			blank = 0
		}
		out = append(out, l)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}

// tokenText extracts visible text with the tokenizer alone.
func tokenText(data []byte) (title, text string, err error) {
	z := html.NewTokenizer(bytes.NewReader(data))
	var b strings.Builder
	skip := 0 // depth inside skipped elements
	inTitle := false
	for {
		switch z.Next() {
		case html.ErrorToken:
			if z.Err() == io.EOF {
				return title, tidyLines(b.String()), nil
			}
			return "", "", fmt.Errorf("parse html: %w", z.Err())
		case html.StartTagToken:
			tok := z.Token()
			n := &html.Node{Type: html.ElementNode, DataAtom: tok.DataAtom, Data: tok.Data, Attr: tok.Attr}
			switch {
			case tok.DataAtom == atom.Title:
				inTitle = true
			case skip > 0 || skipElement(n) || tok.DataAtom == atom.Head:
				if !voidElements[tok.DataAtom] {
					skip++
				}
			case blockElements[tok.DataAtom] || tok.DataAtom == atom.Br:
				b.WriteString("\n")
			}
		case html.EndTagToken:
			tok := z.Token()
			switch {
			case tok.DataAtom == atom.Title:
				inTitle = false
			case skip > 0:
				skip--
			case blockElements[tok.DataAtom]:
				b.WriteString("\n")
			}
		case html.TextToken:
			switch {
			case inTitle:
				if title == "" {
					title = strings.Join(strings.Fields(string(z.Text())), " ")
				}
			case skip == 0:
				writeCollapsed(&b, string(z.Text()))
			}
		}
	}
}

var voidElements = map[atom.Atom]bool{
	atom.Area: true, atom.Base: true, atom.Br: true, atom.Col: true, atom.Embed: true, atom.Hr: true, atom.Img: true,
	atom.Input: true, atom.Link: true, atom.Meta: true, atom.Source: true, atom.Track: true, atom.Wbr: true,
}
