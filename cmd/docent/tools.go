package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/docent-dev/docent/configs"
	"github.com/docent-dev/docent/tools"
)

// buildTools assembles the tool registry from the configuration.
func buildTools(cfg *configs.Config, store tools.Searcher, log *slog.Logger) (*tools.Registry, error) {
	tc := tools.Config{
		Timeout:    cfg.Tools.Timeout,
		Store:      store,
		SearchTopK: min(cfg.Agent.TopK, tools.MaxSearchTopK),
		HTTPGet: tools.HTTPGetConfig{
			Allow:        cfg.Tools.HTTPGet.Allow,
			MaxBytes:     cfg.Tools.HTTPGet.MaxBytes,
			Timeout:      cfg.Tools.HTTPGet.Timeout,
			MaxRedirects: cfg.Tools.HTTPGet.MaxRedirects,
		},
	}
	for i, h := range cfg.Tools.HTTP {
		params, err := jsonValue(h.Parameters)
		if err != nil {
			return nil, fmt.Errorf("config: tools.http[%d] (%s) parameters: %w", i, h.Name, err)
		}
		body, err := jsonValue(h.Body)
		if err != nil {
			return nil, fmt.Errorf("config: tools.http[%d] (%s) body: %w", i, h.Name, err)
		}
		tc.HTTP = append(tc.HTTP, tools.HTTPToolConfig{
			Name: h.Name, Description: h.Description, Parameters: params, Method: h.Method, URL: h.URL, Body: body,
			Headers: h.Headers, Timeout: h.Timeout, MaxBytes: h.MaxBytes, AllowPrivate: h.AllowPrivate,
		})
	}
	reg, err := tools.NewDefault(log, tc)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return reg, nil
}

// jsonValue turns a config value (a YAML map, or JSON text) into JSON.
func jsonValue(v any) (json.RawMessage, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case string:
		if strings.TrimSpace(x) == "" {
			return nil, nil
		}
		if !json.Valid([]byte(x)) {
			return nil, fmt.Errorf("not valid JSON: %.60q", x)
		}
		return json.RawMessage(x), nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("cannot be written as JSON: %w", err)
	}
	return b, nil
}

var toolsCmd = &cobra.Command{Use: "tools", Short: "List the tools the agent can call, or call one"}

func init() {
	list := &cobra.Command{
		Use: "list", Short: "List tools with their arguments (--json: with full JSON Schemas)", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withApp(cmd, func(_ context.Context, a *app) error {
				infos := a.tools.List()
				out := cmd.OutOrStdout()
				if flagJSON {
					enc := json.NewEncoder(out)
					enc.SetIndent("", "  ")
					return enc.Encode(map[string]any{"tools": infos})
				}
				w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
				fmt.Fprintln(w, "NAME\tARGUMENTS (* required)\tDESCRIPTION")
				for _, in := range infos {
					fmt.Fprintf(w, "%s\t%s\t%s\n", in.Name, argSummary(in.Parameters), firstSentence(in.Description, 90))
				}
				return w.Flush()
			})
		},
	}
	call := &cobra.Command{
		Use:   "call NAME [JSON]",
		Short: `Call a tool with JSON arguments ("-" reads them from stdin) and print the result`,
		Example: `  docent tools call calculator '{"expression":"2^10"}'
  docent tools call current_datetime '{"timezone":"Europe/Paris"}'`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			raw := "{}"
			if len(args) == 2 {
				raw = args[1]
			}
			if raw == "-" {
				b, err := io.ReadAll(io.LimitReader(cmd.InOrStdin(), tools.DefaultMaxArgBytes+1))
				if err != nil {
					return fmt.Errorf("read arguments: %w", err)
				}
				raw = string(b)
			}
			return withApp(cmd, func(ctx context.Context, a *app) error {
				out, err := a.tools.Invoke(ctx, args[0], json.RawMessage(raw))
				if err != nil {
					return err
				}
				var buf bytes.Buffer
				if err := json.Indent(&buf, out, "", "  "); err != nil {
					buf.Reset()
					buf.Write(out)
				}
				buf.WriteByte('\n')
				_, err = cmd.OutOrStdout().Write(buf.Bytes())
				return err
			})
		},
	}
	toolsCmd.AddCommand(list, call)
	rootCmd.AddCommand(toolsCmd)
}

// argSummary lists a schema's properties, required ones starred.
func argSummary(schema json.RawMessage) string {
	var s struct {
		Properties map[string]json.RawMessage `json:"properties"`
		Required   []string                   `json:"required"`
	}
	if json.Unmarshal(schema, &s) != nil || len(s.Properties) == 0 {
		return "-"
	}
	req := map[string]bool{}
	for _, r := range s.Required {
		req[r] = true
	}
	names := make([]string, 0, len(s.Properties))
	for n := range s.Properties {
		if req[n] {
			n += "*"
		}
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

func firstSentence(s string, max int) string {
	if i := strings.Index(s, ". "); i >= 0 {
		s = s[:i+1]
	}
	if r := []rune(s); len(r) > max {
		s = string(r[:max-1]) + "…"
	}
	return s
}
