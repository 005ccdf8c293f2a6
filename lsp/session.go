package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"go.lsp.dev/protocol"
	"go.uber.org/zap"

	"github.com/gomodls/gomodls/internal/goenv"
	"github.com/gomodls/gomodls/internal/settings"
	"github.com/gomodls/gomodls/internal/snapshot"
	"github.com/gomodls/gomodls/internal/workspace"
)

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

// session holds the server's state between requests: folders, views (one
// per directory that has files we check) and progress.
type session struct {
	srv      *server
	log      *zap.Logger
	progress *progressTracker

	mu      sync.Mutex
	folders []*folder
	global  *settings.Settings // from initializationOptions / didChangeConfiguration
	views   map[string]*view
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

func newSession(srv *server) *session {
	return &session{
		srv:        srv,
		log:        srv.log,
		progress:   newProgressTracker(srv),
		global:     settings.Default(),
		views:      map[string]*view{},
		announced:  map[string]bool{},
		stopCh:     make(chan struct{}),
		configured: make(chan struct{}),
	}
}

func (ss *session) init(folders []string, init *settings.Settings) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	ss.global = init
	for _, p := range folders {
		ss.folders = append(ss.folders, &folder{path: p, settings: init.Clone()})
	}
}

func (ss *session) stop() {
	ss.stopOnce.Do(func() {
		ss.mu.Lock()
		ss.stopped = true
		views := make([]*view, 0, len(ss.views))
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

// initialized runs after the client's initialized notification: it fetches
// configuration, registers file watchers and scans the workspace.
func (ss *session) initialized(ctx context.Context) {
	caps := ss.srv.caps
	if caps.configuration {
		ss.fetchConfiguration(ctx)
	}
	ss.configuredOnce.Do(func() { close(ss.configured) })
	if caps.watchedFiles {
		ss.registerWatchers(ctx)
	}
	ss.scanWorkspace(ctx)
	ss.srv.goBackground(func() { ss.watchEnvironment(ctx) })
}

// envPollInterval is how often the `go env -w` file and $GOROOT/go.env
// are checked for changes (two stats per folder).
var envPollInterval = 3 * time.Second

// watchEnvironment re-checks everything when the GOENV file changes (for
// example after `go env -w GOPRIVATE=...` in a terminal), without waiting
// for the next edit.
func (ss *session) watchEnvironment(ctx context.Context) {
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
		ss.mu.Lock()
		folders := append([]*folder(nil), ss.folders...)
		ss.mu.Unlock()
		stale := false
		for _, f := range folders {
			f.mu.Lock()
			if f.env != nil && f.env.Stale() {
				stale = true
			}
			f.mu.Unlock()
		}
		if stale {
			ss.log.Info("the Go environment files changed; re-checking")
			ss.reloadEnvironments()
		}
	}
}

func (ss *session) registerWatchers(ctx context.Context) {
	opts := protocol.DidChangeWatchedFilesRegistrationOptions{Watchers: []protocol.FileSystemWatcher{
		{GlobPattern: protocol.Pattern("**/go.{mod,sum,work}")},
		{GlobPattern: protocol.Pattern("**/go.work.sum")},
		{GlobPattern: protocol.Pattern("**/vendor/modules.txt")},
	}}
	raw, err := protocol.Marshal(opts)
	if err != nil {
		ss.log.Error("marshal watchers", zap.Error(err))
		return
	}
	err = ss.srv.client.RegisterCapability(ctx, &protocol.RegistrationParams{Registrations: []protocol.Registration{{
		ID: "gomodls-watch", Method: protocol.MethodWorkspaceDidChangeWatchedFiles, RegisterOptions: raw,
	}}})
	if err != nil {
		ss.log.Warn("client refused file watcher registration", zap.Error(err))
	}
}

// folderFor returns the workspace folder containing path (the innermost),
// or a synthetic folder for files outside every folder.
func (ss *session) folderFor(path string) *folder {
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
func (ss *session) environment(ctx context.Context, f *folder) *goenv.Env {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.env != nil && !f.env.Stale() {
		return f.env
	}
	env, err := goenv.Load(ctx, goenv.Options{
		Environ:   ss.srv.opts.Environ,
		Overrides: f.settings.Env,
		GoCommand: ss.srv.opts.GoCommand,
		Dir:       f.path,
		// Never let `go env` switch to (or download) another toolchain.
		LocalToolchain: true,
	})
	if err != nil {
		f.envErr = err
		return f.env // may be nil; analyzers that need it skip
	}
	if gerr := env.GoError(); gerr != nil && (f.env == nil || f.env.GoError() == nil) {
		ss.srv.showMessage(protocol.MessageTypeWarning, "gomodls: could not run `go env` ("+gerr.Error()+"); computing the Go environment from the files instead")
	}
	f.env, f.envErr = env, nil
	return env
}

func (ss *session) settingsFor(f *folder) *settings.Settings {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.settings
}

// awaitConfiguration waits (briefly) until the client's settings are known.
func (ss *session) awaitConfiguration(ctx context.Context) {
	t := time.NewTimer(5 * time.Second)
	defer t.Stop()
	select {
	case <-ss.configured:
	case <-ctx.Done():
	case <-t.C:
		ss.log.Warn("no configuration from the client after 5s; using defaults")
		ss.configuredOnce.Do(func() { close(ss.configured) })
	}
}

// view returns the view of dir, creating it if needed.
func (ss *session) view(dir string) *view {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if v, ok := ss.views[dir]; ok {
		return v
	}
	v := newView(ss, dir)
	ss.views[dir] = v
	if !ss.stopped {
		ss.srv.goBackground(v.run)
	}
	return v
}

func (ss *session) existingView(dir string) (*view, bool) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	v, ok := ss.views[dir]
	return v, ok
}

func (ss *session) allViews() []*view {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	list := make([]*view, 0, len(ss.views))
	for _, v := range ss.views {
		list = append(list, v)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].dir < list[j].dir })
	return list
}

