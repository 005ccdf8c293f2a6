package analyzers

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"

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
		return eachLookup(pass, notExcluded, func(ctx context.Context, src snapshot.Source, u modUse) {
			switch v := u.mod.Version; {
			case module.IsPseudoVersion(v):
				checkPseudoVersion(ctx, pass, src, u)
			case semver.Build(v) == "+incompatible":
				checkIncompatible(ctx, pass, src, u)
			}
		})
	},
}

// checkPseudoVersion compares a pseudo-version with the proxy's .info for
// it, and looks for a tag on the same commit.
func checkPseudoVersion(ctx context.Context, pass *Pass, src snapshot.Source, u modUse) {
	v := u.mod.Version
	info, err := src.Info(ctx, u.mod.Path, v)
	if err != nil {
		return
	}
	want, _ := module.PseudoVersionTime(v)
	rev, _ := module.PseudoVersionRev(v)
	if !info.Time.IsZero() && !info.Time.UTC().Truncate(time.Second).Equal(want.UTC()) {
		pass.Report(Diagnostic{File: u.file, Span: u.versionSpan(), Code: CodeInvalidVersion, Severity: Error,
			Message: fmt.Sprintf("%s: invalid pseudo-version: does not match version-control timestamp (expected %s, %s says %s)",
				u.mod, want.UTC().Format("20060102150405"), info.Source, info.Time.UTC().Format("20060102150405"))})
		return
	}
	if info.Origin != nil && info.Origin.Hash != "" && !strings.HasPrefix(info.Origin.Hash, rev) {
		pass.Report(Diagnostic{File: u.file, Span: u.versionSpan(), Code: CodeInvalidVersion, Severity: Error,
			Message: fmt.Sprintf("%s: invalid pseudo-version: revision %s does not match the commit %s that %s reports", u.mod, rev, info.Origin.Hash, info.Source)})
		return
	}
	if tag := taggedSince(ctx, src, u.mod.Path, v, rev); tag != "" {
		fx := fixes.SetVersion(u.file, u.versionToken(), tag)
		fx.Title = "Use the tag " + tag
		fx.Preferred = true
		pass.Report(Diagnostic{File: u.file, Span: u.versionSpan(), Code: CodeInvalidVersion, Severity: Warning,
			Message: fmt.Sprintf("%s names commit %s, which is now tagged %s; require the tag", u.mod, rev, tag),
			Fixes:   []fixes.Fix{fx}})
	}
}

// checkIncompatible tells about a major version that now has its own
// module path.
func checkIncompatible(ctx context.Context, pass *Pass, src snapshot.Source, u modUse) {
	major := semver.Major(u.mod.Version)
	newPath := u.mod.Path + "/" + major
	vl, err := src.Versions(ctx, newPath)
	if err != nil || len(vl.Versions) == 0 {
		return
	}
	// Information, not a warning: the go command accepts the version, and
	// projects often need both (Vault requires github.com/ory/dockertest
	// v3.3.5+incompatible and github.com/ory/dockertest/v3).
	pass.Report(Diagnostic{File: u.file, Span: u.versionSpan(), Code: CodeInvalidVersion, Severity: Information,
		Message: fmt.Sprintf("%s: the %s series now has its own module path %s (latest %s); +incompatible versions do not get its fixes",
			u.mod, major, newPath, vl.Versions[len(vl.Versions)-1])})
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
