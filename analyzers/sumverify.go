package analyzers

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"golang.org/x/mod/module"
	"golang.org/x/sync/errgroup"

	"github.com/gomodls/gomodls/fixes"
	"github.com/gomodls/gomodls/internal/checksum"
	"github.com/gomodls/gomodls/internal/gosum"
	"github.com/gomodls/gomodls/internal/modplan"
	"github.com/gomodls/gomodls/internal/snapshot"
	"github.com/gomodls/gomodls/internal/span"
)

// SumVerify checks go.sum lines against the checksum database and the
// module cache.
var SumVerify = &Analyzer{
	Name: "sumverify",
	Doc: `verify go.sum and go.work.sum lines against the checksum database and the module cache

Each module version in go.sum is looked up in the checksum database
(GOSUMDB), reached as the go command reaches it: through each GOPROXY
proxy's /sumdb/<name>/ when the proxy supports it, else directly. The
database's answers are verified against its signed, append-only log; its
tiles, lookups and latest tree head are kept in gomodls' cache directory,
so later checks verify from disk.

- sum-mismatch (error): a line disagrees with the checksum database, or
  with the copy already downloaded to the module cache (its .ziphash and
  .mod). The message shows both hashes: this can mean that the module, the
  database or go.sum was tampered with. The explicit fix replaces the line
  with the database's hash; it is never preferred, never applied by "fix
  all" or "gomodls check -fix", and not offered when the content served
  contradicts the database.
- sum-unverified (information): the lines could not be verified, and why:
  the module is excluded by GONOSUMDB/GOPRIVATE (per module, naming the
  pattern), GOSUMDB=off, the database has no record of the version, or it
  could not be reached (once per file). Excluded modules are still compared
  with the module cache.
- sumdb-misbehavior (error): the database served a tree inconsistent with
  the one seen before (a forked log). This is reported, never a crash;
  nothing the database says is used until the next recheck.

In vendor mode these errors are warnings: the go command then reads no
go.sum and asks no checksum database.

With the setting verifyZips (gomodls check -verify, the gomodls.verifySums
command; never in the background by default), the zip of every module
version go.sum has a zip line for is hashed too: the module cache's, or
else one downloaded through the GOPROXY chain (kept in gomodls' cache, so
later checks compare with it without downloading). That finds a tampered
zip hash under GOSUMDB=off or GONOSUMDB before the go command stops on it
with SECURITY ERROR when it downloads the module. It also hashes the module
cache's extracted copies, as go mod verify does:

- modcache-modified (error): a module cache directory (or zip) no longer
  hashes to what was downloaded: go mod verify fails with "dir has been
  modified", and go build uses the modified files without checking them.
  Reported on the require line of the module (else on its go.sum line).

Paths matched by GONOSUMDB (GOPRIVATE by default) are never sent to the
database. For go.mod lines whose go.sum entries are missing (summissing), the
analyzer looks the hashes up so that summissing's fix can add them, and
reports sum-mismatch on the require when what the proxy serves contradicts
the database (adding those lines would only move the failure).`,
	Codes:   []*Code{CodeSumMismatch, CodeSumUnverified, CodeSumDBMisbehavior, CodeModCacheModified},
	Network: true,
	Run:     runSumVerify,
}

// sumGroup is the lines of one module version in one go.sum file.
type sumGroup struct {
	kind  snapshot.FileKind
	file  *gosum.File
	mod   module.Version
	lines []*gosum.Line
}

type sumResult struct {
	sums *checksum.Sums
	err  error
}

