package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/protocol"
	"go.uber.org/zap"

	"github.com/gomodls/gomodls/internal/proxytest"
	"github.com/gomodls/gomodls/lsp"
	"github.com/gomodls/gomodls/lsp/lsptest"
)

// TestPrivacyAudit exercises every feature on a module that requires
// private modules, and asserts that the fixture's proxy and checksum
// database never saw their paths:
//
//   - git.corp.example.com/... is private by GOPRIVATE (never sent to a
//     proxy nor to the checksum database);
//   - example.com/deep/... is excluded from the checksum database by
//     GONOSUMDB (may go to the proxy, never to the database);
//   - secretcorp.internal/... is evidently private but not configured
//     (gomodls must not leak it either, and says so).
//
// Features: diagnostics of go.mod and go.sum (all analyzers), hover,
// completion, code actions, source actions and their commands, inlay
// hints, code lenses, definition, document links, explainEnv, recheck, and
// the CLI (check, check -fix, env).
func TestPrivacyAudit(t *testing.T) {
	srv := proxytest.New(t, proxytest.WithVulnDB(proxytest.VulnTree()))
	home := lsptest.LooseDir(t)
	env := map[string]string{
		"HOME": home, "GOENV": "off", "PATH": os.Getenv("PATH"), "GOPROXY": srv.URL, "GOVULNDB": srv.VulnDBURL,
		"GOSUMDB": srv.SumDBKey(), "GOPRIVATE": "git.corp.example.com", "GONOSUMDB": "example.com/deep,git.corp.example.com",
		"GOTOOLCHAIN": "local", "GOFLAGS": "-modcacherw", "GOPATH": filepath.Join(home, "go"),
		"XDG_CACHE_HOME": filepath.Join(home, "cache"), "GIT_TERMINAL_PROMPT": "0",
	}
	gomodText := "module example.com/app\n\ngo 1.22\n\nrequire (\n" +
		"\tgit.corp.example.com/team/lib v1.0.0\n" +
		"\tgit.corp.example.com/team/App v0.1.0 // indirect\n" +
		"\tsecretcorp.internal/platform/core v1.2.0\n" +
		"\texample.com/deep/a v1.0.0\n" +
		"\texample.com/basic v1.0.0\n" +
		")\n\n" +
		"replace git.corp.example.com/team/tool => git.corp.example.com/team/tool v1.1.0\n\n" +
		"exclude secretcorp.internal/platform/core v1.1.0\n"
	hash := "h1:BuEKDfySbSR4drPmRPG/7iBdf8hvFMuRexcpahXilzY="
	gosumText := strings.Join([]string{
		"example.com/deep/a v1.0.0/go.mod " + hash,
		"git.corp.example.com/team/lib v1.0.0 " + hash,
		"git.corp.example.com/team/lib v1.0.0/go.mod " + hash,
		"secretcorp.internal/platform/core v1.2.0/go.mod " + hash,
	}, "\n") + "\n"
	dir := t.TempDir()
	for name, text := range map[string]string{"go.mod": gomodText, "go.sum": gosumText} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	gomod, gosum := filepath.Join(dir, "go.mod"), filepath.Join(dir, "go.sum")
	var environ []string
	for k, v := range env {
		environ = append(environ, k+"="+v)
	}

	// The language server, in process, with every feature on.
	opts := lsp.Options{Logger: zap.NewNop(), Environ: environ, GoCommand: "-", CacheDir: filepath.Join(home, "cache", "gomodls")}
	ed := lsptest.Start(t, func(ctx context.Context, rwc io.ReadWriteCloser) int { return lsp.Serve(ctx, rwc, opts) })
	ed.Initialize(dir, lsptest.Caps{Pull: false, Progress: true, Config: json.RawMessage(
		`{"debounce": "10ms", "requestTimeout": "2s", "checkDeadline": "10s", "latestVersionHints": true, "codeLenses": true, "upgrades": "major", "prereleases": true, "publicProxies": ["` + srv.URL + `"]}`)})
	ed.Open(gomod, "")
	ed.Open(gosum, "")
	got := ed.Diagnostics(gomod, 30*time.Second, func(p *protocol.PublishDiagnosticsParams) bool {
		return strings.Contains(strings.Join(lsptest.Codes(p.Diagnostics), ","), "upgrade-available")
	})
	if d := lsptest.Describe(got.Diagnostics); !strings.Contains(d, "secretcorp.internal/platform/core is private") {
		t.Errorf("the unconfigured private module is not explained:\n%s", d)
	}
	lines := strings.Split(gomodText, "\n")
	for i, line := range lines {
		if strings.TrimSpace(line) == "" {
			continue
		}
		pos := protocol.Position{Line: uint32(i), Character: uint32(min(len(line)-1, 5))}
		id := protocol.TextDocumentIdentifier{URI: lsptest.URI(gomod)}
		ed.Server.Hover(ed.Context(), &protocol.HoverParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{TextDocument: id, Position: pos}})
		end := protocol.Position{Line: uint32(i), Character: uint32(len(line))}
		ed.Server.Completion(ed.Context(), &protocol.CompletionParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{TextDocument: id, Position: end}})
		ed.Server.Definition(ed.Context(), &protocol.DefinitionParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{TextDocument: id, Position: pos}})
		actions, _ := ed.Server.CodeAction(ed.Context(), &protocol.CodeActionParams{TextDocument: id,
			Range: protocol.Range{Start: protocol.Position{Line: uint32(i)}, End: end}, Context: protocol.CodeActionContext{Diagnostics: got.Diagnostics}})
		for _, a := range actions {
			ca := a.(*protocol.CodeAction)
			// Run every command except those that write the user's files.
			// govulncheck is another program (and slow): not audited here.
			if ca.Command.Command != "" && ca.Command.Command != "gomodls.goenvWrite" && ca.Command.Command != "gomodls.setEnvSetting" && ca.Command.Command != "gomodls.govulncheck" {
				ed.Server.ExecuteCommand(ed.Context(), &protocol.ExecuteCommandParams{Command: ca.Command.Command, Arguments: ca.Command.Arguments})
			}
		}
	}
	for _, p := range []string{gomod, gosum} {
		id := protocol.TextDocumentIdentifier{URI: lsptest.URI(p)}
		ed.Server.DocumentLink(ed.Context(), &protocol.DocumentLinkParams{TextDocument: id})
		ed.Server.InlayHint(ed.Context(), &protocol.InlayHintParams{TextDocument: id, Range: protocol.Range{End: protocol.Position{Line: 99}}})
		ed.Server.CodeLens(ed.Context(), &protocol.CodeLensParams{TextDocument: id})
		for i := 0; i < 4; i++ {
			ed.Server.Hover(ed.Context(), &protocol.HoverParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{TextDocument: id, Position: protocol.Position{Line: uint32(i), Character: 3}}})
		}
	}
	links, _ := ed.Server.DocumentLink(ed.Context(), &protocol.DocumentLinkParams{TextDocument: protocol.TextDocumentIdentifier{URI: lsptest.URI(gomod)}})
	for _, l := range links {
		if l.Target != nil && (strings.Contains(l.Target.String(), "corp") || strings.Contains(l.Target.String(), "secretcorp")) {
			t.Errorf("a web link for a private module: %s", l.Target)
		}
	}
	ed.Server.ExecuteCommand(ed.Context(), &protocol.ExecuteCommandParams{Command: "gomodls.explainEnv"})
	ed.Server.ExecuteCommand(ed.Context(), &protocol.ExecuteCommandParams{Command: "gomodls.recheck"})
	time.Sleep(time.Second) // let the recheck's background lookups run
	ed.Shutdown()

	// The CLI, with the same environment.
	for k, v := range env {
		t.Setenv(k, v)
	}
	// The fixture plays the public proxy for the CLI too.
	setFile := filepath.Join(home, "settings.json")
	if err := os.WriteFile(setFile, []byte(`{"publicProxies": ["`+srv.URL+`"]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"check", "-settings", setFile, dir}, {"check", "-settings", setFile, "-fix", dir}, {"check", "-settings", setFile, "-format", "sarif", dir}, {"env", dir}} {
		var stdout, stderr bytes.Buffer
		run(args, nil, &stdout, &stderr)
	}

	srv.AssertNoRequestMentions(t, "git.corp.example.com", "secretcorp.internal")
	for _, r := range srv.Requests() {
		if strings.Contains(r.Path, "example.com/deep") && strings.Contains(r.Path, "/sumdb/") {
			t.Errorf("checksum database asked about a GONOSUMDB module: %s", r.Path)
		}
	}
	if len(srv.Requests()) == 0 {
		t.Fatal("the fixture saw no request at all: the audit exercised nothing")
	}
	vulnReqs := 0
	for _, r := range srv.Requests() {
		if r.Server == "vulndb" {
			vulnReqs++
			if r.Endpoint != proxytest.EndpointVulnIndex && r.Endpoint != proxytest.EndpointVulnEntry {
				t.Errorf("the vulnerability database was asked %s", r)
			}
		}
	}
	if vulnReqs == 0 {
		t.Error("the vulnerability database saw no request: its privacy was not audited")
	}
}
