// Copyright 2026 The gomodls Authors.

// Package modsource is the contract between gomodls' checks and the
// module source: the questions the network analyzers, hovers and
// completion ask about modules (versions, go.mod files, zip hashes), the
// answers with their provenance, and the classified errors, which render
// themselves into the words diagnostics quote.
//
// It is a leaf: it does no I/O and knows no implementation. Package
// internal/modproxy (the GOPROXY chain behind the module caches; its
// "direct" entries run internal/direct) implements Source, and
// internal/sumcheck adds go.sum hashes to it (see package checksum); the
// snapshot, the analyzers and the features import only this package.
package modsource

import "context"

// Source answers questions about modules for the network analyzers. Every
// method honours ctx and returns an *Error that classifies a failure. An
// implementation must never send a path matched by GONOPROXY to a proxy,
// nor one matched by GONOSUMDB to a checksum database.
type Source interface {
	// Info returns the .info of path@version (a canonical version).
	Info(ctx context.Context, path, version string) (*Info, error)
	// GoMod returns the go.mod of path@version as it is served.
	GoMod(ctx context.Context, path, version string) (*GoModFile, error)
	// Versions returns the module's version list.
	Versions(ctx context.Context, path string) (*VersionList, error)
	// Latest answers path@latest as `go list -m path@latest` does.
	Latest(ctx context.Context, path string) (*Info, error)
	// ZipHash returns the h1: hash of path@version's zip.
	ZipHash(ctx context.Context, path, version string) (*ZipHash, error)
}
