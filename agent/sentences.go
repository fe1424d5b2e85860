package agent

import "github.com/docent-dev/docent/agent/grounding"

// Sentences splits text into sentences (grounding.Sentences).
func Sentences(text string) []string { return grounding.Sentences(text) }
