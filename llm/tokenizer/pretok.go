package tokenizer

import (
	"fmt"
	"unicode/utf8"
)

// Pre-tokenizers of byte-level BPE vocabularies. llama.cpp splits text with
// a list of regexes applied in turn (each one splitting the pieces the
// previous produced; unmatched gaps become pieces too). Go's regexp has no
// look-ahead, so every regex is a hand-written scanner here over code points
// classified with llama.cpp's categories (see unicode.go).

type preType int

const (
	preDefault preType = iota
	preLlama3          // Llama 3 regex, \p{N}{1,3}
	preQwen2           // same with \p{N}
	preGPT2
	preStarcoder // \p{N} then GPT-2
	preFalcon
	preDeepseekLLM
	preDeepseekCoder
	preBloom
	preViking
	preLaguna
	preQwen35    // Qwen3.5: marks count as letters
	preTekken    // Mistral tekken: case-split words
	preGPT4o     // GPT-4o / Llama 4: case-split words with contractions, \p{N}{1,3}
	preDeepseek3 // DeepSeek V3
)

// preInfo is what a tokenizer.ggml.pre name selects: the regexes and the
// flags llama.cpp sets with it.
type preInfo struct {
	typ          preType
	noClean      bool // clean_spaces = false
	ignoreMerges bool
	addBOS       bool
	addSEP       bool
	noBOS        bool // BOS id reset to none
}

var preInfos = map[string]preInfo{
	"default": {typ: preDefault},

	"llama3":       {typ: preLlama3, ignoreMerges: true, addBOS: true},
	"llama-v3":     {typ: preLlama3, ignoreMerges: true, addBOS: true},
	"llama-bpe":    {typ: preLlama3, ignoreMerges: true, addBOS: true},
	"falcon3":      {typ: preLlama3, ignoreMerges: true, addBOS: true},
	"falcon-h1":    {typ: preLlama3, ignoreMerges: true, addBOS: true},
	"pixtral":      {typ: preLlama3, ignoreMerges: true, addBOS: true},
	"midm-2.0":     {typ: preLlama3, ignoreMerges: true, addBOS: true},
	"lfm2":         {typ: preLlama3, ignoreMerges: true, addBOS: true},
	"jina-v5-nano": {typ: preLlama3, ignoreMerges: true, addBOS: true},
	"dbrx":         {typ: preLlama3},
	"smaug-bpe":    {typ: preLlama3},
	"glm4":         {typ: preLlama3, noBOS: true},
	"chatglm-bpe":  {typ: preLlama3, noBOS: true},

	"qwen2":            {typ: preQwen2, noClean: true},
	"deepseek-r1-qwen": {typ: preQwen2, noClean: true},
	"kormo":            {typ: preQwen2, noClean: true},
	"f2llmv2":          {typ: preQwen2, noClean: true},
	"megrez":           {typ: preQwen2},
	"stablelm2":        {typ: preQwen2},
	"hunyuan":          {typ: preQwen2, noClean: true},
	"solar-open":       {typ: preQwen2, noClean: true},
	"grok-2":           {typ: preQwen2, noClean: true},
	"laguna":           {typ: preLaguna, noClean: true},

	"gpt-2":           {typ: preGPT2},
	"phi-2":           {typ: preGPT2},
	"jina-es":         {typ: preGPT2},
	"jina-de":         {typ: preGPT2},
	"gigachat":        {typ: preGPT2},
	"jina-v2-es":      {typ: preGPT2},
	"jina-v2-de":      {typ: preGPT2},
	"a.x-4.0":         {typ: preGPT2},
	"mellum":          {typ: preGPT2},
	"modern-bert":     {typ: preGPT2},
	"jina-v1-en":      {typ: preGPT2, addSEP: true},
	"jina-v2-code":    {typ: preGPT2, addSEP: true},
	"roberta-bpe":     {typ: preGPT2, addSEP: true},
	"exaone4":         {typ: preGPT2},
	"mpt":             {typ: preGPT2},
	"olmo":            {typ: preGPT2},
	"jais":            {typ: preGPT2},
	"trillion":        {typ: preGPT2, noClean: true},
	"granite-docling": {typ: preGPT2, noClean: true},

	"starcoder":  {typ: preStarcoder},
	"refact":     {typ: preStarcoder},
	"command-r":  {typ: preStarcoder, noClean: true},
	"smollm":     {typ: preStarcoder, noClean: true},
	"codeshell":  {typ: preStarcoder},
	"exaone":     {typ: preStarcoder},
	"minerva-7b": {typ: preStarcoder},
	"mellum2":    {typ: preStarcoder},

	"qwen35":        {typ: preQwen35, noClean: true},
	"tekken":        {typ: preTekken, noClean: true, ignoreMerges: true, addBOS: true},
	"gpt-4o":        {typ: preGPT4o, noClean: true},
	"llama4":        {typ: preGPT4o, noClean: true},
	"kanana2":       {typ: preGPT4o, noClean: true},
	"talkie":        {typ: preGPT4o, noClean: true},
	"minimax-m2":    {typ: preGPT4o, noClean: true},
	"deepseek-v3":   {typ: preDeepseek3, noClean: true},
	"hunyuan-dense": {typ: preDeepseek3, noClean: true},
	"joyai-llm":     {typ: preDeepseek3, noClean: true},

	"falcon":         {typ: preFalcon},
	"deepseek-llm":   {typ: preDeepseekLLM, noClean: true},
	"deepseek-coder": {typ: preDeepseekCoder, noClean: true},

	"poro-chat":    {typ: preBloom, noClean: true},
	"bloom":        {typ: preBloom},
	"gpt3-finnish": {typ: preBloom},
	"viking":       {typ: preViking, noClean: true},
}

