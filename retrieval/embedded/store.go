// Package embedded is docent's default Store: one SQLite database (pure Go,
// modernc.org/sqlite, no cgo) in the data directory, WAL mode, FTS5 BM25
// over analyzed text, and an exact dense-vector scan fused by RRF.
package embedded

import (
	"context"
	"crypto/sha1"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/docent-dev/docent/retrieval"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Options tune the store.
type Options struct {
	// TitleWeight is the BM25 weight of the title/heading column relative
	// to the body (1.0).
	TitleWeight float64
	// RRFK is the reciprocal-rank-fusion constant for hybrid search.
	RRFK int
}

// DefaultOptions are tuned on SciFact's train qrels (see docs/PERFORMANCE.md).
func DefaultOptions() Options { return Options{TitleWeight: 1.0, RRFK: retrieval.DefaultRRFK} }

// Store implements retrieval.Store on SQLite.
type Store struct {
	db   *sql.DB
	opt  Options
	path string
	// wmu serialises writers: SQLite allows one writer at a time and
	// waiting here is cheaper and fairer than busy-retrying in the driver.
	wmu sync.Mutex
}

var _ retrieval.Store = (*Store)(nil)

// Open opens (creating if needed) the store in dir/docent.db.
func Open(ctx context.Context, dir string, opt Options) (*Store, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("create data dir: %w", err)
	}
	if opt.TitleWeight == 0 {
		opt.TitleWeight = DefaultOptions().TitleWeight
	}
	if opt.RRFK == 0 {
		opt.RRFK = retrieval.DefaultRRFK
	}
	path := filepath.Join(dir, "docent.db")
	dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	s := &Store{db: db, opt: opt, path: path}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

func (s *Store) migrate(ctx context.Context) error {
	var v int
	if err := s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return fmt.Errorf("read schema version of %s: %w", s.path, err)
	}
	if v > schemaVersion {
		return fmt.Errorf("%s has schema version %d, newer than this docent (%d): upgrade docent", s.path, v, schemaVersion)
	}
	if _, err := s.db.ExecContext(ctx, schema); err != nil {
		return fmt.Errorf("create schema: %w", err)
	}
	if _, err := s.db.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", schemaVersion)); err != nil {
		return fmt.Errorf("set schema version: %w", err)
	}
	return nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Ping checks the database answers.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	if err := s.db.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("embedded store: %w", err)
	}
	return nil
}

// collToken is the FTS token that marks a collection's rows.
func collToken(name string) string {
	h := sha1.Sum([]byte(name))
	return "c" + hex.EncodeToString(h[:8])
}

func chunkID(docID string, version, ordinal int) string {
	return fmt.Sprintf("%s:v%d:%d", docID, version, ordinal)
}

