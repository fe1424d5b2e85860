package loaders

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/docent-dev/docent/ingest/loaders/internal/testdocs"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(docsDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func load(t testing.TB, name string, data []byte) *Document {
	t.Helper()
	doc, err := Load(context.Background(), name, data, DefaultLimits())
	if err != nil {
		t.Fatalf("Load(%s): %v", name, err)
	}
	return doc
}

// findBlock returns the first block containing s.
func findBlock(t *testing.T, doc *Document, s string) Block {
	t.Helper()
	for _, b := range doc.Blocks {
		if strings.Contains(b.Text, s) {
			return b
		}
	}
	t.Fatalf("no block contains %q; text:\n%s", s, doc.Text())
	return Block{}
}

type fact struct {
	text    string
	page    int
	heading []string
	kind    string
}

func TestLoadFixtures(t *testing.T) {
	cases := []struct {
		file   string
		format Format
		title  string
		pages  int
		facts  []fact
	}{
		{"sample.txt", FormatText, "", 0, []fact{
			{text: "The lighthouse on Corvin Island was automated in 1987", kind: KindParagraph},
			{text: "She recorded 412 gales, e.g. the great storm of 1979", kind: KindParagraph},
		}},
		{"sample.md", FormatMarkdown, "Orion Deployment Guide", 0, []fact{
			{text: "The default port of the Orion gateway is 7443.", heading: []string{"Orion Deployment Guide", "Configuration"}, kind: KindParagraph},
			{text: "Orion requires Java 21 or newer.", heading: []string{"Orion Deployment Guide", "Installation"}, kind: KindParagraph},
			{text: "tar -xzf orion-3.2.tar.gz -C /opt/orion\norion serve --port 7443", heading: []string{"Orion Deployment Guide", "Installation"}, kind: KindCode},
			{text: "Setting: queue.retention; Default: 72h", heading: []string{"Orion Deployment Guide", "Configuration"}, kind: KindTableRow},
			{text: "- Rotated logs are kept for 14 days.", heading: []string{"Orion Deployment Guide", "Configuration", "Logging"}, kind: KindList},
			{text: "Logging", heading: []string{"Orion Deployment Guide", "Configuration", "Logging"}, kind: KindHeading},
		}},
		{"sample.html", FormatHTML, "Falcon Bakery Handbook", 0, []fact{
			{text: "The sourdough starter is fed every 12 hours at Falcon Bakery", heading: []string{"Falcon Bakery Handbook", "Starter care"}, kind: KindParagraph},
			{text: "Falcon Bakery & Café", heading: []string{"Falcon Bakery Handbook"}, kind: KindParagraph},
			{text: "Keep the starter at 24 °C.", heading: []string{"Falcon Bakery Handbook", "Starter care"}, kind: KindParagraph},
			{text: "Day: Saturday; Opens: 07:00; Closes: 13:00", heading: []string{"Falcon Bakery Handbook", "Opening hours"}, kind: KindTableRow},
			{text: "On 31 December it closes at noon.", heading: []string{"Falcon Bakery Handbook", "Opening hours", "Holidays"}, kind: KindList},
		}},
		{"sample.pdf", FormatPDF, "Zephyr Pump Manual", 3, []fact{
			{text: "The Zephyr pump is built in Tallinn by Nordvik Hydraulics.", page: 1, kind: KindParagraph, heading: []string{"Zephyr Pump Manual"}},
			{text: "The maintenance interval for the Zephyr pump is 450 hours.", page: 2, kind: KindParagraph, heading: []string{"Zephyr Pump Manual", "Maintenance"}},
			{text: "must stay below 70 degrees Celsius", page: 2, kind: KindParagraph, heading: []string{"Zephyr Pump Manual", "Maintenance"}},
			{text: "Warranty", page: 3, kind: KindHeading, heading: []string{"Zephyr Pump Manual", "Warranty"}},
			{text: "The warranty for the Zephyr pump lasts 36 months from delivery.", page: 3, kind: KindParagraph, heading: []string{"Zephyr Pump Manual", "Warranty"}},
		}},
		{"sample.docx", FormatDOCX, "Nimbus Expense Policy", 0, []fact{
			{text: "Employees may claim up to 85 euros per day for meals while travelling.", heading: []string{"Expense Policy", "Travel"}, kind: KindParagraph},
			{text: "City: Paris; Nightly cap: 210 EUR", heading: []string{"Expense Policy", "Travel", "Hotels"}, kind: KindTableRow},
			{text: "Expenses above 2000 euros need approval from the finance director.", heading: []string{"Expense Policy", "Approvals"}, kind: KindList},
			{text: "Hotels", heading: []string{"Expense Policy", "Travel", "Hotels"}, kind: KindHeading},
		}},
		{"sample.csv", FormatCSV, "", 0, []fact{
			{text: "sku: SKU-4471; name: Copper valve; warehouse: Rotterdam; quantity: 312", kind: KindRecord},
			{text: "name: Steel flange, 80 mm; warehouse: Antwerp", kind: KindRecord},
		}},
		{"sample.json", FormatJSON, "Aurora Support Contacts", 0, []fact{
			{text: "contacts[0].team: Billing\ncontacts[0].email: billing@aurora.example", kind: KindRecord},
			{text: "contacts[1].phone: +31 20 555 0199", kind: KindRecord},
			{text: "contacts[2].pgp.fingerprint: 7F3A 22C1 9B0E", kind: KindRecord},
		}},
		{"sample.jsonl", FormatJSONL, "", 0, []fact{
			{text: "id: T-1001\ncustomer: Lumen Labs\nissue: The nightly export fails when the archive exceeds 4 GB.", kind: KindRecord},
			{text: "tags[1]: auth", kind: KindRecord},
		}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			doc := load(t, c.file, readFixture(t, c.file))
			if doc.Format != c.format || doc.Title != c.title || doc.Pages != c.pages {
				t.Errorf("format/title/pages = %s/%q/%d, want %s/%q/%d", doc.Format, doc.Title, doc.Pages, c.format, c.title, c.pages)
			}
			for _, f := range c.facts {
				b := findBlock(t, doc, f.text)
				if b.Page != f.page || !slices.Equal(b.Heading, f.heading) || b.Kind != f.kind {
					t.Errorf("%q: page/heading/kind = %d/%q/%s, want %d/%q/%s", f.text, b.Page, b.Heading, b.Kind, f.page, f.heading, f.kind)
				}
			}
			checkDoc(t, doc)
		})
	}
}

