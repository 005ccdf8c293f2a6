package lsp_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"

	"github.com/gomodls/gomodls/internal/proxytest"
	"github.com/gomodls/gomodls/lsp"
	"github.com/gomodls/gomodls/lsp/lsptest"
)

// rawServer starts a server on a pipe and returns the client end, framed.
func rawServer(t *testing.T) (jsonrpc2.Stream, net.Conn, chan int) {
	serverSide, clientSide := net.Pipe()
	exit := make(chan int, 1)
	go func() { exit <- lsp.Serve(context.Background(), serverSide, hermetic(t)) }()
	t.Cleanup(func() { clientSide.Close() })
	return jsonrpc2.NewHeaderStream(clientSide), clientSide, exit
}

func writeFrame(t *testing.T, w io.Writer, body string) {
	t.Helper()
	if _, err := fmt.Fprintf(w, "Content-Length: %d\r\n\r\n%s", len(body), body); err != nil {
		t.Fatal(err)
	}
}

// readResponse reads messages until a response arrives.
func readResponse(t *testing.T, s jsonrpc2.Stream) *jsonrpc2.Response {
	t.Helper()
	done := make(chan *jsonrpc2.Response, 1)
	go func() {
		for {
			msg, _, err := s.Read(context.Background())
			if err != nil {
				done <- nil
				return
			}
			if r, ok := msg.(*jsonrpc2.Response); ok {
				done <- r
				return
			}
		}
	}()
	select {
	case r := <-done:
		if r == nil {
			t.Fatal("connection closed before a response")
		}
		return r
	case <-time.After(10 * time.Second):
		t.Fatal("no response")
		return nil
	}
}

// TestMalformedMessages: a frame that is not JSON, and an unknown method,
// get error responses, and the connection keeps working.
func TestMalformedMessages(t *testing.T) {
	s, conn, _ := rawServer(t)
	writeFrame(t, conn, `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}`)
	if r := readResponse(t, s); r.Err() != nil {
		t.Fatalf("initialize: %v", r.Err())
	}
	writeFrame(t, conn, `{this is not json`)
	r := readResponse(t, s)
	if r.Err() == nil || !strings.Contains(r.Err().Error(), "malformed") {
		t.Errorf("malformed frame answered with %v", r.Err())
	}
	writeFrame(t, conn, `{"jsonrpc":"2.0","id":2,"method":"gomodls/noSuchMethod","params":{}}`)
	r = readResponse(t, s)
	var rpcErr *jsonrpc2.Error
	if !errorsAs(r.Err(), &rpcErr) || rpcErr.Code != jsonrpc2.MethodNotFound {
		t.Errorf("unknown method answered with %v", r.Err())
	}
	// A notification with params of the wrong shape must not kill the
	// connection.
	writeFrame(t, conn, `{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":42}}`)
	writeFrame(t, conn, `{"jsonrpc":"2.0","id":3,"method":"shutdown"}`)
	if r := readResponse(t, s); r.Err() != nil || r.ID() != jsonrpc2.NewNumberID(3) {
		t.Errorf("shutdown after bad messages: %v %v", r.ID(), r.Err())
	}
}

func errorsAs(err error, target **jsonrpc2.Error) bool {
	e, ok := err.(*jsonrpc2.Error)
	if ok {
		*target = e
	}
	return ok
}

// TestCancellation cancels a long request (an upgrade lookup against a
// hanging proxy) and gets RequestCancelled promptly.
func TestCancellation(t *testing.T) {
	srv := proxytest.New(t)
	srv.Fault("example.com/basic", proxytest.Hang())
	dir := writeFiles(t, map[string]string{"go.mod": "module example.com/m\n\ngo 1.22\n\nrequire example.com/basic v1.0.0\n"})
	ed := start(t, withProxy(t, srv))
	ed.Initialize(dir, lsptest.Caps{Config: json.RawMessage(`{"debounce": "10ms", "requestTimeout": "30s", "checkDeadline": "60s", "workspaceScan": false}`)})
	gomod := filepath.Join(dir, "go.mod")
	ed.Open(gomod, "")
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	begin := time.Now()
	_, err := ed.CallRawContext(ctx, protocol.MethodWorkspaceExecuteCommand, &protocol.ExecuteCommandParams{Command: "gomodls.upgradeAll",
		Arguments: []protocol.LSPAny{protocol.LSPAny(`{"uri": "` + lsptest.URI(gomod).String() + `", "level": "minor"}`)}})
	if err == nil {
		t.Fatal("cancelled request succeeded")
	}
	if took := time.Since(begin); took > 5*time.Second {
		t.Errorf("cancellation took %v", took)
	}
	// The server still works.
	if _, err := ed.Server.DocumentSymbol(ed.Context(), &protocol.DocumentSymbolParams{TextDocument: docID(gomod)}); err != nil {
		t.Errorf("after cancellation: %v", err)
	}
	ed.Shutdown()
}

