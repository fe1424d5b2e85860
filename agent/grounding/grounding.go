// Package grounding checks that an answer's claims are supported by the
// sources it cites. Each sentence of an answer is a claim; it is checked
// against the sources it cites and, failing that, against each other
// source, and judged supported, miscited (another source supports it),
// unsupported or uncited. Apply then removes or marks what is not
// supported and re-cites what another source supports.
//
// The check needs no neural model. A claim's score is the share of its
// content terms (the retrieval analyzer's stems; names and numbers count
// double) found in the evidence, and hard signals cap it:
//
//   - numbers: a number in the claim (numerals, number words, ordinals;
//     "722,664", "nine", "3rd") that the evidence lacks;
//   - entities: a name (a capitalised word inside the claim, or one the
//     sources or the question always write capitalised) the evidence lacks;
//   - co-location: the claim's names must be stated together in one
//     sentence (or two, when the second starts with a pronoun), not
//     collected from unrelated passages;
//   - substitution: a claim word the evidence lacks stands where the best
//     passage has another word between the same neighbours ("payroll"
//     where the source says "billing");
//   - negation: the claim is negated ("not", "never", "no", "n't", ...)
//     and its best passage is not, or the reverse.
//
// With a question (SupportedAnswer, used for short answers such as
// HaluEval's), words that repeat the question are context, every new word
// must come from the evidence (strict), the answer must sit near the
// question's words or one named-entity hop from them (bridge), a bare
// yes/no only answers a yes/no question, and "which came first, A or B?"
// is checked against the years the evidence gives (comparison).
//
// An embedder, when configured, adds the cosine of the claim and its best
// evidence sentence: it can raise a paraphrase's score, never lower a
// score, and never rescue a claim that fails a hard signal.
package grounding

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Source is one numbered source an answer can cite as [N].
type Source struct {
	N     int
	Title string
	Text  string
}

// Verdict is the outcome of checking one claim.
type Verdict string

const (
	// Supported: the cited sources support the claim.
	Supported Verdict = "supported"
	// Miscited: the cited sources do not support the claim but another
	// source does (SupportedBy lists it).
	Miscited Verdict = "miscited"
	// Unsupported: no source supports the claim.
	Unsupported Verdict = "unsupported"
	// Uncited: the claim cites no source. SupportedBy lists sources that
	// would support it, if any.
	Uncited Verdict = "uncited"
)

// Claim is one sentence of an answer and its verdict.
type Claim struct {
	Text        string  `json:"text"`
	Cites       []int   `json:"cites"`
	Verdict     Verdict `json:"verdict"`
	Support     float64 `json:"support"` // 0..1, the best support found (cited sources first)
	Reason      string  `json:"reason"`
	SupportedBy []int   `json:"supported_by,omitempty"` // sources that support it when the cited ones do not
	// Start and End are the claim's byte offsets in the answer (Apply
	// uses them to rewrite it).
	Start int `json:"-"`
	End   int `json:"-"`
}

// Mode says what Apply does with claims that are not supported.
type Mode string

const (
	ModeKeep   Mode = "keep"   // leave the answer as it is (the claims still report the verdicts)
	ModeMark   Mode = "mark"   // append a marker to each unsupported or uncited claim
	ModeRemove Mode = "remove" // drop unsupported and uncited claims
)

// Embedder embeds texts (optional; the same interface as the agent's).
type Embedder interface {
	Embed(ctx context.Context, texts []string) ([][]float32, error)
}

// DefaultThreshold is the support score a claim needs by default.
const DefaultThreshold = 0.8

// Checker checks answers against their sources. The zero value works.
type Checker struct {
	// Embedder, when set, adds embedding similarity as a signal.
	Embedder Embedder
	// Threshold is the support score a claim needs (default 0.8: with
	// every number and name found, at most about one content word in
	// five may be missing from the evidence).
	Threshold float64
	// EmbedWeight is the weight of the embedding signal (default 0.4;
	// used only with an Embedder). The embedding can raise a claim's
	// score (a paraphrase the terms miss), never lower it, and never
	// rescue a claim with a wrong number, name or negation.
	EmbedWeight float64
	// Mode is what Apply does with unsupported claims (default ModeRemove).
	Mode Mode
	// Marker is appended by ModeMark (default " [unsupported]").
	Marker string
	// NoRecite stops Apply from fixing citations: miscited claims, and
	// uncited ones a source supports, are then removed or marked like
	// unsupported ones.
	NoRecite bool

	sig signals // ablation switches (tests and the eval)
}

