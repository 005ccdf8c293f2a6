package analyzers_test

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/module"
	"golang.org/x/tools/txtar"

	"github.com/gomodls/gomodls/analyzers"
	"github.com/gomodls/gomodls/analyzers/analyzerstest"
	"github.com/gomodls/gomodls/internal/goenv"
	"github.com/gomodls/gomodls/internal/modproxy"
	"github.com/gomodls/gomodls/internal/proxytest"
	"github.com/gomodls/gomodls/internal/settings"
	"github.com/gomodls/gomodls/internal/snapshot"
	"github.com/gomodls/gomodls/internal/sumcheck"
	"github.com/gomodls/gomodls/internal/vulndb"
)

// caseProxy reads the "proxy" section of a network case: how the fixture
// proxy behaves and how the settings see it. One directive per line ("#"
// starts a comment line):
//
//	flavor filtered-mirror|artifactory   proxytest.WithFlavor
//	public                                the fixture plays proxy.golang.org (gomodls.publicProxies)
//	filter PATTERN[@VERSION]              proxytest.WithFilter
//	hosts PATTERNS                        proxytest.WithHosts
//	info-skew DURATION                    proxytest.WithInfoTimeSkew
//	not-found-status CODE                 proxytest.WithNotFoundStatus
//	fault PATTERN SPEC                    Server.Fault with proxytest.ParseFault(SPEC) (PATTERN
//	                                      "-": every request); in a
//	                                      status body, \n and \t are a newline and a tab
//	module PATH@VERSION [GO.MOD LINES]    Server.AddModule: a version whose go.mod is
//	                                      "module PATH" and the given lines (\n separates them)
//	toolchain NAME...                     Server.AddToolchain: golang.org/toolchain for this platform
func caseProxy(t *testing.T, file string) (opts []proxytest.Option, faults func(*proxytest.Server), adjust func(*settings.Settings, *proxytest.Server)) {
	t.Helper()
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var section []byte
	for _, f := range ar.Files {
		if f.Name == "proxy" {
			section = f.Data
		}
	}
	type fault struct {
		pattern string
		f       proxytest.Fault
	}
	var list []fault
	var modules []module.Version
	gomods := map[module.Version]string{}
	var toolchains []string
	public := false
	for i, line := range strings.Split(string(section), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		verb, arg, _ := strings.Cut(line, " ")
		bad := func(err error) {
			t.Fatalf("%s: proxy:%d: %q: %v", file, i+1, line, err)
		}
		switch verb {
		case "flavor":
			switch arg {
			case "filtered-mirror":
				opts = append(opts, proxytest.WithFlavor(proxytest.FlavorFilteredMirror))
			case "artifactory":
				opts = append(opts, proxytest.WithFlavor(proxytest.FlavorArtifactory))
			default:
				bad(fmt.Errorf("unknown flavor"))
			}
		case "public":
			public = true
		case "filter":
			opts = append(opts, proxytest.WithFilter(strings.Fields(arg)...))
		case "hosts":
			opts = append(opts, proxytest.WithHosts(arg))
		case "info-skew":
			d, err := time.ParseDuration(arg)
			if err != nil {
				bad(err)
			}
			opts = append(opts, proxytest.WithInfoTimeSkew(d))
		case "not-found-status":
			code, err := strconv.Atoi(arg)
			if err != nil {
				bad(err)
			}
			opts = append(opts, proxytest.WithNotFoundStatus(code))
		case "fault":
			pattern, spec, _ := strings.Cut(arg, " ")
			if pattern == "-" {
				pattern = "" // every request, as cmd/fixtureproxy's fault command
			}
			var f proxytest.Fault
			if w := strings.Fields(spec); len(w) >= 2 && w[0] == "status" {
				code, err := strconv.Atoi(w[1])
				if err != nil {
					bad(err)
				}
				body := strings.Join(w[2:], " ")
				f = proxytest.Status(code, strings.NewReplacer(`\n`, "\n", `\t`, "\t").Replace(body))
			} else if f, err = proxytest.ParseFault(spec); err != nil {
				bad(err)
			}
			list = append(list, fault{pattern, f})
		case "module":
			mv, rest, _ := strings.Cut(arg, " ")
			p, v, ok := strings.Cut(mv, "@")
			if !ok {
				bad(fmt.Errorf("want PATH@VERSION"))
			}
			m := module.Version{Path: p, Version: v}
			modules = append(modules, m)
			gomods[m] = "module " + p + "\n"
			if rest != "" {
				gomods[m] += "\n" + strings.ReplaceAll(rest, `\n`, "\n") + "\n"
			}
		case "toolchain":
			toolchains = append(toolchains, strings.Fields(arg)...)
		default:
			bad(fmt.Errorf("unknown directive %s", verb))
		}
	}
	faults = func(s *proxytest.Server) {
		for _, name := range toolchains {
			if err := s.AddToolchain(name); err != nil {
				t.Fatal(err)
			}
		}
		for _, f := range list {
			s.Fault(f.pattern, f.f)
		}
		for _, m := range modules {
			if err := s.AddModule(m.Path, m.Version, map[string]string{"go.mod": gomods[m], "x.go": "package x\n"}); err != nil {
				t.Fatalf("%s: proxy: module %s: %v", file, m, err)
			}
		}
	}
	adjust = func(set *settings.Settings, s *proxytest.Server) {
		if public {
			set.PublicProxies = []string{s.URL}
		}
	}
	return opts, faults, adjust
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
					opts, faults, adjust := caseProxy(t, c)
					srv := proxytest.New(t, append(opts, proxytest.WithVulnDB(proxytest.VulnTree()))...)
					faults(srv)
					set := settings.Default()
					set.Upgrades = "minor"
					adjust(set, srv)
					analyzerstest.RunCase(t, c, analyzerstest.Options{
						Env:       map[string]string{"GOPROXY": srv.URL, "GOSUMDB": "off", "GOFLAGS": ""},
						Settings:  set,
						NewSource: publicFixtureSource(set.PublicProxies),
						Vulns:     fixtureVulns(t, srv),
					}, a)
				})
			}
		})
	}
}

