// Copyright 2026 The gomodls Authors.
// Repository resolution follows cmd/go/internal/vcs (vcs.go, discovery.go)
// and the tag rules cmd/go/internal/modfetch/coderepo.go, Copyright The Go
// Authors, BSD-style license.

package modproxy

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"

	"github.com/gomodls/gomodls/internal/auth"
	"github.com/gomodls/gomodls/internal/modsource"
	"github.com/gomodls/gomodls/internal/redact"
)

// The direct path: GONOPROXY modules, and modules reached by a "direct"
// GOPROXY entry. The go command would clone the repository; we never do.
// We resolve the repository (static rules for well-known hosts, else
// ?go-get=1 meta tags), use a "mod" entry's proxy as a proxy, and for git
// repositories list refs with `git ls-remote`, which answers "does tag
// vX.Y.Z exist" and "which tags are there" cheaply. Everything else (a
// go.mod or zip from a VCS, pseudo-versions of commits that are not a ref
// tip, non-git VCS) is reported as not checkable.

// repoRoot is a resolved repository (cmd/go's vcs.RepoRoot).
type repoRoot struct {
	Root   string // module path prefix the repository serves (import prefix)
	VCS    string // "git", "hg", ..., or "mod" (Repo is then a proxy base URL)
	Repo   string // repository URL
	SubDir string // go-import's optional fourth field
	// dynamic: found with ?go-get=1 (the go command's errors then start
	// with "unrecognized import path").
	dynamic bool
	// schemeless is, for a path naming its VCS (host/repo.git), the
	// repository without a scheme: the go command tries the VCS's schemes
	// in turn and uses the first one that answers (see pingGit). Repo is
	// set once one did.
	schemeless string
}

type directResolver struct {
	c *Client

	mu    sync.Mutex
	metas map[string]metaResult // by import prefix (or path) and security
	refs  map[string]refsResult // ls-remote by repository URL
}

type metaResult struct {
	imports []metaImport
	url     string // redacted URL fetched
	err     *Error
	at      time.Time
}

type refsResult struct {
	refs map[string]string // ref name -> hash
	err  *Error
	at   time.Time
}

func (d *directResolver) init(c *Client) {
	d.c = c
	d.metas = make(map[string]metaResult)
	d.refs = make(map[string]refsResult)
}

func (d *directResolver) invalidate() {
	d.mu.Lock()
	clear(d.metas)
	clear(d.refs)
	d.mu.Unlock()
}

// staticRepos are the go command's vcsPaths for git hosts that need no
// meta lookup.
var staticRepos = []struct {
	prefix string
	re     *regexp.Regexp
}{
	{"github.com", regexp.MustCompile(`^(?P<root>github\.com/[\w.\-]+/[\w.\-]+)(/[\w.\-]+)*$`)},
	{"bitbucket.org", regexp.MustCompile(`^(?P<root>bitbucket\.org/[\w.\-]+/[\w.\-]+)(/[\w.\-]+)*$`)},
	{"git.openstack.org", regexp.MustCompile(`^(?P<root>git\.openstack\.org/[\w.\-]+/[\w.\-]+)(\.git)?(/[\w.\-]+)*$`)},
}

// vcsSuffixRepo is the go command's rule for paths naming their VCS
// (host/path/repo.git/...).
var vcsSuffixRepo = regexp.MustCompile(`^(?P<root>(?P<repo>([a-z0-9.\-]+\.)+[a-z0-9.\-]+(:[0-9]+)?(/~?[\w.\-]+)+?)\.(?P<vcs>bzr|fossil|git|hg|svn))(/~?[\w.\-]+)*$`)

// resolve finds the repository of a module path.
func (d *directResolver) resolve(ctx context.Context, path string) (*repoRoot, *Error) {
	for _, s := range staticRepos {
		if !hasPathPrefix(path, s.prefix) {
			continue
		}
		m := s.re.FindStringSubmatch(path)
		if m == nil {
			return nil, &Error{Kind: NotFound, Proxy: SourceDirect, Err: fmt.Errorf("unrecognized import path %q: invalid %s import path", path, s.prefix)}
		}
		root := m[1]
		return &repoRoot{Root: root, VCS: "git", Repo: "https://" + root}, nil
	}
	if m := vcsSuffixRepo.FindStringSubmatch(path); m != nil {
		// By name: the numbered groups include unnamed ones (the VCS is
		// group 6, not 5, which is the last path element).
		re := vcsSuffixRepo
		return &repoRoot{Root: m[re.SubexpIndex("root")], VCS: m[re.SubexpIndex("vcs")], schemeless: m[re.SubexpIndex("repo")]}, nil
	}
	return d.dynamic(ctx, path)
}

