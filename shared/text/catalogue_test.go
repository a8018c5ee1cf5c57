package text_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ikone-ds/wissensnetz/shared/text"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// moduleRoot is the directory of go.mod, seen from this package.
const moduleRoot = "../.."

// keyCall says where a function that takes a text key has it: the index of the key among
// the arguments and the index where the arguments for its verbs start; args < 0 when the
// call does not pass them (a field label, a format filled in later).
type keyCall struct{ key, args int }

// keyCalls are the functions and methods, by name, that take a text key as a string
// literal. Calls of other functions with the same name pass no key; their literals do not
// look like keys and are skipped.
var keyCalls = map[string]keyCall{
	"E":          {1, 2},  // wiki.E(code, key, args...)
	"FieldError": {2, 3},  // wiki.FieldError(code, field, key, args...)
	"M":          {0, 1},  // text.M(key, args...)
	"Text":       {0, 1},  // Catalogue.Text(key, args...)
	"T":          {0, -1}, // web.T(key): the template function, sometimes a format for fmt
	"add":        {1, 2},  // wiki's field errors: add(field, key, args...)
	"text":       {1, -1}, // wiki's field errors: text(field, label, ...)
	"list":       {1, -1}, // wiki's field errors: list(field, label, ...)
	"problem":    {1, 2},  // app's import: problem(line, key, args...)
	"limit":      {2, -1}, // app's limit(throttle, viewer, key): the limit is its argument
	"short":      {0, -1}, // wiki.Compare: short(label, old, new)
	"long":       {0, -1}, // wiki.Compare: long(label, old, new)
}

// keyPattern is what a key looks like: lower-case words joined by dots.
var keyPattern = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$`)

// templateKey finds the keys of the template function t.
var templateKey = regexp.MustCompile(`\bt "([^"]+)"`)

// use is one place that names a key.
type use struct {
	pos  string
	key  string
	args int // arguments passed for the verbs; -1: not checkable
}

// scan returns every use of a key in the module's Go sources (tests left out) and
// templates, and every string literal, for TestEveryTextIsUsed.
func scan(t *testing.T) (uses []use, literals map[string]bool) {
	t.Helper()
	literals = map[string]bool{}
	err := filepath.WalkDir(moduleRoot, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != moduleRoot && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		switch {
		case strings.HasSuffix(path, ".html") && strings.Contains(path, "templates"):
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for _, m := range templateKey.FindAllStringSubmatch(string(b), -1) {
				uses = append(uses, use{pos: path, key: m[1], args: -1})
				literals[m[1]] = true
			}
		case strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go"):
			uses = append(uses, scanGo(t, path, literals)...)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(uses) < 500 {
		t.Fatalf("found %d uses of text keys, want the whole module (at least 500)", len(uses))
	}
	return uses, literals
}

func scanGo(t *testing.T, path string, literals map[string]bool) []use {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	var uses []use
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BasicLit:
			if s, ok := stringLit(n); ok {
				literals[s] = true
			}
		case *ast.CallExpr:
			var name string
			switch fn := n.Fun.(type) {
			case *ast.Ident:
				name = fn.Name
			case *ast.SelectorExpr:
				name = fn.Sel.Name
			}
			kc, ok := keyCalls[name]
			if !ok || kc.key >= len(n.Args) {
				return true
			}
			lit, ok := n.Args[kc.key].(*ast.BasicLit)
			if !ok {
				return true
			}
			key, ok := stringLit(lit)
			if !ok || !keyPattern.MatchString(key) {
				return true
			}
			u := use{pos: fset.Position(lit.Pos()).String(), key: key, args: -1}
			if kc.args >= 0 && !n.Ellipsis.IsValid() {
				u.args = len(n.Args) - kc.args
			}
			uses = append(uses, u)
		}
		return true
	})
	return uses
}

func stringLit(l *ast.BasicLit) (string, bool) {
	if l.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(l.Value)
	return s, err == nil
}

// verb matches one fmt verb with its flags, width, precision and argument index. The space
// flag is left out on purpose: "90 % Förderung" is text, not a verb.
var verb = regexp.MustCompile(`%%|%(?:\[(\d+)\])?[+\-#0]*(?:\d+|\*)?(?:\.(?:\d+|\*)?)?(?:\[(\d+)\])?[vTtbcdoOqxXUeEfFgGsp]`)

