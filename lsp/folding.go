package lsp

import (
	"context"
	"strings"

	"go.lsp.dev/protocol"
	"golang.org/x/mod/modfile"
)

// FoldingRanges folds directive blocks and runs of comment lines.
func (s *server) FoldingRanges(ctx context.Context, params *protocol.FoldingRangeParams) ([]protocol.FoldingRange, error) {
	_, kind, snap, err := s.fileSnapshot(ctx, params.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	ranges := []protocol.FoldingRange{}
	f := snap.ModFile(kind)
	if f == nil {
		return ranges, nil
	}
	var stmts []modfile.Expr
	if f.Mod != nil && f.Mod.Syntax != nil {
		stmts = f.Mod.Syntax.Stmt
	} else if f.Work != nil && f.Work.Syntax != nil {
		stmts = f.Work.Syntax.Stmt
	}
	for _, st := range stmts {
		if b, ok := st.(*modfile.LineBlock); ok {
			start, end := b.Start.Line-1, b.RParen.Pos.Line-1
			if end > start {
				ranges = append(ranges, protocol.FoldingRange{StartLine: uint32(start), EndLine: uint32(end), Kind: protocol.FoldingRangeKindRegion})
			}
		}
	}
	// Runs of two or more whole-line comments.
	m := f.Mapper
	runStart := -1
	for line := 0; line <= m.LineCount(); line++ {
		isComment := false
		if line < m.LineCount() {
			text := strings.TrimSpace(string(f.Content[m.LineStart(line):m.LineEnd(line)]))
			isComment = strings.HasPrefix(text, "//")
		}
		switch {
		case isComment && runStart < 0:
			runStart = line
		case !isComment && runStart >= 0:
			if line-1 > runStart {
				ranges = append(ranges, protocol.FoldingRange{StartLine: uint32(runStart), EndLine: uint32(line - 1), Kind: protocol.FoldingRangeKindComment})
			}
			runStart = -1
		}
	}
	return ranges, nil
}
