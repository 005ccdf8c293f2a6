// Copyright 2026 The gomodls Authors.

package analyzers_test

import (
	"testing"

	"github.com/gomodls/gomodls/internal/proxytest"
	"github.com/gomodls/gomodls/internal/settings"
)

// The vulns cases (testdata/vulns) run in TestNetworkAnalyzers against the
// fixture's vulnerability database (real reports; see
// internal/proxytest/testdata/vulndb). Some need modules the default
// corpus lacks, or a failing database.
func init() {
	networkSetup["vulns/modules"] = func(t *testing.T) ([]proxytest.Option, func(*proxytest.Server), func(*settings.Settings, *proxytest.Server)) {
		return nil, func(s *proxytest.Server) {
			// golang.org/x/text's versions around its fixes; the latest
			// retracts v0.41.0, so the upgrade that fixes everything skips it.
			for _, v := range []string{"v0.3.5", "v0.3.7", "v0.3.8", "v0.39.0", "v0.40.0", "v0.41.0"} {
				addModule(t, s, "golang.org/x/text", v, "module golang.org/x/text\n")
			}
			addModule(t, s, "golang.org/x/text", "v0.42.0", "module golang.org/x/text\n\nretract v0.41.0 // Broken release.\n")
		}, nil
	}
	networkSetup["vulns/unavailable"] = func(t *testing.T) ([]proxytest.Option, func(*proxytest.Server), func(*settings.Settings, *proxytest.Server)) {
		return nil, func(s *proxytest.Server) {
			s.Fault("", proxytest.Status(503, "vulnerability database down for maintenance").On(proxytest.EndpointVulnDB))
		}, nil
	}
}

func addModule(t *testing.T, s *proxytest.Server, path, version, gomod string) {
	t.Helper()
	if err := s.AddModule(path, version, map[string]string{"go.mod": gomod, "x.go": "package x\n"}); err != nil {
		t.Fatal(err)
	}
}