// preTypeOf maps a tokenizer.ggml.pre name ("" means default).
func preTypeOf(name string) (preType, bool) {
	if name == "" {
		return preDefault, true
	}
	p, ok := preInfos[name]
	return p.typ, ok
}

// PreTokenizers lists the supported tokenizer.ggml.pre names.
func PreTokenizers() []string {
	out := make([]string, 0, len(preInfos))
	for k := range preInfos {
		out = append(out, k)
	}
	return out
}

// span is a half-open range of code point indices.
type span struct{ s, e int32 }

// ptText is the code point view of one text fragment.
type ptText struct {
	cps []rune
	fl  []uint8
}

const flagOOR uint8 = 0xff // "out of range": past the end of a piece

func (p *ptText) flagsAt(i, end int) uint8 {
	if i < end {
		return p.fl[i]
	}
	return flagOOR
}

// stage splits the piece [s,e) and appends the sub-pieces to out.
type stage func(p *ptText, s, e int, out []span) []span

type preTokenizer struct {
	stages []stage
}

func newPreTokenizer(name string) (*preTokenizer, error) {
	pt, ok := preTypeOf(name)
	if !ok {
		return nil, fmt.Errorf("tokenizer: unknown pre-tokenizer type %q", name)
	}
	var st []stage
	switch pt {
	case preLlama3:
		st = []stage{llama3Stage(3)}
	case preQwen2:
		st = []stage{llama3Stage(1)}
	case preLaguna:
		st = []stage{matchStage(matchLines), llama3Stage(1)}
	case preQwen35:
		st = []stage{matchStage(matchQwen35)}
	case preTekken:
		st = []stage{matchStage(caseSplitMatcher(false, 1))}
	case preGPT4o:
		st = []stage{matchStage(caseSplitMatcher(true, 3))}
	case preDeepseek3:
		st = []stage{
			matchStage(matchNumberUpTo3),
			matchStage(matchRun(inDeepseek3CJK)),
			matchStage(matchDeepseek3),
		}
	case preGPT2:
		st = []stage{gpt2Stage}
	case preStarcoder:
		st = []stage{matchStage(matchNumber1), gpt2Stage}
	case preFalcon:
		st = []stage{matchStage(matchPunctRun(true)), gpt2Stage, matchStage(matchThreeDigits)}
	case preDeepseekLLM:
		st = []stage{
			matchStage(matchCRLF),
			matchStage(matchSpaceOptRun(inDeepseekLetters)),
			matchStage(matchSpaceOptRun(inDeepseekPunct)),
			matchStage(matchTrailingSpace),
			matchStage(matchRun(inDeepseekCJK)),
			matchStage(matchNumberRun),
		}
	case preDeepseekCoder:
		st = []stage{
			matchStage(matchCRLF),
			matchStage(matchSpaceOptRunFlags(isLetter)),
			matchStage(matchSpaceOptRunFlags(isPunct)),
			matchStage(matchRun(inDeepseekCJK)),
			matchStage(matchNumber1),
		}
	case preBloom:
		st = []stage{matchStage(matchBloom)}
	case preViking:
		st = []stage{matchStage(matchBloom), matchStage(matchNumber1)}
	default: // preDefault
		st = []stage{
			matchStage(matchPunctRun(false)),
			gpt2Stage,
			matchStage(matchNumberRun),
			matchStage(matchThreeDigits),
		}
	}
	return &preTokenizer{stages: st}, nil
}

