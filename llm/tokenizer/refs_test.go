package tokenizer

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/docent-dev/docent/llm/gguf"
)

// refVariant is a test vocabulary, optionally with tokenizer.ggml.pre
// replaced, so that every pre-tokenizer is checked against llama.cpp on a
// vocabulary the repo carries.
type refVariant struct {
	Name string `json:"name"`
	Base string `json:"base"`
	Pre  string `json:"pre,omitempty"` // "" keeps the file's own
}

func refVariants() []refVariant {
	vs := []refVariant{
		{Name: "llama-spm", Base: "llama-spm"},
		{Name: "bert-bge", Base: "bert-bge"},
		{Name: "gpt-2", Base: "gpt-2"},
		{Name: "llama-bpe", Base: "llama-bpe"},
		{Name: "qwen2", Base: "qwen2"},
	}
	for _, pre := range []string{"default", "mpt", "starcoder", "refact", "falcon", "deepseek-llm",
		"deepseek-coder", "qwen2", "llama-bpe", "command-r", "smollm", "bloom", "viking", "olmo", "dbrx",
		"megrez", "stablelm2", "glm4", "laguna", "grok-2", "poro-chat", "roberta-bpe", "",
		"qwen35", "tekken", "gpt-4o", "deepseek-v3"} {
		name := pre
		if pre == "" {
			name, pre = "none", "\x00" // written without tokenizer.ggml.pre
		}
		vs = append(vs, refVariant{Name: "gpt-2@" + name, Base: "gpt-2", Pre: pre})
	}
	return vs
}

// refTexts are the llama.cpp test strings plus hand-picked and random
// strings that exercise Unicode categories, whitespace rules and special
// tokens.
func refTexts(tb testing.TB) []string {
	p := vocabPath("gpt-2")
	var texts []string
	if p != "" {
		for _, c := range readCases(tb, p) {
			texts = append(texts, c.text)
		}
	}
	texts = append(texts,
		"Hello <|endoftext|> world<|endoftext|>",
		"<s>Hello</s> [CLS] x [SEP] [MASK] [UNK] <unk> [PAD]",
		"<|begin_of_text|>Hi<|eot_id|> <|start_header_id|>user<|end_header_id|>\n\nhello",
		"<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n",
		"Ελληνικά κείμενο ΆΈΊ ώ ᾳ",
		"Հայերեն բառ Ա ա",
		"ｆｕｌｌｗｉｄｔｈ ＡＢＣ！？：～",
		"日本語のテキスト、カタカナ。한국어 텍스트 ㄱㄴ",
		"٣٤٥ Ⅻ ²³ ½ ① ٠١٢٣٤٥٦٧٨٩ ۱۲۳",
		"naïve café résumé Ångström Øre",
		"e\u0301 combining a\u0300\u0301 \u0654",
		"\u00a0nbsp\u00a0 \u3000ideo\u3000 \u2028line\u2029 \u2009thin",
		"tab\tsep\ttab\t\t",
		"CRLF\r\nline\r\n\r\n  \r\n x \r \n",
		"trailing   ",
		"   leading",
		"$100 + 200 = <300> ^ ~ | ` @#%",
		"I'M YOU'RE we'LL 'S 'T 'Ve it's 'd 'D",
		"a1b22c333d4444 12345678901 1,234.56",
		"x...y---z___ !!?? ...",
		"emoji 👍🏽 👨‍👩‍👧 🇺🇸 ✅",
		"mixed中文English混合123",
		"\u0085nel\u200bzwsp\u00adshy\ufeffbom",
		"ctl\u0001\u0002\u007f end",
		"ǅungla ǈ Ǉ ſ ß ẞ K Ω ℌ ℍ ℎ ℏ",
		"Привет, мир! Ёж",
		"עברית العربية ١٢٣",
		"हिन्दी। नमस्ते",
		"…。，、।۔،",
		"(a|b) [c] {d}",
		"ÀÖØöøƺ µ Ɋ",
		"def f(x):\n    return x**2  # comment\n\n\tif x != 0:\n\t\tprint(f'{x}')\n",
		"  \n\n  \t \n",
		"\n",
		" ",
		"'",
		"' '",
		"a ' b",
		"don't ' s",
	)
	// random strings over a mixed alphabet, fixed seed
	alphabet := []rune("aAzZ09 \t\n\r'.,!?-_$+<=>^~|`@#%&*()[]{}\"/\\:;" +
		"éÀßſΩωЖжא١٣٥Ⅻⅻ²½中文字한국ㄱカタ\u0301\u0300\u00a0\u3000\u2009\u200b\u200d\ufeff\ue000€±–«»…。，！０Ａａ👍🏽🇺\U0001F600")
	// DOCENT_TOKENIZER_REFGEN_RANDOM=N,SEED,MAXLEN makes a larger differential
	// set (with DOCENT_TOKENIZER_REFS pointing TestLlamaCppRefs at its result).
	count, seed, maxLen := 120, int64(1), 40
	if s := os.Getenv("DOCENT_TOKENIZER_REFGEN_RANDOM"); s != "" {
		if _, err := fmt.Sscanf(s, "%d,%d,%d", &count, &seed, &maxLen); err != nil {
			tb.Fatalf("DOCENT_TOKENIZER_REFGEN_RANDOM=%q: %v", s, err)
		}
	}
	r := rand.New(rand.NewSource(seed))
	for i := 0; i < count; i++ {
		n := 1 + r.Intn(maxLen)
		var b strings.Builder
		for j := 0; j < n; j++ {
			b.WriteRune(alphabet[r.Intn(len(alphabet))])
		}
		texts = append(texts, b.String())
	}
	return texts
}

