package grammar_test

import (
	"encoding/json"
	"fmt"

	"github.com/docent-dev/docent/llm/sample/grammar"
)

// A decoding loop under a tool-call grammar: mask the logits, pick a token,
// advance the state; stop at end-of-generation or when the call is final;
// close the call with Finish when the token budget runs out.
func Example() {
	g, err := grammar.ToolCall([]grammar.Tool{
		{Name: "calculator", Parameters: json.RawMessage(`{"type":"object","properties":{"expression":{"type":"string"}},"required":["expression"]}`)},
		{Name: "current_datetime", Parameters: json.RawMessage(`{"type":"object","properties":{"timezone":{"type":"string","enum":["UTC","Europe/Paris"]}}}`)},
	})
	if err != nil {
		panic(err)
	}
	// a toy vocabulary: token i's raw bytes; token 0 is a control token
	// (no bytes) that ends generation
	vocab := []string{"", "{", "}", `"`, `":`, `",`, " ", "name", "arguments", "calculator", "current", "_datetime", "expression", "timezone", "1+1", "UTC", `{"`, `"}`, `"}}`}
	pieces := make([][]byte, len(vocab))
	for i, v := range vocab {
		pieces[i] = []byte(v)
	}
	m := grammar.NewMasker(g, pieces, []int{0})

	// a "model" that always prefers higher token ids
	model := func(logits []float32) {
		for i := range logits {
			logits[i] = float32(i)
		}
	}
	st := g.Start()
	logits := make([]float32, len(vocab))
	var out []byte
	for budget := 40; budget > 0 && !st.Final(); budget-- {
		model(logits)
		m.Apply(st, logits) // -Inf where the grammar forbids the token
		tok := 0
		for i := range logits {
			if logits[i] > logits[tok] {
				tok = i
			}
		}
		if st, err = m.Advance(st, tok); err != nil {
			panic(err)
		}
		if tok == 0 { // end of generation: allowed only once complete
			break
		}
		out = append(out, pieces[tok]...)
	}
	if !st.Complete() {
		tail, _ := st.Finish()
		out = append(out, tail...)
	}
	fmt.Println(string(out))
	// Output: {"name": "current_datetime", "arguments":{"timezone": "UTC"}}
}