// verbs returns how many arguments the format s takes.
func verbs(s string) int {
	n, next := 0, 0
	for _, m := range verb.FindAllStringSubmatch(s, -1) {
		if m[0] == "%%" {
			continue
		}
		if idx := m[1] + m[2]; idx != "" {
			next, _ = strconv.Atoi(idx)
		} else {
			next++
		}
		n = max(n, next)
	}
	return n
}

// TestEveryKeyHasText fails for a key that the code or a template uses and the German
// catalogue lacks, and for a call that passes another number of arguments than the text
// has verbs.
func TestEveryKeyHasText(t *testing.T) {
	uses, _ := scan(t)
	for _, u := range uses {
		s, ok := text.German.Raw(u.key)
		switch {
		case !ok:
			t.Errorf("%s: the catalogue lacks %q", u.pos, u.key)
		case u.args >= 0 && u.args != verbs(s):
			t.Errorf("%s: %q gets %d arguments, but its text has %d verbs: %q", u.pos, u.key, u.args, verbs(s), s)
		}
	}
}

// TestLabelsHaveTexts checks the keys that are made from values: the labels of kinds,
// project statuses, visibilities, states and roles.
func TestLabelsHaveTexts(t *testing.T) {
	var keys []string
	for _, k := range wiki.Kinds {
		keys = append(keys, k.LabelKey())
	}
	for _, s := range wiki.ProjectStatuses {
		keys = append(keys, s.LabelKey())
	}
	for _, v := range wiki.Visibilities {
		keys = append(keys, v.LabelKey())
	}
	for _, s := range wiki.States {
		keys = append(keys, s.LabelKey())
	}
	for _, r := range append(wiki.Roles, "") {
		keys = append(keys, r.LabelKey())
	}
	for _, k := range keys {
		if !text.German.Has(k) {
			t.Errorf("the catalogue lacks the label %q", k)
		}
	}
}

// TestEveryTextIsUsed fails for a text that no code names: by its key, or by a prefix
// ending in a dot to which the code adds a value ("kind." + kind).
func TestEveryTextIsUsed(t *testing.T) {
	_, literals := scan(t)
	var prefixes []string
	for l := range literals {
		if strings.HasSuffix(l, ".") && keyPattern.MatchString(strings.TrimSuffix(l, ".")) {
			prefixes = append(prefixes, l)
		}
	}
	for _, key := range text.German.Keys() {
		if literals[key] {
			continue
		}
		used := false
		for _, p := range prefixes {
			used = used || strings.HasPrefix(key, p)
		}
		if !used {
			t.Errorf("no code uses the text %q", key)
		}
	}
}

func TestVerbs(t *testing.T) {
	for _, tt := range []struct {
		format string
		want   int
	}{
		{"kein Verb", 0},
		{"%s ist zu lang (höchstens %d Zeichen, jetzt %d).", 3},
		{"100 %% sicher: %q", 1},
		{"ca. 45.000 € (davon 90 % Förderung)", 0},
		{"%[2]s vor %[1]s", 2},
		{"%5.2f und %-8v", 2},
	} {
		if got := verbs(tt.format); got != tt.want {
			t.Errorf("verbs(%q) = %d, want %d", tt.format, got, tt.want)
		}
	}
}

func TestText(t *testing.T) {
	c := text.German
	if got, want := c.Text("validate.too_short", text.M("field.title"), 5), "Titel ist zu kurz (mindestens 5 Zeichen)."; got != want {
		t.Errorf("nested message: got %q, want %q", got, want)
	}
	if got := c.Text("no.such.key"); got != "no.such.key" {
		t.Errorf("missing key: got %q, want the key", got)
	}
	if got := c.Render(text.Message{}); got != "" {
		t.Errorf("zero message: got %q, want none", got)
	}
	args := []any{text.M("field.title"), 5}
	c.Text("validate.too_short", args...)
	if _, ok := args[0].(text.Message); !ok {
		t.Error("Text changed the caller's arguments")
	}
}
