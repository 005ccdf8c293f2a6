// Command bench measures gomodls against the go command, in one process
// and one run, on real-world go.mod files, against the same local fixture
// proxy (internal/proxytest) serving exactly the module versions each file
// needs (plus a newer patch release of every other module, so that there
// are upgrades to find), with a fixed latency on every request.
//
// Usage (from the repository root):
//
//	go run ./internal/cmd/bench             # 3 files, 3 runs each (a few minutes)
//	go run ./internal/cmd/bench -quick      # one small file, one run (under a minute)
//	go run ./internal/cmd/bench -latency 20ms -runs 5 -files k8s.io_kubernetes@v1.31.0.mod,github.com_hashicorp_vault@v1.18.0.mod
//
// It prints a markdown table, ready for the README, with the machine and
// the date. What is compared, each side in a new process with an empty
// module cache (and, for gomodls, an empty persistent cache) unless "warm":
//
//   - cold check: `gomodls check` (every analyzer, network ones included)
//     vs `go list -e -m -json <every require>`;
//   - warm check: `gomodls check` again, a new process over its persistent
//     cache (which repeats the cold check's findings, since nothing it read
//     has changed), and once more with -cache=false (every analyzer runs
//     over the caches), vs the same `go list` over its now-filled module
//     cache;
//   - upgrade discovery: the cold `gomodls check` (which reports
//     upgrade-available) vs `go list -m -u -json all` in the module, which
//     is what gopls' "check for upgrades" runs. The fixture's go.mod files
//     require nothing, so the module graph ("all") is the main module and
//     its requires: both sides look at the same modules, and the number of
//     upgrades each finds is printed (they must agree);
//   - keystroke to network diagnostics: the language server in this
//     process (lsp.Serve driven by lsp/lsptest), warm, debounce 0 and 10
//     ms: one edit of a require's version to one that does not exist, until
//     the unknown-version diagnostic for it is published;
//   - hover on require lines, p50 and p99, warm;
//   - peak RSS of the cold check processes (their own: VmHWM on Linux,
//     so the `go env` that gomodls runs is not counted).
//
// gomodls is built from ./cmd/gomodls first (or -gomodls names a binary).
package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/gomodls/gomodls/internal/benchfixture"
	"github.com/gomodls/gomodls/internal/proxytest"
)

type config struct {
	latency    time.Duration
	runs       int
	files      []string
	quick      bool
	verbose    bool
	gomodls    string
	keystrokes int
	hovers     int
	realworld  string
}

var defaultFiles = []string{
	"github.com_caddyserver_caddy_v2@v2.8.4.mod",
	"k8s.io_kubernetes@v1.31.0.mod",
	"github.com_hashicorp_vault@v1.18.0.mod",
}

const quickFile = "go.etcd.io_etcd_server_v3@v3.5.16.mod"

