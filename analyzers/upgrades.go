package analyzers

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"

	"github.com/gomodls/gomodls/fixes"
	"github.com/gomodls/gomodls/internal/modinfo"
	"github.com/gomodls/gomodls/internal/snapshot"
)

// Upgrades reports newer versions of required modules.
var Upgrades = &Analyzer{
	Name: "upgrades",
	Doc: `report newer releases of required modules

For each require, the newest release of the same major version (as
` + "`go list -m -u`" + ` would show) is reported as a hint, never an error, with
a fix that upgrades the line. The setting gomodls.upgrades chooses what is
reported: "off", "patch" (only newer patch releases of the same minor),
"minor" (the default: any newer release of the same major) or "major"
(also a newer major version's module path, such as /v3, as information).
Prereleases are only offered when gomodls.prereleases is set or the
required version is itself a prerelease. Pseudo-versions are upgraded to
the newest release above their base, or, when nothing is tagged at or
above them, to the module's latest commit (@latest) if it is newer, as
` + "`go list -m -u`" + ` does.`,
	Codes:   []*Code{CodeUpgradeAvailable},
	Network: true,
	Run:     runUpgrades,
}

func runUpgrades(pass *Pass) error {
	level := pass.Snapshot.Settings.Upgrades
	if level == "off" {
		return nil
	}
	pre := pass.Snapshot.Settings.Prereleases
	return eachLookup(pass, onlyRequires, func(pass *Pass, ctx context.Context, src snapshot.Source, u modUse) {
		vl, err := src.Versions(ctx, u.mod.Path)
		if err != nil {
			return
		}
		if !vl.Has(u.mod.Version) && !module.IsPseudoVersion(u.mod.Version) {
			return // an unknown version: the versions analyzer says so
		}
		// Like go list -m -u, never suggest a retracted version.
		var isRetracted func(string) bool
		if f, _, _, err := modinfo.LatestGoMod(ctx, src, u.mod.Path); err == nil {
			isRetracted = func(v string) bool { _, r := modinfo.Retracted(f, v); return r }
		}
		up := modinfo.Upgrade(vl.Versions, u.mod.Version, modinfo.UpgradeOptions{
			Level: level, Prereleases: pre, Retracted: isRetracted, HasGoMod: modinfo.HasGoModFunc(ctx, src, u.mod.Path), Time: modinfo.TimeFunc(ctx, src, u.mod.Path)})
		if up == "" && module.IsPseudoVersion(u.mod.Version) {
			up = newerCommit(ctx, src, u.mod.Path, u.mod.Version, level, vl.Versions, isRetracted)
		}
		if up != "" {
			fx := fixes.SetVersion(u.file, u.versionToken(), up)
			fx.Title = "Upgrade to " + up
			pass.Report(Diagnostic{File: u.file, Span: u.versionSpan(), Code: CodeUpgradeAvailable, Severity: Hint,
				Message: fmt.Sprintf("%s %s is available (required: %s)", u.mod.Path, up, u.mod.Version),
				Fixes:   []fixes.Fix{fx}})
		}
		if semver.Build(u.mod.Version) == "+incompatible" {
			// Information, not a warning: the go command accepts the
			// version, and projects often need both (Vault requires
			// github.com/ory/dockertest v3.3.5+incompatible and
			// github.com/ory/dockertest/v3).
			major := semver.Major(u.mod.Version)
			own := u.mod.Path + "/" + major
			if ol, err := src.Versions(ctx, own); err == nil && len(ol.Versions) > 0 {
				pass.Report(Diagnostic{File: u.file, Span: u.versionSpan(), Code: CodeUpgradeAvailable, Severity: Information,
					Message: fmt.Sprintf("%s: the %s series now has its own module path %s (latest %s); +incompatible versions do not get its fixes",
						u.mod, major, own, modinfo.LatestOf(ol.Versions))})
			}
		}
		if level == "major" {
			if next, nv := nextMajor(ctx, src, u.mod.Path, u.mod.Version); next != "" {
				pass.Report(Diagnostic{File: u.file, Span: u.pathSpan(), Code: CodeUpgradeAvailable, Severity: Information,
					Message: fmt.Sprintf("a new major version is available: %s %s (a different module path; imports must change)", next, nv)})
			}
		}
	})
}

// newerCommit is go list -m -u's answer for a pseudo-version that no
// tagged version (release or prerelease) reaches: the module's @latest,
// typically a newer pseudo-version of an untagged module, if it is
// semantically higher and not older in time (modload.queryProxy with
// mayUseLatest, and its rule that "upgrade" never moves a pseudo-version
// back in time). It returns "" otherwise.
func newerCommit(ctx context.Context, src snapshot.Source, path, v, level string, list []string, retracted func(string) bool) string {
	for _, x := range list {
		if semver.Compare(x, v) >= 0 && (retracted == nil || !retracted(x)) {
			return "" // a tag at or above v: the list decides, and it did
		}
	}
	latest, err := src.Latest(ctx, path)
	if err != nil || semver.Compare(latest.Version, v) <= 0 || (retracted != nil && retracted(latest.Version)) {
		return ""
	}
	if level == "patch" && semver.MajorMinor(latest.Version) != semver.MajorMinor(v) {
		return ""
	}
	if t, err := module.PseudoVersionTime(v); err == nil && !latest.Time.IsZero() && latest.Time.Before(t) {
		return ""
	}
	return latest.Version
}

// nextMajor returns the newest higher major version's module path and its
// latest release, probing path/vN+1, path/vN+2, ... until one is missing.
func nextMajor(ctx context.Context, src snapshot.Source, path, v string) (string, string) {
	prefix, pathMajor, ok := module.SplitPathVersion(path)
	if !ok || strings.HasPrefix(pathMajor, ".") {
		return "", "" // gopkg.in paths name their major differently
	}
	cur := 1
	if pathMajor != "" {
		cur, _ = strconv.Atoi(strings.TrimPrefix(pathMajor, "/v"))
	} else if m := semver.Major(v); m != "v0" && m != "v1" {
		cur, _ = strconv.Atoi(strings.TrimPrefix(m, "v")) // +incompatible
	}
	bestPath, bestVersion := "", ""
	for n := cur + 1; n <= cur+10; n++ {
		p := fmt.Sprintf("%s/v%d", prefix, n)
		vl, err := src.Versions(ctx, p)
		if err != nil {
			break
		}
		latest := ""
		for _, x := range vl.Versions {
			if semver.Prerelease(x) == "" && (latest == "" || semver.Compare(x, latest) > 0) {
				latest = x
			}
		}
		if latest == "" {
			break
		}
		bestPath, bestVersion = p, latest
	}
	return bestPath, bestVersion
}
