package checker

import (
	"context"
	"path/filepath"
	"sort"

	"github.com/gomodls/gomodls/analyzers"
	"github.com/gomodls/gomodls/internal/goenv"
	"github.com/gomodls/gomodls/internal/settings"
	"github.com/gomodls/gomodls/internal/snapshot"
	"github.com/gomodls/gomodls/internal/vulndb/osv"
	"github.com/gomodls/gomodls/internal/workspace"
)

// A Result is the outcome of checking one directory.
type Result struct {
	Snapshot    *snapshot.Snapshot
	Diagnostics []analyzers.Diagnostic
	Failures    []Failure
}

// TreeOptions configure CheckPaths.
type TreeOptions struct {
	Env       *goenv.Env
	Settings  *settings.Settings
	Source    snapshot.Source
	Vulns     osv.Source            // the vulnerability database; nil disables its checks
	Analyzers []*analyzers.Analyzer // nil: analyzers.All()
}

// CheckPaths checks the directories named by args, in the go command's
// style: "dir" checks that directory's go.mod/go.work (and go.sum), and
// "dir/..." every module and workspace below it. A file argument checks
// the directory it is in.
func CheckPaths(ctx context.Context, args []string, opts TreeOptions) ([]Result, error) {
	dirs, err := Dirs(ctx, args)
	if err != nil {
		return nil, err
	}
	list := opts.Analyzers
	if list == nil {
		list = analyzers.All()
		if opts.Settings != nil && !opts.Settings.Network {
			list = analyzers.Local()
		}
	}
	var results []Result
	for _, dir := range dirs {
		if err := ctx.Err(); err != nil {
			return results, err
		}
		contents, err := snapshot.ReadDir(nil, dir)
		if err != nil {
			return results, err
		}
		snap := snapshot.Build(dir, contents, opts.Env, opts.Settings, nil, opts.Source)
		snap.Vulns = opts.Vulns
		diags, failures := runNetworkFirst(ctx, snap, list)
		results = append(results, Result{Snapshot: snap, Diagnostics: diags, Failures: failures})
	}
	return results, nil
}

// runNetworkFirst runs the network analyzers of list, then the local
// ones, as the language server's local pass runs again after its network
// pass: what the network analyzers cached (the go.mod files of the module
// graph, go.sum hashes) is then seen by the local ones (summissing).
func runNetworkFirst(ctx context.Context, snap *snapshot.Snapshot, list []*analyzers.Analyzer) ([]analyzers.Diagnostic, []Failure) {
	var network, local []*analyzers.Analyzer
	for _, a := range list {
		if a.Network {
			network = append(network, a)
		} else {
			local = append(local, a)
		}
	}
	if len(network) == 0 || len(local) == 0 {
		return Run(ctx, snap, list)
	}
	diags, failures := Run(ctx, snap, network)
	d2, f2 := Run(ctx, snap, local)
	diags = append(diags, d2...)
	Sort(diags)
	failures = append(failures, f2...)
	sort.Slice(failures, func(i, j int) bool { return failures[i].Analyzer.Name < failures[j].Analyzer.Name })
	return diags, failures
}

// Dirs expands command-line arguments into the sorted, unique list of
// directories holding a go.mod or go.work file.
func Dirs(ctx context.Context, args []string) ([]string, error) {
	if len(args) == 0 {
		args = []string{"."}
	}
	seen := map[string]bool{}
	var dirs []string
	add := func(d string) {
		if !seen[d] {
			seen[d] = true
			dirs = append(dirs, d)
		}
	}
	for _, a := range args {
		recursive := false
		if a == "./..." || a == "..." || filepath.Base(a) == "..." {
			recursive = true
			a = filepath.Dir(a)
		}
		abs, err := filepath.Abs(a)
		if err != nil {
			return nil, err
		}
		if recursive {
			files, err := workspace.Find(ctx, abs)
			if err != nil && len(files) == 0 {
				return nil, err
			}
			for _, f := range files {
				add(filepath.Dir(f))
			}
			continue
		}
		if _, ok := snapshot.KindOf(filepath.Base(abs)); ok {
			abs = filepath.Dir(abs)
		}
		contents, err := snapshot.ReadDir(nil, abs)
		if err != nil {
			return nil, err
		}
		if contents[snapshot.GoMod] == nil && contents[snapshot.GoWork] == nil {
			return nil, &NoModuleError{Dir: abs}
		}
		add(abs)
	}
	sort.Strings(dirs)
	return dirs, nil
}

// NoModuleError reports a directory argument without go.mod or go.work.
type NoModuleError struct{ Dir string }

func (e *NoModuleError) Error() string {
	return "no go.mod or go.work file in " + e.Dir + " (use dir/... to check every module below a directory)"
}
