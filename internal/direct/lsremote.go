// Copyright 2026 The gomodls Authors.
// pingGit follows cmd/go/internal/vcs (repoRootFromVCSPaths), and the
// command and its words cmd/go/internal/modfetch/codehost (git.go),
// Copyright The Go Authors, BSD-style license.

package direct

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/gomodls/gomodls/internal/modsource"
	"github.com/gomodls/gomodls/internal/redact"
)

// Listing a git repository's refs: `git ls-remote`, run as the go command
// runs it but never prompting, and the scheme of a repository named
// without one.

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
func (d *Resolver) pingGit(ctx context.Context, path, repo string) (string, *modsource.Error) {
	_, insecure := d.env.MatchInsecure(path)
	allow := d.env.Get("GIT_ALLOW_PROTOCOL")
	var tried []string
	var refusal *modsource.VCSError // the first refusal of credentials, or git missing
	kind := modsource.NotFound
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
		case e.Kind == modsource.Canceled:
			return "", e
		case e.Kind == modsource.AuthRequired:
			kind = modsource.AuthRequired
		case e.Kind != modsource.NotFound && kind == modsource.NotFound:
			kind = modsource.Unreachable
		}
		var ve *modsource.VCSError
		if errors.As(e, &ve) && refusal == nil && ve.Reason != modsource.VCSRefused {
			refusal = ve
		}
		why := modsource.FirstLine(e.ServerText)
		if why == "" {
			why = modsource.FirstLine(e.Error())
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
	return "", &modsource.Error{Kind: kind, Proxy: modsource.SourceDirect + " (git " + modsource.RedactGitURL(repo) + ")", Err: err, ServerText: modsource.FormatDetail(strings.Join(tried, "\n"))}
}

var errGitTimeout = errors.New("git timeout")

// lsRemote lists the refs of a git repository (cached for ListTTL).
func (d *Resolver) lsRemote(ctx context.Context, repo string) (map[string]string, *modsource.Error) {
	d.mu.Lock()
	if r, ok := d.refs[repo]; ok && d.now().Sub(r.at) < d.refsTTL(r) {
		d.mu.Unlock()
		return r.refs, r.err
	}
	d.mu.Unlock()
	v, e := d.fetcher.Share(ctx, "ls-remote "+repo, func(ctx context.Context) (any, *modsource.Error) {
		refs, e := d.runLsRemote(ctx, repo)
		if e == nil || e.Kind != modsource.Canceled {
			d.mu.Lock()
			d.refs[repo] = refsResult{refs: refs, err: e, at: d.now()}
			d.mu.Unlock()
		}
		return refs, e
	})
	if e != nil {
		return nil, e
	}
	return v.(map[string]string), nil
}

func (d *Resolver) runLsRemote(ctx context.Context, repo string) (map[string]string, *modsource.Error) {
	op := "git ls-remote -q " + modsource.RedactGitURL(repo) // as the go command runs it
	git := d.lookGit()
	if git == "" {
		// The go command's words (codehost.newGitRepo).
		return nil, &modsource.Error{Kind: modsource.Direct, Proxy: modsource.SourceDirect, Op: "unable to resolve git version: failed to execute git version",
			Err: &modsource.VCSError{Reason: modsource.VCSMissing, VCS: "git", Repo: modsource.RedactGitURL(repo), URL: modsource.RedactGitURL(repo),
				Detail: "git is not installed (not in PATH)", Err: errors.New(`exec: "git": executable file not found in $PATH`)}}
	}
	ctx, cancel := context.WithTimeoutCause(ctx, d.gitTimeout, errGitTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, git, "ls-remote", "-q", "--", repo)
	cmd.Dir = os.TempDir()
	env := d.gitEnv()
	cmd.Env = env
	cmd.WaitDelay = time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	d.gitCommands.Add(1)
	d.log.Debug("git ls-remote", zap.String("repo", redact.String(repo)))
	if err := cmd.Run(); err != nil {
		switch {
		case context.Cause(ctx) == errGitTimeout:
			return nil, &modsource.Error{Kind: modsource.Unreachable, Proxy: modsource.SourceDirect, Op: op, Err: fmt.Errorf("no answer within %v (gomodls git timeout)", d.gitTimeout)}
		case ctx.Err() != nil:
			return nil, modsource.ContextError(ctx, modsource.SourceDirect, op)
		}
		e := classifyGitError(op, err, stderr.String())
		if ve, ok := e.Err.(*modsource.VCSError); ok {
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
func (d *Resolver) gitEnv() []string {
	env := append(d.env.Environ(), "GIT_TERMINAL_PROMPT=0", "GCM_INTERACTIVE=never")
	env = append(env, "SSH_ASKPASS=")
	if d.env.Get("GIT_SSH") == "" && d.env.Get("GIT_SSH_COMMAND") == "" {
		env = append(env, "GIT_SSH_COMMAND=ssh -o ControlMaster=no -o BatchMode=yes")
	}
	return env
}

// lookGit finds git in the PATH of the environment (the user's, not
// necessarily ours).
func (d *Resolver) lookGit() string {
	for _, dir := range filepath.SplitList(d.env.Get("PATH")) {
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
