package lsp

import (
	"context"
	"time"

	"go.lsp.dev/protocol"

	"github.com/gomodls/gomodls/internal/hover"
)

// hoverBudget is how long a hover waits for the network before answering
// with what is known.
const hoverBudget = 300 * time.Millisecond

func (s *server) Hover(ctx context.Context, params *protocol.HoverParams) (*protocol.Hover, error) {
	_, kind, snap, err := s.fileSnapshot(ctx, params.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	m := snap.Mapper(kind)
	off := m.OffsetUTF16(int(params.Position.Line), int(params.Position.Character))
	h := hover.At(ctx, snap, kind, off, hover.Options{Budget: hoverBudget, Background: s.bg})
	if h == nil {
		return nil, nil
	}
	rng := toRange(m, h.Span)
	content := &protocol.MarkupContent{Kind: protocol.MarkupKindMarkdown, Value: h.Markdown}
	if !s.caps.markdownHover {
		content = &protocol.MarkupContent{Kind: protocol.MarkupKindPlainText, Value: h.Plain}
	}
	return &protocol.Hover{Contents: content, Range: &rng}, nil
}