// checkDoc verifies invariants every loaded document keeps.
func checkDoc(t testing.TB, doc *Document) {
	t.Helper()
	if len(doc.Blocks) == 0 {
		t.Fatal("document without blocks")
	}
	for i, b := range doc.Blocks {
		if strings.TrimSpace(b.Text) == "" {
			t.Fatalf("block %d is empty", i)
		}
		if !utf8.ValidString(b.Text) {
			t.Fatalf("block %d is not valid UTF-8: %q", i, b.Text)
		}
		if b.Kind == "" {
			t.Fatalf("block %d has no kind", i)
		}
		if b.Page < 0 || (doc.Pages > 0 && b.Page > doc.Pages) {
			t.Fatalf("block %d: page %d of %d", i, b.Page, doc.Pages)
		}
	}
}

func TestHTMLVisibleTextOnly(t *testing.T) {
	doc := load(t, "sample.html", readFixture(t, "sample.html"))
	text := doc.Text()
	for _, bad := range []string{"SHOULD_NOT_APPEAR", "<", ">", "&amp;", "&eacute;", "font-family", "var token"} {
		if strings.Contains(text, bad) {
			t.Errorf("extracted text contains %q:\n%s", bad, text)
		}
	}
	// Entities decoded, <br> kept as a line break, charset from meta.
	latin1 := []byte("<html><head><meta charset=\"iso-8859-1\"><title>Caf\xe9</title></head><body><p>line one<br>line&nbsp;two &lt;b&gt;</p><p style=\"display: none\">gone</p></body></html>")
	doc = load(t, "page", latin1)
	if doc.Title != "Café" {
		t.Errorf("title %q", doc.Title)
	}
	if got := doc.Text(); got != "line one\nline two <b>" {
		t.Errorf("text %q", got)
	}
}

