package analyzers

import (
	"fmt"
	"slices"
	"sync"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
	"golang.org/x/sync/errgroup"

	"github.com/gomodls/gomodls/fixes"
	"github.com/gomodls/gomodls/internal/modinfo"
	"github.com/gomodls/gomodls/internal/snapshot"
)

// Retractions reports required versions their authors retracted.
var Retractions = &Analyzer{
	Name: "retractions",
	Doc: `report required versions that their module's author retracted

The go command reads retractions from the go.mod of the module's latest
version, ignoring retractions (the highest release; a prerelease only if
there is no release). A required version inside one of its retract ranges
is reported with the author's rationale (its first line, at most 500
bytes, as the go command prints it), and the fix upgrades to the latest
version that is not retracted. The module's own retract directives are
checked too: a retracted version that was never published is reported as
retract-invalid.`,
	Codes:   []*Code{CodeRetractedVersion, CodeRetractInvalid},
	Network: true,
	Run:     runRetractions,
}

func runRetractions(pass *Pass) error {
	src := pass.Snapshot.Source
	if src == nil {
		return nil
	}
	var mu sync.Mutex
	g, ctx := errgroup.WithContext(pass.Context)
	g.SetLimit(16)
	for _, u := range lookups(pass.Snapshot) {
		if u.role == roleExclude {
			continue
		}
		g.Go(func() error {
			f, latest, list, err := modinfo.LatestGoMod(ctx, src, u.mod.Path)
			if err != nil {
				return nil // the versions analyzer reports lookup failures
			}
			r, ok := modinfo.Retracted(f, u.mod.Version)
			if !ok {
				return nil
			}
			msg := fmt.Sprintf("%s is retracted by the module author: %s", u.mod, modinfo.ShortMessage(r.Rationale, "(no rationale given)"))
			d := Diagnostic{File: u.file, Span: u.versionSpan(), Code: CodeRetractedVersion, Severity: CodeRetractedVersion.Severity}
			if up := modinfo.LatestUnretracted(f, list, u.mod.Version); up != "" {
				msg += "; latest non-retracted version is " + up
				fx := fixes.SetVersion(u.file, u.versionToken(), up)
				fx.Title = "Upgrade to " + up + " (not retracted)"
				fx.Preferred = true
				d.Fixes = []fixes.Fix{fx}
			} else {
				msg += fmt.Sprintf("; every version up to %s is retracted", latest)
			}
			d.Message = msg
			mu.Lock()
			pass.Report(d)
			mu.Unlock()
			return nil
		})
	}
	if mf := pass.Snapshot.Mod; mf != nil && mf.Mod.Module != nil && len(mf.Mod.Retract) > 0 && modinfo.Lookable(pass.Snapshot.Env, mf.Mod.Module.Mod.Path) {
		own := mf.Mod.Module.Mod.Path
		g.Go(func() error {
			vl, err := src.Versions(ctx, own)
			if err != nil {
				return nil
			}
			mu.Lock()
			defer mu.Unlock()
			for _, r := range mf.Mod.Retract {
				if r.Low != r.High {
					continue // a range need not name published versions
				}
				if module.IsPseudoVersion(r.Low) || slices.Contains(vl.Versions, r.Low) {
					continue
				}
				pass.Report(Diagnostic{File: snapshot.GoMod, Span: mf.LineSpan(r.Syntax), Code: CodeRetractInvalid, Severity: Warning,
					Message: fmt.Sprintf("retract %s: %s was never published (%s does not list it); retracting it has no effect", r.Low, r.Low, vl.Source)})
			}
			return nil
		})
	}
	return g.Wait()
}

// Retract checks the module's own retract directives.
var Retract = &Analyzer{
	Name: "retract",
	Doc: `check the module's own retract directives

A retract range whose low end is above its high end retracts nothing; the
go command accepts it silently.`,
	Codes: []*Code{CodeRetractInvalid},
	Run: func(pass *Pass) error {
		mf := pass.Snapshot.Mod
		if mf == nil {
			return nil
		}
		for _, r := range mf.Mod.Retract {
			if semver.Compare(r.Low, r.High) > 0 {
				pass.Report(Diagnostic{File: snapshot.GoMod, Span: mf.LineSpan(r.Syntax), Code: CodeRetractInvalid, Severity: Warning,
					Message: fmt.Sprintf("retract range [%s, %s] is empty: the low end is above the high end", r.Low, r.High)})
			}
		}
		return nil
	},
}
