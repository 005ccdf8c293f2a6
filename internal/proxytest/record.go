package proxytest

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// A Request is one recorded request.
type Request struct {
	Server    string   // "proxy", or "sumdb" for the standalone checksum database
	Method    string   // HTTP method
	URL       string   // request URI as received: escaped path and query (never userinfo)
	Path      string   // decoded URL path
	Endpoint  Endpoint // what kind of request it is
	Module    string   // unescaped module path, "" if the request names none
	Version   string   // unescaped version, "" if none
	Auth      string   // scheme of the Authorization header ("Basic", "Bearer"), "" if absent; never the value
	AuthOK    bool     // credentials matched an Unauthorized fault
	UserAgent string
	Status    int    // response status; 0 while in flight, or if the connection was reset or aborted
	Fault     string // the injected fault, "" if none
	Time      time.Time
}

// String describes r on one line, without credentials.
func (r Request) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %s -> ", r.Server, r.Method, r.URL)
	if r.Status == 0 {
		b.WriteString("(no response)")
	} else {
		fmt.Fprint(&b, r.Status)
	}
	if r.Auth != "" {
		fmt.Fprintf(&b, " auth=%s", r.Auth)
		if r.AuthOK {
			b.WriteString("(ok)")
		}
	}
	if r.Fault != "" {
		fmt.Fprintf(&b, " fault=%s", r.Fault)
	}
	return b.String()
}

type recorder struct {
	mu      sync.Mutex
	reqs    []*Request
	changed chan struct{} // closed and replaced whenever reqs change
}

// notifyLocked wakes Await callers; rc.mu must be held.
func (rc *recorder) notifyLocked() {
	if rc.changed != nil {
		close(rc.changed)
		rc.changed = nil
	}
}

// waitChanLocked returns a channel closed at the next change; rc.mu must be held.
func (rc *recorder) waitChanLocked() <-chan struct{} {
	if rc.changed == nil {
		rc.changed = make(chan struct{})
	}
	return rc.changed
}

func (rc *recorder) start(server string, r *http.Request, t target) *Request {
	req := &Request{
		Server:    server,
		Method:    r.Method,
		URL:       r.URL.RequestURI(),
		Path:      r.URL.Path,
		Endpoint:  t.endpoint,
		Module:    t.module,
		Version:   t.version,
		UserAgent: r.UserAgent(),
		Time:      time.Now(),
	}
	if a := r.Header.Get("Authorization"); a != "" {
		req.Auth, _, _ = strings.Cut(a, " ")
	}
	rc.mu.Lock()
	rc.reqs = append(rc.reqs, req)
	rc.notifyLocked()
	rc.mu.Unlock()
	return req
}

func (rc *recorder) finish(req *Request, status int) {
	rc.mu.Lock()
	req.Status = status
	rc.notifyLocked()
	rc.mu.Unlock()
}

func (rc *recorder) setFault(req *Request, f string) {
	rc.mu.Lock()
	req.Fault = f
	rc.mu.Unlock()
}

func (rc *recorder) setAuthOK(req *Request) {
	rc.mu.Lock()
	req.AuthOK = true
	rc.mu.Unlock()
}

// Requests returns every request received since the start or the last
// Reset, in arrival order. Requests still in flight have Status 0.
func (s *Server) Requests() []Request {
	s.rec.mu.Lock()
	defer s.rec.mu.Unlock()
	out := make([]Request, len(s.rec.reqs))
	for i, r := range s.rec.reqs {
		out[i] = *r
	}
	return out
}

// Await waits until a recorded request satisfies match (checking those
// already recorded first) and returns it, or fails when ctx ends. Use it to
// know that a request reached a hung handler, or finished, without sleeping.
func (s *Server) Await(ctx context.Context, match func(Request) bool) (Request, error) {
	for {
		// Snapshot, then match without the lock: match may call s.
		s.rec.mu.Lock()
		ch := s.rec.waitChanLocked()
		s.rec.mu.Unlock()
		for _, r := range s.Requests() {
			if match(r) {
				return r, nil
			}
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return Request{}, fmt.Errorf("proxytest: awaiting a request: %w", ctx.Err())
		}
	}
}

// Reset forgets the recorded requests (and the peak of PeakConcurrency).
func (s *Server) Reset() {
	s.rec.mu.Lock()
	s.rec.reqs = nil
	s.rec.mu.Unlock()
	s.peak.Store(s.active.Load())
}

// RequestsFor returns the recorded requests for modPath exactly (proxy and
// checksum database lookups).
func (s *Server) RequestsFor(modPath string) []Request {
	var out []Request
	for _, r := range s.Requests() {
		if r.Module == modPath {
			out = append(out, r)
		}
	}
	return out
}

// Count returns how many requests had the decoded URL path p (as in
// Request.Path), e.g. "/example.com/!upper/mod/@v/list". (The go command
// sends "!" as "%21"; Path is the same whichever way a client escapes.)
func (s *Server) Count(p string) int {
	n := 0
	for _, r := range s.Requests() {
		if r.Path == p {
			n++
		}
	}
	return n
}

// Counts returns the number of requests per decoded URL path.
func (s *Server) Counts() map[string]int {
	m := make(map[string]int)
	for _, r := range s.Requests() {
		m[r.Path]++
	}
	return m
}

// CheckNoRequestMentions returns an error listing every recorded request
// (proxy, checksum database through the proxy or standalone) that mentions
// any of the prefixes, in unescaped or case-escaped form, in its URL,
// decoded path or module path. It is a plain substring test, so a prefix
// like "git.corp.example.com" catches every module under it.
func (s *Server) CheckNoRequestMentions(prefixes ...string) error {
	var bad []string
	for _, r := range s.Requests() {
		for _, p := range prefixes {
			if mentions(r, p) {
				bad = append(bad, fmt.Sprintf("%s (mentions %q)", r, p))
				break
			}
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("proxytest: %d request(s) mention private paths:\n\t%s", len(bad), strings.Join(bad, "\n\t"))
	}
	return nil
}

// AssertNoRequestMentions fails tb if CheckNoRequestMentions finds any request.
func (s *Server) AssertNoRequestMentions(tb testing.TB, prefixes ...string) {
	tb.Helper()
	if err := s.CheckNoRequestMentions(prefixes...); err != nil {
		tb.Error(err)
	}
}

func mentions(r Request, prefix string) bool {
	if prefix == "" {
		return false
	}
	// Escaping only turns upper case into '!' plus lower case, so it
	// applies to any prefix, valid module path or not.
	forms := []string{prefix}
	if esc := escapeLoose(prefix); esc != prefix {
		forms = append(forms, esc)
	}
	hay := []string{r.URL, r.Path, r.Module}
	return slices.ContainsFunc(hay, func(h string) bool {
		return slices.ContainsFunc(forms, func(f string) bool { return strings.Contains(h, f) })
	})
}

// escapeLoose applies module path case-escaping ('A' -> "!a") to any string.
func escapeLoose(s string) string {
	var b strings.Builder
	for _, r := range s {
		if 'A' <= r && r <= 'Z' {
			b.WriteByte('!')
			b.WriteRune(r + 'a' - 'A')
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}
