package analyzers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gomodls/gomodls/analyzers"
	"github.com/gomodls/gomodls/analyzers/analyzerstest"
	"github.com/gomodls/gomodls/internal/benchfixture"
	"github.com/gomodls/gomodls/internal/checker"
	"github.com/gomodls/gomodls/internal/proxytest"
	"github.com/gomodls/gomodls/internal/settings"
	"github.com/gomodls/gomodls/internal/snapshot"
)

// The cross-check: for each case, the network analyzers (all analyzers, in
// fact) and the real go command look at the same go.mod through the same
// fixture proxy, and must reach the same verdict. The go command's verdict
// comes from
//
//	go list -m -json mod@ver                 exists / not found / failed, and why
//	go list -m -versions -json mod           (after a 404/410) does the module exist at all?
//	go list -m -u -retracted -json mod@ver   Retracted, Deprecated, Update.Version
//	go mod download -json                    in the module: "module declares its path as"
//
// (`go mod download -json mod@ver` does not load the module graph, so it
// never sees a path mismatch; without arguments, in the module, it does.)
// Both run with a fresh GOPATH/GOMODCACHE, GOFLAGS=-modcacherw,
// GOTOOLCHAIN=local, GOSUMDB=off and GOPROXY=the fixture. A verdict is the
// sorted list of findings, each a diagnostic code with the detail both
// sides can state (the rationale, the declared path, the upgrade), or "ok".

type xcase struct {
	name string
	// mod is path@version: the module version the go command is asked
	// about, required by the go.mod our analyzers see unless gomod is set.
	mod   string
	gomod string // extra go.mod lines (require/replace) replacing the default require
	// proxy options and faults for the fixture, which serves the default
	// corpus (internal/proxytest/testdata/mod).
	opts    []proxytest.Option
	faults  func(*proxytest.Server)
	goproxy func(t *testing.T, srv *proxytest.Server) string // GOPROXY instead of the fixture's URL
	// public lists the fixture in gomodls.publicProxies: it plays
	// proxy.golang.org.
	public bool
	level  string        // gomodls.upgrades; "" is the default ("minor")
	goWait time.Duration // how long the go command may take (default 60s)

	want   string // the verdict both must reach
	wantUs string // ours, where it differs from go's on purpose (note says why)
	note   string
}

