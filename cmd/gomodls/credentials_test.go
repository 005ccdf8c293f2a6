package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/protocol"

	"github.com/gomodls/gomodls/internal/proxytest"
	"github.com/gomodls/gomodls/lsp/lsptest"
)

// TestCredentialsNeverLogged runs the real binary at debug verbosity
// against a TLS proxy that wants .netrc credentials, once with the right
// password and once with a wrong one, and checks that the secret appears
// nowhere: not in the log file, not in any message or diagnostic sent to
// the editor, not in the CLI's output.
func TestCredentialsNeverLogged(t *testing.T) {
	const user, secret = "alice", "s3cr3t-t0ken-XYZ"
	bin := buildBinary(t)
	srv := proxytest.NewTLS(t)
	srv.Fault("example.com/basic", proxytest.Unauthorized(user, secret))
	home := lsptest.LooseDir(t)
	certFile := filepath.Join(home, "proxy.pem")
	if err := os.WriteFile(certFile, srv.CertPEM(), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	gomod := filepath.Join(dir, "go.mod")
	if err := os.WriteFile(gomod, []byte("module example.com/m\n\ngo 1.22\n\nrequire example.com/basic v1.0.0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, password, code string
	}{
		{"right password", secret, "upgrade-available"},
		{"wrong password", secret + "-old", "proxy-auth-required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			netrc := filepath.Join(t.TempDir(), "netrc")
			if err := os.WriteFile(netrc, []byte(srv.NetrcLine(user, tc.password)+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			env := []string{"HOME=" + home, "GOENV=off", "PATH=" + os.Getenv("PATH"), "GOPROXY=" + srv.URL, "GOSUMDB=off", "GOVULNDB=" + proxytest.VulnDBFileURL(t, nil),
				"NETRC=" + netrc, "SSL_CERT_FILE=" + certFile, "GOTOOLCHAIN=local", "GOFLAGS=-modcacherw",
				"GOPATH=" + filepath.Join(home, "go"), "XDG_CACHE_HOME=" + filepath.Join(t.TempDir(), "cache")}

			// The language server at -v.
			ed, _, logfile := startBinaryEnv(t, bin, env, "serve", "-v")
			ed.Initialize(dir, lsptest.Caps{Config: json.RawMessage(`{"debounce": "10ms", "workspaceScan": false}`)})
			ed.Open(gomod, "")
			got := ed.Diagnostics(gomod, 20*time.Second, func(p *protocol.PublishDiagnosticsParams) bool {
				return strings.Contains(strings.Join(lsptest.Codes(p.Diagnostics), ","), tc.code)
			})
			var seen bytes.Buffer
			seen.WriteString(lsptest.Describe(got.Diagnostics))
			for _, m := range ed.Client.Messages() {
				seen.WriteString(m.Message + "\n")
			}
			// Hover reports the proxy too.
			h, _ := ed.Server.Hover(ed.Context(), &protocol.HoverParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{
				TextDocument: protocol.TextDocumentIdentifier{URI: lsptest.URI(gomod)}, Position: protocol.Position{Line: 4, Character: 10}}})
			if h != nil {
				seen.WriteString(h.Contents.(*protocol.MarkupContent).Value)
			}
			ed.Shutdown()
			log, _ := os.ReadFile(logfile)
			if len(log) == 0 {
				t.Fatal("empty log file")
			}
			seen.Write(log)

			// The CLI.
			c := exec.Command(bin, "check", "-format", "json", dir)
			c.Env = env
			out, _ := c.CombinedOutput()
			seen.Write(out)
			if !strings.Contains(string(out), tc.code) {
				t.Errorf("CLI did not report %s:\n%s", tc.code, out)
			}
			if strings.Contains(seen.String(), secret) {
				i := strings.Index(seen.String(), secret)
				t.Fatalf("the secret leaked: ...%s...", seen.String()[max(0, i-200):i])
			}
			if !strings.Contains(string(log), "DEBUG") {
				t.Errorf("the log is not at debug level:\n%.500s", log)
			}
		})
	}
}
