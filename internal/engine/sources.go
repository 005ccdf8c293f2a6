// Copyright 2026 The gomodls Authors.

package engine

import (
	"time"

	"go.uber.org/zap"

	"github.com/gomodls/gomodls/internal/checksum"
	"github.com/gomodls/gomodls/internal/goenv"
	"github.com/gomodls/gomodls/internal/modproxy"
	"github.com/gomodls/gomodls/internal/settings"
	"github.com/gomodls/gomodls/internal/snapshot"
	"github.com/gomodls/gomodls/internal/sumcheck"
	"github.com/gomodls/gomodls/internal/vulndb"
	"github.com/gomodls/gomodls/internal/vulndb/osv"
)

// DefaultCacheDir returns gomodls' persistent cache directory,
// os.UserCacheDir()/gomodls.
func DefaultCacheDir() (string, error) { return modproxy.DefaultCacheDir() }

// SourceOptions are what the sources of a check depend on: the effective
// Go environment, the settings (network, offline, timeouts, concurrency,
// list TTL, vulncheck), gomodls' cache directory ("" keeps answers in
// memory only) and the logger (nil discards).
type SourceOptions struct {
	Env      *goenv.Env
	Settings *settings.Settings
	CacheDir string
	Logger   *zap.Logger
}

// Sources are what the checks read beyond the files: the module source
// (the GOPROXY chain behind the module caches, with the checksum
// database's go.sum hashes) and the Go vulnerability database.
type Sources struct {
	// Modules is nil when the network checks are off.
	Modules snapshot.Source
	// Sums is the go.sum source of Modules (nil with it).
	Sums checksum.Source
	// Vulns is nil when the vulnerability checks are off.
	Vulns osv.Source
}

// OpenSources builds the sources for o: the one constructor of the module
// source and of the vulnerability database client, for the CLI and the
// server alike (the server keeps one vulnerability database client per
// GOVULNDB for all its folders).
func OpenSources(o SourceOptions) (*Sources, error) {
	var s Sources
	if o.Env == nil || o.Settings == nil || !o.Settings.Network {
		return &s, nil
	}
	if o.Settings.Vulncheck {
		c, err := openVulns(o)
		if err != nil {
			return nil, err
		}
		s.Vulns = c
	}
	m, err := openModules(o)
	if err != nil {
		return nil, err
	}
	s.Modules, s.Sums = m, m
	return &s, nil
}

// openModules builds the module source of o.
func openModules(o SourceOptions) (*sumcheck.Source, error) {
	set, log := o.Settings, o.Logger
	if log == nil {
		log = zap.NewNop()
	}
	return sumcheck.New(modproxy.Options{
		Env:                o.Env,
		RequestTimeout:     set.RequestTimeout.D(),
		ProxyDeadline:      set.ProxyDeadline.D(),
		PerHostConcurrency: set.Concurrency,
		ListTTL:            set.ListTTL.D(),
		Offline:            set.Offline,
		CacheDir:           o.CacheDir,
		PublicProxies:      set.PublicProxies,
		Logger:             log.Named("modproxy"),
	})
}

// vulnKey is what a vulnerability database client of o depends on.
type vulnKey struct {
	url      string
	offline  bool
	timeout  time.Duration
	ttl      time.Duration
	cacheDir string
}

func vulnKeyOf(o SourceOptions) vulnKey {
	return vulnKey{
		url:      o.Env.Get("GOVULNDB"),
		offline:  o.Settings.Offline || o.Env.Offline(),
		timeout:  2 * o.Settings.RequestTimeout.D(),
		ttl:      o.Settings.ListTTL.D(),
		cacheDir: o.CacheDir,
	}
}

// openVulns builds the vulnerability database client of o.
func openVulns(o SourceOptions) (*vulndb.Client, error) {
	k := vulnKeyOf(o)
	return vulndb.New(vulndb.Options{URL: k.url, CacheDir: k.cacheDir, Offline: k.offline, RequestTimeout: k.timeout, TTL: k.ttl})
}
