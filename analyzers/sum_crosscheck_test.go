package analyzers_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gomodls/gomodls/analyzers"
	"github.com/gomodls/gomodls/analyzers/analyzerstest"
	"github.com/gomodls/gomodls/fixes"
	"github.com/gomodls/gomodls/internal/checker"
	"github.com/gomodls/gomodls/internal/goenv"
	"github.com/gomodls/gomodls/internal/modproxy"
	"github.com/gomodls/gomodls/internal/proxytest"
	"github.com/gomodls/gomodls/internal/settings"
	"github.com/gomodls/gomodls/internal/snapshot"
	"github.com/gomodls/gomodls/internal/sumcheck"
)

// sumWorld is one module directory checked by the go command and by
// gomodls with the same environment: the same proxy, checksum database,
// GOPATH and module cache. gomodls keeps its own cache directory (its
// checksum database state), as the go command keeps GOPATH/pkg/sumdb.
type sumWorld struct {
	t        *testing.T
	srv      *proxytest.Server
	dir      string
	environ  []string
	cacheDir string
}

const sumGoModHead = "module example.com/m\n\ngo 1.22\n\n"

func newSumWorld(t *testing.T, srv *proxytest.Server, gomod, gosum string, extra ...string) *sumWorld {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Fatalf("the go command is needed for the cross-check: %v", err)
	}
	w := &sumWorld{t: t, srv: srv, dir: t.TempDir(), environ: srv.GoEnv(extra...), cacheDir: t.TempDir()}
	w.write("go.mod", sumGoModHead+gomod)
	if gosum != "" {
		w.write("go.sum", gosum)
	}
	return w
}

func (w *sumWorld) write(name, data string) {
	w.t.Helper()
	if err := os.WriteFile(filepath.Join(w.dir, name), []byte(data), 0o644); err != nil {
		w.t.Fatal(err)
	}
}

func (w *sumWorld) read(name string) string {
	w.t.Helper()
	data, err := os.ReadFile(filepath.Join(w.dir, name))
	if err != nil {
		w.t.Fatal(err)
	}
	return string(data)
}

