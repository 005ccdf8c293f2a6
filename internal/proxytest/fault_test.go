package proxytest

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// shortClient has its own transport, so its connections can be closed and
// do not leak into other tests' goroutine counts.
func shortClient(timeout time.Duration) *http.Client {
	return &http.Client{Timeout: timeout, Transport: &http.Transport{DisableKeepAlives: true}}
}

func TestFaultKinds(t *testing.T) {
	srv := New(t)
	c := shortClient(2 * time.Second)
	listURL := srv.URL + "/example.com/basic/@v/list"

	doGet := func(t *testing.T, url string) (*http.Response, string, error) {
		t.Helper()
		resp, err := c.Get(url)
		if err != nil {
			return nil, "", err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		return resp, string(body), err
	}
	expectStatus := func(t *testing.T, url string, code int, body string) *http.Response {
		t.Helper()
		resp, got, err := doGet(t, url)
		if err != nil {
			t.Fatalf("GET %s: %v", url, err)
		}
		if resp.StatusCode != code || !strings.Contains(got, body) {
			t.Fatalf("GET %s: %d %q, want %d containing %q", url, resp.StatusCode, got, code, body)
		}
		return resp
	}

	t.Run("status", func(t *testing.T) {
		for _, code := range []int{500, 502, 503, 403, 404, 410} {
			srv.Fault("example.com/basic", Status(code, ""))
			expectStatus(t, listURL, code, "injected by proxytest")
		}
		srv.Fault("example.com/basic", Status(502, "upstream exploded"))
		expectStatus(t, listURL, 502, "upstream exploded")
		// Zero fault clears.
		srv.Fault("example.com/basic", Fault{})
		expectStatus(t, listURL, 200, "v1.1.0")
		if r := srv.Requests(); r[len(r)-2].Fault != "status(502)" || r[len(r)-1].Fault != "" {
			t.Errorf("recorded faults: %q, %q", r[len(r)-2].Fault, r[len(r)-1].Fault)
		}
	})

	t.Run("retry-after", func(t *testing.T) {
		defer srv.ClearFaults()
		for _, code := range []int{429, 503} {
			srv.Fault("example.com/basic", RetryAfter(code, 1500*time.Millisecond))
			resp := expectStatus(t, listURL, code, "")
			if ra := resp.Header.Get("Retry-After"); ra != "2" {
				t.Errorf("%d: Retry-After = %q, want 2", code, ra)
			}
		}
	})

	t.Run("unauthorized", func(t *testing.T) {
		defer srv.ClearFaults()
		srv.Fault("", Unauthorized("alice", "s3cret"))
		resp := expectStatus(t, listURL, 401, "credentials required")
		if got := resp.Header.Get("WWW-Authenticate"); got != `Basic realm="proxytest"` {
			t.Errorf("WWW-Authenticate = %q", got)
		}
		req, _ := http.NewRequest("GET", listURL, nil)
		req.SetBasicAuth("alice", "wrong")
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 403 {
			t.Errorf("wrong password: %d, want 403", resp.StatusCode)
		}
		req.SetBasicAuth("alice", "s3cret")
		resp, err = c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), "v1.1.0") {
			t.Errorf("right password: %d %s", resp.StatusCode, body)
		}
		last := srv.Requests()[len(srv.Requests())-1]
		if last.Auth != "Basic" || !last.AuthOK {
			t.Errorf("recorded auth %q ok=%v", last.Auth, last.AuthOK)
		}
		if s := last.String(); strings.Contains(s, "s3cret") || strings.Contains(s, "alice") {
			t.Errorf("Request.String leaks credentials: %s", s)
		}
		// The standalone checksum database demands them too (pattern "").
		expectStatus(t, srv.SumDBURL+"/latest", 401, "")
	})

	t.Run("garbage", func(t *testing.T) {
		defer srv.ClearFaults()
		srv.Fault("example.com/basic", GarbageInfo())
		_, body, err := doGet(t, srv.URL+"/example.com/basic/@v/v1.0.0.info")
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if jsonErr := jsonUnmarshal(body, &v); jsonErr == nil {
			t.Errorf("GarbageInfo body %q parses as JSON", body)
		}
		// Narrowed to .info and @latest: the list is untouched.
		expectStatus(t, listURL, 200, "v1.1.0")
		srv.Fault("example.com/basic", Garbage("PK not a zip").On(EndpointZip))
		expectStatus(t, srv.URL+"/example.com/basic/@v/v1.0.0.zip", 200, "PK not a zip")
	})

	t.Run("wrong-version", func(t *testing.T) {
		defer srv.ClearFaults()
		srv.Fault("example.com/basic", WrongVersion("v9.9.9"))
		expectStatus(t, srv.URL+"/example.com/basic/@v/v1.0.0.info", 200, `"Version":"v9.9.9"`)
		expectStatus(t, srv.URL+"/example.com/basic/@latest", 200, `"Version":"v9.9.9"`)
		expectStatus(t, srv.URL+"/example.com/basic/@v/v1.0.0.mod", 200, "module example.com/basic")
		// A missing version stays missing.
		expectStatus(t, srv.URL+"/example.com/basic/@v/v7.0.0.info", 404, "not found")
	})

	t.Run("oversized", func(t *testing.T) {
		defer srv.ClearFaults()
		const size = 100 << 20
		srv.Fault("example.com/basic", Oversized(size).On(EndpointZip))
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		resp, err := c.Get(srv.URL + "/example.com/basic/@v/v1.0.0.zip")
		if err != nil {
			t.Fatal(err)
		}
		if resp.ContentLength != size {
			t.Errorf("Content-Length %d, want %d", resp.ContentLength, size)
		}
		// Read a little, then hang up: the server stops streaming.
		n, err := io.CopyN(io.Discard, resp.Body, 1<<20)
		resp.Body.Close()
		if n != 1<<20 || err != nil {
			t.Errorf("read %d bytes: %v", n, err)
		}
		// Full read, counting: exactly size bytes arrive.
		resp, err = c.Get(srv.URL + "/example.com/basic/@v/v1.0.0.zip")
		if err != nil {
			t.Fatal(err)
		}
		n, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if n != size || err != nil {
			t.Errorf("full read %d bytes (%v), want %d", n, err, size)
		}
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		if grown := int64(after.TotalAlloc) - int64(before.TotalAlloc); grown > size/2 {
			t.Errorf("serving %d bytes allocated %d bytes: the body is not streamed", size, grown)
		}
	})

	t.Run("redirect-loop", func(t *testing.T) {
		defer srv.ClearFaults()
		srv.Fault("example.com/basic", RedirectLoop())
		_, _, err := doGet(t, listURL)
		if err == nil || !strings.Contains(err.Error(), "stopped after 10 redirects") {
			t.Errorf("err = %v, want the client's redirect limit", err)
		}
	})

	t.Run("redirect-to", func(t *testing.T) {
		defer srv.ClearFaults()
		other := New(t, WithoutDefaultCorpus())
		if err := other.AddModule("example.com/basic", "v7.0.0", nil); err == nil {
			t.Fatal("v7 without /v7 accepted")
		}
		if err := other.AddModule("example.com/basic", "v1.7.0", map[string]string{"go.mod": "module example.com/basic\n"}); err != nil {
			t.Fatal(err)
		}
		srv.Fault("example.com/basic", RedirectTo(other.URL))
		expectStatus(t, listURL, 200, "v1.7.0\n")
		if n := other.Count("/example.com/basic/@v/list"); n != 1 {
			t.Errorf("redirect target got %d requests", n)
		}
	})

	t.Run("reset", func(t *testing.T) {
		defer srv.ClearFaults()
		srv.Fault("example.com/basic", ConnReset())
		_, _, err := doGet(t, listURL)
		if err == nil {
			t.Fatal("no error from a reset connection")
		}
		if !errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("err = %v, want connection reset (or EOF)", err)
		}
		if last := srv.Requests()[len(srv.Requests())-1]; last.Status != 0 || last.Fault != "reset" {
			t.Errorf("recorded %s", last)
		}
	})

	t.Run("hang", func(t *testing.T) {
		defer srv.ClearFaults()
		srv.Fault("example.com/basic", Hang())
		_, err := shortClient(200 * time.Millisecond).Get(listURL)
		var ne net.Error
		if !errors.As(err, &ne) || !ne.Timeout() {
			t.Errorf("err = %v, want a client timeout", err)
		}
		// Other modules are unaffected.
		expectStatus(t, srv.URL+"/example.com/zero/@v/list", 200, "v0.2.0")
	})

	t.Run("drip", func(t *testing.T) {
		defer srv.ClearFaults()
		srv.Fault("example.com/basic", Drip(time.Millisecond))
		// Slowly, but the whole real body arrives.
		expectStatus(t, listURL, 200, "v0.1.0\nv1.0.0\nv1.1.0\nv1.2.0-beta.1\n")
		srv.Fault("example.com/basic", Drip(time.Hour))
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, "GET", listURL, nil)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatalf("headers did not arrive: %v", err)
		}
		if resp.StatusCode != 200 || resp.ContentLength != int64(len("v0.1.0\nv1.0.0\nv1.1.0\nv1.2.0-beta.1\n")) {
			t.Errorf("drip headers: %d, length %d", resp.StatusCode, resp.ContentLength)
		}
		_, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("reading a dripping body: %v, want deadline exceeded", err)
		}
	})

	t.Run("latency", func(t *testing.T) {
		defer srv.ClearFaults()
		srv.Fault("example.com/basic", Latency(time.Hour))
		_, err := shortClient(100 * time.Millisecond).Get(listURL)
		if err == nil {
			t.Error("an hour of latency did not time out a 100ms client")
		}
		srv.Fault("example.com/basic", Latency(time.Millisecond))
		expectStatus(t, listURL, 200, "v1.1.0")
	})

	t.Run("tamper", func(t *testing.T) {
		defer srv.ClearFaults()
		srv.Fault("example.com/basic", TamperZip())
		srv.Fault("example.com/basic", TamperMod())
		_, zipBody, _ := doGet(t, srv.URL+"/example.com/basic/@v/v1.0.0.zip")
		h, err := hashZipBytes([]byte(zipBody))
		if err != nil {
			t.Fatalf("tampered zip is not a zip: %v", err)
		}
		if strings.HasSuffix(srv.GoSumLines("example.com/basic", "v1.0.0")[0], h) {
			t.Error("tampered zip has the real hash")
		}
		expectStatus(t, srv.URL+"/example.com/basic/@v/v1.0.0.mod", 200, "tampered by proxytest")
	})
}

