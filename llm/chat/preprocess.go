package chat

import (
	"strings"
)

// preprocess adapts a Jinja source to two gaps in gonja before it is parsed:
//
//   - lstrip_blocks: gonja strips the whitespace before a block tag even
//     when the tag is not first on its line ("x {% if %}" loses the space);
//     Jinja2 strips only from the start of the line. gonja's option is left
//     off and the stripping is done here.
//   - conditional expressions: gonja parses "A if B else C" only at the top
//     of an output or set tag, not inside brackets, call arguments or list
//     items ("'x' + (a if b else c)", used by Gemma 3 and others). Inside
//     brackets they are rewritten to the equivalent "((B) and [(A)] or
//     [(C)])[0]", which gonja evaluates with the same laziness.
//
// Data, comments and raw blocks are copied unchanged.
func preprocess(src string) string {
	b := make([]byte, 0, len(src)+len(src)/8)
	lineStart := 0     // index in b where the current output line starts
	tagOnLine := false // a tag was written on the current line
	i := 0
	for i < len(src) {
		j := strings.IndexByte(src[i:], '{')
		if j < 0 || i+j+1 >= len(src) {
			b = append(b, src[i:]...)
			break
		}
		j += i
		kind := src[j+1]
		if kind != '{' && kind != '%' && kind != '#' {
			seg := src[i : j+1]
			b = append(b, seg...)
			if k := strings.LastIndexByte(seg, '\n'); k >= 0 {
				lineStart = len(b) - len(seg) + k + 1
				tagOnLine = false
			}
			i = j + 1
			continue
		}
		// Data before the tag.
		data := src[i:j]
		b = append(b, data...)
		if k := strings.LastIndexByte(data, '\n'); k >= 0 {
			lineStart = len(b) - len(data) + k + 1
			tagOnLine = false
		}
		if kind != '{' && !tagOnLine && (j+2 >= len(src) || src[j+2] != '+') {
			// lstrip_blocks: drop spaces and tabs between the line start and
			// a block or comment tag.
			if tail := b[lineStart:]; len(tail) > 0 && strings.Trim(string(tail), " \t") == "" {
				b = b[:lineStart]
			}
		}
		end := tagEnd(src, j, kind)
		tag := src[j:end]
		switch kind {
		case '#':
			b = append(b, tag...)
		case '%':
			if blockName(tag) == "raw" {
				end = findEndRaw(src, end)
				b = append(b, src[j:end]...)
			} else {
				n := closerLen(tag, "%}")
				b = append(b, tag[:2]...)
				b = append(b, rewriteConditionals(joinContinuations(tag[2:len(tag)-n]))...)
				b = append(b, tag[len(tag)-n:]...)
			}
		case '{':
			n := closerLen(tag, "}}")
			b = append(b, tag[:2]...)
			b = append(b, rewriteConditionals(joinContinuations(tag[2:len(tag)-n]))...)
			b = append(b, tag[len(tag)-n:]...)
		}
		tagOnLine = true
		i = end
	}
	return string(b)
}

// joinContinuations drops backslash-newline pairs inside string literals,
// which Python (and so Jinja2) reads as line continuations.
func joinContinuations(expr string) string {
	if !strings.Contains(expr, "\\\n") && !strings.Contains(expr, "\\\r\n") {
		return expr
	}
	out := make([]byte, 0, len(expr))
	var quote byte
	for i := 0; i < len(expr); i++ {
		c := expr[i]
		switch {
		case quote == 0:
			if c == '\'' || c == '"' {
				quote = c
			}
		case c == '\\' && i+1 < len(expr):
			if expr[i+1] == '\n' {
				i++
				continue
			}
			if expr[i+1] == '\r' && i+2 < len(expr) && expr[i+2] == '\n' {
				i += 2
				continue
			}
			out = append(out, c, expr[i+1])
			i++
			continue
		case c == quote:
			quote = 0
		}
		out = append(out, c)
	}
	return string(out)
}

func closerLen(tag, closer string) int {
	if len(tag) >= 4 && strings.HasSuffix(tag, closer) {
		return len(closer)
	}
	return 0
}

// tagEnd returns the index just past the tag opening at start: past "#}"
// for comments, past the closing delimiter outside string literals for
// the others, or len(src) when unterminated.
func tagEnd(src string, start int, kind byte) int {
	if kind == '#' {
		if k := strings.Index(src[start+2:], "#}"); k >= 0 {
			return start + 2 + k + 2
		}
		return len(src)
	}
	closer := byte('}')
	if kind == '%' {
		closer = '%'
	}
	var quote byte
	for k := start + 2; k < len(src); k++ {
		c := src[k]
		switch {
		case quote != 0:
			if c == '\\' {
				k++
			} else if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == closer && k+1 < len(src) && src[k+1] == '}':
			return k + 2
		}
	}
	return len(src)
}

// blockName is the statement name of a "{% name ... %}" tag.
func blockName(tag string) string {
	s := strings.TrimPrefix(tag, "{%")
	s = strings.TrimLeft(s, "-+ \t\r\n")
	k := 0
	for k < len(s) && isWordByte(s[k]) {
		k++
	}
	return s[:k]
}

