package tokenizer

import (
	"strings"
	"testing"
)

// Fuzz targets: no panics, ids in range, and decode(encode(x)) == x where
// the tokenizer is lossless (byte-level BPE on valid UTF-8; SentencePiece
// with byte fallback on valid UTF-8 without U+2581). Run for example
//
//	go test ./llm/tokenizer -run XXX -fuzz FuzzBPE -fuzztime 60s

func fuzzSeeds(f *testing.F) {
	for _, s := range refTexts(f) {
		f.Add(s, uint8(0))
	}
	f.Add("<s>x</s><|endoftext|>[CLS]", uint8(3))
	f.Add("\xff\xfe\xc3(\xe2\x96", uint8(1))
}

func fuzzEncode(f *testing.F, name string) {
	tok, _ := loadVocab(f, name)
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, text string, flags uint8) {
		opts := EncodeOptions{AddSpecial: flags&1 != 0, ParseSpecial: flags&2 != 0}
		ids := tok.Encode(text, opts)
		for _, id := range ids {
			if id < 0 || int(id) >= tok.VocabSize() {
				t.Fatalf("id %d out of range", id)
			}
		}
		_ = tok.DecodeWith(ids, DecodeOptions{Special: flags&4 != 0, CleanSpaces: flags&8 != 0, RemoveSpecial: flags&16 != 0})
		for _, id := range ids {
			_ = tok.Piece(id)
		}
		if tok.Kind() != KindWPM {
			roundTrip(t, tok, text)
		}
	})
}

func FuzzSPM(f *testing.F)       { fuzzEncode(f, "llama-spm") }
func FuzzBPE(f *testing.F)       { fuzzEncode(f, "gpt-2") }
func FuzzWordPiece(f *testing.F) { fuzzEncode(f, "bert-bge") }

// FuzzPreTokenizers checks every pre-tokenizer's scanners: the pieces are
// non-empty, in order, and cover the text exactly.
func FuzzPreTokenizers(f *testing.F) {
	fuzzSeeds(f)
	names := map[preType]string{}
	for name, info := range preInfos {
		if old, ok := names[info.typ]; !ok || name < old {
			names[info.typ] = name
		}
	}
	var pts []*preTokenizer
	for _, name := range names {
		pt, err := newPreTokenizer(name)
		if err != nil {
			f.Fatal(err)
		}
		pts = append(pts, pt)
	}
	f.Fuzz(func(t *testing.T, text string, _ uint8) {
		var p ptText
		norm, offs := decodeText(text, &p, nil)
		for _, pt := range pts {
			spans, _ := pt.split(&p, nil, nil)
			var b strings.Builder
			prev := int32(0)
			for _, sp := range spans {
				if sp.s != prev || sp.e <= sp.s {
					t.Fatalf("bad span %v after %d in %q", sp, prev, text)
				}
				prev = sp.e
				b.WriteString(norm[offs[sp.s]:offs[sp.e]])
			}
			if int(prev) != len(p.cps) || b.String() != norm {
				t.Fatalf("pieces do not cover %q", text)
			}
		}
	})
}

// FuzzVocab builds small vocabularies from fuzz data (tokens and merges
// separated by NUL) and tokenizes with them: no panics on odd vocabularies.
func FuzzVocab(f *testing.F) {
	f.Add("a\x00b\x00ab\x00<0x41>\x00\u2581a", "a b\x00b a", "ab ba a", uint8(0))
	f.Add("[UNK]\x00\u2581hi\x00x", "", "hi hix", uint8(2))
	f.Add("<|x|>\x00a\x00b", "a b", "a<|x|>b", uint8(1))
	f.Fuzz(func(t *testing.T, toks, merges, text string, kind uint8) {
		var v Vocab
		switch kind % 3 {
		case 0:
			v = DefaultVocab(KindBPE, []string{"gpt-2", "llama-bpe", "qwen2", "default", "falcon", "deepseek-llm"}[int(kind/3)%6])
		case 1:
			v = DefaultVocab(KindSPM, "")
		default:
			v = DefaultVocab(KindWPM, "")
		}
		v.Tokens = strings.Split(toks, "\x00")
		if len(v.Tokens) > 64 {
			v.Tokens = v.Tokens[:64]
		}
		v.Merges = strings.Split(merges, "\x00")
		v.Scores = make([]float32, len(v.Tokens))
		v.Types = make([]TokenType, len(v.Tokens))
		for i := range v.Tokens {
			v.Scores[i] = float32(-i)
			v.Types[i] = TokenType(i % 8)
		}
		v.Special.UNK = int32(kind%5) - 1
		tok, err := New(&v)
		if err != nil {
			return
		}
		for _, o := range []EncodeOptions{{}, {AddSpecial: true, ParseSpecial: true}} {
			ids := tok.Encode(text, o)
			for _, id := range ids {
				if id < 0 || int(id) >= tok.VocabSize() {
					t.Fatalf("id %d out of range", id)
				}
			}
			_ = tok.DecodeWith(ids, DecodeOptions{Special: true, CleanSpaces: true})
		}
	})
}
