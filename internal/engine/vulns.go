// Copyright 2026 The gomodls Authors.

package engine

import (
	"sync"

	"github.com/gomodls/gomodls/internal/goenv"
	"github.com/gomodls/gomodls/internal/settings"
	"github.com/gomodls/gomodls/internal/vulndb"
	"github.com/gomodls/gomodls/internal/vulndb/osv"
)

// vulnClients keeps one vulnerability database client per GOVULNDB value
// and mode for the whole session: folders and views share its memory
// cache, so the index is read once.
type vulnClients struct {
	mu      sync.Mutex
	clients map[vulnKey]*vulndb.Client // nil value: GOVULNDB is unusable (already shown)
}

// vulnsFor returns the vulnerability database client for a folder's
// environment and settings, or nil when the check is off.
func (ss *Session) vulnsFor(env *goenv.Env, set *settings.Settings) osv.Source {
	if env == nil || set == nil || !set.Network || !set.Vulncheck {
		return nil
	}
	o := SourceOptions{Env: env, Settings: set, CacheDir: ss.cacheDir(), Logger: ss.log}
	key := vulnKeyOf(o)
	vc := &ss.vulns
	vc.mu.Lock()
	defer vc.mu.Unlock()
	c, ok := vc.clients[key]
	if !ok {
		if vc.clients == nil {
			vc.clients = map[vulnKey]*vulndb.Client{}
		}
		var err error
		c, err = openVulns(o)
		if err != nil {
			ss.client.ShowMessage(MessageWarning, "gomodls: known vulnerabilities are not checked: "+err.Error())
			c = nil
		}
		vc.clients[key] = c
	}
	if c == nil {
		return nil
	}
	return c
}

// invalidate makes every client ask its database again on the next check.
func (vc *vulnClients) invalidate() {
	vc.mu.Lock()
	defer vc.mu.Unlock()
	for _, c := range vc.clients {
		if c != nil {
			c.Invalidate()
		}
	}
}
