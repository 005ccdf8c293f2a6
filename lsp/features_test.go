package lsp_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.lsp.dev/protocol"

	"github.com/gomodls/gomodls/lsp/lsptest"
)

func docID(path string) protocol.TextDocumentIdentifier {
	return protocol.TextDocumentIdentifier{URI: lsptest.URI(path)}
}

func TestPullDiagnostics(t *testing.T) {
	dir := writeFiles(t, map[string]string{"go.mod": brokenMod})
	ed := start(t, hermetic(t))
	// No workspace scan: it may find go.mod, and rightly push its
	// diagnostics, before the didOpen below.
	res := ed.Initialize(dir, lsptest.Caps{Pull: true, Config: json.RawMessage(`{"workspaceScan": false}`)})
	if res.Capabilities.DiagnosticProvider == nil {
		t.Fatal("no diagnosticProvider for a client with pull support")
	}
	gomod := filepath.Join(dir, "go.mod")
	ed.Open(gomod, "")
	report, err := ed.Server.Diagnostic(ed.Context(), &protocol.DocumentDiagnosticParams{TextDocument: docID(gomod)})
	if err != nil {
		t.Fatal(err)
	}
	full, ok := report.(*protocol.RelatedFullDocumentDiagnosticReport)
	if !ok {
		t.Fatalf("report %T", report)
	}
	if codes := strings.Join(lsptest.Codes(full.Items), ","); codes != "parse-error,replace-dir-missing" {
		t.Errorf("codes = %s", codes)
	}
	// Same content: unchanged report.
	report, err = ed.Server.Diagnostic(ed.Context(), &protocol.DocumentDiagnosticParams{TextDocument: docID(gomod), PreviousResultID: full.ResultID})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := report.(*protocol.RelatedUnchangedDocumentDiagnosticReport); !ok {
		t.Errorf("second pull: %T, want unchanged", report)
	}
	// After an edit, the pull reflects the new text at once.
	ed.Replace(gomod, "module example.com/m\n")
	report, err = ed.Server.Diagnostic(ed.Context(), &protocol.DocumentDiagnosticParams{TextDocument: docID(gomod), PreviousResultID: full.ResultID})
	if err != nil {
		t.Fatal(err)
	}
	if full, ok := report.(*protocol.RelatedFullDocumentDiagnosticReport); !ok || len(full.Items) != 0 {
		t.Errorf("after edit: %#v", report)
	}
	// Open documents are pulled, never pushed.
	for _, p := range ed.Client.AllDiagnostics(gomod) {
		if len(p.Diagnostics) > 0 {
			t.Errorf("pushed diagnostics to a pull client: %s", lsptest.Describe(p.Diagnostics))
		}
	}
	ed.Shutdown()
}

