package loaders

import (
	"context"
	"regexp"
	"strings"
)

// loadMarkdown reads CommonMark-style markdown with a line-based parser:
// ATX (#) and setext headings build the heading path, fenced and indented code
// is kept verbatim as code blocks, lists become list blocks, pipe tables
// become table rows ("col: value; col: value"), and YAML/TOML front matter is
// skipped (its title: field is used as the document title when present).
// Inline markup (emphasis, code spans, links, images, inline HTML tags and
// comments) is reduced to its text.
func loadMarkdown(ctx context.Context, data []byte, lim Limits) (*Document, error) {
	s, err := decodeText(data)
	if err != nil {
		return nil, err
	}
	lines := strings.Split(s, "\n")
	doc := &Document{}
	i := 0
	// Front matter.
	if len(lines) > 0 && (strings.TrimSpace(lines[0]) == "---" || strings.TrimSpace(lines[0]) == "+++") {
		fence := strings.TrimSpace(lines[0])
		for j := 1; j < len(lines) && j < 500; j++ {
			t := strings.TrimSpace(lines[j])
			if t == fence || (fence == "---" && t == "...") {
				for _, fm := range lines[1:j] {
					k, v, ok := strings.Cut(fm, ":")
					if !ok && fence == "+++" {
						k, v, ok = strings.Cut(fm, "=")
					}
					if ok && strings.EqualFold(strings.TrimSpace(k), "title") && doc.Title == "" {
						doc.Title = strings.Trim(strings.TrimSpace(v), `"'`)
					}
				}
				i = j + 1
				break
			}
		}
	}

	var b mdBuilder
	b.doc = doc
	var para []string
	flushPara := func() {
		if len(para) > 0 {
			b.add(KindParagraph, mdInline(strings.Join(para, "\n")))
			para = para[:0]
		}
	}
	var table [][]string
	flushTable := func() {
		if len(table) > 0 {
			b.addTable(table)
			table = nil
		}
	}
	var list []string
	flushList := func() {
		if len(list) > 0 {
			b.add(KindList, mdInline(strings.Join(list, "\n")))
			list = nil
		}
	}
	flushAll := func() { flushPara(); flushTable(); flushList() }

	for ; i < len(lines); i++ {
		if i%1024 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		line := strings.TrimRight(lines[i], " \t")
		t := strings.TrimSpace(line)
		indent := len(line) - len(strings.TrimLeft(line, " \t"))
		switch {
		case t == "":
			flushPara()
			flushTable()
			// A list continues across one blank line when the next line is
			// indented or another item.
			if len(list) > 0 && i+1 < len(lines) {
				n := lines[i+1]
				if _, ok := listItem(n); !ok && !strings.HasPrefix(n, "  ") && !strings.HasPrefix(n, "\t") {
					flushList()
				}
			}
		case strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~"):
			if indent > 3 {
				para = append(para, t)
				continue
			}
			flushAll()
			fch := t[:1]
			n := len(t) - len(strings.TrimLeft(t, fch))
			closing := strings.Repeat(fch, n)
			var code []string
			j := i + 1
			for ; j < len(lines); j++ {
				ct := strings.TrimSpace(lines[j])
				if strings.HasPrefix(ct, closing) && strings.Trim(ct, fch) == "" {
					break
				}
				code = append(code, strings.TrimRight(lines[j], " \t"))
			}
			i = j
			b.add(KindCode, strings.Trim(strings.Join(code, "\n"), "\n"))
		case atxLevel(line) > 0:
			flushAll()
			lvl := atxLevel(line)
			txt := strings.TrimSpace(strings.TrimLeft(t, "#"))
			// Strip a closing sequence of #s.
			if k := strings.TrimRight(txt, "#"); k != txt && (k == "" || strings.HasSuffix(k, " ")) {
				txt = strings.TrimSpace(k)
			}
			b.heading(lvl, mdInline(txt))
		case len(para) > 0 && len(table) == 0 && len(list) == 0 && indent < 4 && len(t) >= 1 && (strings.Trim(t, "=") == "" || (strings.Trim(t, "-") == "" && len(t) >= 2)):
			lvl := 1
			if t[0] == '-' {
				lvl = 2
			}
			txt := mdInline(strings.Join(para, " "))
			para = para[:0]
			b.heading(lvl, txt)
		case len(para) == 0 && len(list) == 0 && codeIndented(line) != "":
			flushAll()
			var code []string
			j := i
			for ; j < len(lines); j++ {
				l := lines[j]
				if strings.TrimSpace(l) == "" {
					code = append(code, "")
					continue
				}
				c := codeIndented(l)
				if c == "" {
					break
				}
				code = append(code, strings.TrimRight(c, " \t"))
			}
			i = max(j-1, i)
			b.add(KindCode, strings.Trim(strings.Join(code, "\n"), "\n"))
		case strings.HasPrefix(t, "|") || (len(table) > 0 && strings.Contains(t, "|")):
			flushPara()
			flushList()
			cells := splitPipeRow(t)
			if isTableSeparator(cells) {
				continue
			}
			table = append(table, cells)
		case len(para) == 0 && (t == "***" || t == "---" || t == "___"):
			flushAll() // thematic break
		default:
			if item, ok := listItem(line); ok {
				flushPara()
				flushTable()
				list = append(list, item)
				continue
			}
			if len(list) > 0 && indent > 0 {
				list = append(list, t)
				continue
			}
			flushList()
			flushTable()
			if strings.HasPrefix(t, ">") {
				t = strings.TrimSpace(strings.TrimLeft(t, "> "))
				if t == "" {
					continue
				}
			}
			para = append(para, t)
		}
	}
	flushAll()
	return doc, nil
}

