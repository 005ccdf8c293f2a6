package analyzers

import (
	"strings"

	"github.com/gomodls/gomodls/internal/goenv"
)

// privateHosts indexes the modules of a snapshot that GOPRIVATE matches
// by their private pattern (goenv.PrivatePattern: the host, or the owner on
// shared hosts), so that "another module on this host is private" is one
// lookup, not a scan of every require (go.mod files can have thousands).
type privateHosts map[string][]string

func newPrivateHosts(env *goenv.Env, uses []modUse) privateHosts {
	h := privateHosts{}
	if env == nil {
		return h
	}
	for _, u := range uses {
		if _, ok := env.MatchPrivate(u.mod.Path); !ok {
			continue
		}
		pat := goenv.PrivatePattern(u.mod.Path)
		// Two distinct paths suffice to name one other than any path.
		if list := h[pat]; len(list) < 2 && (len(list) == 0 || list[0] != u.mod.Path) {
			h[pat] = append(list, u.mod.Path)
		}
	}
	return h
}

// sharedWith returns a GOPRIVATE-matched module, other than path, under the
// same private pattern as path, or "".
func (h privateHosts) sharedWith(path string) string {
	for _, other := range h[goenv.PrivatePattern(path)] {
		if other != path {
			return other
		}
	}
	return ""
}

// privateRefusal reports whether a public proxy's answer text says the
// origin wanted credentials: what proxy.golang.org answers for private
// GitHub repositories ("could not read Username", "terminal prompts
// disabled"). A filtered mirror's refusal ("not available", "host not
// permitted") and a name that does not resolve ("unrecognized import
// path") say nothing about privacy: a typo gets the same answer.
func privateRefusal(text string) bool {
	t := strings.ToLower(text)
	for _, s := range []string{"could not read username", "terminal prompts disabled", "authentication required", "permission denied"} {
		if strings.Contains(t, s) {
			return true
		}
	}
	return false
}
