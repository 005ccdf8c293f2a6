package main

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"

	"github.com/gomodls/gomodls/internal/report"
)

// This file is the pure part of the command: given what gomodls said
// (its JSON report) and what the go command did (the build list of `go
// list -e -m -json all`, the module-graph errors, the probes of every
// version a line names), it decides per line who is right. No I/O.

// A Line is one statement of the main go.mod (or one go.sum line).
type Line struct {
	File string // "go.mod" or "go.sum"
	Line int    // 1-based
	// Kind is require, replace, exclude, retract, go, toolchain, module,
	// godebug, tool, ignore or sum.
	Kind string
	Text string
	// Mod is the module version the line names: the required or excluded
	// version, the replaced path (and version) of a replace, a go.sum
	// line's module and version (with "/go.mod" stripped).
	Mod module.Version
	// New is the target of a replace (a directory has no version).
	New module.Version
}

// Lines returns the statements of a go.mod, in file order.
func Lines(f *modfile.File) []Line {
	var out []Line
	text := func(l *modfile.Line) string { return strings.Join(l.Token, " ") }
	if f.Module != nil && f.Module.Syntax != nil {
		out = append(out, Line{File: "go.mod", Line: f.Module.Syntax.Start.Line, Kind: "module", Text: text(f.Module.Syntax)})
	}
	if f.Go != nil && f.Go.Syntax != nil {
		out = append(out, Line{File: "go.mod", Line: f.Go.Syntax.Start.Line, Kind: "go", Text: text(f.Go.Syntax)})
	}
	if f.Toolchain != nil && f.Toolchain.Syntax != nil {
		out = append(out, Line{File: "go.mod", Line: f.Toolchain.Syntax.Start.Line, Kind: "toolchain", Text: text(f.Toolchain.Syntax)})
	}
	for _, r := range f.Require {
		out = append(out, Line{File: "go.mod", Line: r.Syntax.Start.Line, Kind: "require", Text: "require " + r.Mod.Path + " " + r.Mod.Version, Mod: r.Mod})
	}
	for _, r := range f.Replace {
		t := "replace " + modString(r.Old) + " => " + modString(r.New)
		out = append(out, Line{File: "go.mod", Line: r.Syntax.Start.Line, Kind: "replace", Text: t, Mod: r.Old, New: r.New})
	}
	for _, x := range f.Exclude {
		out = append(out, Line{File: "go.mod", Line: x.Syntax.Start.Line, Kind: "exclude", Text: "exclude " + x.Mod.Path + " " + x.Mod.Version, Mod: x.Mod})
	}
	for _, r := range f.Retract {
		out = append(out, Line{File: "go.mod", Line: r.Syntax.Start.Line, Kind: "retract", Text: "retract " + strings.Join(r.Syntax.Token, " ")})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Line < out[j].Line })
	return out
}

// SumLines returns the lines of go.sum text that name a module version.
func SumLines(data []byte) []Line {
	var out []Line
	for i, l := range strings.Split(string(data), "\n") {
		f := strings.Fields(l)
		if len(f) != 3 {
			continue
		}
		v := strings.TrimSuffix(f[1], "/go.mod")
		out = append(out, Line{File: "go.sum", Line: i + 1, Kind: "sum", Text: strings.TrimSpace(l), Mod: module.Version{Path: f[0], Version: v}})
	}
	return out
}

// GoModule is one module of `go list -m -json` output (the fields used).
type GoModule struct {
	Path    string
	Version string
	Main    bool
	Replace *GoModule
	Error   *struct{ Err string }
}

// Err returns the module's error, or its replacement's.
func (m *GoModule) Err() string {
	if m.Error != nil {
		return m.Error.Err
	}
	if m.Replace != nil && m.Replace.Error != nil {
		return m.Replace.Error.Err
	}
	return ""
}

