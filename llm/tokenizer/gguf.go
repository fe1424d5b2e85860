package tokenizer

import (
	"fmt"
	"strings"

	"github.com/docent-dev/docent/llm/gguf"
)

// Metadata is the part of a GGUF file's metadata the tokenizer reads;
// *gguf.File satisfies it.
type Metadata interface {
	String(key string) (string, bool)
	Strings(key string) ([]string, bool)
	Float32s(key string) ([]float32, bool)
	Int32s(key string) ([]int32, bool)
	Uint32(key string) (uint32, bool)
	Bool(key string) (bool, bool)
}

// GGUF metadata keys.
const (
	KeyModel          = "tokenizer.ggml.model"
	KeyPre            = "tokenizer.ggml.pre"
	KeyTokens         = "tokenizer.ggml.tokens"
	KeyScores         = "tokenizer.ggml.scores"
	KeyTokenType      = "tokenizer.ggml.token_type"
	KeyMerges         = "tokenizer.ggml.merges"
	KeyAddBOS         = "tokenizer.ggml.add_bos_token"
	KeyAddEOS         = "tokenizer.ggml.add_eos_token"
	KeyAddSpacePrefix = "tokenizer.ggml.add_space_prefix"
	KeyRemoveExtraWS  = "tokenizer.ggml.remove_extra_whitespaces"
	KeyAddSEP         = "tokenizer.ggml.add_sep_token"
	KeyLowercase      = "tokenizer.ggml.normalizer.lowercase"
	KeyStripAccents   = "tokenizer.ggml.normalizer.strip_accents"
)

// FromGGUF builds the tokenizer described by a GGUF file's metadata.
func FromGGUF(f *gguf.File) (*Tokenizer, error) {
	if f == nil {
		return nil, fmt.Errorf("tokenizer: nil GGUF file")
	}
	return FromMetadata(f)
}

// VocabFromMetadata reads a Vocab from GGUF metadata, applying llama.cpp's
// defaults for keys that are absent.
func VocabFromMetadata(md Metadata) (*Vocab, error) {
	model, ok := md.String(KeyModel)
	if !ok {
		return nil, fmt.Errorf("tokenizer: %s missing", KeyModel)
	}
	switch model {
	case "llama", "gpt2", "bert":
	case "no_vocab", "none":
		return nil, fmt.Errorf("tokenizer: model has no vocabulary (%s = %q)", KeyModel, model)
	default:
		return nil, fmt.Errorf("tokenizer: unsupported tokenizer model %q", model)
	}
	pre, _ := md.String(KeyPre)
	if model == "gpt2" {
		if _, ok := preTypeOf(pre); !ok {
			return nil, fmt.Errorf("tokenizer: unknown pre-tokenizer type %q", pre)
		}
	}
	v := DefaultVocab(Kind(model), pre)
	toks, ok := md.Strings(KeyTokens)
	if !ok {
		return nil, fmt.Errorf("tokenizer: %s missing or not a string array", KeyTokens)
	}
	v.Tokens = toks
	if s, ok := md.Float32s(KeyScores); ok {
		if len(s) != len(toks) {
			return nil, fmt.Errorf("tokenizer: %s has %d entries for %d tokens", KeyScores, len(s), len(toks))
		}
		v.Scores = s
	}
	if tt, ok := md.Int32s(KeyTokenType); ok {
		if len(tt) != len(toks) {
			return nil, fmt.Errorf("tokenizer: %s has %d entries for %d tokens", KeyTokenType, len(tt), len(toks))
		}
		v.Types = make([]TokenType, len(tt))
		for i, x := range tt {
			v.Types[i] = TokenType(x)
		}
	}
	if model == "gpt2" {
		m, ok := md.Strings(KeyMerges)
		if !ok {
			return nil, fmt.Errorf("tokenizer: %s missing (byte-level BPE needs merges)", KeyMerges)
		}
		v.Merges = m
	}
	if b, ok := md.Bool(KeyAddSpacePrefix); ok {
		v.AddSpacePrefix = b
	}
	if b, ok := md.Bool(KeyRemoveExtraWS); ok {
		v.RemoveExtraWhitespaces = b
	}
	ids := []struct {
		key string
		dst *int32
	}{
		{"tokenizer.ggml.bos_token_id", &v.Special.BOS},
		{"tokenizer.ggml.eos_token_id", &v.Special.EOS},
		{"tokenizer.ggml.eot_token_id", &v.Special.EOT},
		{"tokenizer.ggml.eom_token_id", &v.Special.EOM},
		{"tokenizer.ggml.unknown_token_id", &v.Special.UNK},
		{"tokenizer.ggml.seperator_token_id", &v.Special.SEP},
		{"tokenizer.ggml.padding_token_id", &v.Special.PAD},
		{"tokenizer.ggml.cls_token_id", &v.Special.CLS},
		{"tokenizer.ggml.mask_token_id", &v.Special.MASK},
		{"tokenizer.ggml.fim_pre_token_id", &v.Special.FIMPre},
		{"tokenizer.ggml.fim_suf_token_id", &v.Special.FIMSuf},
		{"tokenizer.ggml.fim_mid_token_id", &v.Special.FIMMid},
		{"tokenizer.ggml.fim_pad_token_id", &v.Special.FIMPad},
		{"tokenizer.ggml.fim_rep_token_id", &v.Special.FIMRep},
		{"tokenizer.ggml.fim_sep_token_id", &v.Special.FIMSep},
		// deprecated names
		{"tokenizer.ggml.prefix_token_id", &v.Special.FIMPre},
		{"tokenizer.ggml.suffix_token_id", &v.Special.FIMSuf},
		{"tokenizer.ggml.middle_token_id", &v.Special.FIMMid},
	}
	for _, e := range ids {
		if x, ok := md.Uint32(e.key); ok && int64(x) < int64(len(toks)) {
			*e.dst = int32(x)
		}
	}
	if b, ok := md.Bool(KeyAddBOS); ok {
		v.AddBOS = b
	}
	if b, ok := md.Bool(KeyAddEOS); ok {
		v.AddEOS = b
	}
	if b, ok := md.Bool(KeyAddSEP); ok {
		v.AddSEP = b
	}
	if b, ok := md.Bool(KeyLowercase); ok {
		v.Lowercase = b
		v.StripAccents = b
	}
	if b, ok := md.Bool(KeyStripAccents); ok {
		v.StripAccents = b
	}
	applyNameAttrs(&v, md)
	return &v, nil
}

