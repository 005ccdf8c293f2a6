// Copyright 2026 The gomodls Authors.
// GOVCS follows cmd/go/internal/vcs (parseGOVCS, checkGOVCS), Copyright
// The Go Authors, BSD-style license.

package direct

import (
	"fmt"
	"strings"

	"golang.org/x/mod/module"
)

type govcsRule struct {
	pattern string
	allowed []string
}

// defaultGOVCS is appended to every GOVCS: any VCS for private paths, git
// and hg for public ones.
var defaultGOVCS = []govcsRule{
	{"private", []string{"all"}},
	{"public", []string{"git", "hg"}},
}

// parseGOVCS parses GOVCS ("pattern:vcs|vcs,..."), as the go command does.
func parseGOVCS(s string) ([]govcsRule, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	var cfg []govcsRule
	have := make(map[string]string)
	for item := range strings.SplitSeq(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			return nil, fmt.Errorf("empty entry in GOVCS")
		}
		pattern, list, found := strings.Cut(item, ":")
		if !found {
			return nil, fmt.Errorf("malformed entry in GOVCS (missing colon): %q", item)
		}
		pattern, list = strings.TrimSpace(pattern), strings.TrimSpace(list)
		if pattern == "" {
			return nil, fmt.Errorf("empty pattern in GOVCS: %q", item)
		}
		if list == "" {
			return nil, fmt.Errorf("empty VCS list in GOVCS: %q", item)
		}
		if pattern == "." || pattern == ".." || strings.HasPrefix(pattern, "./") || strings.HasPrefix(pattern, "../") {
			return nil, fmt.Errorf("relative pattern not allowed in GOVCS: %q", pattern)
		}
		if old := have[pattern]; old != "" {
			return nil, fmt.Errorf("unreachable pattern in GOVCS: %q after %q", item, old)
		}
		have[pattern] = item
		allowed := strings.Split(list, "|")
		for i, a := range allowed {
			a = strings.TrimSpace(a)
			if a == "" {
				return nil, fmt.Errorf("empty VCS name in GOVCS: %q", item)
			}
			allowed[i] = a
		}
		cfg = append(cfg, govcsRule{pattern, allowed})
	}
	return cfg, nil
}

func govcsAllow(cfg []govcsRule, path string, private bool, vcs string) bool {
	for _, rule := range cfg {
		var match bool
		switch rule.pattern {
		case "private":
			match = private
		case "public":
			match = !private
		default:
			match = module.MatchPrefixPatterns(rule.pattern, path)
		}
		if !match {
			continue
		}
		for _, a := range rule.allowed {
			if a == vcs || a == "all" {
				return true
			}
		}
		return false
	}
	return false
}

// checkGOVCS reports whether GOVCS lets the go command use vcs for the
// repository rooted at root ("mod" entries are always allowed).
func (d *Resolver) checkGOVCS(vcs, root string) error {
	if vcs == "mod" {
		return nil
	}
	cfg, err := parseGOVCS(d.env.Get("GOVCS"))
	if err != nil {
		return err
	}
	cfg = append(cfg, defaultGOVCS...)
	_, private := d.env.MatchPrivate(root)
	if !govcsAllow(cfg, root, private, vcs) {
		what := "public"
		if private {
			what = "private"
		}
		return fmt.Errorf("GOVCS disallows using %s for %s %s; see 'go help vcs'", vcs, what, root)
	}
	return nil
}
