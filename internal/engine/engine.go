// Copyright 2026 The gomodls Authors.

// Package engine is the application behind gomodls' language server,
// without the protocol: the workspace folders with their settings and Go
// environments, the views (one per directory that holds files to check),
// the construction of their snapshots, the scheduling of network checks
// (debounced, cancelled when their input changes) and the remapping of
// their results onto newer text, the announcements of proxy failures, the
// server's commands as plain functions (go env -w/-u, allowlisted go
// commands, upgrades, go.sum verification, govulncheck), and the walks of
// the module cache for completion. It also builds the sources of a check
// (OpenSources), for the CLI as for the server.
//
// In gopls this layer is the cache and its Session. Nothing here knows
// LSP types: a front end (package lsp) gives the engine its documents
// (Files) and its effects on the editor (Client), and converts what the
// engine hands back.
package engine

import (
	"context"
	"fmt"

	"github.com/gomodls/gomodls/analyzers"
	"github.com/gomodls/gomodls/internal/snapshot"
)

// MessageType is the severity of a message to the user.
type MessageType int

const (
	MessageError MessageType = iota + 1
	MessageWarning
	MessageInfo
	MessageLog
)

// FileDiagnostics are the diagnostics of one file of a view, as the
// client should see them now.
type FileDiagnostics struct {
	Snapshot *snapshot.Snapshot
	Kind     snapshot.FileKind
	// Version is the version of the open document the diagnostics are
	// for; HasVersion is false for files that are not open.
	Version     int32
	HasVersion  bool
	Diagnostics []analyzers.Diagnostic
}

// An Announcement is a kind of lookup failure that a network check saw
// and the user has not been told about: how many diagnostics carry its
// code, and the message of the first.
type Announcement struct {
	Code    *analyzers.Code
	Count   int
	Example string
}

// String renders the announcement as the server shows it.
func (a Announcement) String() string {
	return fmt.Sprintf("gomodls: %d module lookups failed [%s], e.g. %s", a.Count, a.Code.Name, a.Example)
}

// Progress reports long-running work to the user.
type Progress interface {
	// Report updates the message and the percentage done (0-100).
	Report(message string, pct int)
	// End finishes the report.
	End(message string)
}

// Client is what the engine needs of its front end: its effects on the
// editor. Calls may come from any goroutine, never from the front end's
// own message loop.
type Client interface {
	// PublishDiagnostics delivers the diagnostics of one file.
	PublishDiagnostics(ctx context.Context, d FileDiagnostics) error
	// RefreshDiagnostics asks a client that pulls diagnostics to pull
	// again: background results arrived.
	RefreshDiagnostics(ctx context.Context) error
	// ShowMessage shows a message to the user, and logs it.
	ShowMessage(typ MessageType, msg string)
	// LogMessage writes a message to the client's log only.
	LogMessage(typ MessageType, msg string)
	// Announce tells the user about lookup failures seen for the first
	// time.
	Announce(a []Announcement)
	// StartProgress begins a progress report. The context it returns is
	// cancelled when the user cancels the work (if cancellable) or when
	// ctx is. Front ends without progress return a Progress that does
	// nothing.
	StartProgress(ctx context.Context, title, message string, cancellable bool) (Progress, context.Context)
}

// Files gives the open documents: their text and version, read over the
// disk.
type Files interface {
	// Open returns the content and version of the open document at path
	// (a cleaned absolute path), false when it is not open.
	Open(path string) (content []byte, version int32, ok bool)
}

// InvalidArgError reports a command argument the engine refuses; a
// front end answers it as invalid parameters.
type InvalidArgError struct{ Msg string }

func (e *InvalidArgError) Error() string { return e.Msg }

func invalidArg(format string, args ...any) error {
	return &InvalidArgError{Msg: fmt.Sprintf(format, args...)}
}
