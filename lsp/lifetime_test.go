package lsp_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.lsp.dev/protocol"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/gomodls/gomodls/lsp"
	"github.com/gomodls/gomodls/lsp/lsptest"
)

// TestPipelinedRequestsKeepTheirMethod: requests sent back to back, as
// editors do, run concurrently while the read loop reads the next messages
// into the buffer the earlier ones were read from; a request must still
// know its own method when it finishes (here: in the log line of a failed
// request). It sends two kinds of request so that the frames differ where
// a stale method would point.
func TestPipelinedRequestsKeepTheirMethod(t *testing.T) {
	dir := writeFiles(t, map[string]string{"go.mod": "module example.com/m\n\ngo 1.22\n\nrequire golang.org/x/text v0.20.0\n"})
	opts := hermetic(t)
	core, logs := observer.New(zap.DebugLevel)
	opts.Logger = zap.New(zapcore.NewTee(opts.Logger.Core(), core))
	ed := start(t, opts)
	ed.Initialize(dir, lsptest.Caps{Config: json.RawMessage(`{"workspaceScan": false}`)})
	gomod := filepath.Join(dir, "go.mod")
	ed.Open(gomod, "")
	// Without a go command, goenvWrite fails with an error that is not a
	// JSON-RPC error, which the server logs with the request's method. It
	// shows the failure first: while that write waits for the client, the
	// read loop gets to read on.
	goEnvWrite := &protocol.ExecuteCommandParams{Command: "gomodls.goenvWrite",
		Arguments: []protocol.LSPAny{protocol.LSPAny(`{"name": "GOPRIVATE", "value": "example.com"}`)}}
	const n = 50
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			if _, err := ed.CallRaw(protocol.MethodWorkspaceExecuteCommand, goEnvWrite); err == nil || !strings.Contains(err.Error(), "no go command") {
				t.Errorf("goenvWrite: %v", err)
			}
		})
		wg.Go(func() {
			if _, err := ed.CallRaw(protocol.MethodTextDocumentFoldingRange, &protocol.FoldingRangeParams{TextDocument: docID(gomod)}); err != nil {
				t.Errorf("foldingRange: %v", err)
			}
		})
	}
	wg.Wait()
	failed := logs.FilterMessage("request failed").All()
	if len(failed) != n {
		t.Errorf("%d requests logged as failed, want %d", len(failed), n)
	}
	for _, e := range failed {
		if m := e.ContextMap()["method"]; m != protocol.MethodWorkspaceExecuteCommand {
			t.Errorf("failed request logged with method %q", m)
		}
	}
	ed.Shutdown()
}

// TestServeStopsBackgroundWork: Serve returns, and shutdown is answered,
// only once the server's background work (here: the workspace scan and
// the checks of what it finds) has stopped, so nothing of it runs, or
// logs, afterwards. (A test's logger panics when used after the test.)
func TestServeStopsBackgroundWork(t *testing.T) {
	files := map[string]string{}
	for i := range 100 {
		files[fmt.Sprintf("m%d/go.mod", i)] = fmt.Sprintf("module example.com/m%d\n\ngo 1.22\n\nrequire golang.org/x/text v0.20\n", i)
	}
	dir := writeFiles(t, files)
	for _, shutdown := range []bool{false, true} {
		t.Run(fmt.Sprintf("shutdown=%v", shutdown), func(t *testing.T) {
			opts := hermetic(t)
			core, logs := observer.New(zap.DebugLevel)
			opts.Logger = zap.New(zapcore.NewTee(opts.Logger.Core(), core))
			var logged atomic.Int64 // entries when the server stopped
			ed := lsptest.Start(t, func(ctx context.Context, rwc io.ReadWriteCloser) int {
				code := lsp.Serve(ctx, rwc, opts)
				if !shutdown {
					logged.Store(int64(logs.Len()))
				}
				return code
			})
			ed.Initialize(dir, lsptest.Caps{Progress: true})
			// At once, while the scan runs.
			if shutdown {
				if err := ed.Server.Shutdown(ed.Context()); err != nil {
					t.Fatal(err)
				}
				logged.Store(int64(logs.Len()))
			}
			ed.Exit()
			time.Sleep(200 * time.Millisecond)
			for _, e := range logs.All()[logged.Load():] {
				t.Errorf("logged after the server stopped: %s %v", e.Message, e.ContextMap())
			}
		})
	}
}
