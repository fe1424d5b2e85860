package grammar

import "testing"

func TestSmoke(t *testing.T) {
	g, err := Compile([]byte(`{"type":"object","properties":{"q":{"type":"string","maxLength":5},"k":{"type":"integer","minimum":1,"maximum":50},"d":{"type":"string","format":"date"}},"required":["q"]}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`{"q":"abc"}`, `{"q": "ab", "k": 7}`, `{"q":"a","k":50,"d":"2024-02-29"}`, `{"q":"a","d":"2023-02-28"}`} {
		st, ok := g.Start().AdvanceBytes([]byte(s))
		if !ok || !st.Complete() {
			t.Errorf("%s: ok=%v complete=%v", s, ok, st.Complete())
		}
	}
	for _, s := range []string{`{"q":"abcdef"}`, `{"k":7}`, `{"q":"a","k":51}`, `{"q":"a","k":0}`, `{"q":"a","d":"2023-02-29"}`, `{"q":"a"} `} {
		st, ok := g.Start().AdvanceBytes([]byte(s))
		if ok && st.Complete() {
			t.Errorf("%s accepted", s)
		}
	}
}
