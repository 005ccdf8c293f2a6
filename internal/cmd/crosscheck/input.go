package main

import (
	"archive/zip"
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/mod/module"

	"github.com/gomodls/gomodls/internal/redact"
)

// An Input is one go.mod to check: MODULE@VERSION (fetched through the
// user's GOPROXY) or a local file.
type Input struct {
	// Arg is how it was given (MODULE@VERSION or a path).
	Arg  string
	Mod  module.Version // set for MODULE@VERSION
	File string         // set for a local go.mod
}

// Name is a short file-like name, as in testdata/realworld
// ("<module path with / as _>@<version>.mod", or the file's base name).
func (in Input) Name() string {
	if in.Mod.Path != "" {
		return strings.ReplaceAll(in.Mod.Path, "/", "_") + "@" + in.Mod.Version + ".mod"
	}
	return filepath.Base(in.File)
}

// ParseArg turns a command-line argument or a line of a -list file into an
// Input. A path is anything that exists on disk or contains a path
// separator and no "@"; relative paths are resolved against dir.
func ParseArg(arg, dir string) (Input, error) {
	arg = strings.TrimSpace(arg)
	if p, v, ok := strings.Cut(arg, "@"); ok && !strings.ContainsAny(v, `/\`) {
		if err := module.Check(p, v); err != nil {
			return Input{}, fmt.Errorf("%s: %v", arg, err)
		}
		return Input{Arg: arg, Mod: module.Version{Path: p, Version: v}}, nil
	}
	file := arg
	if !filepath.IsAbs(file) {
		file = filepath.Join(dir, file)
	}
	if fi, err := os.Stat(file); err == nil && fi.IsDir() {
		file = filepath.Join(file, "go.mod")
	}
	if _, err := os.Stat(file); err != nil {
		return Input{}, fmt.Errorf("%s: neither MODULE@VERSION nor a go.mod file: %v", arg, err)
	}
	return Input{Arg: arg, File: file}, nil
}

// ReadList reads a -list file: one MODULE@VERSION or path per line; blank
// lines and "#" comments are skipped. Paths are relative to the file.
func ReadList(file string) ([]Input, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return parseList(f, filepath.Dir(file))
}

func parseList(r io.Reader, dir string) ([]Input, error) {
	var out []Input
	sc := bufio.NewScanner(r)
	n := 0
	for sc.Scan() {
		n++
		l := sc.Text()
		if i := strings.Index(l, "#"); i >= 0 {
			l = l[:i]
		}
		if strings.TrimSpace(l) == "" {
			continue
		}
		in, err := ParseArg(l, dir)
		if err != nil {
			return nil, fmt.Errorf("line %d: %v", n, err)
		}
		out = append(out, in)
	}
	return out, sc.Err()
}

// Load returns the go.mod and go.sum (nil if none) of an input. A module
// version is downloaded with `go mod download -json` (the user's GOPROXY,
// GOSUMDB, credentials; a module cache of the command's own), and its go.sum
// read from the module zip. A local file's go.sum is the go.sum beside it
// (X.sum for X.mod).
func Load(ctx context.Context, r *goRunner, in Input, emptyDir string) (gomod, gosum []byte, note string, err error) {
	if in.File != "" {
		gomod, err = os.ReadFile(in.File)
		if err != nil {
			return nil, nil, "", err
		}
		sumFile := strings.TrimSuffix(in.File, ".mod") + ".sum"
		if filepath.Base(in.File) == "go.mod" {
			sumFile = filepath.Join(filepath.Dir(in.File), "go.sum")
		}
		gosum, err = os.ReadFile(sumFile)
		if errors.Is(err, os.ErrNotExist) {
			err = nil
		}
		return gomod, gosum, "", err
	}
	out := r.run(ctx, emptyDir, "mod", "download", "-json", in.Arg)
	var info struct{ GoMod, Zip, Error string }
	if err := json.Unmarshal([]byte(out.Stdout), &info); err != nil {
		info.Error = fmt.Sprintf("%v\n%s", out.Err, out.Stderr)
	}
	if info.Error != "" {
		// A mirror may serve a version's go.mod and refuse its .info and
		// zip (this machine's does, for telegraf v1.32.2): ask for the .mod
		// alone, as the go command would while loading a module graph.
		// GOPROXY as the go command sees it (the go env file, $GOROOT/go.env).
		proxy := strings.TrimSpace(r.run(ctx, emptyDir, "env", "GOPROXY").Stdout)
		gomod, ferr := fetchMod(ctx, proxy, in.Mod)
		if ferr != nil {
			return nil, nil, "", fmt.Errorf("go mod download %s: %s; %v", in.Arg, info.Error, ferr)
		}
		return gomod, nil, "go mod download failed (" + firstLine(info.Error) + "); the go.mod was fetched alone, without a go.sum", nil
	}
	gomod, err = os.ReadFile(info.GoMod)
	if err != nil {
		return nil, nil, "", err
	}
	gosum, err = zipFile(info.Zip, in.Mod.Path+"@"+in.Mod.Version+"/go.sum")
	return gomod, gosum, "", err
}

// zipFile returns one file of a zip, nil if absent.
func zipFile(zipPath, name string) ([]byte, error) {
	z, err := zip.OpenReader(zipPath)
	if err != nil {
		return nil, err
	}
	defer z.Close()
	for _, f := range z.File {
		if f.Name != name {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		return io.ReadAll(rc)
	}
	return nil, nil
}

// fetchMod gets path/@v/version.mod from the first entry of GOPROXY that
// answers it (proxy URLs only: direct and off have no .mod endpoint).
func fetchMod(ctx context.Context, goproxy string, m module.Version) ([]byte, error) {
	ep, err := module.EscapePath(m.Path)
	if err != nil {
		return nil, err
	}
	ev, err := module.EscapeVersion(m.Version)
	if err != nil {
		return nil, err
	}
	var errs []string
	for _, p := range strings.FieldsFunc(goproxy, func(r rune) bool { return r == ',' || r == '|' }) {
		if !strings.HasPrefix(p, "https://") && !strings.HasPrefix(p, "http://") {
			continue
		}
		req, err := http.NewRequestWithContext(ctx, "GET", strings.TrimSuffix(p, "/")+"/"+ep+"/@v/"+ev+".mod", nil)
		if err != nil {
			return nil, err
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		data, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
		resp.Body.Close()
		if err == nil && resp.StatusCode == http.StatusOK {
			return data, nil
		}
		errs = append(errs, fmt.Sprintf("%s: %s", redact.String(p), resp.Status))
	}
	return nil, fmt.Errorf("fetching the .mod: %s", strings.Join(errs, "; "))
}
