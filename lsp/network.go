package lsp

import (
	"bytes"
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"go.lsp.dev/protocol"
	"go.uber.org/zap"

	"github.com/gomodls/gomodls/analyzers"
	"github.com/gomodls/gomodls/fixes"
	"github.com/gomodls/gomodls/internal/checker"
	"github.com/gomodls/gomodls/internal/goenv"
	"github.com/gomodls/gomodls/internal/modproxy"
	"github.com/gomodls/gomodls/internal/settings"
	"github.com/gomodls/gomodls/internal/snapshot"
	"github.com/gomodls/gomodls/internal/span"
	"github.com/gomodls/gomodls/internal/sumcheck"
)

// sourceFor returns the module source of a folder, creating it when the
// folder's environment or settings changed. Views of one folder share it,
// so a module version used by many go.mod files is looked up once.
func (ss *session) sourceFor(f *folder, env *goenv.Env, set *settings.Settings) snapshot.Source {
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
	cacheDir := ss.srv.opts.CacheDir
	if cacheDir == "" {
		cacheDir, _ = modproxy.DefaultCacheDir()
	}
	c, err := sumcheck.New(modproxy.Options{
		Env:                env,
		RequestTimeout:     set.RequestTimeout.D(),
		ProxyDeadline:      set.ProxyDeadline.D(),
		PerHostConcurrency: set.Concurrency,
		ListTTL:            set.ListTTL.D(),
		Offline:            set.Offline,
		CacheDir:           cacheDir,
		Logger:             ss.log.Named("modproxy"),
	})
	if err != nil {
		ss.srv.showMessage(protocol.MessageTypeError, "gomodls: cannot check modules over the network: "+err.Error())
		f.source, f.sourceEnv, f.sourceSettings = nil, env, set
		return nil
	}
	f.source, f.sourceEnv, f.sourceSettings = c, env, set
	return c
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

func (c *countingSource) Info(ctx context.Context, path, version string) (*modproxy.Info, error) {
	defer c.track()()
	return c.Source.Info(ctx, path, version)
}

func (c *countingSource) GoMod(ctx context.Context, path, version string) (*modproxy.GoModFile, error) {
	defer c.track()()
	return c.Source.GoMod(ctx, path, version)
}

func (c *countingSource) Versions(ctx context.Context, path string) (*modproxy.VersionList, error) {
	defer c.track()()
	return c.Source.Versions(ctx, path)
}

func (c *countingSource) Latest(ctx context.Context, path string) (*modproxy.Info, error) {
	defer c.track()()
	return c.Source.Latest(ctx, path)
}

func (c *countingSource) ZipHash(ctx context.Context, path, version string) (*modproxy.ZipHash, error) {
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
func (v *view) scheduleNetwork(snap *snapshot.Snapshot, gen uint64) {
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
	v.netTimer = time.AfterFunc(delay, func() { v.ss.srv.runBackground(func() { v.runNetwork(snap, gen) }) })
}

func (v *view) runNetwork(snap *snapshot.Snapshot, gen uint64) {
	select {
	case <-v.quit:
		return
	case <-v.ss.stopCh:
		return
	default:
	}
	ctx, cancel := context.WithTimeout(v.ss.srv.bg, snap.Settings.CheckDeadline.D())
	v.mu.Lock()
	prev := v.netCancel
	v.netCancel = cancel
	v.mu.Unlock()
	defer cancel()
	counting := &countingSource{Source: snap.Source}
	run := snap.WithSource(counting)

	// Show progress only if the check is slow.
	finished := make(chan struct{})
	v.ss.srv.goBackground(func() {
		select {
		case <-finished:
			return
		case <-time.After(progressDelay):
		}
		wd, _ := v.ss.progress.start(ctx, "gomodls", "Checking modules in "+v.dir, false)
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-finished:
				wd.end(fmt.Sprintf("%d lookups", counting.started.Load()))
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
				wd.report(msg, pct)
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

// remapNetwork returns the network diagnostics positioned in snap. Those
// computed for an older snapshot keep their place when their line is
// unchanged (the same text, the same occurrence) and are dropped when it
// changed: stale results for untouched lines stay visible while the new
// check runs.
func remapNetwork(netSnap, snap *snapshot.Snapshot, diags []analyzers.Diagnostic) []analyzers.Diagnostic {
	if netSnap == nil || netSnap == snap {
		return diags
	}
	// Compare each file once, not per diagnostic.
	unchanged := map[snapshot.FileKind]bool{}
	same := func(k snapshot.FileKind) bool {
		eq, ok := unchanged[k]
		if !ok {
			eq = bytes.Equal(netSnap.Content(k), snap.Content(k))
			unchanged[k] = eq
		}
		return eq
	}
	out := make([]analyzers.Diagnostic, 0, len(diags))
	maps := map[snapshot.FileKind]*lineMap{}
	for _, d := range diags {
		if snap.Content(d.File) == nil {
			continue
		}
		if same(d.File) {
			out = append(out, d)
			continue
		}
		lm := maps[d.File]
		if lm == nil {
			lm = newLineMap(netSnap.Mapper(d.File), snap.Mapper(d.File))
			maps[d.File] = lm
		}
		delta, ok := lm.shift(d.Span)
		if !ok {
			continue
		}
		d.Span = span.Span{Start: d.Span.Start + delta, End: d.Span.End + delta}
		var kept []fixes.Fix
		for _, fx := range d.Fixes {
			fx, ok := shiftFix(fx, d.File, lm, same)
			if ok {
				kept = append(kept, fx)
			}
		}
		d.Fixes = kept
		var rel []analyzers.Related
		for _, r := range d.Related {
			if r.Path == "" && r.File == d.File {
				if dl, ok := lm.shift(r.Span); ok {
					r.Span = span.Span{Start: r.Span.Start + dl, End: r.Span.End + dl}
				} else {
					continue
				}
			}
			rel = append(rel, r)
		}
		d.Related = rel
		out = append(out, d)
	}
	return out
}

// shiftFix moves the edits of fx in file by lm. Edits of other files stay
// only if those files are unchanged (same).
func shiftFix(fx fixes.Fix, file snapshot.FileKind, lm *lineMap, same func(snapshot.FileKind) bool) (fixes.Fix, bool) {
	edits := make([]fixes.Edit, 0, len(fx.Edits))
	for _, e := range fx.Edits {
		if e.File != file {
			if !same(e.File) {
				return fx, false
			}
			edits = append(edits, e)
			continue
		}
		dl, ok := lm.shift(e.Span)
		if !ok {
			return fx, false
		}
		e.Span = span.Span{Start: e.Span.Start + dl, End: e.Span.End + dl}
		edits = append(edits, e)
	}
	fx.Edits = edits
	return fx, true
}

// lineMap maps unchanged lines of an old text to the new text.
type lineMap struct {
	old, cur *span.Mapper
	// newStart maps an old line number to the start offset of the same
	// line in the new text.
	newStart map[int]int
}

func newLineMap(old, cur *span.Mapper) *lineMap {
	lm := &lineMap{old: old, cur: cur, newStart: map[int]int{}}
	text := func(m *span.Mapper, l int) string {
		return string(m.Content()[m.LineStart(l):m.LineEnd(l)])
	}
	// The n-th occurrence of a line text in the old text maps to its n-th
	// occurrence in the new one.
	where := map[string][]int{}
	for l := 0; l < cur.LineCount(); l++ {
		t := text(cur, l)
		where[t] = append(where[t], l)
	}
	seen := map[string]int{}
	for l := 0; l < old.LineCount(); l++ {
		t := text(old, l)
		n := seen[t]
		seen[t] = n + 1
		if n < len(where[t]) {
			lm.newStart[l] = cur.LineStart(where[t][n])
		}
	}
	return lm
}

// shift returns how far a single-line span moves, or false if its line
// changed or it spans lines.
func (lm *lineMap) shift(sp span.Span) (int, bool) {
	l := lm.old.Line(sp.Start)
	if lm.old.Line(sp.End) != l && sp.End != lm.old.LineStart(l+1) {
		return 0, false
	}
	ns, ok := lm.newStart[l]
	if !ok {
		return 0, false
	}
	return ns - lm.old.LineStart(l), true
}

// announceFailures shows one message per kind of proxy failure when it
// first appears (not for every line and every check), and forgets it when
// a check sees no such failure.
func (ss *session) announceFailures(diags []analyzers.Diagnostic) {
	counts := map[*analyzers.Code]int{}
	first := map[*analyzers.Code]string{}
	for _, d := range diags {
		switch d.Code {
		case analyzers.CodeProxyUnreachable, analyzers.CodeProxyAuthRequired, analyzers.CodeProxyError, analyzers.CodeSumDBMisbehavior:
			counts[d.Code]++
			if _, ok := first[d.Code]; !ok {
				first[d.Code] = d.Message
			}
		}
	}
	ss.mu.Lock()
	var show []string
	for _, c := range []*analyzers.Code{analyzers.CodeProxyUnreachable, analyzers.CodeProxyAuthRequired, analyzers.CodeProxyError, analyzers.CodeSumDBMisbehavior} {
		if counts[c] == 0 {
			delete(ss.announced, c.Name)
			continue
		}
		if ss.announced[c.Name] {
			continue
		}
		ss.announced[c.Name] = true
		show = append(show, fmt.Sprintf("gomodls: %d module lookups failed [%s], e.g. %s", counts[c], c.Name, first[c]))
	}
	ss.mu.Unlock()
	for _, m := range show {
		ss.srv.showMessage(protocol.MessageTypeWarning, m)
	}
}

// forgetFailures drops cached negative answers of every folder's module
// source, so the next check asks the proxies again.
func (ss *session) forgetFailures() {
	ss.mu.Lock()
	folders := append([]*folder(nil), ss.folders...)
	ss.mu.Unlock()
	for _, f := range folders {
		f.mu.Lock()
		src := f.source
		f.mu.Unlock()
		if c, ok := src.(interface{ Invalidate() }); ok {
			c.Invalidate()
		}
	}
}