func main() {
	cfg, err := parseFlags(os.Args[1:])
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
	if err := run(context.Background(), cfg, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string) (*config, error) {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	cfg := &config{}
	fs.DurationVar(&cfg.latency, "latency", 50*time.Millisecond, "latency of every fixture proxy response")
	fs.IntVar(&cfg.runs, "runs", 3, "runs of each measurement (medians are reported)")
	files := fs.String("files", "", "comma-separated go.mod files (names in testdata/realworld, or paths); default: "+strings.Join(defaultFiles, ","))
	fs.BoolVar(&cfg.quick, "quick", false, "one small file, one run, fewer keystrokes and hovers: under a minute")
	fs.BoolVar(&cfg.verbose, "v", false, "log every step to stderr")
	fs.StringVar(&cfg.gomodls, "gomodls", "", "gomodls binary to measure (default: built from ./cmd/gomodls)")
	fs.IntVar(&cfg.keystrokes, "keystrokes", 20, "edits per debounce setting")
	fs.IntVar(&cfg.hovers, "hovers", 300, "hover requests")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if cfg.runs < 1 {
		return nil, fmt.Errorf("-runs %d: want at least 1", cfg.runs)
	}
	switch {
	case *files != "":
		cfg.files = strings.Split(*files, ",")
	case cfg.quick:
		cfg.files = []string{quickFile}
	default:
		cfg.files = defaultFiles
	}
	if cfg.quick {
		cfg.runs = 1
		cfg.keystrokes = min(cfg.keystrokes, 10)
		cfg.hovers = min(cfg.hovers, 100)
	}
	return cfg, nil
}

func (cfg *config) logf(format string, args ...any) {
	if cfg.verbose {
		fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
	}
}

func run(ctx context.Context, cfg *config, out io.Writer) error {
	rw, err := benchfixture.FindRealWorld(".")
	if err != nil {
		return fmt.Errorf("run from the gomodls repository: %w", err)
	}
	cfg.realworld = rw
	root := filepath.Dir(filepath.Dir(rw))
	work, err := os.MkdirTemp("", "gomodls-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	if cfg.gomodls == "" {
		cfg.gomodls = filepath.Join(work, "gomodls")
		if runtime.GOOS == "windows" {
			cfg.gomodls += ".exe"
		}
		goBin, err := benchfixture.GoTool()
		if err != nil {
			return err
		}
		cmd := exec.CommandContext(ctx, goBin, "build", "-o", cfg.gomodls, "./cmd/gomodls")
		cmd.Dir = root
		cmd.Stderr = os.Stderr
		cfg.logf("building gomodls")
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("building ./cmd/gomodls: %w", err)
		}
	}
	start := time.Now()
	var results []*fileResult
	for _, name := range cfg.files {
		file := name
		if !strings.ContainsRune(name, os.PathSeparator) && !strings.Contains(name, "/") {
			file = filepath.Join(rw, name)
		}
		g, err := benchfixture.Load(file)
		if err != nil {
			return err
		}
		cfg.logf("%s: %d requires", g.Name, len(g.File.Require))
		r, err := benchFile(ctx, cfg, g, work)
		if err != nil {
			return fmt.Errorf("%s: %w", g.Name, err)
		}
		results = append(results, r)
	}
	printTable(out, cfg, results, time.Since(start))
	return nil
}

// fileResult holds the measurements for one go.mod.
type fileResult struct {
	name, module  string
	requires      int
	served        int
	usCold        []time.Duration
	usWarm        []time.Duration
	usWarmFull    []time.Duration // -cache=false
	usRSS         []int64
	usRequests    []int
	usUpgrades    map[string]string
	goCold        []time.Duration
	goWarm        []time.Duration
	goRSS         []int64
	goRequests    []int
	goUpgrade     []time.Duration
	goUpgradeRSS  []int64
	goUpgradeReqs []int
	goUpgrades    map[string]string
	keystroke     map[string][]time.Duration // by debounce
	hover         []time.Duration
	notes         []string
}

