// Package agent answers questions from retrieved documents. Without a
// generator model it answers extractively: it picks the retrieved sentences
// that best cover the question, cites each one, and refuses when the
// evidence is too weak. The model-driven loop (tools, constrained tool
// calls) plugs in here when a generator is configured.
package agent

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/docent-dev/docent/agent/grounding"
	"github.com/docent-dev/docent/retrieval"
)

// Searcher is the part of a store the agent needs.
type Searcher interface {
	Search(ctx context.Context, q retrieval.Query) ([]retrieval.Hit, error)
}

// termStatser is implemented by stores that can report document
// frequencies; the agent then weights question terms by IDF.
type termStatser interface {
	TermStats(ctx context.Context, collection string, terms []string) (map[string]int, int, error)
}

// Config tunes answering.
type Config struct {
	TopK int // chunks retrieved (default 8)
	// MinCoverage is the IDF-weighted share of the question's terms that
	// the best evidence must contain, else the agent refuses (default 0.5).
	MinCoverage  float64
	MaxSentences int // sentences in an extractive answer (default 3)
	MaxSteps     int // tool calls per question before the model must answer (default 4)
	// Grounding says what happens to generated claims the sources do not
	// support: "mark" (default: kept with an [unsupported] marker),
	// "remove", or "keep" (only reported in claims).
	Grounding grounding.Mode
}

// Agent answers questions. With a Generator it answers from the model
// (sources in the prompt, citations checked afterwards); without one it
// answers extractively. With an Embedder, retrieval is hybrid.
type Agent struct {
	Store     Searcher
	Config    Config
	Generator Generator     // optional
	Embedder  QueryEmbedder // optional
	Tools     ToolRegistry  // optional; used when Generator is a ToolStepper
	cache     embedCache
}

// Request is a question.
type Request struct {
	Question   string             `json:"question"`
	Collection string             `json:"collection"`
	TopK       int                `json:"top_k"`
	Filters    []retrieval.Filter `json:"filters"`
	// ToolChoice: "auto" (default when tools are configured), "none", or
	// "required" (the first step must call a tool).
	ToolChoice ToolMode `json:"tool_choice,omitempty"`
}

