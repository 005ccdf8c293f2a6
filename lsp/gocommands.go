package lsp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
	"go.uber.org/zap"

	"github.com/gomodls/gomodls/fixes"
	"github.com/gomodls/gomodls/internal/goenv"
)

func init() {
	commands[fixes.CmdGoEnvWrite] = cmdGoEnvWrite
	commands[fixes.CmdGoEnvUnset] = cmdGoEnvUnset
	commands[fixes.CmdSetEnvSetting] = cmdSetEnvSetting
	commands[fixes.CmdRunGoCommand] = cmdRunGoCommand
	commands[fixes.CmdExplainEnv] = cmdExplainEnv
	commands[fixes.CmdUpgradeAll] = cmdUpgradeAll
}

type envArg struct {
	Name  string `json:"name"`
	Value string `json:"value"`
	URI   string `json:"uri"`
}

// folderForArg returns the folder of an optional "uri" argument, or the
// first workspace folder.
func (ss *session) folderForArg(uri string) (*folder, error) {
	if uri != "" {
		p, err := pathFromString(uri)
		if err != nil {
			return nil, err
		}
		return ss.folderFor(p), nil
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if len(ss.folders) == 0 {
		return nil, invalidParams("no workspace folder to run the command in")
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

// cmdGoEnvWrite runs `go env -w NAME=VALUE`: the value was computed by the
// fix by merging into the current value, so nothing the user had is lost.
func cmdGoEnvWrite(ctx context.Context, s *server, args []json.RawMessage) (any, error) {
	var a envArg
	if err := decodeArg(args, &a); err != nil {
		return nil, err
	}
	if !validEnvName(a.Name) {
		return nil, invalidParams("go env -w: %q is not a variable gomodls writes", a.Name)
	}
	f, err := s.session.folderForArg(a.URI)
	if err != nil {
		return nil, err
	}
	env := s.session.environment(ctx, f)
	if env == nil {
		return nil, fmt.Errorf("go env -w: the Go environment is unknown")
	}
	before := env.Get(a.Name)
	out, err := runGo(ctx, env, f.path, 30*time.Second, "env", "-w", a.Name+"="+a.Value)
	if err != nil {
		s.showMessage(protocol.MessageTypeError, fmt.Sprintf("gomodls: go env -w %s=%s failed: %v\n%s", a.Name, a.Value, err, out))
		return nil, fmt.Errorf("go env -w %s: %w: %s", a.Name, err, out)
	}
	s.session.reloadEnvironments()
	msg := fmt.Sprintf("gomodls: %s is now %q (was %q), written with go env -w.", a.Name, a.Value, before)
	if v := env.Lookup(a.Name); v.Origin == goenv.OriginEnv || v.Origin == goenv.OriginSetting {
		msg += fmt.Sprintf(" Note: %s is also set in the %s, which takes precedence over go env -w.", a.Name, v.Origin)
	}
	s.showMessage(protocol.MessageTypeInfo, msg)
	return map[string]string{"name": a.Name, "value": a.Value, "previous": before, "output": string(out)}, nil
}

// cmdGoEnvUnset runs `go env -u NAME`: it removes the line of the go env -w
// file that sets NAME, so that $GOROOT/go.env or the default applies.
func cmdGoEnvUnset(ctx context.Context, s *server, args []json.RawMessage) (any, error) {
	var a envArg
	if err := decodeArg(args, &a); err != nil {
		return nil, err
	}
	if !validEnvName(a.Name) {
		return nil, invalidParams("go env -u: %q is not a variable gomodls unsets", a.Name)
	}
	f, err := s.session.folderForArg(a.URI)
	if err != nil {
		return nil, err
	}
	env := s.session.environment(ctx, f)
	if env == nil {
		return nil, fmt.Errorf("go env -u: the Go environment is unknown")
	}
	before := env.Get(a.Name)
	out, err := runGo(ctx, env, f.path, 30*time.Second, "env", "-u", a.Name)
	if err != nil {
		s.showMessage(protocol.MessageTypeError, fmt.Sprintf("gomodls: go env -u %s failed: %v\n%s", a.Name, err, out))
		return nil, fmt.Errorf("go env -u %s: %w: %s", a.Name, err, out)
	}
	s.session.reloadEnvironments()
	after := before
	if e := s.session.environment(ctx, f); e != nil {
		after = e.Get(a.Name)
	}
	msg := fmt.Sprintf("gomodls: removed %s from the go env -w file with go env -u; it is now %q (was %q).", a.Name, after, before)
	if v := env.Lookup(a.Name); v.Origin == goenv.OriginEnv || v.Origin == goenv.OriginSetting {
		msg += fmt.Sprintf(" Note: %s is also set in the %s, which takes precedence over go env -w.", a.Name, v.Origin)
	}
	s.showMessage(protocol.MessageTypeInfo, msg)
	return map[string]string{"name": a.Name, "value": after, "previous": before, "output": string(out)}, nil
}

// cmdSetEnvSetting sets gomodls.env.NAME for this session. Editors that can
// write their settings (the VS Code extension) intercept the command and
// persist it; others are told how.
func cmdSetEnvSetting(ctx context.Context, s *server, args []json.RawMessage) (any, error) {
	var a envArg
	if err := decodeArg(args, &a); err != nil {
		return nil, err
	}
	if !validEnvName(a.Name) {
		return nil, invalidParams("%q is not a variable gomodls sets", a.Name)
	}
	s.session.mu.Lock()
	folders := append([]*folder(nil), s.session.folders...)
	s.session.mu.Unlock()
	for _, f := range folders {
		f.mu.Lock()
		set := f.settings.Clone()
		if set.Env == nil {
			set.Env = map[string]string{}
		}
		set.Env[a.Name] = a.Value
		f.settings, f.env = set, nil
		f.mu.Unlock()
	}
	for _, v := range s.session.allViews() {
		v.invalidate()
	}
	s.showMessage(protocol.MessageTypeInfo, fmt.Sprintf("gomodls: using %s=%s for this session; add \"gomodls.env\": {%q: %q} to your editor settings to keep it.", a.Name, a.Value, a.Name, a.Value))
	return map[string]string{"name": a.Name, "value": a.Value}, nil
}

// reloadEnvironments forgets every folder's environment, so the next
// snapshot reads it again, and re-checks.
func (ss *session) reloadEnvironments() {
	ss.mu.Lock()
	folders := append([]*folder(nil), ss.folders...)
	ss.mu.Unlock()
	for _, f := range folders {
		f.mu.Lock()
		f.env = nil
		f.mu.Unlock()
	}
	for _, v := range ss.allViews() {
		v.invalidate()
	}
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

// pathFromString parses a file URI argument.
func pathFromString(s string) (string, error) {
	if s == "" {
		return "", invalidParams("a file URI argument is required")
	}
	u, err := uri.Parse(s)
	if err != nil {
		return "", invalidParams("bad URI %q: %v", s, err)
	}
	p, err := pathOf(u)
	if err != nil {
		return "", invalidParams("%v", err)
	}
	return p, nil
}

type goCommandArg struct {
	URI  string   `json:"uri"`
	Args []string `json:"args"`
}

// allowedGoCommands are the go commands runGoCommand runs: those quick
// fixes offer (fixes.RunGoCommand).
var allowedGoCommands = []string{"mod tidy", "mod download", "mod verify", "mod vendor", "work vendor", "work use", "work use ."}

// cmdRunGoCommand runs one of allowedGoCommands in a module (or
// workspace) and reports the go command's output.
func cmdRunGoCommand(ctx context.Context, s *server, args []json.RawMessage) (any, error) {
	var a goCommandArg
	if err := decodeArg(args, &a); err != nil {
		return nil, err
	}
	if !slices.Contains(allowedGoCommands, strings.Join(a.Args, " ")) {
		return nil, invalidParams("runGoCommand: only go %s are allowed, not %q", strings.Join(allowedGoCommands, ", go "), strings.Join(a.Args, " "))
	}
	p, err := pathFromString(a.URI)
	if err != nil {
		return nil, err
	}
	dir := p
	if filepath.Ext(p) != "" || filepath.Base(p) == "go.mod" {
		dir = filepath.Dir(p)
	}
	f := s.session.folderFor(filepath.Join(dir, "go.mod"))
	env := s.session.environment(ctx, f)
	if env == nil {
		return nil, fmt.Errorf("the Go environment is unknown")
	}
	title := "go " + strings.Join(a.Args, " ")
	wd, wctx := s.session.progress.start(ctx, "gomodls", title+" in "+dir, true)
	out, err := runGo(wctx, env, dir, 5*time.Minute, a.Args...)
	result := map[string]any{"command": title, "dir": dir, "output": string(out), "ok": err == nil}
	s.log.Info("ran go command", zap.String("command", title), zap.String("dir", dir), zap.Error(err))
	_ = s.client.LogMessage(s.bg, &protocol.LogMessageParams{Type: protocol.MessageTypeLog, Message: title + " in " + dir + ":\n" + string(out)})
	if err != nil {
		wd.end("failed")
		s.showMessage(protocol.MessageTypeError, fmt.Sprintf("gomodls: %s failed: %v\n%s", title, err, firstLines(string(out), 8)))
		result["error"] = err.Error()
		return result, nil
	}
	wd.end("done")
	s.showMessage(protocol.MessageTypeInfo, fmt.Sprintf("gomodls: %s succeeded in %s", title, dir))
	// go work use and go work vendor change go.work (which may be above
	// dir), go mod vendor vendor/modules.txt: views that depend on them
	// are rechecked too.
	changed := []string{filepath.Join(dir, "go.mod"), filepath.Join(dir, "go.sum"), filepath.Join(dir, "go.work")}
	if v := env.Get("GOWORK"); filepath.IsAbs(v) {
		changed = append(changed, v)
	}
	s.session.didChangeFiles(changed)
	return result, nil
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = append(lines[:n], "…")
	}
	return strings.Join(lines, "\n")
}

// cmdExplainEnv returns the `gomodls env` report of a folder as text, and
// logs it.
func cmdExplainEnv(ctx context.Context, s *server, args []json.RawMessage) (any, error) {
	var a envArg
	if err := decodeArg(args, &a); err != nil {
		return nil, err
	}
	f, err := s.session.folderForArg(a.URI)
	if err != nil {
		return nil, err
	}
	env := s.session.environment(ctx, f)
	if env == nil {
		return nil, fmt.Errorf("the Go environment is unknown")
	}
	var buf bytes.Buffer
	if err := env.Report().WriteText(&buf); err != nil {
		return nil, err
	}
	_ = s.client.LogMessage(s.bg, &protocol.LogMessageParams{Type: protocol.MessageTypeInfo, Message: "gomodls env for " + f.path + ":\n" + buf.String()})
	return map[string]string{"folder": f.path, "report": buf.String()}, nil
}
