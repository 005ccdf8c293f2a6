package modplan

import (
	"fmt"
	"go/version"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/gomodls/gomodls/internal/gomod"
	"github.com/gomodls/gomodls/internal/snapshot"
)

// ToolchainModule is the module the go command downloads toolchains as.
const ToolchainModule = "golang.org/toolchain"

// A Toolchain is the go command's choice of the Go toolchain that runs in
// the snapshot's directory (toolchain.Select): the local one, the minimum
// GOTOOLCHAIN names, or, when GOTOOLCHAIN allows switching (auto, path,
// or a +auto / +path suffix), a newer one that the go or toolchain line of
// go.work (in workspace mode) or go.mod asks for.
type Toolchain struct {
	// Local is the version of the local toolchain (GOVERSION, "go1.26.8"),
	// "" when unknown: then nothing else is known either.
	Local string
	// Setting is GOTOOLCHAIN as configured.
	Setting string
	// Min is the toolchain that runs when nothing asks for a newer one:
	// Local, or the minimum GOTOOLCHAIN names (go1.25.0 of go1.25.0+auto).
	Min string
	// Mode is "auto" (switch, downloading if needed), "path" (switch to a
	// toolchain found in PATH only) or "" (never switch).
	Mode string
	// File is the go.work or go.mod whose go and toolchain lines the choice
	// reads, F its parsed form and Kind its kind when it is one of the
	// snapshot's own files (Own).
	File string
	F    *gomod.File
	Kind snapshot.FileKind
	Own  bool
	// Target is the toolchain the go command switches to ("go1.99.0"), ""
	// when the local one runs. Line says what asks for it: the "go" or
	// "toolchain" line, or "GOTOOLCHAIN" (a minimum other than the local
	// toolchain).
	Target string
	Line   string
	// Err is the go command's refusal of GOTOOLCHAIN or of the toolchain
	// line, worded as it words it ("invalid GOTOOLCHAIN ..."): every go
	// command fails.
	Err error
}

// Running returns the toolchain that runs: Target, or the local one.
func (t Toolchain) Running() string {
	if t.Target != "" {
		return t.Target
	}
	return t.Local
}

// ModuleVersion returns the version of golang.org/toolchain that holds the
// toolchain named name for the go command's platform (gomodls' own:
// runtime.GOOS and runtime.GOARCH, as toolchain.Exec uses the go
// command's).
func ModuleVersion(name string) string {
	return "v0.0.1-" + name + "." + runtime.GOOS + "-" + runtime.GOARCH
}

// Platform is the GOOS/GOARCH the go command downloads toolchains for
// ("linux/amd64").
func Platform() string { return runtime.GOOS + "/" + runtime.GOARCH }

type toolchainKey struct{}

// Toolchain returns the go command's choice of toolchain for the snapshot.
func (p *Plan) Toolchain() Toolchain {
	return p.snap.Memo(toolchainKey{}, func() any { return p.toolchain() }).(Toolchain)
}

func (p *Plan) toolchain() Toolchain {
	var t Toolchain
	env := p.snap.Env
	if env == nil || !version.IsValid(env.Get("GOVERSION")) {
		return t
	}
	t.Local = env.Get("GOVERSION")
	t.Setting = env.Get("GOTOOLCHAIN")
	t.Min = t.Local
	if t.Setting == "" {
		return t // only a broken GOROOT leaves it empty: no switching
	}
	switch t.Setting {
	case "auto", "path":
		t.Mode = t.Setting
	default:
		min, suffix, plus := strings.Cut(t.Setting, "+")
		if min != "local" {
			if FromToolchain(min) == "" {
				if plus {
					t.Err = fmt.Errorf("invalid GOTOOLCHAIN %q: invalid minimum toolchain %q", t.Setting, min)
				} else {
					t.Err = fmt.Errorf("invalid GOTOOLCHAIN %q", t.Setting)
				}
				return t
			}
			t.Min = min
		}
		if plus && suffix != "auto" && suffix != "path" {
			t.Err = fmt.Errorf("invalid GOTOOLCHAIN %q: only version suffixes are +auto and +path", t.Setting)
			return t
		}
		t.Mode = suffix
	}
	// modGoToolchain: the go.work the go command finds, else go.mod.
	s := p.snap
	if wf, path := s.WorkFile(); wf != nil {
		t.F, t.File = wf, path
		t.Kind, t.Own = snapshot.GoWork, s.Work == wf
	} else if s.Mod != nil {
		t.F, t.File, t.Kind, t.Own = s.Mod, s.Path(snapshot.GoMod), snapshot.GoMod, true
	}
	if t.Mode == "" || t.F == nil {
		return t.switchTo(t.Min, "")
	}
	goV, tc := goAndToolchain(t.F)
	minV := FromToolchain(t.Min)
	target := ""
	if tc != "" && tc != "default" {
		tv := FromToolchain(tc)
		if tv == "" || !strings.HasPrefix(tc, "go") && !strings.Contains(tc, "-go") {
			t.Err = fmt.Errorf("invalid toolchain %q in %s", tc, filepath.Base(t.File))
			return t
		}
		if version.Compare("go"+tv, "go"+minV) > 0 {
			target, minV, t.Line = tc, tv, "toolchain"
		}
	}
	if tc != "default" && goV != "" && version.Compare("go"+goV, "go"+minV) > 0 {
		target, t.Line = "go"+goV, "go"
		// A language version names no release from Go 1.21 on: its
		// first release is X.Y.0 (golang.org/issue/62278).
		if version.Lang("go"+goV) == "go"+goV && version.Compare("go"+goV, "go1.21") >= 0 {
			target += ".0"
		}
	}
	if target == "" {
		return t.switchTo(t.Min, "")
	}
	return t.switchTo(target, t.Line)
}

