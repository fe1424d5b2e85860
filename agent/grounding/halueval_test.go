package grounding

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
)

const haluDev = "../../../shared/eval/halueval-qa-dev.jsonl"

func TestGroundingHaluEvalDev(t *testing.T) {
	if _, err := os.Stat(haluDev); err != nil {
		t.Skipf("HaluEval dev slice not present (%s): %v", haluDev, err)
	}
	items, err := ReadQAFile(haluDev)
	if err != nil {
		t.Fatal(err)
	}
	var c Checker
	rep, err := c.EvaluateQA(context.Background(), items)
	if err != nil {
		t.Fatal(err)
	}
	if os.Getenv("GROUNDING_VERBOSE") != "" {
		for _, j := range rep.Judgements {
			if !j.Correct {
				fmt.Printf("WRONG hall=%v score=%.2f Q=%q\n   A=%q\n   why=%s\n   K=%s\n", j.Hallucinated, j.Score, items[j.Item].Question, j.Answer, j.Reason, items[j.Item].Knowledge)
			}
		}
	}
	t.Logf("right %.2f hallucinated %.2f balanced %.3f", rep.RightAccuracy, rep.HallucinatedAccuracy, rep.BalancedAccuracy)
	if rep.BalancedAccuracy < 0.85 {
		t.Errorf("balanced accuracy %.3f < 0.85", rep.BalancedAccuracy)
	}
}

func TestGroundingDevDist(t *testing.T) {
	if os.Getenv("GROUNDING_VERBOSE") == "" {
		t.Skip("dev only")
	}
	items, _ := ReadQAFile(haluDev)
	var c Checker
	rep, _ := c.EvaluateQA(context.Background(), items)
	for _, j := range rep.Judgements {
		if !j.Hallucinated && j.Score < 1 {
			fmt.Printf("RIGHT score=%.2f A=%q why=%s\n", j.Score, j.Answer, j.Reason)
		}
	}
}

func TestGroundingDevComparisons(t *testing.T) {
	if os.Getenv("GROUNDING_VERBOSE") == "" {
		t.Skip("dev only")
	}
	items, _ := ReadQAFile(haluDev)
	var c Checker
	rep, _ := c.EvaluateQA(context.Background(), items)
	for _, j := range rep.Judgements {
		if strings.Contains(j.Reason, "comparison") {
			fmt.Printf("hall=%v correct=%v A=%q why=%s\n", j.Hallucinated, j.Correct, j.Answer, j.Reason)
		}
	}
}
