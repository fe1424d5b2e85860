package sample

import (
	"math"
	"testing"
)

func logitsOf(v ...float32) []float32 { return append([]float32(nil), v...) }

func TestGreedy(t *testing.T) {
	s := New(Params{})
	if got := s.Sample(logitsOf(1, 3, 2)); got != 1 {
		t.Fatalf("greedy = %d", got)
	}
	s = New(Params{Allowed: func(id int) bool { return id != 1 }})
	if got := s.Sample(logitsOf(1, 3, 2)); got != 2 {
		t.Fatalf("greedy with Allowed = %d", got)
	}
	s = New(Params{Mask: func(l []float32) { l[1] = float32(math.Inf(-1)); l[2] = float32(math.Inf(-1)) }})
	if got := s.Sample(logitsOf(1, 3, 2)); got != 0 {
		t.Fatalf("greedy with Mask = %d", got)
	}
}

func TestSeedDeterministic(t *testing.T) {
	l := make([]float32, 1000)
	for i := range l {
		l[i] = float32(math.Sin(float64(i))) * 3
	}
	run := func(seed uint64) []int {
		s := New(Params{Temperature: 0.9, TopK: 50, TopP: 0.95, MinP: 0.01, RepeatPenalty: 1.1, Seed: seed})
		var out []int
		for i := 0; i < 50; i++ {
			id := s.Sample(append([]float32(nil), l...))
			s.Accept(int32(id))
			out = append(out, id)
		}
		return out
	}
	a, b, c := run(7), run(7), run(8)
	same := true
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("same seed differs at %d", i)
		}
		same = same && a[i] == c[i]
	}
	if same {
		t.Error("different seeds gave identical sequences")
	}
}

func TestFilters(t *testing.T) {
	l := []float32{5, 4, 0, -10}
	// top-k 1 is greedy whatever the temperature.
	for seed := uint64(0); seed < 20; seed++ {
		if got := New(Params{Temperature: 5, TopK: 1, Seed: seed}).Sample(logitsOf(l...)); got != 0 {
			t.Fatalf("top-k 1 gave %d", got)
		}
		// min-p 0.5 keeps tokens 0 and... p1/p0 = e^-1 = 0.37 < 0.5: only 0.
		if got := New(Params{Temperature: 1, MinP: 0.5, Seed: seed}).Sample(logitsOf(l...)); got != 0 {
			t.Fatalf("min-p gave %d", got)
		}
		// top-p 0.5: token 0 alone has p = 0.73.
		if got := New(Params{Temperature: 1, TopP: 0.5, Seed: seed}).Sample(logitsOf(l...)); got != 0 {
			t.Fatalf("top-p gave %d", got)
		}
	}
	// Temperature spreads the draw over several tokens.
	seen := map[int]bool{}
	s := New(Params{Temperature: 2, Seed: 1})
	for i := 0; i < 200; i++ {
		seen[s.Sample(logitsOf(l...))] = true
	}
	if !seen[0] || !seen[1] || !seen[2] {
		t.Errorf("temperature 2 draws %v", seen)
	}
}

func TestRepeatPenalty(t *testing.T) {
	s := New(Params{RepeatPenalty: 2})
	s.Accept(0)
	s.Accept(0)
	l := logitsOf(3, 2, -1)
	if got := s.Sample(l); got != 1 {
		t.Fatalf("penalised greedy = %d (logits %v)", got, l)
	}
	if l[0] != 1.5 {
		t.Fatalf("logit 0 = %v, want 1.5 (penalised once)", l[0])
	}
	s.Accept(2)
	l = logitsOf(0, 0, -1)
	s.Sample(l)
	if l[2] != -2 {
		t.Fatalf("negative logit = %v, want -2", l[2])
	}
}

func TestNoAllocs(t *testing.T) {
	l := make([]float32, 5000)
	work := make([]float32, len(l))
	for i := range l {
		l[i] = float32(i%97) / 10
	}
	s := New(Params{Temperature: 0.8, TopK: 40, TopP: 0.9, MinP: 0.05, RepeatPenalty: 1.1, Seed: 3})
	s.Accept(5)
	copy(work, l)
	s.Sample(work)
	if n := testing.AllocsPerRun(20, func() { copy(work, l); s.Accept(int32(s.Sample(work))) }); n != 0 {
		t.Errorf("Sample allocates %v times", n)
	}
}

func TestStops(t *testing.T) {
	s := NewStops([]string{"</s>", "STOP"})
	var out []byte
	for _, p := range []string{"Hello <", "/", "x> wor", "ld ST", "OP more"} {
		e, stop := s.Push([]byte(p))
		out = append(out, e...)
		if stop {
			break
		}
	}
	if string(out) != "Hello </x> world " || !s.Stopped() {
		t.Fatalf("got %q stopped=%v", out, s.Stopped())
	}
	s = NewStops([]string{"END"})
	e, _ := s.Push([]byte("abc EN"))
	if string(e) != "abc " {
		t.Fatalf("held back wrong: %q", e)
	}
	if f := s.Flush(); string(f) != "EN" {
		t.Fatalf("flush %q", f)
	}
}
