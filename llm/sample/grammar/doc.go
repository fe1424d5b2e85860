// Package grammar constrains decoding to JSON values that validate against a
// JSON Schema: a schema (or a set of tool schemas, see ToolCall) is compiled
// to a byte-level pushdown matcher, and a Masker turns the matcher's state
// into a token mask over a vocabulary of raw token bytes. It does not depend
// on the model or the tokenizer.
//
// The matcher is deterministic where JSON allows it and runs alternatives
// (anyOf, type lists, tool names) side by side until the bytes tell them
// apart. Every state it accepts can still be completed to a valid value (no
// dead ends), so a sampler that only ever picks allowed tokens ends with a
// schema-valid value whatever the model; State.Finish gives the bytes that
// close a value when the token budget runs out.
//
// Output shape (a subset of JSON that every supported schema can be
// satisfied in):
//   - no whitespace except one optional space after ':' and ',';
//   - objects carry only their declared properties, in declared order;
//     optional ones may be skipped;
//   - strings: any UTF-8 (validated byte by byte: no overlong forms, no
//     surrogates), the escapes \" \\ \/ \b \f \n \r \t and \uXXXX except
//     surrogate escapes; no raw control characters;
//   - numbers: no exponent; integers at most 15 digits; other numbers at
//     most 12 digits before the point and 6 after it;
//   - values of schema-free places ({} or true) nest objects and arrays at
//     most 4 deep;
//   - enum and const values compacted (numbers as the schema writes them,
//     strings with only the escapes JSON requires).
//
// Use:
//
//	g, err := grammar.ToolCall(tools)          // once per tool set
//	m := grammar.NewMasker(nil, pieces, eog)   // once per vocabulary
//	st := g.Start()
//	for step := 0; step < budget && !st.Final(); step++ {
//		m.Apply(st, logits)                    // -Inf for forbidden tokens
//		tok := sample(logits)
//		if st, err = m.Advance(st, tok); err != nil { ... }
//		if isEOG(tok) { break }                // allowed only once complete
//		...decode tok...
//	}
//	if !st.Complete() { tail, _ := st.Finish(); out = append(out, tail...) }
package grammar