// A GoFailure is one module version the go command could not load, with
// its message and the chain of requirements that led to it (as printed by
// cmd/go/internal/mvs.BuildListError: the first element is the root
// requirement of the main module, the last the failing module).
type GoFailure struct {
	Stack []module.Version
	// Replacement is the replacement the go command fetched instead of the
	// last module of Stack ("M@V (replaced by R@RV): ..."), if any.
	Replacement *module.Version
	Msg         string
	// Source says which run reported it: "list -m all" (a module's Error
	// field), "module graph" (the error that fails `go list -m all`,
	// `go mod download`, `go mod tidy`), "go.mod" (the main module could
	// not be loaded) or "download" (go mod download of a go.sum line).
	Source string
	// Line is the go.mod line the go command itself named ("go.mod:12:"),
	// 0 if none.
	Line int
}

// Failing is the module version that failed.
func (f *GoFailure) Failing() module.Version {
	if len(f.Stack) == 0 {
		return module.Version{}
	}
	return f.Stack[len(f.Stack)-1]
}

// A Probe is the answer of `go list -e -m -json path@version` outside any
// module: does the version exist on the GOPROXY chain at all?
type Probe struct {
	OK  bool
	Err string
}

// GoResult is everything the go command said about one file.
type GoResult struct {
	BuildList []GoModule
	Failures  []GoFailure
	// Probes of every module version a go.mod line names.
	Probes map[module.Version]Probe
	// SumsOK are the module versions whose go.sum lines `go mod download`
	// verified.
	SumsOK map[module.Version]bool
	// Fatal is set when the go command could not load the main module at
	// all (then there is no build list).
	Fatal string
	// Graph maps a module version to those requiring it (`go mod graph`,
	// run when something failed; the main module has no version).
	Graph map[module.Version][]module.Version
}

// RequiredVia returns a shortest chain of requirements from a requirement
// of the main module down to m ("a@v1 → b@v2 → m@v3"), "" if unknown.
func (g *GoResult) RequiredVia(m module.Version) string {
	if g == nil || g.Graph == nil {
		return ""
	}
	prev := map[module.Version]module.Version{}
	queue := []module.Version{m}
	seen := map[module.Version]bool{m: true}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for _, p := range g.Graph[cur] {
			if p.Version == "" { // the main module requires cur
				var chain []string
				for x := cur; ; x = prev[x] {
					chain = append(chain, x.String())
					if x == m {
						break
					}
				}
				return strings.Join(chain, " → ")
			}
			if !seen[p] {
				seen[p] = true
				prev[p] = cur
				queue = append(queue, p)
			}
		}
	}
	return ""
}

// Verdict kinds of a line on the go command's side.
const (
	GoOK      = "ok"      // the go command fetched what the line names
	GoFails   = "fails"   // the go command fails because of this line
	GoIgnored = "ignored" // the go command does not fetch what the line names
)

// A LineVerdict pairs both sides' verdicts on a line.
type LineVerdict struct {
	Line
	Go     string // GoOK, GoFails, GoIgnored
	GoWhy  string // go's error (GoFails) or why the line is ignored
	Probe  *Probe // existence of the version the line names (or its replacement)
	Errors []report.Finding
	// Other are gomodls' warnings, infos and hints on the line.
	Other []report.Finding
}

// Kinds of disagreement.
const (
	FalseError = "false error"
	Miss       = "miss"
	WrongCause = "wrong cause"
)

// A Disagreement is one line (or one go failure without a line) on which
// the two sides differ.
type Disagreement struct {
	Kind    string   `json:"kind"`
	File    string   `json:"file"`
	Line    int      `json:"line"`
	Text    string   `json:"text"`
	Gomodls string   `json:"gomodls"` // "code: message" of each error, or warnings for a miss
	Codes   []string `json:"codes,omitempty"`
	Go      string   `json:"go"`              // go's verdict: its error, or why it is fine
	Probe   string   `json:"probe,omitempty"` // `go list -m path@version` outside the module
	Note    string   `json:"note,omitempty"`
}