// mdBuilder accumulates blocks and tracks the heading path.
type mdBuilder struct {
	doc    *Document
	levels []int
	path   []string
}

func (b *mdBuilder) heading(level int, text string) {
	if text == "" {
		return
	}
	for len(b.levels) > 0 && b.levels[len(b.levels)-1] >= level {
		b.levels = b.levels[:len(b.levels)-1]
		b.path = b.path[:len(b.path)-1]
	}
	b.levels = append(b.levels, level)
	b.path = append(b.path, text)
	if level == 1 && b.doc.Title == "" {
		b.doc.Title = text
	}
	b.doc.Blocks = append(b.doc.Blocks, Block{Text: text, Kind: KindHeading, Heading: clonePath(b.path)})
}

func (b *mdBuilder) add(kind, text string) {
	text = strings.TrimSpace(text)
	if text == "" {
		return
	}
	b.doc.Blocks = append(b.doc.Blocks, Block{Text: text, Kind: kind, Heading: clonePath(b.path)})
}

// addTable emits the header row as "a | b" and each following row as
// "a: x; b: y".
func (b *mdBuilder) addTable(rows [][]string) {
	for _, r := range rows {
		for i := range r {
			r[i] = mdInline(r[i])
		}
	}
	for _, t := range tableRowTexts(rows) {
		b.add(KindTableRow, t)
	}
}

// tableRowTexts renders a table whose first row is the header.
func tableRowTexts(rows [][]string) []string {
	if len(rows) == 0 {
		return nil
	}
	header := rows[0]
	out := []string{joinNonEmpty(header, " | ")}
	for _, r := range rows[1:] {
		out = append(out, recordText(header, r))
	}
	return out
}

// recordText renders cells as "col: value; col: value", naming columns that
// lack a header "column N" and skipping empty values.
func recordText(header, cells []string) string {
	var parts []string
	for i, c := range cells {
		c = collapseSpace(c)
		if c == "" {
			continue
		}
		name := ""
		if i < len(header) {
			name = collapseSpace(header[i])
		}
		if name == "" {
			name = "column " + itoa(i+1)
		}
		parts = append(parts, name+": "+c)
	}
	return strings.Join(parts, "; ")
}

func joinNonEmpty(ss []string, sep string) string {
	var out []string
	for _, s := range ss {
		if s = collapseSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return strings.Join(out, sep)
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b [20]byte
	n := len(b)
	neg := i < 0
	if neg {
		i = -i
	}
	for i > 0 {
		n--
		b[n] = byte('0' + i%10)
		i /= 10
	}
	if neg {
		n--
		b[n] = '-'
	}
	return string(b[n:])
}

func clonePath(p []string) []string {
	if len(p) == 0 {
		return nil
	}
	return append([]string(nil), p...)
}

// codeIndented returns line without its first four columns of indentation
// when it is indented that far (tabs stop every four columns), else "".
func codeIndented(line string) string {
	col := 0
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case ' ':
			col++
		case '\t':
			col += 4 - col%4
		default:
			return ""
		}
		if col >= 4 {
			if strings.TrimSpace(line[i+1:]) == "" {
				return ""
			}
			return line[i+1:]
		}
	}
	return ""
}

