package qdrant

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	qc "github.com/qdrant/go-client/qdrant"
	"google.golang.org/grpc/codes"

	"github.com/docent-dev/docent/retrieval"
	"github.com/docent-dev/docent/retrieval/storetest"
)

// fastRetry keeps failure tests quick.
func testOptions() Options {
	return Options{CollectionPrefix: "t_", Retries: 3, RetryBase: time.Millisecond, RetryMax: 5 * time.Millisecond, Timeout: 2 * time.Second}
}

func newFakeStore(t *testing.T, opt Options) (*Store, *fake) {
	t.Helper()
	f := newFake()
	s, err := NewWithConn(f.start(t), opt)
	if err != nil {
		t.Fatal(err)
	}
	return s, f
}

// TestContractFake runs the contract suite against the in-process fake:
// an adapter test (requests and answers are coherent), not an
// integration test.
func TestContractFake(t *testing.T) {
	storetest.Run(t, func(t *testing.T) retrieval.Store {
		s, _ := newFakeStore(t, testOptions())
		return s
	})
}

// liveAddr is the Qdrant gRPC address for the live contract suite.
func liveAddr() string {
	for _, k := range []string{"DOCENT_QDRANT_TEST_ADDR", "DOCENT_TEST_QDRANT"} {
		if v := os.Getenv(k); v != "" {
			return v
		}
	}
	return ""
}

// TestContractLive runs the contract suite against a real Qdrant:
//
//	docker compose up -d qdrant
//	DOCENT_QDRANT_TEST_ADDR=localhost:6334 go test ./retrieval/qdrant -run Live -v
//
// Each subtest uses fresh collections (a random prefix) and deletes them.
func TestContractLive(t *testing.T) {
	addr := liveAddr()
	if addr == "" {
		t.Skip("no Qdrant: set DOCENT_QDRANT_TEST_ADDR=host:port (gRPC, e.g. localhost:6334 after `docker compose up -d qdrant`)")
	}
	host, portS, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatalf("DOCENT_QDRANT_TEST_ADDR=%q: %v", addr, err)
	}
	port, err := strconv.Atoi(portS)
	if err != nil {
		t.Fatalf("DOCENT_QDRANT_TEST_ADDR=%q: %v", addr, err)
	}
	storetest.Run(t, func(t *testing.T) retrieval.Store {
		opt := Options{Host: host, Port: port, APIKey: os.Getenv("DOCENT_QDRANT_TEST_API_KEY"),
			CollectionPrefix: fmt.Sprintf("test%d_", rand.Uint32())}
		s, err := Open(opt)
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		if err := s.Ping(ctx); err != nil {
			t.Fatalf("Qdrant at %s: %v", addr, err)
		}
		t.Cleanup(func() { dropPrefix(t, s) })
		return s
	})
}

// dropPrefix deletes the collections a live test made (on a fresh
// connection: the suite closes the store first).
func dropPrefix(t *testing.T, s *Store) {
	o := s.opt
	s2, err := Open(Options{Host: o.Host, Port: o.Port, APIKey: o.APIKey, TLS: o.TLS})
	if err != nil {
		t.Logf("cleanup: %v", err)
		return
	}
	defer s2.Close()
	ctx := context.Background()
	r, err := s2.colls.List(ctx, &qc.ListCollectionsRequest{})
	if err != nil {
		t.Logf("cleanup: %v", err)
		return
	}
	for _, c := range r.GetCollections() {
		if strings.HasPrefix(c.GetName(), o.CollectionPrefix) {
			if _, err := s2.colls.Delete(ctx, &qc.DeleteCollection{CollectionName: c.GetName()}); err != nil {
				t.Logf("cleanup %s: %v", c.GetName(), err)
			}
		}
	}
}