func TestMarkdownStructure(t *testing.T) {
	src := "Intro line\n\nSetext Title\n============\n\nText under setext.\n\nSub\n---\n\n    indented code\n    more\n\n## ATX closed ##\n\n> quoted *text* with `code` and ![img](x.png)\n\n~~~\n# not a heading\n~~~\n\n1. first\n2. second\n"
	doc := load(t, "notes.md", []byte(src))
	if doc.Title != "Setext Title" {
		t.Errorf("title %q", doc.Title)
	}
	want := []Block{
		{Text: "Intro line", Kind: KindParagraph},
		{Text: "Setext Title", Kind: KindHeading, Heading: []string{"Setext Title"}},
		{Text: "Text under setext.", Kind: KindParagraph, Heading: []string{"Setext Title"}},
		{Text: "Sub", Kind: KindHeading, Heading: []string{"Setext Title", "Sub"}},
		{Text: "indented code\nmore", Kind: KindCode, Heading: []string{"Setext Title", "Sub"}},
		{Text: "ATX closed", Kind: KindHeading, Heading: []string{"Setext Title", "ATX closed"}},
		{Text: "quoted text with code and img", Kind: KindParagraph, Heading: []string{"Setext Title", "ATX closed"}},
		{Text: "# not a heading", Kind: KindCode, Heading: []string{"Setext Title", "ATX closed"}},
		{Text: "1. first\n2. second", Kind: KindList, Heading: []string{"Setext Title", "ATX closed"}},
	}
	if len(doc.Blocks) != len(want) {
		t.Fatalf("got %d blocks: %#v", len(doc.Blocks), doc.Blocks)
	}
	for i := range want {
		g := doc.Blocks[i]
		if g.Text != want[i].Text || g.Kind != want[i].Kind || !slices.Equal(g.Heading, want[i].Heading) {
			t.Errorf("block %d = %#v, want %#v", i, g, want[i])
		}
	}
}

func TestTextEncodings(t *testing.T) {
	utf16le := []byte{0xFF, 0xFE}
	for _, r := range "Grüße aus Köln.\r\n\r\nZweiter Absatz." {
		utf16le = append(utf16le, byte(r), byte(r>>8))
	}
	doc := load(t, "letter.txt", utf16le)
	if doc.Format != FormatText || len(doc.Blocks) != 2 || doc.Blocks[0].Text != "Grüße aus Köln." {
		t.Errorf("utf-16: %s %#v", doc.Format, doc.Blocks)
	}
	// Windows-1252 (invalid UTF-8) falls back to a single-byte decoding.
	doc = load(t, "old.txt", []byte("Caf\xe9 cr\xe8me \x80 5"))
	if doc.Blocks[0].Text != "Café crème € 5" {
		t.Errorf("cp1252: %q", doc.Blocks[0].Text)
	}
}