func TestCrossCheckWithGoCommand(t *testing.T) {
	if _, err := benchfixture.GoTool(); err != nil {
		t.Fatalf("no go command: %v", err)
	}
	corpAuthText := "not found: github.com/acme/secret@v1.0.0: invalid version: git ls-remote -q origin in /tmp/gopath/pkg/mod/cache/vcs/5f4e: exit status 128:\n\tfatal: could not read Username for 'https://github.com': terminal prompts disabled"
	cases := []xcase{
		// Existence.
		{name: "existing version", mod: "example.com/basic@v1.1.0", want: "ok"},
		{name: "existing version, mixed-case path", mod: "example.com/Upper/mod@v1.1.0", want: "ok"},
		{name: "existing pseudo-version (latest commit)", mod: "example.com/pseudo@v0.0.0-20240102030405-abcdef012345", want: "ok"},
		{name: "existing +incompatible (no go.mod), newest", mod: "example.com/incompat@v3.1.0+incompatible", want: "ok"},
		{name: "unknown version (404)", mod: "example.com/basic@v1.9.9", want: "unknown-version"},
		{name: "unknown version (410 Gone)", mod: "example.com/basic@v1.9.9", opts: []proxytest.Option{proxytest.WithNotFoundStatus(410)}, want: "unknown-version"},
		{name: "unknown version of a module without versions", mod: "example.com/empty@v1.0.0", want: "unknown-version"},
		{name: "unknown module", mod: "example.com/nosuchmodule@v1.0.0", want: "unknown-module"},
		{name: "unknown +incompatible (the major has its own path)", mod: "example.com/basic@v2.0.0+incompatible", want: "unknown-version",
			note: "we also say why, as information: example.com/basic/v2 exists"},

		// Proxy faults.
		{name: "500", mod: "example.com/deep/a@v1.0.0", faults: fault("example.com/deep/a", proxytest.Status(500, "")), want: "proxy-error"},
		{name: "502 with a body", mod: "example.com/deep/a@v1.0.0", faults: fault("example.com/deep/a", proxytest.Status(502, "upstream connect error")), want: "proxy-error"},
		{name: "401 with a challenge", mod: "example.com/deep/b@v1.0.0", faults: fault("example.com/deep/b", proxytest.Unauthorized("user", "pass")), want: "proxy-auth-required"},
		{name: "connection reset", mod: "example.com/deep/c@v1.0.0", faults: fault("example.com/deep/c", proxytest.ConnReset()), want: "proxy-unreachable"},
		{name: "connection refused", mod: "example.com/basic@v1.1.0", goproxy: func(t *testing.T, _ *proxytest.Server) string { return proxytest.RefusedURL(t) }, want: "proxy-unreachable"},
		{name: "hang (go: killed after 3s; we: 2s proxy deadline)", mod: "example.com/deep/e@v1.0.0", faults: fault("example.com/deep/e", proxytest.Hang()), goWait: 3 * time.Second, want: "proxy-unreachable",
			note: "the go command has no timeout and hangs; a hang is its verdict for an unreachable proxy"},
		{name: "garbage .info", mod: "example.com/deep/d@v1.0.0", faults: fault("example.com/deep/d", proxytest.GarbageInfo()), want: "proxy-error"},
		{name: "wrong version in .info", mod: "example.com/deep/d@v1.0.0", faults: fault("example.com/deep/d", proxytest.WrongVersion("v1.1.0")), want: "proxy-error"},
		{name: "filtered mirror: 403 not available", mod: "example.com/zero@v0.1.0", opts: []proxytest.Option{proxytest.WithFilter("example.com/zero@*")}, want: "module-not-served"},
		{name: "host not permitted: 400", mod: "example.com/basic@v1.1.0", opts: []proxytest.Option{proxytest.WithHosts("golang.org")}, want: "module-not-served"},

		// A public proxy refusing a private repository, as proxy.golang.org does.
		{name: "public proxy refuses a private repository (404)", mod: "github.com/acme/secret@v1.0.0", public: true,
			faults: fault("github.com/acme/secret", proxytest.Status(404, corpAuthText)), want: "private-module-not-configured"},
		{name: "public proxy refuses a private repository (410)", mod: "github.com/acme/secret@v1.0.0", public: true,
			faults: fault("github.com/acme/secret", proxytest.Status(410, corpAuthText)), want: "private-module-not-configured"},

		// Retractions and deprecations (from the latest version's go.mod).
		{name: "retracted (single version)", mod: "example.com/retract@v1.1.0", want: "retracted-version (Contains a data race in Frobnicate.); upgrade-available v1.4.0"},
		{name: "retracted (interval)", mod: "example.com/retract@v1.3.0", want: "retracted-version (Broken go.mod; use v1.4.0.); upgrade-available v1.4.0"},
		{name: "retracted (the latest retracts itself)", mod: "example.com/retract@v1.5.0", want: "retracted-version (Published accidentally.)"},
		{name: "not retracted, below the retractions", mod: "example.com/retract@v1.0.0", want: "upgrade-available v1.4.0"},
		{name: "deprecated", mod: "example.com/deprecated@v1.0.0", want: "deprecated-module (use example.com/new instead.); upgrade-available v1.1.0"},
		{name: "deprecated (latest)", mod: "example.com/deprecated@v1.1.0", want: "deprecated-module (use example.com/new instead.)"},

		// Module path mismatches.
		{name: "path mismatch: case", mod: "example.com/Caseflip/log@v1.0.0", want: "module-path-mismatch example.com/caseflip/log"},
		{name: "path mismatch: fork", mod: "example.com/fork@v1.0.0", want: "module-path-mismatch example.com/original"},
		{name: "fork as a replacement that keeps its upstream's path", mod: "example.com/fork@v1.0.0",
			gomod: "require example.com/original v1.0.0\n\nreplace example.com/original => example.com/fork v1.0.0\n", want: "ok"},
		{name: "fork as a replacement of a third path", mod: "example.com/fork@v1.0.0",
			gomod: "require example.com/basic v1.1.0\n\nreplace example.com/basic => example.com/fork v1.0.0\n", want: "module-path-mismatch example.com/original"},

		// Upgrades: go list -m -u's Update.
		{name: "upgrade (a newer prerelease is not offered)", mod: "example.com/basic@v1.0.0", want: "upgrade-available v1.1.0"},
		{name: "no upgrade: latest release, newer prerelease", mod: "example.com/basic@v1.1.0", want: "ok"},
		{name: "upgrade, v0", mod: "example.com/zero@v0.1.0", want: "upgrade-available v0.2.0"},
		{name: "upgrade from a prerelease", mod: "example.com/prerelease@v1.0.0-alpha.1", want: "upgrade-available v1.0.0-rc.1"},
		{name: "no upgrade: pseudo-version above the latest tag", mod: "example.com/basic@v1.1.1-0.20240315101112-0123456789ab", want: "ok"},
		{name: "upgrade of an untagged pseudo-version to the newer commit", mod: "example.com/pseudo@v0.0.0-20231201000000-fedcba987654",
			want: "upgrade-available v0.0.0-20240102030405-abcdef012345"},
		{name: "upgrade v0 to v1 (same path), level minor", mod: "example.com/basic@v0.1.0", want: "upgrade-available v1.1.0", wantUs: "ok",
			note: "minor level offers the same major only (documented); go list -m -u crosses to v1"},
		{name: "upgrade v0 to v1 (same path), level major", mod: "example.com/basic@v0.1.0", level: "major", want: "upgrade-available v1.1.0"},
		{name: "upgrade +incompatible, level minor", mod: "example.com/incompat@v2.0.0+incompatible", want: "upgrade-available v3.1.0+incompatible", wantUs: "ok",
			note: "minor level offers the same major only (documented)"},
		{name: "upgrade +incompatible, level major", mod: "example.com/incompat@v2.0.0+incompatible", level: "major", want: "upgrade-available v3.1.0+incompatible"},
		{name: "upgrade to +incompatible (no go.mod in v1), level major", mod: "example.com/incompat@v1.0.0", level: "major", want: "upgrade-available v3.1.0+incompatible"},
	}

	var mu sync.Mutex
	rows := map[string][3]string{}
	t.Cleanup(func() {
		if !testing.Verbose() {
			return
		}
		var b strings.Builder
		b.WriteString("\n| case | go command | gomodls | note |\n|---|---|---|---|\n")
		for _, c := range cases {
			r, ok := rows[c.name]
			if !ok {
				continue
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", c.name, r[0], r[1], r[2])
		}
		t.Log(b.String())
	})

	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := proxytest.New(t, tc.opts...)
			if tc.faults != nil {
				tc.faults(srv)
			}
			goproxy := srv.URL
			if tc.goproxy != nil {
				goproxy = tc.goproxy(t, srv)
			}
			path, version, _ := strings.Cut(tc.mod, "@")
			gomod := tc.gomod
			if gomod == "" {
				gomod = fmt.Sprintf("require %s %s\n", path, version)
			}
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/m\n\ngo 1.22\n\n"+gomod), 0o644); err != nil {
				t.Fatal(err)
			}

			goV := goVerdict(t, tc, srv.GoEnv("GOPROXY="+goproxy, "GOSUMDB=off"), dir, path, version)
			usV := ourVerdict(t, tc, srv, goproxy, dir)
			wantUs := tc.wantUs
			if wantUs == "" {
				wantUs = tc.want
			}
			mu.Lock()
			rows[tc.name] = [3]string{goV, usV, tc.note}
			mu.Unlock()
			if goV != tc.want {
				t.Errorf("go command's verdict: %s\nwant: %s", goV, tc.want)
			}
			if usV != wantUs {
				t.Errorf("gomodls' verdict: %s\nwant: %s%s", usV, wantUs, upgradeBugHint(tc))
			}
		})
	}
}

