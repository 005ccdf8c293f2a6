package lsp

import (
	"context"
	"sync"
	"time"

	"go.lsp.dev/protocol"

	"github.com/gomodls/gomodls/internal/completion"
	"github.com/gomodls/gomodls/internal/modcache"
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
		KnownPaths:  func() map[string]string { return s.session.knownPaths(snap) },
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

// knownPaths returns module paths known locally: those in the go command's
// module cache and those other go.mod files of the workspace require.
func (ss *session) knownPaths(snap *snapshot.Snapshot) map[string]string {
	out := map[string]string{}
	for p := range ss.modCachePaths(snap) {
		out[p] = "module cache"
	}
	for _, v := range ss.allViews() {
		v.mu.Lock()
		other := v.snap
		v.mu.Unlock()
		if other == nil || other.Mod == nil || other == snap {
			continue
		}
		for _, r := range other.Mod.Mod.Require {
			if _, ok := out[r.Mod.Path]; !ok {
				out[r.Mod.Path] = "workspace"
			}
		}
	}
	return out
}

// modCache lists the module paths of GOMODCACHE/cache/download, refreshed
// at most every few minutes: a large cache takes a while to walk.
type modCache struct {
	mu      sync.Mutex
	dir     string
	paths   map[string]bool
	updated time.Time
	walking bool
}

func (ss *session) modCachePaths(snap *snapshot.Snapshot) map[string]bool {
	if snap.Env == nil {
		return nil
	}
	dir := snap.Env.Get("GOMODCACHE")
	if dir == "" {
		return nil
	}
	c := &ss.modcache
	c.mu.Lock()
	defer c.mu.Unlock()
	stale := c.dir != dir || time.Since(c.updated) > 5*time.Minute
	if stale && !c.walking {
		c.walking = true
		done := make(chan struct{})
		started := ss.srv.goBackground(func() {
			paths, complete := modcache.Paths(ss.srv.bg, dir)
			c.mu.Lock()
			if complete {
				c.dir, c.paths, c.updated = dir, paths, time.Now()
			}
			c.walking = false
			c.mu.Unlock()
			close(done)
		})
		if !started {
			c.walking = false
			close(done)
		}
		if c.paths == nil {
			// First use: wait a little for the walk.
			c.mu.Unlock()
			select {
			case <-done:
			case <-time.After(200 * time.Millisecond):
			}
			c.mu.Lock()
		}
	}
	return c.paths
}
