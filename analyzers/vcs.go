package analyzers

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gomodls/gomodls/fixes"
	"github.com/gomodls/gomodls/internal/goenv"
	"github.com/gomodls/gomodls/internal/modplan"
	"github.com/gomodls/gomodls/internal/modsource"
)

// reportDirect reports a lookup that failed in direct mode for a reason of
// this machine's setup or the host's refusal (git's credentials, no git, a
// repository the go command refuses, a refused go-get page), and reports
// whether it did. Other direct failures are left to reportLookup.
func reportDirect(pass *Pass, u modUse, l lookupFailure) bool {
	var ve *modsource.VCSError
	switch {
	case errors.As(l.err, &ve):
	case goGetRefused(l.e):
		reportGoGetRefused(pass, u, l.e)
		return true
	default:
		return false
	}
	d := Diagnostic{File: u.file, Span: u.pathSpan(), Severity: Error}
	route := directRoute(pass, u.mod.Path)
	switch ve.Reason {
	case modsource.VCSAuthRequired:
		d.Code = CodeVCSAuthRequired
		fails := "fails the same way"
		if msg := ve.Error(); strings.Contains(msg, "protocol found for repository") {
			// A path naming its VCS: every scheme was tried (internal/direct's pingGit).
			var tried []string
			for _, t := range strings.Split(l.e.ServerText, "\n") {
				tried = append(tried, strings.TrimSpace(t))
			}
			fails = "fails with \"" + msg + "\" (" + strings.Join(tried, "; ") + ")"
		}
		d.Message = fmt.Sprintf("%s: git was refused by %s: %s; the go command fetches this module with git from %s (%s) and %s. %s",
			u.mod, orWhat(ve.Host(), ve.URL), ve.Detail, triedURL(ve), route.why, fails, gitAuthFix(pass, ve))
	case modsource.VCSMissing:
		d.Code = CodeVCSMissing
		words := ve.Error() // "no secure protocol found for repository" for a path naming its VCS
		if l.e.Op != "" {
			words = l.e.Op + ": " + words
		}
		d.Message = fmt.Sprintf("%s: %s, and the go command fetches this module with git from %s (%s): it fails with: %s; install git",
			u.mod, ve.Detail, ve.URL, route.why, words)
	case modsource.VCSRefused:
		d.Code = CodeVCSRefused
		d.Message = fmt.Sprintf("%s: the go command refuses the repository of this module: %s%s", u.mod, ve.Detail, refusalHint(pass, u, ve))
	default:
		return false
	}
	if ve.Reason == modsource.VCSAuthRequired && route.sumDB {
		// Credentials alone do not make the build work: the checksum
		// database cannot see a private module either.
		pat := goenv.PrivatePattern(u.mod.Path)
		d.Message += fmt.Sprintf(". Once git can read it, the go command asks the checksum database for it, which cannot see a private repository: also set GOPRIVATE to include %s", pat)
		d.Fixes = privateFixes(pass.Snapshot.Env, "GOPRIVATE", pat)
	}
	pass.Report(d)
	return true
}

// directWhy says why the go command fetches a path directly, and whether it
// then verifies it with the checksum database.
type directWhy struct {
	why   string
	sumDB bool
}

func directRoute(pass *Pass, path string) directWhy {
	r := modplan.Of(pass.Snapshot).Route(path)
	switch {
	case r.NoProxy != "":
		name := "GONOPROXY"
		if env := pass.Snapshot.Env; env != nil && env.Lookup("GONOPROXY").Origin == goenv.OriginDefault {
			name = "GOPRIVATE"
		}
		return directWhy{fmt.Sprintf("%s=%s sends it there", name, r.NoProxy), r.SumDB}
	case r.Direct():
		return directWhy{"GOPROXY=direct", r.SumDB}
	}
	return directWhy{"the GOPROXY chain reached direct", r.SumDB}
}

// triedURL names the URL git tried, and the rule that made it of the
// repository's.
func triedURL(ve *modsource.VCSError) string {
	if ve.Rule == "" || ve.URL == ve.Repo {
		return ve.URL
	}
	return fmt.Sprintf("%s (your git configuration's %s rewrote %s)", ve.URL, ve.Rule, ve.Repo)
}

func orWhat(host, url string) string {
	if host != "" {
		return host
	}
	return url
}

