// Copyright 2026 The gomodls Authors.

package modproxy

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gomodls/gomodls/internal/modsource"
	"github.com/gomodls/gomodls/internal/proxytest"
)

// sec is a git host served over https (a test CA), as hosting services
// are: no GOINSECURE is needed, and credentials are sent.
const sec = "git.secure.example.com"

// vcsFixture: sec/team/secret needs Basic credentials (alice:s3cret),
// sec/team/open does not, sec/team/forbidden answers 403 to everyone,
// sec/team/hidden answers 404 "Repository not found." as GitHub does, and
// go-get pages name other repositories, good and hostile.
type vcsFixture struct {
	pub    *proxytest.Server
	origin *proxytest.GitOrigin
}

func newVCSFixture(t *testing.T) *vcsFixture {
	t.Helper()
	f := &vcsFixture{pub: proxytest.New(t), origin: proxytest.NewGitOrigin(t, sec)}
	o := f.origin
	o.NewGitRepo(t, "team/secret", sec+"/team/secret")
	o.NewGitRepo(t, "team/open", sec+"/team/open")
	o.NewGitRepo(t, "team/forbidden", sec+"/team/forbidden")
	o.NewGitRepo(t, "private/moved", sec+"/team/moved")
	o.RequireBasicAuth(sec+"/team/secret", "alice", "s3cret", false)
	o.RequireBasicAuth(sec+"/private", "alice", "s3cret", false)
	o.Forbid(sec+"/team/forbidden", 403, "token lacks scope")
	o.Forbid(sec+"/team/hidden", 404, "Repository not found.")
	o.AddMeta(
		sec+"/team/secret git https://"+sec+"/team/secret.git",
		sec+"/team/open git https://"+sec+"/team/open.git",
		sec+"/team/forbidden git https://"+sec+"/team/forbidden.git",
		sec+"/team/hidden git https://"+sec+"/team/hidden.git",
		sec+"/team/moved git https://"+sec+"/team/moved.git",
		// Hostile or odd pages.
		sec+"/team/plainhttp git http://"+sec+"/team/open.git",
		sec+"/team/ext git ext::sh",
		sec+"/team/scp git git@"+sec+":team/open.git",
		sec+"/team/weird git weird://"+sec+"/team/open.git",
		sec+"/team/unknownvcs foo https://"+sec+"/team/open.git",
		sec+"/team/fileroot git file:///etc",
	)
	return f
}

func (f *vcsFixture) env(extra ...string) []string {
	return f.pub.GoEnv(append(append([]string{"GOPRIVATE=" + sec}, f.origin.GoEnv()...), extra...)...)
}

func (f *vcsFixture) client(t *testing.T, extra ...string) *Client {
	t.Helper()
	return newClient(t, f.pub, Options{Env: testEnv(t, f.env(extra...)), HTTPClient: f.origin.HTTPClient()})
}

func wantVCSError(t *testing.T, err error, reason VCSReason) *VCSError {
	t.Helper()
	var ve *VCSError
	if !errors.As(err, &ve) {
		t.Fatalf("no VCSError in %v", err)
	}
	if ve.Reason != reason {
		t.Fatalf("reason %v, want %v: %v", ve.Reason, reason, err)
	}
	return ve
}

