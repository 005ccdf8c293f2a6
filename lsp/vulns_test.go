// Copyright 2026 The gomodls Authors.

package lsp_test

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"go.lsp.dev/protocol"

	"github.com/gomodls/gomodls/internal/proxytest"
	"github.com/gomodls/gomodls/lsp"
	"github.com/gomodls/gomodls/lsp/lsptest"
)

// withVulnDB points the server at srv's proxy and vulnerability database,
// with a local Go release of goVersion (from a GOROOT of its own).
func withVulnDB(t *testing.T, srv *proxytest.Server, goVersion string) lsp.Options {
	t.Helper()
	goroot := t.TempDir()
	if err := os.WriteFile(filepath.Join(goroot, "VERSION"), []byte(goVersion+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	opts := withProxy(t, srv)
	env := opts.Environ[:0:0]
	for _, kv := range opts.Environ {
		if !strings.HasPrefix(kv, "GOVULNDB=") {
			env = append(env, kv)
		}
	}
	opts.Environ = append(env, "GOVULNDB="+srv.VulnDBURL, "GOROOT="+goroot)
	return opts
}

// vulnFixture serves the vulnerability database's real reports and a few
// versions of the modules vulnGoMod requires.
func vulnFixture(t *testing.T) *proxytest.Server {
	t.Helper()
	srv := proxytest.New(t, proxytest.WithVulnDB(proxytest.VulnTree()))
	for _, mv := range []string{"golang.org/x/text@v0.3.5", "golang.org/x/text@v0.41.0", "github.com/gin-gonic/gin@v1.9.0", "github.com/gin-gonic/gin@v1.9.1"} {
		p, v, _ := strings.Cut(mv, "@")
		if err := srv.AddModule(p, v, map[string]string{"go.mod": "module " + p + "\n", "x.go": "package x\n"}); err != nil {
			t.Fatal(err)
		}
	}
	return srv
}

const vulnGoMod = "module example.com/m\n\ngo 1.22\n\nrequire (\n\tgolang.org/x/text v0.3.5\n\tgithub.com/gin-gonic/gin v1.9.0\n\texample.com/basic v1.1.0\n)\n"

func TestVulnerabilitiesEndToEnd(t *testing.T) {
	srv := vulnFixture(t)
	dir := writeFiles(t, map[string]string{"go.mod": vulnGoMod})
	ed := start(t, withVulnDB(t, srv, "go1.26.8"))
	ed.Initialize(dir, lsptest.Caps{Config: fastSettings})
	gomod := filepath.Join(dir, "go.mod")
	ed.Open(gomod, "")
	want := "vulnerable-toolchain,upgrade-available,vulnerable-version,vulnerable-version,vulnerable-version,vulnerable-version,upgrade-available,vulnerable-version"
	got := ed.Diagnostics(gomod, wait, hasCodes(want))
	d := lsptest.Describe(got.Diagnostics)
	for _, w := range []string{
		"2:3-2:7 vulnerable-toolchain: go1.26.8 (the local toolchain), which the go command runs for this go.mod, has 4 known vulnerabilities",
		"5:19-5:25 vulnerable-version: golang.org/x/text@v0.3.5 has a known vulnerability: GO-2021-0113",
		"6:26-6:32 vulnerable-version: github.com/gin-gonic/gin@v1.9.0 has a known vulnerability: GO-2023-1737",
	} {
		if !strings.Contains(d, w) {
			t.Errorf("diagnostics lack %q:\n%s", w, d)
		}
	}

	// The quick fixes of a vulnerable require: upgrade, and govulncheck.
	var text protocol.Diagnostic
	for _, dg := range got.Diagnostics {
		if msg, _ := dg.Message.(protocol.String); strings.Contains(string(msg), "GO-2021-0113") {
			text = dg
		}
	}
	actions, err := ed.Server.CodeAction(ed.Context(), &protocol.CodeActionParams{TextDocument: docID(gomod), Range: text.Range,
		Context: protocol.CodeActionContext{Diagnostics: []protocol.Diagnostic{text}}})
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	var upgradeAll *protocol.CodeAction
	for _, a := range actions {
		ca := a.(*protocol.CodeAction)
		titles = append(titles, ca.Title)
		if strings.HasPrefix(ca.Title, "Upgrade every vulnerable require") {
			upgradeAll = ca
		}
	}
	all := strings.Join(titles, "\n")
	if !strings.Contains(all, "Upgrade to v0.41.0 (fixes all 4 known vulnerabilities)") || !strings.Contains(all, "Run govulncheck: does the code call it?") {
		t.Errorf("quick fixes of x/text:\n%s", all)
	}
	if upgradeAll == nil {
		t.Fatalf("no source action to upgrade every vulnerable require:\n%s", all)
	}
	if *upgradeAll.Kind != protocol.CodeActionKindSource || upgradeAll.Title != "Upgrade every vulnerable require to its lowest fixed version (2 modules)" {
		t.Errorf("source action %q of kind %s", upgradeAll.Title, *upgradeAll.Kind)
	}
	edits := upgradeAll.Edit.DocumentChanges
	if len(edits) != 1 {
		t.Fatalf("upgrade all: %d document changes", len(edits))
	}
	var tes []protocol.TextEdit
	for _, te := range edits[0].(*protocol.TextDocumentEdit).Edits {
		tes = append(tes, *te.(*protocol.TextEdit))
	}
	after := lsptest.ApplyEdits(vulnGoMod, tes)
	if wantText := strings.NewReplacer("v0.3.5", "v0.41.0", "v1.9.0", "v1.9.1").Replace(vulnGoMod); after != wantText {
		t.Errorf("after upgrading every vulnerable require:\n%s\nwant:\n%s", after, wantText)
	}
	// It is not applied by "fix all": an upgrade is a decision.
	for _, a := range actions {
		if ca := a.(*protocol.CodeAction); ca.Kind != nil && *ca.Kind == protocol.CodeActionKindSourceFixAll && strings.Contains(ca.Edit.DocumentChanges[0].(*protocol.TextDocumentEdit).Edits[0].(*protocol.TextEdit).NewText, "v0.41.0") {
			t.Errorf("source.fixAll upgrades a vulnerable require")
		}
	}

	// Recheck asks the database again.
	before := srv.Count("/index/db.json.gz")
	if _, err := ed.Server.ExecuteCommand(ed.Context(), &protocol.ExecuteCommandParams{Command: "gomodls.recheck"}); err != nil {
		t.Fatal(err)
	}
	if !ed.Client.Wait(wait, func() bool { return srv.Count("/index/db.json.gz") > before }) {
		t.Errorf("recheck did not ask the vulnerability database again")
	}
	for _, r := range srv.Requests() {
		if r.Server == "vulndb" && (strings.Contains(r.URL, "golang.org") || strings.Contains(r.URL, "gin-gonic") || strings.Contains(r.URL, "example.com")) {
			t.Errorf("the vulnerability database was sent a module path: %s", r)
		}
	}
}

func TestVulncheckSettings(t *testing.T) {
	srv := vulnFixture(t)
	dir := writeFiles(t, map[string]string{"go.mod": vulnGoMod})
	ed := start(t, withVulnDB(t, srv, "go1.26.9"))
	ed.Initialize(dir, lsptest.Caps{Config: []byte(`{"debounce": "10ms", "requestTimeout": "1s", "checkDeadline": "3s", "workspaceScan": false, "vulncheck": false}`)})
	gomod := filepath.Join(dir, "go.mod")
	ed.Open(gomod, "")
	got := ed.Diagnostics(gomod, wait, hasCodes("upgrade-available,upgrade-available"))
	if d := lsptest.Describe(got.Diagnostics); strings.Contains(d, "vulnerab") {
		t.Errorf("vulncheck off:\n%s", d)
	}
	for _, r := range srv.Requests() {
		if r.Server == "vulndb" {
			t.Errorf("vulncheck off, yet the database was asked: %s", r)
		}
	}
}

func TestGovulncheckCommand(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the fake govulncheck is a shell script")
	}
	srv := vulnFixture(t)
	dir := writeFiles(t, map[string]string{"go.mod": vulnGoMod})
	opts := withVulnDB(t, srv, "go1.26.9")

	// Not installed: the command says how to install it.
	ed := start(t, opts)
	ed.Initialize(dir, lsptest.Caps{Config: fastSettings})
	res := execute(t, ed, protocol.Command{Command: "gomodls.govulncheck", Arguments: []protocol.LSPAny{protocol.LSPAny(`{"dir":"` + dir + `"}`)}})
	if res["installed"] != false || !strings.Contains(res["message"].(string), "go install golang.org/x/vuln/cmd/govulncheck@latest") {
		t.Errorf("without govulncheck: %v", res)
	}
	ed.Shutdown()

	// A govulncheck on PATH that reports a vulnerability (exit status 3).
	bin := t.TempDir()
	script := "#!/bin/sh\necho \"args: $*\"\necho \"Your code is affected by 1 vulnerability from 1 module.\"\nexit 3\n"
	if err := os.WriteFile(filepath.Join(bin, "govulncheck"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	opts.Environ = append(opts.Environ, "PATH="+bin)
	ed = start(t, opts)
	ed.Initialize(dir, lsptest.Caps{Config: fastSettings})
	res = execute(t, ed, protocol.Command{Command: "gomodls.govulncheck", Arguments: []protocol.LSPAny{protocol.LSPAny(`{"uri":"` + string(lsptest.URI(filepath.Join(dir, "go.mod"))) + `"}`)}})
	out, _ := res["output"].(string)
	if res["vulnerable"] != true || !strings.Contains(out, "args: -C "+dir+" -scan symbol -db "+srv.VulnDBURL+" ./...") {
		t.Errorf("govulncheck result: %v", res)
	}
	warned := false
	for _, m := range ed.Client.Messages() {
		if strings.Contains(m.Message, "govulncheck: Your code is affected by 1 vulnerability") {
			warned = true
		}
	}
	if !warned {
		t.Errorf("no message with govulncheck's summary: %+v", ed.Client.Messages())
	}
	if _, err := ed.Server.ExecuteCommand(ed.Context(), &protocol.ExecuteCommandParams{Command: "gomodls.govulncheck", Arguments: []protocol.LSPAny{protocol.LSPAny(`{"dir":"` + dir + `","scan":"everything"}`)}}); err == nil {
		t.Error("an unknown scan level was accepted")
	}
}