// Comparison is the per-file outcome.
type Comparison struct {
	Requires     int `json:"requires"`
	GoFailLines  int `json:"goFailLines"` // lines the go command fails on
	BothFail     int `json:"bothFail"`
	FalseErrors  int `json:"falseErrors"`
	Misses       int `json:"misses"`
	WrongCauses  int `json:"wrongCauses"`
	Unattributed int `json:"unattributed"` // go failures on no line of the file (transitive)
	// Gomodls' findings that are not errors, by severity.
	Warnings int `json:"warnings"`
	Infos    int `json:"infos"`
	Hints    int `json:"hints"`
	// Errors and warnings by code, for the summary.
	ErrorCodes   map[string]int `json:"errorCodes,omitempty"`
	WarningCodes map[string]int `json:"warningCodes,omitempty"`

	Disagreements []Disagreement `json:"disagreements,omitempty"`
	// Agreements are the lines where both fail (with matching causes).
	Agreements []Disagreement `json:"agreements,omitempty"`
	// GoOnly are go failures on no line (a module deep in the graph).
	GoOnly []Disagreement `json:"goOnly,omitempty"`
}

// Compare decides, line by line, whether gomodls and the go command agree.
// f is the main go.mod as parsed, sum its go.sum lines (nil without one).
func Compare(f *modfile.File, sum []Line, findings []report.Finding, g *GoResult) *Comparison {
	c := &Comparison{ErrorCodes: map[string]int{}, WarningCodes: map[string]int{}}
	var lines []Line
	if f != nil {
		lines = Lines(f)
		c.Requires = len(f.Require)
	}
	lines = append(lines, sum...)
	verdicts := make([]*LineVerdict, len(lines))
	byLine := map[string]*LineVerdict{}
	key := func(file string, line int) string { return fmt.Sprintf("%s:%d", file, line) }
	for i := range lines {
		verdicts[i] = &LineVerdict{Line: lines[i], Go: GoOK}
		byLine[key(lines[i].File, lines[i].Line)] = verdicts[i]
	}

	// gomodls' findings, by line.
	var fileErrors []report.Finding // errors on no statement (a line we do not model)
	for _, fd := range findings {
		file := baseName(fd.Path)
		switch fd.Severity {
		case "error":
			c.ErrorCodes[fd.Code]++
		case "warning":
			c.Warnings++
			c.WarningCodes[fd.Code]++
		case "info":
			c.Infos++
		default:
			c.Hints++
		}
		v := byLine[key(file, fd.Line)]
		if v == nil && fd.Severity == "error" {
			fileErrors = append(fileErrors, fd)
			continue
		}
		if v == nil {
			continue
		}
		if fd.Severity == "error" {
			v.Errors = append(v.Errors, fd)
		} else {
			v.Other = append(v.Other, fd)
		}
	}

	// The go command's side: what each line makes it fetch.
	selected := map[string]*GoModule{}
	if g != nil {
		for i := range g.BuildList {
			m := &g.BuildList[i]
			if !m.Main {
				selected[m.Path] = m
			}
		}
	}
	replaced := func(m module.Version) *Line { // the replace line that applies to m
		var wild *Line
		for i := range lines {
			l := &lines[i]
			if l.Kind != "replace" || l.Mod.Path != m.Path {
				continue
			}
			if l.Mod.Version == m.Version {
				return l
			}
			if l.Mod.Version == "" {
				wild = l
			}
		}
		return wild
	}
	for _, v := range verdicts {
		switch v.Kind {
		case "require":
			if r := replaced(v.Mod); r != nil {
				v.Go, v.GoWhy = GoIgnored, fmt.Sprintf("replaced by line %d (=> %s)", r.Line, r.New)
			} else if s := selected[v.Mod.Path]; s != nil && s.Version != v.Mod.Version && g.Fatal == "" {
				v.GoWhy = "the module graph selects " + s.Version
			}
		case "replace":
			s := selected[v.Mod.Path]
			switch {
			case g == nil || g.Fatal != "":
			case s == nil:
				v.Go, v.GoWhy = GoIgnored, v.Mod.Path+" is not in the build list"
			case v.Mod.Version != "" && s.Version != v.Mod.Version:
				v.Go, v.GoWhy = GoIgnored, "the build list selects "+s.Path+" "+s.Version+", not "+v.Mod.Version
			case v.Mod.Version == "" && replaced(module.Version{Path: s.Path, Version: s.Version}).Line != v.Line.Line:
				v.Go, v.GoWhy = GoIgnored, "a versioned replace of "+s.Path+" "+s.Version+" takes precedence"
			}
		case "exclude":
			v.Go, v.GoWhy = GoIgnored, "an exclude makes the go command fetch nothing"
			if s := selected[v.Mod.Path]; s != nil && s.Version == v.Mod.Version {
				// cmd/go never selects an excluded version; listed anyway.
				v.GoWhy = "excluded, yet selected " + s.Version
			}
		case "sum":
			if g != nil && g.SumsOK[v.Mod] {
				v.GoWhy = "go mod download verified it"
			} else {
				v.Go, v.GoWhy = GoIgnored, "not checked: go mod download runs only for go.sum lines gomodls flags"
			}
		}
		if g != nil && g.Probes != nil {
			m := v.Mod
			if v.Kind == "replace" && v.New.Version != "" {
				m = v.New
			}
			if p, ok := g.Probes[m]; ok && m.Version != "" {
				v.Probe = &p
			}
		}
	}

	// The go command's failures, attributed to the lines they come from.
	if g != nil {
		failures := g.Failures
		if g.Fatal != "" && len(failures) == 0 {
			failures = []GoFailure{{Msg: g.Fatal, Source: "go.mod"}}
		}
		for _, fl := range mergeFailures(failures) {
			cands := candidates(lines, fl, replaced)
			if len(cands) == 0 {
				d := Disagreement{Kind: Miss, File: "go.mod", Go: fl.Msg, Note: "no line of the file names the failing module (" + fl.Source + ")"}
				if fm := fl.Failing(); fm.Path != "" {
					d.Text = fm.String()
					if via := g.RequiredVia(fm); via != "" {
						d.Note += "; required via " + via
					}
					// gomodls agrees if some error names the module.
					for _, e := range fileErrors {
						if strings.Contains(e.Message, fm.Path) {
							d.Kind = ""
						}
					}
				}
				c.Unattributed++
				if d.Kind == "" {
					continue
				}
				c.GoOnly = append(c.GoOnly, d)
				continue
			}
			for _, l := range cands {
				v := byLine[key(l.File, l.Line)]
				if v.Go == GoFails {
					if !strings.Contains(v.GoWhy, fl.Msg) {
						v.GoWhy += "\n" + fl.Msg
					}
					continue
				}
				v.Go, v.GoWhy = GoFails, fl.Msg
			}
			// One failure, one verdict: a miss when no candidate line has
			// an error.
			hit := false
			for _, l := range cands {
				if len(byLine[key(l.File, l.Line)].Errors) > 0 {
					hit = true
				}
			}
			if !hit {
				l := cands[0]
				v := byLine[key(l.File, l.Line)]
				d := disagreement(Miss, v)
				for _, o := range v.Other {
					d.Gomodls += o.Severity + " " + o.Code + ": " + o.Message + "\n"
				}
				d.Gomodls = strings.TrimSpace(d.Gomodls)
				if d.Gomodls == "" {
					d.Gomodls = "nothing"
				}
				if len(cands) > 1 {
					d.Note = "also attributable to lines " + lineList(cands[1:])
				}
				c.Disagreements = append(c.Disagreements, d)
				c.Misses++
			}
		}
	}

	for _, v := range verdicts {
		if v.Go == GoFails {
			c.GoFailLines++
		}
		if len(v.Errors) == 0 {
			continue
		}
		if v.Go != GoFails {
			c.FalseErrors++
			c.Disagreements = append(c.Disagreements, disagreement(FalseError, v))
			continue
		}
		c.BothFail++
		d := disagreement("", v)
		if why := causeMismatch(v.Errors, v.GoWhy); why != "" {
			d.Kind, d.Note = WrongCause, why
			c.WrongCauses++
			c.Disagreements = append(c.Disagreements, d)
		} else {
			c.Agreements = append(c.Agreements, d)
		}
	}
	for _, e := range fileErrors {
		c.FalseErrors++
		c.Disagreements = append(c.Disagreements, Disagreement{Kind: FalseError, File: baseName(e.Path), Line: e.Line,
			Gomodls: e.Code + ": " + e.Message, Codes: []string{e.Code}, Go: "(no statement on this line)"})
	}
	sort.SliceStable(c.Disagreements, func(i, j int) bool {
		a, b := c.Disagreements[i], c.Disagreements[j]
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Line < b.Line
	})
	return c
}

