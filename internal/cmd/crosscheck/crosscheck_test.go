package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"

	"github.com/gomodls/gomodls/internal/report"
)

// Real stderr of `go list -m all` (go1.26.8, this machine's filtered proxy).
const listStderr = `go: github.com/cespare/xxhash@v2.1.2+incompatible: reading https://proxy.golang.org/github.com/cespare/xxhash/@v/v2.1.2+incompatible.info: 403 Forbidden
	server response: This module version is not available.
go: github.com/pkg/errors@v0.9.9: reading https://proxy.golang.org/github.com/pkg/errors/@v/v0.9.9.info: 403 Forbidden
	server response: This module version is not available.
go: golang.org/x/sync@v0.10.0 (replaced by golang.org/x/sync@v0.99.0): reading https://proxy.golang.org/golang.org/x/sync/@v/v0.99.0.mod: 403 Forbidden
	server response: This module version is not available.
go: example.com/a@v1.0.0 requires
	example.com/b@v1.2.0 requires
	example.com/c@v0.1.0: module example.com/c@v0.1.0 requires go >= 1.99 (running go 1.26.8; GOTOOLCHAIN=local)
go: warning: "all" matched no packages
`

func TestParseGoErrors(t *testing.T) {
	fs := ParseGoErrors(listStderr)
	if len(fs) != 4 {
		t.Fatalf("got %d failures, want 4: %+v", len(fs), fs)
	}
	if got := fs[0].Failing(); got != (module.Version{Path: "github.com/cespare/xxhash", Version: "v2.1.2+incompatible"}) {
		t.Errorf("failing module = %v", got)
	}
	if !strings.Contains(fs[1].Msg, "This module version is not available.") {
		t.Errorf("continuation line lost: %q", fs[1].Msg)
	}
	if fs[2].Replacement == nil || *fs[2].Replacement != (module.Version{Path: "golang.org/x/sync", Version: "v0.99.0"}) {
		t.Errorf("replacement = %v", fs[2].Replacement)
	}
	if len(fs[3].Stack) != 3 || fs[3].Stack[0].Path != "example.com/a" || fs[3].Failing().Path != "example.com/c" {
		t.Errorf("stack = %v", fs[3].Stack)
	}

	// The main go.mod does not parse: one failure per line it names.
	main := ParseGoErrors("go: errors parsing go.mod:\n/tmp/x/go.mod:7:2: usage: require module/path v1.2.3\n/tmp/x/go.mod:9: unknown directive: foo\n")
	if len(main) != 2 || main[0].Line != 7 || main[1].Line != 9 || len(main[0].Stack) != 0 {
		t.Errorf("main go.mod errors = %+v", main)
	}
}

const testGoMod = `module example.com/m

go 1.22

require (
	example.com/pseudo v0.0.0-20240526193622-a339e1f7089c
	example.com/typo v0.99.0
	example.com/private v1.0.0
	example.com/silent v1.0.0
	example.com/replaced v1.0.0
	example.com/root v1.0.0
)

exclude example.com/typo v0.98.0

replace example.com/replaced => example.com/fork v0.0.1

replace example.com/gone => ./gone
`

func finding(line int, sev, code, msg string) report.Finding {
	return report.Finding{Path: "go.mod", Line: line, Severity: sev, Code: code, Message: msg}
}

func mv(s string) module.Version {
	m, _ := parseModVersion(s)
	return m
}

