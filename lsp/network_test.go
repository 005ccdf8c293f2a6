package lsp_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/protocol"

	"github.com/gomodls/gomodls/internal/proxytest"
	"github.com/gomodls/gomodls/lsp"
	"github.com/gomodls/gomodls/lsp/lsptest"
)

// withProxy returns hermetic options that check against the fixture proxy.
func withProxy(t *testing.T, srv *proxytest.Server) lsp.Options {
	return proxyOptions(hermetic(t), srv)
}

func withProxyB(b *testing.B, srv *proxytest.Server) lsp.Options {
	return proxyOptions(hermeticB(b), srv)
}

func proxyOptions(opts lsp.Options, srv *proxytest.Server) lsp.Options {
	env := opts.Environ[:0:0]
	for _, kv := range opts.Environ {
		if !strings.HasPrefix(kv, "GOPROXY=") && !strings.HasPrefix(kv, "GOFLAGS=") {
			env = append(env, kv)
		}
	}
	opts.Environ = append(env, "GOPROXY="+srv.URL, "GOSUMDB=off", "GOFLAGS=-modcacherw -mod=mod")
	return opts
}

// fast settings: no debounce, short timeouts.
var fastSettings = json.RawMessage(`{"debounce": "10ms", "requestTimeout": "1s", "checkDeadline": "3s", "workspaceScan": false}`)

// publicSettings are fastSettings with the fixture playing the public
// proxy (gomodls.publicProxies), as proxy.golang.org is for most users:
// a private module sent there is a leak and a certain failure.
func publicSettings(srv *proxytest.Server) json.RawMessage {
	return json.RawMessage(`{"debounce": "10ms", "requestTimeout": "1s", "checkDeadline": "3s", "workspaceScan": false, "publicProxies": ["` + srv.URL + `"]}`)
}

func codesOf(p *protocol.PublishDiagnosticsParams) string {
	return strings.Join(lsptest.Codes(p.Diagnostics), ",")
}

func hasCodes(want string) func(*protocol.PublishDiagnosticsParams) bool {
	return func(p *protocol.PublishDiagnosticsParams) bool { return codesOf(p) == want }
}

func TestNetworkDiagnostics(t *testing.T) {
	srv := proxytest.New(t)
	text := "module example.com/m\n\ngo 1.22\n\nrequire (\n\texample.com/basic v1.9.9\n\texample.com/zero v0.2\n\texample.com/retract v1.1.0\n)\n"
	dir := writeFiles(t, map[string]string{"go.mod": text})
	ed := start(t, withProxy(t, srv))
	ed.Initialize(dir, lsptest.Caps{Config: fastSettings})
	gomod := filepath.Join(dir, "go.mod")
	ed.Open(gomod, "")
	// Local first (invalid-version at once), then the network results
	// merged in.
	got := ed.Diagnostics(gomod, wait, hasCodes("unknown-version,invalid-version,retracted-version,upgrade-available"))
	if d := lsptest.Describe(got.Diagnostics); !strings.Contains(d, "5:19-5:25 unknown-version: example.com/basic@v1.9.9: version does not exist") {
		t.Errorf("diagnostics:\n%s", d)
	}
	// Quick fix for the unknown version, from the network results.
	actions, err := ed.Server.CodeAction(ed.Context(), &protocol.CodeActionParams{TextDocument: docID(gomod), Range: got.Diagnostics[0].Range,
		Context: protocol.CodeActionContext{Diagnostics: got.Diagnostics[:1]}})
	if err != nil || len(actions) == 0 {
		t.Fatalf("code actions: %v %v", actions, err)
	}
	if title := actions[0].(*protocol.CodeAction).Title; title != "Change to nearest existing version v1.1.0" {
		t.Errorf("first action %q", title)
	}

	// Edit another line: the network results of unchanged lines stay,
	// moved with their line, while the new check runs.
	srv.Reset()
	v := ed.Replace(gomod, "// A comment line added above.\n"+strings.Replace(text, "v0.2\n", "v0.2.0\n", 1))
	got = ed.Diagnostics(gomod, wait, lsptest.AtVersion(v))
	if d := lsptest.Describe(got.Diagnostics); !strings.HasPrefix(d, "6:19-6:25 unknown-version") || strings.Contains(d, "invalid-version") {
		t.Errorf("after the edit:\n%s", d)
	}
	// Fix the version: the unknown-version goes once the check is done,
	// and only the edited module was looked up again.
	srv.Reset()
	v = ed.Replace(gomod, strings.Replace(strings.Replace(text, "v0.2\n", "v0.2.0\n", 1), "v1.9.9", "v1.1.0", 1))
	ed.Diagnostics(gomod, wait, func(p *protocol.PublishDiagnosticsParams) bool {
		ver, _ := p.Version.Get()
		return ver == v && codesOf(p) == "retracted-version,upgrade-available"
	})
	for _, r := range srv.Requests() {
		if !strings.Contains(r.Path, "example.com/basic/") {
			t.Errorf("unchanged module looked up again: %s", r.Path)
		}
	}
	ed.Shutdown()
}