func lineList(ls []Line) string {
	var s []string
	for _, l := range ls {
		s = append(s, fmt.Sprint(l.Line))
	}
	return strings.Join(s, ", ")
}

func baseName(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}

func disagreement(kind string, v *LineVerdict) Disagreement {
	d := Disagreement{Kind: kind, File: v.File, Line: v.Line.Line, Text: v.Text, Go: v.Go}
	var msgs []string
	for _, e := range v.Errors {
		msgs = append(msgs, e.Code+": "+e.Message)
		if !slices.Contains(d.Codes, e.Code) {
			d.Codes = append(d.Codes, e.Code)
		}
	}
	d.Gomodls = strings.Join(msgs, "\n")
	switch v.Go {
	case GoOK:
		d.Go = "ok (fetched)"
		if v.GoWhy != "" {
			d.Go += "; " + v.GoWhy
		}
	case GoIgnored:
		d.Go = "ignored: " + v.GoWhy
	default:
		d.Go = v.GoWhy
	}
	if v.Probe != nil {
		if v.Probe.OK {
			d.Probe = "exists"
		} else {
			d.Probe = v.Probe.Err
		}
	}
	return d
}

// mergeFailures folds failures of the same module version (a module's
// Error field and the module graph's error about it) into one.
func mergeFailures(fs []GoFailure) []GoFailure {
	var out []GoFailure
	idx := map[string]int{}
	for _, f := range fs {
		k := f.Failing().String()
		if len(f.Stack) > 0 {
			k = f.Stack[0].String() + ">" + k
		} else {
			k = fmt.Sprintf("line %d: %s", f.Line, f.Msg)
		}
		if i, ok := idx[k]; ok {
			if !strings.Contains(out[i].Msg, f.Msg) {
				out[i].Msg += "\n" + f.Msg
			}
			continue
		}
		idx[k] = len(out)
		out = append(out, f)
	}
	return out
}

