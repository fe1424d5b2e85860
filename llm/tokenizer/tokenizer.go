// Package tokenizer implements the tokenizers of GGUF models the way
// llama.cpp runs them: SentencePiece-style BPE on scores ("llama"), byte-level
// BPE on merges with the pre-tokenizer named by tokenizer.ggml.pre ("gpt2"),
// and WordPiece ("bert").
//
// A Tokenizer is built from a plain Vocab (New) or from GGUF metadata
// (FromGGUF / FromMetadata). It is safe for concurrent use.
package tokenizer

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// Kind is the tokenizer algorithm, named as in tokenizer.ggml.model.
type Kind string

// Supported kinds.
const (
	KindSPM Kind = "llama" // SentencePiece-style BPE on scores, byte fallback
	KindBPE Kind = "gpt2"  // byte-level BPE on merge ranks
	KindWPM Kind = "bert"  // WordPiece
)

// TokenType is a GGUF token type (tokenizer.ggml.token_type).
type TokenType int32

// GGUF token types.
const (
	TypeUndefined   TokenType = 0
	TypeNormal      TokenType = 1
	TypeUnknown     TokenType = 2
	TypeControl     TokenType = 3
	TypeUserDefined TokenType = 4
	TypeUnused      TokenType = 5
	TypeByte        TokenType = 6
)

// Attr is a set of token attributes (llama.cpp's llama_token_attr).
type Attr uint32

// Token attributes.
const (
	AttrUnknown     Attr = 1 << 0
	AttrUnused      Attr = 1 << 1
	AttrNormal      Attr = 1 << 2
	AttrControl     Attr = 1 << 3
	AttrUserDefined Attr = 1 << 4
	AttrByte        Attr = 1 << 5
	AttrNormalized  Attr = 1 << 6
	AttrLStrip      Attr = 1 << 7
	AttrRStrip      Attr = 1 << 8
)

// None marks an absent special token id.
const None int32 = -1

// SpecialIDs are the special token ids of a vocabulary; None when absent.
type SpecialIDs struct {
	BOS, EOS, EOT, EOM, UNK, SEP, PAD, CLS, MASK   int32
	FIMPre, FIMSuf, FIMMid, FIMPad, FIMRep, FIMSep int32
}

// Vocab is everything a tokenizer needs, as plain data. DefaultVocab gives
// the defaults llama.cpp assumes for a model kind; FromMetadata fills one in
// from GGUF keys.
type Vocab struct {
	Model  Kind   // tokenizer.ggml.model
	Pre    string // tokenizer.ggml.pre (byte-level BPE only)
	Tokens []string
	Scores []float32   // optional, one per token
	Types  []TokenType // optional, one per token (default: normal)
	Merges []string    // "left right", byte-level BPE only

	Special SpecialIDs

	AddBOS                 bool
	AddEOS                 bool
	AddSpacePrefix         bool
	RemoveExtraWhitespaces bool
	AddSEP                 bool // informational (llama.cpp's add_sep, used by rerankers)
	IgnoreMerges           bool // whole pre-tokenized words that are tokens skip merging (Llama 3)
	// WordPiece normalisation (tokenizer.ggml.normalizer.lowercase and
	// .strip_accents; both default to true).
	Lowercase    bool
	StripAccents bool
	CleanSpaces  bool // clean_up_tokenization_spaces when decoding with CleanSpaces

	// Attrs, when non-nil, overrides the attributes derived from Types
	// (llama.cpp sets lstrip/rstrip for a few models by name).
	Attrs []Attr
}

// DefaultVocab returns a Vocab with the special ids and flags llama.cpp
// assumes for the given model kind and pre-tokenizer before reading the
// optional GGUF keys.
func DefaultVocab(model Kind, pre string) Vocab {
	v := Vocab{Model: model, Pre: pre, Special: SpecialIDs{
		BOS: None, EOS: None, EOT: None, EOM: None, UNK: None, SEP: None, PAD: None, CLS: None, MASK: None,
		FIMPre: None, FIMSuf: None, FIMMid: None, FIMPad: None, FIMRep: None, FIMSep: None,
	}, Lowercase: true, StripAccents: true}
	switch model {
	case KindSPM:
		v.Special.BOS, v.Special.EOS, v.Special.UNK = 1, 2, 0
		v.AddSpacePrefix = true
		v.AddBOS = true
	case KindWPM:
		v.Special.BOS, v.Special.UNK, v.Special.SEP, v.Special.PAD, v.Special.MASK = 101, 100, 102, 0, 103
		v.AddBOS = true
		v.AddSEP = true
		v.CleanSpaces = true
	case KindBPE:
		v.Special.BOS, v.Special.EOS = 11, 11
		v.CleanSpaces = true
		if info, ok := preInfos[pre]; ok {
			v.CleanSpaces = !info.noClean
			v.IgnoreMerges = info.ignoreMerges
			v.AddBOS = info.addBOS
			v.AddSEP = info.addSEP
			if info.noBOS {
				v.Special.BOS = None
			}
		}
	}
	return v
}

