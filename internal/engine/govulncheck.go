// Copyright 2026 The gomodls Authors.

package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/gomodls/gomodls/internal/goenv"
)

// Govulncheck runs govulncheck on the module in dir at the scan level
// ("symbol" for ""), with the same environment and vulnerability database
// as gomodls, and reports its findings: whether the code reaches the
// vulnerabilities that gomodls reports at the module level.
func (ss *Session) Govulncheck(ctx context.Context, dir, scan string) (map[string]any, error) {
	if !filepath.IsAbs(dir) {
		return nil, invalidArg("govulncheck: %q is not an absolute directory", dir)
	}
	switch scan {
	case "":
		scan = "symbol"
	case "symbol", "package", "module":
	default:
		return nil, invalidArg("govulncheck: scan must be symbol, package or module, not %q", scan)
	}
	f := ss.folderFor(filepath.Join(dir, "go.mod"))
	env := ss.environment(ctx, f)
	if env == nil {
		return nil, fmt.Errorf("the Go environment is unknown")
	}
	bin := findGovulncheck(env)
	if bin == "" {
		msg := "gomodls: govulncheck is not installed; install it with `go install golang.org/x/vuln/cmd/govulncheck@latest` to learn whether your code calls the vulnerable functions"
		ss.client.ShowMessage(MessageInfo, msg)
		return map[string]any{"installed": false, "message": msg}, nil
	}
	cmdArgs := []string{"-C", dir, "-scan", scan}
	if db := env.Get("GOVULNDB"); db != "" {
		cmdArgs = append(cmdArgs, "-db", db)
	}
	if scan != "module" {
		cmdArgs = append(cmdArgs, "./...")
	}
	title := "govulncheck " + strings.Join(cmdArgs, " ")
	wd, wctx := ss.client.StartProgress(ctx, "gomodls", title, true)
	wctx, cancel := context.WithTimeout(wctx, 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(wctx, bin, cmdArgs...)
	cmd.Dir = dir
	cmd.Env = append(env.Environ(), "GIT_TERMINAL_PROMPT=0", "GCM_INTERACTIVE=never")
	out, err := cmd.CombinedOutput()
	code := 0
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		code = -1
	}
	ss.log.Info("ran govulncheck", zap.String("dir", dir), zap.Int("exit", code), zap.Error(err))
	ss.client.LogMessage(MessageLog, title+":\n"+string(out))
	result := map[string]any{"installed": true, "command": title, "dir": dir, "output": string(out), "exitCode": code, "vulnerable": code == 3}
	switch code {
	case 0:
		wd.End("no vulnerabilities reached")
		ss.client.ShowMessage(MessageInfo, "gomodls: govulncheck found no vulnerability that your code reaches ("+scan+" level) in "+dir)
	case 3: // govulncheck's "vulnerabilities found"
		wd.End("vulnerabilities found")
		ss.client.ShowMessage(MessageWarning, "gomodls: govulncheck: "+firstLines(govulncheckSummary(string(out)), 8)+"\n(full report in the gomodls output)")
	default:
		wd.End("failed")
		if wctx.Err() != nil {
			err = fmt.Errorf("stopped: %w", context.Cause(wctx))
		}
		ss.client.ShowMessage(MessageError, fmt.Sprintf("gomodls: govulncheck failed: %v\n%s", err, firstLines(string(out), 8)))
		result["error"] = fmt.Sprint(err)
	}
	return result, nil
}

// govulncheckSummary returns the part of govulncheck's text report from
// its count line ("Your code is affected by N vulnerabilities ...") on, or
// the whole report.
func govulncheckSummary(out string) string {
	for _, marker := range []string{"Your code is affected", "=== Symbol Results ===", "=== Package Results ===", "=== Module Results ==="} {
		if i := strings.Index(out, marker); i >= 0 {
			return out[i:]
		}
	}
	return out
}

// findGovulncheck looks for govulncheck where `go install` puts it (GOBIN,
// then GOPATH/bin) and on the environment's PATH.
func findGovulncheck(env *goenv.Env) string {
	name := "govulncheck"
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	var dirs []string
	if gobin := env.Get("GOBIN"); gobin != "" {
		dirs = append(dirs, gobin)
	}
	for _, p := range filepath.SplitList(env.Get("GOPATH")) {
		if p != "" {
			dirs = append(dirs, filepath.Join(p, "bin"))
		}
	}
	dirs = append(dirs, filepath.SplitList(env.Get("PATH"))...)
	for _, d := range dirs {
		if d == "" || !filepath.IsAbs(d) {
			continue // like exec.LookPath, never run a program found relative to the working directory
		}
		p := filepath.Join(d, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && (runtime.GOOS == "windows" || fi.Mode()&0o111 != 0) {
			return p
		}
	}
	return ""
}
