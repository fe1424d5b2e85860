package grammar

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// randomSchema writes a random schema of the supported subset.
func randomSchema(r *rand.Rand, depth int) string {
	num := func() string {
		switch r.IntN(4) {
		case 0:
			return fmt.Sprint(r.IntN(200) - 100)
		case 1:
			return fmt.Sprintf("%.3f", r.Float64()*20-10)
		case 2:
			return fmt.Sprintf("%.1f", r.Float64()*4)
		}
		return "0"
	}
	pick := r.IntN(13)
	if pick == 12 { // a reference to a definition
		return `{"$ref":"#/$defs/d` + fmt.Sprint(r.IntN(2)) + `"}`
	}
	if depth > 2 && pick >= 7 {
		pick = r.IntN(7)
	}
	var kw []string
	switch pick {
	case 0:
		kw = append(kw, `"type":"string"`)
		if r.IntN(2) == 0 {
			kw = append(kw, fmt.Sprintf(`"minLength":%d`, r.IntN(3)))
		}
		if r.IntN(2) == 0 {
			kw = append(kw, fmt.Sprintf(`"maxLength":%d`, 2+r.IntN(4)))
		}
	case 1:
		kw = append(kw, `"type":"string"`, `"format":"`+[]string{"date", "date-time", "time"}[r.IntN(3)]+`"`)
	case 2:
		kw = append(kw, `"type":"`+[]string{"integer", "number"}[r.IntN(2)]+`"`)
		for _, b := range []string{"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"} {
			if r.IntN(3) == 0 {
				kw = append(kw, `"`+b+`":`+num())
			}
		}
	case 3:
		kw = append(kw, `"type":"boolean"`)
	case 4:
		kw = append(kw, `"type":["string","null"]`, `"maxLength":3`)
	case 5:
		kw = append(kw, `"enum":["a","b\"c","é",1,2.5,null,true,{"k":[1]},[]]`)
		if r.IntN(2) == 0 {
			kw = append(kw, `"type":"`+[]string{"string", "number", "integer", "object"}[r.IntN(4)]+`"`)
		}
	case 6:
		kw = append(kw, `"const":`+[]string{`"x"`, `3`, `{"a":null}`, `false`}[r.IntN(4)])
	case 7, 8:
		kw = append(kw, `"type":"object"`)
		if r.IntN(4) == 0 { // a map
			kw = append(kw, `"additionalProperties":`+randomSchema(r, depth+1))
			break
		}
		names := []string{"a", "b", "with space", "quo\"te", "é", "ab"}
		var props, req []string
		if r.IntN(2) == 0 { // a discriminator
			props = append(props, `"kind":{"const":"`+[]string{"x", "y", "z"}[r.IntN(3)]+`"}`)
			req = append(req, `"kind"`)
		}
		for i := 0; i < r.IntN(5); i++ {
			n := names[r.IntN(len(names))]
			dup := false
			for _, p := range props {
				if strings.HasPrefix(p, fmt.Sprintf("%q:", n)) {
					dup = true
				}
			}
			if dup {
				continue
			}
			nb, _ := json.Marshal(n)
			props = append(props, string(nb)+":"+randomSchema(r, depth+1))
			if r.IntN(2) == 0 {
				req = append(req, string(nb))
			}
		}
		kw = append(kw, `"properties":{`+strings.Join(props, ",")+`}`)
		if len(req) > 0 {
			kw = append(kw, `"required":[`+strings.Join(req, ",")+`]`)
		}
		switch r.IntN(3) {
		case 0:
			kw = append(kw, `"additionalProperties":false`)
		case 1:
			kw = append(kw, `"additionalProperties":true`)
		}
	case 9:
		kw = append(kw, `"type":"array"`, `"items":`+randomSchema(r, depth+1))
		if r.IntN(2) == 0 {
			kw = append(kw, fmt.Sprintf(`"minItems":%d`, r.IntN(3)))
		}
		if r.IntN(2) == 0 {
			kw = append(kw, fmt.Sprintf(`"maxItems":%d`, 2+r.IntN(3)))
		}
	case 10, 11:
		var alts []string
		for i := 0; i < 2+r.IntN(2); i++ {
			alts = append(alts, randomSchema(r, depth+1))
		}
		kw = append(kw, `"`+[]string{"anyOf", "oneOf"}[pick-10]+`":[`+strings.Join(alts, ",")+`]`)
	}
	return "{" + strings.Join(kw, ",") + "}"
}

