// Package settings defines gomodls' user settings, shared by the language
// server (workspace/configuration, section "gomodls") and the CLI (flags).
//
// Settings are decoded from JSON. Unknown keys are reported, not fatal, so
// an editor configured for a newer gomodls still works with an older one.
package settings

import (
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"
)

// Settings is the full set of settings. The zero value is not useful; start
// from Default.
type Settings struct {
	// Formatting enables textDocument/formatting. Turn it off when another
	// server (gopls) formats go.mod files.
	Formatting bool `json:"formatting"`

	// Env overrides Go environment variables (GOPROXY, GOPRIVATE, ...) for
	// this workspace. Overrides win over the process environment, the
	// `go env -w` file and $GOROOT/go.env.
	Env map[string]string `json:"env"`

	// Disable lists diagnostic codes (or analyzer names) not to report.
	Disable []string `json:"disable"`

	// Severity overrides the severity of a code: "error", "warning", "info" or
	// "hint".
	Severity map[string]string `json:"severity"`

	// Network enables the checks that consult proxies and the checksum
	// database. When false, only local checks run.
	Network bool `json:"network"`

	// Offline answers network checks from caches only; results that would
	// need the network are marked unverified instead of reported as errors.
	Offline bool `json:"offline"`

	// Upgrades selects which newer versions upgrade-available reports:
	// "off", "patch", "minor" (default: patch and minor releases within the
	// same major) or "major" (also a newer major module path).
	Upgrades string `json:"upgrades"`

	// Prereleases includes prerelease versions in completion and in
	// upgrade suggestions.
	Prereleases bool `json:"prereleases"`

	// RequestTimeout bounds connecting to a proxy (DNS, TCP, TLS): one
	// that cannot be reached is reported at once. A connected request
	// without an answer by then only counts as slow.
	RequestTimeout Duration `json:"requestTimeout"`

	// ProxyDeadline is how long a connected request waits for a slow
	// proxy's answer before the proxy is reported unreachable (the go
	// command waits forever).
	ProxyDeadline Duration `json:"proxyDeadline"`

	// CheckDeadline bounds one whole background check of a file; results
	// missing by then are reported as unreachable proxies.
	CheckDeadline Duration `json:"checkDeadline"`

	// Debounce delays network checks after an edit so that typing does not
	// start a check per keystroke.
	Debounce Duration `json:"debounce"`

	// ListTTL is how long version lists and latest versions stay fresh in
	// the persistent cache.
	ListTTL Duration `json:"listTTL"`

	// WorkspaceScan checks every go.mod and go.work in the workspace
	// folders, not only the open ones.
	WorkspaceScan bool `json:"workspaceScan"`

	// LatestVersionHints shows the latest version after each require as an
	// inlay hint.
	LatestVersionHints bool `json:"latestVersionHints"`

	// CodeLenses shows code lenses (upgrade, check now) above requires.
	CodeLenses bool `json:"codeLenses"`

	// Concurrency bounds the requests in flight to one proxy host (the
	// number adapts to the host within it).
	Concurrency int `json:"concurrency"`

	// VerifyZips makes the network check download (through the GOPROXY
	// chain, when no cache has it) and hash the zip of every module version
	// go.sum lists, and hash the module cache's extracted copies, as `go mod
	// verify` does. Off by default, since it downloads modules: `gomodls
	// check -verify` and the gomodls.verifySums command turn it on for one
	// check.
	VerifyZips bool `json:"verifyZips"`

	// PublicProxies are the proxies that must never see private module
	// paths: a module they refuse, or that needs credentials there, is
	// reported as private-module-not-configured.
	PublicProxies ProxyURLs `json:"publicProxies"`

	// Vulncheck reports known vulnerabilities of required module versions
	// and of the Go toolchain, from the Go vulnerability database (GOVULNDB).
	Vulncheck bool `json:"vulncheck"`

	// VulncheckDirectOnly limits Vulncheck to direct requires (and the
	// replacements of direct requires).
	VulncheckDirectOnly bool `json:"vulncheckDirectOnly"`
}

// Duration is a time.Duration that decodes from "10s" strings or from a
// number of milliseconds.
type Duration time.Duration

// ProxyURLs is a list of module proxy URLs.
type ProxyURLs []string

