package lsp

import (
	"context"
	"time"

	"go.lsp.dev/protocol"

	"github.com/gomodls/gomodls/internal/completion"
	"github.com/gomodls/gomodls/internal/snapshot"
)

// completionBudget is how long completion waits for the network.
const completionBudget = 300 * time.Millisecond

func (s *server) Completion(ctx context.Context, params *protocol.CompletionParams) (protocol.CompletionResult, error) {
	_, kind, snap, err := s.fileSnapshot(ctx, params.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	if kind != snapshot.GoMod && kind != snapshot.GoWork {
		return &protocol.CompletionList{Items: []protocol.CompletionItem{}}, nil
	}
	m := snap.Mapper(kind)
	off := m.OffsetUTF16(int(params.Position.Line), int(params.Position.Character))
	res := completion.At(ctx, snap, kind, off, completion.Options{
		Budget:      completionBudget,
		Background:  s.bg,
		KnownPaths:  func() map[string]string { return s.eng.KnownPaths(snap) },
		Prereleases: snap.Settings.Prereleases,
	})
	list := &protocol.CompletionList{IsIncomplete: res.Incomplete, Items: make([]protocol.CompletionItem, 0, len(res.Items))}
	for _, it := range res.Items {
		ci := protocol.CompletionItem{
			Label:    it.Label,
			Kind:     completionKind(it.Kind),
			TextEdit: &protocol.TextEdit{Range: toRange(m, it.Span), NewText: it.Insert},
		}
		if it.Detail != "" {
			ci.Detail = protocol.NewOptional(it.Detail)
		}
		if it.Doc != "" {
			ci.Documentation = &protocol.MarkupContent{Kind: protocol.MarkupKindMarkdown, Value: it.Doc}
		}
		if it.SortText != "" {
			ci.SortText = protocol.NewOptional(it.SortText)
		}
		if it.Deprecated {
			ci.Tags = []protocol.CompletionItemTag{protocol.CompletionItemTagDeprecated}
		}
		list.Items = append(list.Items, ci)
	}
	return list, nil
}

func completionKind(k completion.Kind) protocol.CompletionItemKind {
	switch k {
	case completion.Keyword:
		return protocol.CompletionItemKindKeyword
	case completion.ModulePath:
		return protocol.CompletionItemKindModule
	case completion.GoVersion:
		return protocol.CompletionItemKindConstant
	}
	return protocol.CompletionItemKindValue
}
