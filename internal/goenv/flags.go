// Copyright 2026 The gomodls Authors.
// The rules follow cmd/go/internal/base/goflags.go (InitGOFLAGS,
// SetFromGOFLAGS), Copyright 2018 The Go Authors, BSD-style license.

package goenv

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"slices"
	"strings"
	"time"

	"github.com/gomodls/gomodls/internal/quoted"
)

// goflagsPrefix starts the go command's complaint about GOFLAGS.
const goflagsPrefix = "go: parsing $GOFLAGS: "

// checkFlagWords applies the rules of base.InitGOFLAGS that need no list
// of flags: GOFLAGS splits as a quoted list, and every word is its own
// flag (-x, --x, -x=value or --x=value). The error reads as the go
// command's, without its "go: " prefix.
func checkFlagWords(goflags string) error {
	words, err := quoted.Split(goflags)
	if err != nil {
		return errors.New("parsing $GOFLAGS: " + err.Error())
	}
	for _, f := range words {
		if !strings.HasPrefix(f, "-") || f == "-" || f == "--" || strings.HasPrefix(f, "---") || strings.HasPrefix(f, "-=") || strings.HasPrefix(f, "--=") {
			return errors.New("parsing $GOFLAGS: non-flag " + quoteGo(f))
		}
	}
	return nil
}

// quoteGo is %q as the go command prints it.
func quoteGo(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// probeFlags asks the go command itself whether it knows every flag in
// GOFLAGS: the flags a go command accepts are those of all its subcommands
// (base.hasFlag), a set only the toolchain knows. `go version` parses
// GOFLAGS before it does anything else, and fails with "go: parsing
// $GOFLAGS: unknown flag -x" when one is unknown (`go env` hides the
// error). GOTOOLCHAIN=local keeps it from switching toolchains. It returns
// nil when the go command accepts GOFLAGS or could not tell.
func probeFlags(ctx context.Context, goBin, dir string, environ []string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, goBin, "version")
	cmd.Dir = dir
	cmd.Env = append(slices.Clip(environ), "PWD="+dir, "GOTOOLCHAIN=local")
	cmd.WaitDelay = time.Second
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err == nil {
		return nil
	}
	for line := range strings.SplitSeq(stderr.String(), "\n") {
		if msg, ok := strings.CutPrefix(line, goflagsPrefix); ok {
			return errors.New("parsing $GOFLAGS: " + strings.TrimSpace(msg))
		}
	}
	return nil
}

// FlagsError returns the error with which every go command except `go env`
// and `go bug` refuses GOFLAGS (base.InitGOFLAGS), as the go command words
// it without its "go: " prefix ("parsing $GOFLAGS: unknown flag -bogus"),
// or nil. Quoting and words that are not flags are checked here; unknown
// flags only when the go command was run (Options.GoCommand), since only
// the toolchain knows its flags.
func (e *Env) FlagsError() error { return e.flagsErr }

// LookupFlag returns the value GOFLAGS gives the flag name (without
// dashes): the last -name, --name, -name=value or --name=value wins, as
// when the go command applies GOFLAGS in order. hasValue is false for the
// bare -name form (true for a boolean flag; an error for others: "flag
// needs an argument"). ok is false when GOFLAGS does not set the flag or
// cannot be parsed.
func (e *Env) LookupFlag(name string) (value string, hasValue, ok bool) {
	if e.flagsErr != nil {
		return "", false, false
	}
	words, err := quoted.Split(e.Get("GOFLAGS"))
	if err != nil {
		return "", false, false
	}
	for _, f := range words {
		f = strings.TrimPrefix(f, "-")
		f = strings.TrimPrefix(f, "-")
		k, v, eq := strings.Cut(f, "=")
		if k == name {
			value, hasValue, ok = v, eq, true
		}
	}
	return value, hasValue, ok
}

// FlagsSuggestion returns GOFLAGS without what the go command refuses in
// it: unbalanced quotes removed, words that are not flags and the unknown
// flag dropped, the other words kept as written. It is GOFLAGS itself when
// the go command accepts it.
func (e *Env) FlagsSuggestion() string {
	goflags := e.Get("GOFLAGS")
	if e.flagsErr == nil {
		return goflags
	}
	words, err := quoted.Split(goflags)
	if err != nil {
		return strings.Join(strings.Fields(strings.NewReplacer(`"`, "", `'`, "").Replace(goflags)), " ")
	}
	unknown, _ := strings.CutPrefix(e.flagsErr.Error(), "parsing $GOFLAGS: unknown flag -")
	var keep []string
	for _, f := range words {
		if checkFlagWords(quoteWord(f)) != nil {
			continue
		}
		name, _, _ := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(f, "-"), "-"), "=")
		if unknown != "" && name == unknown {
			continue
		}
		keep = append(keep, quoteWord(f))
	}
	return strings.Join(keep, " ")
}

// quoteWord quotes a GOFLAGS word that holds spaces, so that it splits
// back into one word.
func quoteWord(w string) string {
	if !strings.ContainsAny(w, " \t\r\n") {
		return w
	}
	if !strings.Contains(w, "'") {
		return "'" + w + "'"
	}
	return `"` + w + `"`
}

// FlagsWithout returns GOFLAGS without the flags named (in any of their
// forms), the other words kept as written.
func (e *Env) FlagsWithout(names ...string) string {
	words, err := quoted.Split(e.Get("GOFLAGS"))
	if err != nil {
		return e.Get("GOFLAGS")
	}
	var keep []string
	for _, f := range words {
		name, _, _ := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(f, "-"), "-"), "=")
		if !slices.Contains(names, name) {
			keep = append(keep, quoteWord(f))
		}
	}
	return strings.Join(keep, " ")
}

// Flags returns GOFLAGS split as cmd/go splits it (quoted fields allowed).
// A malformed GOFLAGS yields an error; the go command then refuses to run
// (except `go env`).
func (e *Env) Flags() ([]string, error) {
	return quoted.Split(e.Get("GOFLAGS"))
}

// Offline reports whether the go command is configured never to download
// modules: GOPROXY=off, or -mod=vendor in GOFLAGS.
func (e *Env) Offline() bool {
	if e.Get("GOPROXY") == "off" {
		return true
	}
	return e.flagValue("mod") == "vendor"
}

// flagValue returns the value of the last -name=value / --name=value flag in
// GOFLAGS (cmd/go applies them in order, so the last one wins).
func (e *Env) flagValue(name string) string {
	v, _, _ := e.LookupFlag(name)
	return v
}
