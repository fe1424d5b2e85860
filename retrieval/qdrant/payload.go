package qdrant

import (
	"crypto/sha1" //nolint:gosec // RFC 4122 name-based UUIDs (version 5) are defined on SHA-1
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"time"

	qc "github.com/qdrant/go-client/qdrant"

	"github.com/docent-dev/docent/retrieval"
)

// pointNamespace is the RFC 4122 namespace of docent's point ids (a
// random UUID fixed once; changing it would orphan every stored point).
var pointNamespace = [16]byte{0x6b, 0x2f, 0x1c, 0x9e, 0x4a, 0x37, 0x4d, 0x52, 0x9a, 0x0e, 0x3c, 0x55, 0xd1, 0x8b, 0x70, 0x21}

// pointUUID returns the version-5 (name-based, SHA-1) UUID of name in
// docent's namespace. Qdrant point ids must be unsigned integers or UUIDs;
// deterministic UUIDs make upserts idempotent, so a retried write cannot
// duplicate a chunk.
func pointUUID(name string) string {
	h := sha1.New() //nolint:gosec // see import
	h.Write(pointNamespace[:])
	h.Write([]byte(name))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = (u[6] & 0x0f) | 0x50 // version 5
	u[8] = (u[8] & 0x3f) | 0x80 // RFC 4122 variant
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

// chunkID is docent's chunk id, the same shape as the embedded store's.
func chunkID(docID string, version, ordinal int) string {
	return fmt.Sprintf("%s:v%d:%d", docID, version, ordinal)
}

func chunkPointID(docID string, version, ordinal int) *qc.PointId {
	return qc.NewIDUUID(pointUUID("chunk\x00" + chunkID(docID, version, ordinal)))
}

func docPointID(docID string) *qc.PointId { return qc.NewIDUUID(pointUUID("doc\x00" + docID)) }

// Payload field names of chunk points.
const (
	fDocID   = "document_id"
	fVersion = "version"
	fOrdinal = "ordinal"
	fChunkID = "chunk_id"
	fText    = "text"
	fStart   = "start"
	fEnd     = "end"
	fPage    = "page"
	fHeading = "heading"
	fTitle   = "title"
	fSource  = "source"
	fFormat  = "format"
	fMeta    = "meta"  // the document's metadata as a payload object (filters: meta.<key>)
	fTerms   = "terms" // the sparse vector's term ids (integer index: document frequencies)
)

// Payload field names of document records (the registry collection).
const (
	rID          = "id"
	rCollection  = "collection"
	rSource      = "source"
	rTitle       = "title"
	rFormat      = "format"
	rContentHash = "content_hash"
	rVersion     = "version"
	rSize        = "size"
	rMetaJSON    = "metadata_json" // exact round trip of Document.Metadata
	rChunkCount  = "chunk_count"
	rCreatedAt   = "created_at" // Unix nanoseconds (integer index: order_by)
	rUpdatedAt   = "updated_at"
)

// sparseParams shape the BM25 term weights docent stores in the sparse
// vector: the saturated term frequency of BM25,
// tf*(k1+1) / (tf + k1*(1-b+b*len/avgLen)). Qdrant multiplies the query
// side by IDF (the collection's sparse vector has Modifier IDF) and takes
// the dot product, which is BM25. avgLen is a constant (Qdrant keeps no
// corpus length statistics), like FastEmbed's "Qdrant/bm25".
type sparseParams struct {
	K1, B, AvgLen float64
	TitleWeight   float64
}

func defaultSparse() sparseParams { return sparseParams{K1: 1.2, B: 0.75, AvgLen: 100, TitleWeight: 2} }

// docSparse builds the sparse vector of a chunk from its body and its
// title/heading text (title terms count TitleWeight times, as in the
// embedded store's BM25F). Indices are retrieval.TermID values, sorted.
func (p sparseParams) docSparse(title, body string) (indices []uint32, values []float32) {
	bt, bn := retrieval.TermFrequencies(body)
	tt, tn := retrieval.TermFrequencies(title)
	tf := make(map[uint32]float64, len(bt)+len(tt))
	for _, t := range bt {
		tf[t.ID] += float64(t.TF)
	}
	for _, t := range tt {
		tf[t.ID] += p.TitleWeight * float64(t.TF)
	}
	length := float64(bn) + p.TitleWeight*float64(tn)
	avg := p.AvgLen
	if avg <= 0 {
		avg = 100
	}
	norm := p.K1 * (1 - p.B + p.B*length/avg)
	indices = make([]uint32, 0, len(tf))
	for id := range tf {
		indices = append(indices, id)
	}
	sort.Slice(indices, func(i, j int) bool { return indices[i] < indices[j] })
	values = make([]float32, len(indices))
	for i, id := range indices {
		f := tf[id]
		values[i] = float32(f * (p.K1 + 1) / (f + norm))
	}
	return indices, values
}

// querySparse is the query side: each distinct analyzed term once, weight
// 1 (the server applies IDF). Empty when the text has no terms.
func querySparse(text string) (indices []uint32, values []float32) {
	seen := map[uint32]bool{}
	for _, t := range retrieval.Analyze(text) {
		id := retrieval.TermID(t)
		if !seen[id] {
			seen[id] = true
			indices = append(indices, id)
		}
	}
	sort.Slice(indices, func(i, j int) bool { return indices[i] < indices[j] })
	values = make([]float32, len(indices))
	for i := range values {
		values[i] = 1
	}
	return indices, values
}

// toValue converts a JSON-like Go value to a payload value. Values go
// through encoding/json first, so anything that marshals is accepted and
// numbers are JSON numbers; whole numbers become integers so that integer
// payload indexes and integer matches see them.
func toValue(v any) (*qc.Value, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var x any
	if err := json.Unmarshal(b, &x); err != nil {
		return nil, err
	}
	return jsonToValue(x), nil
}

func jsonToValue(x any) *qc.Value {
	switch v := x.(type) {
	case nil:
		return qc.NewValueNull()
	case bool:
		return qc.NewValueBool(v)
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1<<53 {
			return qc.NewValueInt(int64(v))
		}
		return qc.NewValueDouble(v)
	case string:
		return qc.NewValueString(v)
	case []any:
		vals := make([]*qc.Value, len(v))
		for i, e := range v {
			vals[i] = jsonToValue(e)
		}
		return qc.NewValueFromList(vals...)
	case map[string]any:
		fields := make(map[string]*qc.Value, len(v))
		for k, e := range v {
			fields[k] = jsonToValue(e)
		}
		return qc.NewValueFromFields(fields)
	default:
		return qc.NewValueString(fmt.Sprint(v))
	}
}

// fromValue converts a payload value back to JSON-like Go values
// (numbers as float64, as encoding/json decodes them).
func fromValue(v *qc.Value) any {
	switch k := v.GetKind().(type) {
	case *qc.Value_BoolValue:
		return k.BoolValue
	case *qc.Value_IntegerValue:
		return float64(k.IntegerValue)
	case *qc.Value_DoubleValue:
		return k.DoubleValue
	case *qc.Value_StringValue:
		return k.StringValue
	case *qc.Value_ListValue:
		out := make([]any, len(k.ListValue.GetValues()))
		for i, e := range k.ListValue.GetValues() {
			out[i] = fromValue(e)
		}
		return out
	case *qc.Value_StructValue:
		out := make(map[string]any, len(k.StructValue.GetFields()))
		for key, e := range k.StructValue.GetFields() {
			out[key] = fromValue(e)
		}
		return out
	default:
		return nil
	}
}

func pStr(p map[string]*qc.Value, k string) string { return p[k].GetStringValue() }

func pInt(p map[string]*qc.Value, k string) int64 {
	v := p[k]
	if d, ok := v.GetKind().(*qc.Value_DoubleValue); ok {
		return int64(d.DoubleValue)
	}
	return v.GetIntegerValue()
}

func pStrings(p map[string]*qc.Value, k string) []string {
	var out []string
	for _, v := range p[k].GetListValue().GetValues() {
		out = append(out, v.GetStringValue())
	}
	return out
}

// chunkPayload is the payload of one chunk point.
func chunkPayload(doc retrieval.Document, meta *qc.Value, c retrieval.Chunk, ordinal int, terms []uint32) map[string]*qc.Value {
	heading := make([]*qc.Value, len(c.Heading))
	for i, h := range c.Heading {
		heading[i] = qc.NewValueString(h)
	}
	tv := make([]*qc.Value, len(terms))
	for i, id := range terms {
		tv[i] = qc.NewValueInt(int64(id))
	}
	return map[string]*qc.Value{
		fTerms:   qc.NewValueFromList(tv...),
		fDocID:   qc.NewValueString(doc.ID),
		fVersion: qc.NewValueInt(int64(doc.Version)),
		fOrdinal: qc.NewValueInt(int64(ordinal)),
		fChunkID: qc.NewValueString(chunkID(doc.ID, doc.Version, ordinal)),
		fText:    qc.NewValueString(c.Text),
		fStart:   qc.NewValueInt(int64(c.Start)),
		fEnd:     qc.NewValueInt(int64(c.End)),
		fPage:    qc.NewValueInt(int64(c.Page)),
		fHeading: qc.NewValueFromList(heading...),
		fTitle:   qc.NewValueString(doc.Title),
		fSource:  qc.NewValueString(doc.Source),
		fFormat:  qc.NewValueString(doc.Format),
		fMeta:    meta,
	}
}

// chunkFromPayload reads a chunk back (without its vector).
func chunkFromPayload(p map[string]*qc.Value) retrieval.Chunk {
	return retrieval.Chunk{
		ID:         pStr(p, fChunkID),
		DocumentID: pStr(p, fDocID),
		Ordinal:    int(pInt(p, fOrdinal)),
		Text:       pStr(p, fText),
		Start:      int(pInt(p, fStart)),
		End:        int(pInt(p, fEnd)),
		Page:       int(pInt(p, fPage)),
		Heading:    pStrings(p, fHeading),
	}
}

// recordPayload is the payload of a document record.
func recordPayload(d retrieval.Document) (map[string]*qc.Value, error) {
	meta := d.Metadata
	if meta == nil {
		meta = map[string]any{}
	}
	mj, err := json.Marshal(meta)
	if err != nil {
		return nil, fmt.Errorf("%w: metadata: %v", retrieval.ErrInvalid, err)
	}
	return map[string]*qc.Value{
		rID:          qc.NewValueString(d.ID),
		rCollection:  qc.NewValueString(d.Collection),
		rSource:      qc.NewValueString(d.Source),
		rTitle:       qc.NewValueString(d.Title),
		rFormat:      qc.NewValueString(d.Format),
		rContentHash: qc.NewValueString(d.ContentHash),
		rVersion:     qc.NewValueInt(int64(d.Version)),
		rSize:        qc.NewValueInt(d.Size),
		rMetaJSON:    qc.NewValueString(string(mj)),
		rChunkCount:  qc.NewValueInt(int64(d.ChunkCount)),
		rCreatedAt:   qc.NewValueInt(d.CreatedAt.UnixNano()),
		rUpdatedAt:   qc.NewValueInt(d.UpdatedAt.UnixNano()),
	}, nil
}

func recordFromPayload(p map[string]*qc.Value) (retrieval.Document, error) {
	d := retrieval.Document{
		ID:          pStr(p, rID),
		Collection:  pStr(p, rCollection),
		Source:      pStr(p, rSource),
		Title:       pStr(p, rTitle),
		Format:      pStr(p, rFormat),
		ContentHash: pStr(p, rContentHash),
		Version:     int(pInt(p, rVersion)),
		Size:        pInt(p, rSize),
		ChunkCount:  int(pInt(p, rChunkCount)),
		CreatedAt:   time.Unix(0, pInt(p, rCreatedAt)).UTC(),
		UpdatedAt:   time.Unix(0, pInt(p, rUpdatedAt)).UTC(),
	}
	if mj := pStr(p, rMetaJSON); mj != "" {
		if err := json.Unmarshal([]byte(mj), &d.Metadata); err != nil {
			return d, fmt.Errorf("metadata of %s: %w", d.ID, err)
		}
	}
	if d.Metadata == nil {
		d.Metadata = map[string]any{}
	}
	return d, nil
}

func jsonOf(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}
