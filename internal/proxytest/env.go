package proxytest

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// scrubbedEnv are process variables GoEnv drops because they could point the
// go command (or its HTTP client) somewhere other than the fixture, or change
// what it checks.
var scrubbedEnv = map[string]bool{
	"GOPROXY": true, "GONOPROXY": true, "GOPRIVATE": true, "GONOSUMDB": true,
	"GOSUMDB": true, "GOINSECURE": true, "GOFLAGS": true, "GOENV": true,
	"GOPATH": true, "GOMODCACHE": true, "GOTOOLCHAIN": true, "GOWORK": true,
	"GO111MODULE": true, "GOAUTH": true, "GOVCS": true, "NETRC": true, "GOVULNDB": true,
	"SSL_CERT_FILE": true, "SSL_CERT_DIR": true,
	"HTTP_PROXY": true, "HTTPS_PROXY": true, "NO_PROXY": true,
	"http_proxy": true, "https_proxy": true, "no_proxy": true,
}

// GoEnv returns a complete environment for running the real go command
// against this fixture and nothing else: the process environment minus
// every variable that could send it elsewhere, plus
//
//	GOPROXY=<URL>                     (no ",direct": never the network)
//	GOSUMDB=<key>                     the database through the proxy's /sumdb/ passthrough
//	                                  ("<key> <SumDBURL>" with WithoutSumDBProxy)
//	GOPATH, GOMODCACHE                fresh directories, new for each call
//	GOFLAGS=-modcacherw               so temporary directories can be removed
//	GOTOOLCHAIN=local GOENV=off GOWORK=off GO111MODULE=on
//	GOPRIVATE= GONOPROXY= GONOSUMDB= GOINSECURE=  (empty counts as unset)
//	GOAUTH=netrc NETRC=<dir>/netrc    a .netrc path the test may write; absent by default
//	SSL_CERT_FILE=<the server's certificate>   with WithTLS
//
// GOCACHE is inherited so builds stay fast. Each extra "KEY=value" entry is
// applied last and wins (e.g. "SSL_CERT_FILE=" to distrust the certificate,
// or "GOPROXY=file://"+dir for a WriteTree layout).
func (s *Server) GoEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if !scrubbedEnv[k] {
			env = append(env, kv)
		}
	}
	vars, err := s.GoEnvVars()
	if err != nil {
		panic(fmt.Sprintf("proxytest: %v", err))
	}
	return mergeEnv(append(env, vars...), extra...)
}

// GoEnvVars returns only the KEY=value entries GoEnv sets (fresh
// directories included), for harnesses that build an environment themselves;
// they should also drop the variables ScrubbedEnv lists.
func (s *Server) GoEnvVars() ([]string, error) {
	root, err := s.tempRoot()
	if err != nil {
		return nil, fmt.Errorf("temporary directory for GoEnv: %w", err)
	}
	dir, err := os.MkdirTemp(root, "goenv-")
	if err != nil {
		return nil, fmt.Errorf("temporary directory for GoEnv: %w", err)
	}
	gopath := filepath.Join(dir, "gopath")
	gosumdb := s.db.verifier
	if !s.cfg.sumdbProxy {
		gosumdb = s.GOSUMDB()
	}
	vars := []string{
		"GOPROXY=" + s.URL,
		"GOSUMDB=" + gosumdb,
		"GOPATH=" + gopath,
		"GOMODCACHE=" + filepath.Join(gopath, "pkg", "mod"),
		"GOFLAGS=-modcacherw",
		"GOTOOLCHAIN=local",
		"GOENV=off",
		"GOWORK=off",
		"GO111MODULE=on",
		"GOPRIVATE=",
		"GONOPROXY=",
		"GONOSUMDB=",
		"GOINSECURE=",
		"GOAUTH=netrc",
		"NETRC=" + filepath.Join(dir, "netrc"),
		"GIT_TERMINAL_PROMPT=0",
	}
	if s.VulnDBURL != "" {
		vars = append(vars, "GOVULNDB="+s.VulnDBURL)
	}
	if pemData := s.CertPEM(); pemData != nil {
		certFile := filepath.Join(dir, "cert.pem")
		if err := os.WriteFile(certFile, pemData, 0o644); err != nil {
			return nil, fmt.Errorf("writing certificate for GoEnv: %w", err)
		}
		vars = append(vars, "SSL_CERT_FILE="+certFile)
	}
	return vars, nil
}

// ScrubbedEnv returns the names of the process variables GoEnv drops.
func ScrubbedEnv() []string {
	names := make([]string, 0, len(scrubbedEnv))
	for k := range scrubbedEnv {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

// mergeEnv appends kvs to env; a later KEY= replaces an earlier one in place.
func mergeEnv(env []string, kvs ...string) []string {
	out := make([]string, 0, len(env)+len(kvs))
	index := make(map[string]int)
	for _, kv := range append(env, kvs...) {
		k, _, _ := strings.Cut(kv, "=")
		if i, ok := index[k]; ok {
			out[i] = kv
			continue
		}
		index[k] = len(out)
		out = append(out, kv)
	}
	return out
}

// EnvValue returns the value of key in env (as GoEnv returns), and whether it is set.
func EnvValue(env []string, key string) (string, bool) {
	for i := len(env) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(env[i], "="); ok && k == key {
			return v, true
		}
	}
	return "", false
}
