// Copyright 2026 The gomodls Authors.

package sumcheck

import "github.com/gomodls/gomodls/internal/checksum"

// The errors, hashes and modes of this package are the go.sum contract's
// (package internal/checksum); these names keep them at hand here.
type (
	Error = checksum.Error
	Kind  = checksum.Kind
	Sums  = checksum.Sums
	Mode  = checksum.Mode
)

// The kinds of Error.
const (
	Excluded     = checksum.Excluded
	NotFound     = checksum.NotFound
	Unreachable  = checksum.Unreachable
	AuthRequired = checksum.AuthRequired
	ServerError  = checksum.ServerError
	Security     = checksum.Security
	Offline      = checksum.Offline
	Config       = checksum.Config
	Canceled     = checksum.Canceled
	Invalid      = checksum.Invalid
)

// The work Sums may do.
const (
	Verify    = checksum.Verify
	GoModLine = checksum.GoModLine
	ZipLine   = checksum.ZipLine
	Download  = checksum.Download
)

// KindOf returns the Kind of err, or 0 if it is not an *Error.
func KindOf(err error) Kind { return checksum.KindOf(err) }
