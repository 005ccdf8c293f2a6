package modload

import (
	"errors"
	"fmt"
	"go/build"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/gomodls/gomodls/internal/goenv"
	"github.com/gomodls/gomodls/internal/inputs"
)

// buildContext returns the go/build context the go command would use in
// env: its GOOS, GOARCH, CGO_ENABLED and -tags (GOFLAGS), the release tags
// of its Go version.
func buildContext(env *goenv.Env) *build.Context {
	ctxt := build.Default
	get := func(k string) string {
		if env == nil {
			return os.Getenv(k)
		}
		if v := env.Get(k); v != "" {
			return v
		}
		for _, kv := range env.Environ() {
			if v, ok := strings.CutPrefix(kv, k+"="); ok {
				return v
			}
		}
		return ""
	}
	if v := get("GOOS"); v != "" {
		ctxt.GOOS = v
	}
	if v := get("GOARCH"); v != "" {
		ctxt.GOARCH = v
	}
	if ctxt.GOARCH != runtime.GOARCH {
		ctxt.ToolTags = nil // architecture features of another GOARCH
	}
	switch get("CGO_ENABLED") {
	case "0":
		ctxt.CgoEnabled = false
	case "1":
		ctxt.CgoEnabled = true
	default:
		if ctxt.GOOS != runtime.GOOS || ctxt.GOARCH != runtime.GOARCH {
			ctxt.CgoEnabled = false // the go command disables cgo when cross-compiling without CC
		}
	}
	if env != nil {
		ctxt.GOROOT = env.Get("GOROOT")
		if tags := releaseTags(env.Get("GOVERSION")); tags != nil {
			ctxt.ReleaseTags = tags
		}
		if flags, err := env.Flags(); err == nil {
			ctxt.BuildTags = buildTags(flags)
		}
	}
	ctxt.Dir = ""
	return &ctxt
}

// releaseTags returns go1.1 ... go1.N for a GOVERSION of go1.N[.x] (or a
// prerelease of go1.N), or nil.
func releaseTags(goversion string) []string {
	v, ok := strings.CutPrefix(goversion, "go1.")
	if !ok {
		return nil
	}
	digits := strings.IndexFunc(v, func(r rune) bool { return r < '0' || r > '9' })
	if digits < 0 {
		digits = len(v)
	}
	n, err := strconv.Atoi(v[:digits]) // go1.27rc1 builds with go1.27
	if err != nil || n < 1 {
		return nil
	}
	tags := make([]string, n)
	for i := range tags {
		tags[i] = fmt.Sprintf("go1.%d", i+1)
	}
	return tags
}

// buildTags returns the -tags of GOFLAGS (the last one wins; comma or,
// formerly, space separated).
func buildTags(flags []string) []string {
	var tags []string
	for _, f := range flags {
		f = strings.TrimPrefix(strings.TrimPrefix(f, "-"), "-")
		if v, ok := strings.CutPrefix(f, "tags="); ok {
			tags = nil
			for _, t := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' }) {
				tags = append(tags, t)
			}
		}
	}
	return tags
}

// pkgImports are the imports of one package directory.
type pkgImports struct {
	path        string   // import path (main module packages)
	imports     []string // of the files go build compiles
	testImports []string // of its _test.go files (both packages)
}

// scanCache remembers the imports of package directories: for the module
// cache (immutable) by directory; elsewhere by directory and the names,
// sizes and modification times of its .go files.
var scanCache struct {
	sync.Mutex
	m map[scanKey]scanEntry
}

type scanKey struct{ ctxt, dir string }

type scanEntry struct {
	stamp string
	info  pkgImports
}

const maxScanEntries = 1 << 15

// A scanner reads the imports of packages for one build context.
type scanner struct {
	ctxt *build.Context
	key  string // the context, for scanCache
}

func newScanner(ctxt *build.Context) *scanner {
	return &scanner{ctxt: ctxt, key: fmt.Sprint(ctxt.GOOS, ctxt.GOARCH, ctxt.CgoEnabled, ctxt.BuildTags, ctxt.ReleaseTags, ctxt.ToolTags, ctxt.GOROOT)}
}

