// Copyright 2026 The gomodls Authors.

// Command vulncrosscheck compares gomodls' vulnerability findings with
// govulncheck's on real modules, using the same vulnerability database and
// the same local Go release. It is a development tool: it needs the network
// (the module proxy) to download the modules and their dependencies, which
// `govulncheck -scan module` loads, so CI does not run it.
//
//	go run ./internal/cmd/vulndbgen -tree /tmp/vulndb
//	go install golang.org/x/vuln/cmd/govulncheck@v1.10.0
//	go run ./internal/cmd/vulncrosscheck -db file:///tmp/vulndb [module@version ...]
//
// For each module (default: three of testdata/realworld) it downloads the
// module's source, then compares, as (module, report) pairs:
//
//   - gomodls (the vulns analyzer on the module's go.mod) with
//     `govulncheck -scan module`, which checks only the modules that
//     provide packages the module's root package imports (its SBOM): the
//     two must agree on those modules; gomodls' findings in the others are
//     listed as outside govulncheck's scope;
//   - gomodls with `govulncheck -mode query` on every required version
//     (after replacements), which must agree everywhere;
//   - the standard library of the local Go release: gomodls' vulnerable-
//     toolchain reports that name "stdlib" with govulncheck's stdlib findings
//     (govulncheck does not report the go command's own, "toolchain").
//
// Both sides run with GOTOOLCHAIN=local, so both judge the local release.
// It prints a Markdown table and every disagreement, and exits 1 if there
// is one.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/mod/modfile"

	"github.com/gomodls/gomodls/analyzers"
	"github.com/gomodls/gomodls/internal/checker"
	"github.com/gomodls/gomodls/internal/goenv"
	"github.com/gomodls/gomodls/internal/settings"
	"github.com/gomodls/gomodls/internal/snapshot"
	"github.com/gomodls/gomodls/internal/vulndb"
	"github.com/gomodls/gomodls/internal/vulndb/osv"
)

var defaultModules = []string{
	"github.com/caddyserver/caddy/v2@v2.8.4",
	"github.com/gohugoio/hugo@v0.136.5",
	"github.com/ethereum/go-ethereum@v1.14.11",
}

func main() {
	log.SetFlags(0)
	log.SetPrefix("vulncrosscheck: ")
	db := flag.String("db", "", "the vulnerability database `URL` both sides read (file:// from vulndbgen -tree, or https://vuln.go.dev)")
	gvc := flag.String("govulncheck", "", "the govulncheck `binary` (default: from PATH or GOBIN)")
	work := flag.String("work", "", "work `directory` for the module sources (default: a temporary one, removed)")
	flag.Parse()
	if *db == "" {
		log.Fatal("-db is required (go run ./internal/cmd/vulndbgen -tree /tmp/vulndb, then -db file:///tmp/vulndb)")
	}
	bin := *gvc
	if bin == "" {
		var err error
		if bin, err = exec.LookPath("govulncheck"); err != nil {
			log.Fatal("no govulncheck: go install golang.org/x/vuln/cmd/govulncheck@latest, or -govulncheck")
		}
	}
	dir := *work
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "vulncrosscheck-"); err != nil {
			log.Fatal(err)
		}
		defer os.RemoveAll(dir)
	}
	mods := flag.Args()
	if len(mods) == 0 {
		mods = defaultModules
	}
	ctx := context.Background()
	var rows []row
	bad := 0
	for _, m := range mods {
		r, err := compare(ctx, bin, *db, dir, m)
		if err != nil {
			log.Fatalf("%s: %v", m, err)
		}
		rows = append(rows, r)
		bad += len(r.problems)
	}
	printTable(os.Stdout, rows)
	if bad > 0 {
		os.Exit(1)
	}
}

// A pair is one finding: a module (or "stdlib") and a report.
type pair struct{ module, id string }

type set map[pair]bool

func (s set) add(module, id string) { s[pair{module, id}] = true }

func (s set) modules() int {
	m := map[string]bool{}
	for p := range s {
		m[p.module] = true
	}
	return len(m)
}

// row is the comparison for one module.
type row struct {
	module                 string
	requires               int
	gomodls, gomodlsStd    set
	toolchainOnly          int
	sbom                   map[string]string // module -> version scanned by govulncheck -scan module
	scan, scanStd          set
	query                  set
	queryOSV               map[string]*osv.Entry // the reports query mode returned, by ID
	notes                  []string              // query-mode differences, with the report's ranges
	goVersion              string
	outsideScope           set
	problems               []string
	gomodlsTime, scanTime  time.Duration
	queryTime, gomodlsLoad time.Duration
}

