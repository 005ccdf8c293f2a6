// Copyright 2026 The gomodls Authors.

package auth

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/gomodls/gomodls/internal/quoted"
)

// MethodKind is the kind of a GOAUTH method.
type MethodKind string

const (
	MethodOff     MethodKind = "off"     // no credentials at all
	MethodNetrc   MethodKind = "netrc"   // $NETRC or ~/.netrc
	MethodGit     MethodKind = "git"     // `git credential fill` in Dir
	MethodCommand MethodKind = "command" // a user command printing credential blocks
)

// Method is one ';'-separated element of GOAUTH.
type Method struct {
	Kind MethodKind
	// Text is the element as written (trimmed).
	Text string
	// Dir is the git working directory (MethodGit).
	Dir string
	// Args is the command line of a MethodCommand, split as cmd/go does
	// (cmd/internal/quoted.Split: spaces separate, '' or "" quote).
	Args []string
	// Err is a problem with this method that the go command reports only
	// when it is used (an unparsable command line); the other methods
	// still run.
	Err error
}

// ParseGOAUTH parses GOAUTH as cmd/go/internal/auth.runGoAuth does. An
// error is one the go command stops with: an empty element (including a
// trailing ';'), "off" combined with other methods, or "git" without
// exactly one absolute directory. Methods are returned in the order
// written, which is also their priority: when two provide credentials for
// the same URL prefix, the earlier one wins.
func ParseGOAUTH(goauth string) ([]Method, error) {
	parts := strings.Split(goauth, ";")
	methods := make([]Method, 0, len(parts))
	for _, part := range parts {
		command := strings.TrimSpace(part)
		words := strings.Fields(command)
		if len(words) == 0 {
			return nil, fmt.Errorf("GOAUTH encountered an empty command (GOAUTH=%s)", goauth)
		}
		m := Method{Text: command}
		switch words[0] {
		case "off":
			if len(parts) != 1 {
				return nil, fmt.Errorf("GOAUTH=off cannot be combined with other authentication commands (GOAUTH=%s)", goauth)
			}
			m.Kind = MethodOff
		case "netrc":
			m.Kind = MethodNetrc // further words are ignored, as by cmd/go
		case "git":
			if len(words) != 2 {
				return nil, fmt.Errorf("GOAUTH=git dir method requires an absolute path to the git working directory")
			}
			if !filepath.IsAbs(words[1]) {
				return nil, fmt.Errorf("GOAUTH=git dir method requires an absolute path to the git working directory, dir is not absolute")
			}
			m.Kind, m.Dir = MethodGit, words[1]
		default:
			m.Kind = MethodCommand
			args, err := quoted.Split(command)
			if err != nil {
				m.Err = fmt.Errorf("cannot parse GOAUTH command %s: %v", command, err)
			} else {
				m.Args = args
			}
		}
		methods = append(methods, m)
	}
	return methods, nil
}