// candidates returns the lines a go failure is attributed to: for a
// failure loading the main go.mod, the line the go command names (or the
// go line for a go version error); otherwise the require line of the root
// of the requirement chain, and the replace line that applies to it.
func candidates(lines []Line, f GoFailure, replaced func(module.Version) *Line) []Line {
	var out []Line
	add := func(l Line) {
		for _, o := range out {
			if o.File == l.File && o.Line == l.Line {
				return
			}
		}
		out = append(out, l)
	}
	if len(f.Stack) == 0 {
		for _, l := range lines {
			if f.Line > 0 && l.File == "go.mod" && l.Line == f.Line {
				add(l)
			}
			if f.Line == 0 && l.Kind == "go" && strings.Contains(f.Msg, "requires go >=") {
				add(l)
			}
		}
		return out
	}
	root := f.Stack[0]
	if f.Source == "download" {
		for _, l := range lines {
			if l.Kind == "sum" && l.Mod == root {
				add(l)
			}
		}
	}
	for _, l := range lines {
		if l.Kind == "require" && l.Mod.Path == root.Path {
			add(l)
		}
	}
	if r := replaced(root); r != nil {
		add(*r)
	}
	if len(out) == 0 {
		// The failing module may be named by a replace target only.
		for _, l := range lines {
			if l.Kind == "replace" && f.Replacement != nil && l.New == *f.Replacement {
				add(l)
			}
		}
	}
	return out
}

