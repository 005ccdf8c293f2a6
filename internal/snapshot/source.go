package snapshot

import (
	"context"

	"github.com/gomodls/gomodls/internal/modproxy"
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
