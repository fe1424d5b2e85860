// Package chunk splits a loaders.Document into overlapping, structure-aware
// chunks of about Options.TargetChars bytes.
//
// How it cuts:
//
//   - A section is a run of blocks with the same heading path and page. Each
//     section is packed on its own, so a chunk never spans a heading change
//     or a page break, except that a section too small to stand alone (under
//     MinChars, e.g. a heading right before its first subheading) is merged
//     into its neighbour when the two fit in one chunk.
//   - Blocks are cut into units: sentences for paragraphs (abbreviations such
//     as "e.g.", "Dr.", initials and decimals do not end a sentence), lines
//     for code, lists, table rows and records. A unit too long for a chunk is
//     cut at line breaks, then at spaces, then (a single huge word) at a
//     character boundary.
//   - Units are packed greedily, ending a chunk at a block boundary rather
//     than starting a block it cannot finish once it is two-thirds full;
//     when a section's last chunk is shorter than MinChars it is rebalanced
//     with the one before it.
//   - Each chunk after the first of its section starts with an overlap: the
//     previous chunk's tail sentences (whole units, same section and page)
//     totalling at most OverlapChars.
//
// Sizes and offsets are in bytes of UTF-8 (never splitting a character).
// Chunk text is always a contiguous, trimmed span of doc.Text(), overlap
// included: doc.Text()[c.Start:c.End] == c.Text, and len(c.Text) <=
// TargetChars.
package chunk

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/docent-dev/docent/ingest/loaders"
)

// Options control chunk sizes, in bytes of UTF-8 text (the same as
// characters for ASCII).
type Options struct {
	TargetChars  int // maximum chunk length, overlap included (default 1000)
	OverlapChars int // carry up to this much of the previous chunk's tail, same section only (default 150; at most TargetChars/2)
	MinChars     int // sections and section tails shorter than this are merged or rebalanced (default 200)
}

// DefaultOptions returns TargetChars 1000, OverlapChars 150, MinChars 200.
func DefaultOptions() Options { return Options{TargetChars: 1000, OverlapChars: 150, MinChars: 200} }

func (o Options) normalized() Options {
	if o.TargetChars <= 0 {
		o.TargetChars = 1000
	}
	if o.TargetChars < 16 {
		o.TargetChars = 16
	}
	if o.OverlapChars < 0 {
		o.OverlapChars = 0
	}
	if o.OverlapChars > o.TargetChars/2 {
		o.OverlapChars = o.TargetChars / 2
	}
	if o.MinChars < 0 {
		o.MinChars = 0
	}
	if o.MinChars > o.TargetChars/2 {
		o.MinChars = o.TargetChars / 2
	}
	return o
}

// Chunk is one piece of a document.
//
// Start and End are byte offsets into doc.Text(). Text includes the overlap
// carried from the previous chunk, and Start points at its first byte, so
// doc.Text()[Start:End] == Text always holds. Overlap is the number of bytes
// at the start of Text that repeat the previous chunk (0 for the first chunk
// of a section), the white space before the own text included;
// Text[Overlap:] is the chunk's own new text.
type Chunk struct {
	Ordinal    int // 0-based position in the document
	Text       string
	Start, End int
	Overlap    int
	Page       int      // page of the chunk's first block (0 when not paged)
	Heading    []string // heading path in force (common path of its content blocks)
}

// unit is an indivisible span of doc.Text() (trimmed).
type unit struct {
	start, end int
	block      int
	sec        int // section index
}

// piece is a chunk under construction: units [u0, u1) of the unit list,
// with the first ov units being overlap.
type piece struct {
	u0, u1 int
	ov     int
}

