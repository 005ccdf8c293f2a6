package analyzers_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gomodls/gomodls/analyzers"
	"github.com/gomodls/gomodls/analyzers/analyzerstest"
	"github.com/gomodls/gomodls/fixes"
	"github.com/gomodls/gomodls/internal/benchfixture"
	"github.com/gomodls/gomodls/internal/checker"
	"github.com/gomodls/gomodls/internal/goenv"
	"github.com/gomodls/gomodls/internal/modplan"
	"github.com/gomodls/gomodls/internal/proxytest"
	"github.com/gomodls/gomodls/internal/snapshot"
)

// The environment cross-check holds the verdict contract where the cause
// is the environment (GO111MODULE, GOFLAGS, GOSUMDB, GOPROXY=off, the
// module cache, GOTOOLCHAIN) or a go.mod line the go command checks
// against the toolchain (toolchain, godebug). For each case the real go
// command runs `go list -m all` and `go build ./...` in the module (whose
// main package imports the packages of its requires), and gomodls checks
// the same files with the same environment, loaded as the front ends load
// it (goenv with the real go command, so GOFLAGS is checked by it). Where
// the go command fails, gomodls reports an error with the expected code;
// where it succeeds, none. Then gomodls' own first fix of each error is
// applied for real (go env -u/-w through the go command, text edits to the
// files), or, where gomodls can only say what to do, the case's manual
// fix; after it `go build ./...` must succeed.

type envCase struct {
	name string
	// gomod is the go.mod after "module example.com/m\n\n", go line
	// included; requires of the default corpus are imported by main.go.
	gomod string
	// files are other files, relative to the root (the module is "m/");
	// "$SUMS" in a go.sum is replaced by the go.sum lines of every
	// require.
	files map[string]string
	// env is extra environment for both sides ("$ROOT" is the root);
	// goenvFile is the go env -w file (GOENV points at it).
	env       []string
	goenvFile string
	opts      []proxytest.Option
	// setup runs before both sides check (fills the module cache, adds
	// modules to the fixture).
	setup func(t *testing.T, w *envWorld)

	goFails bool
	goSays  string // a substring of the go command's failure
	codes   string // gomodls' errors, sorted, comma-separated
	// manual is the fix when gomodls has none to apply (the environment
	// of the shell), described by manualText.
	manual     func(t *testing.T, w *envWorld)
	manualText string
	// check runs after the go command's verdict (what it did, beyond
	// failing or not).
	check func(t *testing.T, w *envWorld)
}

// envWorld is one case's root, module directory and environment.
type envWorld struct {
	srv     *proxytest.Server
	root    string
	dir     string
	environ []string
}

func (w *envWorld) run(t *testing.T, args ...string) benchfixture.GoRun {
	t.Helper()
	return benchfixture.RunGo(context.Background(), w.environ, w.dir, 2*time.Minute, args...)
}

// runOutside runs the go command in the root, outside the module.
func (w *envWorld) runOutside(t *testing.T, args ...string) benchfixture.GoRun {
	t.Helper()
	return benchfixture.RunGo(context.Background(), w.environ, w.root, 2*time.Minute, args...)
}

// setenv sets (or, with "NAME=", unsets) variables of the environment.
func (w *envWorld) setenv(kvs ...string) {
	for _, kv := range kvs {
		k, _, _ := strings.Cut(kv, "=")
		w.environ = slices.DeleteFunc(w.environ, func(e string) bool { return strings.HasPrefix(e, k+"=") })
		w.environ = append(w.environ, kv)
	}
}

// goVerdict runs go list -m all and go build ./...: "" when both succeed,
// else the first failure's output.
func (w *envWorld) goVerdict(t *testing.T) string {
	t.Helper()
	for _, args := range [][]string{{"list", "-m", "all"}, {"build", "./..."}} {
		r := w.run(t, args...)
		t.Logf("go %s: %v\n%s%s", strings.Join(args, " "), r.Err, r.Stdout, r.Stderr)
		if r.Err != nil {
			return "go " + strings.Join(args, " ") + ": " + strings.TrimSpace(r.Stderr)
		}
	}
	return ""
}

