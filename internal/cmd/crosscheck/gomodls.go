package main

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"

	"github.com/gomodls/gomodls/internal/benchfixture"
	"github.com/gomodls/gomodls/internal/report"
)

// gomodlsBinary builds ./cmd/gomodls of the checkout cfg.gomodls names (or
// of the repository this runs in), or takes cfg.gomodls as a binary. With
// DIR@REV it builds the committed tree of revision REV of the repository
// in DIR (`git archive`; the working tree is not read). It returns the
// binary and a description of the revision ("/work/main @ 78c2626+dirty").
func gomodlsBinary(ctx context.Context, cfg *config, work string) (bin, rev string, err error) {
	src := cfg.gomodls
	if dir, r, ok := strings.Cut(src, "@"); ok {
		src = filepath.Join(work, "gomodls-src")
		if err := gitExport(ctx, dir, r, src); err != nil {
			return "", "", err
		}
		full, err := exec.CommandContext(ctx, "git", "-C", dir, "rev-parse", "--short", r+"^{commit}").Output()
		if err != nil {
			return "", "", fmt.Errorf("git rev-parse %s in %s: %v", r, dir, err)
		}
		rev = fmt.Sprintf("%s %s (%s, committed tree)", dir, r, strings.TrimSpace(string(full)))
	}
	if src == "" {
		rw, err := benchfixture.FindRealWorld(".")
		if err != nil {
			return "", "", fmt.Errorf("run from the gomodls repository or give -gomodls: %w", err)
		}
		src = filepath.Dir(filepath.Dir(rw))
	}
	if fileExists(src) {
		return src, "binary " + src, nil
	}
	bin = filepath.Join(work, "gomodls")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	goBin, err := benchfixture.GoTool()
	if err != nil {
		return "", "", err
	}
	cmd := exec.CommandContext(ctx, goBin, "build", "-o", bin, "./cmd/gomodls")
	cmd.Dir = src
	cmd.Stderr = os.Stderr
	cfg.logf("building gomodls in %s", src)
	if err := cmd.Run(); err != nil {
		return "", "", fmt.Errorf("building %s/cmd/gomodls: %w", src, err)
	}
	if rev != "" {
		return bin, rev, nil
	}
	rev = src
	// Read-only git queries (no index refresh: another engineer may be
	// working in that checkout).
	if out, err := exec.CommandContext(ctx, "git", "-C", src, "--no-optional-locks", "rev-parse", "--short", "HEAD").Output(); err == nil {
		rev += " @ " + strings.TrimSpace(string(out))
		if st, err := exec.CommandContext(ctx, "git", "-C", src, "--no-optional-locks", "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(bytes.TrimSpace(st)) > 0 {
			rev += "+dirty"
		}
	}
	return bin, rev, nil
}

// gitExport writes the tree of revision rev of the repository in dir to
// dst, without touching the repository or its working tree.
func gitExport(ctx context.Context, dir, rev, dst string) error {
	cmd := exec.CommandContext(ctx, "git", "-C", dir, "archive", "--format=tar", rev)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	tr := tar.NewReader(out)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			cmd.Wait()
			return fmt.Errorf("git archive %s: %v %s", rev, err, stderr.String())
		}
		p := filepath.Join(dst, filepath.FromSlash(h.Name))
		if !strings.HasPrefix(p, filepath.Clean(dst)+string(filepath.Separator)) {
			continue
		}
		switch h.Typeflag {
		case tar.TypeDir:
			err = os.MkdirAll(p, 0o755)
		case tar.TypeReg:
			if err = os.MkdirAll(filepath.Dir(p), 0o755); err == nil {
				var data []byte
				if data, err = io.ReadAll(tr); err == nil {
					err = os.WriteFile(p, data, os.FileMode(h.Mode)&0o777|0o600)
				}
			}
		}
		if err != nil {
			cmd.Wait()
			return err
		}
	}
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("git archive %s in %s: %v %s", rev, dir, err, stderr.String())
	}
	return nil
}

// parseGoMod parses the main go.mod strictly, as the go command does, or
// else leniently (then the comparison still has the lines).
func parseGoMod(name string, data []byte) (*modfile.File, error) {
	f, err := modfile.Parse(name, data, nil)
	if err == nil {
		return f, nil
	}
	if lax, lerr := modfile.ParseLax(name, data, nil); lerr == nil {
		return lax, err
	}
	return nil, err
}

