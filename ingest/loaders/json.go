package loaders

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// maxJSONDepth bounds nesting; deeper documents are rejected as corrupt.
const maxJSONDepth = 256

// maxRecordLines splits one huge record into several blocks.
const maxRecordLines = 200

// loadJSON walks one JSON value, keeping key order. Scalars become
// "key.path: value" lines (arrays as key[i]); nulls and empty strings are
// left out. A top-level array yields one record block per element, a
// top-level object one record block per top-level key (paths keep the key).
// A top-level "title" string becomes the document title.
func loadJSON(ctx context.Context, data []byte, lim Limits) (*Document, error) {
	s, err := decodeText(data)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	doc := &Document{}
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("json: %v: %w", err, ErrCorrupt)
	}
	emit := func(lines []string) {
		for len(lines) > 0 {
			n := min(len(lines), maxRecordLines)
			doc.Blocks = append(doc.Blocks, Block{Text: strings.Join(lines[:n], "\n"), Kind: KindRecord})
			lines = lines[n:]
		}
	}
	switch tok {
	case json.Delim('['):
		for i := 0; dec.More(); i++ {
			if i%256 == 0 && ctx.Err() != nil {
				return nil, ctx.Err()
			}
			var lines []string
			if err := walkJSON(dec, "", 1, &lines); err != nil {
				return nil, err
			}
			emit(lines)
		}
	case json.Delim('{'):
		for i := 0; dec.More(); i++ {
			if i%256 == 0 && ctx.Err() != nil {
				return nil, ctx.Err()
			}
			kt, err := dec.Token()
			if err != nil {
				return nil, fmt.Errorf("json: %v: %w", err, ErrCorrupt)
			}
			key, _ := kt.(string)
			vt, err := dec.Token()
			if err != nil {
				return nil, fmt.Errorf("json: %v: %w", err, ErrCorrupt)
			}
			if vt == json.Delim('[') {
				// An array under a top-level key: one record per object or
				// array element; scalar elements stay together.
				var scalars []string
				for k := 0; dec.More(); k++ {
					et, err := dec.Token()
					if err != nil {
						return nil, fmt.Errorf("json: %v: %w", err, ErrCorrupt)
					}
					p := key + "[" + strconv.Itoa(k) + "]"
					if _, ok := et.(json.Delim); !ok {
						if line := scalarLine(p, et); line != "" {
							scalars = append(scalars, line)
						}
						continue
					}
					var lines []string
					if err := walkValue(dec, et, p, 2, &lines); err != nil {
						return nil, err
					}
					emit(lines)
				}
				emit(scalars)
				if _, err := dec.Token(); err != nil {
					return nil, fmt.Errorf("json: %v: %w", err, ErrCorrupt)
				}
				continue
			}
			var lines []string
			if err := walkValue(dec, vt, key, 1, &lines); err != nil {
				return nil, err
			}
			if key == "title" && len(lines) == 1 && doc.Title == "" {
				doc.Title = strings.TrimPrefix(lines[0], "title: ")
			}
			emit(lines)
		}
	default:
		if line := scalarLine("", tok); line != "" {
			emit([]string{line})
		}
		return doc, checkJSONEnd(dec)
	}
	if _, err := dec.Token(); err != nil { // closing delimiter
		return nil, fmt.Errorf("json: %v: %w", err, ErrCorrupt)
	}
	return doc, checkJSONEnd(dec)
}

func checkJSONEnd(dec *json.Decoder) error {
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		if err == nil {
			return fmt.Errorf("json: more than one top-level value (is it JSON Lines?): %w", ErrCorrupt)
		}
		return fmt.Errorf("json: %v: %w", err, ErrCorrupt)
	}
	return nil
}

// loadJSONL reads one JSON value per line; each line is one record.
func loadJSONL(ctx context.Context, data []byte, lim Limits) (*Document, error) {
	s, err := decodeText(data)
	if err != nil {
		return nil, err
	}
	doc := &Document{}
	for n, line := range strings.Split(s, "\n") {
		if n%256 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		dec := json.NewDecoder(strings.NewReader(line))
		dec.UseNumber()
		var lines []string
		if err := walkJSON(dec, "", 0, &lines); err != nil {
			return nil, fmt.Errorf("line %d: %w", n+1, err)
		}
		if err := checkJSONEnd(dec); err != nil {
			return nil, fmt.Errorf("line %d: %w", n+1, err)
		}
		for len(lines) > 0 {
			k := min(len(lines), maxRecordLines)
			doc.Blocks = append(doc.Blocks, Block{Text: strings.Join(lines[:k], "\n"), Kind: KindRecord})
			lines = lines[k:]
		}
	}
	return doc, nil
}

// walkJSON reads one value from dec and appends its scalar lines.
func walkJSON(dec *json.Decoder, path string, depth int, out *[]string) error {
	if depth > maxJSONDepth {
		return fmt.Errorf("json: nesting deeper than %d: %w", maxJSONDepth, ErrCorrupt)
	}
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("json: %v: %w", err, ErrCorrupt)
	}
	return walkValue(dec, tok, path, depth, out)
}

// walkValue walks the value that starts with tok.
func walkValue(dec *json.Decoder, tok json.Token, path string, depth int, out *[]string) error {
	if depth > maxJSONDepth {
		return fmt.Errorf("json: nesting deeper than %d: %w", maxJSONDepth, ErrCorrupt)
	}
	switch tok {
	case json.Delim('{'):
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return fmt.Errorf("json: %v: %w", err, ErrCorrupt)
			}
			key, _ := kt.(string)
			p := key
			if path != "" {
				p = path + "." + key
			}
			if err := walkJSON(dec, p, depth+1, out); err != nil {
				return err
			}
		}
		if _, err := dec.Token(); err != nil {
			return fmt.Errorf("json: %v: %w", err, ErrCorrupt)
		}
	case json.Delim('['):
		for i := 0; dec.More(); i++ {
			if err := walkJSON(dec, path+"["+strconv.Itoa(i)+"]", depth+1, out); err != nil {
				return err
			}
		}
		if _, err := dec.Token(); err != nil {
			return fmt.Errorf("json: %v: %w", err, ErrCorrupt)
		}
	default:
		if line := scalarLine(path, tok); line != "" {
			*out = append(*out, line)
		}
	}
	return nil
}

func scalarLine(path string, tok json.Token) string {
	var v string
	switch t := tok.(type) {
	case string:
		v = strings.TrimSpace(t)
	case json.Number:
		v = t.String()
	case bool:
		v = strconv.FormatBool(t)
	default:
		return ""
	}
	if v == "" {
		return ""
	}
	if path == "" {
		return v
	}
	return path + ": " + v
}
