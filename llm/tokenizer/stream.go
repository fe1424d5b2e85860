package tokenizer

import "unicode/utf8"

// Stream turns generated token ids into text as they arrive. A token's
// piece may end inside a UTF-8 sequence (byte tokens, byte-level BPE), so
// Add holds back an incomplete trailing sequence until the next pieces
// complete it. Control tokens produce no text unless Special is set. A
// Stream is not safe for concurrent use.
type Stream struct {
	t       *Tokenizer
	Special bool // render control tokens as their text
	pending []byte
}

// NewStream returns a Stream over t's pieces.
func (t *Tokenizer) NewStream() *Stream { return &Stream{t: t} }

// Add appends the piece of id and returns the text that is now complete.
func (s *Stream) Add(id int32) string {
	if s.Special {
		s.pending = append(s.pending, s.t.PieceSpecial(id)...)
	} else {
		s.pending = append(s.pending, s.t.Piece(id)...)
	}
	n := completePrefix(s.pending)
	out := string(s.pending[:n])
	s.pending = append(s.pending[:0], s.pending[n:]...)
	return out
}

// Flush returns whatever is held back (an incomplete sequence stays as
// its bytes) and resets the stream.
func (s *Stream) Flush() string {
	out := string(s.pending)
	s.pending = s.pending[:0]
	return out
}

// completePrefix returns the length of b without a trailing UTF-8 sequence
// that could still be completed by more bytes.
func completePrefix(b []byte) int {
	// look at most 3 bytes back for the start of the last sequence
	for k := 1; k <= 3 && k <= len(b); k++ {
		c := b[len(b)-k]
		if c < 0x80 {
			return len(b) // ASCII ends everything before it
		}
		if c >= 0xc0 { // lead byte
			need := utf8Len(c)
			if need > k && !utf8.FullRune(b[len(b)-k:]) && validPrefix(b[len(b)-k:]) {
				return len(b) - k
			}
			return len(b)
		}
	}
	return len(b)
}

// validPrefix reports whether b (a lead byte and continuation bytes) can
// still become a valid sequence.
func validPrefix(b []byte) bool {
	for _, c := range b[1:] {
		if c&0xc0 != 0x80 {
			return false
		}
	}
	return b[0] < 0xf5
}
