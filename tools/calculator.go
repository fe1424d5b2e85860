package tools

import (
	"context"
	"encoding/json"

	"github.com/docent-dev/docent/tools/calc"
)

// Calculator is the calculator tool: arithmetic on float64 with a
// recursive-descent parser (no eval).
type Calculator struct{}

func (Calculator) Name() string { return "calculator" }

func (Calculator) Description() string {
	return "Evaluate an arithmetic expression exactly as written and return the number. " +
		"Operators: + - * / % (remainder) ^ (power, right-associative; ** also works), unary minus, parentheses. " +
		"Functions: sqrt, abs, ln, log10, exp, sin, cos, tan (radians), min, max (any number of arguments), " +
		"round (x or x, digits), floor, ceil. Constants: pi, e. Use it for any arithmetic instead of computing in your head."
}

func (Calculator) Schema() json.RawMessage {
	return json.RawMessage(`{"type":"object","properties":{"expression":{"type":"string","minLength":1,"maxLength":1000,` +
		`"description":"the expression, e.g. (2 + 3) * 4 ^ 2 or sqrt(2) / 2"}},"required":["expression"],"additionalProperties":false}`)
}

func (Calculator) Invoke(_ context.Context, args json.RawMessage) (json.RawMessage, error) {
	var in struct {
		Expression string `json:"expression"`
	}
	if err := json.Unmarshal(args, &in); err != nil {
		return nil, invalidf("%v", err)
	}
	v, err := calc.Eval(in.Expression)
	if err != nil {
		return nil, InvalidInput(err)
	}
	return marshal(map[string]any{"expression": in.Expression, "result": v, "text": calc.FormatNumber(v)})
}
