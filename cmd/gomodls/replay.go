// Copyright 2026 The gomodls Authors.

package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/gomodls/gomodls/internal/atomicfile"
	"github.com/gomodls/gomodls/internal/goenv"
	"github.com/gomodls/gomodls/internal/inputs"
	"github.com/gomodls/gomodls/internal/report"
	"github.com/gomodls/gomodls/internal/settings"
)

// A warm `gomodls check` replays the previous identical check's output
// when nothing it read has changed, as the go command replays a cached
// test result: the same gomodls binary, directory, arguments, settings,
// process environment and effective Go environment (the key); every file
// the check read, listed or looked for, as it was (the stamps, see
// package inputs); and no network answer older than it may be reused
// (settings.ListTTL, which bounds version lists, @latest and the
// vulnerability database's index; module contents and checksums never
// change). Checks that found errors, failed, or met an answer that may
// differ when asked again (an unreachable proxy, a refusal, a version not
// found) are not kept.

// replayRecord is one kept check.
type replayRecord struct {
	Key     string         `json:"key"`
	At      time.Time      `json:"at"`
	Expires time.Time      `json:"expires"`
	Stamps  []inputs.Stamp `json:"stamps"`
	Stdout  []byte         `json:"stdout"`
	Exit    int            `json:"exit"`
}

// mtimeCutoff: a file modified this shortly before a check may be
// modified again within the file system's timestamp granularity, keeping
// its size and modification time; a check that read one is not kept (the
// go command's test cache has the same rule).
const mtimeCutoff = 2 * time.Second

// replayNow is the clock of replays (tests move it).
var replayNow = time.Now

// lastReplayed reports whether the last check in this process was a
// replay (for tests).
var lastReplayed bool

// replayKey identifies a check: what it was asked and what it ran with.
func replayKey(args []string, cwd string, set *settings.Settings, env *goenv.Env) (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", err
	}
	fi, err := os.Stat(exe)
	if err != nil {
		return "", err
	}
	setJSON, err := json.Marshal(set)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	fmt.Fprintf(h, "gomodls check replay 1\nexe %s %d %d\ncwd %s\n", exe, fi.Size(), fi.ModTime().UnixNano(), cwd)
	for _, a := range args {
		fmt.Fprintf(h, "arg %q\n", a)
	}
	fmt.Fprintf(h, "settings %s\n", setJSON)
	environ := slices.Clone(os.Environ())
	slices.Sort(environ)
	for _, e := range environ {
		if name, _, _ := strings.Cut(e, "="); !shellNoise[name] {
			fmt.Fprintf(h, "environ %q\n", e)
		}
	}
	for _, v := range env.All() {
		fmt.Fprintf(h, "goenv %s=%q\n", v.Name, v.Value)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// shellNoise are variables shells set that no part of a check reads (the
// working directory is in the key as itself).
var shellNoise = map[string]bool{"_": true, "SHLVL": true, "PWD": true, "OLDPWD": true}

func replayFile(cacheDir, key string) string {
	return filepath.Join(cacheDir, "check", key[:32]+".json")
}

// replay writes the kept output of the check key to stdout and returns
// its exit code, if the check may be replayed; ok is false otherwise.
func replay(cacheDir, key string, stdout, stderr io.Writer) (exit int, ok bool) {
	data, err := os.ReadFile(replayFile(cacheDir, key))
	if err != nil {
		return 0, false
	}
	var rec replayRecord
	if json.Unmarshal(data, &rec) != nil || rec.Key != key || !replayNow().Before(rec.Expires) {
		return 0, false
	}
	if inputs.Changed(rec.Stamps) != "" {
		return 0, false
	}
	if _, err := stdout.Write(rec.Stdout); err != nil {
		fmt.Fprintf(stderr, "gomodls check: writing output: %v\n", err)
		return 2, true
	}
	fmt.Fprintf(stderr, "gomodls check: nothing it read has changed since %s: its findings are repeated (-cache=false checks again)\n", rec.At.Format(time.TimeOnly))
	return rec.Exit, true
}

// keep stores a finished check for replay, unless it must be checked
// anew next time.
func keep(cacheDir, key string, at time.Time, ttl time.Duration, rec *inputs.Recorder, findings []report.Finding, failures []string, out []byte, exit int) {
	if exit != 0 || len(failures) > 0 || ttl <= 0 {
		return
	}
	for _, f := range findings {
		if f.Transient {
			return // the next check may find otherwise
		}
	}
	stamps := rec.Stamps()
	cutoff := at.Add(-mtimeCutoff).UnixNano()
	for _, s := range stamps {
		if s.MTime > cutoff {
			return // a later change may keep this modification time
		}
	}
	data, err := json.Marshal(replayRecord{Key: key, At: at, Expires: at.Add(ttl), Stamps: stamps, Stdout: out, Exit: exit})
	if err != nil {
		return
	}
	file := replayFile(cacheDir, key)
	if os.MkdirAll(filepath.Dir(file), 0o755) == nil {
		atomicfile.Write(file, data, 0o644) // best effort: the next check runs in full
		prune(filepath.Dir(file), at.Add(-ttl))
	}
}

// prune removes the kept checks written before old: none of them can be
// repeated any more, and one is kept per directory and arguments.
func prune(dir string, old time.Time) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if fi, err := e.Info(); err == nil && fi.ModTime().Before(old) {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}
