// Copyright 2026 The gomodls Authors.

// Package checksum is the contract between gomodls' checks and the go.sum
// source: the questions the go.sum analyzers and fixes ask (which hashes
// go.sum must hold for a module version, and how much work may be done to
// learn them), the answers, and the classified errors of the checksum
// database, which describe themselves.
//
// It is a leaf beside package modsource: it does no I/O and knows no
// implementation. Package internal/sumcheck implements Source.
package checksum

import (
	"context"
	"fmt"
	"strings"

	"golang.org/x/mod/module"
)

// Source answers the go.sum questions of the analyzers: which hashes
// go.sum must hold, from the checksum database or (for modules it may not
// be asked about) hashed from what the proxy serves. Build takes it from
// the snapshot's module source when that implements it.
type Source interface {
	// Sums returns the go.sum hashes of path@version; mode bounds the work
	// (see Mode). Errors are *Error or *modsource.Error.
	Sums(ctx context.Context, path, version string, mode Mode) (*Sums, error)
	// CachedSums is Sums from memory and disk caches only, for local
	// analyzers that must not wait for the network; nil when not cached.
	CachedSums(path, version string) *Sums
	// Preload answers what the caches can for mods in one pass, without
	// the network, so that the Sums and CachedSums calls that follow are
	// cheap (a warm check of a large go.sum).
	Preload(mods []module.Version)
}

// Mode says how much work Sums may do.
type Mode int

const (
	// Verify asks the checksum database (when it may be asked) and reads
	// hashes of content already in the module cache or gomodls' cache:
	// enough to check existing go.sum lines, without downloading modules.
	Verify Mode = iota
	// GoModLine also fetches the go.mod through the GOPROXY chain: to hash
	// it when the database may not be asked, and to corroborate the
	// database's go.mod hash otherwise. For adding a /go.mod line.
	GoModLine
	// ZipLine also hashes the zip when the database may not be asked,
	// downloading it if no cache has it. For adding a zip line.
	ZipLine
	// Download hashes the zip in every case, downloading it through the
	// GOPROXY chain if no cache has it: what the go command would download
	// is compared with the database and go.sum (gomodls check -verify).
	// A zip that cannot be had is ZipErr.
	Download
)

// Sums holds the go.sum hashes of one module version.
type Sums struct {
	Path, Version string
	// GoMod and Zip are the hashes go.sum should hold (h1:..., "" when
	// unknown): when Verified, what the checksum database records;
	// otherwise the hashes of the content served (ServedGoMod, ServedZip).
	GoMod, Zip string
	// Verified is set when the hashes come from the checksum database DB.
	Verified bool
	DB       string
	// Excluded says why the database was not asked: "GOSUMDB=off",
	// "GONOSUMDB pattern P" or "GOPRIVATE pattern P".
	Excluded string
	// ServedGoMod and ServedZip are hashes of the content actually served
	// or downloaded, when known (see Mode), and ServedGoModFrom and
	// ServedZipFrom who served it (a proxy's URL, "module cache",
	// "gomodls cache"). When they differ from Verified hashes, the go
	// command's download would fail verification.
	ServedGoMod, ServedZip         string
	ServedGoModFrom, ServedZipFrom string
	// ZipErr says why a zip hash asked for (ZipLine) could not be had.
	ZipErr error
}

// Lines returns the go.sum lines known: the zip line (if zip and known),
// then the /go.mod line (if known).
func (s *Sums) Lines(zip bool) []string {
	var out []string
	if zip && s.Zip != "" {
		out = append(out, s.Path+" "+s.Version+" "+s.Zip)
	}
	if s.GoMod != "" {
		out = append(out, s.Path+" "+s.Version+"/go.mod "+s.GoMod)
	}
	return out
}

// Conflict describes served content that disagrees with the database, ""
// if there is none known. Lines with a conflict must not be added to
// go.sum: the go command would refuse the download (or the database is
// lying).
func (s *Sums) Conflict() string {
	if !s.Verified {
		return ""
	}
	var parts []string
	if s.ServedGoMod != "" && s.ServedGoMod != s.GoMod {
		parts = append(parts, fmt.Sprintf("the go.mod served by %s has %s, %s records %s", s.ServedGoModFrom, s.ServedGoMod, s.DB, s.GoMod))
	}
	if s.ServedZip != "" && s.ServedZip != s.Zip {
		parts = append(parts, fmt.Sprintf("the zip in the %s has %s, %s records %s", s.ServedZipFrom, s.ServedZip, s.DB, s.Zip))
	}
	return strings.Join(parts, "; ")
}

// Origin says where the hashes come from, for messages: "verified by
// sum.golang.org", or "computed from what https://proxy serves (GONOSUMDB
// pattern P)".
func (s *Sums) Origin() string {
	if s.Verified {
		return "verified by " + s.DB
	}
	from := s.ServedGoModFrom
	if from == "" {
		from = s.ServedZipFrom
	}
	return fmt.Sprintf("computed from what %s serves (not verified: %s)", from, s.Excluded)
}

// Clone returns a copy of s.
func (s *Sums) Clone() *Sums {
	c := *s
	return &c
}
