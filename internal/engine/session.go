// Copyright 2026 The gomodls Authors.

package engine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/gomodls/gomodls/internal/goenv"
	"github.com/gomodls/gomodls/internal/settings"
	"github.com/gomodls/gomodls/internal/snapshot"
	"github.com/gomodls/gomodls/internal/workspace"
)

// Options configure a Session.
type Options struct {
	// Client receives the session's effects on the editor; Files gives
	// its open documents. Both are required.
	Client Client
	Files  Files
	// Logger receives the log; nil discards.
	Logger *zap.Logger
	// Environ is the process environment used to compute the effective Go
	// environment; nil means os.Environ(). Tests set it for hermeticity.
	Environ []string
	// GoCommand is the go binary ("" looks it up in PATH, "-" never runs go).
	GoCommand string
	// CacheDir is gomodls' persistent cache directory; "" means
	// DefaultCacheDir.
	CacheDir string
}

// A folder is a workspace folder with its own settings and environment.
type folder struct {
	path string

	mu       sync.Mutex
	settings *settings.Settings
	env      *goenv.Env
	envErr   error

	// The module source for env and settings (see sourceFor).
	source         snapshot.Source
	sourceEnv      *goenv.Env
	sourceSettings *settings.Settings
}

// A Session holds a server's state between requests: folders, views (one
// per directory that has files we check), and the background work.
type Session struct {
	log    *zap.Logger
	client Client
	files  Files
	opts   Options

	// bg is the context of background work; cancelled by Close.
	bg     context.Context
	cancel context.CancelFunc
	// bgWork counts the goroutines doing background work (see Go), which
	// Close waits for: once Close returns, nothing of the session runs,
	// or logs, any more.
	bgMu      sync.Mutex
	bgStopped bool
	bgWork    sync.WaitGroup

	mu      sync.Mutex
	folders []*folder
	global  *settings.Settings
	views   map[string]*View
	// pull is set when the client pulls the diagnostics of open documents.
	pull bool
	// modcache lists the module cache's paths for completion.
	modcache modCache
	// announced holds the codes of proxy failures already shown to the user.
	announced map[string]bool
	// vulns holds the vulnerability database clients (see vulnsFor).
	vulns    vulnClients
	stopped  bool
	stopOnce sync.Once
	stopCh   chan struct{}
	// configured is closed once the client's configuration has been read
	// (or when there is none to read): snapshots wait for it, so that the
	// first check already uses the user's settings.
	configured     chan struct{}
	configuredOnce sync.Once
}

// New returns a session for opts.
func New(opts Options) *Session {
	if opts.Logger == nil {
		opts.Logger = zap.NewNop()
	}
	bg, cancel := context.WithCancel(context.Background())
	return &Session{
		log:        opts.Logger,
		client:     opts.Client,
		files:      opts.Files,
		opts:       opts,
		bg:         bg,
		cancel:     cancel,
		global:     settings.Default(),
		views:      map[string]*View{},
		announced:  map[string]bool{},
		stopCh:     make(chan struct{}),
		configured: make(chan struct{}),
	}
}

// Init sets the workspace folders and the initial settings; pull says
// that the client pulls the diagnostics of open documents (and is told to
// pull again when background results arrive) instead of having them
// pushed.
func (ss *Session) Init(folders []string, init *settings.Settings, pull bool) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	ss.global = init
	ss.pull = pull
	for _, p := range folders {
		ss.folders = append(ss.folders, &folder{path: p, settings: init.Clone()})
	}
}

// Background is the context of the session's background work, cancelled
// by Close.
func (ss *Session) Background() context.Context { return ss.bg }

// Go runs f on a goroutine of its own as background work, unless the
// session is closing, and reports whether it did. f must return soon
// once Background is done.
func (ss *Session) Go(f func()) bool {
	if !ss.enterBackground() {
		return false
	}
	go func() {
		defer ss.bgWork.Done()
		f()
	}()
	return true
}

// runBackground is Go for a goroutine that exists already (a timer's): it
// runs f on the calling goroutine.
func (ss *Session) runBackground(f func()) {
	if !ss.enterBackground() {
		return
	}
	defer ss.bgWork.Done()
	f()
}

func (ss *Session) enterBackground() bool {
	ss.bgMu.Lock()
	defer ss.bgMu.Unlock()
	if ss.bgStopped {
		return false
	}
	ss.bgWork.Add(1)
	return true
}

// Close ends the session's background work and waits for it to finish.
// It is idempotent.
func (ss *Session) Close() {
	ss.bgMu.Lock()
	ss.bgStopped = true
	ss.bgMu.Unlock()
	ss.cancel()
	ss.stop()
	ss.bgWork.Wait()
}

