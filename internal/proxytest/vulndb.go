// Copyright 2026 The gomodls Authors.

package proxytest

import (
	"bytes"
	"compress/gzip"
	"embed"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/gomodls/gomodls/internal/vulndb"
	"github.com/gomodls/gomodls/internal/vulndb/osv"
)

//go:embed testdata/vulndb/osv/*.json
var vulnReports embed.FS

var (
	vulnOnce sync.Once
	vulnTree osv.Tree
	vulnErr  error
)

// VulnReports returns the real reports of the Go vulnerability database
// the fixture holds (testdata/vulndb/README.md says which and from where),
// sorted by ID.
func VulnReports() [][]byte {
	names, _ := fs.Glob(vulnReports, "testdata/vulndb/osv/*.json")
	sort.Strings(names)
	out := make([][]byte, 0, len(names))
	for _, n := range names {
		data, _ := vulnReports.ReadFile(n)
		out = append(out, data)
	}
	return out
}

// VulnTree returns the v1-layout database of VulnReports, for WithVulnDB
// and VulnDBFileURL. The tree is shared: do not modify it.
func VulnTree() osv.Tree {
	vulnOnce.Do(func() { vulnTree, vulnErr = osv.NewTree(VulnReports()) })
	if vulnErr != nil {
		panic("proxytest: the embedded vulnerability reports: " + vulnErr.Error())
	}
	return vulnTree
}

// WithVulnDB also serves a Go vulnerability database in the v1 layout
// (https://go.dev/security/vuln/database#api) at VulnDBURL, from a tree
// built with osv.NewTree (VulnTree for the fixture's real reports):
// every file as .json and, as vuln.go.dev does, as .json.gz. Its requests are recorded (Server "vulndb",
// EndpointVulnIndex or EndpointVulnEntry, never a module path) and faults
// apply to them like to the proxy's: narrow them with On(EndpointVulnDB).
func WithVulnDB(tree osv.Tree) Option { return func(c *config) { c.vulnTree = tree } }

// WithVulnDBPlainJSON makes the vulnerability database answer 404 for
// .json.gz files, like a static mirror that holds only the .json files.
func WithVulnDBPlainJSON() Option { return func(c *config) { c.vulnPlain = true } }

// vulnStore holds the served tree, which SetVulnDB may replace.
type vulnStore struct {
	mu   sync.Mutex
	tree osv.Tree
	gz   map[string][]byte // gzipped files, made on first request
}

func (v *vulnStore) set(t osv.Tree) {
	v.mu.Lock()
	v.tree, v.gz = t, map[string][]byte{}
	v.mu.Unlock()
}

// file returns the content of name ("index/db.json" or with ".gz").
func (v *vulnStore) file(name string) ([]byte, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if data, ok := v.tree[name]; ok {
		return data, true
	}
	plain, ok := strings.CutSuffix(name, ".gz")
	if !ok {
		return nil, false
	}
	if data, ok := v.gz[name]; ok {
		return data, true
	}
	data, ok := v.tree[plain]
	if !ok {
		return nil, false
	}
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(data)
	zw.Close()
	v.gz[name] = b.Bytes()
	return v.gz[name], true
}

// SetVulnDB replaces the served vulnerability database (a database
// update). It panics without WithVulnDB.
func (s *Server) SetVulnDB(tree osv.Tree) {
	if s.vulnSrv == nil {
		panic("proxytest: SetVulnDB without WithVulnDB")
	}
	s.vuln.set(tree)
}

func (s *Server) startVulnDB() error {
	s.vuln.set(s.cfg.vulnTree)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	s.vulnSrv = s.start(ln, http.HandlerFunc(s.serveVulnDB))
	s.VulnDBURL = s.vulnSrv.URL
	return nil
}

// classifyVulnDB tells the vulnerability database's endpoints apart. It
// never sets a module: the protocol has no module in its URLs, which is
// what the privacy tests rely on.
func classifyVulnDB(rel string) target {
	t := target{rel: rel, endpoint: EndpointOther}
	name := strings.TrimSuffix(strings.TrimPrefix(rel, "/"), ".gz")
	switch {
	case name == "index/db.json" || name == "index/modules.json":
		t.endpoint = EndpointVulnIndex
	case strings.HasPrefix(name, "ID/") && strings.HasSuffix(name, ".json") && !strings.Contains(name[len("ID/"):], "/"):
		t.endpoint = EndpointVulnEntry
	}
	return t
}

func (s *Server) serveVulnDB(w http.ResponseWriter, r *http.Request) {
	s.handle(w, r, "vulndb", classifyVulnDB(r.URL.Path), s.answerVulnDB)
}

func (s *Server) answerVulnDB(w http.ResponseWriter, r *http.Request, t target) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		s.writeError(w, http.StatusMethodNotAllowed, "method not allowed: "+r.Method)
		return
	}
	name := strings.TrimPrefix(t.rel, "/")
	gz := strings.HasSuffix(name, ".gz")
	data, ok := s.vuln.file(name)
	if t.endpoint == EndpointOther || !ok || (gz && s.cfg.vulnPlain) {
		s.writeError(w, http.StatusNotFound, "not found: "+name)
		return
	}
	ct := "application/json"
	if gz {
		ct = "application/gzip"
	}
	writeBody(w, ct, data)
}

// VulnDBFileURL writes a vulnerability database (tree; nil means an empty
// one) into a new temporary directory of tb and returns its file:// URL,
// for GOVULNDB: tests that run gomodls without a vulnerability database of
// their own set it so that nothing asks vuln.go.dev.
func VulnDBFileURL(tb testing.TB, tree osv.Tree) string {
	tb.Helper()
	if tree == nil {
		var err error
		if tree, err = osv.NewTree(nil); err != nil {
			tb.Fatal(err)
		}
	}
	dir := tb.TempDir()
	if err := tree.Write(dir); err != nil {
		tb.Fatal(err)
	}
	return vulndb.FileURL(dir)
}

// FullVulnReports returns every report of the newest golang.org/x/vulndb
// in the module cache (GOMODCACHE, else the go command's), and the
// directory they came from; nil when the module is not there. Tests and
// benchmarks over the whole database skip without it; CI downloads it
// (.ci/run), `go run ./internal/cmd/vulndbgen -list -ids GO-2022-0969` does
// too.
func FullVulnReports() ([][]byte, string, error) {
	modcache := os.Getenv("GOMODCACHE")
	if modcache == "" {
		out, err := exec.Command("go", "env", "GOMODCACHE").Output()
		if err != nil {
			return nil, "", nil
		}
		modcache = strings.TrimSpace(string(out))
	}
	dirs, _ := filepath.Glob(filepath.Join(modcache, "golang.org", "x", "vulndb@*", "data", "osv"))
	if len(dirs) == 0 {
		return nil, "", nil
	}
	sort.Strings(dirs)
	dir := dirs[len(dirs)-1]
	raws, err := osv.ReadOSVDir(dir)
	return raws, dir, err
}
