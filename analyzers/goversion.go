package analyzers

import (
	"fmt"
	"go/version"
	"strings"

	"github.com/gomodls/gomodls/internal/gomod"
	"github.com/gomodls/gomodls/internal/snapshot"
	"github.com/gomodls/gomodls/internal/span"
)

// GoVersion reports go lines that the local toolchain cannot satisfy.
var GoVersion = &Analyzer{
	Name: "goversion",
	Doc: `report go and toolchain lines the go command cannot satisfy here

The go line of go.mod or go.work is the minimum Go version. When it is newer
than the toolchain the go command will run, the go command switches to a
newer toolchain only if GOTOOLCHAIN allows it (auto or path, the default
being auto) and it can download one (GOPROXY is not off). With
GOTOOLCHAIN=local, a fixed GOTOOLCHAIN=go1.N.M, or no way to download, it
fails with "go.mod requires go >= X (running go Y; GOTOOLCHAIN=...)". The
check uses GOVERSION and GOTOOLCHAIN from the effective environment.`,
	Codes: []*Code{CodeGoVersionUnsupported},
	Run: func(pass *Pass) error {
		env := pass.Snapshot.Env
		if env == nil {
			return nil
		}
		local := env.Get("GOVERSION")
		if !version.IsValid(local) {
			return nil // no go binary: we cannot know what would run
		}
		gotoolchain := env.Get("GOTOOLCHAIN")
		if gotoolchain == "" {
			gotoolchain = "auto"
		}
		minTC, mode, _ := strings.Cut(gotoolchain, "+")
		switch minTC {
		case "auto", "path":
			minTC, mode = "local", minTC
		}
		running := local
		if minTC != "local" {
			if !version.IsValid(minTC) {
				return nil // the go command reports a bad GOTOOLCHAIN itself
			}
			running = minTC
		}
		canSwitch := mode == "auto" || mode == "path"
		offline := env.Get("GOPROXY") == "off"
		for _, kind := range []snapshot.FileKind{snapshot.GoMod, snapshot.GoWork} {
			f := pass.Snapshot.ModFile(kind)
			if f == nil {
				continue
			}
			goLine, sp, ok := goDirective(f)
			if !ok {
				continue
			}
			need := "go" + goLine
			if version.Compare(need, running) <= 0 {
				continue
			}
			msg := fmt.Sprintf("%s requires go >= %s (running go %s; GOTOOLCHAIN=%s)", kind.Base(), goLine, strings.TrimPrefix(running, "go"), gotoolchain)
			switch {
			case !canSwitch:
			case mode == "auto" && offline:
				msg += "; the go command would download go" + goLine + " but GOPROXY=off"
			case mode == "path":
				msg += "; with GOTOOLCHAIN=" + gotoolchain + " the go command looks for go" + goLine + " (or newer) on PATH and fails if it is not there"
				pass.Report(Diagnostic{File: kind, Span: sp, Code: CodeGoVersionUnsupported, Severity: Information, Message: msg})
				continue
			default:
				continue // GOTOOLCHAIN=auto: the go command downloads the toolchain
			}
			pass.Report(Diagnostic{File: kind, Span: sp, Code: CodeGoVersionUnsupported, Severity: CodeGoVersionUnsupported.Severity, Message: msg})
		}
		return nil
	},
}

// goDirective returns the go line's version and the span of its version
// token.
func goDirective(f *gomod.File) (string, span.Span, bool) {
	var v string
	if f.Mod != nil && f.Mod.Go != nil {
		v = f.Mod.Go.Version
		toks := f.LineTokens(f.Mod.Go.Syntax)
		if len(toks) >= 2 {
			return v, toks[1].Span, true
		}
	}
	if f.Work != nil && f.Work.Go != nil {
		v = f.Work.Go.Version
		toks := f.LineTokens(f.Work.Go.Syntax)
		if len(toks) >= 2 {
			return v, toks[1].Span, true
		}
	}
	return "", span.Span{}, false
}