func (ss *Session) stop() {
	ss.stopOnce.Do(func() {
		ss.mu.Lock()
		ss.stopped = true
		views := make([]*View, 0, len(ss.views))
		for _, v := range ss.views {
			views = append(views, v)
		}
		ss.mu.Unlock()
		close(ss.stopCh)
		for _, v := range views {
			v.stop()
		}
	})
}

// Configured records that the client's configuration is known (or that
// there is none to read): snapshots stop waiting for it.
func (ss *Session) Configured() {
	ss.configuredOnce.Do(func() { close(ss.configured) })
}

// Initialized runs once the client is ready (and its configuration read):
// it scans the workspace and starts watching the Go environment files.
func (ss *Session) Initialized(ctx context.Context) {
	ss.Configured()
	ss.ScanWorkspace(ctx)
	ss.Go(func() { ss.watchEnvironment(ctx) })
}

// envPollInterval is how often the `go env -w` file and $GOROOT/go.env
// are checked for changes (two stats per folder).
var envPollInterval = 3 * time.Second

// watchEnvironment re-checks everything when the GOENV file changes (for
// example after `go env -w GOPRIVATE=...` in a terminal), without waiting
// for the next edit.
func (ss *Session) watchEnvironment(ctx context.Context) {
	t := time.NewTicker(envPollInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ss.stopCh:
			return
		case <-t.C:
		}
		stale := false
		for _, f := range ss.allFolders() {
			f.mu.Lock()
			if f.env != nil && f.env.Stale() {
				stale = true
			}
			f.mu.Unlock()
		}
		if stale {
			ss.log.Info("the Go environment files changed; re-checking")
			ss.ReloadEnvironments()
		}
	}
}

func (ss *Session) allFolders() []*folder {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return append([]*folder(nil), ss.folders...)
}

// Folders returns the paths of the workspace folders.
func (ss *Session) Folders() []string {
	var out []string
	for _, f := range ss.allFolders() {
		out = append(out, f.path)
	}
	return out
}

// folderFor returns the workspace folder containing path (the innermost),
// or a synthetic folder for files outside every folder.
func (ss *Session) folderFor(path string) *folder {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	var best *folder
	for _, f := range ss.folders {
		if within(f.path, path) && (best == nil || len(f.path) > len(best.path)) {
			best = f
		}
	}
	if best != nil {
		return best
	}
	dir := filepath.Dir(path)
	f := &folder{path: dir, settings: ss.global.Clone()}
	ss.folders = append(ss.folders, f)
	return f
}

func within(dir, path string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// environment returns the folder's effective Go environment, loading it
// on first use and again when its settings or the GOENV file changed.
func (ss *Session) environment(ctx context.Context, f *folder) *goenv.Env {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.env != nil && !f.env.Stale() {
		return f.env
	}
	env, err := goenv.Load(ctx, goenv.Options{
		Environ:   ss.opts.Environ,
		Overrides: f.settings.Env,
		GoCommand: ss.opts.GoCommand,
		Dir:       f.path,
		// Never let `go env` switch to (or download) another toolchain.
		LocalToolchain: true,
	})
	if err != nil {
		f.envErr = err
		return f.env // may be nil; analyzers that need it skip
	}
	if gerr := env.GoError(); gerr != nil && (f.env == nil || f.env.GoError() == nil) {
		ss.client.ShowMessage(MessageWarning, "gomodls: could not run `go env` ("+gerr.Error()+"); computing the Go environment from the files instead")
	}
	f.env, f.envErr = env, nil
	return env
}

func (ss *Session) settingsFor(f *folder) *settings.Settings {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.settings
}

// awaitConfiguration waits (briefly) until the client's settings are known.
func (ss *Session) awaitConfiguration(ctx context.Context) {
	t := time.NewTimer(5 * time.Second)
	defer t.Stop()
	select {
	case <-ss.configured:
	case <-ctx.Done():
	case <-t.C:
		ss.log.Warn("no configuration from the client after 5s; using defaults")
		ss.Configured()
	}
}

// View returns the view of dir, creating it if needed.
func (ss *Session) View(dir string) *View {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if v, ok := ss.views[dir]; ok {
		return v
	}
	v := newView(ss, dir)
	ss.views[dir] = v
	if !ss.stopped {
		ss.Go(v.run)
	}
	return v
}

func (ss *Session) existingView(dir string) (*View, bool) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	v, ok := ss.views[dir]
	return v, ok
}

// Views returns every view, sorted by directory.
func (ss *Session) Views() []*View {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	list := make([]*View, 0, len(ss.views))
	for _, v := range ss.views {
		list = append(list, v)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].dir < list[j].dir })
	return list
}

// DidModify records that a file of a view changed (opened, edited,
// saved). It runs on the front end's message loop, so it only bumps a
// generation and signals the view's worker.
func (ss *Session) DidModify(path string) {
	if _, ok := snapshot.KindOf(filepath.Base(path)); !ok {
		return
	}
	v := ss.View(filepath.Dir(path))
	v.invalidate()
}