// split runs the stages over the whole fragment. It returns the pieces and
// the other scratch buffer (for reuse).
func (pt *preTokenizer) split(p *ptText, cur, tmp []span) ([]span, []span) {
	cur = append(cur[:0], span{0, int32(len(p.cps))})
	if len(p.cps) == 0 {
		return cur[:0], tmp
	}
	for _, st := range pt.stages {
		tmp = tmp[:0]
		for _, sp := range cur {
			tmp = st(p, int(sp.s), int(sp.e), tmp)
		}
		cur, tmp = tmp, cur
	}
	return cur, tmp
}

// gpt2Stage is llama.cpp's scanner for
// 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
func gpt2Stage(p *ptText, start, end int, out []span) []span {
	cps, fl := p.cps, p.fl
	prev := start
	emit := func(e int) {
		if e > prev {
			out = append(out, span{int32(prev), int32(e)})
		}
		prev = e
	}
	for pos := start; pos < end; {
		c, f := cps[pos], fl[pos]
		if c == '\'' && pos+1 < end {
			n := cps[pos+1]
			if n == 's' || n == 't' || n == 'm' || n == 'd' {
				pos += 2
				emit(pos)
				continue
			}
			if pos+2 < end {
				nn := cps[pos+2]
				if (n == 'r' && nn == 'e') || (n == 'v' && nn == 'e') || (n == 'l' && nn == 'l') {
					pos += 3
					emit(pos)
					continue
				}
			}
		}
		f2 := f
		if c == ' ' {
			f2 = p.flagsAt(pos+1, end)
		}
		if f2 != flagOOR {
			switch {
			case isLetter(f2):
				if c == ' ' {
					pos++
				}
				for pos < end && isLetter(fl[pos]) {
					pos++
				}
				emit(pos)
				continue
			case isNumber(f2):
				if c == ' ' {
					pos++
				}
				for pos < end && isNumber(fl[pos]) {
					pos++
				}
				emit(pos)
				continue
			case !isSpace(f2):
				if c == ' ' {
					pos++
				}
				for pos < end && isOtherClass(fl[pos]) {
					pos++
				}
				emit(pos)
				continue
			}
		}
		k := 0
		for pos+k < end && isSpace(fl[pos+k]) {
			k++
		}
		switch {
		case k > 1 && pos+k < end:
			pos += k - 1
		case k > 0:
			pos += k
		default:
			pos++
		}
		emit(pos)
	}
	return out
}

// isOtherClass is [^\s\p{L}\p{N}].
func isOtherClass(f uint8) bool {
	return !isSpace(f) && !isLetter(f) && !isNumber(f)
}