func compare(ctx context.Context, bin, db, work, modVersion string) (row, error) {
	r := row{module: modVersion}
	src, err := fetchSource(ctx, work, modVersion)
	if err != nil {
		return r, err
	}
	data, err := os.ReadFile(filepath.Join(src, "go.mod"))
	if err != nil {
		return r, err
	}
	mf, err := modfile.Parse("go.mod", data, nil)
	if err != nil {
		return r, err
	}
	reqs := effectiveRequires(mf)
	r.requires = len(reqs)

	start := time.Now()
	if err := gomodlsFindings(ctx, &r, src, data, db); err != nil {
		return r, fmt.Errorf("gomodls: %w", err)
	}
	r.gomodlsTime = time.Since(start)

	start = time.Now()
	if err := scanFindings(ctx, &r, bin, src, db); err != nil {
		return r, fmt.Errorf("govulncheck -scan module: %w", err)
	}
	r.scanTime = time.Since(start)

	start = time.Now()
	if r.query, r.queryOSV, err = queryFindings(ctx, bin, src, db, reqs); err != nil {
		return r, fmt.Errorf("govulncheck -mode query: %w", err)
	}
	r.queryTime = time.Since(start)

	// -scan module: agreement on the modules it scanned.
	r.outsideScope = set{}
	for p := range r.gomodls {
		if _, scanned := r.sbom[p.module]; !scanned {
			r.outsideScope[p] = true
			continue
		}
		if !r.scan[p] {
			r.problems = append(r.problems, fmt.Sprintf("%s: gomodls reports %s in %s@%s, govulncheck -scan module does not", modVersion, p.id, p.module, r.sbom[p.module]))
		}
	}
	for p := range r.scan {
		if !r.gomodls[p] {
			r.problems = append(r.problems, fmt.Sprintf("%s: govulncheck -scan module reports %s in %s@%s, gomodls does not", modVersion, p.id, p.module, r.sbom[p.module]))
		}
	}
	// Query mode: every require. Its answers are listed with the report's
	// ranges, since govulncheck's query mode returns every report whose
	// latest fix is above the version once one of them applies (not only
	// those whose ranges hold the version).
	versionOf := map[string]string{}
	for _, mv := range reqs {
		p, v, _ := strings.Cut(mv, "@")
		versionOf[p] = v
	}
	for p := range r.gomodls {
		if !r.query[p] {
			r.problems = append(r.problems, fmt.Sprintf("%s: gomodls reports %s in %s@%s, govulncheck -mode query does not", modVersion, p.id, p.module, versionOf[p.module]))
		}
	}
	for p := range r.query {
		if !r.gomodls[p] {
			withdrawn := ""
			if e := r.queryOSV[p.id]; e != nil && e.Withdrawn != nil {
				withdrawn = ", withdrawn on " + e.Withdrawn.UTC().Format("2006-01-02")
			}
			r.notes = append(r.notes, fmt.Sprintf("%s: govulncheck -mode query returns %s for %s@%s, whose ranges for it are %s%s; gomodls does not report it", modVersion, p.id, p.module, versionOf[p.module], describeRanges(r.queryOSV[p.id], p.module), withdrawn))
		}
	}
	sort.Strings(r.notes)
	// The standard library.
	for p := range r.gomodlsStd {
		if !r.scanStd[p] {
			r.problems = append(r.problems, fmt.Sprintf("%s: gomodls reports %s in the standard library of %s, govulncheck does not", modVersion, p.id, r.goVersion))
		}
	}
	for p := range r.scanStd {
		if !r.gomodlsStd[p] {
			r.problems = append(r.problems, fmt.Sprintf("%s: govulncheck reports %s in the standard library of %s, gomodls does not", modVersion, p.id, r.goVersion))
		}
	}
	sort.Strings(r.problems)
	return r, nil
}

