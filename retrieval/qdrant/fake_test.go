package qdrant

// An in-process fake of the part of Qdrant's gRPC API the adapter uses
// (Collections: Get, Create, Delete, CollectionExists; Points: Upsert,
// Delete, Get, Scroll, Count, Query, CreateFieldIndex; Qdrant:
// HealthCheck), served over a bufconn listener through the go-client's
// generated server interfaces. It records every request so adapter tests
// can check what the adapter sent, and can inject errors and latency.
//
// What it models, and how faithfully:
//   - Filters: must/should/must_not, nested filters, has_id; field
//     conditions match keyword(s), integer(s), bool, numeric range and
//     datetime range over dotted payload paths (arrays match if any
//     element does), as Qdrant documents them.
//   - Dense nearest: cosine (normalised dot) and dot; Qdrant's HNSW is
//     approximate, the fake is exact.
//   - Sparse nearest with Modifier IDF: score = sum over shared indices of
//     query value * idf * stored value, idf = ln((N - n + 0.5)/(n + 0.5) + 1)
//     with N the points having the sparse vector and n those having the
//     index, computed over the whole collection (Qdrant keeps these
//     statistics per shard); only points sharing an index are returned.
//   - Fusion RRF over prefetches: score = sum of 1/(k + rank0), k = 2 by
//     default or Rrf.K; ties by point id.
//   - Writes apply atomically under one lock (Qdrant guarantees atomicity
//     per point, not per batch), and "wait" is recorded, not simulated.
//   - order_by scroll needs a payload index on the key, as in Qdrant.
// It is not Qdrant: passing tests against it shows the adapter sends
// coherent requests and handles answers and errors, not that a server
// agrees; the live suite (DOCENT_QDRANT_TEST_ADDR) does that.

import (
	"context"
	"fmt"
	"math"
	"net"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	qc "github.com/qdrant/go-client/qdrant"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"
	"google.golang.org/protobuf/proto"
)

type fpoint struct {
	id      string
	payload map[string]*qc.Value
	dense   []float32
	sparse  map[uint32]float32
}

type fcoll struct {
	dense    *qc.VectorParams // nil: none
	sparse   map[string]*qc.SparseVectorParams
	points   map[string]*fpoint
	indexes  map[string]qc.FieldType
	emptyMap bool // created with an empty named-vector map
}

// call is one recorded request.
type call struct {
	Method string
	Coll   string
	Wait   bool
	Req    proto.Message
}

type fake struct {
	mu    sync.Mutex
	colls map[string]*fcoll
	calls []call
	// failures: method -> codes to return on the next calls, in order.
	failures map[string][]codes.Code
	// delay: method -> latency before answering.
	delay map[string]time.Duration
}

func newFake() *fake {
	return &fake{colls: map[string]*fcoll{}, failures: map[string][]codes.Code{}, delay: map[string]time.Duration{}}
}

// start serves f on a bufconn and returns a client connection.
func (f *fake) start(t *testing.T) *grpc.ClientConn {
	t.Helper()
	lis := bufconn.Listen(1 << 20)
	srv := grpc.NewServer()
	qc.RegisterPointsServer(srv, &fakePoints{f: f})
	qc.RegisterCollectionsServer(srv, &fakeColls{f: f})
	qc.RegisterQdrantServer(srv, &fakeHealth{f: f})
	go srv.Serve(lis) //nolint:errcheck // ends with Stop
	conn, err := grpc.NewClient("passthrough:///bufnet",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(); srv.Stop() })
	return conn
}

func (f *fake) fail(method string, cs ...codes.Code) {
	f.mu.Lock()
	f.failures[method] = append(f.failures[method], cs...)
	f.mu.Unlock()
}

