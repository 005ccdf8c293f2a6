// Copyright 2026 The gomodls Authors.

package lsp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"go.lsp.dev/protocol"
	"go.uber.org/zap"

	"github.com/gomodls/gomodls/analyzers"
	"github.com/gomodls/gomodls/fixes"
	"github.com/gomodls/gomodls/internal/goenv"
	"github.com/gomodls/gomodls/internal/modproxy"
	"github.com/gomodls/gomodls/internal/settings"
	"github.com/gomodls/gomodls/internal/snapshot"
	"github.com/gomodls/gomodls/internal/span"
	"github.com/gomodls/gomodls/internal/vulndb"
	"github.com/gomodls/gomodls/internal/vulndb/osv"
)

func init() {
	commands[fixes.CmdGovulncheck] = cmdGovulncheck
}

// vulnClients keeps one vulnerability database client per GOVULNDB value
// and mode for the whole session: folders and views share its memory
// cache, so the index is read once.
type vulnClients struct {
	mu      sync.Mutex
	clients map[vulnKey]*vulndb.Client // nil value: GOVULNDB is unusable (already shown)
}

type vulnKey struct {
	url     string
	offline bool
	timeout time.Duration
	ttl     time.Duration
}

// vulnsFor returns the vulnerability database client for a folder's
// environment and settings, or nil when the check is off.
func (ss *session) vulnsFor(env *goenv.Env, set *settings.Settings) osv.Source {
	if env == nil || set == nil || !set.Network || !set.Vulncheck {
		return nil
	}
	key := vulnKey{url: env.Get("GOVULNDB"), offline: set.Offline || env.Offline(), timeout: 2 * set.RequestTimeout.D(), ttl: set.ListTTL.D()}
	vc := &ss.vulns
	vc.mu.Lock()
	defer vc.mu.Unlock()
	if c, ok := vc.clients[key]; ok {
		if c == nil {
			return nil
		}
		return c
	}
	if vc.clients == nil {
		vc.clients = map[vulnKey]*vulndb.Client{}
	}
	cacheDir := ss.srv.opts.CacheDir
	if cacheDir == "" {
		cacheDir, _ = modproxy.DefaultCacheDir()
	}
	c, err := vulndb.New(vulndb.Options{URL: key.url, CacheDir: cacheDir, Offline: key.offline, RequestTimeout: key.timeout, TTL: key.ttl})
	if err != nil {
		ss.srv.showMessage(protocol.MessageTypeWarning, "gomodls: known vulnerabilities are not checked: "+err.Error())
		c = nil
	}
	vc.clients[key] = c
	if c == nil {
		return nil
	}
	return c
}

// invalidate makes every client ask its database again on the next check.
func (vc *vulnClients) invalidate() {
	vc.mu.Lock()
	defer vc.mu.Unlock()
	for _, c := range vc.clients {
		if c != nil {
			c.Invalidate()
		}
	}
}

// vulnUpgradeAction is the source action that upgrades every vulnerable
// require (and replacement) of the file to the version its
// vulnerable-version diagnostics propose: the lowest that fixes all of the
// module's known vulnerabilities.
func (s *server) vulnUpgradeAction(snap *snapshot.Snapshot, versions map[snapshot.FileKind]int32, diags []analyzers.Diagnostic, want func(protocol.CodeActionKind) bool) []protocol.CommandOrCodeAction {
	if !want(protocol.CodeActionKindSource) {
		return nil
	}
	all := fixes.Fix{}
	seen := map[span.Span]bool{}
	modules := 0
	for _, d := range diags {
		if d.Code != analyzers.CodeVulnerableVersion || len(d.Fixes) == 0 || len(d.Fixes[0].Edits) == 0 {
			continue
		}
		fresh := false
		for _, e := range d.Fixes[0].Edits {
			if !seen[e.Span] {
				seen[e.Span], fresh = true, true
				all.Edits = append(all.Edits, e)
			}
		}
		if fresh {
			modules++
		}
	}
	if modules == 0 {
		return nil
	}
	all.Title = fmt.Sprintf("Upgrade every vulnerable require to its lowest fixed version (%d %s)", modules, plural(modules, "module", "modules"))
	ca, ok := s.toCodeAction(snap, versions, all, protocol.CodeActionKindSource)
	if !ok {
		return nil
	}
	return []protocol.CommandOrCodeAction{ca}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

type govulncheckArg struct {
	Dir  string `json:"dir"`
	URI  string `json:"uri"`
	Scan string `json:"scan"`
}

// cmdGovulncheck runs govulncheck on the module in a directory, with the
// same environment and vulnerability database as gomodls, and reports its
// findings: whether the code reaches the vulnerabilities that gomodls
// reports at the module level.
func cmdGovulncheck(ctx context.Context, s *server, args []json.RawMessage) (any, error) {
	var a govulncheckArg
	if err := decodeArg(args, &a); err != nil {
		return nil, err
	}
	dir := a.Dir
	if dir == "" {
		p, err := pathFromString(a.URI)
		if err != nil {
			return nil, err
		}
		dir = p
		if _, ok := snapshot.KindOf(filepath.Base(p)); ok {
			dir = filepath.Dir(p)
		}
	}
	if !filepath.IsAbs(dir) {
		return nil, invalidParams("govulncheck: %q is not an absolute directory", dir)
	}
	scan := a.Scan
	switch scan {
	case "":
		scan = "symbol"
	case "symbol", "package", "module":
	default:
		return nil, invalidParams("govulncheck: scan must be symbol, package or module, not %q", scan)
	}
	f := s.session.folderFor(filepath.Join(dir, "go.mod"))
	env := s.session.environment(ctx, f)
	if env == nil {
		return nil, fmt.Errorf("the Go environment is unknown")
	}
	bin := findGovulncheck(env)
	if bin == "" {
		msg := "gomodls: govulncheck is not installed; install it with `go install golang.org/x/vuln/cmd/govulncheck@latest` to learn whether your code calls the vulnerable functions"
		s.showMessage(protocol.MessageTypeInfo, msg)
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
	wd, wctx := s.session.progress.start(ctx, "gomodls", title, true)
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
	s.log.Info("ran govulncheck", zap.String("dir", dir), zap.Int("exit", code), zap.Error(err))
	_ = s.client.LogMessage(s.bg, &protocol.LogMessageParams{Type: protocol.MessageTypeLog, Message: title + ":\n" + string(out)})
	result := map[string]any{"installed": true, "command": title, "dir": dir, "output": string(out), "exitCode": code, "vulnerable": code == 3}
	switch code {
	case 0:
		wd.end("no vulnerabilities reached")
		s.showMessage(protocol.MessageTypeInfo, "gomodls: govulncheck found no vulnerability that your code reaches ("+scan+" level) in "+dir)
	case 3: // govulncheck's "vulnerabilities found"
		wd.end("vulnerabilities found")
		s.showMessage(protocol.MessageTypeWarning, "gomodls: govulncheck: "+firstLines(govulncheckSummary(string(out)), 8)+"\n(full report in the gomodls output)")
	default:
		wd.end("failed")
		if wctx.Err() != nil {
			err = fmt.Errorf("stopped: %w", context.Cause(wctx))
		}
		s.showMessage(protocol.MessageTypeError, fmt.Sprintf("gomodls: govulncheck failed: %v\n%s", err, firstLines(string(out), 8)))
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
