// Copyright 2026 The gomodls Authors.

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gomodls/gomodls/internal/proxytest"
)

// TestCheckReplay: a warm check repeats the previous identical check's
// findings only while nothing it read has changed, the environment and
// arguments are the same and its network answers are fresh; and what it
// repeats is what a full check says.
func TestCheckReplay(t *testing.T) {
	hermeticEnv(t)
	srv := proxytest.New(t)
	t.Setenv("GOPROXY", srv.URL)
	t.Setenv("GOSUMDB", "off")
	dir := t.TempDir()
	// The checks run a few seconds after the files were written: a file
	// modified within mtimeCutoff of a check keeps it from being kept.
	later := func() time.Time { return time.Now().Add(mtimeCutoff + time.Second) }
	replayNow = later
	t.Cleanup(func() { replayNow = time.Now })
	write := func(name, content string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module example.com/m\n\ngo 1.22\n\nrequire example.com/basic v1.0.0\n")
	// check runs gomodls check and reports its exit code, output and
	// whether it was repeated.
	check := func(args ...string) (int, string, bool) {
		t.Helper()
		var stdout, stderr bytes.Buffer
		code := run(append(append([]string{"check"}, args...), dir), nil, &stdout, &stderr)
		if code == 2 {
			t.Fatalf("check %v: exit 2: %s", args, stderr.String())
		}
		if lastReplayed != strings.Contains(stderr.String(), "its findings are repeated") {
			t.Errorf("check %v: replayed %v, but stderr says: %s", args, lastReplayed, stderr.String())
		}
		return code, stdout.String(), lastReplayed
	}
	if code, _, _ := check("-fix"); code != 0 {
		t.Fatalf("check -fix: exit %d", code)
	}
	code, full, replayed := check()
	if code != 0 || replayed {
		t.Fatalf("first check: exit %d, replayed %v (after -fix, which is never kept)", code, replayed)
	}
	if !strings.Contains(full, "upgrade-available") {
		t.Fatalf("the check reports no upgrade of example.com/basic v1.0.0:\n%s", full)
	}
	requests := len(srv.Requests())
	if code, out, replayed := check(); !replayed || code != 0 || out != full {
		t.Fatalf("second check: exit %d, replayed %v, output:\n%s\nwant the first's:\n%s", code, replayed, out, full)
	}
	if n := len(srv.Requests()); n != requests {
		t.Errorf("the repeated check sent %d requests", n-requests)
	}
	// The same findings in another format are another check.
	if _, _, replayed := check("-format", "json"); replayed {
		t.Errorf("-format json repeated the text check")
	}
	if _, _, replayed := check("-cache=false"); replayed {
		t.Errorf("-cache=false repeated a check")
	}

	var sum []byte
	steps := []struct {
		name   string
		change func()
		undo   func()
	}{
		{"go.mod edited", func() {
			write("go.mod", "module example.com/m\n\ngo 1.22\n\nrequire example.com/basic v1.0.0 // edited\n")
		}, nil},
		{"go.sum removed", func() {
			data, _ := os.ReadFile(filepath.Join(dir, "go.sum"))
			os.Remove(filepath.Join(dir, "go.sum"))
			sum = data
		}, func() { write("go.sum", string(sum)) }},
		{"a package importing the module added", func() {
			write("main.go", "package main\n\nimport _ \"example.com/basic\"\n\nfunc main() {}\n")
		}, func() { os.Remove(filepath.Join(dir, "main.go")) }},
		{"a nested package's file changed", func() {
			write("sub/sub.go", "package sub\n")
		}, nil},
		{"an existing file's imports changed", func() {
			write("sub/sub.go", "package sub\n\nimport _ \"example.com/basic\"\n")
		}, func() { write("sub/sub.go", "package sub\n") }},
		{"an environment variable changed", func() { t.Setenv("GOFLAGS", "-modcacherw") }, nil},
		{"an hour later (listTTL)", func() { replayNow = func() time.Time { return time.Now().Add(61 * time.Minute) } },
			func() { replayNow = later }},
	}
	for _, s := range steps {
		s.change()
		if _, _, replayed := check(); replayed {
			t.Errorf("%s: the previous findings were repeated", s.name)
		}
		if s.undo != nil {
			s.undo()
			check() // keep the state for the next step
		}
		// Unchanged since the last check: repeated, with a full check's findings.
		code, out, replayed := check()
		if !replayed {
			t.Errorf("%s: an unchanged check was not repeated", s.name)
		}
		wantCode, want, _ := check("-cache=false")
		if code != wantCode || out != want {
			t.Errorf("%s: repeated exit %d, output:\n%s\nfull check: exit %d:\n%s", s.name, code, out, wantCode, want)
		}
	}
	// A check that read a file modified just before it is not kept: the
	// file may change again without changing its modification time.
	replayNow = time.Now
	write("go.mod", "module example.com/m\n\ngo 1.22\n\nrequire example.com/basic v1.0.0 // just now\n")
	for range 2 {
		if _, _, replayed := check(); replayed {
			t.Errorf("a check of a file modified just before was repeated")
		}
	}
	replayNow = later

	// Kept checks that can no longer be repeated are removed when another
	// is kept.
	keptDir := filepath.Join(os.Getenv("XDG_CACHE_HOME"), "gomodls", "check")
	stale := filepath.Join(keptDir, "0123456789abcdef0123456789abcdef.json")
	if err := os.WriteFile(stale, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	past := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(stale, past, past); err != nil {
		t.Fatal(err)
	}
	write("go.mod", "module example.com/m\n\ngo 1.22\n\nrequire example.com/basic v1.0.0 // pruned\n")
	if _, _, replayed := check(); replayed {
		t.Errorf("an edited go.mod was not checked anew")
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("a kept check older than listTTL was not removed: %v", err)
	}

	// Errors are never repeated: the user is fixing them.
	write("go.mod", "module example.com/m\n\ngo 1.22\n\nrequire example.com/basic v1.9.9\n")
	for range 2 {
		if code, _, replayed := check(); code != 1 || replayed {
			t.Errorf("a check with errors: exit %d, replayed %v", code, replayed)
		}
	}
}
