package lsp

import (
	"bytes"
	"context"

	"go.lsp.dev/protocol"
	"golang.org/x/mod/modfile"

	"github.com/gomodls/gomodls/internal/snapshot"
	"github.com/gomodls/gomodls/internal/span"
)

// Formatting formats go.mod and go.work canonically (as `go mod edit -fmt`
// does) and sorts go.sum as the go command writes it. A file with parse
// errors is left alone: reformatting around a broken line could move or
// drop what the user is typing.
func (s *server) Formatting(ctx context.Context, params *protocol.DocumentFormattingParams) ([]protocol.TextEdit, error) {
	_, kind, snap, err := s.fileSnapshot(ctx, params.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	if !snap.Settings.Formatting {
		return []protocol.TextEdit{}, nil
	}
	formatted, ok := Format(snap, kind)
	if !ok {
		return []protocol.TextEdit{}, nil
	}
	return diffEdits(snap.Mapper(kind), snap.Content(kind), formatted), nil
}

// Format returns the formatted text of a snapshot file, or false when the
// file cannot be formatted safely.
func Format(snap *snapshot.Snapshot, kind snapshot.FileKind) ([]byte, bool) {
	switch kind {
	case snapshot.GoMod, snapshot.GoWork:
		f := snap.ModFile(kind)
		if f == nil || len(f.Errors) > 0 {
			return nil, false
		}
		if f.Mod != nil && f.Mod.Syntax != nil {
			return modfile.Format(f.Mod.Syntax), true
		}
		if f.Work != nil && f.Work.Syntax != nil {
			return modfile.Format(f.Work.Syntax), true
		}
	case snapshot.GoSum:
		if snap.Sum != nil {
			return snap.Sum.Format(), true
		}
	case snapshot.GoWorkSum:
		if snap.WorkSum != nil {
			return snap.WorkSum.Format(), true
		}
	}
	return nil, false
}

// diffEdits returns edits turning old into new: one edit replacing the
// lines between the longest common prefix and suffix of lines. Keeping the
// untouched lines out of the edit keeps the cursor and folds in place.
func diffEdits(m *span.Mapper, old, new []byte) []protocol.TextEdit {
	if bytes.Equal(old, new) {
		return []protocol.TextEdit{}
	}
	oldLines := bytes.SplitAfter(old, []byte("\n"))
	newLines := bytes.SplitAfter(new, []byte("\n"))
	pre := 0
	for pre < len(oldLines) && pre < len(newLines) && bytes.Equal(oldLines[pre], newLines[pre]) {
		pre++
	}
	suf := 0
	for suf < len(oldLines)-pre && suf < len(newLines)-pre &&
		bytes.Equal(oldLines[len(oldLines)-1-suf], newLines[len(newLines)-1-suf]) {
		suf++
	}
	start := 0
	for _, l := range oldLines[:pre] {
		start += len(l)
	}
	end := len(old)
	for _, l := range oldLines[len(oldLines)-suf:] {
		end -= len(l)
	}
	text := bytes.Join(newLines[pre:len(newLines)-suf], nil)
	return []protocol.TextEdit{{Range: toRange(m, span.Span{Start: start, End: end}), NewText: string(text)}}
}
