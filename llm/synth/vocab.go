package synth

import (
	"fmt"
	"strings"

	"github.com/docent-dev/docent/llm/gguf"
)

// Token types, as in llama.cpp's llama_token_type.
const (
	tokNormal  = 1
	tokControl = 3
)

// byteToUnicode is GPT-2's reversible byte -> printable rune mapping used by
// byte-level BPE vocabularies: printable Latin-1 bytes map to themselves,
// the others to U+0100 and up, in byte order.
func byteToUnicode() [256]rune {
	var m [256]rune
	n := 0
	for b := 0; b < 256; b++ {
		if ('!' <= b && b <= '~') || (0xA1 <= b && b <= 0xAC) || (0xAE <= b && b <= 0xFF) {
			m[b] = rune(b)
		} else {
			m[b] = rune(256 + n)
			n++
		}
	}
	return m
}

// tokenizerKV builds self-contained tokenizer metadata of exactly vocab
// tokens for the preset's tokenizer flavour.
func tokenizerKV(flavour string, vocab int) ([]gguf.KeyValue, error) {
	switch flavour {
	case "bert":
		return wordPieceKV(vocab)
	case "gpt2", "qwen2", "llama3":
		return byteBPEKV(flavour, vocab)
	}
	return nil, fmt.Errorf("synth: unknown tokenizer flavour %q", flavour)
}

// byteBPEKV makes a byte-level BPE vocabulary ("gpt2" in llama.cpp): the 256
// byte tokens, merges built level by level from lowercase letters ("Ġ a",
// "a b", "Ġa b", "ab c", ...), and the flavour's special tokens at the end.
func byteBPEKV(flavour string, vocab int) ([]gguf.KeyValue, error) {
	var specials []string
	var bos, eos int
	pre, addBOS := "gpt-2", false
	template := chatMLTemplate
	switch flavour {
	case "gpt2":
		specials = []string{"<|endoftext|>", "<|im_start|>", "<|im_end|>"}
	case "qwen2":
		specials = []string{"<|endoftext|>", "<|im_start|>", "<|im_end|>"}
		pre = "qwen2"
	case "llama3":
		specials = []string{"<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"}
		pre, addBOS, template = "llama-bpe", true, llama3Template
	}
	if vocab < 256+len(specials) {
		return nil, fmt.Errorf("synth: vocabulary of %d is too small for a byte-level BPE (need %d)", vocab, 256+len(specials))
	}
	b2u := byteToUnicode()
	tokens := make([]string, 0, vocab)
	seen := make(map[string]bool, vocab)
	for b := 0; b < 256; b++ {
		s := string(b2u[b])
		tokens = append(tokens, s)
		seen[s] = true
	}
	nMerges := vocab - 256 - len(specials)
	merges := make([]string, 0, nMerges)
	add := func(a, b string) bool {
		if len(merges) >= nMerges {
			return false
		}
		if seen[a+b] {
			return true
		}
		seen[a+b] = true
		tokens = append(tokens, a+b)
		merges = append(merges, a+" "+b)
		return true
	}
	space := string(b2u[' '])
	letters := make([]string, 26)
	upper := make([]string, 26)
	for i := range letters {
		letters[i] = string(rune('a' + i))
		upper[i] = string(rune('A' + i))
	}
	// Level 1: space+letter, letter pairs, space+capital.
	for _, l := range letters {
		add(space, l)
	}
	for _, a := range letters {
		for _, b := range letters {
			add(a, b)
		}
	}
	for _, l := range upper {
		add(space, l)
	}
	// Then grow words one letter at a time, with and without the leading
	// space, until the vocabulary is full.
	prevBare := make([]string, 0, 676)
	for _, a := range letters {
		for _, b := range letters {
			prevBare = append(prevBare, a+b)
		}
	}
	prevSpace := make([]string, 0, 26)
	for _, l := range letters {
		prevSpace = append(prevSpace, space+l)
	}
	for len(merges) < nMerges {
		var nextSpace, nextBare []string
		for _, p := range prevSpace {
			for _, l := range letters {
				if !add(p, l) {
					break
				}
				nextSpace = append(nextSpace, p+l)
			}
		}
		for _, p := range prevBare {
			for _, l := range letters {
				if !add(p, l) {
					break
				}
				nextBare = append(nextBare, p+l)
			}
		}
		prevSpace, prevBare = nextSpace, nextBare
	}
	types := make([]int32, 0, vocab)
	for range tokens {
		types = append(types, tokNormal)
	}
	first := len(tokens)
	for _, s := range specials {
		tokens = append(tokens, s)
		types = append(types, tokControl)
	}
	bos, eos = first, first
	if flavour == "llama3" {
		eos = first + 1
	}
	if len(tokens) != vocab {
		return nil, fmt.Errorf("synth: internal error: built %d tokens, want %d", len(tokens), vocab)
	}
	return []gguf.KeyValue{
		{Key: "tokenizer.ggml.model", Value: gguf.StringValue("gpt2")},
		{Key: "tokenizer.ggml.pre", Value: gguf.StringValue(pre)},
		{Key: "tokenizer.ggml.tokens", Value: gguf.MustArray(tokens)},
		{Key: "tokenizer.ggml.token_type", Value: gguf.MustArray(types)},
		{Key: "tokenizer.ggml.merges", Value: gguf.MustArray(merges)},
		{Key: "tokenizer.ggml.bos_token_id", Value: gguf.Uint32Value(uint32(bos))},
		{Key: "tokenizer.ggml.eos_token_id", Value: gguf.Uint32Value(uint32(eos))},
		{Key: "tokenizer.ggml.padding_token_id", Value: gguf.Uint32Value(uint32(eos))},
		{Key: "tokenizer.ggml.add_bos_token", Value: gguf.BoolValue(addBOS)},
		{Key: "tokenizer.chat_template", Value: gguf.StringValue(template)},
	}, nil
}

