package analyzers

import (
	"net"
	"net/url"
	"strings"

	"github.com/gomodls/gomodls/internal/goenv"
	"github.com/gomodls/gomodls/internal/snapshot"
)

// internalLabels are host name labels that only resolve inside an
// organisation's network.
var internalLabels = map[string]bool{
	"corp": true, "internal": true, "local": true, "lan": true, "intranet": true,
	"private": true, "localdomain": true, "home": true, "priv": true,
}

// sharedHosts serve many unrelated owners: a GOPRIVATE pattern for them
// must name the owner (github.com/acme), never the host alone.
var sharedHosts = map[string]bool{
	"github.com": true, "gitlab.com": true, "bitbucket.org": true, "dev.azure.com": true,
	"codeberg.org": true, "gitee.com": true, "sr.ht": true, "git.sr.ht": true,
}

// evidentlyPrivate says why path can only be resolved privately, or "".
func evidentlyPrivate(path string) string {
	host, _, _ := strings.Cut(path, "/")
	if !strings.Contains(host, ".") {
		return "its first path element " + host + " has no dot, so no public proxy or repository can serve it"
	}
	h := host
	if hh, _, err := net.SplitHostPort(host); err == nil {
		h = hh
	}
	if net.ParseIP(h) != nil {
		return "its host " + h + " is an IP address"
	}
	if strings.HasSuffix(h, ".home.arpa") {
		return "its host " + h + " is in home.arpa, which only resolves locally"
	}
	for _, label := range strings.Split(h, ".") {
		if internalLabels[label] {
			return "its host " + h + " is an internal name (." + label + ")"
		}
	}
	return ""
}

// privatePattern returns the GOPRIVATE pattern to suggest for path: the
// owner on shared hosts (github.com/acme), the host otherwise.
func privatePattern(path string) string {
	elems := strings.Split(path, "/")
	if sharedHosts[elems[0]] && len(elems) > 1 {
		return elems[0] + "/" + elems[1]
	}
	return elems[0]
}

// sharesPrivateHost returns a module of the snapshot that GOPRIVATE matches
// and that lives under the same pattern as path, or "".
func sharesPrivateHost(env *goenv.Env, uses []modUse, path string) string {
	pat := privatePattern(path)
	for _, u := range uses {
		if u.mod.Path == path {
			continue
		}
		if _, ok := env.MatchPrivate(u.mod.Path); ok && privatePattern(u.mod.Path) == pat {
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