// gitAuthFix says how to give git what the host wants, by the URL's scheme.
func gitAuthFix(pass *Pass, ve *modsource.VCSError) string {
	host := ve.Host()
	sshHost, _, _ := strings.Cut(host, ":")
	login := "git@" + sshHost // hosting services' account for SSH
	if u := ve.User(); u != "" && u != "xxxxx" {
		login = u + "@" + sshHost
	}
	low := strings.ToLower(ve.Detail)
	var b strings.Builder
	if strings.Contains(low, "repository not found") {
		fmt.Fprintf(&b, "%s says the repository does not exist, which is also its answer when the credentials git sent cannot see a private repository: check the module path, then the access of the token or key. ", host)
	}
	switch ve.Scheme() {
	case "ssh", "git+ssh":
		if strings.Contains(low, "host key verification failed") {
			fmt.Fprintf(&b, "ssh does not know %s's host key: connect once with `ssh -T %s` and accept it (or add the output of `ssh-keyscan %s` to ~/.ssh/known_hosts)", sshHost, login, sshHost)
			break
		}
		fmt.Fprintf(&b, "ssh offered no key %s accepts: add yours to the agent (`ssh-add`) and to your account on %s, and check with `ssh -T %s`", sshHost, sshHost, login)
		if ve.Rule != "" && strings.HasPrefix(ve.Repo, "https://") {
			fmt.Fprintf(&b, "; or remove the rule (`git config --global --unset %s`) and give git a token for https in ~/.netrc", ruleKey(ve.Rule))
		}
	default:
		if ve.NetrcEntry {
			fmt.Fprintf(&b, "~/.netrc has an entry for %s, which the host refused: renew its token (it needs read access to the repository)", host)
		} else {
			fmt.Fprintf(&b, "Give git a token for %s: a line `machine %s login USER password TOKEN` in ~/.netrc (git reads $HOME/.netrc, not $NETRC) or a git credential helper", host, sshHost)
		}
		if env := pass.Snapshot.Env; env != nil && env.Lookup("NETRC").Origin != goenv.OriginDefault {
			fmt.Fprintf(&b, " (NETRC=%s is read by the go command only)", env.Get("NETRC"))
		}
		fmt.Fprintf(&b, "; or use SSH: `git config --global url.\"git@%s:\".insteadOf \"https://%s/\"` with a key that `ssh -T git@%s` accepts", sshHost, host, sshHost)
	}
	return b.String()
}

// ruleKey is the configuration key of a rule as VCSError.Rule shows it
// (url."BASE".insteadOf "PREFIX" (FILE), internal/direct's insteadOfRule):
// url.BASE.insteadOf.
func ruleKey(rule string) string {
	k, _, _ := strings.Cut(rule, " ")
	return k
}

// refusalHint says what to do about a repository the go command or git
// refuses.
func refusalHint(pass *Pass, u modUse, ve *modsource.VCSError) string {
	low := strings.ToLower(ve.Detail)
	switch {
	case strings.Contains(low, "must not be local directory"):
		return fmt.Sprintf("; the go-get page names %s, which is not a URL (git would read it as a local path, or as a transport such as ext::, which runs a command); gomodls did not run git on it; the page must name an https:// or ssh:// URL, or a replace directive must point the module elsewhere", ve.Repo)
	case strings.Contains(low, "govcs disallows"):
		return fmt.Sprintf("; allow %s for the path in GOVCS (go env -w GOVCS=...; see go help vcs)", ve.VCS)
	case strings.Contains(low, "transport '") && strings.Contains(low, "not allowed"):
		why := "git's protocol.allow configuration"
		if env := pass.Snapshot.Env; env != nil && env.Get("GIT_ALLOW_PROTOCOL") != "" {
			why = "GIT_ALLOW_PROTOCOL=" + env.Get("GIT_ALLOW_PROTOCOL")
		}
		return fmt.Sprintf(" (git ls-remote %s); %s forbids this transport: the go-get page should name an https:// or ssh:// URL, or allow the transport if the page is trustworthy", ve.URL, why)
	case strings.Contains(low, "is not a git command"):
		return fmt.Sprintf(" (git ls-remote %s): git has no helper for this URL's scheme; the go-get page should name an https:// or ssh:// URL", ve.URL)
	}
	return "; the go-get page is wrong (its owners must fix it), or a replace directive must point the module elsewhere"
}

// goGetRefused reports whether e is the go command's own request for a
// go-get page, refused with 401 or 403 (direct mode).
func goGetRefused(e *modsource.Error) bool {
	return e != nil && e.Proxy == modsource.SourceDirect && (e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden) &&
		strings.Contains(e.Op, "?go-get=1")
}

// reportGoGetRefused reports a go-get page that wants credentials: the go
// command sends GOAUTH's, not git's.
func reportGoGetRefused(pass *Pass, u modUse, e *modsource.Error) {
	host, _, _ := strings.Cut(u.mod.Path, "/")
	env := pass.Snapshot.Env
	goauth, netrc := "netrc", "~/.netrc"
	if env != nil {
		if v := env.Get("GOAUTH"); v != "" {
			goauth = v
		}
		netrc = netrcName(env)
	}
	d := Diagnostic{File: u.file, Span: u.pathSpan(), Code: CodeVCSAuthRequired, Severity: Error,
		Message: fmt.Sprintf("%s: %s refused the go command's request for the module's go-get page (%s), so it cannot find the repository: it sends the credentials of GOAUTH=%s; add `machine %s login USER password TOKEN` to %s, or let it ask git's credential helper (GOAUTH=git DIR)",
			u.mod, host, e.Answer(), goauth, host, netrc)}
	if env != nil && goauth != "off" && !strings.Contains(goauth, "git ") {
		dir := env.Get("HOME")
		if dir == "" {
			dir = pass.Snapshot.Dir
		}
		value := goauth + ";git " + dir
		fx := fixes.GoEnvWrite("GOAUTH", value)
		fx.Title = fmt.Sprintf("Run go env -w GOAUTH=%q (the go command then asks `git credential fill` for https://%s)", value, host)
		d.Fixes = append(d.Fixes, fx)
	}
	pass.Report(d)
}
