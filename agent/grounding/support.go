package grounding

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
)

// evidence is a source text prepared for checking claims against it.
type evidence struct {
	sents []evSentence
	terms map[string]bool // every term (and normalized number) of the text
	// capital and lower record how the text writes a term inside a
	// sentence: a term always capitalised is a name.
	capital, lower map[string]bool
	postings       map[string][]int // term -> sentences containing it, ascending
	embedded       bool             // vecs computed (or tried)
	vecs           [][]float32      // sentence embeddings, when an embedder is set
}

// isName reports whether the evidence writes term capitalised inside
// sentences and never in lower case.
func (ev *evidence) isName(term string) bool {
	return ev != nil && ev.capital[term] && !ev.lower[term]
}

type evSentence struct {
	text  string
	words []word
	terms map[string]bool
}

func newEvidence(texts ...string) *evidence {
	ev := &evidence{terms: map[string]bool{}, capital: map[string]bool{}, lower: map[string]bool{}, postings: map[string][]int{}}
	for _, text := range texts {
		for _, s := range sentences(text) {
			ws := words(s)
			es := evSentence{text: s, words: ws, terms: map[string]bool{}}
			for i, w := range ws {
				if w.term != "" {
					if !es.terms[w.term] {
						ev.postings[w.term] = append(ev.postings[w.term], len(ev.sents))
					}
					es.terms[w.term] = true
					ev.terms[w.term] = true
					if w.cap && i > 0 {
						ev.capital[w.term] = true
					} else if !w.cap {
						ev.lower[w.term] = true
					}
				}
			}
			ev.sents = append(ev.sents, es)
		}
	}
	return ev
}

// window is one or two adjacent evidence sentences: a fact and its
// context often span a sentence boundary ("X was born in 1941. He ...").
type window struct {
	first, last int
}

func (ev *evidence) has(w window, term string) bool {
	for i := w.first; i <= w.last; i++ {
		if ev.sents[i].terms[term] {
			return true
		}
	}
	return false
}

// negatedNear reports whether a negation in the window stands within a few
// words before one of the given terms.
func (ev *evidence) negatedNear(w window, terms map[string]bool) bool {
	for i := w.first; i <= w.last; i++ {
		ws := ev.sents[i].words
		for j, x := range ws {
			if !x.neg {
				continue
			}
			for k := j + 1; k < len(ws) && k <= j+4; k++ {
				if terms[ws[k].term] {
					return true
				}
			}
		}
	}
	return false
}

// bestWindow is the window of one or two adjacent sentences that
// contains most of the claim (new entities weigh 2, other new words 1,
// words repeating the question 0.5); ties go to the window with more of
// the question's words, then to the shorter one.
func (ev *evidence) bestWindow(cws []claimWord, qterms map[string]bool) window {
	// Candidate sentences: those sharing most terms with the claim
	// (found through the postings, so long evidence costs little).
	count := map[int]float64{}
	seen := map[string]bool{}
	for _, cw := range cws {
		if cw.term == "" || cw.neg || seen[cw.term] {
			continue
		}
		seen[cw.term] = true
		for _, i := range ev.postings[cw.term] {
			count[i] += claimWeight(cw)
		}
	}
	// The top maxCandidates by count, ties to the earlier sentence.
	cands := make([]int, 0, maxCandidates+1)
	before := func(a, b int) bool { return count[a] > count[b] || count[a] == count[b] && a < b }
	for i := range count {
		if len(cands) == maxCandidates && !before(i, cands[len(cands)-1]) {
			continue
		}
		k := sort.Search(len(cands), func(j int) bool { return before(i, cands[j]) })
		cands = append(cands, 0)
		copy(cands[k+1:], cands[k:])
		cands[k] = i
		if len(cands) > maxCandidates {
			cands = cands[:maxCandidates]
		}
	}
	best := window{}
	bestScore, bestQ := -1.0, -1
	last := len(ev.sents) - 1
	for _, i := range cands {
		for _, w := range []window{{i, i}, {i, min(i+1, last)}, {max(i-1, 0), i}} {
			var s float64
			for t := range seen {
				if ev.has(w, t) {
					s += termWeight(cws, t)
				}
			}
			nq := 0
			for q := range qterms {
				if ev.has(w, q) {
					nq++
				}
			}
			better := s > bestScore || s == bestScore && nq > bestQ ||
				s == bestScore && nq == bestQ && w.last-w.first < best.last-best.first
			if better {
				best, bestScore, bestQ = w, s, nq
			}
		}
	}
	return best
}

// maxCandidates bounds the sentences bestWindow looks at closely.
const maxCandidates = 24

