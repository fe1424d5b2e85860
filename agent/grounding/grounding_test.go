package grounding

import (
	"context"
	"strings"
	"testing"
)

var pumpSources = []Source{
	{N: 1, Title: "Zephyr pump manual", Text: "The maintenance interval for the Zephyr pump is 450 hours. Replace the seal kit with part ZP-7. The pump must not run dry."},
	{N: 2, Title: "Company history", Text: "Acme Corporation was founded in Bremen in 1952 by Clara Vogt. It makes pumps and valves."},
}

func check(t *testing.T, answer string) []Claim {
	t.Helper()
	var c Checker
	claims, _ := c.Check(context.Background(), answer, pumpSources)
	if len(claims) != 1 {
		t.Fatalf("%q: %d claims, want 1: %+v", answer, len(claims), claims)
	}
	return claims
}

func TestGroundingVerdicts(t *testing.T) {
	cases := []struct {
		name, answer string
		want         Verdict
		by           []int
	}{
		{"exact", "The maintenance interval for the Zephyr pump is 450 hours [1].", Supported, nil},
		{"paraphrase", "Zephyr pumps need maintenance every 450 hours [1].", Supported, nil},
		{"wrong number", "The maintenance interval for the Zephyr pump is 500 hours [1].", Unsupported, nil},
		{"number word", "Acme was founded by Clara Vogt in nineteen fifty-two [2].", Unsupported, nil},
		{"wrong entity", "Acme Corporation was founded in Hamburg in 1952 [2].", Unsupported, nil},
		{"wrong person", "Acme Corporation was founded by Hans Vogt in 1952 [2].", Unsupported, nil},
		{"negation flip", "The Zephyr pump must run dry [1].", Unsupported, nil},
		{"negated claim", "The maintenance interval for the Zephyr pump is not 450 hours [1].", Unsupported, nil},
		{"uncited but supported", "Acme Corporation was founded in Bremen in 1952.", Uncited, []int{2}},
		{"uncited unsupported", "Acme Corporation sells bicycles in Paris.", Uncited, nil},
		{"miscited", "Acme Corporation was founded in Bremen in 1952 [1].", Miscited, []int{2}},
		{"scattered entities", "Clara Vogt designed the Zephyr pump [1][2].", Unsupported, nil},
		{"substituted word", "Acme Corporation makes pumps and bicycles [2].", Unsupported, nil},
		{"substituted word at the end", "The pump must not run wet [1].", Unsupported, nil},
		{"invalid marker", "The pump must not run dry [7].", Uncited, []int{1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := check(t, tc.answer)[0]
			if c.Verdict != tc.want {
				t.Fatalf("%q: verdict %s (support %.2f: %s), want %s", tc.answer, c.Verdict, c.Support, c.Reason, tc.want)
			}
			if strings.Join(intsToStrings(c.SupportedBy), ",") != strings.Join(intsToStrings(tc.by), ",") {
				t.Fatalf("%q: supported by %v, want %v (%s)", tc.answer, c.SupportedBy, tc.by, c.Reason)
			}
			if c.Reason == "" {
				t.Fatalf("%q: no reason", tc.answer)
			}
		})
	}
}

func intsToStrings(ns []int) []string {
	var out []string
	for _, n := range ns {
		out = append(out, string(rune('0'+n)))
	}
	return out
}

