// Copyright 2026 The gomodls Authors.

package modsource

import (
	"slices"
	"time"
)

// Names of answer sources that are not proxies.
const (
	SourceModCache = "module cache"  // GOMODCACHE/cache/download
	SourceDisk     = "gomodls cache" // our persistent cache (Options.CacheDir)
	SourceDirect   = "direct"        // the module's origin (go-get meta tags, git ls-remote)
)

// Provenance says where an answer came from.
type Provenance struct {
	// Source is who answered: a proxy's redacted base URL,
	// SourceModCache, SourceDisk, or "direct" (with the repository, e.g.
	// "direct (git https://host/repo)" or "direct (mod https://proxy)").
	Source string `json:"source"`
	// CachedFrom is, for answers from our caches, who answered originally.
	CachedFrom string `json:"cachedFrom,omitempty"`
	// Fetched is when the answer came from the network (zero for the
	// module cache, whose files carry no such time).
	Fetched time.Time `json:"fetched,omitzero"`
	// Attempts are the failures of earlier GOPROXY entries before Source
	// answered (e.g. "proxy A: 404, answered by proxy B").
	Attempts []*Error `json:"attempts,omitempty"`
	// Unverified is set on answers given offline from a cache: .info, .mod
	// and zip hashes cannot change, but lists and @latest may be outdated.
	Unverified bool `json:"unverified,omitempty"`
	// Unchecked, when not empty, says why a direct (origin) lookup could
	// not confirm the answer without cloning the repository, e.g. for a
	// pseudo-version whose commit is not the tip of any branch or tag. The
	// answer is then the caller's own claim, neither confirmed nor refuted.
	Unchecked string `json:"unchecked,omitempty"`
}

// FellThrough describes the earlier attempts, e.g.
// "https://a: 404 Not Found (not-found)", or "" if there were none.
func (p *Provenance) FellThrough() string {
	if len(p.Attempts) == 0 {
		return ""
	}
	return explainAttempts(p.Attempts)
}

// Clone returns a copy of p that shares nothing mutable with it.
func (p Provenance) Clone() Provenance {
	p.Attempts = slices.Clone(p.Attempts)
	return p
}

// Info is a proxy's .info answer (cmd/go's RevInfo) for a module version.
type Info struct {
	Path    string    `json:"path"`
	Version string    `json:"version"`
	Time    time.Time `json:"time,omitzero"` // zero when a direct lookup could not tell
	// Origin is the VCS origin the proxy reported, if any.
	Origin *Origin `json:"origin,omitempty"`
	Provenance
}

// Origin is where a version came from (cmd/go's codehost.Origin, the
// fields proxies report).
type Origin struct {
	VCS    string `json:",omitempty"`
	URL    string `json:",omitempty"`
	Subdir string `json:",omitempty"`
	Hash   string `json:",omitempty"`
	Ref    string `json:",omitempty"`
}

// Clone returns a copy of i that shares nothing mutable with it.
func (i *Info) Clone() *Info {
	c := *i
	if i.Origin != nil {
		o := *i.Origin
		c.Origin = &o
	}
	c.Provenance = i.Provenance.Clone()
	return &c
}

// VersionList is a module's @v/list answer.
type VersionList struct {
	Path string `json:"path"`
	// Versions are the tagged versions, sorted by semver: every line whose
	// first field is a valid semantic version and not a pseudo-version, as
	// the go command keeps them.
	Versions []string `json:"versions"`
	// Pseudo are pseudo-versions the proxy listed (the go command uses them
	// for @latest when there is no tagged version), sorted.
	Pseudo []string `json:"pseudo,omitempty"`
	Provenance
	// Lines are the usable lines of the answer as listed, with their
	// optional timestamps: the go command picks the @latest pseudo-version
	// from them when nothing is tagged.
	Lines []ListLine `json:"-"`
}

// A ListLine is one usable line of an @v/list answer: a valid semantic
// version and the optional second field, a timestamp.
type ListLine struct {
	Version string
	Time    time.Time // zero if absent or malformed
	HasTime bool      // the line had a second field
}

// Clone returns a copy of l that shares nothing mutable with it.
func (l *VersionList) Clone() *VersionList {
	c := *l
	c.Versions = slices.Clone(l.Versions)
	c.Pseudo = slices.Clone(l.Pseudo)
	c.Provenance = l.Provenance.Clone()
	return &c
}

// Has reports whether version is in Versions or Pseudo.
func (l *VersionList) Has(version string) bool {
	return slices.Contains(l.Versions, version) || slices.Contains(l.Pseudo, version)
}

// GoModFile is a module version's go.mod as the proxy serves it.
type GoModFile struct {
	Path    string `json:"path"`
	Version string `json:"version"`
	Data    []byte `json:"-"`
	Provenance
}

// Clone returns a copy of g that shares nothing mutable with it.
func (g *GoModFile) Clone() *GoModFile {
	c := *g
	c.Data = slices.Clone(g.Data)
	c.Provenance = g.Provenance.Clone()
	return &c
}

// ZipHash is the h1: hash of a module version's zip (the go.sum line's hash).
type ZipHash struct {
	Path    string `json:"path"`
	Version string `json:"version"`
	Hash    string `json:"hash"`
	Provenance
}

// Clone returns a copy of z that shares nothing mutable with it.
func (z *ZipHash) Clone() *ZipHash {
	c := *z
	c.Provenance = z.Provenance.Clone()
	return &c
}
