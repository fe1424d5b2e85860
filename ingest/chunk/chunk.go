// Package chunk splits a loaders.Document into overlapping, structure-aware
// chunks of about Options.TargetChars characters.
package chunk

import "github.com/docent-dev/docent/ingest/loaders"

// Options control chunk sizes. Sizes are counted in bytes of UTF-8 text
// (close to characters for most text).
type Options struct {
	TargetChars  int // aim for chunks about this long (default 1000)
	OverlapChars int // carry up to this much of the previous chunk's tail, same section only (default 150)
	MinChars     int // merge chunks shorter than this with a neighbour in the same section (default 200)
}

// DefaultOptions returns TargetChars 1000, OverlapChars 150, MinChars 200.
func DefaultOptions() Options { return Options{TargetChars: 1000, OverlapChars: 150, MinChars: 200} }

// Chunk is one piece of a document.
//
// Offsets are byte offsets into doc.Text(). Text includes the overlap carried
// from the previous chunk, and Start points at the first byte included, so
// doc.Text()[Start:End] == Text always holds. Overlap is the number of bytes
// at the start of Text that repeat the previous chunk (0 for the first chunk
// of a section); Text[Overlap:] is the chunk's own new text.
type Chunk struct {
	Ordinal    int
	Text       string
	Start, End int
	Overlap    int
	Page       int      // page of the chunk's first block (0 when not paged)
	Heading    []string // heading path in force
}

// Split cuts doc into chunks.
func Split(doc *loaders.Document, opt Options) []Chunk {
	return nil
}