// DidClose records that the document at path was closed.
func (ss *Session) DidClose(path string) {
	v, ok := ss.existingView(filepath.Dir(path))
	if !ok {
		return
	}
	v.invalidate()
}

// DidChangeFiles handles files changed on disk (watched files).
func (ss *Session) DidChangeFiles(paths []string) {
	dirs := map[string]bool{}
	for _, p := range paths {
		base := filepath.Base(p)
		if base == "modules.txt" && filepath.Base(filepath.Dir(p)) == "vendor" {
			// vendor/modules.txt: the vendoring analyzer of the module
			// (or workspace) beside the vendor directory reads it.
			dirs[filepath.Dir(filepath.Dir(p))] = true
			continue
		}
		if _, ok := snapshot.KindOf(base); ok {
			dirs[filepath.Dir(p)] = true
			if base == "go.mod" || base == "go.work" {
				ss.track(filepath.Dir(p))
			}
		}
	}
	for _, v := range ss.Views() {
		if dirs[v.dir] {
			v.invalidate()
			continue
		}
		// A replacement directory's go.mod or a go.work use directory
		// may have changed: those views depend on other directories.
		for d := range dirs {
			if v.dependsOn(d) {
				v.invalidate()
				break
			}
		}
	}
}

// InvalidateAll re-checks every view.
func (ss *Session) InvalidateAll() {
	for _, v := range ss.Views() {
		v.invalidate()
	}
}

// track makes dir a tracked view: its diagnostics are published even when
// none of its files is open (workspace scan).
func (ss *Session) track(dir string) {
	f := ss.folderFor(filepath.Join(dir, "go.mod"))
	if !ss.settingsFor(f).WorkspaceScan {
		return
	}
	v := ss.View(dir)
	v.setTracked(true)
}

// ScanWorkspace finds the go.mod and go.work files of every folder and
// tracks their directories.
func (ss *Session) ScanWorkspace(ctx context.Context) {
	folders := ss.allFolders()
	wd, ctx := ss.client.StartProgress(ctx, "gomodls", "Scanning the workspace for go.mod and go.work files", false)
	found := 0
	for i, f := range folders {
		if !ss.settingsFor(f).WorkspaceScan {
			continue
		}
		wd.Report(f.path, 100*i/len(folders))
		files, err := workspace.Find(ctx, f.path)
		if ctx.Err() != nil {
			wd.End("Stopped")
			return // the server is stopping
		}
		if err != nil {
			ss.log.Warn("workspace scan", zap.String("folder", f.path), zap.Error(err))
		}
		for _, file := range files {
			ss.track(filepath.Dir(file))
		}
		found += len(files)
	}
	wd.End(fmt.Sprintf("Found %d go.mod/go.work files", found))
}

// SetSettings replaces the settings: global for new folders and for every
// folder perFolder (keyed by folder path) has none for. Environments are
// computed again, since settings may override them.
func (ss *Session) SetSettings(global *settings.Settings, perFolder map[string]*settings.Settings) {
	ss.mu.Lock()
	ss.global = global
	folders := append([]*folder(nil), ss.folders...)
	ss.mu.Unlock()
	for _, f := range folders {
		set := global
		if s, ok := perFolder[f.path]; ok {
			set = s
		}
		f.mu.Lock()
		f.settings = set.Clone()
		f.env = nil // settings may override the environment
		f.mu.Unlock()
	}
}

// ChangeFolders adds and removes workspace folders.
func (ss *Session) ChangeFolders(added, removed []string) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	keep := ss.folders[:0]
	for _, f := range ss.folders {
		drop := false
		for _, r := range removed {
			if f.path == r {
				drop = true
			}
		}
		if !drop {
			keep = append(keep, f)
		}
	}
	ss.folders = keep
	for _, a := range added {
		ss.folders = append(ss.folders, &folder{path: a, settings: ss.global.Clone()})
	}
}

// ReloadEnvironments forgets every folder's environment, so the next
// snapshot reads it again, and re-checks.
func (ss *Session) ReloadEnvironments() {
	for _, f := range ss.allFolders() {
		f.mu.Lock()
		f.env = nil
		f.mu.Unlock()
	}
	ss.InvalidateAll()
}

// Snapshot returns a fresh snapshot of the directory holding path,
// reading open documents over the disk, with the versions of the open
// documents it holds. It fails if path is neither open nor on disk.
func (ss *Session) Snapshot(ctx context.Context, path string) (*snapshot.Snapshot, map[snapshot.FileKind]int32, error) {
	v := ss.View(filepath.Dir(path))
	snap, versions := v.Current(ctx)
	if kind, ok := snapshot.KindOf(filepath.Base(path)); ok && !snap.Has(kind) {
		return nil, nil, os.ErrNotExist
	}
	return snap, versions, nil
}
