package lsp

import (
	"context"
	"encoding/json"
	"strings"

	"go.lsp.dev/protocol"
	"go.uber.org/zap"

	"github.com/gomodls/gomodls/internal/settings"
)

// initialized runs after the client's initialized notification: it fetches
// configuration, registers file watchers and lets the engine scan the
// workspace.
func (s *server) initialized(ctx context.Context) {
	caps := s.caps
	if caps.configuration {
		s.fetchConfiguration(ctx)
	}
	s.eng.Configured()
	if caps.watchedFiles {
		s.registerWatchers(ctx)
	}
	s.eng.Initialized(ctx)
}

func (s *server) registerWatchers(ctx context.Context) {
	opts := protocol.DidChangeWatchedFilesRegistrationOptions{Watchers: []protocol.FileSystemWatcher{
		{GlobPattern: protocol.Pattern("**/go.{mod,sum,work}")},
		{GlobPattern: protocol.Pattern("**/go.work.sum")},
		{GlobPattern: protocol.Pattern("**/vendor/modules.txt")},
	}}
	raw, err := protocol.Marshal(opts)
	if err != nil {
		s.log.Error("marshal watchers", zap.Error(err))
		return
	}
	err = s.client.RegisterCapability(ctx, &protocol.RegistrationParams{Registrations: []protocol.Registration{{
		ID: "gomodls-watch", Method: protocol.MethodWorkspaceDidChangeWatchedFiles, RegisterOptions: raw,
	}}})
	if err != nil {
		s.log.Warn("client refused file watcher registration", zap.Error(err))
	}
}

// configurationChanged handles workspace/didChangeConfiguration. Clients
// that support workspace/configuration send a null payload and expect the
// server to pull; others push the settings.
func (s *server) configurationChanged(ctx context.Context, raw []byte) {
	if s.caps.configuration {
		s.fetchConfiguration(ctx)
	} else if len(raw) > 0 && string(raw) != "null" {
		set, problems := settings.Decode(settings.Default(), unwrapSection(raw))
		s.reportSettingsProblems(problems)
		s.eng.SetSettings(set, nil)
	}
	s.eng.ScanWorkspace(ctx)
	s.eng.InvalidateAll()
}

// unwrapSection accepts both {"gomodls": {...}} and {...}.
func unwrapSection(raw []byte) []byte {
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(raw, &probe); err == nil {
		if inner, ok := probe["gomodls"]; ok && len(probe) == 1 {
			return inner
		}
	}
	return raw
}

// fetchConfiguration asks the client for the "gomodls" section, globally
// and for each folder.
func (s *server) fetchConfiguration(ctx context.Context) {
	folders := s.eng.Folders()
	section := "gomodls"
	items := []protocol.ConfigurationItem{{Section: &section}}
	for _, f := range folders {
		u := fileURI(f)
		items = append(items, protocol.ConfigurationItem{ScopeURI: &u, Section: &section})
	}
	res, err := s.client.Configuration(ctx, &protocol.ConfigurationParams{Items: items})
	if err != nil {
		s.log.Warn("workspace/configuration failed", zap.Error(err))
		return
	}
	if len(res) == 0 {
		return
	}
	global, problems := settings.Decode(settings.Default(), res[0])
	s.reportSettingsProblems(problems)
	perFolder := map[string]*settings.Settings{}
	for i, f := range folders {
		if i+1 < len(res) && len(res[i+1]) > 0 && string(res[i+1]) != "null" {
			set, problems := settings.Decode(settings.Default(), res[i+1])
			s.reportSettingsProblems(problems)
			perFolder[f] = set
		}
	}
	s.eng.SetSettings(global, perFolder)
}

func (s *server) reportSettingsProblems(problems []string) {
	if len(problems) == 0 {
		return
	}
	s.showMessage(protocol.MessageTypeWarning, "gomodls settings: "+strings.Join(problems, "; "))
}

func (s *server) foldersChanged(ctx context.Context, added, removed []string) {
	s.eng.ChangeFolders(added, removed)
	if s.caps.configuration {
		s.fetchConfiguration(ctx)
	}
	s.eng.ScanWorkspace(ctx)
}
