package lsp

import (
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"sync"

	"go.lsp.dev/protocol"
	"go.uber.org/zap"
	"golang.org/x/mod/modfile"

	"github.com/gomodls/gomodls/analyzers"
	"github.com/gomodls/gomodls/internal/checker"
	"github.com/gomodls/gomodls/internal/snapshot"
)

var allKinds = []snapshot.FileKind{snapshot.GoMod, snapshot.GoSum, snapshot.GoWork, snapshot.GoWorkSum}

// A view is one directory's files (go.mod, go.sum, go.work, go.work.sum):
// the latest snapshot of them, its diagnostics, and what was published.
// Each view has a worker goroutine that rebuilds and publishes after
// changes, coalescing bursts: after 300 quick edits it builds once or
// twice, and always ends on the latest text.
type view struct {
	ss   *session
	dir  string
	kick chan struct{}
	quit chan struct{}
	once sync.Once

	mu       sync.Mutex
	gen      uint64 // bumped by every change to the inputs
	built    uint64 // gen the snapshot was built from
	snap     *snapshot.Snapshot
	versions map[snapshot.FileKind]int32 // versions of open documents in snap
	local    []analyzers.Diagnostic
	tracked  bool                       // publish even when no file is open
	pushed   map[snapshot.FileKind]bool // the last push for the file was non-empty
	deps     []string                   // other directories the results depend on
}

func newView(ss *session, dir string) *view {
	return &view{
		ss:     ss,
		dir:    dir,
		kick:   make(chan struct{}, 1),
		quit:   make(chan struct{}),
		pushed: map[snapshot.FileKind]bool{},
		gen:    1,
	}
}

func (v *view) stop() { v.once.Do(func() { close(v.quit) }) }

func (v *view) setTracked(t bool) {
	v.mu.Lock()
	changed := v.tracked != t
	v.tracked = t
	v.mu.Unlock()
	if changed {
		v.invalidate()
	}
}

// invalidate records that an input changed and wakes the worker. It never
// blocks: a pending wake-up already covers this change.
func (v *view) invalidate() {
	v.mu.Lock()
	v.gen++
	v.mu.Unlock()
	select {
	case v.kick <- struct{}{}:
	default:
	}
}

func (v *view) dependsOn(dir string) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, d := range v.deps {
		if d == dir {
			return true
		}
	}
	return false
}

func (v *view) run() {
	ctx, cancel := context.WithCancel(v.ss.srv.bg)
	defer cancel()
	for {
		select {
		case <-v.quit:
			return
		case <-v.ss.stopCh:
			return
		case <-v.kick:
		}
		v.publish(ctx)
	}
}

// current returns an up-to-date snapshot and the versions of the open
// documents it contains, rebuilding it if any input changed.
func (v *view) current(ctx context.Context) (*snapshot.Snapshot, map[snapshot.FileKind]int32) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.snap != nil && v.built == v.gen {
		return v.snap, v.versions
	}
	gen := v.gen
	snap, versions := v.build(ctx)
	v.snap, v.versions, v.built = snap, versions, gen
	diags, failures := checker.Run(ctx, snap, localAnalyzers())
	for _, f := range failures {
		v.ss.log.Error("analyzer failed", zap.String("dir", v.dir), zap.Error(f))
	}
	v.local = diags
	v.deps = dependencies(snap)
	return v.snap, v.versions
}

// build reads the view's files (open documents first, then disk) and
// parses them into a snapshot. Called with v.mu held.
func (v *view) build(ctx context.Context) (*snapshot.Snapshot, map[snapshot.FileKind]int32) {
	contents := snapshot.Contents{}
	versions := map[snapshot.FileKind]int32{}
	disk := snapshot.OSFS{}
	for _, k := range allKinds {
		p := filepath.Join(v.dir, k.Base())
		if doc, ok := v.ss.srv.docs.get(p); ok {
			contents[k] = doc.content
			versions[k] = doc.version
			continue
		}
		data, err := disk.ReadFile(p)
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				v.ss.log.Warn("read", zap.String("file", p), zap.Error(err))
			}
			continue
		}
		contents[k] = data
	}
	f := v.ss.folderFor(filepath.Join(v.dir, "go.mod"))
	env := v.ss.environment(ctx, f)
	set := v.ss.settingsFor(f)
	fsys := overlayFS{docs: v.ss.srv.docs, disk: disk}
	return snapshot.Build(v.dir, contents, env, set, fsys, nil), versions
}

// dependencies lists the directories whose files affect the snapshot's
// diagnostics: local replacement directories and go.work use directories.
func dependencies(snap *snapshot.Snapshot) []string {
	var deps []string
	add := func(p string) {
		if !filepath.IsAbs(p) {
			p = filepath.Join(snap.Dir, p)
		}
		deps = append(deps, filepath.Clean(p))
	}
	if snap.Mod != nil {
		for _, r := range snap.Mod.Mod.Replace {
			if modfile.IsDirectoryPath(r.New.Path) {
				add(r.New.Path)
			}
		}
	}
	if snap.Work != nil {
		for _, u := range snap.Work.Work.Use {
			add(u.Path)
		}
		for _, r := range snap.Work.Work.Replace {
			if modfile.IsDirectoryPath(r.New.Path) {
				add(r.New.Path)
			}
		}
	}
	return deps
}

// diagnostics returns the current diagnostics of the view for one file.
func (v *view) diagnostics(kind snapshot.FileKind) []analyzers.Diagnostic {
	v.mu.Lock()
	defer v.mu.Unlock()
	var out []analyzers.Diagnostic
	for _, d := range v.local {
		if d.File == kind {
			out = append(out, d)
		}
	}
	return out
}

// publish pushes the view's diagnostics to the client for every file that
// the client should see them for.
func (v *view) publish(ctx context.Context) {
	snap, versions := v.current(ctx)
	srv := v.ss.srv
	for _, k := range allKinds {
		path := snap.Path(k)
		_, open := srv.docs.get(path)
		v.mu.Lock()
		tracked := v.tracked
		wasPushed := v.pushed[k]
		v.mu.Unlock()
		var diags []analyzers.Diagnostic
		if srv.caps.pullDiagnostics && open {
			// The client pulls diagnostics of open documents. Clear what we
			// pushed while the file was closed.
			if !wasPushed {
				continue
			}
		} else if open || (tracked && snap.Has(k)) {
			diags = v.diagnostics(k)
		}
		if len(diags) == 0 && !wasPushed && !open {
			continue
		}
		params := &protocol.PublishDiagnosticsParams{
			URI:         srv.uriFor(path),
			Diagnostics: toProtocolDiagnostics(snap, diags),
		}
		if ver, ok := versions[k]; ok && open {
			params.Version = protocol.NewOptional(ver)
		}
		if err := srv.client.PublishDiagnostics(ctx, params); err != nil {
			if ctx.Err() == nil {
				v.ss.log.Debug("publishDiagnostics", zap.Error(err))
			}
			return
		}
		v.mu.Lock()
		v.pushed[k] = len(diags) > 0
		v.mu.Unlock()
	}
}