// upgradeBugHint points a failing upgrade row at the code that decides it.
func upgradeBugHint(tc xcase) string {
	if !strings.Contains(tc.want, "upgrade-available") {
		return ""
	}
	return "\n(upgrades are decided by internal/modinfo.Upgrade from analyzers/upgrades.go; go's rule is modload.Query(path, \"upgrade\", current): " +
		"the highest allowed release >= current, else prerelease; for a pseudo-version with nothing tagged above it, @latest; " +
		"+incompatible versions when current is one or when the last compatible version has no go.mod)"
}

func fault(pattern string, f proxytest.Fault) func(*proxytest.Server) {
	return func(s *proxytest.Server) { s.Fault(pattern, f) }
}

// ---- the go command's verdict ----

func goVerdict(t *testing.T, tc xcase, env []string, modDir, path, version string) string {
	t.Helper()
	wait := tc.goWait
	if wait == 0 {
		wait = time.Minute
	}
	ctx := context.Background()
	run := func(dir string, args ...string) benchfixture.GoRun {
		if dir == "" {
			dir = t.TempDir() // outside any module
		}
		r := benchfixture.RunGo(ctx, env, dir, wait, args...)
		t.Logf("go %s: %v\n%s", strings.Join(args, " "), r.Err, strings.TrimSpace(r.Stderr))
		return r
	}

	r := run("", "list", "-m", "-json", path+"@"+version)
	switch {
	case r.Hung:
		return "proxy-unreachable"
	case r.Err != nil:
		v := classifyGoError(r.Stderr, tc.public)
		if v != "not-found" {
			return v
		}
		// Does the module exist at all? (go list -m -versions asks @v/list.)
		rv := run("", "list", "-m", "-versions", "-json", path)
		if rv.Err != nil && classifyGoError(rv.Stderr, tc.public) == "not-found" {
			return "unknown-module"
		}
		return "unknown-version"
	}

	var findings []string
	r = run("", "list", "-m", "-u", "-retracted", "-json", path+"@"+version)
	var m struct {
		Retracted  []string
		Deprecated string
		Update     *struct{ Version string }
		Error      *struct{ Err string }
	}
	if r.Err != nil || json.Unmarshal([]byte(r.Stdout), &m) != nil {
		return "go-error: " + firstLine(r.Stderr)
	}
	if m.Error != nil {
		findings = append(findings, "go-error: "+firstLine(m.Error.Err))
	}
	if len(m.Retracted) > 0 {
		findings = append(findings, "retracted-version ("+strings.Join(m.Retracted, "; ")+")")
	}
	if m.Deprecated != "" {
		findings = append(findings, "deprecated-module ("+m.Deprecated+")")
	}
	if m.Update != nil {
		findings = append(findings, "upgrade-available "+m.Update.Version)
	}

	r = run(modDir, "mod", "download", "-json")
	if r.Err != nil {
		if m := declaresRE.FindStringSubmatch(r.Stderr); m != nil {
			findings = append(findings, "module-path-mismatch "+m[1])
		} else {
			findings = append(findings, "go-error: "+firstLine(r.Stderr))
		}
	}
	return verdict(findings)
}