func hasPathPrefix(s, prefix string) bool {
	return s == prefix || strings.HasPrefix(s, prefix+"/")
}

// dynamic is repoRootForImportDynamic: fetch https://<path>?go-get=1
// (GOINSECURE: also http, and no certificate checks), pick the go-import
// tag matching path ("mod" entries first), and verify a tag whose prefix
// is shorter than path at that prefix.
func (d *directResolver) dynamic(ctx context.Context, path string) (*repoRoot, *Error) {
	imports, fetched, e := d.metaImports(ctx, path)
	if e != nil {
		if e.Kind == Canceled {
			return nil, e
		}
		// The go command's words for any failure to find the repository.
		e = cloneErr(e)
		prefix := fmt.Sprintf("unrecognized import path %q: ", path)
		switch {
		case e.Status == 0 && e.Kind == Unreachable:
			e.Op = prefix + "https fetch: " + e.Op
			if _, insecure := d.c.env.MatchInsecure(path); insecure {
				e.Op = prefix + "http/https fetch: " + strings.TrimPrefix(e.Op, prefix+"https fetch: ")
			}
		case e.Op != "":
			e.Op = prefix + e.Op
		}
		return nil, e
	}
	mmi, err := matchGoImport(imports, path)
	if err != nil {
		return nil, &Error{Kind: NotFound, Proxy: SourceDirect, Op: fmt.Sprintf("unrecognized import path %q: parse %s", path, fetched), Err: err}
	}
	// The go command's checks of what the page says, in its order and
	// words (repoRootForImportDynamic); a page that fails one never gets
	// git run on its repository.
	refused := func(format string, args ...any) (*repoRoot, *Error) {
		return nil, refusedRepo(mmi.VCS, mmi.RepoRoot, fmt.Errorf("unrecognized import path %q: "+format, append([]any{path}, args...)...))
	}
	if mmi.Prefix != path {
		imports2, fetched2, e := d.metaImports(ctx, mmi.Prefix)
		if e != nil {
			return nil, e
		}
		mmi2, err := matchGoImport(imports2, path)
		if err != nil || mmi != mmi2 {
			return refused("%s and %s disagree about go-import for %s", fetched, fetched2, mmi.Prefix)
		}
	}
	if mmi.SubDir != "" && (mmi.SubDir[0] == '/' || mmi.SubDir[0] == '-') {
		why := "leading slash"
		if mmi.SubDir[0] == '-' {
			why = "leading hyphen"
		}
		return refused("%s: invalid subdirectory %q: %s", fetched, mmi.SubDir, why)
	}
	root := modsource.RedactGitURL(mmi.RepoRoot)
	u, err := url.Parse(mmi.RepoRoot)
	switch {
	case err != nil:
		return refused("%s: invalid repo root %q: %v", fetched, root, errors.Unwrap(err))
	case u.Scheme == "":
		return refused("%s: invalid repo root %q: no scheme", fetched, root)
	case u.Scheme == "file":
		return refused("%s: invalid repo root %q: file scheme disallowed", fetched, root)
	case mmi.VCS != "mod" && !knownVCS[mmi.VCS]:
		return refused("%s: unknown vcs %q", fetched, mmi.VCS)
	}
	return &repoRoot{Root: mmi.Prefix, VCS: mmi.VCS, Repo: mmi.RepoRoot, SubDir: mmi.SubDir, dynamic: true}, nil
}

// knownVCS are the version control systems the go command knows
// (cmd/go/internal/vcs's vcsList).
var knownVCS = map[string]bool{"bzr": true, "fossil": true, "git": true, "hg": true, "svn": true}

// refusedRepo is the error for a repository the go command (or git)
// refuses to use.
func refusedRepo(vcs, repo string, err error) *Error {
	return &Error{Kind: Direct, Proxy: SourceDirect, Err: &VCSError{Reason: VCSRefused, VCS: vcs, Repo: modsource.RedactGitURL(repo), URL: modsource.RedactGitURL(repo), Detail: err.Error(), Err: err}}
}

