package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/docent-dev/docent/ingest"
	"github.com/docent-dev/docent/retrieval"
	"github.com/docent-dev/docent/retrieval/eval"
)

var evalCmd = &cobra.Command{Use: "eval", Short: "Measure quality on public benchmarks"}

var evalRetrievalCmd = &cobra.Command{
	Use:   "retrieval --corpus corpus.jsonl --queries queries.jsonl --qrels qrels.tsv",
	Short: "Index a BEIR-format corpus in a scratch store and report nDCG@10, Recall@100, MRR@10",
	Args:  cobra.NoArgs,
	RunE: func(cmd *cobra.Command, _ []string) error {
		out := cmd.OutOrStdout()
		corpusPath, _ := cmd.Flags().GetString("corpus")
		queriesPath, _ := cmd.Flags().GetString("queries")
		qrelsPath, _ := cmd.Flags().GetString("qrels")
		if corpusPath == "" || queriesPath == "" || qrelsPath == "" {
			return fmt.Errorf("--corpus, --queries and --qrels are required")
		}
		corpus, err := eval.ReadCorpus(corpusPath)
		if err != nil {
			return fmt.Errorf("corpus: %w", err)
		}
		queries, err := eval.ReadQueries(queriesPath)
		if err != nil {
			return fmt.Errorf("queries: %w", err)
		}
		qrels, err := eval.ReadQrels(qrelsPath)
		if err != nil {
			return fmt.Errorf("qrels: %w", err)
		}
		if flagDataDir == "" {
			dir, err := os.MkdirTemp("", "docent-eval-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(dir)
			flagDataDir = dir
		}
		return withApp(cmd, func(ctx context.Context, a *app) error {
			rep, err := runRetrievalEval(ctx, a, corpus, queries, qrels)
			if err != nil {
				return err
			}
			if flagJSON {
				return printJSON(out, rep)
			}
			fmt.Fprintf(out, "documents  %d (%d chunks, indexed in %.1fs, %.0f chunks/s)\nqueries    %d judged\nnDCG@10    %.4f\nRecall@100 %.4f\nMRR@10     %.4f\nsearch     p50 %.2f ms, p95 %.2f ms\n",
				rep.Documents, rep.Chunks, rep.IndexSeconds, float64(rep.Chunks)/rep.IndexSeconds, rep.Queries, rep.NDCG10, rep.Recall100, rep.MRR10, rep.SearchP50MS, rep.SearchP95MS)
			return nil
		})
	},
}

type evalReport struct {
	eval.Report
	Documents    int     `json:"documents"`
	Chunks       int     `json:"chunks"`
	IndexSeconds float64 `json:"index_seconds"`
	SearchP50MS  float64 `json:"search_p50_ms"`
	SearchP95MS  float64 `json:"search_p95_ms"`
}

func runRetrievalEval(ctx context.Context, a *app, corpus []eval.CorpusDoc, queries []eval.Query, qrels eval.Qrels) (*evalReport, error) {
	const coll = "eval"
	rep := &evalReport{Documents: len(corpus)}
	bar := newBar(len(corpus), "indexing")
	start := time.Now()
	docOf := map[string]string{} // store id -> corpus id
	for _, d := range corpus {
		res, err := a.pipeline.Ingest(ctx, ingest.Input{Collection: coll, Source: "corpus:" + d.ID, Title: d.Title, Text: d.Text})
		if err != nil {
			return nil, fmt.Errorf("index %s: %w", d.ID, err)
		}
		docOf[res.ID] = d.ID
		rep.Chunks += res.Chunks
		_ = bar.Add(1)
	}
	_ = bar.Finish()
	rep.IndexSeconds = time.Since(start).Seconds()
	ranked := map[string][]string{}
	var lat []float64
	for _, q := range queries {
		if _, judged := qrels[q.ID]; !judged {
			continue
		}
		t0 := time.Now()
		hits, err := a.store.Search(ctx, retrieval.Query{Collection: coll, Text: q.Text, TopK: 200})
		if err != nil {
			return nil, fmt.Errorf("query %s: %w", q.ID, err)
		}
		lat = append(lat, float64(time.Since(t0).Microseconds())/1000)
		for _, h := range hits {
			ranked[q.ID] = append(ranked[q.ID], docOf[h.Document.ID])
		}
	}
	rep.Report = eval.Score(ranked, qrels)
	rep.SearchP50MS, rep.SearchP95MS = percentile(lat, 0.5), percentile(lat, 0.95)
	return rep, nil
}

func percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	return s[int(p*float64(len(s)-1))]
}

func init() {
	f := evalRetrievalCmd.Flags()
	f.String("corpus", "", "BEIR corpus.jsonl")
	f.String("queries", "", "BEIR queries.jsonl")
	f.String("qrels", "", "qrels TSV (query-id corpus-id score)")
	evalCmd.AddCommand(evalRetrievalCmd)
	rootCmd.AddCommand(evalCmd)
}