func (c *Checker) threshold() float64 {
	if c == nil || c.Threshold <= 0 {
		return DefaultThreshold
	}
	return c.Threshold
}

func (c *Checker) signals() signals {
	if c == nil {
		return signals{}
	}
	return c.sig
}

// Signals names the checker's signals for Disable.
var Signals = []string{"numbers", "entities", "negation", "colocation", "comparison", "question", "strict", "bridge", "substitution"}

// Disable turns named signals off (see Signals); for ablation studies.
func (c *Checker) Disable(names ...string) error {
	for _, n := range names {
		switch n {
		case "numbers":
			c.sig.noNumbers = true
		case "entities":
			c.sig.noEntities = true
		case "negation":
			c.sig.noNegation = true
		case "colocation":
			c.sig.noColocation = true
		case "comparison":
			c.sig.noComparison = true
		case "question":
			c.sig.noQuestion = true
		case "strict":
			c.sig.noStrict = true
		case "bridge":
			c.sig.noBridge = true
		case "substitution":
			c.sig.noSubstitution = true
		default:
			return fmt.Errorf("unknown signal %q (have %s)", n, strings.Join(Signals, ", "))
		}
	}
	return nil
}

// score combines the lexical judgement with the embedding signal.
func (c *Checker) score(ctx context.Context, question, claim string, ev *evidence, claimVecs map[string][]float32) (float64, string) {
	j := judge(question, claim, ev, c.signals())
	if c == nil || c.Embedder == nil || j.hard {
		return j.score, j.reason
	}
	cos := embedSupport(ctx, c.Embedder, strings.TrimSpace(citeMarker.ReplaceAllString(claim, "")), ev, claimVecs)
	if cos < 0 {
		return j.score, j.reason
	}
	w := c.EmbedWeight
	if w <= 0 || w > 1 {
		w = 0.4
	}
	// Map cosine [0.3, 0.9] onto [0, 1]: sentence embedders rarely go
	// below 0.3 for text on the same topic, and 0.9 is a near copy.
	e := max(0, min(1, (cos-0.3)/0.6))
	blend := (1-w)*j.score + w*e
	if blend <= j.score {
		// The embedding only vouches for paraphrases the lexical check
		// misses; it never overrides found terms.
		return j.score, fmt.Sprintf("%s; embedding similarity %.2f", j.reason, cos)
	}
	return blend, fmt.Sprintf("%s; embedding similarity %.2f raises the support", j.reason, cos)
}

// Supported scores how well evidence supports claim (0..1) and says why.
// The claim is supported when the score reaches the checker's Threshold.
func (c *Checker) Supported(ctx context.Context, claim, evidence string) (float64, string) {
	return c.score(ctx, "", claim, newEvidence(evidence), nil)
}

// SupportedAnswer scores a (possibly short) answer to question against
// evidence: the answer's words that repeat the question are context, its
// new words, numbers and entities must come from the evidence, near the
// question's words, and comparisons ("which came first, A or B?") are
// checked against the dates in the evidence.
func (c *Checker) SupportedAnswer(ctx context.Context, question, answer, evidence string) (float64, string) {
	ev := newEvidence(evidence)
	if !c.signals().noComparison {
		if ok, reason := checkComparison(question, answer, ev); reason != "" {
			if !ok {
				return 0.1, reason
			}
			s, r := c.score(ctx, question, answer, ev, nil)
			return s, r + "; " + reason
		}
	}
	return c.score(ctx, question, answer, ev, nil)
}

// MaxClaims bounds the sentences Check examines; later ones are reported
// unsupported without being checked (answers are far shorter).
const MaxClaims = 256