// goCmd runs the go command in the module and returns its output.
func (w *sumWorld) goCmd(args ...string) (string, error) {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir, cmd.Env = w.dir, w.environ
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// ours runs summissing and sumverify on the module as it is on disk.
func (w *sumWorld) ours() (*snapshot.Snapshot, []analyzers.Diagnostic) {
	w.t.Helper()
	return w.oursWith(settings.Default())
}

// oursVerify is ours as gomodls check -verify runs it.
func (w *sumWorld) oursVerify() (*snapshot.Snapshot, []analyzers.Diagnostic) {
	w.t.Helper()
	set := settings.Default()
	set.VerifyZips = true
	return w.oursWith(set)
}

func (w *sumWorld) oursWith(set *settings.Settings) (*snapshot.Snapshot, []analyzers.Diagnostic) {
	w.t.Helper()
	env, err := goenv.Load(context.Background(), goenv.Options{Environ: w.environ, GoCommand: "-", Dir: w.dir})
	if err != nil {
		w.t.Fatal(err)
	}
	src, err := sumcheck.New(modproxy.Options{Env: env, NoAuth: true, RequestTimeout: 2 * time.Second, MaxRetries: -1, CacheDir: w.cacheDir})
	if err != nil {
		w.t.Fatal(err)
	}
	contents, err := snapshot.ReadDir(nil, w.dir)
	if err != nil {
		w.t.Fatal(err)
	}
	snap := snapshot.Build(w.dir, contents, env, set, nil, src)
	// The network pass first (it looks up what the local fix needs), as
	// the language server runs it in the background; then the local one.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	net, failures := checker.Run(ctx, snap, []*analyzers.Analyzer{analyzers.SumVerify})
	local, failures2 := checker.Run(ctx, snap, []*analyzers.Analyzer{analyzers.SumMissing})
	for _, f := range append(failures, failures2...) {
		w.t.Fatalf("analyzer failed: %v", f)
	}
	return snap, append(local, net...)
}

// describe renders diagnostics one per line: "file:line code: message".
func sumDescribe(snap *snapshot.Snapshot, diags []analyzers.Diagnostic) string {
	var b strings.Builder
	for _, d := range diags {
		b.WriteString(analyzerstest.Format(snap, d) + "\n")
	}
	return b.String()
}

// errorsOf returns the error-severity diagnostics.
func sumErrors(diags []analyzers.Diagnostic) []analyzers.Diagnostic {
	var out []analyzers.Diagnostic
	for _, d := range diags {
		if d.Severity == analyzers.Error {
			out = append(out, d)
		}
	}
	return out
}

const (
	sumBasicZip   = "example.com/basic v1.1.0 h1:5XN7kOlb+oAur06SeFZEbrGSTkmoTHIxJqNIRKAysu0=\n"
	sumBasicGoMod = "example.com/basic v1.1.0/go.mod h1:BOK6UDcxFkMy3nlbYGGffUlMObMwU5WJQ2GWI1uXc5k=\n"
	sumZeroZip    = "example.com/zero v0.2.0 h1:QwZWg2BchLUDK2vFf42XQHOwNVdjDL2dV4mkCqYKvxY=\n"
	sumZeroGoMod  = "example.com/zero v0.2.0/go.mod h1:9qaPZK1Cvk5LDZXhv5WdV8TxTh+hlXsXsCQrqjapRCE=\n"
	sumTwoReqs    = "require (\n\texample.com/basic v1.1.0\n\texample.com/zero v0.2.0\n)\n"
	sumImportZero = "package m\n\nimport _ \"example.com/zero\"\n"
	// sumDeepTidy is the go.mod go mod tidy writes for a module importing
	// example.com/deep/a.
	sumDeepTidy = "require example.com/deep/a v1.0.0\n\nrequire (\n\texample.com/deep/b v1.0.0 // indirect\n\texample.com/deep/c v1.1.0 // indirect\n\texample.com/deep/d v1.1.0 // indirect\n\texample.com/deep/e v1.1.0 // indirect\n)\n"
)

// TestSumCrossCheckWithGoCommand checks our verdicts against the go
// command's on the same fixture: where the go command stops with a
// checksum failure we report an error on the same module (and the same
// hashes), and where it succeeds we report none.
func TestSumCrossCheckWithGoCommand(t *testing.T) {
	t.Run("clean", func(t *testing.T) {
		t.Parallel()
		w := newSumWorld(t, proxytest.New(t), sumTwoReqs, sumBasicZip+sumBasicGoMod+sumZeroZip+sumZeroGoMod)
		snap, diags := w.ours()
		if len(diags) != 0 {
			t.Errorf("ours:\n%s", sumDescribe(snap, diags))
		}
		for _, args := range [][]string{{"mod", "download"}, {"list", "-m", "all"}, {"mod", "verify"}} {
			if out, err := w.goCmd(args...); err != nil {
				t.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, out)
			}
		}
	})

	tamper := func(t *testing.T, gosum, wantGo, wantOurs string, line int) {
		w := newSumWorld(t, proxytest.New(t), sumTwoReqs, gosum)
		snap, diags := w.ours()
		errs := sumErrors(diags)
		if len(errs) != 1 || errs[0].Code != analyzers.CodeSumMismatch || snap.Mapper(errs[0].File).Line(errs[0].Span.Start) != line-1 || !strings.Contains(errs[0].Message, wantOurs) {
			t.Errorf("ours:\n%s\nwant one sum-mismatch on go.sum:%d containing %q", sumDescribe(snap, diags), line, wantOurs)
		}
		out, err := w.goCmd("mod", "download")
		if err == nil || !strings.Contains(out, wantGo) || !strings.Contains(out, "SECURITY ERROR") {
			t.Errorf("go mod download: %v\n%s\nwant a failure with %q", err, out, wantGo)
		}
	}
	t.Run("tampered zip hash", func(t *testing.T) {
		t.Parallel()
		bad := strings.Replace(sumBasicZip, "h1:5XN7", "h1:AAAA", 1)
		tamper(t, bad+sumBasicGoMod+sumZeroZip+sumZeroGoMod,
			"verifying example.com/basic@v1.1.0: checksum mismatch\n\tdownloaded: h1:5XN7kOlb+oAur06SeFZEbrGSTkmoTHIxJqNIRKAysu0=\n\tgo.sum:     h1:AAAAkOlb+oAur06SeFZEbrGSTkmoTHIxJqNIRKAysu0=",
			"go.sum has h1:AAAAkOlb+oAur06SeFZEbrGSTkmoTHIxJqNIRKAysu0=, checksum database sum.proxytest.invalid has h1:5XN7kOlb+oAur06SeFZEbrGSTkmoTHIxJqNIRKAysu0=", 1)
	})
	t.Run("tampered go.mod hash", func(t *testing.T) {
		t.Parallel()
		bad := strings.Replace(sumZeroGoMod, "h1:9qaP", "h1:AAAA", 1)
		tamper(t, sumBasicZip+sumBasicGoMod+sumZeroZip+bad,
			"verifying example.com/zero@v0.2.0/go.mod: checksum mismatch\n\tdownloaded: h1:9qaPZK1Cvk5LDZXhv5WdV8TxTh+hlXsXsCQrqjapRCE=\n\tgo.sum:     h1:AAAAZK1Cvk5LDZXhv5WdV8TxTh+hlXsXsCQrqjapRCE=",
			"go.sum has h1:AAAAZK1Cvk5LDZXhv5WdV8TxTh+hlXsXsCQrqjapRCE=, checksum database sum.proxytest.invalid has h1:9qaPZK1Cvk5LDZXhv5WdV8TxTh+hlXsXsCQrqjapRCE=", 4)
	})

	t.Run("missing lines and the fix", func(t *testing.T) {
		t.Parallel()
		srv := proxytest.New(t)
		w := newSumWorld(t, srv, sumTwoReqs, sumBasicZip+sumBasicGoMod)
		w.write("m.go", sumImportZero)
		out, err := w.goCmd("list", "-m", "all")
		if err == nil || !strings.Contains(out, "example.com/zero@v0.2.0: missing go.sum entry for go.mod file") {
			t.Fatalf("go list -m all: %v\n%s", err, out)
		}
		out, err = w.goCmd("build", "./...")
		if err == nil || !strings.Contains(out, "missing go.sum entry for module providing package example.com/zero (imported by example.com/m)") {
			t.Fatalf("go build ./...: %v\n%s", err, out)
		}
		snap, diags := w.ours()
		if len(diags) != 1 || diags[0].Code != analyzers.CodeSumMissing || len(diags[0].Fixes) == 0 {
			t.Fatalf("ours:\n%s\nwant one sum-missing with a fix", sumDescribe(snap, diags))
		}
		fixed := string(fixes.Apply(snap.Sum.Content, diags[0].Fixes[0].Edits))
		// What the go command writes itself, in a copy.
		w2 := newSumWorld(t, srv, sumTwoReqs, sumBasicZip+sumBasicGoMod)
		if out, err := w2.goCmd("mod", "download", "example.com/zero"); err != nil {
			t.Fatalf("go mod download: %v\n%s", err, out)
		}
		if want := w2.read("go.sum"); fixed != want {
			t.Errorf("our fix gives:\n%s\nthe go command writes:\n%s", fixed, want)
		}
		w.write("go.sum", fixed)
		for _, args := range [][]string{{"list", "-m", "all"}, {"build", "./..."}, {"mod", "download"}, {"mod", "verify"}} {
			if out, err := w.goCmd(args...); err != nil {
				t.Errorf("after our fix, go %s: %v\n%s", strings.Join(args, " "), err, out)
			}
		}
		if snap, diags := w.ours(); len(diags) != 0 {
			t.Errorf("after the fix, ours:\n%s", sumDescribe(snap, diags))
		}
	})

	t.Run("tampered checksum database", func(t *testing.T) {
		t.Parallel()
		srv := proxytest.New(t)
		if err := srv.TamperSumDB("example.com/deep/d", "v1.1.0"); err != nil {
			t.Fatal(err)
		}
		w := newSumWorld(t, srv, "require example.com/deep/d v1.1.0\n", sumBasicZip)
		out, err := w.goCmd("mod", "download", "example.com/deep/d")
		m := regexp.MustCompile(`verifying go.mod: checksum mismatch\n\tdownloaded: (h1:\S+)\n\tsum.proxytest.invalid: (h1:\S+)`).FindStringSubmatch(out)
		if err == nil || m == nil {
			t.Fatalf("go mod download: %v\n%s", err, out)
		}
		// The lines are missing, and the hashes the database has for them
		// contradict the download, with the go command's two hashes.
		snap, diags := w.ours()
		var mismatch []analyzers.Diagnostic
		for _, d := range sumErrors(diags) {
			if d.Code == analyzers.CodeSumMismatch {
				mismatch = append(mismatch, d)
			}
		}
		if len(mismatch) != 1 || !strings.Contains(mismatch[0].Message, "the go.mod served by http://127.0.0.1") ||
			!strings.Contains(mismatch[0].Message, "has "+m[1]+", sum.proxytest.invalid records "+m[2]) {
			t.Errorf("ours:\n%s\nwant one sum-mismatch on the require with %s and %s", sumDescribe(snap, diags), m[1], m[2])
		}
		for _, d := range diags {
			for _, fx := range d.Fixes {
				for _, e := range fx.Edits {
					if strings.Contains(e.NewText, "example.com/deep/d v1.1.0") {
						t.Errorf("a fix adds lines the database got wrong: %s", d.Message)
					}
				}
			}
		}
	})

	t.Run("forked checksum database", func(t *testing.T) {
		t.Parallel()
		srv := proxytest.New(t)
		// Both see the genuine log once...
		w := newSumWorld(t, srv, "require example.com/basic v1.1.0\n", "")
		if out, err := w.goCmd("mod", "download", "example.com/basic"); err != nil {
			t.Fatalf("go mod download: %v\n%s", err, out)
		}
		if _, diags := w.ours(); len(sumErrors(diags)) != 0 {
			t.Fatalf("ours before the fork: %v", diags)
		}
		// ...then the database serves a fork.
		srv.ForkSumDB(true)
		w.write("go.mod", sumGoModHead+sumTwoReqs)
		out, err := w.goCmd("mod", "download", "example.com/zero")
		if err == nil || !strings.Contains(out, "SECURITY ERROR") || !strings.Contains(out, "go.sum database server misbehavior detected") {
			t.Errorf("go mod download after the fork: %v\n%s", err, out)
		}
		snap, diags := w.ours()
		var found bool
		for _, d := range diags {
			found = found || d.Code == analyzers.CodeSumDBMisbehavior
		}
		if !found {
			t.Errorf("ours after the fork:\n%s\nwant sumdb-misbehavior", sumDescribe(snap, diags))
		}
	})

	excluded := func(t *testing.T, extra string) {
		srv := proxytest.New(t)
		w := newSumWorld(t, srv, sumDeepTidy, sumBasicZip, extra)
		w.write("m.go", "package m\n\nimport _ \"example.com/deep/a\"\n")
		snap, diags := w.ours()
		var missing []analyzers.Diagnostic
		for _, d := range diags {
			switch {
			case d.Code == analyzers.CodeSumMissing:
				missing = append(missing, d)
			case d.Severity != analyzers.Information: // the exclusion is noted
				t.Errorf("ours: %s", analyzerstest.Format(snap, d))
			}
		}
		// The lines of the five modules go.mod requires (the zip hashes of
		// deep/b...e only perhaps: their source is not in the module
		// cache yet), and the go.mod of the three older versions below
		// deep/a (go 1.16: no graph pruning).
		if len(missing) != 8 {
			t.Fatalf("ours:\n%s\nwant sum-missing for the 5 required modules and 3 module versions below deep/a", sumDescribe(snap, diags))
		}
		for _, d := range missing {
			if len(d.Fixes) == 0 || !strings.Contains(d.Fixes[0].Title, "computed from what") {
				t.Fatalf("%s: fixes %+v, want one from what the proxy serves", d.Message, d.Fixes)
			}
		}
		fixed := string(fixes.Apply(snap.Sum.Content, missing[0].Fixes[len(missing[0].Fixes)-1].Edits))
		// What the go command writes: go build reads deep/a's zip and
		// go.mod, go list -m all the go.mod files of the graph.
		w2 := newSumWorld(t, srv, sumDeepTidy, sumBasicZip, extra, "GOFLAGS=-mod=mod")
		w2.write("m.go", "package m\n\nimport _ \"example.com/deep/a\"\n")
		for _, args := range [][]string{{"build", "./..."}, {"list", "-m", "all"}} {
			if out, err := w2.goCmd(args...); err != nil {
				t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
			}
		}
		if want := w2.read("go.sum"); fixed != want {
			t.Errorf("our fix gives:\n%s\nthe go command writes:\n%s", fixed, want)
		}
		for _, r := range srv.Requests() {
			if r.Endpoint&proxytest.EndpointSumDB != 0 && strings.Contains(r.URL, "example.com/deep") {
				t.Errorf("checksum database asked about an excluded module: %s", r)
			}
		}
		// Now go.sum is complete: the go command succeeds, we note the exclusion.
		w.write("go.sum", fixed)
		for _, args := range [][]string{{"build", "./..."}, {"list", "-m", "all"}, {"mod", "verify"}} {
			if out, err := w.goCmd(args...); err != nil {
				t.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, out)
			}
		}
		if snap, diags := w.ours(); len(sumErrors(diags)) != 0 {
			t.Errorf("ours after the fix:\n%s", sumDescribe(snap, diags))
		}
	}
	t.Run("GONOSUMDB", func(t *testing.T) { t.Parallel(); excluded(t, "GONOSUMDB=example.com/deep") })
	t.Run("GOSUMDB=off", func(t *testing.T) { t.Parallel(); excluded(t, "GOSUMDB=off") })

	t.Run("tampered zip hash, GONOSUMDB, not in the module cache: -verify", func(t *testing.T) {
		t.Parallel()
		bad := strings.Replace(sumZeroZip, "h1:QwZW", "h1:AAAA", 1)
		w := newSumWorld(t, proxytest.New(t), sumTwoReqs, sumBasicZip+sumBasicGoMod+bad+sumZeroGoMod, "GONOSUMDB=example.com/zero")
		w.write("m.go", sumImportZero)
		// Nothing in any cache can tell: the background check is silent.
		if snap, diags := w.ours(); len(sumErrors(diags)) != 0 {
			t.Errorf("ours without -verify:\n%s", sumDescribe(snap, diags))
		}
		// -verify downloads the zip and hashes it.
		snap, diags := w.oursVerify()
		errs := sumErrors(diags)
		if len(errs) != 1 || errs[0].Code != analyzers.CodeSumMismatch || !strings.Contains(errs[0].Message, "go.sum has h1:AAAAg2BchLUDK2vFf42XQHOwNVdjDL2dV4mkCqYKvxY=, but what http://127.0.0.1") {
			t.Errorf("ours with -verify:\n%s\nwant one sum-mismatch on zero's zip line", sumDescribe(snap, diags))
		}
		// From then on the background check compares with the hash it
		// downloaded (gomodls' cache), without downloading again.
		if snap, diags := w.ours(); len(sumErrors(diags)) != 1 {
			t.Errorf("ours after -verify:\n%s", sumDescribe(snap, diags))
		}
		// The go command stops when it downloads the module.
		out, err := w.goCmd("build", "./...")
		if err == nil || !strings.Contains(out, "verifying example.com/zero@v0.2.0: checksum mismatch") || !strings.Contains(out, "SECURITY ERROR") {
			t.Errorf("go build: %v\n%s", err, out)
		}
	})

	t.Run("modified module cache: -verify", func(t *testing.T) {
		t.Parallel()
		w := newSumWorld(t, proxytest.New(t), sumTwoReqs, sumBasicZip+sumBasicGoMod+sumZeroZip+sumZeroGoMod)
		w.write("m.go", sumImportZero)
		if out, err := w.goCmd("mod", "download"); err != nil {
			t.Fatalf("go mod download: %v\n%s", err, out)
		}
		goEnv := func(name string) string {
			out, err := w.goCmd("env", name)
			if err != nil {
				t.Fatalf("go env %s: %v", name, err)
			}
			return strings.TrimSpace(out)
		}
		dir := filepath.Join(goEnv("GOMODCACHE"), "example.com", "zero@v0.2.0")
		if err := os.WriteFile(filepath.Join(dir, "zero.go"), []byte("package zero\n\nconst Version = \"edited\"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := w.goCmd("mod", "verify")
		if err == nil || !strings.Contains(out, "example.com/zero v0.2.0: dir has been modified ("+dir+")") {
			t.Errorf("go mod verify: %v\n%s", err, out)
		}
		// go build does not check: it builds the edited file.
		if out, err := w.goCmd("build", "./..."); err != nil {
			t.Errorf("go build: %v\n%s", err, out)
		}
		snap, diags := w.oursVerify()
		errs := sumErrors(diags)
		if len(errs) != 1 || errs[0].Code != analyzers.CodeModCacheModified || snap.Mapper(errs[0].File).Line(errs[0].Span.Start) != 6 ||
			!strings.Contains(errs[0].Message, "dir has been modified ("+dir+" hashes to") {
			t.Errorf("ours with -verify:\n%s\nwant modcache-modified on zero's require line", sumDescribe(snap, diags))
		}
		// The advice: go clean -modcache, and download again.
		if out, err := w.goCmd("clean", "-modcache"); err != nil {
			t.Fatalf("go clean -modcache: %v\n%s", err, out)
		}
		if out, err := w.goCmd("mod", "download"); err != nil {
			t.Fatalf("go mod download: %v\n%s", err, out)
		}
		if out, err := w.goCmd("mod", "verify"); err != nil {
			t.Errorf("go mod verify after the fix: %v\n%s", err, out)
		}
		if snap, diags := w.oursVerify(); len(sumErrors(diags)) != 0 {
			t.Errorf("ours after the fix:\n%s", sumDescribe(snap, diags))
		}
	})

	t.Run("unreachable checksum database", func(t *testing.T) {
		t.Parallel()
		srv := proxytest.New(t)
		refused := proxytest.RefusedURL(t)
		// go.sum complete: the go command never asks the database; we
		// only note that nothing was verified.
		w := newSumWorld(t, srv, sumTwoReqs, sumBasicZip+sumBasicGoMod+sumZeroZip+sumZeroGoMod, "GOSUMDB="+srv.SumDBKey()+" "+refused)
		snap, diags := w.ours()
		if len(diags) != 1 || diags[0].Code != analyzers.CodeSumUnverified || !strings.Contains(diags[0].Message, "unreachable") {
			t.Errorf("ours:\n%s\nwant one sum-unverified", sumDescribe(snap, diags))
		}
		if out, err := w.goCmd("mod", "download"); err != nil {
			t.Errorf("go mod download: %v\n%s", err, out)
		}
		// A missing line needs the database: the go command fails, we
		// report the line missing and offer no fix.
		w.write("go.sum", sumBasicZip+sumBasicGoMod)
		snap, diags = w.ours()
		var missing []analyzers.Diagnostic
		for _, d := range diags {
			if d.Code == analyzers.CodeSumMissing {
				missing = append(missing, d)
			}
		}
		if len(missing) != 1 || len(missing[0].Fixes) != 0 {
			t.Errorf("ours:\n%s\nwant sum-missing without a fix", sumDescribe(snap, diags))
		}
		out, err := w.goCmd("mod", "download", "example.com/zero")
		if err == nil || !strings.Contains(out, "example.com/zero@v0.2.0: verifying go.mod") || !strings.Contains(out, "connection refused") {
			t.Errorf("go mod download: %v\n%s", err, out)
		}
	})
}