func runSumVerify(pass *Pass) error {
	snap := pass.Snapshot
	src := snap.Sums
	if src == nil {
		return nil
	}
	if plan := modplan.Of(snap); plan.Vendor() {
		// The go command reads no go.sum and asks no checksum database in
		// vendor mode: what is wrong matters once it downloads again.
		report := pass.Report
		p := *pass
		p.Report = func(d Diagnostic) {
			if d.Severity == Error {
				d.Severity = Warning
				d.Message += "; not an error now: the go command builds from the vendor directory, and checks go.sum only when it downloads (go mod vendor, go mod tidy, -mod=mod)"
			}
			report(d)
		}
		pass = &p
	}
	var groups []*sumGroup
	for _, kind := range []snapshot.FileKind{snapshot.GoSum, snapshot.GoWorkSum} {
		f := snap.Sum
		if kind == snapshot.GoWorkSum {
			f = snap.WorkSum
		}
		if f == nil {
			continue
		}
		index := map[module.Version]*sumGroup{}
		for _, l := range f.Lines {
			m := l.Mod()
			g := index[m]
			if g == nil {
				g = &sumGroup{kind: kind, file: f, mod: m}
				index[m] = g
				groups = append(groups, g)
			}
			g.lines = append(g.lines, l)
		}
	}
	// The go.mod files of the module graph first: which go.sum lines are
	// missing depends on them (summissing reads them from the caches).
	FetchGoMods(pass.Context, snap)
	missing := MissingSums(snap)
	preload := make([]module.Version, 0, len(groups)+len(missing))
	for _, gr := range groups {
		preload = append(preload, gr.mod)
	}
	for _, m := range missing {
		preload = append(preload, m.Mod)
	}
	src.Preload(preload)

	// Look everything up concurrently; report in file order afterwards.
	var mu sync.Mutex
	results := map[module.Version]sumResult{}
	warm := make([]sumResult, len(missing))
	g, ctx := errgroup.WithContext(pass.Context)
	g.SetLimit(32)
	// With verifyZips, zips go.sum has a line for are downloaded and
	// hashed (what the go command would download), not only compared with
	// the caches.
	verifyZips := snap.Settings != nil && snap.Settings.VerifyZips
	zipLines := map[module.Version]bool{}
	for _, gr := range groups {
		for _, l := range gr.lines {
			zipLines[gr.mod] = zipLines[gr.mod] || !l.GoMod
		}
	}
	seen := map[module.Version]bool{}
	for _, gr := range groups {
		if seen[gr.mod] {
			continue
		}
		seen[gr.mod] = true
		mode := checksum.Verify
		if verifyZips && zipLines[gr.mod] && modplan.Of(snap).Lookable(gr.mod.Path) {
			mode = checksum.Download
		}
		g.Go(func() error {
			s, err := src.Sums(ctx, gr.mod.Path, gr.mod.Version, mode)
			if err == nil && s.Verified && s.ServedGoMod == "" && disagrees(gr, s) {
				// Before showing a mismatch, ask the proxy what it serves:
				// it tells whether go.sum or the database is the odd one out.
				if s2, err2 := src.Sums(ctx, gr.mod.Path, gr.mod.Version, checksum.GoModLine); err2 == nil {
					s = s2
				}
			}
			mu.Lock()
			results[gr.mod] = sumResult{s, err}
			mu.Unlock()
			return nil
		})
	}
	for i, m := range missing {
		g.Go(func() error {
			s, err := src.Sums(ctx, m.Mod.Path, m.Mod.Version, m.Mode())
			warm[i] = sumResult{s, err}
			return nil
		})
	}
	g.Wait()
	if pass.Context.Err() != nil {
		return nil
	}

	var security *checksum.Error
	noteSecurity := func(err error) bool {
		var e *checksum.Error
		if errors.As(err, &e) && e.Kind == checksum.Security {
			if security == nil {
				security = e
			}
			return true
		}
		return false
	}
	// Failures that leave whole files unverified, reported once per file.
	type fileFailure struct {
		first error
		mods  int
	}
	fileFailures := map[snapshot.FileKind]*fileFailure{}
	for _, gr := range groups {
		r := results[gr.mod]
		if r.err != nil {
			if noteSecurity(r.err) || checksum.IsCanceled(r.err) {
				continue
			}
			if e, ok := asSumError(r.err); ok && e.Kind == checksum.NotFound {
				reportNotInDB(pass, gr, e)
				continue
			}
			ff := fileFailures[gr.kind]
			if ff == nil {
				ff = &fileFailure{first: r.err}
				fileFailures[gr.kind] = ff
			}
			ff.mods++
			continue
		}
		s := r.sums
		if s.Excluded == "GOSUMDB=off" {
			ff := fileFailures[gr.kind]
			if ff == nil {
				ff = &fileFailure{first: &checksum.Error{Kind: checksum.Excluded, Reason: "GOSUMDB=off"}}
				fileFailures[gr.kind] = ff
			}
			ff.mods++
		} else if s.Excluded != "" {
			l := gr.lines[0]
			pass.Report(Diagnostic{File: gr.kind, Span: l.PathSpan, Code: CodeSumUnverified, Severity: Information,
				Message: fmt.Sprintf("%s %s not verified: %s keeps it from the checksum database%s", gr.mod.Path, gr.mod.Version, s.Excluded, servedAgreement(gr, s))})
		}
		for _, l := range gr.lines {
			checkSumLine(pass, gr, l, s)
			if !l.GoMod && s.ZipErr != nil && verifyZips {
				pass.Report(Diagnostic{File: gr.kind, Span: l.PathSpan, Code: CodeSumUnverified, Severity: Information, Transient: true,
					Message: fmt.Sprintf("the zip of %s %s was not verified: %v", gr.mod.Path, gr.mod.Version, s.ZipErr)})
			}
		}
	}
	for _, kind := range []snapshot.FileKind{snapshot.GoSum, snapshot.GoWorkSum} {
		ff := fileFailures[kind]
		if ff == nil {
			continue
		}
		f := snap.Sum
		if kind == snapshot.GoWorkSum {
			f = snap.WorkSum
		}
		var msg string
		e, ok := asSumError(ff.first)
		excluded := ok && e.Kind == checksum.Excluded
		switch {
		case excluded:
			msg = fmt.Sprintf("%s is not verified against a checksum database: GOSUMDB=off (%s); the go command trusts these lines as they are", kind, moduleVersions(ff.mods))
		case ok:
			msg = fmt.Sprintf("%s not verified (%s): %s", kind, moduleVersions(ff.mods), e.Describe())
		default:
			msg = fmt.Sprintf("%s not verified (%s): %s", kind, moduleVersions(ff.mods), ff.first.Error())
		}
		pass.Report(Diagnostic{File: kind, Span: firstLineSpan(f), Code: CodeSumUnverified, Severity: Information, Message: msg, Transient: !excluded})
	}
	for i, m := range missing {
		r := warm[i]
		if r.err != nil {
			noteSecurity(r.err)
			continue
		}
		if c := r.sums.Conflict(); c != "" {
			pass.Report(Diagnostic{File: m.File, Span: m.Span, Code: CodeSumMismatch, Severity: Error,
				Message: fmt.Sprintf("checksum mismatch for %s %s: %s; this can mean the module or the database was tampered with: do not add these lines (the go command stops with SECURITY ERROR)", m.Mod.Path, m.Mod.Version, c)})
		}
	}
	if security != nil {
		reportSecurity(pass, security)
	}
	if verifyZips {
		checkModCache(pass, groups)
	}
	return nil
}