// scanDir returns the imports of the package in dir. A local directory
// (not in the module cache) is read again when its .go files change.
func (sc *scanner) scanDir(dir string, local bool) pkgImports {
	stamp := ""
	if local {
		entries, err := inputs.ReadDir(dir)
		if err != nil {
			return pkgImports{}
		}
		stamp, _ = goFilesStamp(dir, entries)
	} else if inputs.Recording() {
		// Whether the module cache has the package is an input of the
		// check; its files are not (the module cache is read-only). The
		// editor does not pay for the stat.
		inputs.Stat(dir)
	}
	info, _ := sc.scanDirStamped(dir, stamp)
	return info
}

// goFilesStamp describes the .go files among the entries of dir (names,
// sizes, modification times), and whether there are any.
func goFilesStamp(dir string, entries []fs.DirEntry) (string, bool) {
	var stamp strings.Builder
	hasGo := false
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || !e.Type().IsRegular() {
			continue
		}
		hasGo = true
		fi, err := e.Info()
		if err != nil {
			continue
		}
		if inputs.Recording() {
			inputs.Note(filepath.Join(dir, name), fi)
		}
		fmt.Fprintf(&stamp, "%s %d %d\n", name, fi.Size(), fi.ModTime().UnixNano())
	}
	return stamp.String(), hasGo
}

// scanDirStamped returns the imports of the package in dir, from the
// cache when stamp matches the cached one.
func (sc *scanner) scanDirStamped(dir, stamp string) (pkgImports, bool) {
	key := scanKey{sc.key, dir}
	scanCache.Lock()
	e, ok := scanCache.m[key]
	scanCache.Unlock()
	if ok && e.stamp == stamp {
		return e.info, true
	}
	var info pkgImports
	p, err := sc.ctxt.ImportDir(dir, 0)
	var noGo *build.NoGoError
	if err != nil && (errors.As(err, &noGo) || p == nil) {
		info = pkgImports{}
	} else {
		// Partial results (a MultiplePackageError, a file that does not
		// parse) are kept: the go command fails on them with its own
		// message, and the imports found are the best guess.
		info.imports = p.Imports
		info.testImports = append(slices.Clone(p.TestImports), p.XTestImports...)
	}
	scanCache.Lock()
	if len(scanCache.m) >= maxScanEntries || scanCache.m == nil {
		scanCache.m = map[scanKey]scanEntry{}
	}
	scanCache.m[key] = scanEntry{stamp: stamp, info: info}
	scanCache.Unlock()
	return info, false
}

// scanMainModule returns the packages `go build ./...` matches in the
// module rooted at dir (modload.MatchPackages: directories whose names
// start with "." or "_", testdata, vendor and nested modules are skipped;
// symbolic links are not followed), with their imports.
func (sc *scanner) scanMainModule(dir, modPath string) []pkgImports {
	var out []pkgImports
	var walk func(d, importPath string, root bool)
	walk = func(d, importPath string, root bool) {
		entries, err := inputs.ReadDir(d)
		if err != nil {
			return
		}
		if !root && slices.ContainsFunc(entries, func(e fs.DirEntry) bool { return e.Name() == "go.mod" && !e.IsDir() }) {
			return // another module
		}
		if stamp, hasGo := goFilesStamp(d, entries); hasGo {
			if info, _ := sc.scanDirStamped(d, stamp); len(info.imports)+len(info.testImports) > 0 {
				info.path = importPath
				out = append(out, info)
			}
		}
		for _, e := range entries {
			name := e.Name()
			if !e.IsDir() || e.Type()&fs.ModeSymlink != 0 || name[0] == '.' || name[0] == '_' || name == "testdata" || name == "vendor" {
				continue
			}
			walk(filepath.Join(d, name), path.Join(importPath, name), false)
		}
	}
	walk(dir, modPath, true)
	return out
}