// claimWeight is how much a claim word counts when locating the claim:
// new names and numbers 2, other new words 1, words repeating the
// question 0.5.
func claimWeight(cw claimWord) float64 {
	switch {
	case cw.entity && !cw.echo:
		return 2
	case !cw.echo:
		return 1
	default:
		return 0.5
	}
}

// termWeight is the largest claimWeight of the claim's words with term t.
func termWeight(cws []claimWord, t string) float64 {
	w := 0.0
	for _, cw := range cws {
		if cw.term == t && !cw.neg {
			w = max(w, claimWeight(cw))
		}
	}
	return w
}

// substitution finds a claim word missing from the evidence whose
// neighbouring content words (both, or the one before it at the end of
// the claim) are adjacent to a different word in the window, and returns
// the claim's word and the window's.
func (ev *evidence) substitution(w window, cws []claimWord) (said, src string) {
	var seq []word
	for i := w.first; i <= w.last; i++ {
		for _, x := range ev.sents[i].words {
			if x.term != "" {
				seq = append(seq, x)
			}
		}
	}
	var cl []claimWord
	inClaim := map[string]bool{}
	for _, cw := range cws {
		if cw.term != "" && !cw.neg {
			cl = append(cl, cw)
			inClaim[cw.term] = true
		}
	}
	for p, cw := range cl {
		if ev.terms[cw.term] || p == 0 {
			continue
		}
		left := cl[p-1].term
		right := ""
		if p+1 < len(cl) {
			right = cl[p+1].term
			if !ev.terms[right] {
				continue
			}
		}
		for a := 0; a+1 < len(seq); a++ {
			if seq[a].term != left || inClaim[seq[a+1].term] {
				continue
			}
			if right == "" || a+2 < len(seq) && seq[a+2].term == right {
				return cw.raw, seq[a+1].raw
			}
		}
	}
	return "", ""
}

// bridged reports whether the window names something (a capitalised
// term) that another sentence names together with one of the question's
// terms: one hop, as in "X is married to Y. Y (born ...) ...". A next
// sentence that refers back with a pronoun belongs to the window.
func (ev *evidence) bridged(w window, qterms map[string]bool) bool {
	if w.last+1 < len(ev.sents) && startsWithAnaphor(ev.sents[w.last+1]) {
		w.last++ // "... Seeger is an American folksinger. She was married to ..."
	}
	for i := w.first; i <= w.last; i++ {
		for t := range ev.sents[i].terms {
			if !ev.isName(t) {
				continue
			}
			for _, k := range ev.postings[t] {
				if k >= w.first && k <= w.last {
					continue
				}
				for q := range qterms {
					if ev.sents[k].terms[q] {
						return true
					}
				}
			}
		}
	}
	return false
}

// together reports whether one sentence contains all terms, or two
// adjacent ones where the second starts with a pronoun or "The".
func (ev *evidence) together(terms []string) bool {
	if len(terms) == 0 {
		return true
	}
	rare := terms[0]
	for _, t := range terms[1:] {
		if len(ev.postings[t]) < len(ev.postings[rare]) {
			rare = t
		}
	}
	for _, i := range ev.postings[rare] {
		for _, w := range []window{{i, i}, {max(i-1, 0), i}} {
			if w.last > w.first && !startsWithAnaphor(ev.sents[w.last]) {
				continue
			}
			all := true
			for _, t := range terms {
				if !ev.has(w, t) {
					all = false
					break
				}
			}
			if all {
				return true
			}
		}
	}
	return false
}

func startsWithAnaphor(s evSentence) bool {
	return len(s.words) > 0 && anaphora[strings.ToLower(s.words[0].raw)]
}

var anaphora = map[string]bool{"he": true, "she": true, "it": true, "they": true, "his": true, "her": true, "its": true, "their": true, "this": true, "these": true, "the": true}

// claimWord is a content word of a claim.
type claimWord struct {
	word
	entity bool // a capitalised word not at the start of the claim, or a number
	echo   bool // also in the question (context, not new information)
}

// judgement is the outcome of checking one claim against evidence.
type judgement struct {
	score  float64
	reason string
	hard   bool // a hard contradiction (missing number/entity, negation flip)
}

// signals switches the checker's signals on and off (for ablation).
type signals struct {
	noNumbers, noEntities, noNegation, noColocation, noComparison, noQuestion, noStrict, noBridge, noSubstitution bool
}

