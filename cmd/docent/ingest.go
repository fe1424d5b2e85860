package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/docent-dev/docent/ingest"
)

var ingestCmd = &cobra.Command{
	Use:   "ingest PATH...",
	Short: "Ingest files or directories (recursively) into the local store",
	Args:  cobra.MinimumNArgs(1),
	RunE: func(cmd *cobra.Command, args []string) error {
		out := cmd.OutOrStdout()
		collection, _ := cmd.Flags().GetString("collection")
		metaJSON, _ := cmd.Flags().GetString("metadata")
		var meta map[string]any
		if metaJSON != "" {
			if err := json.Unmarshal([]byte(metaJSON), &meta); err != nil {
				return fmt.Errorf("--metadata must be a JSON object: %w", err)
			}
		}
		files, err := collectFiles(args)
		if err != nil {
			return err
		}
		return withModels(cmd, func(ctx context.Context, a *app) error {
			return runIngest(ctx, out, a, files, collection, meta)
		})
	},
}

func init() {
	ingestCmd.Flags().String("collection", "default", "collection to ingest into")
	ingestCmd.Flags().String("metadata", "", "JSON object of metadata applied to every file")
	rootCmd.AddCommand(ingestCmd)
}

// collectFiles expands directories (skipping hidden files and folders).
func collectFiles(args []string) ([]string, error) {
	var files []string
	for _, arg := range args {
		st, err := os.Stat(arg)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			files = append(files, arg)
			continue
		}
		err = filepath.WalkDir(arg, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if p != arg && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() {
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return files, nil
}

func runIngest(ctx context.Context, out io.Writer, a *app, files []string, collection string, meta map[string]any) error {
	bar := newBar(len(files), "ingesting")
	type line struct {
		File   string         `json:"file"`
		Result *ingest.Result `json:"result,omitempty"`
		Error  string         `json:"error,omitempty"`
	}
	var lines []line
	counts := map[string]int{}
	failed := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err == nil {
			var res ingest.Result
			res, err = a.pipeline.Ingest(ctx, ingest.Input{Collection: collection, Source: filepath.Base(f), Data: data, Metadata: meta})
			if err == nil {
				counts[string(res.Status)]++
				lines = append(lines, line{File: f, Result: &res})
			}
		}
		if err != nil {
			failed++
			lines = append(lines, line{File: f, Error: err.Error()})
			if !flagJSON {
				bar.Clear()
				fmt.Fprintf(os.Stderr, "error: %s: %v\n", f, err)
			}
		}
		_ = bar.Add(1)
	}
	_ = bar.Finish()
	if flagJSON {
		if err := json.NewEncoder(out).Encode(lines); err != nil {
			return err
		}
	} else {
		for _, l := range lines {
			if l.Result != nil {
				fmt.Fprintf(out, "%-9s %s  v%d  %d chunks  %s\n", l.Result.Status, l.Result.ID, l.Result.Version, l.Result.Chunks, l.File)
			}
		}
		fmt.Fprintf(out, "%d files: %d created, %d updated, %d unchanged, %d duplicate, %d failed\n", len(files),
			counts["created"], counts["updated"], counts["unchanged"], counts["duplicate"], failed)
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d files failed", failed, len(files))
	}
	return nil
}
