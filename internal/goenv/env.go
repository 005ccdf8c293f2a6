// Copyright 2026 The gomodls Authors.

// Package goenv computes the Go environment the go command would use on
// this machine (GOPROXY, GOPRIVATE, GONOSUMDB, GOFLAGS, ...), records where
// each value came from, and interprets the values exactly as cmd/go does:
// GOPRIVATE-style pattern matching, the GOPROXY chain and GOSUMDB.
//
// The effective value of a variable is, in order: the process environment
// (an empty variable counts as unset), the `go env -w` file ($GOENV,
// default os.UserConfigDir()/go/env, GOENV=off disables it), $GOROOT/go.env,
// then the go command's built-in default. One quirk is kept on purpose: a
// key present with an empty value in the `go env -w` file hides go.env (cmd/go
// does the same), so `GOPROXY=` there means GOPROXY="" rather than the
// go.env default; [Env.Findings] reports it.
//
// An [*Env] is immutable and safe for concurrent use. Load it again when
// settings change or when [Env.Stale] reports that a configuration file
// changed on disk.
package goenv

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"
)

// Origin says where an effective value came from.
type Origin string

const (
	OriginEnv       Origin = "env"        // the process environment (Options.Environ)
	OriginGOENVFile Origin = "GOENV file" // the `go env -w` file
	OriginGoEnvFile Origin = "go.env"     // $GOROOT/go.env
	OriginSetting   Origin = "setting"    // an LSP setting (Options.Overrides)
	OriginDefault   Origin = "default"    // the go command's built-in default
	OriginToolchain Origin = "toolchain"  // derived from the Go installation (GOROOT, GOVERSION)
	OriginUnset     Origin = ""           // not a go variable and not in the environment
)

// Value is the effective value of one variable.
type Value struct {
	Name   string `json:"name"`
	Value  string `json:"value"`
	Origin Origin `json:"origin"`
	// File is the file the value came from, for OriginGOENVFile,
	// OriginGoEnvFile and OriginToolchain (GOROOT/VERSION); with Line for
	// the first two.
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
	// Note explains a non-obvious value, e.g. "defaults to GOPRIVATE".
	Note string `json:"note,omitempty"`
}

// Variables lists the variables an Env computes, sorted.
var Variables = []string{
	"GO111MODULE",
	"GOAUTH",
	"GOENV",
	"GOFLAGS",
	"GOINSECURE",
	"GOMODCACHE",
	"GONOPROXY",
	"GONOSUMDB",
	"GOPATH",
	"GOPRIVATE",
	"GOPROXY",
	"GOROOT",
	"GOSUMDB",
	"GOTOOLCHAIN",
	"GOVCS",
	"GOVERSION",
	"GOWORK",
	"NETRC",
}

// goEnvVariables are the Variables that `go env` reports; NETRC is not a go
// command variable (cmd/go/internal/auth reads it from the OS environment
// only), so it is always computed here.
var goEnvVariables = slices.DeleteFunc(slices.Clone(Variables), func(s string) bool { return s == "NETRC" })

// Options configures Load.
type Options struct {
	// Environ is the process environment to start from; nil means
	// os.Environ(). For duplicate keys the last one wins, as in os/exec.
	Environ []string
	// Overrides are per-workspace values (the gomodls.env setting). They
	// win over everything and are reported with OriginSetting. An empty
	// override is ignored, like an empty environment variable.
	Overrides map[string]string
	// GoCommand is the go binary: "" looks "go" up in Environ's PATH; "-"
	// never runs go (GOROOT is then found from $GOROOT, the GOENV file, the
	// location of "go" in PATH, or runtime.GOROOT(), in that order).
	GoCommand string
	// Dir is the working directory for `go env` and the go.work search
	// (affects GOWORK); "" is the current directory.
	Dir string
	// Timeout bounds `go env`; 0 means 10s. On timeout or failure Load falls
	// back to reading the files itself and records the error (Env.GoError).
	Timeout time.Duration
	// LocalToolchain runs `go env` with GOTOOLCHAIN=local so that it never
	// switches to (or downloads) another toolchain named by go.mod or
	// GOTOOLCHAIN. GOTOOLCHAIN is still reported as configured; GOVERSION
	// and GOROOT are then those of the local toolchain.
	LocalToolchain bool
	// CacheFile, if set, keeps `go env` answers across processes, keyed by
	// what they depend on (the go binary, the GO* variables, the go env -w
	// file and $GOROOT/go.env), so that a warm start does not run go.
	CacheFile string
}

