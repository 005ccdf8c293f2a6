package analyzers

import (
	"context"
	"fmt"
	"slices"

	"golang.org/x/mod/module"

	"github.com/gomodls/gomodls/fixes"
	"github.com/gomodls/gomodls/internal/modinfo"
	"github.com/gomodls/gomodls/internal/modplan"
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
	err := eachLookup(pass, notExcluded, func(pass *Pass, ctx context.Context, src snapshot.Source, u modUse) {
		f, latest, list, err := modinfo.LatestGoMod(ctx, src, u.mod.Path)
		if err != nil {
			return // the versions analyzer reports lookup failures
		}
		r, ok := modinfo.Retracted(f, u.mod.Version)
		if !ok {
			return
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
		pass.Report(d)
	})
	if err != nil {
		return err
	}
	return checkOwnRetractions(pass)
}

// checkOwnRetractions reports the module's own single-version retractions
// of versions that were never published.
func checkOwnRetractions(pass *Pass) error {
	src, mf := pass.Snapshot.Source, pass.Snapshot.Mod
	if src == nil || mf == nil || mf.Mod.Module == nil || len(mf.Mod.Retract) == 0 || !modplan.Of(pass.Snapshot).Lookable(mf.Mod.Module.Mod.Path) {
		return nil
	}
	vl, err := src.Versions(pass.Context, mf.Mod.Module.Mod.Path)
	if err != nil {
		return nil
	}
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
}
