// Command crosscheck measures gomodls against the go command on real
// go.mod files, through the proxy this machine is configured with: for each
// file, does gomodls report an error exactly where the go command fails, for
// the same reason? It is for developers: it needs the network (the user's
// GOPROXY and GOSUMDB), so neither the tests nor CI run it.
//
// Usage (from the repository root):
//
//	go run ./internal/cmd/crosscheck [flags] [MODULE@VERSION | go.mod path]...
//	go run ./internal/cmd/crosscheck -gomodls /work/main@main -list internal/cmd/crosscheck/projects.txt -list internal/cmd/crosscheck/realworld.txt -format json -o results.json
//	go run ./internal/cmd/crosscheck -render results.json -o results.md
//
// For MODULE@VERSION it fetches the module's go.mod (and the go.sum in its
// zip) with `go mod download -json`, honouring GOPROXY, GOSUMDB, GONOPROXY
// and credentials like the go command; a local file is read with the go.sum
// beside it. Each file is laid out in a temporary directory (keeping its
// module line; local directory replacements become stub modules declaring
// the replaced path, see benchfixture.GoMod.LayOut), once for each side,
// and each side gets fresh caches:
//
//   - gomodls: built from the checkout named by -gomodls (default: this
//     repository; DIR@REV builds a committed revision of it), `gomodls
//     check -format json .` with an empty GOMODCACHE
//     and an empty persistent cache (XDG_CACHE_HOME), the user's GOFLAGS
//     plus -mod=mod, as the go command's side;
//   - the go command: GOTOOLCHAIN=local, GOFLAGS plus -mod=mod, an empty
//     GOPATH and module cache: `go list -e -m -json all`, `go list -m all`
//     until every module-graph error is known, and `go list -e -m -json
//     path@version` outside the module for every version a line names (see
//     gocmd.go for what each tells and the cmd/go source it follows).
//
// Then per line: gomodls ERROR where the go command succeeds (or ignores
// the line: an exclude, a replace of a module outside the build list, the
// replaced version of a require) is a false error; a go failure with no
// gomodls error on its line is a miss; both failing with gomodls' code not
// naming the go command's cause is a wrong cause. Warnings, infos and hints
// are never errors; they are counted apart.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/gomodls/gomodls/internal/benchfixture"
)

type config struct {
	inputs  []Input
	gomodls string // checkout or binary
	format  string
	out     string
	jobs    int
	timeout time.Duration
	keep    bool
	verbose bool
	noSum   bool
	render  string
}

func main() {
	cfg, err := parseFlags(os.Args[1:])
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "crosscheck:", err)
		os.Exit(2)
	}
	ctx := context.Background()
	w := io.Writer(os.Stdout)
	if cfg.out != "" {
		f, err := os.Create(cfg.out)
		if err != nil {
			fmt.Fprintln(os.Stderr, "crosscheck:", err)
			os.Exit(2)
		}
		defer f.Close()
		w = f
	}
	var rep *Report
	if cfg.render != "" {
		rep, err = readReport(cfg.render)
	} else {
		rep, err = run(ctx, cfg)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "crosscheck:", err)
		os.Exit(1)
	}
	if cfg.format == "json" {
		err = WriteJSON(w, rep)
	} else {
		err = WriteMarkdown(w, rep)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "crosscheck:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string) (*config, error) {
	fs := flag.NewFlagSet("crosscheck", flag.ContinueOnError)
	cfg := &config{}
	var lists []string
	fs.Func("list", "`file` with one MODULE@VERSION (or go.mod path, relative to the file) per line; # comments (repeatable)", func(v string) error {
		lists = append(lists, v)
		return nil
	})
	fs.StringVar(&cfg.gomodls, "gomodls", "", "gomodls checkout to build ./cmd/gomodls from (its working tree), DIR@REV for a committed revision of it (git archive), or a gomodls binary (default: the repository this runs in)")
	fs.StringVar(&cfg.format, "format", "md", "output `format`: md or json")
	fs.StringVar(&cfg.out, "o", "", "write the report to `file` (default: standard output)")
	fs.IntVar(&cfg.jobs, "j", 2, "files checked in parallel")
	fs.DurationVar(&cfg.timeout, "timeout", 15*time.Minute, "limit for each file (each side's commands)")
	fs.BoolVar(&cfg.keep, "keep", false, "keep the temporary directories (printed with -v)")
	fs.BoolVar(&cfg.verbose, "v", false, "log every command to standard error")
	fs.BoolVar(&cfg.noSum, "nosum", false, "check go.mod alone, without the go.sum of the module zip")
	fs.StringVar(&cfg.render, "render", "", "check nothing: write the report of an earlier -format json run `file` (as -format says)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if cfg.format != "md" && cfg.format != "json" {
		return nil, fmt.Errorf("-format %q: want md or json", cfg.format)
	}
	if cfg.jobs < 1 {
		return nil, fmt.Errorf("-j %d: want at least 1", cfg.jobs)
	}
	for _, l := range lists {
		ins, err := ReadList(l)
		if err != nil {
			return nil, fmt.Errorf("-list %s: %v", l, err)
		}
		cfg.inputs = append(cfg.inputs, ins...)
	}
	cwd, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	for _, a := range fs.Args() {
		in, err := ParseArg(a, cwd)
		if err != nil {
			return nil, err
		}
		cfg.inputs = append(cfg.inputs, in)
	}
	if len(cfg.inputs) == 0 && cfg.render == "" {
		return nil, errors.New("nothing to check: give MODULE@VERSION arguments, go.mod paths or -list FILE")
	}
	return cfg, nil
}

