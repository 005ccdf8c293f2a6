package analyzers

import (
	"net/url"
	"strings"

	"github.com/gomodls/gomodls/internal/goenv"
	"github.com/gomodls/gomodls/internal/snapshot"
)

// sharesPrivateHost returns a module of the snapshot that GOPRIVATE matches
// and that lives under the same pattern as path, or "".
func sharesPrivateHost(env *goenv.Env, uses []modUse, path string) string {
	pat := goenv.PrivatePattern(path)
	for _, u := range uses {
		if u.mod.Path == path {
			continue
		}
		if _, ok := env.MatchPrivate(u.mod.Path); ok && goenv.PrivatePattern(u.mod.Path) == pat {
			return u.mod.Path
		}
	}
	return ""
}

// isPublicProxy reports whether a proxy (redacted URL) is one of the public
// mirrors that must never see private module paths.
func isPublicProxy(snap *snapshot.Snapshot, proxy string) bool {
	pu, err := url.Parse(proxy)
	if err != nil || pu.Host == "" {
		return false
	}
	for _, p := range snap.Settings.PublicProxies {
		u, err := url.Parse(p)
		if err == nil && strings.EqualFold(u.Host, pu.Host) && strings.TrimSuffix(u.Path, "/") == strings.TrimSuffix(pu.Path, "/") {
			return true
		}
	}
	return false
}

// privateRefusal reports whether a public proxy's answer text says the
// repository exists but needs credentials: what proxy.golang.org answers for
// private GitHub repositories ("could not read Username", "terminal prompts
// disabled").
func privateRefusal(text string) bool {
	t := strings.ToLower(text)
	for _, s := range []string{"could not read username", "terminal prompts disabled", "authentication required", "repository not found", "permission denied", "not permitted", "host not allowed", "unrecognized import path"} {
		if strings.Contains(t, s) {
			return true
		}
	}
	return false
}
