package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/gomodls/gomodls/internal/proxytest"
)

// TestCheckVerify: under GONOSUMDB a tampered zip hash is invisible until
// the zip is downloaded: gomodls check says nothing, check -verify
// downloads it through the proxy and reports the mismatch.
func TestCheckVerify(t *testing.T) {
	srv, dir := fixtureModule(t, map[string]string{"GONOSUMDB": "example.com/zero"}, map[string]string{
		"go.mod": "module example.com/m\n\ngo 1.22\n\nrequire example.com/zero v0.2.0\n",
		"go.sum": "example.com/zero v0.2.0 h1:AAAAg2BchLUDK2vFf42XQHOwNVdjDL2dV4mkCqYKvxY=\n" +
			"example.com/zero v0.2.0/go.mod h1:9qaPZK1Cvk5LDZXhv5WdV8TxTh+hlXsXsCQrqjapRCE=\n",
	})
	var stdout, stderr bytes.Buffer
	if code := run([]string{"check", dir}, nil, &stdout, &stderr); code != 0 {
		t.Errorf("check: exit code %d, want 0 (nothing can tell yet)\n%s%s", code, stdout.String(), stderr.String())
	}
	stdout.Reset()
	if code := run([]string{"check", "-verify", dir}, nil, &stdout, &stderr); code != 1 {
		t.Errorf("check -verify: exit code %d, want 1\n%s%s", code, stdout.String(), stderr.String())
	}
	if want := "go.sum:1:25: error: checksum mismatch for example.com/zero v0.2.0: go.sum has h1:AAAAg2BchLUDK2vFf42XQHOwNVdjDL2dV4mkCqYKvxY=, but what " + srv.URL + " serves has h1:QwZWg2BchLUDK2vFf42XQHOwNVdjDL2dV4mkCqYKvxY="; !strings.Contains(stdout.String(), want) {
		t.Errorf("check -verify output lacks %q:\n%s", want, stdout.String())
	}
	for _, r := range srv.Requests() {
		if r.Endpoint&proxytest.EndpointSumDB != 0 && strings.Contains(r.URL, "example.com/zero") {
			t.Errorf("checksum database asked about a GONOSUMDB module: %s", r)
		}
	}
	stderr.Reset()
	if code := run([]string{"check", "-verify", "-network=false", dir}, nil, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), "-verify needs the network checks") {
		t.Errorf("check -verify -network=false: exit code %d\n%s", code, stderr.String())
	}
}
