package hover

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"

	"github.com/gomodls/gomodls/internal/modinfo"
	"github.com/gomodls/gomodls/internal/modplan"
	"github.com/gomodls/gomodls/internal/modsource"
	"github.com/gomodls/gomodls/internal/snapshot"
)

// Options bound what a hover may wait for.
type Options struct {
	// Budget is how long a hover waits for the module source. Lookups not
	// done by then continue in the background (so the next hover has the
	// answer) and the hover says "checking…". Zero means 300ms.
	Budget time.Duration
	// Background is the context lookups continue in after the budget; it
	// should carry the check deadline. Nil means context.Background() with
	// a 30s timeout.
	Background context.Context
}

// errPending marks a lookup still running when the budget ran out.
var errPending = errors.New("checking…")

// facts is what the module source says about one module version.
type facts struct {
	info       *modsource.Info
	infoErr    error
	latest     string // latest version ignoring retractions
	latestMod  *modfile.File
	list       []string
	latestErr  error
	retraction *modfile.Retract
}

// lookup gathers the facts about m within the budget.
func lookup(ctx context.Context, src snapshot.Source, m module.Version, opts Options) facts {
	budget := opts.Budget
	if budget <= 0 {
		budget = 300 * time.Millisecond
	}
	bg := opts.Background
	if bg == nil {
		var cancel context.CancelFunc
		bg, cancel = context.WithTimeout(context.Background(), 30*time.Second)
		time.AfterFunc(30*time.Second, cancel)
	}
	var (
		mu sync.Mutex
		f  = facts{infoErr: errPending, latestErr: errPending}
		wg sync.WaitGroup
	)
	wg.Add(2)
	go func() {
		defer wg.Done()
		info, err := src.Info(bg, m.Path, m.Version)
		mu.Lock()
		f.info, f.infoErr = info, err
		mu.Unlock()
	}()
	go func() {
		defer wg.Done()
		gm, latest, list, err := modinfo.LatestGoMod(bg, src, m.Path)
		mu.Lock()
		f.latestMod, f.latest, f.list, f.latestErr = gm, latest, list, err
		if err == nil {
			f.retraction, _ = modinfo.Retracted(gm, m.Version)
		}
		mu.Unlock()
	}()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	timer := time.NewTimer(budget)
	defer timer.Stop()
	select {
	case <-done:
	case <-timer.C:
	case <-ctx.Done():
	}
	mu.Lock()
	defer mu.Unlock()
	return f
}

// networkFacts adds what the module source knows about m to the hover.
func networkFacts(ctx context.Context, d *doc, snap *snapshot.Snapshot, m module.Version, opts Options) {
	if snap.Source == nil || snap.Env == nil || !modplan.Fetchable(m) {
		return
	}
	if !modplan.Of(snap).Lookable(m.Path) {
		d.line("Not looked up: the path looks private and GONOPROXY does not match it, so gomodls does not send it to a proxy.")
		return
	}
	f := lookup(ctx, snap.Source, m, opts)
	switch {
	case f.infoErr == errPending:
		d.line("Checking the module proxy… (hover again in a moment)")
	case f.infoErr != nil:
		d.line("**Lookup failed:** %s", escape(oneLine(f.infoErr)))
	default:
		when := ""
		if !f.info.Time.IsZero() {
			when = " on " + f.info.Time.UTC().Format("2006-01-02")
		}
		d.line("Published%s; answered by %s.", when, answeredBy(f.info.Provenance))
		if through := f.info.FellThrough(); through != "" {
			d.line("Earlier proxies failed: %s", escape(strings.ReplaceAll(through, "\n", "; ")))
		}
	}
	switch {
	case f.latestErr == errPending:
	case f.latestErr != nil:
	default:
		if f.retraction != nil {
			d.line("**Retracted** by the module author: %s", escape(modinfo.ShortMessage(f.retraction.Rationale, "(no rationale given)")))
		}
		if f.latestMod != nil && f.latestMod.Module != nil && f.latestMod.Module.Deprecated != "" {
			d.line("**Deprecated:** %s", escape(modinfo.ShortMessage(f.latestMod.Module.Deprecated, "(no explanation given)")))
		}
		var isRetracted func(string) bool
		if f.latestMod != nil {
			isRetracted = func(v string) bool { _, r := modinfo.Retracted(f.latestMod, v); return r }
		}
		sameMajor := modinfo.Upgrade(f.list, m.Version, modinfo.UpgradeOptions{Level: "minor", Retracted: isRetracted})
		switch {
		case sameMajor != "":
			d.line("Upgrade available: `%s`. Latest release: `%s`.", sameMajor, f.latest)
		case f.latest != "":
			d.line("Latest release: `%s`.", f.latest)
		}
	}
	if f.infoErr == nil && f.info != nil && f.info.Origin != nil && f.info.Origin.URL != "" && modplan.Of(snap).Public(m.Path) && strings.HasPrefix(f.info.Origin.URL, "https://") {
		d.link("Repository", f.info.Origin.URL)
	}
}

func answeredBy(p modsource.Provenance) string {
	who := p.Source
	if p.CachedFrom != "" {
		who += " (originally " + p.CachedFrom + ")"
	}
	if p.Unverified {
		who += ", offline: not re-checked"
	}
	return fmt.Sprintf("`%s`", who)
}

func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}
