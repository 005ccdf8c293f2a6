package proxytest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"golang.org/x/mod/module"
)

// An Endpoint is a kind of request, used to narrow faults and to classify
// recorded requests. Endpoints combine as a bit set.
type Endpoint uint16

const (
	EndpointList           Endpoint = 1 << iota // $module/@v/list
	EndpointInfo                                // $module/@v/$version.info
	EndpointMod                                 // $module/@v/$version.mod
	EndpointZip                                 // $module/@v/$version.zip
	EndpointLatest                              // $module/@latest
	EndpointSumDBSupported                      // /sumdb/$name/supported (proxy only)
	EndpointSumDBLookup                         // [/sumdb/$name]/lookup/$module@$version
	EndpointSumDBLatest                         // [/sumdb/$name]/latest
	EndpointSumDBTile                           // [/sumdb/$name]/tile/...
	EndpointOther                               // anything else (answered 404 or 400)
	EndpointVulnIndex                           // vulnerability database index/db.json, index/modules.json (WithVulnDB)
	EndpointVulnEntry                           // vulnerability database ID/$id.json (WithVulnDB)

	// EndpointProxy is every GOPROXY protocol endpoint.
	EndpointProxy = EndpointList | EndpointInfo | EndpointMod | EndpointZip | EndpointLatest
	// EndpointSumDB is every checksum database endpoint, through the proxy or standalone.
	EndpointSumDB = EndpointSumDBSupported | EndpointSumDBLookup | EndpointSumDBLatest | EndpointSumDBTile
	// EndpointVulnDB is every vulnerability database endpoint.
	EndpointVulnDB = EndpointVulnIndex | EndpointVulnEntry
)

var endpointNames = []string{"list", "info", "mod", "zip", "latest", "sumdb-supported", "sumdb-lookup", "sumdb-latest", "sumdb-tile", "other", "vulndb-index", "vulndb-entry"}

func (e Endpoint) String() string {
	if e == 0 {
		return "none"
	}
	var parts []string
	for i, name := range endpointNames {
		if e&(1<<i) != 0 {
			parts = append(parts, name)
		}
	}
	if rest := e &^ (1<<len(endpointNames) - 1); rest != 0 {
		parts = append(parts, fmt.Sprintf("%#x", uint16(rest)))
	}
	return strings.Join(parts, "|")
}

// MarshalText encodes e as its String form, for JSON output.
func (e Endpoint) MarshalText() ([]byte, error) { return []byte(e.String()), nil }

// UnmarshalText decodes the String form ("list", "zip|mod").
func (e *Endpoint) UnmarshalText(text []byte) error {
	var set Endpoint
	if s := string(text); s != "none" {
		for _, name := range strings.Split(s, "|") {
			ep, ok := parseEndpoint(name)
			if !ok {
				return fmt.Errorf("unknown endpoint %q", name)
			}
			set |= ep
		}
	}
	*e = set
	return nil
}

// target is what a request asks for.
type target struct {
	endpoint Endpoint
	module   string // unescaped; "" if none
	version  string // unescaped; "" if none
	rel      string // the path relative to the proxy base (or to the sumdb root)
	sumdb    string // the /sumdb/<name> the request named (proxy only)
	err      error  // malformed escaping: answer 400
}

// classifyProxy parses a path relative to the proxy base.
func classifyProxy(rel string) target {
	t := target{rel: rel, endpoint: EndpointOther}
	if rest, ok := strings.CutPrefix(rel, "/sumdb/"); ok {
		name, sub, _ := strings.Cut(rest, "/")
		t.sumdb = name
		st := classifySumDB("/" + sub)
		st.rel, st.sumdb = rel, name
		if sub == "supported" {
			st.endpoint = EndpointSumDBSupported
		}
		return st
	}
	p := strings.TrimPrefix(rel, "/")
	var escMod, escVer, ext string
	switch {
	case strings.HasSuffix(p, "/@latest"):
		escMod = strings.TrimSuffix(p, "/@latest")
		t.endpoint = EndpointLatest
	case strings.HasSuffix(p, "/@v/list"):
		escMod = strings.TrimSuffix(p, "/@v/list")
		t.endpoint = EndpointList
	default:
		i := strings.LastIndex(p, "/@v/")
		if i < 0 {
			return t
		}
		escMod, escVer = p[:i], p[i+len("/@v/"):]
		switch {
		case strings.HasSuffix(escVer, ".info"):
			t.endpoint, ext = EndpointInfo, ".info"
		case strings.HasSuffix(escVer, ".mod"):
			t.endpoint, ext = EndpointMod, ".mod"
		case strings.HasSuffix(escVer, ".zip"):
			t.endpoint, ext = EndpointZip, ".zip"
		default:
			return t
		}
		escVer = strings.TrimSuffix(escVer, ext)
	}
	mod, err := module.UnescapePath(escMod)
	if err != nil {
		t.err = fmt.Errorf("invalid escaped module path %q: %v", escMod, err)
		t.module = escMod
		return t
	}
	t.module = mod
	if escVer != "" {
		v, err := module.UnescapeVersion(escVer)
		if err != nil {
			t.err = fmt.Errorf("invalid escaped version %q: %v", escVer, err)
			t.version = escVer
			return t
		}
		t.version = v
	}
	return t
}