// PutDocument inserts or atomically replaces a document and its chunks.
func (s *Store) PutDocument(ctx context.Context, doc retrieval.Document, chunks []retrieval.Chunk) (retrieval.PutResult, error) {
	if doc.ID == "" || doc.ContentHash == "" {
		return retrieval.PutResult{}, fmt.Errorf("%w: document id and content hash are required", retrieval.ErrInvalid)
	}
	if doc.Collection == "" {
		doc.Collection = retrieval.DefaultCollection
	}
	meta := doc.Metadata
	if meta == nil {
		meta = map[string]any{}
	}
	metaJSON, err := json.Marshal(meta)
	if err != nil {
		return retrieval.PutResult{}, fmt.Errorf("%w: metadata: %v", retrieval.ErrInvalid, err)
	}

	s.wmu.Lock()
	defer s.wmu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return retrieval.PutResult{}, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after Commit

	now := time.Now().UTC()
	old, err := getDocument(ctx, tx, doc.ID)
	switch {
	case err == nil:
		if old.Collection != doc.Collection {
			return retrieval.PutResult{}, fmt.Errorf("%w: document %s already exists in collection %q", retrieval.ErrConflict, doc.ID, old.Collection)
		}
		if old.ContentHash == doc.ContentHash && sameJSON(old.Metadata, meta) && old.Title == doc.Title {
			return retrieval.PutResult{Status: retrieval.StatusUnchanged, Document: old}, nil
		}
	case errors.Is(err, retrieval.ErrNotFound):
		var dupID string
		err := tx.QueryRowContext(ctx, `SELECT id FROM documents WHERE collection = ? AND content_hash = ? LIMIT 1`, doc.Collection, doc.ContentHash).Scan(&dupID)
		if err == nil {
			d, err := getDocument(ctx, tx, dupID)
			if err != nil {
				return retrieval.PutResult{}, err
			}
			return retrieval.PutResult{Status: retrieval.StatusDuplicate, Document: d}, nil
		} else if !errors.Is(err, sql.ErrNoRows) {
			return retrieval.PutResult{}, fmt.Errorf("duplicate check: %w", err)
		}
	default:
		return retrieval.PutResult{}, err
	}

	if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO collections(name, created_at) VALUES (?, ?)`, doc.Collection, now.UnixNano()); err != nil {
		return retrieval.PutResult{}, fmt.Errorf("create collection: %w", err)
	}
	status := retrieval.StatusCreated
	doc.Version = 1
	doc.CreatedAt = now
	if old.ID != "" {
		status = retrieval.StatusUpdated
		doc.Version = old.Version + 1
		doc.CreatedAt = old.CreatedAt
		if err := deleteChunks(ctx, tx, doc.ID); err != nil {
			return retrieval.PutResult{}, err
		}
	}
	doc.UpdatedAt = now
	doc.ChunkCount = len(chunks)
	doc.Metadata = meta
	_, err = tx.ExecContext(ctx, `INSERT INTO documents(id, collection, source, title, format, content_hash, version, size, metadata, chunk_count, created_at, updated_at)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?)
		ON CONFLICT(id) DO UPDATE SET source=excluded.source, title=excluded.title, format=excluded.format,
			content_hash=excluded.content_hash, version=excluded.version, size=excluded.size, metadata=excluded.metadata,
			chunk_count=excluded.chunk_count, updated_at=excluded.updated_at`,
		doc.ID, doc.Collection, doc.Source, doc.Title, doc.Format, doc.ContentHash, doc.Version, doc.Size, string(metaJSON),
		doc.ChunkCount, doc.CreatedAt.UnixNano(), doc.UpdatedAt.UnixNano())
	if err != nil {
		return retrieval.PutResult{}, fmt.Errorf("write document: %w", err)
	}
	insChunk, err := tx.PrepareContext(ctx, `INSERT INTO chunks(id, document_id, version, ordinal, text, start_off, end_off, page, heading, vector) VALUES (?,?,?,?,?,?,?,?,?,?)`)
	if err != nil {
		return retrieval.PutResult{}, fmt.Errorf("prepare: %w", err)
	}
	defer insChunk.Close()
	insFTS, err := tx.PrepareContext(ctx, `INSERT INTO chunks_fts(rowid, coll, title, body) VALUES (?,?,?,?)`)
	if err != nil {
		return retrieval.PutResult{}, fmt.Errorf("prepare: %w", err)
	}
	defer insFTS.Close()
	ct := collToken(doc.Collection)
	titleTerms := retrieval.AnalyzeString(doc.Title)
	for i, c := range chunks {
		heading, _ := json.Marshal(nonNil(c.Heading))
		res, err := insChunk.ExecContext(ctx, chunkID(doc.ID, doc.Version, i), doc.ID, doc.Version, i, c.Text, c.Start, c.End, c.Page, string(heading), encodeVector(c.Vector))
		if err != nil {
			return retrieval.PutResult{}, fmt.Errorf("write chunk %d: %w", i, err)
		}
		rowid, err := res.LastInsertId()
		if err != nil {
			return retrieval.PutResult{}, fmt.Errorf("chunk rowid: %w", err)
		}
		t := titleTerms
		if len(c.Heading) > 0 {
			t += " " + retrieval.AnalyzeString(strings.Join(c.Heading, " "))
		}
		if _, err := insFTS.ExecContext(ctx, rowid, ct, t, retrieval.AnalyzeString(c.Text)); err != nil {
			return retrieval.PutResult{}, fmt.Errorf("index chunk %d: %w", i, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return retrieval.PutResult{}, fmt.Errorf("commit: %w", err)
	}
	return retrieval.PutResult{Status: status, Document: doc}, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func sameJSON(a, b map[string]any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

type queryer interface {
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
}

func deleteChunks(ctx context.Context, q queryer, docID string) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM chunks_fts WHERE rowid IN (SELECT rowid FROM chunks WHERE document_id = ?)`, docID); err != nil {
		return fmt.Errorf("unindex chunks of %s: %w", docID, err)
	}
	if _, err := q.ExecContext(ctx, `DELETE FROM chunks WHERE document_id = ?`, docID); err != nil {
		return fmt.Errorf("delete chunks of %s: %w", docID, err)
	}
	return nil
}