func TestQuickFixAndFixAll(t *testing.T) {
	text := "module example.com/m\n\ngo 1.22\n\nrequire (\n\tgolang.org/x/text v0.20\n\tgolang.org/x/mod v0.1\n)\n\nreplace golang.org/x/text => ./missing\n"
	dir := writeFiles(t, map[string]string{"go.mod": text})
	ed := start(t, hermetic(t))
	ed.Initialize(dir, lsptest.Caps{})
	gomod := filepath.Join(dir, "go.mod")
	ed.Open(gomod, "")
	got := ed.Diagnostics(gomod, wait, lsptest.AtVersion(1))
	if len(got.Diagnostics) != 3 {
		t.Fatalf("diagnostics: %s", lsptest.Describe(got.Diagnostics))
	}
	// Quick fixes on the replace line.
	actions, err := ed.Server.CodeAction(ed.Context(), &protocol.CodeActionParams{
		TextDocument: docID(gomod),
		Range:        got.Diagnostics[2].Range,
		Context:      protocol.CodeActionContext{Diagnostics: got.Diagnostics[2:], Only: []protocol.CodeActionKind{protocol.CodeActionKindQuickFix}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(actions) != 1 {
		t.Fatalf("actions: %+v", actions)
	}
	ca := actions[0].(*protocol.CodeAction)
	if ca.Title != "Remove this replace" || len(ca.Diagnostics) != 1 {
		t.Errorf("action %q with %d diagnostics", ca.Title, len(ca.Diagnostics))
	}
	newText := applyWorkspaceEdit(t, ed, gomod, ca.Edit)
	if strings.Contains(newText, "replace") {
		t.Errorf("after fix:\n%s", newText)
	}
	// source.fixAll applies the preferred fixes: both version fixes.
	actions, err = ed.Server.CodeAction(ed.Context(), &protocol.CodeActionParams{
		TextDocument: docID(gomod),
		Context:      protocol.CodeActionContext{Only: []protocol.CodeActionKind{protocol.CodeActionKindSourceFixAll}},
	})
	if err != nil || len(actions) != 1 {
		t.Fatalf("fixAll actions: %v %v", actions, err)
	}
	fixed := applyWorkspaceEdit(t, ed, gomod, actions[0].(*protocol.CodeAction).Edit)
	if !strings.Contains(fixed, "golang.org/x/text v0.20.0") || !strings.Contains(fixed, "golang.org/x/mod v0.1.0") || !strings.Contains(fixed, "replace") {
		t.Errorf("after fix all:\n%s", fixed)
	}
	ed.Shutdown()
}

// applyWorkspaceEdit checks that a workspace edit targets path at the
// editor's current version and returns the edited text (not sent).
func applyWorkspaceEdit(t *testing.T, ed *lsptest.Editor, path string, we *protocol.WorkspaceEdit) string {
	t.Helper()
	if we == nil || len(we.DocumentChanges) != 1 {
		t.Fatalf("workspace edit: %+v", we)
	}
	tde, ok := we.DocumentChanges[0].(*protocol.TextDocumentEdit)
	if !ok {
		t.Fatalf("document change %T", we.DocumentChanges[0])
	}
	if tde.TextDocument.Version == nil || *tde.TextDocument.Version != ed.Version(path) {
		t.Errorf("edit for version %v, document is at %d", tde.TextDocument.Version, ed.Version(path))
	}
	var edits []protocol.TextEdit
	for _, e := range tde.Edits {
		edits = append(edits, *e.(*protocol.TextEdit))
	}
	return lsptest.ApplyEdits(ed.Text(path), edits)
}

func TestDocumentLinksRespectPrivacy(t *testing.T) {
	text := "module example.com/m\n\nrequire (\n\tgolang.org/x/text v0.20.0\n\tgit.corp.example/team/lib v1.0.0\n\tinternalhost/lib v1.0.0\n)\n\nreplace golang.org/x/text => ./text\n"
	dir := writeFiles(t, map[string]string{"go.mod": text, "text/go.mod": "module golang.org/x/text\n"})
	opts := hermetic(t)
	opts.Environ = append(opts.Environ, "GOPRIVATE=git.corp.example")
	ed := start(t, opts)
	ed.Initialize(dir, lsptest.Caps{})
	gomod := filepath.Join(dir, "go.mod")
	ed.Open(gomod, "")
	links, err := ed.Server.DocumentLink(ed.Context(), &protocol.DocumentLinkParams{TextDocument: docID(gomod)})
	if err != nil {
		t.Fatal(err)
	}
	var targets []string
	for _, l := range links {
		targets = append(targets, l.Target.String())
	}
	got := strings.Join(targets, "\n")
	// The URI type percent-encodes "@"; pkg.go.dev decodes it.
	want := "https://pkg.go.dev/golang.org/x/text%40v0.20.0\nhttps://pkg.go.dev/golang.org/x/text\n" + lsptest.URI(filepath.Join(dir, "text", "go.mod")).String()
	if got != want {
		t.Errorf("links:\n%s\nwant:\n%s", got, want)
	}
	ed.Shutdown()
}

func TestFoldingAndGoSumSymbols(t *testing.T) {
	mod := "module example.com/m\n\n// A comment\n// over two lines\nrequire (\n\tgolang.org/x/text v0.20.0\n\tgolang.org/x/mod v0.20.0\n)\n"
	sum := "golang.org/x/text v0.20.0 h1:gK/Kv2otX8gz+wn7Rmb3vT96ZwuoxnQlY+HlJVj7Qug=\ngolang.org/x/text v0.20.0/go.mod h1:BuEKDfySbSR4drPmRPG/7iBdf8hvFMuRexcpahXilzY=\n"
	dir := writeFiles(t, map[string]string{"go.mod": mod, "go.sum": sum})
	ed := start(t, hermetic(t))
	ed.Initialize(dir, lsptest.Caps{})
	gomod, gosum := filepath.Join(dir, "go.mod"), filepath.Join(dir, "go.sum")
	folds, err := ed.Server.FoldingRanges(ed.Context(), &protocol.FoldingRangeParams{TextDocument: docID(gomod)})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range folds {
		got = append(got, string(f.Kind)+":"+itoa(f.StartLine)+"-"+itoa(f.EndLine))
	}
	if strings.Join(got, " ") != "region:4-7 comment:2-3" {
		t.Errorf("folding ranges: %v", got)
	}
	// go.sum symbols work for a file that is not open.
	syms, err := ed.Server.DocumentSymbol(ed.Context(), &protocol.DocumentSymbolParams{TextDocument: docID(gosum)})
	if err != nil {
		t.Fatal(err)
	}
	if d := describeSymbols(syms.(protocol.DocumentSymbolSlice), ""); d != "golang.org/x/text (v0.20.0)\n  zip hash (h1:gK/Kv2otX8gz+wn7Rmb3vT96ZwuoxnQlY+HlJVj7Qug=)\n  go.mod hash (h1:BuEKDfySbSR4drPmRPG/7iBdf8hvFMuRexcpahXilzY=)\n" {
		t.Errorf("go.sum symbols:\n%s", d)
	}
	// A document that is neither open nor on disk is an error, not a crash.
	if _, err := ed.Server.DocumentSymbol(ed.Context(), &protocol.DocumentSymbolParams{TextDocument: docID(filepath.Join(dir, "nested", "go.mod"))}); err == nil {
		t.Error("symbols for a missing file: no error")
	}
	ed.Shutdown()
}

func itoa(n uint32) string { b, _ := json.Marshal(n); return string(b) }

func TestSettingsFromConfiguration(t *testing.T) {
	text := "module example.com/m\n\nrequire golang.org/x/text    v0.20\n"
	dir := writeFiles(t, map[string]string{"go.mod": text})
	ed := start(t, hermetic(t))
	ed.Initialize(dir, lsptest.Caps{Config: json.RawMessage(`{"formatting": false, "disable": ["invalid-version"], "bogus": 1}`)})
	gomod := filepath.Join(dir, "go.mod")
	ed.Open(gomod, "")
	// The configuration arrives asynchronously after initialized; the
	// disabled code disappears once it is applied.
	ed.Diagnostics(gomod, wait, func(p *protocol.PublishDiagnosticsParams) bool { return len(p.Diagnostics) == 0 })
	edits, err := ed.Server.Formatting(ed.Context(), &protocol.DocumentFormattingParams{TextDocument: docID(gomod)})
	if err != nil || len(edits) != 0 {
		t.Errorf("formatting disabled by setting, got %v %v", edits, err)
	}
	var warned bool
	for _, m := range ed.Client.Messages() {
		warned = warned || strings.Contains(m.Message, "unknown setting gomodls.bogus")
	}
	if !warned {
		t.Errorf("no warning for an unknown setting; messages: %+v", ed.Client.Messages())
	}
	ed.Shutdown()
}

// TestEditBeforeConfiguration: an edit that arrives while the first build
// waits for the client's settings must not hold up the read loop, which
// has to read the settings; the first diagnostics use them. (Sent early,
// the edit used to block the read loop until the 5 s configuration wait
// gave up, and the first check used the defaults.) The race is timing
// dependent, so the editor is started a few times.
func TestEditBeforeConfiguration(t *testing.T) {
	for i := 0; i < 5; i++ {
		dir := writeFiles(t, map[string]string{"go.mod": "module example.com/m\n\nrequire golang.org/x/text v0.20\n"})
		ed := start(t, hermetic(t))
		ed.Initialize(dir, lsptest.Caps{Config: json.RawMessage(`{"disable": ["invalid-version"], "workspaceScan": false}`)})
		gomod := filepath.Join(dir, "go.mod")
		ed.Open(gomod, "")
		v := ed.Edit(gomod, protocol.Range{Start: protocol.Position{Line: 3}, End: protocol.Position{Line: 3}}, "\n")
		if got := ed.Diagnostics(gomod, wait, lsptest.AtVersion(v)); len(got.Diagnostics) != 0 {
			t.Errorf("run %d: the first check ignored the settings:\n%s", i, lsptest.Describe(got.Diagnostics))
		}
		ed.Shutdown()
	}
}

func TestWatchedGoSumChange(t *testing.T) {
	dir := writeFiles(t, map[string]string{"go.mod": "module example.com/m\n", "go.sum": "bad line\n"})
	ed := start(t, hermetic(t))
	ed.Initialize(dir, lsptest.Caps{})
	gosum := filepath.Join(dir, "go.sum")
	// The workspace scan publishes go.sum problems although it is not open.
	ed.Diagnostics(gosum, wait, func(p *protocol.PublishDiagnosticsParams) bool { return len(p.Diagnostics) == 1 })
	regs := ed.Client.Registrations()
	if len(regs) != 1 || regs[0].Method != protocol.MethodWorkspaceDidChangeWatchedFiles {
		t.Errorf("registrations: %+v", regs)
	}
	if err := os.WriteFile(gosum, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := ed.Server.DidChangeWatchedFiles(ed.Context(), &protocol.DidChangeWatchedFilesParams{Changes: []protocol.FileEvent{{URI: lsptest.URI(gosum), Type: protocol.FileChangeTypeChanged}}}); err != nil {
		t.Fatal(err)
	}
	ed.Diagnostics(gosum, wait, func(p *protocol.PublishDiagnosticsParams) bool { return len(p.Diagnostics) == 0 })
	ed.Shutdown()
}

func TestExecuteCommand(t *testing.T) {
	ed := start(t, hermetic(t))
	res := ed.Initialize(t.TempDir(), lsptest.Caps{})
	if len(res.Capabilities.ExecuteCommandProvider.Commands) == 0 {
		t.Fatal("no commands advertised")
	}
	if _, err := ed.Server.ExecuteCommand(ed.Context(), &protocol.ExecuteCommandParams{Command: "gomodls.recheck"}); err != nil {
		t.Errorf("recheck: %v", err)
	}
	if _, err := ed.Server.ExecuteCommand(ed.Context(), &protocol.ExecuteCommandParams{Command: "gomodls.nope"}); err == nil || !strings.Contains(err.Error(), "unknown command") {
		t.Errorf("unknown command: %v", err)
	}
	ed.Shutdown()
}

func TestWorkDoneProgress(t *testing.T) {
	dir := writeFiles(t, map[string]string{"a/go.mod": "module example.com/a\n", "b/go.work": "go 1.22\n"})
	ed := start(t, hermetic(t))
	ed.Initialize(dir, lsptest.Caps{Progress: true})
	// The workspace scan reports begin and end.
	var kinds []string
	ed.Client.Wait(wait, func() bool {
		kinds = kinds[:0]
		for _, p := range ed.Client.ProgressReports() {
			var v struct{ Kind, Message string }
			json.Unmarshal(p.Value, &v)
			kinds = append(kinds, v.Kind+":"+v.Message)
		}
		return len(kinds) > 0 && strings.HasPrefix(kinds[len(kinds)-1], "end:")
	})
	if len(kinds) < 2 || !strings.HasPrefix(kinds[0], "begin:") || kinds[len(kinds)-1] != "end:Found 2 go.mod/go.work files" {
		t.Errorf("progress: %v", kinds)
	}
	ed.Shutdown()
}

func TestHoverLocal(t *testing.T) {
	text := "module example.com/m\n\ngo 1.22\n\nrequire (\n\tgolang.org/x/text v0.20.0 // indirect\n\tgit.corp.example/lib v1.0.0\n)\n\nreplace golang.org/x/text => ./missing\n"
	dir := writeFiles(t, map[string]string{"go.mod": text})
	opts := hermetic(t)
	opts.Environ = append(opts.Environ, "GOPRIVATE=git.corp.example")
	ed := start(t, opts)
	ed.Initialize(dir, lsptest.Caps{})
	gomod := filepath.Join(dir, "go.mod")
	ed.Open(gomod, "")
	hoverAt := func(line, col uint32) string {
		h, err := ed.Server.Hover(ed.Context(), &protocol.HoverParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{
			TextDocument: docID(gomod), Position: protocol.Position{Line: line, Character: col}}})
		if err != nil {
			t.Fatal(err)
		}
		if h == nil {
			return ""
		}
		return h.Contents.(*protocol.MarkupContent).Value
	}
	for _, tc := range []struct {
		line, col uint32
		want      []string
		not       []string
	}{
		{5, 3, []string{"**golang.org/x/text v0.20.0**", "Required indirectly", "Replaced by `./missing` (the directory does not exist)", "There is no go.sum: the go command stops", "[pkg.go.dev/golang.org/x/text](https://pkg.go.dev/golang.org/x/text@v0.20.0)"}, nil},
		{6, 3, []string{"GOPRIVATE pattern `git.corp.example`", "GONOPROXY pattern `git.corp.example`"}, []string{"pkg.go.dev"}},
		{2, 1, []string{"**go 1.22**", "Local toolchain: `go1.26.8` (GOTOOLCHAIN=`local`)", "The local toolchain satisfies it"}, nil},
		{3, 0, nil, nil},
	} {
		got := hoverAt(tc.line, tc.col)
		if tc.want == nil && got != "" {
			t.Errorf("%d:%d: hover on an empty line: %q", tc.line, tc.col, got)
		}
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("%d:%d: hover lacks %q:\n%s", tc.line, tc.col, w, got)
			}
		}
		for _, n := range tc.not {
			if strings.Contains(got, n) {
				t.Errorf("%d:%d: hover has %q:\n%s", tc.line, tc.col, n, got)
			}
		}
	}
	ed.Shutdown()
}

func TestHoverModuleLineShowsEnvironmentProblems(t *testing.T) {
	dir := writeFiles(t, map[string]string{"go.mod": "module example.com/m\n\ngo 1.22\n"})
	opts := hermetic(t)
	opts.Environ = append(opts.Environ, "GOPRIVATE=git.corp.example, github.com/acme")
	ed := start(t, opts)
	ed.Initialize(dir, lsptest.Caps{})
	gomod := filepath.Join(dir, "go.mod")
	ed.Open(gomod, "")
	h, err := ed.Server.Hover(ed.Context(), &protocol.HoverParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{
		TextDocument: docID(gomod), Position: protocol.Position{Line: 0, Character: 8}}})
	if err != nil || h == nil {
		t.Fatalf("hover: %v %v", h, err)
	}
	got := h.Contents.(*protocol.MarkupContent).Value
	if !strings.Contains(got, "**Go environment problems**") || !strings.Contains(got, "GOPRIVATE pattern ` github.com/acme`") || !strings.Contains(got, "GOPRIVATE=git.corp.example,github.com/acme") {
		t.Errorf("hover:\n%s", got)
	}
	ed.Shutdown()
}
