package ingest_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/docent-dev/docent/ingest"
	"github.com/docent-dev/docent/ingest/chunk"
	"github.com/docent-dev/docent/ingest/loaders"
	"github.com/docent-dev/docent/retrieval/embedded"
	"github.com/docent-dev/docent/retrieval/storetest"
)

// BenchmarkIngest runs the whole pipeline (detect, load markdown, chunk,
// analyze, store with one transaction per document) on ~10 KB documents
// and reports chunks/s. Run: go test -run '^$' -bench Ingest ./ingest/
func BenchmarkIngest(b *testing.B) {
	ctx := context.Background()
	s, err := embedded.Open(ctx, b.TempDir(), embedded.DefaultOptions())
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	p := &ingest.Pipeline{Store: s, Limits: loaders.DefaultLimits(), Chunking: chunk.DefaultOptions()}
	syn := storetest.NewSynthetic(3, 30000)
	docs := make([][]byte, 64)
	for i := range docs {
		var md strings.Builder
		fmt.Fprintf(&md, "# Report %d\n\n", i)
		for sec := 0; sec < 4; sec++ {
			fmt.Fprintf(&md, "## Section %d\n\n", sec)
			for para := 0; para < 3; para++ {
				md.WriteString(syn.Chunk(800))
				md.WriteString("\n\n")
			}
		}
		docs[i] = []byte(md.String())
	}
	chunks := 0
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		// Unique bytes per iteration so nothing is skipped as unchanged.
		data := append([]byte(fmt.Sprintf("<!-- %d -->\n", i)), docs[i%len(docs)]...)
		res, err := p.Ingest(ctx, ingest.Input{Source: fmt.Sprintf("doc%d.md", i), Data: data})
		if err != nil {
			b.Fatal(err)
		}
		chunks += res.Chunks
	}
	b.ReportMetric(float64(chunks)/time.Since(start).Seconds(), "chunks/s")
	b.ReportMetric(float64(chunks)/float64(b.N), "chunks/doc")
}