// EncodeOptions control Encode.
type EncodeOptions struct {
	// AddSpecial adds BOS/EOS (or CLS/SEP for WordPiece) as the vocabulary
	// asks (add_bos / add_eos).
	AddSpecial bool
	// ParseSpecial recognises control tokens written in the text (such as
	// "<|im_start|>"); when false only user-defined tokens are split out.
	ParseSpecial bool
}

// DecodeOptions control DecodeWith.
type DecodeOptions struct {
	// Special renders control and unknown tokens as their text.
	Special bool
	// RemoveSpecial drops a leading BOS and trailing EOS the vocabulary adds.
	RemoveSpecial bool
	// CleanSpaces applies llama.cpp's clean_up_tokenization_spaces pass
	// (" ." -> ".", " 's" -> "'s", ...) when the vocabulary asks for it.
	// It is lossy, so Decode leaves it off.
	CleanSpaces bool
}

// Tokenizer encodes text to token ids and back.
type Tokenizer struct {
	kind    Kind
	pre     string
	tokens  []string
	scores  []float32
	attrs   []Attr
	toID    map[string]int32
	special SpecialIDs

	addBOS, addEOS, addSEP, addSpacePrefix, ignoreMerges, cleanSpaces bool
	lowercase, stripAccents                                           bool

	maxTokenLen int
	specials    []int32 // control/user-defined/unknown tokens, longest text first
	eog         map[int32]bool
	pieceBuf    []byte   // token_to_piece(special=false) of every token, concatenated
	pieceOff    []uint32 // token i's piece is pieceBuf[pieceOff[i]:pieceOff[i+1]]
	byteTok     [256]int32

	spmSplit bool // no token has U+2581 right after another character

	bpe *bpeModel
	pt  *preTokenizer

	cache *wordCache
}

// New builds a tokenizer from a vocabulary.
func New(v *Vocab) (*Tokenizer, error) {
	if v == nil {
		return nil, errors.New("tokenizer: nil vocab")
	}
	n := len(v.Tokens)
	if n == 0 {
		return nil, errors.New("tokenizer: empty vocabulary")
	}
	if n > 1<<30 {
		return nil, fmt.Errorf("tokenizer: vocabulary too large (%d tokens)", n)
	}
	switch v.Model {
	case KindSPM, KindBPE, KindWPM:
	default:
		return nil, fmt.Errorf("tokenizer: unsupported tokenizer model %q", string(v.Model))
	}
	if v.Scores != nil && len(v.Scores) != n {
		return nil, fmt.Errorf("tokenizer: %d scores for %d tokens", len(v.Scores), n)
	}
	if v.Types != nil && len(v.Types) != n {
		return nil, fmt.Errorf("tokenizer: %d token types for %d tokens", len(v.Types), n)
	}
	if v.Attrs != nil && len(v.Attrs) != n {
		return nil, fmt.Errorf("tokenizer: %d token attributes for %d tokens", len(v.Attrs), n)
	}
	t := &Tokenizer{
		kind:           v.Model,
		pre:            v.Pre,
		tokens:         make([]string, n),
		scores:         make([]float32, n),
		attrs:          make([]Attr, n),
		toID:           make(map[string]int32, n),
		special:        v.Special,
		addBOS:         v.AddBOS,
		addEOS:         v.AddEOS,
		addSpacePrefix: v.AddSpacePrefix,
		ignoreMerges:   v.IgnoreMerges,
		addSEP:         v.AddSEP,
		lowercase:      v.Lowercase,
		stripAccents:   v.StripAccents,
		cleanSpaces:    v.CleanSpaces,
	}
	for i, s := range v.Tokens {
		if s == "" {
			s = fmt.Sprintf("[EMPTY_%d]", i)
		}
		t.tokens[i] = s
		t.toID[s] = int32(i)
		if len(s) > t.maxTokenLen {
			t.maxTokenLen = len(s)
		}
		if v.Scores != nil {
			t.scores[i] = v.Scores[i]
		}
		a := AttrNormal
		if v.Types != nil {
			a = attrOfType(v.Types[i])
		}
		if v.Attrs != nil {
			a = v.Attrs[i]
		}
		t.attrs[i] = a
	}
	// Out-of-range special ids are dropped (llama.cpp keeps its default then;
	// a default that does not fit the vocabulary is just as unusable).
	for _, p := range t.specialPtrs() {
		if *p < 0 || int(*p) >= n {
			*p = None
		}
	}
	t.detectSpecials()

	switch t.kind {
	case KindBPE:
		pt, err := newPreTokenizer(t.pre)
		if err != nil {
			return nil, err
		}
		t.pt = pt
		t.bpe = newBPEModel(t.tokens, t.toID, v.Merges)
	case KindSPM:
		for b := 0; b < 256; b++ {
			t.byteTok[b] = t.spmByteToken(byte(b))
		}
		t.spmSplit = spmSplittable(t.tokens)
	}

	// special tokens cache: control, user-defined and unknown, longest first
	for id := range t.attrs {
		if t.attrs[id]&(AttrControl|AttrUserDefined|AttrUnknown) != 0 {
			t.specials = append(t.specials, int32(id))
		}
	}
	sort.SliceStable(t.specials, func(a, b int) bool {
		return len(t.tokens[t.specials[a]]) > len(t.tokens[t.specials[b]])
	})

	t.pieceOff = make([]uint32, n+1)
	for id := range t.tokens {
		t.pieceBuf = t.appendPiece(t.pieceBuf, int32(id))
		t.pieceOff[id+1] = uint32(len(t.pieceBuf))
	}
	t.cache = newWordCache()
	return t, nil
}