var citeMarker = regexp.MustCompile(`\[(\d{1,3})\]`)

// Check splits answer into sentences and checks each one that states
// something (has content words) against sources. A sentence is checked
// against the sources it cites; if they do not support it, against each
// other source. grounded is true when there is at least one claim and
// every claim is supported.
func (c *Checker) Check(ctx context.Context, answer string, sources []Source) ([]Claim, bool) {
	byN := map[int]int{}
	evs := make([]*evidence, len(sources))
	for i, s := range sources {
		byN[s.N] = i
	}
	ev := func(i int) *evidence {
		if evs[i] == nil {
			evs[i] = newEvidence(sources[i].Title, sources[i].Text)
		}
		return evs[i]
	}
	th := c.threshold()
	claimVecs := map[string][]float32{}
	var claims []Claim
	grounded := true
	for _, sp := range sentenceSpans(answer, true) {
		text := answer[sp.start:sp.end]
		if len(claimWords(text, nil)) == 0 || framing(text) {
			continue // a bare marker, punctuation, a heading, "Here is what I found:"
		}
		cl := Claim{Text: strings.TrimSpace(text), Start: sp.start, End: sp.end, Cites: []int{}}
		if len(claims) >= MaxClaims {
			cl.Verdict, cl.Reason = Unsupported, fmt.Sprintf("not checked: the answer has more than %d claims", MaxClaims)
			grounded = false
			claims = append(claims, cl)
			continue
		}
		seen := map[int]bool{}
		var invalid []string
		for _, m := range citeMarker.FindAllStringSubmatch(text, -1) {
			n, _ := strconv.Atoi(m[1])
			if _, ok := byN[n]; !ok {
				invalid = append(invalid, m[0])
				continue
			}
			if !seen[n] {
				seen[n] = true
				cl.Cites = append(cl.Cites, n)
			}
		}
		if len(cl.Cites) > 0 {
			var texts []string
			for _, n := range cl.Cites {
				s := sources[byN[n]]
				texts = append(texts, s.Title, s.Text)
			}
			var e *evidence
			if len(cl.Cites) == 1 {
				e = ev(byN[cl.Cites[0]])
			} else {
				e = newEvidence(texts...)
			}
			cl.Support, cl.Reason = c.score(ctx, "", text, e, claimVecs)
			if cl.Support >= th {
				cl.Verdict = Supported
				claims = append(claims, cl)
				continue
			}
		}
		// Not supported by what it cites (or cites nothing): which
		// source would support it?
		bestOther, bestReason := -1.0, ""
		for i, s := range sources {
			if seen[s.N] {
				continue
			}
			sc, r := c.score(ctx, "", text, ev(i), claimVecs)
			if sc >= th {
				cl.SupportedBy = append(cl.SupportedBy, s.N)
			}
			if sc > bestOther {
				bestOther, bestReason = sc, r
			}
		}
		sort.Ints(cl.SupportedBy)
		switch {
		case len(cl.Cites) == 0:
			cl.Verdict = Uncited
			if bestOther > cl.Support {
				cl.Support = bestOther
			}
			switch {
			case len(invalid) > 0:
				cl.Reason = fmt.Sprintf("cites %s, which is not a source", strings.Join(invalid, ""))
			case len(sources) == 0:
				cl.Reason = "cites no source (there are none)"
			case len(cl.SupportedBy) > 0:
				cl.Reason = fmt.Sprintf("cites no source; %s would support it", marks(cl.SupportedBy))
			default:
				cl.Reason = "cites no source, and no source supports it: " + bestReason
			}
		case len(cl.SupportedBy) > 0:
			cl.Verdict = Miscited
			cl.Reason = fmt.Sprintf("%s does not support it (%s) but %s does", marks(cl.Cites), cl.Reason, marks(cl.SupportedBy))
		default:
			cl.Verdict = Unsupported
		}
		grounded = false
		claims = append(claims, cl)
	}
	return claims, grounded && len(claims) > 0
}

