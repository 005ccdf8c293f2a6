package analyzers

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"

	"github.com/gomodls/gomodls/fixes"
	"github.com/gomodls/gomodls/internal/snapshot"
)

// PseudoVersions points out pseudo-versions whose commit is now tagged.
var PseudoVersions = &Analyzer{
	Name: "pseudoversions",
	Doc: `point out pseudo-versions whose commit has since been tagged

A pseudo-version (v0.0.0-20240102150405-abcdef123456) names a commit. When
one of the module's tagged releases above the pseudo-version's base points
at the same commit (the proxy's .info Origin says which), the tag should be
required instead: it is what ` + "`go get`" + ` and ` + "`go list -m -u`" + ` show, and
what other modules will require. The fix does that.

Through a proxy the go command takes a pseudo-version's .info as it is
(cmd/go/internal/modfetch: proxyRepo.Stat checks only that the answer names
the requested version); it compares the timestamp and the commit with the
repository only when it fetches from the origin itself (codeRepo,
validatePseudoVersion), which gomodls does not do without cloning.
Mirrors serve other times than the commit's (the time they fetched it), so
a difference is never reported.`,
	Codes:   []*Code{CodePseudoVersionTagged},
	Network: true,
	Run: func(pass *Pass) error {
		return eachLookup(pass, notExcluded, func(pass *Pass, ctx context.Context, src snapshot.Source, u modUse) {
			if module.IsPseudoVersion(u.mod.Version) {
				checkPseudoVersion(pass, ctx, src, u)
			}
		})
	},
}

// checkPseudoVersion looks for a tag on the commit a pseudo-version names.
func checkPseudoVersion(pass *Pass, ctx context.Context, src snapshot.Source, u modUse) {
	v := u.mod.Version
	if _, err := src.Info(ctx, u.mod.Path, v); err != nil {
		return // the versions analyzer reports it
	}
	rev, _ := module.PseudoVersionRev(v)
	if tag := taggedSince(ctx, src, u.mod.Path, v, rev); tag != "" {
		fx := fixes.SetVersion(u.file, u.versionToken(), tag)
		fx.Title = "Use the tag " + tag
		fx.Preferred = true
		pass.Report(Diagnostic{File: u.file, Span: u.versionSpan(), Code: CodePseudoVersionTagged, Severity: CodePseudoVersionTagged.Severity,
			Message: fmt.Sprintf("%s names commit %s, which is now tagged %s; require the tag", u.mod, rev, tag),
			Fixes:   []fixes.Fix{fx}})
	}
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
