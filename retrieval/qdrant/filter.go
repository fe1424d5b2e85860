package qdrant

import (
	"fmt"
	"math"
	"regexp"
	"strings"
	"time"

	qc "github.com/qdrant/go-client/qdrant"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/docent-dev/docent/retrieval"
)

// metaKey is the embedded store's rule for metadata filter keys.
var metaKey = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.-]{0,63}$`)

// builtinFields are filter keys that name chunk payload fields directly;
// every other key is a metadata key, stored under meta.<key>.
var builtinFields = map[string]string{
	"document_id": fDocID,
	"source":      fSource,
	"title":       fTitle,
	"format":      fFormat,
}

// fieldFor returns the payload path a filter key reads.
func fieldFor(key string) (string, error) {
	if f, ok := builtinFields[key]; ok {
		return f, nil
	}
	if !metaKey.MatchString(key) {
		return "", fmt.Errorf("%w: filter key %q: use letters, digits, _ . -", retrieval.ErrInvalid, key)
	}
	return fMeta + "." + key, nil
}

// buildFilter maps docent filters to a Qdrant filter over chunk payloads
// (all filters must hold). Equality on strings and booleans is a match;
// equality on numbers is a closed range [v, v] (Qdrant has no float match,
// and a range covers integer and float payloads alike); "in" is a keyword
// or integer set, or a disjunction when values are mixed; gte/lte are a
// numeric range, or a datetime range when both bounds are dates
// (RFC 3339 or YYYY-MM-DD). Returns nil when there are no filters.
func buildFilter(filters []retrieval.Filter) (*qc.Filter, error) {
	if len(filters) == 0 {
		return nil, nil
	}
	f := &qc.Filter{}
	for _, flt := range filters {
		field, err := fieldFor(flt.Key)
		if err != nil {
			return nil, err
		}
		var c *qc.Condition
		switch {
		case flt.Eq != nil:
			c, err = eqCondition(field, flt.Eq)
		case len(flt.In) > 0:
			c, err = inCondition(field, flt.In)
		case flt.Gte != nil || flt.Lte != nil:
			c, err = rangeCondition(field, flt.Gte, flt.Lte)
		default:
			err = fmt.Errorf("%w: filter on %q needs eq, in, gte or lte", retrieval.ErrInvalid, flt.Key)
		}
		if err != nil {
			return nil, err
		}
		f.Must = append(f.Must, c)
	}
	return f, nil
}

// number reports whether v is a JSON number (or a Go numeric type).
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case int:
		return float64(x), true
	case int32:
		return float64(x), true
	case int64:
		return float64(x), true
	case uint:
		return float64(x), true
	case uint32:
		return float64(x), true
	case uint64:
		return float64(x), true
	}
	return 0, false
}

func eqCondition(field string, v any) (*qc.Condition, error) {
	if n, ok := number(v); ok {
		return qc.NewRange(field, &qc.Range{Gte: &n, Lte: &n}), nil
	}
	switch x := v.(type) {
	case string:
		return qc.NewMatchKeyword(field, x), nil
	case bool:
		return qc.NewMatchBool(field, x), nil
	}
	return nil, fmt.Errorf("%w: filter on %q: eq needs a string, number or boolean, not %T", retrieval.ErrInvalid, field, v)
}

func inCondition(field string, vals []any) (*qc.Condition, error) {
	var strs []string
	var ints []int64
	allStr, allInt := true, true
	for _, v := range vals {
		if s, ok := v.(string); ok {
			strs = append(strs, s)
		} else {
			allStr = false
		}
		if n, ok := number(v); ok && n == math.Trunc(n) && math.Abs(n) < 1<<53 {
			ints = append(ints, int64(n))
		} else {
			allInt = false
		}
	}
	switch {
	case allStr:
		return qc.NewMatchKeywords(field, strs...), nil
	case allInt:
		return qc.NewMatchInts(field, ints...), nil
	}
	any := &qc.Filter{}
	for _, v := range vals {
		c, err := eqCondition(field, v)
		if err != nil {
			return nil, err
		}
		any.Should = append(any.Should, c)
	}
	return qc.NewFilterAsCondition(any), nil
}

func rangeCondition(field string, gte, lte any) (*qc.Condition, error) {
	bound := func(v any) (num *float64, ts *timestamppb.Timestamp, isNum bool, err error) {
		if v == nil {
			return nil, nil, false, nil
		}
		if n, ok := number(v); ok {
			return &n, nil, true, nil
		}
		if s, ok := v.(string); ok {
			if t, ok := parseDate(s); ok {
				return nil, timestamppb.New(t), false, nil
			}
		}
		return nil, nil, false, fmt.Errorf("%w: filter on %q: range bounds must be numbers or dates (RFC 3339 or YYYY-MM-DD), got %v", retrieval.ErrInvalid, field, v)
	}
	gn, gt, gNum, err := bound(gte)
	if err != nil {
		return nil, err
	}
	ln, lt, lNum, err := bound(lte)
	if err != nil {
		return nil, err
	}
	switch {
	case (gte == nil || gNum) && (lte == nil || lNum):
		return qc.NewRange(field, &qc.Range{Gte: gn, Lte: ln}), nil
	case (gte == nil || !gNum) && (lte == nil || !lNum):
		return qc.NewDatetimeRange(field, &qc.DatetimeRange{Gte: gt, Lte: lt}), nil
	}
	return nil, fmt.Errorf("%w: filter on %q: mixes a number and a date", retrieval.ErrInvalid, field)
}

func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// keyword and integer conditions on internal fields.
func matchDoc(id string) *qc.Condition       { return qc.NewMatchKeyword(fDocID, id) }
func matchVersion(v int) *qc.Condition       { return qc.NewMatchInt(fVersion, int64(v)) }
func matchField(k, v string) *qc.Condition   { return qc.NewMatchKeyword(k, v) }
func mustAll(cs ...*qc.Condition) *qc.Filter { return &qc.Filter{Must: cs} }
