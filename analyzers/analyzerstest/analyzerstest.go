// Package analyzerstest runs analyzers over annotated test cases, in the
// manner of golang.org/x/tools/go/analysis/analysistest.
//
// A case is a txtar archive (testdata/<analyzer>/<case>.txtar). Its files
// are written to a temporary directory; the root's go.mod, go.sum, go.work
// and go.work.sum form the snapshot, other files (replacement modules) sit
// beside them. Expected diagnostics are written on the lines that should get
// them as end-of-line comments in go.mod and go.work:
//
//	golang.org/x/text v1.2 // want invalid-version "not canonical"
//
// A comment may hold several expectations ("want code1 \"re1\" code2 \"re2\"").
// A code may carry the expected severity after a colon
// ("want unknown-version:warning \"re\"").
// go.sum cannot hold comments, so its expectations live in a file named
// "want" with lines of the form "go.sum:3 sum-malformed \"regexp\"".
//
// A section named "<file>.golden" holds the file's text after applying the
// first fix of every diagnostic that has edits in that file.
//
// A section named "env" sets the case's Go environment, one NAME=VALUE per
// line ("#" starts a comment line), over Options.Env; "$ROOT" in a value is
// the case's directory (GOVERSION is read from $GOROOT/VERSION: give a case
// its own Go release with a goroot/VERSION file and GOROOT=$ROOT/goroot). A
// section named "settings.json" holds settings applied over
// Options.Settings.
package analyzerstest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/gomodls/gomodls/analyzers"
	"github.com/gomodls/gomodls/fixes"
	"github.com/gomodls/gomodls/internal/checker"
	"github.com/gomodls/gomodls/internal/goenv"
	"github.com/gomodls/gomodls/internal/settings"
	"github.com/gomodls/gomodls/internal/snapshot"
	"github.com/gomodls/gomodls/internal/vulndb/osv"
)

// Options configure a run.
type Options struct {
	// Env is added to a hermetic environment (no go binary is run):
	// GOVERSION=go1.26.8, GOTOOLCHAIN=local, GOPROXY=off, GOENV=off unless
	// overridden.
	Env map[string]string
	// Settings, if set, replaces the default settings.
	Settings *settings.Settings
	// Source is the module source for network analyzers.
	Source snapshot.Source
	// NewSource, if set, builds the module source from the case's
	// environment (so that both see the same GOPROXY).
	NewSource func(t testing.TB, env *goenv.Env) snapshot.Source
	// Vulns is the vulnerability database client for the vulns analyzer.
	Vulns osv.Source
}

// Run runs the analyzers on every case in dir (a directory of .txtar files)
// as subtests.
func Run(t *testing.T, dir string, opts Options, list ...*analyzers.Analyzer) {
	t.Helper()
	cases, err := filepath.Glob(filepath.Join(dir, "*.txtar"))
	if err != nil || len(cases) == 0 {
		t.Fatalf("no test cases in %s", dir)
	}
	for _, c := range cases {
		t.Run(strings.TrimSuffix(filepath.Base(c), ".txtar"), func(t *testing.T) {
			RunCase(t, c, opts, list...)
		})
	}
}

