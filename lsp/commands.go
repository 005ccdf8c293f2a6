package lsp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"sort"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/gomodls/gomodls/fixes"
	"github.com/gomodls/gomodls/internal/engine"
	"github.com/gomodls/gomodls/internal/snapshot"
)

// A commandFunc implements a workspace/executeCommand command: it decodes
// the arguments, calls the engine and returns a JSON value. It runs on its
// own goroutine and may call back into the client.
type commandFunc func(ctx context.Context, s *server, args []json.RawMessage) (any, error)

// commands is the registry of server commands. The names are part of the
// editor integrations' contract (see package fixes).
var commands = map[string]commandFunc{
	fixes.CmdRecheck:       cmdRecheck,
	fixes.CmdGoEnvWrite:    cmdGoEnvWrite,
	fixes.CmdGoEnvUnset:    cmdGoEnvUnset,
	fixes.CmdSetEnvSetting: cmdSetEnvSetting,
	fixes.CmdRunGoCommand:  cmdRunGoCommand,
	fixes.CmdExplainEnv:    cmdExplainEnv,
	fixes.CmdUpgradeAll:    cmdUpgradeAll,
	fixes.CmdVerifySums:    cmdVerifySums,
	fixes.CmdGovulncheck:   cmdGovulncheck,
}