func put(t *testing.T, s *Store, d retrieval.Document, cs []retrieval.Chunk) retrieval.PutResult {
	t.Helper()
	r, err := s.PutDocument(context.Background(), d, cs)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestCollectionsCreated: the chunk collection gets a dense vector sized
// by the first vectors, a sparse bm25 vector with the IDF modifier and
// payload indexes; the record collection has no vectors and indexes for
// lookups and ordering.
func TestCollectionsCreated(t *testing.T) {
	opt := testOptions()
	opt.MetadataIndexes = map[string]string{"lang": "keyword", "year": "integer"}
	s, f := newFakeStore(t, opt)
	d, cs := storetest.Doc("a", "c1", "A", nil, "alpha", "beta")
	cs[0].Vector, cs[1].Vector = []float32{1, 0, 0, 0}, []float32{0, 1, 0, 0}
	put(t, s, d, cs)

	creates := f.callsOf("CollectionCreate")
	if len(creates) != 2 {
		t.Fatalf("%d collections created, want 2", len(creates))
	}
	reg := creates[0].Req.(*qc.CreateCollection)
	if reg.CollectionName != "t__documents" || len(reg.GetVectorsConfig().GetParamsMap().GetMap()) != 0 || reg.SparseVectorsConfig != nil {
		t.Fatalf("record collection = %v", reg)
	}
	cc := creates[1].Req.(*qc.CreateCollection)
	if cc.CollectionName != "t_c1" {
		t.Fatalf("chunk collection name %q", cc.CollectionName)
	}
	dense := cc.GetVectorsConfig().GetParamsMap().GetMap()[denseName]
	if dense == nil || dense.Size != 4 || dense.Distance != qc.Distance_Cosine {
		t.Fatalf("dense params = %v", dense)
	}
	if sp := cc.GetSparseVectorsConfig().GetMap()[sparseName]; sp == nil || sp.GetModifier() != qc.Modifier_Idf {
		t.Fatalf("sparse params = %v", cc.GetSparseVectorsConfig())
	}
	idx := map[string]qc.FieldType{}
	for _, c := range f.callsOf("CreateFieldIndex") {
		r := c.Req.(*qc.CreateFieldIndexCollection)
		if !c.Wait {
			t.Errorf("index %s created without wait", r.FieldName)
		}
		idx[c.Coll+"/"+r.FieldName] = r.GetFieldType()
	}
	want := map[string]qc.FieldType{
		"t_c1/document_id": qc.FieldType_FieldTypeKeyword, "t_c1/version": qc.FieldType_FieldTypeInteger, "t_c1/terms": qc.FieldType_FieldTypeInteger,
		"t_c1/meta.lang": qc.FieldType_FieldTypeKeyword, "t_c1/meta.year": qc.FieldType_FieldTypeInteger,
		"t__documents/id": qc.FieldType_FieldTypeKeyword, "t__documents/collection": qc.FieldType_FieldTypeKeyword,
		"t__documents/content_hash": qc.FieldType_FieldTypeKeyword, "t__documents/created_at": qc.FieldType_FieldTypeInteger,
	}
	for k, v := range want {
		if idx[k] != v {
			t.Errorf("index %s = %v, want %v (all: %v)", k, idx[k], v, idx)
		}
	}
	// A later collection without vectors has no dense vector; writing
	// vectors there is refused clearly.
	d2, cs2 := storetest.Doc("b", "c2", "B", nil, "gamma")
	put(t, s, d2, cs2)
	d3, cs3 := storetest.Doc("c", "c2", "C", nil, "delta")
	cs3[0].Vector = []float32{1, 2, 3, 4}
	if _, err := s.PutDocument(context.Background(), d3, cs3); !errors.Is(err, retrieval.ErrInvalid) || !strings.Contains(err.Error(), "vector_size") {
		t.Fatalf("vectors into a sparse-only collection: %v", err)
	}
	// With vector_size configured, collections get the dense vector up front.
	opt.VectorSize = 8
	s2, f2 := newFakeStore(t, opt)
	put(t, s2, d2, cs2)
	cc2 := f2.callsOf("CollectionCreate")[1].Req.(*qc.CreateCollection)
	if p := cc2.GetVectorsConfig().GetParamsMap().GetMap()[denseName]; p == nil || p.Size != 8 {
		t.Fatalf("configured dense = %v", cc2.GetVectorsConfig())
	}
}

// TestVersionSwapOrder: an update writes the new version's points (wait),
// then the record (wait), then deletes the old version by filter (wait).
func TestVersionSwapOrder(t *testing.T) {
	s, f := newFakeStore(t, testOptions())
	d, cs := storetest.Doc("doc", "c1", "T", nil, "first edition text")
	put(t, s, d, cs)
	f.resetCalls()
	d2, cs2 := storetest.Doc("doc", "c1", "T", nil, "second edition text", "and more")
	if r := put(t, s, d2, cs2); r.Status != retrieval.StatusUpdated || r.Document.Version != 2 {
		t.Fatalf("update = %+v", r)
	}
	var writes []string
	for _, c := range f.calls {
		switch c.Method {
		case "Upsert", "Delete":
			if !c.Wait {
				t.Errorf("%s on %s without wait", c.Method, c.Coll)
			}
			desc := c.Method + " " + c.Coll
			if c.Method == "Upsert" {
				desc += fmt.Sprintf(" %d", len(c.Req.(*qc.UpsertPoints).Points))
			} else {
				desc += " " + filterString(c.Req.(*qc.DeletePoints).GetPoints().GetFilter())
			}
			writes = append(writes, desc)
		}
	}
	want := []string{
		"Delete t_c1 must[document_id=doc version=2]", // leftovers of a crashed write of v2
		"Upsert t_c1 2",         // the new version
		"Upsert t__documents 1", // the commit
		"Delete t_c1 must[document_id=doc] not[version=2]", // the old version
	}
	if strings.Join(writes, "\n") != strings.Join(want, "\n") {
		t.Fatalf("writes:\n%s\nwant:\n%s", strings.Join(writes, "\n"), strings.Join(want, "\n"))
	}
	// Point payloads carry what search needs.
	var up *qc.UpsertPoints
	for _, c := range f.calls {
		if c.Method == "Upsert" && c.Coll == "t_c1" {
			up = c.Req.(*qc.UpsertPoints)
		}
	}
	p := up.Points[1]
	c := chunkFromPayload(p.Payload)
	if c.ID != "doc:v2:1" || c.DocumentID != "doc" || c.Ordinal != 1 || c.Text != "and more" || c.Page != 2 || c.Heading[0] != "T" {
		t.Fatalf("payload chunk = %+v", c)
	}
	if idString(p.Id) != pointUUID("chunk\x00doc:v2:1") {
		t.Fatalf("point id %v", p.Id)
	}
	if sv := up.Points[0].GetVectors().GetVectors().GetVectors()[sparseName].GetSparse(); sv == nil || len(sv.Indices) != 3 {
		t.Fatalf("sparse vector of %q: %v", "second edition text", up.Points[0].GetVectors())
	}
	if _, ok := p.GetVectors().GetVectors().GetVectors()[sparseName]; ok {
		t.Fatalf("stop-word chunk %q has a sparse vector", c.Text)
	}
}

func filterString(f *qc.Filter) string {
	cond := func(cs []*qc.Condition) string {
		var parts []string
		for _, c := range cs {
			fc := c.GetField()
			switch {
			case fc == nil:
				parts = append(parts, fmt.Sprintf("%T", c.GetConditionOneOf()))
			case fc.GetMatch().GetKeyword() != "":
				parts = append(parts, fc.Key+"="+fc.GetMatch().GetKeyword())
			case fc.GetMatch() != nil:
				parts = append(parts, fmt.Sprintf("%s=%d", fc.Key, fc.GetMatch().GetInteger()))
			default:
				parts = append(parts, fc.Key+"~"+fc.String())
			}
		}
		return strings.Join(parts, " ")
	}
	out := "must[" + cond(f.GetMust()) + "]"
	if len(f.GetMustNot()) > 0 {
		out += " not[" + cond(f.GetMustNot()) + "]"
	}
	return out
}

// TestQueryShape: text+vector prefetches sparse and dense (filter on
// both and on the fusion) fused by RRF; text alone is one sparse query;
// a stop-word-only query sends nothing.
func TestQueryShape(t *testing.T) {
	s, f := newFakeStore(t, testOptions())
	d, cs := storetest.Doc("v", "c1", "V", map[string]any{"lang": "en"}, "alpha text", "beta text")
	cs[0].Vector, cs[1].Vector = []float32{1, 0}, []float32{0, 1}
	put(t, s, d, cs)
	ctx := context.Background()
	flt := []retrieval.Filter{{Key: "lang", Eq: "en"}}

	f.resetCalls()
	if _, err := s.Search(ctx, retrieval.Query{Collection: "c1", Text: "alpha", Vector: []float32{1, 0}, TopK: 5, Filters: flt}); err != nil {
		t.Fatal(err)
	}
	q := f.callsOf("Query")[0].Req.(*qc.QueryPoints)
	if len(q.Prefetch) != 2 || q.GetQuery().GetVariant().(*qc.Query_Fusion).Fusion != qc.Fusion_RRF {
		t.Fatalf("hybrid query = %v", q)
	}
	if q.Prefetch[0].GetUsing() != sparseName || q.Prefetch[0].GetQuery().GetNearest().GetSparse() == nil ||
		q.Prefetch[1].GetUsing() != denseName || q.Prefetch[1].GetQuery().GetNearest().GetDense() == nil {
		t.Fatalf("prefetches = %v", q.Prefetch)
	}
	for i, pf := range q.Prefetch {
		if filterString(pf.Filter) != "must[meta.lang=en]" || pf.GetLimit() != 5 {
			t.Fatalf("prefetch %d filter/limit = %s %d", i, filterString(pf.Filter), pf.GetLimit())
		}
	}
	if filterString(q.Filter) != "must[meta.lang=en]" || q.GetLimit() != 10 || !q.GetWithPayload().GetEnable() {
		t.Fatalf("top-level = %s limit %d", filterString(q.Filter), q.GetLimit())
	}
	// The sparse query is docent's analyzer: distinct term ids, weight 1.
	sq := q.Prefetch[0].GetQuery().GetNearest().GetSparse()
	if len(sq.Indices) != 1 || sq.Indices[0] != retrieval.TermID("alpha") || sq.Values[0] != 1 {
		t.Fatalf("sparse query = %v", sq)
	}

	f.resetCalls()
	if _, err := s.Search(ctx, retrieval.Query{Collection: "c1", Text: "alpha", TopK: 5}); err != nil {
		t.Fatal(err)
	}
	q = f.callsOf("Query")[0].Req.(*qc.QueryPoints)
	if len(q.Prefetch) != 0 || q.GetUsing() != sparseName || q.GetQuery().GetNearest().GetSparse() == nil {
		t.Fatalf("text-only query = %v", q)
	}

	f.resetCalls()
	hits, err := s.Search(ctx, retrieval.Query{Collection: "c1", Text: "the of", TopK: 5})
	if err != nil || len(hits) != 0 || len(f.callsOf("Query")) != 0 {
		t.Fatalf("stop words: %v %v, %d queries", hits, err, len(f.callsOf("Query")))
	}
	// A collection that does not exist has no hits (and no error).
	if hits, err := s.Search(ctx, retrieval.Query{Collection: "nope", Text: "alpha"}); err != nil || len(hits) != 0 {
		t.Fatalf("missing collection: %v %v", hits, err)
	}
	if _, err := s.Search(ctx, retrieval.Query{Collection: "../x", Text: "alpha"}); !errors.Is(err, retrieval.ErrInvalid) {
		t.Fatalf("bad collection name: %v", err)
	}
	// A non-default RRF k is sent as Qdrant's (0-based ranks: k+1).
	opt := testOptions()
	opt.RRFK = 60
	s2, f2 := newFakeStore(t, opt)
	put(t, s2, d, cs)
	if _, err := s2.Search(ctx, retrieval.Query{Collection: "c1", Text: "alpha", Vector: []float32{1, 0}}); err != nil {
		t.Fatal(err)
	}
	if r := f2.callsOf("Query")[0].Req.(*qc.QueryPoints).GetQuery().GetRrf(); r.GetK() != 61 {
		t.Fatalf("rrf = %v", r)
	}
}

// TestStaleVersionHidden: points of a version the record does not name
// (an interrupted write, or an old version whose delete failed) never
// reach results.
func TestStaleVersionHidden(t *testing.T) {
	s, f := newFakeStore(t, testOptions())
	d, cs := storetest.Doc("doc", "c1", "T", nil, "lighthouse keeper one")
	put(t, s, d, cs)
	// The old version's delete fails (and its retries): the write still
	// succeeds, search shows only v2.
	d2, cs2 := storetest.Doc("doc", "c1", "T", nil, "lighthouse keeper two")
	f.fail("Delete", codes.OK) // the stale-cleanup delete passes
	f.fail("Delete", codes.Unavailable, codes.Unavailable, codes.Unavailable, codes.Unavailable)
	if r := put(t, s, d2, cs2); r.Document.Version != 2 {
		t.Fatalf("update = %+v", r)
	}
	f.mu.Lock()
	n := len(f.colls["t_c1"].points)
	f.mu.Unlock()
	if n != 2 {
		t.Fatalf("%d points stored, want both versions (delete failed)", n)
	}
	hits, err := s.Search(context.Background(), retrieval.Query{Collection: "c1", Text: "lighthouse keeper", TopK: 10})
	if err != nil || len(hits) != 1 || hits[0].Document.Version != 2 || !strings.Contains(hits[0].Chunk.Text, "two") {
		t.Fatalf("hits = %+v, %v", hits, err)
	}
	// The next write clears the leftover.
	d3, cs3 := storetest.Doc("doc", "c1", "T", nil, "lighthouse keeper three")
	put(t, s, d3, cs3)
	f.mu.Lock()
	n = len(f.colls["t_c1"].points)
	f.mu.Unlock()
	if n != 1 {
		t.Fatalf("%d points after the next write, want 1", n)
	}
}

// TestReaderBetweenWriteAndCommit: a search that sees the new version's
// points before the record moves on shows the old version only.
func TestReaderBetweenWriteAndCommit(t *testing.T) {
	s, f := newFakeStore(t, testOptions())
	d, cs := storetest.Doc("doc", "c1", "T", nil, "tide tables one", "tide tables two")
	put(t, s, d, cs)
	// Write v2's points by hand, as PutDocument would before committing.
	d2 := d
	d2.Version = 2
	meta, _ := toValue(map[string]any{})
	var pts []*qc.PointStruct
	for i, c := range cs {
		idx, vals := s.sparse.docSparse("T", c.Text+" new")
		c.Text += " new"
		pts = append(pts, &qc.PointStruct{Id: chunkPointID("doc", 2, i), Payload: chunkPayload(d2, meta, c, i, idx),
			Vectors: qc.NewVectorsMap(map[string]*qc.Vector{sparseName: qc.NewVectorSparse(idx, vals)})})
	}
	if err := s.upsert(context.Background(), "t_c1", pts); err != nil {
		t.Fatal(err)
	}
	hits, err := s.Search(context.Background(), retrieval.Query{Collection: "c1", Text: "tide tables", TopK: 10})
	if err != nil || len(hits) != 2 {
		t.Fatalf("hits = %+v %v", hits, err)
	}
	for _, h := range hits {
		if h.Document.Version != 1 || strings.Contains(h.Chunk.Text, "new") {
			t.Fatalf("uncommitted version visible: %+v", h)
		}
	}
	_ = f
}

// TestRetries: transient codes are retried with backoff, permanent ones
// are not, and exhaustion reports the last error.
func TestRetries(t *testing.T) {
	ctx := context.Background()
	s, f := newFakeStore(t, testOptions())
	f.fail("HealthCheck", codes.Unavailable, codes.ResourceExhausted, codes.DeadlineExceeded)
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("3 transient failures then success: %v", err)
	}
	if n := len(f.callsOf("HealthCheck")); n != 4 {
		t.Fatalf("%d health checks, want 4", n)
	}
	f.resetCalls()
	f.fail("HealthCheck", codes.Unavailable, codes.Unavailable, codes.Unavailable, codes.Unavailable)
	if err := s.Ping(ctx); err == nil || !strings.Contains(err.Error(), "Unavailable") {
		t.Fatalf("exhausted retries: %v", err)
	}
	if n := len(f.callsOf("HealthCheck")); n != 4 {
		t.Fatalf("%d health checks, want 1 + 3 retries", n)
	}
	f.resetCalls()
	f.fail("Get", codes.PermissionDenied)
	if _, err := s.GetDocument(ctx, "x"); err == nil || !strings.Contains(err.Error(), "PermissionDenied") {
		t.Fatalf("permanent error: %v", err)
	}
	if n := len(f.callsOf("Get")); n != 1 {
		t.Fatalf("permanent error retried: %d calls", n)
	}
	// A write retried after a transient failure does not duplicate
	// anything (deterministic point ids).
	f.fail("Upsert", codes.Unavailable)
	d, cs := storetest.Doc("a", "c1", "A", nil, "one", "two")
	put(t, s, d, cs)
	f.mu.Lock()
	n := len(f.colls["t_c1"].points)
	f.mu.Unlock()
	if n != 2 {
		t.Fatalf("%d points after a retried upsert", n)
	}
}