// classifySumDB parses a path relative to the checksum database root.
func classifySumDB(rel string) target {
	t := target{rel: rel, endpoint: EndpointOther}
	switch {
	case rel == "/latest":
		t.endpoint = EndpointSumDBLatest
	case strings.HasPrefix(rel, "/tile/"):
		t.endpoint = EndpointSumDBTile
	case strings.HasPrefix(rel, "/lookup/"):
		t.endpoint = EndpointSumDBLookup
		if m, err := parseLookup(strings.TrimPrefix(rel, "/lookup/")); err == nil {
			t.module, t.version = m.Path, m.Version
		} else {
			// Record what was asked even when it does not parse, so privacy
			// checks still see it.
			t.module, _, _ = strings.Cut(strings.TrimPrefix(rel, "/lookup/"), "@")
		}
	}
	return t
}

// serveProxy is the proxy's handler.
func (s *Server) serveProxy(w http.ResponseWriter, r *http.Request) {
	rel, ok := strings.CutPrefix(r.URL.Path, s.cfg.basePath)
	t := target{endpoint: EndpointOther, rel: r.URL.Path} // outside the base path
	if ok && (rel == "" || rel[0] == '/') {
		t = classifyProxy(rel)
	}
	n := s.active.Add(1)
	defer s.active.Add(-1)
	for {
		p := s.peak.Load()
		if n <= p || s.peak.CompareAndSwap(p, n) {
			break
		}
	}
	s.handle(w, r, "proxy", t, s.answerProxy)
}

// serveSumDB is the standalone checksum database's handler.
func (s *Server) serveSumDB(w http.ResponseWriter, r *http.Request) {
	t := classifySumDB(r.URL.Path)
	s.handle(w, r, "sumdb", t, func(w http.ResponseWriter, r *http.Request, t target) {
		s.answerSumDB(w, r, t.rel)
	})
}

// handle records the request, applies latency and faults, then answers.
func (s *Server) handle(w http.ResponseWriter, r *http.Request, server string, t target, answer func(http.ResponseWriter, *http.Request, target)) {
	req := s.rec.start(server, r, t)
	rw := &recWriter{ResponseWriter: w}
	defer func() { s.rec.finish(req, rw.status) }()

	if s.cfg.latency > 0 && !s.sleep(r, s.cfg.latency) {
		panic(http.ErrAbortHandler)
	}
	if s.serial != nil && server == "proxy" {
		// One at a time: wait for the turn, then take serialLatency.
		select {
		case s.serial <- struct{}{}:
		case <-r.Context().Done():
			panic(http.ErrAbortHandler)
		case <-s.done:
			panic(http.ErrAbortHandler)
		}
		defer func() { <-s.serial }()
		if s.cfg.serialLatency > 0 && !s.sleep(r, s.cfg.serialLatency) {
			panic(http.ErrAbortHandler)
		}
	}
	if f, ok := s.faults.match(t, r); ok {
		s.rec.setFault(req, f.String())
		if f.apply(s, rw, r, t, req, answer) {
			return
		}
	}
	answer(rw, r, t)
}

// sleep waits d, or until the client goes away or the server closes; it
// reports whether the full time passed.
func (s *Server) sleep(r *http.Request, d time.Duration) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-r.Context().Done():
		return false
	case <-s.done:
		return false
	}
}

// answerProxy answers a GOPROXY protocol request (after faults).
func (s *Server) answerProxy(w http.ResponseWriter, r *http.Request, t target) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		s.writeError(w, http.StatusMethodNotAllowed, "method not allowed: "+r.Method)
		return
	}
	if t.sumdb != "" {
		s.answerSumDBViaProxy(w, r, t)
		return
	}
	if t.endpoint == EndpointOther {
		s.writeError(w, s.cfg.notFound, "not found: "+strings.TrimPrefix(t.rel, "/"))
		return
	}
	if t.err != nil {
		s.writeError(w, http.StatusBadRequest, "bad request: "+t.err.Error())
		return
	}
	if s.cfg.hosts != "" && !module.MatchPrefixPatterns(s.cfg.hosts, t.module) {
		host, _, _ := strings.Cut(t.module, "/")
		if s.cfg.flavor == FlavorFilteredMirror {
			s.writeError(w, http.StatusBadRequest, "Go module host not permitted")
			return
		}
		s.writeError(w, http.StatusBadRequest, fmt.Sprintf("bad request: host not permitted: %s", host))
		return
	}
	if s.filtered(t) {
		s.writeError(w, http.StatusForbidden, "This module version is not available.")
		return
	}

	switch t.endpoint {
	case EndpointList:
		versions, known := s.corpus.list(t.module)
		if !known {
			s.notFoundModule(w, t.module)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=UTF-8")
		io.WriteString(w, joinLines(versions))

	case EndpointLatest:
		if s.cfg.noLatest || s.cfg.flavor == FlavorFilteredMirror {
			s.writeError(w, http.StatusNotFound, "not found: @latest is not served by this proxy")
			return
		}
		mv, known := s.corpus.latest(t.module)
		if !known {
			s.notFoundModule(w, t.module)
			return
		}
		if mv == nil {
			s.notFound(w, fmt.Sprintf("not found: module %s: no matching versions for query \"latest\"", t.module))
			return
		}
		writeBody(w, "application/json", mv.info)

	case EndpointInfo, EndpointMod, EndpointZip:
		mv, known := s.corpus.lookup(t.module, t.version)
		if mv == nil {
			if !known {
				s.notFoundModule(w, t.module)
				return
			}
			s.notFound(w, fmt.Sprintf("not found: %s@%s: invalid version: unknown revision %s", t.module, t.version, t.version))
			return
		}
		switch t.endpoint {
		case EndpointInfo:
			writeBody(w, "application/json", s.skewInfo(t.version, mv.info))
		case EndpointMod:
			writeBody(w, "text/plain; charset=UTF-8", mv.mod)
		case EndpointZip:
			data, _, err := mv.zipData()
			if err != nil {
				s.writeError(w, http.StatusInternalServerError, err.Error())
				return
			}
			writeBody(w, "application/zip", data)
		}
	}
}