func (s *server) commandNames() []string {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func (s *server) ExecuteCommand(ctx context.Context, params *protocol.ExecuteCommandParams) (protocol.LSPAny, error) {
	fn, ok := commands[params.Command]
	if !ok {
		return nil, jsonrpc2.NewError(jsonrpc2.InvalidParams, "unknown command "+params.Command)
	}
	args := make([]json.RawMessage, len(params.Arguments))
	for i, a := range params.Arguments {
		args[i] = json.RawMessage(a)
	}
	res, err := fn(ctx, s, args)
	var invalid *engine.InvalidArgError
	if errors.As(err, &invalid) {
		return nil, invalidParams("%s", invalid.Msg)
	}
	if err != nil {
		return nil, err
	}
	if res == nil {
		return protocol.LSPAny("null"), nil
	}
	raw, err := json.Marshal(res)
	if err != nil {
		return nil, err
	}
	return protocol.LSPAny(raw), nil
}

// decodeArg decodes the first argument into v.
func decodeArg(args []json.RawMessage, v any) error {
	if len(args) == 0 {
		return nil
	}
	if err := json.Unmarshal(args[0], v); err != nil {
		return invalidParams("bad command argument: %v", err)
	}
	return nil
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

// optionalPath parses an optional file URI argument: "" stays "".
func optionalPath(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	return pathFromString(s)
}

// A uriArg is a command argument with a file URI in it.
type uriArg interface{ fileURI() string }

func (a envArg) fileURI() string       { return a.URI }
func (a goCommandArg) fileURI() string { return a.URI }
func (a upgradeArg) fileURI() string   { return a.URI }
func (a uriOnlyArg) fileURI() string   { return a.URI }

// decodeWithPath decodes the first argument and parses its URI, which
// may be "" unless required.
func decodeWithPath[A uriArg](args []json.RawMessage, required bool) (A, string, error) {
	var a A
	if err := decodeArg(args, &a); err != nil {
		return a, "", err
	}
	parse := optionalPath
	if required {
		parse = pathFromString
	}
	p, err := parse(a.fileURI())
	return a, p, err
}

// cmdRecheck forgets cached failures and re-runs every check of every
// view.
func cmdRecheck(ctx context.Context, s *server, args []json.RawMessage) (any, error) {
	s.eng.Recheck()
	return nil, nil
}

type envArg struct {
	Name  string `json:"name"`
	Value string `json:"value"`
	URI   string `json:"uri"`
}

// cmdGoEnvWrite runs `go env -w NAME=VALUE` in the folder of the optional
// "uri" argument (the first workspace folder without one).
func cmdGoEnvWrite(ctx context.Context, s *server, args []json.RawMessage) (any, error) {
	a, p, err := decodeWithPath[envArg](args, false)
	if err != nil {
		return nil, err
	}
	return s.eng.GoEnvWrite(ctx, p, a.Name, a.Value)
}

// cmdGoEnvUnset runs `go env -u NAME` in the folder of the optional "uri"
// argument.
func cmdGoEnvUnset(ctx context.Context, s *server, args []json.RawMessage) (any, error) {
	a, p, err := decodeWithPath[envArg](args, false)
	if err != nil {
		return nil, err
	}
	return s.eng.GoEnvUnset(ctx, p, a.Name)
}

// cmdSetEnvSetting sets gomodls.env.NAME for this session.
func cmdSetEnvSetting(ctx context.Context, s *server, args []json.RawMessage) (any, error) {
	var a envArg
	if err := decodeArg(args, &a); err != nil {
		return nil, err
	}
	return s.eng.SetEnvSetting(a.Name, a.Value)
}

type goCommandArg struct {
	URI  string   `json:"uri"`
	Args []string `json:"args"`
}

// cmdRunGoCommand runs one of engine.AllowedGoCommands in a module (or
// workspace) and reports the go command's output.
func cmdRunGoCommand(ctx context.Context, s *server, args []json.RawMessage) (any, error) {
	a, p, err := decodeWithPath[goCommandArg](args, true)
	if err != nil {
		return nil, err
	}
	return s.eng.RunGoCommand(ctx, p, a.Args)
}

// cmdExplainEnv returns the `gomodls env` report of a folder as text, and
// logs it.
func cmdExplainEnv(ctx context.Context, s *server, args []json.RawMessage) (any, error) {
	_, p, err := decodeWithPath[envArg](args, false)
	if err != nil {
		return nil, err
	}
	return s.eng.ExplainEnv(ctx, p)
}

type upgradeArg struct {
	URI   string `json:"uri"`
	Level string `json:"level"`
}

// cmdUpgradeAll upgrades every direct require of a go.mod to its latest
// patch or minor release (never a retracted one) and applies the edit.
func cmdUpgradeAll(ctx context.Context, s *server, args []json.RawMessage) (any, error) {
	a, p, err := decodeWithPath[upgradeArg](args, true)
	if err != nil {
		return nil, err
	}
	up, err := s.eng.UpgradeAll(ctx, p, a.Level)
	if err != nil {
		return nil, err
	}
	fix := up.Fix
	if len(fix.Edits) == 0 {
		return map[string]int{"upgraded": 0}, nil
	}
	we, ok := s.workspaceEdit(up.Snapshot, up.Versions, fix.Edits)
	if !ok {
		return nil, fmt.Errorf("upgradeAll: cannot build the edit")
	}
	res, err := s.client.ApplyEdit(ctx, &protocol.ApplyWorkspaceEditParams{Label: ptr(fix.Title), Edit: *we})
	if err != nil {
		return nil, err
	}
	if !res.Applied {
		reason := ""
		if res.FailureReason != nil {
			reason = *res.FailureReason
		}
		return nil, fmt.Errorf("upgradeAll: the editor did not apply the edit: %s", reason)
	}
	return map[string]int{"upgraded": len(fix.Edits)}, nil
}

// cmdVerifySums verifies go.sum in the view of the "uri" argument (every
// view without one): engine.Session.VerifySums.
func cmdVerifySums(ctx context.Context, s *server, args []json.RawMessage) (any, error) {
	_, p, err := decodeWithPath[uriOnlyArg](args, false)
	if err != nil {
		return nil, err
	}
	res, err := s.eng.VerifySums(ctx, p)
	if err != nil {
		return nil, err
	}
	return res, nil
}

type uriOnlyArg struct {
	URI string `json:"uri"`
}

type govulncheckArg struct {
	Dir  string `json:"dir"`
	URI  string `json:"uri"`
	Scan string `json:"scan"`
}

// cmdGovulncheck runs govulncheck on the module in a directory (the "dir"
// argument, or the directory of the "uri" argument).
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
	return s.eng.Govulncheck(ctx, dir, a.Scan)
}