func benchFile(ctx context.Context, cfg *config, g *benchfixture.GoMod, work string) (*fileResult, error) {
	// The fixture's vulnerability database (33 real reports; GOVULNDB in
	// GoEnv), so that gomodls check never asks vuln.go.dev.
	srv, err := proxytest.NewServer(proxytest.WithoutDefaultCorpus(), proxytest.WithLatency(cfg.latency), proxytest.WithVulnDB(proxytest.VulnTree()))
	if err != nil {
		return nil, err
	}
	defer srv.Close()
	n, err := benchfixture.AddTo(srv, g, benchfixture.Options{Newer: true})
	if err != nil {
		return nil, err
	}
	base, err := os.MkdirTemp(work, "file-")
	if err != nil {
		return nil, err
	}
	dir, err := g.LayOut(filepath.Join(base, "repo"))
	if err != nil {
		return nil, err
	}
	sum, err := benchfixture.GoSum(srv, g)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644); err != nil {
		return nil, err
	}
	// A repository checked out a while ago: gomodls check does not repeat
	// a check that read a file modified within seconds of it.
	if err := age(base, time.Minute); err != nil {
		return nil, err
	}
	res := &fileResult{name: g.Name, module: g.Path(), requires: len(g.File.Require), served: n, keystroke: map[string][]time.Duration{}}

	var reqArgs []string
	for _, m := range g.Requires() {
		reqArgs = append(reqArgs, m.Path+"@"+m.Version)
	}
	var lastCache string
	for i := range cfg.runs {
		// gomodls: cold, then warm in a new process over the same caches.
		cache, err := os.MkdirTemp(base, "cache-")
		if err != nil {
			return nil, err
		}
		env := gomodlsEnv(srv, cache)
		srv.Reset()
		cold, err := runCheck(ctx, cfg, env, dir)
		if err != nil {
			return nil, err
		}
		res.usRequests = append(res.usRequests, len(srv.Requests()))
		res.usCold = append(res.usCold, cold.wall)
		res.usRSS = append(res.usRSS, cold.rss)
		res.usUpgrades = cold.upgrades
		srv.Reset()
		warm, err := runCheck(ctx, cfg, env, dir)
		if err != nil {
			return nil, err
		}
		if k := len(srv.Requests()); k != 0 {
			res.notes = append(res.notes, fmt.Sprintf("warm gomodls check made %d requests", k))
		}
		res.usWarm = append(res.usWarm, warm.wall)
		// And again with the analyzers run over the caches instead of
		// the previous check's findings repeated.
		full, err := runCheck(ctx, cfg, env, dir, "-cache=false")
		if err != nil {
			return nil, err
		}
		if !maps.Equal(full.upgrades, warm.upgrades) || full.vulns != warm.vulns {
			res.notes = append(res.notes, "the repeated warm check's findings differ from a full check's")
		}
		res.usWarmFull = append(res.usWarmFull, full.wall)
		lastCache = cache
		cfg.logf("%s run %d: gomodls cold %v (%d requests), warm %v", g.Name, i+1, cold.wall, res.usRequests[i], warm.wall)

		// The go command: go list -e -m -json <requires>, cold then warm.
		goEnv := srv.GoEnv("GOSUMDB=off")
		empty, err := os.MkdirTemp(base, "nomod-")
		if err != nil {
			return nil, err
		}
		srv.Reset()
		r := benchfixture.RunGo(ctx, goEnv, empty, 30*time.Minute, append([]string{"list", "-e", "-m", "-json"}, reqArgs...)...)
		if r.Err != nil {
			return nil, fmt.Errorf("go list -e -m -json <requires>: %v\n%s", r.Err, r.Stderr)
		}
		if k := strings.Count(r.Stdout, `"Error"`); k > 0 {
			return nil, fmt.Errorf("go list -e -m -json <requires>: %d modules failed", k)
		}
		res.goRequests = append(res.goRequests, len(srv.Requests()))
		res.goCold = append(res.goCold, r.Wall)
		res.goRSS = append(res.goRSS, r.MaxRSS)
		srv.Reset()
		r = benchfixture.RunGo(ctx, goEnv, empty, 30*time.Minute, append([]string{"list", "-e", "-m", "-json"}, reqArgs...)...)
		if r.Err != nil {
			return nil, fmt.Errorf("go list (warm): %v\n%s", r.Err, r.Stderr)
		}
		res.goWarm = append(res.goWarm, r.Wall)
		cfg.logf("%s run %d: go list cold %v (%d requests), warm %v", g.Name, i+1, res.goCold[i], res.goRequests[i], r.Wall)

		// Upgrade discovery: go list -m -u -json all, in the module, cold.
		srv.Reset()
		r = benchfixture.RunGo(ctx, srv.GoEnv("GOSUMDB=off"), dir, 30*time.Minute, "list", "-m", "-u", "-json", "all")
		if r.Err != nil {
			return nil, fmt.Errorf("go list -m -u -json all: %v\n%s", r.Err, r.Stderr)
		}
		res.goUpgradeReqs = append(res.goUpgradeReqs, len(srv.Requests()))
		res.goUpgrade = append(res.goUpgrade, r.Wall)
		res.goUpgradeRSS = append(res.goUpgradeRSS, r.MaxRSS)
		res.goUpgrades, err = goUpdates(r.Stdout)
		if err != nil {
			return nil, err
		}
		cfg.logf("%s run %d: go list -m -u all %v (%d requests, %d updates)", g.Name, i+1, r.Wall, res.goUpgradeReqs[i], len(res.goUpgrades))
	}

	// The language server, in this process, warm (the persistent cache of
	// the last cold check).
	for _, debounce := range []string{"0ms", "10ms"} {
		samples, hovers, err := benchLSP(cfg, g, dir, gomodlsEnv(srv, lastCache), lastCache, debounce, debounce == "0ms")
		if err != nil {
			return nil, err
		}
		res.keystroke[debounce] = samples
		if hovers != nil {
			res.hover = hovers
		}
	}
	return res, nil
}

// gomodlsEnv is the environment of a gomodls process: the go command's
// fixture environment (GOPROXY, a fresh GOMODCACHE, ...) and a fresh
// persistent cache under cache (os.UserCacheDir).
// age sets the modification times of everything below root to d ago.
func age(root string, d time.Duration) error {
	t := time.Now().Add(-d)
	return filepath.WalkDir(root, func(p string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Chtimes(p, t, t)
	})
}

