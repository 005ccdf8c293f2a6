// Copyright 2026 The gomodls Authors.

package goenv

import (
	"net"
	"strings"
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

// EvidentlyPrivate says why path can only be resolved privately, or "".
func EvidentlyPrivate(path string) string {
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

// PrivatePattern returns the GOPRIVATE pattern to suggest for path: the
// owner on shared hosts (github.com/acme), the host otherwise.
func PrivatePattern(path string) string {
	elems := strings.Split(path, "/")
	if sharedHosts[elems[0]] && len(elems) > 1 {
		return elems[0] + "/" + elems[1]
	}
	return elems[0]
}
