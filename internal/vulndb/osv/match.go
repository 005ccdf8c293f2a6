// Copyright 2026 The gomodls Authors.
// The version semantics follow golang.org/x/vuln (internal/semver),
// Copyright The Go Authors, BSD-style license.

package osv

import (
	"slices"
	"strings"
	"time"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
)

// Module paths the database uses for Go itself.
const (
	// StdlibModule is the module name of the standard library's packages.
	StdlibModule = "stdlib"
	// ToolchainModule is the module name of the go command (cmd/go).
	ToolchainModule = "toolchain"
)

// canonical turns a database version ("1.2.3"), a module version
// ("v1.2.3") or a Go-prefixed one ("go1.2.3") into the "v" form that
// golang.org/x/mod/semver compares, as govulncheck does.
func canonical(v string) string {
	v = strings.TrimPrefix(v, "v")
	v = strings.TrimPrefix(v, "go")
	return "v" + v
}

// less reports whether a < b, each in any form canonical accepts.
func less(a, b string) bool { return semver.Compare(canonical(a), canonical(b)) < 0 }

// GoToSemver converts a Go release name as GOVERSION, go lines and
// toolchain lines spell it ("go1.22.3", "go1.22", "go1.21rc2",
// "go1.9beta1", "go1.22.3 X:boringcrypto", "go1.22.3-corp") to the
// semantic version the database uses for stdlib and toolchain ("v1.22.3",
// "v1.22.0", "v1.21.0-rc.2", "v1.9.0-beta.1"). It returns "" for what is
// not a release ("devel go1.23-abc", "go1.0").
func GoToSemver(name string) string {
	fields := strings.Fields(name)
	if len(fields) == 0 {
		return ""
	}
	v, ok := strings.CutPrefix(fields[0], "go")
	if !ok {
		return ""
	}
	if i := strings.IndexByte(v, '-'); i >= 0 {
		v = v[:i] // a vendor suffix: go1.22.3-corp
	}
	if v == "1" {
		return "v1.0.0"
	}
	pre := ""
	for _, kind := range []string{"rc", "beta"} {
		if i := strings.Index(v, kind); i > 0 {
			n := v[i+len(kind):]
			if !allDigits(n) {
				return ""
			}
			v, pre = v[:i], "-"+kind+"."+n
			break
		}
	}
	parts := strings.Split(v, ".")
	if len(parts) < 2 || len(parts) > 3 || (pre != "" && len(parts) == 3) {
		return "" // patch releases have no prereleases (go/version, internal/gover)
	}
	for _, p := range parts {
		if !allDigits(p) || (len(p) > 1 && p[0] == '0') {
			return ""
		}
	}
	if parts[0] == "1" && parts[1] == "0" {
		return "" // there was no go1.0
	}
	if len(parts) == 2 {
		parts = append(parts, "0")
	}
	out := "v" + strings.Join(parts, ".") + pre
	if !semver.IsValid(out) {
		return ""
	}
	return out
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// SemverToGo is the inverse of GoToSemver for display: "v1.22.5" →
// "go1.22.5", "v1.20.0" → "go1.20" (releases before Go 1.21 had no .0),
// "v1.22.0-rc.1" → "go1.22rc1". Database versions without "v" are
// accepted; "" is returned for what is not a version.
func SemverToGo(v string) string {
	c := semver.Canonical(canonical(v))
	if c == "" {
		return ""
	}
	pre := semver.Prerelease(c)
	parts := strings.Split(strings.TrimSuffix(strings.TrimPrefix(c, "v"), pre), ".")
	switch {
	case pre != "":
		return "go" + parts[0] + "." + parts[1] + strings.ReplaceAll(pre[1:], ".", "")
	case c == "v1.0.0":
		return "go1"
	case parts[2] == "0" && semver.Compare(c, "v1.21.0") < 0:
		return "go" + parts[0] + "." + parts[1]
	}
	return "go" + strings.Join(parts, ".")
}

// contains reports whether version (any prefix form) lies in the range:
// from an introduced event (inclusive) to the next fixed one (exclusive),
// events taken in version order with "0" first. A range without events
// contains every version; one of another type contains none.
func (r Range) contains(version string) bool {
	if r.Type != RangeSemver {
		return false
	}
	if len(r.Events) == 0 {
		return true
	}
	events := r.ordered()
	v := canonical(version)
	affected := false
	for _, e := range events {
		switch {
		case !affected && e.Introduced != "":
			affected = e.Introduced == "0" || semver.Compare(v, e.Introduced) >= 0
		case affected && e.Fixed != "":
			affected = semver.Compare(v, e.Fixed) < 0
		}
	}
	return affected
}

// ordered returns the range's events as sortedEvents does, computed once
// by ParseEntry.
func (r Range) ordered() []Event {
	if r.sorted != nil {
		return r.sorted
	}
	return sortedEvents(r.Events)
}

// sortedEvents returns the events that set a version, with canonical
// versions ("0" stays "0"), ordered by version with "introduced": "0"
// first.
func sortedEvents(events []Event) []Event {
	out := make([]Event, 0, len(events))
	for _, e := range events {
		switch {
		case e.Introduced == "0":
			out = append(out, e)
		case e.Introduced != "":
			out = append(out, Event{Introduced: canonical(e.Introduced)})
		case e.Fixed != "":
			out = append(out, Event{Fixed: canonical(e.Fixed)})
		}
	}
	key := func(e Event) string {
		if e.Introduced != "" {
			return e.Introduced
		}
		return e.Fixed
	}
	slices.SortStableFunc(out, func(a, b Event) int {
		ka, kb := key(a), key(b)
		switch {
		case ka == "0" && kb == "0":
			return 0
		case ka == "0":
			return -1
		case kb == "0":
			return 1
		}
		return semver.Compare(ka, kb)
	})
	return out
}

// affects reports whether the affected element covers version: with no
// ranges, or no SEMVER range, every version is affected (as govulncheck
// reads the database); otherwise a SEMVER range must contain it.
func (a Affected) affects(version string) bool {
	if len(a.Ranges) == 0 {
		return true
	}
	semverRange := false
	for _, r := range a.Ranges {
		if r.Type != RangeSemver {
			continue
		}
		semverRange = true
		if r.contains(version) {
			return true
		}
	}
	return !semverRange
}

// Affects reports whether the entry describes a vulnerability of module
// path at version (a module version, "v1.2.3", or for stdlib and
// toolchain a semantic Go version from GoToSemver). Withdrawal is not
// considered; see IsWithdrawn.
func (e *Entry) Affects(path, version string) bool {
	for _, a := range e.Affected {
		if a.Package.Name == path && a.affects(version) {
			return true
		}
	}
	return false
}

// AffectingAny returns the entries of list, each once, that affect any of
// the module paths at version and were not withdrawn by now: for a Go
// release, "stdlib" and "toolchain".
func AffectingAny(list []*Entry, version string, now time.Time, paths ...string) []*Entry {
	var out []*Entry
	seen := map[string]bool{}
	for _, e := range list {
		if !seen[e.ID] && affectsAny([]*Entry{e}, paths, version, now) {
			seen[e.ID] = true
			out = append(out, e)
		}
	}
	return out
}

// Fixed returns the version ("v" form) that ends the affected range
// holding version for module path: the lowest fixed event above it. It
// returns "" when version is not affected or no fix is known.
func (e *Entry) Fixed(path, version string) string {
	best := ""
	for _, a := range e.Affected {
		if a.Package.Name != path {
			continue
		}
		for _, r := range a.Ranges {
			if !r.contains(version) {
				continue
			}
			v := canonical(version)
			for _, ev := range r.ordered() {
				if ev.Fixed != "" && semver.Compare(v, ev.Fixed) < 0 {
					if best == "" || semver.Compare(ev.Fixed, best) < 0 {
						best = ev.Fixed
					}
					break
				}
			}
		}
	}
	return best
}

// Affecting returns the entries of list that affect module path at
// version and were not withdrawn by now.
func Affecting(list []*Entry, path, version string, now time.Time) []*Entry {
	var out []*Entry
	for _, e := range list {
		if !e.IsWithdrawn(now) && e.Affects(path, version) {
			out = append(out, e)
		}
	}
	return out
}

// LowestFixed returns the lowest version above version, in its major
// version, that none of the entries affects for any of the module paths
// (one module, or "stdlib" and "toolchain" for a Go release): the upgrade
// that fixes every known vulnerability at once. Candidates are known (the
// module's versions from a proxy; nil when unknown) and the fixed events of
// the entries, which name real versions, often pseudo-versions. allow, if
// set, rejects candidates (retracted versions). Prereleases are candidates
// only when version is one; a pseudo-version only when no tagged version
// qualifies. It returns "" when no candidate is free of known
// vulnerabilities.
func LowestFixed(entries []*Entry, version string, known []string, allow func(string) bool, now time.Time, paths ...string) string {
	version = canonical(version)
	cands := slices.Clone(known)
	for _, e := range entries {
		for _, a := range e.Affected {
			if !slices.Contains(paths, a.Package.Name) {
				continue
			}
			for _, r := range a.Ranges {
				if r.Type != RangeSemver {
					continue
				}
				for _, ev := range r.Events {
					if ev.Fixed != "" {
						cands = append(cands, canonical(ev.Fixed))
					}
				}
			}
		}
	}
	major, incompatible := semver.Major(version), semver.Build(version) == "+incompatible"
	pre := semver.Prerelease(version) != ""
	for _, pseudo := range []bool{false, true} {
		best := ""
		for _, c := range cands {
			c = canonical(c)
			if !semver.IsValid(c) || semver.Compare(c, version) <= 0 || semver.Major(c) != major || (semver.Build(c) == "+incompatible") != incompatible {
				continue
			}
			if module.IsPseudoVersion(c) != pseudo || (!pseudo && !pre && semver.Prerelease(c) != "") {
				continue
			}
			if best != "" && semver.Compare(c, best) >= 0 {
				continue
			}
			if allow != nil && !allow(c) {
				continue
			}
			if affectsAny(entries, paths, c, now) {
				continue
			}
			best = c
		}
		if best != "" {
			return best
		}
	}
	return ""
}

func affectsAny(entries []*Entry, paths []string, version string, now time.Time) bool {
	for _, e := range entries {
		if e.IsWithdrawn(now) {
			continue
		}
		for _, p := range paths {
			if e.Affects(p, version) {
				return true
			}
		}
	}
	return false
}

// latestFixed is the index's "fixed" for the ranges of one module: the
// highest fixed event, or "" when the vulnerability is reintroduced after
// it (or never fixed), so that a client may skip the entry for versions
// at or above it.
func latestFixed(ranges []Range) string {
	fixed := ""
	for _, r := range ranges {
		if r.Type != RangeSemver {
			continue
		}
		for _, ev := range r.Events {
			if ev.Fixed != "" && (fixed == "" || less(fixed, ev.Fixed)) {
				fixed = ev.Fixed
			}
		}
	}
	for _, r := range ranges {
		if r.Type != RangeSemver {
			continue
		}
		for _, ev := range r.Events {
			if ev.Introduced != "" && ev.Introduced != "0" && (fixed == "" || !less(ev.Introduced, fixed)) {
				return ""
			}
		}
	}
	return strings.TrimPrefix(fixed, "v")
}
