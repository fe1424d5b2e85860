package grounding_test

import (
	"context"
	"fmt"

	"github.com/docent-dev/docent/agent/grounding"
)

// How the agent uses the checker on a generated answer: check, rewrite
// according to the mode, refuse when nothing is supported.
func Example() {
	sources := []grounding.Source{
		{N: 1, Title: "Zephyr pump manual", Text: "The maintenance interval for the Zephyr pump is 450 hours."},
		{N: 2, Title: "Company history", Text: "Acme Corporation was founded in Bremen in 1952."},
	}
	answer := "Service the Zephyr pump every 450 hours [1]. Acme was founded in Bremen in 1952 [1]. It was founded in 1961 [2]."
	c := &grounding.Checker{Mode: grounding.ModeRemove}
	claims, grounded := c.Check(context.Background(), answer, sources)
	for _, cl := range claims {
		fmt.Printf("%-11s %s\n", cl.Verdict, cl.Text)
	}
	fmt.Println("grounded:", grounded)
	if !grounding.AnySupported(claims) {
		fmt.Println("refuse")
		return
	}
	text, grounded := c.Apply(answer, claims)
	fmt.Println(text)
	fmt.Println("grounded after removal:", grounded)
	// Output:
	// supported   Service the Zephyr pump every 450 hours [1].
	// miscited    Acme was founded in Bremen in 1952 [1].
	// unsupported It was founded in 1961 [2].
	// grounded: false
	// Service the Zephyr pump every 450 hours [1]. Acme was founded in Bremen in 1952 [2].
	// grounded after removal: true
}
