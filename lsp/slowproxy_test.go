package lsp_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/protocol"

	"github.com/gomodls/gomodls/internal/proxytest"
	"github.com/gomodls/gomodls/lsp/lsptest"
)

// TestSlowProxyIsProgressNotFailure: a proxy that serves one request at a
// time, each answer coming after the request timeout, is slow, not
// unreachable. The check shows "waiting for PROXY: N s, M lookups left",
// hovers answer within their budget meanwhile, and the diagnostics in the
// end are the proxy's answers, without proxy-unreachable.
func TestSlowProxyIsProgressNotFailure(t *testing.T) {
	srv := proxytest.New(t, proxytest.WithSerial(100*time.Millisecond))
	text := "module example.com/m\n\ngo 1.22\n\nrequire (\n" +
		"\texample.com/basic v1.0.0\n\texample.com/zero v0.2.0\n\texample.com/retract v1.4.0\n" +
		"\texample.com/deep/a v1.0.0\n\texample.com/deep/b v1.0.0\n\texample.com/deep/c v1.1.0\n" +
		"\texample.com/deep/d v1.1.0\n\texample.com/deep/e v1.1.0\n\texample.com/nested v1.0.0\n" +
		"\texample.com/Upper/mod v1.1.0\n)\n"
	dir := writeFiles(t, map[string]string{"go.mod": text})
	ed := start(t, withProxy(t, srv))
	settings := json.RawMessage(`{"debounce": "10ms", "requestTimeout": "300ms", "proxyDeadline": "1m", "checkDeadline": "2m", "workspaceScan": false}`)
	ed.Initialize(dir, lsptest.Caps{Config: settings, Progress: true})
	gomod := filepath.Join(dir, "go.mod")
	ed.Open(gomod, "")

	waiting := "waiting for " + srv.URL + ": "
	if !ed.Client.Wait(wait, func() bool { return progressSays(ed, waiting) != "" }) {
		t.Fatalf("no progress naming the slow proxy; reports: %v", progressMessages(ed))
	}
	t.Logf("progress: %s", progressSays(ed, waiting))

	// The check is waiting for the proxy: hovers still answer at once.
	begin := time.Now()
	got := hoverText(t, ed, gomod, 5, 10)
	if took := time.Since(begin); took > 2*time.Second {
		t.Errorf("hover took %v while the check waits for a slow proxy", took)
	}
	if !strings.Contains(got, "example.com/basic") {
		t.Errorf("hover:\n%s", got)
	}

	// In the end: the proxy's answers (an upgrade for basic), no failure.
	p := ed.Diagnostics(gomod, time.Minute, func(p *protocol.PublishDiagnosticsParams) bool {
		return strings.Contains(codesOf(p), "upgrade-available")
	})
	if c := codesOf(p); strings.Contains(c, "proxy-unreachable") || strings.Contains(c, "proxy-error") {
		t.Errorf("a slow proxy reported as failing: %s", c)
	}
	// The window (16, grown by the first, fast answers) bounds the
	// requests queued at the proxy, not the 64 of gomodls.concurrency.
	if n := srv.PeakConcurrency(); n > 32 {
		t.Errorf("%d requests at the serial proxy at once", n)
	}
	ed.Shutdown()
}

// progressMessages returns the messages of the progress reports so far.
func progressMessages(ed *lsptest.Editor) []string {
	var out []string
	for _, p := range ed.Client.ProgressReports() {
		data, _ := json.Marshal(p.Value)
		var v struct{ Message string }
		if json.Unmarshal(data, &v) == nil && v.Message != "" {
			out = append(out, v.Message)
		}
	}
	return out
}

// progressSays returns the first progress message starting with prefix.
func progressSays(ed *lsptest.Editor, prefix string) string {
	for _, m := range progressMessages(ed) {
		if strings.HasPrefix(m, prefix) && strings.HasSuffix(m, " lookups left") {
			return m
		}
	}
	return ""
}
