package grammar

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// oracle compiles schema with the reference validator (formats asserted).
func oracle(t testing.TB, schema string) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(schema))
	if err != nil {
		t.Fatalf("oracle: %v", err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("schema.json", doc); err != nil {
		t.Fatalf("oracle: %v", err)
	}
	s, err := c.Compile("schema.json")
	if err != nil {
		t.Fatalf("oracle: %v", err)
	}
	return s
}

func validates(s *jsonschema.Schema, out []byte) error {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
	if err != nil {
		return err
	}
	return s.Validate(v)
}

func accepts(g *Grammar, s string) bool {
	st, ok := g.Start().AdvanceBytes([]byte(s))
	return ok && st.Complete()
}

type grammarCase struct {
	name    string
	schema  string
	valid   []string // accepted by the grammar (and by the oracle)
	invalid []string // rejected by the grammar
}

var grammarCases = []grammarCase{
	{"string", `{"type":"string"}`,
		[]string{`""`, `"abc"`, `"a\"b\\c\/\b\f\n\r\t"`, `"\u00e9\u0000"`, `"héllo 世界 😀"`, "\"\x7f\""},
		[]string{`abc`, `"abc`, `"a` + "\n" + `"`, `"\x"`, `"\u12"`, `"\ud83d\ude00"`, "\"\xff\"", "\"\xc0\xaf\"", "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"", `"a" `, ` "a"`}},
	{"string lengths", `{"type":"string","minLength":2,"maxLength":3}`,
		[]string{`"ab"`, `"abc"`, `"é😀"`, `"\n\u0041x"`},
		[]string{`""`, `"a"`, `"abcd"`, `"😀"`}},
	{"string enum", `{"type":"string","enum":["red","green","gre"]}`,
		[]string{`"red"`, `"green"`, `"gre"`},
		[]string{`"blue"`, `"gree"`, `"Red"`, `red`}},
	{"const", `{"const":"fixed"}`, []string{`"fixed"`}, []string{`"fixe"`, `"fixedd"`}},
	{"enum any values", `{"enum":[1,12,"x",null,true,{"a":[1,2]},[3]]}`,
		[]string{`1`, `12`, `"x"`, `null`, `true`, `{"a":[1,2]}`, `[3]`},
		[]string{`2`, `123`, `false`, `{"a":[1]}`, `[3,4]`}},
	{"enum filtered by type", `{"type":"string","enum":["a",1,"bb"],"maxLength":1}`,
		[]string{`"a"`}, []string{`1`, `"bb"`}},
	{"date", `{"type":"string","format":"date"}`,
		[]string{`"2024-02-29"`, `"1999-12-31"`, `"2000-02-29"`, `"2023-04-30"`},
		[]string{`"2023-02-29"`, `"1900-02-29"`, `"2023-04-31"`, `"2023-13-01"`, `"2023-00-10"`, `"2023-01-00"`, `"2023-1-01"`, `"20230101"`}},
	{"date-time", `{"type":"string","format":"date-time"}`,
		[]string{`"2024-05-01T12:30:00Z"`, `"2024-05-01T23:59:59.123+05:30"`, `"2024-05-01T00:00:00-00:00"`},
		[]string{`"2024-05-01 12:30:00Z"`, `"2024-05-01T24:00:00Z"`, `"2024-05-01T12:60:00Z"`, `"2024-05-01T12:30:60Z"`, `"2024-05-01T12:30:00"`, `"2024-05-01T12:30:00.Z"`, `"2024-05-01T12:30:00+5:30"`}},
	{"time", `{"type":"string","format":"time"}`,
		[]string{`"12:30:00Z"`, `"01:02:03.5-01:00"`}, []string{`"12:30Z"`, `"25:00:00Z"`}},
	{"integer", `{"type":"integer"}`,
		[]string{`0`, `-0`, `7`, `-42`, `123456789012345`},
		[]string{`01`, `1.0`, `1e3`, `-`, `+1`, `1234567890123456`, `.5`}},
	{"integer bounds", `{"type":"integer","minimum":-5,"maximum":120}`,
		[]string{`-5`, `0`, `7`, `99`, `120`},
		[]string{`-6`, `121`, `130`, `1000`, `-10`}},
	{"integer exclusive bounds", `{"type":"integer","exclusiveMinimum":0,"exclusiveMaximum":10}`,
		[]string{`1`, `9`}, []string{`0`, `10`, `-1`}},
	{"number", `{"type":"number"}`,
		[]string{`0`, `-0.5`, `3.14159`, `100`, `123456789012.123456`},
		[]string{`1.`, `.5`, `1e5`, `00`, `1.1234567`, `1234567890123`}},
	{"number bounds", `{"type":"number","minimum":0.5,"exclusiveMaximum":2.25}`,
		[]string{`0.5`, `1`, `2.249999`, `2.2`, `0.75`},
		[]string{`0.4`, `2.25`, `2.3`, `3`, `-1`, `0.499999`}},
	{"number negative range", `{"type":"number","minimum":-1.5,"maximum":-0.25}`,
		[]string{`-1.5`, `-1`, `-0.25`, `-0.3`},
		[]string{`-0.2`, `0`, `-1.6`, `-2`}},
	{"boolean", `{"type":"boolean"}`, []string{`true`, `false`}, []string{`tru`, `null`, `1`}},
	{"null", `{"type":"null"}`, []string{`null`}, []string{`nul`, `false`}},
	{"type list", `{"type":["string","null"],"maxLength":2}`,
		[]string{`"ab"`, `null`}, []string{`"abc"`, `1`}},
	{"object", `{"type":"object","properties":{"query":{"type":"string"},"top_k":{"type":"integer"},"lang":{"type":"string","enum":["en","fr"]}},"required":["query"],"additionalProperties":false}`,
		[]string{`{"query":"x"}`, `{"query": "x", "top_k": 5}`, `{"query":"x","lang":"fr"}`, `{"query":"x","top_k":5,"lang":"en"}`},
		[]string{`{}`, `{"top_k":5}`, `{"top_k":5,"query":"x"}`, `{"query":"x","other":1}`, `{"query":"x",}`, `{"query":"x"  }`, `{ "query":"x"}`, `{"query":  "x"}`, `{"query":"x","query":"y"}`}},
	{"object required order", `{"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"integer"},"c":{"type":"integer"}},"required":["c"]}`,
		[]string{`{"c":1}`, `{"a":1,"c":3}`, `{"b":2,"c":3}`, `{"a":1,"b":2,"c":3}`},
		[]string{`{"a":1}`, `{"a":1,"b":2}`, `{"c":3,"a":1}`}},
	{"object no properties", `{"type":"object"}`, []string{`{}`}, []string{`{"a":1}`}},
	{"map", `{"type":"object","additionalProperties":{"type":"integer","minimum":0}}`,
		[]string{`{}`, `{"a":1}`, `{"x y": 2, "é": 0}`}, []string{`{"a":-1}`, `{"a":"b"}`, `{"a"}`}},
	{"map of anything", `{"type":"object","additionalProperties":true}`,
		[]string{`{}`, `{"a":[1,{"b":null}]}`}, []string{`{"a":}`}},
	{"map of nothing", `{"type":"object","additionalProperties":false}`, []string{`{}`}, []string{`{"a":1}`}},
	{"required not declared", `{"type":"object","required":["x"]}`,
		[]string{`{"x":1}`, `{"x":{"y":[1,"z",null]}}`}, []string{`{}`}},
	{"array", `{"type":"array","items":{"type":"integer"},"minItems":1,"maxItems":3}`,
		[]string{`[1]`, `[1,2]`, `[1, 2, 3]`},
		[]string{`[]`, `[1,2,3,4]`, `["a"]`, `[1,]`, `[ 1]`}},
	{"array of objects", `{"type":"array","items":{"type":"object","properties":{"k":{"type":"string"}},"required":["k"]}}`,
		[]string{`[]`, `[{"k":"a"},{"k":"b"}]`}, []string{`[{}]`}},
	{"anyOf", `{"anyOf":[{"type":"string","maxLength":1},{"type":"integer"},{"type":"object","properties":{"a":{"type":"boolean"}},"required":["a"]},{"type":"object","properties":{"b":{"type":"null"}},"required":["b"]}]}`,
		[]string{`"x"`, `5`, `{"a":true}`, `{"b":null}`},
		[]string{`"xy"`, `1.5`, `{"a":null}`, `{}`}},
	{"anyOf strings", `{"anyOf":[{"type":"string","format":"date"},{"type":"string","enum":["today","tomorrow"]}]}`,
		[]string{`"2024-01-01"`, `"today"`, `"tomorrow"`}, []string{`"yesterday"`, `"2024-01"`}},
	{"oneOf disjoint", `{"oneOf":[{"type":"object","properties":{"kind":{"const":"circle"},"r":{"type":"number"}},"required":["kind","r"]},{"type":"object","properties":{"kind":{"const":"square"},"side":{"type":"number"}},"required":["kind","side"]}]}`,
		[]string{`{"kind":"circle","r":1.5}`, `{"kind":"square","side":2}`}, []string{`{"kind":"circle","side":2}`}},
	{"ref", `{"$defs":{"pt":{"type":"object","properties":{"x":{"type":"number"},"y":{"type":"number"}},"required":["x","y"]}},"type":"object","properties":{"from":{"$ref":"#/$defs/pt"},"to":{"$ref":"#/$defs/pt"}},"required":["from","to"]}`,
		[]string{`{"from":{"x":1,"y":2},"to":{"x":0,"y":-1.5}}`}, []string{`{"from":{"x":1},"to":{"x":0,"y":0}}`}},
	{"allOf single", `{"allOf":[{"type":"boolean"}]}`, []string{`true`}, []string{`1`}},
	{"true schema", `true`, []string{`1`, `"a"`, `{"a":[1,{"b":null}]}`, `[]`, `{}`}, []string{`{"a":}`, `[1,]`}},
	{"empty schema", `{"description":"anything"}`, []string{`1`, `{"x":"y"}`}, []string{`{`}},
	{"pydantic optional", `{"anyOf":[{"type":"string"},{"type":"null"}],"default":null,"title":"Lang"}`,
		[]string{`"en"`, `null`}, []string{`1`}},
}

func TestGrammarCases(t *testing.T) {
	for _, tc := range grammarCases {
		t.Run(tc.name, func(t *testing.T) {
			g, err := Compile(json.RawMessage(tc.schema))
			if err != nil {
				t.Fatalf("Compile: %v", err)
			}
			o := oracle(t, tc.schema)
			for _, s := range tc.valid {
				if !accepts(g, s) {
					t.Errorf("grammar rejects %s", s)
				}
				if err := validates(o, []byte(s)); err != nil {
					t.Errorf("test bug: %s is invalid: %v", s, err)
				}
			}
			for _, s := range tc.invalid {
				if accepts(g, s) {
					t.Errorf("grammar accepts %s", s)
				}
			}
		})
	}
}

// randomValue walks the grammar byte by byte, choosing uniformly among the
// allowed bytes (half of the time among structural bytes, so values end),
// and returns the completed output. It fails the test on a dead end.
func randomValue(t testing.TB, g *Grammar, r *rand.Rand, maxLen int) ([]byte, bool) {
	st := g.Start()
	var out []byte
	var all, structural []byte
	for len(out) < maxLen {
		all, structural = all[:0], structural[:0]
		for b := 0; b < 256; b++ {
			if _, ok := st.Advance(byte(b)); ok {
				all = append(all, byte(b))
				if strings.IndexByte("\"]},:0123456789.-tfn[{ TZ+\\u", byte(b)) >= 0 {
					structural = append(structural, byte(b))
				}
			}
		}
		if st.Complete() && (len(all) == 0 || r.IntN(4) == 0) {
			return out, true
		}
		if len(all) == 0 {
			t.Fatalf("dead end after %q", out)
		}
		b := all[r.IntN(len(all))]
		if len(structural) > 0 && r.IntN(2) == 0 {
			b = structural[r.IntN(len(structural))]
		}
		st, _ = st.Advance(b)
		out = append(out, b)
	}
	return out, false
}

func TestRandomBytesValidate(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, tc := range grammarCases {
		t.Run(tc.name, func(t *testing.T) {
			g, err := Compile(json.RawMessage(tc.schema))
			if err != nil {
				t.Fatal(err)
			}
			o := oracle(t, tc.schema)
			done := 0
			for i := 0; i < 150; i++ {
				out, ok := randomValue(t, g, r, 400)
				if !ok {
					continue
				}
				done++
				if !json.Valid(out) {
					t.Fatalf("not JSON: %q", out)
				}
				if err := validates(o, out); err != nil {
					t.Fatalf("%q does not validate: %v", out, err)
				}
			}
			if done < 50 {
				t.Errorf("only %d of 150 random walks completed", done)
			}
		})
	}
}

func TestUnsupported(t *testing.T) {
	for _, tc := range []struct{ schema, want string }{
		{`{"type":"string","pattern":"^a"}`, `"pattern"`},
		{`{"type":"object","patternProperties":{"a":{}}}`, `"patternProperties"`},
		{`{"type":"object","minProperties":1}`, `"minProperties"`},
		{`{"type":"number","multipleOf":2}`, `"multipleOf"`},
		{`{"type":"array","uniqueItems":true}`, `uniqueItems`},
		{`{"type":"array","prefixItems":[{}]}`, `"prefixItems"`},
		{`{"not":{"type":"string"}}`, `"not"`},
		{`{"if":{},"then":{}}`, `"if", "then"`},
		{`{"type":"string","format":"email"}`, `format "email"`},
		{`{"$ref":"http://example.com/s.json"}`, `$ref`},
		{`{"$defs":{"a":{"type":"array","items":{"$ref":"#/$defs/a"}}},"$ref":"#/$defs/a"}`, `recursive $ref`},
		{`{"oneOf":[{"type":"integer"},{"type":"number"}]}`, `oneOf`},
		{`{"allOf":[{"type":"integer"},{"minimum":1}]}`, `allOf`},
		{`{"type":"object","properties":{"a":{"type":"string","pattern":"x"}}}`, `/properties/a`},
	} {
		_, err := Compile(json.RawMessage(tc.schema))
		if err == nil || !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want unsupported mentioning %s", tc.schema, err, tc.want)
		}
	}
	g, err := CompileWith(json.RawMessage(`{"type":"string","format":"email"}`), Options{IgnoreUnknownFormats: true})
	if err != nil || !accepts(g, `"x"`) {
		t.Errorf("IgnoreUnknownFormats: %v", err)
	}
}

func TestInvalidAndUnsatisfiable(t *testing.T) {
	for _, s := range []string{
		``, `{`, `[]`, `"string"`, `{"type":"strin"}`, `{"type":"string","minLength":-1}`,
		`{"enum":[]}`, `{"$ref":"#/$defs/missing"}`, `{"a":1,"a":2}`,
	} {
		if _, err := Compile(json.RawMessage(s)); err == nil {
			t.Errorf("%s: no error", s)
		}
	}
	for _, s := range []string{
		`false`, `{"type":"string","minLength":3,"maxLength":2}`, `{"type":"integer","minimum":1.2,"maximum":1.8}`,
		`{"type":"object","properties":{"a":false},"required":["a"]}`, `{"enum":["a"],"type":"integer"}`,
		`{"type":"object","required":["x"],"additionalProperties":false}`, `{"type":"array","minItems":1,"items":false}`,
	} {
		if _, err := Compile(json.RawMessage(s)); !errors.Is(err, ErrUnsatisfiable) {
			t.Errorf("%s: %v, want unsatisfiable", s, err)
		}
	}
	// unsatisfiable optional parts are dropped
	g, err := Compile(json.RawMessage(`{"type":"object","properties":{"a":false,"b":{"type":"integer"}},"required":["b"]}`))
	if err != nil || !accepts(g, `{"b":1}`) || accepts(g, `{"a":1,"b":1}`) {
		t.Errorf("optional false property: %v", err)
	}
}

func TestStatesAreValues(t *testing.T) {
	g, err := Compile(json.RawMessage(`{"type":"object","properties":{"a":{"type":"array","items":{"type":"string"}}},"required":["a"]}`))
	if err != nil {
		t.Fatal(err)
	}
	st, ok := g.Start().AdvanceBytes([]byte(`{"a":["x"`))
	if !ok {
		t.Fatal("prefix rejected")
	}
	s1, ok1 := st.AdvanceBytes([]byte(`]}`))
	s2, ok2 := st.AdvanceBytes([]byte(`,"y"]}`))
	s3, ok3 := st.AdvanceBytes([]byte(`,]`))
	if !ok1 || !s1.Complete() || !ok2 || !s2.Complete() || ok3 || s3.Valid() {
		t.Fatal("branching from one state")
	}
	if !s1.Final() {
		t.Error("closed object should be final")
	}
	if _, ok := (State{}).Advance('{'); ok {
		t.Error("zero state accepts")
	}
	if (State{}).Complete() {
		t.Error("zero state complete")
	}
}

func TestWhitespaceIsBounded(t *testing.T) {
	g, err := Compile(json.RawMessage(`{"type":"object","properties":{"a":{"type":"array","items":{"type":"integer"}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`{ `, `{"a" `, `{"a":  `, `{"a": [ `, `{"a": [1 `, `{"a": [1,  `, "{\"a\":\n", "{\"a\":\t"} {
		if _, ok := g.Start().AdvanceBytes([]byte(s)); ok {
			t.Errorf("%q accepted", s)
		}
	}
	if !accepts(g, `{"a": [1, 2]}`) {
		t.Error("single spaces rejected")
	}
}

func TestFinish(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, tc := range grammarCases {
		g, err := Compile(json.RawMessage(tc.schema))
		if err != nil {
			t.Fatal(err)
		}
		o := oracle(t, tc.schema)
		for i := 0; i < 30; i++ {
			// a random prefix, then Finish
			out, _ := randomValue(t, g, r, r.IntN(40))
			st, ok := g.Start().AdvanceBytes(out)
			if !ok {
				t.Fatalf("%s: prefix %q rejected", tc.name, out)
			}
			tail, ok := st.Finish()
			if !ok {
				t.Fatalf("%s: no completion after %q", tc.name, out)
			}
			full := append(out, tail...)
			if !accepts(g, string(full)) {
				t.Fatalf("%s: %q not accepted", tc.name, full)
			}
			if err := validates(o, full); err != nil {
				t.Fatalf("%s: %q: %v", tc.name, full, err)
			}
		}
	}
}

func TestAlternativesMerge(t *testing.T) {
	g, err := Compile(json.RawMessage(`{"type":"array","items":{"anyOf":[{"enum":["a","b"]},{"type":"string"}]}}`))
	if err != nil {
		t.Fatal(err)
	}
	st, ok := g.Start().AdvanceBytes([]byte(`["a","a","a","a","a","a","a"`))
	if !ok {
		t.Fatal("rejected")
	}
	if n := 1 + len(st.extra); n != 1 {
		t.Errorf("%d threads after items that end alike, want 1", n)
	}
}
