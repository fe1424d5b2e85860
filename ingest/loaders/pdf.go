package loaders

// PDF text comes from PDFium, the PDF engine of Chromium, through
// github.com/klippa-app/go-pdfium's WebAssembly build run by wazero: no cgo,
// the 5.6 MB pdfium.wasm ships inside the Go module, and PDFium is the most
// widely used and most heavily fuzzed PDF text extractor available, which
// matters for untrusted uploads. The pure-Go alternatives were weaker for
// this job: github.com/ledongthuc/pdf is a lightly maintained fork of
// rsc.io/pdf with known panics on malformed files and poor handling of
// CID/ToUnicode fonts, and pdfcpu is built for manipulating PDFs, not for
// extracting reading-order text.
//
// Cost: compiling the module with wazero's optimising compiler takes about
// 3.3 s on the 2-core dev machine (measured; once per process), after which
// opening a small document and extracting its pages takes about 1.5 ms. So
// the runtime starts lazily on the first PDF and is shared by the whole
// process, and compiled code is cached on disk (os.UserCacheDir()/docent/
// wazero, or $DOCENT_PDFIUM_CACHE; "off" disables it) which brings later
// process starts down to about 90 ms. WarmPDF lets a server pay the cost at
// start-up instead of on the first upload. Under the race detector the
// compiler itself is slow (minutes), so race builds use wazero's interpreter
// instead; DOCENT_PDFIUM_MODE=interpreter|compiler overrides the choice.
//
// Safety: the module sees no host file system (empty FSConfig), its linear
// memory is capped, stdout/stderr are discarded, and each document gets a
// fresh module instance that is closed afterwards, so one hostile file cannot
// leave state behind for the next.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/klippa-app/go-pdfium"
	pdfiumerrors "github.com/klippa-app/go-pdfium/errors"
	"github.com/klippa-app/go-pdfium/references"
	"github.com/klippa-app/go-pdfium/requests"
	"github.com/klippa-app/go-pdfium/webassembly"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
)

// PDFTimeout bounds the time spent on one PDF; a document that takes longer
// fails with ErrCorrupt (the engine is interrupted, not left running).
var PDFTimeout = 2 * time.Minute

// pdfMemoryLimitPages caps each instance's wasm linear memory (64 KiB pages):
// 1 GiB, ample for text extraction from a 64 MiB file.
const pdfMemoryLimitPages = 16384

var (
	pdfMu      sync.Mutex
	pdfPool    pdfium.Pool
	pdfInitDur time.Duration
)

// WarmPDF starts the PDF engine now (it otherwise starts on the first PDF)
// and reports how long that took. It is safe to call more than once.
func WarmPDF() (time.Duration, error) {
	_, err := getPDFPool()
	pdfMu.Lock()
	defer pdfMu.Unlock()
	return pdfInitDur, err
}

func getPDFPool() (pdfium.Pool, error) {
	pdfMu.Lock()
	defer pdfMu.Unlock()
	if pdfPool != nil {
		return pdfPool, nil
	}
	start := time.Now()
	rc := wazero.NewRuntimeConfigCompiler()
	if m := os.Getenv("DOCENT_PDFIUM_MODE"); m == "interpreter" || (m == "" && raceEnabled) {
		rc = wazero.NewRuntimeConfigInterpreter()
	}
	rc = rc.
		WithCoreFeatures(api.CoreFeaturesV2 | experimental.CoreFeaturesExceptionHandling).
		WithMemoryLimitPages(pdfMemoryLimitPages).
		WithCloseOnContextDone(true) // lets Kill interrupt a running call
	if cc := pdfCompilationCache(); cc != nil {
		rc = rc.WithCompilationCache(cc)
	}
	n := runtime.GOMAXPROCS(0)
	pool, err := webassembly.Init(webassembly.Config{
		MinIdle:       0,
		MaxIdle:       n,
		MaxTotal:      n,
		RuntimeConfig: rc,
		FSConfig:      wazero.NewFSConfig(),
		Stdout:        io.Discard,
		Stderr:        io.Discard,
	})
	if err != nil {
		return nil, fmt.Errorf("starting the PDF engine: %w", err)
	}
	pdfPool = pool
	pdfInitDur = time.Since(start)
	return pdfPool, nil
}

func pdfCompilationCache() wazero.CompilationCache {
	dir := os.Getenv("DOCENT_PDFIUM_CACHE")
	if dir == "off" {
		return nil
	}
	if dir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			return nil
		}
		dir = filepath.Join(base, "docent", "wazero")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil
	}
	cc, err := wazero.NewCompilationCacheWithDir(dir)
	if err != nil {
		return nil
	}
	return cc
}

