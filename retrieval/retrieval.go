// Package retrieval defines the document store contract shared by every
// backend (embedded SQLite, Qdrant), the text analyzer used for BM25, and
// rank fusion. Backends live in sub-packages; storetest holds the contract
// suite every backend must pass.
package retrieval

import (
	"context"
	"errors"
	"time"
)

// Sentinel errors returned (wrapped) by every Store.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("conflict")
	ErrInvalid  = errors.New("invalid request")
)

// DefaultCollection is used when a request names none.
const DefaultCollection = "default"

// Document is one logical source (a file, a record) in a collection. A
// document has exactly one live version at a time.
type Document struct {
	ID          string         `json:"id"`
	Collection  string         `json:"collection"`
	Source      string         `json:"source"`
	Title       string         `json:"title"`
	Format      string         `json:"format,omitempty"`
	ContentHash string         `json:"content_hash"`
	Version     int            `json:"version"`
	Size        int64          `json:"size"`
	Metadata    map[string]any `json:"metadata,omitempty"`
	ChunkCount  int            `json:"chunk_count"`
	CreatedAt   time.Time      `json:"created_at"`
	UpdatedAt   time.Time      `json:"updated_at"`
}

// Chunk is a retrievable span of a document version.
type Chunk struct {
	ID         string    `json:"id"`
	DocumentID string    `json:"document_id"`
	Ordinal    int       `json:"ordinal"`
	Text       string    `json:"text"`
	Start      int       `json:"start"`
	End        int       `json:"end"`
	Page       int       `json:"page,omitempty"`
	Heading    []string  `json:"heading,omitempty"`
	Vector     []float32 `json:"-"` // dense embedding; nil until an embedder is configured
}

// PutStatus says what PutDocument did.
type PutStatus string

const (
	StatusCreated   PutStatus = "created"   // new document, version 1
	StatusUpdated   PutStatus = "updated"   // new content replaced the old version
	StatusUnchanged PutStatus = "unchanged" // same id, same bytes: nothing written
	StatusDuplicate PutStatus = "duplicate" // same bytes already stored under another id in the collection
)

// PutResult reports the outcome of PutDocument; Document is the live version
// after the call (for StatusDuplicate, the existing document).
type PutResult struct {
	Status   PutStatus `json:"status"`
	Document Document  `json:"document"`
}

// ListOptions pages through documents.
type ListOptions struct {
	Collection string
	Limit      int
	Offset     int
}

// Filter restricts search to chunks whose document metadata (or the
// built-in fields "source", "title", "document_id") match. Exactly one of
// Eq, In, Gte/Lte is used.
type Filter struct {
	Key string `json:"key"`
	Eq  any    `json:"eq,omitempty"`
	In  []any  `json:"in,omitempty"`
	Gte any    `json:"gte,omitempty"`
	Lte any    `json:"lte,omitempty"`
}

// Query is a search request. Text drives BM25; Vector (when set and the
// backend has vectors) drives dense search; both together are fused.
type Query struct {
	Collection string
	Text       string
	Vector     []float32
	TopK       int
	Filters    []Filter
}

// Hit is one retrieved chunk with its document and score (higher is better).
type Hit struct {
	Chunk    Chunk    `json:"chunk"`
	Document Document `json:"document"`
	Score    float64  `json:"score"`
}

// Store is the contract every backend implements. Implementations are safe
// for concurrent use. PutDocument is atomic: readers see the old version or
// the new one, never a mix, and a crash leaves the old version intact.
type Store interface {
	// PutDocument inserts or replaces doc with chunks. doc.ID and
	// doc.ContentHash are required; Version, timestamps and ChunkCount are
	// assigned by the store.
	PutDocument(ctx context.Context, doc Document, chunks []Chunk) (PutResult, error)
	GetDocument(ctx context.Context, id string) (Document, error)
	ListDocuments(ctx context.Context, opt ListOptions) (docs []Document, total int, err error)
	// Chunks returns the live chunks of a document in order.
	Chunks(ctx context.Context, id string) ([]Chunk, error)
	DeleteDocument(ctx context.Context, id string) error
	Search(ctx context.Context, q Query) ([]Hit, error)
	// Ping reports whether the store is usable (for readiness).
	Ping(ctx context.Context) error
	Close() error
}
