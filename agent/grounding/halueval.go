package grounding

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
)

// QAItem is one HaluEval-QA line: a question with its knowledge, a right
// answer and a hallucinated one.
type QAItem struct {
	Knowledge          string `json:"knowledge"`
	Question           string `json:"question"`
	RightAnswer        string `json:"right_answer"`
	HallucinatedAnswer string `json:"hallucinated_answer"`
}

// ReadQA reads HaluEval-QA JSON lines. Blank lines are skipped; a line
// that is not valid JSON or lacks knowledge, question or either answer is
// an error naming the line.
func ReadQA(r io.Reader) ([]QAItem, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	var items []QAItem
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var it QAItem
		if err := json.Unmarshal([]byte(line), &it); err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		if strings.TrimSpace(it.Knowledge) == "" || strings.TrimSpace(it.Question) == "" ||
			strings.TrimSpace(it.RightAnswer) == "" || strings.TrimSpace(it.HallucinatedAnswer) == "" {
			return nil, fmt.Errorf("line %d: knowledge, question, right_answer and hallucinated_answer are required", n)
		}
		items = append(items, it)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return items, nil
}

// ReadQAFile reads a HaluEval-QA JSON-lines file.
func ReadQAFile(path string) ([]QAItem, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadQA(f)
}

// QAJudgement is the checker's verdict on one answer.
type QAJudgement struct {
	Item         int     `json:"item"` // 0-based line among the items
	Hallucinated bool    `json:"hallucinated"`
	Answer       string  `json:"answer"`
	Score        float64 `json:"score"`
	Supported    bool    `json:"supported"`
	Correct      bool    `json:"correct"`
	Reason       string  `json:"reason"`
}

// QAReport is the accuracy of the checker on HaluEval-QA items: right
// answers should be judged supported, hallucinated ones unsupported.
type QAReport struct {
	Items                int           `json:"items"`
	RightAccuracy        float64       `json:"right_accuracy"`
	HallucinatedAccuracy float64       `json:"hallucinated_accuracy"`
	BalancedAccuracy     float64       `json:"balanced_accuracy"`
	Threshold            float64       `json:"threshold"`
	Judgements           []QAJudgement `json:"judgements,omitempty"`
}

// EvaluateQA judges both answers of every item against its knowledge.
func (c *Checker) EvaluateQA(ctx context.Context, items []QAItem) (*QAReport, error) {
	rep := &QAReport{Items: len(items), Threshold: c.threshold()}
	if len(items) == 0 {
		return rep, nil
	}
	var right, hall int
	for i, it := range items {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		for _, h := range []bool{false, true} {
			ans := it.RightAnswer
			if h {
				ans = it.HallucinatedAnswer
			}
			s, why := c.SupportedAnswer(ctx, it.Question, ans, it.Knowledge)
			j := QAJudgement{Item: i, Hallucinated: h, Answer: ans, Score: s, Supported: s >= rep.Threshold, Reason: why}
			j.Correct = j.Supported != h
			if j.Correct && h {
				hall++
			} else if j.Correct {
				right++
			}
			rep.Judgements = append(rep.Judgements, j)
		}
	}
	rep.RightAccuracy = float64(right) / float64(len(items))
	rep.HallucinatedAccuracy = float64(hall) / float64(len(items))
	rep.BalancedAccuracy = (rep.RightAccuracy + rep.HallucinatedAccuracy) / 2
	return rep, nil
}
