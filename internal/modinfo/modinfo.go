// Package modinfo answers the questions about a module that several
// features ask the module source: its latest version as the go command
// chooses it, that version's go.mod (retractions, deprecation), the
// nearest existing or next upgrade version, and whether a path may be
// looked up at all without leaking it.
//
// It holds the go command's rules (cmd/go/internal/modload) in one place,
// for the analyzers, hover and completion alike.
package modinfo

import (
	"context"
	"net"
	"sort"
	"strings"
	"unicode"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"

	"github.com/gomodls/gomodls/internal/goenv"
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

// Upgrade returns the version to upgrade v to from a version list, given
// the level ("patch": the same minor; "minor" or "major": the same major,
// since a new major is a new module path), or "". retracted, if not nil,
// reports versions never to suggest.
func Upgrade(list []string, v, level string, prereleases bool, retracted func(string) bool) string {
	base := v
	if module.IsPseudoVersion(v) {
		if b, err := module.PseudoVersionBase(v); err == nil && b != "" {
			base = b
		} else {
			base = "v0.0.0"
		}
	}
	best := ""
	for _, x := range list {
		if semver.Major(x) != semver.Major(v) || (semver.Build(x) == "+incompatible") != (semver.Build(v) == "+incompatible") {
			continue
		}
		if semver.Prerelease(x) != "" && !prereleases && (semver.Prerelease(v) == "" || module.IsPseudoVersion(v)) {
			continue
		}
		if level == "patch" && semver.MajorMinor(x) != semver.MajorMinor(base) {
			continue
		}
		if semver.Compare(x, v) <= 0 || (module.IsPseudoVersion(v) && semver.Compare(x, base) <= 0) {
			continue
		}
		if retracted != nil && retracted(x) {
			continue
		}
		if best == "" || semver.Compare(x, best) > 0 {
			best = x
		}
	}
	return best
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

// internalLabels are host name labels that only resolve inside an
// organisation's network.
var internalLabels = map[string]bool{
	"corp": true, "internal": true, "local": true, "lan": true, "intranet": true,
	"private": true, "localdomain": true, "home": true, "priv": true,
}

// sharedHosts serve many unrelated owners: a GOPRIVATE pattern for them
// must name the owner (github.com/acme), never the host alone.
var sharedHosts = map[string]bool{
	"github.com": true, "gitlab.com": true, "bitbucket.org": true, "dev.azure.com": true,
	"codeberg.org": true, "gitee.com": true, "sr.ht": true, "git.sr.ht": true,
}

// EvidentlyPrivate says why path can only be resolved privately, or "".
func EvidentlyPrivate(path string) string {
	host, _, _ := strings.Cut(path, "/")
	if !strings.Contains(host, ".") {
		return "its first path element " + host + " has no dot, so no public proxy or repository can serve it"
	}
	h := host
	if hh, _, err := net.SplitHostPort(host); err == nil {
		h = hh
	}
	if net.ParseIP(h) != nil {
		return "its host " + h + " is an IP address"
	}
	if strings.HasSuffix(h, ".home.arpa") {
		return "its host " + h + " is in home.arpa, which only resolves locally"
	}
	for _, label := range strings.Split(h, ".") {
		if internalLabels[label] {
			return "its host " + h + " is an internal name (." + label + ")"
		}
	}
	return ""
}

// PrivatePattern returns the GOPRIVATE pattern to suggest for path: the
// owner on shared hosts (github.com/acme), the host otherwise.
func PrivatePattern(path string) string {
	elems := strings.Split(path, "/")
	if sharedHosts[elems[0]] && len(elems) > 1 {
		return elems[0] + "/" + elems[1]
	}
	return elems[0]
}

// Lookable reports whether path may be sent to the GOPROXY chain: a path
// GONOPROXY matches goes direct, as the user configured; an evidently
// private path that GONOPROXY does not match is never sent to a proxy by
// any gomodls feature, since that would leak it (the private analyzer
// explains it instead).
func Lookable(env *goenv.Env, path string) bool {
	if env == nil {
		return false
	}
	if _, ok := env.MatchNoProxy(path); ok {
		return true
	}
	return EvidentlyPrivate(path) == ""
}
