// Copyright 2026 The gomodls Authors.

package direct

import (
	"errors"
	"strings"
	"testing"

	"github.com/gomodls/gomodls/internal/modsource"
)

func TestClassifyGitError(t *testing.T) {
	for _, tc := range []struct {
		stderr string
		kind   modsource.Kind
	}{
		{"fatal: could not read Username for 'https://host': terminal prompts disabled", modsource.AuthRequired},
		{"remote: HTTP Basic: Access denied\nfatal: Authentication failed for 'https://host/x.git/'", modsource.AuthRequired},
		{"fatal: unable to access 'https://host/x.git/': Could not resolve host: host", modsource.Unreachable},
		{"fatal: unable to access 'http://127.0.0.1:1/x.git/': Failed to connect to 127.0.0.1 port 1", modsource.Unreachable},
		{"fatal: unable to access 'https://host/x.git/': The requested URL returned error: 404", modsource.NotFound},
		{"fatal: unable to access 'https://host/x.git/': The requested URL returned error: 403", modsource.AuthRequired},
		// GitHub's and GitLab's answer to credentials that cannot see a
		// private repository; git http-backend's own "not found" is not.
		{"remote: Repository not found.\nfatal: repository 'https://host/x.git/' not found", modsource.AuthRequired},
		{"fatal: repository 'https://host/x.git/' not found", modsource.NotFound},
		{"git@host: Permission denied (publickey).\nfatal: Could not read from remote repository.", modsource.AuthRequired},
		{"Host key verification failed.\nfatal: Could not read from remote repository.", modsource.AuthRequired},
		{"fatal: transport 'http' not allowed", modsource.Direct},
		{"git: 'remote-weird' is not a git command. See 'git --help'.", modsource.Direct},
		{"fatal: 'x' does not appear to be a git repository", modsource.NotFound},
		{"error: something else", modsource.Direct},
	} {
		e := classifyGitError("git ls-remote x", errors.New("exit status 128"), tc.stderr)
		if e.Kind != tc.kind {
			t.Errorf("%q: kind %s, want %s", tc.stderr, e.Kind, tc.kind)
		}
	}
	e := classifyGitError("op", errors.New("exit status 128"), "fatal: unable to access 'https://user:tok3n@host/x.git/': Could not resolve host")
	if strings.Contains(e.Error(), "tok3n") {
		t.Errorf("credentials in %q", e.Error())
	}
}

// TestClassifyGitErrorPorts: HTTP statuses are read from git's "returned
// error: N", never from any number in the text (ports such as 40401 once
// made a refused connection look like a 404).
func TestClassifyGitErrorPorts(t *testing.T) {
	for stderr, want := range map[string]modsource.Kind{
		"fatal: unable to access 'http://127.0.0.1:40401/x.git/': Failed to connect to 127.0.0.1 port 40401 after 0 ms: Couldn't connect to server": modsource.Unreachable,
		"fatal: unable to access 'http://127.0.0.1:40312/x.git/': Failed to connect to 127.0.0.1 port 40312: Connection refused":                    modsource.Unreachable,
		"fatal: unable to access 'https://git.example/x.git/': The requested URL returned error: 404":                                               modsource.NotFound,
		"fatal: unable to access 'https://git.example/x.git/': The requested URL returned error: 403":                                               modsource.AuthRequired,
		"fatal: could not read Username for 'https://github.com': terminal prompts disabled":                                                        modsource.AuthRequired,
		"fatal: repository 'https://git.example:4040/x.git/' not found":                                                                             modsource.NotFound,
	} {
		if got := classifyGitError("git ls-remote", errors.New("exit status 128"), stderr).Kind; got != want {
			t.Errorf("%q: %v, want %v", stderr, got, want)
		}
	}
}