// preOverride reports a replaced tokenizer.ggml.pre.
type preOverride struct {
	*gguf.File
	pre string
}

func (o preOverride) String(key string) (string, bool) {
	if key == KeyPre && o.pre == "\x00" {
		return "", false
	}
	if key == KeyPre && o.pre != "" {
		return o.pre, true
	}
	return o.File.String(key)
}

type refsFile struct {
	Generator string   `json:"generator"`
	Texts     []string `json:"texts"`
	Variants  []struct {
		refVariant
		Plain   []string `json:"plain"`   // ids per text, parse_special=false
		Special []string `json:"special"` // ids per text, parse_special=true
		Detok   []string `json:"detok"`   // llama_detokenize(plain ids, special=false)
	} `json:"variants"`
}

const refsPath = "../../testdata/vocab/refs.json.gz"

// TestLlamaCppRefs compares Encode and DecodeWith against llama.cpp's own
// results (testdata/vocab/refs.json, made by gen-refs.mjs) on every
// pre-tokenizer and on special-token parsing.
func TestLlamaCppRefs(t *testing.T) {
	path := refsPath
	if p := os.Getenv("DOCENT_TOKENIZER_REFS"); p != "" {
		path = p
	}
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("no %s: %v", path, err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var refs refsFile
	if err := json.NewDecoder(zr).Decode(&refs); err != nil {
		t.Fatal(err)
	}
	for _, v := range refs.Variants {
		t.Run(v.Name, func(t *testing.T) {
			p := vocabPath(v.Base)
			if p == "" {
				t.Skipf("vocab %s absent (large vocabularies come from ../shared)", v.Base)
			}
			f, err := gguf.Open(p)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			tok, err := FromMetadata(preOverride{f, v.Pre})
			if err != nil {
				t.Fatal(err)
			}
			bad := 0
			for i, text := range refs.Texts {
				for _, m := range []struct {
					want  []string
					parse bool
				}{{v.Plain, false}, {v.Special, true}} {
					if i >= len(m.want) {
						continue
					}
					want := m.want[i]
					if want == "=" {
						want = v.Plain[i]
					}
					got := fmtIDs(tok.Encode(text, EncodeOptions{ParseSpecial: m.parse}))
					if got != want {
						bad++
						if bad <= 10 {
							t.Errorf("text %d %q parse_special=%v:\n got  %s\n want %s", i, text, m.parse, got, want)
						}
					}
				}
				if i < len(v.Detok) && i < len(v.Plain) {
					want := v.Detok[i]
					if want == "=" {
						want = text
					}
					if strings.ContainsRune(want, utf8.RuneError) {
						continue // the JS string lost bytes of a split UTF-8 sequence
					}
					ids := parseIDs(t, v.Plain[i])
					got := tok.DecodeWith(ids, DecodeOptions{CleanSpaces: true})
					if got != want {
						bad++
						if bad <= 10 {
							t.Errorf("detokenize text %d %q:\n got  %q\n want %q", i, text, got, want)
						}
					}
				}
			}
			if bad > 0 {
				t.Errorf("%s: %d mismatches", v.Name, bad)
			}
		})
	}
}

func parseIDs(tb testing.TB, s string) []int32 {
	var ids []int32
	for _, f := range strings.Fields(s) {
		x, err := strconv.ParseInt(f, 10, 32)
		if err != nil {
			tb.Fatal(err)
		}
		ids = append(ids, int32(x))
	}
	return ids
}