// Env is the effective Go environment. It is immutable.
type Env struct {
	vals      map[string]Value
	environ   []string          // deduplicated, overrides applied, sorted
	envMap    map[string]string // environ as a map
	overrides map[string]string

	envFile    *envFile // nil when GOENV=off or no config dir
	envFileOff bool
	goEnvFile  *envFile
	goBin      string // go binary used or located; "" if none
	goRan      bool   // `go env` answered
	goCached   bool   // its answer came from Options.CacheFile
	goErr      error  // why `go env` could not be used, if it was tried

	private, noProxy, noSumDB, insecure []pattern

	// chain is GOPROXY parsed once (modproxy asks for it on every fetch);
	// proxies is chain without the "noproxy" marker.
	chain, proxies []ProxyEntry
	chainErr       error

	flagsErr error // GOFLAGS refused by the go command (FlagsError)

	findings []Finding
}

// Load computes the effective environment. It fails only if ctx is done;
// a failing go command is recorded in Env.GoError and the files are read
// directly instead.
func Load(ctx context.Context, opt Options) (*Env, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	base := opt.Environ
	if base == nil {
		base = os.Environ()
	}
	e := &Env{overrides: map[string]string{}}
	e.envMap = environMap(base)
	for k, v := range opt.Overrides {
		if v == "" || k == "" || strings.ContainsAny(k, "=\x00") {
			continue
		}
		e.overrides[k] = v
		e.envMap[k] = v
	}
	dir := opt.Dir
	if dir == "" {
		wd, err := os.Getwd()
		if err != nil {
			return nil, fmt.Errorf("goenv: working directory: %w", err)
		}
		dir = wd
	} else if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	e.environ = environList(e.envMap)

	switch opt.GoCommand {
	case "", "-":
		e.goBin = lookPath("go", e.getenv)
	default:
		e.goBin = opt.GoCommand
	}

	var reported map[string]string
	key := "" // of the cache entry, when Options.CacheFile is used
	if opt.GoCommand != "-" {
		if e.goBin == "" {
			e.goErr = errors.New("go command not found in PATH")
		} else {
			timeout := opt.Timeout
			if timeout <= 0 {
				timeout = 10 * time.Second
			}
			environ := e.environ
			if opt.LocalToolchain {
				environ = append(slices.Clone(environ), "GOTOOLCHAIN=local")
			}
			if opt.CacheFile != "" {
				keyDir := ""
				if !opt.LocalToolchain {
					keyDir = dir // a go.mod's toolchain line may switch toolchains
				}
				key = cacheKey(e.goBin, append(slices.Clone(e.environ), "dir="+keyDir), e.envFilePath(), opt.LocalToolchain)
				if cached := cachedGoEnv(opt.CacheFile, key); cached != nil {
					reported, e.goCached = cached, true
				}
			}
			var err error
			if reported == nil {
				reported, err = runGoEnv(ctx, e.goBin, dir, environ, timeout, goEnvVariables)
				if err == nil && key != "" {
					storeGoEnv(opt.CacheFile, key, reported)
				}
			}
			if opt.LocalToolchain {
				delete(reported, "GOTOOLCHAIN") // we forced it; report the configured value
			}
			if err != nil {
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				e.goErr = err
			} else {
				e.goRan = true
			}
		}
	}

	probe, probed := reported[flagsProbeKey]
	delete(reported, flagsProbeKey)
	e.compute(dir, reported)
	e.flagsErr = checkFlagWords(e.Get("GOFLAGS"))
	if e.flagsErr == nil && e.goRan && strings.TrimSpace(e.Get("GOFLAGS")) != "" {
		if !probed {
			timeout := opt.Timeout
			if timeout <= 0 {
				timeout = 10 * time.Second
			}
			probe = ""
			if err := probeFlags(ctx, e.goBin, dir, e.environ, timeout); err != nil {
				probe = err.Error()
			}
			if key != "" {
				// The answer depends on GOFLAGS and the go binary, both in
				// the key: keep it with the go env answer.
				reported[flagsProbeKey] = probe
				storeGoEnv(opt.CacheFile, key, reported)
				delete(reported, flagsProbeKey)
			}
		}
		if probe != "" {
			e.flagsErr = errors.New(probe)
		}
	}
	e.private = compilePatterns(e.Get("GOPRIVATE"))
	e.noProxy = compilePatterns(e.Get("GONOPROXY"))
	e.noSumDB = compilePatterns(e.Get("GONOSUMDB"))
	e.insecure = compilePatterns(e.Get("GOINSECURE"))
	e.chain, e.chainErr = ParseProxyList(e.Get("GOPROXY"), e.Get("GONOPROXY"))
	for _, p := range e.chain {
		if p.URL != ProxyNoProxy {
			e.proxies = append(e.proxies, p)
		}
	}
	e.findings = e.computeFindings()
	return e, nil
}