// Split cuts doc into chunks. It returns nil for a nil or empty document.
func Split(doc *loaders.Document, opt Options) []Chunk {
	if doc == nil || len(doc.Blocks) == 0 {
		return nil
	}
	opt = opt.normalized()
	text := doc.Text()
	budget := opt.TargetChars - opt.OverlapChars // own text of one chunk

	// Sections and units.
	var units []unit
	secOf := make([]int, len(doc.Blocks))
	sec := -1
	off := 0
	for bi, b := range doc.Blocks {
		if bi == 0 || b.Page != doc.Blocks[bi-1].Page || !samePath(b.Heading, doc.Blocks[bi-1].Heading) {
			sec++
		}
		secOf[bi] = sec
		for _, sp := range blockUnits(b, budget) {
			units = append(units, unit{start: off + sp[0], end: off + sp[1], block: bi, sec: sec})
		}
		off += len(b.Text) + len(loaders.BlockSeparator)
	}
	if len(units) == 0 {
		return nil
	}

	// Pack each section greedily, then rebalance a short tail.
	var pieces []piece
	for i := 0; i < len(units); {
		j := i
		for j < len(units) && units[j].sec == units[i].sec {
			j++
		}
		pieces = append(pieces, packSection(units, i, j, budget, opt.MinChars)...)
		i = j
	}

	// Merge pieces shorter than MinChars into a neighbour on the same page
	// when the result fits the budget.
	size := func(p piece) int { return units[p.u1-1].end - units[p.u0].start }
	page := func(p piece) int { return doc.Blocks[units[p.u0].block].Page }
	for i := 0; i < len(pieces) && len(pieces) > 1; {
		p := pieces[i]
		if size(p) >= opt.MinChars {
			i++
			continue
		}
		if i+1 < len(pieces) && page(pieces[i+1]) == page(p) && units[pieces[i+1].u1-1].end-units[p.u0].start <= budget {
			pieces[i+1].u0 = p.u0
			pieces = append(pieces[:i], pieces[i+1:]...)
			continue
		}
		if i > 0 && page(pieces[i-1]) == page(p) && units[p.u1-1].end-units[pieces[i-1].u0].start <= budget {
			pieces[i-1].u1 = p.u1
			pieces = append(pieces[:i], pieces[i+1:]...)
			continue
		}
		i++
	}

	// Overlap: whole tail units of the previous piece, same section.
	for i := 1; i < len(pieces); i++ {
		prev, cur := pieces[i-1], &pieces[i]
		first := units[cur.u0]
		end := units[cur.u1-1].end
		if opt.OverlapChars == 0 || units[prev.u1-1].sec != first.sec || prev.u1 != cur.u0 {
			continue
		}
		k := cur.u0
		for k-1 > prev.u0 && units[k-1].sec == first.sec &&
			first.start-units[k-1].start <= opt.OverlapChars &&
			end-units[k-1].start <= opt.TargetChars {
			k--
		}
		cur.ov = cur.u0 - k
	}

	out := make([]Chunk, 0, len(pieces))
	for _, p := range pieces {
		s0 := p.u0 - p.ov
		start, end := units[s0].start, units[p.u1-1].end
		c := Chunk{
			Ordinal: len(out),
			Text:    text[start:end],
			Start:   start,
			End:     end,
			Overlap: units[p.u0].start - start,
			Page:    doc.Blocks[units[s0].block].Page,
			Heading: chunkHeading(doc, units[p.u0:p.u1]),
		}
		out = append(out, c)
	}
	return out
}

// packSection packs units[i:j] (one section) into pieces of at most budget
// bytes, rebalancing the last two when the last is shorter than minChars.
func packSection(units []unit, i, j, budget, minChars int) []piece {
	var ps []piece
	cur := piece{u0: i, u1: i}
	for k := i; k < j; k++ {
		if cur.u1 > cur.u0 {
			cut := units[k].end-units[cur.u0].start > budget
			if !cut && units[k].block != units[k-1].block && units[k-1].end-units[cur.u0].start >= budget*2/3 {
				// Prefer ending at a block boundary over cutting the next
				// block when the chunk is already well filled.
				e := k
				for e < j && units[e].block == units[k].block {
					e++
				}
				cut = units[e-1].end-units[cur.u0].start > budget
			}
			if cut {
				ps = append(ps, cur)
				cur = piece{u0: k, u1: k}
			}
		}
		cur.u1 = k + 1
	}
	ps = append(ps, cur)
	if n := len(ps); n >= 2 {
		a, b := ps[n-2], ps[n-1]
		if units[b.u1-1].end-units[b.u0].start < minChars {
			// Move the split point back while both halves get closer in
			// size and the last one still fits.
			lo, hi := a.u0, b.u1
			best := b.u0
			total := units[hi-1].end - units[lo].start
			for s := b.u0 - 1; s > lo; s-- {
				right := units[hi-1].end - units[s].start
				if right > budget || right > total/2+budget/8 {
					break
				}
				best = s
			}
			ps[n-2].u1, ps[n-1].u0 = best, best
		}
	}
	return ps
}