func TestCompare(t *testing.T) {
	f, err := modfile.Parse("go.mod", []byte(testGoMod), nil)
	if err != nil {
		t.Fatal(err)
	}
	notAvailable := "reading https://proxy.golang.org/x/@v/v.info: 403 Forbidden\n\tserver response: This module version is not available."
	g := &GoResult{
		BuildList: []GoModule{
			{Path: "example.com/m", Main: true},
			{Path: "example.com/pseudo", Version: "v0.0.0-20240526193622-a339e1f7089c"},
			{Path: "example.com/typo", Version: "v0.99.0", Error: &struct{ Err string }{"example.com/typo@v0.99.0: " + notAvailable}},
			{Path: "example.com/private", Version: "v1.0.0", Error: &struct{ Err string }{"example.com/private@v1.0.0: " + notAvailable}},
			{Path: "example.com/silent", Version: "v1.0.0", Error: &struct{ Err string }{"example.com/silent@v1.0.0: " + notAvailable}},
			{Path: "example.com/replaced", Version: "v1.0.0", Replace: &GoModule{Path: "example.com/fork", Version: "v0.0.1"}},
			{Path: "example.com/root", Version: "v1.0.0"},
			{Path: "example.com/deep", Version: "v2.0.0", Error: &struct{ Err string }{"example.com/deep@v2.0.0: " + notAvailable}},
		},
		Probes: map[module.Version]Probe{mv("example.com/typo@v0.98.0"): {Err: notAvailable}},
	}
	for _, m := range g.BuildList {
		if e := m.Err(); e != "" {
			g.Failures = append(g.Failures, GoFailure{Stack: []module.Version{{Path: m.Path, Version: m.Version}}, Msg: e, Source: "list -m all"})
		}
	}
	// The module graph: root's go.mod requires a module whose go.mod
	// declares another path.
	g.Failures = append(g.Failures, ParseGoErrors("go: example.com/root@v1.0.0 requires\n\texample.com/x@v1.0.0: parsing go.mod:\n\tmodule declares its path as: example.com/y\n\t        but was required as: example.com/x\n")...)
	// The same module twice (its Error field and the graph's error).
	g.Failures = append(g.Failures, GoFailure{Stack: []module.Version{mv("example.com/typo@v0.99.0")}, Msg: "example.com/typo@v0.99.0: reading .../v0.99.0.mod: 403", Source: "module graph"})

	findings := []report.Finding{
		finding(6, "error", "invalid-version", "invalid pseudo-version: does not match version-control timestamp"),
		finding(7, "error", "unknown-version", "example.com/typo@v0.99.0 does not exist"),
		finding(8, "error", "private-module-not-configured", "looks private"),
		finding(9, "warning", "deprecated-module", "deprecated"),
		finding(11, "error", "module-path-mismatch", "declares example.com/y"),
		finding(14, "error", "unknown-version", "excluded version does not exist"),
		finding(18, "error", "replace-dir-missing", "./gone does not exist"),
		finding(6, "hint", "upgrade-available", "v1 is available"),
	}
	c := Compare(f, nil, findings, g)

	type counts struct{ Requires, GoFailLines, BothFail, FalseErrors, Misses, WrongCauses, Unattributed, Warnings, Infos, Hints int }
	want := counts{Requires: 6, GoFailLines: 4, BothFail: 3, FalseErrors: 3, Misses: 1, WrongCauses: 1, Unattributed: 1, Warnings: 1, Hints: 1}
	got := counts{c.Requires, c.GoFailLines, c.BothFail, c.FalseErrors, c.Misses, c.WrongCauses, c.Unattributed, c.Warnings, c.Infos, c.Hints}
	if got != want {
		t.Errorf("counts:\n got %+v\nwant %+v", got, want)
	}
	kinds := map[int]string{}
	for _, d := range c.Disagreements {
		kinds[d.Line] = d.Kind
	}
	wantKinds := map[int]string{6: FalseError, 8: WrongCause, 9: Miss, 14: FalseError, 18: FalseError}
	for line, k := range wantKinds {
		if kinds[line] != k {
			t.Errorf("line %d: kind %q, want %q (all: %v)", line, kinds[line], k, kinds)
		}
	}
	if len(kinds) != len(wantKinds) {
		t.Errorf("disagreements on lines %v, want %v", kinds, wantKinds)
	}
	for _, d := range c.Disagreements {
		switch d.Line {
		case 9:
			if !strings.Contains(d.Gomodls, "deprecated-module") {
				t.Errorf("a miss shows gomodls' warnings: %q", d.Gomodls)
			}
		case 14:
			if !strings.HasPrefix(d.Go, "ignored:") || !strings.Contains(d.Probe, "not available") {
				t.Errorf("exclude: go %q, probe %q", d.Go, d.Probe)
			}
		case 18:
			if !strings.Contains(d.Go, "not in the build list") {
				t.Errorf("replace of a module outside the build list: go %q", d.Go)
			}
		}
	}
	if len(c.GoOnly) != 1 || !strings.Contains(c.GoOnly[0].Text, "example.com/deep") {
		t.Errorf("go-only failures = %+v", c.GoOnly)
	}
	// The replaced require is ignored, and its replacement fetched fine.
	for _, d := range append(c.Disagreements, c.Agreements...) {
		if d.Line == 10 || d.Line == 16 {
			t.Errorf("unexpected verdict on line %d: %+v", d.Line, d)
		}
	}
}

