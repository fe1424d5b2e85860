package chat

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// fixtureNow is the clock the fixtures were rendered with.
var fixtureNow = func() time.Time { return time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC) }

type fixtureCase struct {
	Input    CaseInput `json:"input"`
	Expected *string   `json:"expected"`
	Error    *string   `json:"error"`
}

type fixtureFile struct {
	Template string                 `json:"template"`
	BOS      string                 `json:"bos_token"`
	EOS      string                 `json:"eos_token"`
	Cases    map[string]fixtureCase `json:"cases"`
}

const repoFixtures = "../../testdata/chat-templates"
const sharedFixtures = "../../../shared/testdata/chat-templates"

func fixtureNames(t *testing.T, dir string) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*.jinja"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range paths {
		names = append(names, strings.TrimSuffix(filepath.Base(p), ".jinja"))
	}
	sort.Strings(names)
	return names
}

func loadFixture(t *testing.T, dir, name string) (string, fixtureFile) {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(dir, name+".jinja"))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, name+".expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f fixtureFile
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return string(src), f
}

func TestFixtures(t *testing.T) {
	names := fixtureNames(t, repoFixtures)
	if len(names) < 5 {
		t.Fatalf("found %d fixtures in %s, want at least 5", len(names), repoFixtures)
	}
	for _, name := range names {
		src, f := loadFixture(t, repoFixtures, name)
		tpl, err := New(src)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		caseNames := make([]string, 0, len(f.Cases))
		for c := range f.Cases {
			caseNames = append(caseNames, c)
		}
		sort.Strings(caseNames)
		for _, cn := range caseNames {
			c := f.Cases[cn]
			t.Run(name+"/"+cn, func(t *testing.T) {
				in := c.Input.Input()
				in.BOS, in.EOS, in.Now = f.BOS, f.EOS, fixtureNow
				got, err := tpl.Render(in)
				switch {
				case c.Expected != nil:
					if err != nil {
						t.Fatalf("render: %v", err)
					}
					if got != *c.Expected {
						t.Errorf("rendering differs\n got: %q\nwant: %q", got, *c.Expected)
					}
				case c.Error != nil:
					var re *RaiseError
					if !errors.As(err, &re) {
						t.Fatalf("want raise_exception(%q), got %q, %v", *c.Error, got, err)
					}
					if re.Message != *c.Error {
						t.Errorf("raised %q, want %q", re.Message, *c.Error)
					}
				default:
					t.Fatal("case has neither expected nor error")
				}
			})
		}
	}
}

// TestFixturesMatchShared checks the repo copy against ../shared.
func TestFixturesMatchShared(t *testing.T) {
	if _, err := os.Stat(sharedFixtures); err != nil {
		t.Skipf("shared fixtures not present (%s): %v", sharedFixtures, err)
	}
	for _, name := range fixtureNames(t, sharedFixtures) {
		for _, ext := range []string{".jinja", ".expected.json"} {
			a, err := os.ReadFile(filepath.Join(sharedFixtures, name+ext))
			if err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(filepath.Join(repoFixtures, name+ext))
			if err != nil {
				t.Errorf("%s%s missing from the repo copy: %v", name, ext, err)
				continue
			}
			if !bytes.Equal(a, b) {
				t.Errorf("%s%s differs between %s and %s", name, ext, sharedFixtures, repoFixtures)
			}
		}
	}
}
