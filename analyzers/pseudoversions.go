package analyzers

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
	"golang.org/x/sync/errgroup"

	"github.com/gomodls/gomodls/fixes"
	"github.com/gomodls/gomodls/internal/snapshot"
)

// PseudoVersions checks pseudo-versions and +incompatible versions against
// what the proxy knows.
var PseudoVersions = &Analyzer{
	Name: "pseudoversions",
	Doc: `check pseudo-versions and +incompatible versions against the proxy

A pseudo-version names a commit by time and hash. When the proxy's .info
for it reports a different commit time or hash, the go command rejects it
("does not match version-control timestamp"). When one of the module's
tagged releases above the pseudo-version's base points at the same commit,
the tag should be required instead (the fix does that). A +incompatible
version of a major version that now has its own module path (path/vN with a
go.mod) is reported with a hint to move to that path.`,
	Codes:   []*Code{CodeInvalidVersion},
	Network: true,
	Run: func(pass *Pass) error {
		src := pass.Snapshot.Source
		if src == nil {
			return nil
		}
		var mu sync.Mutex
		report := func(d Diagnostic) { mu.Lock(); pass.Report(d); mu.Unlock() }
		g, ctx := errgroup.WithContext(pass.Context)
		g.SetLimit(16)
		for _, u := range lookups(pass.Snapshot) {
			if u.role == roleExclude {
				continue
			}
			v := u.mod.Version
			switch {
			case module.IsPseudoVersion(v):
				g.Go(func() error {
					info, err := src.Info(ctx, u.mod.Path, v)
					if err != nil {
						return nil
					}
					want, _ := module.PseudoVersionTime(v)
					rev, _ := module.PseudoVersionRev(v)
					if !info.Time.IsZero() && !info.Time.UTC().Truncate(time.Second).Equal(want.UTC()) {
						report(Diagnostic{File: u.file, Span: u.versionSpan(), Code: CodeInvalidVersion, Severity: Error,
							Message: fmt.Sprintf("%s: invalid pseudo-version: does not match version-control timestamp (expected %s, %s says %s)",
								u.mod, want.UTC().Format("20060102150405"), info.Source, info.Time.UTC().Format("20060102150405"))})
						return nil
					}
					if info.Origin != nil && info.Origin.Hash != "" && !strings.HasPrefix(info.Origin.Hash, rev) {
						report(Diagnostic{File: u.file, Span: u.versionSpan(), Code: CodeInvalidVersion, Severity: Error,
							Message: fmt.Sprintf("%s: invalid pseudo-version: revision %s does not match the commit %s that %s reports", u.mod, rev, info.Origin.Hash, info.Source)})
						return nil
					}
					if tag := taggedSince(ctx, src, u.mod.Path, v, rev); tag != "" {
						fx := fixes.SetVersion(u.file, u.versionToken(), tag)
						fx.Title = "Use the tag " + tag
						fx.Preferred = true
						report(Diagnostic{File: u.file, Span: u.versionSpan(), Code: CodeInvalidVersion, Severity: Warning,
							Message: fmt.Sprintf("%s names commit %s, which is now tagged %s; require the tag", u.mod, rev, tag),
							Fixes:   []fixes.Fix{fx}})
					}
					return nil
				})
			case semver.Build(v) == "+incompatible":
				g.Go(func() error {
					major := semver.Major(v)
					newPath := u.mod.Path + "/" + major
					vl, err := src.Versions(ctx, newPath)
					if err != nil || len(vl.Versions) == 0 {
						return nil
					}
					// Information, not a warning: the go command accepts the
					// version, and projects often need both (Vault requires
					// github.com/ory/dockertest v3.3.5+incompatible and
					// github.com/ory/dockertest/v3).
					report(Diagnostic{File: u.file, Span: u.versionSpan(), Code: CodeInvalidVersion, Severity: Information,
						Message: fmt.Sprintf("%s: the %s series now has its own module path %s (latest %s); +incompatible versions do not get its fixes",
							u.mod, major, newPath, vl.Versions[len(vl.Versions)-1])})
					return nil
				})
			}
		}
		return g.Wait()
	},
}

// taggedSince returns a tagged release above the pseudo-version's base
// whose commit is rev, looking at the few newest candidates only (each
// costs an .info request), or "".
func taggedSince(ctx context.Context, src snapshot.Source, path, v, rev string) string {
	vl, err := src.Versions(ctx, path)
	if err != nil {
		return ""
	}
	base, _ := module.PseudoVersionBase(v)
	var candidates []string
	for _, x := range vl.Versions {
		if semver.Major(x) == semver.Major(v) && (base == "" || semver.Compare(x, base) > 0) {
			candidates = append(candidates, x)
		}
	}
	sort.Slice(candidates, func(i, j int) bool { return semver.Compare(candidates[i], candidates[j]) > 0 })
	const maxProbes = 5
	for i, x := range candidates {
		if i == maxProbes {
			break
		}
		info, err := src.Info(ctx, path, x)
		if err == nil && info.Origin != nil && strings.HasPrefix(info.Origin.Hash, rev) {
			return x
		}
	}
	return ""
}