var (
	declaresRE     = regexp.MustCompile(`module declares its path as: (\S+)`)
	statusRE       = regexp.MustCompile(`: (\d{3}) [A-Z][A-Za-z ]+`)
	unreachableRE  = regexp.MustCompile(`connection reset|connection refused|dial tcp|no such host|i/o timeout|EOF`)
	badResponseRE  = regexp.MustCompile(`invalid response from proxy|proxy returned info for version`)
	credentialsRE  = regexp.MustCompile(`(?i)could not read username|terminal prompts disabled|authentication required`)
	suggestedVerRE = regexp.MustCompile(`^\S+ (\S+) is available`)
)

// classifyGoError maps the go command's error output to a verdict;
// "not-found" (404/410) is refined by the caller.
func classifyGoError(stderr string, public bool) string {
	status := ""
	if m := statusRE.FindStringSubmatch(stderr); m != nil {
		status = m[1]
	}
	switch {
	case status == "401":
		return "proxy-auth-required"
	case status == "403" || status == "400":
		// A refusal without a challenge: filtered mirrors (Artifactory,
		// Nexus) and "host not permitted".
		return "module-not-served"
	case strings.HasPrefix(status, "5"):
		return "proxy-error"
	case status == "404" || status == "410":
		// Through a public proxy, a 404/410 whose text says the origin
		// wanted credentials is a private repository fetched through the
		// public proxy: GOPRIVATE does not match it.
		if public && credentialsRE.MatchString(stderr) {
			return "private-module-not-configured"
		}
		return "not-found"
	case badResponseRE.MatchString(stderr):
		return "proxy-error"
	case unreachableRE.MatchString(stderr):
		return "proxy-unreachable"
	}
	return "go-error: " + firstLine(stderr)
}

