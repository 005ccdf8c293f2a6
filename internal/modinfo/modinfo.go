// Package modinfo answers the questions about a module that several
// features ask the module source: its latest version as the go command
// chooses it, that version's go.mod (retractions, deprecation), and the
// nearest existing or next upgrade version. Whether a path may be looked
// up at all is modplan.Plan.Lookable.
//
// It holds the go command's rules (cmd/go/internal/modload) in one place,
// for the analyzers, hover and completion alike.
package modinfo

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"

	"github.com/gomodls/gomodls/internal/snapshot"
)

// LatestVersion returns the version whose go.mod holds the module's
// retractions and deprecation, as the go command chooses it
// (modload.queryLatestVersionIgnoringRetractions): the highest release in
// the version list; if there is none, the highest prerelease; if the list
// is empty, @latest (which may be a pseudo-version). It also returns the
// list.
func LatestVersion(ctx context.Context, src snapshot.Source, path string) (string, []string, error) {
	vl, err := src.Versions(ctx, path)
	if err != nil {
		return "", nil, err
	}
	best, bestPre := "", ""
	for _, v := range vl.Versions {
		if semver.Prerelease(v) == "" {
			if best == "" || semver.Compare(v, best) > 0 {
				best = v
			}
		} else if bestPre == "" || semver.Compare(v, bestPre) > 0 {
			bestPre = v
		}
	}
	switch {
	case best != "":
		return best, vl.Versions, nil
	case bestPre != "":
		return bestPre, vl.Versions, nil
	}
	info, err := src.Latest(ctx, path)
	if err != nil {
		return "", vl.Versions, err
	}
	return info.Version, vl.Versions, nil
}

// LatestGoMod returns the parsed go.mod of the module's latest version
// (see LatestVersion), read leniently as the go command reads
// dependencies' go.mod files, with that version and the version list.
func LatestGoMod(ctx context.Context, src snapshot.Source, path string) (*modfile.File, string, []string, error) {
	latest, list, err := LatestVersion(ctx, src, path)
	if err != nil {
		return nil, "", list, err
	}
	gm, err := src.GoMod(ctx, path, latest)
	if err != nil {
		return nil, latest, list, err
	}
	f, err := modfile.ParseLax(path+"@"+latest+"/go.mod", gm.Data, nil)
	if err != nil {
		return nil, latest, list, err
	}
	return f, latest, list, nil
}

// ShortMessage makes a rationale or deprecation text from a go.mod safe to
// show, as cmd/go's modload.ShortMessage does: its first line, trimmed;
// replaced when longer than 500 bytes or not printable.
func ShortMessage(message, emptyDefault string) string {
	const maxLen = 500
	if i := strings.Index(message, "\n"); i >= 0 {
		message = message[:i]
	}
	message = strings.TrimSpace(message)
	if message == "" {
		return emptyDefault
	}
	if len(message) > maxLen {
		return "(message omitted: too long)"
	}
	for _, r := range message {
		if !unicode.IsGraphic(r) && !unicode.IsSpace(r) {
			return "(message omitted: contains non-printable characters)"
		}
	}
	return message
}

// Retracted returns the retraction of f covering version, if any.
func Retracted(f *modfile.File, version string) (*modfile.Retract, bool) {
	if f == nil {
		return nil, false
	}
	for _, r := range f.Retract {
		if semver.Compare(r.Low, version) <= 0 && semver.Compare(version, r.High) <= 0 {
			return r, true
		}
	}
	return nil, false
}

// Nearest returns, from a version list, the version closest to v in the
// same major version (preferring the highest lower version, then the
// lowest higher one) and the latest release of that major ("" if none).
func Nearest(list []string, v string, prereleases bool) (nearest, latest string) {
	major := semver.Major(v)
	incompatible := semver.Build(v) == "+incompatible"
	var same []string
	for _, x := range list {
		if semver.Major(x) != major || (semver.Build(x) == "+incompatible") != incompatible {
			continue
		}
		if semver.Prerelease(x) != "" && !prereleases && semver.Prerelease(v) == "" {
			continue
		}
		same = append(same, x)
	}
	if len(same) == 0 {
		return "", ""
	}
	sort.Slice(same, func(i, j int) bool { return semver.Compare(same[i], same[j]) < 0 })
	latest = same[len(same)-1]
	for _, x := range same {
		if semver.Compare(x, v) < 0 {
			nearest = x
		}
	}
	if nearest == "" {
		for _, x := range same {
			if semver.Compare(x, v) > 0 {
				nearest = x
				break
			}
		}
	}
	return nearest, latest
}

// LatestOf returns the version the go command takes as a module's latest
// among tagged versions (modfetch's proxyRepo.Latest, codeRepo.Latest):
// the highest release, else the highest prerelease; "" for none.
func LatestOf(list []string) string {
	rel, pre := "", ""
	for _, v := range list {
		if semver.Prerelease(v) == "" {
			if rel == "" || semver.Compare(v, rel) > 0 {
				rel = v
			}
		} else if pre == "" || semver.Compare(v, pre) > 0 {
			pre = v
		}
	}
	if rel != "" {
		return rel
	}
	return pre
}

