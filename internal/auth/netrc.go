// Copyright 2026 The gomodls Authors.
// parseNetrc and netrcPath follow cmd/go/internal/auth/netrc.go,
// Copyright 2019 The Go Authors, BSD-style license.

package auth

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// NetrcLine is one usable machine entry of a .netrc file.
type NetrcLine struct {
	Machine  string // host or host:port, matched against the request URL's host[:port]
	Login    string
	Password string
}

// String redacts the password.
func (l NetrcLine) String() string {
	return "machine " + l.Machine + " login " + l.Login + " password " + redacted
}

// GoString redacts the password (for %#v).
func (l NetrcLine) GoString() string {
	return "auth.NetrcLine{Machine:" + quote(l.Machine) + ", Login:" + quote(l.Login) + ", Password:" + quote(redacted) + "}"
}

// ParseNetrc parses .netrc data exactly as the go command does: only
// "machine" entries with both login and password are kept, in file order;
// "macdef" bodies are skipped up to the next empty line; parsing stops at a
// "default" token that ends a line's token pairs, and the default entry is
// never used (the go command ignores it).
func ParseNetrc(data string) []NetrcLine {
	// See https://www.gnu.org/software/inetutils/manual/html_node/The-_002enetrc-file.html.
	var nrc []NetrcLine
	var l NetrcLine
	inMacro := false
	for line := range strings.SplitSeq(data, "\n") {
		if inMacro {
			if line == "" {
				inMacro = false
			}
			continue
		}

		f := strings.Fields(line)
		i := 0
		for ; i < len(f)-1; i += 2 {
			// Reset at each "machine" token: an entry ends at the next
			// machine or default token.
			switch f[i] {
			case "machine":
				l = NetrcLine{Machine: f[i+1]}
			case "default":
				// Like cmd/go: the loop goes on; see below.
			case "login":
				l.Login = f[i+1]
			case "password":
				l.Password = f[i+1]
			case "macdef":
				// A macro body runs from the next line to an empty line.
				inMacro = true
			}
			if l.Machine != "" && l.Login != "" && l.Password != "" {
				nrc = append(nrc, l)
				l = NetrcLine{}
			}
		}

		if i < len(f) && f[i] == "default" {
			// "There can be only one default token, and it must be after
			// all machine tokens."
			break
		}
	}
	return nrc
}

// NetrcPath returns the .netrc file the go command reads: $NETRC, else
// <home>/.netrc (on Windows <home>/_netrc if it exists). getenv supplies
// NETRC and the home directory variable; home falls back to os.UserHomeDir.
func NetrcPath(getenv func(string) string) (string, error) {
	if env := getenv("NETRC"); env != "" {
		return env, nil
	}
	var home string
	switch runtime.GOOS {
	case "windows":
		home = getenv("USERPROFILE")
	case "plan9":
		home = getenv("home")
	default:
		home = getenv("HOME")
	}
	if home == "" {
		h, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		home = h
	}
	if runtime.GOOS == "windows" {
		legacy := filepath.Join(home, "_netrc")
		_, err := os.Stat(legacy)
		if err == nil {
			return legacy, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
	}
	return filepath.Join(home, ".netrc"), nil
}

// readNetrc reads and parses path; a missing file means no entries.
func readNetrc(path string) ([]NetrcLine, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, err
	}
	return ParseNetrc(string(data)), nil
}

// netrcStamp identifies one version of the netrc file.
type netrcStamp struct {
	exists  bool
	size    int64
	modTime time.Time
}

func statNetrc(path string) netrcStamp {
	fi, err := os.Stat(path)
	if err != nil {
		return netrcStamp{}
	}
	return netrcStamp{true, fi.Size(), fi.ModTime()}
}