const chatMLTemplate = `{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}`

const llama3Template = `{{ bos_token }}{% for message in messages %}{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n' + message['content'] | trim + '<|eot_id|>' }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}`

// wordPieceKV makes an uncased WordPiece vocabulary ("bert" in llama.cpp)
// laid out like bert-base-uncased: [PAD], [unused0..98], [UNK]=100,
// [CLS]=101, [SEP]=102, [MASK]=103, then single characters and letter
// n-grams, each as a word start and as a continuation, until full. As in
// llama.cpp's converted BERT vocabularies, word-start pieces carry the "▁"
// (U+2581) prefix and continuation pieces are bare (HF's "##" removed).
func wordPieceKV(vocab int) ([]gguf.KeyValue, error) {
	if vocab < 1000 {
		return nil, fmt.Errorf("synth: vocabulary of %d is too small for the generated WordPiece vocabulary (need 1000)", vocab)
	}
	tokens := make([]string, 0, vocab)
	types := make([]int32, 0, vocab)
	seen := make(map[string]bool, vocab)
	add := func(s string, typ int32) bool {
		if len(tokens) >= vocab {
			return false
		}
		if seen[s] {
			return true
		}
		seen[s] = true
		tokens = append(tokens, s)
		types = append(types, typ)
		return true
	}
	add("[PAD]", tokControl)
	for i := 0; i < 99; i++ {
		add(fmt.Sprintf("[unused%d]", i), tokNormal)
	}
	add("[UNK]", tokControl)
	add("[CLS]", tokControl)
	add("[SEP]", tokControl)
	add("[MASK]", tokControl)
	var chars []string
	for c := '!'; c <= '~'; c++ {
		if c >= 'A' && c <= 'Z' {
			continue
		}
		chars = append(chars, string(c))
	}
	const wordStart = "\u2581"
	for _, c := range chars {
		add(wordStart+c, tokNormal)
	}
	for _, c := range chars {
		add(c, tokNormal)
	}
	letters := chars[strings.Index(strings.Join(chars, ""), "a"):]
	letters = letters[:26]
	prev := letters
	for len(tokens) < vocab {
		var next []string
		for _, p := range prev {
			for _, l := range letters {
				if !add(wordStart+p+l, tokNormal) || !add(p+l, tokNormal) {
					break
				}
				next = append(next, p+l)
			}
		}
		prev = next
	}
	return []gguf.KeyValue{
		{Key: "tokenizer.ggml.token_type_count", Value: gguf.Uint32Value(2)},
		{Key: "tokenizer.ggml.model", Value: gguf.StringValue("bert")},
		{Key: "tokenizer.ggml.pre", Value: gguf.StringValue("default")},
		{Key: "tokenizer.ggml.tokens", Value: gguf.MustArray(tokens)},
		{Key: "tokenizer.ggml.token_type", Value: gguf.MustArray(types)},
		{Key: "tokenizer.ggml.unknown_token_id", Value: gguf.Uint32Value(100)},
		{Key: "tokenizer.ggml.seperator_token_id", Value: gguf.Uint32Value(102)},
		{Key: "tokenizer.ggml.padding_token_id", Value: gguf.Uint32Value(0)},
		{Key: "tokenizer.ggml.cls_token_id", Value: gguf.Uint32Value(101)},
		{Key: "tokenizer.ggml.mask_token_id", Value: gguf.Uint32Value(103)},
	}, nil
}

// vocabFromFile copies every tokenizer.* entry of a vocabulary GGUF and
// returns them with the vocabulary size.
func vocabFromFile(path string) ([]gguf.KeyValue, int, error) {
	f, err := gguf.Open(path)
	if err != nil {
		return nil, 0, fmt.Errorf("synth: vocab: %w", err)
	}
	defer f.Close()
	var kv []gguf.KeyValue
	for _, e := range f.KV {
		if strings.HasPrefix(e.Key, "tokenizer.") {
			kv = append(kv, e)
		}
	}
	toks, ok := f.Strings("tokenizer.ggml.tokens")
	if !ok || len(toks) == 0 {
		return nil, 0, fmt.Errorf("synth: vocab %s has no tokenizer.ggml.tokens", path)
	}
	return kv, len(toks), nil
}
