// Copyright 2026 The gomodls Authors.

package goenv

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestGoEnvCache: a second Load with the same inputs answers from the
// cache without running go; a change of anything `go env` depends on (a
// GO* variable, the go env -w file, the go binary, $GOROOT/go.env) runs it
// again.
func TestGoEnvCache(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("uses a shell script as a fake go command")
	}
	dir := t.TempDir()
	root := filepath.Join(dir, "goroot")
	writeFile(t, filepath.Join(root, "go.env"), "GOPROXY=https://proxy.golang.org,direct\n")
	runs := filepath.Join(dir, "runs")
	goBin := filepath.Join(dir, "go")
	script := "#!/bin/sh\necho run >> " + runs + "\nprintf '{\"GOROOT\": \"" + root + "\", \"GOVERSION\": \"go1.26.8\", \"GOPRIVATE\": \"%s\"}' \"$GOPRIVATE\"\n"
	writeFile(t, goBin, script)
	if err := os.Chmod(goBin, 0o755); err != nil {
		t.Fatal(err)
	}
	envFile := filepath.Join(dir, "goenv")
	writeFile(t, envFile, "")
	cache := filepath.Join(dir, "cache", "goenv.json")
	count := func() int {
		data, _ := os.ReadFile(runs)
		return strings.Count(string(data), "run")
	}
	environ := []string{"GOENV=" + envFile, "HOME=" + dir, "GOPRIVATE=a.example"}
	check := func(step string, environ []string, wantRuns int, wantCached bool) *Env {
		t.Helper()
		e := load(t, Options{GoCommand: goBin, Environ: environ, CacheFile: cache, LocalToolchain: true, Dir: dir})
		if got := count(); got != wantRuns {
			t.Errorf("%s: go ran %d times in all, want %d", step, got, wantRuns)
		}
		if e.GoEnvCached() != wantCached {
			t.Errorf("%s: cached = %v, want %v", step, e.GoEnvCached(), wantCached)
		}
		if _, ran := e.GoCommand(); !ran || e.GoError() != nil {
			t.Errorf("%s: go answer not used: %v", step, e.GoError())
		}
		return e
	}
	check("cold", environ, 1, false)
	e := check("warm", environ, 1, true)
	if e.Get("GOPRIVATE") != "a.example" || e.Get("GOVERSION") != "go1.26.8" {
		t.Errorf("warm answer: GOPRIVATE=%q GOVERSION=%q", e.Get("GOPRIVATE"), e.Get("GOVERSION"))
	}
	check("another GOPRIVATE", []string{"GOENV=" + envFile, "HOME=" + dir, "GOPRIVATE=b.example"}, 2, false)
	check("back to the first", environ, 2, true)

	future := time.Now().Add(time.Hour)
	writeFile(t, envFile, "GOFLAGS=-mod=mod\n")
	os.Chtimes(envFile, future, future)
	// With GOFLAGS set, a cold start also runs `go version` to learn
	// whether the toolchain knows the flags; a warm one runs neither.
	check("go env -w file changed", environ, 4, false)
	check("warm again", environ, 4, true)

	writeFile(t, filepath.Join(root, "go.env"), "GOPROXY=https://corp.example\n")
	os.Chtimes(filepath.Join(root, "go.env"), future, future)
	check("$GOROOT/go.env changed", environ, 6, false)

	writeFile(t, goBin, script+"# a new build\n")
	os.Chtimes(goBin, future, future)
	check("go binary replaced", environ, 8, false)
	check("warm at last", environ, 8, true)
}