func TestNetworkFaultAnnouncedOnce(t *testing.T) {
	srv := proxytest.New(t)
	srv.Fault("example.com/deep", proxytest.Hang())
	text := "module example.com/m\n\ngo 1.22\n\nrequire (\n\texample.com/deep/a v1.0.0\n\texample.com/deep/b v1.0.0\n\texample.com/basic v1.1.0\n)\n"
	dir := writeFiles(t, map[string]string{"go.mod": text})
	ed := start(t, withProxy(t, srv))
	ed.Initialize(dir, lsptest.Caps{Config: fastSettings, Progress: true})
	gomod := filepath.Join(dir, "go.mod")
	ed.Open(gomod, "")
	start := time.Now()
	ed.Diagnostics(gomod, wait, hasCodes("proxy-unreachable,proxy-unreachable"))
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("a hanging proxy took %v to report; the deadline is 3s", took)
	}
	// One message for the failure, not one per line or per check.
	if !ed.Client.Wait(wait, func() bool { return countMessages(ed, "proxy-unreachable") == 1 }) {
		t.Fatalf("messages: %+v", ed.Client.Messages())
	}
	ed.Replace(gomod, text+"\n")
	ed.Diagnostics(gomod, wait, func(p *protocol.PublishDiagnosticsParams) bool {
		v, _ := p.Version.Get()
		return v == 2 && codesOf(p) == "proxy-unreachable,proxy-unreachable"
	})
	if n := countMessages(ed, "proxy-unreachable"); n != 1 {
		t.Errorf("announced %d times", n)
	}
	// The slow check showed progress.
	if len(ed.Client.ProgressReports()) == 0 {
		t.Error("no progress for a slow check")
	}
	// Recovery: the proxy heals, a recheck clears the diagnostics.
	srv.ClearFaults()
	if _, err := ed.Server.ExecuteCommand(ed.Context(), &protocol.ExecuteCommandParams{Command: "gomodls.recheck"}); err != nil {
		t.Fatal(err)
	}
	ed.Diagnostics(gomod, wait, hasCodes(""))
	ed.Shutdown()
}

func countMessages(ed *lsptest.Editor, substr string) int {
	n := 0
	for _, m := range ed.Client.Messages() {
		if strings.Contains(m.Message, substr) {
			n++
		}
	}
	return n
}

func hoverText(t *testing.T, ed *lsptest.Editor, path string, line, col uint32) string {
	t.Helper()
	h, err := ed.Server.Hover(ed.Context(), &protocol.HoverParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{
		TextDocument: docID(path), Position: protocol.Position{Line: line, Character: col}}})
	if err != nil {
		t.Fatal(err)
	}
	if h == nil {
		return ""
	}
	return h.Contents.(*protocol.MarkupContent).Value
}

func TestHoverNetwork(t *testing.T) {
	srv := proxytest.New(t)
	text := "module example.com/m\n\ngo 1.22\n\nrequire (\n\texample.com/retract v1.1.0\n\texample.com/deprecated v1.0.0\n\texample.com/basic v1.9.9\n\tgit.corp.example/team/lib v1.0.0\n\texample.com/basic/v2 v2.0.0\n)\n"
	dir := writeFiles(t, map[string]string{"go.mod": text})
	ed := start(t, withProxy(t, srv))
	ed.Initialize(dir, lsptest.Caps{Config: publicSettings(srv)})
	gomod := filepath.Join(dir, "go.mod")
	ed.Open(gomod, "")
	// Wait for the background check, so hovers answer from the cache.
	ed.Diagnostics(gomod, wait, func(p *protocol.PublishDiagnosticsParams) bool {
		return strings.Contains(codesOf(p), "unknown-version")
	})
	for _, tc := range []struct {
		line uint32
		want []string
	}{
		{5, []string{"**example.com/retract v1.1.0**", "**Retracted** by the module author: Contains a data race in Frobnicate.", "Upgrade available: `v1.4.0`. Latest release: `v1.5.0`.", "answered by `" + srv.URL}},
		{6, []string{"**Deprecated:** use example.com/new instead."}},
		{7, []string{"**Lookup failed:** example.com/basic@v1.9.9: reading " + srv.URL + "/example.com/basic/@v/v1.9.9.info: 404 Not Found"}},
		{8, []string{"Not looked up: the path looks private"}},
		{9, []string{"Published on ", "Upgrade available: `v2.1.0`"}},
	} {
		got := hoverText(t, ed, gomod, tc.line, 3)
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("line %d: hover lacks %q:\n%s", tc.line, w, got)
			}
		}
	}
	srv.AssertNoRequestMentions(t, "git.corp.example")
	ed.Shutdown()
}

func TestHoverWithinBudgetWhileProxyHangs(t *testing.T) {
	srv := proxytest.New(t)
	srv.Fault("example.com/basic", proxytest.Hang())
	text := "module example.com/m\n\ngo 1.22\n\nrequire example.com/basic v1.1.0\n"
	dir := writeFiles(t, map[string]string{"go.mod": text})
	ed := start(t, withProxy(t, srv))
	ed.Initialize(dir, lsptest.Caps{Config: fastSettings})
	gomod := filepath.Join(dir, "go.mod")
	ed.Open(gomod, "")
	begin := time.Now()
	got := hoverText(t, ed, gomod, 4, 10)
	if took := time.Since(begin); took > 2*time.Second {
		t.Errorf("hover took %v while the proxy hangs", took)
	}
	if !strings.Contains(got, "Checking the module proxy") || !strings.Contains(got, "**example.com/basic v1.1.0**") {
		t.Errorf("hover:\n%s", got)
	}
	ed.Shutdown()
}
