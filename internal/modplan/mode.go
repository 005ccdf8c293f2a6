package modplan

import (
	"fmt"
	"go/version"
	"path/filepath"
	"strings"

	"github.com/gomodls/gomodls/internal/snapshot"
)

// Build modes: the values of the go command's -mod flag (cfg.BuildMod).
const (
	ModReadonly = "readonly" // go.mod and go.sum are never updated; missing sums fail
	ModMod      = "mod"      // go.mod and go.sum are updated as needed
	ModVendor   = "vendor"   // packages come from vendor/; no module is looked up
)

// A Mode is how `go build`, `go list` and `go test` treat go.mod, go.sum
// and vendor/ (modload.setDefaultBuildMod, work.BuildInit): from -mod in
// GOFLAGS, else vendor when a vendor directory exists and the go version
// is 1.14 or later, else readonly. Commands that update go.mod (`go get`,
// `go mod tidy`, `go mod download`) run with -mod=mod whatever GOFLAGS
// says.
type Mode struct {
	// Mod is ModReadonly, ModMod or ModVendor.
	Mod string
	// Explicit says that GOFLAGS sets -mod.
	Explicit bool
	// Reason says why Mod applies, in words ("GOFLAGS=-mod=mod", "the
	// vendor directory exists and go.mod says go 1.22").
	Reason string
	// VendorDir is the vendor directory the go command would use: beside
	// go.work in workspace mode, else beside go.mod.
	VendorDir string
	// ModFile is the -modfile of GOFLAGS, "" if none: the go command reads
	// that file (and the .sum beside it) instead of go.mod and go.sum.
	ModFile string
	// Err is the go command's refusal of the -mod or -modfile in GOFLAGS,
	// worded exactly as it prints it, with which go build, go list and go
	// test fail.
	Err error
}

type modeKey struct{}

// Mode returns the build mode of the go command for the snapshot.
func (p *Plan) Mode() Mode {
	return p.snap.Memo(modeKey{}, func() any { return p.mode() }).(Mode)
}

func (p *Plan) mode() Mode {
	m := Mode{Mod: ModReadonly, Reason: "the default"}
	s := p.snap
	if p.work != nil {
		m.VendorDir = filepath.Join(filepath.Dir(p.workPath), "vendor")
	} else {
		m.VendorDir = filepath.Join(s.Dir, "vendor")
	}
	if s.Env == nil {
		return m
	}
	if s.Env.FlagsError() != nil {
		return m // the go command refuses to run at all; goenv says why
	}
	if v, has, ok := s.Env.LookupFlag("modfile"); ok {
		m.ModFile = v
		switch {
		case !has || v == "":
			if !has {
				m.Err = fmt.Errorf("go: flag needs an argument: -modfile (from $GOFLAGS)")
			}
		case p.work != nil:
			m.Err = fmt.Errorf("go: -modfile cannot be used in workspace mode")
		case !strings.HasSuffix(v, ".mod"):
			m.Err = fmt.Errorf("go: -modfile=%s: file does not have .mod extension", v)
		}
	}
	v, has, ok := s.Env.LookupFlag("mod")
	switch {
	case ok && !has:
		m.Err = fmt.Errorf("go: flag needs an argument: -mod (from $GOFLAGS)")
		return m
	case ok && v != "":
		switch v {
		case ModReadonly, ModMod, ModVendor:
		default:
			m.Err = fmt.Errorf("-mod=%s not supported (can be '', 'mod', 'readonly', or 'vendor')", v)
			return m
		}
		m.Mod, m.Explicit, m.Reason = v, true, "GOFLAGS=-mod="+v
		if p.work != nil && v == ModMod {
			m.Err = fmt.Errorf("go: -mod may only be set to readonly or vendor when in workspace mode, but it is set to %q", v)
		}
		return m
	}
	// -mod= (empty) is the default behaviour.
	goV, file := "", snapshot.GoMod.Base()
	if p.work != nil {
		file = snapshot.GoWork.Base()
		if p.work.Work != nil && p.work.Work.Go != nil {
			goV = p.work.Work.Go.Version
		}
	} else if s.Mod != nil && s.Mod.Mod.Go != nil {
		goV = s.Mod.Mod.Go.Version
	} else if s.Mod == nil {
		return m
	}
	fi, err := s.FS.Stat(m.VendorDir)
	if err != nil || !fi.IsDir() {
		return m
	}
	// The go command's own words (cfg.BuildModReason) when it does not
	// use the vendor directory: without a go line, below go 1.14, or
	// when vendor/modules.txt was written for the other mode (workspace
	// or single module).
	switch forWorkspace := p.vendoredWorkspace(m.VendorDir); {
	case goV == "":
		m.Reason = fmt.Sprintf("Go version in %s is unspecified, so vendor directory was not used.", file)
	case version.Compare("go"+goV, "go1.14") < 0:
		m.Reason = fmt.Sprintf("Go version in %s is %s, so vendor directory was not used.", file, goV)
	case forWorkspace && p.work == nil:
		m.Reason = "Outside workspace mode, but vendor directory is for a workspace."
	case !forWorkspace && p.work != nil:
		m.Reason = "In workspace mode, but vendor directory is not for a workspace"
	default:
		m.Mod, m.Reason = ModVendor, fmt.Sprintf("the vendor directory exists and %s says go %s", file, goV)
	}
	return m
}

// vendoredWorkspace reports whether dir/modules.txt was written by `go
// work vendor`: its first line holds a "## workspace" annotation
// (modload.modulesTextIsForWorkspace).
func (p *Plan) vendoredWorkspace(dir string) bool {
	data, err := p.snap.FS.ReadFile(filepath.Join(dir, "modules.txt"))
	if err != nil {
		return false
	}
	if len(data) > 512 {
		data = data[:512]
	}
	line, _, _ := strings.Cut(string(data), "\n")
	if annotations, ok := strings.CutPrefix(line, "## "); ok {
		for entry := range strings.SplitSeq(annotations, ";") {
			if strings.TrimSpace(entry) == "workspace" {
				return true
			}
		}
	}
	return false
}
