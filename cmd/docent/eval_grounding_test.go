package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// runGroundingCLI runs the command and puts its flags back to their
// defaults (cobra keeps flag values between Execute calls).
func runGroundingCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	defer evalGroundingCmd.Flags().VisitAll(func(f *pflag.Flag) {
		if sv, ok := f.Value.(pflag.SliceValue); ok {
			sv.Replace(nil)
		} else {
			f.Value.Set(f.DefValue)
		}
		f.Changed = false
	})
	return runCLI(t, append([]string{"eval", "grounding"}, args...)...)
}

func TestEvalGroundingCLI(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "qa.jsonl")
	lines := `{"knowledge": "The Oberoi Group is a hotel company with its head office in Delhi.", "question": "The Oberoi family is part of a hotel company that has a head office in what city?", "right_answer": "Delhi", "hallucinated_answer": "Mumbai, the financial capital of India."}
{"knowledge": "Super Bowl XLVIII was played on February 2, 2014. Smith was named the Most Valuable Player of Super Bowl XLVIII.", "question": "In which game was Malcolm Smith named Most Valuable Player?", "right_answer": "Super Bowl XLVIII", "hallucinated_answer": "Super Bowl XLVII in 2013."}

`
	if err := os.WriteFile(data, []byte(lines), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := runGroundingCLI(t, "--data", data)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{"items         2", "right         1.000", "hallucinated  1.000", "balanced      1.000"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	out, err = runGroundingCLI(t, "--data", data, "--json", "--errors", "--disable", "numbers,entities")
	var rep struct {
		Items            int     `json:"items"`
		BalancedAccuracy float64 `json:"balanced_accuracy"`
		Disabled         []string
		Judgements       []struct{ Answer, Reason string }
	}
	if err != nil || json.Unmarshal([]byte(out), &rep) != nil || rep.Items != 2 || len(rep.Disabled) != 2 {
		t.Fatalf("json: %v\n%s", err, out)
	}
	if _, err := runGroundingCLI(t, "--data", data, "--disable", "bogus"); err == nil || !strings.Contains(err.Error(), "unknown signal") {
		t.Fatalf("bogus signal: %v", err)
	}
	bad := filepath.Join(dir, "bad.jsonl")
	os.WriteFile(bad, []byte(`{"question": "q"}`+"\n"), 0o600)
	if _, err := runGroundingCLI(t, "--data", bad); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Fatalf("bad file: %v", err)
	}
	if _, err := runGroundingCLI(t, "--data", filepath.Join(dir, "missing.jsonl")); err == nil {
		t.Fatal("missing file accepted")
	}
}

// TestEvalGroundingHaluEvalDev runs the command on the shared HaluEval dev
// slice and holds it to the target (balanced accuracy >= 0.85).
func TestEvalGroundingHaluEvalDev(t *testing.T) {
	data := "../../../shared/eval/halueval-qa-dev.jsonl"
	if _, err := os.Stat(data); err != nil {
		t.Skipf("HaluEval dev slice not present (%s): %v", data, err)
	}
	out, err := runGroundingCLI(t, "--data", data, "--json")
	var rep struct {
		Items                int     `json:"items"`
		RightAccuracy        float64 `json:"right_accuracy"`
		HallucinatedAccuracy float64 `json:"hallucinated_accuracy"`
		BalancedAccuracy     float64 `json:"balanced_accuracy"`
	}
	if err != nil || json.Unmarshal([]byte(out), &rep) != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	t.Logf("%d items: right %.3f, hallucinated %.3f, balanced %.3f", rep.Items, rep.RightAccuracy, rep.HallucinatedAccuracy, rep.BalancedAccuracy)
	if rep.BalancedAccuracy < 0.85 {
		t.Errorf("balanced accuracy %.3f < 0.85", rep.BalancedAccuracy)
	}
}
