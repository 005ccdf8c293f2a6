package snapshot

import (
	"context"

	"golang.org/x/mod/module"

	"github.com/gomodls/gomodls/internal/modproxy"
	"github.com/gomodls/gomodls/internal/sumcheck"
)

// Source answers questions about modules for the network analyzers: the
// GOPROXY chain behind the module caches (package internal/modproxy), and
// the checksum database. Every method honours ctx and returns a
// *modproxy.Error that classifies a failure. An implementation must never
// send a path matched by GONOPROXY to a proxy, nor one matched by GONOSUMDB
// to a checksum database.
type Source interface {
	Info(ctx context.Context, path, version string) (*modproxy.Info, error)
	GoMod(ctx context.Context, path, version string) (*modproxy.GoModFile, error)
	Versions(ctx context.Context, path string) (*modproxy.VersionList, error)
	Latest(ctx context.Context, path string) (*modproxy.Info, error)
	ZipHash(ctx context.Context, path, version string) (*modproxy.ZipHash, error)
}

var _ Source = (*modproxy.Client)(nil)

// SumSource answers the go.sum questions of the analyzers: which hashes
// go.sum must hold, from the checksum database or (for modules it may not
// be asked about) hashed from what the proxy serves. *sumcheck.Source
// implements it; Build takes it from the Source when the Source does.
type SumSource interface {
	// Sums returns the go.sum hashes of path@version; mode bounds the work
	// (see sumcheck.Mode). Errors are *sumcheck.Error or *modproxy.Error.
	Sums(ctx context.Context, path, version string, mode sumcheck.Mode) (*sumcheck.Sums, error)
	// CachedSums is Sums from memory and disk caches only, for local
	// analyzers that must not wait for the network; nil when not cached.
	CachedSums(path, version string) *sumcheck.Sums
	// Preload answers what the caches can for mods in one pass, without
	// the network, so that the Sums and CachedSums calls that follow are
	// cheap (a warm check of a large go.sum).
	Preload(mods []module.Version)
}

var _ SumSource = (*sumcheck.Source)(nil)
