package lsp_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"go.lsp.dev/protocol"

	"github.com/gomodls/gomodls/internal/proxytest"
	"github.com/gomodls/gomodls/lsp"
	"github.com/gomodls/gomodls/lsp/lsptest"
)

// withGo returns options that run the real go command with a temporary
// GOENV file (so `go env -w` never touches the user's), against srv.
func withGo(t *testing.T, srv *proxytest.Server, goenvFile string) lsp.Options {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("no go command: %v", err)
	}
	opts := withProxy(t, srv)
	opts.GoCommand = goBin
	env := opts.Environ[:0:0]
	for _, kv := range opts.Environ {
		if !strings.HasPrefix(kv, "GOENV=") && !strings.HasPrefix(kv, "PATH=") && !strings.HasPrefix(kv, "GOVERSION=") {
			env = append(env, kv)
		}
	}
	opts.Environ = append(env, "GOENV="+goenvFile, "PATH="+os.Getenv("PATH"), "GOCACHE="+filepath.Join(t.TempDir(), "gocache"))
	return opts
}

func execute(t *testing.T, ed *lsptest.Editor, cmd protocol.Command) map[string]any {
	t.Helper()
	res, err := ed.Server.ExecuteCommand(ed.Context(), &protocol.ExecuteCommandParams{Command: cmd.Command, Arguments: cmd.Arguments})
	if err != nil {
		t.Fatalf("%s: %v", cmd.Command, err)
	}
	var out map[string]any
	if err := json.Unmarshal(res, &out); err != nil && string(res) != "null" {
		t.Fatalf("%s result %s: %v", cmd.Command, res, err)
	}
	return out
}