// llama3Stage is llama.cpp's scanner for the Llama 3 regex
// (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
// With digits == 1 it is Qwen2's regex (\p{N} instead of \p{N}{1,3}), which
// llama.cpp runs through std::regex with the same result.
func llama3Stage(digits int) stage {
	return func(p *ptText, start, end int, out []span) []span {
		cps, fl := p.cps, p.fl
		prev := start
		emit := func(e int) {
			if e > prev {
				out = append(out, span{int32(prev), int32(e)})
			}
			prev = e
		}
		for pos := start; pos < end; {
			c, f := cps[pos], fl[pos]
			if c == '\'' && pos+1 < end {
				n := toLower(cps[pos+1])
				if n == 's' || n == 't' || n == 'm' || n == 'd' {
					pos += 2
					emit(pos)
					continue
				}
				if pos+2 < end {
					nn := toLower(cps[pos+2])
					if (n == 'r' && nn == 'e') || (n == 'v' && nn == 'e') || (n == 'l' && nn == 'l') {
						pos += 3
						emit(pos)
						continue
					}
				}
			}
			if !(c == '\r' || c == '\n' || isNumber(f)) {
				if isLetter(f) || (pos+1 < end && isLetter(fl[pos+1])) {
					pos++
					for pos < end && isLetter(fl[pos]) {
						pos++
					}
					emit(pos)
					continue
				}
			}
			if isNumber(f) {
				ini := pos
				for pos < end && isNumber(fl[pos]) {
					pos++
					if pos-ini >= digits {
						emit(pos)
						ini = pos
					}
				}
				emit(pos)
				continue
			}
			f2 := f
			if c == ' ' {
				f2 = p.flagsAt(pos+1, end)
			}
			if f2 == flagOOR || isOtherClass(f2) {
				if c == ' ' {
					pos++
				}
				for pos < end && isOtherClass(fl[pos]) {
					pos++
				}
				for pos < end && (cps[pos] == '\r' || cps[pos] == '\n') {
					pos++
				}
				emit(pos)
				continue
			}
			k, lastNL := 0, 0
			for pos+k < end && isSpace(fl[pos+k]) {
				if c2 := cps[pos+k]; c2 == '\r' || c2 == '\n' {
					lastNL = pos + k + 1
				}
				k++
			}
			switch {
			case lastNL > 0:
				pos = lastNL
			case k > 1 && pos+k < end:
				pos += k - 1
			case k > 0:
				pos += k
			default:
				pos++
			}
			emit(pos)
		}
		return out
	}
}

// matcher returns the length of the match of a regex at i within [i,end)
// (0: no match). start is the start of the piece (for context).
type matcher func(p *ptText, i, end int) int

// matchStage splits a piece like std::regex_iterator: leftmost matches,
// with the gaps between them kept as pieces.
func matchStage(m matcher) stage {
	return func(p *ptText, start, end int, out []span) []span {
		prev := start
		for i := start; i < end; {
			n := m(p, i, end)
			if n <= 0 {
				i++
				continue
			}
			if i > prev {
				out = append(out, span{int32(prev), int32(i)})
			}
			out = append(out, span{int32(i), int32(i + n)})
			i += n
			prev = i
		}
		if prev < end {
			out = append(out, span{int32(prev), int32(end)})
		}
		return out
	}
}

// \p{N}
func matchNumber1(p *ptText, i, end int) int {
	if isNumber(p.fl[i]) {
		return 1
	}
	return 0
}

// \p{N}+
func matchNumberRun(p *ptText, i, end int) int {
	j := i
	for j < end && isNumber(p.fl[j]) {
		j++
	}
	return j - i
}

// [0-9][0-9][0-9]
func matchThreeDigits(p *ptText, i, end int) int {
	if i+3 <= end && isDigit(p.cps[i]) && isDigit(p.cps[i+1]) && isDigit(p.cps[i+2]) {
		return 3
	}
	return 0
}

func isDigit(c rune) bool { return '0' <= c && c <= '9' }

// [^\n]+|[\n]+
func matchLines(p *ptText, i, end int) int {
	nl := p.cps[i] == '\n'
	j := i
	for j < end && (p.cps[j] == '\n') == nl {
		j++
	}
	return j - i
}

// [\r\n]
func matchCRLF(p *ptText, i, end int) int {
	if c := p.cps[i]; c == '\r' || c == '\n' {
		return 1
	}
	return 0
}

// [\p{P}\$\+<=>\^~\|]+ (and with ` for falcon)
func matchPunctRun(backtick bool) matcher {
	in := func(c rune, f uint8) bool {
		if isPunct(f) {
			return true
		}
		switch c {
		case '$', '+', '<', '=', '>', '^', '~', '|':
			return true
		case '`':
			return backtick
		}
		return false
	}
	return func(p *ptText, i, end int) int {
		j := i
		for j < end && in(p.cps[j], p.fl[j]) {
			j++
		}
		return j - i
	}
}

// \s+$ (whitespace reaching the end of the piece)
func matchTrailingSpace(p *ptText, i, end int) int {
	j := i
	for j < end && isSpace(p.fl[j]) {
		j++
	}
	if j == end {
		return j - i
	}
	return 0
}

