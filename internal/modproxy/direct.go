// Copyright 2026 The gomodls Authors.

package modproxy

import (
	"context"
	"errors"
	"net/url"
	"time"

	"github.com/gomodls/gomodls/internal/direct"
	"github.com/gomodls/gomodls/internal/redact"
)

// The "direct" entry of the chain: GONOPROXY modules, and modules a
// "direct" GOPROXY entry sends to their origin. internal/direct resolves
// the repository and lists its git refs; a go-import "mod" entry names a
// proxy, asked here like any other (marked as the module's origin). What
// needs a clone is refused.

// directFetcher lends the resolver the client's HTTP requests and its
// sharing of work in flight (reset by Invalidate).
type directFetcher struct{ c *Client }

func (f directFetcher) GoGet(ctx context.Context, u *url.URL, insecure bool) ([]byte, bool, *Error) {
	r := fetchReq{u: u, redacted: redact.URL(u), proxy: SourceDirect, ep: "go-get", limit: f.c.maxBody, keepBody: true, insecure: insecure}
	res, e := f.c.fetchShared(ctx, r)
	if res == nil {
		return nil, false, e
	}
	return res.data, true, e
}

func (f directFetcher) Share(ctx context.Context, key string, fn func(context.Context) (any, *Error)) (any, *Error) {
	v, e, _ := f.c.flight.do(ctx, key, fn)
	return v, e
}

func newDirect(c *Client) *direct.Resolver {
	return direct.New(direct.Options{
		Env:         c.env,
		Fetcher:     directFetcher{c},
		GitTimeout:  c.gitTimeout,
		ListTTL:     c.listTTL,
		NegativeTTL: c.negTTL,
		Logger:      c.log,
		Now:         func() time.Time { return c.now() },
	})
}

func (c *Client) directInfo(ctx context.Context, path, version string) (*Info, *Error) {
	repo, e := c.direct.Repo(ctx, path)
	if e != nil {
		return nil, e
	}
	if base, ok := repo.ModProxy(); ok {
		return c.proxyInfo(ctx, base, true, path, version)
	}
	return repo.Info(ctx, version)
}

func (c *Client) directVersions(ctx context.Context, path string) (*VersionList, *Error) {
	repo, e := c.direct.Repo(ctx, path)
	if e != nil {
		return nil, e
	}
	if base, ok := repo.ModProxy(); ok {
		return c.proxyList(ctx, base, true, path)
	}
	list, unchecked, e := repo.Versions(ctx)
	if e != nil {
		return nil, e
	}
	var lines []listLine
	for _, v := range list {
		lines = append(lines, listLine{version: v})
	}
	l := newVersionList(path, lines)
	l.Source, l.Fetched = repo.Source(), c.now()
	l.Unchecked = unchecked
	return l, nil
}

func (c *Client) directLatest(ctx context.Context, path string) (*Info, *Error) {
	repo, e := c.direct.Repo(ctx, path)
	if e != nil {
		return nil, e
	}
	if base, ok := repo.ModProxy(); ok {
		return c.proxyLatest(ctx, base, true, path)
	}
	l, e := c.directVersions(ctx, path)
	if e != nil {
		return nil, e
	}
	if v := latestTagged(l.Versions); v != "" {
		return c.directInfo(ctx, path, v)
	}
	return nil, &Error{Kind: Direct, Proxy: repo.Source(), Err: errors.New("no version tags: the latest version would be a pseudo-version of the default branch, which needs a clone (gomodls does not clone)")}
}

func (c *Client) directGoMod(ctx context.Context, path, version string) (*GoModFile, *Error) {
	repo, e := c.direct.Repo(ctx, path)
	if e != nil {
		return nil, e
	}
	if base, ok := repo.ModProxy(); ok {
		return c.proxyGoMod(ctx, base, true, path, version)
	}
	return nil, &Error{Kind: Direct, Proxy: repo.Source(), Err: errors.New("reading go.mod from the origin repository needs a clone (gomodls does not clone)")}
}

func (c *Client) directZipHash(ctx context.Context, path, version string) (*ZipHash, *Error) {
	repo, e := c.direct.Repo(ctx, path)
	if e != nil {
		return nil, e
	}
	if base, ok := repo.ModProxy(); ok {
		return c.proxyZipHash(ctx, base, true, path, version)
	}
	return nil, &Error{Kind: Direct, Proxy: repo.Source(), Err: errors.New("hashing a module from its origin repository needs a clone (gomodls does not clone)")}
}
