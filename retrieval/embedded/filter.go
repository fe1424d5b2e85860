package embedded

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/docent-dev/docent/retrieval"
)

var metaKey = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.-]{0,63}$`)

// builtinFields map filter keys to document columns.
var builtinFields = map[string]string{
	"document_id": "d.id",
	"source":      "d.source",
	"title":       "d.title",
	"format":      "d.format",
}

// filterSQL turns filters into an " AND ..." clause over documents d.
// Metadata keys are validated and values always bound as parameters.
func filterSQL(filters []retrieval.Filter) (string, []any, error) {
	var b strings.Builder
	var args []any
	for _, f := range filters {
		col, ok := builtinFields[f.Key]
		if !ok {
			if !metaKey.MatchString(f.Key) {
				return "", nil, fmt.Errorf("%w: filter key %q: use letters, digits, _ . -", retrieval.ErrInvalid, f.Key)
			}
			col = fmt.Sprintf("json_extract(d.metadata, '$.\"%s\"')", f.Key)
		}
		switch {
		case f.Eq != nil:
			b.WriteString(" AND " + col + " = ?")
			args = append(args, sqlValue(f.Eq))
		case len(f.In) > 0:
			b.WriteString(" AND " + col + " IN (" + strings.TrimSuffix(strings.Repeat("?,", len(f.In)), ",") + ")")
			for _, v := range f.In {
				args = append(args, sqlValue(v))
			}
		case f.Gte != nil || f.Lte != nil:
			if f.Gte != nil {
				b.WriteString(" AND " + col + " >= ?")
				args = append(args, sqlValue(f.Gte))
			}
			if f.Lte != nil {
				b.WriteString(" AND " + col + " <= ?")
				args = append(args, sqlValue(f.Lte))
			}
		default:
			return "", nil, fmt.Errorf("%w: filter on %q needs eq, in, gte or lte", retrieval.ErrInvalid, f.Key)
		}
	}
	return b.String(), args, nil
}

func sqlValue(v any) any {
	switch x := v.(type) {
	case bool:
		if x {
			return 1
		}
		return 0
	case string, float64, int, int64:
		return x
	default:
		return fmt.Sprint(x)
	}
}
