package proxytest

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestRecorder(t *testing.T) {
	srv := New(t)
	c := shortClient(2 * time.Second)
	for _, u := range []string{
		srv.URL + "/example.com/%21upper/mod/@v/v1.0.0.info",
		srv.URL + "/example.com/!upper/mod/@v/list",
		srv.URL + "/example.com/!upper/mod/@v/list?x=1",
		srv.URL + "/sumdb/" + srv.SumDBName() + "/lookup/example.com/!upper/mod@v1.0.0",
		srv.SumDBURL + "/lookup/example.com/!upper/mod@v1.0.0",
		srv.URL + "/example.com/basic/@latest",
	} {
		req, _ := http.NewRequest("GET", u, nil)
		req.Header.Set("Authorization", "Bearer very-secret-token")
		req.Header.Set("User-Agent", "proxytest-test")
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	reqs := srv.Requests()
	if len(reqs) != 6 {
		t.Fatalf("%d requests recorded, want 6", len(reqs))
	}
	r := reqs[0]
	if r.Server != "proxy" || r.Method != "GET" || r.Endpoint != EndpointInfo || r.Module != "example.com/Upper/mod" || r.Version != "v1.0.0" ||
		r.Path != "/example.com/!upper/mod/@v/v1.0.0.info" || r.Status != 200 || r.Auth != "Bearer" || r.UserAgent != "proxytest-test" || r.Time.IsZero() {
		t.Errorf("recorded %+v", r)
	}
	for _, r := range reqs {
		if strings.Contains(r.String(), "very-secret-token") {
			t.Errorf("String() leaks the Authorization value: %s", r)
		}
	}
	if reqs[3].Endpoint != EndpointSumDBLookup || reqs[3].Module != "example.com/Upper/mod" || reqs[4].Server != "sumdb" {
		t.Errorf("sumdb lookups recorded as %s / %s", reqs[3], reqs[4])
	}
	if got := len(srv.RequestsFor("example.com/Upper/mod")); got != 5 {
		t.Errorf("RequestsFor = %d requests, want 5", got)
	}
	if got := srv.Count("/example.com/!upper/mod/@v/list"); got != 2 {
		t.Errorf("Count(list) = %d, want 2 (query ignored)", got)
	}
	if got := srv.Counts()["/example.com/!upper/mod/@v/v1.0.0.info"]; got != 1 {
		t.Errorf("Counts()[info] = %d, want 1 (%%21 and ! are the same path)", got)
	}
	srv.Reset()
	if len(srv.Requests()) != 0 {
		t.Error("Reset kept requests")
	}
}

func TestAwait(t *testing.T) {
	srv := New(t)
	srv.Fault("example.com/basic", Hang())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errc := make(chan error, 1)
	go func() {
		req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/example.com/basic/@v/list", nil)
		_, err := shortClient(0).Do(req)
		errc <- err
	}()
	// The request reaches the hung handler...
	actx, acancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer acancel()
	r, err := srv.Await(actx, func(r Request) bool { return r.Module == "example.com/basic" })
	if err != nil || r.Status != 0 || r.Fault != "hang" {
		t.Fatalf("Await: %s, %v", r, err)
	}
	// ...the client gives up, and nothing else arrives.
	cancel()
	if err := <-errc; err == nil {
		t.Error("hung request completed")
	}
	short, scancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer scancel()
	if _, err := srv.Await(short, func(r Request) bool { return r.Module == "example.com/zero" }); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Await of a request never made: %v", err)
	}
}

