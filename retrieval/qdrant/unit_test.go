package qdrant

import (
	"errors"
	"math"
	"regexp"
	"testing"
	"time"

	qc "github.com/qdrant/go-client/qdrant"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/docent-dev/docent/retrieval"
)

func TestPointUUID(t *testing.T) {
	// RFC 4122 / RFC 9562 test vector: UUIDv5 of "www.example.com" in the
	// DNS namespace is 2ed6657d-e927-568b-95e1-2665a8aea6a2.
	dns := [16]byte{0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}
	saved := pointNamespace
	pointNamespace = dns
	got := pointUUID("www.example.com")
	pointNamespace = saved
	if got != "2ed6657d-e927-568b-95e1-2665a8aea6a2" {
		t.Fatalf("uuid5 = %s", got)
	}
	re := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	a, b := chunkPointID("doc", 1, 0).GetUuid(), chunkPointID("doc", 1, 0).GetUuid()
	if a != b || !re.MatchString(a) {
		t.Fatalf("chunk ids %s %s", a, b)
	}
	seen := map[string]bool{a: true}
	for _, id := range []string{chunkPointID("doc", 2, 0).GetUuid(), chunkPointID("doc", 1, 1).GetUuid(), docPointID("doc").GetUuid(), chunkPointID("doc:v1", 0, 0).GetUuid()} {
		if seen[id] {
			t.Fatalf("collision %s", id)
		}
		seen[id] = true
	}
}

func TestSparseVectors(t *testing.T) {
	p := defaultSparse()
	idx, vals := p.docSparse("Pump manual", "The pump pumps water. Pump!")
	if len(idx) != len(vals) {
		t.Fatal("length mismatch")
	}
	for i := 1; i < len(idx); i++ {
		if idx[i] <= idx[i-1] {
			t.Fatalf("indices not strictly increasing: %v", idx)
		}
	}
	w := map[uint32]float32{}
	for i, id := range idx {
		w[id] = vals[i]
	}
	pump, water, manual := w[retrieval.TermID("pump")], w[retrieval.TermID("water")], w[retrieval.TermID("manual")]
	// body: pump x3 (pump, pumps, Pump stem alike), water x1; title: pump, manual (x2 weight).
	// length = 4 + 2*2 = 8; norm = 1.2*(0.25 + 0.75*8/100) = 0.372
	bm := func(tf float64) float32 { return float32(tf * 2.2 / (tf + 1.2*(0.25+0.75*8.0/100))) }
	if math.Abs(float64(pump-bm(5))) > 1e-6 || math.Abs(float64(water-bm(1))) > 1e-6 || math.Abs(float64(manual-bm(2))) > 1e-6 {
		t.Fatalf("weights pump %v water %v manual %v", pump, water, manual)
	}
	if _, ok := w[retrieval.TermID("the")]; ok {
		t.Fatal("stop word indexed")
	}
	qi, qv := querySparse("pump the pumps, water")
	if len(qi) != 2 || qv[0] != 1 || qv[1] != 1 {
		t.Fatalf("query sparse %v %v", qi, qv)
	}
	if qi, _ := querySparse("the and of"); len(qi) != 0 {
		t.Fatalf("stop words: %v", qi)
	}
}

func TestPayloadRoundTrip(t *testing.T) {
	now := time.Unix(1700000000, 123456789).UTC()
	d := retrieval.Document{ID: "d1", Collection: "c", Source: "s.pdf", Title: "T", Format: "pdf", ContentHash: "h", Version: 3, Size: 42,
		Metadata:   map[string]any{"lang": "en", "year": 2020.0, "score": 0.5, "tags": []any{"a", "b"}, "nested": map[string]any{"k": true}},
		ChunkCount: 2, CreatedAt: now, UpdatedAt: now.Add(time.Second)}
	p, err := recordPayload(d)
	if err != nil {
		t.Fatal(err)
	}
	// Through the wire format and back.
	b, err := protojson.Marshal(&qc.PointStruct{Payload: p})
	if err != nil {
		t.Fatal(err)
	}
	var ps qc.PointStruct
	if err := protojson.Unmarshal(b, &ps); err != nil {
		t.Fatal(err)
	}
	got, err := recordFromPayload(ps.Payload)
	if err != nil {
		t.Fatal(err)
	}
	if !sameJSON(got.Metadata, d.Metadata) || got.ID != d.ID || got.Version != 3 || got.Size != 42 || !got.CreatedAt.Equal(now) ||
		!got.UpdatedAt.Equal(d.UpdatedAt) || got.Format != "pdf" || got.ChunkCount != 2 || got.Collection != "c" {
		t.Fatalf("record round trip:\n got %+v\nwant %+v", got, d)
	}
	meta, err := toValue(d.Metadata)
	if err != nil {
		t.Fatal(err)
	}
	if y := meta.GetStructValue().GetFields()["year"]; y.GetIntegerValue() != 2020 {
		t.Fatalf("whole number stored as %v", y)
	}
	if s := meta.GetStructValue().GetFields()["score"]; s.GetDoubleValue() != 0.5 {
		t.Fatalf("fraction stored as %v", s)
	}
	c := retrieval.Chunk{Text: "body", Start: 5, End: 9, Page: 7, Heading: []string{"H1", "H2"}}
	cp := chunkPayload(d, meta, c, 4, []uint32{7, 9})
	gc := chunkFromPayload(cp)
	if gc.ID != "d1:v3:4" || gc.DocumentID != "d1" || gc.Ordinal != 4 || gc.Text != "body" || gc.Start != 5 || gc.End != 9 || gc.Page != 7 || len(gc.Heading) != 2 || gc.Heading[1] != "H2" {
		t.Fatalf("chunk round trip %+v", gc)
	}
	if tv := cp[fTerms].GetListValue().GetValues(); len(tv) != 2 || tv[1].GetIntegerValue() != 9 {
		t.Fatalf("terms payload %v", tv)
	}
	if cp[fTitle].GetStringValue() != "T" || cp[fSource].GetStringValue() != "s.pdf" || cp[fMeta].GetStructValue().GetFields()["lang"].GetStringValue() != "en" {
		t.Fatalf("chunk payload %v", cp)
	}
	if !sameJSON(map[string]any{"a": 1}, map[string]any{"a": 1.0}) || sameJSON(map[string]any{"a": 1}, map[string]any{"a": 2}) {
		t.Fatal("sameJSON")
	}
}