func (cfg *config) logf(format string, args ...any) {
	if cfg.verbose {
		fmt.Fprintf(os.Stderr, "crosscheck: "+format+"\n", args...)
	}
}

// run checks every input and returns the report.
func run(ctx context.Context, cfg *config) (*Report, error) {
	start := time.Now()
	work, err := os.MkdirTemp("", "gomodls-crosscheck-")
	if err != nil {
		return nil, err
	}
	if cfg.keep {
		fmt.Fprintln(os.Stderr, "crosscheck: work directory", work)
	} else {
		defer removeAll(work)
	}
	bin, rev, err := gomodlsBinary(ctx, cfg, work)
	if err != nil {
		return nil, err
	}
	goBin, err := benchfixture.GoTool()
	if err != nil {
		return nil, err
	}
	goVersion, _ := exec.CommandContext(ctx, goBin, "env", "GOVERSION").Output()
	rep := &Report{
		Date:      start.UTC().Format("2006-01-02 15:04 UTC"),
		Gomodls:   rev,
		GoVersion: strings.TrimSpace(string(goVersion)),
		GOPROXY:   goEnvValue(ctx, goBin, "GOPROXY"),
		GOSUMDB:   goEnvValue(ctx, goBin, "GOSUMDB"),
		GOFLAGS:   goEnvValue(ctx, goBin, "GOFLAGS"),
		Jobs:      cfg.jobs,
		Files:     make([]*FileReport, len(cfg.inputs)),
	}
	// One module cache to fetch the inputs with (not either side's).
	fetch := &goRunner{env: goEnv(os.Environ(), filepath.Join(work, "fetch"), false), timeout: cfg.timeout, log: cfg.logf}
	empty := filepath.Join(work, "empty")
	if err := os.MkdirAll(empty, 0o755); err != nil {
		return nil, err
	}
	var wg sync.WaitGroup
	next := make(chan int)
	var fetchMu sync.Mutex // downloads share one module cache
	for range cfg.jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				in := cfg.inputs[i]
				dir := filepath.Join(work, fmt.Sprintf("%03d", i))
				fr := checkFile(ctx, cfg, in, dir, bin, fetch, &fetchMu, empty)
				rep.Files[i] = fr
				fmt.Fprintf(os.Stderr, "crosscheck: %s: %s\n", in.Arg, fr.Summary())
				if !cfg.keep {
					removeAll(dir)
				}
			}
		}()
	}
	for i := range cfg.inputs {
		next <- i
	}
	close(next)
	wg.Wait()
	rep.Wall = time.Since(start)
	return rep, nil
}