const docColumns = `id, collection, source, title, format, content_hash, version, size, metadata, chunk_count, created_at, updated_at`

type scanner interface{ Scan(dest ...any) error }

func scanDocument(r scanner) (retrieval.Document, error) {
	var d retrieval.Document
	var meta string
	var created, updated int64
	if err := r.Scan(&d.ID, &d.Collection, &d.Source, &d.Title, &d.Format, &d.ContentHash, &d.Version, &d.Size, &meta, &d.ChunkCount, &created, &updated); err != nil {
		return d, err
	}
	if err := json.Unmarshal([]byte(meta), &d.Metadata); err != nil {
		return d, fmt.Errorf("metadata of %s: %w", d.ID, err)
	}
	d.CreatedAt = time.Unix(0, created).UTC()
	d.UpdatedAt = time.Unix(0, updated).UTC()
	return d, nil
}

func getDocument(ctx context.Context, q queryer, id string) (retrieval.Document, error) {
	d, err := scanDocument(q.QueryRowContext(ctx, `SELECT `+docColumns+` FROM documents WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return d, fmt.Errorf("document %q: %w", id, retrieval.ErrNotFound)
	}
	if err != nil {
		return d, fmt.Errorf("read document %q: %w", id, err)
	}
	return d, nil
}

// GetDocument returns a document's live version.
func (s *Store) GetDocument(ctx context.Context, id string) (retrieval.Document, error) {
	return getDocument(ctx, s.db, id)
}

// ListDocuments pages through documents, oldest first.
func (s *Store) ListDocuments(ctx context.Context, opt retrieval.ListOptions) ([]retrieval.Document, int, error) {
	if opt.Limit <= 0 {
		opt.Limit = 50
	}
	where, args := "", []any{}
	if opt.Collection != "" {
		where, args = " WHERE collection = ?", append(args, opt.Collection)
	}
	var total int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM documents`+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count documents: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+docColumns+` FROM documents`+where+` ORDER BY created_at, id LIMIT ? OFFSET ?`, append(args, opt.Limit, opt.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("list documents: %w", err)
	}
	defer rows.Close()
	docs := []retrieval.Document{}
	for rows.Next() {
		d, err := scanDocument(rows)
		if err != nil {
			return nil, 0, err
		}
		docs = append(docs, d)
	}
	return docs, total, rows.Err()
}

const chunkColumns = `c.id, c.document_id, c.ordinal, c.text, c.start_off, c.end_off, c.page, c.heading`

// Chunks returns a document's live chunks in order.
func (s *Store) Chunks(ctx context.Context, id string) ([]retrieval.Chunk, error) {
	if _, err := s.GetDocument(ctx, id); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+chunkColumns+`, c.vector FROM chunks c WHERE c.document_id = ? ORDER BY c.ordinal`, id)
	if err != nil {
		return nil, fmt.Errorf("read chunks of %s: %w", id, err)
	}
	defer rows.Close()
	var out []retrieval.Chunk
	for rows.Next() {
		var c retrieval.Chunk
		var heading string
		var vec []byte
		if err := rows.Scan(&c.ID, &c.DocumentID, &c.Ordinal, &c.Text, &c.Start, &c.End, &c.Page, &heading, &vec); err != nil {
			return nil, fmt.Errorf("read chunk: %w", err)
		}
		_ = json.Unmarshal([]byte(heading), &c.Heading)
		c.Vector = decodeVector(vec)
		out = append(out, c)
	}
	return out, rows.Err()
}

// DeleteDocument removes a document and all its chunks.
func (s *Store) DeleteDocument(ctx context.Context, id string) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck
	if _, err := getDocument(ctx, tx, id); err != nil {
		return err
	}
	if err := deleteChunks(ctx, tx, id); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM documents WHERE id = ?`, id); err != nil {
		return fmt.Errorf("delete document %s: %w", id, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// Search runs BM25 over Text and, when Vector is set, an exact dense scan;
// with both, the lists are fused by RRF.
func (s *Store) Search(ctx context.Context, q retrieval.Query) ([]retrieval.Hit, error) {
	if q.Collection == "" {
		q.Collection = retrieval.DefaultCollection
	}
	if q.TopK <= 0 {
		q.TopK = 10
	}
	if q.TopK > 1000 {
		return nil, fmt.Errorf("%w: top_k %d exceeds 1000", retrieval.ErrInvalid, q.TopK)
	}
	fwhere, fargs, err := filterSQL(q.Filters)
	if err != nil {
		return nil, err
	}
	var lists [][]retrieval.Hit
	if strings.TrimSpace(q.Text) != "" {
		hits, err := s.searchBM25(ctx, q, fwhere, fargs)
		if err != nil {
			return nil, err
		}
		lists = append(lists, hits)
	}
	if len(q.Vector) > 0 {
		hits, err := s.searchDense(ctx, q, fwhere, fargs)
		if err != nil {
			return nil, err
		}
		lists = append(lists, hits)
	}
	switch len(lists) {
	case 0:
		return []retrieval.Hit{}, nil
	case 1:
		return lists[0], nil
	}
	fused := retrieval.FuseRRF(s.opt.RRFK, lists...)
	if len(fused) > q.TopK {
		fused = fused[:q.TopK]
	}
	return fused, nil
}

// ftsQuery builds an FTS5 query: the collection token AND any of the terms.
func ftsQuery(collection, text string) string {
	seen := map[string]bool{}
	var terms []string
	for _, t := range retrieval.Analyze(text) {
		if !seen[t] {
			seen[t] = true
			terms = append(terms, `"`+strings.ReplaceAll(t, `"`, `""`)+`"`)
		}
	}
	if len(terms) == 0 {
		return ""
	}
	return "coll:" + collToken(collection) + " AND {title body}:(" + strings.Join(terms, " OR ") + ")"
}