// metaImports fetches and parses the go-get page for prefix, once per
// prefix (for ListTTL).
func (d *directResolver) metaImports(ctx context.Context, prefix string) ([]metaImport, string, *Error) {
	d.mu.Lock()
	if r, ok := d.metas[prefix]; ok && d.c.now().Sub(r.at) < d.metaTTL(r) {
		d.mu.Unlock()
		return r.imports, r.url, r.err
	}
	d.mu.Unlock()

	imports, fetched, e := d.fetchMeta(ctx, prefix)
	if e == nil || (e.Kind != Canceled && !errors.Is(e, context.DeadlineExceeded)) {
		d.mu.Lock()
		d.metas[prefix] = metaResult{imports: imports, url: fetched, err: e, at: d.c.now()}
		d.mu.Unlock()
	}
	return imports, fetched, e
}

func (d *directResolver) fetchMeta(ctx context.Context, prefix string) ([]metaImport, string, *Error) {
	host, p, _ := strings.Cut(prefix, "/")
	if !strings.Contains(host, ".") {
		return nil, "", &Error{Kind: NotFound, Proxy: SourceDirect, Err: fmt.Errorf("unrecognized import path %q: import path does not begin with hostname", prefix)}
	}
	_, insecure := d.c.env.MatchInsecure(prefix)
	u := &url.URL{Scheme: "https", Host: host, Path: "/" + p, RawQuery: "go-get=1"}
	r := fetchReq{u: u, redacted: redact.URL(u), proxy: SourceDirect, ep: "go-get", limit: d.c.maxBody, keepBody: true, insecure: insecure}
	res, e := d.c.fetchShared(ctx, r)
	if e != nil && res == nil && insecure && e.Kind != Canceled {
		// GOINSECURE: after https fails, plain http (web.Insecure).
		hu := *u
		hu.Scheme = "http"
		r = fetchReq{u: &hu, redacted: redact.URL(&hu), proxy: SourceDirect, ep: "go-get", limit: d.c.maxBody, keepBody: true}
		res, e = d.c.fetchShared(ctx, r)
	}
	if res == nil {
		return nil, r.redacted, e
	}
	imports, err := parseMetaGoImports(bytes.NewReader(res.data))
	if len(imports) == 0 {
		if e != nil {
			return nil, r.redacted, e
		}
		if err != nil {
			return nil, r.redacted, &Error{Kind: Direct, Proxy: SourceDirect, Op: "parsing " + r.redacted, Err: err}
		}
		return nil, r.redacted, &Error{Kind: NotFound, Proxy: SourceDirect, Op: "reading " + r.redacted, Err: errors.New("no go-import meta tags")}
	}
	return imports, r.redacted, nil
}

// gitSchemes are the schemes the go command tries, in order, for a path
// naming a git repository (vcs.go's vcsGit.Scheme), and the secure ones
// (defaultSecureScheme, unless GIT_ALLOW_PROTOCOL lists them).
var (
	gitSchemes    = []string{"git", "https", "http", "git+ssh", "ssh"}
	secureSchemes = map[string]bool{"https": true, "git+ssh": true, "ssh": true}
)

// pingGit finds the scheme of a git repository named without one, as
// repoRootFromVCSPaths does (cmd/go/internal/vcs): each scheme in turn
// (only secure ones unless GOINSECURE matches path), the first whose `git
// ls-remote` answers wins; that listing is kept for the lookups that
// follow. If none answers, the go command says "no secure protocol found
// for repository".
func (d *directResolver) pingGit(ctx context.Context, path, repo string) (string, *Error) {
	_, insecure := d.c.env.MatchInsecure(path)
	allow := d.c.env.Get("GIT_ALLOW_PROTOCOL")
	var tried []string
	var refusal *VCSError // the first refusal of credentials, or git missing
	kind := NotFound
	for _, s := range gitSchemes {
		secure := secureSchemes[s]
		if allow != "" {
			secure = slices.Contains(strings.Split(allow, ":"), s)
		}
		if !insecure && !secure {
			continue
		}
		u := s + "://" + repo
		_, e := d.lsRemote(ctx, u)
		if e == nil {
			return u, nil
		}
		switch {
		case e.Kind == Canceled:
			return "", e
		case e.Kind == AuthRequired:
			kind = AuthRequired
		case e.Kind != NotFound && kind == NotFound:
			kind = Unreachable
		}
		var ve *VCSError
		if errors.As(e, &ve) && refusal == nil && ve.Reason != VCSRefused {
			refusal = ve
		}
		why := firstLine(e.ServerText)
		if why == "" {
			why = firstLine(e.Error())
		}
		tried = append(tried, modsource.RedactGitURL(u)+": "+why)
	}
	msg := "no secure protocol found for repository"
	if insecure {
		msg = "no protocol found for repository"
	}
	var err error = errors.New(msg)
	if refusal != nil {
		// Why no scheme answered, in the go command's words.
		ve := *refusal
		ve.Err = err
		err = &ve
	}
	return "", &Error{Kind: kind, Proxy: SourceDirect + " (git " + modsource.RedactGitURL(repo) + ")", Err: err, ServerText: formatDetail(strings.Join(tried, "\n"))}
}