// TestDirectGitAuth: git's refusals of credentials, from a real git server
// (git http-backend over https with Basic authentication), become
// VCSErrors that name the URL git tried.
func TestDirectGitAuth(t *testing.T) {
	f := newVCSFixture(t)
	ctx := ctxT(t)
	secret := sec + "/team/secret"

	// No credentials: git cannot ask for them.
	_, err := f.client(t).Info(ctx, secret, "v1.0.0")
	wantKind(t, err, AuthRequired)
	wantContains(t, err.Error(), secret+"@v1.0.0: invalid version: git ls-remote -q https://"+sec+"/team/secret.git: exit status 128:\n\tfatal: could not read Username for 'https://"+sec+"': terminal prompts disabled")
	ve := wantVCSError(t, err, VCSAuthRequired)
	if ve.URL != "https://"+sec+"/team/secret.git" || ve.Repo != ve.URL || ve.Rule != "" || ve.NetrcEntry ||
		ve.Detail != "could not read Username for 'https://"+sec+"': terminal prompts disabled" || ve.Host() != sec || ve.Scheme() != "https" {
		t.Errorf("VCSError = %+v", ve)
	}

	// $NETRC is the go command's; git reads $HOME/.netrc only.
	netrc := filepath.Join(t.TempDir(), "netrc")
	os.WriteFile(netrc, []byte("machine "+sec+" login alice password s3cret\n"), 0o600)
	_, err = f.client(t, "NETRC="+netrc).Info(ctx, secret, "v1.0.0")
	wantVCSError(t, err, VCSAuthRequired)

	// A wrong token in ~/.netrc: sent and refused.
	f.origin.WriteHome(t, ".netrc", "machine "+sec+" login alice password wrong\n")
	_, err = f.client(t).Info(ctx, secret, "v1.0.0")
	if ve := wantVCSError(t, err, VCSAuthRequired); !ve.NetrcEntry {
		t.Errorf("NetrcEntry false with ~/.netrc's entry for %s", sec)
	}

	// The right one.
	f.origin.WriteHome(t, ".netrc", "machine "+sec+" login alice password s3cret\n")
	if info, err := f.client(t).Info(ctx, secret, "v1.0.0"); err != nil || info.Origin == nil {
		t.Errorf("with ~/.netrc: %+v, %v", info, err)
	}
	os.Remove(filepath.Join(f.origin.Home, ".netrc"))

	// A refusal is remembered for NegativeTTL only: the user is fixing it.
	c := newClient(t, f.pub, Options{Env: testEnv(t, f.env()), HTTPClient: f.origin.HTTPClient(), NegativeTTL: 50 * time.Millisecond})
	if _, err := c.Info(ctx, secret, "v1.1.0"); err == nil {
		t.Fatal("found without credentials")
	}
	f.origin.WriteHome(t, ".netrc", "machine "+sec+" login alice password s3cret\n")
	time.Sleep(100 * time.Millisecond)
	if _, err := c.Info(ctx, secret, "v1.1.0"); err != nil {
		t.Errorf("after the fix, once NegativeTTL passed: %v", err)
	}
	os.Remove(filepath.Join(f.origin.Home, ".netrc"))

	// GIT_ASKPASS supplies tokens without a terminal, to the go command
	// too: it is the user's, not blanked.
	askpass := filepath.Join(t.TempDir(), "askpass.sh")
	os.WriteFile(askpass, []byte("#!/bin/sh\ncase \"$1\" in Username*) echo alice;; *) echo s3cret;; esac\n"), 0o755)
	if _, err := f.client(t, "GIT_ASKPASS="+askpass).Info(ctx, secret, "v1.0.0"); err != nil {
		t.Errorf("with GIT_ASKPASS: %v", err)
	}

	// 403: a token without access; the host's words are kept.
	_, err = f.client(t).Info(ctx, sec+"/team/forbidden", "v1.0.0")
	ve = wantVCSError(t, err, VCSAuthRequired)
	if ve.Detail != "unable to access 'https://"+sec+"/team/forbidden.git/': The requested URL returned error: 403 (the host: token lacks scope)" {
		t.Errorf("403 Detail = %q", ve.Detail)
	}
	// "Repository not found." from a host that hides private repositories.
	_, err = f.client(t).Info(ctx, sec+"/team/hidden", "v1.0.0")
	ve = wantVCSError(t, err, VCSAuthRequired)
	wantContains(t, ve.Detail, "Repository not found.")
	f.pub.AssertNoRequestMentions(t, sec)
}

