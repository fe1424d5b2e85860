package chunk

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/docent-dev/docent/ingest/loaders"
)

// checkChunks verifies the invariants every Split result keeps.
func checkChunks(t testing.TB, doc *loaders.Document, opt Options, cs []Chunk) {
	t.Helper()
	o := opt.normalized()
	text := doc.Text()
	prevStart, prevEnd := -1, -1
	for i, c := range cs {
		if c.Ordinal != i {
			t.Fatalf("chunk %d has ordinal %d", i, c.Ordinal)
		}
		if c.Start < 0 || c.End > len(text) || c.Start >= c.End {
			t.Fatalf("chunk %d: bad span [%d,%d) of %d", i, c.Start, c.End, len(text))
		}
		if text[c.Start:c.End] != c.Text {
			t.Fatalf("chunk %d: text[%d:%d] = %q, chunk text %q", i, c.Start, c.End, text[c.Start:c.End], c.Text)
		}
		if !utf8.ValidString(c.Text) {
			t.Fatalf("chunk %d splits a character", i)
		}
		if strings.TrimSpace(c.Text) != c.Text {
			t.Fatalf("chunk %d is not trimmed: %q", i, c.Text)
		}
		if len(c.Text) > o.TargetChars {
			t.Fatalf("chunk %d has %d bytes > target %d", i, len(c.Text), o.TargetChars)
		}
		if c.Overlap < 0 || c.Overlap > o.OverlapChars+2 || c.Overlap >= len(c.Text) {
			t.Fatalf("chunk %d: overlap %d (limit %d, len %d)", i, c.Overlap, o.OverlapChars, len(c.Text))
		}
		own := c.Start + c.Overlap
		if own < prevEnd-0 && c.Overlap == 0 {
			t.Fatalf("chunk %d overlaps chunk %d without declaring it", i, i-1)
		}
		if c.Start < prevStart || own < prevEnd {
			t.Fatalf("chunk %d [%d,%d) own %d out of order after [%d,%d)", i, c.Start, c.End, own, prevStart, prevEnd)
		}
		if c.Overlap > 0 && c.Start >= prevEnd {
			t.Fatalf("chunk %d declares overlap but does not repeat the previous chunk", i)
		}
		prevStart, prevEnd = c.Start, c.End
	}
	// Every non-space byte of the text is in some chunk's own text.
	covered := make([]bool, len(text))
	for _, c := range cs {
		for k := c.Start; k < c.End; k++ {
			covered[k] = true
		}
	}
	for k, ok := range covered {
		if !ok && !strings.ContainsRune(" \t\n\r\v\f\u0085\u00a0", rune(text[k])) && text[k] < 0x80 {
			t.Fatalf("byte %d (%q) not in any chunk", k, text[max(0, k-20):min(len(text), k+20)])
		}
	}
}

