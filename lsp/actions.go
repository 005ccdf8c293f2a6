package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"go.lsp.dev/protocol"
	"golang.org/x/mod/modfile"
	"golang.org/x/sync/errgroup"

	"github.com/gomodls/gomodls/fixes"
	"github.com/gomodls/gomodls/internal/modinfo"
	"github.com/gomodls/gomodls/internal/modplan"
	"github.com/gomodls/gomodls/internal/snapshot"
	"github.com/gomodls/gomodls/internal/span"
)

// sourceActions returns the whole-file actions for a go.mod: upgrade all
// direct requires (patch, minor), remove unused replaces, sort and format.
func (s *server) sourceActions(snap *snapshot.Snapshot, versions map[snapshot.FileKind]int32, kind snapshot.FileKind, want func(protocol.CodeActionKind) bool) []protocol.CommandOrCodeAction {
	var out []protocol.CommandOrCodeAction
	if kind != snapshot.GoMod || snap.Mod == nil {
		return out
	}
	u := s.uriFor(snap.Path(snapshot.GoMod))
	if snap.Source != nil && want(protocol.CodeActionKindSource) {
		for _, level := range []string{"patch", "minor"} {
			cmd := toCommand(&fixes.Command{Title: "Upgrade direct requires (" + level + ")", Name: fixes.CmdUpgradeAll,
				Args: []any{map[string]string{"uri": string(u.String()), "level": level}}})
			out = append(out, &protocol.CodeAction{Title: "Upgrade all direct requires to the latest " + level + " release", Kind: ptr(protocol.CodeActionKindSource), Command: cmd})
		}
	}
	if want(protocol.CodeActionKindSource) {
		if fx, ok := removeUnusedReplaces(snap); ok {
			if ca, ok := s.toCodeAction(snap, versions, fx, protocol.CodeActionKindSource); ok {
				out = append(out, ca)
			}
		}
	}
	if want(protocol.CodeActionKindSourceOrganizeImports) {
		if fx, ok := sortAndFormat(snap); ok {
			if ca, ok := s.toCodeAction(snap, versions, fx, protocol.CodeActionKindSourceOrganizeImports); ok {
				out = append(out, ca)
			}
		}
	}
	return out
}

// removeUnusedReplaces deletes replaces of modules the go.mod does not
// require: since Go 1.17 go.mod lists every module the build needs, so
// such a replace has no effect.
func removeUnusedReplaces(snap *snapshot.Snapshot) (fixes.Fix, bool) {
	f := snap.Mod
	required := map[string]bool{}
	for _, r := range f.Mod.Require {
		required[r.Mod.Path] = true
	}
	fix := fixes.Fix{Title: "Remove unused replace directives"}
	for _, r := range f.Mod.Replace {
		if !required[r.Old.Path] {
			fix.Edits = append(fix.Edits, fixes.DeleteLine(snapshot.GoMod, f, r.Syntax, "").Edits...)
		}
	}
	return fix, len(fix.Edits) > 0
}

// sortAndFormat sorts the require, exclude and replace blocks and formats
// the file, as `go mod tidy` would leave it (without changing
// requirements).
func sortAndFormat(snap *snapshot.Snapshot) (fixes.Fix, bool) {
	f := snap.Mod
	if len(f.Errors) > 0 {
		return fixes.Fix{}, false
	}
	mf, err := modfile.Parse(f.Name, f.Content, func(_, v string) (string, error) { return v, nil })
	if err != nil {
		return fixes.Fix{}, false
	}
	mf.SortBlocks()
	mf.Cleanup()
	out := modfile.Format(mf.Syntax)
	if string(out) == string(f.Content) {
		return fixes.Fix{}, false
	}
	return fixes.Fix{Title: "Sort and format go.mod", Edits: []fixes.Edit{{File: snapshot.GoMod, Span: spanAll(f.Content), NewText: string(out)}}}, true
}

