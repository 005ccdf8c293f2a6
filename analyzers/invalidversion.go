package analyzers

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"

	"github.com/gomodls/gomodls/fixes"
	"github.com/gomodls/gomodls/internal/gomod"
	"github.com/gomodls/gomodls/internal/snapshot"
)

// InvalidVersion reports versions the go command will reject or rewrite.
var InvalidVersion = &Analyzer{
	Name: "invalidversion",
	Doc: `report versions that are not canonical, malformed pseudo-versions and major-version mismatches

Versions in go.mod must be canonical semantic versions (v1.2.3, not v1.2 or
1.2.3 or a branch name). A pseudo-version (v0.0.0-20240102150405-abcdef123456)
must have a valid UTC timestamp, a 12-character lower-case commit hash, and a
base consistent with its form. The major version must match the module
path: v2 and later need a /vN path suffix (or +incompatible for modules
without a go.mod), and a /vN path cannot take another major or
+incompatible. Each is reported on the version, with a fix where the right
version is certain.`,
	Codes: []*Code{CodeInvalidVersion},
	Run: func(pass *Pass) error {
		s := pass.Snapshot
		for _, kind := range []snapshot.FileKind{snapshot.GoMod, snapshot.GoWork} {
			f := s.ModFile(kind)
			if f == nil {
				continue
			}
			for _, e := range f.Errors {
				if e.Kind == gomod.VersionError {
					reportVersionError(pass, kind, e)
				}
			}
			var lines []versionUse
			if kind == snapshot.GoMod {
				for _, r := range f.Mod.Require {
					lines = append(lines, versionUse{r.Mod.Path, r.Mod.Version, r.Syntax, false})
				}
				for _, x := range f.Mod.Exclude {
					lines = append(lines, versionUse{x.Mod.Path, x.Mod.Version, x.Syntax, false})
				}
				for _, r := range f.Mod.Replace {
					lines = append(lines, replaceUses(r)...)
				}
			} else {
				for _, r := range f.Work.Replace {
					lines = append(lines, replaceUses(r)...)
				}
			}
			for _, u := range lines {
				checkVersion(pass, kind, f, u)
			}
		}
		return nil
	},
}

type versionUse struct {
	path, version string
	line          *modfile.Line
	replaceTarget bool // the version after "=>"
}

func replaceUses(r *modfile.Replace) []versionUse {
	var uses []versionUse
	if r.Old.Version != "" {
		uses = append(uses, versionUse{r.Old.Path, r.Old.Version, r.Syntax, false})
	}
	if r.New.Version != "" {
		uses = append(uses, versionUse{r.New.Path, r.New.Version, r.Syntax, true})
	}
	return uses
}

func versionToken(f *gomod.File, u versionUse) (gomod.Token, bool) {
	if u.replaceTarget {
		_, v, ok := f.ReplaceTargetTokens(u.line)
		return v, ok
	}
	return f.VersionToken(u.line)
}

func reportVersionError(pass *Pass, kind snapshot.FileKind, e *gomod.Error) {
	d := Diagnostic{File: kind, Span: e.Span, Code: CodeInvalidVersion, Severity: CodeInvalidVersion.Severity, Message: e.Msg}
	var tok gomod.Token
	for _, t := range e.Tokens {
		if t.Span == e.Span {
			tok = t
		}
	}
	v := e.Version
	if tok.Text != "" && e.ModPath != "" {
		_, pathMajor, _ := module.SplitPathVersion(e.ModPath)
		if cv := module.CanonicalVersion(v); cv != "" && cv != v && module.CheckPathMajor(cv, pathMajor) == nil {
			d.Message = fmt.Sprintf("version %q of %s is not canonical; use %s", v, e.ModPath, cv)
			fix := fixes.SetVersion(kind, tok, cv)
			fix.Preferred = true
			d.Fixes = append(d.Fixes, fix)
		} else if semver.IsValid(v) && pathMajor == "" && semver.Major(v) != "v0" && semver.Major(v) != "v1" && !strings.HasPrefix(e.ModPath, "gopkg.in/") {
			major := semver.Major(v)
			d.Message = fmt.Sprintf("%s %s: a %s version needs the module path %s/%s, or %s+incompatible if that version has no go.mod", e.ModPath, v, major, e.ModPath, major, semver.Canonical(v))
			if pt, ok := pathTokenOf(e); ok {
				d.Fixes = append(d.Fixes, fixes.ReplaceToken(kind, pt, e.ModPath+"/"+major, "Use module path "+e.ModPath+"/"+major))
			}
			if semver.Build(v) == "" {
				d.Fixes = append(d.Fixes, fixes.SetVersion(kind, tok, semver.Canonical(v)+"+incompatible"))
			}
		} else if pathMajor != "" && semver.IsValid(v) {
			want := strings.TrimPrefix(pathMajor, "/")
			want = strings.TrimPrefix(want, ".")
			d.Message = fmt.Sprintf("%s %s: the module path ends in %s, so the version must be %s.x.y without +incompatible", e.ModPath, v, pathMajor, want)
		} else if !semver.IsValid(v) {
			d.Message = fmt.Sprintf("version %q of %s is not a semantic version (v1.2.3); in go.mod, branch names and partial versions are resolved and rewritten by the go command, which fails with -mod=readonly", v, e.ModPath)
		}
	}
	pass.Report(d)
}