// disagrees reports whether a line of gr differs from verified hashes.
func disagrees(gr *sumGroup, s *checksum.Sums) bool {
	for _, l := range gr.lines {
		if want := pick(s, l.GoMod); want != "" && l.Hash != want {
			return true
		}
	}
	return false
}

func pick(s *checksum.Sums, gomod bool) string {
	if gomod {
		return s.GoMod
	}
	return s.Zip
}

func served(s *checksum.Sums, gomod bool) (hash, from string) {
	if gomod {
		return s.ServedGoMod, s.ServedGoModFrom
	}
	return s.ServedZip, s.ServedZipFrom
}

// checkSumLine compares one go.sum line with the database and with what
// was served or downloaded.
func checkSumLine(pass *Pass, gr *sumGroup, l *gosum.Line, s *checksum.Sums) {
	key := l.Key()
	db := ""
	if s.Verified {
		db = pick(s, l.GoMod)
	}
	got, from := served(s, l.GoMod)
	d := Diagnostic{File: gr.kind, Span: l.HashSpan, Code: CodeSumMismatch, Severity: Error}
	switch {
	case db != "" && l.Hash != db:
		d.Message = fmt.Sprintf("checksum mismatch for %s: %s has %s, checksum database %s has %s; this can mean the module or go.sum was tampered with (the go command stops with SECURITY ERROR once it downloads the module)",
			key, gr.kind, l.Hash, s.DB, db)
		switch got {
		case "":
		case db:
			d.Message += fmt.Sprintf("; %s agrees with the database", holder(from))
		case l.Hash:
			d.Message += fmt.Sprintf("; %s agrees with %s, so the database disagrees with the download: find out why before trusting either", holder(from), gr.kind)
		default:
			d.Message += fmt.Sprintf("; %s has yet another hash, %s", holder(from), got)
		}
		if (got == "" || got == db) && s.Conflict() == "" {
			d.Fixes = []fixes.Fix{fixes.ReplaceLineNum(gr.kind, gr.file.Mapper, l.Num, key+" "+db,
				fmt.Sprintf("Replace with the hash verified by %s (find out why they differ first)", s.DB))}
		}
	case got != "" && l.Hash != got && db != "":
		d.Message = fmt.Sprintf("checksum mismatch for %s: %s and checksum database %s have %s, but %s has %s: it is corrupt or was tampered with, and the go command stops with SECURITY ERROR when it uses it%s",
			key, gr.kind, s.DB, l.Hash, holder(from), got, cleanHint(from))
	case got != "" && l.Hash != got:
		d.Message = fmt.Sprintf("checksum mismatch for %s: %s has %s, but %s has %s; this can mean the module or go.sum was tampered with, and no checksum database can tell which is right (%s); the go command stops with SECURITY ERROR when it downloads or uses the module",
			key, gr.kind, l.Hash, holder(from), got, s.Excluded)
	default:
		return
	}
	pass.Report(d)
}