type upgradeArg struct {
	URI   string `json:"uri"`
	Level string `json:"level"`
}

// cmdUpgradeAll upgrades every direct require of a go.mod to its latest
// patch or minor release (never a retracted one) and applies the edit.
func cmdUpgradeAll(ctx context.Context, s *server, args []json.RawMessage) (any, error) {
	var a upgradeArg
	if err := decodeArg(args, &a); err != nil {
		return nil, err
	}
	if a.Level != "patch" && a.Level != "minor" {
		return nil, invalidParams("upgradeAll: level must be patch or minor, not %q", a.Level)
	}
	p, err := pathFromString(a.URI)
	if err != nil {
		return nil, err
	}
	snap, versions, err := s.session.snapshotFor(ctx, p)
	if err != nil || snap.Mod == nil {
		return nil, invalidParams("upgradeAll: %s is neither open nor on disk", p)
	}
	if snap.Source == nil {
		return nil, fmt.Errorf("upgradeAll: network checks are off")
	}
	wd, wctx := s.session.progress.start(ctx, "gomodls", "Looking up upgrades", true)
	wctx, cancel := context.WithTimeout(wctx, snap.Settings.CheckDeadline.D())
	defer cancel()
	var (
		mu  sync.Mutex
		fix = fixes.Fix{Title: "Upgrade direct requires (" + a.Level + ")"}
	)
	g, gctx := errgroup.WithContext(wctx)
	g.SetLimit(16)
	plan := modplan.Of(snap)
	for _, r := range snap.Mod.Mod.Require {
		if r.Indirect || !plan.Lookable(r.Mod.Path) {
			continue
		}
		g.Go(func() error {
			vl, err := snap.Source.Versions(gctx, r.Mod.Path)
			if err != nil {
				return nil
			}
			var isRetracted func(string) bool
			if gm, _, _, err := modinfo.LatestGoMod(gctx, snap.Source, r.Mod.Path); err == nil {
				isRetracted = func(v string) bool { _, ok := modinfo.Retracted(gm, v); return ok }
			}
			up := modinfo.Upgrade(vl.Versions, r.Mod.Version, modinfo.UpgradeOptions{
				Level: a.Level, Prereleases: snap.Settings.Prereleases, Retracted: isRetracted, HasGoMod: modinfo.HasGoModFunc(gctx, snap.Source, r.Mod.Path), Time: modinfo.TimeFunc(gctx, snap.Source, r.Mod.Path)})
			if up == "" {
				return nil
			}
			if tok, ok := snap.Mod.VersionToken(r.Syntax); ok {
				mu.Lock()
				fix.Edits = append(fix.Edits, fixes.SetVersion(snapshot.GoMod, tok, up).Edits...)
				mu.Unlock()
			}
			return nil
		})
	}
	g.Wait()
	wd.end(fmt.Sprintf("%d upgrades", len(fix.Edits)))
	if len(fix.Edits) == 0 {
		s.showMessage(protocol.MessageTypeInfo, "gomodls: every direct require is at its latest "+a.Level+" release")
		return map[string]int{"upgraded": 0}, nil
	}
	we, ok := s.workspaceEdit(snap, versions, fix.Edits)
	if !ok {
		return nil, fmt.Errorf("upgradeAll: cannot build the edit")
	}
	res, err := s.client.ApplyEdit(ctx, &protocol.ApplyWorkspaceEditParams{Label: ptr(fix.Title), Edit: *we})
	if err != nil {
		return nil, err
	}
	if !res.Applied {
		reason := ""
		if res.FailureReason != nil {
			reason = *res.FailureReason
		}
		return nil, fmt.Errorf("upgradeAll: the editor did not apply the edit: %s", reason)
	}
	return map[string]int{"upgraded": len(fix.Edits)}, nil
}

// spanAll covers the whole content.
func spanAll(content []byte) span.Span { return span.Span{Start: 0, End: len(content)} }
