// Copyright 2026 The gomodls Authors.

package modsource

import (
	"net/url"
	"strings"

	"github.com/gomodls/gomodls/internal/redact"
)

// A VCSError says why the go command cannot use the repository that a
// module path leads to in direct mode, when the cause is this machine's
// setup or the host's refusal rather than the module: the host refused
// git's credentials, git is not installed, or the go command (or git's
// protocol policy) refuses the repository URL. The *Error of the lookup
// wraps it: find it with errors.As.
type VCSError struct {
	Reason VCSReason
	VCS    string // "git"
	// Repo is the repository URL the go command gives git (redacted).
	Repo string
	// URL is the URL git tried: Repo after the user's
	// url.<base>.insteadOf rules (redacted); Repo when no rule applies.
	URL string
	// Rule is the git configuration entry that rewrote Repo, as `git
	// config --show-origin` shows it (`url.<base>.insteadof <prefix>` and
	// the file), "" if none did. Credentials in it are redacted.
	Rule string
	// Detail is the refusal in git's or the go command's words (its most
	// telling line), e.g. "Permission denied (publickey)".
	Detail string
	// NetrcEntry reports, for an http(s) URL git was refused, that the
	// .netrc git reads ($HOME/.netrc, not $NETRC) has an entry for the
	// URL's host: its credentials were sent and refused.
	NetrcEntry bool
	// Err is the underlying error (git's exit status, exec's error, the go
	// command's refusal); Error returns its text.
	Err error
}

// VCSReason is the kind of a VCSError.
type VCSReason int

const (
	// VCSAuthRequired: the host wants credentials git does not have, or
	// refuses the ones it sent (an https 401/403, "could not read
	// Username", "Permission denied (publickey)", "Repository not found"
	// from a host that hides private repositories, an unknown host key).
	VCSAuthRequired VCSReason = iota + 1
	// VCSMissing: the version control command is not installed (not in
	// PATH).
	VCSMissing
	// VCSRefused: the go command refuses the repository a go-get page
	// names (no scheme, file:, a transport without "://" such as ext::,
	// an unknown VCS, GOVCS), or git refuses its transport
	// (GIT_ALLOW_PROTOCOL, protocol.allow, no remote helper).
	VCSRefused
)

var vcsReasonNames = [...]string{VCSAuthRequired: "auth-required", VCSMissing: "missing", VCSRefused: "refused"}

func (r VCSReason) String() string {
	if r > 0 && int(r) < len(vcsReasonNames) {
		return vcsReasonNames[r]
	}
	return "unknown"
}

func (e *VCSError) Error() string {
	if e.Err == nil {
		return e.Detail
	}
	return e.Err.Error()
}

func (e *VCSError) Unwrap() error { return e.Err }

// Host returns the host (with its port, if any) of the URL git tried,
// for https, ssh and scp-like (git@host:path) URLs alike; "" if it has
// none.
func (e *VCSError) Host() string {
	_, host := SplitGitURL(e.URL)
	return host
}

// Scheme returns the scheme of the URL git tried: "https", "ssh" (also
// for scp-like git@host:path URLs), ...
func (e *VCSError) Scheme() string {
	scheme, _ := SplitGitURL(e.URL)
	return scheme
}

// User returns the user name of the URL git tried (git in
// git@host:path), "" if it names none.
func (e *VCSError) User() string {
	s := e.URL
	if i := strings.Index(s, "://"); i >= 0 {
		u, err := url.Parse(s)
		if err != nil || u.User == nil {
			return ""
		}
		return u.User.Username()
	}
	if scheme, _ := SplitGitURL(s); scheme != "ssh" {
		return ""
	}
	before, _, _ := strings.Cut(s, ":")
	user, _, ok := strings.Cut(before, "@")
	if !ok || strings.Contains(user, "/") {
		return ""
	}
	return user
}

// SplitGitURL splits a git URL: scheme://[user@]host[:port]/path or
// the scp-like [user@]host:path, which is ssh.
func SplitGitURL(s string) (scheme, host string) {
	if i := strings.Index(s, "://"); i >= 0 {
		u, err := url.Parse(s)
		if err != nil {
			return s[:i], ""
		}
		return u.Scheme, u.Host
	}
	if transport, _, ok := strings.Cut(s, "::"); ok && !strings.Contains(transport, "/") {
		return transport, "" // a remote helper's transport::address
	}
	before, _, ok := strings.Cut(s, ":")
	if !ok || strings.Contains(before, "/") {
		return "", ""
	}
	if _, h, ok := strings.Cut(before, "@"); ok {
		before = h
	}
	return "ssh", before
}

// RedactGitURL hides credentials in a git URL. The user of an ssh URL
// without a password (git@host:path, ssh://git@host/path) is an account
// name, not a token, and is kept.
func RedactGitURL(s string) string {
	if !strings.Contains(s, "://") {
		if scheme, _ := SplitGitURL(s); scheme == "ssh" {
			return s
		}
		return redact.String(s)
	}
	if u, err := url.Parse(s); err == nil && (u.Scheme == "ssh" || u.Scheme == "git+ssh") && u.User != nil {
		if _, has := u.User.Password(); !has {
			return s
		}
	}
	return redact.String(s)
}
