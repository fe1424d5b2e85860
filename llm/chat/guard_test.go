package chat

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// Hostile templates must fail with an error, quickly, without crashing the
// process (Go cannot recover from stack or memory exhaustion).
func TestHostileTemplates(t *testing.T) {
	cases := map[string]string{
		"string_repeat":      "{{ 'x' * 100000000000 }}",
		"string_repeat_neg":  "{{ 'x' * -5 }}!",
		"doubling_set":       "{% set s = 'xxxxxxxx' %}{% for i in range(60) %}{% set s = s ~ s %}{% endfor %}{{ s|length }}",
		"doubling_ns":        "{% set ns = namespace(s='xxxxxxxx') %}{% for i in range(60) %}{% set ns.s = ns.s + ns.s %}{% endfor %}{{ ns.s|length }}",
		"replace_bomb":       "{% set s = 'x' * 100000 %}{{ s.replace('x', s) }}",
		"replace_filter":     "{% set s = 'x' * 100000 %}{{ s|replace('x', s) }}",
		"center_width":       "{{ 'x'.center(100000000000) }}",
		"indent_width":       "{{ 'a\nb'|indent(100000000000) }}",
		"format_width":       "{{ '{:>100000000000}'.format(1) }}",
		"join_bomb":          "{% set s = 'x' * 1000000 %}{{ ([s] * 1000)|join(s) }}",
		"huge_range":         "{% for i in range(10000000000) %}{% endfor %}",
		"nested_range":       "{% for i in range(100000) %}{% for j in range(20000) %}{% endfor %}{% endfor %}",
		"macro_recursion":    "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}",
		"mutual_recursion":   "{% macro a() %}{{ b() }}{% endmacro %}{% macro b() %}{{ a() }}{% endmacro %}{{ a() }}",
		"recursive_loop":     "{% for x in [1] recursive %}{{ loop([1]) }}{% endfor %}",
		"include":            "{% include '/etc/passwd' %}",
		"import":             "{% import '/etc/passwd' as x %}",
		"extends":            "{% extends '/etc/passwd' %}",
		"deep_parens":        strings.Repeat("(", 100000) + "1" + strings.Repeat(")", 100000),
		"deep_parens_tag":    "{{ " + strings.Repeat("(", 100000) + "1" + strings.Repeat(")", 100000) + " }}",
		"deep_not":           "{{ " + strings.Repeat("not ", 50000) + "x }}",
		"deep_minus":         "{{ " + strings.Repeat("-", 200000) + "1 }}",
		"long_chain":         "{{ 1" + strings.Repeat(" + 1", 50000) + " }}",
		"deep_blocks":        strings.Repeat("{% if true %}", 10000) + strings.Repeat("{% endif %}", 10000),
		"guard_shadow":       "{% set __docent_guard = 1 %}{% for i in range(3) %}{{ i }}{% endfor %}",
		"output_bomb":        "{% set s = 'x' * 10000000 %}{% for i in range(100) %}{{ s }}{% endfor %}",
		"tojson_bomb":        "{% set s = 'x' * 10000000 %}{{ ([s] * 10)|tojson }}",
		"list_repeat":        "{{ ([1] * 100000000)|length }}",
		"power":              "{{ 10 ** 100000 }}",
		"unterminated":       "{{ 'abc",
		"unterminated_block": "{% if true %}x",
		"bad_filter":         "{{ x|nosuchfilter }}",
		"raise_empty":        "{{ raise_exception() }}",
		"strftime_bad":       "{{ strftime_now(1) }}",
		"dict_cycle":         "{% set d = {} %}{% set d.self = d %}{{ d }}",
		"namespace_cycle":    "{% set ns = namespace(a=1) %}{% set ns.self = ns %}{{ ns }}",
		"namespace_cycle2":   "{% set ns = namespace(a=1) %}{% set ns.l = [1, [ns]] %}{{ ns }}{{ ns.items() }}",
		"namespace_cycle3":   "{% set ns = namespace() %}{% set n2 = namespace(x=ns) %}{% set ns.b = n2 %}{{ ns|string }}",
	}
	defer func(d time.Duration) { renderTimeLimit = d }(renderTimeLimit)
	renderTimeLimit = time.Second
	for name, src := range cases {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			tpl, err := New(src)
			if err != nil {
				t.Logf("refused: %.200v", err) // refusing to parse is fine
				return
			}
			out, err := tpl.Render(Input{})
			if d := time.Since(start); d > renderTimeLimit+10*time.Second { // generous: CI machines are loaded
				t.Errorf("took %s", d)
			}
			if len(out) > MaxOutputSize {
				t.Errorf("output of %d bytes", len(out))
			}
			t.Logf("out %d bytes, err %v", len(out), err)
		})
	}
}

func TestStringRepeatSemantics(t *testing.T) {
	for src, want := range map[string]string{
		"{{ 'ab' * 0 }}|{{ 'ab' * -1 }}|{{ 2 * 'ab' }}|{{ [1] * 2 }}": "||abab|[1, 1]",
		"{{ 2 ** 10 }} {{ 2 ** -1 }} {{ 2.0 ** 2 }}":                  "1024 0.5 4.0",
	} {
		tpl, err := New(src)
		if err != nil {
			t.Fatal(err)
		}
		got, err := tpl.Render(Input{})
		if err != nil || got != want {
			t.Errorf("%s: got %q, %v; want %q", src, got, err, want)
		}
	}
}

func TestFileAccessRefused(t *testing.T) {
	for _, src := range []string{"{% include 'x.jinja' %}", "{% import 'x' as y %}", "{% from 'x' import y %}", "{% extends 'x' %}"} {
		tpl, err := New(src)
		if err == nil {
			_, err = tpl.Render(Input{})
		}
		if err == nil {
			t.Errorf("%s: no error", src)
		}
	}
}

func TestRenderCancelled(t *testing.T) {
	tpl, err := New("{% for i in range(100000) %}{% for j in range(20000) %}{% endfor %}{% endfor %}")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = tpl.RenderContext(ctx, Input{})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("got %v, want deadline exceeded", err)
	}
	if d := time.Since(start); d > 5*time.Second { // granularity: one inner loop of up to maxRange items
		t.Errorf("cancel took %s", d)
	}
}

// Long numbers in ordinary text (phone numbers, ids, tool results) are
// content, not format widths.
func TestLongNumbersInContent(t *testing.T) {
	out, err := ChatML().Render(Input{Messages: []Message{{Role: "user", Content: "call 0031205550199 or order 123456789012345"}}})
	if err != nil || !strings.Contains(out, "123456789012345") {
		t.Fatalf("render: %q, %v", out, err)
	}
}