// Has reports whether proxy is one of l: the same host (case-insensitive)
// and path, ignoring a trailing slash. Credentials and query are ignored,
// so that a proxy stays itself whatever is added to its URL.
func (l ProxyURLs) Has(proxy string) bool {
	pu, err := url.Parse(proxy)
	if err != nil || pu.Host == "" {
		return false
	}
	for _, s := range l {
		u, err := url.Parse(s)
		if err == nil && strings.EqualFold(u.Host, pu.Host) && strings.TrimSuffix(u.Path, "/") == strings.TrimSuffix(pu.Path, "/") {
			return true
		}
	}
	return false
}

func (d Duration) D() time.Duration { return time.Duration(d) }

func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		v, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("invalid duration %q (want e.g. \"10s\", \"500ms\")", s)
		}
		*d = Duration(v)
		return nil
	}
	var ms float64
	if err := json.Unmarshal(b, &ms); err != nil {
		return fmt.Errorf("invalid duration %s (want a string like \"10s\" or milliseconds)", b)
	}
	*d = Duration(time.Duration(ms * float64(time.Millisecond)))
	return nil
}

// Default returns the default settings.
func Default() *Settings {
	return &Settings{
		Formatting:     true,
		Network:        true,
		Upgrades:       "minor",
		RequestTimeout: Duration(10 * time.Second),
		ProxyDeadline:  Duration(3 * time.Minute),
		CheckDeadline:  Duration(10 * time.Minute),
		Debounce:       Duration(300 * time.Millisecond),
		ListTTL:        Duration(time.Hour),
		WorkspaceScan:  true,
		CodeLenses:     false,
		Concurrency:    64,
		Vulncheck:      true,
		PublicProxies:  []string{"https://proxy.golang.org", "https://goproxy.io", "https://goproxy.cn", "https://mirrors.aliyun.com/goproxy", "https://goproxy.baidu.com"},
	}
}

// Clone returns a deep copy.
func (s *Settings) Clone() *Settings {
	c := *s
	c.Env = cloneMap(s.Env)
	c.Severity = cloneMap(s.Severity)
	c.Disable = append([]string(nil), s.Disable...)
	c.PublicProxies = append([]string(nil), s.PublicProxies...)
	return &c
}

func cloneMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	c := make(map[string]string, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

// Decode applies the JSON object raw on top of a copy of base and returns
// it, with a list of problems (unknown keys, bad values) that callers show
// to the user. A bad value keeps the base value.
func Decode(base *Settings, raw []byte) (*Settings, []string) {
	s := base.Clone()
	if t := strings.TrimSpace(string(raw)); t == "" || t == "null" || t == "[]" {
		// Neovim sends an empty Lua table as [].
		return s, nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return s, []string{fmt.Sprintf("gomodls settings must be a JSON object: %v", err)}
	}
	known := map[string]bool{}
	for _, d := range Docs() {
		known[d.Name] = true
	}
	var problems []string
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !known[k] {
			problems = append(problems, fmt.Sprintf("unknown setting gomodls.%s (ignored)", k))
			continue
		}
		// Decode one key at a time so one bad value does not discard the rest.
		one, _ := json.Marshal(map[string]json.RawMessage{k: obj[k]})
		trial := s.Clone()
		if err := json.Unmarshal(one, trial); err != nil {
			problems = append(problems, fmt.Sprintf("setting gomodls.%s: %v", k, cleanJSONError(err)))
			continue
		}
		s = trial
	}
	problems = append(problems, s.validate(base)...)
	return s, problems
}

func cleanJSONError(err error) string {
	return strings.TrimPrefix(err.Error(), "json: ")
}

// validate resets invalid values to base's and says what was wrong.
func (s *Settings) validate(base *Settings) []string {
	var problems []string
	if s.Concurrency < 1 || s.Concurrency > 1024 {
		problems = append(problems, fmt.Sprintf("setting gomodls.concurrency: %d is not between 1 and 1024", s.Concurrency))
		s.Concurrency = base.Concurrency
	}
	switch s.Upgrades {
	case "off", "patch", "minor", "major":
	default:
		problems = append(problems, fmt.Sprintf("setting gomodls.upgrades: %q is not one of off, patch, minor, major", s.Upgrades))
		s.Upgrades = base.Upgrades
	}
	return problems
}

// Disabled reports whether a diagnostic code (or analyzer name) is disabled.
func (s *Settings) Disabled(name string) bool {
	for _, d := range s.Disable {
		if d == name {
			return true
		}
	}
	return false
}

// Doc documents one setting, for generated documentation and the editor
// integrations' configuration schemas.
type Doc struct {
	Name    string
	Type    string
	Default string
	Doc     string
}

