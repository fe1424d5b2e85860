package chat

import (
	"encoding/json"
	"fmt"
)

// CaseInput is the JSON shape of a rendering request, as in the template
// fixtures and `docent model render --input`: {"messages", "tools",
// "add_generation_prompt", "bos_token", "eos_token", ...}; other keys
// become Input.Extra.
type CaseInput struct {
	Messages            []Message `json:"messages"`
	Tools               []Tool    `json:"tools,omitempty"`
	AddGenerationPrompt bool      `json:"add_generation_prompt"`
	BOS                 string    `json:"bos_token,omitempty"`
	EOS                 string    `json:"eos_token,omitempty"`
	Extra               map[string]any
}

var caseKeys = map[string]bool{"messages": true, "tools": true, "add_generation_prompt": true,
	"bos_token": true, "eos_token": true}

// UnmarshalJSON reads the known fields and keeps the rest in Extra.
func (c *CaseInput) UnmarshalJSON(data []byte) error {
	type plain CaseInput
	var p plain
	if err := json.Unmarshal(data, &p); err != nil {
		return fmt.Errorf("input: %w", err)
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(data, &all); err != nil {
		return fmt.Errorf("input: %w", err)
	}
	p.Extra = nil
	for k, v := range all {
		if caseKeys[k] {
			continue
		}
		if p.Extra == nil {
			p.Extra = map[string]any{}
		}
		p.Extra[k] = v
	}
	*c = CaseInput(p)
	return nil
}

// Input converts the request to a render Input.
func (c CaseInput) Input() Input {
	return Input{Messages: c.Messages, Tools: c.Tools, AddGenerationPrompt: c.AddGenerationPrompt,
		BOS: c.BOS, EOS: c.EOS, Extra: c.Extra}
}
