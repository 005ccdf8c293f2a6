package lsp

import (
	"context"
	"encoding/json"
	"sort"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"

	"github.com/gomodls/gomodls/fixes"
)

// A commandFunc implements a workspace/executeCommand command. It runs on
// its own goroutine and may call back into the client.
type commandFunc func(ctx context.Context, s *server, args []json.RawMessage) (any, error)

// commands is the registry of server commands. The names are part of the
// editor integrations' contract (see package fixes).
var commands = map[string]commandFunc{
	fixes.CmdRecheck: cmdRecheck,
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

// cmdRecheck forgets cached failures and re-runs every check of every
// view.
func cmdRecheck(ctx context.Context, s *server, args []json.RawMessage) (any, error) {
	s.session.forgetFailures()
	s.session.vulns.invalidate()
	for _, v := range s.session.allViews() {
		v.invalidate()
	}
	return nil, nil
}
