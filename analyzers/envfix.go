package analyzers

import (
	"fmt"
	"strings"

	"github.com/gomodls/gomodls/fixes"
	"github.com/gomodls/gomodls/internal/goenv"
	"github.com/gomodls/gomodls/internal/snapshot"
	"github.com/gomodls/gomodls/internal/span"
)

// envFix says how to give the Go environment variable name the value
// value ("": unset, so that $GOROOT/go.env or the default applies), where
// its current value comes from: the advice in words, and the fix that does
// it (none when only the user can: a variable of the process environment).
func envFix(env *goenv.Env, name, value string) (string, []fixes.Fix) {
	v := env.Lookup(name)
	switch v.Origin {
	case goenv.OriginGOENVFile:
		if value == "" {
			return fmt.Sprintf("remove it with `go env -u %s`", name), []fixes.Fix{fixes.GoEnvUnset(name)}
		}
		return fmt.Sprintf("set it with `go env -w %s`", shellWord(name+"="+value)), []fixes.Fix{fixes.GoEnvWrite(name, value)}
	case goenv.OriginGoEnvFile:
		return fmt.Sprintf("override it with `go env -w %s`", shellWord(name+"="+value)), []fixes.Fix{fixes.GoEnvWrite(name, value)}
	case goenv.OriginSetting:
		return "change it in the gomodls.env setting", []fixes.Fix{fixes.SetEnvSetting(name, value)}
	case goenv.OriginEnv:
		if value == "" {
			return fmt.Sprintf("it is set in the environment (of the shell or editor that runs the go command and gomodls): unset %s there", name), nil
		}
		return fmt.Sprintf("it is set in the environment (of the shell or editor that runs the go command and gomodls): set %s there", shellWord(name+"="+value)), nil
	}
	return "", nil
}

// shellWord quotes s for a POSIX shell when it needs quoting.
func shellWord(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\n'\"\\$`;&|<>()*?[]#~!{}") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// envAnchor is where a diagnostic about the environment goes: the module
// line of go.mod, else the go line (or the start) of go.work.
func envAnchor(snap *snapshot.Snapshot) (snapshot.FileKind, span.Span, bool) {
	if f := snap.Mod; f != nil && f.Mod != nil && f.Mod.Module != nil {
		return snapshot.GoMod, f.LineSpan(f.Mod.Module.Syntax), true
	}
	if f := snap.Work; f != nil && f.Work != nil {
		if f.Work.Go != nil {
			return snapshot.GoWork, f.LineSpan(f.Work.Go.Syntax), true
		}
		return snapshot.GoWork, span.Span{}, true
	}
	return 0, span.Span{}, false
}