// Causes: what the go command's message says went wrong, and the gomodls
// codes that say the same.
var causes = []struct {
	name  string
	match func(msg string) bool
	codes []string
}{
	{"module path mismatch", has("module declares its path as"), []string{"module-path-mismatch"}},
	{"go.mod parse error", has(": usage:", "parsing go.mod", "unknown directive", "malformed"), []string{"parse-error", "invalid-version", "sum-malformed"}},
	{"toolchain too old", has("requires go >="), []string{"go-version-unsupported"}},
	{"checksum mismatch", has("checksum mismatch", "SECURITY ERROR"), []string{"sum-mismatch", "sumdb-misbehavior"}},
	{"missing go.sum entry", has("missing go.sum entry"), []string{"sum-missing"}},
	{"replacement directory missing", has("replacement directory", "does not exist"), []string{"replace-dir-missing", "replace-dir-no-gomod"}},
	{"network", has("dial tcp", "i/o timeout", "connection refused", "no such host", "Could not resolve host", "TLS handshake", "connection reset"), []string{"proxy-unreachable"}},
	{"invalid version", has("invalid version", "invalid pseudo-version", "+incompatible suffix not allowed", "should be v0 or v1", "should be v"), []string{"invalid-version", "unknown-version", "unknown-module"}},
	{"host not served", has("400 Bad Request", "not permitted"), []string{"module-not-served", "unknown-module", "unknown-version"}},
	{"not found on the proxy", has("This module version is not available", "404 Not Found", "410 Gone", "unknown revision", "no matching versions", "not found"), []string{"unknown-version", "unknown-module", "module-not-served"}},
	{"proxy refused (auth)", has("401 Unauthorized", "403 Forbidden"), []string{"proxy-auth-required", "module-not-served", "private-module-not-configured"}},
	{"proxy error", has("500 Internal", "502 Bad Gateway", "503 Service", "504 Gateway"), []string{"proxy-error", "proxy-unreachable"}},
	{"terminal prompts disabled", has("terminal prompts disabled", "could not read Username"), []string{"private-module-not-configured", "proxy-auth-required"}},
}

func has(subs ...string) func(string) bool {
	return func(msg string) bool {
		for _, s := range subs {
			if strings.Contains(msg, s) {
				return true
			}
		}
		return false
	}
}

// Cause names the first cause whose pattern the go command's message
// matches ("" if none does).
func Cause(goMsg string) (name string, codes []string) {
	for _, c := range causes {
		if c.match(goMsg) {
			return c.name, c.codes
		}
	}
	return "", nil
}

// causeMismatch explains why gomodls' errors give another cause than the
// go command's message, or returns "" when one of them gives the same.
func causeMismatch(errs []report.Finding, goMsg string) string {
	name, codes := Cause(goMsg)
	if name == "" {
		return "" // a message we cannot classify: any error agrees
	}
	var got []string
	for _, e := range errs {
		if slices.Contains(codes, e.Code) {
			return ""
		}
		got = append(got, e.Code)
	}
	return fmt.Sprintf("go: %s (gomodls codes for it: %s); gomodls: %s", name, strings.Join(codes, ", "), strings.Join(got, ", "))
}

// modString is "path version", or "path" without a version.
func modString(m module.Version) string {
	if m.Version == "" {
		return m.Path
	}
	return m.Path + " " + m.Version
}
