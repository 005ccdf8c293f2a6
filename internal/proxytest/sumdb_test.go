package proxytest

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/mod/sumdb"
	"golang.org/x/mod/sumdb/note"
)

// clientOps is a golang.org/x/mod/sumdb.ClientOps over HTTP with in-memory
// config and cache, as a gomodls client would have.
type clientOps struct {
	base, key string
	http      *http.Client

	mu       sync.Mutex
	config   map[string][]byte
	cache    map[string][]byte
	security []string
}

func newClientOps(base, key string) *clientOps {
	return &clientOps{base: base, key: key, http: &http.Client{Timeout: 5 * time.Second},
		config: map[string][]byte{}, cache: map[string][]byte{}}
}

func (c *clientOps) ReadRemote(path string) ([]byte, error) {
	resp, err := c.http.Get(c.base + path)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		return nil, fmt.Errorf("GET %s: %s: %s", path, resp.Status, data)
	}
	return data, err
}

func (c *clientOps) ReadConfig(file string) ([]byte, error) {
	if file == "key" {
		return []byte(c.key), nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.config[file], nil
}

func (c *clientOps) WriteConfig(file string, old, new []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if string(c.config[file]) != string(old) {
		return sumdb.ErrWriteConflict
	}
	c.config[file] = new
	return nil
}

func (c *clientOps) ReadCache(file string) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d, ok := c.cache[file]; ok {
		return d, nil
	}
	return nil, errors.New("not cached")
}

func (c *clientOps) WriteCache(file string, data []byte) {
	c.mu.Lock()
	c.cache[file] = data
	c.mu.Unlock()
}

func (c *clientOps) Log(msg string) {}

func (c *clientOps) SecurityError(msg string) {
	c.mu.Lock()
	c.security = append(c.security, msg)
	c.mu.Unlock()
}

func TestSumDBClient(t *testing.T) {
	srv := New(t)
	for _, base := range []string{srv.SumDBURL, srv.URL + "/sumdb/" + srv.SumDBName()} {
		ops := newClientOps(base, srv.SumDBKey())
		client := sumdb.NewClient(ops)
		for _, m := range srv.Modules() {
			// The client returns the line asked for: the zip's, or with
			// a "/go.mod" version suffix the go.mod's.
			want := srv.GoSumLines(m.Path, m.Version)
			for i, v := range []string{m.Version, m.Version + "/go.mod"} {
				lines, err := client.Lookup(m.Path, v)
				if err != nil {
					t.Fatalf("%s: Lookup(%s, %s): %v", base, m.Path, v, err)
				}
				if len(lines) != 1 || lines[0] != want[i] {
					t.Errorf("%s: Lookup(%s, %s) = %q, want %q", base, m.Path, v, lines, want[i])
				}
			}
		}
		if _, err := client.Lookup("example.com/basic", "v1.9.9"); err == nil || !strings.Contains(err.Error(), "410 Gone") {
			t.Errorf("Lookup of an unknown version: %v, want 410", err)
		}
		if len(ops.security) > 0 {
			t.Errorf("security errors: %q", ops.security)
		}
	}
}

func TestSumDBTamperAndFork(t *testing.T) {
	srv := New(t)
	if err := srv.TamperSumDB("example.com/basic", "v1.0.0"); err != nil {
		t.Fatal(err)
	}
	ops := newClientOps(srv.SumDBURL, srv.SumDBKey())
	client := sumdb.NewClient(ops)
	lines, err := client.Lookup("example.com/basic", "v1.0.0")
	if err != nil {
		t.Fatal(err)
	}
	modLines, err := client.Lookup("example.com/basic", "v1.0.0/go.mod")
	if err != nil {
		t.Fatal(err)
	}
	want := srv.GoSumLines("example.com/basic", "v1.0.0")
	if len(lines) != 1 || lines[0] == want[0] || !strings.HasPrefix(lines[0], "example.com/basic v1.0.0 h1:") {
		t.Errorf("tampered lookup = %q, real line %q", lines, want[0])
	}
	if len(modLines) != 1 || modLines[0] == want[1] || !strings.HasPrefix(modLines[0], "example.com/basic v1.0.0/go.mod h1:") {
		t.Errorf("tampered go.mod lookup = %q, real line %q", modLines, want[1])
	}
	if err := srv.TamperSumDB("example.com/basic", "v1.0.0"); err == nil {
		t.Error("tampering a logged record succeeded")
	}
	if _, err := client.Lookup("example.com/zero", "v0.1.0"); err != nil {
		t.Fatal(err)
	}

	// The fork is signed by the same key, so a fresh client accepts it, but
	// this client, which saw the main tree, detects the split.
	srv.ForkSumDB(true)
	fresh := newClientOps(srv.SumDBURL, srv.SumDBKey())
	if _, err := sumdb.NewClient(fresh).Lookup("example.com/new", "v1.0.0"); err != nil || len(fresh.security) > 0 {
		t.Fatalf("fresh client on the fork: %v %q", err, fresh.security)
	}
	_, err = client.Lookup("example.com/new", "v1.0.0")
	if err == nil || len(ops.security) == 0 || !strings.Contains(ops.security[0], "misbehavior detected") {
		t.Errorf("fork not detected: err %v, security %q", err, ops.security)
	}
	// Back on the main tree the records agree with what the client saw.
	srv.ForkSumDB(false)
	ops2 := newClientOps(srv.SumDBURL, srv.SumDBKey())
	if lines, err := sumdb.NewClient(ops2).Lookup("example.com/zero", "v0.1.0"); err != nil || !slices.Equal(lines, srv.GoSumLines("example.com/zero", "v0.1.0")[:1]) {
		t.Errorf("main tree after fork: %q %v", lines, err)
	}
}

func TestSumDBKeys(t *testing.T) {
	skey, vkey, err := note.GenerateKey(rand.Reader, "sum.example.test")
	if err != nil {
		t.Fatal(err)
	}
	srv := New(t, WithSumDBName("sum.example.test"), WithSumDBKey(skey))
	if srv.SumDBKey() != vkey || srv.SumDBName() != "sum.example.test" {
		t.Errorf("key %q name %q, want %q", srv.SumDBKey(), srv.SumDBName(), vkey)
	}
	if srv.GOSUMDB() != vkey+" "+srv.SumDBURL {
		t.Errorf("GOSUMDB() = %q", srv.GOSUMDB())
	}
	// Different servers generate different keys by default.
	a, b := New(t), New(t)
	if a.SumDBKey() == b.SumDBKey() {
		t.Error("two servers share a generated key")
	}
	if _, err := NewServer(WithSumDBKey(skey)); err == nil || !strings.Contains(err.Error(), "sum.example.test") {
		t.Errorf("key for another name: %v", err)
	}
	if _, err := NewServer(WithSumDBKey("PRIVATE+KEY+x+y")); err == nil {
		t.Error("malformed key accepted")
	}
}