func TestGroundingCheckAndApply(t *testing.T) {
	ctx := context.Background()
	answer := "The maintenance interval for the Zephyr pump is 450 hours [1]. Acme was founded in Bremen in 1952 [1]. It was founded in 1961 by Hans Vogt [2]."
	c := Checker{Mode: ModeRemove}
	claims, grounded := c.Check(ctx, answer, pumpSources)
	if grounded {
		t.Fatal("grounded with an unsupported claim")
	}
	if len(claims) != 3 || claims[0].Verdict != Supported || claims[1].Verdict != Miscited || claims[2].Verdict != Unsupported {
		t.Fatalf("claims: %+v", claims)
	}
	if !AnySupported(claims) {
		t.Fatal("AnySupported false")
	}
	out, ok := c.Apply(answer, claims)
	want := "The maintenance interval for the Zephyr pump is 450 hours [1]. Acme was founded in Bremen in 1952 [2]."
	if out != want || !ok {
		t.Fatalf("remove: %q (grounded %v), want %q", out, ok, want)
	}
	c.Mode = ModeMark
	out, ok = c.Apply(answer, claims)
	if !strings.Contains(out, "by Hans Vogt [2] [unsupported].") || ok {
		t.Fatalf("mark: %q (grounded %v)", out, ok)
	}
	c.NoRecite = true
	out, ok = c.Apply(answer, claims)
	if !strings.Contains(out, "in 1952 [1] [unsupported].") || ok {
		t.Fatalf("mark without recite: %q (grounded %v)", out, ok)
	}
	c.NoRecite = false
	c.Mode = ModeKeep
	if out, ok = c.Apply(answer, claims); out != answer || ok {
		t.Fatalf("keep: %q (grounded %v)", out, ok)
	}

	// Nothing supported: Apply leaves nothing and the caller refuses.
	bad := "Acme makes bicycles [2]. They are sold in Paris [2]."
	claims, grounded = (&Checker{}).Check(ctx, bad, pumpSources)
	if grounded || AnySupported(claims) {
		t.Fatalf("%+v", claims)
	}
	if out, ok := (&Checker{}).Apply(bad, claims); out != "" || ok {
		t.Fatalf("remove all: %q %v", out, ok)
	}

	// The extractive answerer's format: markers after the full stop.
	ext := "The maintenance interval for the Zephyr pump is 450 hours. [1] Acme Corporation was founded in Bremen in 1952. [2]"
	claims, grounded = c.Check(ctx, ext, pumpSources)
	if !grounded || len(claims) != 2 || claims[0].Cites[0] != 1 || claims[1].Cites[0] != 2 {
		t.Fatalf("extractive: %+v", claims)
	}

	// Lists, headings and lead-ins.
	list := "## Pump care\nHere is what the sources say:\n- The maintenance interval is 450 hours [1]\n- The pump must not run dry [1]\n- Acme sells bicycles [2]"
	claims, _ = c.Check(ctx, list, pumpSources)
	if len(claims) != 3 || claims[0].Verdict != Supported || claims[1].Verdict != Supported || claims[2].Verdict != Unsupported {
		t.Fatalf("list: %+v", claims)
	}
	c.Mode = ModeRemove
	if out, ok := c.Apply(list, claims); out != "## Pump care\nHere is what the sources say:\n- The maintenance interval is 450 hours [1]\n- The pump must not run dry [1]" || !ok {
		t.Fatalf("list removal: %q %v", out, ok)
	}

	// All supported.
	good := "The pump must not run dry [1]. Acme Corporation was founded in 1952 by Clara Vogt [2]."
	if claims, grounded := c.Check(ctx, good, pumpSources); !grounded {
		t.Fatalf("not grounded: %+v", claims)
	}
}

func TestGroundingSupportedAnswer(t *testing.T) {
	ctx := context.Background()
	var c Checker
	know := "Arthur's Magazine (1844–1846) was an American literary periodical published in Philadelphia.First for Women is a woman's magazine launched in 1989 by Bauer Media Group in the USA."
	q := "Which magazine was started first Arthur's Magazine or First for Women?"
	for _, tc := range []struct {
		answer string
		want   bool
	}{
		{"Arthur's Magazine", true},
		{"First for Women was started first.", false},
		{"Philadelphia", true},
		{"Boston", false},
		{"1845", false},
		{"It was a famous literary periodical.", false},
	} {
		s, why := c.SupportedAnswer(ctx, q, tc.answer, know)
		if (s >= DefaultThreshold) != tc.want {
			t.Errorf("%q: score %.2f (%s), want supported=%v", tc.answer, s, why, tc.want)
		}
	}
	if s, why := c.SupportedAnswer(ctx, "Was Arthur's Magazine American?", "yes", know); s < DefaultThreshold {
		t.Errorf("bare yes to a yes/no question: %.2f %s", s, why)
	}
	if s, why := c.SupportedAnswer(ctx, "Where was Arthur's Magazine published?", "no", know); s >= DefaultThreshold {
		t.Errorf("bare no to a wh-question: %.2f %s", s, why)
	}
	s, _ := c.Supported(ctx, "Arthur's Magazine was published in Philadelphia.", know)
	if s < DefaultThreshold {
		t.Errorf("Supported: %.2f", s)
	}
}

type fixedEmbedder struct{ fail bool }

func (f fixedEmbedder) Embed(_ context.Context, texts []string) ([][]float32, error) {
	if f.fail {
		return nil, context.DeadlineExceeded
	}
	out := make([][]float32, len(texts))
	for i, t := range texts {
		if strings.Contains(t, "450") {
			out[i] = []float32{1, 0}
		} else {
			out[i] = []float32{0, 1}
		}
	}
	return out, nil
}

func TestGroundingEmbedder(t *testing.T) {
	ctx := context.Background()
	ev := "The maintenance interval for the Zephyr pump is 450 hours."
	claim := "Every 450 hours the Zephyr pump needs servicing." // two words are new
	lex, _ := (&Checker{}).Supported(ctx, claim, ev)
	c := Checker{Embedder: fixedEmbedder{}}
	s, why := c.Supported(ctx, claim, ev)
	if lex >= DefaultThreshold || s < DefaultThreshold || !strings.Contains(why, "embedding similarity 1.00") {
		t.Fatalf("lexical %.2f, with embedder %.2f (%s)", lex, s, why)
	}
	// Never rescues a wrong number.
	if s, why := c.Supported(ctx, "Every 500 hours the Zephyr unit needs servicing, not 450.", ev); s >= DefaultThreshold {
		t.Fatalf("wrong number rescued: %.2f %s", s, why)
	}
	// Never lowers found terms; embedder errors fall back to the lexical score.
	if s, _ := c.Supported(ctx, "The Zephyr pump has an interval.", ev); s < DefaultThreshold {
		t.Fatalf("lowered: %.2f", s)
	}
	c.Embedder = fixedEmbedder{fail: true}
	if s, _ := c.Supported(ctx, claim, ev); s != lex {
		t.Fatalf("failing embedder: %.2f, want %.2f", s, lex)
	}
	// In Check, sentence vectors are computed once per source.
	ce := &countingEmbedder{}
	c.Embedder = ce
	c.Check(ctx, "Zephyr pumps need servicing every 450 hours [1]. Acme makes pumps [2]. Acme was founded in 1952 [1].", pumpSources)
	if ce.calls > 2+3 {
		t.Fatalf("%d embed calls", ce.calls)
	}
}

