// Copyright 2026 The gomodls Authors.

package direct

import (
	"regexp"
	"strings"

	"github.com/gomodls/gomodls/internal/modsource"
)

// How git's complaints become errors: the kind (the go command's
// verdict), and for refusals of credentials or of the transport a
// modsource.VCSError with git's most telling words.

var urlUserinfo = regexp.MustCompile(`://[^/@\s]+@`)

// gitHTTPStatus finds the HTTP status in git's "The requested URL returned
// error: 404" (a bare " 404" would also match port numbers such as 40401).
var gitHTTPStatus = regexp.MustCompile(`returned error: (\d{3})\b`)

// classifyGitError maps git's complaints to kinds, keeping its words
// (credentials in URLs redacted). Refusals of credentials and of the
// transport carry a VCSError.
func classifyGitError(op string, err error, stderr string) *modsource.Error {
	text := urlUserinfo.ReplaceAllString(strings.TrimSpace(stderr), "://xxxxx@")
	low := strings.ToLower(text)
	status := ""
	if m := gitHTTPStatus.FindStringSubmatch(low); m != nil {
		status = m[1]
	}
	kind := modsource.Direct
	switch {
	case gitAuthRefusal(low) != "", status == "401", status == "403":
		kind = modsource.AuthRequired
	case strings.Contains(low, "could not resolve host"), strings.Contains(low, "failed to connect"),
		strings.Contains(low, "connection refused"), strings.Contains(low, "timed out"),
		strings.Contains(low, "connection reset"), strings.Contains(low, "ssl certificate"),
		strings.Contains(low, "server certificate verification failed"), strings.Contains(low, "unable to access"):
		kind = modsource.Unreachable
	case strings.Contains(low, "not found"), strings.Contains(low, "does not exist"),
		strings.Contains(low, "does not appear to be a git repository"):
		kind = modsource.NotFound
	}
	if kind == modsource.Unreachable && (strings.Contains(low, "not found") || status == "404" || status == "410") {
		kind = modsource.NotFound // "unable to access ...: The requested URL returned error: 404"
	}
	e := &modsource.Error{Kind: kind, Proxy: modsource.SourceDirect, Op: op, Err: err, ServerText: modsource.FormatDetail(text)}
	switch {
	case kind == modsource.AuthRequired:
		e.Err = &modsource.VCSError{Reason: modsource.VCSAuthRequired, VCS: "git", Detail: gitDetail(text, gitAuthRefusal(low)), Err: err}
	case kind == modsource.Direct && (strings.Contains(low, "transport '") && strings.Contains(low, "not allowed") ||
		strings.Contains(low, "is not a git command")):
		// "fatal: transport 'http' not allowed" (GIT_ALLOW_PROTOCOL,
		// protocol.allow); "git: 'remote-weird' is not a git command"
		// (no remote helper for the scheme).
		e.Err = &modsource.VCSError{Reason: modsource.VCSRefused, VCS: "git", Detail: gitDetail(text, ""), Err: err}
	}
	return e
}

// gitAuthPhrases are git's and ssh's words for a refused or missing
// credential (lower case). "remote: repository not found" is GitHub's and
// GitLab's answer to credentials that cannot see a private repository
// (they hide its existence), unlike git http-backend's "repository '...'
// not found".
var gitAuthPhrases = []string{
	"could not read username", "could not read password", "authentication failed",
	"terminal prompts disabled", "permission denied (publickey", "http basic: access denied",
	"host key verification failed", "remote: repository not found",
}

// gitAuthRefusal returns the phrase of gitAuthPhrases in low, or "".
func gitAuthRefusal(low string) string {
	for _, p := range gitAuthPhrases {
		if strings.Contains(low, p) {
			return p
		}
	}
	return ""
}

// gitDetail picks git's most telling line: the one holding phrase (else
// the last "fatal:" line, else the first), without "fatal: ", followed by
// what the host said on "remote:" lines.
func gitDetail(text, phrase string) string {
	lines := strings.Split(text, "\n")
	pick := ""
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if phrase != "" && strings.Contains(strings.ToLower(l), phrase) {
			pick = l
			break
		}
		if strings.HasPrefix(l, "fatal: ") || pick == "" {
			pick = l
		}
	}
	var remote []string
	for _, l := range lines {
		if r, ok := strings.CutPrefix(strings.TrimSpace(l), "remote: "); ok && r != "" && !strings.Contains(pick, r) {
			remote = append(remote, strings.TrimSpace(r))
		}
	}
	pick = strings.TrimPrefix(strings.TrimPrefix(pick, "fatal: "), "remote: ")
	if len(remote) > 0 {
		pick += " (the host: " + strings.Join(remote, " ") + ")"
	}
	return pick
}
