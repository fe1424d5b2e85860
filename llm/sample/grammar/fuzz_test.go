package grammar

import (
	"encoding/json"
	"hash/fnv"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// FuzzCompile: arbitrary schemas never panic; when one compiles, random
// values drawn from its grammar validate against the reference validator.
//
//	go test -run '^$' -fuzz FuzzCompile -fuzztime 45s ./llm/sample/grammar/
func FuzzCompile(f *testing.F) {
	for _, tc := range grammarCases {
		f.Add([]byte(tc.schema))
	}
	for _, s := range []string{`{"type":"object","properties":{"a":{"$ref":"#/properties/b"},"b":{"type":"integer","maximum":-3}}}`,
		`{"type":["integer","string"],"minimum":2,"maxLength":0}`, `{"enum":[1.5,"1.5",[],{}],"type":"number"}`,
		`{"type":"number","minimum":1e400}`, `{"oneOf":[{"const":1},{"const":1.0}]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, schema []byte) {
		g, err := Compile(schema)
		if err != nil {
			return
		}
		if _, err := ToolCall([]Tool{{Name: "t", Parameters: schema}}); err != nil {
			t.Fatalf("ToolCall fails on a schema Compile accepts: %v", err)
		}
		o := fuzzOracle(schema)
		h := fnv.New64a()
		h.Write(schema)
		r := rand.New(rand.NewPCG(h.Sum64(), 1))
		for i := 0; i < 3; i++ {
			out, ok := randomValue(t, g, r, 200)
			if !ok {
				st, _ := g.Start().AdvanceBytes(out)
				tail, ok := st.Finish()
				if !ok {
					t.Fatalf("cannot finish %q", out)
				}
				out = append(out, tail...)
			}
			if !json.Valid(out) {
				t.Fatalf("not JSON: %q", out)
			}
			if o != nil {
				if err := validates(o, out); err != nil {
					t.Fatalf("%q does not validate: %v", out, err)
				}
			}
		}
	})
}

// fuzzOracle compiles schema with the reference validator, or returns nil
// when it does not take it.
func fuzzOracle(schema []byte) (s *jsonschema.Schema) {
	defer func() {
		if recover() != nil {
			s = nil
		}
	}()
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(string(schema)))
	if err != nil {
		return nil
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("schema.json", doc); err != nil {
		return nil
	}
	s, err = c.Compile("schema.json")
	if err != nil {
		return nil
	}
	return s
}

var fuzzSchemas = func() []*Grammar {
	var gs []*Grammar
	for _, tc := range grammarCases {
		g, err := Compile(json.RawMessage(tc.schema))
		if err != nil {
			panic(err)
		}
		gs = append(gs, g)
	}
	g, err := ToolCallWith(searchTools, CallFormat{NameKey: "name", ArgsKey: "arguments", Prefix: "\n", Suffix: "\n"})
	if err != nil {
		panic(err)
	}
	return append(gs, g)
}()

// FuzzAdvance: arbitrary bytes never panic; whatever the grammar accepts as
// complete is valid JSON, and every accepted prefix can be finished.
//
//	go test -run '^$' -fuzz FuzzAdvance -fuzztime 45s ./llm/sample/grammar/
func FuzzAdvance(f *testing.F) {
	f.Add(byte(0), []byte(`"abc"`))
	f.Add(byte(len(fuzzSchemas)-1), []byte("\n{\"name\": \"calculator\", \"arguments\": {\"expression\": \"1+2\"}}\n"))
	for i, tc := range grammarCases {
		for _, s := range append(tc.valid, tc.invalid...) {
			f.Add(byte(i), []byte(s))
		}
	}
	f.Fuzz(func(t *testing.T, which byte, in []byte) {
		g := fuzzSchemas[int(which)%len(fuzzSchemas)]
		st := g.Start()
		n := 0
		for _, b := range in {
			next, ok := st.Advance(b)
			if !ok {
				if next.Valid() || next.Complete() {
					t.Fatal("rejected byte gives a live state")
				}
				break
			}
			st = next
			n++
		}
		if st.Complete() {
			body := in[:n]
			if int(which)%len(fuzzSchemas) == len(fuzzSchemas)-1 {
				body = body[1 : len(body)-1]
			}
			if !json.Valid(body) {
				t.Fatalf("complete but not JSON: %q", body)
			}
		}
		if _, ok := st.Finish(); !ok {
			t.Fatalf("dead end after %q", in[:n])
		}
	})
}