// loadPDF extracts the text layer page by page. Each page's text is split
// into paragraphs (blank lines, or a short line that ends a sentence);
// hyphenated line breaks are joined. Every block carries its 1-based page.
// The document outline (bookmarks) gives heading paths: a bookmark's path
// holds from its page on, starting at the paragraph that repeats its title
// (which becomes a heading block) or else at the top of the page.
// Scanned pages without a text layer yield no blocks (no OCR).
func loadPDF(ctx context.Context, data []byte, lim Limits) (doc *Document, err error) {
	pool, err := getPDFPool()
	if err != nil {
		return nil, err
	}
	inst, err := pool.GetInstanceWithContext(ctx)
	if err != nil {
		return nil, fmt.Errorf("pdf engine busy: %w", err)
	}
	// A watchdog kills the instance (interrupting PDFium mid-call) when ctx
	// ends or the document takes longer than PDFTimeout.
	var killed atomic.Bool
	stop := make(chan struct{})
	watchdog := time.NewTimer(PDFTimeout)
	go func() {
		defer watchdog.Stop()
		select {
		case <-stop:
			return
		case <-ctx.Done():
		case <-watchdog.C:
		}
		killed.Store(true)
		_ = inst.Kill()
	}()
	defer func() {
		close(stop)
		// A trap inside the module surfaces as a panic in the bindings.
		if r := recover(); r != nil {
			doc, err = nil, fmt.Errorf("pdf: engine failed on this file: %v: %w", r, ErrCorrupt)
		}
		if killed.Load() {
			doc = nil
			if ctx.Err() != nil {
				err = ctx.Err()
			} else {
				err = fmt.Errorf("pdf: extraction took longer than %v: %w", PDFTimeout, ErrCorrupt)
			}
			return
		}
		_ = inst.Close()
	}()
	od, err := inst.OpenDocument(&requests.OpenDocument{File: &data})
	if err != nil {
		switch {
		case errors.Is(err, pdfiumerrors.ErrPassword), errors.Is(err, pdfiumerrors.ErrSecurity):
			return nil, fmt.Errorf("pdf is password-protected or encrypted (%v): %w", err, ErrCorrupt)
		default:
			return nil, fmt.Errorf("not a readable PDF (%v): %w", err, ErrCorrupt)
		}
	}
	defer func() {
		_, _ = inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: od.Document})
	}()
	pc, err := inst.FPDF_GetPageCount(&requests.FPDF_GetPageCount{Document: od.Document})
	if err != nil {
		return nil, fmt.Errorf("pdf page count: %v: %w", err, ErrCorrupt)
	}
	if pc.PageCount <= 0 {
		return nil, fmt.Errorf("pdf has no pages: %w", ErrCorrupt)
	}
	if pc.PageCount > lim.MaxPages {
		return nil, fmt.Errorf("pdf has %d pages, the limit is %d: %w", pc.PageCount, lim.MaxPages, ErrTooLarge)
	}
	doc = &Document{Pages: pc.PageCount}
	if mt, err := inst.FPDF_GetMetaText(&requests.FPDF_GetMetaText{Document: od.Document, Tag: "Title"}); err == nil {
		doc.Title = collapseSpace(mt.Value)
	}
	outline := pdfOutline(inst, od.Document)
	var path []string
	var total int64
	for i := 0; i < pc.PageCount; i++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		pt, err := inst.GetPageText(&requests.GetPageText{Page: requests.Page{ByIndex: &requests.PageByIndex{Document: od.Document, Index: i}}})
		if err != nil {
			return nil, fmt.Errorf("pdf page %d: %v: %w", i+1, err, ErrCorrupt)
		}
		total += int64(len(pt.Text))
		if total > lim.MaxDecompressedBytes {
			return nil, fmt.Errorf("pdf text exceeds %d bytes: %w", lim.MaxDecompressedBytes, ErrTooLarge)
		}
		paras := pdfParagraphs(pt.Text)
		// Bookmarks pointing at this page: one whose title matches a
		// paragraph turns that paragraph into a heading; the others take
		// effect from the top of the page.
		var here []pdfBookmark
		for len(outline) > 0 && outline[0].page <= i {
			here = append(here, outline[0])
			outline = outline[1:]
		}
		at := map[int][]string{}
		next := 0
		for _, bm := range here {
			found := -1
			for k := next; k < len(paras) && bm.page == i; k++ {
				if strings.EqualFold(paras[k], bm.path[len(bm.path)-1]) {
					found = k
					break
				}
			}
			if found < 0 {
				path = bm.path
				continue
			}
			at[found] = bm.path
			next = found + 1
		}
		for k, p := range paras {
			kind := KindParagraph
			if hp, ok := at[k]; ok {
				path, kind = hp, KindHeading
			}
			doc.Blocks = append(doc.Blocks, Block{Text: p, Kind: kind, Page: i + 1, Heading: clonePath(path)})
		}
	}
	return doc, nil
}

// pdfBookmark is an outline entry: the 0-based page it points at and its
// title path.
type pdfBookmark struct {
	page int
	path []string
}

// Outline walking is bounded: a malicious outline may be cyclic, and
// PDFium's sibling and child calls do not detect cycles.
const (
	maxPDFBookmarks     = 4096
	maxPDFBookmarkDepth = 12
)