func environMap(environ []string) map[string]string {
	m := make(map[string]string, len(environ))
	for _, kv := range environ {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			continue
		}
		m[k] = v
	}
	return m
}

func environList(m map[string]string) []string {
	list := make([]string, 0, len(m))
	for k, v := range m {
		list = append(list, k+"="+v)
	}
	slices.Sort(list)
	return list
}

func (e *Env) getenv(k string) string { return e.envMap[k] }

// envFilePath is the go env -w file the go command uses: $GOENV, else
// go/env in the user configuration directory; "" for GOENV=off or none.
func (e *Env) envFilePath() string {
	switch v := e.getenv("GOENV"); v {
	case "off":
		return ""
	case "":
		if d := userConfigDir(e.getenv); d != "" {
			return filepath.Join(d, "go/env")
		}
		return ""
	default:
		return v
	}
}

// compute fills e.vals from the layers; reported holds `go env` output
// (nil if the go command was not used), whose values win over ours.
func (e *Env) compute(dir string, reported map[string]string) {
	e.vals = make(map[string]Value, len(Variables))

	// GOENV: only the OS environment can set it.
	goenvVal := Value{Name: "GOENV", Origin: OriginDefault}
	envFilePath := e.envFilePath()
	switch v := e.getenv("GOENV"); v {
	case "off":
		e.envFileOff = true
		goenvVal = Value{Name: "GOENV", Value: "", Origin: e.envOrigin("GOENV"), Note: "GOENV=off: the go env -w file is not used"}
	case "":
		goenvVal.Value = envFilePath
	default:
		goenvVal = Value{Name: "GOENV", Value: v, Origin: e.envOrigin("GOENV")}
	}
	e.vals["GOENV"] = goenvVal
	if envFilePath != "" {
		e.envFile = readEnvFile(envFilePath)
	}

	// GOROOT: cmd/go looks for go.env using GOROOT from the go/env file
	// first, then $GOROOT, then the go binary's location.
	fileRoot, _ := e.envFile.lookup("GOROOT", true)
	goroot, fromBin := findGOROOT(fileRoot.Value, e.getenv("GOROOT"), e.goBin)
	if r := reported["GOROOT"]; r != "" && filepath.Clean(r) != goroot {
		// The go command knows best (e.g. it switched toolchains).
		goroot, fromBin = filepath.Clean(r), true
	}
	if goroot != "" {
		e.goEnvFile = readEnvFile(filepath.Join(goroot, "go.env"))
	}
	switch {
	case e.getenv("GOROOT") != "":
		e.vals["GOROOT"] = Value{Name: "GOROOT", Value: e.getenv("GOROOT"), Origin: e.envOrigin("GOROOT")}
	case fileRoot.Value != "":
		e.vals["GOROOT"] = Value{Name: "GOROOT", Value: goroot, Origin: OriginGOENVFile, File: e.envFile.path, Line: fileRoot.Line}
	case fromBin:
		e.vals["GOROOT"] = Value{Name: "GOROOT", Value: goroot, Origin: OriginToolchain, File: e.goBin, Note: "location of the go command"}
	default:
		e.vals["GOROOT"] = Value{Name: "GOROOT", Value: goroot, Origin: OriginDefault, Note: "runtime.GOROOT() of gomodls"}
	}

	simple := func(name, def string) {
		e.vals[name] = e.layered(name, def)
	}
	for _, name := range []string{"GO111MODULE", "GOFLAGS", "GOINSECURE", "GOPRIVATE", "GOPROXY", "GOSUMDB", "GOTOOLCHAIN", "GOVCS"} {
		simple(name, "")
	}
	simple("GOAUTH", "netrc")

	priv := e.vals["GOPRIVATE"]
	for _, name := range []string{"GONOPROXY", "GONOSUMDB"} {
		v := e.layered(name, priv.Value)
		if v.Origin == OriginDefault {
			v.Note = joinNote("defaults to GOPRIVATE", v.Note)
			if priv.Origin != OriginDefault {
				v.Note += " (" + describeOrigin(priv) + ")"
			}
		}
		e.vals[name] = v
	}

	// GOPATH defaults to $HOME/go unless that is GOROOT (go/build.defaultGOPATH).
	defGOPATH := ""
	if home := homeDir(e.getenv); home != "" {
		def := filepath.Join(home, "go")
		if filepath.Clean(def) != filepath.Clean(goroot) {
			defGOPATH = def
		}
	}
	gp := e.layered("GOPATH", defGOPATH)
	e.vals["GOPATH"] = gp

	// GOMODCACHE defaults to the first GOPATH entry + /pkg/mod.
	defModCache := ""
	if list := filepath.SplitList(gp.Value); len(list) > 0 && list[0] != "" {
		defModCache = filepath.Join(list[0], "pkg/mod")
	}
	mc := e.layered("GOMODCACHE", defModCache)
	if mc.Origin == OriginDefault && gp.Origin != OriginDefault {
		mc.Note = joinNote("first GOPATH entry + /pkg/mod", mc.Note)
	}
	e.vals["GOMODCACHE"] = mc

	// GOVERSION is the toolchain's runtime.Version().
	gv := Value{Name: "GOVERSION", Origin: OriginToolchain}
	if goroot != "" {
		vf := filepath.Join(goroot, "VERSION")
		if data, err := os.ReadFile(vf); err == nil {
			first, _, _ := strings.Cut(string(data), "\n")
			gv.Value, gv.File = strings.TrimSpace(first), vf
		}
	}
	if gv.Value == "" && isSameDir(goroot, filepath.Clean(runtime.GOROOT())) {
		gv.Value, gv.Note = runtime.Version(), "runtime.Version() of gomodls"
	}
	e.vals["GOVERSION"] = gv

	// GOWORK: "off", an absolute path, or the nearest go.work above dir.
	w := e.layered("GOWORK", "")
	switch w.Value {
	case "off":
	case "", "auto":
		found := findWorkspaceFile(dir, e.vals["GOROOT"].Value)
		setting := w
		w = Value{Name: "GOWORK", Value: found, Origin: OriginDefault}
		if found != "" {
			w.Note = "found above " + dir
		}
		if setting.Value == "auto" {
			w.Note = joinNote(describeOrigin(setting)+" sets GOWORK=auto", w.Note)
		}
	default:
		if !filepath.IsAbs(w.Value) {
			w.Note = joinNote("invalid GOWORK: not an absolute path (the go command refuses to run)", w.Note)
		}
	}
	e.vals["GOWORK"] = w

	// NETRC: OS environment only; default as cmd/go/internal/auth.netrcPath.
	if v := e.getenv("NETRC"); v != "" {
		e.vals["NETRC"] = Value{Name: "NETRC", Value: v, Origin: e.envOrigin("NETRC")}
	} else {
		e.vals["NETRC"] = Value{Name: "NETRC", Value: DefaultNetrcPath(homeDir(e.getenv)), Origin: OriginDefault}
	}

	// Values the go command reported win; keep our origin analysis but say so
	// when the two disagree.
	for name, rv := range reported {
		v, ok := e.vals[name]
		if !ok || v.Value == rv {
			continue
		}
		v.Note = joinNote(fmt.Sprintf("go env reported this; gomodls computed %q", v.Value), v.Note)
		v.Value = rv
		e.vals[name] = v
	}
}