func attrOfType(tt TokenType) Attr {
	switch tt {
	case TypeUnknown:
		return AttrUnknown
	case TypeUnused:
		return AttrUnused
	case TypeNormal:
		return AttrNormal
	case TypeControl:
		return AttrControl
	case TypeUserDefined:
		return AttrUserDefined
	case TypeByte:
		return AttrByte
	}
	return 0
}

func (t *Tokenizer) specialPtrs() []*int32 {
	s := &t.special
	return []*int32{&s.BOS, &s.EOS, &s.EOT, &s.EOM, &s.UNK, &s.SEP, &s.PAD, &s.CLS, &s.MASK,
		&s.FIMPre, &s.FIMSuf, &s.FIMMid, &s.FIMPad, &s.FIMRep, &s.FIMSep}
}

// detectSpecials finds EOT/EOM/FIM tokens by their text when the metadata
// does not name them, and builds the end-of-generation set, as llama.cpp
// does (tokens it recognises are forced to control type).
func (t *Tokenizer) detectSpecials() {
	mark := func(id int32) { t.attrs[id] |= AttrControl }
	find := func(dst *int32, texts ...string) {
		if *dst != None {
			return
		}
		// llama.cpp takes whichever its hash map yields first; the first
		// text of the list that exists is the deterministic choice here.
		for _, s := range texts {
			if id, ok := t.toID[s]; ok {
				*dst = id
				mark(id)
				return
			}
		}
	}
	s := &t.special
	find(&s.EOT, "<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<|end_of_text|>",
		"<EOT>", "_<EOT>", "[EOT]", "<｜end▁of▁sentence｜>", "<end_of_utterance>")
	find(&s.EOM, "<|eom_id|>")
	find(&s.FIMPre, "<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>", "<｜fim▁begin｜>", "<PRE>", "▁<PRE>", "<|code_prefix|>", "<|prefix|>")
	find(&s.FIMSuf, "<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>", "<｜fim▁hole｜>", "<SUF>", "▁<SUF>", "<|code_suffix|>", "<|suffix|>")
	find(&s.FIMMid, "<|fim_middle|>", "<fim-middle>", "<fim_middle>", "<｜fim▁end｜>", "<MID>", "▁<MID>", "<|code_middle|>", "<|middle|>")
	find(&s.FIMPad, "<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>", "[PAD]")
	find(&s.FIMRep, "<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>")
	find(&s.FIMSep, "<|file_sep|>")

	t.eog = map[int32]bool{}
	for _, id := range []int32{s.FIMPad, s.FIMRep, s.FIMSep} {
		if id != None {
			t.eog[id] = true
		}
	}
	for _, txt := range eogTexts {
		if id, ok := t.toID[txt]; ok {
			t.eog[id] = true
			mark(id)
		}
	}
	// gpt-oss: these are always rendered
	for _, txt := range []string{"<|channel|>", "<|message|>", "<|start|>", "<|constrain|>"} {
		if id, ok := t.toID[txt]; ok {
			t.attrs[id] = AttrUserDefined
		}
	}
	for _, id := range []int32{s.EOS, s.EOT, s.EOM} {
		if id != None {
			t.eog[id] = true
		}
	}
	// o200k_harmony / solar-open: "<|end|>" does not end generation when
	// "<|return|>" and "<|call|>" (or "<|calls|>" and "<|flush|>") exist.
	var hasReturn, hasCall, hasFlush bool
	end := None
	for id := range t.eog {
		switch t.tokens[id] {
		case "<|return|>":
			hasReturn = true
		case "<|call|>", "<|calls|>":
			hasCall = true
		case "<|flush|>":
			hasFlush = true
		case "<|end|>":
			end = id
		}
	}
	if end != None && hasCall && (hasReturn || hasFlush) {
		delete(t.eog, end)
		t.attrs[end] = AttrUserDefined
	}
}

