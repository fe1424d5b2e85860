package chat

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/nikolalohinski/gonja/v2/config"
	"github.com/nikolalohinski/gonja/v2/exec"
	"github.com/nikolalohinski/gonja/v2/loaders"
)

// Limits on what one template may do; exceeding one is an error.
const (
	MaxSourceSize  = 256 << 10        // template source bytes (real ones are under 20 KiB)
	MaxOutputSize  = 32 << 20         // bytes one render may produce, also any one string value
	MaxRenderTime  = 10 * time.Second // wall time of one render
	maxRange       = 100_000          // range() length, as Jinja2's sandbox
	maxCallDepth   = 200              // nested macro calls
	maxNesting     = 256              // nesting of brackets and blocks in the source
	maxOperators   = 10_000           // operators in one tag
	guardVariable  = "__docent_guard" // where a render's guard sits in the context
	rootIdentifier = "chat_template"
)

// Template is a parsed chat template. Render is safe for concurrent use.
type Template struct {
	source string
	tpl    *exec.Template
}

// New parses a chat template once, for many renders.
func New(source string) (t *Template, err error) {
	if len(source) > MaxSourceSize {
		return nil, fmt.Errorf("chat: template of %d bytes exceeds %d", len(source), MaxSourceSize)
	}
	if err := checkNesting(source); err != nil {
		return nil, fmt.Errorf("chat: parse template: %w", err)
	}
	defer func() {
		if r := recover(); r != nil {
			t, err = nil, fmt.Errorf("chat: parse template: jinja library panicked: %v", r)
		}
	}()
	loader := &rootLoader{source: preprocess(source)}
	tpl, err := exec.NewTemplate(rootIdentifier, templateConfig(), loader, environment())
	if err != nil {
		return nil, fmt.Errorf("chat: parse template: %w", trimSourceFromError(err, source))
	}
	if err := rewriteAST(tpl.Root()); err != nil {
		return nil, fmt.Errorf("chat: parse template: %w", err)
	}
	return &Template{source: source, tpl: tpl}, nil
}

// Source returns the template's Jinja source.
func (t *Template) Source() string { return t.source }

// Render renders the template; see RenderContext.
func (t *Template) Render(in Input) (string, error) {
	return t.RenderContext(context.Background(), in)
}

// RenderContext renders the template with in. It stops with an error when
// ctx is done, after MaxRenderTime, or when the output would exceed
// MaxOutputSize. When the template calls raise_exception the error wraps a
// *RaiseError carrying its message.
func (t *Template) RenderContext(ctx context.Context, in Input) (out string, err error) {
	vars, err := templateVars(in)
	if err != nil {
		return "", fmt.Errorf("chat: render: %w", err)
	}
	g := newGuard(ctx)
	data := exec.NewContext(vars)
	data.Set(guardVariable, g)
	data.Set("raise_exception", g.raiseException)
	now := in.Now
	if now == nil {
		now = time.Now
	}
	data.Set("strftime_now", func(format string) string { return strftime(format, now()) })

	w := &limitedWriter{limit: MaxOutputSize}
	defer func() {
		if r := recover(); r != nil {
			out, err = "", fmt.Errorf("chat: render: jinja library panicked: %v", r)
		}
		if err != nil {
			out = ""
			if g.raised != nil {
				err = fmt.Errorf("chat: render: %w", g.raised)
			} else if g.failed != nil {
				err = fmt.Errorf("chat: render: %w", g.failed)
			}
		}
	}()
	if err := t.tpl.Execute(w, data); err != nil {
		return "", fmt.Errorf("chat: render: %w", trimSourceFromError(err, t.source))
	}
	if g.raised != nil { // raised inside something that swallowed the error
		return "", fmt.Errorf("chat: render: %w", g.raised)
	}
	return w.b.String(), nil
}

// ChatML returns the template used when a model ships none: ChatML as
// llama.cpp applies it, with tool calls written Hermes-style.
func ChatML() *Template {
	chatMLOnce.Do(func() {
		var err error
		chatML, err = New(chatMLSource)
		if err != nil {
			panic("chat: built-in ChatML template does not parse: " + err.Error())
		}
	})
	return chatML
}

var (
	chatMLOnce sync.Once
	chatML     *Template
)

const chatMLSource = `{%- for message in messages %}
{%- if message.tool_calls %}
{{- '<|im_start|>' + message.role }}
{%- if message.content %}{{ '\n' + message.content }}{% endif %}
{%- for call in message.tool_calls %}
{{- '\n<tool_call>\n{"name": "' + call.function.name + '", "arguments": ' + call.function.arguments | tojson + '}\n</tool_call>' }}
{%- endfor %}
{{- '<|im_end|>\n' }}
{%- else %}
{{- '<|im_start|>' + message.role + '\n' + message.content + '<|im_end|>\n' }}
{%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
{{- '<|im_start|>assistant\n' }}
{%- endif %}`

// --- rendering state -------------------------------------------------------

// guard is one render's budget: time, macro depth, and the error a
// template raised (gonja flattens errors to strings on the way out).
type guard struct {
	ctx      context.Context
	deadline time.Time
	depth    int
	raised   *RaiseError
	failed   error
}

// renderTimeLimit is MaxRenderTime; tests shorten it.
var renderTimeLimit = MaxRenderTime

func newGuard(ctx context.Context) *guard {
	return &guard{ctx: ctx, deadline: time.Now().Add(renderTimeLimit)}
}