// atxLevel returns the level (1..6) of an ATX heading line, or 0.
func atxLevel(line string) int {
	indent := 0
	for indent < len(line) && line[indent] == ' ' {
		indent++
	}
	if indent > 3 {
		return 0
	}
	l := line[indent:]
	n := 0
	for n < len(l) && l[n] == '#' {
		n++
	}
	if n == 0 || n > 6 {
		return 0
	}
	if n < len(l) && l[n] != ' ' && l[n] != '\t' {
		return 0
	}
	return n
}

// listItem returns the text of a bullet or ordered list item line.
func listItem(line string) (string, bool) {
	t := strings.TrimLeft(line, " \t")
	if len(t) >= 2 && (t[0] == '-' || t[0] == '*' || t[0] == '+') && (t[1] == ' ' || t[1] == '\t') {
		item := strings.TrimSpace(t[2:])
		// Task list markers.
		item = strings.TrimPrefix(strings.TrimPrefix(strings.TrimPrefix(item, "[ ] "), "[x] "), "[X] ")
		return "- " + item, true
	}
	n := 0
	for n < len(t) && n < 9 && t[n] >= '0' && t[n] <= '9' {
		n++
	}
	if n > 0 && n+1 < len(t) && (t[n] == '.' || t[n] == ')') && (t[n+1] == ' ' || t[n+1] == '\t') {
		return t[:n] + ". " + strings.TrimSpace(t[n+2:]), true
	}
	return "", false
}

func splitPipeRow(t string) []string {
	t = strings.TrimSpace(t)
	t = strings.TrimPrefix(t, "|")
	t = strings.TrimSuffix(t, "|")
	var cells []string
	var cur strings.Builder
	for i := 0; i < len(t); i++ {
		if t[i] == '\\' && i+1 < len(t) && t[i+1] == '|' {
			cur.WriteByte('|')
			i++
			continue
		}
		if t[i] == '|' {
			cells = append(cells, strings.TrimSpace(cur.String()))
			cur.Reset()
			continue
		}
		cur.WriteByte(t[i])
	}
	return append(cells, strings.TrimSpace(cur.String()))
}

func isTableSeparator(cells []string) bool {
	for _, c := range cells {
		c = strings.TrimSpace(c)
		if c == "" || strings.Trim(c, ":-") != "" || !strings.Contains(c, "-") {
			return false
		}
	}
	return len(cells) > 0
}

var (
	mdImage    = regexp.MustCompile(`!\[([^\]]*)\]\([^)]*\)`)
	mdLink     = regexp.MustCompile(`\[([^\]]+)\]\([^)]*\)`)
	mdRefLink  = regexp.MustCompile(`\[([^\]]+)\]\[[^\]]*\]`)
	mdAutoLink = regexp.MustCompile(`<((?:https?|mailto):[^>\s]+)>`)
	mdEmph     = regexp.MustCompile(`(\*\*|__)(\S(?:.*?\S)?)(\*\*|__)`)
	mdCode     = regexp.MustCompile("`+([^`]+)`+")
	mdHTMLTag  = regexp.MustCompile(`<!--.*?-->|</?[a-zA-Z][a-zA-Z0-9-]*(?:\s[^<>]*)?/?>`)
	mdSpaces   = regexp.MustCompile(`[ \t]{2,}`)
	mdEmph1    = regexp.MustCompile(`(^|[\s(])[*_](\S|\S[^*_\n]*\S)[*_]([\s).,;:!?]|$)`)
)

// mdInline reduces inline markdown to text.
func mdInline(s string) string {
	if !strings.ContainsAny(s, "[]`*_<") {
		return s
	}
	if strings.ContainsRune(s, '<') {
		if t := mdHTMLTag.ReplaceAllString(s, ""); t != s {
			s = mdSpaces.ReplaceAllString(t, " ")
		}
	}
	s = mdImage.ReplaceAllString(s, "$1")
	s = mdLink.ReplaceAllString(s, "$1")
	s = mdRefLink.ReplaceAllString(s, "$1")
	s = mdAutoLink.ReplaceAllString(s, "$1")
	s = mdEmph.ReplaceAllString(s, "$2")
	s = mdEmph1.ReplaceAllString(s, "$1$2$3")
	s = mdCode.ReplaceAllString(s, "$1")
	return s
}
