// Copyright 2026 The gomodls Authors.

package engine

import (
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"go.uber.org/zap"
	"golang.org/x/mod/modfile"

	"github.com/gomodls/gomodls/analyzers"
	"github.com/gomodls/gomodls/internal/checker"
	"github.com/gomodls/gomodls/internal/modplan"
	"github.com/gomodls/gomodls/internal/snapshot"
)

var allKinds = []snapshot.FileKind{snapshot.GoMod, snapshot.GoSum, snapshot.GoWork, snapshot.GoWorkSum}

// A View is one directory's files (go.mod, go.sum, go.work, go.work.sum):
// the latest snapshot of them, its diagnostics, and what was published.
// Each view has a worker goroutine that rebuilds and publishes after
// changes, coalescing bursts: after 300 quick edits it builds once or
// twice, and always ends on the latest text.
type View struct {
	ss   *Session
	dir  string
	kick chan struct{}
	quit chan struct{}
	once sync.Once

	// buildMu serialises updates of the snapshot and the local
	// diagnostics, which read files, may load the Go environment and wait
	// for the client's settings. mu is never held across such work, so
	// invalidate, called on the read loop, never waits for a build.
	buildMu sync.Mutex

	mu       sync.Mutex
	gen      uint64 // bumped by every change to the inputs
	built    uint64 // gen the snapshot was built from
	snap     *snapshot.Snapshot
	versions map[snapshot.FileKind]int32 // versions of open documents in snap
	local    []analyzers.Diagnostic
	tracked  bool                       // publish even when no file is open
	pushed   map[snapshot.FileKind]bool // the last push for the file was non-empty
	deps     []string                   // other directories the results depend on
	// cached counts the network results stored: each may have cached
	// answers the local analyzers use (the sum-missing fix's hashes).
	// analyzed is the count local was computed with.
	cached, analyzed uint64

	// Network results: the diagnostics of the last completed network check,
	// the snapshot and generation they were computed for.
	network []analyzers.Diagnostic
	netSnap *snapshot.Snapshot
	netGen  uint64
	// remapped is network positioned in snap (see remapNetwork), computed
	// once per snapshot and network result; remappedOK says it is.
	remapped   []analyzers.Diagnostic
	remappedOK bool
	// verified are the modcache-modified diagnostics of the last
	// gomodls.verifySums, computed for verifySnap (see verify.go).
	verified   []analyzers.Diagnostic
	verifySnap *snapshot.Snapshot
	// The next network check: the generation scheduled, its timer, and the
	// cancel function of the run in progress.
	netScheduled uint64
	netTimer     *time.Timer
	netCancel    context.CancelFunc
	// repub asks the worker to publish again (network results arrived).
	repub chan struct{}
}

func newView(ss *Session, dir string) *View {
	return &View{
		ss:     ss,
		dir:    dir,
		kick:   make(chan struct{}, 1),
		repub:  make(chan struct{}, 1),
		quit:   make(chan struct{}),
		pushed: map[snapshot.FileKind]bool{},
		gen:    1,
	}
}

func (v *View) stop() {
	v.once.Do(func() {
		close(v.quit)
		v.mu.Lock()
		if v.netTimer != nil {
			v.netTimer.Stop()
		}
		if v.netCancel != nil {
			v.netCancel()
		}
		v.mu.Unlock()
	})
}

func (v *View) setTracked(t bool) {
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
func (v *View) invalidate() {
	v.mu.Lock()
	v.gen++
	v.mu.Unlock()
	select {
	case v.kick <- struct{}{}:
	default:
	}
}

func (v *View) dependsOn(dir string) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, d := range v.deps {
		if d == dir {
			return true
		}
	}
	return false
}

func (v *View) run() {
	ctx, cancel := context.WithCancel(v.ss.bg)
	defer cancel()
	for {
		select {
		case <-v.quit:
			return
		case <-v.ss.stopCh:
			return
		case <-v.kick:
			snap, gen := v.publish(ctx)
			if snap.Source != nil && (snap.Mod != nil || snap.Work != nil) && v.wanted(snap) {
				v.scheduleNetwork(snap, gen)
			}
		case <-v.repub:
			v.publish(ctx)
			if v.ss.pull {
				if err := v.ss.client.RefreshDiagnostics(ctx); err != nil && ctx.Err() == nil {
					v.ss.log.Debug("workspace/diagnostic/refresh", zap.Error(err))
				}
			}
		}
	}
}

// wanted reports whether anyone will see the view's diagnostics: one of
// its files is open, or it is tracked by the workspace scan.
func (v *View) wanted(snap *snapshot.Snapshot) bool {
	v.mu.Lock()
	tracked := v.tracked
	v.mu.Unlock()
	if tracked {
		return true
	}
	for _, k := range allKinds {
		if _, _, open := v.ss.files.Open(snap.Path(k)); open {
			return true
		}
	}
	return false
}

// Dir returns the view's directory.
func (v *View) Dir() string { return v.dir }