func TestFaultMatching(t *testing.T) {
	srv := New(t)
	c := shortClient(2 * time.Second)
	status := func(rel string) int {
		t.Helper()
		resp, err := c.Get(srv.URL + rel)
		if err != nil {
			t.Fatalf("GET %s: %v", rel, err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}

	// Element-wise prefix, as GOPRIVATE: example.com/basic matches /v2 but not basicx.
	srv.Fault("example.com/basic", Status(500, ""))
	if status("/example.com/basic/v2/@v/list") != 500 || status("/example.com/basic/@v/list") != 500 {
		t.Error("prefix pattern did not match the module or its /v2")
	}
	if status("/example.com/zero/@v/list") != 200 {
		t.Error("fault leaked to another module")
	}
	srv.ClearFaults()

	// Globs and lists.
	srv.Fault("*.com/ze*,gopkg.in", Status(503, ""))
	if status("/example.com/zero/@v/list") != 503 || status("/gopkg.in/fixture.v1/@v/list") != 503 || status("/example.com/basic/@v/list") != 200 {
		t.Error("glob list pattern mismatched")
	}
	srv.ClearFaults()

	// Endpoint narrowing; two faults on one pattern with different endpoints coexist.
	srv.Fault("example.com/basic", Status(500, "").On(EndpointZip))
	srv.Fault("example.com/basic", Status(502, "").On(EndpointMod))
	if status("/example.com/basic/@v/v1.0.0.zip") != 500 || status("/example.com/basic/@v/v1.0.0.mod") != 502 || status("/example.com/basic/@v/v1.0.0.info") != 200 {
		t.Error("endpoint narrowing failed")
	}
	// The latest set wins when several match.
	srv.Fault("example.com", Status(418, ""))
	if status("/example.com/basic/@v/v1.0.0.zip") != 418 {
		t.Error("latest fault did not win")
	}
	srv.ClearFaults()

	// Pattern "" matches requests without a module (sumdb tiles, latest);
	// a module pattern does not.
	srv.Fault("example.com/basic", Status(500, ""))
	if status("/sumdb/"+srv.SumDBName()+"/latest") != 200 {
		t.Error("module pattern matched a request without module")
	}
	srv.Fault("", Status(500, "").On(EndpointSumDB))
	if status("/sumdb/"+srv.SumDBName()+"/latest") != 500 || status("/sumdb/"+srv.SumDBName()+"/supported") != 500 || status("/example.com/zero/@v/list") != 200 {
		t.Error("empty pattern narrowed to the checksum database misbehaved")
	}
	srv.ClearFaults()

	// A switch flips a fault at run time, for recovery tests.
	sw := NewSwitch(true)
	srv.Fault("example.com/basic", Status(503, "").When(sw))
	if status("/example.com/basic/@v/list") != 503 {
		t.Error("switched-on fault inactive")
	}
	sw.Set(false)
	if status("/example.com/basic/@v/list") != 200 {
		t.Error("switched-off fault still active")
	}
	sw.Set(true)
	if status("/example.com/basic/@v/list") != 503 || !sw.On() {
		t.Error("switch did not turn back on")
	}
	srv.ClearFaults()

	// Times: the first n matching requests fail, then the fault is spent.
	srv.Fault("example.com/basic", Status(502, "").Times(2))
	got := []int{status("/example.com/basic/@v/list"), status("/example.com/basic/@v/list"), status("/example.com/basic/@v/list")}
	if got[0] != 502 || got[1] != 502 || got[2] != 200 {
		t.Errorf("Times(2): statuses %v, want [502 502 200]", got)
	}

	// Concurrent setting and matching is race-free (run with -race).
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 20 {
				if (i+j)%2 == 0 {
					srv.Fault("example.com/zero", Status(500, ""))
				} else {
					srv.Fault("example.com/zero", Fault{})
				}
				if s := status("/example.com/zero/@v/list"); s != 200 && s != 500 {
					t.Errorf("status %d", s)
				}
			}
		})
	}
	wg.Wait()
}