func (s *Server) notFoundModule(w http.ResponseWriter, modPath string) {
	s.notFound(w, fmt.Sprintf("not found: module %s: no such module in proxytest corpus", modPath))
}

// notFound answers that a module or version does not exist: 404/410 with
// msg, or, for a filtered mirror, its refusal.
func (s *Server) notFound(w http.ResponseWriter, msg string) {
	if s.cfg.flavor == FlavorFilteredMirror {
		s.writeError(w, http.StatusForbidden, "This module version is not available.")
		return
	}
	s.writeError(w, s.cfg.notFound, msg)
}

// skewInfo applies WithInfoTimeSkew to the .info of a pseudo-version.
func (s *Server) skewInfo(version string, info []byte) []byte {
	if s.cfg.infoSkew == 0 || !module.IsPseudoVersion(version) {
		return info
	}
	var fields map[string]json.RawMessage
	var t time.Time
	if json.Unmarshal(info, &fields) != nil || json.Unmarshal(fields["Time"], &t) != nil {
		return info
	}
	fields["Time"], _ = json.Marshal(t.Add(s.cfg.infoSkew))
	out, err := json.Marshal(fields)
	if err != nil {
		return info
	}
	return out
}

func writeBody(w http.ResponseWriter, contentType string, data []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", fmt.Sprint(len(data)))
	w.Write(data)
}

// writeError writes an error answer in the style of the configured flavour.
func (s *Server) writeError(w http.ResponseWriter, code int, msg string) {
	h := w.Header()
	h.Del("Content-Length")
	h.Set("X-Content-Type-Options", "nosniff")
	if s.cfg.flavor == FlavorArtifactory {
		h.Set("Content-Type", "application/json")
		w.WriteHeader(code)
		json.NewEncoder(w).Encode(map[string]any{"errors": []map[string]any{{"status": code, "message": msg}}})
		return
	}
	h.Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(code)
	fmt.Fprintln(w, msg)
}

// filtered reports whether a WithFilter pattern refuses t.
func (s *Server) filtered(t target) bool {
	for _, f := range s.filters() {
		p, v, hasV := strings.Cut(f, "@")
		if !module.MatchPrefixPatterns(p, t.module) {
			continue
		}
		if !hasV || (t.version != "" && (v == "*" || v == t.version)) {
			return true
		}
	}
	return false
}

// answerSumDBViaProxy serves /sumdb/<name>/... like proxy.golang.org.
func (s *Server) answerSumDBViaProxy(w http.ResponseWriter, r *http.Request, t target) {
	if !s.cfg.sumdbProxy || t.sumdb != s.db.name {
		s.writeError(w, http.StatusNotFound, "not found: checksum database "+t.sumdb+" is not proxied here")
		return
	}
	if t.endpoint == EndpointSumDBSupported {
		w.WriteHeader(http.StatusOK)
		return
	}
	sub := strings.TrimPrefix(t.rel, "/sumdb/"+t.sumdb)
	s.answerSumDB(w, r, sub)
}

func (s *Server) answerSumDB(w http.ResponseWriter, r *http.Request, rel string) {
	r2 := r.Clone(r.Context())
	r2.URL.Path = rel
	r2.URL.RawPath = ""
	s.sumHandler.ServeHTTP(w, r2)
}

// recWriter remembers the status written, for the recorder.
type recWriter struct {
	http.ResponseWriter
	status int
}

func (w *recWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *recWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(p)
}

func (w *recWriter) Flush() {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	http.NewResponseController(w.ResponseWriter).Flush()
}

func (w *recWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return http.NewResponseController(w.ResponseWriter).Hijack()
}

func (w *recWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
