package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"

	"github.com/gomodls/gomodls/internal/benchfixture"
)

// The go command's side. What it checks, and how (cmd/go/internal/modload,
// Go 1.26):
//
//   - `go list -e -m -json all` in the module (GOFLAGS=-mod=mod, so that
//     missing go.sum lines are looked up, as `go mod tidy` would) loads the
//     module graph (buildlist.go readModGraph: the go.mod of every root
//     requirement, after replace, and transitively those of unpruned
//     modules) and then, for every module of the build list, its .info
//     (build.go moduleInfo → completeFromModCache → Query). A module whose
//     .info fails gets an Error field. With -e, the error that failed the
//     module graph (a go.mod that cannot be fetched, declares another path,
//     needs a newer Go, fails go.sum verification) is dropped
//     (list.go listModules returns it as mgErr; -e ignores it).
//   - so `go list -m all` without -e is run too: it prints every module's
//     Error and then the graph's error, as an mvs.BuildListError ("A@v
//     requires\n\tB@v: err", or "M@V (replaced by R@RV): err"). It names
//     only the first failing module (buildlist.go findError), so each
//     failing module is replaced by a stub directory and the command rerun
//     until the graph loads: every failure, not only the first.
//   - `go list -e -m -json path@version` outside any module, for every
//     version a line names (require, replace old and new, exclude): does it
//     exist on the GOPROXY chain? Inside the main module the go command
//     would answer from the replacements (query.go replacementRepo: a
//     replaced version "exists" whatever the proxy says), so the probe runs
//     outside it, with the same environment and module cache.
//   - `go mod download -json M@V` in the module for each go.sum line that
//     gomodls flags: it verifies the downloaded .mod and .zip against go.sum
//     and the checksum database.

// goEnv is the go command's environment for one side: the user's, with a
// fresh GOPATH and module cache, -mod=mod added to GOFLAGS, GOTOOLCHAIN=local
// and no workspace.
func goEnv(base []string, gopath string, modMod bool) []string {
	env := setEnv(base, "GOPATH", gopath)
	env = setEnv(env, "GOMODCACHE", filepath.Join(gopath, "pkg", "mod"))
	flags := strings.TrimSpace(getEnv(base, "GOFLAGS") + " -modcacherw")
	if modMod {
		flags += " -mod=mod"
	}
	env = setEnv(env, "GOFLAGS", flags)
	env = setEnv(env, "GOTOOLCHAIN", "local")
	env = setEnv(env, "GOWORK", "off")
	return env
}

func setEnv(env []string, k, v string) []string {
	out := make([]string, 0, len(env)+1)
	for _, kv := range env {
		if !strings.HasPrefix(kv, k+"=") {
			out = append(out, kv)
		}
	}
	return append(out, k+"="+v)
}

func getEnv(env []string, k string) string {
	for i := len(env) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(env[i], k+"="); ok {
			return v
		}
	}
	return ""
}

// goRun runs the go command and logs it.
type goRunner struct {
	env     []string
	timeout time.Duration
	log     func(format string, args ...any)
	wall    time.Duration
}

func (r *goRunner) run(ctx context.Context, dir string, args ...string) benchfixture.GoRun {
	start := time.Now()
	res := benchfixture.RunGo(ctx, r.env, dir, r.timeout, args...)
	r.wall += time.Since(start)
	r.log("go %s: %v, exit %v", strings.Join(shortArgs(args), " "), time.Since(start).Round(time.Millisecond), res.Err)
	return res
}

func shortArgs(args []string) []string {
	if len(args) > 6 {
		return append(args[:5:5], fmt.Sprintf("... (%d more)", len(args)-5))
	}
	return args
}

// decodeModules decodes a stream of `go list -m -json` objects.
func decodeModules(r io.Reader) ([]GoModule, error) {
	var out []GoModule
	dec := json.NewDecoder(r)
	for {
		var m GoModule
		if err := dec.Decode(&m); err == io.EOF {
			return out, nil
		} else if err != nil {
			return out, err
		}
		out = append(out, m)
	}
}

