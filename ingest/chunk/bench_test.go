package chunk

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/docent-dev/docent/ingest/loaders"
)

// benchMarkdown returns about size bytes of varied markdown: headings,
// paragraphs of sentences, lists, code and tables.
func benchMarkdown(size int) string {
	var sb strings.Builder
	sentences := []string{
		"The maintenance interval for the Zephyr pump is 450 hours.",
		"Dr. Marrow recorded the readings, e.g. pressure and flow, every 2.5 hours.",
		"Operators must wear gloves when replacing the impeller seal.",
		"If the bearing temperature exceeds 70 degrees, stop the pump immediately!",
		"Why does the valve chatter at low flow?",
		"The answer depends on the spring preload and on the upstream pressure.",
	}
	for s := 0; sb.Len() < size; s++ {
		fmt.Fprintf(&sb, "# Chapter %d\n\n", s)
		for sub := 0; sub < 4; sub++ {
			fmt.Fprintf(&sb, "## Section %d.%d\n\n", s, sub)
			for p := 0; p < 3+sub; p++ {
				for k := 0; k < 3+(s+p)%7; k++ {
					sb.WriteString(sentences[(s+p+k)%len(sentences)])
					sb.WriteByte(' ')
				}
				sb.WriteString("\n\n")
			}
			sb.WriteString("- first item of the list\n- second item, with more words in it\n\n")
			sb.WriteString("```\npump start --rate 450\npump stop\n```\n\n")
			sb.WriteString("| key | value |\n|---|---|\n| interval | 450 h |\n| limit | 70 C |\n\n")
		}
	}
	return sb.String()
}

// BenchmarkSplit chunks ~1 MB of markdown; reports chunks/s and MB/s.
func BenchmarkSplit(b *testing.B) {
	src := benchMarkdown(1 << 20)
	doc, err := loaders.LoadAs(context.Background(), loaders.FormatMarkdown, "bench.md", []byte(src), loaders.DefaultLimits())
	if err != nil {
		b.Fatal(err)
	}
	opt := DefaultOptions()
	n := len(Split(doc, opt))
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Split(doc, opt)
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "chunks/s")
	b.ReportMetric(float64(n), "chunks/op")
}

// BenchmarkLoadAndSplit is the ingest path's CPU part for markdown: load,
// then chunk.
func BenchmarkLoadAndSplit(b *testing.B) {
	src := []byte(benchMarkdown(1 << 20))
	b.SetBytes(int64(len(src)))
	n := 0
	for i := 0; i < b.N; i++ {
		doc, err := loaders.Load(context.Background(), "bench.md", src, loaders.DefaultLimits())
		if err != nil {
			b.Fatal(err)
		}
		n += len(Split(doc, DefaultOptions()))
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "chunks/s")
}