func pathTokenOf(e *gomod.Error) (gomod.Token, bool) {
	for _, t := range e.Tokens {
		if t.Unquoted() == e.ModPath {
			return t, true
		}
	}
	return gomod.Token{}, false
}

// pseudoLike matches prereleases that were meant to be pseudo-versions.
var pseudoLike = regexp.MustCompile(`(^|[-.])[0-9]{8,16}-[0-9a-fA-F]{5,}$`)

func checkVersion(pass *Pass, kind snapshot.FileKind, f *gomod.File, u versionUse) {
	tok, ok := versionToken(f, u)
	if !ok {
		return
	}
	v := u.version
	report := func(msg string, fx ...fixes.Fix) {
		pass.Report(Diagnostic{File: kind, Span: tok.Span, Code: CodeInvalidVersion, Severity: CodeInvalidVersion.Severity, Message: msg, Fixes: fx})
	}
	cv := module.CanonicalVersion(v)
	if cv == "" {
		report(fmt.Sprintf("version %q of %s is not a semantic version (v1.2.3); the go command resolves it through the proxy and rewrites go.mod, which fails under -mod=readonly", v, u.path))
		return
	}
	if cv != v {
		fix := fixes.SetVersion(kind, tok, cv)
		fix.Preferred = true
		report(fmt.Sprintf("version %q of %s is not canonical; the go command will look it up as a query and rewrite it; use %s", v, u.path, cv), fix)
		return
	}
	if semver.Build(v) == "+incompatible" {
		_, pathMajor, _ := module.SplitPathVersion(u.path)
		switch {
		case pathMajor != "":
			report(fmt.Sprintf("%s@%s: +incompatible is not allowed: the module path has a major version suffix (%s), so the version must be a real %s version", u.path, v, pathMajor, semver.Major(v)))
			return
		case semver.Major(v) == "v0" || semver.Major(v) == "v1":
			report(fmt.Sprintf("%s@%s: +incompatible is not allowed: major version %s is compatible", u.path, v, semver.Major(v)),
				fixes.SetVersion(kind, tok, semver.Canonical(v)))
			return
		}
	}
	if module.IsPseudoVersion(v) {
		if msg := checkPseudo(v); msg != "" {
			report(fmt.Sprintf("%s@%s: invalid pseudo-version: %s", u.path, v, msg))
		} else if t, _ := module.PseudoVersionTime(v); t.After(time.Now().Add(24 * time.Hour)) {
			// Through a proxy the go command takes the proxy's word, and a
			// commit's recorded time can be anything: only a warning.
			pass.Report(Diagnostic{File: kind, Span: tok.Span, Code: CodeInvalidVersion, Severity: Warning,
				Message: fmt.Sprintf("%s@%s: the pseudo-version's timestamp %s is in the future; the go command accepts it only if a proxy serves it or the commit really has that time", u.path, v, t.Format(time.RFC3339))})
		}
		return
	}
	if pre := semver.Prerelease(v); pre != "" && pseudoLike.MatchString(pre) {
		// Only a hint: it is a valid prerelease, and some modules tag
		// exactly such versions (github.com/ultradns/ultradns-go-sdk
		// v1.7.0-20240913052650-970ca9a), which the go command accepts. If
		// the version does not exist, the versions analyzer says so.
		pass.Report(Diagnostic{File: kind, Span: tok.Span, Code: CodeInvalidVersion, Severity: Hint,
			Message: fmt.Sprintf("%s@%s looks like a pseudo-version but is malformed: the form is vX.Y.Z-yyyymmddhhmmss-abcdefabcdef (14-digit UTC time, 12-character commit hash); fine if the module has a tag of that name", u.path, v)})
	}
}

var revRE = regexp.MustCompile(`^[0-9a-f]{12}$`)

// checkPseudo returns what is wrong with a pseudo-version, or "".
func checkPseudo(v string) string {
	if _, err := module.PseudoVersionBase(v); err != nil {
		return err.Error()
	}
	if _, err := module.PseudoVersionTime(v); err != nil {
		return "timestamp: " + err.Error()
	}
	rev, err := module.PseudoVersionRev(v)
	if err != nil {
		return err.Error()
	}
	if !revRE.MatchString(rev) {
		return fmt.Sprintf("revision %q must be the first 12 lower-case hex digits of the commit hash", rev)
	}
	return ""
}