// eogTexts are the tokens llama.cpp treats as end-of-generation by text.
var eogTexts = []string{
	"<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>", "<|flush|>", "<|calls|>",
	"<end_of_turn>", "<|endoftext|>", "</s>", "<|eom_id|>", "<EOT>", "_<EOT>", "[EOT]", "[EOS]",
	"<|end_of_text|>", "<end_of_utterance>", "<eos>", "<turn|>", "<|tool_response>",
	"<｜end▁of▁sentence｜>", "[e~[",
}

// Kind returns the tokenizer algorithm.
func (t *Tokenizer) Kind() Kind { return t.kind }

// Pre returns the pre-tokenizer name (byte-level BPE).
func (t *Tokenizer) Pre() string { return t.pre }

// VocabSize returns the number of tokens.
func (t *Tokenizer) VocabSize() int { return len(t.tokens) }

// Special returns the special token ids.
func (t *Tokenizer) Special() SpecialIDs { return t.special }

// BOS returns the beginning-of-sequence token (None if absent).
func (t *Tokenizer) BOS() int32 { return t.special.BOS }

// EOS returns the end-of-sequence token (None if absent).
func (t *Tokenizer) EOS() int32 { return t.special.EOS }

// EOT returns the end-of-turn token (None if absent).
func (t *Tokenizer) EOT() int32 { return t.special.EOT }

// AddBOS reports whether the vocabulary adds BOS when encoding with AddSpecial.
func (t *Tokenizer) AddBOS() bool { return t.addBOS }

// AddSEP reports llama.cpp's add_sep flag (rerankers append SEP between
// query and document); Encode does not use it.
func (t *Tokenizer) AddSEP() bool { return t.addSEP }

// AddEOS reports whether the vocabulary adds EOS when encoding with AddSpecial.
func (t *Tokenizer) AddEOS() bool { return t.addEOS }

// IsEOG reports whether id ends generation (EOS, EOT, EOM and the
// end-of-turn tokens llama.cpp recognises by text).
func (t *Tokenizer) IsEOG(id int32) bool { return id != None && t.eog[id] }

// EOGs returns the end-of-generation token ids in increasing order.
func (t *Tokenizer) EOGs() []int32 {
	out := make([]int32, 0, len(t.eog))
	for id := range t.eog {
		out = append(out, id)
	}
	sort.Slice(out, func(a, b int) bool { return out[a] < out[b] })
	return out
}

// TokenID returns the id of the token whose vocabulary text is exactly s.
func (t *Tokenizer) TokenID(s string) (int32, bool) {
	id, ok := t.toID[s]
	return id, ok
}

// TokenText returns the vocabulary text of id ("" when out of range).
func (t *Tokenizer) TokenText(id int32) string {
	if !t.valid(id) {
		return ""
	}
	return t.tokens[id]
}

// TokenAttr returns the attributes of id (0 when out of range).
func (t *Tokenizer) TokenAttr(id int32) Attr {
	if !t.valid(id) {
		return 0
	}
	return t.attrs[id]
}

// IsControl reports whether id is a control token.
func (t *Tokenizer) IsControl(id int32) bool { return t.TokenAttr(id)&AttrControl != 0 }

func (t *Tokenizer) valid(id int32) bool { return id >= 0 && int(id) < len(t.tokens) }