// judge scores how well ev supports claim. question, when not empty, is the
// context the claim answers: words of the claim that repeat the question
// are context, and the claim's new words must be found in the evidence
// near the question's words.
func judge(question, claim string, ev *evidence, sig signals) judgement {
	body, polar := stripPolarity(claim)
	cws := claimWords(body, ev)
	if len(cws) == 0 {
		if polar != "" && question != "" && !yesNoQuestion(question) {
			return judgement{score: 0, reason: "a bare " + polar + " to a question that is not a yes/no question", hard: true}
		}
		if polar != "" {
			return judgement{score: 1, reason: "a bare " + polar + ": nothing to check"}
		}
		return judgement{score: 1, reason: "no content words"}
	}
	var qterms map[string]bool
	if question != "" && !sig.noQuestion {
		qterms = map[string]bool{}
		qnames := map[string]bool{} // written capitalised inside the question
		for k, w := range words(question) {
			if w.term != "" {
				qterms[w.term] = true
				if k > 0 && w.cap {
					qnames[w.term] = true
				}
			}
		}
		for i := range cws {
			cws[i].echo = qterms[cws[i].term]
			// A first word that the question writes as a name is one.
			if cws[i].cap && cws[i].num == "" && qnames[cws[i].term] {
				cws[i].entity = true
			}
		}
	}
	if len(ev.sents) == 0 {
		return judgement{score: 0, reason: "no evidence", hard: true}
	}

	// Numbers and entities that no source mentions: strong evidence of
	// hallucination.
	var missNum, missEnt, missOther []string
	var have, total float64
	claimNeg := false
	for _, w := range cws {
		if w.neg {
			claimNeg = true
			continue
		}
		if w.echo {
			// Context from the question; but a name the question uses
			// that no source mentions cannot be a supported part of
			// the claim.
			if w.entity && w.num == "" && !ev.terms[w.term] && !sig.noEntities {
				missEnt = append(missEnt, w.raw)
			}
			continue
		}
		weight := 1.0
		if w.entity {
			weight = 2
		}
		total += weight
		if ev.terms[w.term] {
			have += weight
			continue
		}
		switch {
		case w.num != "" && !sig.noNumbers:
			missNum = append(missNum, w.raw)
		case w.entity && w.num == "" && !sig.noEntities:
			missEnt = append(missEnt, w.raw)
		default:
			missOther = append(missOther, w.raw)
		}
	}
	cov := 1.0
	if total > 0 {
		cov = have / total
	}
	if len(missNum) > 0 {
		return judgement{score: math.Min(cov, 0.1), reason: fmt.Sprintf("number %s not in the sources", strings.Join(missNum, ", ")), hard: true}
	}
	if len(missEnt) > 0 {
		return judgement{score: math.Min(cov, 0.2), reason: fmt.Sprintf("%s not in the sources", strings.Join(missEnt, ", ")), hard: true}
	}

	// The best window: the one or two adjacent sentences that contain
	// most of the claim (its entities weigh double), with the question's
	// words as a tie-breaker.
	best := ev.bestWindow(cws, qterms)
	j := judgement{score: cov}
	if len(missOther) > 0 && len(qterms) > 0 && !sig.noStrict {
		// A short answer to a question is a span of the knowledge, or a
		// light rewording of one: a new word the knowledge never uses is
		// something the answer adds.
		j.score = math.Min(cov, 0.4)
		j.reason = fmt.Sprintf("the answer adds %s, which the sources do not state", strings.Join(missOther, ", "))
	} else if len(missOther) > 0 {
		j.reason = fmt.Sprintf("%.0f%% of the claim's new terms in the sources (missing: %s)", 100*cov, strings.Join(missOther, ", "))
	} else {
		j.reason = "all terms found in the sources"
	}

	// Co-location: the claim's entities must be stated together, in one
	// sentence (or in two when the second refers back with a pronoun:
	// "X was born in 1941. He ..."), not found scattered over unrelated
	// passages.
	if !sig.noColocation {
		var ents []string
		seen := map[string]bool{}
		for _, cw := range cws {
			if cw.entity && cw.term != "" && !seen[cw.term] {
				seen[cw.term] = true
				ents = append(ents, cw.term)
			}
		}
		if len(ents) >= 2 && !ev.together(ents) {
			var apart []string
			for _, cw := range cws {
				if cw.entity && cw.term != "" && !ev.sents[best.first].terms[cw.term] {
					apart = append(apart, cw.raw)
				}
			}
			return judgement{score: math.Min(j.score, 0.3), reason: fmt.Sprintf("no source sentence states %s together with the rest of the claim", strings.Join(apart, ", ")), hard: true}
		}
	}

	// Negation: the claim denies what the passage states, or the passage
	// denies what the claim states.
	if !sig.noNegation {
		terms := map[string]bool{}
		for _, cw := range cws {
			if cw.term != "" && !cw.neg {
				terms[cw.term] = true
			}
		}
		evNeg := ev.negatedNear(best, terms)
		if claimNeg != evNeg {
			what := "the claim is negated and its best passage is not"
			if evNeg {
				what = "the best passage negates what the claim states"
			}
			return judgement{score: math.Min(j.score, 0.2), reason: what, hard: true}
		}
	}

	// A short answer to a question: its new words should appear near the
	// question's words, not anywhere in the knowledge.
	if len(qterms) > 0 && !sig.noColocation {
		near := false
		for q := range qterms {
			if ev.has(best, q) {
				near = true
				break
			}
		}
		if !near && !sig.noBridge {
			near = ev.bridged(best, qterms)
		}
		if !near {
			return judgement{score: math.Min(j.score, 0.4), reason: "the answer's words appear only in passages unrelated to the question"}
		}
	}
	// Substitution: a missing word sits exactly where the best passage
	// has another word between the same neighbours ("used by the payroll
	// services" against "used by the billing services").
	if len(missOther) > 0 && !sig.noSubstitution {
		if said, src := ev.substitution(best, cws); said != "" {
			// Not hard: a synonym ("needs" for "requires") looks the
			// same, and a configured embedder may vouch for it.
			return judgement{score: math.Min(j.score, 0.7), reason: fmt.Sprintf("the claim says %q where the source says %q", said, src)}
		}
	}

	return j
}