const hitColumns = chunkColumns + `, d.id, d.collection, d.source, d.title, d.format, d.content_hash, d.version, d.size, d.metadata, d.chunk_count, d.created_at, d.updated_at`

func scanHit(rows *sql.Rows, extra ...any) (retrieval.Hit, error) {
	var h retrieval.Hit
	var heading, meta string
	var created, updated int64
	d := &h.Document
	dest := []any{&h.Chunk.ID, &h.Chunk.DocumentID, &h.Chunk.Ordinal, &h.Chunk.Text, &h.Chunk.Start, &h.Chunk.End, &h.Chunk.Page, &heading,
		&d.ID, &d.Collection, &d.Source, &d.Title, &d.Format, &d.ContentHash, &d.Version, &d.Size, &meta, &d.ChunkCount, &created, &updated}
	if err := rows.Scan(append(dest, extra...)...); err != nil {
		return h, fmt.Errorf("read hit: %w", err)
	}
	_ = json.Unmarshal([]byte(heading), &h.Chunk.Heading)
	_ = json.Unmarshal([]byte(meta), &d.Metadata)
	d.CreatedAt = time.Unix(0, created).UTC()
	d.UpdatedAt = time.Unix(0, updated).UTC()
	return h, nil
}

func (s *Store) searchBM25(ctx context.Context, q retrieval.Query, fwhere string, fargs []any) ([]retrieval.Hit, error) {
	fq := ftsQuery(q.Collection, q.Text)
	if fq == "" {
		return []retrieval.Hit{}, nil
	}
	// bm25() returns lower-is-better; negate for a higher-is-better score.
	// The ranking runs inside FTS5 (ORDER BY rank with LIMIT keeps only the
	// best rows); only those rows are joined to their chunk and document.
	// With filters every match is ranked, so that a selective filter
	// cannot empty the top k.
	limit := fmt.Sprintf(" LIMIT %d", q.TopK)
	if fwhere != "" {
		limit = ""
	}
	query := fmt.Sprintf(`SELECT %s, -r.score AS score
		FROM (SELECT rowid, bm25(chunks_fts, 0.0, %g, 1.0) AS score FROM chunks_fts WHERE chunks_fts MATCH ? ORDER BY score%s) r
		JOIN chunks c ON c.rowid = r.rowid JOIN documents d ON d.id = c.document_id
		WHERE 1=1%s ORDER BY r.score LIMIT ?`, hitColumns, s.opt.TitleWeight, limit, fwhere)
	args := append([]any{fq}, fargs...)
	rows, err := s.db.QueryContext(ctx, query, append(args, q.TopK)...)
	if err != nil {
		return nil, fmt.Errorf("bm25 search: %w", err)
	}
	defer rows.Close()
	hits := []retrieval.Hit{}
	for rows.Next() {
		var score float64
		h, err := scanHit(rows, &score)
		if err != nil {
			return nil, err
		}
		h.Score = score
		hits = append(hits, h)
	}
	return hits, rows.Err()
}