func TestDetect(t *testing.T) {
	pdf := readFixture(t, "sample.pdf")
	docx := readFixture(t, "sample.docx")
	junk := make([]byte, 4096)
	for i := range junk {
		junk[i] = byte(i*131 + i/7)
	}
	cases := []struct {
		name string
		data []byte
		want Format
		err  error
	}{
		{"manual.txt", pdf, FormatPDF, nil},
		{"manual", pdf, FormatPDF, nil},
		{"policy.bin", docx, FormatDOCX, nil},
		{"notes.pdf", []byte("Just some notes, not a PDF at all."), FormatText, nil},
		{"notes.docx", []byte("# Heading\n\ntext"), FormatMarkdown, nil},
		{"data", []byte(`{"a": 1}`), FormatJSON, nil},
		{"data.txt", []byte("{\"a\": 1}\n{\"a\": 2}\n"), FormatJSONL, nil},
		{"page", []byte("<!DOCTYPE html><p>hi</p>"), FormatHTML, nil},
		{"page.txt", []byte("  <html><body>hi</body></html>"), FormatHTML, nil},
		{"readme", []byte("# Title\n\nSome text."), FormatMarkdown, nil},
		{"readme.txt", []byte("# Title\n\nSome text."), FormatText, nil},
		{"table", []byte("a;b;c\n1;2;3\n4;5;6\n"), FormatCSV, nil},
		{"table.csv", []byte("a\tb\n1\t2\n"), FormatCSV, nil},
		{"prose", []byte("Hello, world.\nThis is prose, with commas.\n"), FormatText, nil},
		{"image.png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "", ErrUnsupported},
		{"junk.bin", junk, "", ErrUnsupported},
		{"junk.pdf", junk, "", ErrCorrupt},
		{"zip.zip", zipWith(t, "a.txt", "hello"), "", ErrUnsupported},
		{"empty.txt", []byte(" \n\t "), "", ErrEmpty},
		{"empty", nil, "", ErrEmpty},
	}
	for _, c := range cases {
		got, err := Detect(c.name, c.data)
		if c.err != nil {
			if !errors.Is(err, c.err) {
				t.Errorf("Detect(%s) err = %v, want %v", c.name, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("Detect(%s) = %s, %v; want %s", c.name, got, err, c.want)
		}
	}
}

func zipWith(t *testing.T, name, body string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := newZipWriter(&buf)
	w, err := zw.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(body))
	zw.Close()
	return buf.Bytes()
}

func TestErrors(t *testing.T) {
	ctx := context.Background()
	lim := DefaultLimits()
	cases := []struct {
		name string
		data []byte
		lim  Limits
		want error
	}{
		{"corrupt.pdf", readFixture(t, "corrupt.pdf"), lim, ErrCorrupt},
		{"trunc.pdf", readFixture(t, "sample.pdf")[:300], lim, ErrCorrupt},
		{"trunc.docx", readFixture(t, "sample.docx")[:1000], lim, ErrCorrupt},
		{"nodoc.docx", zipWith(t, "word/other.xml", "<x/>"), lim, ErrCorrupt},
		{"bad.json", []byte(`{"a": [1, 2`), lim, ErrCorrupt},
		{"bad.jsonl", []byte("{\"a\":1}\n{\"a\":\n"), lim, ErrCorrupt},
		{"deep.json", []byte(strings.Repeat("[", 1000) + strings.Repeat("]", 1000)), lim, ErrCorrupt},
		{"space.txt", []byte("   \n\n\t"), lim, ErrEmpty},
		{"space.md", []byte("---\ntitle: x\n---\n\n"), lim, ErrEmpty},
		{"empty.html", []byte("<html><head><title>T</title><script>x()</script></head><body> </body></html>"), lim, ErrEmpty},
		{"blank.pdf", testdocs.PDF("", []testdocs.PDFPage{{}}), lim, ErrEmpty},
		{"blank.docx", testdocs.DOCX("", nil), lim, ErrEmpty},
		{"nulls.json", []byte(`{"a": null, "b": ""}`), lim, ErrEmpty},
		{"big.txt", bytes.Repeat([]byte("a"), 2048), Limits{MaxBytes: 1024}, ErrTooLarge},
		{"bomb.docx", testdocs.ZipBomb(8 << 20), Limits{MaxDecompressedBytes: 1 << 20}, ErrTooLarge},
		{"pages.pdf", testdocs.PDF("", []testdocs.PDFPage{{"a"}, {"b"}, {"c"}, {"d"}}), Limits{MaxPages: 3}, ErrTooLarge},
		{"bin.txt", append([]byte("text\x00"), bytes.Repeat([]byte{1, 2, 3}, 100)...), lim, ErrUnsupported},
	}
	for _, c := range cases {
		doc, err := Load(ctx, c.name, c.data, c.lim)
		if !errors.Is(err, c.want) || doc != nil {
			t.Errorf("Load(%s) = %v, %v; want %v", c.name, doc != nil, err, c.want)
			continue
		}
		if !strings.Contains(err.Error(), c.name) {
			t.Errorf("error %q does not name the file", err)
		}
	}
}

func TestZipBombDefaultLimit(t *testing.T) {
	bomb := testdocs.ZipBomb(300 << 20)
	if len(bomb) > 2<<20 {
		t.Fatalf("bomb is %d bytes compressed", len(bomb))
	}
	_, err := Load(context.Background(), "bomb.docx", bomb, DefaultLimits())
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
}

func TestPDFPagesWithinLimit(t *testing.T) {
	doc, err := Load(context.Background(), "p.pdf", testdocs.PDF("", []testdocs.PDFPage{{"a"}, {"b"}, {"c"}}), Limits{MaxPages: 3})
	if err != nil || doc.Pages != 3 || doc.Blocks[2].Page != 3 {
		t.Fatalf("doc=%+v err=%v", doc, err)
	}
}

func TestContextCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Load(ctx, "sample.md", readFixture(t, "sample.md"), DefaultLimits()); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}

func TestDocumentText(t *testing.T) {
	d := &Document{Blocks: []Block{{Text: "a"}, {Text: "b c"}}}
	if d.Text() != "a\n\nb c" {
		t.Fatalf("%q", d.Text())
	}
	if (*Document)(nil).Text() != "" {
		t.Fatal("nil document")
	}
}

// A bomb whose central directory lies about the inflated size is stopped by
// archive/zip (ErrCorrupt) or by the byte counter (ErrTooLarge).
func TestZipBombLyingHeader(t *testing.T) {
	var raw bytes.Buffer
	fw, _ := flate.NewWriter(&raw, flate.BestCompression)
	fw.Write([]byte(`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`))
	fw.Write(bytes.Repeat([]byte(`<w:p><w:r><w:t>bomb</w:t></w:r></w:p>`), 200000))
	fw.Close()
	var buf bytes.Buffer
	zw := newZipWriter(&buf)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "word/document.xml", Method: zip.Deflate, CompressedSize64: uint64(raw.Len()), UncompressedSize64: 100, CRC32: 0})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(raw.Bytes())
	zw.Close()
	_, err = Load(context.Background(), "liar.docx", buf.Bytes(), Limits{MaxDecompressedBytes: 1 << 20})
	if !errors.Is(err, ErrTooLarge) && !errors.Is(err, ErrCorrupt) {
		t.Fatalf("err = %v", err)
	}
	t.Log(err)
}