// Encode tokenizes text. Invalid UTF-8 is accepted: byte-level BPE and
// WordPiece see U+FFFD for malformed bytes (as llama.cpp), SentencePiece
// falls back to byte tokens.
func (t *Tokenizer) Encode(text string, opts EncodeOptions) []int32 {
	return t.AppendEncode(nil, text, opts)
}

// AppendEncode is Encode appending to dst.
func (t *Tokenizer) AppendEncode(dst []int32, text string, opts EncodeOptions) []int32 {
	frags := t.partition(text, opts.ParseSpecial)
	out := dst
	if out == nil {
		out = make([]int32, 0, len(text)/4+4)
	}
	switch t.kind {
	case KindSPM:
		isPrevSpecial := true
		if opts.AddSpecial && t.addBOS && t.special.BOS != None {
			out = append(out, t.special.BOS)
		}
		var buf []byte
		for _, f := range frags {
			if f.tok != None {
				out = append(out, f.tok)
				isPrevSpecial = true
				continue
			}
			buf = buf[:0]
			if t.addSpacePrefix && isPrevSpecial {
				buf = append(buf, "\u2581"...)
			}
			buf = appendEscapedSpaces(buf, text[f.start:f.end])
			out = t.spmEncode(out, buf)
			isPrevSpecial = false
		}
		if opts.AddSpecial && t.addEOS && t.special.EOS != None {
			out = append(out, t.special.EOS)
		}
	case KindBPE:
		if opts.AddSpecial && t.addBOS && t.special.BOS != None {
			out = append(out, t.special.BOS)
		}
		for _, f := range frags {
			if f.tok != None {
				out = append(out, f.tok)
				continue
			}
			out = t.bpeEncode(out, text[f.start:f.end])
		}
		if opts.AddSpecial && t.addEOS && t.special.EOS != None {
			out = append(out, t.special.EOS)
		}
	case KindWPM:
		if opts.AddSpecial && t.special.BOS != None {
			out = append(out, t.special.BOS)
		}
		for _, f := range frags {
			if f.tok != None {
				out = append(out, f.tok)
				continue
			}
			out = t.wpmEncode(out, text[f.start:f.end])
		}
		if opts.AddSpecial && t.special.SEP != None {
			out = append(out, t.special.SEP)
		}
	}
	return out
}

func appendEscapedSpaces(b []byte, s string) []byte {
	for {
		i := strings.IndexByte(s, ' ')
		if i < 0 {
			return append(b, s...)
		}
		b = append(b, s[:i]...)
		b = append(b, "\u2581"...)
		s = s[i+1:]
	}
}

// Piece returns the bytes token id stands for, for streaming output:
// SentencePiece "▁" becomes a space and <0xXX> its byte, byte-level BPE
// symbols map back to raw bytes, control and unknown tokens give nothing.
// A piece may be part of a UTF-8 sequence. The slice must not be modified.
func (t *Tokenizer) Piece(id int32) []byte {
	if !t.valid(id) {
		return nil
	}
	return t.piece(id)
}

func (t *Tokenizer) piece(id int32) []byte {
	return t.pieceBuf[t.pieceOff[id]:t.pieceOff[id+1]:t.pieceOff[id+1]]
}

// PieceSpecial is Piece, except that control and unknown tokens give their
// text (llama.cpp's token_to_piece with special=true).
func (t *Tokenizer) PieceSpecial(id int32) []byte {
	if !t.valid(id) {
		return nil
	}
	if t.attrs[id]&(AttrControl|AttrUnknown) != 0 {
		return []byte(t.tokens[id])
	}
	return t.piece(id)
}

func (t *Tokenizer) appendPiece(dst []byte, id int32) []byte {
	a := t.attrs[id]
	text := t.tokens[id]
	if a&(AttrControl|AttrUnknown) != 0 {
		return dst
	}
	if a&AttrUserDefined != 0 {
		return append(dst, text...)
	}
	switch t.kind {
	case KindSPM, KindWPM:
		if a&AttrNormal != 0 {
			return appendUnescaped(dst, text)
		}
		if a&AttrByte != 0 {
			if b, ok := parseByteToken(text); ok {
				return append(dst, b)
			}
		}
	case KindBPE:
		if a&AttrNormal != 0 {
			if out, ok := appendFromByteLevel(dst, text); ok {
				return out
			}
			return append(dst, text...) // overwrites the partial bytes
		}
	}
	return dst
}

// appendUnescaped appends s with U+2581 replaced by spaces.
func appendUnescaped(dst []byte, s string) []byte {
	for {
		i := strings.Index(s, spaceMarker)
		if i < 0 {
			return append(dst, s...)
		}
		dst = append(dst, s[:i]...)
		dst = append(dst, ' ')
		s = s[i+len(spaceMarker):]
	}
}

