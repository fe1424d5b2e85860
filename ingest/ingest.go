// Package ingest turns files and texts into stored, searchable chunks:
// detect -> load -> chunk -> embed -> store. Re-ingesting a source with new
// content replaces the old version atomically (the store's guarantee);
// identical bytes are detected by content hash and not written again.
package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/docent-dev/docent/ingest/chunk"
	"github.com/docent-dev/docent/ingest/loaders"
	"github.com/docent-dev/docent/retrieval"
)

// Embedder computes dense vectors for chunk texts. Optional: without one,
// documents are indexed for BM25 only.
type Embedder interface {
	Embed(ctx context.Context, texts []string) ([][]float32, error)
}

// Pipeline ingests documents into a store.
type Pipeline struct {
	Store    retrieval.Store
	Embedder Embedder // may be nil
	Limits   loaders.Limits
	Chunking chunk.Options
	Log      *slog.Logger
}

// Input is one document to ingest. Either Data (file bytes, format detected
// from content) or Text (plain text) is set.
type Input struct {
	Collection string
	ID         string // optional; default derived from collection + source
	Source     string // file name or URL; required for files
	Title      string // optional; default from the document, else the file name
	Metadata   map[string]any
	Data       []byte
	Text       string
}

// Result reports what happened to one input.
type Result struct {
	ID         string              `json:"id"`
	Collection string              `json:"collection"`
	Source     string              `json:"source"`
	Title      string              `json:"title"`
	Format     string              `json:"format"`
	Status     retrieval.PutStatus `json:"status"`
	Version    int                 `json:"version"`
	Chunks     int                 `json:"chunks"`
	UpdatedAt  time.Time           `json:"updated_at"`
	DurationMS float64             `json:"duration_ms"`
}

// ErrInvalid marks bad input that is not a loader error (bad id, missing source).
var ErrInvalid = errors.New("invalid input")

var idPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$`)
var collPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// ValidateCollection checks a collection name.
func ValidateCollection(c string) error {
	if !collPattern.MatchString(c) {
		return fmt.Errorf("%w: collection %q: 1-64 letters, digits, . _ - (starting with a letter or digit)", ErrInvalid, c)
	}
	return nil
}

// DocumentID derives the stable id of a source in a collection, so that
// re-uploading a file of the same name replaces its previous version.
func DocumentID(collection, source string) string {
	h := sha256.Sum256([]byte(collection + "\x00" + source))
	return "doc_" + hex.EncodeToString(h[:10])
}

// Ingest loads, chunks, embeds and stores one input.
func (p *Pipeline) Ingest(ctx context.Context, in Input) (Result, error) {
	start := time.Now()
	if in.Collection == "" {
		in.Collection = retrieval.DefaultCollection
	}
	if err := ValidateCollection(in.Collection); err != nil {
		return Result{}, err
	}
	if in.ID != "" && !idPattern.MatchString(in.ID) {
		return Result{}, fmt.Errorf("%w: document id %q: 1-128 letters, digits, . _ : @ -", ErrInvalid, in.ID)
	}
	if len(in.Source) > 1024 {
		return Result{}, fmt.Errorf("%w: source is longer than 1024 bytes", ErrInvalid)
	}
	var (
		doc  *loaders.Document
		err  error
		hash [32]byte
		size int64
	)
	if in.Data != nil {
		if in.Source == "" {
			return Result{}, fmt.Errorf("%w: a file needs a name (its source)", ErrInvalid)
		}
		doc, err = loaders.Load(ctx, in.Source, in.Data, p.Limits)
		hash, size = sha256.Sum256(in.Data), int64(len(in.Data))
	} else {
		if in.Source == "" {
			in.Source = in.ID
		}
		if in.Source == "" {
			return Result{}, fmt.Errorf("%w: a text document needs an id or a source", ErrInvalid)
		}
		doc, err = loaders.LoadAs(ctx, loaders.FormatText, in.Source, []byte(in.Text), p.Limits)
		hash, size = sha256.Sum256([]byte(in.Text)), int64(len(in.Text))
	}
	if err != nil {
		return Result{}, err
	}
	if in.ID == "" {
		in.ID = DocumentID(in.Collection, in.Source)
	}
	title := strings.TrimSpace(in.Title)
	if title == "" {
		title = strings.TrimSpace(doc.Title)
	}
	if title == "" {
		base := filepath.Base(in.Source)
		title = strings.TrimSuffix(base, filepath.Ext(base))
	}
	pieces := chunk.Split(doc, p.Chunking)
	if len(pieces) == 0 {
		return Result{}, fmt.Errorf("%s: no text to index: %w", in.Source, loaders.ErrEmpty)
	}
	chunks := make([]retrieval.Chunk, len(pieces))
	for i, c := range pieces {
		chunks[i] = retrieval.Chunk{Ordinal: i, Text: c.Text, Start: c.Start, End: c.End, Page: c.Page, Heading: c.Heading}
	}
	if p.Embedder != nil {
		texts := make([]string, len(chunks))
		for i, c := range chunks {
			texts[i] = c.Text
		}
		vecs, err := p.Embedder.Embed(ctx, texts)
		if err != nil {
			return Result{}, fmt.Errorf("embed %s: %w", in.Source, err)
		}
		if len(vecs) != len(chunks) {
			return Result{}, fmt.Errorf("embed %s: got %d vectors for %d chunks", in.Source, len(vecs), len(chunks))
		}
		for i := range chunks {
			chunks[i].Vector = vecs[i]
		}
	}
	rd := retrieval.Document{
		ID: in.ID, Collection: in.Collection, Source: in.Source, Title: title, Format: string(doc.Format),
		ContentHash: hex.EncodeToString(hash[:]), Size: size, Metadata: in.Metadata,
	}
	res, err := p.Store.PutDocument(ctx, rd, chunks)
	if err != nil {
		return Result{}, err
	}
	d := res.Document
	r := Result{ID: d.ID, Collection: d.Collection, Source: d.Source, Title: d.Title, Format: d.Format, Status: res.Status,
		Version: d.Version, Chunks: d.ChunkCount, UpdatedAt: d.UpdatedAt, DurationMS: float64(time.Since(start).Microseconds()) / 1000}
	if p.Log != nil {
		p.Log.LogAttrs(ctx, slog.LevelInfo, "ingested", slog.String("id", r.ID), slog.String("source", r.Source),
			slog.String("status", string(r.Status)), slog.Int("version", r.Version), slog.Int("chunks", r.Chunks),
			slog.Float64("ms", r.DurationMS))
	}
	return r, nil
}