func TestDOCXDetails(t *testing.T) {
	const ns = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"`
	body := `<w:document ` + ns + `><w:body>
<w:p><w:pPr><w:pStyle w:val="Berschrift3"/></w:pPr><w:r><w:t>Localised heading</w:t></w:r></w:p>
<w:p><w:r><w:t xml:space="preserve">Kept </w:t></w:r><w:del><w:r><w:delText>DELETED</w:delText></w:r></w:del><w:r><w:fldChar/><w:instrText>HYPERLINK "x"</w:instrText><w:t>text</w:t><w:tab/><w:t>after tab</w:t></w:r>
<w:r><w:pict><w:txbxContent><w:p><w:r><w:t>in a text box</w:t></w:r></w:p></w:txbxContent></w:pict></w:r></w:p>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Name</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Role</w:t></w:r></w:p></w:tc></w:tr>
<w:tr><w:tc><w:p><w:r><w:t>Ada</w:t></w:r></w:p><w:p><w:r><w:t>Lovelace</w:t></w:r></w:p></w:tc><w:tc><w:tbl><w:tr><w:tc><w:p><w:r><w:t>nested</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:tc></w:tr></w:tbl>
</w:body></w:document>`
	doc := load(t, "d.docx", testdocs.DOCXRaw("", body))
	want := []Block{
		{Text: "Localised heading", Kind: KindHeading, Heading: []string{"Localised heading"}},
		{Text: "Kept text\tafter tab in a text box", Kind: KindParagraph, Heading: []string{"Localised heading"}},
		{Text: "Name | Role", Kind: KindTableRow, Heading: []string{"Localised heading"}},
		{Text: "Name: Ada Lovelace; Role: nested", Kind: KindTableRow, Heading: []string{"Localised heading"}},
	}
	if len(doc.Blocks) != len(want) {
		t.Fatalf("blocks: %#v", doc.Blocks)
	}
	for i := range want {
		g := doc.Blocks[i]
		if g.Text != want[i].Text || g.Kind != want[i].Kind || !slices.Equal(g.Heading, want[i].Heading) {
			t.Errorf("block %d = %#v, want %#v", i, g, want[i])
		}
	}
}

func TestJSONShapes(t *testing.T) {
	doc := load(t, "a.json", []byte(`[{"name": "Ann", "age": 41, "x": null}, {"name": "Bo", "tags": ["a", "b"]}]`))
	if len(doc.Blocks) != 2 || doc.Blocks[0].Text != "name: Ann\nage: 41" || doc.Blocks[1].Text != "name: Bo\ntags[0]: a\ntags[1]: b" {
		t.Errorf("%#v", doc.Blocks)
	}
	doc = load(t, "b.json", []byte(`{"tags": ["x", "y"], "n": {"deep": {"k": true}}}`))
	if len(doc.Blocks) != 2 || doc.Blocks[0].Text != "tags[0]: x\ntags[1]: y" || doc.Blocks[1].Text != "n.deep.k: true" {
		t.Errorf("%#v", doc.Blocks)
	}
}

func TestPDFCancelAndTimeout(t *testing.T) {
	var pages []testdocs.PDFPage
	for i := 0; i < 400; i++ {
		pages = append(pages, testdocs.PDFPage{strings.Repeat("Some words on a line. ", 4)})
	}
	big := testdocs.PDF("", pages)
	if _, err := WarmPDF(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	time.Sleep(2 * time.Millisecond)
	if _, err := Load(ctx, "big.pdf", big, DefaultLimits()); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	old := PDFTimeout
	PDFTimeout = time.Nanosecond
	_, err := Load(context.Background(), "big.pdf", big, DefaultLimits())
	PDFTimeout = old
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("err = %v", err)
	}
	// The engine still works afterwards.
	doc, err := Load(context.Background(), "sample.pdf", readFixture(t, "sample.pdf"), DefaultLimits())
	if err != nil || doc.Pages != 3 {
		t.Fatalf("after kill: %v", err)
	}
}