func TestBuildFilter(t *testing.T) {
	f64 := func(v float64) *float64 { return &v }
	cases := []struct {
		name string
		in   retrieval.Filter
		want *qc.Condition
	}{
		{"eq string", retrieval.Filter{Key: "lang", Eq: "en"}, qc.NewMatchKeyword("meta.lang", "en")},
		{"eq builtin", retrieval.Filter{Key: "source", Eq: "a.pdf"}, qc.NewMatchKeyword("source", "a.pdf")},
		{"eq bool", retrieval.Filter{Key: "draft", Eq: true}, qc.NewMatchBool("meta.draft", true)},
		{"eq number", retrieval.Filter{Key: "year", Eq: 2020.0}, qc.NewRange("meta.year", &qc.Range{Gte: f64(2020), Lte: f64(2020)})},
		{"eq int", retrieval.Filter{Key: "year", Eq: 7}, qc.NewRange("meta.year", &qc.Range{Gte: f64(7), Lte: f64(7)})},
		{"in strings", retrieval.Filter{Key: "document_id", In: []any{"a", "b"}}, qc.NewMatchKeywords("document_id", "a", "b")},
		{"in ints", retrieval.Filter{Key: "year", In: []any{2020.0, 2021}}, qc.NewMatchInts("meta.year", 2020, 2021)},
		{"in mixed", retrieval.Filter{Key: "v", In: []any{"x", 1.5}}, qc.NewFilterAsCondition(&qc.Filter{Should: []*qc.Condition{
			qc.NewMatchKeyword("meta.v", "x"), qc.NewRange("meta.v", &qc.Range{Gte: f64(1.5), Lte: f64(1.5)})}})},
		{"range", retrieval.Filter{Key: "year", Gte: 2021.0}, qc.NewRange("meta.year", &qc.Range{Gte: f64(2021)})},
		{"range both", retrieval.Filter{Key: "p", Gte: 1, Lte: 2.5}, qc.NewRange("meta.p", &qc.Range{Gte: f64(1), Lte: f64(2.5)})},
	}
	for _, c := range cases {
		f, err := buildFilter([]retrieval.Filter{c.in})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if len(f.Must) != 1 || !protoEqual(f.Must[0], c.want) {
			t.Errorf("%s:\n got %v\nwant %v", c.name, f.Must, c.want)
		}
	}
	f, err := buildFilter([]retrieval.Filter{{Key: "published", Gte: "2024-01-01", Lte: "2024-06-30T12:00:00Z"}})
	if err != nil {
		t.Fatal(err)
	}
	dr := f.Must[0].GetField().GetDatetimeRange()
	if f.Must[0].GetField().Key != "meta.published" || dr.Gte.AsTime() != time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC) || dr.Lte.AsTime() != time.Date(2024, 6, 30, 12, 0, 0, 0, time.UTC) {
		t.Fatalf("date range %v", f.Must[0])
	}
	if f, _ := buildFilter(nil); f != nil {
		t.Fatal("no filters should be nil")
	}
	f, _ = buildFilter([]retrieval.Filter{{Key: "a", Eq: "x"}, {Key: "b", Eq: "y"}})
	if len(f.Must) != 2 {
		t.Fatal("filters are a conjunction")
	}
	for _, bad := range []retrieval.Filter{
		{Key: "bad key;", Eq: "x"}, {Key: "k"}, {Key: "k", Gte: "soon"}, {Key: "k", Gte: 1, Lte: "2024-01-01"},
		{Key: "k", Eq: map[string]any{"x": 1}}, {Key: "k", In: []any{"a", []any{1}}},
	} {
		if _, err := buildFilter([]retrieval.Filter{bad}); !errors.Is(err, retrieval.ErrInvalid) {
			t.Errorf("%+v: err = %v, want ErrInvalid", bad, err)
		}
	}
}

func protoEqual(a, b *qc.Condition) bool { return proto.Equal(a, b) }

func TestOptionsValidate(t *testing.T) {
	good := Options{Distance: "Dot", MetadataIndexes: map[string]string{"lang": "keyword", "when": "datetime"}}
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []Options{
		{Distance: "hamming"}, {VectorSize: -1}, {CollectionPrefix: "a/b"},
		{MetadataIndexes: map[string]string{"lang": "text2"}}, {MetadataIndexes: map[string]string{"bad key": "keyword"}},
	} {
		if err := bad.Validate(); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}
