package proxytest

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/mod/module"
)

// A Fault is a misbehaviour injected into matching requests: see
// Server.Fault for matching, the constructors (Hang, Status, …) for the
// kinds, and On, When and Times to narrow one. The zero Fault is no fault.
type Fault struct {
	kind      faultKind
	status    int
	body      string
	header    http.Header
	interval  time.Duration
	size      int64
	version   string
	user      string
	pass      string
	target    string
	endpoints Endpoint      // 0: every endpoint
	sw        *Switch       // nil: always on
	remaining *atomic.Int64 // nil: unlimited
}

type faultKind int

const (
	kindNone faultKind = iota
	kindHang
	kindDrip
	kindReset
	kindStatus
	kindUnauthorized
	kindGarbage
	kindOversized
	kindWrongVersion
	kindRedirectLoop
	kindRedirect
	kindLatency
	kindTamperZip
	kindTamperMod
)

// Hang accepts the request and never answers: the handler blocks until the
// client gives up or the server closes (then the connection is aborted).
func Hang() Fault { return Fault{kind: kindHang} }

// Drip sends the real response one byte every interval, flushing each, so
// the headers arrive at once and the body trickles in.
func Drip(interval time.Duration) Fault { return Fault{kind: kindDrip, interval: interval} }

// ConnReset closes the connection with a TCP RST (SO_LINGER 0) before
// answering; clients see "connection reset by peer" (or EOF).
func ConnReset() Fault { return Fault{kind: kindReset} }

// Status answers with code and body (default: "<code> <text> (injected by
// proxytest)"). For 404 and 410 the default body is the proxy's "not found: …".
func Status(code int, body string) Fault { return Fault{kind: kindStatus, status: code, body: body} }

// RetryAfter answers with code (429 or 503, typically) and a Retry-After
// header of after, rounded up to whole seconds.
func RetryAfter(code int, after time.Duration) Fault {
	secs := int((after + time.Second - 1) / time.Second)
	return Fault{kind: kindStatus, status: code, header: http.Header{"Retry-After": {strconv.Itoa(secs)}}}
}

// Unauthorized demands HTTP Basic credentials user:pass: requests without
// them get 401 with a WWW-Authenticate challenge (realm "proxytest"), with
// wrong ones 403; requests with them are served normally (and recorded with AuthOK).
func Unauthorized(user, pass string) Fault {
	return Fault{kind: kindUnauthorized, user: user, pass: pass}
}

// Garbage answers 200 with body instead of the real content.
func Garbage(body string) Fault { return Fault{kind: kindGarbage, body: body} }

// GarbageInfo answers .info and @latest with truncated JSON.
func GarbageInfo() Fault {
	return Garbage(`{"Version":"v1.0.0","Time":"2023-01-01T00:00:`).On(EndpointInfo | EndpointLatest)
}

// Oversized answers 200 with an n-byte body, streamed as it is written
// (never held in memory), with a Content-Length of n.
func Oversized(n int64) Fault { return Fault{kind: kindOversized, size: n} }

// WrongVersion answers .info and @latest with the real JSON but Version set to v.
func WrongVersion(v string) Fault {
	return Fault{kind: kindWrongVersion, version: v, endpoints: EndpointInfo | EndpointLatest}
}

// RedirectLoop answers 302 redirecting to the same URL, forever.
func RedirectLoop() Fault { return Fault{kind: kindRedirectLoop} }

// RedirectTo answers 302 to base + the request's path relative to the
// proxy base (e.g. another proxytest server's URL).
func RedirectTo(base string) Fault {
	return Fault{kind: kindRedirect, target: strings.TrimSuffix(base, "/")}
}

// Latency delays the normal answer by d.
func Latency(d time.Duration) Fault { return Fault{kind: kindLatency, interval: d} }

// TamperZip serves a different (valid) zip for .zip requests: one extra
// file, so its hash disagrees with go.sum and the checksum database.
func TamperZip() Fault { return Fault{kind: kindTamperZip, endpoints: EndpointZip} }

