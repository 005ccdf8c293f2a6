// Copyright 2026 The gomodls Authors.
// The layout follows cmd/go/internal/modfetch (cache.go, fetch.go),
// Copyright The Go Authors, BSD-style license.

// Package modcache is the layout of the go command's module cache
// (GOMODCACHE): where the files of a module version are, as the go
// command writes them. gomodls' own cache of proxy answers uses the same
// names below its route directories.
//
// Every path is computed here and nowhere else. Paths and versions are
// case-escaped ('A' becomes "!a") as module.EscapePath and EscapeVersion
// do, without their validity checks, which cost more than the rest of a
// cache lookup: callers pass module versions the go command would fetch,
// and Escape only refuses strings that could name a file outside the
// cache. Apart from Paths, nothing here reads the disk.
package modcache

import (
	"context"
	"io/fs"
	"path/filepath"
	"strings"

	"golang.org/x/mod/module"

	"github.com/gomodls/gomodls/internal/inputs"
)

// Download returns the directory of downloaded files, root/cache/download.
func Download(root string) string { return filepath.Join(root, "cache", "download") }

// EscapePath returns path as the module cache spells it; false for a
// string that is no module path the cache could hold.
func EscapePath(path string) (string, bool) {
	if path == "" || strings.HasPrefix(path, "/") || unsafe(path) {
		return "", false
	}
	return escape(path), true
}

// Escape returns m's path and version as the module cache spells them;
// false for strings that are no module path or version the cache could
// hold (which could name a file outside it).
func Escape(m module.Version) (path, version string, ok bool) {
	p, ok := EscapePath(m.Path)
	if !ok || m.Version == "" || unsafe(m.Version) || strings.Contains(m.Version, "/") {
		return "", "", false
	}
	return p, escape(m.Version), true
}

// unsafe reports whether s could leave the cache or collide with an
// escaped name.
func unsafe(s string) bool {
	return strings.Contains(s, "..") || strings.ContainsAny(s, "!\\\x00")
}

// ModuleDir returns <path>/@v, relative, in OS form: the directory of a
// module's files below Download (and below a route of gomodls' cache).
func ModuleDir(path string) (string, bool) {
	p, ok := EscapePath(path)
	if !ok {
		return "", false
	}
	return filepath.FromSlash(p) + string(filepath.Separator) + "@v", true
}

// VersionFile returns <path>/@v/<version>, relative, in OS form: the name
// of a version's files below Download, before their extension (".info",
// ".mod", ".zip", ".ziphash", ".partial").
func VersionFile(m module.Version) (string, bool) {
	p, v, ok := Escape(m)
	if !ok {
		return "", false
	}
	return filepath.FromSlash(p) + string(filepath.Separator) + "@v" + string(filepath.Separator) + v, true
}

// File returns root/cache/download/<path>/@v/<version>.<ext>, whether it
// exists or not; false without a root or for an m the cache cannot hold.
func File(root string, m module.Version, ext string) (string, bool) {
	vf, ok := VersionFile(m)
	if root == "" || !ok {
		return "", false
	}
	return filepath.Join(Download(root), vf+"."+ext), true
}

// Dir returns root/<path>@<version>, where the go command extracts the
// module's files, whether it exists or not.
func Dir(root string, m module.Version) (string, bool) {
	p, v, ok := Escape(m)
	if root == "" || !ok {
		return "", false
	}
	return filepath.Join(root, filepath.FromSlash(p)+"@"+v), true
}

// escape is the module cache's case-encoding: each upper-case letter
// becomes '!' and the letter in lower case.
func escape(s string) string {
	n := 0
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			n++
		}
	}
	if n == 0 {
		return s
	}
	b := make([]byte, 0, len(s)+n)
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			b = append(b, '!', c+'a'-'A')
		} else {
			b = append(b, c)
		}
	}
	return string(b)
}

// Paths walks root/cache/download and returns the module paths found
// there (the directories holding "@v"). It stops early, reporting the walk
// incomplete, when ctx is done.
func Paths(ctx context.Context, root string) (paths map[string]bool, complete bool) {
	dl := Download(root)
	paths = map[string]bool{}
	inputs.WalkDir(dl, func(p string, d fs.DirEntry, err error) error {
		if ctx.Err() != nil {
			return fs.SkipAll
		}
		if err != nil || !d.IsDir() {
			return nil
		}
		if d.Name() == "@v" {
			rel, err := filepath.Rel(dl, filepath.Dir(p))
			if err == nil {
				if path, err := module.UnescapePath(filepath.ToSlash(rel)); err == nil {
					paths[path] = true
				}
			}
			return fs.SkipDir
		}
		if strings.Count(p[len(dl):], string(filepath.Separator)) > 8 || d.Name() == "sumdb" || d.Name() == "vcs" {
			return fs.SkipDir
		}
		return nil
	})
	return paths, ctx.Err() == nil
}
