package analyzers_test

import (
	"context"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/tools/txtar"

	"github.com/gomodls/gomodls/analyzers"
	"github.com/gomodls/gomodls/analyzers/analyzerstest"
	"github.com/gomodls/gomodls/fixes"
	"github.com/gomodls/gomodls/internal/benchfixture"
	"github.com/gomodls/gomodls/internal/checker"
	"github.com/gomodls/gomodls/internal/proxytest"
	"github.com/gomodls/gomodls/internal/settings"
	"github.com/gomodls/gomodls/internal/snapshot"
)

// The rules cross-check holds the verdict contract for the rules the go
// command enforces before it fetches anything (vendoring, go.mod and
// go.work rules): each case is an analyzer test case (a txtar file under
// testdata) that the real go command also runs, offline (GOPROXY=off:
// none of these checks needs the network). Where the go command fails,
// gomodls reports errors with the expected codes and the go command's
// words; where it succeeds, none. Cases with fix set then apply gomodls'
// fixes (edits, and the go commands of command fixes, through the
// fixture proxy) until no error is left, and `go build ./...` must
// succeed.
type ruleCase struct {
	// txtar is the case file under testdata ("vendoring/explicit").
	txtar string
	// dir is where the go command runs and gomodls checks, relative to
	// the case's root ("" for the root).
	dir string
	// args is the go command (default `list -m`, which loads go.mod and
	// go.work and checks the vendor directory, and needs no go.sum).
	args string
	// goErr is text the go command's error must contain; "" when it must
	// succeed.
	goErr string
	// codes are gomodls' error codes (sorted, comma-separated).
	codes string
	// after is the build that must succeed after the fixes (default
	// `build ./...`; at a workspace's root, which is no module, the
	// modules' patterns).
	after string
	// sums prepares go.sum (go mod download) before anything, as a
	// module that is maintained has one; fix applies the fixes.
	sums, fix bool
	// online runs the go command through the fixture proxy (the check
	// needs module contents); network adds gomodls' network analyzers,
	// with the fixture as the module source.
	online, network bool
}