// TamperMod serves a different go.mod for .mod requests (an added comment).
func TamperMod() Fault { return Fault{kind: kindTamperMod, endpoints: EndpointMod} }

// On narrows f to the given endpoints.
func (f Fault) On(eps ...Endpoint) Fault {
	var set Endpoint
	for _, e := range eps {
		set |= e
	}
	f.endpoints = set
	return f
}

// When makes f active only while sw is on.
func (f Fault) When(sw *Switch) Fault {
	f.sw = sw
	return f
}

// Times makes f apply to the next n matching requests only, then stop:
// for retry and recovery tests.
func (f Fault) Times(n int) Fault {
	f.remaining = new(atomic.Int64)
	f.remaining.Store(int64(n))
	return f
}

// IsZero reports whether f is the zero (no) fault.
func (f Fault) IsZero() bool { return f.kind == kindNone }

func (f Fault) String() string {
	var s string
	switch f.kind {
	case kindNone:
		return "none"
	case kindHang:
		s = "hang"
	case kindDrip:
		s = fmt.Sprintf("drip(%v)", f.interval)
	case kindReset:
		s = "reset"
	case kindStatus:
		s = fmt.Sprintf("status(%d)", f.status)
		if ra := f.header.Get("Retry-After"); ra != "" {
			s = fmt.Sprintf("status(%d, Retry-After %s)", f.status, ra)
		}
	case kindUnauthorized:
		s = "unauthorized" // never the credentials
	case kindGarbage:
		s = "garbage"
	case kindOversized:
		s = fmt.Sprintf("oversized(%d)", f.size)
	case kindWrongVersion:
		s = fmt.Sprintf("wrong-version(%s)", f.version)
	case kindRedirectLoop:
		s = "redirect-loop"
	case kindRedirect:
		s = "redirect(" + f.target + ")"
	case kindLatency:
		s = fmt.Sprintf("latency(%v)", f.interval)
	case kindTamperZip:
		s = "tamper-zip"
	case kindTamperMod:
		s = "tamper-mod"
	}
	if f.endpoints != 0 {
		s += " on " + f.endpoints.String()
	}
	return s
}

// A Switch turns faults made with Fault.When on and off at run time.
type Switch struct{ on atomic.Bool }

// NewSwitch returns a switch in the given state.
func NewSwitch(on bool) *Switch {
	sw := new(Switch)
	sw.on.Store(on)
	return sw
}

// Set turns the switch on or off.
func (sw *Switch) Set(on bool) { sw.on.Store(on) }

// On reports whether the switch is on.
func (sw *Switch) On() bool { return sw.on.Load() }

