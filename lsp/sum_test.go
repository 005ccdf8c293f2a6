package lsp_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/protocol"

	"github.com/gomodls/gomodls/internal/goenv"
	"github.com/gomodls/gomodls/internal/modproxy"
	"github.com/gomodls/gomodls/internal/proxytest"
	"github.com/gomodls/gomodls/internal/sumcheck"
	"github.com/gomodls/gomodls/lsp"
	"github.com/gomodls/gomodls/lsp/lsptest"
)

// withSumDB is withProxy with the fixture's checksum database (reached
// through the proxy, as the go command does) instead of GOSUMDB=off, and
// -mod=readonly.
func withSumDB(t *testing.T, srv *proxytest.Server) lsp.Options {
	opts := withProxy(t, srv)
	for i, kv := range opts.Environ {
		switch {
		case strings.HasPrefix(kv, "GOSUMDB="):
			opts.Environ[i] = "GOSUMDB=" + srv.SumDBKey()
		case strings.HasPrefix(kv, "GOFLAGS="):
			opts.Environ[i] = "GOFLAGS=-modcacherw" // -mod=readonly: go.sum lines are needed
		}
	}
	return opts
}

const (
	sumBasic = "example.com/basic v1.1.0 h1:5XN7kOlb+oAur06SeFZEbrGSTkmoTHIxJqNIRKAysu0=\n" +
		"example.com/basic v1.1.0/go.mod h1:BOK6UDcxFkMy3nlbYGGffUlMObMwU5WJQ2GWI1uXc5k=\n"
	sumZero = "example.com/zero v0.2.0 h1:QwZWg2BchLUDK2vFf42XQHOwNVdjDL2dV4mkCqYKvxY=\n" +
		"example.com/zero v0.2.0/go.mod h1:9qaPZK1Cvk5LDZXhv5WdV8TxTh+hlXsXsCQrqjapRCE=\n"
)