// applyNameAttrs sets the per-token lstrip/rstrip attributes llama.cpp
// assigns by model or pre-tokenizer name.
func applyNameAttrs(v *Vocab, md Metadata) {
	name, _ := md.String("general.name")
	name = strings.ToLower(name)
	jina := strings.Contains(v.Pre, "jina-v2-de") || strings.Contains(v.Pre, "jina-v2-es") || strings.Contains(v.Pre, "jina-v2-code")
	phi3 := strings.Contains(name, "phi-3") || strings.Contains(name, "phi3")
	if !jina && !phi3 {
		return
	}
	attrs := make([]Attr, len(v.Tokens))
	for i := range attrs {
		attrs[i] = AttrNormal
		if v.Types != nil {
			attrs[i] = attrOfType(v.Types[i])
		}
	}
	index := func(s string) int {
		for i := len(v.Tokens) - 1; i >= 0; i-- {
			if v.Tokens[i] == s {
				return i
			}
		}
		return -1
	}
	if jina {
		if i := index("<mask>"); i >= 0 {
			attrs[i] |= AttrLStrip
		}
	} else {
		for i := range attrs {
			if attrs[i]&(AttrControl|AttrUserDefined|AttrUnknown) != 0 {
				attrs[i] |= AttrRStrip
			}
		}
		if i := index("</s>"); i >= 0 {
			attrs[i] |= AttrRStrip
		}
		for _, s := range []string{"<unk>", "<s>", "<|endoftext|>"} {
			if i := index(s); i >= 0 {
				attrs[i] &^= AttrRStrip
			}
		}
	}
	v.Attrs = attrs
}

// FromMetadata builds a tokenizer from GGUF metadata.
func FromMetadata(md Metadata) (*Tokenizer, error) {
	v, err := VocabFromMetadata(md)
	if err != nil {
		return nil, err
	}
	return New(v)
}
