// Copyright 2026 The gomodls Authors.

package modproxy

import (
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gomodls/gomodls/internal/proxytest"
)

const corp = "git.corp.example.com"

// directFixture is a public proxy, a private proxy (the corporate one, for
// "mod" entries) and the origin of git.corp.example.com.
type directFixture struct {
	pub, priv *proxytest.Server
	origin    *proxytest.GitOrigin
	repo      *proxytest.GitRepo
	dotgit    *proxytest.GitRepo
}

func newDirectFixture(t *testing.T) *directFixture {
	t.Helper()
	f := &directFixture{
		pub:    proxytest.New(t),
		priv:   proxytest.New(t, proxytest.WithoutDefaultCorpus(), proxytest.WithCorpusFS(proxytest.PrivateCorpus)),
		origin: proxytest.NewGitOrigin(t),
	}
	f.repo = f.origin.NewGitRepo(t, "team/lib", corp+"/team/lib")
	// A module path naming its VCS: no go-import tag, the repository is
	// http://git.corp.example.com/team/dotgit (the path without .git).
	f.dotgit = f.origin.NewGitRepo(t, "team/dotgit", corp+"/team/dotgit.git")
	f.origin.AddMeta(
		corp+"/team/lib git http://"+corp+"/team/lib.git",
		corp+"/team/App mod "+f.priv.URL,
		corp+"/team/svnthing svn http://"+corp+"/svn/thing",
		corp+"/team/gone git http://"+corp+"/team/gone.git",
		corp+"/team/down git "+proxytest.RefusedURL(t)+"/down.git",
		corp+"/team/filerepo git file:///tmp/x",
	)
	return f
}

// env returns the go command environment: the public proxy, GOPRIVATE for
// the corporate host, the origin as HTTP proxy, and extra.
func (f *directFixture) env(extra ...string) []string {
	base := append([]string{"GOPRIVATE=" + corp, "GOINSECURE=" + corp}, f.origin.GoEnv()...)
	return f.pub.GoEnv(append(base, extra...)...)
}

func (f *directFixture) client(t *testing.T, opts Options, extra ...string) *Client {
	t.Helper()
	opts.Env = testEnv(t, f.env(extra...))
	opts.HTTPClient = f.origin.HTTPClient()
	return newClient(t, f.pub, opts)
}