func TestCompareFatal(t *testing.T) {
	f, err := modfile.Parse("go.mod", []byte("module m\n\ngo 1.99\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	g := &GoResult{Fatal: "go: go.mod requires go >= 1.99 (running go 1.26.8; GOTOOLCHAIN=local)"}
	g.Failures = mainModuleFailures(g.Fatal)
	c := Compare(f, nil, nil, g)
	if c.Misses != 1 || len(c.Disagreements) != 1 || c.Disagreements[0].Line != 3 {
		t.Fatalf("go line too new: %+v", c)
	}
	c = Compare(f, nil, []report.Finding{finding(3, "error", "go-version-unsupported", "too new")}, g)
	if c.Misses != 0 || c.BothFail != 1 || c.WrongCauses != 0 {
		t.Fatalf("go line too new, reported: %+v", c)
	}
}

func TestCompareSums(t *testing.T) {
	f, err := modfile.Parse("go.mod", []byte("module m\n\ngo 1.22\n\nrequire example.com/a v1.0.0\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	sums := SumLines([]byte("example.com/a v1.0.0 h1:AAA=\nexample.com/a v1.0.0/go.mod h1:BBB=\nexample.com/b v1.0.0 h1:CCC=\n"))
	if len(sums) != 3 || sums[1].Mod != mv("example.com/a@v1.0.0") || sums[2].Line != 3 {
		t.Fatalf("SumLines = %+v", sums)
	}
	findings := []report.Finding{
		{Path: "go.sum", Line: 1, Severity: "error", Code: "sum-mismatch", Message: "mismatch"},
		{Path: "go.sum", Line: 3, Severity: "error", Code: "sum-mismatch", Message: "mismatch"},
	}
	if got := doubtedSums(sums, findings); len(got) != 2 {
		t.Fatalf("doubtedSums = %v", got)
	}
	g := &GoResult{
		BuildList: []GoModule{{Path: "m", Main: true}, {Path: "example.com/a", Version: "v1.0.0"}},
		SumsOK:    map[module.Version]bool{mv("example.com/b@v1.0.0"): true},
		Failures:  []GoFailure{{Stack: []module.Version{mv("example.com/a@v1.0.0")}, Msg: "verifying example.com/a@v1.0.0: checksum mismatch", Source: "download"}},
	}
	c := Compare(f, sums, findings, g)
	if c.BothFail != 1 || c.FalseErrors != 1 || c.WrongCauses != 0 {
		t.Fatalf("sums: %+v", c)
	}
}

func TestCause(t *testing.T) {
	for msg, want := range map[string]string{
		"reading https://proxy.golang.org/x/@v/v1.info: 403 Forbidden\n\tserver response: This module version is not available.":                         "not found on the proxy",
		"invalid version: git ls-remote -q origin: exit status 128: fatal: unable to access 'https://github.com/x/': Could not resolve host: github.com": "network",
		"invalid version: +incompatible suffix not allowed: module contains a go.mod file":                                                               "invalid version",
		"reading https://proxy.golang.org/x/@v/list: 400 Bad Request\n\tserver response: Go module host not permitted":                                   "host not served",
		"parsing go.mod:\n\tmodule declares its path as: a\n\t        but was required as: b":                                                            "module path mismatch",
		"something new": "",
	} {
		if got, _ := Cause(msg); got != want {
			t.Errorf("Cause(%q) = %q, want %q", msg, got, want)
		}
	}
}

func TestParseList(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "x.mod"), []byte("module x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ins, err := parseList(strings.NewReader("# comment\ntailscale.com@v1.80.0 # trailing\n\nx.mod\n"), dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(ins) != 2 || ins[0].Mod != mv("tailscale.com@v1.80.0") || ins[1].File != filepath.Join(dir, "x.mod") {
		t.Fatalf("inputs = %+v", ins)
	}
	if ins[0].Name() != "tailscale.com@v1.80.0.mod" || ins[1].Name() != "x.mod" {
		t.Errorf("names = %q, %q", ins[0].Name(), ins[1].Name())
	}
	if _, err := parseList(strings.NewReader("nonexistent-file\n"), dir); err == nil {
		t.Error("a line that is neither MODULE@VERSION nor a file: no error")
	}
	if _, err := parseList(strings.NewReader("github.com/BurntSushi/toml@v1.4.0\n"), dir); err != nil {
		t.Errorf("a valid module path with capitals: %v", err)
	}
}

func TestLayOutLocal(t *testing.T) {
	src := t.TempDir()
	if err := os.MkdirAll(filepath.Join(src, "present"), 0o755); err != nil {
		t.Fatal(err)
	}
	gomod := []byte("module m\n\ngo 1.22\n\nreplace a => ./present\n\nreplace b => ./absent\n")
	root := t.TempDir()
	dir, err := layOut("go.mod", gomod, []byte("a v1 h1:x=\n"), root, src)
	if err != nil {
		t.Fatal(err)
	}
	if !dirExists(filepath.Join(dir, "present")) || dirExists(filepath.Join(dir, "absent")) {
		t.Error("a local go.mod gets exactly the replacement directories beside it")
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "go.mod")); !bytes.Equal(data, gomod) {
		t.Errorf("go.mod changed:\n%s", data)
	}
	if _, err := os.Stat(filepath.Join(dir, "go.sum")); err != nil {
		t.Error(err)
	}
	// A fetched module: every replacement directory is there.
	dir, err = layOut("go.mod", gomod, nil, t.TempDir(), "")
	if err != nil {
		t.Fatal(err)
	}
	if !dirExists(filepath.Join(dir, "absent")) {
		t.Error("a fetched go.mod gets every replacement directory")
	}
}

func TestRender(t *testing.T) {
	f, _ := modfile.Parse("go.mod", []byte(testGoMod), nil)
	c := Compare(f, nil, []report.Finding{finding(6, "error", "invalid-version", "a | b\nc")}, &GoResult{BuildList: []GoModule{{Path: "example.com/m", Main: true}}})
	rep := &Report{Files: []*FileReport{
		{Name: "a.mod", HasSum: true, Comparison: c},
		{Name: "b.mod", Error: "go mod download b: 403\nmore"},
	}}
	var md bytes.Buffer
	if err := WriteMarkdown(&md, rep); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| a.mod | 6 | 0 | 0 | **1** | 0 | 0 |", "| b.mod | could not run: go mod download b: 403 |", `a \| b<br>c`, "| invalid-version | 1 | 0 | 0 |"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("markdown lacks %q:\n%s", want, md.String())
		}
	}
	var js bytes.Buffer
	if err := WriteJSON(&js, rep); err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(js.Bytes(), &back); err != nil || len(back.Files) != 2 || back.Files[0].FalseErrors != 1 {
		t.Errorf("JSON round trip: %v %+v", err, back)
	}
}