// wideClass tests a code point against a literal character class of a
// regex llama.cpp runs with std::wregex, where non-ASCII whitespace has been
// replaced by U+000B.
type wideClass func(c rune, f uint8) bool

// [class]+
func matchRun(in wideClass) matcher {
	return func(p *ptText, i, end int) int {
		j := i
		for j < end && in(p.cps[j], p.fl[j]) {
			j++
		}
		return j - i
	}
}

// \s?[class]+
func matchSpaceOptRun(in wideClass) matcher {
	return func(p *ptText, i, end int) int {
		j := i
		if isSpace(p.fl[j]) && j+1 < end && in(p.cps[j+1], p.fl[j+1]) {
			j++
		}
		k := j
		for k < end && in(p.cps[k], p.fl[k]) {
			k++
		}
		if k == j {
			return 0
		}
		return k - i
	}
}

// \s?\p{X}+ with a category predicate.
func matchSpaceOptRunFlags(cat func(uint8) bool) matcher {
	return matchSpaceOptRun(func(_ rune, f uint8) bool { return cat(f) })
}

func inRanges(c rune, r []rune) bool {
	for k := 0; k+1 < len(r); k += 2 {
		if c < r[k] {
			return false
		}
		if c <= r[k+1] {
			return true
		}
	}
	return false
}

// wideChar is the code point std::wregex sees.
func wideChar(c rune, f uint8) rune {
	if c > 0x7f && isSpace(f) {
		return 0x0b
	}
	return c
}

// [一-龥ࠀ-一가-퟿] (sorted, merged)
var deepseekCJK = []rune{0x0800, 0x9fa5, 0xac00, 0xd7ff}

func inDeepseekCJK(c rune, f uint8) bool { return inRanges(wideChar(c, f), deepseekCJK) }

// [!-/:-~！-／：-～‘-‟　-。]
var deepseekPunct = []rune{'!', '/', ':', '~', 0x2018, 0x201f, 0x3000, 0x3002, 0xff01, 0xff0f, 0xff1a, 0xff5e}

func inDeepseekPunct(c rune, f uint8) bool { return inRanges(wideChar(c, f), deepseekPunct) }

