package analyzers_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gomodls/gomodls/analyzers"
	"github.com/gomodls/gomodls/fixes"
	"github.com/gomodls/gomodls/internal/checker"
	"github.com/gomodls/gomodls/internal/goenv"
	"github.com/gomodls/gomodls/internal/modload"
	"github.com/gomodls/gomodls/internal/modproxy"
	"github.com/gomodls/gomodls/internal/proxytest"
	"github.com/gomodls/gomodls/internal/snapshot"
	"github.com/gomodls/gomodls/internal/sumcheck"
)

// The go.sum needs cross-check: a module is set up with the go.sum the go
// command writes for go build, go test and go list -m all; lines are then
// removed, and the real go command (readonly) and gomodls judge the same
// files through the same fixture. For each of the three commands the go
// command fails exactly when gomodls reports an error whose commands
// include it; with a cold module cache (the dependencies' source not on
// the machine) gomodls may only warn that it cannot tell. Applying
// gomodls' fix then makes all three succeed.

type needCase struct {
	name  string
	gomod string            // go.mod after the module line
	files map[string]string // other files of the module
	// drop lists prefixes of the go.sum lines to remove (the go command
	// may not write them at all, when nothing it runs needs them).
	drop []string
	// noGoSum removes go.sum; cold gives gomodls an empty module cache.
	noGoSum, cold bool
	// fail lists the commands the go command fails on.
	fail modload.Cmd
}

const (
	importAssert = "package m\n\nimport _ \"example.com/testify/assert\"\n"
	testifyTidy  = "require example.com/testify v1.9.0\n\nrequire (\n\texample.com/difflib v1.0.0 // indirect\n\texample.com/spew v1.1.1 // indirect\n\texample.com/yaml v1.0.0 // indirect\n)\n"
)

var needCases = []needCase{
	{name: "imported through testify/assert: go-spew's zip line", gomod: "go 1.22\n\n" + testifyTidy,
		files: map[string]string{"m.go": importAssert}, drop: []string{"example.com/spew v1.1.1 "}, fail: modload.Build | modload.Test},
	{name: "imported through testify/assert: go-spew's go.mod line", gomod: "go 1.22\n\n" + testifyTidy,
		files: map[string]string{"m.go": importAssert}, drop: []string{"example.com/spew v1.1.1/go.mod"}, fail: modload.Build | modload.Test | modload.ListAll},
	{name: "go.mod of a module an unpruned dependency requires (check, below yaml)", gomod: "go 1.22\n\n" + testifyTidy,
		files: map[string]string{"m.go": importAssert}, drop: []string{"example.com/check v1.0.0/go.mod"}, fail: modload.ListAll},
	{name: "objx's lines (only testify's mock package and tests import it)", gomod: "go 1.22\n\n" + testifyTidy,
		files: map[string]string{"m.go": importAssert}, drop: []string{"example.com/objx "}},
	{name: "only a test imports testify: its zip line", gomod: "go 1.22\n\n" + testifyTidy,
		files: map[string]string{"m.go": "package m\n", "m_test.go": "package m\n\nimport (\n\t\"testing\"\n\n\t_ \"example.com/testify/assert\"\n)\n\nfunc TestM(t *testing.T) {}\n"},
		drop:  []string{"example.com/testify v1.9.0 "}, fail: modload.Test},
	{name: "go 1.16 (unpruned): objx's go.mod line", gomod: "go 1.16\n\nrequire example.com/testify v1.9.0\n",
		files: map[string]string{"m.go": importAssert}, drop: []string{"example.com/objx v0.5.2/go.mod"}, fail: modload.Build | modload.Test | modload.ListAll},
	{name: "go 1.16 (unpruned): go-spew's zip line, not required by go.mod", gomod: "go 1.16\n\nrequire example.com/testify v1.9.0\n",
		files: map[string]string{"m.go": importAssert}, drop: []string{"example.com/spew v1.1.1 "}, fail: modload.Build | modload.Test},
	{name: "go 1.16 (unpruned): objx's zip line", gomod: "go 1.16\n\nrequire example.com/testify v1.9.0\n",
		files: map[string]string{"m.go": importAssert}, drop: []string{"example.com/objx v0.5.2 "}},
	{name: "a requirement no package imports: its go.mod line", gomod: "go 1.22\n\nrequire example.com/basic v1.1.0\n" + testifyTidy,
		files: map[string]string{"m.go": importAssert}, drop: []string{"example.com/basic v1.1.0/go.mod"}, fail: modload.ListAll},
	{name: "a requirement no package imports: its zip line", gomod: "go 1.22\n\nrequire example.com/basic v1.1.0\n" + testifyTidy,
		files: map[string]string{"m.go": importAssert}, drop: []string{"example.com/basic v1.1.0 "}},
	{name: "nested modules: the zip of the outer one", gomod: "go 1.22\n\nrequire (\n\texample.com/nested v1.0.0\n\texample.com/nested/sub v1.0.0\n)\n",
		files: map[string]string{"m.go": "package m\n\nimport _ \"example.com/nested/sub\"\n"}, drop: []string{"example.com/nested v1.0.0 "}, fail: modload.Build | modload.Test},
	{name: "a package excluded by build constraints", gomod: "go 1.22\n\n" + testifyTidy,
		files: map[string]string{"m.go": "package m\n", "other.go": "//go:build never\n\npackage m\n\nimport _ \"example.com/testify/assert\"\n"},
		drop:  []string{"example.com/testify v1.9.0 "}},
	{name: "no go.sum at all", gomod: "go 1.22\n\n" + testifyTidy,
		files: map[string]string{"m.go": importAssert}, noGoSum: true, fail: modload.Build | modload.Test | modload.ListAll},
	{name: "cold module cache: go-spew's zip line", gomod: "go 1.22\n\n" + testifyTidy,
		files: map[string]string{"m.go": importAssert}, drop: []string{"example.com/spew v1.1.1 "}, cold: true, fail: modload.Build | modload.Test},
}

