// Package qdrant is the retrieval.Store backend on Qdrant, through its gRPC
// API (github.com/qdrant/go-client).
//
// Layout. Each docent collection is one Qdrant collection, named
// CollectionPrefix + name, holding one point per chunk: a sparse vector
// "bm25" (Modifier IDF) that docent computes itself with the same analyzer
// and term ids as the embedded store (retrieval.TermFrequencies,
// retrieval.TermID), a dense vector "dense" when an embedder supplies
// vectors, and the chunk's payload (document id, version, ordinal, text,
// offsets, page, heading path, title, source, format, metadata under
// "meta"). Documents are records in one more collection,
// CollectionPrefix + "_documents": payload-only points (no vectors) keyed
// by the document id, holding the version that is live, the content hash,
// metadata and timestamps. The record is the commit point of a write.
//
// Versions. PutDocument writes the new version's chunk points first (wait
// for the write), then the record naming the new version, then deletes
// the old version's points by filter. A reader therefore always finds the
// live version's points; for a moment it can also find the previous
// version's. Search drops hits whose version is not the record's live
// version (see Search), so results hold one version per document.
package qdrant

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	qc "github.com/qdrant/go-client/qdrant"
	"google.golang.org/grpc"

	"github.com/docent-dev/docent/retrieval"
)

// Options configure the store. Zero values take the defaults noted.
type Options struct {
	Host   string // default localhost
	Port   int    // gRPC port, default 6334
	APIKey string
	TLS    bool
	// CollectionPrefix is prepended to docent collection names
	// (default "docent_"); the document records live in prefix+"_documents".
	CollectionPrefix string
	// Timeout bounds one attempt of one request (default 10s); Retries
	// extra attempts (default 3, negative: none) follow transient errors
	// with exponential backoff from RetryBase (100ms) up to RetryMax (2s).
	Timeout   time.Duration
	Retries   int
	RetryBase time.Duration
	RetryMax  time.Duration
	// VectorSize, when set, creates the dense vector with every collection;
	// otherwise it is sized by the first chunk vectors written to a new
	// collection. Distance: cosine (default), dot, euclid or manhattan.
	VectorSize int
	Distance   string
	// TitleWeight counts title/heading terms this many times (default 2,
	// as the embedded store); BM25AvgLen is the assumed average chunk
	// length in terms for BM25 length normalisation (default 100).
	TitleWeight float64
	BM25AvgLen  float64
	// RRFK is docent's RRF constant (score 1/(k + rank), rank from 1;
	// default retrieval.DefaultRRFK, which is Qdrant's default fusion).
	RRFK int
	// MetadataIndexes declares payload indexes on metadata keys:
	// key -> keyword, integer, float, bool or datetime.
	MetadataIndexes map[string]string
	// Log receives warnings (e.g. a failed cleanup of an old version).
	Log *slog.Logger
}

