package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gomodls/gomodls/internal/proxytest"
)

// session runs the command in-process with piped stdin and stdout.
type session struct {
	t      *testing.T
	in     *io.PipeWriter
	out    *bufio.Scanner
	done   chan error
	info   info
	client *http.Client
}

func start(t *testing.T, args ...string) *session {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	s := &session{t: t, in: inW, out: bufio.NewScanner(outR), done: make(chan error, 1), client: &http.Client{Timeout: 5 * time.Second}}
	s.out.Buffer(nil, 1<<20)
	go func() {
		err := run(context.Background(), args, inR, outW)
		outW.Close()
		s.done <- err
	}()
	if !s.out.Scan() {
		t.Fatalf("no info line: %v", <-s.done)
	}
	if err := json.Unmarshal(s.out.Bytes(), &s.info); err != nil {
		t.Fatalf("info line %q: %v", s.out.Text(), err)
	}
	t.Cleanup(func() { inW.Close() })
	return s
}

func (s *session) do(cmd string) reply {
	s.t.Helper()
	if _, err := io.WriteString(s.in, cmd+"\n"); err != nil {
		s.t.Fatal(err)
	}
	if !s.out.Scan() {
		s.t.Fatalf("%s: no reply", cmd)
	}
	var r reply
	if err := json.Unmarshal(s.out.Bytes(), &r); err != nil {
		s.t.Fatalf("%s: reply %q: %v", cmd, s.out.Text(), err)
	}
	return r
}