// ---- git ----

// metaTTL is refsTTL for go-get pages (one that wanted credentials may
// have them now).
func (d *directResolver) metaTTL(r metaResult) time.Duration {
	if r.err != nil {
		return d.c.negTTL
	}
	return d.c.listTTL
}

// refsTTL is how long a listing is reused: ListTTL, and NegativeTTL for
// a failure, which the user may be fixing (a key, a token, a rule).
func (d *directResolver) refsTTL(r refsResult) time.Duration {
	if r.err != nil {
		return d.c.negTTL
	}
	return d.c.listTTL
}

var errGitTimeout = errors.New("git timeout")

// lsRemote lists the refs of a git repository (cached for ListTTL).
func (d *directResolver) lsRemote(ctx context.Context, repo string) (map[string]string, *Error) {
	d.mu.Lock()
	if r, ok := d.refs[repo]; ok && d.c.now().Sub(r.at) < d.refsTTL(r) {
		d.mu.Unlock()
		return r.refs, r.err
	}
	d.mu.Unlock()
	v, e, _ := d.c.flight.do(ctx, "ls-remote "+repo, func(ctx context.Context) (any, *Error) {
		refs, e := d.runLsRemote(ctx, repo)
		if e == nil || e.Kind != Canceled {
			d.mu.Lock()
			d.refs[repo] = refsResult{refs: refs, err: e, at: d.c.now()}
			d.mu.Unlock()
		}
		return refs, e
	})
	if e != nil {
		return nil, e
	}
	return v.(map[string]string), nil
}

func (d *directResolver) runLsRemote(ctx context.Context, repo string) (map[string]string, *Error) {
	op := "git ls-remote -q " + modsource.RedactGitURL(repo) // as the go command runs it
	git := d.lookGit()
	if git == "" {
		// The go command's words (codehost.newGitRepo).
		return nil, &Error{Kind: Direct, Proxy: SourceDirect, Op: "unable to resolve git version: failed to execute git version",
			Err: &VCSError{Reason: VCSMissing, VCS: "git", Repo: modsource.RedactGitURL(repo), URL: modsource.RedactGitURL(repo),
				Detail: "git is not installed (not in PATH)", Err: errors.New(`exec: "git": executable file not found in $PATH`)}}
	}
	ctx, cancel := context.WithTimeoutCause(ctx, d.c.gitTimeout, errGitTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, git, "ls-remote", "-q", "--", repo)
	cmd.Dir = os.TempDir()
	env := d.gitEnv()
	cmd.Env = env
	cmd.WaitDelay = time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	d.c.stats.add(func(s *Stats) { s.GitCommands++ })
	d.c.log.Debug("git ls-remote", zap.String("repo", redact.String(repo)))
	if err := cmd.Run(); err != nil {
		switch {
		case context.Cause(ctx) == errGitTimeout:
			return nil, &Error{Kind: Unreachable, Proxy: SourceDirect, Op: op, Err: fmt.Errorf("no answer within %v (gomodls git timeout)", d.c.gitTimeout)}
		case ctx.Err() != nil:
			e := ctxError(ctx, "", "", op)
			e.Proxy = SourceDirect
			return nil, e
		}
		e := classifyGitError(op, err, stderr.String())
		if ve, ok := e.Err.(*VCSError); ok {
			d.describeRefusal(ctx, git, env, repo, ve)
		}
		return nil, e
	}
	refs := make(map[string]string)
	sc := bufio.NewScanner(&stdout)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		hash, ref, ok := strings.Cut(sc.Text(), "\t")
		if ok && len(hash) >= 40 {
			refs[ref] = hash
		}
	}
	return refs, nil
}

