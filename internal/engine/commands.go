// Copyright 2026 The gomodls Authors.

package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/gomodls/gomodls/internal/goenv"
)

// The server's commands (fixes.Cmd*), as functions of the session. A
// front end decodes the arguments (paths are absolute file paths) and
// encodes the results, which are JSON values.

// Recheck forgets cached failures of every module source and
// vulnerability database and re-runs every check of every view.
func (ss *Session) Recheck() {
	ss.forgetFailures()
	ss.vulns.invalidate()
	ss.InvalidateAll()
}

// folderAt returns the folder of path, or the first workspace folder
// when path is "".
func (ss *Session) folderAt(path string) (*folder, error) {
	if path != "" {
		return ss.folderFor(path), nil
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if len(ss.folders) == 0 {
		return nil, invalidArg("no workspace folder to run the command in")
	}
	return ss.folders[0], nil
}

// validEnvName accepts the variables gomodls fixes may write.
func validEnvName(name string) bool {
	switch name {
	case "GOPRIVATE", "GONOPROXY", "GONOSUMDB", "GOINSECURE", "GOPROXY", "GOSUMDB", "GOAUTH", "GOTOOLCHAIN", "GOFLAGS", "GO111MODULE":
		return true
	}
	return false
}

// GoEnvWrite runs `go env -w NAME=VALUE` in the folder of path (the first
// folder for ""): the value was computed by the fix by merging into the
// current value, so nothing the user had is lost.
func (ss *Session) GoEnvWrite(ctx context.Context, path, name, value string) (map[string]string, error) {
	if !validEnvName(name) {
		return nil, invalidArg("go env -w: %q is not a variable gomodls writes", name)
	}
	_, env, before, out, err := ss.goEnvChange(ctx, path, name, "-w", name+"="+value)
	if err != nil {
		return nil, err
	}
	msg := fmt.Sprintf("gomodls: %s is now %q (was %q), written with go env -w.", name, value, before)
	msg += alsoSet(env, name)
	ss.client.ShowMessage(MessageInfo, msg)
	return map[string]string{"name": name, "value": value, "previous": before, "output": string(out)}, nil
}

// goEnvChange runs `go env FLAG ARG` (-w NAME=VALUE, -u NAME) in the
// folder of path, tells the user when it fails, and reloads the
// environments. It returns the folder, its environment before the change,
// NAME's value then, and the command's output.
func (ss *Session) goEnvChange(ctx context.Context, path, name, flag, arg string) (*folder, *goenv.Env, string, []byte, error) {
	f, err := ss.folderAt(path)
	if err != nil {
		return nil, nil, "", nil, err
	}
	env := ss.environment(ctx, f)
	if env == nil {
		return nil, nil, "", nil, fmt.Errorf("go env %s: the Go environment is unknown", flag)
	}
	before := env.Get(name)
	out, err := runGo(ctx, env, f.path, 30*time.Second, "env", flag, arg)
	if err != nil {
		ss.client.ShowMessage(MessageError, fmt.Sprintf("gomodls: go env %s %s failed: %v\n%s", flag, arg, err, out))
		return nil, nil, "", nil, fmt.Errorf("go env %s %s: %w: %s", flag, name, err, out)
	}
	ss.ReloadEnvironments()
	return f, env, before, out, nil
}

// GoEnvUnset runs `go env -u NAME` in the folder of path (the first folder
// for ""): it removes the line of the go env -w file that sets NAME, so
// that $GOROOT/go.env or the default applies.
func (ss *Session) GoEnvUnset(ctx context.Context, path, name string) (map[string]string, error) {
	if !validEnvName(name) {
		return nil, invalidArg("go env -u: %q is not a variable gomodls unsets", name)
	}
	f, env, before, out, err := ss.goEnvChange(ctx, path, name, "-u", name)
	if err != nil {
		return nil, err
	}
	after := before
	if e := ss.environment(ctx, f); e != nil {
		after = e.Get(name)
	}
	msg := fmt.Sprintf("gomodls: removed %s from the go env -w file with go env -u; it is now %q (was %q).", name, after, before)
	msg += alsoSet(env, name)
	ss.client.ShowMessage(MessageInfo, msg)
	return map[string]string{"name": name, "value": after, "previous": before, "output": string(out)}, nil
}

// alsoSet notes that name is also set where go env -w does not reach.
func alsoSet(env *goenv.Env, name string) string {
	if v := env.Lookup(name); v.Origin == goenv.OriginEnv || v.Origin == goenv.OriginSetting {
		return fmt.Sprintf(" Note: %s is also set in the %s, which takes precedence over go env -w.", name, v.Origin)
	}
	return ""
}

// SetEnvSetting sets gomodls.env.NAME for this session. Editors that can
// write their settings (the VS Code extension) intercept the command and
// persist it; others are told how.
func (ss *Session) SetEnvSetting(name, value string) (map[string]string, error) {
	if !validEnvName(name) {
		return nil, invalidArg("%q is not a variable gomodls sets", name)
	}
	for _, f := range ss.allFolders() {
		f.mu.Lock()
		set := f.settings.Clone()
		if set.Env == nil {
			set.Env = map[string]string{}
		}
		set.Env[name] = value
		f.settings, f.env = set, nil
		f.mu.Unlock()
	}
	ss.InvalidateAll()
	ss.client.ShowMessage(MessageInfo, fmt.Sprintf("gomodls: using %s=%s for this session; add \"gomodls.env\": {%q: %q} to your editor settings to keep it.", name, value, name, value))
	return map[string]string{"name": name, "value": value}, nil
}

// runGo runs the go command with env in dir and returns its combined
// output.
func runGo(ctx context.Context, env *goenv.Env, dir string, timeout time.Duration, args ...string) ([]byte, error) {
	goBin, _ := env.GoCommand()
	if goBin == "" {
		return nil, errors.New("no go command found on PATH")
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, goBin, args...)
	cmd.Dir = dir
	cmd.Env = append(env.Environ(), "GIT_TERMINAL_PROMPT=0", "GCM_INTERACTIVE=never")
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	err := cmd.Run()
	if ctx.Err() == context.DeadlineExceeded {
		err = fmt.Errorf("no result after %v (stopped)", timeout)
	}
	return buf.Bytes(), err
}

// AllowedGoCommands are the go commands RunGoCommand runs: those quick
// fixes offer (fixes.RunGoCommand).
var AllowedGoCommands = []string{"mod tidy", "mod download", "mod verify", "mod vendor", "work vendor", "work use", "work use ."}

// RunGoCommand runs one of AllowedGoCommands in the module (or
// workspace) of path, a directory or a file in it, and reports the go
// command's output.
func (ss *Session) RunGoCommand(ctx context.Context, path string, args []string) (map[string]any, error) {
	if !slices.Contains(AllowedGoCommands, strings.Join(args, " ")) {
		return nil, invalidArg("runGoCommand: only go %s are allowed, not %q", strings.Join(AllowedGoCommands, ", go "), strings.Join(args, " "))
	}
	dir := path
	if filepath.Ext(path) != "" || filepath.Base(path) == "go.mod" {
		dir = filepath.Dir(path)
	}
	f := ss.folderFor(filepath.Join(dir, "go.mod"))
	env := ss.environment(ctx, f)
	if env == nil {
		return nil, fmt.Errorf("the Go environment is unknown")
	}
	title := "go " + strings.Join(args, " ")
	wd, wctx := ss.client.StartProgress(ctx, "gomodls", title+" in "+dir, true)
	out, err := runGo(wctx, env, dir, 5*time.Minute, args...)
	result := map[string]any{"command": title, "dir": dir, "output": string(out), "ok": err == nil}
	ss.log.Info("ran go command", zap.String("command", title), zap.String("dir", dir), zap.Error(err))
	ss.client.LogMessage(MessageLog, title+" in "+dir+":\n"+string(out))
	if err != nil {
		wd.End("failed")
		ss.client.ShowMessage(MessageError, fmt.Sprintf("gomodls: %s failed: %v\n%s", title, err, firstLines(string(out), 8)))
		result["error"] = err.Error()
		return result, nil
	}
	wd.End("done")
	ss.client.ShowMessage(MessageInfo, fmt.Sprintf("gomodls: %s succeeded in %s", title, dir))
	// go work use and go work vendor change go.work (which may be above
	// dir), go mod vendor vendor/modules.txt: views that depend on them
	// are rechecked too.
	changed := []string{filepath.Join(dir, "go.mod"), filepath.Join(dir, "go.sum"), filepath.Join(dir, "go.work")}
	if v := env.Get("GOWORK"); filepath.IsAbs(v) {
		changed = append(changed, v)
	}
	ss.DidChangeFiles(changed)
	return result, nil
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = append(lines[:n], "…")
	}
	return strings.Join(lines, "\n")
}

// ExplainEnv returns the `gomodls env` report of the folder of path (the
// first folder for "") as text, and logs it.
func (ss *Session) ExplainEnv(ctx context.Context, path string) (map[string]string, error) {
	f, err := ss.folderAt(path)
	if err != nil {
		return nil, err
	}
	env := ss.environment(ctx, f)
	if env == nil {
		return nil, fmt.Errorf("the Go environment is unknown")
	}
	var buf bytes.Buffer
	if err := env.Report().WriteText(&buf); err != nil {
		return nil, err
	}
	ss.client.LogMessage(MessageInfo, "gomodls env for "+f.path+":\n"+buf.String())
	return map[string]string{"folder": f.path, "report": buf.String()}, nil
}
