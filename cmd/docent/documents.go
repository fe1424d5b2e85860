package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/docent-dev/docent/retrieval"
)

var documentsCmd = &cobra.Command{Use: "documents", Short: "List, show and delete stored documents"}

func printJSON(out io.Writer, v any) error {
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func init() {
	list := &cobra.Command{
		Use: "list", Short: "List documents", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			out := cmd.OutOrStdout()
			coll, _ := cmd.Flags().GetString("collection")
			limit, _ := cmd.Flags().GetInt("limit")
			offset, _ := cmd.Flags().GetInt("offset")
			return withApp(cmd, func(ctx context.Context, a *app) error {
				docs, total, err := a.store.ListDocuments(ctx, retrieval.ListOptions{Collection: coll, Limit: limit, Offset: offset})
				if err != nil {
					return err
				}
				if flagJSON {
					return printJSON(out, map[string]any{"documents": docs, "total": total})
				}
				w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
				fmt.Fprintln(w, "ID\tCOLLECTION\tVERSION\tCHUNKS\tUPDATED\tTITLE\tSOURCE")
				for _, d := range docs {
					fmt.Fprintf(w, "%s\t%s\t%d\t%d\t%s\t%s\t%s\n", d.ID, d.Collection, d.Version, d.ChunkCount, d.UpdatedAt.Format("2006-01-02 15:04"), d.Title, d.Source)
				}
				w.Flush()
				fmt.Fprintf(out, "%d of %d documents\n", len(docs), total)
				return nil
			})
		},
	}
	list.Flags().String("collection", "", "only this collection")
	list.Flags().Int("limit", 100, "page size")
	list.Flags().Int("offset", 0, "page offset")
	show := &cobra.Command{
		Use: "show ID", Short: "Show a document's metadata (and chunks with --chunks)", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			out := cmd.OutOrStdout()
			withChunks, _ := cmd.Flags().GetBool("chunks")
			return withApp(cmd, func(ctx context.Context, a *app) error {
				d, err := a.store.GetDocument(ctx, args[0])
				if err != nil {
					return err
				}
				var chunks []retrieval.Chunk
				if withChunks {
					if chunks, err = a.store.Chunks(ctx, d.ID); err != nil {
						return err
					}
				}
				if flagJSON {
					return printJSON(out, map[string]any{"document": d, "chunks": chunks})
				}
				fmt.Fprintf(out, "id:         %s\ncollection: %s\ntitle:      %s\nsource:     %s\nformat:     %s\nversion:    %d\nchunks:     %d\nsize:       %d bytes\nhash:       %s\ncreated:    %s\nupdated:    %s\n",
					d.ID, d.Collection, d.Title, d.Source, d.Format, d.Version, d.ChunkCount, d.Size, d.ContentHash, d.CreatedAt, d.UpdatedAt)
				if len(d.Metadata) > 0 {
					m, _ := json.Marshal(d.Metadata)
					fmt.Fprintf(out, "metadata:   %s\n", m)
				}
				for _, c := range chunks {
					fmt.Fprintf(out, "\n--- chunk %d (page %d, %v) ---\n%s\n", c.Ordinal, c.Page, c.Heading, c.Text)
				}
				return nil
			})
		},
	}
	show.Flags().Bool("chunks", false, "print the chunks too")
	del := &cobra.Command{
		Use: "delete ID...", Short: "Delete documents and all their chunks", Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			out := cmd.OutOrStdout()
			return withApp(cmd, func(ctx context.Context, a *app) error {
				for _, id := range args {
					if err := a.store.DeleteDocument(ctx, id); err != nil {
						return err
					}
					fmt.Fprintln(out, "deleted", id)
				}
				return nil
			})
		},
	}
	documentsCmd.AddCommand(list, show, del)
	rootCmd.AddCommand(documentsCmd)
}