// fetchSource downloads module@version and copies it to a writable
// directory under work.
func fetchSource(ctx context.Context, work, modVersion string) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "mod", "download", "-json", modVersion).Output()
	if err != nil {
		return "", fmt.Errorf("go mod download %s: %v", modVersion, err)
	}
	var info struct{ Dir, Error string }
	if err := json.Unmarshal(out, &info); err != nil || info.Dir == "" {
		return "", fmt.Errorf("go mod download %s: %s", modVersion, info.Error)
	}
	dst := filepath.Join(work, strings.NewReplacer("/", "_", "@", "@").Replace(modVersion))
	if err := os.RemoveAll(dst); err != nil {
		return "", err
	}
	err = filepath.WalkDir(info.Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(info.Dir, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	return dst, err
}

// effectiveRequires lists the required versions after replacements by
// module versions (directory replacements have no version to look up).
func effectiveRequires(mf *modfile.File) []string {
	var out []string
	for _, r := range mf.Require {
		m := r.Mod
		for _, rep := range mf.Replace {
			if rep.Old.Path == m.Path && (rep.Old.Version == "" || rep.Old.Version == m.Version) {
				m = rep.New
			}
		}
		if m.Version != "" {
			out = append(out, m.Path+"@"+m.Version)
		}
	}
	return out
}

var (
	vulnRE = regexp.MustCompile(`^(\S+)@(\S+) has a known vulnerability: ([A-Z]+-\d{4}-\d+)`)
	idRE   = regexp.MustCompile(`GO-\d{4}-\d+`)
)

// gomodlsFindings runs the vulns analyzer on the module's go.mod, with
// GOTOOLCHAIN=local and the database db.
func gomodlsFindings(ctx context.Context, r *row, dir string, gomod []byte, db string) error {
	env, err := goenv.Load(ctx, goenv.Options{Dir: dir, LocalToolchain: true, Overrides: map[string]string{"GOTOOLCHAIN": "local", "GOVULNDB": db}})
	if err != nil {
		return err
	}
	r.goVersion = env.Get("GOVERSION")
	client, err := vulndb.New(vulndb.Options{URL: db})
	if err != nil {
		return err
	}
	start := time.Now()
	if _, err := client.Load(ctx); err != nil {
		return err
	}
	r.gomodlsLoad = time.Since(start)
	snap := snapshot.Build(dir, snapshot.Contents{snapshot.GoMod: gomod}, env, settings.Default(), nil, nil)
	snap.Vulns = client
	diags, failures := checker.Run(ctx, snap, []*analyzers.Analyzer{analyzers.Vulns})
	if len(failures) > 0 {
		return failures[0]
	}
	r.gomodls, r.gomodlsStd = set{}, set{}
	dbc, _ := client.Load(ctx)
	for _, d := range diags {
		switch d.Code {
		case analyzers.CodeVulnerableVersion:
			m := vulnRE.FindStringSubmatch(d.Message)
			if m == nil {
				return fmt.Errorf("unexpected message %q", d.Message)
			}
			r.gomodls.add(m[1], m[3])
		case analyzers.CodeVulnerableToolchain:
			// The message lists at most 10; ask the database for the
			// complete list, as the analyzer does.
			v := osv.GoToSemver(r.goVersion)
			std, err := dbc.Entries(ctx, osv.StdlibModule, v)
			if err != nil {
				return err
			}
			tc, err := dbc.Entries(ctx, osv.ToolchainModule, v)
			if err != nil {
				return err
			}
			for _, e := range osv.AffectingAny(append(std, tc...), v, dbc.Now(), osv.StdlibModule, osv.ToolchainModule) {
				if e.Affects(osv.StdlibModule, v) {
					r.gomodlsStd.add("stdlib", e.ID)
				} else {
					r.toolchainOnly++
				}
			}
			if ids := idRE.FindAllString(d.Message, -1); len(ids) > len(r.gomodlsStd)+r.toolchainOnly {
				return fmt.Errorf("the toolchain message names %d reports, the database %d", len(ids), len(r.gomodlsStd)+r.toolchainOnly)
			}
		case analyzers.CodeVulnDBUnavailable:
			return fmt.Errorf("%s", d.Message)
		}
	}
	return nil
}

// govulncheck's JSON stream, the parts used here.
type message struct {
	Config *struct {
		GoVersion string `json:"go_version"`
		DB        string `json:"db"`
	} `json:"config"`
	SBOM *struct {
		GoVersion string `json:"go_version"`
		Modules   []struct {
			Path, Version string
		} `json:"modules"`
	} `json:"SBOM"`
	Finding *struct {
		OSV   string `json:"osv"`
		Trace []struct {
			Module  string `json:"module"`
			Version string `json:"version"`
		} `json:"trace"`
	} `json:"finding"`
	OSV *osv.Entry `json:"osv"`
}

func runGovulncheck(ctx context.Context, bin, dir string, args ...string) ([]message, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local", "GOFLAGS=-mod=mod")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%v\n%s", err, stderr.String())
	}
	var out []message
	dec := json.NewDecoder(&stdout)
	for dec.More() {
		var m message
		if err := dec.Decode(&m); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

func scanFindings(ctx context.Context, r *row, bin, dir, db string) error {
	msgs, err := runGovulncheck(ctx, bin, dir, "-scan", "module", "-format", "json", "-db", db)
	if err != nil {
		return err
	}
	r.sbom = map[string]string{}
	r.scan, r.scanStd = set{}, set{}
	for _, m := range msgs {
		switch {
		case m.Config != nil:
			if m.Config.GoVersion != r.goVersion {
				return fmt.Errorf("govulncheck judges %s, gomodls %s", m.Config.GoVersion, r.goVersion)
			}
		case m.SBOM != nil:
			for _, mod := range m.SBOM.Modules {
				if mod.Version != "" {
					r.sbom[mod.Path] = mod.Version
				}
			}
		case m.Finding != nil && len(m.Finding.Trace) > 0:
			mod := m.Finding.Trace[0].Module
			if mod == osv.StdlibModule {
				r.scanStd.add(mod, m.Finding.OSV)
			} else {
				r.scan.add(mod, m.Finding.OSV)
			}
		}
	}
	return nil
}

// queryFindings asks govulncheck's query mode about each required version,
// a few at a time: one run per version, so that each report is tied to
// the module it was asked for.
func queryFindings(ctx context.Context, bin, dir, db string, reqs []string) (set, map[string]*osv.Entry, error) {
	out := set{}
	osvs := map[string]*osv.Entry{}
	var mu sync.Mutex
	sem := make(chan struct{}, 4)
	errs := make(chan error, len(reqs))
	var wg sync.WaitGroup
	for _, mv := range reqs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			msgs, err := runGovulncheck(ctx, bin, dir, "-mode", "query", "-format", "json", "-db", db, mv)
			if err != nil {
				errs <- fmt.Errorf("%s: %w", mv, err)
				return
			}
			path, _, _ := strings.Cut(mv, "@")
			mu.Lock()
			defer mu.Unlock()
			for _, m := range msgs {
				if m.OSV != nil {
					out.add(path, m.OSV.ID)
					osvs[m.OSV.ID] = m.OSV
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		return nil, nil, err
	}
	return out, osvs, nil
}

// describeRanges renders a report's ranges for a module: "[0, 1.2.3) [2.0.0, ∞)".
func describeRanges(e *osv.Entry, path string) string {
	if e == nil {
		return "unknown"
	}
	var parts []string
	for _, a := range e.Affected {
		if a.Package.Name != path {
			continue
		}
		for _, r := range a.Ranges {
			open := ""
			for _, ev := range r.Events {
				switch {
				case ev.Introduced != "":
					open = ev.Introduced
				case ev.Fixed != "":
					parts = append(parts, fmt.Sprintf("[%s, %s)", open, ev.Fixed))
					open = ""
				}
			}
			if open != "" {
				parts = append(parts, fmt.Sprintf("[%s, ∞)", open))
			}
		}
	}
	return strings.Join(parts, " ")
}

func printTable(w io.Writer, rows []row) {
	fmt.Fprintln(w, "| module (requires) | gomodls: module findings (modules) / stdlib + go command | govulncheck -scan module: modules scanned, findings (modules) / stdlib | agree on scanned modules | gomodls only, outside -scan module's scope | govulncheck -mode query on every require: returned, agree | time: gomodls (index load) / -scan module / query |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|")
	for _, r := range rows {
		agreeScan := 0
		for p := range r.scan {
			if r.gomodls[p] {
				agreeScan++
			}
		}
		agreeQuery := 0
		for p := range r.query {
			if r.gomodls[p] {
				agreeQuery++
			}
		}
		fmt.Fprintf(w, "| %s (%d) | %d (%d) / %d + %d | %d, %d (%d) / %d | %d of %d, stdlib %d of %d | %d (%d modules) | %d, %d agree | %v (%v) / %v / %v |\n",
			r.module, r.requires,
			len(r.gomodls), r.gomodls.modules(), len(r.gomodlsStd), r.toolchainOnly,
			len(r.sbom), len(r.scan), r.scan.modules(), len(r.scanStd),
			agreeScan, len(r.scan), countAgree(r.scanStd, r.gomodlsStd), len(r.scanStd),
			len(r.outsideScope), r.outsideScope.modules(),
			len(r.query), agreeQuery,
			r.gomodlsTime.Round(time.Millisecond), r.gomodlsLoad.Round(time.Millisecond), r.scanTime.Round(time.Second), r.queryTime.Round(time.Second))
	}
	fmt.Fprintf(w, "\nLocal Go release: %s (GOTOOLCHAIN=local on both sides).\n", rows[0].goVersion)
	for _, r := range rows {
		for _, p := range r.problems {
			fmt.Fprintln(w, "DISAGREEMENT:", p)
		}
		for _, n := range r.notes {
			fmt.Fprintln(w, "query mode:", n)
		}
	}
}

func countAgree(a, b set) int {
	n := 0
	for p := range a {
		if b[p] {
			n++
		}
	}
	return n
}
