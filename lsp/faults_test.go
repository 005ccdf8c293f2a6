package lsp_test

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/protocol"

	"github.com/gomodls/gomodls/internal/proxytest"
	"github.com/gomodls/gomodls/lsp"
	"github.com/gomodls/gomodls/lsp/lsptest"
)

// TestFaultMatrix drives the language server against a proxy failing in
// each way real proxies fail, and checks, for each: the diagnostic code on
// the affected line within the check deadline; hover and completion still
// answered within their budget while the fault lasts; and recovery (the
// diagnostic clears) once the proxy is healthy and the user rechecks.
func TestFaultMatrix(t *testing.T) {
	const deadline = 4 * time.Second
	settingsJSON := json.RawMessage(`{"debounce": "10ms", "requestTimeout": "1s", "checkDeadline": "4s", "workspaceScan": false}`)
	for _, tc := range []struct {
		name  string
		fault proxytest.Fault
		proxy func(t *testing.T, srv *proxytest.Server) string // GOPROXY; default srv.URL
		tls   bool
		code  string
	}{
		{name: "hang", fault: proxytest.Hang(), code: "proxy-unreachable"},
		{name: "slow drip", fault: proxytest.Drip(300 * time.Millisecond), code: "proxy-unreachable"},
		{name: "connection reset", fault: proxytest.ConnReset(), code: "proxy-unreachable"},
		{name: "DNS failure", proxy: func(*testing.T, *proxytest.Server) string { return proxytest.UnresolvableURL }, code: "proxy-unreachable"},
		{name: "connection refused", proxy: func(t *testing.T, _ *proxytest.Server) string { return proxytest.RefusedURL(t) }, code: "proxy-unreachable"},
		{name: "untrusted TLS certificate", tls: true, code: "proxy-unreachable"},
		{name: "401 with challenge", fault: proxytest.Unauthorized("u", "p"), code: "proxy-auth-required"},
		{name: "403", fault: proxytest.Status(403, "This module version is not available."), code: "module-not-served"},
		{name: "404", fault: proxytest.Status(404, "not found"), code: "unknown-module"},
		{name: "410", fault: proxytest.Status(410, "gone"), code: "unknown-module"},
		{name: "429 with Retry-After", fault: proxytest.RetryAfter(429, 200*time.Millisecond), code: "proxy-error"},
		{name: "500", fault: proxytest.Status(500, "internal"), code: "proxy-error"},
		{name: "502", fault: proxytest.Status(502, "bad gateway"), code: "proxy-error"},
		{name: "503", fault: proxytest.Status(503, "unavailable"), code: "proxy-error"},
		{name: "garbage JSON", fault: proxytest.GarbageInfo(), code: "proxy-error"},
		{name: "oversized body", fault: proxytest.Oversized(64 << 20).On(proxytest.EndpointInfo), code: "proxy-error"},
		{name: "redirect loop", fault: proxytest.RedirectLoop(), code: "proxy-error"},
		{name: "wrong version in .info", fault: proxytest.WrongVersion("v1.0.0"), code: "proxy-error"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var srv *proxytest.Server
			if tc.tls {
				srv = proxytest.NewTLS(t)
			} else {
				srv = proxytest.New(t)
			}
			sw := proxytest.NewSwitch(true)
			if !tc.fault.IsZero() {
				srv.Fault("example.com/basic", tc.fault.When(sw))
			}
			opts := withProxy(t, srv)
			if tc.proxy != nil {
				opts = withGOPROXY(opts, tc.proxy(t, srv))
			}
			text := "module example.com/m\n\ngo 1.22\n\nrequire (\n\texample.com/basic v1.1.0\n\texample.com/zero v0.2.0\n)\n"
			dir := writeFiles(t, map[string]string{"go.mod": text})
			ed := start(t, opts)
			ed.Initialize(dir, lsptest.Caps{Config: settingsJSON})
			gomod := filepath.Join(dir, "go.mod")
			ed.Open(gomod, "")
			begin := time.Now()
			got := ed.Diagnostics(gomod, 20*time.Second, func(p *protocol.PublishDiagnosticsParams) bool {
				return strings.Contains(codesOf(p), tc.code)
			})
			took := time.Since(begin)
			if took > deadline+2*time.Second {
				t.Errorf("%s reported after %v; the check deadline is %v", tc.code, took, deadline)
			}
			for _, d := range got.Diagnostics {
				if code, _ := d.Code.(protocol.String); string(code) == tc.code {
					msg, _ := d.Message.(protocol.String)
					t.Logf("| %s | %s | %v | %s |", tc.name, tc.code, took.Round(10*time.Millisecond), msg)
					break
				}
			}
			wholeProxy := tc.proxy != nil || tc.tls
			for _, d := range got.Diagnostics {
				// A fault of one module's URLs affects its line only.
				if code, _ := d.Code.(protocol.String); string(code) == tc.code && d.Range.Start.Line != 5 && !wholeProxy {
					t.Errorf("%s on line %d, want line 5 (example.com/basic)", tc.code, d.Range.Start.Line)
				}
			}
			// Hover and completion answer within their budget meanwhile.
			for _, req := range []string{"hover", "completion"} {
				begin := time.Now()
				if req == "hover" {
					hoverText(t, ed, gomod, 5, 3)
				} else {
					complete(t, ed, gomod, 5, 20)
				}
				if took := time.Since(begin); took > 1500*time.Millisecond {
					t.Errorf("%s took %v during the fault", req, took)
				}
			}
			if tc.proxy != nil || tc.tls {
				ed.Shutdown()
				return // the proxy itself is the fault; no recovery to check
			}
			// Recovery.
			sw.Set(false)
			if _, err := ed.Server.ExecuteCommand(ed.Context(), &protocol.ExecuteCommandParams{Command: "gomodls.recheck"}); err != nil {
				t.Fatal(err)
			}
			ed.Diagnostics(gomod, 20*time.Second, func(p *protocol.PublishDiagnosticsParams) bool {
				return !strings.Contains(codesOf(p), tc.code)
			})
			ed.Shutdown()
		})
	}
}

// withGOPROXY replaces GOPROXY in the options' environment.
func withGOPROXY(opts lsp.Options, proxy string) lsp.Options {
	env := opts.Environ[:0:0]
	for _, kv := range opts.Environ {
		if !strings.HasPrefix(kv, "GOPROXY=") {
			env = append(env, kv)
		}
	}
	opts.Environ = append(env, fmt.Sprintf("GOPROXY=%s", proxy))
	return opts
}