// TestSumMissingEndToEnd: go.mod requires a module whose go.sum lines are
// missing. An earlier session looked it up, so the checksum database's
// answer is in the persistent cache: the require is flagged at once with a
// fix adding the verified lines; once go.sum on disk has them, the
// diagnostic goes.
func TestSumMissingEndToEnd(t *testing.T) {
	srv := proxytest.New(t)
	opts := withSumDB(t, srv)
	env, err := goenv.Load(context.Background(), goenv.Options{Environ: opts.Environ, GoCommand: "-", Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	earlier, err := sumcheck.New(modproxy.Options{Env: env, NoAuth: true, CacheDir: opts.CacheDir, RequestTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := earlier.Sums(context.Background(), "example.com/zero", "v0.2.0", sumcheck.Verify); err != nil {
		t.Fatal(err)
	}

	gomodText := "module example.com/m\n\ngo 1.22\n\nrequire (\n\texample.com/basic v1.1.0\n\texample.com/zero v0.2.0\n)\n"
	// The module's package imports example.com/zero: go build needs its
	// zip hash too.
	dir := writeFiles(t, map[string]string{"go.mod": gomodText, "go.sum": sumBasic, "m.go": "package m\n\nimport _ \"example.com/zero\"\n"})
	ed := start(t, opts)
	ed.Initialize(dir, lsptest.Caps{Config: fastSettings})
	gomod, gosum := filepath.Join(dir, "go.mod"), filepath.Join(dir, "go.sum")
	ed.Open(gomod, "")
	got := ed.Diagnostics(gomod, wait, func(p *protocol.PublishDiagnosticsParams) bool {
		return codesOf(p) == "sum-missing" && len(p.Diagnostics) == 1
	})
	d := got.Diagnostics[0]
	if d.Range.Start.Line != 6 || !strings.Contains(string(d.Message.(protocol.String)), "missing go.sum entry for example.com/zero v0.2.0/go.mod and its zip hash") {
		t.Errorf("diagnostic: %s", lsptest.Describe(got.Diagnostics))
	}
	changed := func() {
		t.Helper()
		if err := ed.Server.DidChangeWatchedFiles(ed.Context(), &protocol.DidChangeWatchedFilesParams{Changes: []protocol.FileEvent{{URI: lsptest.URI(gosum), Type: protocol.FileChangeTypeChanged}}}); err != nil {
			t.Fatal(err)
		}
	}

	// The quick fix adds the lines the checksum database verified.
	actions, err := ed.Server.CodeAction(ed.Context(), &protocol.CodeActionParams{TextDocument: docID(gomod), Range: d.Range,
		Context: protocol.CodeActionContext{Diagnostics: got.Diagnostics, Only: []protocol.CodeActionKind{protocol.CodeActionKindQuickFix, protocol.CodeActionKindSourceFixAll}}})
	// The quick fix, and "fix all" (it is preferred).
	if err != nil || len(actions) != 2 || *actions[1].(*protocol.CodeAction).Kind != protocol.CodeActionKindSourceFixAll {
		for _, a := range actions {
			t.Logf("action %q kind %v", a.(*protocol.CodeAction).Title, *a.(*protocol.CodeAction).Kind)
		}
		t.Fatalf("code actions: %d %v", len(actions), err)
	}
	ca := actions[0].(*protocol.CodeAction)
	if ca.Title != "Add go.sum lines for example.com/zero v0.2.0 (verified by sum.proxytest.invalid)" || ca.IsPreferred == nil || !*ca.IsPreferred {
		t.Errorf("action %q preferred=%v", ca.Title, ca.IsPreferred)
	}
	if ca.Edit == nil || len(ca.Edit.DocumentChanges) != 1 {
		t.Fatalf("edit: %+v", ca.Edit)
	}
	tde := ca.Edit.DocumentChanges[0].(*protocol.TextDocumentEdit)
	if tde.TextDocument.URI != lsptest.URI(gosum) {
		t.Errorf("edit of %s, want go.sum", tde.TextDocument.URI)
	}
	var edits []protocol.TextEdit
	for _, e := range tde.Edits {
		edits = append(edits, *e.(*protocol.TextEdit))
	}
	fixed := lsptest.ApplyEdits(sumBasic, edits)
	if fixed != sumBasic+sumZero {
		t.Errorf("go.sum after the fix:\n%s\nwant:\n%s", fixed, sumBasic+sumZero)
	}

	// The editor saves go.sum (not open in it): the file watcher reports it.
	if err := os.WriteFile(gosum, []byte(fixed), 0o644); err != nil {
		t.Fatal(err)
	}
	changed()
	ed.Diagnostics(gomod, wait, hasCodes(""))
	ed.Shutdown()
}

// TestSumMismatchEndToEnd: a tampered line in an open go.sum is flagged
// by the background check with both hashes; the explicit fix restores the
// verified hash and the diagnostic goes.
func TestSumMismatchEndToEnd(t *testing.T) {
	srv := proxytest.New(t)
	gomodText := "module example.com/m\n\ngo 1.22\n\nrequire example.com/basic v1.1.0\n"
	bad := strings.Replace(sumBasic, "h1:5XN7", "h1:AAAA", 1)
	dir := writeFiles(t, map[string]string{"go.mod": gomodText, "go.sum": bad})
	ed := start(t, withSumDB(t, srv))
	ed.Initialize(dir, lsptest.Caps{Config: fastSettings})
	gosum := filepath.Join(dir, "go.sum")
	ed.Open(gosum, "")
	got := ed.Diagnostics(gosum, wait, hasCodes("sum-mismatch"))
	if desc := lsptest.Describe(got.Diagnostics); !strings.Contains(desc, "0:25-0:72 sum-mismatch: checksum mismatch for example.com/basic v1.1.0: go.sum has h1:AAAAkOlb+oAur06SeFZEbrGSTkmoTHIxJqNIRKAysu0=, checksum database sum.proxytest.invalid has h1:5XN7kOlb+oAur06SeFZEbrGSTkmoTHIxJqNIRKAysu0=") {
		t.Errorf("diagnostics:\n%s", desc)
	}
	actions, err := ed.Server.CodeAction(ed.Context(), &protocol.CodeActionParams{TextDocument: docID(gosum), Range: got.Diagnostics[0].Range,
		Context: protocol.CodeActionContext{Diagnostics: got.Diagnostics, Only: []protocol.CodeActionKind{protocol.CodeActionKindQuickFix}}})
	if err != nil || len(actions) != 1 {
		t.Fatalf("code actions: %+v %v", actions, err)
	}
	ca := actions[0].(*protocol.CodeAction)
	if ca.IsPreferred != nil && *ca.IsPreferred {
		t.Error("the mismatch fix is preferred; it must never be applied automatically")
	}
	// Not part of "fix all".
	all, err := ed.Server.CodeAction(ed.Context(), &protocol.CodeActionParams{TextDocument: docID(gosum),
		Context: protocol.CodeActionContext{Only: []protocol.CodeActionKind{protocol.CodeActionKindSourceFixAll}}})
	if err != nil || len(all) != 0 {
		t.Errorf("fix all offers %+v (%v)", all, err)
	}
	// Hover on the line says so too, from what the check looked up.
	if h := sumHoverText(t, ed, gosum, 0); !strings.Contains(h, "**Checksum mismatch:** the checksum database `sum.proxytest.invalid` records `h1:5XN7kOlb+oAur06SeFZEbrGSTkmoTHIxJqNIRKAysu0=`") {
		t.Errorf("hover:\n%s", h)
	}
	fixed := applyWorkspaceEdit(t, ed, gosum, ca.Edit)
	if fixed != sumBasic {
		t.Errorf("after the fix:\n%s", fixed)
	}
	ed.Replace(gosum, fixed)
	ed.Diagnostics(gosum, wait, hasCodes(""))
	if h := sumHoverText(t, ed, gosum, 1); !strings.Contains(h, "Verified: the checksum database `sum.proxytest.invalid` records this hash.") {
		t.Errorf("hover after the fix:\n%s", h)
	}
	ed.Shutdown()
}

func sumHoverText(t *testing.T, ed *lsptest.Editor, path string, line uint32) string {
	t.Helper()
	h, err := ed.Server.Hover(ed.Context(), &protocol.HoverParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{
		TextDocument: docID(path), Position: protocol.Position{Line: line, Character: 3}}})
	if err != nil || h == nil {
		t.Fatalf("hover: %v %v", h, err)
	}
	return h.Contents.(*protocol.MarkupContent).Value
}

// TestSumMissingResolvedFix: before any background check has cached the
// hashes, the sum-missing quick fix is offered anyway, and its edit is
// looked up (checksum database through the proxy) when it is chosen
// (codeAction/resolve).
func TestSumMissingResolvedFix(t *testing.T) {
	srv := proxytest.New(t)
	dir := writeFiles(t, map[string]string{
		"go.mod": "module example.com/m\n\ngo 1.22\n\nrequire (\n\texample.com/basic v1.1.0\n\texample.com/zero v0.2.0\n)\n",
		"go.sum": sumZero,
		"m.go":   "package m\n\nimport _ \"example.com/basic\"\n",
	})
	ed := start(t, withSumDB(t, srv))
	// A long debounce: the background check does not run during the test.
	ed.Initialize(dir, lsptest.Caps{Resolve: true, Config: json.RawMessage(`{"debounce": "1h", "workspaceScan": false}`)})
	gomod := filepath.Join(dir, "go.mod")
	ed.Open(gomod, "")
	got := ed.Diagnostics(gomod, wait, hasCodes("sum-missing"))
	actions, err := ed.Server.CodeAction(ed.Context(), &protocol.CodeActionParams{TextDocument: docID(gomod), Range: got.Diagnostics[0].Range,
		Context: protocol.CodeActionContext{Diagnostics: got.Diagnostics, Only: []protocol.CodeActionKind{protocol.CodeActionKindQuickFix}}})
	if err != nil || len(actions) != 1 {
		t.Fatalf("actions: %v %v", actions, err)
	}
	ca := actions[0].(*protocol.CodeAction)
	if ca.Edit != nil || len(ca.Data) == 0 {
		t.Fatalf("the fix should be resolved later: %+v", ca)
	}
	resolved, err := ed.Server.CodeActionResolve(ed.Context(), ca)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(resolved.Title, "Add go.sum lines for example.com/basic v1.1.0") {
		t.Errorf("title %q", resolved.Title)
	}
	tde := resolved.Edit.DocumentChanges[0].(*protocol.TextDocumentEdit)
	var edits []protocol.TextEdit
	for _, e := range tde.Edits {
		edits = append(edits, *e.(*protocol.TextEdit))
	}
	if out := lsptest.ApplyEdits(sumZero, edits); out != sumBasic+sumZero {
		t.Errorf("go.sum after the fix:\n%s\nwant:\n%s", out, sumBasic+sumZero)
	}
	ed.Shutdown()
}

// TestSumMissingFixAfterBackgroundCheck: nothing is cached when go.mod is
// opened, so sum-missing comes without a fix; the background check caches
// the checksum database's answer and the local analyzers run again, so the
// fix is offered without another edit.
func TestSumMissingFixAfterBackgroundCheck(t *testing.T) {
	srv := proxytest.New(t)
	dir := writeFiles(t, map[string]string{
		"go.mod": "module example.com/m\n\ngo 1.22\n\nrequire (\n\texample.com/basic v1.1.0\n\texample.com/zero v0.2.0\n)\n",
		"go.sum": sumZero,
	})
	ed := start(t, withSumDB(t, srv))
	ed.Initialize(dir, lsptest.Caps{Config: fastSettings})
	gomod := filepath.Join(dir, "go.mod")
	ed.Open(gomod, "")
	got := ed.Diagnostics(gomod, wait, hasCodes("sum-missing"))
	params := &protocol.CodeActionParams{TextDocument: docID(gomod), Range: got.Diagnostics[0].Range,
		Context: protocol.CodeActionContext{Diagnostics: got.Diagnostics, Only: []protocol.CodeActionKind{protocol.CodeActionKindQuickFix}}}
	var actions []protocol.CommandOrCodeAction
	for deadline := time.Now().Add(wait); ; time.Sleep(20 * time.Millisecond) {
		var err error
		if actions, err = ed.Server.CodeAction(ed.Context(), params); err != nil {
			t.Fatal(err)
		}
		if len(actions) > 0 || time.Now().After(deadline) {
			break
		}
	}
	if len(actions) != 1 || actions[0].(*protocol.CodeAction).Edit == nil {
		t.Fatalf("no sum-missing fix after the background check: %+v", actions)
	}
	if title := actions[0].(*protocol.CodeAction).Title; title != "Add go.sum lines for example.com/basic v1.1.0 (verified by sum.proxytest.invalid)" {
		t.Errorf("fix %q", title)
	}
	ed.Shutdown()
}

// TestVerifySumsCommand: gomodls.verifySums downloads and hashes the zips
// go.sum lists and hashes the module cache. example.com/zero is kept from
// the checksum database (GONOSUMDB) and its zip line was tampered with:
// only the download shows it, and the background check keeps showing it
// afterwards. example.com/basic's copy in the module cache was edited:
// modcache-modified on its require line.
func TestVerifySumsCommand(t *testing.T) {
	srv := proxytest.New(t)
	opts := withSumDB(t, srv)
	opts.Environ = append(opts.Environ, "GONOSUMDB=example.com/zero")
	gopath := ""
	for _, kv := range opts.Environ {
		if v, ok := strings.CutPrefix(kv, "GOPATH="); ok {
			gopath = v
		}
	}
	modcache := filepath.Join(gopath, "pkg", "mod")
	badZero := strings.Replace(sumZero, "h1:QwZW", "h1:AAAA", 1)
	dir := writeFiles(t, map[string]string{
		"go.mod": "module example.com/m\n\ngo 1.22\n\nrequire (\n\texample.com/basic v1.1.0\n\texample.com/zero v0.2.0\n)\n",
		"go.sum": sumBasic + badZero,
	})
	for name, data := range map[string]string{
		"cache/download/example.com/basic/@v/v1.1.0.ziphash": "h1:5XN7kOlb+oAur06SeFZEbrGSTkmoTHIxJqNIRKAysu0=\n",
		"example.com/basic@v1.1.0/go.mod":                    "module example.com/basic\n\ngo 1.21\n",
		"example.com/basic@v1.1.0/basic.go":                  "package basic\n\nconst Version = \"edited\"\n",
	} {
		p := filepath.Join(modcache, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ed := start(t, opts)
	ed.Initialize(dir, lsptest.Caps{Config: fastSettings})
	gomod, gosum := filepath.Join(dir, "go.mod"), filepath.Join(dir, "go.sum")
	ed.Open(gomod, "")
	ed.Open(gosum, "")
	// The background check cannot tell: zero's zip is in no cache.
	ed.Diagnostics(gosum, wait, hasCodes("sum-unverified"))

	res, err := ed.Server.ExecuteCommand(ed.Context(), &protocol.ExecuteCommandParams{Command: "gomodls.verifySums",
		Arguments: []protocol.LSPAny{protocol.LSPAny(`{"uri":"` + lsptest.URI(gomod).String() + `"}`)}})
	if err != nil {
		t.Fatal(err)
	}
	if string(res) != `{"dirs":1,"mismatches":1,"modified":1}` {
		t.Errorf("result %s", res)
	}
	got := ed.Diagnostics(gosum, wait, hasCodes("sum-unverified,sum-mismatch"))
	if desc := lsptest.Describe(got.Diagnostics); !strings.Contains(desc, "2:24-2:71 sum-mismatch: checksum mismatch for example.com/zero v0.2.0: go.sum has h1:AAAAg2BchLUDK2vFf42XQHOwNVdjDL2dV4mkCqYKvxY=, but what "+srv.URL+" serves has h1:QwZWg2BchLUDK2vFf42XQHOwNVdjDL2dV4mkCqYKvxY=") {
		t.Errorf("go.sum diagnostics:\n%s", desc)
	}
	got = ed.Diagnostics(gomod, wait, hasCodes("modcache-modified"))
	if desc := lsptest.Describe(got.Diagnostics); !strings.HasPrefix(desc, "5:1-5:18 modcache-modified: the module cache's copy of example.com/basic v1.1.0 no longer matches what was downloaded: dir has been modified") {
		t.Errorf("go.mod diagnostics:\n%s", desc)
	}
	ed.Shutdown()
}