func TestDirectGit(t *testing.T) {
	f := newDirectFixture(t)
	c := f.client(t, Options{})
	ctx := ctxT(t)
	const lib = corp + "/team/lib"
	source := "direct (git http://" + corp + "/team/lib.git)"

	info, err := c.Info(ctx, lib, "v1.0.0")
	if err != nil {
		t.Fatal(err)
	}
	if info.Source != source || info.Origin == nil || info.Origin.Hash != f.repo.Tags["v1.0.0"] || info.Origin.Ref != "refs/tags/v1.0.0" || info.Unchecked != "" {
		t.Errorf("Info = %+v / %+v", info, info.Origin)
	}
	// The annotated tag resolves to its commit.
	info, err = c.Info(ctx, lib, "v1.2.0-rc.1")
	if err != nil || info.Origin.Hash != f.repo.Tags["v1.2.0-rc.1"] {
		t.Errorf("annotated tag: %+v, %v", info, err)
	}

	_, err = c.Info(ctx, lib, "v1.9.9")
	e := wantKind(t, err, NotFound)
	if e.Error() != lib+"@v1.9.9: git ls-remote http://"+corp+"/team/lib.git: invalid version: unknown revision v1.9.9" {
		t.Errorf("Error() = %q", e.Error())
	}
	if e.Module != ModuleKnown {
		t.Errorf("Module = %v", e.Module)
	}

	l, err := c.Versions(ctx, lib)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"v1.0.0", "v1.1.0", "v1.2.0-rc.1"}; !slices.Equal(l.Versions, want) {
		t.Errorf("Versions = %q, want %q", l.Versions, want)
	}
	wantContains(t, l.Unchecked, "v2.0.0 would be +incompatible")

	latest, err := c.Latest(ctx, lib)
	if err != nil || latest.Version != "v1.1.0" {
		t.Errorf("Latest = %+v, %v", latest, err)
	}

	// The nested module's tags carry its directory.
	sl, err := c.Versions(ctx, lib+"/sub")
	if err != nil || !slices.Equal(sl.Versions, []string{"v0.1.0"}) {
		t.Errorf("sub Versions = %+v, %v", sl, err)
	}
	if si, err := c.Info(ctx, lib+"/sub", "v0.1.0"); err != nil || si.Origin.Ref != "refs/tags/sub/v0.1.0" || si.Origin.Subdir != "sub" {
		t.Errorf("sub Info = %+v, %v", si, err)
	}

	// Pseudo-versions: confirmed only as a ref tip, never refuted.
	tip := "v1.1.1-0.20240102030405-" + f.repo.Head["feature"][:12]
	info, err = c.Info(ctx, lib, tip)
	if err != nil {
		t.Fatal(err)
	}
	wantContains(t, info.Unchecked, "is the tip of refs/heads/feature")
	if info.Time.IsZero() {
		t.Errorf("pseudo-version time not set")
	}
	info, err = c.Info(ctx, lib, "v1.1.1-0.20240102030405-0123456789ab")
	if err != nil {
		t.Fatal(err)
	}
	wantContains(t, info.Unchecked, "not the tip of any branch or tag")
	// +incompatible: the tag exists, the go.mod rule cannot be checked.
	info, err = c.Info(ctx, lib, "v2.0.0+incompatible")
	if err != nil {
		t.Fatal(err)
	}
	wantContains(t, info.Unchecked, "valid only if that tag has no go.mod file")

	_, err = c.GoMod(ctx, lib, "v1.0.0")
	wantContains(t, wantKind(t, err, Direct).Error(), "needs a clone")
	_, err = c.ZipHash(ctx, lib, "v1.0.0")
	wantKind(t, err, Direct)

	// One ls-remote for all of it; one go-get page.
	if s := c.Stats(); s.GitCommands != 1 {
		t.Errorf("GitCommands = %d, want 1", s.GitCommands)
	}
	if n := countPrefix(f.origin.Requests(), corp+"/team/lib?"); n > 0 {
		t.Errorf("odd requests: %v", f.origin.Requests())
	}
	f.pub.AssertNoRequestMentions(t, corp)
}

// TestDirectVCSSuffix: a path naming its VCS (host/team/dotgit.git) is
// resolved without go-get, by trying git's schemes as the go command does;
// its tags are checked like any git repository's.
func TestDirectVCSSuffix(t *testing.T) {
	f := newDirectFixture(t)
	c := f.client(t, Options{})
	ctx := ctxT(t)
	const mod = corp + "/team/dotgit.git"
	info, err := c.Info(ctx, mod, "v1.0.0")
	if err != nil {
		t.Fatal(err)
	}
	// git:// and https:// fail (no git daemon; the origin refuses CONNECT);
	// http:// (GOINSECURE) answers.
	if want := "direct (git http://" + corp + "/team/dotgit)"; info.Source != want || info.Origin.Hash != f.dotgit.Tags["v1.0.0"] {
		t.Errorf("Info = %+v (Source %q, want %q)", info.Origin, info.Source, want)
	}
	_, err = c.Info(ctx, mod, "v1.9.9")
	e := wantKind(t, err, NotFound)
	wantContains(t, e.Error(), "invalid version: unknown revision v1.9.9")
	if l, err := c.Versions(ctx, mod); err != nil || !slices.Equal(l.Versions, []string{"v1.0.0", "v1.1.0", "v1.2.0-rc.1"}) {
		t.Errorf("Versions = %+v, %v", l, err)
	}
	if l, err := c.Latest(ctx, mod); err != nil || l.Version != "v1.1.0" {
		t.Errorf("Latest = %+v, %v", l, err)
	}
	// One git command per scheme tried, the answering one's listing reused.
	if s := c.Stats(); s.GitCommands != 3 {
		t.Errorf("GitCommands = %d, want 3 (git, https, http)", s.GitCommands)
	}
	if n := countPrefix(f.origin.Requests(), corp+"/team/dotgit.git"); n > 0 {
		t.Errorf("go-get or .git URL asked: %v", f.origin.Requests())
	}

	// Without GOINSECURE only secure schemes are tried, and none answers.
	secure := f.client(t, Options{}, "GOINSECURE=")
	_, err = secure.Info(ctx, mod, "v1.0.0")
	e = wantKind(t, err, Unreachable)
	wantContains(t, e.Error(), mod+"@v1.0.0: no secure protocol found for repository")
	for _, s := range []string{"https://", "git+ssh://", "ssh://"} {
		wantContains(t, e.ServerText, s+corp+"/team/dotgit: ")
	}
	if strings.Contains(e.ServerText, "http://") {
		t.Errorf("an insecure scheme was tried: %s", e.ServerText)
	}
	// GOVCS is asked before any scheme is tried.
	novcs := f.client(t, Options{}, "GOVCS="+corp+":hg")
	_, err = novcs.Info(ctx, mod, "v1.0.0")
	wantContains(t, wantKind(t, err, Direct).Error(), "GOVCS disallows using git")
	if s := novcs.Stats(); s.GitCommands != 0 {
		t.Errorf("GitCommands = %d with git disallowed", s.GitCommands)
	}
	// Other VCSs are named as such.
	_, err = c.Info(ctx, corp+"/team/thing.hg", "v1.0.0")
	wantContains(t, wantKind(t, err, Direct).Error(), "hg repositories cannot be checked")
	f.pub.AssertNoRequestMentions(t, corp)
}

