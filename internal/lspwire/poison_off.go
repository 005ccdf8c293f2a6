//go:build !jsonrpc2poison

package lspwire

import "go.lsp.dev/jsonrpc2"

// Frames returns s. In jsonrpc2poison builds it returns a stream that
// overwrites each frame it read once the next is read (see poison_on.go).
func Frames(s jsonrpc2.Stream) jsonrpc2.Stream { return s }
