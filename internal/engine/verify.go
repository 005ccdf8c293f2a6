// Copyright 2026 The gomodls Authors.

package engine

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/gomodls/gomodls/analyzers"
	"github.com/gomodls/gomodls/internal/checker"
	"github.com/gomodls/gomodls/internal/snapshot"
)

// verifyDeadline bounds one verification: it downloads every module zip
// go.sum lists that no cache has, and hashes the module cache.
const verifyDeadline = 10 * time.Minute

// VerifyResult is what VerifySums found.
type VerifyResult struct {
	Dirs       int `json:"dirs"`       // views verified
	Mismatches int `json:"mismatches"` // sum-mismatch diagnostics
	Modified   int `json:"modified"`   // modcache-modified diagnostics
}

// VerifySums runs sumverify once with verifyZips on the view of path
// (every view for ""): the zip of every module version go.sum lists is
// hashed (downloaded through the GOPROXY chain when no cache has it) and
// the module cache's copies are hashed as go mod verify does. Downloaded
// hashes are kept in gomodls' cache, so the background check reports
// mismatches with them from then on; modcache-modified diagnostics stay
// until the next verification or until their line changes.
func (ss *Session) VerifySums(ctx context.Context, path string) (VerifyResult, error) {
	views := ss.Views()
	if path != "" {
		views = []*View{ss.View(filepath.Dir(path))}
	}
	var res VerifyResult
	for _, v := range views {
		diags, err := v.verify(ctx)
		if err != nil {
			return res, err
		}
		res.Dirs++
		for _, d := range diags {
			switch d.Code {
			case analyzers.CodeSumMismatch:
				res.Mismatches++
			case analyzers.CodeModCacheModified:
				res.Modified++
			}
		}
	}
	typ := MessageInfo
	if res.Mismatches+res.Modified > 0 {
		typ = MessageWarning
	}
	ss.client.ShowMessage(typ, fmt.Sprintf("gomodls: verified go.sum in %d director%s: %d checksum mismatch(es), %d modified module cache cop%s.",
		res.Dirs, plural(res.Dirs, "y", "ies"), res.Mismatches, res.Modified, plural(res.Modified, "y", "ies")))
	return res, nil
}

// verify runs sumverify with verifyZips on the view's current snapshot,
// keeps its modcache-modified diagnostics and checks the view again, so
// that the background check sees the downloaded hashes.
func (v *View) verify(ctx context.Context) ([]analyzers.Diagnostic, error) {
	snap, _ := v.Current(ctx)
	if snap.Sums == nil {
		return nil, fmt.Errorf("cannot verify go.sum in %s: network checks are off", v.dir)
	}
	set := snap.Settings.Clone()
	set.VerifyZips = true
	run := snap.WithSettings(set)
	ctx, cancel := context.WithTimeout(ctx, verifyDeadline)
	defer cancel()
	wd, wctx := v.ss.client.StartProgress(ctx, "gomodls", "Verifying go.sum in "+v.dir, true)
	diags, failures := checker.Run(wctx, run, []*analyzers.Analyzer{analyzers.SumVerify})
	wd.End("done")
	if len(failures) > 0 {
		return nil, failures[0]
	}
	if err := wctx.Err(); err != nil {
		return nil, fmt.Errorf("verifying go.sum in %s: %w", v.dir, err)
	}
	var modified []analyzers.Diagnostic
	for _, d := range diags {
		if d.Code == analyzers.CodeModCacheModified {
			modified = append(modified, d)
		}
	}
	v.mu.Lock()
	v.verified, v.verifySnap = modified, snap
	v.remappedOK = false
	v.mu.Unlock()
	v.invalidate()
	return diags, nil
}

// verifiedIn returns the kept modcache-modified diagnostics positioned in
// snap. Called with v.mu held.
func (v *View) verifiedIn(snap *snapshot.Snapshot) []analyzers.Diagnostic {
	return remapNetwork(v.verifySnap, snap, v.verified)
}