// WriteFiles writes files (slash-separated names relative to dir, with
// their directories) for a test.
func WriteFiles(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// Env returns a hermetic effective environment for tests.
func Env(t testing.TB, extra map[string]string) *goenv.Env {
	t.Helper()
	over := map[string]string{
		"GOVERSION":   "go1.26.8",
		"GOTOOLCHAIN": "local",
		"GOPROXY":     "off",
		"GOFLAGS":     "-modcacherw",
	}
	for k, v := range extra {
		over[k] = v
	}
	tmp := t.TempDir()
	env, err := goenv.Load(context.Background(), goenv.Options{
		Environ:   []string{"HOME=" + tmp, "GOENV=off", "PATH=", "GOPATH=" + filepath.Join(tmp, "gopath")},
		Overrides: over,
		GoCommand: "-",
		Dir:       tmp,
	})
	if err != nil {
		t.Fatal(err)
	}
	return env
}

// RunCase runs the analyzers on one case file.
func RunCase(t *testing.T, file string, opts Options, list ...*analyzers.Analyzer) []analyzers.Diagnostic {
	t.Helper()
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	goldens := map[string][]byte{}
	var wantFile, envSection, settingsFile []byte
	for _, f := range ar.Files {
		switch {
		case strings.HasSuffix(f.Name, ".golden"):
			goldens[strings.TrimSuffix(f.Name, ".golden")] = f.Data
			continue
		case f.Name == "want":
			wantFile = f.Data
			continue
		case f.Name == "env":
			envSection = f.Data
			continue
		case f.Name == "settings.json":
			settingsFile = f.Data
			continue
		}
		p := filepath.Join(root, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	contents, err := snapshot.ReadDir(nil, root)
	if err != nil {
		t.Fatal(err)
	}
	set := opts.Settings
	if set == nil {
		set = settings.Default()
	}
	if settingsFile != nil {
		var problems []string
		if set, problems = settings.Decode(set, settingsFile); len(problems) > 0 {
			t.Fatalf("settings.json: %v", problems)
		}
	}
	env := Env(t, caseEnv(t, opts.Env, envSection, root))
	src := opts.Source
	if opts.NewSource != nil {
		src = opts.NewSource(t, env)
	}
	snap := snapshot.Build(root, contents, env, set, nil, src)
	snap.Vulns = opts.Vulns
	diags, failures := checker.Run(context.Background(), snap, list)
	for _, f := range failures {
		t.Errorf("analyzer failed: %v", f)
	}
	checkCodesDeclared(t, diags, list)
	wants := parseWants(t, snap, wantFile)
	matchWants(t, snap, diags, wants)
	for name, golden := range goldens {
		kind, ok := snapshot.KindOf(name)
		if !ok {
			t.Fatalf("golden for unknown file %s", name)
		}
		var edits []fixes.Edit
		for _, d := range diags {
			if len(d.Fixes) == 0 {
				continue
			}
			for _, e := range d.Fixes[0].Edits {
				if e.File == kind {
					edits = append(edits, e)
				}
			}
		}
		got := fixes.Apply(snap.Content(kind), edits)
		if string(got) != string(golden) {
			t.Errorf("%s after fixes:\n%s\nwant:\n%s", name, got, golden)
		}
	}
	return diags
}

// caseEnv is base with the NAME=VALUE lines of a case's env section.
func caseEnv(t *testing.T, base map[string]string, section []byte, root string) map[string]string {
	t.Helper()
	env := map[string]string{}
	for k, v := range base {
		env[k] = v
	}
	for i, line := range strings.Split(string(section), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("env:%d: want NAME=VALUE, got %q", i+1, line)
		}
		env[k] = strings.ReplaceAll(v, "$ROOT", root)
	}
	return env
}

func checkCodesDeclared(t *testing.T, diags []analyzers.Diagnostic, list []*analyzers.Analyzer) {
	t.Helper()
	declared := map[*analyzers.Code]bool{}
	for _, a := range list {
		for _, c := range a.Codes {
			declared[c] = true
		}
	}
	for _, d := range diags {
		if !declared[d.Code] {
			t.Errorf("diagnostic with undeclared code %s: %s", d.Code.Name, d.Message)
		}
	}
}

type want struct {
	file     snapshot.FileKind
	line     int // 0-based
	code     string
	severity string // "" for any
	re       *regexp.Regexp
	matched  bool
}

var wantRE = regexp.MustCompile(`([a-z][a-z0-9-]*)(?::(error|warning|info|hint))?\s+("(?:[^"\\]|\\.)*"|` + "`[^`]*`" + `)`)

func parseWants(t *testing.T, snap *snapshot.Snapshot, wantFile []byte) []*want {
	t.Helper()
	var wants []*want
	add := func(kind snapshot.FileKind, line int, text string) {
		for _, m := range wantRE.FindAllStringSubmatch(text, -1) {
			pat, err := strconv.Unquote(m[3])
			if err != nil {
				t.Fatalf("%s:%d: bad want pattern %s", kind, line+1, m[3])
			}
			wants = append(wants, &want{file: kind, line: line, code: m[1], severity: m[2], re: regexp.MustCompile(pat)})
		}
	}
	for _, kind := range []snapshot.FileKind{snapshot.GoMod, snapshot.GoWork} {
		content := snap.Content(kind)
		if content == nil {
			continue
		}
		for i, line := range strings.Split(string(content), "\n") {
			if _, after, ok := strings.Cut(line, "// want "); ok {
				add(kind, i, after)
			}
		}
	}
	for i, line := range strings.Split(string(wantFile), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		loc, rest, _ := strings.Cut(line, " ")
		name, num, ok := strings.Cut(loc, ":")
		kind, kok := snapshot.KindOf(name)
		n, err := strconv.Atoi(num)
		if !ok || !kok || err != nil {
			t.Fatalf("want:%d: want FILE:LINE code \"regexp\", got %q", i+1, line)
		}
		add(kind, n-1, rest)
	}
	return wants
}

func matchWants(t *testing.T, snap *snapshot.Snapshot, diags []analyzers.Diagnostic, wants []*want) {
	t.Helper()
	for _, d := range diags {
		line := snap.Mapper(d.File).Line(d.Span.Start)
		found := false
		for _, w := range wants {
			if !w.matched && w.file == d.File && w.line == line && w.code == d.Code.Name && w.re.MatchString(d.Message) &&
				(w.severity == "" || w.severity == d.Severity.String()) {
				w.matched, found = true, true
				break
			}
		}
		if !found {
			t.Errorf("%s:%d: unexpected diagnostic: %s: %s [%s]", d.File, line+1, d.Severity, d.Message, d.Code.Name)
		}
	}
	sort.Slice(wants, func(i, j int) bool { return wants[i].line < wants[j].line })
	for _, w := range wants {
		if !w.matched {
			t.Errorf("%s:%d: no diagnostic matched %s %q", w.file, w.line+1, w.code, w.re)
		}
	}
}

// Format renders a diagnostic as "file:line:col: code: message", for test
// failure messages.
func Format(snap *snapshot.Snapshot, d analyzers.Diagnostic) string {
	l, c := snap.Mapper(d.File).BytePosition(d.Span.Start)
	return fmt.Sprintf("%s:%d:%d: %s: %s", d.File, l, c, d.Code.Name, d.Message)
}
