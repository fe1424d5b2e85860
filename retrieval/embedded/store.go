// Package embedded is docent's default Store: one SQLite database (pure Go,
// modernc.org/sqlite, no cgo) in the data directory, WAL mode, as the
// source of truth, with an in-memory BM25 index and dense vectors per
// collection (bm25.go) for search; BM25 and dense lists are fused by RRF.
package embedded

import (
	"context"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
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
func DefaultOptions() Options { return Options{TitleWeight: 2.0, RRFK: retrieval.DefaultRRFK} }

// Store implements retrieval.Store on SQLite.
type Store struct {
	db   *sql.DB
	opt  Options
	path string
	// wmu serialises writers: SQLite allows one writer at a time and
	// waiting here is cheaper and fairer than busy-retrying in the driver.
	wmu sync.Mutex
	// imu guards the in-memory index. Writers hold it exclusively from
	// commit until the index reflects the commit; readers hold it shared
	// from scoring until their rows are read, so index and database always
	// agree for a reader (old version or new, never a mix or a gap).
	imu   sync.RWMutex
	colls map[string]*collIndex
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
	s := &Store{db: db, opt: opt, path: path, colls: map[string]*collIndex{}}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := s.loadIndex(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// loadIndex rebuilds the in-memory index from the stored term vectors.
func (s *Store) loadIndex(ctx context.Context) error {
	rows, err := s.db.QueryContext(ctx, `SELECT c.rowid, d.collection, c.terms, c.vector FROM chunks c JOIN documents d ON d.id = c.document_id ORDER BY c.rowid`)
	if err != nil {
		return fmt.Errorf("load index: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var rowid int64
		var coll string
		var terms, vec []byte
		if err := rows.Scan(&rowid, &coll, &terms, &vec); err != nil {
			return fmt.Errorf("load index: %w", err)
		}
		tv, err := decodeTermVector(terms)
		if err != nil {
			return fmt.Errorf("load index: chunk %d: %w", rowid, err)
		}
		s.coll(coll).add(rowid, tv, decodeVector(vec))
	}
	return rows.Err()
}

func (s *Store) coll(name string) *collIndex {
	ix, ok := s.colls[name]
	if !ok {
		ix = newCollIndex()
		s.colls[name] = ix
	}
	return ix
}

// indexChange is applied to the in-memory index after a commit.
type indexChange struct {
	collection string
	removed    []indexedChunk
	added      []indexedChunk
}

type indexedChunk struct {
	rowid int64
	tv    termVector
	vec   []float32
}

// commit commits tx and applies the index change atomically for readers.
func (s *Store) commit(tx *sql.Tx, ch indexChange) error {
	s.imu.Lock()
	defer s.imu.Unlock()
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	ix := s.coll(ch.collection)
	for _, c := range ch.removed {
		ix.remove(c.rowid, c.tv)
	}
	for _, c := range ch.added {
		ix.add(c.rowid, c.tv, c.vec)
	}
	return nil
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
	change := indexChange{collection: doc.Collection}
	status := retrieval.StatusCreated
	doc.Version = 1
	doc.CreatedAt = now
	if old.ID != "" {
		status = retrieval.StatusUpdated
		doc.Version = old.Version + 1
		doc.CreatedAt = old.CreatedAt
		removed, err := deleteChunks(ctx, tx, doc.ID)
		if err != nil {
			return retrieval.PutResult{}, err
		}
		change.removed = removed
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
	insChunk, err := tx.PrepareContext(ctx, `INSERT INTO chunks(id, document_id, version, ordinal, text, start_off, end_off, page, heading, terms, vector) VALUES (?,?,?,?,?,?,?,?,?,?,?)`)
	if err != nil {
		return retrieval.PutResult{}, fmt.Errorf("prepare: %w", err)
	}
	defer insChunk.Close()
	for i, c := range chunks {
		heading, _ := json.Marshal(nonNil(c.Heading))
		title := doc.Title
		if len(c.Heading) > 0 {
			title += "\n" + strings.Join(c.Heading, "\n")
		}
		tv := analyzeChunk(title, c.Text)
		res, err := insChunk.ExecContext(ctx, chunkID(doc.ID, doc.Version, i), doc.ID, doc.Version, i, c.Text, c.Start, c.End, c.Page, string(heading), tv.encode(), encodeVector(c.Vector))
		if err != nil {
			return retrieval.PutResult{}, fmt.Errorf("write chunk %d: %w", i, err)
		}
		rowid, err := res.LastInsertId()
		if err != nil {
			return retrieval.PutResult{}, fmt.Errorf("chunk rowid: %w", err)
		}
		change.added = append(change.added, indexedChunk{rowid, tv, c.Vector})
	}
	if err := s.commit(tx, change); err != nil {
		return retrieval.PutResult{}, err
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

// deleteChunks deletes a document's chunks and returns them for unindexing.
func deleteChunks(ctx context.Context, q queryer, docID string) ([]indexedChunk, error) {
	rows, err := q.QueryContext(ctx, `SELECT rowid, terms FROM chunks WHERE document_id = ?`, docID)
	if err != nil {
		return nil, fmt.Errorf("read chunks of %s: %w", docID, err)
	}
	var out []indexedChunk
	for rows.Next() {
		var c indexedChunk
		var terms []byte
		if err := rows.Scan(&c.rowid, &terms); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read chunks of %s: %w", docID, err)
		}
		if c.tv, err = decodeTermVector(terms); err != nil {
			rows.Close()
			return nil, fmt.Errorf("chunk %d of %s: %w", c.rowid, docID, err)
		}
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if _, err := q.ExecContext(ctx, `DELETE FROM chunks WHERE document_id = ?`, docID); err != nil {
		return nil, fmt.Errorf("delete chunks of %s: %w", docID, err)
	}
	return out, nil
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
	d, err := getDocument(ctx, tx, id)
	if err != nil {
		return err
	}
	removed, err := deleteChunks(ctx, tx, id)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM documents WHERE id = ?`, id); err != nil {
		return fmt.Errorf("delete document %s: %w", id, err)
	}
	return s.commit(tx, indexChange{collection: d.Collection, removed: removed})
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
	s.imu.RLock()
	defer s.imu.RUnlock()
	ix, ok := s.colls[q.Collection]
	if !ok {
		return []retrieval.Hit{}, nil
	}
	var allowed map[int64]bool
	if fwhere != "" {
		if allowed, err = s.allowedRows(ctx, q.Collection, fwhere, fargs); err != nil {
			return nil, err
		}
	}
	var lists [][]scored
	if strings.TrimSpace(q.Text) != "" {
		lists = append(lists, ix.bm25(queryTerms(q.Text), q.TopK, s.opt.TitleWeight, allowed))
	}
	if len(q.Vector) > 0 {
		l, err := ix.dense(q.Vector, q.TopK, allowed)
		if err != nil {
			return nil, err
		}
		lists = append(lists, l)
	}
	var ranked []scored
	switch len(lists) {
	case 0:
		return []retrieval.Hit{}, nil
	case 1:
		ranked = lists[0]
	default:
		ranked = fuseScored(s.opt.RRFK, q.TopK, lists...)
	}
	return s.hits(ctx, ranked)
}

func queryTerms(text string) []uint32 {
	seen := map[uint32]bool{}
	var ids []uint32
	for _, t := range retrieval.Analyze(text) {
		id := retrieval.TermID(t)
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids
}

// fuseScored fuses rowid lists with retrieval.RRF.
func fuseScored(k, topK int, lists ...[]scored) []scored {
	keys := make([][]int64, len(lists))
	for i, l := range lists {
		for _, sc := range l {
			keys[i] = append(keys[i], sc.rowid)
		}
	}
	order, score := retrieval.RRF(k, keys...)
	if len(order) > topK {
		order = order[:topK]
	}
	out := make([]scored, len(order))
	for i, row := range order {
		out[i] = scored{rowid: row, score: score[row]}
	}
	return out
}

// allowedRows returns the chunks of a collection whose documents pass the
// filters.
func (s *Store) allowedRows(ctx context.Context, coll, fwhere string, fargs []any) (map[int64]bool, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT c.rowid FROM chunks c JOIN documents d ON d.id = c.document_id WHERE d.collection = ?`+fwhere, append([]any{coll}, fargs...)...)
	if err != nil {
		return nil, fmt.Errorf("filter: %w", err)
	}
	defer rows.Close()
	allowed := map[int64]bool{}
	for rows.Next() {
		var r int64
		if err := rows.Scan(&r); err != nil {
			return nil, fmt.Errorf("filter: %w", err)
		}
		allowed[r] = true
	}
	return allowed, rows.Err()
}

const hitColumns = chunkColumns + `, d.id, d.collection, d.source, d.title, d.format, d.content_hash, d.version, d.size, d.metadata, d.chunk_count, d.created_at, d.updated_at`

// hits loads the rows of ranked chunks, keeping the ranking's order.
func (s *Store) hits(ctx context.Context, ranked []scored) ([]retrieval.Hit, error) {
	out := make([]retrieval.Hit, 0, len(ranked))
	if len(ranked) == 0 {
		return out, nil
	}
	args := make([]any, len(ranked))
	pos := make(map[int64]int, len(ranked))
	for i, r := range ranked {
		args[i] = r.rowid
		pos[r.rowid] = i
	}
	q := `SELECT ` + hitColumns + `, c.rowid FROM chunks c JOIN documents d ON d.id = c.document_id WHERE c.rowid IN (?` + strings.Repeat(",?", len(ranked)-1) + `)`
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("read hits: %w", err)
	}
	defer rows.Close()
	found := make([]*retrieval.Hit, len(ranked))
	for rows.Next() {
		var rowid int64
		h, err := scanHit(rows, &rowid)
		if err != nil {
			return nil, err
		}
		i := pos[rowid]
		h.Score = ranked[i].score
		found[i] = &h
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i, h := range found {
		if h == nil {
			return nil, fmt.Errorf("index and database disagree on chunk row %d", ranked[i].rowid)
		}
		out = append(out, *h)
	}
	return out, nil
}

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

// TermStats returns, for each analyzed term, the number of live chunks of
// the collection containing it, and the collection's chunk count. The agent
// uses it to weight question terms (IDF) when it picks answer sentences.
func (s *Store) TermStats(ctx context.Context, collection string, terms []string) (map[string]int, int, error) {
	if collection == "" {
		collection = retrieval.DefaultCollection
	}
	s.imu.RLock()
	defer s.imu.RUnlock()
	df := make(map[string]int, len(terms))
	ix, ok := s.colls[collection]
	if !ok {
		return df, 0, nil
	}
	for _, t := range terms {
		df[t] = int(ix.df[retrieval.TermID(t)])
	}
	return df, ix.live, nil
}
