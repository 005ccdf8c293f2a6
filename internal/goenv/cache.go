// Copyright 2026 The gomodls Authors.

package goenv

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/gomodls/gomodls/internal/atomicfile"
)

// A warm `gomodls check` must not pay for `go env` (20-30 ms, more than the
// whole rest of a warm check). Its answer depends only on the go binary,
// the environment variables the go command reads, the go env -w file and
// $GOROOT/go.env; the cache keeps answers keyed by exactly those, and a
// change of any of them runs `go env` again.

// flagsProbeKey holds, in a cached answer, what probeFlags said of
// GOFLAGS ("" when the go command accepted it), so that a warm start runs
// no `go version` either.
const flagsProbeKey = "gomodls:GOFLAGS-probe"

// maxCacheEntries bounds the cache file: one entry per combination of
// go binary and environment seen recently.
const maxCacheEntries = 16

type cacheFile struct {
	Entries map[string]*cacheEntry `json:"entries"`
}

type cacheEntry struct {
	// GOROOTEnv is the stat of $GOROOT/go.env when the answer was taken
	// (GOROOT comes from the answer itself, so it cannot be in the key).
	GOROOTEnv cacheStamp        `json:"gorootEnv"`
	Reported  map[string]string `json:"reported"`
	Used      time.Time         `json:"used"`
}

// cacheStamp is a fileStamp (size and modification time) as the cache
// file stores it; a missing file has the zero stamp.
type cacheStamp struct {
	Size    int64     `json:"size"`
	ModTime time.Time `json:"modTime"`
}

func stamp(name string) cacheStamp {
	st := stat(name)
	if !st.exists {
		return cacheStamp{}
	}
	return cacheStamp{Size: st.size, ModTime: st.modTime.UTC()}
}

func (a cacheStamp) equal(b cacheStamp) bool { return a.Size == b.Size && a.ModTime.Equal(b.ModTime) }

// cacheKey fingerprints what `go env -json` depends on: the go binary (path
// and stamp), the variables the go command reads (every GO* and CGO*
// variable, and those that locate the configuration directory), the go env
// -w file's stamp, and whether the local toolchain is forced. GOWORK is
// not cached (it depends on the directory; compute finds it).
func cacheKey(goBin string, environ []string, envFile string, local bool) string {
	h := sha256.New()
	fmt.Fprintf(h, "go %s %v\nlocal %v\n", goBin, stamp(goBin), local)
	var vars []string
	for _, kv := range environ {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(k, "GO"), strings.HasPrefix(k, "CGO_"),
			k == "HOME", k == "home", k == "XDG_CONFIG_HOME", k == "AppData", k == "PATH":
			vars = append(vars, kv)
		}
	}
	sort.Strings(vars)
	for _, kv := range vars {
		fmt.Fprintf(h, "env %q\n", kv)
	}
	if envFile != "" {
		fmt.Fprintf(h, "goenv %s %v\n", envFile, stamp(envFile))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// cachedGoEnv returns the cached answer for key, if its $GOROOT/go.env is
// unchanged.
func cachedGoEnv(file, key string) map[string]string {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil
	}
	var cf cacheFile
	if json.Unmarshal(data, &cf) != nil {
		return nil
	}
	e := cf.Entries[key]
	if e == nil || e.Reported == nil {
		return nil
	}
	if root := e.Reported["GOROOT"]; root == "" || !stamp(filepath.Join(root, "go.env")).equal(e.GOROOTEnv) {
		return nil
	}
	return e.Reported
}

// storeGoEnv records an answer under key, dropping the least recently
// used entries beyond maxCacheEntries. Failures only cost the next run
// its speed, so they are ignored.
func storeGoEnv(file, key string, reported map[string]string) {
	var cf cacheFile
	if data, err := os.ReadFile(file); err == nil {
		json.Unmarshal(data, &cf)
	}
	if cf.Entries == nil {
		cf.Entries = map[string]*cacheEntry{}
	}
	kept := make(map[string]string, len(reported))
	for k, v := range reported {
		if k != "GOWORK" {
			kept[k] = v
		}
	}
	cf.Entries[key] = &cacheEntry{GOROOTEnv: stamp(filepath.Join(reported["GOROOT"], "go.env")), Reported: kept, Used: time.Now().UTC()}
	if len(cf.Entries) > maxCacheEntries {
		keys := make([]string, 0, len(cf.Entries))
		for k := range cf.Entries {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, func(a, b string) int { return cf.Entries[b].Used.Compare(cf.Entries[a].Used) })
		for _, k := range keys[maxCacheEntries:] {
			delete(cf.Entries, k)
		}
	}
	data, err := json.Marshal(cf)
	if err != nil {
		return
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil && !os.IsExist(err) {
		return
	}
	_ = atomicfile.Write(file, data, fs.FileMode(0o644))
}
