// Copyright 2026 The gomodls Authors.
// The tag rules follow cmd/go/internal/modfetch/coderepo.go, Copyright The
// Go Authors, BSD-style license.

package direct

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"

	"github.com/gomodls/gomodls/internal/modsource"
	"github.com/gomodls/gomodls/internal/redact"
)

// A Repo is a module's repository, resolved and admitted (GOVCS, the go
// command's checks of its URL): what the tag rules need. A go-import
// "mod" entry's Repo names a proxy instead (ModProxy).
type Repo struct {
	d         *Resolver
	path      string // the module path
	root      *repoRoot
	codeDir   string // the module's directory in the repository ("" at the root)
	pathMajor string
	source    string
}

// Repo resolves the repository of the module path. Its errors are the go
// command's: a path no repository is found for, a page or repository the
// go command refuses (a modsource.VCSError), a VCS other than git (which
// cannot be listed without a checkout).
func (d *Resolver) Repo(ctx context.Context, path string) (*Repo, *modsource.Error) {
	rr, e := d.resolve(ctx, path)
	if e != nil {
		return nil, e
	}
	repo := rr.Repo
	if rr.schemeless != "" {
		repo = rr.schemeless
	}
	cr := &Repo{d: d, path: path, root: rr, source: fmt.Sprintf("%s (%s %s)", modsource.SourceDirect, rr.VCS, redact.String(repo))}
	if rr.VCS == "mod" {
		return cr, nil
	}
	if err := d.checkGOVCS(rr.VCS, rr.Root); err != nil {
		if rr.dynamic {
			err = fmt.Errorf("unrecognized import path %q: %w", path, err)
		}
		e := refusedRepo(rr.VCS, repo, err)
		e.Proxy = cr.source
		return nil, e
	}
	if !hasPathPrefix(path, rr.Root) {
		return nil, &modsource.Error{Kind: modsource.Direct, Proxy: cr.source, Err: fmt.Errorf("mismatched repo: found %s for %s", rr.Root, path)}
	}
	pathPrefix, pathMajor, ok := module.SplitPathVersion(path)
	if !ok {
		return nil, &modsource.Error{Kind: modsource.Invalid, Proxy: cr.source, Err: fmt.Errorf("invalid module path %q", path)}
	}
	if rr.Root == path {
		pathPrefix = path
	}
	if rr.Root != path {
		if !hasPathPrefix(pathPrefix, rr.Root) {
			return nil, &modsource.Error{Kind: modsource.Direct, Proxy: cr.source, Err: fmt.Errorf("repository rooted at %s cannot contain module %s", rr.Root, path)}
		}
		cr.codeDir = strings.Trim(pathPrefix[len(rr.Root):], "/")
	}
	if rr.SubDir != "" {
		cr.codeDir = filepath.ToSlash(filepath.Join(cr.codeDir, rr.SubDir))
	}
	cr.pathMajor = pathMajor
	if rr.VCS != "git" {
		return nil, &modsource.Error{Kind: modsource.Direct, Proxy: cr.source, Err: fmt.Errorf("%s repositories cannot be checked without a checkout (gomodls only lists git refs)", rr.VCS)}
	}
	if rr.schemeless != "" {
		repo, e := d.pingGit(ctx, path, rr.schemeless)
		if e != nil {
			return nil, e
		}
		rr.Repo = repo
		cr.source = fmt.Sprintf("%s (%s %s)", modsource.SourceDirect, rr.VCS, redact.String(repo))
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

// Source names the repository as answers' Provenance does: "direct (git
// https://host/repo.git)", "direct (mod https://proxy)".
func (cr *Repo) Source() string { return cr.source }

// ModProxy returns, for a go-import "mod" entry, the proxy serving the
// module (unredacted), which the caller asks as a proxy; ok is false for a
// repository.
func (cr *Repo) ModProxy() (base string, ok bool) {
	if cr.root.VCS != "mod" {
		return "", false
	}
	return cr.root.Repo, true
}

func (cr *Repo) tagPrefix() string {
	if cr.codeDir == "" {
		return "refs/tags/"
	}
	return "refs/tags/" + cr.codeDir + "/"
}

// versions applies codeRepo.Versions' tag rules.
func (cr *Repo) versions(refs map[string]string) (list, incompatible []string) {
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

// Info answers path@version (a canonical version) from the repository's
// refs: a tag's commit, or for a pseudo-version the ref whose tip it names
// (what cannot be checked without a clone is said in Unchecked). Not for
// a "mod" entry (see ModProxy).
func (cr *Repo) Info(ctx context.Context, version string) (*modsource.Info, *modsource.Error) {
	path := cr.path
	if err := module.Check(path, version); err != nil {
		var merr *module.ModuleError
		if errors.As(err, &merr) {
			err = merr.Err
		}
		return nil, &modsource.Error{Kind: modsource.Invalid, Proxy: cr.source, Err: err}
	}
	refs, e := cr.d.lsRemote(ctx, cr.root.Repo)
	if e != nil {
		var ve *modsource.VCSError
		if e.Kind != modsource.Canceled && !(errors.As(e, &ve) && ve.Reason == modsource.VCSMissing) {
			// codeRepo.Stat's wrapping: module.InvalidVersionError.
			e = cloneErr(e)
			e.Op = "invalid version: " + e.Op
		}
		return nil, e
	}
	info := &modsource.Info{Path: path, Version: version, Provenance: modsource.Provenance{Source: cr.source, Fetched: cr.d.now()}}
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
			info.Origin = &modsource.Origin{VCS: "git", URL: redact.String(cr.root.Repo), Hash: refs[tips[0]], Ref: tips[0]}
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
		return nil, &modsource.Error{Kind: modsource.NotFound, Proxy: cr.source, Op: "git ls-remote " + redact.String(cr.root.Repo), Err: fmt.Errorf("invalid version: unknown revision %s", strings.TrimPrefix(ref, "refs/tags/"))}
	}
	info.Origin = &modsource.Origin{VCS: "git", URL: redact.String(cr.root.Repo), Subdir: cr.codeDir, Hash: h, Ref: ref}
	if base != version {
		info.Unchecked = fmt.Sprintf("tag %s exists; %s is valid only if that tag has no go.mod file, which is not checked without a clone", strings.TrimPrefix(ref, "refs/tags/"), version)
	}
	return info, nil
}

// Versions lists the versions the repository's tags make (the go
// command's tag rules), sorted; unchecked, if not "", says which tags are
// not listed because they cannot be checked without a clone. Not for a
// "mod" entry (see ModProxy).
func (cr *Repo) Versions(ctx context.Context) (versions []string, unchecked string, _ *modsource.Error) {
	refs, e := cr.d.lsRemote(ctx, cr.root.Repo)
	if e != nil {
		return nil, "", e
	}
	list, incompatible := cr.versions(refs)
	if len(incompatible) > 0 {
		unchecked = fmt.Sprintf("tags %s would be +incompatible versions if they have no go.mod file, which is not checked without a clone; not listed", strings.Join(incompatible, ", "))
	}
	return list, unchecked, nil
}