// findEndRaw returns the index past the "{% endraw %}" after from.
func findEndRaw(src string, from int) int {
	for k := from; k < len(src); {
		m := strings.Index(src[k:], "{%")
		if m < 0 {
			break
		}
		m += k
		end := tagEnd(src, m, '%')
		if blockName(src[m:end]) == "endraw" {
			return end
		}
		k = m + 2
	}
	return len(src)
}

func isWordByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

// --- conditional expressions inside brackets -------------------------------

type exprTok struct {
	text string
	kind byte // 'w' word, 's' string, ' ' space, or the punctuation byte
}

func lexExpr(s string) []exprTok {
	var out []exprTok
	for i := 0; i < len(s); {
		c := s[i]
		j := i + 1
		kind := c
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			for j < len(s) && (s[j] == ' ' || s[j] == '\t' || s[j] == '\n' || s[j] == '\r') {
				j++
			}
			kind = ' '
		case c == '\'' || c == '"':
			for j < len(s) && s[j] != c {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			if j < len(s) {
				j++
			}
			j = min(j, len(s))
			kind = 's'
		case isWordByte(c):
			for j < len(s) && isWordByte(s[j]) {
				j++
			}
			kind = 'w'
		}
		out = append(out, exprTok{s[i:j], kind})
		i = j
	}
	return out
}

// rewriteConditionals rewrites conditional expressions found inside
// brackets of one tag's expression text; the rest is left byte for byte.
func rewriteConditionals(expr string) string {
	if !strings.Contains(expr, "if") || !strings.Contains(expr, "(") && !strings.Contains(expr, "[") && !strings.Contains(expr, "{") {
		return expr
	}
	toks := lexExpr(expr)
	out, _ := rewriteGroup(toks, 0, 0, 0)
	return out
}

var closing = map[byte]byte{'(': ')', '[': ']', '{': '}'}

// rewriteGroup renders toks from i up to the closing bracket close (0 at
// top level), rewriting conditional elements when inside brackets. It
// returns the text and the index after the closing bracket.
func rewriteGroup(toks []exprTok, i int, open, depth int) (string, int) {
	var close byte
	if open != 0 {
		close = closing[byte(open)]
	}
	var elems []string // rendered elements, separators kept as their own entries
	var cur strings.Builder
	flush := func() {
		elems = append(elems, cur.String())
		cur.Reset()
	}
	for i < len(toks) {
		t := toks[i]
		if close != 0 && t.kind == close {
			break
		}
		if t.kind == '(' || t.kind == '[' || t.kind == '{' {
			if depth >= maxNesting {
				cur.WriteString(t.text)
				i++
				continue
			}
			inner, next := rewriteGroup(toks, i+1, int(t.kind), depth+1)
			cur.WriteString(t.text)
			cur.WriteString(inner)
			if next < len(toks) {
				cur.WriteString(toks[next].text)
				next++
			}
			i = next
			continue
		}
		if open != 0 && (t.kind == ',' || (open == '{' && t.kind == ':')) {
			flush()
			elems = append(elems, t.text)
			i++
			continue
		}
		cur.WriteString(t.text)
		i++
	}
	flush()
	if open == 0 {
		return strings.Join(elems, ""), i
	}
	for k, e := range elems {
		if e == "," || e == ":" {
			continue
		}
		elems[k] = rewriteConditional(e)
	}
	return strings.Join(elems, ""), i
}

// rewriteConditional rewrites one bracket element "A if B else C" (with an
// optional "name=" keyword prefix). Nested brackets were already handled.
func rewriteConditional(elem string) string {
	toks := lexExpr(elem)
	prefix := ""
	// keyword argument: name = value (but not name == value)
	if w := firstNonSpace(toks, 0); w >= 0 && toks[w].kind == 'w' {
		if e := firstNonSpace(toks, w+1); e >= 0 && toks[e].kind == '=' && (e+1 >= len(toks) || toks[e+1].kind != '=') {
			var p strings.Builder
			for _, t := range toks[:e+1] {
				p.WriteString(t.text)
			}
			prefix = p.String()
			toks = toks[e+1:]
		}
	}
	level := 0
	ifAt, elseAt := -1, -1
	for k, t := range toks {
		switch t.kind {
		case '(', '[', '{':
			level++
		case ')', ']', '}':
			level--
		case 'w':
			if level != 0 {
				continue
			}
			if t.text == "if" && ifAt < 0 {
				ifAt = k
			} else if t.text == "else" && ifAt >= 0 && elseAt < 0 {
				elseAt = k
			}
		}
	}
	if ifAt <= 0 {
		return elem
	}
	join := func(ts []exprTok) string {
		var b strings.Builder
		for _, t := range ts {
			b.WriteString(t.text)
		}
		return strings.TrimSpace(b.String())
	}
	a := join(toks[:ifAt])
	var cond, alt string
	if elseAt > 0 {
		cond = join(toks[ifAt+1 : elseAt])
		alt = rewriteConditional(join(toks[elseAt+1:]))
	} else {
		cond = join(toks[ifAt+1:])
		alt = "none"
	}
	if a == "" || cond == "" || alt == "" {
		return elem
	}
	return prefix + "((" + cond + ") and [(" + a + ")] or [(" + alt + ")])[0]"
}

func firstNonSpace(toks []exprTok, from int) int {
	for k := from; k < len(toks); k++ {
		if toks[k].kind != ' ' {
			return k
		}
	}
	return -1
}