// TestOddDocuments: CRLF line endings, no trailing newline, very long
// lines, and requests for documents never opened.
func TestOddDocuments(t *testing.T) {
	long := strings.Repeat("x", 100000)
	dir := writeFiles(t, map[string]string{
		"crlf/go.mod":   "module example.com/crlf\r\n\r\ngo 1.22\r\n\r\nrequire golang.org/x/text v0.20\r\n",
		"noeol/go.mod":  "module example.com/noeol\n\nrequire golang.org/x/text v0.20",
		"long/go.mod":   "module example.com/long\n\n// " + long + "\nrequire golang.org/x/text v0.20 // " + long + "\n",
		"ondisk/go.mod": "module example.com/ondisk\n",
		"ondisk/go.sum": "",
	})
	ed := start(t, hermetic(t))
	ed.Initialize(dir, lsptest.Caps{})
	for _, tc := range []struct {
		name      string
		line, col uint32
	}{
		{"crlf", 4, 26},
		{"noeol", 2, 26},
		{"long", 3, 26},
	} {
		p := filepath.Join(dir, tc.name, "go.mod")
		ed.Open(p, "")
		got := ed.Diagnostics(p, wait, lsptest.AtVersion(1))
		if len(got.Diagnostics) != 1 {
			t.Errorf("%s: %s", tc.name, lsptest.Describe(got.Diagnostics))
			continue
		}
		r := got.Diagnostics[0].Range
		if r.Start.Line != tc.line || r.Start.Character != tc.col || r.End.Character != tc.col+5 {
			t.Errorf("%s: range %v, want %d:%d-%d", tc.name, r, tc.line, tc.col, tc.col+5)
		}
		// Formatting keeps the content, and the fix applies cleanly.
		edits, err := ed.Server.Formatting(ed.Context(), &protocol.DocumentFormattingParams{TextDocument: docID(p)})
		if err != nil {
			t.Errorf("%s: formatting: %v", tc.name, err)
		}
		if out := lsptest.ApplyEdits(ed.Text(p), edits); !strings.Contains(out, "golang.org/x/text v0.20") {
			t.Errorf("%s: formatting lost text:\n%.200q", tc.name, out)
		}
	}
	// A document never opened: served from disk; a missing one: an error.
	if _, err := ed.Server.DocumentSymbol(ed.Context(), &protocol.DocumentSymbolParams{TextDocument: docID(filepath.Join(dir, "ondisk", "go.mod"))}); err != nil {
		t.Errorf("symbols of an unopened file: %v", err)
	}
	if _, err := ed.Server.Hover(ed.Context(), &protocol.HoverParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{
		TextDocument: docID(filepath.Join(dir, "nowhere", "go.mod"))}}); err == nil {
		t.Error("hover on a file that does not exist: no error")
	}
	// A change for a document that is not open is ignored, not fatal.
	if err := ed.Notify(protocol.MethodTextDocumentDidChange, map[string]any{
		"textDocument":   map[string]any{"uri": lsptest.URI(filepath.Join(dir, "x", "go.mod")).String(), "version": 2},
		"contentChanges": []any{map[string]any{"text": "x"}},
	}); err != nil {
		t.Fatal(err)
	}
	if code := ed.Shutdown(); code != 0 {
		t.Errorf("exit code %d", code)
	}
}

// TestShutdownOrdering: requests after shutdown fail; exit ends the
// process with 0; a second initialize is refused.
func TestShutdownOrdering(t *testing.T) {
	s, conn, exit := rawServer(t)
	writeFrame(t, conn, `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}`)
	readResponse(t, s)
	writeFrame(t, conn, `{"jsonrpc":"2.0","id":2,"method":"initialize","params":{"capabilities":{}}}`)
	if r := readResponse(t, s); r.Err() == nil {
		t.Error("second initialize accepted")
	}
	writeFrame(t, conn, `{"jsonrpc":"2.0","id":3,"method":"shutdown"}`)
	readResponse(t, s)
	writeFrame(t, conn, `{"jsonrpc":"2.0","id":4,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///x/go.mod"},"position":{"line":0,"character":0}}}`)
	if r := readResponse(t, s); r.Err() == nil || !strings.Contains(r.Err().Error(), "after shutdown") {
		t.Errorf("request after shutdown: %v", r.Err())
	}
	writeFrame(t, conn, `{"jsonrpc":"2.0","method":"exit"}`)
	select {
	case code := <-exit:
		if code != 0 {
			t.Errorf("exit code %d", code)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no exit")
	}
}