// switchTo sets the toolchain the go command runs when it is not the
// local one (the end of toolchain.Select).
func (t Toolchain) switchTo(target, line string) Toolchain {
	t.Line = ""
	if target == "local" || target == t.Local {
		return t
	}
	if !strings.HasPrefix(target, "go1") && !strings.Contains(target, "-go1") {
		t.Err = fmt.Errorf("invalid GOTOOLCHAIN %q", target)
		return t
	}
	t.Target, t.Line = target, line
	if line == "" {
		t.Line = "GOTOOLCHAIN"
	}
	return t
}

// goAndToolchain returns the go and toolchain lines of a go.mod or go.work.
func goAndToolchain(f *gomod.File) (goV, tc string) {
	switch {
	case f.Mod != nil:
		if f.Mod.Go != nil {
			goV = f.Mod.Go.Version
		}
		if f.Mod.Toolchain != nil {
			tc = f.Mod.Toolchain.Name
		}
	case f.Work != nil:
		if f.Work.Go != nil {
			goV = f.Work.Go.Version
		}
		if f.Work.Toolchain != nil {
			tc = f.Work.Toolchain.Name
		}
	}
	return goV, tc
}

// FromToolchain returns the Go version of a toolchain name ("1.21.3" for
// "go1.21.3" or "go1.21.3-bigcorp"), or "" when name is not one
// (gover.FromToolchain).
func FromToolchain(name string) string {
	if strings.ContainsAny(name, `\/`) {
		return "" // exec.LookPath would resolve it relative to the directory
	}
	v, ok := strings.CutPrefix(name, "go")
	if !ok {
		return ""
	}
	if i := strings.IndexAny(v, " \t-"); i >= 0 {
		v = v[:i]
	}
	if !version.IsValid("go" + v) {
		return ""
	}
	return v
}

// OnPath returns the executable named name in the environment's PATH, or
// "" (the go command runs a toolchain found there before it downloads
// one: toolchain.Exec).
func (p *Plan) OnPath(name string) string {
	env := p.snap.Env
	if env == nil || name == "" {
		return ""
	}
	for _, dir := range filepath.SplitList(env.Get("PATH")) {
		if dir == "" {
			continue
		}
		file := filepath.Join(dir, name)
		if runtime.GOOS == "windows" {
			file += ".exe"
		}
		if fi, err := p.snap.FS.Stat(file); err == nil && fi.Mode().IsRegular() && (runtime.GOOS == "windows" || fi.Mode()&0o111 != 0) {
			return file
		}
	}
	return ""
}

// ToolchainCached reports whether the module cache holds the toolchain
// name for this platform, unpacked: the go command then does not download
// it (modfetch.download).
func (p *Plan) ToolchainCached(name string) bool {
	env := p.snap.Env
	if env == nil || env.Get("GOMODCACHE") == "" {
		return false
	}
	dir := filepath.Join(env.Get("GOMODCACHE"), filepath.FromSlash(ToolchainModule)+"@"+ModuleVersion(name))
	fi, err := p.snap.FS.Stat(dir)
	return err == nil && fi.IsDir()
}