// yesNoQuestion reports whether a question starts with an auxiliary verb
// ("Are both ...?", "Did she ...?"), i.e. asks for yes or no.
func yesNoQuestion(q string) bool {
	ws := words(q)
	return len(ws) > 0 && auxiliaries[strings.ToLower(ws[0].raw)]
}

var auxiliaries = map[string]bool{
	"is": true, "are": true, "was": true, "were": true, "am": true, "do": true, "does": true, "did": true,
	"has": true, "have": true, "had": true, "can": true, "could": true, "will": true, "would": true,
	"should": true, "shall": true, "may": true, "might": true, "must": true, "isn't": true, "aren't": true,
	"wasn't": true, "weren't": true, "don't": true, "doesn't": true, "didn't": true,
}

// stripPolarity removes a leading "yes"/"no" answer word: it answers the
// question, it is not a negation of the rest.
func stripPolarity(s string) (string, string) {
	t := strings.TrimSpace(s)
	lt := strings.ToLower(t)
	for _, p := range []string{"yes", "no"} {
		if strings.HasPrefix(lt, p) && (len(lt) == len(p) || strings.IndexByte(" ,.;:!", lt[len(p)]) >= 0) {
			return t[len(p):], p
		}
	}
	return t, ""
}

// claimWords returns the content words of a claim, with entity flags.
// Citation markers are not words of the claim.
func claimWords(claim string, ev *evidence) []claimWord {
	ws := words(citeMarker.ReplaceAllString(claim, " "))
	// In a short, phrase-like claim ("Westchester County") the first word
	// is a name as much as the others; in a sentence it may just be
	// capitalised because it comes first.
	short := len(ws) <= 6
	var out []claimWord
	for i, w := range ws {
		if w.term == "" && !w.neg {
			continue
		}
		cw := claimWord{word: w}
		cw.entity = w.num != "" || (w.cap && (i > 0 || short || ev.isName(w.term)) && w.term != "")
		out = append(out, cw)
	}
	return out
}

// cosine of two vectors; 0 when either is empty or zero.
func cosine(a, b []float32) float64 {
	if len(a) == 0 || len(a) != len(b) {
		return 0
	}
	var dot, na, nb float64
	for i := range a {
		dot += float64(a[i]) * float64(b[i])
		na += float64(a[i]) * float64(a[i])
		nb += float64(b[i]) * float64(b[i])
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return dot / math.Sqrt(na*nb)
}

// embedSupport is the best cosine between the claim and an evidence
// sentence, or -1 without an embedder (or on error). Sentence vectors are
// computed once per evidence, claim vectors once per claims cache.
func embedSupport(ctx context.Context, e Embedder, claim string, ev *evidence, claims map[string][]float32) float64 {
	if e == nil || len(ev.sents) == 0 {
		return -1
	}
	if !ev.embedded {
		ev.embedded = true
		texts := make([]string, len(ev.sents))
		for i, s := range ev.sents {
			texts[i] = s.text
		}
		if vecs, err := e.Embed(ctx, texts); err == nil && len(vecs) == len(texts) {
			ev.vecs = vecs
		}
	}
	if ev.vecs == nil {
		return -1
	}
	cv, ok := claims[claim]
	if !ok {
		vecs, err := e.Embed(ctx, []string{claim})
		if err != nil || len(vecs) != 1 {
			return -1
		}
		cv = vecs[0]
		if claims != nil {
			claims[claim] = cv
		}
	}
	best := -1.0
	for _, v := range ev.vecs {
		if c := cosine(cv, v); c > best {
			best = c
		}
	}
	return best
}
