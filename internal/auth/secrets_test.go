// Copyright 2026 The gomodls Authors.

package auth

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// TestNoSecretsLogged drives every code path with credentials and failures
// while logging at the most verbose level to a JSON encoder, then checks
// that no secret ever reached the log, an error, or a formatted value.
func TestNoSecretsLogged(t *testing.T) {
	var buf bytes.Buffer
	core := zapcore.NewCore(zapcore.NewJSONEncoder(zap.NewDevelopmentEncoderConfig()), zapcore.AddSync(&buf), zapcore.DebugLevel)
	logger := zap.New(core)

	netrc := filepath.Join(t.TempDir(), "netrc")
	if err := os.WriteFile(netrc, []byte("machine first.example login netrc-user password netrc-s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ok, environ, _ := helperCommand(t, "blocks", "token-arg-s3cret")
	fail, _, _ := helperCommand(t, "fail")
	garbage, _, _ := helperCommand(t, "garbage")
	// The modes come from the environment, so run each command in its own
	// Provider with the right environment.
	ctx := context.Background()
	var errs []error
	var creds []Credentials
	for _, tc := range []struct{ goauth, mode string }{
		{"netrc;" + ok, "blocks"},
		{fail + ";netrc", "fail"},
		{garbage, "garbage"},
	} {
		env := append(environ[:len(environ):len(environ)], "GOMODLS_AUTH_HELPER="+tc.mode)
		p := New(mapEnv{"GOAUTH": tc.goauth, "NETRC": netrc}, Options{Environ: env, Logger: logger})
		for _, u := range []string{
			"https://first.example/x",
			"https://user:url-s3cret@first.example/y",
			"https://tokenuser-s3cret@second.example/z",
		} {
			req, _ := http.NewRequest("GET", u, nil)
			p.AddCredentials(ctx, req)
			p.OnUnauthorized(ctx, u, &http.Response{Proto: "HTTP/1.1", Status: "401 Unauthorized", StatusCode: 401,
				Header: http.Header{"Www-Authenticate": {"Bearer x"}}})
			if c, ok := p.Lookup(u); ok {
				creds = append(creds, c)
			}
		}
		errs = append(errs, p.Errors()...)
	}
	if len(creds) == 0 || len(errs) == 0 {
		t.Fatalf("test did not exercise credentials (%d) and failures (%d)", len(creds), len(errs))
	}

	var out strings.Builder
	out.WriteString(buf.String())
	for _, err := range errs {
		fmt.Fprintln(&out, err)
	}
	for _, c := range creds {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X"} {
			fmt.Fprintf(&out, verb+"\n", c)
		}
		fmt.Fprintf(&out, "%v %+v\n", []Credentials{c}, struct{ C Credentials }{c})
		js, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		out.Write(js)
	}
	if !strings.Contains(buf.String(), "added credentials") || !strings.Contains(buf.String(), "GOAUTH method failed") {
		t.Errorf("expected debug and warn entries, got:\n%s", buf.String())
	}
	if strings.Contains(out.String(), "s3cret") {
		t.Errorf("a secret leaked:\n%s", out.String())
	}
	// The real values are still usable.
	if h := creds[0].Header(); h.Get("Authorization") == "" {
		t.Errorf("Header() lost the value")
	}
}