func TestRulesCrossCheck(t *testing.T) {
	if _, err := benchfixture.GoTool(); err != nil {
		t.Fatalf("no go command: %v", err)
	}
	cases := []ruleCase{
		{txtar: "vendoring/consistent"},
		{txtar: "vendoring/explicit", goErr: "example.com/basic@v1.0.0: is marked as explicit in vendor/modules.txt, but not explicitly required in go.mod", codes: "vendor-inconsistent", sums: true, fix: true},
		{txtar: "vendoring/replace", goErr: "example.com/zero@v0.1.0: is replaced by ./zero in go.mod, but marked as replaced by ../zero in vendor/modules.txt", codes: "vendor-inconsistent", sums: true, fix: true},
		{txtar: "vendoring/gotoonew", goErr: "example.com/basic in vendor/modules.txt requires go >= 1.99 (running go 1.26.8; GOTOOLCHAIN=local)", codes: "vendor-inconsistent", sums: true, fix: true},
		{txtar: "vendoring/notrequired", goErr: "vendored module example.com/zero@v0.1.0 should be required explicitly in go.mod", codes: "vendor-inconsistent", sums: true, fix: true},
		{txtar: "vendoring/notvendormode"},
		{txtar: "vendoring/flagmod"},
		{txtar: "vendoring/novendor", goErr: "example.com/basic@v1.1.0: is explicitly required in go.mod, but not marked as explicit in vendor/modules.txt", codes: "vendor-inconsistent", sums: true, fix: true},
		// go mod download would raise the go line (the fixture modules say go
		// 1.21), so no go.sum and no fix: go mod vendor needs both.
		{txtar: "vendoring/pre114", goErr: "example.com/basic@v1.1.0: is explicitly required in go.mod, but vendor/modules.txt indicates example.com/basic@v1.0.0", codes: "vendor-inconsistent"},
		{txtar: "vendoring/workspace", goErr: "example.com/zero@v0.1.0: is explicitly required in go.mod, but not marked as explicit in vendor/modules.txt", codes: "vendor-inconsistent", sums: true, fix: true, after: "build ./a/... ./b/..."},
		// In vendor mode nothing is downloaded: a version no proxy has and
		// a missing replacement directory do not matter.
		{txtar: "vendoring/offline", args: "build ./...", network: true},
		{txtar: "vendoring/unreachable", args: "build ./...", network: true},

		{txtar: "requires/versions", goErr: "updates to go.mod needed", codes: "duplicate-require", fix: true},
		{txtar: "requires/accepted", online: true},
		{txtar: "requires/workspace"},
		{txtar: "requires/excluded", goErr: "updates to go.mod needed", codes: "excluded-require", fix: true},
		{txtar: "requires/excludedmod", online: true},

		{txtar: "toolrequire/tools", args: "list tool", goErr: "no required module provides package example.com/zero", codes: "tool-not-required", online: true, sums: true},
		{txtar: "toolrequire/single", args: "tool zero", goErr: "no required module provides package example.com/zero; to add it:", codes: "tool-not-required", online: true, fix: true},
		{txtar: "toolrequire/modflag", args: "list tool", online: true},
		{txtar: "toolrequire/workspace", args: "list tool", online: true},

		{txtar: "replaceconflict/samefile", goErr: "conflicting replacements for example.com/basic:\n\texample.com/basic@v1.0.0\n\texample.com/basic@v0.1.0", codes: "replace-conflict", fix: true},
		{txtar: "replaceconflict/workfile", goErr: "conflicting replacements for example.com/basic:\n\texample.com/basic@v1.0.0\n\t../basic", codes: "replace-conflict", fix: true, after: "build ./a/..."},
		{txtar: "replaceconflict/modules", goErr: "use \"go work edit -replace example.com/basic=[override]\" to resolve", codes: "replace-conflict", fix: true, after: "build ./a/... ./b/..."},
		{txtar: "replaceconflict/inmodule", args: "list -m all", goErr: "conflicting replacements for example.com/basic", codes: "replace-conflict", online: true},
		{txtar: "replaceconflict/lookup", args: "list -m all", goErr: "conflicting replacements found for example.com/zero@v0.1.0 in workspace modules defined by", codes: "replace-conflict", online: true, fix: true, after: "build ./a/... ./b/..."},

		{txtar: "workspace/duplicate", goErr: "appears multiple times in workspace", codes: "workspace-duplicate", fix: true, after: "build ./a/... ./b/..."},
		{txtar: "workspace/modulepath", goErr: "module example.com/a appears multiple times in workspace", codes: "workspace-duplicate", fix: true, after: "build ./a/..."},
		{txtar: "workspace/goversion", goErr: "module b listed in go.work file requires go >= 1.23, but go.work lists go 1.22; to update it:\n\tgo work use", codes: "work-go-too-old", fix: true, after: "build ./a/... ./b/... ./c/..."},
		{txtar: "workspace/nogoline", goErr: "module a listed in go.work file requires go >= 1.22, but go.work implicitly requires go 1.18", codes: "work-go-too-old", fix: true, after: "build ./a/... ./b/..."},
		// The go command stops at the first of the two.
		{txtar: "workspace/inmodule", goErr: "module . listed in go.work file requires go >= 1.23, but go.work lists go 1.22", codes: "work-go-too-old,workspace-duplicate"},
		{txtar: "workspace/outside", args: "build .", goErr: "current directory is contained in a module that is not one of the workspace modules listed in go.work. You can add the module to the workspace using:\n\tgo work use .", codes: "outside-workspace", fix: true},
		{txtar: "workspace/replacemain", goErr: "workspace module example.com/a is replaced at all versions in the go.work file. To fix, remove the replacement from the go.work file or specify the version at which to replace the module.", codes: "replace-main-module", fix: true, after: "build ./a/..."},
	}

	srv := proxytest.New(t)
	var names []string
	for _, c := range cases {
		names = append(names, c.txtar)
	}
	table := newCaseTable(t, []string{"case", "go command", "gomodls errors", "fix", "go build after the fix"}, names)
	for _, tc := range cases {
		t.Run(tc.txtar, func(t *testing.T) {
			t.Parallel()
			w := newRuleWorld(t, srv, tc)
			if tc.sums {
				w.prepareSums()
			}
			args := strings.Fields(tc.args)
			if len(args) == 0 {
				args = []string{"list", "-m"}
			}
			proxy := "GOPROXY=off"
			if tc.online {
				proxy = "GOPROXY=" + srv.URL
			}
			r := benchfixture.RunGo(context.Background(), w.goEnv(proxy), w.dir, time.Minute, args...)
			t.Logf("go %s: %v\n%s%s", strings.Join(args, " "), r.Err, r.Stdout, r.Stderr)
			switch {
			case tc.goErr == "" && r.Err != nil:
				t.Errorf("go %s fails, want success", strings.Join(args, " "))
			case tc.goErr != "" && r.Err == nil:
				t.Errorf("go %s succeeds, want %q", strings.Join(args, " "), tc.goErr)
			case tc.goErr != "" && !strings.Contains(r.Stderr, tc.goErr):
				t.Errorf("go %s: want %q in its error", strings.Join(args, " "), tc.goErr)
			}

			snap, diags := w.check(tc.network)
			var codes, msgs []string
			for _, d := range diags {
				t.Logf("ours: %s: %s", d.Severity, analyzerstest.Format(snap, d))
				if d.Severity == analyzers.Error {
					codes = append(codes, d.Code.Name)
					msgs = append(msgs, d.Message)
				}
			}
			slices.Sort(codes)
			got := strings.Join(slices.Compact(codes), ",")
			if got != tc.codes {
				t.Errorf("gomodls errors: %q, want %q", got, tc.codes)
			}
			// Ours are one line: the go command's "\n\t" becomes " ".
			said := strings.ReplaceAll(tc.goErr, "\n\t", " ")
			if tc.goErr != "" && !slices.ContainsFunc(msgs, func(m string) bool { return strings.Contains(m, said) }) {
				t.Errorf("no gomodls error says %q", said)
			}

			fixTitles, built := "", ""
			if tc.fix {
				fixTitles = w.applyFixes()
				after := strings.Fields(tc.after)
				if len(after) == 0 {
					after = []string{"build", "./..."}
				}
				b := benchfixture.RunGo(context.Background(), w.goEnv(), w.dir, time.Minute, after...)
				built = "ok"
				if b.Err != nil {
					built = "fails: " + firstLine(b.Stderr)
					t.Errorf("go %s after the fixes (%s): %v\n%s", strings.Join(after, " "), fixTitles, b.Err, b.Stderr)
				}
				if snap, diags := w.check(tc.network); len(sumErrors(diags)) > 0 {
					for _, d := range sumErrors(diags) {
						t.Errorf("after the fixes: %s", analyzerstest.Format(snap, d))
					}
				}
			}
			goV := "ok"
			if r.Err != nil {
				goV = "fails: " + strings.ReplaceAll(tc.goErr, "\n\t", " ")
			}
			ours := got
			if len(msgs) > 0 {
				ours += ": " + msgs[0]
			}
			table.set(tc.txtar, goV, ours, fixTitles, built)
		})
	}
}