// enter records a call, applies injected latency and failures, and
// returns with f.mu held (unless it returns an error).
func (f *fake) enter(ctx context.Context, method, coll string, wait *bool, req proto.Message) error {
	f.mu.Lock()
	f.calls = append(f.calls, call{method, coll, wait != nil && *wait, proto.Clone(req)})
	d := f.delay[method]
	var code codes.Code
	if q := f.failures[method]; len(q) > 0 {
		code, f.failures[method] = q[0], q[1:]
	}
	f.mu.Unlock()
	if d > 0 {
		select {
		case <-time.After(d):
		case <-ctx.Done():
			return status.FromContextError(ctx.Err()).Err()
		}
	}
	if code != codes.OK {
		return status.Errorf(code, "injected %s", code)
	}
	f.mu.Lock()
	return nil
}

func (f *fake) callsOf(method string) []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []call
	for _, c := range f.calls {
		if method == "" || c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

func (f *fake) resetCalls() {
	f.mu.Lock()
	f.calls = nil
	f.mu.Unlock()
}

func (f *fake) coll(name string) (*fcoll, error) {
	c, ok := f.colls[name]
	if !ok {
		return nil, status.Errorf(codes.NotFound, "Not found: Collection `%s` doesn't exist!", name)
	}
	return c, nil
}

// ---- Qdrant service

type fakeHealth struct {
	qc.UnimplementedQdrantServer
	f *fake
}

func (h *fakeHealth) HealthCheck(ctx context.Context, req *qc.HealthCheckRequest) (*qc.HealthCheckReply, error) {
	if err := h.f.enter(ctx, "HealthCheck", "", nil, req); err != nil {
		return nil, err
	}
	h.f.mu.Unlock()
	return &qc.HealthCheckReply{Title: "fake qdrant", Version: "1.17.1"}, nil
}

// ---- Collections service

type fakeColls struct {
	qc.UnimplementedCollectionsServer
	f *fake
}

func (s *fakeColls) Get(ctx context.Context, req *qc.GetCollectionInfoRequest) (*qc.GetCollectionInfoResponse, error) {
	if err := s.f.enter(ctx, "CollectionGet", req.CollectionName, nil, req); err != nil {
		return nil, err
	}
	defer s.f.mu.Unlock()
	c, err := s.f.coll(req.CollectionName)
	if err != nil {
		return nil, err
	}
	vm := map[string]*qc.VectorParams{}
	if c.dense != nil {
		vm[denseName] = c.dense
	}
	schema := map[string]*qc.PayloadSchemaInfo{}
	for k, t := range c.indexes {
		schema[k] = &qc.PayloadSchemaInfo{DataType: qc.PayloadSchemaType(t + 1)}
	}
	return &qc.GetCollectionInfoResponse{Result: &qc.CollectionInfo{
		Status: qc.CollectionStatus_Green,
		Config: &qc.CollectionConfig{Params: &qc.CollectionParams{
			VectorsConfig:       qc.NewVectorsConfigMap(vm),
			SparseVectorsConfig: &qc.SparseVectorConfig{Map: c.sparse},
		}},
		PayloadSchema: schema,
		PointsCount:   qc.PtrOf(uint64(len(c.points))),
	}}, nil
}

func (s *fakeColls) CollectionExists(ctx context.Context, req *qc.CollectionExistsRequest) (*qc.CollectionExistsResponse, error) {
	if err := s.f.enter(ctx, "CollectionExists", req.CollectionName, nil, req); err != nil {
		return nil, err
	}
	defer s.f.mu.Unlock()
	_, ok := s.f.colls[req.CollectionName]
	return &qc.CollectionExistsResponse{Result: &qc.CollectionExists{Exists: ok}}, nil
}

func (s *fakeColls) Create(ctx context.Context, req *qc.CreateCollection) (*qc.CollectionOperationResponse, error) {
	if err := s.f.enter(ctx, "CollectionCreate", req.CollectionName, nil, req); err != nil {
		return nil, err
	}
	defer s.f.mu.Unlock()
	if _, ok := s.f.colls[req.CollectionName]; ok {
		return nil, status.Errorf(codes.InvalidArgument, "Wrong input: Collection `%s` already exists!", req.CollectionName)
	}
	c := &fcoll{points: map[string]*fpoint{}, indexes: map[string]qc.FieldType{}, sparse: map[string]*qc.SparseVectorParams{}}
	switch vc := req.GetVectorsConfig().GetConfig().(type) {
	case *qc.VectorsConfig_ParamsMap:
		for name, p := range vc.ParamsMap.GetMap() {
			if name != denseName {
				return nil, status.Errorf(codes.InvalidArgument, "fake supports only the dense vector %q", denseName)
			}
			c.dense = p
		}
		c.emptyMap = len(vc.ParamsMap.GetMap()) == 0
	case nil:
	default:
		return nil, status.Errorf(codes.InvalidArgument, "fake supports only named vectors")
	}
	for name, p := range req.GetSparseVectorsConfig().GetMap() {
		c.sparse[name] = p
	}
	s.f.colls[req.CollectionName] = c
	return &qc.CollectionOperationResponse{Result: true}, nil
}

func (s *fakeColls) Delete(ctx context.Context, req *qc.DeleteCollection) (*qc.CollectionOperationResponse, error) {
	if err := s.f.enter(ctx, "CollectionDelete", req.CollectionName, nil, req); err != nil {
		return nil, err
	}
	defer s.f.mu.Unlock()
	_, ok := s.f.colls[req.CollectionName]
	delete(s.f.colls, req.CollectionName)
	return &qc.CollectionOperationResponse{Result: ok}, nil
}

// ---- Points service

type fakePoints struct {
	qc.UnimplementedPointsServer
	f *fake
}

func idString(id *qc.PointId) string {
	if u := id.GetUuid(); u != "" {
		return u
	}
	return fmt.Sprint(id.GetNum())
}

func done() *qc.PointsOperationResponse {
	return &qc.PointsOperationResponse{Result: &qc.UpdateResult{Status: qc.UpdateStatus_Completed}}
}

func (s *fakePoints) Upsert(ctx context.Context, req *qc.UpsertPoints) (*qc.PointsOperationResponse, error) {
	if err := s.f.enter(ctx, "Upsert", req.CollectionName, req.Wait, req); err != nil {
		return nil, err
	}
	defer s.f.mu.Unlock()
	c, err := s.f.coll(req.CollectionName)
	if err != nil {
		return nil, err
	}
	batch := make([]*fpoint, 0, len(req.Points))
	for _, p := range req.Points {
		fp := &fpoint{id: idString(p.Id), payload: p.Payload}
		if p.GetVectors().GetVector() != nil {
			return nil, status.Errorf(codes.InvalidArgument, "collection has named vectors; unnamed vector given")
		}
		for name, v := range p.GetVectors().GetVectors().GetVectors() {
			switch {
			case name == denseName && c.dense != nil:
				d := v.GetDense().GetData()
				if uint64(len(d)) != c.dense.Size {
					return nil, status.Errorf(codes.InvalidArgument, "Wrong input: Vector dimension error: expected dim: %d, got %d", c.dense.Size, len(d))
				}
				fp.dense = d
			case c.sparse[name] != nil:
				sv := v.GetSparse()
				if sv == nil || len(sv.Indices) != len(sv.Values) {
					return nil, status.Errorf(codes.InvalidArgument, "bad sparse vector %q", name)
				}
				fp.sparse = map[uint32]float32{}
				for i, ix := range sv.Indices {
					if _, dup := fp.sparse[ix]; dup {
						return nil, status.Errorf(codes.InvalidArgument, "sparse vector %q: duplicate index %d", name, ix)
					}
					fp.sparse[ix] = sv.Values[i]
				}
			default:
				return nil, status.Errorf(codes.InvalidArgument, "Wrong input: Not existing vector name error: %s", name)
			}
		}
		batch = append(batch, fp)
	}
	for _, fp := range batch {
		c.points[fp.id] = fp
	}
	return done(), nil
}

func (s *fakePoints) Delete(ctx context.Context, req *qc.DeletePoints) (*qc.PointsOperationResponse, error) {
	if err := s.f.enter(ctx, "Delete", req.CollectionName, req.Wait, req); err != nil {
		return nil, err
	}
	defer s.f.mu.Unlock()
	c, err := s.f.coll(req.CollectionName)
	if err != nil {
		return nil, err
	}
	if ids := req.GetPoints().GetPoints(); ids != nil {
		for _, id := range ids.Ids {
			delete(c.points, idString(id))
		}
		return done(), nil
	}
	flt := req.GetPoints().GetFilter()
	for id, p := range c.points {
		ok, err := matches(p, flt)
		if err != nil {
			return nil, err
		}
		if ok {
			delete(c.points, id)
		}
	}
	return done(), nil
}

func retrieved(p *fpoint, withPayload bool, vecs *qc.WithVectorsSelector) *qc.RetrievedPoint {
	r := &qc.RetrievedPoint{Id: qc.NewIDUUID(p.id)}
	if withPayload {
		r.Payload = p.payload
	}
	r.Vectors = vectorsOut(p, vecs)
	return r
}

func vectorsOut(p *fpoint, sel *qc.WithVectorsSelector) *qc.VectorsOutput {
	if sel == nil || p.dense == nil {
		return nil
	}
	want := sel.GetEnable()
	for _, n := range sel.GetInclude().GetNames() {
		want = want || n == denseName
	}
	if !want {
		return nil
	}
	return &qc.VectorsOutput{VectorsOptions: &qc.VectorsOutput_Vectors{Vectors: &qc.NamedVectorsOutput{
		Vectors: map[string]*qc.VectorOutput{denseName: {Vector: &qc.VectorOutput_Dense{Dense: &qc.DenseVector{Data: p.dense}}}},
	}}}
}

func (s *fakePoints) Get(ctx context.Context, req *qc.GetPoints) (*qc.GetResponse, error) {
	if err := s.f.enter(ctx, "Get", req.CollectionName, nil, req); err != nil {
		return nil, err
	}
	defer s.f.mu.Unlock()
	c, err := s.f.coll(req.CollectionName)
	if err != nil {
		return nil, err
	}
	resp := &qc.GetResponse{}
	for _, id := range req.Ids {
		if p, ok := c.points[idString(id)]; ok {
			resp.Result = append(resp.Result, retrieved(p, req.GetWithPayload().GetEnable(), req.WithVectors))
		}
	}
	return resp, nil
}

func (c *fcoll) filtered(flt *qc.Filter) ([]*fpoint, error) {
	var out []*fpoint
	for _, p := range c.points {
		ok, err := matches(p, flt)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, p)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out, nil
}

func (s *fakePoints) Scroll(ctx context.Context, req *qc.ScrollPoints) (*qc.ScrollResponse, error) {
	if err := s.f.enter(ctx, "Scroll", req.CollectionName, nil, req); err != nil {
		return nil, err
	}
	defer s.f.mu.Unlock()
	c, err := s.f.coll(req.CollectionName)
	if err != nil {
		return nil, err
	}
	pts, err := c.filtered(req.Filter)
	if err != nil {
		return nil, err
	}
	limit := 10
	if req.Limit != nil {
		limit = int(*req.Limit)
	}
	resp := &qc.ScrollResponse{}
	if ob := req.OrderBy; ob != nil {
		if t, ok := c.indexes[ob.Key]; !ok || (t != qc.FieldType_FieldTypeInteger && t != qc.FieldType_FieldTypeFloat && t != qc.FieldType_FieldTypeDatetime) {
			return nil, status.Errorf(codes.InvalidArgument, "Bad request: No range index for `order_by` key: `%s`", ob.Key)
		}
		if req.Offset != nil {
			return nil, status.Errorf(codes.InvalidArgument, "offset is not supported with order_by")
		}
		key := func(p *fpoint) float64 {
			vs := lookup(p.payload, ob.Key)
			if len(vs) == 0 {
				return math.Inf(1)
			}
			n, _ := num(vs[0])
			return n
		}
		sort.SliceStable(pts, func(i, j int) bool {
			if ob.GetDirection() == qc.Direction_Desc {
				return key(pts[i]) > key(pts[j])
			}
			return key(pts[i]) < key(pts[j])
		})
		if len(pts) > limit {
			pts = pts[:limit]
		}
	} else {
		if req.Offset != nil {
			from := idString(req.Offset)
			i := sort.Search(len(pts), func(i int) bool { return pts[i].id >= from })
			pts = pts[i:]
		}
		if len(pts) > limit {
			resp.NextPageOffset = qc.NewIDUUID(pts[limit].id)
			pts = pts[:limit]
		}
	}
	for _, p := range pts {
		resp.Result = append(resp.Result, retrieved(p, req.GetWithPayload().GetEnable(), req.WithVectors))
	}
	return resp, nil
}

func (s *fakePoints) Count(ctx context.Context, req *qc.CountPoints) (*qc.CountResponse, error) {
	if err := s.f.enter(ctx, "Count", req.CollectionName, nil, req); err != nil {
		return nil, err
	}
	defer s.f.mu.Unlock()
	c, err := s.f.coll(req.CollectionName)
	if err != nil {
		return nil, err
	}
	pts, err := c.filtered(req.Filter)
	if err != nil {
		return nil, err
	}
	return &qc.CountResponse{Result: &qc.CountResult{Count: uint64(len(pts))}}, nil
}

func (s *fakePoints) CreateFieldIndex(ctx context.Context, req *qc.CreateFieldIndexCollection) (*qc.PointsOperationResponse, error) {
	if err := s.f.enter(ctx, "CreateFieldIndex", req.CollectionName, req.Wait, req); err != nil {
		return nil, err
	}
	defer s.f.mu.Unlock()
	c, err := s.f.coll(req.CollectionName)
	if err != nil {
		return nil, err
	}
	if req.FieldType == nil {
		return nil, status.Errorf(codes.InvalidArgument, "field type required")
	}
	c.indexes[req.FieldName] = *req.FieldType
	return done(), nil
}

type scored struct {
	p     *fpoint
	score float64
}

func (s *fakePoints) Query(ctx context.Context, req *qc.QueryPoints) (*qc.QueryResponse, error) {
	if err := s.f.enter(ctx, "Query", req.CollectionName, nil, req); err != nil {
		return nil, err
	}
	defer s.f.mu.Unlock()
	c, err := s.f.coll(req.CollectionName)
	if err != nil {
		return nil, err
	}
	res, err := c.query(req.Prefetch, req.Query, req.Using, req.Filter, req.Limit)
	if err != nil {
		return nil, err
	}
	resp := &qc.QueryResponse{}
	for _, r := range res {
		sp := &qc.ScoredPoint{Id: qc.NewIDUUID(r.p.id), Score: float32(r.score)}
		if req.GetWithPayload().GetEnable() {
			sp.Payload = r.p.payload
		}
		sp.Vectors = vectorsOut(r.p, req.WithVectors)
		resp.Result = append(resp.Result, sp)
	}
	return resp, nil
}

func (c *fcoll) query(prefetch []*qc.PrefetchQuery, q *qc.Query, using *string, flt *qc.Filter, limitp *uint64) ([]scored, error) {
	limit := 10
	if limitp != nil {
		limit = int(*limitp)
	}
	var out []scored
	switch v := q.GetVariant().(type) {
	case *qc.Query_Nearest:
		if len(prefetch) > 0 {
			return nil, status.Errorf(codes.Unimplemented, "fake: nearest over prefetch results")
		}
		name := ""
		if using != nil {
			name = *using
		}
		pts, err := c.filtered(flt)
		if err != nil {
			return nil, err
		}
		switch in := v.Nearest.GetVariant().(type) {
		case *qc.VectorInput_Dense:
			if name != denseName || c.dense == nil {
				return nil, status.Errorf(codes.InvalidArgument, "Wrong input: Not existing vector name error: %s", name)
			}
			if uint64(len(in.Dense.Data)) != c.dense.Size {
				return nil, status.Errorf(codes.InvalidArgument, "Wrong input: Vector dimension error: expected dim: %d, got %d", c.dense.Size, len(in.Dense.Data))
			}
			for _, p := range pts {
				if p.dense != nil {
					out = append(out, scored{p, similarity(c.dense.Distance, in.Dense.Data, p.dense)})
				}
			}
		case *qc.VectorInput_Sparse:
			sp := c.sparse[name]
			if sp == nil {
				return nil, status.Errorf(codes.InvalidArgument, "Wrong input: Not existing vector name error: %s", name)
			}
			idf := func(uint32) float64 { return 1 }
			if sp.GetModifier() == qc.Modifier_Idf {
				n := 0
				df := map[uint32]int{}
				for _, p := range c.points { // statistics over the collection, not the filter
					if p.sparse != nil {
						n++
						for _, ix := range in.Sparse.Indices {
							if _, ok := p.sparse[ix]; ok {
								df[ix]++
							}
						}
					}
				}
				idf = func(ix uint32) float64 {
					return math.Log((float64(n)-float64(df[ix])+0.5)/(float64(df[ix])+0.5) + 1)
				}
			}
			for _, p := range pts {
				score, hit := 0.0, false
				for i, ix := range in.Sparse.Indices {
					if dv, ok := p.sparse[ix]; ok {
						hit = true
						score += float64(in.Sparse.Values[i]) * idf(ix) * float64(dv)
					}
				}
				if hit {
					out = append(out, scored{p, score})
				}
			}
		default:
			return nil, status.Errorf(codes.Unimplemented, "fake: query input %T", in)
		}
	case *qc.Query_Fusion, *qc.Query_Rrf:
		k := 2.0
		if r, ok := v.(*qc.Query_Rrf); ok && r.Rrf.K != nil {
			k = float64(*r.Rrf.K)
		}
		if f, ok := v.(*qc.Query_Fusion); ok && f.Fusion != qc.Fusion_RRF {
			return nil, status.Errorf(codes.Unimplemented, "fake: fusion %v", f.Fusion)
		}
		if len(prefetch) == 0 {
			return nil, status.Errorf(codes.InvalidArgument, "fusion needs prefetch")
		}
		sum := map[string]*scored{}
		var order []string
		for _, pf := range prefetch {
			res, err := c.query(pf.Prefetch, pf.Query, pf.Using, pf.Filter, pf.Limit)
			if err != nil {
				return nil, err
			}
			for rank, r := range res {
				if _, ok := sum[r.p.id]; !ok {
					sum[r.p.id] = &scored{p: r.p}
					order = append(order, r.p.id)
				}
				sum[r.p.id].score += 1 / (k + float64(rank))
			}
		}
		for _, id := range order {
			ok, err := matches(sum[id].p, flt)
			if err != nil {
				return nil, err
			}
			if ok {
				out = append(out, *sum[id])
			}
		}
	default:
		return nil, status.Errorf(codes.Unimplemented, "fake: query %T", v)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].score != out[j].score {
			return out[i].score > out[j].score
		}
		return out[i].p.id < out[j].p.id
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

func similarity(d qc.Distance, a, b []float32) float64 {
	var dot, na, nb float64
	for i := range a {
		dot += float64(a[i]) * float64(b[i])
		na += float64(a[i]) * float64(a[i])
		nb += float64(b[i]) * float64(b[i])
	}
	if d == qc.Distance_Cosine {
		if na == 0 || nb == 0 {
			return 0
		}
		return dot / math.Sqrt(na*nb)
	}
	return dot
}

// ---- filters

func lookup(payload map[string]*qc.Value, path string) []*qc.Value {
	parts := strings.Split(path, ".")
	cur := []*qc.Value{{Kind: &qc.Value_StructValue{StructValue: &qc.Struct{Fields: payload}}}}
	for _, part := range parts {
		var next []*qc.Value
		for _, v := range cur {
			if f, ok := v.GetStructValue().GetFields()[part]; ok {
				next = append(next, f)
			}
		}
		cur = nil
		for _, v := range next { // arrays match if any element does
			if l := v.GetListValue(); l != nil {
				cur = append(cur, l.Values...)
			} else {
				cur = append(cur, v)
			}
		}
	}
	return cur
}

func num(v *qc.Value) (float64, bool) {
	switch k := v.GetKind().(type) {
	case *qc.Value_IntegerValue:
		return float64(k.IntegerValue), true
	case *qc.Value_DoubleValue:
		return k.DoubleValue, true
	}
	return 0, false
}

func matches(p *fpoint, f *qc.Filter) (bool, error) {
	if f == nil {
		return true, nil
	}
	for _, c := range f.Must {
		ok, err := condition(p, c)
		if err != nil || !ok {
			return false, err
		}
	}
	for _, c := range f.MustNot {
		ok, err := condition(p, c)
		if err != nil || ok {
			return false, err
		}
	}
	if len(f.Should) > 0 {
		for _, c := range f.Should {
			ok, err := condition(p, c)
			if err != nil {
				return false, err
			}
			if ok {
				return true, nil
			}
		}
		return false, nil
	}
	return true, nil
}

func condition(p *fpoint, c *qc.Condition) (bool, error) {
	switch x := c.GetConditionOneOf().(type) {
	case *qc.Condition_Filter:
		return matches(p, x.Filter)
	case *qc.Condition_HasId:
		for _, id := range x.HasId.HasId {
			if idString(id) == p.id {
				return true, nil
			}
		}
		return false, nil
	case *qc.Condition_Field:
		return field(p, x.Field)
	}
	return false, status.Errorf(codes.Unimplemented, "fake: condition %T", c.GetConditionOneOf())
}

func field(p *fpoint, fc *qc.FieldCondition) (bool, error) {
	vals := lookup(p.payload, fc.Key)
	any := func(pred func(*qc.Value) bool) bool {
		for _, v := range vals {
			if pred(v) {
				return true
			}
		}
		return false
	}
	switch {
	case fc.Match != nil:
		switch m := fc.Match.GetMatchValue().(type) {
		case *qc.Match_Keyword:
			return any(func(v *qc.Value) bool { return v.GetKind() != nil && isStr(v) && v.GetStringValue() == m.Keyword }), nil
		case *qc.Match_Keywords:
			return any(func(v *qc.Value) bool {
				for _, k := range m.Keywords.Strings {
					if isStr(v) && v.GetStringValue() == k {
						return true
					}
				}
				return false
			}), nil
		case *qc.Match_Integer:
			return any(func(v *qc.Value) bool { return isInt(v) && v.GetIntegerValue() == m.Integer }), nil
		case *qc.Match_Integers:
			return any(func(v *qc.Value) bool {
				for _, k := range m.Integers.Integers {
					if isInt(v) && v.GetIntegerValue() == k {
						return true
					}
				}
				return false
			}), nil
		case *qc.Match_Boolean:
			return any(func(v *qc.Value) bool {
				_, ok := v.GetKind().(*qc.Value_BoolValue)
				return ok && v.GetBoolValue() == m.Boolean
			}), nil
		}
		return false, status.Errorf(codes.Unimplemented, "fake: match %T", fc.Match.GetMatchValue())
	case fc.Range != nil:
		r := fc.Range
		return any(func(v *qc.Value) bool {
			n, ok := num(v)
			return ok && (r.Gte == nil || n >= *r.Gte) && (r.Lte == nil || n <= *r.Lte) && (r.Gt == nil || n > *r.Gt) && (r.Lt == nil || n < *r.Lt)
		}), nil
	case fc.DatetimeRange != nil:
		r := fc.DatetimeRange
		return any(func(v *qc.Value) bool {
			if !isStr(v) {
				return false
			}
			t, ok := parseDate(v.GetStringValue())
			if !ok {
				return false
			}
			return (r.Gte == nil || !t.Before(r.Gte.AsTime())) && (r.Lte == nil || !t.After(r.Lte.AsTime())) &&
				(r.Gt == nil || t.After(r.Gt.AsTime())) && (r.Lt == nil || t.Before(r.Lt.AsTime()))
		}), nil
	}
	return false, status.Errorf(codes.Unimplemented, "fake: field condition on %s", fc.Key)
}

func isStr(v *qc.Value) bool { _, ok := v.GetKind().(*qc.Value_StringValue); return ok }
func isInt(v *qc.Value) bool { _, ok := v.GetKind().(*qc.Value_IntegerValue); return ok }