// chunkHeading is the common heading path of the chunk's non-heading
// blocks (all blocks when it holds only headings).
func chunkHeading(doc *loaders.Document, us []unit) []string {
	var path []string
	found := false
	for pass := 0; pass < 2 && !found; pass++ {
		last := -1
		for _, u := range us {
			if u.block == last {
				continue
			}
			last = u.block
			b := doc.Blocks[u.block]
			if pass == 0 && b.Kind == loaders.KindHeading {
				continue
			}
			if !found {
				path, found = b.Heading, true
				continue
			}
			n := 0
			for n < len(path) && n < len(b.Heading) && path[n] == b.Heading[n] {
				n++
			}
			path = path[:n]
		}
	}
	if len(path) == 0 {
		return nil
	}
	return append([]string(nil), path...)
}

func samePath(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// blockUnits returns trimmed [start, end) spans of b.Text, each at most
// budget bytes.
func blockUnits(b loaders.Block, budget int) [][2]int {
	s := b.Text
	var spans [][2]int
	switch b.Kind {
	case loaders.KindParagraph, loaders.KindHeading, "":
		spans = sentences(s)
	default:
		spans = lines(s, 0, len(s))
	}
	var out [][2]int
	for _, sp := range spans {
		if sp[1]-sp[0] <= budget {
			out = append(out, sp)
			continue
		}
		for _, l := range lines(s, sp[0], sp[1]) {
			out = append(out, fit(s, l[0], l[1], budget)...)
		}
	}
	return out
}

// lines splits s[start:end] at newlines into trimmed non-empty spans.
func lines(s string, start, end int) [][2]int {
	var out [][2]int
	for start < end {
		nl := strings.IndexByte(s[start:end], '\n')
		e := end
		if nl >= 0 {
			e = start + nl
		}
		if sp, ok := trim(s, start, e); ok {
			out = append(out, sp)
		}
		start = e + 1
	}
	return out
}

// fit cuts s[start:end] into spans of at most budget bytes at spaces, or at
// character boundaries when a word is longer than budget.
func fit(s string, start, end, budget int) [][2]int {
	var out [][2]int
	for {
		sp, ok := trim(s, start, end)
		if !ok {
			return out
		}
		start, end = sp[0], sp[1]
		if end-start <= budget {
			return append(out, sp)
		}
		cut := start + budget
		for cut > start && !utf8.RuneStart(s[cut]) {
			cut--
		}
		// Prefer the last space in the second half of the window.
		if sp := strings.LastIndexFunc(s[start:cut+1], unicode.IsSpace); sp > budget/2 {
			cut = start + sp
		}
		if cut <= start { // cannot happen for budget >= 4, but never loop forever
			_, n := utf8.DecodeRuneInString(s[start:])
			cut = start + n
		}
		if p, ok := trim(s, start, cut); ok {
			out = append(out, p)
		}
		start = cut
	}
}

func trim(s string, start, end int) ([2]int, bool) {
	for start < end {
		r, n := utf8.DecodeRuneInString(s[start:end])
		if !unicode.IsSpace(r) {
			break
		}
		start += n
	}
	for end > start {
		r, n := utf8.DecodeLastRuneInString(s[start:end])
		if !unicode.IsSpace(r) {
			break
		}
		end -= n
	}
	return [2]int{start, end}, end > start
}