func gomodlsEnv(srv *proxytest.Server, cache string) []string {
	return srv.GoEnv("GOSUMDB=off", "XDG_CACHE_HOME="+cache, "HOME="+cache, "LocalAppData="+cache)
}

type checkResult struct {
	wall     time.Duration
	rss      int64
	upgrades map[string]string // path -> version
	vulns    int               // vulnerable-version and vulnerable-toolchain findings
}

var upgradeRE = regexp.MustCompile(`^(\S+) (\S+) is available`)

// runCheck runs `gomodls check -format json` in dir.
func runCheck(ctx context.Context, cfg *config, env []string, dir string, flags ...string) (*checkResult, error) {
	args := append(append([]string{"check", "-format", "json", "-timeout", "10m"}, flags...), ".")
	cmd := exec.CommandContext(ctx, cfg.gomodls, args...)
	cmd.Env = env
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	m, err := benchfixture.Run(cmd)
	var ee *exec.ExitError
	if err != nil && !(errors.As(err, &ee) && ee.ExitCode() == 1) {
		return nil, fmt.Errorf("gomodls check: %v\n%s", err, stderr.String())
	}
	var rep struct {
		Diagnostics []struct {
			Severity, Code, Message string
		}
		Failures []string
	}
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		return nil, fmt.Errorf("gomodls check output: %v", err)
	}
	if len(rep.Failures) > 0 {
		return nil, fmt.Errorf("gomodls check: analyzers failed: %s", strings.Join(rep.Failures, "; "))
	}
	res := &checkResult{wall: m.Wall, rss: m.PeakRSS, upgrades: map[string]string{}}
	for _, d := range rep.Diagnostics {
		if d.Code == "vulnerable-toolchain" || d.Code == "vulnerable-version" {
			// Real findings: the fixture's database has real reports, on
			// these files' versions and on recent Go releases. The check
			// does the work of finding them; they are not false alarms.
			res.vulns++
			continue
		}
		if d.Severity == "error" || d.Severity == "warning" {
			return nil, fmt.Errorf("gomodls check reports a problem in a correct file: %s [%s]", d.Message, d.Code)
		}
		if d.Code == "upgrade-available" {
			if m := upgradeRE.FindStringSubmatch(d.Message); m != nil {
				res.upgrades[m[1]] = m[2]
			}
		}
	}
	return res, nil
}

// goUpdates returns the Update versions in `go list -m -u -json` output.
func goUpdates(out string) (map[string]string, error) {
	ups := map[string]string{}
	dec := json.NewDecoder(strings.NewReader(out))
	for dec.More() {
		var m struct {
			Path   string
			Update *struct{ Version string }
			Error  *struct{ Err string }
		}
		if err := dec.Decode(&m); err != nil {
			return nil, fmt.Errorf("go list -m -u output: %v", err)
		}
		if m.Error != nil {
			return nil, fmt.Errorf("go list -m -u: %s: %s", m.Path, m.Error.Err)
		}
		if m.Update != nil {
			ups[m.Path] = m.Update.Version
		}
	}
	return ups, nil
}

// ---- the table ----

func median[T cmp.Ordered](xs []T) T {
	var zero T
	if len(xs) == 0 {
		return zero
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

func percentile(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)]
}

func maxInt64(xs []int64) int64 {
	var m int64
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}

func fmtDur(d time.Duration) string {
	switch {
	case d >= 10*time.Second:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d >= time.Second:
		return fmt.Sprintf("%.2f s", d.Seconds())
	case d >= 10*time.Millisecond:
		return fmt.Sprintf("%.0f ms", float64(d)/1e6)
	default:
		return fmt.Sprintf("%.1f ms", float64(d)/1e6)
	}
}

func ratio(goD, usD time.Duration) string {
	if usD <= 0 {
		return ""
	}
	return fmt.Sprintf("%.1f×", float64(goD)/float64(usD))
}

func mb(b int64) string {
	if b == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.0f MB", float64(b)/(1<<20))
}