// UpgradeOptions refine Upgrade.
type UpgradeOptions struct {
	// Level: "patch" keeps the current major.minor; "minor" the current
	// semantic major; "major" allows every version the module path can
	// take, as the go command does (v0 to v1, and +incompatible majors
	// when the module has no go.mod).
	Level string
	// Prereleases prefers the highest version even when it is a
	// prerelease; by default a prerelease is chosen only when no release
	// is at or above the current version, as the go command does.
	Prereleases bool
	// Retracted reports versions never to suggest (go list -m -u skips
	// them).
	Retracted func(string) bool
	// HasGoMod reports whether a version has a go.mod file of its own (not
	// the one proxies synthesise); needed only when the list holds
	// +incompatible versions above compatible ones.
	HasGoMod func(string) (bool, error)
	// Time returns a version's commit time. When current is a
	// pseudo-version, the go command never "upgrades" to a version whose
	// commit is older (it may be from another branch); without Time such
	// candidates are kept.
	Time func(string) (time.Time, error)
}

// Upgrade returns the version `go list -m -u` would report as the upgrade
// of current (cmd/go's Query(path, "upgrade", current)), from the module
// path's version list: the highest allowed release at or above current
// (allowed: not retracted, and within the level), else the highest such
// prerelease; +incompatible versions only when current is one or when the
// last compatible version has no go.mod. It returns "" when there is
// nothing newer.
func Upgrade(list []string, current string, opts UpgradeOptions) string {
	base := current
	if module.IsPseudoVersion(current) {
		if b, err := module.PseudoVersionBase(current); err == nil && b != "" {
			base = b
		} else {
			base = "v0.0.0"
		}
	}
	sorted := append([]string(nil), list...)
	sort.Slice(sorted, func(i, j int) bool { return semver.Compare(sorted[i], sorted[j]) < 0 })
	needIncompatible := strings.HasSuffix(current, "+incompatible")
	lastCompatible := ""
	var releases, prereleases []string
	for _, v := range sorted {
		if !semver.IsValid(v) || semver.Compare(v, current) < 0 {
			continue
		}
		if opts.Level == "patch" && semver.MajorMinor(v) != semver.MajorMinor(base) {
			continue
		}
		if opts.Level != "major" && (semver.Major(v) != semver.Major(base) || strings.HasSuffix(v, "+incompatible") != strings.HasSuffix(current, "+incompatible")) {
			continue
		}
		if opts.Retracted != nil && v != current && opts.Retracted(v) {
			continue
		}
		if !needIncompatible {
			if !strings.HasSuffix(v, "+incompatible") {
				lastCompatible = v
			} else if lastCompatible != "" {
				has := true
				if opts.HasGoMod != nil {
					if h, err := opts.HasGoMod(lastCompatible); err == nil {
						has = h
					}
				}
				if has {
					break // the author went module-aware: ignore +incompatible tags
				}
				needIncompatible = true
			}
		}
		if semver.Prerelease(v) != "" {
			prereleases = append(prereleases, v)
		} else {
			releases = append(releases, v)
		}
	}
	best := ""
	switch {
	case opts.Prereleases && len(prereleases) > 0 && (len(releases) == 0 || semver.Compare(prereleases[len(prereleases)-1], releases[len(releases)-1]) > 0):
		best = prereleases[len(prereleases)-1]
	case len(releases) > 0:
		best = releases[len(releases)-1]
	case len(prereleases) > 0:
		best = prereleases[len(prereleases)-1]
	}
	if best == "" || semver.Compare(best, current) <= 0 || (module.IsPseudoVersion(current) && semver.Compare(best, base) <= 0) {
		return ""
	}
	if module.IsPseudoVersion(current) && opts.Time != nil {
		if t, err := opts.Time(best); err == nil && !t.IsZero() {
			if ct, err := module.PseudoVersionTime(current); err == nil && t.Before(ct) {
				return "" // older than the commit already required
			}
		}
	}
	return best
}

// TimeFunc returns an UpgradeOptions.Time that asks src.
func TimeFunc(ctx context.Context, src snapshot.Source, path string) func(string) (time.Time, error) {
	return func(v string) (time.Time, error) {
		info, err := src.Info(ctx, path, v)
		if err != nil {
			return time.Time{}, err
		}
		return info.Time, nil
	}
}

// HasGoModFunc returns an UpgradeOptions.HasGoMod that asks src.
func HasGoModFunc(ctx context.Context, src snapshot.Source, path string) func(string) (bool, error) {
	return func(v string) (bool, error) {
		gm, err := src.GoMod(ctx, path, v)
		if err != nil {
			return false, err
		}
		return !bytes.Equal(gm.Data, LegacyGoMod(path)), nil
	}
}

// LegacyGoMod is the go.mod a proxy synthesises for a module version
// without one (cmd/go's modfetch.LegacyGoMod).
func LegacyGoMod(path string) []byte {
	return fmt.Appendf(nil, "module %s\n", modfile.AutoQuote(path))
}

// LatestUnretracted returns the highest listed version in v's major that
// the go.mod f does not retract (prereleases only when v is one).
func LatestUnretracted(f *modfile.File, list []string, v string) string {
	best := ""
	for _, x := range list {
		if semver.Major(x) != semver.Major(v) || (semver.Prerelease(x) != "" && semver.Prerelease(v) == "") {
			continue
		}
		if _, r := Retracted(f, x); r {
			continue
		}
		if best == "" || semver.Compare(x, best) > 0 {
			best = x
		}
	}
	return best
}
