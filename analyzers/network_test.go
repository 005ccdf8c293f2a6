package analyzers_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gomodls/gomodls/analyzers"
	"github.com/gomodls/gomodls/analyzers/analyzerstest"
	"github.com/gomodls/gomodls/internal/goenv"
	"github.com/gomodls/gomodls/internal/modproxy"
	"github.com/gomodls/gomodls/internal/proxytest"
	"github.com/gomodls/gomodls/internal/settings"
	"github.com/gomodls/gomodls/internal/snapshot"
	"github.com/gomodls/gomodls/internal/sumcheck"
)

// networkSetup prepares the fixture proxy for a case: options, faults and
// settings (cases not listed use the default corpus and settings).
var networkSetup = map[string]func(t *testing.T) ([]proxytest.Option, func(*proxytest.Server), func(*settings.Settings, *proxytest.Server)){
	"versions/faults": func(t *testing.T) ([]proxytest.Option, func(*proxytest.Server), func(*settings.Settings, *proxytest.Server)) {
		return []proxytest.Option{proxytest.WithFilter("example.com/zero@*")}, func(s *proxytest.Server) {
			s.Fault("example.com/deep/a", proxytest.Status(500, "boom"))
			s.Fault("example.com/deep/b", proxytest.Unauthorized("user", "pass"))
			s.Fault("example.com/deep/c", proxytest.ConnReset())
			s.Fault("example.com/deep/d", proxytest.GarbageInfo())
			s.Fault("example.com/deep/e", proxytest.Hang())
		}, nil
	},
	"versions/public": func(t *testing.T) ([]proxytest.Option, func(*proxytest.Server), func(*settings.Settings, *proxytest.Server)) {
		return nil, func(s *proxytest.Server) {
				s.Fault("github.com/acme/secret", proxytest.Status(404, "not found: github.com/acme/secret@v1.0.0: invalid version: git ls-remote -q origin in /tmp/gopath/pkg/mod/cache/vcs/x: exit status 128:\n\tfatal: could not read Username for 'https://github.com': terminal prompts disabled"))
			}, func(set *settings.Settings, s *proxytest.Server) {
				set.PublicProxies = []string{s.URL}
			}
	},
}

func TestNetworkAnalyzers(t *testing.T) {
	for _, a := range analyzers.Network() {
		t.Run(a.Name, func(t *testing.T) {
			cases, _ := filepath.Glob(filepath.Join("testdata", a.Name, "*.txtar"))
			if len(cases) == 0 {
				t.Fatalf("no test cases for %s", a.Name)
			}
			for _, c := range cases {
				name := a.Name + "/" + strings.TrimSuffix(filepath.Base(c), ".txtar")
				t.Run(filepath.Base(name), func(t *testing.T) {
					t.Parallel()
					var opts []proxytest.Option
					var faults func(*proxytest.Server)
					var adjust func(*settings.Settings, *proxytest.Server)
					if setup := networkSetup[name]; setup != nil {
						opts, faults, adjust = setup(t)
					}
					srv := proxytest.New(t, opts...)
					if faults != nil {
						faults(srv)
					}
					set := settings.Default()
					set.Upgrades = "minor"
					if adjust != nil {
						adjust(set, srv)
					}
					analyzerstest.RunCase(t, c, analyzerstest.Options{
						Env:       map[string]string{"GOPROXY": srv.URL, "GOSUMDB": "off", "GOFLAGS": ""},
						Settings:  set,
						NewSource: fixtureSource,
					}, a)
				})
			}
		})
	}
}

// fixtureSource is a module source over the case's environment, with no
// caches on disk and short timeouts (a hung proxy is reported after 2s).
func fixtureSource(t testing.TB, env *goenv.Env) snapshot.Source {
	c, err := sumcheck.New(modproxy.Options{Env: env, NoAuth: true, NoModCache: true, RequestTimeout: time.Second, ProxyDeadline: 2 * time.Second, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}
