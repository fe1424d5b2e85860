package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/docent-dev/docent/agent"
)

var askCmd = &cobra.Command{
	Use:   `ask "QUESTION"`,
	Short: "Ask a question over the local store; the answer cites its sources",
	Args:  cobra.MinimumNArgs(1),
	RunE: func(cmd *cobra.Command, args []string) error {
		out := cmd.OutOrStdout()
		collection, _ := cmd.Flags().GetString("collection")
		topK, _ := cmd.Flags().GetInt("top-k")
		return withModels(cmd, func(ctx context.Context, a *app) error {
			ans, err := a.agent.Ask(ctx, agent.Request{Question: strings.Join(args, " "), Collection: collection, TopK: topK}, nil)
			if err != nil {
				return err
			}
			if flagJSON {
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				return enc.Encode(ans)
			}
			fmt.Fprintln(out, ans.Answer)
			if len(ans.Citations) > 0 {
				fmt.Fprintln(out)
				for _, c := range ans.Citations {
					loc := c.Source
					if c.Page > 0 {
						loc += fmt.Sprintf(", page %d", c.Page)
					}
					fmt.Fprintf(out, "[%d] %s (%s; v%d, updated %s)\n", c.N, c.Title, loc, c.Version, c.UpdatedAt.Format("2006-01-02 15:04"))
				}
			}
			return nil
		})
	},
}

func init() {
	askCmd.Flags().String("collection", "default", "collection to search")
	askCmd.Flags().Int("top-k", 0, "chunks to retrieve (default from config)")
	rootCmd.AddCommand(askCmd)
}
