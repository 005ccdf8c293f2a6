// Copyright 2026 The gomodls Authors.

package goenv

import (
	"strings"

	"golang.org/x/mod/module"
)

// splitPatterns splits a GOPRIVATE-style list into its comma-separated
// elements, untrimmed, dropping empty ones (which never match).
func splitPatterns(list string) []string {
	var out []string
	for _, g := range strings.Split(list, ",") {
		if g != "" {
			out = append(out, g)
		}
	}
	return out
}

// pattern is one list element prepared for matching.
type pattern struct {
	raw string // as written; what Match* functions return
	// literal is raw without its trailing '/', set when raw has no glob
	// metacharacters: then matching is a string comparison.
	literal   string
	isLiteral bool
}

func compilePatterns(list string) []pattern {
	var out []pattern
	for _, g := range splitPatterns(list) {
		p := pattern{raw: g}
		if !strings.ContainsAny(g, "*?[\\") {
			p.literal, p.isLiteral = strings.TrimSuffix(g, "/"), true
		}
		out = append(out, p)
	}
	return out
}

// matchElems reports the first element that matches path. The answer is
// identical to module.MatchPrefixPatterns on the whole list (FuzzMatchPattern
// checks it); we add which pattern matched. For a literal element,
// MatchPrefixPatterns compares it with the path cut after as many elements
// as the pattern has, which is "equal, or a prefix ending at a '/'".
func matchElems(elems []pattern, path string) (string, bool) {
	for _, g := range elems {
		if g.isLiteral {
			if g.literal != "" && strings.HasPrefix(path, g.literal) && (len(path) == len(g.literal) || path[len(g.literal)] == '/') {
				return g.raw, true
			}
			continue
		}
		if module.MatchPrefixPatterns(g.raw, path) {
			return g.raw, true
		}
	}
	return "", false
}

// MatchPattern reports which element of the comma-separated glob list
// matches the module path, with golang.org/x/mod/module.MatchPrefixPatterns
// semantics (case-sensitive, elements not trimmed, a pattern matches the
// path and anything below it). The pattern is returned as written.
func MatchPattern(list, path string) (pattern string, ok bool) {
	return matchElems(compilePatterns(list), path)
}

// MatchPrivate reports the GOPRIVATE pattern matching path.
func (e *Env) MatchPrivate(path string) (string, bool) { return matchElems(e.private, path) }

// MatchNoProxy reports the GONOPROXY pattern (GOPRIVATE by default)
// matching path: such modules are always fetched directly, never from a proxy.
func (e *Env) MatchNoProxy(path string) (string, bool) { return matchElems(e.noProxy, path) }

// MatchNoSumDB reports the GONOSUMDB pattern (GOPRIVATE by default) matching
// path: such modules are never looked up in the checksum database.
func (e *Env) MatchNoSumDB(path string) (string, bool) { return matchElems(e.noSumDB, path) }

// MatchInsecure reports the GOINSECURE pattern matching path.
func (e *Env) MatchInsecure(path string) (string, bool) { return matchElems(e.insecure, path) }

// UseSumDB reports whether the go command would consult the checksum
// database for the module path (cmd/go/internal/modfetch.useSumDB).
// Toolchain downloads always use it (GOSUMDB=off then fails), except when
// GOPROXY is a single file:// URL.
func (e *Env) UseSumDB(path string) bool {
	if path == "golang.org/toolchain" {
		gp := e.Get("GOPROXY")
		if !(strings.HasPrefix(gp, "file://") && !strings.ContainsAny(gp, ",|")) {
			return true
		}
	}
	if e.Get("GOSUMDB") == "off" {
		return false
	}
	_, matched := e.MatchNoSumDB(path)
	return !matched
}
