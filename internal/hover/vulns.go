// Copyright 2026 The gomodls Authors.

package hover

import (
	"context"
	"fmt"
	"strings"
	"time"

	"golang.org/x/mod/module"

	"github.com/gomodls/gomodls/internal/modinfo"
	"github.com/gomodls/gomodls/internal/modplan"
	"github.com/gomodls/gomodls/internal/snapshot"
	"github.com/gomodls/gomodls/internal/vulndb/osv"
)

// vulnLookup is what the vulnerability database says about one module (or
// Go release) version.
type vulnLookup struct {
	db      *osv.DB
	entries []*osv.Entry // that may affect the version or later ones
	err     error
}

// lookupVulns reads the entries of paths at version within the budget; ok
// is false when the budget ran out (the lookup goes on in the background,
// so the next hover has it).
func lookupVulns(ctx context.Context, c osv.Source, version string, opts Options, paths ...string) (vulnLookup, bool) {
	bg := opts.Background
	if bg == nil {
		var cancel context.CancelFunc
		bg, cancel = context.WithTimeout(context.Background(), 30*time.Second)
		time.AfterFunc(30*time.Second, cancel)
	}
	budget := opts.Budget
	if budget <= 0 {
		budget = 300 * time.Millisecond
	}
	ch := make(chan vulnLookup, 1)
	go func() {
		db, err := c.Load(bg)
		if err != nil {
			ch <- vulnLookup{err: err}
			return
		}
		r := vulnLookup{db: db}
		for _, p := range paths {
			list, err := db.Entries(bg, p, version)
			r.entries = append(r.entries, list...)
			if err != nil && r.err == nil {
				r.err = err
			}
		}
		ch <- r
	}()
	timer := time.NewTimer(budget)
	defer timer.Stop()
	select {
	case r := <-ch:
		return r, true
	case <-timer.C:
	case <-ctx.Done():
	}
	return vulnLookup{}, false
}

// vulnFacts lists the known vulnerabilities of a required module version.
func vulnFacts(ctx context.Context, d *doc, snap *snapshot.Snapshot, mod module.Version, opts Options) {
	if snap.Vulns == nil || snap.Settings == nil || !snap.Settings.Vulncheck || !modplan.Fetchable(mod) {
		return
	}
	r, ok := lookupVulns(ctx, snap.Vulns, mod.Version, opts, mod.Path)
	if !ok {
		d.line("Checking the vulnerability database… (hover again in a moment)")
		return
	}
	if r.db == nil {
		d.line("**Known vulnerabilities not checked:** %s", escape(oneLine(r.err)))
		return
	}
	now := r.db.Now()
	found := osv.Affecting(r.entries, mod.Path, mod.Version, now)
	vulnList(d, r, found, modplan.Of(snap).Public(mod.Path), func(e *osv.Entry) string {
		return e.Fixed(mod.Path, mod.Version)
	})
	if len(found) > 0 {
		if up := osv.LowestFixed(r.entries, mod.Version, nil, nil, now, mod.Path); up != "" {
			d.line("The lowest version without known vulnerabilities in this major is `%s` (by the reports; the quick fix also checks the proxy's versions and retractions).", up)
		}
	}
}

// toolchainVulnFacts lists the known vulnerabilities of the Go release the
// go command runs for a module with these go and toolchain lines.
func toolchainVulnFacts(ctx context.Context, d *doc, snap *snapshot.Snapshot, goLine, toolchainLine string, opts Options) {
	if snap.Vulns == nil || snap.Settings == nil || !snap.Settings.Vulncheck || snap.Env == nil {
		return
	}
	tc, ok := snap.Env.SelectToolchain(goLine, toolchainLine)
	if !ok {
		return
	}
	v := osv.GoToSemver(tc.Name)
	if v == "" {
		return
	}
	r, ok := lookupVulns(ctx, snap.Vulns, v, opts, osv.StdlibModule, osv.ToolchainModule)
	if !ok {
		d.line("Checking the vulnerability database for `%s`… (hover again in a moment)", tc.Name)
		return
	}
	if r.db == nil {
		d.line("**Known vulnerabilities of `%s` not checked:** %s", tc.Name, escape(oneLine(r.err)))
		return
	}
	now := r.db.Now()
	found := osv.AffectingAny(r.entries, v, now, osv.StdlibModule, osv.ToolchainModule)
	d.line("The go command runs `%s` (%s) for this file.", tc.Name, tc.Why)
	vulnList(d, r, found, true, func(e *osv.Entry) string {
		fx := e.Fixed(osv.StdlibModule, v)
		if fx == "" {
			fx = e.Fixed(osv.ToolchainModule, v)
		}
		return osv.SemverToGo(fx)
	})
	if len(found) > 0 {
		if up := osv.LowestFixed(r.entries, v, nil, nil, now, osv.StdlibModule, osv.ToolchainModule); up != "" {
			d.line("`%s` fixes them all.", osv.SemverToGo(up))
		}
	}
}

// vulnList renders found (or that there is none), with links to the
// reports when public, each report's fixing version, and the database's
// age when the copy is stale.
func vulnList(d *doc, r vulnLookup, found []*osv.Entry, public bool, fixed func(*osv.Entry) string) {
	st := r.db.Status
	source := fmt.Sprintf("Go vulnerability database `%s`, as of %s", st.URL, st.Modified.UTC().Format("2006-01-02"))
	if len(found) == 0 {
		d.line("No known vulnerabilities (%s).", source)
	} else {
		var md, plain strings.Builder
		fmt.Fprintf(&md, "**%d known %s** (%s; module-level: whether your code calls %s is not checked, govulncheck does):\n", len(found), pluralWord(len(found), "vulnerability", "vulnerabilities"), source, pluralWord(len(found), "it", "them"))
		plain.WriteString(strings.ReplaceAll(md.String(), "**", ""))
		for _, e := range found {
			id := e.ID
			mdID := escape(id)
			if public {
				mdID = fmt.Sprintf("[%s](%s)", escape(id), e.URL())
			}
			aliases := ""
			if len(e.Aliases) > 0 {
				aliases = " (" + strings.Join(e.Aliases, ", ") + ")"
			}
			fix := "no fixed version is known"
			if f := fixed(e); f != "" {
				fix = "fixed in " + f
			}
			title := modinfo.ShortMessage(e.Title(), "")
			fmt.Fprintf(&md, "- %s%s: %s; %s\n", mdID, escape(aliases), escape(title), fix)
			fmt.Fprintf(&plain, "- %s%s: %s; %s", id, aliases, title, fix)
			if public {
				plain.WriteString(" " + e.URL())
			}
			plain.WriteString("\n")
		}
		d.raw(md.String(), plain.String())
	}
	if note := st.Describe(r.db.Now()); note != "" {
		d.line("(%s)", escape(note))
	}
	if r.err != nil {
		d.line("Some reports could not be read: %s", escape(oneLine(r.err)))
	}
}

// raw adds a paragraph given in both renderings.
func (d *doc) raw(md, plain string) {
	d.md.WriteString(strings.TrimRight(md, "\n") + "\n\n")
	d.plain.WriteString(strings.TrimRight(plain, "\n") + "\n\n")
}

func pluralWord(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