// TestDirectGitInsteadOf: the URL reported is the one git tried after the
// user's url.<base>.insteadOf rules, with the rule and its file.
func TestDirectGitInsteadOf(t *testing.T) {
	f := newVCSFixture(t)
	ctx := ctxT(t)
	// The page names https://sec/team/moved.git; the user's rule sends git
	// to the private copy.
	f.origin.GitConfig(t, "url.https://"+sec+"/private/.insteadOf", "https://"+sec+"/team/")
	_, err := f.client(t).Info(ctx, sec+"/team/moved", "v1.0.0")
	ve := wantVCSError(t, err, VCSAuthRequired)
	gitconfig := filepath.Join(f.origin.Home, ".gitconfig")
	if ve.Repo != "https://"+sec+"/team/moved.git" || ve.URL != "https://"+sec+"/private/moved.git" ||
		ve.Rule != `url."https://`+sec+`/private/".insteadOf "https://`+sec+`/team/" (`+gitconfig+`)` {
		t.Errorf("VCSError = %+v", ve)
	}
	f.origin.WriteHome(t, ".netrc", "machine "+sec+" login alice password s3cret\n")
	if info, err := f.client(t).Info(ctx, sec+"/team/moved", "v1.0.0"); err != nil {
		t.Errorf("with ~/.netrc: %+v, %v", info, err)
	}

	// A token in the rule's URL is never shown; an ssh user is.
	f.origin.GitConfig(t, "url.https://ghp_T0KEN@"+sec+"/team/hidden.insteadOf", "https://"+sec+"/team/hidden")
	_, err = f.client(t).Info(ctx, sec+"/team/hidden", "v1.0.0")
	ve = wantVCSError(t, err, VCSAuthRequired)
	if strings.Contains(ve.URL+ve.Rule+err.Error(), "T0KEN") || ve.URL != "https://xxxxx@"+sec+"/team/hidden.git" {
		t.Errorf("token shown: %+v\n%v", ve, err)
	}
	for in, want := range map[string]string{
		"git@" + sec + ":team/x.git":       "git@" + sec + ":team/x.git",
		"ssh://git@" + sec + "/team/x.git": "ssh://git@" + sec + "/team/x.git",
		"https://u:pw@" + sec + "/x.git":   "https://u:xxxxx@" + sec + "/x.git",
		"https://tok@" + sec + "/x.git":    "https://xxxxx@" + sec + "/x.git",
		"ssh://git:pw@" + sec + "/x.git":   "ssh://git:xxxxx@" + sec + "/x.git",
		"ext::sh":                          "ext::sh",
	} {
		if got := modsource.RedactGitURL(in); got != want {
			t.Errorf("modsource.RedactGitURL(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestDirectRepoRootChecks: the go command's checks of a go-get page's
// repository, made before git runs, in its words; what it lets through
// reaches git, whose policy decides.
func TestDirectRepoRootChecks(t *testing.T) {
	f := newVCSFixture(t)
	ctx := ctxT(t)
	for _, tc := range []struct {
		mod     string
		extra   []string
		reason  VCSReason // 0: found
		message string
		git     bool // git runs
	}{
		// The go command does not check the scheme of a page's repository:
		// http:// reaches git, which allows it by default.
		{mod: "plainhttp", git: true},
		{mod: "plainhttp", extra: []string{"GIT_ALLOW_PROTOCOL=https:ssh"}, reason: VCSRefused, git: true,
			message: "git ls-remote -q http://" + sec + "/team/open.git: exit status 128:\n\tfatal: transport 'http' not allowed"},
		{mod: "weird", reason: VCSRefused, git: true, message: "git: 'remote-weird' is not a git command."},
		// codehost.NewRepo: no "://", no git (ext:: would run a command).
		{mod: "ext", reason: VCSRefused, message: sec + "/team/ext@v1.0.0: git remote (ext::sh) must not be local directory (use URL syntax not host:path syntax)"},
		{mod: "ext", extra: []string{"GIT_ALLOW_PROTOCOL=ext:https"}, reason: VCSRefused, message: "git remote (ext::sh) must not be local directory"},
		{mod: "scp", reason: VCSRefused, message: `invalid repo root "git@` + sec + `:team/open.git": first path segment in URL cannot contain colon`},
		{mod: "unknownvcs", reason: VCSRefused, message: `unrecognized import path "` + sec + `/team/unknownvcs": https://` + sec + `/team/unknownvcs?go-get=1: unknown vcs "foo"`},
		{mod: "fileroot", reason: VCSRefused, message: `https://` + sec + `/team/fileroot?go-get=1: invalid repo root "file:///etc": file scheme disallowed`},
		{mod: "open", extra: []string{"GOVCS=" + sec + ":hg"}, reason: VCSRefused, message: `unrecognized import path "` + sec + `/team/open": GOVCS disallows using git for private ` + sec + `/team/open; see 'go help vcs'`},
		{mod: "open", extra: []string{"PATH=" + t.TempDir()}, reason: VCSMissing, message: `unable to resolve git version: failed to execute git version: exec: "git": executable file not found in $PATH`},
	} {
		t.Run(tc.mod+strings.Join(tc.extra, ","), func(t *testing.T) {
			c := f.client(t, tc.extra...)
			_, err := c.Info(ctx, sec+"/team/"+tc.mod, "v1.0.0")
			if tc.reason == 0 {
				if err != nil {
					t.Fatal(err)
				}
			} else {
				wantVCSError(t, err, tc.reason)
				wantContains(t, err.Error(), tc.message)
			}
			if n := c.Stats().GitCommands; (n > 0) != tc.git {
				t.Errorf("%d git commands", n)
			}
		})
	}
}