// randomDoc is a random schema with definitions it may refer to.
func randomDoc(r *rand.Rand) string {
	d0 := randomSchema(r, 2)
	d1 := randomSchema(r, 2)
	for strings.Contains(d0+d1, "$ref") { // definitions do not refer to definitions
		d0, d1 = randomSchema(r, 2), randomSchema(r, 2)
	}
	body := randomSchema(r, 0)
	return `{"$defs":{"d0":` + d0 + `,"d1":` + d1 + `},"allOf":[` + body + `]}`
}

// TestRandomSchemas: random schemas of the supported subset, random values
// from their grammars, all checked by the reference validator.
func TestRandomSchemas(t *testing.T) {
	seed := uint64(11)
	n := 300
	if s := os.Getenv("GRAMMAR_RANDOM_SCHEMAS"); s != "" { // e.g. 5000 for a longer search
		n, _ = strconv.Atoi(s)
		seed = uint64(time.Now().UnixNano())
		t.Logf("seed %d", seed)
	}
	r := rand.New(rand.NewPCG(seed, 12))
	if testing.Short() {
		n = 60
	}
	compiled := 0
	for i := 0; i < n; i++ {
		s := randomDoc(r)
		g, err := Compile(json.RawMessage(s))
		if err != nil {
			if !errors.Is(err, ErrUnsupported) && !errors.Is(err, ErrUnsatisfiable) {
				t.Fatalf("%s: %v", s, err)
			}
			continue
		}
		compiled++
		o := oracle(t, s)
		for k := 0; k < 15; k++ {
			out, ok := randomValue(t, g, r, 150)
			if !ok {
				st, _ := g.Start().AdvanceBytes(out)
				tail, ok := st.Finish()
				if !ok {
					t.Fatalf("%s: cannot finish %q", s, out)
				}
				out = append(out, tail...)
			}
			if err := validates(o, out); err != nil {
				t.Fatalf("schema %s\nvalue %s\n%v", s, out, err)
			}
		}
	}
	t.Logf("%d of %d random schemas compiled", compiled, n)
	if compiled < n/2 {
		t.Errorf("only %d of %d random schemas compiled", compiled, n)
	}
}

// FuzzRandomSchema drives the random-schema generator from the fuzzer's
// seeds: values drawn from every schema that compiles validate.
//
//	go test -run '^$' -fuzz FuzzRandomSchema -fuzztime 45s ./llm/sample/grammar/
func FuzzRandomSchema(f *testing.F) {
	f.Add(uint64(1), uint64(2))
	f.Fuzz(func(t *testing.T, a, b uint64) {
		r := rand.New(rand.NewPCG(a, b))
		s := randomDoc(r)
		g, err := Compile(json.RawMessage(s))
		if err != nil {
			if !errors.Is(err, ErrUnsupported) && !errors.Is(err, ErrUnsatisfiable) {
				t.Fatalf("%s: %v", s, err)
			}
			return
		}
		o := oracle(t, s)
		for k := 0; k < 5; k++ {
			out, ok := randomValue(t, g, r, 150)
			if !ok {
				st, _ := g.Start().AdvanceBytes(out)
				tail, ok := st.Finish()
				if !ok {
					t.Fatalf("%s: cannot finish %q", s, out)
				}
				out = append(out, tail...)
			}
			if err := validates(o, out); err != nil {
				t.Fatalf("schema %s\nvalue %s\n%v", s, out, err)
			}
		}
	})
}