// fixtureVulns reads the fixture's vulnerability database (its real
// reports), with no cache on disk.
func fixtureVulns(t testing.TB, srv *proxytest.Server) *vulndb.Client {
	c, err := vulndb.New(vulndb.Options{URL: srv.VulnDBURL, RequestTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// fixtureSource is a module source over the case's environment, with no
// caches on disk and short timeouts (a hung proxy is reported after 2s).
func fixtureSource(t testing.TB, env *goenv.Env) snapshot.Source {
	return publicFixtureSource(nil)(t, env)
}

// patientFixtureSource is fixtureSource for a fixture that serves
// everything asked of it: under load (-race, many files in parallel on two
// cores) an answer may take seconds, which must not read as an unreachable
// proxy, so it waits as long as the test's own deadline.
func patientFixtureSource(t testing.TB, env *goenv.Env) snapshot.Source {
	c, err := sumcheck.New(modproxy.Options{Env: env, NoAuth: true, NoModCache: true, RequestTimeout: 10 * time.Second, ProxyDeadline: time.Minute, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// publicFixtureSource is fixtureSource with the proxies that never see a
// path that looks private (nil: settings.Default's), as the case's
// settings say.
func publicFixtureSource(public settings.ProxyURLs) func(testing.TB, *goenv.Env) snapshot.Source {
	return func(t testing.TB, env *goenv.Env) snapshot.Source {
		c, err := sumcheck.New(modproxy.Options{Env: env, NoAuth: true, NoModCache: true, RequestTimeout: time.Second, ProxyDeadline: 2 * time.Second, MaxRetries: -1, PublicProxies: public})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
}