// parseByteToken parses "<0xXX>".
func parseByteToken(s string) (byte, bool) {
	if len(s) != 6 || s[0] != '<' || s[1] != '0' || s[2] != 'x' || s[5] != '>' {
		return 0, false
	}
	h, ok1 := hexVal(s[3])
	l, ok2 := hexVal(s[4])
	return h<<4 | l, ok1 && ok2
}

func hexVal(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// Decode turns ids back into text losslessly: pieces concatenated, control
// tokens left out, and for vocabularies that add a space prefix the leading
// space of the first piece removed. decode(encode(x)) == x for valid UTF-8
// x with byte-level BPE, and with SentencePiece (byte fallback).
func (t *Tokenizer) Decode(ids []int32) string {
	return t.DecodeWith(ids, DecodeOptions{})
}

// DecodeWith is Decode with options (llama.cpp's llama_detokenize).
func (t *Tokenizer) DecodeWith(ids []int32, opts DecodeOptions) string {
	removeSpace := t.addSpacePrefix
	if opts.RemoveSpecial && t.addBOS && len(ids) > 0 && ids[0] == t.special.BOS {
		removeSpace = false
		ids = ids[1:]
	}
	if opts.RemoveSpecial && t.addEOS && len(ids) > 0 && ids[len(ids)-1] == t.special.EOS {
		ids = ids[:len(ids)-1]
	}
	var out []byte
	for _, id := range ids {
		if !t.valid(id) {
			continue // ignored
		}
		var p []byte
		if opts.Special {
			p = t.PieceSpecial(id)
		} else {
			p = t.Piece(id)
		}
		if removeSpace && len(p) > 0 && p[0] == ' ' {
			p = p[1:]
		}
		removeSpace = false // only the first token (llama.cpp)
		out = append(out, p...)
	}
	if opts.CleanSpaces && t.cleanSpaces {
		out = cleanSpaces(out)
	}
	return string(out)
}

// cleanSpaces is llama.cpp's clean_up_tokenization pass, in place.
func cleanSpaces(text []byte) []byte {
	total := len(text)
	if total == 0 {
		return text
	}
	// pass 1: " ?", " !", " .", " ," lose the space
	n := 1
	for i := 1; i < total; i++ {
		x := text[i]
		if text[i-1] == ' ' && (x == '?' || x == '!' || x == '.' || x == ',') {
			n--
		}
		text[n] = x
		n++
	}
	total = n
	// pass 2: a lone apostrophe between spaces loses both spaces
	n = 1
	for i := 1; i < total; i++ {
		x := text[i]
		if x == '\'' && i+1 < total && text[i-1] == ' ' && text[i+1] == ' ' {
			n--
			i++
			text[i] = 0
		}
		text[n] = x
		n++
	}
	total = n
	// pass 3: " 's", " 'm", " 're", " 've" lose the space
	n = 1
	for i := 1; i < total; i++ {
		x := text[i]
		if text[i-1] == ' ' && x == '\'' && i+1 < total {
			x1 := text[i+1]
			if x1 == 's' || x1 == 'm' {
				n--
			} else if x1 != 't' && x1 != 'd' && i+2 < total {
				x2 := text[i+2]
				if (x1 == 'r' && x2 == 'e') || (x1 == 'v' && x2 == 'e') {
					n--
				}
			}
		}
		text[n] = x
		n++
	}
	return text[:n]
}

// wordCache memoises the tokens of pre-tokenized words (byte-level BPE and
// WordPiece), which repeat heavily in natural text.
type wordCache struct {
	mu sync.RWMutex
	m  map[string][]int32
}

const wordCacheMax = 1 << 16

func newWordCache() *wordCache { return &wordCache{m: make(map[string][]int32, 1024)} }

func (c *wordCache) get(w string) ([]int32, bool) {
	c.mu.RLock()
	ids, ok := c.m[w]
	c.mu.RUnlock()
	return ids, ok
}

func (c *wordCache) getBytes(w []byte) ([]int32, bool) {
	c.mu.RLock()
	ids, ok := c.m[string(w)]
	c.mu.RUnlock()
	return ids, ok
}

func (c *wordCache) put(w string, ids []int32) {
	if len(w) > 64 {
		return
	}
	c.mu.Lock()
	if len(c.m) >= wordCacheMax {
		clear(c.m)
	}
	c.m[w] = ids
	c.mu.Unlock()
}