// gitEnv is the environment git runs in: the user's, without prompts
// (GIT_TERMINAL_PROMPT=0 and GCM_INTERACTIVE=never, as the go command sets
// them unless the user did; gomodls never prompts, even when the user
// asked the go command to: there is no terminal behind a language server,
// and a check runs lookups at once). GIT_ASKPASS and credential helpers
// are the user's: they supply tokens without a terminal, to the go
// command too. ssh runs in batch mode.
func (d *directResolver) gitEnv() []string {
	env := append(d.c.env.Environ(), "GIT_TERMINAL_PROMPT=0", "GCM_INTERACTIVE=never")
	env = append(env, "SSH_ASKPASS=")
	if d.c.env.Get("GIT_SSH") == "" && d.c.env.Get("GIT_SSH_COMMAND") == "" {
		env = append(env, "GIT_SSH_COMMAND=ssh -o ControlMaster=no -o BatchMode=yes")
	}
	return env
}

// describeRefusal completes ve, a refusal of git's for repo: the URL git
// actually tried (after the user's url.<base>.insteadOf rules, as git
// itself rewrites it: `git ls-remote --get-url`), the rule that rewrote
// it, and whether the .netrc git reads has an entry for the host.
func (d *directResolver) describeRefusal(ctx context.Context, git string, env []string, repo string, ve *VCSError) {
	ve.Repo, ve.URL = modsource.RedactGitURL(repo), modsource.RedactGitURL(repo)
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	run := func(args ...string) string {
		cmd := exec.CommandContext(ctx, git, args...)
		cmd.Dir = os.TempDir()
		cmd.Env = env
		cmd.WaitDelay = time.Second
		out, err := cmd.Output()
		if err != nil {
			return ""
		}
		d.c.stats.add(func(s *Stats) { s.GitCommands++ })
		return string(out)
	}
	tried := strings.TrimSpace(run("ls-remote", "--get-url", "--", repo))
	if tried != "" && tried != repo {
		ve.URL = modsource.RedactGitURL(tried)
		ve.Rule = insteadOfRule(run("config", "--show-origin", "--get-regexp", `^url\..*\.insteadof$`), repo, tried)
	}
	if tried == "" {
		tried = repo
	}
	if ve.Reason == VCSAuthRequired {
		if scheme, host := modsource.SplitGitURL(tried); host != "" && (scheme == "https" || scheme == "http") {
			ve.NetrcEntry = d.gitNetrcHas(host)
		}
	}
}

// insteadOfRule finds, in `git config --show-origin --get-regexp` output,
// the url.<base>.insteadOf rule that rewrote repo to tried: the longest
// prefix of repo (git's choice) whose base gives tried. It is shown as the
// command that sets it, with the file it is in.
func insteadOfRule(config, repo, tried string) string {
	best, bestLen := "", -1
	for line := range strings.SplitSeq(config, "\n") {
		origin, entry, ok := strings.Cut(line, "\t")
		if !ok {
			continue
		}
		key, prefix, ok := strings.Cut(entry, " ")
		if !ok || !strings.HasPrefix(repo, prefix) || len(prefix) <= bestLen {
			continue
		}
		base, ok := strings.CutPrefix(key, "url.")
		if !ok {
			continue
		}
		base, ok = strings.CutSuffix(base, ".insteadof")
		if !ok || base+repo[len(prefix):] != tried {
			continue
		}
		best, bestLen = fmt.Sprintf("url.%q.insteadOf %q (%s)", modsource.RedactGitURL(base), prefix, strings.TrimPrefix(origin, "file:")), len(prefix)
	}
	return best
}

// gitNetrcHas reports whether the .netrc that git (curl) reads,
// $HOME/.netrc, has an entry for host.
func (d *directResolver) gitNetrcHas(host string) bool {
	path, err := auth.NetrcPath(func(k string) string {
		if k == "NETRC" {
			return "" // the go command's variable; curl does not read it
		}
		return d.c.env.Get(k)
	})
	if err != nil {
		return false
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return false
	}
	name, _, _ := strings.Cut(host, ":")
	for _, l := range auth.ParseNetrc(string(data)) {
		if l.Machine == host || l.Machine == name {
			return true
		}
	}
	return false
}