// Fault injects f into every request whose module path matches pattern:
// a comma-separated list of module path globs with GOPRIVATE semantics
// (golang.org/x/mod/module.MatchPrefixPatterns: "example.com/a" matches
// example.com/a and example.com/a/v2 but not example.com/ab). The pattern ""
// matches every request, including those without a module path (checksum
// database tiles and tree heads, unknown URLs). Unless narrowed with On, a
// fault applies to every endpoint of both the proxy and the standalone
// checksum database.
//
// Setting a fault replaces the one with the same pattern and endpoints; the
// zero Fault clears it. When several match, the latest set wins.
func (s *Server) Fault(pattern string, f Fault) {
	s.faults.set(pattern, f)
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() { s.faults.clear() }

type faultEntry struct {
	pattern string
	fault   Fault
}

type faultTable struct {
	mu      sync.Mutex
	entries []faultEntry // oldest first
}

func (ft *faultTable) set(pattern string, f Fault) {
	ft.mu.Lock()
	defer ft.mu.Unlock()
	for i, e := range ft.entries {
		if e.pattern == pattern && e.fault.endpoints == f.endpoints {
			ft.entries = append(ft.entries[:i:i], ft.entries[i+1:]...)
			break
		}
	}
	if !f.IsZero() {
		ft.entries = append(ft.entries, faultEntry{pattern, f})
	}
}

func (ft *faultTable) clear() {
	ft.mu.Lock()
	ft.entries = nil
	ft.mu.Unlock()
}

// match returns the fault to apply to a request, consuming one use of a
// Times fault.
func (ft *faultTable) match(t target, r *http.Request) (Fault, bool) {
	ft.mu.Lock()
	defer ft.mu.Unlock()
	for i := len(ft.entries) - 1; i >= 0; i-- {
		e := ft.entries[i]
		f := e.fault
		if e.pattern != "" && (t.module == "" || !module.MatchPrefixPatterns(e.pattern, t.module)) {
			continue
		}
		if f.endpoints != 0 && f.endpoints&t.endpoint == 0 {
			continue
		}
		if f.sw != nil && !f.sw.On() {
			continue
		}
		if f.remaining != nil {
			if f.remaining.Load() <= 0 {
				continue
			}
			f.remaining.Add(-1)
		}
		return f, true
	}
	return Fault{}, false
}

func (f Fault) credentialsOK(r *http.Request) bool {
	u, p, ok := r.BasicAuth()
	return ok && u == f.user && p == f.pass
}

// apply injects the fault. It reports whether it answered the request; if
// not, the caller answers normally.
func (f Fault) apply(s *Server, w http.ResponseWriter, r *http.Request, t target, req *Request, answer func(http.ResponseWriter, *http.Request, target)) bool {
	switch f.kind {
	case kindHang:
		select {
		case <-r.Context().Done():
		case <-s.done:
		}
		// Abort the connection rather than send an empty 200.
		panic(http.ErrAbortHandler)

	case kindReset:
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			panic(http.ErrAbortHandler) // HTTP/2 cannot hijack; aborting resets the stream
		}
		resetConn(conn)
		return true

	case kindStatus:
		for k, vs := range f.header {
			w.Header()[k] = vs
		}
		body := f.body
		if body == "" {
			if f.status == http.StatusNotFound || f.status == http.StatusGone {
				body = "not found: " + strings.TrimPrefix(t.rel, "/") + " (injected by proxytest)"
			} else {
				body = fmt.Sprintf("%d %s (injected by proxytest)", f.status, http.StatusText(f.status))
			}
		}
		s.writeError(w, f.status, body)
		return true

	case kindUnauthorized:
		if _, _, ok := r.BasicAuth(); !ok {
			w.Header().Set("WWW-Authenticate", `Basic realm="proxytest"`)
			s.writeError(w, http.StatusUnauthorized, "401 Unauthorized: credentials required (proxytest)")
			return true
		}
		if !f.credentialsOK(r) {
			s.writeError(w, http.StatusForbidden, "403 Forbidden: invalid credentials (proxytest)")
			return true
		}
		s.rec.setAuthOK(req)
		return false

	case kindGarbage:
		writeBody(w, contentType(t.endpoint), []byte(f.body))
		return true

	case kindOversized:
		w.Header().Set("Content-Type", contentType(t.endpoint))
		w.Header().Set("Content-Length", strconv.FormatInt(f.size, 10))
		w.WriteHeader(http.StatusOK)
		chunk := bytes.Repeat([]byte("proxytest oversized body\n"), 32<<10/25)
		for left := f.size; left > 0; {
			n := min(left, int64(len(chunk)))
			if _, err := w.Write(chunk[:n]); err != nil {
				return true
			}
			left -= n
			select {
			case <-s.done:
				panic(http.ErrAbortHandler)
			case <-r.Context().Done():
				return true
			default:
			}
		}
		return true

	case kindWrongVersion:
		rec := capture(r, t, answer)
		if rec.Code == http.StatusOK {
			var m map[string]any
			if json.Unmarshal(rec.Body.Bytes(), &m) == nil {
				m["Version"] = f.version
				data, _ := json.Marshal(m)
				writeBody(w, "application/json", data)
				return true
			}
		}
		replay(w, rec)
		return true

	case kindDrip:
		rec := capture(r, t, answer)
		for k, vs := range rec.Header() {
			w.Header()[k] = vs
		}
		w.Header().Set("Content-Length", strconv.Itoa(rec.Body.Len()))
		w.WriteHeader(rec.Code)
		rc := http.NewResponseController(w)
		rc.Flush()
		for _, b := range rec.Body.Bytes() {
			if !s.sleep(r, f.interval) {
				panic(http.ErrAbortHandler)
			}
			if _, err := w.Write([]byte{b}); err != nil {
				return true
			}
			rc.Flush()
		}
		return true

	case kindLatency:
		if !s.sleep(r, f.interval) {
			panic(http.ErrAbortHandler)
		}
		return false

	case kindRedirectLoop:
		http.Redirect(w, r, r.URL.RequestURI(), http.StatusFound)
		return true

	case kindRedirect:
		http.Redirect(w, r, f.target+t.rel, http.StatusFound)
		return true

	case kindTamperZip, kindTamperMod:
		mv, _ := s.corpus.lookup(t.module, t.version)
		if mv == nil || (f.kind == kindTamperZip) != (t.endpoint == EndpointZip) || (f.kind == kindTamperMod) != (t.endpoint == EndpointMod) {
			return false // nothing to tamper with: answer normally
		}
		if f.kind == kindTamperMod {
			writeBody(w, "text/plain; charset=UTF-8", append(bytes.Clone(mv.mod), "\n// tampered by proxytest\n"...))
			return true
		}
		files := append(append([]File(nil), mv.files...), File{Name: "proxytest_tampered.txt", Data: []byte("tampered\n")})
		data, err := buildZip(mv.path, mv.version, files)
		if err != nil {
			s.writeError(w, http.StatusInternalServerError, err.Error())
			return true
		}
		writeBody(w, "application/zip", data)
		return true
	}
	return false
}