func countPrefix(list []string, prefix string) int {
	n := 0
	for _, s := range list {
		if strings.HasPrefix(s, prefix) {
			n++
		}
	}
	return n
}

func TestDirectModEntry(t *testing.T) {
	f := newDirectFixture(t)
	c := f.client(t, Options{})
	ctx := ctxT(t)
	const app = corp + "/team/App"
	source := "direct (mod " + f.priv.URL + ")"
	info, err := c.Info(ctx, app, "v0.1.0")
	if err != nil || info.Source != source {
		t.Fatalf("Info = %+v, %v", info, err)
	}
	gm, err := c.GoMod(ctx, app, "v0.1.0")
	if err != nil || !strings.Contains(string(gm.Data), "module "+app) {
		t.Errorf("GoMod = %+v, %v", gm, err)
	}
	z, err := c.ZipHash(ctx, app, "v0.1.0")
	if err != nil || !strings.HasSuffix(f.priv.GoSumLines(app, "v0.1.0")[0], " "+z.Hash) {
		t.Errorf("ZipHash = %+v, %v", z, err)
	}
	if l, err := c.Latest(ctx, app); err != nil || l.Version != "v0.1.0" {
		t.Errorf("Latest = %+v, %v", l, err)
	}
	_, err = c.Info(ctx, app, "v0.9.0")
	wantKind(t, err, NotFound)
	// The private proxy saw the private path (it is the module's own
	// server); the public one never did.
	if len(f.priv.RequestsFor(app)) == 0 {
		t.Errorf("private proxy not asked")
	}
	f.pub.AssertNoRequestMentions(t, corp)
	// The mod answer is immutable and cached like a proxy's.
	srcs := c.Stats()
	if _, err := c.Info(ctx, app, "v0.1.0"); err != nil {
		t.Fatal(err)
	}
	if c.Stats().Requests != srcs.Requests {
		t.Errorf("cached answer fetched again")
	}
}

