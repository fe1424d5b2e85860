package agent_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/docent-dev/docent/agent"
	"github.com/docent-dev/docent/retrieval/embedded"
	"github.com/docent-dev/docent/retrieval/storetest"
)

// corpora are built once per process and per size (building 100k chunks
// takes about a minute).
var (
	corpusMu sync.Mutex
	corpora  = map[int]*embedded.Store{}
	benchDir string
)

func corpus(b *testing.B, chunks int) (*embedded.Store, *storetest.Synthetic) {
	corpusMu.Lock()
	defer corpusMu.Unlock()
	syn := storetest.NewSynthetic(7, 30000)
	if s, ok := corpora[chunks]; ok {
		return s, syn
	}
	if benchDir == "" {
		d, err := os.MkdirTemp("", "docent-bench-")
		if err != nil {
			b.Fatal(err)
		}
		benchDir = d
	}
	ctx := context.Background()
	s, err := embedded.Open(ctx, filepath.Join(benchDir, fmt.Sprint(chunks)), embedded.DefaultOptions())
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	const perDoc = 50
	for i := 0; i < chunks/perDoc; i++ {
		d, cs := syn.Document(fmt.Sprintf("d%06d", i), "default", perDoc, 900)
		if _, err := s.PutDocument(ctx, d, cs); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("built %d chunks in %s", chunks, time.Since(start).Round(time.Millisecond))
	corpora[chunks] = s
	return s, syn
}

// BenchmarkAsk measures a full extractive ask (retrieve top 8, pick and
// cite sentences) over a store of 10k and 100k chunks; it reports p50 and
// p95 latency. Run: go test -run '^$' -bench Ask -benchtime 200x ./agent/
func BenchmarkAsk(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("chunks=%d", n), func(b *testing.B) {
			s, syn := corpus(b, n)
			a := &agent.Agent{Store: s}
			questions := make([]string, 256)
			for i := range questions {
				questions[i] = syn.Question(syn.Sentence(12), 3+i%4)
			}
			lat := make([]float64, 0, b.N)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				if _, err := a.Ask(context.Background(), agent.Request{Question: questions[i%len(questions)]}, nil); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, float64(time.Since(t0).Microseconds())/1000)
			}
			b.ReportMetric(storetest.Percentile(lat, 0.5), "p50-ms")
			b.ReportMetric(storetest.Percentile(lat, 0.95), "p95-ms")
		})
	}
}
