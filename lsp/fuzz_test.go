package lsp_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/gomodls/gomodls/lsp"
)

// rwc is a stream whose input is fixed bytes and whose output is kept.
type rwc struct {
	io.Reader
	out bytes.Buffer
}

func (r *rwc) Write(p []byte) (int, error) { return r.out.Write(p) }
func (r *rwc) Close() error                { return nil }

func frame(body string) string {
	return fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(body), body)
}

// FuzzMessageFraming feeds arbitrary bytes to the server as if from an
// editor. The server must neither panic nor hang: when the input ends, Serve
// returns.
func FuzzMessageFraming(f *testing.F) {
	f.Add(frame(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}`) +
		frame(`{"jsonrpc":"2.0","method":"initialized","params":{}}`) +
		frame(`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///tmp/x/go.mod","languageId":"go.mod","version":1,"text":"module m\nrequire a v1\n"}}}`) +
		frame(`{"jsonrpc":"2.0","id":2,"method":"textDocument/documentSymbol","params":{"textDocument":{"uri":"file:///tmp/x/go.mod"}}}`) +
		frame(`{"jsonrpc":"2.0","id":3,"method":"shutdown"}`) + frame(`{"jsonrpc":"2.0","method":"exit"}`))
	f.Add(frame(`{not json`) + frame(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}`))
	f.Add("Content-Length: 99999999\r\n\r\n{}")
	f.Add(frame(`{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"file:///x/go.mod","version":2},"contentChanges":[{"range":{"start":{"line":9,"character":9},"end":{"line":0,"character":0}},"text":"x"}]}}`))
	f.Fuzz(func(t *testing.T, input string) {
		done := make(chan int, 1)
		stream := &rwc{Reader: bytes.NewReader([]byte(input))}
		go func() {
			done <- lsp.Serve(context.Background(), stream, lsp.Options{Logger: zap.NewNop(), GoCommand: "-", Environ: []string{"GOENV=off", "HOME=/nonexistent", "GOVULNDB=file:///nonexistent/gomodls-vulndb"}})
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("server did not return after its input ended; input %q", input)
		}
	})
}
