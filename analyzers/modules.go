package analyzers

import (
	"context"

	"golang.org/x/sync/errgroup"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"

	"github.com/gomodls/gomodls/internal/gomod"
	"github.com/gomodls/gomodls/internal/modinfo"
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
// the go command will need: a require not redirected by a replace, the
// module@version target of a replace, or an exclude.
type modUse struct {
	file     snapshot.FileKind
	f        *gomod.File
	line     *modfile.Line
	role     role
	mod      module.Version
	indirect bool
}

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

// checkable reports whether the go command would look the version up: a
// canonical version matching the path's major (local analyzers report the
// rest). Paths the go command cannot fetch (no dot in the first element)
// are kept: the private analyzer explains them, the module source refuses
// them.
func checkable(m module.Version) bool {
	if m.Version == "" || module.CanonicalVersion(m.Version) != m.Version {
		return false
	}
	_, pathMajor, ok := module.SplitPathVersion(m.Path)
	return ok && module.CheckPathMajor(m.Version, pathMajor) == nil
}

// replaces returns every replace of the snapshot (go.mod's and go.work's).
func replaces(s *snapshot.Snapshot) []*modfile.Replace {
	var list []*modfile.Replace
	if s.Mod != nil {
		list = append(list, s.Mod.Mod.Replace...)
	}
	if s.Work != nil {
		list = append(list, s.Work.Work.Replace...)
	}
	return list
}

// redirected reports whether a replace applies to m, so that the go command
// never fetches m itself.
func redirected(reps []*modfile.Replace, m module.Version) bool {
	for _, r := range reps {
		if r.Old.Path == m.Path && (r.Old.Version == "" || r.Old.Version == m.Version) {
			return true
		}
	}
	return false
}

// moduleUses lists the module versions of the snapshot the go command will
// fetch, in file order.
func moduleUses(s *snapshot.Snapshot) []modUse {
	var uses []modUse
	reps := replaces(s)
	if f := s.Mod; f != nil {
		for _, r := range f.Mod.Require {
			if checkable(r.Mod) && !redirected(reps, r.Mod) {
				uses = append(uses, modUse{snapshot.GoMod, f, r.Syntax, roleRequire, r.Mod, r.Indirect})
			}
		}
		for _, x := range f.Mod.Exclude {
			if checkable(x.Mod) {
				uses = append(uses, modUse{snapshot.GoMod, f, x.Syntax, roleExclude, x.Mod, false})
			}
		}
		for _, r := range f.Mod.Replace {
			if !modfile.IsDirectoryPath(r.New.Path) && checkable(r.New) {
				uses = append(uses, modUse{snapshot.GoMod, f, r.Syntax, roleReplaceTarget, r.New, false})
			}
		}
	}
	if f := s.Work; f != nil {
		for _, r := range f.Work.Replace {
			if !modfile.IsDirectoryPath(r.New.Path) && checkable(r.New) {
				uses = append(uses, modUse{snapshot.GoWork, f, r.Syntax, roleReplaceTarget, r.New, false})
			}
		}
	}
	return uses
}

// lookups lists the module uses the network analyzers may look up: those
// whose path may be sent to the GOPROXY chain (see modinfo.Lookable).
func lookups(s *snapshot.Snapshot) []modUse {
	var out []modUse
	for _, u := range moduleUses(s) {
		if modinfo.Lookable(s.Env, u.mod.Path) {
			out = append(out, u)
		}
	}
	return out
}

// eachLookup runs fn concurrently (at most 64 at a time; the module
// source bounds requests per host) for each module
// use the network analyzers may look up and keep accepts (nil: all), and
// waits. fn reports through pass.Report, which is safe for concurrent use.
func eachLookup(pass *Pass, keep func(modUse) bool, fn func(ctx context.Context, src snapshot.Source, u modUse)) error {
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
		g.Go(func() error {
			fn(ctx, src, u)
			return nil
		})
	}
	return g.Wait()
}

func notExcluded(u modUse) bool  { return u.role != roleExclude }
func onlyRequires(u modUse) bool { return u.role == roleRequire }
