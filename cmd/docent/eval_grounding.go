package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/docent-dev/docent/agent/grounding"
)

var evalGroundingCmd = &cobra.Command{
	Use:   "grounding --data FILE",
	Short: "Judge HaluEval-QA answers against their knowledge; report accuracy on right and hallucinated answers",
	Long: `Reads HaluEval-QA JSON lines (knowledge, question, right_answer, hallucinated_answer),
judges both answers of every item against its knowledge with the groundedness
checker (no model: terms, numbers, names, negation, comparisons), and prints the
share of right answers judged supported, of hallucinated answers judged
unsupported, and their mean (balanced accuracy).`,
	Args: cobra.NoArgs,
	RunE: func(cmd *cobra.Command, _ []string) error {
		f := cmd.Flags()
		path, _ := f.GetString("data")
		threshold, _ := f.GetFloat64("threshold")
		disable, _ := f.GetStringSlice("disable")
		showErrors, _ := f.GetBool("errors")
		if path == "" {
			return fmt.Errorf("--data is required")
		}
		if threshold < 0 || threshold > 1 {
			return fmt.Errorf("--threshold must be between 0 and 1")
		}
		items, err := grounding.ReadQAFile(path)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if len(items) == 0 {
			return fmt.Errorf("%s: no items", path)
		}
		c := &grounding.Checker{Threshold: threshold}
		if err := c.Disable(disable...); err != nil {
			return err
		}
		rep, err := c.EvaluateQA(cmd.Context(), items)
		if err != nil {
			return err
		}
		var wrong []grounding.QAJudgement
		for _, j := range rep.Judgements {
			if !j.Correct {
				wrong = append(wrong, j)
			}
		}
		rep.Judgements = nil
		if showErrors {
			rep.Judgements = wrong
		}
		out := cmd.OutOrStdout()
		if flagJSON {
			return printJSON(out, struct {
				*grounding.QAReport
				Disabled []string `json:"disabled,omitempty"`
			}{rep, disable})
		}
		fmt.Fprintf(out, "items         %d\nright         %.3f (right answers judged supported)\nhallucinated  %.3f (hallucinated answers judged unsupported)\nbalanced      %.3f\nthreshold     %.2f\n",
			rep.Items, rep.RightAccuracy, rep.HallucinatedAccuracy, rep.BalancedAccuracy, rep.Threshold)
		if len(disable) > 0 {
			fmt.Fprintf(out, "disabled      %s\n", strings.Join(disable, ", "))
		}
		for _, j := range rep.Judgements {
			kind := "right answer judged unsupported"
			if j.Hallucinated {
				kind = "hallucinated answer judged supported"
			}
			fmt.Fprintf(out, "\n#%d %s (score %.2f)\n  question: %s\n  answer:   %s\n  reason:   %s\n", j.Item+1, kind, j.Score,
				strings.TrimSpace(items[j.Item].Question), j.Answer, j.Reason)
		}
		return nil
	},
}

func init() {
	f := evalGroundingCmd.Flags()
	f.String("data", "", "HaluEval-QA JSON lines file")
	f.Float64("threshold", 0, fmt.Sprintf("support score an answer needs (0: the default, %.2f)", grounding.DefaultThreshold))
	f.StringSlice("disable", nil, "signals to switch off, for ablation: "+strings.Join(grounding.Signals, ", "))
	f.Bool("errors", false, "list the misjudged answers")
	evalCmd.AddCommand(evalGroundingCmd)
}