// ---- gomodls' verdict ----

func ourVerdict(t *testing.T, tc xcase, srv *proxytest.Server, goproxy, dir string) string {
	t.Helper()
	env := analyzerstest.Env(t, map[string]string{"GOPROXY": goproxy, "GOSUMDB": "off", "GOFLAGS": ""})
	src := fixtureSource(t, env) // network_test.go: 1s request timeout, no retries, no caches on disk
	set := settings.Default()
	if tc.level != "" {
		set.Upgrades = tc.level
	}
	if tc.public {
		set.PublicProxies = []string{srv.URL}
	}
	contents, err := snapshot.ReadDir(nil, dir)
	if err != nil {
		t.Fatal(err)
	}
	snap := snapshot.Build(dir, contents, env, set, nil, src)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	diags, failures := checker.Run(ctx, snap, analyzers.All())
	for _, f := range failures {
		t.Errorf("analyzer failed: %v", f)
	}
	// When the lookup of the version itself fails, the go command stops
	// there (go list -m -u too): compare that failure only, not the hints
	// we can still give from the version list.
	failed := slices.ContainsFunc(diags, func(d analyzers.Diagnostic) bool { return lookupCodes[d.Code] })
	var findings []string
	for _, d := range diags {
		t.Logf("ours: %s", analyzerstest.Format(snap, d))
		if d.Code == analyzers.CodeUpgradeAvailable && strings.HasPrefix(d.Message, "a new major version is available") {
			continue // another module path (/vN): go list -m -u never reports it
		}
		if failed && d.Severity >= analyzers.Information {
			continue
		}
		if d.Code.Name == "sum-missing" || d.Code.Name == "sum-unverified" {
			// The cross-check's module has no go.sum and runs with
			// GOSUMDB=off, on both sides: go.sum is not what is compared
			// here (the sum analyzers have their own tests).
			continue
		}
		findings = append(findings, finding(d))
	}
	return verdict(findings)
}

// lookupCodes are the verdicts of a failed lookup of a module version.
var lookupCodes = map[*analyzers.Code]bool{
	analyzers.CodeUnknownVersion: true, analyzers.CodeUnknownModule: true, analyzers.CodeModuleNotServed: true,
	analyzers.CodeProxyAuthRequired: true, analyzers.CodeProxyUnreachable: true, analyzers.CodeProxyError: true,
	analyzers.CodePrivateModuleNotConfigured: true,
}

var (
	rationaleRE   = regexp.MustCompile(`retracted by the module author: (.*?)(?:; latest non-retracted version is \S+|; every version up to \S+ is retracted)?$`)
	deprecationRE = regexp.MustCompile(` is deprecated: (.*)$`)
	newPathRE     = regexp.MustCompile(`the (v\d+) series now has its own module path (\S+)`)
)

// finding states a diagnostic as the cross-check compares it.
func finding(d analyzers.Diagnostic) string {
	code := d.Code.Name
	switch d.Code {
	case analyzers.CodeRetractedVersion:
		if m := rationaleRE.FindStringSubmatch(d.Message); m != nil {
			return code + " (" + m[1] + ")"
		}
	case analyzers.CodeDeprecatedModule:
		if m := deprecationRE.FindStringSubmatch(d.Message); m != nil {
			return code + " (" + m[1] + ")"
		}
	case analyzers.CodeModulePathMismatch:
		if m := declaresRE.FindStringSubmatch(d.Message); m != nil {
			return code + " " + m[1]
		}
	case analyzers.CodeUpgradeAvailable:
		if m := suggestedVerRE.FindStringSubmatch(d.Message); m != nil {
			return code + " " + m[1]
		}
	case analyzers.CodeInvalidVersion:
		if m := newPathRE.FindStringSubmatch(d.Message); m != nil {
			return code + " (the " + m[1] + " series now has its own module path " + m[2] + ")"
		}
	}
	return code
}

func verdict(findings []string) string {
	if len(findings) == 0 {
		return "ok"
	}
	slices.Sort(findings)
	return strings.Join(slices.Compact(findings), "; ")
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}