var needCommands = []struct {
	cmd  modload.Cmd
	args []string
}{
	{modload.Build, []string{"build", "./..."}},
	{modload.Test, []string{"test", "-count=1", "-run", "^$", "./..."}},
	{modload.ListAll, []string{"list", "-m", "all"}},
}

func TestSumNeedsCrossCheck(t *testing.T) {
	gocache, err := exec.Command("go", "env", "GOCACHE").Output()
	if err != nil {
		t.Fatalf("the go command is needed for the cross-check: %v", err)
	}
	rows := logTable(t, "| scenario | the go command | gomodls | go build, go test, go list -m all after the fix |", needCases, func(c needCase) string { return c.name })
	for _, tc := range needCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := proxytest.New(t)
			environ := srv.GoEnv("GOCACHE=" + strings.TrimSpace(string(gocache)))
			dir := t.TempDir()
			write := func(name, data string) {
				p := filepath.Join(dir, filepath.FromSlash(name))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			gomod := "module example.com/m\n\n" + tc.gomod
			write("go.mod", gomod)
			for name, data := range tc.files {
				write(name, data)
			}
			goCmd := func(environ []string, args ...string) (string, error) {
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				defer cancel()
				cmd := exec.CommandContext(ctx, "go", args...)
				cmd.Dir, cmd.Env = dir, environ
				out, err := cmd.CombinedOutput()
				return string(out), err
			}
			// The go.sum the go command writes for the three commands.
			modEnv := append(environ[:len(environ):len(environ)], "GOFLAGS=-mod=mod")
			for _, c := range needCommands {
				if out, err := goCmd(modEnv, c.args...); err != nil {
					t.Fatalf("go %s (-mod=mod): %v\n%s", strings.Join(c.args, " "), err, out)
				}
			}
			if got, _ := os.ReadFile(filepath.Join(dir, "go.mod")); string(got) != gomod {
				t.Fatalf("the case's go.mod is not tidy; the go command writes:\n%s", got)
			}
			full, err := os.ReadFile(filepath.Join(dir, "go.sum"))
			if err != nil {
				t.Fatal(err)
			}
			var kept []string
			for _, l := range strings.SplitAfter(string(full), "\n") {
				drop := false
				for _, p := range tc.drop {
					drop = drop || strings.HasPrefix(l, p)
				}
				if !drop {
					kept = append(kept, l)
				}
			}
			if tc.noGoSum {
				os.Remove(filepath.Join(dir, "go.sum"))
			} else {
				if len(kept) == len(strings.SplitAfter(string(full), "\n")) && tc.fail != 0 {
					t.Fatalf("no line of go.sum starts with %q:\n%s", tc.drop, full)
				}
				write("go.sum", strings.Join(kept, ""))
			}

			// The go command, readonly.
			var goFails modload.Cmd
			goMsg := ""
			for _, c := range needCommands {
				out, err := goCmd(environ, c.args...)
				if err != nil {
					goFails |= c.cmd
					if goMsg == "" {
						goMsg = missingEntry(out)
					}
				}
			}
			if goFails != tc.fail {
				t.Errorf("the go command fails: %v, the case says %v", goFails, tc.fail)
			}

			// gomodls: the network pass (it fetches the go.mod files of
			// the graph and the hashes), then the local one.
			ourEnv := environ
			if tc.cold {
				ourEnv = srv.GoEnv()
			}
			snap, diags := needsOurs(t, dir, ourEnv)
			var certain, maybe modload.Cmd
			for _, m := range analyzers.MissingSums(snap) {
				c, mb := m.Cmds()
				certain |= c
				maybe |= mb
			}
			var ours []string
			var fixAll []fixes.Edit
			for _, d := range diags {
				if d.Code != analyzers.CodeSumMissing {
					continue
				}
				ours = append(ours, fmt.Sprintf("%s %s: %s", d.Code.Name, d.Severity, d.Message))
				if len(d.Fixes) > 0 {
					fixAll = d.Fixes[len(d.Fixes)-1].Edits
				}
			}
			for _, c := range needCommands {
				switch goF := goFails&c.cmd != 0; {
				case goF && certain&c.cmd == 0 && !(tc.cold && maybe&c.cmd != 0):
					t.Errorf("go %s fails, gomodls says nothing of it:\n%s", c.args[0], strings.Join(ours, "\n"))
				case !goF && certain&c.cmd != 0:
					t.Errorf("go %s succeeds, gomodls reports an error for it:\n%s", c.args[0], strings.Join(ours, "\n"))
				}
			}

			// The fix: every command succeeds after it.
			after := "nothing to fix"
			if len(ours) > 0 {
				if fixAll == nil {
					t.Fatalf("no fix:\n%s", strings.Join(ours, "\n"))
				}
				write("go.sum", string(fixes.Apply(snap.Content(snapshot.GoSum), fixAll)))
				after = "all succeed"
				for _, c := range needCommands {
					if out, err := goCmd(environ, c.args...); err != nil {
						after = "go " + c.args[0] + " fails"
						t.Errorf("after the fix, go %s: %v\n%s", strings.Join(c.args, " "), err, out)
					}
				}
			}
			goV := "ok"
			if goFails != 0 {
				goV = fmt.Sprintf("%s: %s", goFails, goMsg)
			}
			rows.set(tc.name, tc.name, goV, strings.Join(ours, "<br>"), after)
		})
	}
}

