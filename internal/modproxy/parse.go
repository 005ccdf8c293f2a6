// Copyright 2026 The gomodls Authors.
// The parsing follows cmd/go/internal/modfetch/proxy.go, Copyright The Go
// Authors, BSD-style license.

package modproxy

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"

	"github.com/gomodls/gomodls/internal/modsource"
)

// listLine is one usable line of an @v/list answer (as parsed here;
// VersionList.Lines holds them in the contract's form).
type listLine struct {
	version string
	time    time.Time // the optional second field (RFC 3339), zero if absent or malformed
	hasTime bool
}

// parseList parses an @v/list body as the go command does: each line's
// first field counts if it is a valid semantic version; an optional second
// field is a timestamp (used only to pick the @latest pseudo-version).
func parseList(data []byte) []listLine {
	var out []listLine
	for line := range strings.SplitSeq(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) < 1 || !semver.IsValid(f[0]) {
			continue
		}
		l := listLine{version: f[0]}
		if len(f) >= 2 {
			l.hasTime = true
			l.time, _ = time.Parse(time.RFC3339, f[1])
		}
		out = append(out, l)
	}
	return out
}

// newVersionList builds a VersionList from parsed lines: Versions are the
// non-pseudo versions sorted by semver (as proxyRepo.Versions), Pseudo the
// pseudo-versions.
func newVersionList(path string, lines []listLine) *VersionList {
	l := &VersionList{Path: path, Versions: []string{}, Lines: make([]modsource.ListLine, len(lines))}
	for i, ln := range lines {
		l.Lines[i] = modsource.ListLine{Version: ln.version, Time: ln.time, HasTime: ln.hasTime}
	}
	for _, ln := range lines {
		if module.IsPseudoVersion(ln.version) {
			l.Pseudo = append(l.Pseudo, ln.version)
		} else {
			l.Versions = append(l.Versions, ln.version)
		}
	}
	semver.Sort(l.Versions)
	semver.Sort(l.Pseudo)
	l.Versions = slices.Compact(l.Versions)
	l.Pseudo = slices.Compact(l.Pseudo)
	return l
}

// latestTagged returns the highest release in versions (sorted by
// semver), else the highest prerelease; "" if versions is empty.
func latestTagged(versions []string) string {
	for _, v := range slices.Backward(versions) {
		if semver.Prerelease(v) == "" {
			return v
		}
	}
	if len(versions) > 0 {
		return versions[len(versions)-1]
	}
	return ""
}

// linesOf returns the lines of a list as parsed.
func linesOf(l *VersionList) []listLine {
	out := make([]listLine, len(l.Lines))
	for i, ln := range l.Lines {
		out[i] = listLine{version: ln.Version, time: ln.Time, hasTime: ln.HasTime}
	}
	return out
}

// latestFromList is proxyRepo.latestFromList: the newest pseudo-version by
// its timestamp (from the list when it has one, else from the version);
// tagged versions without a timestamp are ignored. "" if none.
func latestFromList(lines []listLine) string {
	var bestTime time.Time
	best := ""
	for _, l := range lines {
		var t time.Time
		switch {
		case l.hasTime:
			t = l.time
		case module.IsPseudoVersion(l.version):
			t, _ = module.PseudoVersionTime(l.version)
		default:
			continue
		}
		if bestTime.Before(t) {
			bestTime, best = t, l.version
		}
	}
	return best
}

// infoJSON is the .info document (cmd/go's RevInfo).
type infoJSON struct {
	Version string
	Time    time.Time
	Origin  *Origin `json:",omitempty"`
	// Name and Short are legacy fields some caches still carry.
	Name  string `json:",omitempty"`
	Short string `json:",omitempty"`
}

// parseInfo parses a .info or @latest answer.
func parseInfo(data []byte) (*Info, error) {
	var j infoJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return nil, err
	}
	if j.Version == "" {
		return nil, fmt.Errorf("no Version in %q", truncate(string(data), 80))
	}
	return &Info{Version: j.Version, Time: j.Time, Origin: j.Origin}, nil
}

// marshalInfo is what we store for an Info.
func marshalInfo(i *Info) []byte {
	data, _ := json.Marshal(infoJSON{Version: i.Version, Time: i.Time, Origin: i.Origin})
	return data
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
