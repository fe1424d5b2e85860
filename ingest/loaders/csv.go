package loaders

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// loadCSV reads delimited text. The delimiter (',', ';', tab or '|') is
// sniffed from the first rows; the first row is the header, and every
// following row becomes a record block "col: value; col: value" (empty values
// left out). The header itself is kept as a paragraph block "a | b | c" so the
// column names are searchable.
func loadCSV(ctx context.Context, data []byte, lim Limits) (*Document, error) {
	s, err := decodeText(data)
	if err != nil {
		return nil, err
	}
	d, ok := sniffCSV(s)
	if !ok {
		d = ','
	}
	r := csv.NewReader(strings.NewReader(s))
	r.Comma = d
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	r.ReuseRecord = false
	doc := &Document{}
	var header []string
	for n := 0; ; n++ {
		if n%1024 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("csv: %v: %w", err, ErrCorrupt)
		}
		if header == nil {
			if joinNonEmpty(rec, "") == "" {
				continue
			}
			header = rec
			if len(header) > 0 {
				header[0] = strings.TrimPrefix(header[0], "\ufeff")
			}
			doc.Blocks = append(doc.Blocks, Block{Text: joinNonEmpty(header, " | "), Kind: KindParagraph})
			continue
		}
		if txt := recordText(header, rec); txt != "" {
			doc.Blocks = append(doc.Blocks, Block{Text: txt, Kind: KindRecord})
		}
	}
	return doc, nil
}