func (s *session) status(url string) int {
	s.t.Helper()
	resp, err := s.client.Get(url)
	if err != nil {
		s.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestFixtureProxy(t *testing.T) {
	extra := t.TempDir()
	if err := os.WriteFile(filepath.Join(extra, "example.org_extra_v1.0.0.txt"), []byte("example.org/extra@v1.0.0\nAn extra module.\n-- go.mod --\nmodule example.org/extra\n"), 0o666); err != nil {
		t.Fatal(err)
	}
	tree := t.TempDir()
	s := start(t, "-corpus", extra, "-private", "-synthetic", "3x2", "-tree", tree)
	in := s.info
	if !strings.HasPrefix(in.ProxyURL, "http://127.0.0.1:") || in.Env["GOPROXY"] != in.ProxyURL || in.Env["GOSUMDB"] != in.SumDBKey || in.Env["GOFLAGS"] != "-modcacherw" || in.Env["GOPATH"] == "" {
		t.Errorf("info = %+v", in)
	}
	if !strings.Contains(strings.Join(in.Unset, " "), "GOPRIVATE") || !strings.Contains(strings.Join(in.Unset, " "), "GOVULNDB") {
		t.Errorf("unset = %v", in.Unset)
	}
	// An empty vulnerability database by default: nothing run with env
	// asks vuln.go.dev.
	if in.Env["GOVULNDB"] == "" || in.Env["GOVULNDB"] != in.VulnDBURL || s.status(in.VulnDBURL+"/index/modules.json") != 200 || s.status(in.VulnDBURL+"/ID/GO-2021-0113.json") != 404 {
		t.Errorf("vulnerability database: GOVULNDB=%q, vulndbURL %q", in.Env["GOVULNDB"], in.VulnDBURL)
	}
	for _, p := range []string{"/example.com/basic/@v/list", "/example.org/extra/@v/list", "/git.corp.example.com/team/lib/@v/list", "/synth.example.com/m002/@v/list"} {
		if got := s.status(in.ProxyURL + p); got != 200 {
			t.Errorf("GET %s: %d", p, got)
		}
	}
	if _, err := os.Stat(filepath.Join(tree, "example.com", "basic", "@v", "list")); err != nil {
		t.Errorf("tree not written: %v", err)
	}

	if r := s.do("fault example.com/basic status 503 on=list"); !r.OK {
		t.Fatalf("fault: %+v", r)
	}
	if got := s.status(in.ProxyURL + "/example.com/basic/@v/list"); got != 503 {
		t.Errorf("after fault: %d", got)
	}
	if got := s.status(in.ProxyURL + "/example.com/basic/@v/v1.0.0.info"); got != 200 {
		t.Errorf("fault on=list hit .info: %d", got)
	}
	s.do("fault - status 500 on=sumdb")
	if got := s.status(in.ProxyURL + "/sumdb/" + in.SumDBName + "/supported"); got != 500 {
		t.Errorf("fault on every request: %d", got)
	}
	s.do("clear")
	if got := s.status(in.ProxyURL + "/example.com/basic/@v/list"); got != 200 {
		t.Errorf("after clear: %d", got)
	}
	r := s.do("requests example.com/basic")
	if !r.OK || len(r.Requests) != 4 || r.Requests[1].Fault != "status(503) on list" || r.Requests[1].Endpoint != proxytest.EndpointList {
		t.Errorf("requests: %+v", r)
	}
	raw, _ := json.Marshal(r.Requests[0])
	if !strings.Contains(string(raw), `"Endpoint":"list"`) {
		t.Errorf("request JSON %s lacks the endpoint name", raw)
	}
	s.do("reset")
	if r := s.do("requests"); len(r.Requests) != 0 {
		t.Errorf("after reset: %d requests", len(r.Requests))
	}
	// WriteTree logged every version, so the log cannot change them any more.
	if r := s.do("tamper example.com/basic v1.0.0"); r.OK {
		t.Errorf("tamper of a logged version: %+v", r)
	}
	if r := s.do("fork on"); !r.OK {
		t.Errorf("fork: %+v", r)
	}
	added := filepath.Join(extra, "example.org_added_v1.0.0.txt")
	os.WriteFile(added, []byte("example.org/added@v1.0.0\n-- go.mod --\nmodule example.org/added\n"), 0o666)
	if r := s.do("add " + added); !r.OK {
		t.Errorf("add: %+v", r)
	}
	if got := s.status(in.ProxyURL + "/example.org/added/@v/list"); got != 200 {
		t.Errorf("added module: %d", got)
	}
	if r := s.do("tamper example.org/added v1.0.0"); !r.OK {
		t.Errorf("tamper: %+v", r)
	}
	if r := s.do("env"); !r.OK || r.Env["GOPATH"] == in.Env["GOPATH"] {
		t.Errorf("env did not give a fresh GOPATH: %+v", r)
	}
	for _, bad := range []string{"", "explode", "fault", "fault x explode", "fork maybe", "tamper x", "add /nonexistent", "requests a b"} {
		if r := s.do(bad); r.OK || r.Error == "" {
			t.Errorf("%q: %+v", bad, r)
		}
	}
	if r := s.do("quit"); !r.OK {
		t.Errorf("quit: %+v", r)
	}
	if err := <-s.done; err != nil {
		t.Fatal(err)
	}
	// Closed: the temporary GOPATH is gone and the port refuses.
	if _, err := os.Stat(filepath.Dir(in.Env["GOPATH"])); !os.IsNotExist(err) {
		t.Errorf("temporary directory left behind: %v", err)
	}
	if _, err := s.client.Get(in.ProxyURL + "/example.com/basic/@v/list"); err == nil {
		t.Error("server still answering after quit")
	}
}

func TestFixtureProxyStdinEOF(t *testing.T) {
	s := start(t, "-no-default-corpus", "-tls", "-no-latest")
	if s.info.Env["SSL_CERT_FILE"] == "" || !strings.HasPrefix(s.info.ProxyURL, "https://") {
		t.Errorf("TLS info: %+v", s.info)
	}
	s.in.Close()
	select {
	case err := <-s.done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("did not exit at stdin EOF")
	}
}

func TestFixtureProxyFlags(t *testing.T) {
	for _, args := range [][]string{{"-synthetic", "lots"}, {"-corpus", "/nonexistent"}, {"extra-arg"}, {"-nosuchflag"}} {
		if err := run(context.Background(), args, strings.NewReader(""), io.Discard); err == nil {
			t.Errorf("run(%q) succeeded", args)
		}
	}
}
