package settings

import (
	"strings"
	"testing"
	"time"
)

func TestDecode(t *testing.T) {
	base := Default()
	s, problems := Decode(base, []byte(`{
		"formatting": false,
		"env": {"GOPRIVATE": "git.corp.example"},
		"requestTimeout": "2s",
		"checkDeadline": 1500,
		"proxyDeadline": "1m30s",
		"upgrades": "sideways",
		"concurrency": 0,
		"bogus": true,
		"network": "yes"
	}`))
	if s.Formatting || s.Env["GOPRIVATE"] != "git.corp.example" || s.RequestTimeout.D() != 2*time.Second || s.CheckDeadline.D() != 1500*time.Millisecond || s.ProxyDeadline.D() != 90*time.Second {
		t.Errorf("decoded %+v", s)
	}
	// Bad values keep the base value and are reported.
	if s.Upgrades != base.Upgrades || s.Concurrency != base.Concurrency || s.Network != base.Network {
		t.Errorf("bad values applied: upgrades=%q concurrency=%d network=%v", s.Upgrades, s.Concurrency, s.Network)
	}
	all := strings.Join(problems, "\n")
	for _, want := range []string{"unknown setting gomodls.bogus", "gomodls.network", "gomodls.upgrades"} {
		if !strings.Contains(all, want) {
			t.Errorf("problems lack %q:\n%s", want, all)
		}
	}
	// The base is not modified.
	if !base.Formatting || base.Env != nil {
		t.Errorf("base modified: %+v", base)
	}
}

func TestDecodeEmpty(t *testing.T) {
	for _, raw := range []string{"", "null", "[]", " [] "} {
		s, problems := Decode(Default(), []byte(raw))
		if len(problems) != 0 || s.Upgrades != "minor" {
			t.Errorf("%q: %v %+v", raw, problems, s)
		}
	}
	if _, problems := Decode(Default(), []byte(`[1]`)); len(problems) == 0 {
		t.Error("a non-empty array is not a settings object")
	}
}

func TestDocsCoverFields(t *testing.T) {
	for _, d := range Docs() {
		if d.Doc == "" || d.Type == "" {
			t.Errorf("setting %s is not documented", d.Name)
		}
	}
}