// A ruleWorld is one case's files on disk, checked by the go command and
// by gomodls with the same environment.
type ruleWorld struct {
	t    *testing.T
	srv  *proxytest.Server
	root string
	dir  string
	env  map[string]string // the case's env section
	// goVars are the fixture's variables for the go command (one GOPATH
	// and module cache for the whole case).
	goVars []string
}

func newRuleWorld(t *testing.T, srv *proxytest.Server, tc ruleCase) *ruleWorld {
	t.Helper()
	ar, err := txtar.ParseFile(filepath.Join("testdata", filepath.FromSlash(tc.txtar)+".txtar"))
	if err != nil {
		t.Fatal(err)
	}
	w := &ruleWorld{t: t, srv: srv, root: t.TempDir(), env: map[string]string{}}
	w.dir = filepath.Join(w.root, filepath.FromSlash(tc.dir))
	for _, f := range ar.Files {
		switch {
		case f.Name == "env":
			for _, line := range strings.Split(string(f.Data), "\n") {
				if k, v, ok := strings.Cut(strings.TrimSpace(line), "="); ok && !strings.HasPrefix(k, "#") {
					w.env[k] = strings.ReplaceAll(v, "$ROOT", w.root)
				}
			}
			continue
		case f.Name == "want" || strings.HasSuffix(f.Name, ".golden"):
			continue
		}
		w.write(f.Name, string(f.Data))
	}
	// A package in each module, so that go build has something to build.
	for _, f := range ar.Files {
		if path.Base(f.Name) != "go.mod" {
			continue
		}
		dir := filepath.Join(w.root, filepath.FromSlash(path.Dir(f.Name)))
		if matches, _ := filepath.Glob(filepath.Join(dir, "*.go")); len(matches) == 0 {
			w.write(path.Join(path.Dir(f.Name), "p.go"), "package p\n")
		}
	}
	w.goVars, err = srv.GoEnvVars()
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *ruleWorld) write(name, data string) {
	w.t.Helper()
	p := filepath.Join(w.root, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		w.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		w.t.Fatal(err)
	}
}