// framing reports whether a sentence only introduces or titles what
// follows: a Markdown heading, or a sentence ending with a colon and
// citing nothing.
func framing(s string) bool {
	t := strings.TrimSpace(s)
	return strings.HasPrefix(t, "#") || strings.HasSuffix(t, ":") && !strings.Contains(t, "[")
}

func marks(ns []int) string {
	var b strings.Builder
	for _, n := range ns {
		fmt.Fprintf(&b, "[%d]", n)
	}
	return b.String()
}

// AnySupported reports whether at least one claim is supported (or
// miscited or uncited while some source supports it). When none is, the
// caller should refuse.
func AnySupported(claims []Claim) bool {
	for _, c := range claims {
		if c.Verdict == Supported || c.Verdict == Miscited || (c.Verdict == Uncited && len(c.SupportedBy) > 0) {
			return true
		}
	}
	return false
}

// Apply rewrites answer according to the checker's Mode: miscited claims
// get the citations of the sources that support them; uncited claims that
// a source supports get that citation; unsupported claims (and uncited
// ones no source supports) are removed (ModeRemove) or marked (ModeMark).
// It returns the new answer and whether it is grounded: at least one claim
// remains and every remaining claim is supported. With ModeKeep the text
// is unchanged and grounded is as Check reported it.
func (c *Checker) Apply(answer string, claims []Claim) (string, bool) {
	mode := ModeRemove
	marker := " [unsupported]"
	if c != nil && c.Mode != "" {
		mode = c.Mode
	}
	if c != nil && c.Marker != "" {
		marker = c.Marker
	}
	if mode == ModeKeep {
		grounded := len(claims) > 0
		for _, cl := range claims {
			grounded = grounded && cl.Verdict == Supported
		}
		return answer, grounded
	}
	var b strings.Builder
	pos := 0
	kept, ok := 0, true
	for _, cl := range claims {
		if cl.Start < pos || cl.End > len(answer) || cl.Start > cl.End {
			continue // not from this answer
		}
		b.WriteString(answer[pos:cl.Start])
		pos = cl.End
		seg := answer[cl.Start:cl.End]
		switch {
		case cl.Verdict == Supported:
			b.WriteString(seg)
			kept++
		case (cl.Verdict == Miscited || cl.Verdict == Uncited) && len(cl.SupportedBy) > 0 && (c == nil || !c.NoRecite):
			b.WriteString(recite(seg, cl.SupportedBy))
			kept++
		case mode == ModeMark:
			b.WriteString(markSentence(seg, marker))
			kept++
			ok = false
		default: // removed
		}
	}
	b.WriteString(answer[pos:])
	out := strings.Join(strings.Fields(b.String()), " ")
	if strings.Contains(answer, "\n") {
		out = tidy(b.String())
	}
	return out, ok && kept > 0
}

// recite replaces a sentence's citation markers with ns.
func recite(seg string, ns []int) string {
	s := strings.TrimRight(citeMarker.ReplaceAllString(seg, ""), " \t\n")
	trail := seg[len(strings.TrimRight(seg, " \t\n")):]
	end := ""
	if n := len(s); n > 0 && strings.IndexByte(".!?", s[n-1]) >= 0 {
		s, end = strings.TrimRight(s[:n-1], " "), s[n-1:]
	}
	return s + " " + marks(ns) + end + trail
}

// markSentence appends marker to a sentence, before its final punctuation.
func markSentence(seg, marker string) string {
	body := strings.TrimRight(seg, " \t\n")
	trail := seg[len(body):]
	if n := len(body); n > 0 && strings.IndexByte(".!?", body[n-1]) >= 0 {
		return body[:n-1] + marker + body[n-1:] + trail
	}
	return body + marker + trail
}

// tidy collapses runs of spaces within lines and of blank lines.
func tidy(s string) string {
	lines := strings.Split(s, "\n")
	var out []string
	blank := false
	for _, l := range lines {
		l = strings.Join(strings.Fields(l), " ")
		if l == "" {
			if blank || len(out) == 0 {
				continue
			}
			blank = true
		} else {
			blank = false
		}
		out = append(out, l)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}