// TestAttemptTimeout: a slow server trips the per-attempt timeout, which
// is retried; the caller's own deadline is not.
func TestAttemptTimeout(t *testing.T) {
	opt := testOptions()
	opt.Timeout = 20 * time.Millisecond
	opt.Retries = 1
	s, f := newFakeStore(t, opt)
	f.mu.Lock()
	f.delay["HealthCheck"] = 200 * time.Millisecond
	f.mu.Unlock()
	err := s.Ping(context.Background())
	if err == nil || !strings.Contains(err.Error(), "DeadlineExceeded") {
		t.Fatalf("slow server: %v", err)
	}
	if n := len(f.callsOf("HealthCheck")); n != 2 {
		t.Fatalf("%d attempts, want 2", n)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	opt.Timeout = time.Second
	s2, f2 := newFakeStore(t, opt)
	f2.mu.Lock()
	f2.delay["HealthCheck"] = time.Second
	f2.mu.Unlock()
	if err := s2.Ping(ctx); err == nil {
		t.Fatal("no error past the caller's deadline")
	}
	if n := len(f2.callsOf("HealthCheck")); n != 1 {
		t.Fatalf("caller deadline retried: %d attempts", n)
	}
}

func TestBackoff(t *testing.T) {
	p := retryPolicy{Base: 100 * time.Millisecond, Max: time.Second}
	noJitter := func(n int64) int64 { return n - 1 }
	for i, want := range []time.Duration{100, 200, 400, 800, 1000, 1000} {
		if got := p.backoff(i, nil, noJitter); got != want*time.Millisecond {
			t.Errorf("backoff(%d) = %v, want %v", i, got, want*time.Millisecond)
		}
	}
	var calls atomic.Int32
	half := func(n int64) int64 { calls.Add(1); return n / 2 }
	if got := p.backoff(1, nil, half); got != 100*time.Millisecond+1 || calls.Load() != 1 {
		t.Errorf("jittered backoff = %v", got)
	}
	hint := &qc.QdrantResourceExhaustedError{Reason: "rate", RetryAfterS: 3}
	if got := p.backoff(0, hint, noJitter); got != 3*time.Second {
		t.Errorf("retry-after hint ignored: %v", got)
	}
	if !transient(fmt.Errorf("wrapped: %w", hint)) {
		t.Error("rate limit error not transient")
	}
}

func TestDeleteOrder(t *testing.T) {
	s, f := newFakeStore(t, testOptions())
	d, cs := storetest.Doc("a", "c1", "A", nil, "one")
	put(t, s, d, cs)
	f.resetCalls()
	if err := s.DeleteDocument(context.Background(), "a"); err != nil {
		t.Fatal(err)
	}
	dels := f.callsOf("Delete")
	if len(dels) != 2 || dels[0].Coll != "t__documents" || dels[1].Coll != "t_c1" || !dels[0].Wait || !dels[1].Wait {
		t.Fatalf("deletes = %+v", dels)
	}
	if got := filterString(dels[1].Req.(*qc.DeletePoints).GetPoints().GetFilter()); got != "must[document_id=a]" {
		t.Fatalf("chunk delete filter = %s", got)
	}
}

func TestPingCreatesRegistry(t *testing.T) {
	s, f := newFakeStore(t, testOptions())
	if err := s.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	_, ok := f.colls["t__documents"]
	f.mu.Unlock()
	if !ok {
		t.Fatal("record collection not created")
	}
}

func TestTermStats(t *testing.T) {
	s, _ := newFakeStore(t, testOptions())
	ctx := context.Background()
	d, cs := storetest.Doc("a", "c1", "Otters", nil, "otters eat fish", "seals eat fish too", "kelp forests")
	put(t, s, d, cs)
	df, n, err := s.TermStats(ctx, "c1", []string{"fish", "kelp", "otter", "whale", "fish"})
	if err != nil {
		t.Fatal(err)
	}
	// "otter" is in every chunk's title.
	if n != 3 || df["fish"] != 2 || df["kelp"] != 1 || df["otter"] != 3 || df["whale"] != 0 {
		t.Fatalf("df = %v, n = %d", df, n)
	}
	if df, n, err := s.TermStats(ctx, "none", []string{"fish"}); err != nil || n != 0 || df["fish"] != 0 {
		t.Fatalf("missing collection: %v %d %v", df, n, err)
	}
}

// TestCollectionDroppedOutside: a collection deleted behind docent's back
// searches as empty, and the next write recreates it.
func TestCollectionDroppedOutside(t *testing.T) {
	s, f := newFakeStore(t, testOptions())
	ctx := context.Background()
	d, cs := storetest.Doc("a", "c1", "A", nil, "quokka island")
	put(t, s, d, cs)
	f.mu.Lock()
	delete(f.colls, "t_c1")
	f.mu.Unlock()
	if hits, err := s.Search(ctx, retrieval.Query{Collection: "c1", Text: "quokka"}); err != nil || len(hits) != 0 {
		t.Fatalf("search of a dropped collection: %v %v", hits, err)
	}
	d2, cs2 := storetest.Doc("a", "c1", "A", nil, "quokka island again")
	put(t, s, d2, cs2)
	if hits, err := s.Search(ctx, retrieval.Query{Collection: "c1", Text: "quokka"}); err != nil || len(hits) != 1 {
		t.Fatalf("after rewrite: %v %v", hits, err)
	}
}
