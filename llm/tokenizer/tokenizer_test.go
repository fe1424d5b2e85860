package tokenizer

import (
	"math/rand"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

func TestSpecialTokensAndFlags(t *testing.T) {
	spm, _ := loadVocab(t, "llama-spm")
	if spm.Kind() != KindSPM || spm.VocabSize() != 32000 {
		t.Fatalf("llama-spm: kind %s size %d", spm.Kind(), spm.VocabSize())
	}
	if spm.BOS() != 1 || spm.EOS() != 2 || !spm.AddBOS() || spm.AddEOS() {
		t.Errorf("llama-spm: bos %d eos %d add_bos %v add_eos %v", spm.BOS(), spm.EOS(), spm.AddBOS(), spm.AddEOS())
	}
	if got := spm.Encode("Hello world", EncodeOptions{AddSpecial: true}); fmtIDs(got) != "1 15043 3186" {
		t.Errorf("spm with BOS: %v", got)
	}
	if got := spm.Encode("", EncodeOptions{AddSpecial: true}); fmtIDs(got) != "1" {
		t.Errorf("spm empty with BOS: %v", got)
	}
	// parse_special: "<s>" is a control token only when asked
	if got := spm.Encode("<s>Hi", EncodeOptions{ParseSpecial: true}); got[0] != 1 {
		t.Errorf("spm parse special: %v", got)
	}
	if got := spm.Encode("<s>Hi", EncodeOptions{}); got[0] == 1 {
		t.Errorf("spm without parse special produced BOS: %v", got)
	}
	if id, ok := spm.TokenID("<s>"); !ok || id != 1 {
		t.Errorf("TokenID(<s>) = %d %v", id, ok)
	}
	if !spm.IsEOG(2) || spm.IsEOG(1) || spm.IsEOG(None) {
		t.Errorf("spm IsEOG wrong")
	}
	if p := string(spm.Piece(15043)); p != " Hello" {
		t.Errorf("piece 15043 = %q", p)
	}
	if p := string(spm.Piece(13)); p != "\n" { // <0x0A>
		t.Errorf("piece <0x0A> = %q", p)
	}
	if p := spm.Piece(1); len(p) != 0 {
		t.Errorf("control piece = %q", p)
	}
	if p := string(spm.PieceSpecial(1)); p != "<s>" {
		t.Errorf("special piece = %q", p)
	}
	if p := spm.Piece(-1); p != nil {
		t.Errorf("out of range piece = %q", p)
	}
	if p := spm.Piece(1 << 30); p != nil {
		t.Errorf("out of range piece = %q", p)
	}

	bert, _ := loadVocab(t, "bert-bge")
	if got := bert.Encode("Hello world", EncodeOptions{AddSpecial: true}); fmtIDs(got) != "101 7592 2088 102" {
		t.Errorf("bert with CLS/SEP: %v", got)
	}
	if got := bert.Encode("[CLS] hi [SEP]", EncodeOptions{ParseSpecial: true}); got[0] != 101 || got[len(got)-1] != 102 {
		t.Errorf("bert parse special: %v", got)
	}

	gpt2, _ := loadVocab(t, "gpt-2")
	if gpt2.Kind() != KindBPE || gpt2.Pre() != "gpt-2" {
		t.Errorf("gpt-2: kind %s pre %s", gpt2.Kind(), gpt2.Pre())
	}
	if !gpt2.IsEOG(50256) || gpt2.EOT() != 50256 {
		t.Errorf("gpt-2: <|endoftext|> should be EOT/EOG (eot %d)", gpt2.EOT())
	}
	if p := string(gpt2.Piece(995)); p != " world" {
		t.Errorf("gpt-2 piece 995 = %q", p)
	}
	if got := gpt2.Encode("a<|endoftext|>b", EncodeOptions{ParseSpecial: true}); fmtIDs(got) != "64 50256 65" {
		t.Errorf("gpt-2 parse special: %v", got)
	}

	l3, _ := loadVocabIfPresent(t, "llama-bpe")
	if l3 != nil {
		if got := l3.Encode("Hello world", EncodeOptions{AddSpecial: true}); fmtIDs(got) != "128000 9906 1917" {
			t.Errorf("llama-bpe with BOS: %v", got)
		}
		if !l3.IsEOG(128009) || l3.EOT() != 128009 {
			t.Errorf("llama-bpe: <|eot_id|> should be EOT (eot %d)", l3.EOT())
		}
		if !l3.IsControl(128009) {
			t.Errorf("llama-bpe: <|eot_id|> should be control")
		}
	}
}

func loadVocabIfPresent(t *testing.T, name string) (*Tokenizer, string) {
	if vocabPath(name) == "" {
		return nil, ""
	}
	return loadVocab(t, name)
}

// roundTrip checks decode(encode(x)) == x for tokenizers that are lossless
// on valid UTF-8 (byte-level BPE; SentencePiece with byte fallback, for text
// without U+2581, which it decodes to a space).
func roundTrip(t testing.TB, tok *Tokenizer, text string) {
	if !utf8.ValidString(text) {
		return
	}
	if tok.Kind() == KindSPM && strings.Contains(text, spaceMarker) {
		return
	}
	ids := tok.Encode(text, EncodeOptions{})
	if got := tok.DecodeWith(ids, DecodeOptions{Special: true}); got != text {
		t.Errorf("%s round trip of %q: got %q (ids %v)", tok.Kind(), text, got, ids)
	}
}

func TestRoundTrip(t *testing.T) {
	texts := []string{"", " ", "Hello world", "  leading and trailing  ", "\n\n\t x", "日本語 テキスト",
		"emoji 👍🏽👨‍👩‍👧", "<s>literal</s>", "<|endoftext|>", "a'b 'S 're", "\u00a0\u3000\u2028", "1234567890"}
	for _, name := range []string{"llama-spm", "gpt-2", "llama-bpe", "qwen2"} {
		tok, _ := loadVocabIfPresent(t, name)
		if tok == nil {
			continue
		}
		for _, s := range texts {
			roundTrip(t, tok, s)
		}
		for _, s := range refTexts(t) {
			roundTrip(t, tok, s)
		}
	}
}

func TestDecodeOptions(t *testing.T) {
	spm, _ := loadVocab(t, "llama-spm")
	ids := spm.Encode("Hello", EncodeOptions{AddSpecial: true})
	if got := spm.Decode(ids); got != " Hello" { // llama.cpp keeps the space after BOS
		t.Errorf("Decode = %q", got)
	}
	if got := spm.DecodeWith(ids, DecodeOptions{RemoveSpecial: true}); got != " Hello" {
		t.Errorf("Decode remove special = %q", got)
	}
	if got := spm.DecodeWith(ids, DecodeOptions{Special: true}); got != "<s> Hello" {
		t.Errorf("Decode special = %q", got)
	}
	if got := spm.Decode(spm.Encode("Hello", EncodeOptions{})); got != "Hello" {
		t.Errorf("Decode without BOS = %q", got)
	}
	if got := spm.Decode([]int32{-5, 1 << 29, 15043}); got != "Hello" {
		t.Errorf("Decode with bad ids = %q", got)
	}
	gpt2, _ := loadVocab(t, "gpt-2")
	ids = gpt2.Encode("Hello , world ! it 's ' quoted '", EncodeOptions{})
	if got := gpt2.DecodeWith(ids, DecodeOptions{CleanSpaces: true}); got != "Hello, world! it's'quoted '" {
		t.Errorf("clean spaces = %q", got)
	}
}

func TestCleanSpaces(t *testing.T) {
	for in, want := range map[string]string{
		"":                  "",
		"a .":               "a.",
		"a , b ! c ?":       "a, b! c?",
		"x ' y":             "x'y",
		"x ' ' y":           "x'' y",
		"he 's 'm 're 've":  "he's'm're've",
		"do 't 'd 'll":      "do 't 'd 'll",
		" 'x":               " 'x",
		"a ' ":              "a'",
		"end '":             "end '",
		"  .":               " .",
		"hello world . end": "hello world. end",
	} {
		if got := string(cleanSpaces([]byte(in))); got != want {
			t.Errorf("cleanSpaces(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSPMSegmentation checks that segment-wise SentencePiece (used when no
// token has U+2581 inside) gives what the whole-text merge gives.
func TestSPMSegmentation(t *testing.T) {
	tok, _ := loadVocab(t, "llama-spm")
	if !tok.spmSplit {
		t.Fatal("llama-spm should be splittable")
	}
	whole := *tok
	whole.spmSplit = false
	whole.cache = newWordCache()
	texts := refTexts(t)
	texts = append(texts, benchText()[:20000])
	for _, s := range texts {
		a := tok.Encode(s, EncodeOptions{})
		b := whole.Encode(s, EncodeOptions{})
		if !equalIDs(a, b) {
			t.Errorf("segmented %v\nwhole     %v\nfor %q", a, b, s)
		}
	}
}

func TestConcurrentEncode(t *testing.T) {
	toks := []*Tokenizer{}
	for _, n := range []string{"llama-spm", "gpt-2", "bert-bge"} {
		tok, _ := loadVocab(t, n)
		toks = append(toks, tok)
	}
	text := benchText()[:50000]
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for _, tok := range toks {
				want := tok.Encode(text, EncodeOptions{})
				got := tok.Encode(text, EncodeOptions{})
				if !equalIDs(want, got) {
					t.Errorf("goroutine %d: %s encode not deterministic", g, tok.Kind())
				}
			}
		}(g)
	}
	wg.Wait()
}

func TestNewErrors(t *testing.T) {
	if _, err := New(nil); err == nil {
		t.Error("nil vocab accepted")
	}
	v := DefaultVocab(KindSPM, "")
	if _, err := New(&v); err == nil {
		t.Error("empty vocab accepted")
	}
	v.Tokens = []string{"a", "b"}
	v.Scores = []float32{0}
	if _, err := New(&v); err == nil {
		t.Error("score count mismatch accepted")
	}
	v.Scores = nil
	v.Types = []TokenType{1}
	if _, err := New(&v); err == nil {
		t.Error("type count mismatch accepted")
	}
	v.Types = nil
	v.Model = "t5"
	if _, err := New(&v); err == nil {
		t.Error("unsupported model accepted")
	}
	b := DefaultVocab(KindBPE, "no-such-pre")
	b.Tokens = []string{"a"}
	if _, err := New(&b); err == nil {
		t.Error("unknown pre-tokenizer accepted")
	}
}

// TestTinyVocabs builds vocabularies by hand: defaults that do not fit
// (BOS 11 in a 3-token BPE vocabulary), missing byte tokens, empty tokens.
func TestTinyVocabs(t *testing.T) {
	b := DefaultVocab(KindBPE, "gpt-2")
	b.Tokens = []string{"a", "b", "ab", ""}
	b.Merges = []string{"a b", "bad", "x y z", " "}
	tok, err := New(&b)
	if err != nil {
		t.Fatal(err)
	}
	if tok.BOS() != None {
		t.Errorf("out-of-range default BOS kept: %d", tok.BOS())
	}
	if got := tok.Encode("ab abc", EncodeOptions{AddSpecial: true}); fmtIDs(got) != "2 2" {
		t.Errorf("tiny bpe: %v", got)
	}
	if tok.TokenText(3) != "[EMPTY_3]" {
		t.Errorf("empty token text = %q", tok.TokenText(3))
	}

	s := DefaultVocab(KindSPM, "")
	s.Tokens = []string{"<unk>", "\u2581a", "a"}
	s.Scores = []float32{0, -1, -2}
	s.Types = []TokenType{TypeUnknown, TypeNormal, TypeNormal}
	tok, err = New(&s)
	if err != nil {
		t.Fatal(err)
	}
	if got := tok.Encode("a zz", EncodeOptions{AddSpecial: true}); fmtIDs(got) != "1 1 0 0 0 0 0" { // BOS 1 is "▁a" here; "▁zz" has no byte tokens
		t.Errorf("tiny spm: %v", got)
	}

	w := DefaultVocab(KindWPM, "")
	w.Tokens = []string{"[UNK]", "\u2581hi", "x"}
	w.Special.UNK = 0
	tok, err = New(&w)
	if err != nil {
		t.Fatal(err)
	}
	if got := tok.Encode("Hi hix zz", EncodeOptions{AddSpecial: true}); fmtIDs(got) != "1 1 2 0" {
		t.Errorf("tiny wpm: %v", got)
	}
}

// TestRandomBytes feeds arbitrary bytes to every tokenizer: no panics, ids
// in range.
func TestRandomBytes(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	var toks []*Tokenizer
	for _, n := range vocabNames {
		if tok, _ := loadVocabIfPresent(t, n); tok != nil {
			toks = append(toks, tok)
		}
	}
	for i := 0; i < 300; i++ {
		b := make([]byte, r.Intn(64))
		for j := range b {
			b[j] = byte(r.Intn(256))
		}
		for _, tok := range toks {
			for _, o := range []EncodeOptions{{}, {AddSpecial: true, ParseSpecial: true}} {
				ids := tok.Encode(string(b), o)
				for _, id := range ids {
					if id < 0 || int(id) >= tok.VocabSize() {
						t.Fatalf("%s: id %d out of range for %q", tok.Kind(), id, b)
					}
				}
				_ = tok.Decode(ids)
			}
		}
	}
}

func TestStream(t *testing.T) {
	for _, name := range []string{"llama-spm", "gpt-2"} {
		tok, _ := loadVocab(t, name)
		text := "naïve 日本語 👍🏽 <s> end"
		ids := tok.Encode(text, EncodeOptions{})
		s := tok.NewStream()
		var got strings.Builder
		for _, id := range ids {
			part := s.Add(id)
			if !utf8.ValidString(part) {
				t.Errorf("%s: stream emitted invalid UTF-8 %q", name, part)
			}
			got.WriteString(part)
		}
		got.WriteString(s.Flush())
		want := tok.Decode(ids)
		if tok.Kind() == KindSPM {
			want = " " + want // the stream keeps the space prefix
		}
		if got.String() != want {
			t.Errorf("%s: stream %q, decode %q", name, got.String(), want)
		}
	}
	if n := completePrefix([]byte("a\xe6\x97")); n != 1 {
		t.Errorf("completePrefix incomplete = %d", n)
	}
	if n := completePrefix([]byte("a\xe6(")); n != 3 {
		t.Errorf("completePrefix invalid = %d", n)
	}
	if n := completePrefix([]byte("\xf0\x9f\x91")); n != 0 {
		t.Errorf("completePrefix 4-byte = %d", n)
	}
}