func printTable(w io.Writer, cfg *config, results []*fileResult, took time.Duration) {
	fmt.Fprintf(w, "## gomodls vs the go command\n\n")
	fmt.Fprintf(w, "%s, %s; %s; fixture proxy on loopback with %v latency per request; median of %d run(s); `go run ./internal/cmd/bench%s` (took %s).\n\n",
		time.Now().Format("2006-01-02"), machine(), runtime.Version(), cfg.latency, cfg.runs, flagsUsed(cfg), took.Round(time.Second))
	fmt.Fprintf(w, "| go.mod | measurement | gomodls | go command | go / gomodls |\n|---|---|---|---|---|\n")
	for _, r := range results {
		label := fmt.Sprintf("%s (%d requires)", r.module, r.requires)
		row := func(what, us, goS, rat string) {
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", label, what, us, goS, rat)
			label = ""
		}
		row("cold check vs `go list -e -m -json <requires>`",
			fmt.Sprintf("%s (%d requests)", fmtDur(median(r.usCold)), median(r.usRequests)),
			fmt.Sprintf("%s (%d requests)", fmtDur(median(r.goCold)), median(r.goRequests)),
			ratio(median(r.goCold), median(r.usCold)))
		row("warm check (new process; persistent cache / module cache): findings repeated, nothing read changed",
			fmtDur(median(r.usWarm)), fmtDur(median(r.goWarm)), ratio(median(r.goWarm), median(r.usWarm)))
		row("warm check with `-cache=false` (every analyzer runs over the caches)",
			fmtDur(median(r.usWarmFull)), fmtDur(median(r.goWarm)), ratio(median(r.goWarm), median(r.usWarmFull)))
		agree := "agree"
		if !maps.Equal(r.usUpgrades, r.goUpgrades) {
			agree = "DISAGREE: " + diffUpgrades(r.usUpgrades, r.goUpgrades)
		}
		row("upgrade discovery (cold check) vs `go list -m -u -json all`",
			fmt.Sprintf("%s (%d upgrades)", fmtDur(median(r.usCold)), len(r.usUpgrades)),
			fmt.Sprintf("%s (%d upgrades, %d requests)", fmtDur(median(r.goUpgrade)), len(r.goUpgrades), median(r.goUpgradeReqs)),
			ratio(median(r.goUpgrade), median(r.usCold))+" ("+agree+")")
		row("peak RSS (cold check / go list -e -m / go list -m -u all)", mb(maxInt64(r.usRSS)), mb(maxInt64(r.goRSS))+" / "+mb(maxInt64(r.goUpgradeRSS)), "")
		row("keystroke → network diagnostics, debounce 0 / 10 ms (median)",
			fmtDur(median(r.keystroke["0ms"]))+" / "+fmtDur(median(r.keystroke["10ms"])), "n/a", "")
		row("hover on a require, p50 / p99",
			fmtDur(percentile(r.hover, 50))+" / "+fmtDur(percentile(r.hover, 99)), "n/a", "")
		for _, n := range r.notes {
			row("note", n, "", "")
		}
	}
	fmt.Fprintf(w, "\nEach side runs in a new process with an empty module cache (gomodls: and an empty persistent cache) for \"cold\"; "+
		"\"warm\" reruns over the caches the cold run filled (gomodls: repeating the cold check's findings after checking that nothing it read changed; with -cache=false, running every analyzer again). gomodls runs every analyzer (existence, path, retractions, deprecations, "+
		"pseudo-versions, upgrades) in its check. The fixture serves each file's exact versions plus a newer patch release of every other module; "+
		"its go.mod files require nothing, so `all` is the file's requires. GOSUMDB=off on both sides (checksum verification has its own benchmark, "+
		"BenchmarkSumVerify). Keystroke and hover are measured in-process through lsp/lsptest, warm. Peak RSS is each process's own (VmHWM on Linux).\n")
}

func flagsUsed(cfg *config) string {
	if cfg.quick {
		return " -quick"
	}
	return ""
}

func diffUpgrades(us, goUps map[string]string) string {
	var d []string
	for k, v := range us {
		if goUps[k] != v {
			d = append(d, fmt.Sprintf("%s: gomodls %s, go %q", k, v, goUps[k]))
		}
	}
	for k, v := range goUps {
		if _, ok := us[k]; !ok {
			d = append(d, fmt.Sprintf("%s: go %s, gomodls none", k, v))
		}
	}
	slices.Sort(d)
	if len(d) > 3 {
		d = append(d[:3], fmt.Sprintf("and %d more", len(d)-3))
	}
	return strings.Join(d, "; ")
}

// machine describes the CPU and core count.
func machine() string {
	cpu := runtime.GOARCH
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
	} else if out, err := exec.Command("sysctl", "-n", "machdep.cpu.brand_string").Output(); err == nil {
		cpu = strings.TrimSpace(string(out))
	}
	return fmt.Sprintf("%s, %d cores, %s/%s", cpu, runtime.NumCPU(), runtime.GOOS, runtime.GOARCH)
}