func contentType(e Endpoint) string {
	switch e {
	case EndpointInfo, EndpointLatest:
		return "application/json"
	case EndpointZip:
		return "application/zip"
	case EndpointSumDBTile:
		return "application/octet-stream"
	}
	return "text/plain; charset=UTF-8"
}

// capture runs the normal answer into a buffer.
func capture(r *http.Request, t target, answer func(http.ResponseWriter, *http.Request, target)) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	answer(rec, r, t)
	return rec
}

func replay(w http.ResponseWriter, rec *httptest.ResponseRecorder) {
	for k, vs := range rec.Header() {
		w.Header()[k] = vs
	}
	w.WriteHeader(rec.Code)
	w.Write(rec.Body.Bytes())
}

// resetConn closes conn so that the peer gets a TCP RST, not a FIN.
func resetConn(conn net.Conn) {
	raw := conn
	if tc, ok := conn.(*tls.Conn); ok {
		raw = tc.NetConn()
	}
	if tcp, ok := raw.(*net.TCPConn); ok {
		tcp.SetLinger(0)
	}
	raw.Close()
}

// ParseFault parses the text form of a fault, for harnesses that drive the
// fixture from outside Go (cmd/fixtureproxy's "fault" command):
//
//	KIND [ARGS...] [on=ENDPOINT,...] [times=N]
//
// KIND and ARGS are: none (clears), hang, reset, status CODE [BODY...],
// retry-after CODE DURATION, unauthorized USER PASS, garbage BODY...,
// garbage-info, oversized BYTES, wrong-version VERSION, redirect-loop,
// redirect-to URL, latency DURATION, drip DURATION, tamper-zip, tamper-mod.
// ENDPOINT is list, info, mod, zip, latest, sumdb-supported, sumdb-lookup,
// sumdb-latest, sumdb-tile, other, vulndb-index, vulndb-entry, proxy (all
// GOPROXY endpoints), sumdb or vulndb.
func ParseFault(spec string) (Fault, error) {
	var words []string
	var on Endpoint
	times := -1
	for _, w := range strings.Fields(spec) {
		switch {
		case strings.HasPrefix(w, "on="):
			for _, name := range strings.Split(strings.TrimPrefix(w, "on="), ",") {
				e, ok := parseEndpoint(name)
				if !ok {
					return Fault{}, fmt.Errorf("fault %q: unknown endpoint %q", spec, name)
				}
				on |= e
			}
		case strings.HasPrefix(w, "times="):
			n, err := strconv.Atoi(strings.TrimPrefix(w, "times="))
			if err != nil || n < 0 {
				return Fault{}, fmt.Errorf("fault %q: bad times", spec)
			}
			times = n
		default:
			words = append(words, w)
		}
	}
	if len(words) == 0 {
		return Fault{}, fmt.Errorf("empty fault")
	}
	kind, args := words[0], words[1:]
	nargs := func(min, max int) error {
		if len(args) < min || (max >= 0 && len(args) > max) {
			return fmt.Errorf("fault %q: wrong number of arguments for %s", spec, kind)
		}
		return nil
	}
	var f Fault
	var err error
	switch kind {
	case "none":
		err = nargs(0, 0)
	case "hang":
		err, f = nargs(0, 0), Hang()
	case "reset":
		err, f = nargs(0, 0), ConnReset()
	case "redirect-loop":
		err, f = nargs(0, 0), RedirectLoop()
	case "garbage-info":
		err, f = nargs(0, 0), GarbageInfo()
	case "tamper-zip":
		err, f = nargs(0, 0), TamperZip()
	case "tamper-mod":
		err, f = nargs(0, 0), TamperMod()
	case "status", "retry-after":
		if err = nargs(1, -1); err != nil {
			break
		}
		code, cerr := strconv.Atoi(args[0])
		if cerr != nil || code < 100 || code > 599 {
			return Fault{}, fmt.Errorf("fault %q: bad status code %q", spec, args[0])
		}
		if kind == "status" {
			f = Status(code, strings.Join(args[1:], " "))
			break
		}
		if err = nargs(2, 2); err != nil {
			break
		}
		d, derr := time.ParseDuration(args[1])
		if derr != nil {
			return Fault{}, fmt.Errorf("fault %q: %v", spec, derr)
		}
		f = RetryAfter(code, d)
	case "unauthorized":
		if err = nargs(2, 2); err == nil {
			f = Unauthorized(args[0], args[1])
		}
	case "garbage":
		if err = nargs(1, -1); err == nil {
			f = Garbage(strings.Join(args, " "))
		}
	case "oversized":
		if err = nargs(1, 1); err == nil {
			n, perr := strconv.ParseInt(args[0], 10, 64)
			if perr != nil || n < 0 {
				return Fault{}, fmt.Errorf("fault %q: bad size %q", spec, args[0])
			}
			f = Oversized(n)
		}
	case "wrong-version":
		if err = nargs(1, 1); err == nil {
			f = WrongVersion(args[0])
		}
	case "redirect-to":
		if err = nargs(1, 1); err == nil {
			f = RedirectTo(args[0])
		}
	case "latency", "drip":
		if err = nargs(1, 1); err != nil {
			break
		}
		d, derr := time.ParseDuration(args[0])
		if derr != nil {
			return Fault{}, fmt.Errorf("fault %q: %v", spec, derr)
		}
		if kind == "latency" {
			f = Latency(d)
		} else {
			f = Drip(d)
		}
	default:
		return Fault{}, fmt.Errorf("fault %q: unknown kind %q", spec, kind)
	}
	if err != nil {
		return Fault{}, err
	}
	if on != 0 {
		f = f.On(on)
	}
	if times >= 0 {
		f = f.Times(times)
	}
	return f, nil
}

func parseEndpoint(name string) (Endpoint, bool) {
	switch name {
	case "proxy":
		return EndpointProxy, true
	case "sumdb":
		return EndpointSumDB, true
	case "vulndb":
		return EndpointVulnDB, true
	}
	for i, n := range endpointNames {
		if n == name {
			return 1 << i, true
		}
	}
	return 0, false
}