func TestCheckNoRequestMentions(t *testing.T) {
	srv := New(t)
	c := shortClient(2 * time.Second)
	fetch := func(u string) {
		t.Helper()
		resp, err := c.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	fetch(srv.URL + "/example.com/basic/@v/list")
	if err := srv.CheckNoRequestMentions("git.corp.example.com", "example.com/Upper"); err != nil {
		t.Errorf("clean run: %v", err)
	}
	// Found escaped (as the go command sends it, with %21)...
	fetch(srv.URL + "/example.com/%21upper/mod/@v/list")
	err := srv.CheckNoRequestMentions("example.com/Upper")
	if err == nil || !strings.Contains(err.Error(), "/example.com/%21upper/mod/@v/list") {
		t.Errorf("escaped mention: %v", err)
	}
	// ...unescaped (a client that forgot to escape; answered 400)...
	srv.Reset()
	fetch(srv.URL + "/git.corp.example.com/team/App/@v/list")
	if err := srv.CheckNoRequestMentions("git.corp.example.com/team/App"); err == nil {
		t.Error("unescaped mention not found")
	}
	// ...and in checksum database lookups, through the proxy or standalone,
	// for modules the fixture does not even have.
	for _, base := range []string{srv.URL + "/sumdb/" + srv.SumDBName(), srv.SumDBURL} {
		srv.Reset()
		fetch(base + "/lookup/git.corp.example.com/team/!app@v0.1.0")
		if err := srv.CheckNoRequestMentions("git.corp.example.com"); err == nil {
			t.Errorf("%s lookup not found", base)
		}
		if err := srv.CheckNoRequestMentions("git.corp.example.com/team/App"); err == nil {
			t.Errorf("%s lookup not found by its unescaped form", base)
		}
	}
	// Hosts and paths with upper case that are not module paths.
	srv.Reset()
	fetch(srv.URL + "/Corp.Example/x/@v/list")
	if err := srv.CheckNoRequestMentions("Corp.Example"); err == nil {
		t.Error("non-module prefix not found")
	}
	ft := &fakeTB{TB: t}
	srv.AssertNoRequestMentions(ft, "Corp.Example")
	if !ft.failed {
		t.Error("AssertNoRequestMentions did not fail")
	}
}

type fakeTB struct {
	testing.TB
	failed bool
}

func (f *fakeTB) Helper()               {}
func (f *fakeTB) Error(args ...any)     { f.failed = true }
func (f *fakeTB) Errorf(string, ...any) { f.failed = true }

func TestNetworkFailureHelpers(t *testing.T) {
	// Connection refused, at once.
	u := RefusedURL(t)
	_, err := shortClient(2 * time.Second).Get(u + "/example.com/basic/@v/list")
	if err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("GET %s: %v, want connection refused", u, err)
	}
	// The .invalid host: resolve it with a resolver whose DNS server is a
	// refused loopback port, so the test never leaves the machine; what
	// matters is that it fails as a DNS error naming the host.
	if !strings.HasSuffix(strings.TrimPrefix(UnresolvableURL, "http://"), ".invalid") {
		t.Fatalf("UnresolvableURL %s is not under .invalid", UnresolvableURL)
	}
	dnsAddr := strings.TrimPrefix(RefusedURL(t), "http://")
	r := &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "tcp", dnsAddr)
	}}
	tr := &http.Transport{DialContext: (&net.Dialer{Resolver: r}).DialContext}
	_, err = (&http.Client{Transport: tr, Timeout: 2 * time.Second}).Get(UnresolvableURL + "/example.com/basic/@v/list")
	var dnsErr *net.DNSError
	if !errors.As(err, &dnsErr) || !strings.Contains(err.Error(), "proxy.proxytest.invalid") {
		t.Errorf("GET %s: %v, want a DNS error", UnresolvableURL, err)
	}
}

func TestWriteTree(t *testing.T) {
	srv := New(t)
	dir := t.TempDir()
	if err := srv.WriteTree(dir); err != nil {
		t.Fatal(err)
	}
	read := func(rel string) string {
		t.Helper()
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	if got := read("example.com/!upper/mod/@v/list"); got != "v1.0.0\nv1.1.0\n" {
		t.Errorf("list = %q", got)
	}
	if got := read("example.com/empty/@v/list"); got != "" {
		t.Errorf("empty list = %q", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "example.com/empty/@latest")); !os.IsNotExist(err) {
		t.Errorf("@latest written for a module without versions: %v", err)
	}
	if got := read("example.com/pseudo/@latest"); !strings.Contains(got, "v0.0.0-20240102030405-abcdef012345") {
		t.Errorf("@latest = %q", got)
	}
	zip := read("example.com/incompat/@v/v2.0.0+incompatible.zip")
	if h, err := hashZipBytes([]byte(zip)); err != nil || srv.GoSumLines("example.com/incompat", "v2.0.0+incompatible")[0] != "example.com/incompat v2.0.0+incompatible "+h {
		t.Errorf("zip in tree hashes to %s (%v)", h, err)
	}
	if got := read("sumdb/" + srv.SumDBName() + "/lookup/example.com/!upper/mod@v1.0.0"); !strings.Contains(got, srv.GoSumLines("example.com/Upper/mod", "v1.0.0")[0]) {
		t.Errorf("sumdb lookup file = %q", got)
	}
	read("sumdb/" + srv.SumDBName() + "/latest")
	read("sumdb/" + srv.SumDBName() + "/supported")
}