func TestDetectProseIsNotCSV(t *testing.T) {
	para := strings.Repeat("The pump runs for 450 hours, e.g. after two seasons, then stops. ", 3)
	for _, src := range []string{para + "\n\n" + para + "\n\n" + para, para + "\n" + para + "\n" + para + "\n" + para} {
		if f, err := Detect("notes", []byte(src)); f != FormatText || err != nil {
			t.Errorf("Detect = %s, %v", f, err)
		}
	}
}

func TestConcurrentLoads(t *testing.T) {
	names := []string{"sample.pdf", "sample.docx", "sample.html", "sample.md", "sample.csv", "sample.json"}
	errc := make(chan error, 4*len(names))
	for i := 0; i < 4; i++ {
		for _, n := range names {
			data := readFixture(t, n)
			go func() {
				doc, err := Load(context.Background(), n, data, DefaultLimits())
				if err == nil && len(doc.Blocks) == 0 {
					err = errors.New("no blocks")
				}
				errc <- err
			}()
		}
	}
	for i := 0; i < 4*len(names); i++ {
		if err := <-errc; err != nil {
			t.Error(err)
		}
	}
}

// The bomb builder really produces what it claims: a valid archive that
// inflates to the declared size with a matching checksum.
func TestZipBombIsReal(t *testing.T) {
	bomb := testdocs.ZipBomb(8 << 20)
	zr, err := zip.NewReader(bytes.NewReader(bomb), int64(len(bomb)))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := zr.File[0].Open()
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, rc)
	if err != nil || n < 8<<20 || uint64(n) != zr.File[0].UncompressedSize64 {
		t.Fatalf("inflated %d bytes (declared %d): %v", n, zr.File[0].UncompressedSize64, err)
	}
	// Without the header pre-check the byte counter stops it too.
	budget := &byteBudget{left: 1 << 20, limit: 1 << 20}
	rc2, _ := zr.File[0].Open()
	if _, err := io.Copy(io.Discard, budget.reader(rc2)); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("budget reader: %v", err)
	}
	t.Logf("%d compressed bytes inflate to %d", len(bomb), n)
}

func TestPDFOutlineWithoutMatchingText(t *testing.T) {
	pdf := testdocs.PDFWithOutline("", []testdocs.PDFPage{{"Intro text here."}, {"Body text here."}, {"More body."}},
		[]testdocs.PDFBookmark{{Title: "Part A", Page: 0}, {Title: "Part B", Page: 1, Children: []testdocs.PDFBookmark{{Title: "B.1", Page: 2}}}})
	doc := load(t, "o.pdf", pdf)
	want := [][]string{{"Part A"}, {"Part B"}, {"Part B", "B.1"}}
	for i, b := range doc.Blocks {
		if b.Page != i+1 || !slices.Equal(b.Heading, want[i]) || b.Kind != KindParagraph {
			t.Errorf("block %d: %+v", i, b)
		}
	}
}

// A cyclic outline (B's /Next points back to A) must not hang or blow up.
func TestPDFCyclicOutline(t *testing.T) {
	pdf := testdocs.PDFWithOutline("", []testdocs.PDFPage{{"Alpha text."}, {"Beta text."}},
		[]testdocs.PDFBookmark{{Title: "A", Page: 0}, {Title: "B", Page: 1}})
	// Objects: 1-4 fixed, pages 5-8, outline root 9, A 10, B 11.
	cyc := bytes.Replace(pdf, []byte("/Prev 10 0 R"), []byte("/Next 10 0 R"), 1)
	if bytes.Equal(cyc, pdf) {
		t.Fatal("fixture layout changed")
	}
	start := time.Now()
	doc := load(t, "cyclic.pdf", cyc)
	if time.Since(start) > 20*time.Second || len(doc.Blocks) != 2 || doc.Blocks[1].Heading[0] != "B" {
		t.Fatalf("%v %+v", time.Since(start), doc.Blocks)
	}
}

func TestMarkdownInlineHTML(t *testing.T) {
	doc := load(t, "h.md", []byte("# T\n\nLine with <br/> a <span class=\"x\">span</span> <!-- note --> and 3 < 4 > 2.\n"))
	if got := doc.Blocks[1].Text; got != "Line with a span and 3 < 4 > 2." {
		t.Errorf("%q", got)
	}
}