// didModify records that a file of a view changed (opened, edited, saved).
// It runs on the read loop, so it only bumps a generation and signals the
// view's worker.
func (ss *session) didModify(path string, opened bool) {
	if _, ok := snapshot.KindOf(filepath.Base(path)); !ok {
		return
	}
	v := ss.view(filepath.Dir(path))
	v.invalidate()
}

func (ss *session) didClose(doc *document) {
	v, ok := ss.existingView(filepath.Dir(doc.path))
	if !ok {
		return
	}
	v.invalidate()
}

// didChangeFiles handles files changed on disk (watched files).
func (ss *session) didChangeFiles(paths []string) {
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
	for _, v := range ss.allViews() {
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

// track makes dir a tracked view: its diagnostics are published even when
// none of its files is open (workspace scan).
func (ss *session) track(dir string) {
	f := ss.folderFor(filepath.Join(dir, "go.mod"))
	if !ss.settingsFor(f).WorkspaceScan {
		return
	}
	v := ss.view(dir)
	v.setTracked(true)
}

// scanWorkspace finds the go.mod and go.work files of every folder and
// tracks their directories.
func (ss *session) scanWorkspace(ctx context.Context) {
	ss.mu.Lock()
	folders := append([]*folder(nil), ss.folders...)
	ss.mu.Unlock()
	wd, ctx := ss.progress.start(ctx, "gomodls", "Scanning the workspace for go.mod and go.work files", false)
	found := 0
	for i, f := range folders {
		if !ss.settingsFor(f).WorkspaceScan {
			continue
		}
		wd.report(f.path, 100*i/len(folders))
		files, err := workspace.Find(ctx, f.path)
		if ctx.Err() != nil {
			wd.end("Stopped")
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
	wd.end(fmt.Sprintf("Found %d go.mod/go.work files", found))
}

// configurationChanged handles workspace/didChangeConfiguration. Clients
// that support workspace/configuration send a null payload and expect the
// server to pull; others push the settings.
func (ss *session) configurationChanged(ctx context.Context, raw []byte) {
	if ss.srv.caps.configuration {
		ss.fetchConfiguration(ctx)
	} else if len(raw) > 0 && string(raw) != "null" {
		set, problems := settings.Decode(settings.Default(), unwrapSection(raw))
		ss.reportSettingsProblems(problems)
		ss.mu.Lock()
		ss.global = set
		for _, f := range ss.folders {
			f.mu.Lock()
			f.settings = set.Clone()
			f.env = nil
			f.mu.Unlock()
		}
		ss.mu.Unlock()
	}
	ss.scanWorkspace(ctx)
	for _, v := range ss.allViews() {
		v.invalidate()
	}
}

// unwrapSection accepts both {"gomodls": {...}} and {...}.
func unwrapSection(raw []byte) []byte {
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(raw, &probe); err == nil {
		if inner, ok := probe["gomodls"]; ok && len(probe) == 1 {
			return inner
		}
	}
	return raw
}

// fetchConfiguration asks the client for the "gomodls" section, globally
// and for each folder.
func (ss *session) fetchConfiguration(ctx context.Context) {
	ss.mu.Lock()
	folders := append([]*folder(nil), ss.folders...)
	ss.mu.Unlock()
	section := "gomodls"
	items := []protocol.ConfigurationItem{{Section: &section}}
	for _, f := range folders {
		u := fileURI(f.path)
		items = append(items, protocol.ConfigurationItem{ScopeURI: &u, Section: &section})
	}
	res, err := ss.srv.client.Configuration(ctx, &protocol.ConfigurationParams{Items: items})
	if err != nil {
		ss.log.Warn("workspace/configuration failed", zap.Error(err))
		return
	}
	if len(res) == 0 {
		return
	}
	global, problems := settings.Decode(settings.Default(), res[0])
	ss.reportSettingsProblems(problems)
	ss.mu.Lock()
	ss.global = global
	ss.mu.Unlock()
	for i, f := range folders {
		set := global
		if i+1 < len(res) && len(res[i+1]) > 0 && string(res[i+1]) != "null" {
			set, problems = settings.Decode(settings.Default(), res[i+1])
			ss.reportSettingsProblems(problems)
		}
		f.mu.Lock()
		f.settings = set.Clone()
		f.env = nil // settings may override the environment
		f.mu.Unlock()
	}
}

func (ss *session) reportSettingsProblems(problems []string) {
	if len(problems) == 0 {
		return
	}
	ss.srv.showMessage(protocol.MessageTypeWarning, "gomodls settings: "+strings.Join(problems, "; "))
}

func (ss *session) foldersChanged(ctx context.Context, added, removed []string) {
	ss.mu.Lock()
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
	ss.mu.Unlock()
	if ss.srv.caps.configuration {
		ss.fetchConfiguration(ctx)
	}
	ss.scanWorkspace(ctx)
}

// snapshotFor returns a fresh snapshot of the directory holding path,
// reading open documents over the disk. It fails if path is neither open
// nor on disk.
func (ss *session) snapshotFor(ctx context.Context, path string) (*snapshot.Snapshot, map[snapshot.FileKind]int32, error) {
	v := ss.view(filepath.Dir(path))
	snap, versions := v.current(ctx)
	if kind, ok := snapshot.KindOf(filepath.Base(path)); ok && !snap.Has(kind) {
		return nil, nil, os.ErrNotExist
	}
	return snap, versions, nil
}
