package analyzers

import (
	"fmt"

	"golang.org/x/mod/semver"

	"github.com/gomodls/gomodls/internal/snapshot"
)

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
