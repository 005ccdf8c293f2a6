package analyzers_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/module"
	"golang.org/x/tools/txtar"

	"github.com/gomodls/gomodls/analyzers"
	"github.com/gomodls/gomodls/analyzers/analyzerstest"
	"github.com/gomodls/gomodls/fixes"
	"github.com/gomodls/gomodls/internal/goenv"
	"github.com/gomodls/gomodls/internal/modproxy"
	"github.com/gomodls/gomodls/internal/proxytest"
	"github.com/gomodls/gomodls/internal/settings"
	"github.com/gomodls/gomodls/internal/snapshot"
	"github.com/gomodls/gomodls/internal/sumcheck"
)

// sumCase prepares a go.sum case that runs with the fixture's checksum
// database (GOSUMDB=<its key>, reached through the proxy).
type sumCase struct {
	opts []proxytest.Option
	// env adds to the case's environment.
	env func(t *testing.T, srv *proxytest.Server) map[string]string
	// before runs first: tamper with the database, fork it, or warm the
	// caches with an earlier Source (a previous run or network pass).
	before func(t *testing.T, srv *proxytest.Server, newSource func() *sumcheck.Source)
	// modCache holds files for GOMODCACHE/cache/download ("path@version.ext": content).
	modCache map[string]string
	// after checks the requests made.
	after func(t *testing.T, srv *proxytest.Server)
	// check looks at the diagnostics, given the case's go.sum.
	check func(t *testing.T, diags []analyzers.Diagnostic, gosum []byte)
	// verifyZips runs with the setting on (gomodls check -verify).
	verifyZips bool
}

func sumWarm(mode sumcheck.Mode, mods ...string) func(*testing.T, *proxytest.Server, func() *sumcheck.Source) {
	return func(t *testing.T, srv *proxytest.Server, newSource func() *sumcheck.Source) {
		src := newSource()
		for _, m := range mods {
			p, v, _ := strings.Cut(m, "@")
			if _, err := src.Sums(context.Background(), p, v, mode); err != nil {
				t.Fatalf("warming %s: %v", m, err)
			}
		}
	}
}

// noSumDBLookups fails if the checksum database was asked about a path
// with one of the prefixes (proxy requests for them are allowed).
func noSumDBLookups(prefixes ...string) func(*testing.T, *proxytest.Server) {
	return func(t *testing.T, srv *proxytest.Server) {
		for _, r := range srv.Requests() {
			if r.Endpoint&proxytest.EndpointSumDB == 0 {
				continue
			}
			for _, p := range prefixes {
				if strings.Contains(r.URL, p) || strings.Contains(r.Module, p) {
					t.Errorf("checksum database asked about %s: %s", p, r)
				}
			}
		}
	}
}

