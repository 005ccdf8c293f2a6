package analyzers

import (
	"fmt"
	"strings"

	"github.com/gomodls/gomodls/internal/modplan"
)

// Offline reports module versions the go command needs but may not
// download and does not have.
var Offline = &Analyzer{
	Name: "offline",
	Doc: `report required modules that cannot be downloaded and are not in the module cache

With GOPROXY=off (or a chain whose first entry for the path is off, or a
GOPROXY the go command cannot parse) the go command looks nothing up: it
works from the module cache (GOMODCACHE) alone, and fails with "module
lookup disabled by GOPROXY=off" for anything missing there. Paths GONOPROXY
matches are fetched directly, so they are not affected.

For each module version the go command fetches (after replace, exclude and
go.work), the go.mod must be in the module cache
(cache/download/<path>/@v/<version>.mod): go build, go list and go mod tidy
read it to load the module graph. For modules without graph pruning (go 1.16
and earlier, or when the main module is), the go.mod of each module they
require transitively is needed too; the first one missing is reported on
the require it is reached from. These are errors.

A require whose go.mod is cached is a warning when the cache lacks what
some commands read: the source of a direct require (the extracted directory,
or its zip), without which go build fails when it builds a package of that
module, and the .info, without which go list -m fails (go build and go mod
tidy do not read it).

Nothing is reported in vendor mode (-mod=vendor, or a vendor directory
with go 1.14 and later), where no module is looked up.`,
	Codes: []*Code{CodeLookupDisabled},
	Run:   runOffline,
}

func runOffline(pass *Pass) error {
	snap := pass.Snapshot
	env := snap.Env
	if env == nil || env.Get("GO111MODULE") == "off" {
		return nil
	}
	plan := modplan.Of(snap)
	if plan.Mode().Mod == modplan.ModVendor {
		return nil
	}
	uses := moduleUses(snap)
	// Letting the go command download again: GOPROXY unset (its default
	// from go.env), or corrected when it cannot be parsed.
	fixed := ""
	for _, f := range env.Findings() {
		if f.Var == "GOPROXY" && f.Pattern == "" {
			fixed = f.Suggestion
		}
	}
	how, fx := envFix(env, "GOPROXY", fixed)
	advice := ""
	if how != "" {
		advice = "; or let the go command download: " + how
	}
	cache := env.Get("GOMODCACHE")
	for _, u := range uses {
		if !u.fetched() {
			continue
		}
		why := plan.LookupBlocked(u.mod.Path)
		if why == "" {
			continue
		}
		if miss, ok := plan.MissingGoMods(u.mod); ok {
			msg := fmt.Sprintf("%s: %s, and the module cache (%s) does not hold its go.mod: go build, go list and go mod tidy fail; fill the cache while a proxy is reachable (go mod download)%s", u.mod, why, cache, advice)
			if len(miss.Via) > 0 {
				chain := make([]string, len(miss.Via))
				for i, m := range miss.Via {
					chain[i] = m.String()
				}
				msg = fmt.Sprintf("%s: %s, and the module cache (%s) does not hold the go.mod of %s, which the go command reads through %s (a module graph without pruning, go 1.16 or earlier): go build, go list and go mod tidy fail; fill the cache while a proxy is reachable (go mod download)%s",
					u.mod, why, cache, miss.Mod, strings.Join(chain, " → "), advice)
			}
			pass.Report(Diagnostic{File: u.file, Span: u.pathSpan(), Code: CodeLookupDisabled, Severity: Error, Message: msg, Fixes: fx})
			continue
		}
		c := plan.InModCache(u.mod)
		var lacks []string
		if u.role == roleRequire && !u.indirect && !c.Source {
			lacks = append(lacks, fmt.Sprintf("its source (go build fails when it builds a package of %s)", u.mod.Path))
		}
		if !c.Info {
			lacks = append(lacks, "its .info (go list -m fails; go build and go mod tidy do not read it)")
		}
		if len(lacks) > 0 {
			pass.Report(Diagnostic{File: u.file, Span: u.pathSpan(), Code: CodeLookupDisabled, Severity: Warning,
				Message: fmt.Sprintf("%s: %s, and the module cache (%s) holds its go.mod but not %s; go mod download %s while a proxy is reachable",
					u.mod, why, cache, strings.Join(lacks, " nor "), u.mod.Path)})
		}
	}
	return nil
}