// pdfOutline returns the document's bookmarks that point at a page, in
// outline order, stably sorted by page. Failures yield no outline.
func pdfOutline(inst pdfium.Pdfium, d references.FPDF_DOCUMENT) []pdfBookmark {
	var out []pdfBookmark
	count := 0
	var walk func(bm *references.FPDF_BOOKMARK, path []string, depth int)
	walk = func(bm *references.FPDF_BOOKMARK, path []string, depth int) {
		for bm != nil && count < maxPDFBookmarks && depth < maxPDFBookmarkDepth {
			count++
			title := ""
			if t, err := inst.FPDFBookmark_GetTitle(&requests.FPDFBookmark_GetTitle{Bookmark: *bm}); err == nil {
				title = collapseSpace(strings.ToValidUTF8(t.Title, ""))
			}
			p := append(clonePath(path), title)
			if page := pdfBookmarkPage(inst, d, *bm); title != "" && page >= 0 {
				out = append(out, pdfBookmark{page: page, path: p})
			}
			if c, err := inst.FPDFBookmark_GetFirstChild(&requests.FPDFBookmark_GetFirstChild{Document: d, Bookmark: bm}); err == nil && c.Bookmark != nil && title != "" {
				walk(c.Bookmark, p, depth+1)
			}
			n, err := inst.FPDFBookmark_GetNextSibling(&requests.FPDFBookmark_GetNextSibling{Document: d, Bookmark: *bm})
			if err != nil {
				return
			}
			bm = n.Bookmark
		}
	}
	if first, err := inst.FPDFBookmark_GetFirstChild(&requests.FPDFBookmark_GetFirstChild{Document: d}); err == nil {
		walk(first.Bookmark, nil, 0)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].page < out[j].page })
	return out
}

// pdfBookmarkPage is the 0-based page a bookmark's destination (or GoTo
// action) points at, or -1.
func pdfBookmarkPage(inst pdfium.Pdfium, d references.FPDF_DOCUMENT, bm references.FPDF_BOOKMARK) int {
	var dest *references.FPDF_DEST
	if r, err := inst.FPDFBookmark_GetDest(&requests.FPDFBookmark_GetDest{Document: d, Bookmark: bm}); err == nil {
		dest = r.Dest
	}
	if dest == nil {
		if a, err := inst.FPDFBookmark_GetAction(&requests.FPDFBookmark_GetAction{Bookmark: bm}); err == nil && a.Action != nil {
			if r, err := inst.FPDFAction_GetDest(&requests.FPDFAction_GetDest{Document: d, Action: *a.Action}); err == nil {
				dest = r.Dest
			}
		}
	}
	if dest == nil {
		return -1
	}
	r, err := inst.FPDFDest_GetDestPageIndex(&requests.FPDFDest_GetDestPageIndex{Document: d, Dest: *dest})
	if err != nil {
		return -1
	}
	return r.Index
}

var pdfSpaces = regexp.MustCompile(`[ \t\x{00a0}]+`)

// pdfParagraphs turns one page's text into paragraphs.
func pdfParagraphs(s string) []string {
	s = strings.ToValidUTF8(s, "")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\u00ad' || r == '\ufffe' || r == '\uffff' || r == 0:
			return -1 // soft hyphen, noncharacters
		case r == '\u0002':
			return '-' // PDFium marks hyphens at line ends this way
		case r == '\n' || r == '\t':
			return r
		case unicode.IsControl(r):
			return ' '
		}
		return r
	}, s)
	var lines []string
	maxLen := 0
	for _, l := range strings.Split(s, "\n") {
		l = strings.TrimSpace(pdfSpaces.ReplaceAllString(l, " "))
		lines = append(lines, l)
		maxLen = max(maxLen, utf8.RuneCountInString(l))
	}
	var out []string
	var cur strings.Builder
	flush := func() {
		if t := strings.TrimSpace(cur.String()); t != "" {
			out = append(out, t)
		}
		cur.Reset()
	}
	for i, l := range lines {
		if l == "" {
			flush()
			continue
		}
		// A short line without final punctuation followed by a capitalised
		// line reads as a title or heading: keep it apart.
		if i+1 < len(lines) && lines[i+1] != "" && cur.Len() == 0 && utf8.RuneCountInString(l) <= 60 &&
			!strings.ContainsRune(".,;:!?-", lastRune(l)) && unicode.IsUpper(firstRune(lines[i+1])) &&
			(maxLen == 0 || utf8.RuneCountInString(l)*10 < maxLen*7) {
			out = append(out, l)
			continue
		}
		if cur.Len() > 0 {
			prev := cur.String()
			if strings.HasSuffix(prev, "-") && len(prev) > 1 && unicode.IsLetter(lastRune(prev[:len(prev)-1])) && unicode.IsLower(firstRune(l)) {
				// Hyphenated word broken across lines.
				cur.Reset()
				cur.WriteString(prev[:len(prev)-1])
			} else {
				cur.WriteByte(' ')
			}
		}
		cur.WriteString(l)
		// A line clearly shorter than the page's longest that ends a
		// sentence closes the paragraph.
		n := utf8.RuneCountInString(l)
		if maxLen > 40 && n < maxLen*7/10 && strings.ContainsRune(".!?:", lastRune(l)) {
			flush()
		}
	}
	flush()
	return out
}

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}