var sumCases = map[string]sumCase{
	"sumverify/db/nosumdb": {
		env: func(*testing.T, *proxytest.Server) map[string]string {
			return map[string]string{"GONOSUMDB": "example.com/deep"}
		},
		after: noSumDBLookups("example.com/deep"),
	},
	"sumverify/db/private": {
		env: func(*testing.T, *proxytest.Server) map[string]string {
			return map[string]string{"GOPRIVATE": "example.com/deep"}
		},
		after: func(t *testing.T, srv *proxytest.Server) {
			srv.AssertNoRequestMentions(t, "example.com/deep")
		},
	},
	"sumverify/db/unreachable": {
		env: func(t *testing.T, srv *proxytest.Server) map[string]string {
			return map[string]string{"GOSUMDB": srv.SumDBKey() + " " + proxytest.RefusedURL(t)}
		},
	},
	"sumverify/db/dbtampered": {
		before: func(t *testing.T, srv *proxytest.Server, _ func() *sumcheck.Source) {
			for _, m := range []string{"example.com/deep/e@v1.1.0", "example.com/deep/d@v1.1.0"} {
				p, v, _ := strings.Cut(m, "@")
				if err := srv.TamperSumDB(p, v); err != nil {
					t.Fatal(err)
				}
			}
		},
	},
	"sumverify/db/fork": {
		before: func(t *testing.T, srv *proxytest.Server, newSource func() *sumcheck.Source) {
			sumWarm(sumcheck.Verify, "example.com/zero@v0.2.0")(t, srv, newSource)
			srv.ForkSumDB(true)
		},
	},
	"sumverify/db/modcache": {
		env: func(*testing.T, *proxytest.Server) map[string]string {
			return map[string]string{"GONOSUMDB": "example.com/zero"}
		},
		modCache: map[string]string{
			"example.com/basic@v1.1.0.ziphash": "h1:BBBBkOlb+oAur06SeFZEbrGSTkmoTHIxJqNIRKAysu0=",
			"example.com/zero@v0.2.0.ziphash":  "h1:CCCCg2BchLUDK2vFf42XQHOwNVdjDL2dV4mkCqYKvxY=",
		},
	},
	"summissing/fix/verified": {
		before: func(t *testing.T, srv *proxytest.Server, newSource func() *sumcheck.Source) {
			sumWarm(sumcheck.ZipLine, "example.com/zero@v0.2.0")(t, srv, newSource)
			sumWarm(sumcheck.GoModLine, "example.com/deep/a@v1.0.0", "example.com/deep/c@v1.1.0",
				"example.com/deep/c@v1.0.0", "example.com/deep/d@v1.0.0", "example.com/deep/d@v1.1.0",
				"example.com/deep/e@v1.0.0", "example.com/deep/e@v1.1.0")(t, srv, newSource)
		},
		// Each diagnostic also offers one fix adding every line, in
		// go.sum's order; it is the preferred one ("fix all").
		check: func(t *testing.T, diags []analyzers.Diagnostic, gosum []byte) {
			want := "example.com/basic v1.1.0 h1:5XN7kOlb+oAur06SeFZEbrGSTkmoTHIxJqNIRKAysu0=\n" +
				"example.com/basic v1.1.0/go.mod h1:BOK6UDcxFkMy3nlbYGGffUlMObMwU5WJQ2GWI1uXc5k=\n" +
				"example.com/deep/a v1.0.0/go.mod h1:z9OcrMxFqWPgYPX1kUxDclWRSAcR8T0n9DObH5Qcb54=\n" +
				"example.com/deep/c v1.0.0/go.mod h1:81Y6qUanulUGoJtSGwnus7f8zG+NXkD7o2zhyiTkCmc=\n" +
				"example.com/deep/c v1.1.0/go.mod h1:vgr8l01nYfPNU4YR9zIIq5/oFwaLV4qvGyvaLgY9ntE=\n" +
				"example.com/deep/d v1.0.0/go.mod h1:vGa8tTyqo5340+sNoOH0Qj1l0vd72ql0KdDYbiIBYA0=\n" +
				"example.com/deep/d v1.1.0/go.mod h1:qas4nXNdXyX4IPSxWdtFTToT0zBaRQt8jfx6q69BAwQ=\n" +
				"example.com/deep/e v1.0.0/go.mod h1:180W5Ika+aKWxBvT2kdbT5Y/ohePVQcd3Fu7J4fQ6DQ=\n" +
				"example.com/deep/e v1.1.0/go.mod h1:180W5Ika+aKWxBvT2kdbT5Y/ohePVQcd3Fu7J4fQ6DQ=\n" +
				"example.com/zero v0.2.0 h1:QwZWg2BchLUDK2vFf42XQHOwNVdjDL2dV4mkCqYKvxY=\n" +
				"example.com/zero v0.2.0/go.mod h1:9qaPZK1Cvk5LDZXhv5WdV8TxTh+hlXsXsCQrqjapRCE=\n"
			for _, d := range diags {
				if len(d.Fixes) != 2 || d.Fixes[0].Preferred || !d.Fixes[1].Preferred {
					t.Fatalf("%s: fixes %+v, want one per module and a preferred one for all", d.Message, d.Fixes)
				}
				if d.Fixes[1].Title != "Add all 8 missing go.sum entries" {
					t.Errorf("title %q", d.Fixes[1].Title)
				}
				if got := string(fixes.Apply(gosum, d.Fixes[1].Edits)); got != want {
					t.Errorf("after the fix for all:\n%s\nwant:\n%s", got, want)
				}
			}
			if !strings.Contains(diags[0].Fixes[0].Title, "(verified by sum.proxytest.invalid)") {
				t.Errorf("title %q", diags[0].Fixes[0].Title)
			}
		},
	},
	"summissing/fix/nosumdb": {
		env: func(*testing.T, *proxytest.Server) map[string]string {
			return map[string]string{"GONOSUMDB": "example.com/deep"}
		},
		before: func(t *testing.T, srv *proxytest.Server, newSource func() *sumcheck.Source) {
			sumWarm(sumcheck.ZipLine, "example.com/deep/a@v1.0.0")(t, srv, newSource)
		},
		after: noSumDBLookups("example.com/deep"),
	},
	"summissing/fix/conflict": {
		before: func(t *testing.T, srv *proxytest.Server, newSource func() *sumcheck.Source) {
			if err := srv.TamperSumDB("example.com/deep/d", "v1.1.0"); err != nil {
				t.Fatal(err)
			}
			sumWarm(sumcheck.GoModLine, "example.com/deep/d@v1.1.0", "example.com/zero@v0.2.0")(t, srv, newSource)
		},
	},
}

