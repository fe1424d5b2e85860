package chat

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
)

// TestConformance renders small templates covering the Jinja features chat
// templates use and compares with Python's Jinja2, configured as
// transformers configures it (testdata/chat-templates/conformance/gen.py).
func TestConformance(t *testing.T) {
	raw, err := os.ReadFile(repoFixtures + "/conformance/cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		Name     string          `json:"name"`
		Template string          `json:"template"`
		Context  json.RawMessage `json:"context"`
		Expected *string         `json:"expected"`
		Error    *string         `json:"error"`
		Known    string          `json:"known_difference"`
	}
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			if c.Known != "" {
				t.Skip("known difference from Jinja2: " + c.Known)
			}
			var ci CaseInput
			if err := json.Unmarshal(c.Context, &ci); err != nil {
				t.Fatal(err)
			}
			in := ci.Input()
			in.Now = fixtureNow
			tpl, err := New(c.Template)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			got, err := tpl.Render(in)
			if c.Error != nil {
				if err == nil {
					t.Fatalf("want error %q, got %q", *c.Error, got)
				}
				if msg, ok := strings.CutPrefix(*c.Error, "TemplateError: "); ok {
					var re *RaiseError
					if !errors.As(err, &re) || re.Message != msg {
						t.Errorf("want raise_exception(%q), got %v", msg, err)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("render: %v", err)
			}
			if got != *c.Expected {
				t.Errorf("rendering differs\n got: %q\nwant: %q", got, *c.Expected)
			}
		})
	}
}