// layOut writes go.mod (with its local replacement directories, as
// benchfixture.GoMod.LayOut does for the benchmark) and go.sum under root,
// and returns the module directory. With srcDir set (a local go.mod), only
// the replacement directories that exist beside the original are made.
func layOut(name string, gomod, gosum []byte, root, srcDir string) (string, error) {
	dir := root
	if g, err := benchfixture.Parse(name, gomod); err == nil {
		if srcDir != "" {
			var reps []*modfile.Replace
			for _, r := range g.File.Replace {
				if !modfile.IsDirectoryPath(r.New.Path) || dirExists(filepath.Join(srcDir, filepath.FromSlash(r.New.Path))) {
					reps = append(reps, r)
				}
			}
			g.File.Replace = reps // LayOut writes g.Data, the original text
		}
		if dir, err = g.LayOut(root); err != nil {
			return "", err
		}
	} else {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", err
		}
		if err := os.WriteFile(filepath.Join(dir, "go.mod"), gomod, 0o644); err != nil {
			return "", err
		}
	}
	if gosum != nil {
		if err := os.WriteFile(filepath.Join(dir, "go.sum"), gosum, 0o644); err != nil {
			return "", err
		}
	}
	return dir, nil
}

type gomodlsRun struct {
	findings []report.Finding
	wall     time.Duration
	exit     int
	notes    []string
}

// runGomodls runs `gomodls check -format json .` in dir with fresh caches
// under cacheRoot: GOPATH and GOMODCACHE (gomodls reads the go command's
// module cache) and XDG_CACHE_HOME (os.UserCacheDir, where
// modproxy.DefaultCacheDir keeps gomodls' persistent cache). HOME is kept,
// for the go env file and .netrc. GOFLAGS gets -mod=mod, as the go
// command's side.
func runGomodls(ctx context.Context, bin, dir, cacheRoot string, timeout time.Duration) (*gomodlsRun, error) {
	env := os.Environ()
	gopath := filepath.Join(cacheRoot, "gopath")
	env = setEnv(env, "GOPATH", gopath)
	env = setEnv(env, "GOMODCACHE", filepath.Join(gopath, "pkg", "mod"))
	env = setEnv(env, "XDG_CACHE_HOME", filepath.Join(cacheRoot, "cache"))
	env = setEnv(env, "LocalAppData", filepath.Join(cacheRoot, "cache")) // os.UserCacheDir on Windows
	env = setEnv(env, "GOTOOLCHAIN", "local")
	// The go command's side runs with -mod=mod (it may write go.sum: what
	// is compared is what it fetches), so gomodls gets the same: without
	// it, a file without go.sum is an error gomodls is right to report
	// (go build fails) but the go side cannot see.
	env = setEnv(env, "GOFLAGS", strings.TrimSpace(getEnv(env, "GOFLAGS")+" -mod=mod"))
	env = setEnv(env, "GOWORK", "off")
	cmd := exec.CommandContext(ctx, bin, "check", "-format", "json", "-timeout", timeout.String(), ".")
	cmd.Env = env
	cmd.Dir = dir
	cmd.WaitDelay = time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	res := &gomodlsRun{wall: time.Since(start)}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		res.exit = ee.ExitCode()
	} else if err != nil {
		return nil, fmt.Errorf("gomodls check: %v", err)
	}
	var rep report.JSONReport
	if jerr := json.Unmarshal(stdout.Bytes(), &rep); jerr != nil {
		return nil, fmt.Errorf("gomodls check (exit %d): %v\n%s", res.exit, jerr, stderr.String())
	}
	res.findings = rep.Diagnostics
	for _, f := range rep.Failures {
		res.notes = append(res.notes, "gomodls analyzer failure: "+f)
	}
	return res, nil
}

// doubtedSums returns the module versions of the go.sum lines gomodls
// reports an error on: `go mod download` settles them.
func doubtedSums(sums []Line, findings []report.Finding) []module.Version {
	lines := map[int]module.Version{}
	for _, l := range sums {
		lines[l.Line] = l.Mod
	}
	var out []module.Version
	seen := map[module.Version]bool{}
	for _, f := range findings {
		if f.Severity != "error" || baseName(f.Path) != "go.sum" {
			continue
		}
		if m, ok := lines[f.Line]; ok && !seen[m] {
			seen[m] = true
			out = append(out, m)
		}
	}
	return out
}

func dirExists(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}
