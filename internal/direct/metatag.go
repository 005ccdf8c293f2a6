// Copyright 2026 The gomodls Authors.
// parseMetaGoImports and matchGoImport follow cmd/go/internal/vcs
// (discovery.go, vcs.go), Copyright The Go Authors, BSD-style license.

// The go-import meta tags of ?go-get=1 pages: fetched once per prefix,
// parsed, and matched to a path as the go command does.

package direct

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/gomodls/gomodls/internal/modsource"
	"github.com/gomodls/gomodls/internal/redact"
)

// metaImport is a <meta name="go-import" content="prefix vcs repo [subdir]">.
type metaImport struct {
	Prefix, VCS, RepoRoot, SubDir string
}

// parseMetaGoImports returns the go-import tags of an HTML page, "mod"
// entries first (the go command prefers them in module mode), stopping at
// </head> or <body>.
func parseMetaGoImports(r io.Reader) ([]metaImport, error) {
	d := xml.NewDecoder(r)
	d.CharsetReader = charsetReader
	d.Strict = false
	var imports []metaImport
	for {
		t, err := d.RawToken()
		if err != nil {
			if err != io.EOF && len(imports) == 0 {
				return nil, err
			}
			break
		}
		if e, ok := t.(xml.StartElement); ok && strings.EqualFold(e.Name.Local, "body") {
			break
		}
		if e, ok := t.(xml.EndElement); ok && strings.EqualFold(e.Name.Local, "head") {
			break
		}
		e, ok := t.(xml.StartElement)
		if !ok || !strings.EqualFold(e.Name.Local, "meta") {
			continue
		}
		if attrValue(e.Attr, "name") != "go-import" {
			continue
		}
		if f := strings.Fields(attrValue(e.Attr, "content")); len(f) == 3 || len(f) == 4 {
			mi := metaImport{Prefix: f[0], VCS: f[1], RepoRoot: f[2]}
			if len(f) == 4 {
				mi.SubDir = f[3]
			}
			imports = append(imports, mi)
		}
	}
	var list []metaImport
	have := make(map[string]bool)
	for _, m := range imports {
		if m.VCS == "mod" {
			have[m.Prefix] = true
			list = append(list, m)
		}
	}
	for _, m := range imports {
		if m.VCS != "mod" && !have[m.Prefix] {
			list = append(list, m)
		}
	}
	return list, nil
}

func charsetReader(charset string, input io.Reader) (io.Reader, error) {
	switch strings.ToLower(charset) {
	case "utf-8", "ascii":
		return input, nil
	}
	return nil, fmt.Errorf("can't decode XML document using charset %q", charset)
}

func attrValue(attrs []xml.Attr, name string) string {
	for _, a := range attrs {
		if strings.EqualFold(a.Name.Local, name) {
			return a.Value
		}
	}
	return ""
}

// matchGoImport returns the one tag whose prefix matches path; "mod"
// entries (listed first) win over the others.
func matchGoImport(imports []metaImport, path string) (metaImport, error) {
	match := -1
	var mismatches []string
	for i, im := range imports {
		if !hasPathPrefix(path, im.Prefix) {
			mismatches = append(mismatches, im.Prefix)
			continue
		}
		if match >= 0 {
			if imports[match].VCS == "mod" && im.VCS != "mod" {
				break
			}
			return metaImport{}, fmt.Errorf("multiple meta tags match import path %q", path)
		}
		match = i
	}
	if match == -1 {
		if len(mismatches) == 0 {
			return metaImport{}, fmt.Errorf("no go-import meta tags")
		}
		return metaImport{}, fmt.Errorf("no go-import meta tags (meta tags for %s do not match %s)", strings.Join(mismatches, ", "), path)
	}
	return imports[match], nil
}

// metaImports fetches and parses the go-get page for prefix, once per
// prefix (for ListTTL).
func (d *Resolver) metaImports(ctx context.Context, prefix string) ([]metaImport, string, *modsource.Error) {
	d.mu.Lock()
	if r, ok := d.metas[prefix]; ok && d.now().Sub(r.at) < d.metaTTL(r) {
		d.mu.Unlock()
		return r.imports, r.url, r.err
	}
	d.mu.Unlock()

	imports, fetched, e := d.fetchMeta(ctx, prefix)
	if e == nil || (e.Kind != modsource.Canceled && !errors.Is(e, context.DeadlineExceeded)) {
		d.mu.Lock()
		d.metas[prefix] = metaResult{imports: imports, url: fetched, err: e, at: d.now()}
		d.mu.Unlock()
	}
	return imports, fetched, e
}

func (d *Resolver) fetchMeta(ctx context.Context, prefix string) ([]metaImport, string, *modsource.Error) {
	host, p, _ := strings.Cut(prefix, "/")
	if !strings.Contains(host, ".") {
		return nil, "", &modsource.Error{Kind: modsource.NotFound, Proxy: modsource.SourceDirect, Err: fmt.Errorf("unrecognized import path %q: import path does not begin with hostname", prefix)}
	}
	_, insecure := d.env.MatchInsecure(prefix)
	u := &url.URL{Scheme: "https", Host: host, Path: "/" + p, RawQuery: "go-get=1"}
	fetched := redact.URL(u)
	body, answered, e := d.fetcher.GoGet(ctx, u, insecure)
	if e != nil && !answered && insecure && e.Kind != modsource.Canceled {
		// GOINSECURE: after https fails, plain http (web.Insecure).
		hu := *u
		hu.Scheme = "http"
		fetched = redact.URL(&hu)
		body, answered, e = d.fetcher.GoGet(ctx, &hu, false)
	}
	if !answered {
		return nil, fetched, e
	}
	imports, err := parseMetaGoImports(bytes.NewReader(body))
	if len(imports) == 0 {
		if e != nil {
			return nil, fetched, e
		}
		if err != nil {
			return nil, fetched, &modsource.Error{Kind: modsource.Direct, Proxy: modsource.SourceDirect, Op: "parsing " + fetched, Err: err}
		}
		return nil, fetched, &modsource.Error{Kind: modsource.NotFound, Proxy: modsource.SourceDirect, Op: "reading " + fetched, Err: errors.New("no go-import meta tags")}
	}
	return imports, fetched, nil
}
