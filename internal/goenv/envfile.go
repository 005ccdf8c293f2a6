// Copyright 2026 The gomodls Authors.
// Parts of this file follow the go command's cmd/go/internal/cfg
// (Copyright 2017 The Go Authors, BSD-style license).

package goenv

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"time"
)

// A FileEntry is one KEY=VALUE line of a go/env or go.env file.
type FileEntry struct {
	Key, Value string
	Line       int // 1-based
}

// ParseEnvFile parses the contents of a `go env -w` file or $GOROOT/go.env
// exactly as cmd/go's readEnvFile does: lines are split on '\n' only (a '\r'
// stays part of the value), a line is used only if it contains '=' and starts
// with an upper-case ASCII letter; anything else (comments, blank lines,
// garbage) is silently ignored. Values are not trimmed or unquoted.
//
// The result keeps every usable line in file order, duplicates included;
// precedence between duplicates differs between the two files (see
// [envFile.lookup]).
func ParseEnvFile(data []byte) []FileEntry {
	var out []FileEntry
	for n := 1; len(data) > 0; n++ {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = line[:i], data[i+1:]
		} else {
			data = nil
		}
		i := bytes.IndexByte(line, '=')
		if i < 0 || line[0] < 'A' || 'Z' < line[0] {
			continue
		}
		out = append(out, FileEntry{Key: string(line[:i]), Value: string(line[i+1:]), Line: n})
	}
	return out
}

// envFile is a parsed configuration file plus what is needed to notice that
// it changed.
type envFile struct {
	path    string
	entries []FileEntry
	stamp   fileStamp
}

// readEnvFile reads and parses path. A missing or unreadable file is
// treated as empty, as the go command does.
func readEnvFile(path string) *envFile {
	f := &envFile{path: path}
	if path == "" {
		return f
	}
	f.stamp = stat(path)
	data, err := os.ReadFile(path)
	if err != nil {
		return f
	}
	f.entries = ParseEnvFile(data)
	return f
}

// lookup returns the value of key. In the user's go/env file the last line
// for a key wins (cmd/go overwrites its map); in $GOROOT/go.env the first
// one wins (cmd/go does not overwrite a key it has already seen).
func (f *envFile) lookup(key string, lastWins bool) (FileEntry, bool) {
	if f == nil {
		return FileEntry{}, false
	}
	var found FileEntry
	ok := false
	for _, e := range f.entries {
		if e.Key == key {
			found, ok = e, true
			if !lastWins {
				break
			}
		}
	}
	return found, ok
}

// fileStamp identifies one version of a file cheaply.
type fileStamp struct {
	exists  bool
	size    int64
	modTime time.Time
}

func stat(path string) fileStamp {
	if path == "" {
		return fileStamp{}
	}
	fi, err := os.Stat(path)
	if err != nil {
		return fileStamp{}
	}
	return fileStamp{exists: true, size: fi.Size(), modTime: fi.ModTime()}
}

// userConfigDir is os.UserConfigDir evaluated against environ instead of
// the process environment.
func userConfigDir(getenv func(string) string) string {
	var dir string
	switch runtime.GOOS {
	case "windows":
		dir = getenv("AppData")
	case "darwin", "ios":
		if dir = getenv("HOME"); dir != "" {
			dir += "/Library/Application Support"
		}
	case "plan9":
		if dir = getenv("home"); dir != "" {
			dir += "/lib"
		}
	default:
		dir = getenv("XDG_CONFIG_HOME")
		if dir == "" {
			if dir = getenv("HOME"); dir != "" {
				dir += "/.config"
			}
		} else if !filepath.IsAbs(dir) {
			return "" // os.UserConfigDir: "path in $XDG_CONFIG_HOME is relative"
		}
	}
	return dir
}

// homeDir is the variable go/build uses for the default GOPATH.
func homeDir(getenv func(string) string) string {
	switch runtime.GOOS {
	case "windows":
		return getenv("USERPROFILE")
	case "plan9":
		return getenv("home")
	}
	return getenv("HOME")
}

// findGOROOT mirrors cmd/go/internal/cfg.findGOROOT, with the go binary we
// found (goBin) in place of os.Executable. fileGOROOT is GOROOT from the
// user's go/env file, which cmd/go consults before $GOROOT for this purpose.
// It reports the directory and whether it came from the binary's location.
func findGOROOT(fileGOROOT, envGOROOT, goBin string) (dir string, fromBinary bool) {
	env := fileGOROOT
	if env == "" {
		env = envGOROOT
	}
	if env != "" {
		return filepath.Clean(env), false
	}
	def := ""
	//lint:ignore SA1019 runtime.GOROOT is the documented last resort, as in cmd/go.
	if r := runtime.GOROOT(); r != "" {
		def = filepath.Clean(r)
	}
	if goBin == "" {
		return def, false
	}
	canonical := func(dir string) string {
		if isSameDir(def, dir) {
			return def
		}
		return dir
	}
	exe, err := filepath.Abs(goBin)
	if err != nil {
		return def, false
	}
	// The go binary may be in GOROOT/bin or GOROOT/bin/GOOS_GOARCH, and
	// may be a symlink into a real GOROOT (e.g. /usr/local/bin/go).
	candidates := []string{exe}
	if real, err := filepath.EvalSymlinks(exe); err == nil {
		candidates = append(candidates, real)
	}
	for _, e := range candidates {
		if dir := filepath.Join(e, "../.."); isGOROOT(dir) {
			return canonical(dir), true
		}
		if dir := filepath.Join(e, "../../.."); isGOROOT(dir) {
			return canonical(dir), true
		}
	}
	return def, false
}

func isSameDir(dir1, dir2 string) bool {
	if dir1 == dir2 {
		return true
	}
	info1, err1 := os.Stat(dir1)
	info2, err2 := os.Stat(dir2)
	return err1 == nil && err2 == nil && os.SameFile(info1, info2)
}

// isGOROOT reports whether path looks like a GOROOT (has pkg/tool), as cmd/go
// decides it.
func isGOROOT(path string) bool {
	fi, err := os.Stat(filepath.Join(path, "pkg", "tool"))
	return err == nil && fi.IsDir()
}

// findWorkspaceFile mirrors cmd/go/internal/modload.findWorkspaceFile: the
// nearest go.work at or above dir, not crossing into GOROOT's parent.
func findWorkspaceFile(dir, goroot string) string {
	dir = filepath.Clean(dir)
	for {
		f := filepath.Join(dir, "go.work")
		if fi, err := os.Stat(f); err == nil && !fi.IsDir() {
			return f
		}
		d := filepath.Dir(dir)
		if d == dir {
			return ""
		}
		if d == goroot {
			return ""
		}
		dir = d
	}
}

// lookPath finds an executable named file in the PATH of getenv, ignoring
// relative PATH entries as os/exec does (it refuses results relative to ".").
func lookPath(file string, getenv func(string) string) string {
	if runtime.GOOS == "windows" {
		file += ".exe"
	}
	for _, dir := range filepath.SplitList(getenv("PATH")) {
		if dir == "" || !filepath.IsAbs(dir) {
			continue
		}
		p := filepath.Join(dir, file)
		fi, err := os.Stat(p)
		if err != nil || fi.IsDir() {
			continue
		}
		if runtime.GOOS != "windows" && fi.Mode()&0o111 == 0 {
			continue
		}
		return p
	}
	return ""
}