// runGoSide runs the go command on the module in dir (a copy it may
// modify) and returns its verdicts. probeDir is an empty directory outside
// any module, where probeRunner (the same caches, no -mod flag) runs.
func runGoSide(ctx context.Context, r, probeRunner *goRunner, dir, probeDir string, f *modfile.File, sumLines []module.Version) (*GoResult, error) {
	res := &GoResult{Probes: map[module.Version]Probe{}, SumsOK: map[module.Version]bool{}}
	orig, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return nil, err
	}
	origSum, _ := os.ReadFile(filepath.Join(dir, "go.sum"))

	// 1. The build list, with each module's .info error.
	out := r.run(ctx, dir, "list", "-e", "-m", "-json", "all")
	if out.Hung {
		return nil, fmt.Errorf("go list -e -m -json all: timed out after %v", r.timeout)
	}
	res.BuildList, err = decodeModules(strings.NewReader(out.Stdout))
	if err != nil || len(res.BuildList) == 0 {
		res.Fatal = strings.TrimSpace(out.Stderr)
		if res.Fatal == "" && err != nil {
			res.Fatal = err.Error()
		}
		res.Failures = append(res.Failures, mainModuleFailures(res.Fatal)...)
	}
	infoErrs := map[string]bool{} // the Error fields, as the run without -e prints them again
	for _, m := range res.BuildList {
		if e := m.Err(); e != "" {
			mv := module.Version{Path: m.Path, Version: m.Version}
			fl := GoFailure{Stack: []module.Version{mv}, Msg: e, Source: "list -m all"}
			if m.Replace != nil && m.Replace.Error != nil {
				rv := module.Version{Path: m.Replace.Path, Version: m.Replace.Version}
				fl.Replacement = &rv
			}
			res.Failures = append(res.Failures, fl)
			infoErrs[normalize(e)] = true
		}
	}

	// 2. The module graph's errors, one by one: the run without -e prints
	// the Error fields again, then the graph's error (last), which names
	// one failing module; replace that one by a stub and run again.
	if res.Fatal == "" && f != nil {
		stubbed := map[module.Version]bool{}
		for iter := 0; iter < 30; iter++ {
			if err := writeStubbed(dir, orig, origSum, stubbed); err != nil {
				return nil, err
			}
			out := r.run(ctx, dir, "list", "-m", "all")
			if out.Hung {
				return nil, fmt.Errorf("go list -m all: timed out after %v", r.timeout)
			}
			if out.Err == nil {
				break
			}
			fs := ParseGoErrors(out.Stderr)
			progress := false
			for i, fl := range fs {
				m := fl.Failing()
				known := infoErrs[normalize(fl.Msg)]
				if !known && !stubbed[m] {
					fl.Source = "module graph"
					res.Failures = append(res.Failures, fl)
				}
				if (!known || i == len(fs)-1) && m.Path != "" && !stubbed[m] {
					stubbed[m] = true
					progress = true
				}
			}
			if !progress {
				if len(fs) == 0 || fs[len(fs)-1].Failing().Path == "" {
					res.Failures = append(res.Failures, GoFailure{Msg: strings.TrimSpace(out.Stderr), Source: "module graph"})
				}
				break
			}
		}
		// Leave the original files for the next steps.
		if err := writeStubbed(dir, orig, origSum, nil); err != nil {
			return nil, err
		}
		// Who requires the failing modules no line names?
		if len(res.Failures) > 0 {
			out := r.run(ctx, dir, "mod", "graph")
			res.Graph = parseModGraph(out.Stdout)
		}
	}

	// 3. Does every version a line names exist at all?
	var probe []string
	seen := map[module.Version]bool{}
	addProbe := func(m module.Version) {
		if m.Version == "" || seen[m] || modfile.IsDirectoryPath(m.Path) {
			return
		}
		seen[m] = true
		probe = append(probe, m.Path+"@"+m.Version)
	}
	if f != nil {
		for _, x := range f.Require {
			addProbe(x.Mod)
		}
		for _, x := range f.Replace {
			addProbe(x.Old)
			addProbe(x.New)
		}
		for _, x := range f.Exclude {
			addProbe(x.Mod)
		}
	}
	for len(probe) > 0 {
		batch := probe[:min(len(probe), 200)]
		probe = probe[len(batch):]
		out := probeRunner.run(ctx, probeDir, append([]string{"list", "-e", "-m", "-json"}, batch...)...)
		mods, _ := decodeModules(strings.NewReader(out.Stdout))
		for _, m := range mods {
			mv := module.Version{Path: m.Path, Version: m.Version}
			if m.Error != nil {
				res.Probes[mv] = Probe{Err: m.Error.Err}
			} else {
				res.Probes[mv] = Probe{OK: true}
			}
		}
		if len(mods) == 0 && out.Err != nil {
			for _, a := range batch {
				p, v, _ := strings.Cut(a, "@")
				res.Probes[module.Version{Path: p, Version: v}] = Probe{Err: strings.TrimSpace(out.Stderr)}
			}
		}
	}

	// 4. go.sum lines gomodls doubts: does go mod download verify them?
	if len(sumLines) > 0 && res.Fatal == "" {
		var args []string
		for _, m := range sumLines {
			args = append(args, m.Path+"@"+m.Version)
		}
		out := r.run(ctx, dir, append([]string{"mod", "download", "-json"}, args...)...)
		var got []struct {
			Path, Version, Error string
		}
		dec := json.NewDecoder(strings.NewReader(out.Stdout))
		for {
			var m struct{ Path, Version, Error string }
			if dec.Decode(&m) != nil {
				break
			}
			got = append(got, m)
		}
		for _, m := range got {
			mv := module.Version{Path: m.Path, Version: m.Version}
			if m.Error == "" {
				res.SumsOK[mv] = true
				continue
			}
			res.Failures = append(res.Failures, GoFailure{Stack: []module.Version{mv}, Msg: m.Error, Source: "download"})
		}
		if len(got) == 0 && out.Err != nil {
			res.Failures = append(res.Failures, GoFailure{Msg: strings.TrimSpace(out.Stderr), Source: "download"})
		}
	}
	return res, nil
}