// TestSumCases runs the go.sum cases that need the checksum database:
// testdata/sumverify/db (sumverify), testdata/sumverify/verify (sumverify
// with verifyZips, as gomodls check -verify runs it) and
// testdata/summissing/fix (summissing, with caches warmed by an earlier
// lookup).
func TestSumCases(t *testing.T) {
	for _, dir := range []string{"sumverify/db", "sumverify/verify", "summissing/fix"} {
		a := analyzers.SumVerify
		if strings.HasPrefix(dir, "summissing") {
			a = analyzers.SumMissing
		}
		files, _ := filepath.Glob(filepath.Join("testdata", dir, "*.txtar"))
		if len(files) == 0 {
			t.Fatalf("no cases in testdata/%s", dir)
		}
		for _, file := range files {
			name := dir + "/" + strings.TrimSuffix(filepath.Base(file), ".txtar")
			c := sumCases[name]
			c.verifyZips = dir == "sumverify/verify"
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				runSumCase(t, file, c, a)
			})
		}
	}
}

func runSumCase(t *testing.T, file string, c sumCase, a *analyzers.Analyzer) {
	srv := proxytest.New(t, c.opts...)
	cacheDir, modCache := t.TempDir(), t.TempDir()
	over := map[string]string{"GOPROXY": srv.URL, "GOSUMDB": srv.SumDBKey(), "GOFLAGS": "", "GOMODCACHE": modCache}
	if c.env != nil {
		for k, v := range c.env(t, srv) {
			over[k] = v
		}
	}
	for name, content := range c.modCache {
		sumWriteModCache(t, modCache, name, content)
	}
	newSource := func(env *goenv.Env) *sumcheck.Source {
		s, err := sumcheck.New(modproxy.Options{Env: env, NoAuth: true, RequestTimeout: time.Second, MaxRetries: -1, CacheDir: cacheDir})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if c.before != nil {
		c.before(t, srv, func() *sumcheck.Source { return newSource(analyzerstest.Env(t, over)) })
	}
	set := settings.Default()
	set.VerifyZips = c.verifyZips
	diags := analyzerstest.RunCase(t, file, analyzerstest.Options{
		Env:       over,
		Settings:  set,
		NewSource: func(t testing.TB, env *goenv.Env) snapshot.Source { return newSource(env) },
	}, a)
	if c.after != nil {
		c.after(t, srv)
	}
	if c.check != nil {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range ar.Files {
			if f.Name == "go.sum" {
				c.check(t, diags, f.Data)
			}
		}
	}
}

// writeModCache writes GOMODCACHE/cache/download/<path>/@v/<version>.<ext>.
func sumWriteModCache(t *testing.T, root, name, content string) {
	t.Helper()
	// "example.com/basic@v1.1.0.ziphash": the extension follows the version.
	i := strings.LastIndex(name, ".")
	mv, ext := name[:i], name[i+1:]
	p, v, _ := strings.Cut(mv, "@")
	ep, err := module.EscapePath(p)
	if err != nil {
		t.Fatal(err)
	}
	ev, err := module.EscapeVersion(v)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(root, "cache", "download", filepath.FromSlash(ep), "@v", ev+"."+ext)
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestSumMissingModes: the go command only insists on go.sum entries in
// module mode with -mod=readonly; elsewhere nothing is missing.
func TestSumMissingModes(t *testing.T) {
	const gomod = "module example.com/m\n\ngo 1.22\n\nrequire example.com/basic v1.1.0\n"
	const gosum = "example.com/zero v0.2.0/go.mod h1:9qaPZK1Cvk5LDZXhv5WdV8TxTh+hlXsXsCQrqjapRCE=\n"
	for _, tc := range []struct {
		name    string
		env     map[string]string
		goWork  bool // a go.work in the parent directory
		vendor  bool
		missing bool
	}{
		{name: "readonly", missing: true},
		{name: "-mod=mod", env: map[string]string{"GOFLAGS": "-mod=mod"}},
		{name: "--mod=vendor", env: map[string]string{"GOFLAGS": "-modcacherw --mod=vendor"}},
		{name: "vendor directory", vendor: true},
		{name: "vendor directory, -mod=readonly", vendor: true, env: map[string]string{"GOFLAGS": "-mod=readonly"}, missing: true},
		{name: "go.work above", goWork: true},
		{name: "go.work above, GOWORK=off", goWork: true, env: map[string]string{"GOWORK": "off"}, missing: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			parent := t.TempDir()
			dir := filepath.Join(parent, "m")
			if err := os.MkdirAll(filepath.Join(dir, "vendor"), 0o755); err != nil {
				t.Fatal(err)
			}
			if !tc.vendor {
				os.Remove(filepath.Join(dir, "vendor"))
			}
			if tc.goWork {
				if err := os.WriteFile(filepath.Join(parent, "go.work"), []byte("go 1.22\n\nuse ./m\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			env := analyzerstest.Env(t, tc.env)
			snap := snapshot.Build(dir, snapshot.Contents{snapshot.GoMod: []byte(gomod), snapshot.GoSum: []byte(gosum)}, env, nil, nil, nil)
			got := analyzers.MissingSums(snap)
			if tc.missing != (len(got) == 1) {
				t.Errorf("missing sums: %+v, want missing=%v", got, tc.missing)
			}
		})
	}
}
