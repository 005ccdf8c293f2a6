package analyzers

import (
	"context"

	"golang.org/x/sync/errgroup"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"

	"github.com/gomodls/gomodls/internal/gomod"
	"github.com/gomodls/gomodls/internal/modplan"
	"github.com/gomodls/gomodls/internal/snapshot"
	"github.com/gomodls/gomodls/internal/span"
)

// role says what a module version does on its line.
type role int

const (
	roleRequire       role = iota // require path version
	roleExclude                   // exclude path version
	roleReplaceTarget             // replace ... => path version
)

func (r role) String() string {
	switch r {
	case roleExclude:
		return "exclude"
	case roleReplaceTarget:
		return "replacement"
	}
	return "require"
}

// A modUse is a module version named on a line of go.mod or go.work that
// the network analyzers look up: a require, the module@version target of a
// replace, or an exclude. What the go command does with the line comes
// from the snapshot's plan (package modplan).
type modUse struct {
	file     snapshot.FileKind
	f        *gomod.File
	line     *modfile.Line
	role     role
	mod      module.Version
	indirect bool
	pl       *modplan.Line
}

// fetched reports whether the go command downloads u.mod when it builds
// the module now (see modplan.Line.Fetched): only then may a failure to
// fetch it be an error.
func (u modUse) fetched() bool { return u.pl.Fetched() }

// pathToken returns the token of the module path (for a replace, the
// target's).
func (u modUse) pathToken() gomod.Token {
	if u.role == roleReplaceTarget {
		p, _, _ := u.f.ReplaceTargetTokens(u.line)
		return p
	}
	t, _ := u.f.PathToken(u.line)
	return t
}

// versionToken returns the token of the version.
func (u modUse) versionToken() gomod.Token {
	if u.role == roleReplaceTarget {
		_, v, _ := u.f.ReplaceTargetTokens(u.line)
		return v
	}
	t, _ := u.f.VersionToken(u.line)
	return t
}

func (u modUse) pathSpan() span.Span    { return nonEmpty(u.pathToken().Span, u.f.LineSpan(u.line)) }
func (u modUse) versionSpan() span.Span { return nonEmpty(u.versionToken().Span, u.f.LineSpan(u.line)) }

func nonEmpty(sp, fallback span.Span) span.Span {
	if sp.Empty() {
		return fallback
	}
	return sp
}

// moduleUses lists the module versions of the snapshot's lines that can be
// looked up, in file order: requires that the go command fetches itself
// (not replaced, not excluded; in vendor mode, those it would fetch
// without the vendor directory), excludes, and module targets of replaces
// (used or not: an unused one is only warned about).
func moduleUses(s *snapshot.Snapshot) []modUse {
	var uses []modUse
	for _, l := range modplan.Of(s).Lines {
		if !modplan.Fetchable(l.Mod) {
			continue
		}
		u := modUse{file: l.File, f: l.F, line: l.Syntax, mod: l.Mod, indirect: l.Indirect, pl: l}
		switch l.Role {
		case modplan.Require:
			if l.Ignored != "" || l.ReplacedBy != nil {
				continue
			}
			u.role = roleRequire
		case modplan.Exclude:
			u.role = roleExclude
		case modplan.Replace:
			u.role = roleReplaceTarget
		}
		uses = append(uses, u)
	}
	return uses
}

// lookups lists the module uses the network analyzers may look up: those
// whose path may be sent to the GOPROXY chain (see modplan.Plan.Lookable).
func lookups(s *snapshot.Snapshot) []modUse {
	var out []modUse
	plan := modplan.Of(s)
	for _, u := range moduleUses(s) {
		if plan.Lookable(u.mod.Path) {
			out = append(out, u)
		}
	}
	return out
}

// eachLookup runs fn concurrently (at most 64 at a time; the module
// source bounds requests per host) for each module use the network
// analyzers may look up and keep accepts (nil: all), and waits. fn reports
// through its pass, whose Report is safe for concurrent use and holds the
// verdict contract for lines whose version the go command does not fetch
// (see modUse.judge).
func eachLookup(pass *Pass, keep func(modUse) bool, fn func(pass *Pass, ctx context.Context, src snapshot.Source, u modUse)) error {
	src := pass.Snapshot.Source
	if src == nil {
		return nil
	}
	g, ctx := errgroup.WithContext(pass.Context)
	g.SetLimit(64)
	for _, u := range lookups(pass.Snapshot) {
		if keep != nil && !keep(u) {
			continue
		}
		p := *pass
		if !u.fetched() {
			p.Report = func(d Diagnostic) {
				if d, ok := u.judge(d); ok {
					pass.Report(d)
				}
			}
		}
		g.Go(func() error {
			fn(&p, ctx, src, u)
			return nil
		})
	}
	return g.Wait()
}

// judge keeps the verdict contract for a use whose version the go command
// does not fetch (an exclude, a replace it does not use, any line in
// vendor mode): nothing about that version can make it fail now. Facts
// that would matter if the line came into use, or were fetched (the
// version or module does not exist, it declares another path), stay, as
// warnings that say why they do not matter now; failures of the proxy are
// dropped, and so is advice (retractions, deprecations, upgrades) about a
// line the go command does not use. In vendor mode the line is used:
// advice stays as it is.
func (u modUse) judge(d Diagnostic) (Diagnostic, bool) {
	if u.pl.Vendored != "" {
		switch d.Code {
		case CodeProxyUnreachable, CodeProxyAuthRequired, CodeProxyError, CodeVCSAuthRequired, CodeVCSMissing, CodeVCSRefused:
			return d, false
		}
		return u.vendored(d), true
	}
	switch d.Code {
	case CodeUnknownVersion, CodeUnknownModule, CodeModulePathMismatch, CodeInvalidVersion:
	default:
		return d, false
	}
	if u.role == roleExclude && d.Code != CodeUnknownVersion {
		return d, false
	}
	if d.Severity < Warning {
		d.Severity = Warning
	}
	if why := u.pl.Ignored; why != "" {
		d.Message += "; not an error now: " + why
	}
	return d, true
}

// vendored makes an error about fetching u a warning in vendor mode, where
// the go command fetches nothing, saying so.
func (u modUse) vendored(d Diagnostic) Diagnostic {
	if why := u.pl.Vendored; why != "" && d.Severity < Warning {
		d.Severity = Warning
		d.Message += "; not an error now: " + why
	}
	return d
}

func notExcluded(u modUse) bool  { return u.role != roleExclude }
func onlyRequires(u modUse) bool { return u.role == roleRequire }
