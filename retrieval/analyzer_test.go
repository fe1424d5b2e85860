package retrieval

import (
	"math"
	"reflect"
	"testing"
)

func TestAnalyze(t *testing.T) {
	got := Analyze("The Running dogs don't like 3.5 kg of Café-au-lait, e.g. in Zürich!")
	want := []string{"run", "dog", "don't", "like", "3.5", "kg", "café", "au", "lait", "e", "g", "zürich"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Analyze = %q, want %q", got, want)
	}
	if s := AnalyzeString("Maintenance intervals"); s != "mainten interv" {
		t.Fatalf("AnalyzeString = %q", s)
	}
}

func TestFuseRRF(t *testing.T) {
	h := func(id string) Hit { return Hit{Chunk: Chunk{ID: id}} }
	fused := FuseRRF(DefaultRRFK, []Hit{h("a"), h("b")}, []Hit{h("b"), h("c")})
	if len(fused) != 3 || fused[0].Chunk.ID != "b" {
		t.Fatalf("fused = %+v", fused)
	}
	// Qdrant's formula: 1/(rank0+2) per list.
	if want := 1.0/3 + 1.0/2; math.Abs(fused[0].Score-want) > 1e-12 {
		t.Fatalf("b score = %v, want %v", fused[0].Score, want)
	}
}

func FuzzAnalyze(f *testing.F) {
	f.Add("Hello, wörld 3.14 don't")
	f.Fuzz(func(t *testing.T, s string) {
		for _, term := range Analyze(s) {
			if term == "" {
				t.Fatal("empty term")
			}
		}
	})
}