// lookGit finds git in the PATH of the environment (the user's, not
// necessarily ours).
func (d *directResolver) lookGit() string {
	for _, dir := range filepath.SplitList(d.c.env.Get("PATH")) {
		if dir == "" {
			continue
		}
		p := filepath.Join(dir, "git")
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return p
		}
	}
	return ""
}

var urlUserinfo = regexp.MustCompile(`://[^/@\s]+@`)

// gitHTTPStatus finds the HTTP status in git's "The requested URL returned
// error: 404" (a bare " 404" would also match port numbers such as 40401).
var gitHTTPStatus = regexp.MustCompile(`returned error: (\d{3})\b`)

// classifyGitError maps git's complaints to kinds, keeping its words
// (credentials in URLs redacted). Refusals of credentials and of the
// transport carry a VCSError.
func classifyGitError(op string, err error, stderr string) *Error {
	text := urlUserinfo.ReplaceAllString(strings.TrimSpace(stderr), "://xxxxx@")
	low := strings.ToLower(text)
	status := ""
	if m := gitHTTPStatus.FindStringSubmatch(low); m != nil {
		status = m[1]
	}
	kind := Direct
	switch {
	case gitAuthRefusal(low) != "", status == "401", status == "403":
		kind = AuthRequired
	case strings.Contains(low, "could not resolve host"), strings.Contains(low, "failed to connect"),
		strings.Contains(low, "connection refused"), strings.Contains(low, "timed out"),
		strings.Contains(low, "connection reset"), strings.Contains(low, "ssl certificate"),
		strings.Contains(low, "server certificate verification failed"), strings.Contains(low, "unable to access"):
		kind = Unreachable
	case strings.Contains(low, "not found"), strings.Contains(low, "does not exist"),
		strings.Contains(low, "does not appear to be a git repository"):
		kind = NotFound
	}
	if kind == Unreachable && (strings.Contains(low, "not found") || status == "404" || status == "410") {
		kind = NotFound // "unable to access ...: The requested URL returned error: 404"
	}
	e := &Error{Kind: kind, Proxy: SourceDirect, Op: op, Err: err, ServerText: formatDetail(text)}
	switch {
	case kind == AuthRequired:
		e.Err = &VCSError{Reason: VCSAuthRequired, VCS: "git", Detail: gitDetail(text, gitAuthRefusal(low)), Err: err}
	case kind == Direct && (strings.Contains(low, "transport '") && strings.Contains(low, "not allowed") ||
		strings.Contains(low, "is not a git command")):
		// "fatal: transport 'http' not allowed" (GIT_ALLOW_PROTOCOL,
		// protocol.allow); "git: 'remote-weird' is not a git command"
		// (no remote helper for the scheme).
		e.Err = &VCSError{Reason: VCSRefused, VCS: "git", Detail: gitDetail(text, ""), Err: err}
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

// ---- the operations ----

// codeRepo is what the tag rules need about a module in a repository.
type codeRepo struct {
	root      *repoRoot
	codeDir   string // the module's directory in the repository ("" at the root)
	pathMajor string
	source    string
}

func (d *directResolver) codeRepo(ctx context.Context, path string) (*codeRepo, *Error) {
	rr, e := d.resolve(ctx, path)
	if e != nil {
		return nil, e
	}
	repo := rr.Repo
	if rr.schemeless != "" {
		repo = rr.schemeless
	}
	cr := &codeRepo{root: rr, source: fmt.Sprintf("%s (%s %s)", SourceDirect, rr.VCS, redact.String(repo))}
	if rr.VCS == "mod" {
		return cr, nil
	}
	if err := d.c.checkGOVCS(rr.VCS, rr.Root); err != nil {
		if rr.dynamic {
			err = fmt.Errorf("unrecognized import path %q: %w", path, err)
		}
		e := refusedRepo(rr.VCS, repo, err)
		e.Proxy = cr.source
		return nil, e
	}
	if !hasPathPrefix(path, rr.Root) {
		return nil, &Error{Kind: Direct, Proxy: cr.source, Err: fmt.Errorf("mismatched repo: found %s for %s", rr.Root, path)}
	}
	pathPrefix, pathMajor, ok := module.SplitPathVersion(path)
	if !ok {
		return nil, &Error{Kind: Invalid, Proxy: cr.source, Err: fmt.Errorf("invalid module path %q", path)}
	}
	if rr.Root == path {
		pathPrefix = path
	}
	if rr.Root != path {
		if !hasPathPrefix(pathPrefix, rr.Root) {
			return nil, &Error{Kind: Direct, Proxy: cr.source, Err: fmt.Errorf("repository rooted at %s cannot contain module %s", rr.Root, path)}
		}
		cr.codeDir = strings.Trim(pathPrefix[len(rr.Root):], "/")
	}
	if rr.SubDir != "" {
		cr.codeDir = filepath.ToSlash(filepath.Join(cr.codeDir, rr.SubDir))
	}
	cr.pathMajor = pathMajor
	if rr.VCS != "git" {
		return nil, &Error{Kind: Direct, Proxy: cr.source, Err: fmt.Errorf("%s repositories cannot be checked without a checkout (gomodls only lists git refs)", rr.VCS)}
	}
	if rr.schemeless != "" {
		repo, e := d.pingGit(ctx, path, rr.schemeless)
		if e != nil {
			return nil, e
		}
		rr.Repo = repo
		cr.source = fmt.Sprintf("%s (%s %s)", SourceDirect, rr.VCS, redact.String(repo))
		return cr, nil
	}
	// A repository from a go-get page is given to git whatever its scheme
	// (the go command checks schemes only for paths naming their VCS, in
	// pingGit; git's protocol policy then decides), but only as a URL:
	// codehost.NewRepo refuses "host:path" and "transport::address"
	// (ext::, which runs a command), and so must we, before git runs.
	if !strings.Contains(rr.Repo, "://") {
		msg := fmt.Sprintf("git remote (%s) must not be local directory", modsource.RedactGitURL(rr.Repo))
		if strings.Contains(rr.Repo, ":") {
			msg += " (use URL syntax not host:path syntax)"
		}
		e := refusedRepo(rr.VCS, rr.Repo, errors.New(msg))
		e.Proxy = cr.source
		return nil, e
	}
	return cr, nil
}

func (cr *codeRepo) tagPrefix() string {
	if cr.codeDir == "" {
		return "refs/tags/"
	}
	return "refs/tags/" + cr.codeDir + "/"
}

// versions applies codeRepo.Versions' tag rules.
func (cr *codeRepo) versions(refs map[string]string) (list, incompatible []string) {
	p := cr.tagPrefix()
	for ref := range refs {
		v, ok := strings.CutPrefix(ref, p)
		if !ok || strings.HasSuffix(v, "^{}") {
			continue
		}
		if v == "" || v != semver.Canonical(v) || module.IsPseudoVersion(v) {
			continue
		}
		if err := module.CheckPathMajor(v, cr.pathMajor); err != nil {
			if cr.codeDir == "" && cr.pathMajor == "" && semver.Major(v) > "v1" {
				incompatible = append(incompatible, v)
			}
			continue
		}
		list = append(list, v)
	}
	semver.Sort(list)
	semver.Sort(incompatible)
	return list, incompatible
}

// tagHash returns the commit of a tag (peeled when annotated).
func tagHash(refs map[string]string, ref string) (string, bool) {
	if h, ok := refs[ref+"^{}"]; ok {
		return h, true
	}
	h, ok := refs[ref]
	return h, ok
}

func (c *Client) directInfo(ctx context.Context, path, version string) (*Info, *Error) {
	cr, e := c.direct.codeRepo(ctx, path)
	if e != nil {
		return nil, e
	}
	if cr.root.VCS == "mod" {
		return c.proxyInfo(ctx, cr.root.Repo, true, path, version)
	}
	if err := module.Check(path, version); err != nil {
		var merr *module.ModuleError
		if errors.As(err, &merr) {
			err = merr.Err
		}
		return nil, &Error{Kind: Invalid, Proxy: cr.source, Err: err}
	}
	refs, e := c.direct.lsRemote(ctx, cr.root.Repo)
	if e != nil {
		var ve *VCSError
		if e.Kind != Canceled && !(errors.As(e, &ve) && ve.Reason == VCSMissing) {
			// codeRepo.Stat's wrapping: module.InvalidVersionError.
			e = cloneErr(e)
			e.Op = "invalid version: " + e.Op
		}
		return nil, e
	}
	info := &Info{Path: path, Version: version, Provenance: Provenance{Source: cr.source, Fetched: c.now()}}
	if module.IsPseudoVersion(version) {
		rev, _ := module.PseudoVersionRev(version)
		info.Time, _ = module.PseudoVersionTime(version)
		var tips []string
		for ref, h := range refs {
			if strings.HasPrefix(h, rev) && ref != "HEAD" {
				tips = append(tips, strings.TrimSuffix(ref, "^{}"))
			}
		}
		slices.Sort(tips)
		if len(tips) > 0 {
			info.Origin = &Origin{VCS: "git", URL: redact.String(cr.root.Repo), Hash: refs[tips[0]], Ref: tips[0]}
			info.Unchecked = fmt.Sprintf("commit %s is the tip of %s; the pseudo-version's base version and timestamp are not checked without a clone", rev, tips[0])
		} else {
			info.Unchecked = fmt.Sprintf("commit %s is not the tip of any branch or tag of %s; checking a pseudo-version needs a clone, which gomodls does not do", rev, redact.String(cr.root.Repo))
		}
		return info, nil
	}
	base := strings.TrimSuffix(version, "+incompatible")
	ref := cr.tagPrefix() + base
	h, ok := tagHash(refs, ref)
	if !ok {
		return nil, &Error{Kind: NotFound, Proxy: cr.source, Op: "git ls-remote " + redact.String(cr.root.Repo), Err: fmt.Errorf("invalid version: unknown revision %s", strings.TrimPrefix(ref, "refs/tags/"))}
	}
	info.Origin = &Origin{VCS: "git", URL: redact.String(cr.root.Repo), Subdir: cr.codeDir, Hash: h, Ref: ref}
	if base != version {
		info.Unchecked = fmt.Sprintf("tag %s exists; %s is valid only if that tag has no go.mod file, which is not checked without a clone", strings.TrimPrefix(ref, "refs/tags/"), version)
	}
	return info, nil
}

func (c *Client) directVersions(ctx context.Context, path string) (*VersionList, *Error) {
	cr, e := c.direct.codeRepo(ctx, path)
	if e != nil {
		return nil, e
	}
	if cr.root.VCS == "mod" {
		return c.proxyList(ctx, cr.root.Repo, true, path)
	}
	refs, e := c.direct.lsRemote(ctx, cr.root.Repo)
	if e != nil {
		return nil, e
	}
	list, incompatible := cr.versions(refs)
	var lines []listLine
	for _, v := range list {
		lines = append(lines, listLine{version: v})
	}
	l := newVersionList(path, lines)
	l.Source, l.Fetched = cr.source, c.now()
	if len(incompatible) > 0 {
		l.Unchecked = fmt.Sprintf("tags %s would be +incompatible versions if they have no go.mod file, which is not checked without a clone; not listed", strings.Join(incompatible, ", "))
	}
	return l, nil
}

func (c *Client) directLatest(ctx context.Context, path string) (*Info, *Error) {
	cr, e := c.direct.codeRepo(ctx, path)
	if e != nil {
		return nil, e
	}
	if cr.root.VCS == "mod" {
		return c.proxyLatest(ctx, cr.root.Repo, true, path)
	}
	l, e := c.directVersions(ctx, path)
	if e != nil {
		return nil, e
	}
	if v := latestTagged(l.Versions); v != "" {
		return c.directInfo(ctx, path, v)
	}
	return nil, &Error{Kind: Direct, Proxy: cr.source, Err: errors.New("no version tags: the latest version would be a pseudo-version of the default branch, which needs a clone (gomodls does not clone)")}
}

func (c *Client) directGoMod(ctx context.Context, path, version string) (*GoModFile, *Error) {
	cr, e := c.direct.codeRepo(ctx, path)
	if e != nil {
		return nil, e
	}
	if cr.root.VCS == "mod" {
		return c.proxyGoMod(ctx, cr.root.Repo, true, path, version)
	}
	return nil, &Error{Kind: Direct, Proxy: cr.source, Err: errors.New("reading go.mod from the origin repository needs a clone (gomodls does not clone)")}
}

func (c *Client) directZipHash(ctx context.Context, path, version string) (*ZipHash, *Error) {
	cr, e := c.direct.codeRepo(ctx, path)
	if e != nil {
		return nil, e
	}
	if cr.root.VCS == "mod" {
		return c.proxyZipHash(ctx, cr.root.Repo, true, path, version)
	}
	return nil, &Error{Kind: Direct, Proxy: cr.source, Err: errors.New("hashing a module from its origin repository needs a clone (gomodls does not clone)")}
}
