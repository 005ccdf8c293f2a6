package lspwire_test

import (
	"testing"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"

	"github.com/gomodls/gomodls/internal/lspwire"
)

// TestUnmarshalOwnsItsResult: jsonrpc2 decodes a result while its bytes
// are the read buffer's and then reads the next message into that buffer;
// what Unmarshal returns must not change when it does. The codeAction
// result is the case that failed: the protocol package decodes a slice of
// a union type by reflection, with strings pointing into its input.
func TestUnmarshalOwnsItsResult(t *testing.T) {
	const result = `[{"title":"Fix all","kind":"source.fixAll","edit":{"documentChanges":[{"textDocument":{"uri":"file:///m/go.mod","version":1},` +
		`"edits":[{"range":{"start":{"line":5,"character":19},"end":{"line":5,"character":24}},"newText":"v0.20.0"}]}]}}]`
	buf := []byte(result)
	var actions []protocol.CommandOrCodeAction
	var raw jsonrpc2.RawMessage
	codec := lspwire.Codec{}
	if err := codec.Unmarshal(buf, &actions); err != nil {
		t.Fatal(err)
	}
	if err := codec.Unmarshal(buf, &raw); err != nil {
		t.Fatal(err)
	}
	for i := range buf {
		buf[i] = 'X' // the next message
	}
	if len(actions) != 1 {
		t.Fatalf("%d actions", len(actions))
	}
	ca, ok := actions[0].(*protocol.CodeAction)
	if !ok {
		t.Fatalf("%T", actions[0])
	}
	if ca.Title != "Fix all" || ca.Kind == nil || *ca.Kind != protocol.CodeActionKindSourceFixAll {
		t.Errorf("title %q, kind %v", ca.Title, ca.Kind)
	}
	tde := ca.Edit.DocumentChanges[0].(*protocol.TextDocumentEdit)
	if u := tde.TextDocument.URI; u != "file:///m/go.mod" {
		t.Errorf("uri %q", u)
	}
	if nt := tde.Edits[0].(*protocol.TextEdit).NewText; nt != "v0.20.0" {
		t.Errorf("newText %q", nt)
	}
	if string(raw) != result {
		t.Errorf("raw result %s", raw)
	}
}
