package llm

import (
	"fmt"
	"sync"

	"github.com/docent-dev/docent/llm/sample/grammar"
	"github.com/docent-dev/docent/llm/tokenizer"
)

// maskers caches the model's grammar.Masker: it depends only on the
// vocabulary (building it walks every token into a trie, ~100 ms for 150k
// tokens) and serves every grammar.
type maskers struct {
	mu     sync.Mutex
	pieces [][]byte
	masker *grammar.Masker
}

// Pieces returns every token's raw output bytes (control tokens: none).
func (m *Model) Pieces() [][]byte {
	m.mk.mu.Lock()
	defer m.mk.mu.Unlock()
	return m.piecesLocked()
}

func (m *Model) piecesLocked() [][]byte {
	if m.mk.pieces == nil {
		n := m.tok.VocabSize()
		p := make([][]byte, n)
		for i := 0; i < n; i++ {
			// Control and user-defined tokens (<tool_call>, ...) never
			// appear inside constrained output.
			if m.tok.TokenAttr(int32(i))&(tokenizer.AttrControl|tokenizer.AttrUserDefined) == 0 {
				p[i] = m.tok.Piece(int32(i))
			}
		}
		m.mk.pieces = p
	}
	return m.mk.pieces
}

// GrammarConstraint makes generation follow a grammar (llm.Constraint).
type GrammarConstraint struct {
	masker *grammar.Masker
	st     grammar.State
}

// NewGrammarConstraint starts g at its beginning over this model's
// vocabulary; end-of-generation tokens are allowed only once g is complete.
func (m *Model) NewGrammarConstraint(g *grammar.Grammar) *GrammarConstraint {
	m.mk.mu.Lock()
	defer m.mk.mu.Unlock()
	if m.mk.masker == nil {
		eog := []int{}
		for _, id := range m.tok.EOGs() {
			eog = append(eog, int(id))
		}
		m.mk.masker = grammar.NewMasker(nil, m.piecesLocked(), eog)
	}
	return &GrammarConstraint{masker: m.mk.masker, st: g.Start()}
}

// Mask implements Constraint.
func (c *GrammarConstraint) Mask(logits []float32) { c.masker.Apply(c.st, logits) }

// Accept implements Constraint.
func (c *GrammarConstraint) Accept(id int32) error {
	st, err := c.masker.Advance(c.st, int(id))
	if err != nil {
		return fmt.Errorf("token %d: %w", id, err)
	}
	c.st = st
	return nil
}

// Complete implements Constraint: nothing more can follow.
func (c *GrammarConstraint) Complete() bool { return c.st.Final() }

// Valid reports whether the output so far is a complete value.
func (c *GrammarConstraint) Valid() bool { return c.st.Complete() }

// Finish returns the shortest bytes that complete the value (when the
// token budget ran out mid-value).
func (c *GrammarConstraint) Finish() ([]byte, bool) { return c.st.Finish() }
