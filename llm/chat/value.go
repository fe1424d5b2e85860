package chat

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"sort"
	"strconv"

	"github.com/nikolalohinski/gonja/v2/exec"
)

// maxDataDepth bounds the nesting of values handed to a template (and of
// values tojson walks), so hostile input cannot exhaust the stack.
const maxDataDepth = 128

var errTooDeep = fmt.Errorf("value nested deeper than %d levels", maxDataDepth)

// newDict builds an ordered template dictionary (Python dicts keep insertion
// order, and tojson must reproduce it).
func newDict(keys []string, vals []any) *exec.Dict {
	d := &exec.Dict{Pairs: make([]*exec.Pair, len(keys))}
	for i, k := range keys {
		d.Pairs[i] = &exec.Pair{Key: exec.AsValue(k), Value: exec.AsValue(vals[i])}
	}
	return d
}

// emptyDict is an empty mapping that is falsy, as in Python: gonja holds
// dicts as structs, which it always reads as true, but an empty Go map as
// false.
func emptyDict() map[string]any { return map[string]any{} }

// decodeJSON decodes one JSON value into template values: objects become
// ordered *exec.Dict, arrays []any, integers int, other numbers float64.
func decodeJSON(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := decodeValue(dec, 0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("trailing data after JSON value")
	}
	return v, nil
}

func decodeValue(dec *json.Decoder, depth int) (any, error) {
	if depth > maxDataDepth {
		return nil, errTooDeep
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			var keys []string
			var vals []any
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k, ok := kt.(string)
				if !ok {
					return nil, fmt.Errorf("object key is %T, not a string", kt)
				}
				v, err := decodeValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				if i := indexOf(keys, k); i >= 0 { // duplicate key: last wins, like Python
					vals[i] = v
					continue
				}
				keys = append(keys, k)
				vals = append(vals, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			if len(keys) == 0 {
				return emptyDict(), nil
			}
			return newDict(keys, vals), nil
		case '[':
			list := []any{}
			for dec.More() {
				v, err := decodeValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				list = append(list, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return list, nil
		}
		return nil, fmt.Errorf("unexpected delimiter %q", t)
	case json.Number:
		return numberValue(t)
	default: // string, bool, nil
		return t, nil
	}
}

func indexOf(keys []string, k string) int {
	for i, s := range keys {
		if s == k {
			return i
		}
	}
	return -1
}

func numberValue(n json.Number) (any, error) {
	if i, err := strconv.ParseInt(string(n), 10, 0); err == nil {
		return int(i), nil
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return nil, fmt.Errorf("bad number %q: %w", n, err)
	}
	return f, nil
}

// fromGo converts an arbitrary Go value (as found in Input.Extra) to template
// values. Maps are ordered by key since Go maps have no order; structs and
// other types go through encoding/json.
func fromGo(v any, depth int) (any, error) {
	if depth > maxDataDepth {
		return nil, errTooDeep
	}
	switch t := v.(type) {
	case nil, bool, string, int, float64, *exec.Dict:
		return t, nil
	case int8, int16, int32, int64, uint8, uint16, uint32:
		return int(reflect.ValueOf(t).Convert(reflect.TypeFor[int64]()).Int()), nil
	case uint:
		if t > math.MaxInt {
			return float64(t), nil
		}
		return int(t), nil
	case uint64:
		if t > math.MaxInt {
			return float64(t), nil
		}
		return int(t), nil
	case float32:
		return float64(t), nil
	case json.Number:
		return numberValue(t)
	case json.RawMessage:
		return decodeJSON(t)
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			c, err := fromGo(e, depth+1)
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return out, nil
	case []string:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = e
		}
		return out, nil
	case map[string]any:
		if len(t) == 0 {
			return emptyDict(), nil
		}
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		vals := make([]any, len(keys))
		for i, k := range keys {
			c, err := fromGo(t[k], depth+1)
			if err != nil {
				return nil, err
			}
			vals[i] = c
		}
		return newDict(keys, vals), nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("convert %T for the template: %w", v, err)
	}
	return decodeJSON(b)
}