func (o *Options) defaults() {
	if o.CollectionPrefix == "" {
		o.CollectionPrefix = "docent_"
	}
	if o.Timeout == 0 {
		o.Timeout = 10 * time.Second
	}
	if o.Retries == 0 {
		o.Retries = 3
	} else if o.Retries < 0 {
		o.Retries = 0
	}
	if o.RetryBase == 0 {
		o.RetryBase = 100 * time.Millisecond
	}
	if o.RetryMax == 0 {
		o.RetryMax = 2 * time.Second
	}
	if o.Distance == "" {
		o.Distance = "cosine"
	}
	if o.TitleWeight == 0 {
		o.TitleWeight = 2
	}
	if o.BM25AvgLen == 0 {
		o.BM25AvgLen = 100
	}
	if o.RRFK == 0 {
		o.RRFK = retrieval.DefaultRRFK
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
}

var distances = map[string]qc.Distance{
	"cosine": qc.Distance_Cosine, "dot": qc.Distance_Dot, "euclid": qc.Distance_Euclid, "manhattan": qc.Distance_Manhattan,
}

var indexTypes = map[string]qc.FieldType{
	"keyword": qc.FieldType_FieldTypeKeyword, "integer": qc.FieldType_FieldTypeInteger, "float": qc.FieldType_FieldTypeFloat,
	"bool": qc.FieldType_FieldTypeBool, "datetime": qc.FieldType_FieldTypeDatetime,
}

// Validate checks options that would otherwise fail on first use.
func (o Options) Validate() error {
	if o.Distance != "" {
		if _, ok := distances[strings.ToLower(o.Distance)]; !ok {
			return fmt.Errorf("qdrant: distance %q: use cosine, dot, euclid or manhattan", o.Distance)
		}
	}
	if o.VectorSize < 0 {
		return fmt.Errorf("qdrant: vector_size must not be negative")
	}
	if o.CollectionPrefix != "" && !collName.MatchString(o.CollectionPrefix) {
		return fmt.Errorf("qdrant: collection_prefix %q: use letters, digits, _ and -", o.CollectionPrefix)
	}
	for k, t := range o.MetadataIndexes {
		if !metaKey.MatchString(k) {
			return fmt.Errorf("qdrant: metadata index key %q: use letters, digits, _ . -", k)
		}
		if _, ok := indexTypes[strings.ToLower(t)]; !ok {
			return fmt.Errorf("qdrant: metadata index %q: type %q: use keyword, integer, float, bool or datetime", k, t)
		}
	}
	return nil
}

// collName is what docent accepts as a collection name (Qdrant accepts
// more; this keeps names portable and clear of the "_documents" record
// collection, since a docent collection cannot start with "_").
var collName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$`)

// Store implements retrieval.Store on Qdrant.
type Store struct {
	opt    Options
	retry  retryPolicy
	sparse sparseParams
	conn   interface{ Close() error }
	points qc.PointsClient
	colls  qc.CollectionsClient
	health qc.QdrantClient

	// wmu serialises writers of this process. Writers in other processes
	// are not coordinated: run one writer per Qdrant deployment, or
	// accept that two concurrent writes of one document id may race.
	wmu sync.Mutex

	mu       sync.Mutex
	known    map[string]collInfo // Qdrant collection name -> what it has
	registry bool                // record collection exists (with indexes)
}

type collInfo struct {
	dense int // dense vector size; 0: none
}

var _ retrieval.Store = (*Store)(nil)

// Open returns a store talking to the Qdrant server of opt. It does not
// contact the server (Ping does): docent may start before Qdrant.
func Open(opt Options) (*Store, error) {
	if err := opt.Validate(); err != nil {
		return nil, err
	}
	cfg := &qc.Config{Host: opt.Host, Port: opt.Port, APIKey: opt.APIKey, UseTLS: opt.TLS, SkipCompatibilityCheck: true, PoolSize: 1}
	gc, err := qc.NewGrpcClient(cfg)
	if err != nil {
		return nil, fmt.Errorf("qdrant: connect %s:%d: %w", opt.Host, opt.Port, err)
	}
	s := newStore(gc.Conn(), opt)
	s.conn = gc
	return s, nil
}

// NewWithConn returns a store on an existing gRPC connection (tests, or
// callers that manage their own connection). The caller closes conn.
func NewWithConn(conn grpc.ClientConnInterface, opt Options) (*Store, error) {
	if err := opt.Validate(); err != nil {
		return nil, err
	}
	return newStore(conn, opt), nil
}

func newStore(conn grpc.ClientConnInterface, opt Options) *Store {
	opt.defaults()
	opt.Distance = strings.ToLower(opt.Distance)
	sp := defaultSparse()
	sp.TitleWeight, sp.AvgLen = opt.TitleWeight, opt.BM25AvgLen
	return &Store{
		opt:    opt,
		retry:  retryPolicy{Retries: opt.Retries, Base: opt.RetryBase, Max: opt.RetryMax, Timeout: opt.Timeout},
		sparse: sp,
		points: qc.NewPointsClient(conn),
		colls:  qc.NewCollectionsClient(conn),
		health: qc.NewQdrantClient(conn),
		known:  map[string]collInfo{},
	}
}

// Close closes the connection Open made.
func (s *Store) Close() error {
	if s.conn != nil {
		return s.conn.Close()
	}
	return nil
}

// Ping checks that Qdrant answers and that the record collection exists.
func (s *Store) Ping(ctx context.Context) error {
	err := s.retry.do(ctx, "health check", func(ctx context.Context) error {
		_, err := s.health.HealthCheck(ctx, &qc.HealthCheckRequest{})
		return err
	})
	if err != nil {
		return err
	}
	return s.ensureRegistry(ctx)
}

func (s *Store) registryName() string { return s.opt.CollectionPrefix + "_documents" }

func (s *Store) chunkCollection(name string) (string, error) {
	if !collName.MatchString(name) {
		return "", fmt.Errorf("%w: collection %q: use letters, digits, . _ and - (not first), at most 128", retrieval.ErrInvalid, name)
	}
	return s.opt.CollectionPrefix + name, nil
}

// ensureRegistry creates the record collection and its indexes once.
func (s *Store) ensureRegistry(ctx context.Context) error {
	s.mu.Lock()
	done := s.registry
	s.mu.Unlock()
	if done {
		return nil
	}
	name := s.registryName()
	exists, err := s.collectionExists(ctx, name)
	if err != nil {
		return err
	}
	if !exists {
		// Payload-only points: a collection with an empty vector map.
		req := &qc.CreateCollection{CollectionName: name, VectorsConfig: qc.NewVectorsConfigMap(map[string]*qc.VectorParams{})}
		if err := s.createCollection(ctx, req); err != nil {
			return err
		}
	}
	for field, t := range map[string]qc.FieldType{
		rID: qc.FieldType_FieldTypeKeyword, rCollection: qc.FieldType_FieldTypeKeyword,
		rContentHash: qc.FieldType_FieldTypeKeyword, rCreatedAt: qc.FieldType_FieldTypeInteger,
	} {
		if err := s.createIndex(ctx, name, field, t); err != nil {
			return err
		}
	}
	s.mu.Lock()
	s.registry = true
	s.mu.Unlock()
	return nil
}

func (s *Store) collectionExists(ctx context.Context, name string) (bool, error) {
	var exists bool
	err := s.retry.do(ctx, "collection exists "+name, func(ctx context.Context) error {
		r, err := s.colls.CollectionExists(ctx, &qc.CollectionExistsRequest{CollectionName: name})
		exists = r.GetResult().GetExists()
		return err
	})
	return exists, err
}

// createCollection creates a collection; losing a creation race to
// another writer is success.
func (s *Store) createCollection(ctx context.Context, req *qc.CreateCollection) error {
	err := s.retry.do(ctx, "create collection "+req.CollectionName, func(ctx context.Context) error {
		_, err := s.colls.Create(ctx, req)
		return err
	})
	if err != nil {
		if ok, err2 := s.collectionExists(ctx, req.CollectionName); err2 == nil && ok {
			return nil
		}
		return err
	}
	return nil
}

func (s *Store) createIndex(ctx context.Context, coll, field string, t qc.FieldType) error {
	return s.retry.do(ctx, "create index "+coll+"."+field, func(ctx context.Context) error {
		_, err := s.points.CreateFieldIndex(ctx, &qc.CreateFieldIndexCollection{
			CollectionName: coll, Wait: qc.PtrOf(true), FieldName: field, FieldType: qc.PtrOf(t),
		})
		return err
	})
}

// collection returns what a chunk collection has; ok is false when it
// does not exist.
func (s *Store) collection(ctx context.Context, name string) (info collInfo, ok bool, err error) {
	s.mu.Lock()
	info, ok = s.known[name]
	s.mu.Unlock()
	if ok {
		return info, true, nil
	}
	var resp *qc.GetCollectionInfoResponse
	err = s.retry.do(ctx, "get collection "+name, func(ctx context.Context) error {
		var err error
		resp, err = s.colls.Get(ctx, &qc.GetCollectionInfoRequest{CollectionName: name})
		return err
	})
	if errors.Is(err, retrieval.ErrNotFound) {
		return collInfo{}, false, nil
	}
	if err != nil {
		return collInfo{}, false, err
	}
	if p := resp.GetResult().GetConfig().GetParams().GetVectorsConfig().GetParamsMap().GetMap()[denseName]; p != nil {
		info.dense = int(p.GetSize())
	}
	s.mu.Lock()
	s.known[name] = info
	s.mu.Unlock()
	return info, true, nil
}

const (
	denseName  = "dense"
	sparseName = "bm25"
)

// ensureCollection creates a chunk collection when missing; dim is the
// size of the vectors about to be written (0: none).
func (s *Store) ensureCollection(ctx context.Context, name string, dim int) (collInfo, error) {
	info, ok, err := s.collection(ctx, name)
	if err != nil {
		return info, err
	}
	if !ok {
		size := s.opt.VectorSize
		if size == 0 {
			size = dim
		}
		dense := map[string]*qc.VectorParams{}
		if size > 0 {
			dense[denseName] = &qc.VectorParams{Size: uint64(size), Distance: distances[s.opt.Distance]}
		}
		req := &qc.CreateCollection{
			CollectionName: name,
			VectorsConfig:  qc.NewVectorsConfigMap(dense),
			SparseVectorsConfig: qc.NewSparseVectorsConfig(map[string]*qc.SparseVectorParams{
				sparseName: {Modifier: qc.PtrOf(qc.Modifier_Idf)},
			}),
		}
		if err := s.createCollection(ctx, req); err != nil {
			return info, err
		}
		indexes := map[string]qc.FieldType{fDocID: qc.FieldType_FieldTypeKeyword, fVersion: qc.FieldType_FieldTypeInteger, fTerms: qc.FieldType_FieldTypeInteger}
		for k, t := range s.opt.MetadataIndexes {
			indexes[fMeta+"."+k] = indexTypes[strings.ToLower(t)]
		}
		for field, t := range indexes {
			if err := s.createIndex(ctx, name, field, t); err != nil {
				return info, err
			}
		}
		s.mu.Lock()
		delete(s.known, name) // read back what the server made
		s.mu.Unlock()
		if info, _, err = s.collection(ctx, name); err != nil {
			return info, err
		}
	}
	if dim > 0 && info.dense == 0 {
		return info, fmt.Errorf("%w: collection %s has no dense vectors (it was created before an embedder was configured); set qdrant.vector_size before the first ingest or use a new collection", retrieval.ErrInvalid, name)
	}
	if dim > 0 && dim != info.dense {
		return info, fmt.Errorf("%w: vectors have %d dimensions, collection %s has %d", retrieval.ErrInvalid, dim, name, info.dense)
	}
	return info, nil
}

// record reads a document record; ErrNotFound when there is none.
func (s *Store) record(ctx context.Context, id string) (retrieval.Document, error) {
	recs, err := s.records(ctx, []string{id})
	if err != nil {
		return retrieval.Document{}, err
	}
	d, ok := recs[id]
	if !ok {
		return d, fmt.Errorf("document %q: %w", id, retrieval.ErrNotFound)
	}
	return d, nil
}

// records reads the records of ids (missing ones are absent).
func (s *Store) records(ctx context.Context, ids []string) (map[string]retrieval.Document, error) {
	out := make(map[string]retrieval.Document, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	if err := s.ensureRegistry(ctx); err != nil {
		return nil, err
	}
	pids := make([]*qc.PointId, len(ids))
	for i, id := range ids {
		pids[i] = docPointID(id)
	}
	var resp *qc.GetResponse
	err := s.retry.do(ctx, "get documents", func(ctx context.Context) error {
		var err error
		resp, err = s.points.Get(ctx, &qc.GetPoints{CollectionName: s.registryName(), Ids: pids, WithPayload: qc.NewWithPayload(true)})
		return err
	})
	if err != nil {
		return nil, err
	}
	for _, p := range resp.GetResult() {
		d, err := recordFromPayload(p.GetPayload())
		if err != nil {
			return nil, err
		}
		out[d.ID] = d
	}
	return out, nil
}

// GetDocument returns a document's live version.
func (s *Store) GetDocument(ctx context.Context, id string) (retrieval.Document, error) {
	return s.record(ctx, id)
}

// upsert writes points and waits until they are applied.
func (s *Store) upsert(ctx context.Context, coll string, pts []*qc.PointStruct) error {
	return s.retry.do(ctx, "upsert "+coll, func(ctx context.Context) error {
		_, err := s.points.Upsert(ctx, &qc.UpsertPoints{CollectionName: coll, Wait: qc.PtrOf(true), Points: pts})
		return err
	})
}

// deleteWhere deletes the points matching f and waits.
func (s *Store) deleteWhere(ctx context.Context, coll string, f *qc.Filter) error {
	return s.retry.do(ctx, "delete from "+coll, func(ctx context.Context) error {
		_, err := s.points.Delete(ctx, &qc.DeletePoints{CollectionName: coll, Wait: qc.PtrOf(true), Points: qc.NewPointsSelectorFilter(f)})
		return err
	})
}

func (s *Store) deleteIDs(ctx context.Context, coll string, ids ...*qc.PointId) error {
	return s.retry.do(ctx, "delete from "+coll, func(ctx context.Context) error {
		_, err := s.points.Delete(ctx, &qc.DeletePoints{CollectionName: coll, Wait: qc.PtrOf(true), Points: qc.NewPointsSelectorIDs(ids)})
		return err
	})
}

// upsertBatch bounds the points of one upsert request.
const upsertBatch = 256

// PutDocument inserts or replaces a document: new chunk points, then the
// record (the commit), then deletion of the old version's points.
func (s *Store) PutDocument(ctx context.Context, doc retrieval.Document, chunks []retrieval.Chunk) (retrieval.PutResult, error) {
	if doc.ID == "" || doc.ContentHash == "" {
		return retrieval.PutResult{}, fmt.Errorf("%w: document id and content hash are required", retrieval.ErrInvalid)
	}
	if doc.Collection == "" {
		doc.Collection = retrieval.DefaultCollection
	}
	coll, err := s.chunkCollection(doc.Collection)
	if err != nil {
		return retrieval.PutResult{}, err
	}
	if doc.Metadata == nil {
		doc.Metadata = map[string]any{}
	}
	meta, err := toValue(doc.Metadata)
	if err != nil {
		return retrieval.PutResult{}, fmt.Errorf("%w: metadata: %v", retrieval.ErrInvalid, err)
	}
	dim := 0
	for i, c := range chunks {
		if len(c.Vector) == 0 {
			continue
		}
		if dim == 0 {
			dim = len(c.Vector)
		} else if len(c.Vector) != dim {
			return retrieval.PutResult{}, fmt.Errorf("%w: chunk %d has a %d-dimensional vector, chunk 0 %d", retrieval.ErrInvalid, i, len(c.Vector), dim)
		}
	}

	s.wmu.Lock()
	defer s.wmu.Unlock()
	if err := s.ensureRegistry(ctx); err != nil {
		return retrieval.PutResult{}, err
	}
	old, err := s.record(ctx, doc.ID)
	switch {
	case err == nil:
		if old.Collection != doc.Collection {
			return retrieval.PutResult{}, fmt.Errorf("%w: document %s already exists in collection %q", retrieval.ErrConflict, doc.ID, old.Collection)
		}
		if old.ContentHash == doc.ContentHash && sameJSON(old.Metadata, doc.Metadata) && old.Title == doc.Title {
			return retrieval.PutResult{Status: retrieval.StatusUnchanged, Document: old}, nil
		}
	case errors.Is(err, retrieval.ErrNotFound):
		dup, found, err := s.findByHash(ctx, doc.Collection, doc.ContentHash)
		if err != nil {
			return retrieval.PutResult{}, err
		}
		if found {
			return retrieval.PutResult{Status: retrieval.StatusDuplicate, Document: dup}, nil
		}
	default:
		return retrieval.PutResult{}, err
	}
	if _, err := s.ensureCollection(ctx, coll, dim); err != nil {
		return retrieval.PutResult{}, err
	}

	now := time.Now().UTC()
	status := retrieval.StatusCreated
	doc.Version, doc.CreatedAt = 1, now
	if old.ID != "" {
		status = retrieval.StatusUpdated
		doc.Version, doc.CreatedAt = old.Version+1, old.CreatedAt
	}
	doc.UpdatedAt = now
	doc.ChunkCount = len(chunks)

	// Points no record points to: a new document's leftovers (a delete
	// that removed the record but not its points) or a crashed earlier
	// write of this very version. Nobody can see them; clear them so they
	// cannot join the new version.
	stale := mustAll(matchDoc(doc.ID))
	if old.ID != "" {
		stale = mustAll(matchDoc(doc.ID), matchVersion(doc.Version))
	}
	if err := s.deleteWhere(ctx, coll, stale); err != nil {
		return retrieval.PutResult{}, err
	}

	pts := make([]*qc.PointStruct, 0, min(len(chunks), upsertBatch))
	for i, c := range chunks {
		title := doc.Title
		if len(c.Heading) > 0 {
			title += "\n" + strings.Join(c.Heading, "\n")
		}
		idx, vals := s.sparse.docSparse(title, c.Text)
		vecs := map[string]*qc.Vector{}
		if len(idx) > 0 { // a chunk of stop words only has no sparse vector
			vecs[sparseName] = qc.NewVectorSparse(idx, vals)
		}
		if len(c.Vector) > 0 {
			vecs[denseName] = qc.NewVectorDense(c.Vector)
		}
		pts = append(pts, &qc.PointStruct{
			Id:      chunkPointID(doc.ID, doc.Version, i),
			Payload: chunkPayload(doc, meta, c, i, idx),
			Vectors: qc.NewVectorsMap(vecs),
		})
		if len(pts) == upsertBatch || i == len(chunks)-1 {
			if err := s.upsert(ctx, coll, pts); err != nil {
				return retrieval.PutResult{}, fmt.Errorf("write chunks of %s (the old version stays live): %w", doc.ID, err)
			}
			pts = pts[:0]
		}
	}

	rec, err := recordPayload(doc)
	if err != nil {
		return retrieval.PutResult{}, err
	}
	if err := s.upsert(ctx, s.registryName(), []*qc.PointStruct{{Id: docPointID(doc.ID), Payload: rec, Vectors: qc.NewVectorsMap(map[string]*qc.Vector{})}}); err != nil {
		return retrieval.PutResult{}, fmt.Errorf("commit %s (the old version stays live): %w", doc.ID, err)
	}

	if old.ID != "" {
		prev := &qc.Filter{Must: []*qc.Condition{matchDoc(doc.ID)}, MustNot: []*qc.Condition{matchVersion(doc.Version)}}
		if err := s.deleteWhere(ctx, coll, prev); err != nil {
			// The new version is committed and searches drop the old
			// one's points; the next write of this document clears them.
			s.opt.Log.Warn("qdrant: old version left behind", "document", doc.ID, "version", old.Version, "err", err)
		}
	}
	return retrieval.PutResult{Status: status, Document: doc}, nil
}

func sameJSON(a, b map[string]any) bool {
	va, err1 := toValue(a)
	vb, err2 := toValue(b)
	if err1 != nil || err2 != nil {
		return false
	}
	ja, _ := jsonOf(fromValue(va))
	jb, _ := jsonOf(fromValue(vb))
	return ja == jb
}

// findByHash returns a document of coll with content hash h.
func (s *Store) findByHash(ctx context.Context, coll, h string) (retrieval.Document, bool, error) {
	var resp *qc.ScrollResponse
	err := s.retry.do(ctx, "find duplicate", func(ctx context.Context) error {
		var err error
		resp, err = s.points.Scroll(ctx, &qc.ScrollPoints{
			CollectionName: s.registryName(),
			Filter:         mustAll(matchField(rCollection, coll), matchField(rContentHash, h)),
			Limit:          qc.PtrOf(uint32(1)),
			WithPayload:    qc.NewWithPayload(true),
		})
		return err
	})
	if err != nil {
		return retrieval.Document{}, false, err
	}
	if len(resp.GetResult()) == 0 {
		return retrieval.Document{}, false, nil
	}
	d, err := recordFromPayload(resp.GetResult()[0].GetPayload())
	return d, err == nil, err
}

// maxListWindow bounds offset+limit of ListDocuments (Qdrant's ordered
// scroll has no offset, so the window is read and the offset skipped).
const maxListWindow = 10000

// ListDocuments pages through documents, oldest first.
func (s *Store) ListDocuments(ctx context.Context, opt retrieval.ListOptions) ([]retrieval.Document, int, error) {
	if opt.Limit <= 0 {
		opt.Limit = 50
	}
	if opt.Offset < 0 {
		opt.Offset = 0
	}
	if opt.Offset+opt.Limit > maxListWindow {
		return nil, 0, fmt.Errorf("%w: offset+limit above %d", retrieval.ErrInvalid, maxListWindow)
	}
	if err := s.ensureRegistry(ctx); err != nil {
		return nil, 0, err
	}
	var f *qc.Filter
	if opt.Collection != "" {
		f = mustAll(matchField(rCollection, opt.Collection))
	}
	var total uint64
	err := s.retry.do(ctx, "count documents", func(ctx context.Context) error {
		r, err := s.points.Count(ctx, &qc.CountPoints{CollectionName: s.registryName(), Filter: f, Exact: qc.PtrOf(true)})
		total = r.GetResult().GetCount()
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	var resp *qc.ScrollResponse
	err = s.retry.do(ctx, "list documents", func(ctx context.Context) error {
		var err error
		resp, err = s.points.Scroll(ctx, &qc.ScrollPoints{
			CollectionName: s.registryName(),
			Filter:         f,
			Limit:          qc.PtrOf(uint32(opt.Offset + opt.Limit)),
			WithPayload:    qc.NewWithPayload(true),
			OrderBy:        &qc.OrderBy{Key: rCreatedAt, Direction: qc.PtrOf(qc.Direction_Asc)},
		})
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	docs := make([]retrieval.Document, 0, len(resp.GetResult()))
	for _, p := range resp.GetResult() {
		d, err := recordFromPayload(p.GetPayload())
		if err != nil {
			return nil, 0, err
		}
		docs = append(docs, d)
	}
	// Equal timestamps: by id, as the embedded store.
	sort.SliceStable(docs, func(i, j int) bool {
		if !docs[i].CreatedAt.Equal(docs[j].CreatedAt) {
			return docs[i].CreatedAt.Before(docs[j].CreatedAt)
		}
		return docs[i].ID < docs[j].ID
	})
	if opt.Offset >= len(docs) {
		return []retrieval.Document{}, int(total), nil
	}
	return docs[opt.Offset:min(len(docs), opt.Offset+opt.Limit)], int(total), nil
}

// Chunks returns a document's live chunks in order, with their vectors.
func (s *Store) Chunks(ctx context.Context, id string) ([]retrieval.Chunk, error) {
	d, err := s.record(ctx, id)
	if err != nil {
		return nil, err
	}
	coll, err := s.chunkCollection(d.Collection)
	if err != nil {
		return nil, err
	}
	info, ok, err := s.collection(ctx, coll)
	if err != nil || !ok {
		return nil, err
	}
	req := &qc.ScrollPoints{
		CollectionName: coll,
		Filter:         mustAll(matchDoc(id), matchVersion(d.Version)),
		Limit:          qc.PtrOf(uint32(min(d.ChunkCount+1, 1<<16))),
		WithPayload:    qc.NewWithPayload(true),
	}
	if info.dense > 0 {
		req.WithVectors = qc.NewWithVectorsInclude(denseName)
	}
	var out []retrieval.Chunk
	for {
		var resp *qc.ScrollResponse
		err := s.retry.do(ctx, "read chunks of "+id, func(ctx context.Context) error {
			var err error
			resp, err = s.points.Scroll(ctx, req)
			return err
		})
		if err != nil {
			return nil, err
		}
		for _, p := range resp.GetResult() {
			c := chunkFromPayload(p.GetPayload())
			if v := p.GetVectors().GetVectors().GetVectors()[denseName]; v != nil {
				c.Vector = v.GetDense().GetData()
				if len(c.Vector) == 0 {
					//lint:ignore SA1019 servers before 1.14 fill only the deprecated field
					c.Vector = v.GetData()
				}
			}
			out = append(out, c)
		}
		if resp.GetNextPageOffset() == nil {
			break
		}
		req.Offset = resp.GetNextPageOffset()
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Ordinal < out[j].Ordinal })
	return out, nil
}

// DeleteDocument removes the record (the document is gone for readers at
// once), then its chunk points.
func (s *Store) DeleteDocument(ctx context.Context, id string) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	d, err := s.record(ctx, id)
	if err != nil {
		return err
	}
	if err := s.deleteIDs(ctx, s.registryName(), docPointID(id)); err != nil {
		return err
	}
	coll, err := s.chunkCollection(d.Collection)
	if err != nil {
		return err
	}
	if err := s.deleteWhere(ctx, coll, mustAll(matchDoc(id))); err != nil {
		// Unreachable points: searches drop them (no record), and a new
		// document with this id clears them before writing.
		s.opt.Log.Warn("qdrant: chunks of deleted document left behind", "document", id, "err", err)
	}
	return nil
}

// maxTopK bounds Search's TopK (as the embedded store).
const maxTopK = 1000

// Search runs a hybrid query through Qdrant's Query API: with text and a
// vector, a sparse (bm25) and a dense prefetch fused by RRF on the
// server; with one of them, that search alone. Filters apply to every
// prefetch and to the fused result. Each prefetch returns TopK points (as
// the embedded store's lists), the final list up to 2*TopK;
// hits of a version other than the document's live one (a write in
// progress, or an old version not yet deleted) and hits of deleted
// documents are dropped, then TopK are kept.
func (s *Store) Search(ctx context.Context, q retrieval.Query) ([]retrieval.Hit, error) {
	if q.Collection == "" {
		q.Collection = retrieval.DefaultCollection
	}
	if q.TopK <= 0 {
		q.TopK = 10
	}
	if q.TopK > maxTopK {
		return nil, fmt.Errorf("%w: top_k %d exceeds %d", retrieval.ErrInvalid, q.TopK, maxTopK)
	}
	coll, err := s.chunkCollection(q.Collection)
	if err != nil {
		return nil, err
	}
	filter, err := buildFilter(q.Filters)
	if err != nil {
		return nil, err
	}
	info, ok, err := s.collection(ctx, coll)
	if err != nil {
		return nil, err
	}
	if !ok {
		return []retrieval.Hit{}, nil
	}
	if len(q.Vector) > 0 && info.dense > 0 && len(q.Vector) != info.dense {
		return nil, fmt.Errorf("%w: query vector has %d dimensions, collection %s has %d", retrieval.ErrInvalid, len(q.Vector), q.Collection, info.dense)
	}
	req := s.queryRequest(coll, q, filter, info)
	if req == nil {
		return []retrieval.Hit{}, nil
	}
	var resp *qc.QueryResponse
	err = s.retry.do(ctx, "query "+coll, func(ctx context.Context) error {
		var err error
		resp, err = s.points.Query(ctx, req)
		return err
	})
	if errors.Is(err, retrieval.ErrNotFound) {
		// Deleted behind docent's back: forget it, nothing to find.
		s.mu.Lock()
		delete(s.known, coll)
		s.mu.Unlock()
		return []retrieval.Hit{}, nil
	}
	if err != nil {
		return nil, err
	}
	return s.hits(ctx, resp.GetResult(), q.TopK)
}

// queryRequest builds the Query API request; nil when there is nothing
// to search with (no terms, no usable vector).
func (s *Store) queryRequest(coll string, q retrieval.Query, filter *qc.Filter, info collInfo) *qc.QueryPoints {
	// The final list is over-fetched (2*TopK) so that dropping another
	// version's points still leaves TopK; each prefetch takes TopK, as the
	// embedded store fuses its TopK-long lists, so fused scores agree.
	limit := uint64(2 * q.TopK)
	per := uint64(q.TopK)
	idx, vals := querySparse(q.Text)
	useSparse := len(idx) > 0
	useDense := len(q.Vector) > 0 && info.dense > 0
	req := &qc.QueryPoints{CollectionName: coll, Filter: filter, Limit: qc.PtrOf(limit), WithPayload: qc.NewWithPayload(true)}
	switch {
	case useSparse && useDense:
		req.Prefetch = []*qc.PrefetchQuery{
			{Query: qc.NewQuerySparse(idx, vals), Using: qc.PtrOf(sparseName), Filter: filter, Limit: qc.PtrOf(per)},
			{Query: qc.NewQueryDense(q.Vector), Using: qc.PtrOf(denseName), Filter: filter, Limit: qc.PtrOf(per)},
		}
		if s.opt.RRFK == retrieval.DefaultRRFK {
			req.Query = qc.NewQueryFusion(qc.Fusion_RRF)
		} else {
			// docent's k counts ranks from 1, Qdrant's from 0.
			req.Query = qc.NewQueryRRF(&qc.Rrf{K: qc.PtrOf(uint32(s.opt.RRFK + 1))})
		}
	case useSparse:
		req.Query, req.Using = qc.NewQuerySparse(idx, vals), qc.PtrOf(sparseName)
	case useDense:
		req.Query, req.Using = qc.NewQueryDense(q.Vector), qc.PtrOf(denseName)
	default:
		return nil
	}
	return req
}

// hits turns scored points into hits of live versions only.
func (s *Store) hits(ctx context.Context, pts []*qc.ScoredPoint, topK int) ([]retrieval.Hit, error) {
	out := []retrieval.Hit{}
	if len(pts) == 0 {
		return out, nil
	}
	var ids []string
	versions := map[string]map[int]bool{}
	for _, p := range pts {
		id, v := pStr(p.GetPayload(), fDocID), int(pInt(p.GetPayload(), fVersion))
		if versions[id] == nil {
			versions[id] = map[int]bool{}
			ids = append(ids, id)
		}
		versions[id][v] = true
	}
	recs, err := s.records(ctx, ids)
	if err != nil {
		return nil, err
	}
	// The version shown per document: the record's, when the results hold
	// it. Otherwise the search ran before the new version's points were
	// written while the record was read after its commit: the results
	// then hold only older versions, and the newest of them is shown (the
	// old version is complete until the record has moved on).
	show := map[string]int{}
	for id, vs := range versions {
		rec, ok := recs[id]
		if !ok {
			continue // deleted
		}
		if vs[rec.Version] {
			show[id] = rec.Version
			continue
		}
		best := 0
		for v := range vs {
			if v > best && v < rec.Version {
				best = v
			}
		}
		if best > 0 {
			show[id] = best
		}
	}
	for _, p := range pts {
		pl := p.GetPayload()
		id, v := pStr(pl, fDocID), int(pInt(pl, fVersion))
		if show[id] != v || v == 0 {
			continue
		}
		d := recs[id]
		if v != d.Version {
			// An older version shown: its payload still has its title,
			// source and format; version-specific counts are unknown.
			d.Version, d.Title, d.Source, d.Format = v, pStr(pl, fTitle), pStr(pl, fSource), pStr(pl, fFormat)
		}
		out = append(out, retrieval.Hit{Chunk: chunkFromPayload(pl), Document: d, Score: float64(p.GetScore())})
		if len(out) == topK {
			break
		}
	}
	return out, nil
}

// TermStats returns, for each analyzed term, the number of chunk points of
// the collection containing it (an exact count over the integer-indexed
// "terms" payload), and the collection's point count. The agent weights
// question terms by IDF with it, as with the embedded store. During a
// document update both versions' points are counted for a moment.
func (s *Store) TermStats(ctx context.Context, collection string, terms []string) (map[string]int, int, error) {
	if collection == "" {
		collection = retrieval.DefaultCollection
	}
	df := make(map[string]int, len(terms))
	coll, err := s.chunkCollection(collection)
	if err != nil {
		return nil, 0, err
	}
	if _, ok, err := s.collection(ctx, coll); err != nil || !ok {
		return df, 0, err
	}
	count := func(ctx context.Context, f *qc.Filter) (int, error) {
		var n uint64
		err := s.retry.do(ctx, "count "+coll, func(ctx context.Context) error {
			r, err := s.points.Count(ctx, &qc.CountPoints{CollectionName: coll, Filter: f, Exact: qc.PtrOf(true)})
			n = r.GetResult().GetCount()
			return err
		})
		return int(n), err
	}
	total, err := count(ctx, nil)
	if err != nil {
		return nil, 0, err
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
		sem  = make(chan struct{}, 4)
	)
	seen := make(map[string]bool, len(terms))
	for _, t := range terms {
		if seen[t] {
			continue
		}
		seen[t] = true
		wg.Add(1)
		go func(t string) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			n, err := count(ctx, mustAll(qc.NewMatchInt(fTerms, int64(retrieval.TermID(t)))))
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			df[t] = n
		}(t)
	}
	wg.Wait()
	if len(errs) > 0 {
		return nil, 0, errs[0]
	}
	return df, total, nil
}