// Current returns an up-to-date snapshot and the versions of the open
// documents it contains, rebuilding it if any input changed.
func (v *View) Current(ctx context.Context) (*snapshot.Snapshot, map[snapshot.FileKind]int32) {
	snap, versions, _ := v.update(ctx)
	return snap, versions
}

// update is current that also returns the generation of the snapshot. It
// rebuilds the snapshot when an input changed, and re-runs the local
// analyzers on it also when a network pass cached new answers.
func (v *View) update(ctx context.Context) (*snapshot.Snapshot, map[snapshot.FileKind]int32, uint64) {
	v.buildMu.Lock()
	defer v.buildMu.Unlock()
	v.mu.Lock()
	snap, versions, built := v.snap, v.versions, v.built
	gen, cached := v.gen, v.cached
	fresh := snap != nil && built == gen
	analyzed := v.analyzed == cached
	v.mu.Unlock()
	if fresh && analyzed {
		return snap, versions, built
	}
	if !fresh {
		// Documents are updated before invalidate bumps gen, so what we
		// read now is at least as new as gen.
		snap, versions = v.build(ctx)
		built = gen
	}
	diags, failures := checker.Run(ctx, snap, analyzers.Local())
	for _, f := range failures {
		v.ss.log.Error("analyzer failed", zap.String("dir", v.dir), zap.Error(f))
	}
	deps := dependencies(snap)
	v.mu.Lock()
	if snap != v.snap {
		v.remappedOK = false
	}
	v.snap, v.versions, v.built = snap, versions, built
	v.local, v.analyzed, v.deps = diags, cached, deps
	v.mu.Unlock()
	return snap, versions, built
}

// build reads the view's files (open documents first, then disk) and
// parses them into a snapshot. Called with v.buildMu held.
func (v *View) build(ctx context.Context) (*snapshot.Snapshot, map[snapshot.FileKind]int32) {
	v.ss.awaitConfiguration(ctx)
	contents := snapshot.Contents{}
	versions := map[snapshot.FileKind]int32{}
	disk := snapshot.OSFS{}
	for _, k := range allKinds {
		p := filepath.Join(v.dir, k.Base())
		if content, version, ok := v.ss.files.Open(p); ok {
			contents[k] = content
			versions[k] = version
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
	fsys := overlayFS{files: v.ss.files, disk: disk}
	snap := snapshot.Build(v.dir, contents, env, set, fsys, v.ss.sourceFor(f, env, set))
	snap.Vulns = v.ss.vulnsFor(env, set)
	return snap, versions
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
	// A go.work above the module, and the modules it uses: the workspace
	// analyzer and the replacements read them.
	plan := modplan.Of(snap)
	if w, ws := plan.InWorkspace(); ws {
		add(filepath.Dir(w))
		for _, m := range plan.Mains() {
			add(m.Dir)
		}
	} else if w := plan.OutsideWorkspace(); w != "" {
		add(filepath.Dir(w))
	}
	return deps
}

// Diagnostics returns the current diagnostics of the view for one file:
// the local ones and the network ones (remapped to the current text).
func (v *View) Diagnostics(kind snapshot.FileKind) []analyzers.Diagnostic {
	v.mu.Lock()
	defer v.mu.Unlock()
	var out []analyzers.Diagnostic
	for _, d := range v.local {
		if d.File == kind {
			out = append(out, d)
		}
	}
	if v.snap != nil {
		if !v.remappedOK {
			v.remapped, v.remappedOK = slices.Concat(remapNetwork(v.netSnap, v.snap, v.network), v.verifiedIn(v.snap)), true
		}
		for _, d := range v.remapped {
			if d.File == kind {
				out = append(out, d)
			}
		}
	}
	checker.Sort(out)
	return out
}

// publish pushes the view's diagnostics to the client for every file that
// the client should see them for. It returns the snapshot published and
// its generation.
func (v *View) publish(ctx context.Context) (*snapshot.Snapshot, uint64) {
	snap, versions, gen := v.update(ctx)
	for _, k := range allKinds {
		path := snap.Path(k)
		_, _, open := v.ss.files.Open(path)
		v.mu.Lock()
		tracked := v.tracked
		wasPushed := v.pushed[k]
		v.mu.Unlock()
		var diags []analyzers.Diagnostic
		if v.ss.pull && open {
			// The client pulls diagnostics of open documents. Clear what we
			// pushed while the file was closed.
			if !wasPushed {
				continue
			}
		} else if open || (tracked && snap.Has(k)) {
			diags = v.Diagnostics(k)
		}
		if len(diags) == 0 && !wasPushed && !open {
			continue
		}
		fd := FileDiagnostics{Snapshot: snap, Kind: k, Diagnostics: diags}
		if ver, ok := versions[k]; ok && open {
			fd.Version, fd.HasVersion = ver, true
		}
		if err := v.ss.client.PublishDiagnostics(ctx, fd); err != nil {
			if ctx.Err() == nil {
				v.ss.log.Debug("publishDiagnostics", zap.Error(err))
			}
			return snap, gen
		}
		v.mu.Lock()
		v.pushed[k] = len(diags) > 0
		v.mu.Unlock()
	}
	return snap, gen
}
