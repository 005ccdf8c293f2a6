// Copyright 2026 The gomodls Authors.
// Repository resolution follows cmd/go/internal/vcs (vcs.go, discovery.go),
// Copyright The Go Authors, BSD-style license.

package direct

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/gomodls/gomodls/internal/modsource"
)

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
func (d *Resolver) resolve(ctx context.Context, path string) (*repoRoot, *modsource.Error) {
	for _, s := range staticRepos {
		if !hasPathPrefix(path, s.prefix) {
			continue
		}
		m := s.re.FindStringSubmatch(path)
		if m == nil {
			return nil, &modsource.Error{Kind: modsource.NotFound, Proxy: modsource.SourceDirect, Err: fmt.Errorf("unrecognized import path %q: invalid %s import path", path, s.prefix)}
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
func (d *Resolver) dynamic(ctx context.Context, path string) (*repoRoot, *modsource.Error) {
	imports, fetched, e := d.metaImports(ctx, path)
	if e != nil {
		if e.Kind == modsource.Canceled {
			return nil, e
		}
		// The go command's words for any failure to find the repository.
		e = cloneErr(e)
		prefix := fmt.Sprintf("unrecognized import path %q: ", path)
		switch {
		case e.Status == 0 && e.Kind == modsource.Unreachable:
			e.Op = prefix + "https fetch: " + e.Op
			if _, insecure := d.env.MatchInsecure(path); insecure {
				e.Op = prefix + "http/https fetch: " + strings.TrimPrefix(e.Op, prefix+"https fetch: ")
			}
		case e.Op != "":
			e.Op = prefix + e.Op
		}
		return nil, e
	}
	mmi, err := matchGoImport(imports, path)
	if err != nil {
		return nil, &modsource.Error{Kind: modsource.NotFound, Proxy: modsource.SourceDirect, Op: fmt.Sprintf("unrecognized import path %q: parse %s", path, fetched), Err: err}
	}
	// The go command's checks of what the page says, in its order and
	// words (repoRootForImportDynamic); a page that fails one never gets
	// git run on its repository.
	refused := func(format string, args ...any) (*repoRoot, *modsource.Error) {
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
func refusedRepo(vcs, repo string, err error) *modsource.Error {
	return &modsource.Error{Kind: modsource.Direct, Proxy: modsource.SourceDirect, Err: &modsource.VCSError{Reason: modsource.VCSRefused, VCS: vcs, Repo: modsource.RedactGitURL(repo), URL: modsource.RedactGitURL(repo), Detail: err.Error(), Err: err}}
}