// The cased-letter class of deepseek-llm's second regex:
// [A-Za-zµÀ-ÖØ-öø-ƺƼ-ƿǄ-ʓʕ-ʯͰ-ͳͶͷͻ-ͽͿΆΈ-ΊΌΎ-ΡΣ-ϵϷ-ҁҊ-ԯԱ-ՖႠ-ჅᎠ-Ᏽᏸ-ᏽᲐ-ᲺᲽ-Ჿᴀ-ᴫᵫ-ᵷᵹ-ᶚḀ-ἕἘ-Ἕἠ-ὅὈ-Ὅὐ-ὗὙὛὝὟ-ώᾀ-ᾴᾶ-ᾼιῂ-ῄῆ-ῌῐ-ΐῖ-Ίῠ-Ῥῲ-ῴῶ-ῼℂℇℊ-ℓℕℙ-ℝℤΩℨK-ℭℯ-ℴℹℼ-ℿⅅ-ⅉⅎↃↄⰀ-ⱻⱾ-ⳤⳫ-ⳮⳲⳳꙀ-ꙭꚀ-ꚛꜢ-ꝯꝱ-ꞇꞋ-ꞎꭰ-ꮿﬀ-ﬆﬓ-ﬗＡ-Ｚａ-ｚ𐐀-𐑏𐒰-𐓓𐓘-𐓻𐲀-𐲲𐳀-𐳲𑢠-𑣟𞤀-𞥃]
var deepseekLetters = []rune{
	'A', 'Z', 'a', 'z', 0xb5, 0xb5, 0xc0, 0xd6, 0xd8, 0xf6, 0xf8, 0x1ba, 0x1bc, 0x1bf, 0x1c4, 0x293,
	0x295, 0x2af, 0x370, 0x373, 0x376, 0x377, 0x37b, 0x37d, 0x37f, 0x37f, 0x386, 0x386, 0x388, 0x38a,
	0x38c, 0x38c, 0x38e, 0x3a1, 0x3a3, 0x3f5, 0x3f7, 0x481, 0x48a, 0x52f, 0x531, 0x556, 0x10a0, 0x10c5,
	0x13a0, 0x13f5, 0x13f8, 0x13fd, 0x1c90, 0x1cba, 0x1cbd, 0x1cbf, 0x1d00, 0x1d2b, 0x1d6b, 0x1d77,
	0x1d79, 0x1d9a, 0x1e00, 0x1f15, 0x1f18, 0x1f1d, 0x1f20, 0x1f45, 0x1f48, 0x1f4d, 0x1f50, 0x1f57,
	0x1f59, 0x1f59, 0x1f5b, 0x1f5b, 0x1f5d, 0x1f5d, 0x1f5f, 0x1f7d, 0x1f80, 0x1fb4, 0x1fb6, 0x1fbc,
	0x1fbe, 0x1fbe, 0x1fc2, 0x1fc4, 0x1fc6, 0x1fcc, 0x1fd0, 0x1fd3, 0x1fd6, 0x1fdb, 0x1fe0, 0x1fec,
	0x1ff2, 0x1ff4, 0x1ff6, 0x1ffc, 0x2102, 0x2102, 0x2107, 0x2107, 0x210a, 0x2113, 0x2115, 0x2115,
	0x2119, 0x211d, 0x2124, 0x2124, 0x2126, 0x2126, 0x2128, 0x2128, 0x212a, 0x212d, 0x212f, 0x2134,
	0x2139, 0x2139, 0x213c, 0x213f, 0x2145, 0x2149, 0x214e, 0x214e, 0x2183, 0x2184, 0x2c00, 0x2c7b,
	0x2c7e, 0x2ce4, 0x2ceb, 0x2cee, 0x2cf2, 0x2cf3, 0xa640, 0xa66d, 0xa680, 0xa69b, 0xa722, 0xa76f,
	0xa771, 0xa787, 0xa78b, 0xa78e, 0xab70, 0xabbf, 0xfb00, 0xfb06, 0xfb13, 0xfb17, 0xff21, 0xff3a,
	0xff41, 0xff5a, 0x10400, 0x1044f, 0x104b0, 0x104d3, 0x104d8, 0x104fb, 0x10c80, 0x10cb2, 0x10cc0,
	0x10cf2, 0x118a0, 0x118df, 0x1e900, 0x1e943,
}

func inDeepseekLetters(c rune, f uint8) bool { return inRanges(wideChar(c, f), deepseekLetters) }

// " ?[^(\s|.,!?…。，、।۔،)]+" (bloom, poro, gpt3-finnish, viking)
func inBloomWord(c rune, f uint8) bool {
	if isSpace(f) {
		return false
	}
	switch c {
	case '(', '|', '.', ',', '!', '?', 0x2026, 0x3002, 0xff0c, 0x3001, 0x0964, 0x06d4, 0x060c, ')':
		return false
	}
	return true
}

func matchBloom(p *ptText, i, end int) int {
	j := i
	if p.cps[j] == ' ' && j+1 < end && inBloomWord(p.cps[j+1], p.fl[j+1]) {
		j++
	}
	k := j
	for k < end && inBloomWord(p.cps[k], p.fl[k]) {
		k++
	}
	if k == j {
		return 0
	}
	return k - i
}

// decodeText fills p with the code points of text (llama.cpp's decoding:
// malformed bytes become U+FFFD) and returns the UTF-8 string the pieces
// index into with the byte offset of every code point (len(cps)+1 entries).
func decodeText(text string, p *ptText, offs []int32) (string, []int32) {
	p.cps = p.cps[:0]
	p.fl = p.fl[:0]
	offs = offs[:0]
	valid := utf8.ValidString(text)
	if !valid {
		var b []byte
		for i := 0; i < len(text); {
			r, n := decodeRune(text, i)
			b = appendRune(b, r)
			i += n
		}
		text = string(b)
	}
	for i := 0; i < len(text); {
		var r rune
		n := 1
		if c := text[i]; c < 0x80 {
			r = rune(c)
		} else if valid {
			r, n = utf8.DecodeRuneInString(text[i:])
		} else {
			r, n = decodeRune(text, i)
		}
		p.cps = append(p.cps, r)
		p.fl = append(p.fl, cpFlags(r))
		offs = append(offs, int32(i))
		i += n
	}
	offs = append(offs, int32(len(text)))
	return text, offs
}

