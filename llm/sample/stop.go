package sample

import "bytes"

// Stops watches streamed output for stop strings. Push returns the bytes
// that are safe to show (a possible beginning of a stop string is held back
// until it is decided); once a stop string appears, the text before it is
// returned with stopped=true and the stop string itself is dropped.
type Stops struct {
	stops [][]byte
	buf   []byte
	done  bool
}

// NewStops returns a matcher for the non-empty strings in stops.
func NewStops(stops []string) *Stops {
	s := &Stops{}
	for _, x := range stops {
		if x != "" {
			s.stops = append(s.stops, []byte(x))
		}
	}
	return s
}

// Push adds a generated piece. emit is valid until the next call.
func (s *Stops) Push(piece []byte) (emit []byte, stopped bool) {
	if s.done {
		return nil, true
	}
	s.buf = append(s.buf, piece...)
	first := -1
	for _, st := range s.stops {
		if i := bytes.Index(s.buf, st); i >= 0 && (first < 0 || i < first) {
			first = i
		}
	}
	if first >= 0 {
		s.done = true
		out := s.buf[:first]
		s.buf = s.buf[len(s.buf):]
		return out, true
	}
	// Hold back the longest suffix that is a prefix of some stop string.
	hold := 0
	for _, st := range s.stops {
		for n := min(len(st)-1, len(s.buf)); n > hold; n-- {
			if bytes.HasSuffix(s.buf, st[:n]) {
				hold = n
				break
			}
		}
	}
	cut := len(s.buf) - hold
	out := append([]byte(nil), s.buf[:cut]...)
	s.buf = append(s.buf[:0], s.buf[cut:]...)
	return out, false
}

// Flush returns what is held back at the end of generation.
func (s *Stops) Flush() []byte {
	out := s.buf
	s.buf = nil
	return out
}

// Stopped reports whether a stop string was seen.
func (s *Stops) Stopped() bool { return s.done }