// layered applies the env → GOENV file → go.env → default order to name.
func (e *Env) layered(name, def string) Value {
	if v := e.getenv(name); v != "" {
		return Value{Name: name, Value: v, Origin: e.envOrigin(name)}
	}
	if fe, ok := e.envFile.lookup(name, true); ok {
		if fe.Value != "" {
			return Value{Name: name, Value: fe.Value, Origin: OriginGOENVFile, File: e.envFile.path, Line: fe.Line}
		}
		// An empty line in the user file hides go.env (cmd/go quirk).
		v := Value{Name: name, Value: def, Origin: OriginDefault}
		if ge, ok := e.goEnvFile.lookup(name, false); ok && ge.Value != "" {
			v.Note = fmt.Sprintf("%s:%d sets %s= (empty), which hides %s=%s from %s", e.envFile.path, fe.Line, name, name, ge.Value, e.goEnvFile.path)
		}
		return v
	}
	if fe, ok := e.goEnvFile.lookup(name, false); ok && fe.Value != "" {
		return Value{Name: name, Value: fe.Value, Origin: OriginGoEnvFile, File: e.goEnvFile.path, Line: fe.Line}
	}
	return Value{Name: name, Value: def, Origin: OriginDefault}
}

func (e *Env) envOrigin(name string) Origin {
	if _, ok := e.overrides[name]; ok {
		return OriginSetting
	}
	return OriginEnv
}