type countingEmbedder struct{ calls int }

func (c *countingEmbedder) Embed(_ context.Context, texts []string) ([][]float32, error) {
	c.calls++
	out := make([][]float32, len(texts))
	for i := range texts {
		out[i] = []float32{1, float32(i)}
	}
	return out, nil
}

func TestGroundingNoPanics(t *testing.T) {
	ctx := context.Background()
	var c Checker
	inputs := []string{"", " ", ".", "[1]", "[999999]", "?!.", "Yes.", "no", "\n\n\n", "A. B. C.", "[1][2][3]", "“”", "\xff\xfe", "3.5.", "U.S.", "It's not.", strings.Repeat("word ", 2000)}
	for _, a := range inputs {
		for _, src := range [][]Source{nil, pumpSources, {{N: 1}}} {
			claims, _ := c.Check(ctx, a, src)
			for _, m := range []Mode{ModeKeep, ModeMark, ModeRemove} {
				c.Mode = m
				c.Apply(a, claims)
			}
		}
		c.Supported(ctx, a, a)
		c.SupportedAnswer(ctx, a, a, a)
		c.SupportedAnswer(ctx, "Who was born first, "+a+" or B?", a, a)
	}
	var nilc *Checker
	nilc.Supported(ctx, "x", "y")
}

func TestGroundingSentences(t *testing.T) {
	got := sentences("It ended in 1989.James Henry Miller was born in Washington, D.C. in 1915. He sang [1]. Done [2]. Extracted. [3] Quoted.” [1][2] Last — one.")
	want := []string{"It ended in 1989.", "James Henry Miller was born in Washington, D.C. in 1915.", "He sang [1].", "Done [2].", "Extracted. [3]", "Quoted.” [1][2]", "Last — one."}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("%q", got)
	}
}

func TestGroundingNumbers(t *testing.T) {
	for in, want := range map[string]string{"722,664": "722664", "nine": "9", "3rd": "3", "6.213": "6.213", "2.0": "2", "1990s": "1990", "abc": "", "c2h5oh": ""} {
		if got := normNumber(in); got != want {
			t.Errorf("normNumber(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzGroundingCheck(f *testing.F) {
	f.Add("The pump must not run dry [1]. Acme was founded in 1952 [2].", "Who founded Acme, A or B first?", "Acme was founded in 1952.")
	f.Add("No. 1 [3]", "Is it?", "")
	f.Add("“Quoted.” [1][2] x.Y", "", "a.B. c")
	f.Fuzz(func(t *testing.T, answer, question, text string) {
		ctx := context.Background()
		var c Checker
		src := []Source{{N: 1, Text: text}, {N: 2, Title: question, Text: answer}}
		claims, _ := c.Check(ctx, answer, src)
		for _, cl := range claims {
			if cl.Start < 0 || cl.End > len(answer) || cl.Start > cl.End {
				t.Fatalf("bad offsets %d..%d for %d bytes", cl.Start, cl.End, len(answer))
			}
		}
		for _, m := range []Mode{ModeKeep, ModeMark, ModeRemove} {
			c.Mode = m
			c.Apply(answer, claims)
		}
		if s, _ := c.SupportedAnswer(ctx, question, answer, text); s < 0 || s > 1 {
			t.Fatalf("score %v", s)
		}
	})
}

// BenchmarkGroundingCheck: a five-sentence answer against eight sources of
// about 1.5 KB (the agent's default top-k).
func BenchmarkGroundingCheck(b *testing.B) {
	base := "The maintenance interval for the Zephyr pump is 450 hours. Replace the seal kit with part ZP-7 every 900 hours. The pump must not run dry. Acme Corporation was founded in Bremen in 1952 by Clara Vogt. It makes pumps and valves for the chemical industry. "
	var srcs []Source
	for i := 1; i <= 8; i++ {
		srcs = append(srcs, Source{N: i, Title: "Manual part " + string(rune('A'+i)), Text: strings.Repeat(base, 6)})
	}
	answer := "The maintenance interval is 450 hours [1]. Replace the seal kit every 900 hours [2]. The pump must not run dry [3]. Acme was founded in 1952 [9]. It was founded by Hans Vogt [4]."
	var c Checker
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		c.Check(ctx, answer, srcs)
	}
}