// cleanHint tells how to get rid of a bad module cache copy.
func cleanHint(from string) string {
	if from == "module cache" {
		return " (go clean -modcache removes it)"
	}
	return ""
}

// servedAgreement says, for an unverified module, whether go.sum agrees
// with what was downloaded (mismatches are reported on their lines).
func servedAgreement(gr *sumGroup, s *checksum.Sums) string {
	var froms []string
	for _, l := range gr.lines {
		got, from := served(s, l.GoMod)
		if got == "" || got != l.Hash {
			return ""
		}
		if !containsString(froms, from) {
			froms = append(froms, from)
		}
	}
	for i, f := range froms {
		froms[i] = holder(f)
	}
	return "; its lines match " + strings.Join(froms, " and ")
}

// holder names who has a copy, for messages.
func holder(from string) string {
	switch from {
	case "module cache":
		return "the copy in the module cache"
	case "":
		return "the download"
	}
	return "what " + from + " serves"
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// reportNotInDB reports a module version the database has no record of.
func reportNotInDB(pass *Pass, gr *sumGroup, e *checksum.Error) {
	why := e.ServerText
	if why == "" && e.Status != 0 {
		why = fmt.Sprint(e.Status)
	}
	pass.Report(Diagnostic{File: gr.kind, Span: gr.lines[0].PathSpan, Code: CodeSumUnverified, Severity: Information, Transient: true,
		Message: fmt.Sprintf("%s %s not verified: checksum database %s has no record of it (%s): the version is not public; if the module is private, add its path to GONOSUMDB or GOPRIVATE", gr.mod.Path, gr.mod.Version, e.DB, why)})
}

// reportSecurity reports a forked checksum database once: on go.sum's
// first line, or on the module line of go.mod without a go.sum.
func reportSecurity(pass *Pass, e *checksum.Error) {
	snap := pass.Snapshot
	d := Diagnostic{Code: CodeSumDBMisbehavior, Severity: Error}
	switch {
	case snap.Sum != nil && len(snap.Sum.Lines) > 0:
		d.File, d.Span = snapshot.GoSum, firstLineSpan(snap.Sum)
	case snap.WorkSum != nil && len(snap.WorkSum.Lines) > 0:
		d.File, d.Span = snapshot.GoWorkSum, firstLineSpan(snap.WorkSum)
	case snap.Mod != nil && snap.Mod.Mod.Module != nil:
		d.File, d.Span = snapshot.GoMod, snap.Mod.LineSpan(snap.Mod.Mod.Module.Syntax)
	default:
		return
	}
	via := ""
	if e.URL != "" {
		via = " (via " + e.URL + ")"
	}
	d.Message = fmt.Sprintf("SECURITY ERROR: checksum database %s%s served a tree inconsistent with the one seen before: the database, or a proxy or network in between, is misbehaving, so nothing it says is trusted and go.sum is not verified; the go command stops with \"go.sum database server misbehavior detected\".\n\n%s",
		e.DB, via, strings.TrimSpace(e.Msg))
	pass.Report(d)
}

func firstLineSpan(f *gosum.File) span.Span {
	if len(f.Lines) > 0 {
		return f.Lines[0].Span
	}
	return span.Span{Start: 0, End: f.Mapper.LineEnd(0)}
}

func asSumError(err error) (*checksum.Error, bool) {
	var e *checksum.Error
	ok := errors.As(err, &e)
	return e, ok
}

func moduleVersions(n int) string {
	if n == 1 {
		return "1 module version"
	}
	return fmt.Sprintf("%d module versions", n)
}