// writeStubbed writes the original go.mod and go.sum back, plus, for each
// stubbed module version, a replacement by a directory whose go.mod
// declares the module and requires nothing, so that the module graph loads
// past it.
func writeStubbed(dir string, orig, sum []byte, stubs map[module.Version]bool) error {
	data := orig
	if len(stubs) > 0 {
		f, err := modfile.Parse("go.mod", orig, nil)
		if err != nil {
			return err
		}
		i := 0
		for m := range stubs {
			i++
			sd := filepath.Join(dir, "xcstub", strconv.Itoa(i))
			if err := os.MkdirAll(sd, 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(sd, "go.mod"), []byte("module "+modfile.AutoQuote(m.Path)+"\n"), 0o644); err != nil {
				return err
			}
			if err := f.AddReplace(m.Path, m.Version, "./xcstub/"+strconv.Itoa(i), ""); err != nil {
				return err
			}
		}
		f.Cleanup()
		data, err = f.Format()
		if err != nil {
			return err
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), data, 0o644); err != nil {
		return err
	}
	if sum != nil {
		return os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644)
	}
	// The go command created one.
	if err := os.Remove(filepath.Join(dir, "go.sum")); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

var (
	stackLine  = regexp.MustCompile(`^(\S+) (requires|updating to)$`)
	failLine   = regexp.MustCompile(`^(\S+?)(?: \(replaced by (\S+)\))?: (.*)$`)
	goModLine  = regexp.MustCompile(`go\.mod:(\d+)(?::\d+)?: `)
	errorStart = "go: "
)