// Docs returns the documentation of every setting, in declaration order.
func Docs() []Doc {
	d := Default()
	return []Doc{
		{"formatting", "boolean", fmt.Sprint(d.Formatting), "Format go.mod, go.work and go.sum on request. Turn off when gopls formats go.mod files, so the two servers do not fight."},
		{"env", "object", "{}", "Go environment overrides for this workspace (GOPROXY, GOPRIVATE, GONOPROXY, GONOSUMDB, GOSUMDB, GOINSECURE, GOAUTH, GOFLAGS, GOTOOLCHAIN, ...). They win over the process environment, the `go env -w` file and $GOROOT/go.env."},
		{"disable", "array of strings", "[]", "Diagnostic codes or analyzer names not to report."},
		{"severity", "object", "{}", "Severity per code: \"error\", \"warning\", \"info\" or \"hint\"."},
		{"network", "boolean", fmt.Sprint(d.Network), "Run the checks that consult proxies and the checksum database."},
		{"offline", "boolean", fmt.Sprint(d.Offline), "Answer network checks from caches only (also implied by GOPROXY=off and GOFLAGS=-mod=vendor); results are marked unverified instead of errors."},
		{"upgrades", "string", d.Upgrades, "Which upgrades upgrade-available reports: off, patch, minor (patch and minor releases of the same major) or major (also a newer major module path)."},
		{"prereleases", "boolean", fmt.Sprint(d.Prereleases), "Offer prerelease versions in completion and upgrades."},
		{"requestTimeout", "duration", d.RequestTimeout.D().String(), "Timeout of connecting to a proxy (DNS, TCP, TLS: one that cannot be reached is reported at once), and of one request to a checksum database. A proxy that has not answered a connected request by then is slow, not unreachable: it gets fewer requests at once, and progress shows the wait."},
		{"proxyDeadline", "duration", d.ProxyDeadline.D().String(), "How long a slow proxy is waited for: a request it accepted and has not answered by then is reported proxy-unreachable (the go command waits forever)."},
		{"checkDeadline", "duration", d.CheckDeadline.D().String(), "Deadline of one whole background check of a file; lookups still waiting then are reported unreachable."},
		{"debounce", "duration", d.Debounce.D().String(), "Delay between the last edit and the start of network checks."},
		{"listTTL", "duration", d.ListTTL.D().String(), "How long version lists and latest versions are cached."},
		{"workspaceScan", "boolean", fmt.Sprint(d.WorkspaceScan), "Check every go.mod and go.work in the workspace folders, not only open files."},
		{"latestVersionHints", "boolean", fmt.Sprint(d.LatestVersionHints), "Show the latest version after each require as an inlay hint."},
		{"codeLenses", "boolean", fmt.Sprint(d.CodeLenses), "Show code lenses above requires (upgrade, check now)."},
		{"concurrency", "integer", fmt.Sprint(d.Concurrency), "Most requests in flight to one proxy host at a time (the go command makes one at a time; gomodls checks a 250-require go.mod in about a second at 64 on a 50 ms proxy). Within it, the number adapts to the proxy: it starts at 16, grows while answers stay as fast, and halves when answers are slow or the proxy answers 429 or 5xx. Lower it for a fragile corporate proxy."},
		{"verifyZips", "boolean", fmt.Sprint(d.VerifyZips), "Download (through the GOPROXY chain, when no cache has it) and hash the zip of every module version go.sum lists, and hash the module cache's copies as go mod verify does (modcache-modified). Off by default: it downloads modules. `gomodls check -verify` and the gomodls.verifySums command turn it on for one check."},
		{"publicProxies", "array of strings", `["https://proxy.golang.org", ...]`, "Public module mirrors that must never see private paths: a module they refuse, or that needs credentials there, is reported as private-module-not-configured."},
		{"vulncheck", "boolean", fmt.Sprint(d.Vulncheck), "Report known vulnerabilities of required module versions and of the Go toolchain that builds the module, from the Go vulnerability database (GOVULNDB, default https://vuln.go.dev; set it in gomodls.env or the environment). Only the database's index and reports by ID are downloaded, never a module path. Module-level: whether your code calls the vulnerable code is not checked (run govulncheck for that)."},
		{"vulncheckDirectOnly", "boolean", fmt.Sprint(d.VulncheckDirectOnly), "Check only direct requires (and their replacements) for known vulnerabilities, not `// indirect` ones."},
	}
}