func (s *Store) searchDense(ctx context.Context, q retrieval.Query, fwhere string, fargs []any) ([]retrieval.Hit, error) {
	query := fmt.Sprintf(`SELECT c.rowid, c.vector FROM chunks c JOIN documents d ON d.id = c.document_id
		WHERE d.collection = ? AND c.vector IS NOT NULL%s`, fwhere)
	rows, err := s.db.QueryContext(ctx, query, append([]any{q.Collection}, fargs...)...)
	if err != nil {
		return nil, fmt.Errorf("dense search: %w", err)
	}
	type scored struct {
		rowid int64
		score float64
	}
	var best []scored
	qn := norm(q.Vector)
	for rows.Next() {
		var rowid int64
		var blob []byte
		if err := rows.Scan(&rowid, &blob); err != nil {
			rows.Close()
			return nil, fmt.Errorf("dense search: %w", err)
		}
		if len(blob) != 4*len(q.Vector) {
			rows.Close()
			return nil, fmt.Errorf("%w: query vector has %d dimensions, stored vectors have %d", retrieval.ErrInvalid, len(q.Vector), len(blob)/4)
		}
		best = append(best, scored{rowid, cosineBlob(q.Vector, qn, blob)})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sort.Slice(best, func(i, j int) bool { return best[i].score > best[j].score })
	if len(best) > q.TopK {
		best = best[:q.TopK]
	}
	hits := make([]retrieval.Hit, 0, len(best))
	for _, b := range best {
		rows, err := s.db.QueryContext(ctx, `SELECT `+hitColumns+` FROM chunks c JOIN documents d ON d.id = c.document_id WHERE c.rowid = ?`, b.rowid)
		if err != nil {
			return nil, fmt.Errorf("dense search: %w", err)
		}
		if rows.Next() {
			h, err := scanHit(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			h.Score = b.score
			hits = append(hits, h)
		}
		rows.Close()
	}
	return hits, nil
}

func encodeVector(v []float32) []byte {
	if len(v) == 0 {
		return nil
	}
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return b
}

func decodeVector(b []byte) []float32 {
	if len(b) == 0 {
		return nil
	}
	v := make([]float32, len(b)/4)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return v
}

func norm(v []float32) float64 {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	return math.Sqrt(s)
}

func cosineBlob(q []float32, qn float64, b []byte) float64 {
	var dot, bn float64
	for i := range q {
		x := float64(math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:])))
		dot += float64(q[i]) * x
		bn += x * x
	}
	if qn == 0 || bn == 0 {
		return 0
	}
	return dot / (qn * math.Sqrt(bn))
}

// TermStats returns, for each analyzed term, the number of indexed chunks
// containing it, and the total number of chunks. The agent uses it to
// weight question terms (IDF) when it picks answer sentences.
func (s *Store) TermStats(ctx context.Context, terms []string) (df map[string]int, total int, err error) {
	df = make(map[string]int, len(terms))
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM chunks`).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("term stats: %w", err)
	}
	for _, t := range terms {
		if _, ok := df[t]; ok {
			continue
		}
		var n int
		err := s.db.QueryRowContext(ctx, `SELECT doc FROM chunks_vocab WHERE term = ?`, t).Scan(&n)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, 0, fmt.Errorf("term stats: %w", err)
		}
		df[t] = n
	}
	return df, total, nil
}