// ParseGoErrors splits the go command's standard error into its errors
// (each starts with "go: "; the lines up to the next one continue it) and
// parses each as an mvs.BuildListError or a module error
// ("path@version: message"). An error about the main go.mod that names
// several of its lines ("go.mod:7: ...") gives one failure per line.
func ParseGoErrors(stderr string) []GoFailure {
	var entries [][]string
	for _, l := range strings.Split(strings.TrimRight(stderr, "\n"), "\n") {
		switch {
		case strings.HasPrefix(l, errorStart):
			entries = append(entries, []string{strings.TrimPrefix(l, errorStart)})
		case len(entries) > 0 && strings.TrimSpace(l) != "":
			entries[len(entries)-1] = append(entries[len(entries)-1], strings.TrimPrefix(l, "\t"))
		}
	}
	var out []GoFailure
	for _, e := range entries {
		if strings.HasPrefix(e[0], "warning:") || strings.HasPrefix(e[0], "downloading ") || strings.HasPrefix(e[0], "finding ") {
			continue
		}
		var fl GoFailure
		i := 0
		for ; i < len(e); i++ {
			m := stackLine.FindStringSubmatch(e[i])
			if m == nil {
				break
			}
			if mv, ok := parseModVersion(m[1]); ok {
				fl.Stack = append(fl.Stack, mv)
			}
		}
		if i < len(e) {
			if m := failLine.FindStringSubmatch(e[i]); m != nil {
				if mv, ok := parseModVersion(m[1]); ok {
					fl.Stack = append(fl.Stack, mv)
					if m[2] != "" {
						rv, ok := parseModVersion(m[2])
						if !ok {
							rv = module.Version{Path: m[2]}
						}
						fl.Replacement = &rv
					}
				}
			}
		}
		fl.Msg = strings.Join(e, "\n\t")
		if len(fl.Stack) > 0 {
			out = append(out, fl)
			continue
		}
		n := 0
		for _, l := range e {
			if m := goModLine.FindStringSubmatch(l); m != nil {
				line, _ := strconv.Atoi(m[1])
				out = append(out, GoFailure{Msg: e[0] + "\n\t" + l, Line: line})
				n++
			}
		}
		if n == 0 {
			out = append(out, fl)
		}
	}
	return out
}

// mainModuleFailures turns the error of a go command that could not load
// the main module into failures (with the go.mod line it names).
func mainModuleFailures(stderr string) []GoFailure {
	fs := ParseGoErrors(stderr)
	for i := range fs {
		fs[i].Source = "go.mod"
	}
	if len(fs) == 0 && stderr != "" {
		fs = []GoFailure{{Msg: stderr, Source: "go.mod"}}
	}
	return fs
}

// parseModVersion parses "path@version" (a version is required).
func parseModVersion(s string) (module.Version, bool) {
	i := strings.LastIndex(s, "@")
	if i <= 0 || i == len(s)-1 {
		return module.Version{}, false
	}
	return module.Version{Path: s[:i], Version: s[i+1:]}, true
}

// normalize folds white space, to compare one error as printed in two ways.
func normalize(s string) string { return strings.Join(strings.Fields(s), " ") }

// parseModGraph parses `go mod graph` output into, for each module version,
// the module versions that require it (the main module has no version).
func parseModGraph(out string) map[module.Version][]module.Version {
	g := map[module.Version][]module.Version{}
	for _, l := range strings.Split(out, "\n") {
		from, to, ok := strings.Cut(strings.TrimSpace(l), " ")
		if !ok {
			continue
		}
		fm, ok1 := parseModVersion(from)
		if !ok1 {
			fm = module.Version{Path: from}
		}
		tm, ok2 := parseModVersion(to)
		if ok2 {
			g[tm] = append(g[tm], fm)
		}
	}
	return g
}
