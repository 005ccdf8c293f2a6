// Copyright 2026 The gomodls Authors.

package engine

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/gomodls/gomodls/analyzers"
	"github.com/gomodls/gomodls/internal/checker"
	"github.com/gomodls/gomodls/internal/goenv"
	"github.com/gomodls/gomodls/internal/modproxy"
	"github.com/gomodls/gomodls/internal/modsource"
	"github.com/gomodls/gomodls/internal/settings"
	"github.com/gomodls/gomodls/internal/snapshot"
)

// sourceFor returns the module source of a folder, creating it when the
// folder's environment or settings changed. Views of one folder share it,
// so a module version used by many go.mod files is looked up once.
func (ss *Session) sourceFor(f *folder, env *goenv.Env, set *settings.Settings) snapshot.Source {
	if env == nil || !set.Network {
		return nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.sourceEnv == env && f.sourceSettings == set {
		if f.source == nil {
			return nil
		}
		return f.source
	}
	c, err := openModules(SourceOptions{Env: env, Settings: set, CacheDir: ss.cacheDir(), Logger: ss.log})
	if err != nil {
		ss.client.ShowMessage(MessageError, "gomodls: cannot check modules over the network: "+err.Error())
		f.source, f.sourceEnv, f.sourceSettings = nil, env, set
		return nil
	}
	f.source, f.sourceEnv, f.sourceSettings = c, env, set
	return c
}

// cacheDir is gomodls' persistent cache directory.
func (ss *Session) cacheDir() string {
	if ss.opts.CacheDir != "" {
		return ss.opts.CacheDir
	}
	d, _ := DefaultCacheDir()
	return d
}

// countingSource counts lookups for progress reports.
type countingSource struct {
	snapshot.Source
	started, done atomic.Int64
}

func (c *countingSource) track() func() {
	c.started.Add(1)
	return func() { c.done.Add(1) }
}

func (c *countingSource) Info(ctx context.Context, path, version string) (*modsource.Info, error) {
	defer c.track()()
	return c.Source.Info(ctx, path, version)
}

func (c *countingSource) GoMod(ctx context.Context, path, version string) (*modsource.GoModFile, error) {
	defer c.track()()
	return c.Source.GoMod(ctx, path, version)
}

func (c *countingSource) Versions(ctx context.Context, path string) (*modsource.VersionList, error) {
	defer c.track()()
	return c.Source.Versions(ctx, path)
}

func (c *countingSource) Latest(ctx context.Context, path string) (*modsource.Info, error) {
	defer c.track()()
	return c.Source.Latest(ctx, path)
}

func (c *countingSource) ZipHash(ctx context.Context, path, version string) (*modsource.ZipHash, error) {
	defer c.track()()
	return c.Source.ZipHash(ctx, path, version)
}

// progressDelay is how long a check may take before it shows progress: a
// check answered from caches finishes well before and stays silent.
const progressDelay = 400 * time.Millisecond

// slowProxy returns the proxy that has kept a request waiting longest, if
// a second or more: a slow proxy is shown as progress, not as a failure.
func slowProxy(src snapshot.Source) (modproxy.Waiting, bool) {
	ws, ok := src.(interface{ Waiting() []modproxy.Waiting })
	if !ok {
		return modproxy.Waiting{}, false
	}
	if w := ws.Waiting(); len(w) > 0 && w[0].Oldest >= time.Second {
		return w[0], true
	}
	return modproxy.Waiting{}, false
}

// scheduleNetwork starts the network analyzers on snap after the debounce
// delay. A newer schedule replaces an older one; the run it replaces is
// cancelled only once the new run has started, so lookups in flight are
// joined rather than restarted.
func (v *View) scheduleNetwork(snap *snapshot.Snapshot, gen uint64) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.netScheduled == gen {
		return
	}
	v.netScheduled = gen
	if v.netTimer != nil {
		v.netTimer.Stop()
	}
	delay := snap.Settings.Debounce.D()
	v.netTimer = time.AfterFunc(delay, func() { v.ss.runBackground(func() { v.runNetwork(snap, gen) }) })
}

func (v *View) runNetwork(snap *snapshot.Snapshot, gen uint64) {
	select {
	case <-v.quit:
		return
	case <-v.ss.stopCh:
		return
	default:
	}
	ctx, cancel := context.WithTimeout(v.ss.bg, snap.Settings.CheckDeadline.D())
	v.mu.Lock()
	prev := v.netCancel
	v.netCancel = cancel
	v.mu.Unlock()
	defer cancel()
	counting := &countingSource{Source: snap.Source}
	run := snap.WithSource(counting)

	// Show progress only if the check is slow.
	finished := make(chan struct{})
	v.ss.Go(func() {
		select {
		case <-finished:
			return
		case <-time.After(progressDelay):
		}
		wd, _ := v.ss.client.StartProgress(ctx, "gomodls", "Checking modules in "+v.dir, false)
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-finished:
				wd.End(fmt.Sprintf("%d lookups", counting.started.Load()))
				return
			case <-tick.C:
				s, d := counting.started.Load(), counting.done.Load()
				pct := 0
				if s > 0 {
					pct = int(100 * d / s)
				}
				msg := fmt.Sprintf("%d/%d lookups", d, s)
				if w, ok := slowProxy(snap.Source); ok {
					msg = fmt.Sprintf("waiting for %s: %d s, %d lookups left", w.Proxy, int(w.Oldest.Seconds()), s-d)
				}
				wd.Report(msg, pct)
			}
		}
	})
	if prev != nil {
		// The new run has its context; lookups it shares with the old run
		// are joined when it asks for them. Give it a moment to do so.
		time.AfterFunc(time.Second, prev)
	}
	start := time.Now()
	diags, failures := checker.Run(ctx, run, analyzers.Network())
	close(finished)
	for _, f := range failures {
		v.ss.log.Error("network analyzer failed", zap.String("dir", v.dir), zap.Error(f))
	}
	v.ss.log.Debug("network check", zap.String("dir", v.dir), zap.Duration("took", time.Since(start)),
		zap.Int64("lookups", counting.started.Load()), zap.Int("diagnostics", len(diags)))
	v.mu.Lock()
	superseded := v.netGen > gen
	if !superseded {
		v.network, v.netSnap, v.netGen = diags, snap, gen
		v.remappedOK = false
		// Re-run the local analyzers on the next publish: they use what
		// the network pass just cached (the sum-missing fix's hashes).
		v.cached++
	}
	v.mu.Unlock()
	if superseded {
		return
	}
	v.ss.announceFailures(diags)
	select {
	case v.repub <- struct{}{}:
	default:
	}
}