// The scanners below emulate regexes llama.cpp runs through std::regex on
// its "collapsed" text: ASCII stays as is, other code points become one
// byte per category, so \p{X} classes match non-ASCII code points of that
// category and, of ASCII, what llama.cpp lists for X (the Unicode
// categories of ASCII); non-ASCII whitespace only matches \s.

func isLetterOrMark(f uint8) bool {
	c := f & catMask
	return !isSpace(f) && (c == catLetter || c == catMark)
}

// collapsedSymbol is llama.cpp's collapsed \p{S}.
func collapsedSymbol(c rune, f uint8) bool {
	if c < 0x80 {
		switch c {
		case '$', '+', '<', '=', '>', '^', '`', '|', '~':
			return true
		}
		return false
	}
	return f&catMask == catSymbol && !isSpace(f)
}

// contraction matches (?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD]) at i.
func contraction(p *ptText, i, end int) int {
	if i+1 >= end || p.cps[i] != '\'' {
		return 0
	}
	switch p.cps[i+1] {
	case 's', 'S', 't', 'T', 'm', 'M', 'd', 'D':
		return 2
	}
	if i+2 < end {
		a, b := p.cps[i+1]|0x20, p.cps[i+2]|0x20
		if (a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l') {
			if p.cps[i+1] < 0x80 && p.cps[i+2] < 0x80 {
				return 3
			}
		}
	}
	return 0
}

// spaceRules matches \s*[\r\n]+|\s+(?!\S)|\s+ at i.
func spaceRules(p *ptText, i, end int) int {
	k, lastNL := 0, 0
	for i+k < end && isSpace(p.fl[i+k]) {
		if c := p.cps[i+k]; c == '\r' || c == '\n' {
			lastNL = k + 1
		}
		k++
	}
	switch {
	case lastNL > 0:
		return lastNL
	case k > 1 && i+k < end:
		return k - 1
	}
	return k
}

// puncRun matches " ?[^\s\p{L}[\p{M}]\p{N}]+[\r\n]*" (with "/" in the trailing
// class when slash is set, and marks excluded when marks is set).
func puncRun(p *ptText, i, end int, marks, slash bool) int {
	other := func(f uint8) bool {
		if isSpace(f) || isLetter(f) || isNumber(f) {
			return false
		}
		return !marks || f&catMask != catMark
	}
	j := i
	if p.cps[j] == ' ' && j+1 < end && other(p.fl[j+1]) {
		j++
	}
	k := j
	for k < end && other(p.fl[k]) {
		k++
	}
	if k == j {
		return 0
	}
	for k < end && (p.cps[k] == '\r' || p.cps[k] == '\n' || (slash && p.cps[k] == '/')) {
		k++
	}
	return k - i
}

// matchQwen35 is Qwen3.5's regex:
// (?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?[\p{L}\p{M}]+|\p{N}| ?[^\s\p{L}\p{M}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
func matchQwen35(p *ptText, i, end int) int {
	if n := contraction(p, i, end); n > 0 {
		return n
	}
	c, f := p.cps[i], p.fl[i]
	run := func(j int) int {
		k := j
		for k < end && isLetterOrMark(p.fl[k]) {
			k++
		}
		return k - j
	}
	if isLetterOrMark(f) {
		return run(i)
	}
	if c != '\r' && c != '\n' && !isLetter(f) && !isNumber(f) && i+1 < end && isLetterOrMark(p.fl[i+1]) {
		return 1 + run(i+1)
	}
	if isNumber(f) {
		return 1
	}
	if n := puncRun(p, i, end, true, false); n > 0 {
		return n
	}
	return spaceRules(p, i, end)
}