func loadFixture(t testing.TB, name string) *loaders.Document {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("../../testdata/docs", name))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := loaders.Load(context.Background(), name, data, loaders.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestFixtures(t *testing.T) {
	files, _ := filepath.Glob("../../testdata/docs/sample.*")
	if len(files) < 8 {
		t.Fatalf("fixtures missing: %v", files)
	}
	for _, f := range files {
		doc := loadFixture(t, filepath.Base(f))
		for _, opt := range []Options{DefaultOptions(), {TargetChars: 120, OverlapChars: 40, MinChars: 30}, {TargetChars: 40}} {
			cs := Split(doc, opt)
			if len(cs) == 0 {
				t.Fatalf("%s: no chunks", f)
			}
			checkChunks(t, doc, opt, cs)
		}
	}
}

func TestPDFChunksKeepPages(t *testing.T) {
	doc := loadFixture(t, "sample.pdf")
	cs := Split(doc, DefaultOptions())
	found := false
	for _, c := range cs {
		if strings.Contains(c.Text, "450 hours") {
			found = true
			if c.Page != 2 {
				t.Errorf("fact on page 2 cited as page %d", c.Page)
			}
		}
		if strings.Contains(c.Text, "36 months") && c.Page != 3 {
			t.Errorf("page 3 fact in chunk of page %d", c.Page)
		}
	}
	if !found {
		t.Fatal("fact missing")
	}
	if len(cs) != 3 {
		t.Errorf("want one chunk per page, got %d", len(cs))
	}
}

func TestHeadingPaths(t *testing.T) {
	doc := loadFixture(t, "sample.md")
	cs := Split(doc, Options{TargetChars: 200, OverlapChars: 50, MinChars: 60})
	checkChunks(t, doc, Options{TargetChars: 200, OverlapChars: 50, MinChars: 60}, cs)
	for _, c := range cs {
		if strings.Contains(c.Text, "default port of the Orion gateway") {
			if !slices.Equal(c.Heading, []string{"Orion Deployment Guide", "Configuration"}) {
				t.Errorf("heading %q", c.Heading)
			}
		}
		if strings.Contains(c.Text, "certificate") && !slices.Equal(c.Heading, []string{"Orion Deployment Guide", "Troubleshooting"}) {
			t.Errorf("troubleshooting heading %q", c.Heading)
		}
	}
}

// Sections never share a chunk when each is big enough on its own.
func TestNoMergeAcrossHeadings(t *testing.T) {
	para := strings.Repeat("Pumps move water through pipes. ", 12) // ~380 bytes
	doc := &loaders.Document{Blocks: []loaders.Block{
		{Text: "A", Kind: loaders.KindHeading, Heading: []string{"A"}},
		{Text: para, Kind: loaders.KindParagraph, Heading: []string{"A"}},
		{Text: "B", Kind: loaders.KindHeading, Heading: []string{"B"}},
		{Text: para, Kind: loaders.KindParagraph, Heading: []string{"B"}},
	}}
	for i := range doc.Blocks {
		doc.Blocks[i].Text = strings.TrimSpace(doc.Blocks[i].Text)
	}
	cs := Split(doc, DefaultOptions())
	checkChunks(t, doc, DefaultOptions(), cs)
	if len(cs) != 2 || !slices.Equal(cs[0].Heading, []string{"A"}) || !slices.Equal(cs[1].Heading, []string{"B"}) {
		t.Fatalf("chunks: %+v", cs)
	}
	if !strings.HasPrefix(cs[1].Text, "B\n\n") || cs[1].Overlap != 0 {
		t.Errorf("second chunk should start at its heading without overlap: %q", cs[1].Text)
	}
	// A heading directly followed by a subheading is merged forward.
	doc2 := &loaders.Document{Blocks: []loaders.Block{
		{Text: "Guide", Kind: loaders.KindHeading, Heading: []string{"Guide"}},
		{Text: "Install", Kind: loaders.KindHeading, Heading: []string{"Guide", "Install"}},
		{Text: strings.TrimSpace(para), Kind: loaders.KindParagraph, Heading: []string{"Guide", "Install"}},
	}}
	cs = Split(doc2, DefaultOptions())
	if len(cs) != 1 || !slices.Equal(cs[0].Heading, []string{"Guide", "Install"}) || !strings.HasPrefix(cs[0].Text, "Guide\n\nInstall") {
		t.Fatalf("chunks: %+v", cs)
	}
}

func TestOverlapAndSentences(t *testing.T) {
	var sb strings.Builder
	for i := 0; i < 40; i++ {
		fmt.Fprintf(&sb, "Sentence %d mentions Dr. Smith, e.g. on p. 3.5 of the report. ", i)
	}
	doc := &loaders.Document{Blocks: []loaders.Block{{Text: strings.TrimSpace(sb.String()), Kind: loaders.KindParagraph}}}
	opt := Options{TargetChars: 300, OverlapChars: 80, MinChars: 50}
	cs := Split(doc, opt)
	checkChunks(t, doc, opt, cs)
	if len(cs) < 5 {
		t.Fatalf("%d chunks", len(cs))
	}
	for i, c := range cs {
		if !strings.HasPrefix(c.Text, "Sentence ") || !strings.HasSuffix(c.Text, "report.") {
			t.Errorf("chunk %d not cut at sentence boundaries: %q", i, c.Text)
		}
		if i > 0 && c.Overlap == 0 {
			t.Errorf("chunk %d has no overlap", i)
		}
		if i > 0 && !strings.HasSuffix(cs[i-1].Text, strings.TrimSpace(c.Text[:c.Overlap])) {
			t.Errorf("chunk %d overlap is not the previous tail", i)
		}
	}
}

func TestSentences(t *testing.T) {
	cases := map[string][]string{
		"Dr. Smith arrived. He left at 3.30 p.m. yesterday. OK!":  {"Dr. Smith arrived.", "He left at 3.30 p.m. yesterday.", "OK!"},
		"Use tools, e.g. hammers. Then stop.":                     {"Use tools, e.g. hammers.", "Then stop."},
		"Version 1.2.3 is out. The U.S. team (Fig. 2) agreed.":    {"Version 1.2.3 is out.", "The U.S. team (Fig. 2) agreed."},
		"He said \"Stop.\" Then he went. J. R. R. Tolkien wrote.": {"He said \"Stop.\"", "Then he went.", "J. R. R. Tolkien wrote."},
		"Wait... What? Really?! Yes.":                             {"Wait...", "What?", "Really?!", "Yes."},
		"これは文です。次の文です。":                                           {"これは文です。", "次の文です。"},
		"no terminal punctuation":                                 {"no terminal punctuation"},
		"It costs approx. 5 euros. See www.example.com for more.": {"It costs approx. 5 euros.", "See www.example.com for more."},
	}
	for in, want := range cases {
		var got []string
		for _, sp := range sentences(in) {
			got = append(got, in[sp[0]:sp[1]])
		}
		if !slices.Equal(got, want) {
			t.Errorf("sentences(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestHugeSentenceAndWord(t *testing.T) {
	long := strings.Repeat("word ", 1000) + strings.Repeat("x", 3000) + " " + strings.Repeat("é", 700)
	doc := &loaders.Document{Blocks: []loaders.Block{{Text: strings.TrimSpace(long), Kind: loaders.KindParagraph}, {Text: "line1\nline2\n" + strings.Repeat("y", 2500), Kind: loaders.KindCode}}}
	for _, opt := range []Options{DefaultOptions(), {TargetChars: 17, OverlapChars: 3, MinChars: 1}} {
		cs := Split(doc, opt)
		checkChunks(t, doc, opt, cs)
	}
}

func TestEmpty(t *testing.T) {
	if Split(nil, DefaultOptions()) != nil || Split(&loaders.Document{}, DefaultOptions()) != nil {
		t.Fatal("want nil")
	}
	doc := &loaders.Document{Blocks: []loaders.Block{{Text: " \n "}}}
	if cs := Split(doc, DefaultOptions()); len(cs) != 0 {
		t.Fatalf("%+v", cs)
	}
}

func TestRandomDocuments(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for n := 0; n < 300; n++ {
		doc := randomDoc(r)
		opt := Options{TargetChars: 20 + r.Intn(1500), OverlapChars: r.Intn(300), MinChars: r.Intn(400)}
		checkChunks(t, doc, opt, Split(doc, opt))
	}
}

func randomDoc(r *rand.Rand) *loaders.Document {
	words := []string{"alpha", "beta", "Dr.", "e.g.", "3.14", "über", "Zephyr", "pump", "the", "hours.", "Why?", "ok!", "\n", "日本語。", strings.Repeat("z", 90)}
	doc := &loaders.Document{}
	var path []string
	page := 1
	for b := 0; b < 1+r.Intn(30); b++ {
		switch r.Intn(6) {
		case 0:
			lvl := 1 + r.Intn(3)
			if lvl > len(path)+1 {
				lvl = len(path) + 1
			}
			path = append(append([]string(nil), path[:lvl-1]...), fmt.Sprintf("H%d", b))
			doc.Blocks = append(doc.Blocks, loaders.Block{Text: path[len(path)-1], Kind: loaders.KindHeading, Heading: path, Page: page})
			continue
		case 1:
			page++
		}
		var sb strings.Builder
		for w := 0; w < 1+r.Intn(300); w++ {
			if w > 0 {
				sb.WriteByte(' ')
			}
			sb.WriteString(words[r.Intn(len(words))])
		}
		kinds := []string{loaders.KindParagraph, loaders.KindList, loaders.KindCode, loaders.KindRecord}
		doc.Blocks = append(doc.Blocks, loaders.Block{Text: strings.TrimSpace(sb.String()) + ".", Kind: kinds[r.Intn(len(kinds))], Heading: path, Page: page})
	}
	return doc
}

func FuzzSplit(f *testing.F) {
	for _, name := range []string{"sample.md", "sample.txt", "sample.html"} {
		data, err := os.ReadFile(filepath.Join("../../testdata/docs", name))
		if err == nil {
			f.Add(string(data), 1000, 150, 200)
		}
	}
	f.Add("# A\n\nDr. X. e.g. 3.5 hours. End.\n\n## B\n\n"+strings.Repeat("w ", 600), 50, 10, 5)
	f.Fuzz(func(t *testing.T, src string, target, overlap, minc int) {
		doc, err := loaders.LoadAs(context.Background(), loaders.FormatMarkdown, "f.md", []byte(src), loaders.DefaultLimits())
		if err != nil {
			// Also split raw text as paragraphs so invalid input still runs.
			doc = &loaders.Document{}
			for i, p := range strings.Split(strings.ToValidUTF8(src, "?"), "\n\n") {
				doc.Blocks = append(doc.Blocks, loaders.Block{Text: p, Kind: loaders.KindParagraph, Page: i % 3})
			}
		}
		opt := Options{TargetChars: target % 5000, OverlapChars: overlap % 5000, MinChars: minc % 5000}
		checkChunks(t, doc, opt, Split(doc, opt))
	})
}