func TestRequiredVia(t *testing.T) {
	g := &GoResult{Graph: parseModGraph("example.com/m example.com/a@v1.0.0\nexample.com/m example.com/b@v1.0.0\nexample.com/a@v1.0.0 example.com/c@v1.0.0\nexample.com/c@v1.0.0 example.com/d@v1.0.0\nexample.com/b@v1.0.0 go@1.21\n")}
	if got, want := g.RequiredVia(mv("example.com/d@v1.0.0")), "example.com/a@v1.0.0 → example.com/c@v1.0.0 → example.com/d@v1.0.0"; got != want {
		t.Errorf("RequiredVia = %q, want %q", got, want)
	}
	if got := g.RequiredVia(mv("example.com/x@v1.0.0")); got != "" {
		t.Errorf("RequiredVia of a module outside the graph = %q", got)
	}
}

func TestFetchMod(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/good/github.com/!burnt!sushi/toml/@v/v1.4.0.mod" {
			io.WriteString(w, "module github.com/BurntSushi/toml\n")
			return
		}
		http.Error(w, "This module version is not available.", http.StatusForbidden)
	}))
	defer srv.Close()
	m := mv("github.com/BurntSushi/toml@v1.4.0")
	data, err := fetchMod(context.Background(), srv.URL+"/bad,"+srv.URL+"/good|direct", m)
	if err != nil || string(data) != "module github.com/BurntSushi/toml\n" {
		t.Fatalf("fetchMod = %q, %v", data, err)
	}
	if _, err := fetchMod(context.Background(), srv.URL+"/bad,direct", m); err == nil || !strings.Contains(err.Error(), "403") {
		t.Errorf("fetchMod through a refusing proxy: %v", err)
	}
}
