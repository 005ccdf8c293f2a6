package analyzers

import (
	"fmt"
	"path/filepath"

	"github.com/gomodls/gomodls/fixes"
	"github.com/gomodls/gomodls/internal/modplan"
)

// Vendoring checks vendor/modules.txt as the go command does before it
// builds from the vendor directory.
var Vendoring = &Analyzer{
	Name: "vendoring",
	Doc: `check vendor/modules.txt against go.mod and go.work, as the go command does in vendor mode

The go command builds from the vendor directory, and downloads nothing,
when GOFLAGS has -mod=vendor, or when -mod is not set, a vendor directory
exists beside go.mod (beside go.work in a workspace), the go line is 1.14
or later, and vendor/modules.txt was written for the same mode ("go mod
vendor" for a module, "go work vendor" for a workspace). -mod=readonly and
-mod=mod turn vendor mode off.

In vendor mode it first compares vendor/modules.txt with go.mod and go.work
(cmd/go/internal/modload: checkVendorConsistency) and stops with
"inconsistent vendoring" listing every disagreement:

- a require whose module vendor/modules.txt does not mark "## explicit"
  at that version (with -mod=vendor and no vendor directory: every
  require);
- a module marked "## explicit" (that provides packages) that no require
  names at that version;
- a replace that vendor/modules.txt does not record, or records with
  another target, and a recorded replacement that no replace makes;
- a "## explicit; go 1.N" annotation newer than the local Go (the go
  command stops with "requires go >= 1.N");
- with go 1.17 or later, a vendored module that go.mod does not require
  at the version vendored ("updates to go.mod needed").

Each reason is reported as an error on the line it concerns: the require
or replace line, or, for a module that only vendor/modules.txt names, the
require of the same path or else the module line (in a workspace's go.work,
the use line of the module whose go.mod holds it). The fix runs "go mod
vendor" ("go work vendor"), which writes the vendor directory again from
go.mod and go.work; for a vendored module go.mod does not require, "go mod
tidy" first.

In vendor mode the network checks are not errors either: nothing is
downloaded (see the versions analyzer).`,
	Codes: []*Code{CodeVendorInconsistent},
	Run:   runVendoring,
}

func runVendoring(pass *Pass) error {
	snap := pass.Snapshot
	plan := modplan.Of(snap)
	problems := plan.VendorProblems()
	if len(problems) == 0 {
		return nil
	}
	txt, exists := plan.VendorModulesTxt()
	root := filepath.Dir(plan.VendorDir())
	syncCmd, vendor := "go mod vendor", fixes.RunGoCommand(root, "mod", "vendor")
	if _, ws := plan.InWorkspace(); ws {
		syncCmd, vendor = "go work vendor", fixes.RunGoCommand(root, "work", "vendor")
	}
	mode := plan.Mode()
	why := mode.Reason
	if mode.Explicit {
		why = "GOFLAGS has -mod=vendor"
	}
	for _, p := range problems {
		a, ok := anchorAt(snap, plan, p.File, p.Syntax)
		if !ok {
			continue
		}
		d := Diagnostic{File: a.File, Span: a.Span, Code: CodeVendorInconsistent, Severity: Error}
		switch p.Kind {
		case modplan.GoTooNew:
			d.Message = fmt.Sprintf("%s%s: the go command stops before it builds from the vendor directory; use a newer Go, or run `%s` if vendor/modules.txt is stale", p.Message, a.Where, syncCmd)
			d.Fixes = []fixes.Fix{vendor}
		case modplan.NotRequired:
			d.Message = fmt.Sprintf("%s%s: the go command stops with \"updates to go.mod needed, disabled by -mod=vendor\"; run `go mod tidy`, then `%s`", p.Message, a.Where, syncCmd)
			d.Fixes = []fixes.Fix{fixes.RunGoCommand(root, "mod", "tidy"), vendor}
		default:
			d.Message = fmt.Sprintf("inconsistent vendoring: %s%s", p.Message, a.Where)
			if !exists {
				d.Message += fmt.Sprintf(" (there is no %s: %s)", plan.ShortPath(txt), why)
			}
			d.Message += fmt.Sprintf("; run `%s` (or build with -mod=readonly or -mod=mod to ignore the vendor directory)", syncCmd)
			d.Fixes = []fixes.Fix{vendor}
		}
		if p.TxtLine > 0 {
			d.Related = []Related{{Path: txt, Message: fmt.Sprintf("%s:%d", plan.ShortPath(txt), p.TxtLine)}}
		}
		pass.Report(d)
	}
	return nil
}