// goEnv is the go command's environment: the fixture proxy (no checksum
// database: GOSUMDB=off, as the analyzer cases assume), the workspace
// found from the directory, the case's env section, then extra.
func (w *ruleWorld) goEnv(extra ...string) []string {
	vars := append(append([]string{}, w.goVars...), "GOSUMDB=off", "GOWORK=", "GOFLAGS=-modcacherw")
	for k, v := range w.env {
		vars = append(vars, k+"="+v)
	}
	return w.srv.GoEnv(append(vars, extra...)...)
}

// prepareSums writes go.sum (and go.work.sum) for the module's
// requirements, ignoring the vendor directory.
func (w *ruleWorld) prepareSums() {
	w.t.Helper()
	r := benchfixture.RunGo(context.Background(), w.goEnv("GOFLAGS=-modcacherw"), w.dir, time.Minute, "mod", "download")
	if r.Err != nil {
		w.t.Fatalf("go mod download: %v\n%s", r.Err, r.Stderr)
	}
}

// check runs the local analyzers on the case's directory as it is on
// disk, with the case's environment and GOPROXY=off; with network, every
// analyzer, with the fixture proxy as GOPROXY and module source.
func (w *ruleWorld) check(network bool) (*snapshot.Snapshot, []analyzers.Diagnostic) {
	w.t.Helper()
	over := map[string]string{"GOPROXY": "off"}
	if network {
		over = map[string]string{"GOPROXY": w.srv.URL, "GOSUMDB": "off"}
	}
	for k, v := range w.env {
		over[k] = v
	}
	env := analyzerstest.Env(w.t, over)
	contents, err := snapshot.ReadDir(nil, w.dir)
	if err != nil {
		w.t.Fatal(err)
	}
	list := analyzers.Local()
	var src snapshot.Source
	if network {
		list, src = analyzers.All(), fixtureSource(w.t, env)
	}
	// The cases compare what these rules make the go command refuse, and
	// most run it offline with an empty module cache: the offline
	// analyzer's verdict on that cache (go build would fail) is its own
	// cross-check's (env_crosscheck_test.go).
	set := settings.Default()
	set.Disable = []string{"offline", "summissing"} // go.sum rules have their own cross-check (TestSumNeedsCrossCheck)
	snap := snapshot.Build(w.dir, contents, env, set, nil, src)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	diags, failures := checker.Run(ctx, snap, list)
	for _, f := range failures {
		w.t.Errorf("analyzer failed: %v", f)
	}
	return snap, diags
}

// applyFixes applies the first fix of each error, as a user would, until
// no error is left (three rounds at most), and returns the fixes' titles.
func (w *ruleWorld) applyFixes() string {
	w.t.Helper()
	var titles []string
	for round := 0; round < 3; round++ {
		snap, diags := w.check(false)
		errs := sumErrors(diags)
		if len(errs) == 0 {
			break
		}
		edits := map[snapshot.FileKind][]fixes.Edit{}
		ran := map[string]bool{}
		for _, d := range errs {
			if len(d.Fixes) == 0 {
				w.t.Errorf("no fix for %s", analyzerstest.Format(snap, d))
				continue
			}
			fx := d.Fixes[0]
			if !slices.Contains(titles, fx.Title) {
				titles = append(titles, fx.Title)
			}
			for _, e := range fx.Edits {
				edits[e.File] = append(edits[e.File], e)
			}
			if c := fx.Command; c != nil && !ran[c.Title] {
				ran[c.Title] = true
				w.runCommand(c)
			}
		}
		for kind, es := range edits {
			p := snap.Path(kind)
			if err := os.WriteFile(p, fixes.Apply(snap.Content(kind), es), 0o644); err != nil {
				w.t.Fatal(err)
			}
		}
	}
	return strings.Join(titles, "; ")
}

// runCommand runs a command fix as the language server does
// (lsp/gocommands.go): the go command, in the directory of its URI,
// through the fixture proxy.
func (w *ruleWorld) runCommand(c *fixes.Command) {
	w.t.Helper()
	if c.Name != fixes.CmdRunGoCommand || len(c.Args) != 1 {
		w.t.Fatalf("unexpected command fix %+v", c)
	}
	arg := c.Args[0].(map[string]any)
	dir := strings.TrimPrefix(arg["uri"].(string), "file://")
	args := arg["args"].([]string)
	r := benchfixture.RunGo(context.Background(), w.goEnv(), dir, time.Minute, args...)
	w.t.Logf("fix: go %s in %s: %v\n%s%s", strings.Join(args, " "), dir, r.Err, r.Stdout, r.Stderr)
	if r.Err != nil {
		w.t.Errorf("fix go %s: %v\n%s", strings.Join(args, " "), r.Err, r.Stderr)
	}
}
