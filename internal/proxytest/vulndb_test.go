// Copyright 2026 The gomodls Authors.

package proxytest

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"slices"
	"testing"

	"github.com/gomodls/gomodls/internal/vulndb/osv"
)

func TestVulnDBServer(t *testing.T) {
	entry := []byte(`{"id":"GO-2024-0001","modified":"2024-05-01T00:00:00Z","affected":[{"package":{"name":"example.com/basic","ecosystem":"Go"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.1.0"}]}]}]}`)
	tree, err := osv.NewTree([][]byte{entry})
	if err != nil {
		t.Fatal(err)
	}
	srv := New(t, WithVulnDB(tree))
	get := func(p string) (int, []byte) {
		resp, err := http.Get(srv.VulnDBURL + p)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, body
	}
	code, plain := get("/ID/GO-2024-0001.json")
	if code != 200 || !bytes.Equal(plain, entry) {
		t.Errorf("ID/GO-2024-0001.json: %d %s", code, plain)
	}
	code, gz := get("/ID/GO-2024-0001.json.gz")
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if code != 200 || err != nil {
		t.Fatalf(".json.gz: %d %v", code, err)
	}
	if unz, _ := io.ReadAll(zr); !bytes.Equal(unz, entry) {
		t.Errorf(".json.gz holds %s", unz)
	}
	if code, _ := get("/index/modules.json.gz"); code != 200 {
		t.Errorf("index/modules.json.gz: %d", code)
	}
	for _, p := range []string{"/ID/GO-2024-9999.json", "/example.com/basic.json", "/index/vulns.json"} {
		if code, _ := get(p); code != 404 {
			t.Errorf("%s: %d, want 404", p, code)
		}
	}
	want := []Endpoint{EndpointVulnEntry, EndpointVulnEntry, EndpointVulnIndex, EndpointVulnEntry, EndpointOther, EndpointOther}
	reqs := srv.Requests()
	if len(reqs) != len(want) {
		t.Fatalf("%d requests recorded, want %d", len(reqs), len(want))
	}
	for i, r := range reqs {
		if r.Server != "vulndb" || r.Endpoint != want[i] || r.Module != "" {
			t.Errorf("request %d: %s endpoint %s module %q, want vulndb %s", i, r, r.Endpoint, r.Module, want[i])
		}
	}

	f, err := ParseFault("status 502 on=vulndb-entry")
	if err != nil {
		t.Fatal(err)
	}
	srv.Fault("", f)
	if code, _ := get("/ID/GO-2024-0001.json"); code != 502 {
		t.Errorf("with a fault on vulndb-entry: %d", code)
	}
	if code, _ := get("/index/db.json"); code != 200 {
		t.Errorf("a vulndb-entry fault hit the index: %d", code)
	}

	plainOnly := New(t, WithoutDefaultCorpus(), WithVulnDB(tree), WithVulnDBPlainJSON())
	resp, err := http.Get(plainOnly.VulnDBURL + "/index/db.json.gz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Errorf("WithVulnDBPlainJSON served .json.gz: %d", resp.StatusCode)
	}
	if env := plainOnly.GoEnv(); !slices.Contains(env, "GOVULNDB="+plainOnly.VulnDBURL) {
		t.Errorf("GoEnv lacks GOVULNDB")
	}
}
