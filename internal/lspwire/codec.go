// Package lspwire holds what the language server and its test client
// share about the JSON-RPC wire: the payload codec, and the frame poisoning
// of the jsonrpc2poison build tag.
//
// go.lsp.dev/jsonrpc2 lends data instead of copying it: a request's method
// and params, and a response's result on the connection's fast path,
// point into the transport's read buffer, which the read loop fills with
// the next frame as soon as the handler returns (or releases itself with
// jsonrpc2.Async, which clones the request) or the result is decoded.
// Whatever is kept longer must be copied once, at that boundary.
package lspwire

import (
	"slices"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
)

// Codec is the jsonrpc2 payload codec of LSP connections, on both ends:
// the protocol package's union-aware encoding, with decoded values that
// own their bytes.
//
// jsonrpc2 calls Unmarshal with a result borrowed from the read buffer,
// and protocol.Unmarshal may alias its input: its reflection path, taken
// for slices and maps of union types such as the []CommandOrCodeAction
// of textDocument/codeAction, decodes strings as views of the bytes it is
// given (go.lsp.dev/protocol v1.0.1: the union decoders keep
// dec.ReadValue()'s bytes). So Unmarshal copies its input once and decodes
// the copy.
type Codec struct{}

var _ jsonrpc2.Codec = Codec{}

// Marshal encodes v; a jsonrpc2.RawMessage passes through verbatim and nil
// encodes as null.
func (Codec) Marshal(v any) ([]byte, error) {
	switch m := v.(type) {
	case jsonrpc2.RawMessage:
		if m == nil {
			return []byte("null"), nil
		}
		return m, nil
	case *jsonrpc2.RawMessage:
		if m == nil || *m == nil {
			return []byte("null"), nil
		}
		return *m, nil
	}
	return protocol.Marshal(v)
}

// Unmarshal decodes a copy of data into v, so that v never points into
// data.
func (Codec) Unmarshal(data []byte, v any) error {
	owned := slices.Clone(data)
	if p, ok := v.(*jsonrpc2.RawMessage); ok {
		*p = owned
		return nil
	}
	return protocol.Unmarshal(owned, v)
}