// tableRows are the rows of a cross-check's Markdown table, one per case.
type tableRows struct {
	mu   sync.Mutex
	rows map[string]string
}

// logTable returns the rows of a table with the given header line, logged
// in the order of the cases (name gives a case's name) when the test ends
// (with -v).
func logTable[C any](t *testing.T, header string, cases []C, name func(C) string) *tableRows {
	r := &tableRows{rows: map[string]string{}}
	t.Cleanup(func() {
		if !testing.Verbose() {
			return
		}
		var b strings.Builder
		b.WriteString("\n" + header + "\n" + strings.Repeat("|---", strings.Count(header, "|")-1) + "|\n")
		for _, c := range cases {
			b.WriteString(r.rows[name(c)])
		}
		t.Log(b.String())
	})
	return r
}

// set records the row of case name.
func (r *tableRows) set(name string, cells ...string) {
	r.mu.Lock()
	r.rows[name] = "| " + strings.Join(cells, " | ") + " |\n"
	r.mu.Unlock()
}

// missingEntry returns the go command's "missing go.sum entry" message.
func missingEntry(out string) string {
	if m := regexp.MustCompile(`missing go.sum entry[^;\n]*`).FindString(out); m != "" {
		return m
	}
	first, _, _ := strings.Cut(strings.TrimSpace(out), "\n")
	return first
}

// needsOurs runs sumverify, then summissing, on dir in environ.
func needsOurs(t *testing.T, dir string, environ []string) (*snapshot.Snapshot, []analyzers.Diagnostic) {
	t.Helper()
	env, err := goenv.Load(context.Background(), goenv.Options{Environ: environ, GoCommand: "-", Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	src, err := sumcheck.New(modproxy.Options{Env: env, NoAuth: true, RequestTimeout: 5 * time.Second, MaxRetries: -1, CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	contents, err := snapshot.ReadDir(nil, dir)
	if err != nil {
		t.Fatal(err)
	}
	snap := snapshot.Build(dir, contents, env, nil, nil, src)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	net, f1 := checker.Run(ctx, snap, []*analyzers.Analyzer{analyzers.SumVerify})
	local, f2 := checker.Run(ctx, snap, []*analyzers.Analyzer{analyzers.SumMissing})
	for _, f := range append(f1, f2...) {
		t.Fatalf("analyzer failed: %v", f)
	}
	return snap, append(local, net...)
}
