package modproxy

import (
	"errors"
	"testing"
)

// TestClassifyGitErrorPorts: HTTP statuses are read from git's "returned
// error: N", never from any number in the text (ports such as 40401 once
// made a refused connection look like a 404).
func TestClassifyGitErrorPorts(t *testing.T) {
	for stderr, want := range map[string]Kind{
		"fatal: unable to access 'http://127.0.0.1:40401/x.git/': Failed to connect to 127.0.0.1 port 40401 after 0 ms: Couldn't connect to server": Unreachable,
		"fatal: unable to access 'http://127.0.0.1:40312/x.git/': Failed to connect to 127.0.0.1 port 40312: Connection refused":                    Unreachable,
		"fatal: unable to access 'https://git.example/x.git/': The requested URL returned error: 404":                                               NotFound,
		"fatal: unable to access 'https://git.example/x.git/': The requested URL returned error: 403":                                               AuthRequired,
		"fatal: could not read Username for 'https://github.com': terminal prompts disabled":                                                        AuthRequired,
		"fatal: repository 'https://git.example:4040/x.git/' not found":                                                                             NotFound,
	} {
		if got := classifyGitError("git ls-remote", errors.New("exit status 128"), stderr).Kind; got != want {
			t.Errorf("%q: %v, want %v", stderr, got, want)
		}
	}
}