// check is called at every statement, macro call and guarded operation.
func (g *guard) check() error {
	if g.failed != nil {
		return g.failed
	}
	if err := g.ctx.Err(); err != nil {
		g.failed = err
		return err
	}
	if time.Now().After(g.deadline) {
		g.failed = fmt.Errorf("render exceeded %s", renderTimeLimit)
		return g.failed
	}
	return nil
}

func (g *guard) fail(err error) error {
	if g.failed == nil {
		g.failed = err
	}
	return err
}

func (g *guard) raiseException(msg *exec.Value) (string, error) {
	m := ""
	if msg != nil {
		m = msg.String()
	}
	if g.raised == nil {
		g.raised = &RaiseError{Message: m}
	}
	return "", g.raised
}

// guardOf finds the render's guard from inside the Jinja library.
func guardOf(ctx *exec.Context) (*guard, error) {
	v, ok := ctx.Get(guardVariable)
	if !ok {
		return nil, errors.New("render guard missing")
	}
	g, ok := v.(*guard)
	if !ok {
		return nil, fmt.Errorf("template variable %s is reserved", guardVariable)
	}
	return g, nil
}

type limitedWriter struct {
	b     strings.Builder
	limit int
}

var errOutputTooLarge = fmt.Errorf("output exceeds %d bytes", MaxOutputSize)

func (w *limitedWriter) Write(p []byte) (int, error) {
	if w.b.Len()+len(p) > w.limit {
		return 0, errOutputTooLarge
	}
	return w.b.Write(p)
}

// rootLoader serves the template itself and refuses everything else, so
// include/import/extends cannot read files.
type rootLoader struct{ source string }

func (l *rootLoader) Read(path string) (io.Reader, error) {
	if path == rootIdentifier {
		return strings.NewReader(l.source), nil
	}
	return nil, fmt.Errorf("loading %q: chat templates cannot load other templates", path)
}

func (l *rootLoader) Resolve(path string) (string, error) {
	if path == rootIdentifier {
		return path, nil
	}
	return "", fmt.Errorf("resolving %q: chat templates cannot load other templates", path)
}

func (l *rootLoader) Inherit(string) (loaders.Loader, error) { return l, nil }

func templateConfig() *config.Config {
	c := config.New()
	c.TrimBlocks = true
	c.LeftStripBlocks = false // done by preprocess, which gets it right
	c.KeepTrailingNewline = false
	c.StrictUndefined = false
	c.AutoEscape = false
	return c
}

// trimSourceFromError shortens gonja errors that quote the whole source.
func trimSourceFromError(err error, source string) error {
	if len(source) < 80 || !strings.Contains(err.Error(), source) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), source, "<template>"))
}

// checkNesting rejects sources whose nesting (brackets, unary operators,
// blocks) would make the recursive-descent parser or evaluator recurse
// without bound. Only the inside of tags is looked at.
func checkNesting(src string) error {
	blocks := 0
	for rest := src; ; {
		i := strings.Index(rest, "{")
		if i < 0 || i+1 >= len(rest) {
			return nil
		}
		open := rest[i+1]
		rest = rest[i+2:]
		var end string
		switch open {
		case '{':
			end = "}}"
		case '%':
			end = "%}"
		default:
			rest = string(open) + rest
			continue
		}
		j := strings.Index(rest, end)
		if j < 0 {
			j = len(rest)
		}
		tag := rest[:j]
		rest = rest[j:]
		if err := checkExpression(tag); err != nil {
			return err
		}
		if open != '%' {
			continue
		}
		word := strings.TrimLeft(tag, "-+ \t\r\n")
		if k := strings.IndexAny(word, " \t\r\n-+("); k >= 0 {
			word = word[:k]
		}
		switch word {
		case "if", "for", "macro", "call", "filter", "with", "block", "raw", "autoescape", "trans":
			blocks++
			if blocks > maxNesting {
				return fmt.Errorf("blocks nested deeper than %d", maxNesting)
			}
		default:
			if strings.HasPrefix(word, "end") && blocks > 0 {
				blocks--
			}
		}
	}
}

// checkExpression bounds bracket nesting and the number of operators in
// one tag (each operator is a level of recursion when chained).
func checkExpression(tag string) error {
	depth, ops := 0, 0
	var quote byte
	word := 0 // length of the identifier being read
	for k := 0; k < len(tag); k++ {
		c := tag[k]
		if quote != 0 {
			if c == '\\' {
				k++
			} else if c == quote {
				quote = 0
			}
			continue
		}
		isWord := c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		if !isWord && word > 0 {
			if w := tag[k-word : k]; w == "not" || w == "and" || w == "or" || w == "in" || w == "is" || w == "if" {
				ops++
			}
			word = 0
		}
		switch {
		case isWord:
			word++
		case c == '"' || c == '\'':
			quote = c
		case c == '(' || c == '[' || c == '{':
			depth++
			ops++
			if depth > maxNesting {
				return fmt.Errorf("brackets nested deeper than %d", maxNesting)
			}
		case c == ')' || c == ']' || c == '}':
			if depth > 0 {
				depth--
			}
		case strings.IndexByte(".|~+-*/%<>=!,:", c) >= 0:
			ops++
		}
		if ops > maxOperators {
			return fmt.Errorf("more than %d operators in one tag", maxOperators)
		}
	}
	return nil
}
