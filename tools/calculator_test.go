package tools

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
)

func TestCalculatorTool(t *testing.T) {
	r := NewRegistry(discardLog(), 0)
	if err := r.Register(Calculator{}); err != nil {
		t.Fatal(err)
	}
	out, err := r.Invoke(context.Background(), "calculator", json.RawMessage(`{"expression":"0.1+0.2"}`))
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		Result float64
		Text   string
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatal(err)
	}
	if math.Abs(res.Result-0.3) > 1e-15 || res.Text != "0.3" {
		t.Fatalf("0.1+0.2 gave %s", out)
	}
	out, err = r.Invoke(context.Background(), "calculator", json.RawMessage(`{"expression":"2^10"}`))
	if err != nil || !strings.Contains(string(out), `"result":1024`) || !strings.Contains(string(out), `"text":"1024"`) {
		t.Fatalf("2^10: %s %v", out, err)
	}
	_, err = r.Invoke(context.Background(), "calculator", json.RawMessage(`{"expression":"1/0"}`))
	if !errors.Is(err, ErrInvalidInput) || Outcome(err) != "tool_error" {
		t.Fatalf("1/0: %v", err)
	}
}