func TestDirectFailures(t *testing.T) {
	f := newDirectFixture(t)
	ctx := ctxT(t)
	c := f.client(t, Options{DirectTimeout: 10 * time.Second})
	for _, tc := range []struct {
		path    string
		kind    Kind
		message string
	}{
		{corp + "/team/svnthing", Direct, "svn repositories cannot be checked"},
		// As the go command says it: "invalid version: git ls-remote -q
		// origin in DIR: exit status 128:\n\tfatal: ...".
		{corp + "/team/gone", NotFound, "invalid version: git ls-remote -q http://" + corp + "/team/gone.git: exit status 128:\n\tfatal: repository 'http://" + corp + "/team/gone.git/' not found"},
		{corp + "/team/down", Unreachable, "invalid version: git ls-remote -q http://127.0.0.1"},
		{corp + "/team/filerepo", Direct, "file scheme disallowed"},
		{corp + "/team/nometa", NotFound, `git.corp.example.com/team/nometa@v1.0.0: unrecognized import path "git.corp.example.com/team/nometa": reading http://git.corp.example.com/team/nometa?go-get=1: 404 Not Found`},
	} {
		t.Run(tc.path, func(t *testing.T) {
			_, err := c.Info(ctx, tc.path, "v1.0.0")
			e := wantKind(t, err, tc.kind)
			wantContains(t, e.Error(), tc.message)
			t.Logf("%v [server text %q]", e, e.ServerText)
			if e.Proxy == "" || !strings.HasPrefix(e.Proxy, "direct") {
				t.Errorf("Proxy = %q", e.Proxy)
			}
		})
	}

	// Well-known hosts are resolved without a request.
	gh := f.client(t, Options{}, "GONOPROXY=github.com")
	_, err := gh.Info(ctx, "github.com/owner", "v1.0.0")
	wantContains(t, wantKind(t, err, NotFound).Error(), "invalid github.com import path")

	// Without GOINSECURE the origin must speak https, which it does not.
	secure := f.client(t, Options{}, "GOINSECURE=")
	_, err = secure.Info(ctx, corp+"/team/lib", "v1.0.0")
	e := wantKind(t, err, Unreachable)
	wantContains(t, e.Error(), `unrecognized import path "git.corp.example.com/team/lib": https fetch: Get "https://git.corp.example.com/team/lib?go-get=1"`)

	// Without git.
	noGit := f.client(t, Options{}, "PATH="+t.TempDir())
	_, err = noGit.Info(ctx, corp+"/team/lib", "v1.0.0")
	e = wantKind(t, err, Direct)
	// The go command's words.
	wantContains(t, e.Error(), corp+`/team/lib@v1.0.0: unable to resolve git version: failed to execute git version: exec: "git": executable file not found in $PATH`)
	var ve *VCSError
	if !errors.As(err, &ve) || ve.Reason != VCSMissing {
		t.Errorf("no VCSMissing in %#v", err)
	}

	// A canceled context stops git.
	cctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = f.client(t, Options{}).Info(cctx, corp+"/team/lib", "v1.0.0")
	if !errors.Is(err, context.Canceled) {
		t.Errorf("canceled: %v", err)
	}
	f.pub.AssertNoRequestMentions(t, corp)
}

func TestPrivacy(t *testing.T) {
	f := newDirectFixture(t)
	ctx := ctxT(t)
	// GOPRIVATE, and separately GONOPROXY: no private path ever reaches the
	// public proxy, whatever is asked, hits and misses alike.
	for _, extra := range [][]string{
		{"GOPRIVATE=" + corp},
		{"GOPRIVATE=", "GONOPROXY=" + corp + "/team", "GONOSUMDB=" + corp},
		{"GOPRIVATE=*.example.com", "GOPROXY=" + f.pub.URL + ",direct"},
	} {
		f.pub.Reset()
		c := f.client(t, Options{}, extra...)
		for _, p := range []string{corp + "/team/lib", corp + "/team/App", corp + "/team/nometa", corp + "/team/lib/sub"} {
			c.Info(ctx, p, "v1.0.0")
			c.Info(ctx, p, "v0.0.0-20240102030405-abcdef012345")
			c.GoMod(ctx, p, "v1.0.0")
			c.ZipHash(ctx, p, "v1.0.0")
			c.Versions(ctx, p)
			c.Latest(ctx, p)
			if c.AllowedProxy(p) || c.AllowedSumDB(p) {
				t.Errorf("%v: %s allowed to a proxy or the sumdb", extra, p)
			}
		}
		f.pub.AssertNoRequestMentions(t, corp)
		if len(f.origin.Requests()) == 0 {
			t.Errorf("%v: the origin was never asked", extra)
		}
	}
	// GONOSUMDB alone keeps the proxy allowed but not the checksum database.
	c := f.client(t, Options{}, "GOPRIVATE=", "GONOSUMDB="+corp)
	if !c.AllowedProxy(corp+"/team/lib") || c.AllowedSumDB(corp+"/team/lib") {
		t.Errorf("GONOSUMDB only: AllowedProxy=%v AllowedSumDB=%v", c.AllowedProxy(corp+"/team/lib"), c.AllowedSumDB(corp+"/team/lib"))
	}
}

func TestMain(m *testing.M) {
	// git must not read the developer's configuration in tests.
	os.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	os.Exit(m.Run())
}