func joinNote(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}

func describeOrigin(v Value) string {
	switch v.Origin {
	case OriginGOENVFile, OriginGoEnvFile:
		if v.Line > 0 {
			return fmt.Sprintf("%s %s:%d", v.Origin, v.File, v.Line)
		}
		return fmt.Sprintf("%s %s", v.Origin, v.File)
	case OriginEnv:
		return "environment"
	}
	return string(v.Origin)
}

// Where says where the value came from, in words: "environment", "GOENV
// file /home/u/.config/go/env:3", "go.env /usr/local/go/go.env:5",
// "setting" or "default".
func (v Value) Where() string { return describeOrigin(v) }

// Get returns the effective value of name. For names that are not go
// variables it returns the environment value (overrides applied).
func (e *Env) Get(name string) string {
	return e.Lookup(name).Value
}

// Lookup returns the effective value of name and where it came from.
func (e *Env) Lookup(name string) Value {
	if v, ok := e.vals[name]; ok {
		return v
	}
	if v, ok := e.envMap[name]; ok {
		return Value{Name: name, Value: v, Origin: e.envOrigin(name)}
	}
	return Value{Name: name}
}

// All returns the computed variables sorted by name.
func (e *Env) All() []Value {
	out := make([]Value, 0, len(e.vals))
	for _, name := range Variables {
		out = append(out, e.vals[name])
	}
	return out
}

// Environ returns the environment to run the go command with so that it
// sees the same configuration (overrides applied), sorted and deduplicated.
// The caller may modify the returned slice.
func (e *Env) Environ() []string {
	return slices.Clone(e.environ)
}

// GoCommand returns the go binary located (from Options.GoCommand or PATH)
// and whether `go env` was run successfully with it.
func (e *Env) GoCommand() (path string, ran bool) { return e.goBin, e.goRan }

// GoEnvCached reports whether the `go env` answer came from the cache
// (Options.CacheFile) instead of running go.
func (e *Env) GoEnvCached() bool { return e.goCached }

// GoError returns why `go env` could not be used (nil if it was used or not
// requested).
func (e *Env) GoError() error { return e.goErr }

// EnvFile returns the path of the `go env -w` file and whether it is
// disabled by GOENV=off.
func (e *Env) EnvFile() (path string, off bool) {
	if e.envFile == nil {
		return "", e.envFileOff
	}
	return e.envFile.path, false
}

// Stale reports whether the `go env -w` file or $GOROOT/go.env changed on
// disk (created, removed, resized or touched) since Load. It costs two
// stat calls; a language server can poll it or call it on file events.
func (e *Env) Stale() bool {
	for _, f := range []*envFile{e.envFile, e.goEnvFile} {
		if f != nil && stat(f.path) != f.stamp {
			return true
		}
	}
	return false
}

// DefaultNetrcPath is where the go command looks for credentials when NETRC
// is unset: home/.netrc, or home/_netrc on Windows if that exists.
func DefaultNetrcPath(home string) string {
	if home == "" {
		return ""
	}
	if runtime.GOOS == "windows" {
		legacy := filepath.Join(home, "_netrc")
		if _, err := os.Stat(legacy); err == nil {
			return legacy
		}
	}
	return filepath.Join(home, ".netrc")
}