// TestPrivateFixWritesGoEnv follows the private-module fix end to end: the
// diagnostic's quick fix runs `go env -w` with the merged GOPRIVATE, the
// GOENV file keeps the existing pattern, and the diagnostic goes away.
func TestPrivateFixWritesGoEnv(t *testing.T) {
	srv := proxytest.New(t)
	goenvFile := filepath.Join(t.TempDir(), "goenv")
	if err := os.WriteFile(goenvFile, []byte("GOPRIVATE=old.example.com\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	text := "module example.com/m\n\ngo 1.22\n\nrequire git.corp.example/team/lib v1.0.0\n"
	dir := writeFiles(t, map[string]string{"go.mod": text})
	ed := start(t, withGo(t, srv, goenvFile))
	ed.Initialize(dir, lsptest.Caps{Config: publicSettings(srv)})
	gomod := filepath.Join(dir, "go.mod")
	ed.Open(gomod, "")
	got := ed.Diagnostics(gomod, wait, hasCodes("private-module-not-configured"))
	actions, err := ed.Server.CodeAction(ed.Context(), &protocol.CodeActionParams{TextDocument: docID(gomod), Range: got.Diagnostics[0].Range,
		Context: protocol.CodeActionContext{Diagnostics: got.Diagnostics, Only: []protocol.CodeActionKind{protocol.CodeActionKindQuickFix}}})
	if err != nil || len(actions) != 2 {
		t.Fatalf("actions: %v %v", actions, err)
	}
	ca := actions[0].(*protocol.CodeAction)
	if ca.Title != "Run go env -w GOPRIVATE=old.example.com,git.corp.example" {
		t.Errorf("fix title %q", ca.Title)
	}
	res := execute(t, ed, ca.Command)
	if res["previous"] != "old.example.com" {
		t.Errorf("result: %v", res)
	}
	data, _ := os.ReadFile(goenvFile)
	if !strings.Contains(string(data), "GOPRIVATE=old.example.com,git.corp.example") {
		t.Errorf("GOENV file:\n%s", data)
	}
	// The environment is reloaded and the diagnostic clears.
	ed.Diagnostics(gomod, wait, hasCodes(""))
	srv.AssertNoRequestMentions(t, "git.corp.example")
	ed.Shutdown()
}

// TestModulesDisabledFixUnsetsGoEnv follows the GO111MODULE=off fix end
// to end: the go env -w file sets it, the quick fix runs `go env -u
// GO111MODULE`, the line is gone from the file and the diagnostic clears.
func TestModulesDisabledFixUnsetsGoEnv(t *testing.T) {
	srv := proxytest.New(t)
	goenvFile := filepath.Join(t.TempDir(), "goenv")
	if err := os.WriteFile(goenvFile, []byte("GOPRIVATE=old.example.com\nGO111MODULE=off\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := writeFiles(t, map[string]string{"go.mod": "module example.com/m\n\ngo 1.22\n"})
	ed := start(t, withGo(t, srv, goenvFile))
	ed.Initialize(dir, lsptest.Caps{Config: fastSettings})
	gomod := filepath.Join(dir, "go.mod")
	ed.Open(gomod, "")
	got := ed.Diagnostics(gomod, wait, hasCodes("modules-disabled"))
	actions, err := ed.Server.CodeAction(ed.Context(), &protocol.CodeActionParams{TextDocument: docID(gomod), Range: got.Diagnostics[0].Range,
		Context: protocol.CodeActionContext{Diagnostics: got.Diagnostics, Only: []protocol.CodeActionKind{protocol.CodeActionKindQuickFix}}})
	if err != nil || len(actions) != 1 {
		t.Fatalf("actions: %v %v", actions, err)
	}
	ca := actions[0].(*protocol.CodeAction)
	if ca.Title != "Run go env -u GO111MODULE" {
		t.Errorf("fix title %q", ca.Title)
	}
	res := execute(t, ed, ca.Command)
	if res["previous"] != "off" || res["value"] != "" {
		t.Errorf("result: %v", res)
	}
	data, _ := os.ReadFile(goenvFile)
	if strings.Contains(string(data), "GO111MODULE") || !strings.Contains(string(data), "GOPRIVATE=old.example.com") {
		t.Errorf("GOENV file:\n%s", data)
	}
	ed.Diagnostics(gomod, wait, hasCodes(""))
	ed.Shutdown()
}

func TestSetEnvSettingAndExplainEnv(t *testing.T) {
	srv := proxytest.New(t)
	text := "module example.com/m\n\ngo 1.22\n\nrequire git.corp.example/team/lib v1.0.0\n"
	dir := writeFiles(t, map[string]string{"go.mod": text})
	ed := start(t, withProxy(t, srv))
	ed.Initialize(dir, lsptest.Caps{Config: publicSettings(srv)})
	gomod := filepath.Join(dir, "go.mod")
	ed.Open(gomod, "")
	got := ed.Diagnostics(gomod, wait, hasCodes("private-module-not-configured"))
	actions, _ := ed.Server.CodeAction(ed.Context(), &protocol.CodeActionParams{TextDocument: docID(gomod), Range: got.Diagnostics[0].Range,
		Context: protocol.CodeActionContext{Diagnostics: got.Diagnostics}})
	ca := actions[1].(*protocol.CodeAction)
	if !strings.HasPrefix(ca.Title, "Set GOPRIVATE=git.corp.example in workspace settings") {
		t.Fatalf("second fix %q", ca.Title)
	}
	execute(t, ed, ca.Command)
	ed.Diagnostics(gomod, wait, hasCodes(""))
	// explainEnv reports the override and where it came from.
	res := execute(t, ed, protocol.Command{Command: "gomodls.explainEnv"})
	report, _ := res["report"].(string)
	if !strings.Contains(report, "GOPRIVATE=git.corp.example") || !strings.Contains(report, "setting") {
		t.Errorf("report:\n%s", report)
	}
	ed.Shutdown()
}

func TestSourceActions(t *testing.T) {
	srv := proxytest.New(t)
	text := "module example.com/m\n\ngo 1.22\n\nrequire (\n\texample.com/zero v0.1.0\n\texample.com/basic v1.0.0\n\texample.com/retract v1.0.0\n\texample.com/deep/c v1.0.0 // indirect\n)\n\nreplace example.com/unused => ./nowhere\n"
	dir := writeFiles(t, map[string]string{"go.mod": text})
	ed := start(t, withProxy(t, srv))
	ed.Initialize(dir, lsptest.Caps{Config: fastSettings})
	gomod := filepath.Join(dir, "go.mod")
	ed.Open(gomod, "")
	ed.Diagnostics(gomod, wait, func(p *protocol.PublishDiagnosticsParams) bool {
		return strings.Contains(codesOf(p), "upgrade-available")
	})
	actions, err := ed.Server.CodeAction(ed.Context(), &protocol.CodeActionParams{TextDocument: docID(gomod),
		Context: protocol.CodeActionContext{Only: []protocol.CodeActionKind{protocol.CodeActionKindSource}}})
	if err != nil {
		t.Fatal(err)
	}
	byTitle := map[string]*protocol.CodeAction{}
	for _, a := range actions {
		ca := a.(*protocol.CodeAction)
		byTitle[ca.Title] = ca
	}
	// Sort and format: the require block sorted.
	if ca := byTitle["Sort and format go.mod"]; ca == nil {
		t.Errorf("no sort action; have %v", keys(byTitle))
	} else if got := applyWorkspaceEdit(t, ed, gomod, ca.Edit); !strings.Contains(got, "\texample.com/basic v1.0.0\n\texample.com/deep/c v1.0.0 // indirect\n\texample.com/retract v1.0.0\n\texample.com/zero v0.1.0\n") {
		t.Errorf("sorted:\n%s", got)
	}
	// Remove unused replaces.
	if ca := byTitle["Remove unused replace directives"]; ca == nil {
		t.Errorf("no remove-replaces action")
	} else if got := applyWorkspaceEdit(t, ed, gomod, ca.Edit); strings.Contains(got, "replace") {
		t.Errorf("after removing replaces:\n%s", got)
	}
	// Upgrade all direct requires (minor): runs server side and applies
	// the edit through workspace/applyEdit; indirect requires and
	// retracted versions are left alone.
	ca := byTitle["Upgrade all direct requires to the latest minor release"]
	if ca == nil {
		t.Fatalf("no upgrade action; have %v", keys(byTitle))
	}
	execute(t, ed, ca.Command)
	applied := ed.Client.AppliedEdits()
	if len(applied) != 1 {
		t.Fatalf("applied edits: %d", len(applied))
	}
	got := applyWorkspaceEdit(t, ed, gomod, &applied[0].Edit)
	for _, want := range []string{"example.com/zero v0.2.0", "example.com/basic v1.1.0", "example.com/retract v1.4.0", "example.com/deep/c v1.0.0 // indirect"} {
		if !strings.Contains(got, want) {
			t.Errorf("after upgrade lacks %q:\n%s", want, got)
		}
	}
	ed.Shutdown()
}

func keys(m map[string]*protocol.CodeAction) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestDefinitionHintsAndLenses(t *testing.T) {
	srv := proxytest.New(t)
	text := "module example.com/m\n\ngo 1.22\n\nrequire (\n\texample.com/basic v1.0.0\n\texample.com/local v1.0.0\n)\n\nreplace example.com/local => ./local\n"
	dir := writeFiles(t, map[string]string{"go.mod": text, "local/go.mod": "module example.com/local\n"})
	ed := start(t, withProxy(t, srv))
	ed.Initialize(dir, lsptest.Caps{Config: json.RawMessage(`{"debounce": "10ms", "latestVersionHints": true, "codeLenses": true, "workspaceScan": false}`)})
	gomod := filepath.Join(dir, "go.mod")
	ed.Open(gomod, "")
	ed.Diagnostics(gomod, wait, func(p *protocol.PublishDiagnosticsParams) bool {
		return strings.Contains(codesOf(p), "upgrade-available")
	})
	// Definition of a replaced require: the local go.mod.
	def, err := ed.Server.Definition(ed.Context(), &protocol.DefinitionParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{
		TextDocument: docID(gomod), Position: protocol.Position{Line: 6, Character: 3}}})
	if err != nil {
		t.Fatal(err)
	}
	if locs := def.(protocol.LocationSlice); len(locs) != 1 || locs[0].URI.FsPath() != filepath.Join(dir, "local", "go.mod") {
		t.Errorf("definition: %v", def)
	}
	hints, err := ed.Server.InlayHint(ed.Context(), &protocol.InlayHintParams{TextDocument: docID(gomod), Range: protocol.Range{End: protocol.Position{Line: 99}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(hints) != 1 || hints[0].Label.(protocol.String) != "latest v1.1.0" || hints[0].Position.Line != 5 {
		t.Errorf("inlay hints: %+v", hints)
	}
	lenses, err := ed.Server.CodeLens(ed.Context(), &protocol.CodeLensParams{TextDocument: docID(gomod)})
	if err != nil || len(lenses) != 2 || lenses[0].Range.Start.Line != 4 {
		t.Errorf("code lenses: %+v %v", lenses, err)
	}
	ed.Shutdown()
}

// TestRunGoCommand runs go mod download through the command, against the
// fixture proxy, and reports the go command's failure text when it fails.
func TestRunGoCommand(t *testing.T) {
	srv := proxytest.New(t)
	goenvFile := filepath.Join(t.TempDir(), "goenv")
	dir := writeFiles(t, map[string]string{"go.mod": "module example.com/m\n\ngo 1.22\n\nrequire example.com/basic v1.9.9\n"})
	ed := start(t, withGo(t, srv, goenvFile))
	ed.Initialize(dir, lsptest.Caps{Config: fastSettings})
	gomod := filepath.Join(dir, "go.mod")
	res := execute(t, ed, protocol.Command{Command: "gomodls.runGoCommand", Arguments: []protocol.LSPAny{protocol.LSPAny(`{"uri": "` + lsptest.URI(gomod).String() + `", "args": ["mod", "download"]}`)}})
	if res["ok"] != false || !strings.Contains(res["output"].(string), "v1.9.9") {
		t.Errorf("go mod download of a missing version: %v", res)
	}
	if _, err := ed.Server.ExecuteCommand(ed.Context(), &protocol.ExecuteCommandParams{Command: "gomodls.runGoCommand",
		Arguments: []protocol.LSPAny{protocol.LSPAny(`{"uri": "` + lsptest.URI(gomod).String() + `", "args": ["run", "evil.go"]}`)}}); err == nil {
		t.Error("runGoCommand accepted an arbitrary go command")
	}
	ed.Shutdown()
}

// TestGoEnvFileChangePickedUp: `go env -w` run outside the editor (here:
// the GOENV file rewritten) is picked up without a restart or an edit.
func TestGoEnvFileChangePickedUp(t *testing.T) {
	srv := proxytest.New(t)
	goenvFile := filepath.Join(t.TempDir(), "goenv")
	if err := os.WriteFile(goenvFile, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	text := "module example.com/m\n\ngo 1.22\n\nrequire git.corp.example/team/lib v1.0.0\n"
	dir := writeFiles(t, map[string]string{"go.mod": text})
	opts := withGo(t, srv, goenvFile)
	opts.GoCommand = "-" // read the file ourselves: no need to run go here
	ed := start(t, opts)
	ed.Initialize(dir, lsptest.Caps{Config: publicSettings(srv)})
	gomod := filepath.Join(dir, "go.mod")
	ed.Open(gomod, "")
	ed.Diagnostics(gomod, wait, hasCodes("private-module-not-configured"))
	if err := os.WriteFile(goenvFile, []byte("GOPRIVATE=git.corp.example\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ed.Diagnostics(gomod, wait, hasCodes(""))
	ed.Shutdown()
}

// TestVendorFixRunsGoModVendor follows the vendoring fix end to end: an
// inconsistent vendor/modules.txt is reported on the require, the quick
// fix runs go mod vendor through the fixture proxy, and the diagnostic
// clears.
func TestVendorFixRunsGoModVendor(t *testing.T) {
	srv := proxytest.New(t)
	dir := writeFiles(t, map[string]string{
		"go.mod":             "module example.com/m\n\ngo 1.22\n\nrequire example.com/basic v1.1.0\n",
		"go.sum":             strings.Join(srv.GoSumLines("example.com/basic", "v1.1.0"), "\n") + "\n",
		"m.go":               "package m\n\nimport _ \"example.com/basic\"\n",
		"vendor/modules.txt": "# example.com/basic v1.0.0\n## explicit\nexample.com/basic\n",
	})
	opts := withGo(t, srv, filepath.Join(t.TempDir(), "goenv"))
	// The default -mod: vendor and workspace modes read no go.sum, and
	// -mod=mod would turn vendor mode off or be refused in a workspace.
	opts.Environ = append(opts.Environ, "GOFLAGS=")
	ed := start(t, opts)
	ed.Initialize(dir, lsptest.Caps{Config: fastSettings})
	gomod := filepath.Join(dir, "go.mod")
	ed.Open(gomod, "")
	got := ed.Diagnostics(gomod, wait, hasCodes("vendor-inconsistent,vendor-inconsistent"))
	if h := hoverText(t, ed, gomod, 4, 12); !strings.Contains(h, "**Vendored:** the go command builds from the vendor directory") {
		t.Errorf("hover on the require:\n%s", h)
	}
	actions, err := ed.Server.CodeAction(ed.Context(), &protocol.CodeActionParams{TextDocument: docID(gomod), Range: got.Diagnostics[0].Range,
		Context: protocol.CodeActionContext{Diagnostics: got.Diagnostics, Only: []protocol.CodeActionKind{protocol.CodeActionKindQuickFix}}})
	// Both reasons are on the require line; one action fixes both.
	if err != nil || len(actions) != 1 || len(actions[0].(*protocol.CodeAction).Diagnostics) != 2 {
		t.Fatalf("actions: %v %v", actions, err)
	}
	ca := actions[0].(*protocol.CodeAction)
	if ca.Title != "Run go mod vendor" || ca.Command.Command != "gomodls.runGoCommand" {
		t.Fatalf("fix %+v", ca)
	}
	if res := execute(t, ed, ca.Command); res["ok"] != true {
		t.Fatalf("go mod vendor: %v", res)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "vendor", "modules.txt"))
	if !strings.Contains(string(data), "# example.com/basic v1.1.0\n## explicit") {
		t.Errorf("vendor/modules.txt:\n%s", data)
	}
	ed.Diagnostics(gomod, wait, hasCodes(""))
	ed.Shutdown()
}

// TestOutsideWorkspaceFix: a module below a go.work that does not use it
// is reported on its module line; the fix runs go work use . and the
// diagnostic clears.
func TestOutsideWorkspaceFix(t *testing.T) {
	srv := proxytest.New(t)
	root := writeFiles(t, map[string]string{
		"go.work":        "go 1.22\n\nuse ./other\n",
		"other/go.mod":   "module example.com/other\n\ngo 1.22\n",
		"m/go.mod":       "module example.com/m\n\ngo 1.22\n",
		"m/m.go":         "package m\n",
		"other/other.go": "package other\n",
	})
	opts := withGo(t, srv, filepath.Join(t.TempDir(), "goenv"))
	// The default -mod: vendor and workspace modes read no go.sum, and
	// -mod=mod would turn vendor mode off or be refused in a workspace.
	opts.Environ = append(opts.Environ, "GOFLAGS=")
	ed := start(t, opts)
	ed.Initialize(root, lsptest.Caps{Config: fastSettings})
	gomod := filepath.Join(root, "m", "go.mod")
	ed.Open(gomod, "")
	got := ed.Diagnostics(gomod, wait, hasCodes("outside-workspace"))
	actions, err := ed.Server.CodeAction(ed.Context(), &protocol.CodeActionParams{TextDocument: docID(gomod), Range: got.Diagnostics[0].Range,
		Context: protocol.CodeActionContext{Diagnostics: got.Diagnostics, Only: []protocol.CodeActionKind{protocol.CodeActionKindQuickFix}}})
	if err != nil || len(actions) != 1 {
		t.Fatalf("actions: %v %v", actions, err)
	}
	ca := actions[0].(*protocol.CodeAction)
	if res := execute(t, ed, ca.Command); res["ok"] != true {
		t.Fatalf("%s: %v", ca.Title, res)
	}
	data, _ := os.ReadFile(filepath.Join(root, "go.work"))
	if !strings.Contains(string(data), "./m") {
		t.Errorf("go.work:\n%s", data)
	}
	ed.Diagnostics(gomod, wait, hasCodes(""))
	ed.Shutdown()
}