// caseSplitMatcher is Mistral tekken's regex (contractions false, digits 1)
// and GPT-4o's (contractions true, digits 3):
// [^\r\n\p{L}\p{N}]?((?=[\p{L}])([^a-z]))*((?=[\p{L}])([^A-Z]))+(contraction)?
// |[^\r\n\p{L}\p{N}]?((?=[\p{L}])([^a-z]))+((?=[\p{L}])([^A-Z]))*(contraction)?
// |\p{N}{1,digits}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+
// "Upper" letters are letters other than a-z, "lower" letters other than
// A-Z; non-ASCII letters are both.
func caseSplitMatcher(contractions bool, digits int) matcher {
	upper := func(c rune, f uint8) bool { return isLetter(f) && !isSpace(f) && !('a' <= c && c <= 'z') }
	lower := func(c rune, f uint8) bool { return isLetter(f) && !isSpace(f) && !('A' <= c && c <= 'Z') }
	// words returns the end of alternative 1 or 2 starting at j, or -1.
	words := func(p *ptText, j, end int) int {
		u := j
		for u < end && upper(p.cps[u], p.fl[u]) {
			u++
		}
		// alternative 1: U*L+ with U* backtracking to the last position
		// from which a lower letter follows
		k := -1
		if u < end && lower(p.cps[u], p.fl[u]) {
			k = u
		} else {
			for x := u - 1; x >= j; x-- {
				if lower(p.cps[x], p.fl[x]) {
					k = x
					break
				}
			}
		}
		e := -1
		if k >= 0 {
			e = k
			for e < end && lower(p.cps[e], p.fl[e]) {
				e++
			}
		} else if u > j { // alternative 2: U+L*
			e = u
			for e < end && lower(p.cps[e], p.fl[e]) {
				e++
			}
		}
		if e >= 0 && contractions {
			e += contraction(p, e, end)
		}
		return e
	}
	return func(p *ptText, i, end int) int {
		c, f := p.cps[i], p.fl[i]
		if c != '\r' && c != '\n' && !isLetter(f) && !isNumber(f) {
			if i+1 < end {
				if e := words(p, i+1, end); e > i+1 {
					return e - i
				}
			}
		} else if e := words(p, i, end); e > i {
			return e - i
		}
		if isNumber(f) {
			k := i
			for k < end && k-i < digits && isNumber(p.fl[k]) {
				k++
			}
			return k - i
		}
		if n := puncRun(p, i, end, false, true); n > 0 {
			return n
		}
		return spaceRules(p, i, end)
	}
}

// \p{N}{1,3}
func matchNumberUpTo3(p *ptText, i, end int) int {
	k := i
	for k < end && k-i < 3 && isNumber(p.fl[k]) {
		k++
	}
	return k - i
}

// [一-龥぀-ゟ゠-ヿ]
var deepseek3CJK = []rune{0x3040, 0x309f, 0x30a0, 0x30ff, 0x4e00, 0x9fa5}

func inDeepseek3CJK(c rune, f uint8) bool { return inRanges(wideChar(c, f), deepseek3CJK) }

// matchDeepseek3 is DeepSeek V3's third regex:
// [!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~][A-Za-z]+|[^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+| ?[\p{P}\p{S}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
func matchDeepseek3(p *ptText, i, end int) int {
	c, f := p.cps[i], p.fl[i]
	asciiLetter := func(c rune) bool { return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') }
	if c < 0x80 && c > ' ' && c != 0x7f && !asciiLetter(c) && !('0' <= c && c <= '9') && i+1 < end && asciiLetter(p.cps[i+1]) {
		k := i + 1
		for k < end && asciiLetter(p.cps[k]) {
			k++
		}
		return k - i
	}
	ps := func(c rune, f uint8) bool { return (isPunct(f) && !isSpace(f)) || collapsedSymbol(c, f) }
	run := func(j int) int {
		k := j
		for k < end && isLetterOrMark(p.fl[k]) {
			k++
		}
		return k - j
	}
	if isLetterOrMark(f) {
		return run(i)
	}
	if c != '\r' && c != '\n' && !isLetter(f) && !ps(c, f) && i+1 < end && isLetterOrMark(p.fl[i+1]) {
		return 1 + run(i+1)
	}
	j := i
	if c == ' ' && i+1 < end && ps(p.cps[i+1], p.fl[i+1]) {
		j++
	}
	k := j
	for k < end && ps(p.cps[k], p.fl[k]) {
		k++
	}
	if k > j {
		for k < end && (p.cps[k] == '\r' || p.cps[k] == '\n') {
			k++
		}
		return k - i
	}
	return spaceRules(p, i, end)
}
