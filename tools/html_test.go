package tools

import (
	"strings"
	"testing"
)

func TestHTMLText(t *testing.T) {
	cases := []struct{ in, title, text string }{
		{`<title>T</title><p>a</p><p>b</p>`, "T", "a\n\nb"},
		{`<p>one<br>two</p>`, "", "one\ntwo"},
		{`<div aria-hidden="true">x</div><span>y</span>`, "", "y"},
		{`<p>a &amp; b &lt;c&gt;</p>`, "", "a & b <c>"},
		{`<template><p>t</p></template><svg><text>s</text></svg><p>ok</p>`, "", "ok"},
		{`<table><tr><td>1</td><td>2</td></tr></table>`, "", "1 2"},
		{`<input type="hidden" value="v"><p>   spaced    out   </p>`, "", "spaced out"},
		{``, "", ""},
		{`<<<>>>`, "", "<<<>>>"},
		// Deeper than the tree builder allows: the token scan takes over.
		{`<title>Deep</title>` + strings.Repeat("<div>", 600) + `<script>bad()</script><p>deep text</p>`, "Deep", "deep text"},
	}
	for _, c := range cases {
		title, text, err := HTMLText(strings.NewReader(c.in))
		if err != nil {
			t.Fatal(err)
		}
		if title != c.title || text != c.text {
			t.Errorf("%q: title %q text %q, want %q %q", c.in, title, text, c.title, c.text)
		}
	}
}

// FuzzHTMLText: any input parses without panicking.
func FuzzHTMLText(f *testing.F) {
	for _, s := range []string{"<p>x</p>", "<title>a</title><script>b</script>", "<div hidden><p>x", strings.Repeat("<div>", 600)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if _, _, err := HTMLText(strings.NewReader(s)); err != nil {
			t.Fatalf("%q: %v", s, err)
		}
	})
}