// Citation points into the sources; n matches the [n] markers in the answer.
type Citation struct {
	N          int       `json:"n"`
	DocumentID string    `json:"document_id"`
	ChunkID    string    `json:"chunk_id"`
	Title      string    `json:"title"`
	Source     string    `json:"source"`
	Page       int       `json:"page,omitempty"`
	Heading    []string  `json:"heading,omitempty"`
	Snippet    string    `json:"snippet"`
	Score      float64   `json:"score"`
	Version    int       `json:"version"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// Answer is the agent's response.
type Answer struct {
	Answer    string     `json:"answer"`
	Citations []Citation `json:"citations"`
	// Grounded is true when the answer states facts and every one of them
	// is backed by a cited passage; a refusal is not grounded.
	Grounded bool `json:"grounded"`
	Refused  bool `json:"refused"`
	// Claims is the groundedness check: each sentence, the sources it
	// cites, its verdict and how much of it they support.
	Claims    []Claim            `json:"claims,omitempty"`
	Generator string             `json:"generator"`
	ToolCalls []ToolCall         `json:"tool_calls"`
	Timings   map[string]float64 `json:"timings"`
}

// ToolCall records a tool the agent called (empty in extractive mode).
type ToolCall struct {
	Name       string          `json:"name"`
	Arguments  json.RawMessage `json:"arguments"`
	Result     json.RawMessage `json:"result,omitempty"`
	Error      string          `json:"error,omitempty"`
	DurationMS float64         `json:"duration_ms"`
}

// Event is streamed while answering (SSE on the HTTP API).
type Event struct {
	Type string `json:"type"` // "retrieval", "token", "final"
	Data any    `json:"data"`
}

// NotFound is the refusal text.
const NotFound = "Not found in the documents."

// ErrInvalid marks a bad request.
var ErrInvalid = errors.New("invalid question")

func (a *Agent) cfg() Config {
	c := a.Config
	if c.TopK <= 0 {
		c.TopK = 8
	}
	if c.MinCoverage <= 0 {
		c.MinCoverage = 0.5
	}
	if c.MaxSentences <= 0 {
		c.MaxSentences = 3
	}
	if c.MaxSteps <= 0 {
		c.MaxSteps = 4
	}
	if c.Grounding == "" {
		c.Grounding = grounding.ModeMark
	}
	return c
}

// Ask answers req. emit, when non-nil, receives progress events.
func (a *Agent) Ask(ctx context.Context, req Request, emit func(Event)) (*Answer, error) {
	start := time.Now()
	cfg := a.cfg()
	q := strings.TrimSpace(req.Question)
	if q == "" {
		return nil, fmt.Errorf("%w: question is empty", ErrInvalid)
	}
	if len(q) > 4000 {
		return nil, fmt.Errorf("%w: question is longer than 4000 bytes", ErrInvalid)
	}
	topK := req.TopK
	if topK <= 0 {
		topK = cfg.TopK
	}
	if topK > 100 {
		return nil, fmt.Errorf("%w: top_k must be at most 100", ErrInvalid)
	}
	choice := req.ToolChoice
	switch choice {
	case "":
		choice = ToolAuto
	case ToolAuto, ToolNone, ToolRequired:
	default:
		return nil, fmt.Errorf("%w: tool_choice must be auto, none or required", ErrInvalid)
	}
	query := retrieval.Query{Collection: req.Collection, Text: q, TopK: topK, Filters: req.Filters}
	if a.Embedder != nil {
		vec, err := a.cache.embed(ctx, a.Embedder, q)
		if err != nil {
			return nil, fmt.Errorf("embed question: %w", err)
		}
		query.Vector = vec
	}
	hits, err := a.Store.Search(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("retrieve: %w", err)
	}
	tRetrieve := time.Since(start)
	if emit != nil {
		emit(Event{Type: "retrieval", Data: hitSummaries(hits)})
	}
	stepper, canTools := a.Generator.(ToolStepper)
	canTools = canTools && a.Tools != nil && len(a.Tools.List()) > 0 && choice != ToolNone
	var ans *Answer
	switch {
	case a.Generator == nil:
		var quotes []quote
		ans, quotes = a.extract(a.evidence(ctx, req.Collection, q, hits), hits, cfg)
		a.checkExtractive(ans, quotes, hits)
	case canTools:
		// With tools the documents need not hold the answer (arithmetic,
		// the date); the grounding check judges the result instead.
		ans, err = a.loop(ctx, stepper, q, hits, choice, emit)
		if err != nil {
			return nil, err
		}
	case a.evidence(ctx, req.Collection, q, hits).best() < cfg.MinCoverage:
		// Too little evidence: refuse without asking the model, which
		// could only answer from its own memory.
		ans = refuse(&Answer{Generator: a.Generator.Name(), ToolCalls: []ToolCall{}, Citations: []Citation{}})
	default:
		ans, err = a.generate(ctx, q, hits, emit)
		if err != nil {
			return nil, err
		}
	}
	ans.Timings = map[string]float64{
		"retrieval_ms": ms(tRetrieve),
		"answer_ms":    ms(time.Since(start) - tRetrieve),
		"total_ms":     ms(time.Since(start)),
	}
	if emit != nil {
		if !ans.Refused && a.Generator == nil {
			emit(Event{Type: "token", Data: map[string]string{"text": ans.Answer}})
		}
		emit(Event{Type: "final", Data: ans})
	}
	return ans, nil
}

func ms(d time.Duration) float64 { return math.Round(float64(d.Microseconds())) / 1000 }

type hitSummary struct {
	DocumentID string  `json:"document_id"`
	ChunkID    string  `json:"chunk_id"`
	Title      string  `json:"title"`
	Source     string  `json:"source"`
	Page       int     `json:"page,omitempty"`
	Score      float64 `json:"score"`
}

func hitSummaries(hits []retrieval.Hit) []hitSummary {
	out := make([]hitSummary, len(hits))
	for i, h := range hits {
		out[i] = hitSummary{h.Document.ID, h.Chunk.ID, h.Document.Title, h.Document.Source, h.Chunk.Page, h.Score}
	}
	return out
}

type candidate struct {
	hit      int
	text     string
	coverage float64
	score    float64
	terms    map[string]bool
}

// evidence is the question's sentence-level support in the hits.
type evidence struct {
	cands []candidate // best first
}

func (e evidence) best() float64 {
	if len(e.cands) == 0 {
		return 0
	}
	return e.cands[0].coverage
}

// evidence scores every sentence of the hits. A sentence's coverage is the
// IDF-weighted share of question terms it contains; terms found only in the
// chunk's title, heading or neighbouring sentences count half (context
// supports but does not state the fact).
func (a *Agent) evidence(ctx context.Context, collection, question string, hits []retrieval.Hit) evidence {
	qterms := unique(retrieval.Analyze(question))
	if len(qterms) == 0 || len(hits) == 0 {
		return evidence{}
	}
	weights := a.idf(ctx, collection, qterms)
	var total float64
	for _, w := range weights {
		total += w
	}
	var cands []candidate
	for hi, h := range hits {
		ctxTerms := setOf(retrieval.Analyze(h.Document.Title + " " + strings.Join(h.Chunk.Heading, " ") + " " + h.Chunk.Text))
		for _, s := range Sentences(h.Chunk.Text) {
			st := setOf(retrieval.Analyze(s))
			var cov float64
			for i, t := range qterms {
				if st[t] {
					cov += weights[i]
				} else if ctxTerms[t] {
					cov += weights[i] / 2
				}
			}
			cov /= total
			if cov == 0 {
				continue
			}
			// Prefer better-ranked chunks slightly.
			score := cov + 0.02/float64(hi+1)
			cands = append(cands, candidate{hit: hi, text: s, coverage: cov, score: score, terms: st})
		}
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].score > cands[j].score })
	return evidence{cands: cands}
}

// extract composes an extractive answer from the best sentences.
func (a *Agent) extract(ev evidence, hits []retrieval.Hit, cfg Config) (*Answer, []quote) {
	ans := &Answer{Generator: "extractive", ToolCalls: []ToolCall{}, Citations: []Citation{}}
	cands := ev.cands
	if len(cands) == 0 || cands[0].coverage < cfg.MinCoverage {
		return refuse(ans), nil
	}
	var quotes []quote
	best := cands[0].coverage
	var picked []candidate
	for _, c := range cands {
		if len(picked) == cfg.MaxSentences {
			break
		}
		if c.coverage < math.Max(cfg.MinCoverage, 0.75*best) {
			break
		}
		dup := false
		for _, p := range picked {
			if jaccard(p.terms, c.terms) > 0.7 {
				dup = true
				break
			}
		}
		if !dup {
			picked = append(picked, c)
		}
	}
	numOf := map[int]int{}
	var b strings.Builder
	for _, p := range picked {
		n, ok := numOf[p.hit]
		if !ok {
			n = len(ans.Citations) + 1
			numOf[p.hit] = n
			ans.Citations = append(ans.Citations, citation(n, hits[p.hit], p.text))
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%s [%d]", strings.TrimSpace(p.text), n)
		quotes = append(quotes, quote{text: strings.TrimSpace(p.text), hit: p.hit, n: n})
	}
	ans.Answer = b.String()
	return ans, quotes
}

func citation(n int, h retrieval.Hit, snip string) Citation {
	return Citation{
		N: n, DocumentID: h.Document.ID, ChunkID: h.Chunk.ID, Title: h.Document.Title, Source: h.Document.Source,
		Page: h.Chunk.Page, Heading: h.Chunk.Heading, Snippet: snippet(snip), Score: h.Score,
		Version: h.Document.Version, UpdatedAt: h.Document.UpdatedAt,
	}
}

func refuse(a *Answer) *Answer {
	a.Answer = NotFound
	a.Refused = true
	a.Grounded = false
	return a
}

// idf weights each question term by its rarity in the store; without
// statistics every term weighs the same. Terms absent from the index get
// the highest weight: a question about something no document mentions
// should not be answered from its other words.
func (a *Agent) idf(ctx context.Context, collection string, terms []string) []float64 {
	w := make([]float64, len(terms))
	for i := range w {
		w[i] = 1
	}
	ts, ok := a.Store.(termStatser)
	if !ok {
		return w
	}
	df, n, err := ts.TermStats(ctx, collection, terms)
	if err != nil || n == 0 {
		return w
	}
	for i, t := range terms {
		d := float64(df[t])
		w[i] = math.Log(1 + (float64(n)-d+0.5)/(d+0.5))
	}
	return w
}

func snippet(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= 300 {
		return s
	}
	cut := strings.LastIndexByte(s[:300], ' ')
	if cut < 200 {
		cut = 300
	}
	for cut > 0 && !utf8Start(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

func unique(terms []string) []string {
	seen := map[string]bool{}
	out := terms[:0:0]
	for _, t := range terms {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

func setOf(terms []string) map[string]bool {
	m := make(map[string]bool, len(terms))
	for _, t := range terms {
		m[t] = true
	}
	return m
}

func jaccard(a, b map[string]bool) float64 {
	if len(a) == 0 && len(b) == 0 {
		return 1
	}
	inter := 0
	for t := range a {
		if b[t] {
			inter++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}

// checkExtractive verifies an extractive answer: each sentence must be a
// verbatim quote (up to whitespace) of the source it cites. The lexical
// checker is for generated text; quotes are checked exactly.
func (a *Agent) checkExtractive(ans *Answer, quotes []quote, hits []retrieval.Hit) {
	if ans.Refused {
		return
	}
	ans.Grounded = len(quotes) > 0
	for _, q := range quotes {
		c := Claim{Text: q.text, Cites: []int{q.n}, Verdict: grounding.Supported, Support: 1, Reason: fmt.Sprintf("quoted from [%d]", q.n)}
		if !strings.Contains(squash(hits[q.hit].Chunk.Text), squash(q.text)) {
			c.Verdict, c.Support, c.Reason = grounding.Unsupported, 0, fmt.Sprintf("not found verbatim in [%d]", q.n)
			ans.Grounded = false
		}
		ans.Claims = append(ans.Claims, c)
	}
}

// quote is one sentence of an extractive answer.
type quote struct {
	text string
	hit  int // index into hits
	n    int // citation number
}

func squash(s string) string { return strings.Join(strings.Fields(s), " ") }
