package analyzers

import (
	"fmt"
	"strconv"

	"golang.org/x/mod/module"

	"github.com/gomodls/gomodls/internal/modplan"
	"github.com/gomodls/gomodls/internal/snapshot"
)

// Environment reports Go environment settings with which the go command
// fails in this module.
var Environment = &Analyzer{
	Name: "environment",
	Doc: `report environment settings with which the go command fails here

The Go environment (the process environment, the go env -w file,
$GOROOT/go.env and the gomodls.env setting, as ` + "`gomodls env`" + ` shows it) can make
every go command fail in a module however right go.mod is. Reported on the
module line:

- modules-disabled: GO111MODULE=off (go mod tidy, go mod download and go
  get fail with "modules disabled by GO111MODULE=off", go list -m with "list
  -m cannot be used with GO111MODULE=off"; go build ignores go.mod), or a value other than on, off, auto or empty ("unknown
  environment setting GO111MODULE=...").
- goflags-invalid: GOFLAGS the go command refuses ("go: parsing $GOFLAGS:
  unknown flag -bogus", "non-flag", an unbalanced quote: every go command but
  go env fails); a -mod value it rejects, -mod=mod in workspace mode, a
  -modfile without the .mod extension or in workspace mode, a -modcacherw
  that is not a boolean (go build, go list and go test fail). A valid
  -modfile is a warning: the go command then reads that file, not go.mod.
- gosumdb-invalid: a GOSUMDB the go command cannot parse. It fails only when
  it must verify a go.sum line it does not have yet: an error when go.sum
  lacks a line of a module version it fetches now (go mod tidy, go mod
  download, go get and -mod=mod builds verify it), else a warning.

The fixes change the variable where it is set: ` + "`go env -u`" + ` or ` + "`go env -w`" + ` for the
go env -w file, the gomodls.env setting for a setting; a variable of the
process environment can only be changed there, and the message says so.`,
	Codes: []*Code{CodeModulesDisabled, CodeGoFlagsInvalid, CodeGoSumDBInvalid},
	Run:   runEnvironment,
}

func runEnvironment(pass *Pass) error {
	snap := pass.Snapshot
	env := snap.Env
	if env == nil {
		return nil
	}
	file, sp, ok := envAnchor(snap)
	if !ok {
		return nil
	}
	report := func(code *Code, sev Severity, name, value, msg string) {
		advice, fx := envFix(env, name, value)
		if advice != "" {
			msg += "; " + advice
		}
		v := env.Lookup(name)
		pass.Report(Diagnostic{File: file, Span: sp, Code: code, Severity: sev,
			Message: fmt.Sprintf("%s=%q (%s): %s", name, v.Value, v.Where(), msg), Fixes: fx})
	}

	// modload.Init.
	switch gm := env.Get("GO111MODULE"); gm {
	case "", "on", "auto":
	case "off":
		report(CodeModulesDisabled, Error, "GO111MODULE", "",
			`the go command ignores this `+file.Base()+`: go mod tidy, go mod download and go get fail with "modules disabled by GO111MODULE=off", go list -m with "list -m cannot be used with GO111MODULE=off", and go build looks for imports in GOROOT and GOPATH only`)
	default:
		report(CodeModulesDisabled, Error, "GO111MODULE", "",
			fmt.Sprintf(`every go command that loads modules (go build, go list, go mod ...) fails with "go: unknown environment setting GO111MODULE=%s" (it must be on, off, auto or empty)`, gm))
	}

	// base.InitGOFLAGS, then the -mod and module flags of the build
	// commands (work.BuildInit, modload.Init, setDefaultBuildMod).
	plan := modplan.Of(snap)
	if err := env.FlagsError(); err != nil {
		fixed := env.FlagsSuggestion()
		report(CodeGoFlagsInvalid, Error, "GOFLAGS", fixed,
			fmt.Sprintf(`every go command except go env fails (go: %v); corrected: GOFLAGS=%q`, err, fixed))
	} else {
		mode := plan.Mode()
		if mode.Err != nil {
			fixed := env.FlagsWithout("mod", "modfile")
			report(CodeGoFlagsInvalid, Error, "GOFLAGS", fixed,
				fmt.Sprintf(`go build, go list and go test fail (%v); corrected: GOFLAGS=%q`, mode.Err, fixed))
		} else if mode.ModFile != "" {
			report(CodeGoFlagsInvalid, Warning, "GOFLAGS", env.FlagsWithout("modfile"),
				fmt.Sprintf("go build, go list and go test read %s (and the .sum beside it) instead of this go.mod and go.sum, relative to the directory they run in; gomodls checks go.mod as it is", mode.ModFile))
		}
		if v, has, ok := env.LookupFlag("modcacherw"); ok && has {
			if _, err := strconv.ParseBool(v); err != nil {
				fixed := env.FlagsWithout("modcacherw")
				report(CodeGoFlagsInvalid, Error, "GOFLAGS", fixed,
					fmt.Sprintf(`go build, go list, go test and the go mod commands fail (go: invalid boolean value %q for flag -modcacherw (from $GOFLAGS): parse error); corrected: GOFLAGS=%q`, v, fixed))
			}
		}
	}

	// modfetch.dbDial, reached only from checkModSum for a line go.sum
	// does not have.
	if _, err := env.SumDB(); err != nil {
		if m, noun, ok := unverifiedLine(snap, plan); ok {
			line := m.Path + " " + m.Version
			if noun == "go.mod" {
				line += "/go.mod"
			}
			lacks := "go.sum has no line for " + line
			if snap.Sum == nil {
				lacks = "there is no go.sum to hold " + line
			}
			report(CodeGoSumDBInvalid, Error, "GOSUMDB", "",
				fmt.Sprintf(`%v; %s, so go mod tidy and go mod download fail with "%s: verifying %s: %v"`, err, lacks, m, noun, err))
		} else {
			report(CodeGoSumDBInvalid, Warning, "GOSUMDB", "",
				fmt.Sprintf("%v; go.sum holds every line the go command needs now, so it does not ask the checksum database, but the first new module version (go get, go mod tidy) fails to verify", err))
		}
	}
	return nil
}

// unverifiedLine returns a module version the go command fetches that the
// checksum database would have to verify, and the go.sum line it lacks
// ("go.mod" for the /go.mod hash, "module" for the zip hash of a direct
// require).
func unverifiedLine(snap *snapshot.Snapshot, plan *modplan.Plan) (module.Version, string, bool) {
	has := func(m module.Version, goMod bool) bool {
		return snap.Sum != nil && snap.Sum.Has(m.Path, m.Version, goMod) ||
			snap.WorkSum != nil && snap.WorkSum.Has(m.Path, m.Version, goMod)
	}
	for _, l := range plan.Lines {
		if !l.Fetched() || !modplan.Fetchable(l.Mod) || !plan.Route(l.Mod.Path).SumDB {
			continue
		}
		if !has(l.Mod, true) {
			return l.Mod, "go.mod", true
		}
		if l.Role == modplan.Require && !l.Indirect && !has(l.Mod, false) {
			return l.Mod, "module", true
		}
	}
	return module.Version{}, "", false
}