// ours loads the environment as the front ends do and runs every analyzer
// in the module.
func (w *envWorld) ours(t *testing.T) (*snapshot.Snapshot, []analyzers.Diagnostic) {
	t.Helper()
	return w.oursIn(t, w.dir)
}

// fixIn applies, in dir (the workspace root, say), the first fix of each
// error gomodls reports there: how a user fixes a file of another
// snapshot.
func (w *envWorld) fixIn(dir string) func(t *testing.T, w *envWorld) {
	return func(t *testing.T, w *envWorld) {
		snap, diags := w.oursIn(t, dir)
		for _, d := range diags {
			if d.Severity == analyzers.Error && len(d.Fixes) > 0 {
				t.Logf("fix in %s: %s", dir, d.Fixes[0].Title)
				w.applyFix(t, snap, d.Fixes[0])
			}
		}
	}
}

func (w *envWorld) oursIn(t *testing.T, dir string) (*snapshot.Snapshot, []analyzers.Diagnostic) {
	t.Helper()
	goBin, err := benchfixture.GoTool()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	env, err := goenv.Load(ctx, goenv.Options{Environ: w.environ, GoCommand: goBin, Dir: dir, LocalToolchain: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := env.GoError(); err != nil {
		t.Logf("go env: %v", err)
	}
	contents, err := snapshot.ReadDir(nil, dir)
	if err != nil {
		t.Fatal(err)
	}
	snap := snapshot.Build(dir, contents, env, nil, nil, fixtureSource(t, env))
	diags, failures := checker.Run(ctx, snap, analyzers.All())
	for _, f := range failures {
		t.Errorf("analyzer failed: %v", f)
	}
	return snap, diags
}

// applyFix applies fx for real: its edits to the module's files, its
// command through the go command.
func (w *envWorld) applyFix(t *testing.T, snap *snapshot.Snapshot, fx fixes.Fix) {
	t.Helper()
	byFile := map[snapshot.FileKind][]fixes.Edit{}
	for _, e := range fx.Edits {
		byFile[e.File] = append(byFile[e.File], e)
	}
	for kind, edits := range byFile {
		if err := os.WriteFile(snap.Path(kind), fixes.Apply(snap.Content(kind), edits), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if c := fx.Command; c != nil {
		arg, _ := c.Args[0].(map[string]string)
		var args []string
		switch c.Name {
		case fixes.CmdGoEnvUnset:
			args = []string{"env", "-u", arg["name"]}
		case fixes.CmdGoEnvWrite:
			args = []string{"env", "-w", arg["name"] + "=" + arg["value"]}
		default:
			t.Fatalf("fix %q: command %s not applied by the cross-check", fx.Title, c.Name)
		}
		if r := w.run(t, args...); r.Err != nil {
			t.Fatalf("fix %q: go %s: %v\n%s", fx.Title, strings.Join(args, " "), r.Err, r.Stderr)
		}
	}
}

func importsOf(gomod string) []string {
	var paths []string
	for _, line := range strings.Split(gomod, "\n") {
		f := strings.Fields(strings.TrimPrefix(strings.TrimSpace(line), "require "))
		if len(f) >= 2 && strings.HasPrefix(f[0], "example.com/") && strings.HasPrefix(f[1], "v") {
			paths = append(paths, f[0])
		}
	}
	return paths
}

func newEnvWorld(t *testing.T, tc envCase) *envWorld {
	t.Helper()
	srv := proxytest.New(t, tc.opts...)
	root := t.TempDir()
	w := &envWorld{srv: srv, root: root, dir: filepath.Join(root, "m")}
	var env []string
	for _, kv := range tc.env {
		env = append(env, strings.ReplaceAll(kv, "$ROOT", root))
	}
	if tc.goenvFile != "" {
		env = append(env, "GOENV="+filepath.Join(root, "goenv"))
	}
	w.environ = srv.GoEnv(env...)
	gomod := "module example.com/m\n\n" + tc.gomod
	imports := importsOf(tc.gomod)
	main := "package main\n\n"
	for _, p := range imports {
		main += fmt.Sprintf("import _ %q\n", p)
	}
	main += "\nfunc main() {}\n"
	var sums []string
	for _, p := range imports {
		for _, line := range strings.Split(gomod, "\n") {
			if f := strings.Fields(strings.TrimPrefix(strings.TrimSpace(line), "require ")); len(f) >= 2 && f[0] == p {
				sums = append(sums, srv.GoSumLines(p, f[1])...)
			}
		}
	}
	files := map[string]string{"m/go.mod": gomod, "m/main.go": main}
	if tc.goenvFile != "" {
		files["goenv"] = tc.goenvFile
	}
	for name, text := range tc.files {
		files[name] = strings.ReplaceAll(text, "$SUMS", strings.Join(sums, "\n")+"\n")
	}
	analyzerstest.WriteFiles(t, root, files)
	return w
}

// sumsOf is a go.sum with the lines of every require: "$SUMS".
const sumsOf = "$SUMS"

func runEnvCrossCheck(t *testing.T, cases []envCase) {
	if _, err := benchfixture.GoTool(); err != nil {
		t.Fatalf("no go command: %v", err)
	}
	var mu sync.Mutex
	rows := map[string]string{}
	t.Cleanup(func() {
		if !testing.Verbose() {
			return
		}
		var b strings.Builder
		b.WriteString("\n| case | go command | gomodls | fix | go build after the fix |\n|---|---|---|---|---|\n")
		for _, c := range cases {
			b.WriteString(rows[c.name])
		}
		t.Log(b.String())
	})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newEnvWorld(t, tc)
			if tc.setup != nil {
				tc.setup(t, w)
			}
			goSays := w.goVerdict(t)
			if tc.check != nil {
				tc.check(t, w)
			}
			snap, diags := w.ours(t)
			var codes, warnings []string
			var fixList []fixes.Fix
			var fixText []string
			for _, d := range diags {
				t.Logf("ours: %s: %s", d.Severity, analyzerstest.Format(snap, d))
				if d.Severity == analyzers.Warning {
					warnings = append(warnings, d.Code.Name)
				}
				if d.Severity != analyzers.Error {
					continue
				}
				codes = append(codes, d.Code.Name)
				if len(d.Fixes) > 0 && !slices.Contains(fixText, d.Fixes[0].Title) {
					fixList = append(fixList, d.Fixes[0])
					fixText = append(fixText, d.Fixes[0].Title)
				}
			}
			slices.Sort(codes)
			got := strings.Join(slices.Compact(codes), ",")
			if (goSays != "") != tc.goFails {
				t.Errorf("go command fails: %v (%s), want %v", goSays != "", firstLine(goSays), tc.goFails)
			}
			if tc.goSays != "" && !strings.Contains(goSays, tc.goSays) {
				t.Errorf("go command says %q, want it to contain %q", goSays, tc.goSays)
			}
			if got != tc.codes {
				t.Errorf("gomodls errors: %q, want %q", got, tc.codes)
			}

			after := "-"
			if goSays != "" {
				for _, fx := range fixList {
					w.applyFix(t, snap, fx)
				}
				if tc.manual != nil {
					tc.manual(t, w)
					fixText = append(fixText, tc.manualText)
				}
				if r := w.run(t, "build", "./..."); r.Err != nil {
					after = "fails: " + firstLine(r.Stderr)
					t.Errorf("go build after the fix (%s): %v\n%s", strings.Join(fixText, "; "), r.Err, r.Stderr)
				} else {
					after = "ok"
				}
			}
			ourV := got
			if slices.Sort(warnings); len(warnings) > 0 {
				ourV = strings.TrimPrefix(ourV+"; warning "+strings.Join(slices.Compact(warnings), ", "), "; ")
			}
			goV := "ok"
			if goSays != "" {
				goV = "fails: " + strings.ReplaceAll(strings.TrimSpace(goSays), "\n", " ")
			}
			mu.Lock()
			rows[tc.name] = fmt.Sprintf("| %s | %s | %s | %s | %s |\n", tc.name, goV, ourV, strings.Join(fixText, "; "), after)
			mu.Unlock()
		})
	}
}

func TestEnvCrossCheck(t *testing.T) {
	basic := "go 1.22\n\nrequire example.com/basic v1.1.0\n"
	withSums := map[string]string{"m/go.sum": sumsOf}
	runEnvCrossCheck(t, []envCase{
		{name: "GO111MODULE=off in the go env -w file", gomod: basic, files: withSums,
			goenvFile: "GO111MODULE=off\n", env: []string{"GO111MODULE="},
			goFails: true, goSays: "list -m cannot be used with GO111MODULE=off", codes: "modules-disabled"},
		{name: "GO111MODULE=yes in the environment", gomod: basic, files: withSums, env: []string{"GO111MODULE=yes"},
			goFails: true, goSays: "unknown environment setting GO111MODULE=yes", codes: "modules-disabled",
			manual: func(t *testing.T, w *envWorld) { w.setenv("GO111MODULE=") }, manualText: "unset GO111MODULE in the environment"},
		{name: "GO111MODULE=auto", gomod: basic, files: withSums, env: []string{"GO111MODULE=auto"}},

		{name: "GOFLAGS with an unknown flag (go env -w file)", gomod: basic, files: withSums,
			goenvFile: "GOFLAGS=-modcacherw -bogus\n", env: []string{"GOFLAGS="},
			goFails: true, goSays: "go: parsing $GOFLAGS: unknown flag -bogus", codes: "goflags-invalid"},
		{name: "GOFLAGS with a word that is not a flag", gomod: basic, files: withSums, env: []string{"GOFLAGS=-modcacherw bogus"},
			goFails: true, goSays: `go: parsing $GOFLAGS: non-flag "bogus"`, codes: "goflags-invalid",
			manual: func(t *testing.T, w *envWorld) { w.setenv("GOFLAGS=-modcacherw") }, manualText: "GOFLAGS=-modcacherw in the environment"},
		{name: "GOFLAGS=-mod=bogus", gomod: basic, files: withSums, env: []string{"GOFLAGS=-modcacherw -mod=bogus"},
			goFails: true, goSays: "-mod=bogus not supported", codes: "goflags-invalid",
			manual: func(t *testing.T, w *envWorld) { w.setenv("GOFLAGS=-modcacherw") }, manualText: "GOFLAGS=-modcacherw in the environment"},
		{name: "GOFLAGS=-modcacherw=maybe", gomod: basic, files: withSums, env: []string{"GOFLAGS=-modcacherw=maybe"},
			goFails: true, goSays: `invalid boolean value "maybe" for flag -modcacherw`, codes: "goflags-invalid",
			manual: func(t *testing.T, w *envWorld) { w.setenv("GOFLAGS=-modcacherw") }, manualText: "GOFLAGS=-modcacherw in the environment"},
		{name: "GOFLAGS=-modfile without .mod", gomod: basic, files: withSums, env: []string{"GOFLAGS=-modcacherw -modfile=alt.txt"},
			goFails: true, goSays: "-modfile=alt.txt: file does not have .mod extension", codes: "goflags-invalid",
			manual: func(t *testing.T, w *envWorld) { w.setenv("GOFLAGS=-modcacherw") }, manualText: "GOFLAGS=-modcacherw in the environment"},
		{name: "GOFLAGS=-mod=mod in workspace mode", gomod: basic,
			files:   map[string]string{"m/go.sum": sumsOf, "go.work": "go 1.22\n\nuse ./m\n"},
			env:     []string{"GOFLAGS=-modcacherw -mod=mod", "GOWORK=$ROOT/go.work"},
			goFails: true, goSays: "-mod may only be set to readonly or vendor when in workspace mode", codes: "goflags-invalid",
			manual: func(t *testing.T, w *envWorld) { w.setenv("GOFLAGS=-modcacherw") }, manualText: "GOFLAGS=-modcacherw in the environment"},
		{name: "GOFLAGS=-mod=mod without go.sum lines: the go command adds them", gomod: basic,
			files: map[string]string{"m/go.sum": ""}, env: []string{"GOFLAGS=-modcacherw -mod=mod"}},

		{name: "malformed GOSUMDB, a go.sum line to verify (-mod=mod)", gomod: basic, files: map[string]string{"m/go.sum": ""},
			env:     []string{"GOSUMDB=sum.example.com+bad", "GOFLAGS=-modcacherw -mod=mod"},
			goFails: true, goSays: "example.com/basic@v1.1.0: verifying go.mod: invalid GOSUMDB: malformed verifier id", codes: "gosumdb-invalid",
			manual: func(t *testing.T, w *envWorld) { w.setenv("GOSUMDB=" + w.srv.SumDBKey()) }, manualText: "a valid GOSUMDB in the environment"},
		{name: "malformed GOSUMDB, go.sum complete", gomod: basic, files: withSums, env: []string{"GOSUMDB=sum.example.com+bad"}},
	})
}

// writeSums writes a go.sum with the lines of every module version of the
// fixture whose path starts with prefix.
func (w *envWorld) writeSums(prefix string) {
	var lines []string
	for _, m := range w.srv.Modules() {
		if strings.HasPrefix(m.Path, prefix) {
			lines = append(lines, w.srv.GoSumLines(m.Path, m.Version)...)
		}
	}
	if err := os.WriteFile(filepath.Join(w.dir, "go.sum"), []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		panic(err)
	}
}

// offline returns a setup that runs the go commands (with the fixture as
// GOPROXY, to fill the module cache), then sets GOPROXY=off.
func offline(cmds ...[]string) func(t *testing.T, w *envWorld) {
	return func(t *testing.T, w *envWorld) {
		for _, args := range cmds {
			if r := w.run(t, args...); r.Err != nil {
				t.Fatalf("setup: go %s: %v\n%s", strings.Join(args, " "), r.Err, r.Stderr)
			}
		}
		w.setenv("GOPROXY=off")
	}
}

// fillCache is the manual fix of lookup-disabled: go mod download while
// the proxy is reachable, then offline again.
func fillCache(t *testing.T, w *envWorld) {
	w.setenv("GOPROXY=" + w.srv.URL)
	if r := w.run(t, "mod", "download", "all"); r.Err != nil {
		t.Fatalf("go mod download all: %v\n%s", r.Err, r.Stderr)
	}
	w.setenv("GOPROXY=off")
}

func TestOfflineCrossCheck(t *testing.T) {
	basic := "go 1.22\n\nrequire example.com/basic v1.1.0\n"
	withSums := map[string]string{"m/go.sum": sumsOf}
	deep := "go 1.16\n\nrequire example.com/deep/top v1.0.0\n"
	runEnvCrossCheck(t, []envCase{
		{name: "GOPROXY=off, module cache empty", gomod: basic, files: withSums, setup: offline(),
			goFails: true, goSays: "example.com/basic@v1.1.0: module lookup disabled by GOPROXY=off", codes: "lookup-disabled",
			manual: fillCache, manualText: "go mod download all with a reachable GOPROXY, then GOPROXY=off again"},
		{name: "GOPROXY=off, module cache filled", gomod: basic, files: withSums, setup: offline([]string{"mod", "download"})},
		{name: "GOPROXY=off, a go 1.16 dependency whose requirements are not cached", gomod: deep,
			setup: func(t *testing.T, w *envWorld) {
				w.writeSums("example.com/deep/")
				// Outside the module: top alone, not its requirements.
				if r := w.runOutside(t, "mod", "download", "example.com/deep/top@v1.0.0"); r.Err != nil {
					t.Fatalf("setup: %v\n%s", r.Err, r.Stderr)
				}
				w.setenv("GOPROXY=off")
			},
			goFails: true, goSays: "module lookup disabled by GOPROXY=off", codes: "lookup-disabled",
			manual: fillCache, manualText: "go mod download all with a reachable GOPROXY, then GOPROXY=off again"},
		{name: "GOPROXY=off, the go.mod cached but not the source (a warning)", gomod: basic, files: withSums,
			setup:   offline([]string{"list", "-m", "all"}),
			goFails: true, goSays: "main.go:3:8: module lookup disabled by GOPROXY=off",
			manual: fillCache, manualText: "go mod download all with a reachable GOPROXY, then GOPROXY=off again"},
		{name: "GOPROXY=off, the .info not cached (a warning: go build works)", gomod: basic, files: withSums,
			setup: func(t *testing.T, w *envWorld) {
				offline([]string{"mod", "download"})(t, w)
				gomodcache, _ := proxytest.EnvValue(w.environ, "GOMODCACHE")
				if err := os.Remove(filepath.Join(gomodcache, "cache/download/example.com/basic/@v/v1.1.0.info")); err != nil {
					t.Fatal(err)
				}
			},
			goFails: true, goSays: "go list -m all: go: module lookup disabled by GOPROXY=off",
			manual: fillCache, manualText: "go mod download all with a reachable GOPROXY, then GOPROXY=off again"},
		{name: "GOPROXY the go command cannot parse", gomod: basic, files: withSums, env: []string{"GOPROXY=ftp://proxy.example.com"},
			goFails: true, goSays: "invalid proxy URL scheme", codes: "lookup-disabled",
			manual: func(t *testing.T, w *envWorld) { w.setenv("GOPROXY=" + w.srv.URL) }, manualText: "a valid GOPROXY in the environment"},
	})
}

func TestGodebugCrossCheck(t *testing.T) {
	withSums := map[string]string{"m/go.sum": sumsOf}
	runEnvCrossCheck(t, []envCase{
		{name: "godebug: a known setting, any value", gomod: "go 1.22\n\ngodebug panicnil=whatever\n"},
		{name: "godebug: a misspelt setting", gomod: "go 1.22\n\ngodebug panicnill=1\n",
			goFails: true, goSays: `go.mod:5: unknown godebug "panicnill"`, codes: "godebug-invalid"},
		{name: "godebug: a removed setting", gomod: "go 1.22\n\nrequire example.com/basic v1.1.0\n\ngodebug x509sha1=1\n", files: withSums,
			goFails: true, goSays: `use of removed godebug "x509sha1"`, codes: "godebug-invalid"},
		{name: "godebug: default= newer than the toolchain", gomod: "go 1.22\n\ngodebug default=go1.99\n",
			goFails: true, goSays: "default=go1.99 too new", codes: "godebug-invalid"},
		{name: "godebug: default= not a go version", gomod: "go 1.22\n\ngodebug default=1.21\n",
			goFails: true, goSays: "value for default= must be goVERSION", codes: "godebug-invalid"},
		{name: "godebug: go.mod's unknown setting in workspace mode (a warning)", gomod: "go 1.22\n\ngodebug panicnill=1\n",
			files: map[string]string{"go.work": "go 1.22\n\nuse ./m\n"}, env: []string{"GOWORK=$ROOT/go.work", "GOFLAGS=-modcacherw"}},
		{name: "godebug: go.work's unknown setting", gomod: "go 1.22\n",
			files: map[string]string{"go.work": "go 1.22\n\nuse ./m\n\ngodebug panicnill=1\n"}, env: []string{"GOWORK=$ROOT/go.work", "GOFLAGS=-modcacherw"},
			goFails: true, goSays: `unknown godebug "panicnill"`, codes: "godebug-invalid",
			manual: func(t *testing.T, w *envWorld) { w.fixIn(w.root)(t, w) }, manualText: "gomodls' fix on go.work: Change to panicnil=1"},
	})
}

// withToolchains adds stand-ins for the toolchains to the fixture.
func withToolchains(names ...string) func(t *testing.T, w *envWorld) {
	return func(t *testing.T, w *envWorld) {
		for _, n := range names {
			if err := w.srv.AddToolchain(n); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// ranStandIn checks that the go command switched to the fixture's
// stand-in for name.
func ranStandIn(name string) func(t *testing.T, w *envWorld) {
	return func(t *testing.T, w *envWorld) {
		r := w.run(t, "version")
		if !strings.Contains(r.Stdout, "go version "+name+" ") || !strings.Contains(r.Stdout, "proxytest stand-in") {
			t.Errorf("go version: %v %s%s; want the stand-in for %s", r.Err, r.Stdout, r.Stderr, name)
		}
	}
}

func TestToolchainCrossCheck(t *testing.T) {
	auto := []string{"GOTOOLCHAIN=auto"}
	runEnvCrossCheck(t, []envCase{
		{name: "toolchain line, served: the go command switches", gomod: "go 1.22\n\ntoolchain go1.99.1\n", env: auto,
			setup: withToolchains("go1.99.1"), check: ranStandIn("go1.99.1")},
		{name: "toolchain line, not served", gomod: "go 1.22\n\ntoolchain go1.99.0\n", env: auto, setup: withToolchains("go1.99.1"),
			goFails: true, goSays: "download go1.99.0 for " + modplan.Platform() + ": toolchain not available", codes: "toolchain-unavailable"},
		{name: "go line, not served", gomod: "go 1.99\n", env: auto, setup: withToolchains("go1.99.1"),
			goFails: true, goSays: "download go1.99.0 for " + modplan.Platform() + ": toolchain not available", codes: "toolchain-unavailable"},
		{name: "toolchain line, no such toolchain anywhere", gomod: "go 1.22\n\ntoolchain go1.99.0\n", env: auto,
			goFails: true, goSays: "toolchain not available", codes: "toolchain-unavailable"},
		{name: "toolchain line, GOSUMDB=off", gomod: "go 1.22\n\ntoolchain go1.99.1\n", env: append(auto, "GOSUMDB=off"), setup: withToolchains("go1.99.1"),
			goFails: true, goSays: "checksum database disabled by GOSUMDB=off", codes: "go-version-unsupported"},
		{name: "toolchain line, cached, then GOSUMDB=off", gomod: "go 1.22\n\ntoolchain go1.99.1\n", env: auto,
			setup: func(t *testing.T, w *envWorld) {
				withToolchains("go1.99.1")(t, w)
				ranStandIn("go1.99.1")(t, w) // downloads it into the module cache
				w.setenv("GOSUMDB=off")
			},
			goFails: true, goSays: "checksum database disabled by GOSUMDB=off", codes: "go-version-unsupported"},
		{name: "toolchain line, GOPROXY=off", gomod: "go 1.22\n\ntoolchain go1.99.1\n", env: append(auto, "GOPROXY=off"),
			goFails: true, goSays: "download go1.99.1 for " + modplan.Platform() + ": toolchain not available", codes: "go-version-unsupported"},
		{name: "go line, GOTOOLCHAIN=path", gomod: "go 1.99\n", env: []string{"GOTOOLCHAIN=path"},
			goFails: true, goSays: `cannot find "go1.99.0" in PATH`, codes: "go-version-unsupported",
			manual: func(t *testing.T, w *envWorld) {
				bin := filepath.Join(w.root, "bin")
				if err := os.MkdirAll(bin, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(bin, "go1.99.0"), []byte("#!/bin/sh\nexit 0\n"), 0o755); err != nil {
					t.Fatal(err)
				}
				path, _ := proxytest.EnvValue(w.environ, "PATH")
				w.setenv("PATH=" + bin + string(os.PathListSeparator) + path)
			}, manualText: "a go1.99.0 in PATH"},
		{name: "go line, GOTOOLCHAIN=local", gomod: "go 1.99\n",
			goFails: true, goSays: "go.mod requires go >= 1.99 (running go 1.26.8; GOTOOLCHAIN=local)", codes: "go-version-unsupported",
			manual: func(t *testing.T, w *envWorld) { w.setenv("GOTOOLCHAIN=auto"); withToolchains("go1.99.0")(t, w) }, manualText: "GOTOOLCHAIN=auto (the fixture serves go1.99.0)"},
		{name: "toolchain default", gomod: "go 1.22\n\ntoolchain default\n",
			goFails: true, goSays: "updates to go.mod needed", codes: "toolchain-invalid"},
		{name: "toolchain default with -mod=mod (a warning)", gomod: "go 1.22\n\ntoolchain default\n", env: []string{"GOFLAGS=-modcacherw -mod=mod"}},
		{name: "toolchain default in workspace mode", gomod: "go 1.22\n\ntoolchain default\n",
			files: map[string]string{"go.work": "go 1.22\n\nuse ./m\n"}, env: []string{"GOWORK=$ROOT/go.work"}},
		{name: "toolchain line repeating the go line", gomod: "go 1.22\n\ntoolchain go1.22\n",
			goFails: true, goSays: "updates to go.mod needed", codes: "toolchain-invalid"},
		{name: "an invalid GOTOOLCHAIN", gomod: "go 1.22\n", env: []string{"GOTOOLCHAIN=go1.22+sometimes"},
			goFails: true, goSays: `invalid GOTOOLCHAIN "go1.22+sometimes": only version suffixes are +auto and +path`, codes: "toolchain-invalid",
			manual: func(t *testing.T, w *envWorld) { w.setenv("GOTOOLCHAIN=local") }, manualText: "GOTOOLCHAIN=local in the environment"},
	})
}
