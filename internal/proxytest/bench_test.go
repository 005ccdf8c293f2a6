package proxytest

import (
	"fmt"
	"io"
	"net/http"
	"testing"
)

// BenchmarkAddSynthetic measures building a 300-module × 5-version corpus
// (zips are built lazily, so this is the cost of starting a benchmark fixture).
func BenchmarkAddSynthetic(b *testing.B) {
	for b.Loop() {
		srv, err := NewServer(WithoutDefaultCorpus())
		if err != nil {
			b.Fatal(err)
		}
		if err := srv.AddSynthetic("synth.example.com", 300, 5); err != nil {
			b.Fatal(err)
		}
		srv.Close()
	}
}

// BenchmarkNewServer measures starting a server with the default corpus.
func BenchmarkNewServer(b *testing.B) {
	for b.Loop() {
		srv, err := NewServer()
		if err != nil {
			b.Fatal(err)
		}
		srv.Close()
	}
}

func benchGet(b *testing.B, srv *Server, paths []string) {
	b.Helper()
	c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 8}}
	defer c.CloseIdleConnections()
	i := 0
	for b.Loop() {
		resp, err := c.Get(srv.URL + paths[i%len(paths)])
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("%s: %d", paths[i%len(paths)], resp.StatusCode)
		}
		i++
	}
}

// BenchmarkServe measures request throughput per endpoint over loopback.
func BenchmarkServe(b *testing.B) {
	srv, err := NewServer(WithoutDefaultCorpus())
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	if err := srv.AddSynthetic("synth.example.com", 300, 5); err != nil {
		b.Fatal(err)
	}
	var list, info, zip, lookup []string
	for i := range 300 {
		p := SyntheticPath("synth.example.com", i)
		list = append(list, "/"+p+"/@v/list")
		info = append(info, "/"+p+"/@v/v1.4.0.info")
		zip = append(zip, "/"+p+"/@v/v1.4.0.zip")
		lookup = append(lookup, fmt.Sprintf("/sumdb/%s/lookup/%s@v1.4.0", srv.SumDBName(), p))
	}
	b.Run("list", func(b *testing.B) { benchGet(b, srv, list) })
	b.Run("info", func(b *testing.B) { benchGet(b, srv, info) })
	b.Run("zip", func(b *testing.B) { benchGet(b, srv, zip) })
	b.Run("sumdb-lookup", func(b *testing.B) { benchGet(b, srv, lookup) })
}

// BenchmarkZipBuild measures building and hashing one module zip (the
// first request for a version; later ones are served from memory).
func BenchmarkZipBuild(b *testing.B) {
	mf, err := ParseModuleFile("", []byte("example.com/z@v1.0.0\n-- go.mod --\nmodule example.com/z\n-- a.go --\npackage z\n-- b/b.go --\npackage b\n"))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		data, err := buildZip(mf.Path, mf.Version, mf.Files)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := hashZipBytes(data); err != nil {
			b.Fatal(err)
		}
	}
}