func TestFaultString(t *testing.T) {
	for f, want := range map[*Fault]string{
		ptr(Hang()):                            "hang",
		ptr(Status(503, "")):                   "status(503)",
		ptr(RetryAfter(429, time.Second)):      "status(429, Retry-After 1)",
		ptr(Unauthorized("u", "secret")):       "unauthorized",
		ptr(GarbageInfo()):                     "garbage on info|latest",
		ptr(Drip(time.Second).On(EndpointZip)): "drip(1s) on zip",
		ptr(Fault{}):                           "none",
	} {
		if got := f.String(); got != want {
			t.Errorf("String() = %q, want %q", got, want)
		}
	}
	if (EndpointSumDB).String() != "sumdb-supported|sumdb-lookup|sumdb-latest|sumdb-tile" {
		t.Errorf("EndpointSumDB = %s", EndpointSumDB)
	}
}

func ptr[T any](v T) *T { return &v }

// TestCloseLeavesNoGoroutines hangs, drips and streams requests, closes the
// server while they are in flight, and checks that every goroutine the
// server started is gone.
func TestCloseLeavesNoGoroutines(t *testing.T) {
	// settle waits (up to 5s) until at most limit goroutines remain, and
	// returns the count.
	settle := func(limit int) int {
		var n int
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			if n = runtime.NumGoroutine(); n <= limit {
				break
			}
		}
		return n
	}
	// Let goroutines of earlier tests wind down: wait for a steady count.
	base := runtime.NumGoroutine()
	for i := 0; i < 100; i++ {
		time.Sleep(10 * time.Millisecond)
		n := runtime.NumGoroutine()
		if n == base {
			break
		}
		base = n
	}

	srv, err := NewServer()
	if err != nil {
		t.Fatal(err)
	}
	srv.Fault("example.com/basic", Hang())
	srv.Fault("example.com/zero", Drip(time.Hour))
	srv.Fault("example.com/new", Oversized(1<<40))
	srv.Fault("", Hang().On(EndpointSumDBLatest))
	tr := &http.Transport{}
	client := &http.Client{Transport: tr} // no timeout: only Close can end these
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for _, u := range []string{
		srv.URL + "/example.com/basic/@v/list",
		srv.URL + "/example.com/basic/@v/v1.0.0.zip",
		srv.URL + "/example.com/zero/@v/list",
		srv.URL + "/example.com/new/@v/v1.0.0.zip",
		srv.URL + "/sumdb/" + srv.SumDBName() + "/latest",
		srv.SumDBURL + "/latest",
	} {
		wg.Go(func() {
			resp, err := client.Get(u)
			if err == nil {
				_, err = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			if err == nil {
				errs <- errors.New(u + ": completed, want an aborted request")
			}
		})
	}
	// A client that asks for a huge body and never reads it: the handler
	// blocks in Write once the socket buffers fill.
	stalled, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer stalled.Close()
	if _, err := io.WriteString(stalled, "GET /example.com/new/@v/v1.0.0.zip HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	// Wait until all seven are in the handlers.
	for deadline := time.Now().Add(5 * time.Second); len(srv.Requests()) < 7; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("only %d requests arrived", len(srv.Requests()))
		}
	}
	time.Sleep(50 * time.Millisecond) // let the stalled write fill the buffers
	closed := make(chan struct{})
	go func() { srv.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("Close did not return with requests in flight")
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	tr.CloseIdleConnections()
	if n := settle(base); n > base {
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		t.Errorf("%d goroutines after Close, %d before:\n%s", n, base, buf)
	}
	srv.Close() // idempotent
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }

func TestParseFault(t *testing.T) {
	for spec, want := range map[string]string{
		"hang":                         "hang",
		"status 503":                   "status(503)",
		"status 502 upstream is down":  "status(502)",
		"retry-after 429 1500ms":       "status(429, Retry-After 2)",
		"unauthorized u p on=proxy":    "unauthorized on list|info|mod|zip|latest",
		"garbage-info":                 "garbage on info|latest",
		"oversized 1048576 on=zip":     "oversized(1048576) on zip",
		"wrong-version v9.9.9":         "wrong-version(v9.9.9) on info|latest",
		"drip 10ms on=sumdb-tile,list": "drip(10ms) on list|sumdb-tile",
		"latency 50ms":                 "latency(50ms)",
		"reset times=2":                "reset",
		"redirect-to http://x":         "redirect(http://x)",
		"none":                         "none",
	} {
		f, err := ParseFault(spec)
		if err != nil {
			t.Errorf("ParseFault(%q): %v", spec, err)
			continue
		}
		if f.String() != want {
			t.Errorf("ParseFault(%q) = %s, want %s", spec, f, want)
		}
	}
	if f, _ := ParseFault("status 502 upstream is down"); f.body != "upstream is down" {
		t.Errorf("status body = %q", f.body)
	}
	if f, _ := ParseFault("reset times=2"); f.remaining == nil || f.remaining.Load() != 2 {
		t.Error("times=2 not applied")
	}
	for _, bad := range []string{"", "explode", "status", "status abc", "status 99", "retry-after 429", "retry-after 429 soon", "unauthorized u", "hang on=nowhere", "hang times=-1", "oversized -1", "latency fast", "hang extra"} {
		if _, err := ParseFault(bad); err == nil {
			t.Errorf("ParseFault(%q) succeeded", bad)
		}
	}
}

func FuzzParseFault(f *testing.F) {
	for _, s := range []string{"hang", "status 503 body", "retry-after 429 2s on=zip times=1", "drip 1ms on=proxy"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		fault, err := ParseFault(spec)
		if err != nil {
			return
		}
		_ = fault.String()
	})
}