// checkFile runs both sides on one input and compares them.
func checkFile(ctx context.Context, cfg *config, in Input, dir, bin string, fetch *goRunner, fetchMu *sync.Mutex, empty string) *FileReport {
	start := time.Now()
	fr := &FileReport{Name: in.Name(), Input: in.Arg}
	defer func() { fr.Wall = time.Since(start) }()
	ctx, cancel := context.WithTimeout(ctx, cfg.timeout)
	defer cancel()
	logf := func(format string, args ...any) { cfg.logf(in.Arg+": "+format, args...) }

	fetchMu.Lock()
	gomod, gosum, note, err := Load(ctx, fetch, in, empty)
	fetchMu.Unlock()
	if err != nil {
		fr.Error = err.Error()
		return fr
	}
	if note != "" {
		fr.Notes = append(fr.Notes, note)
	}
	if cfg.noSum {
		gosum = nil
	}
	fr.HasSum = gosum != nil
	f, perr := parseGoMod(fr.Name, gomod)
	if f != nil && f.Module != nil {
		fr.Module = f.Module.Mod.Path
	}
	if perr != nil {
		fr.Notes = append(fr.Notes, "go.mod does not parse strictly: "+perr.Error())
	}
	logf("%d bytes of go.mod, %d of go.sum", len(gomod), len(gosum))

	// gomodls.
	srcDir := ""
	if in.File != "" {
		srcDir = filepath.Dir(in.File)
	}
	usDir, err := layOut(fr.Name, gomod, gosum, filepath.Join(dir, "gomodls", "repo"), srcDir)
	if err != nil {
		fr.Error = "laying out: " + err.Error()
		return fr
	}
	us, err := runGomodls(ctx, bin, usDir, filepath.Join(dir, "gomodls"), cfg.timeout)
	if err != nil {
		fr.Error = err.Error()
		return fr
	}
	fr.GomodlsWall = us.wall
	fr.GomodlsExit = us.exit
	fr.Notes = append(fr.Notes, us.notes...)
	logf("gomodls: %d findings in %v (exit %d)", len(us.findings), us.wall.Round(time.Millisecond), us.exit)

	// The go command.
	goDir, err := layOut(fr.Name, gomod, gosum, filepath.Join(dir, "go", "repo"), srcDir)
	if err != nil {
		fr.Error = "laying out: " + err.Error()
		return fr
	}
	probeDir := filepath.Join(dir, "go", "probe")
	if err := os.MkdirAll(probeDir, 0o755); err != nil {
		fr.Error = err.Error()
		return fr
	}
	gr := &goRunner{env: goEnv(os.Environ(), filepath.Join(dir, "go", "gopath"), true), timeout: cfg.timeout, log: logf}
	probeRunner := &goRunner{env: goEnv(os.Environ(), filepath.Join(dir, "go", "gopath"), false), timeout: cfg.timeout, log: logf}
	var sums []Line
	if gosum != nil {
		sums = SumLines(gosum)
	}
	doubted := doubtedSums(sums, us.findings)
	g, err := runGoSide(ctx, gr, probeRunner, goDir, probeDir, f, doubted)
	if err != nil {
		fr.Error = err.Error()
		return fr
	}
	fr.GoWall = gr.wall + probeRunner.wall
	if g.Fatal != "" {
		fr.Notes = append(fr.Notes, "the go command could not load the module: "+g.Fatal)
	}
	fr.Comparison = Compare(f, sums, us.findings, g)
	return fr
}

func readReport(file string) (*Report, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	rep := new(Report)
	if err := json.Unmarshal(data, rep); err != nil {
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	return rep, nil
}

func goEnvValue(ctx context.Context, goBin, name string) string {
	out, _ := exec.CommandContext(ctx, goBin, "env", name).Output()
	return strings.TrimSpace(string(out))
}

func fileExists(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}

// removeAll removes a tree, module cache files (read-only) included.
func removeAll(dir string) {
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			os.Chmod(p, 0o755)
		}
		return nil
	})
	os.RemoveAll(dir)
}
