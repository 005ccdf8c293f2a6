// Copyright 2026 The gomodls Authors.

package modproxy

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"

	"github.com/gomodls/gomodls/internal/modsource"
)

func FuzzParseList(f *testing.F) {
	f.Add([]byte("v1.0.0\nv1.1.0 2024-01-02T03:04:05Z\n"))
	f.Add([]byte("v0.0.0-20240102030405-abcdef012345\nv2.0.0+incompatible\n"))
	f.Add([]byte("garbage\n\n\r\nv1.2\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		lines := parseList(data)
		for _, l := range lines {
			if !semver.IsValid(l.version) {
				t.Fatalf("invalid version %q kept", l.version)
			}
			if !l.hasTime && !l.time.IsZero() {
				t.Fatalf("time without a timestamp field")
			}
		}
		vl := newVersionList("example.com/m", lines)
		if !semver.IsValid("v0.0.0") || len(vl.Versions)+len(vl.Pseudo) > len(lines) {
			t.Fatalf("more versions than lines")
		}
		for _, v := range vl.Versions {
			if module.IsPseudoVersion(v) {
				t.Fatalf("pseudo-version %q in Versions", v)
			}
		}
		for i := 1; i < len(vl.Versions); i++ {
			if semver.Compare(vl.Versions[i-1], vl.Versions[i]) > 0 {
				t.Fatalf("Versions not sorted: %q", vl.Versions)
			}
		}
		if v := latestFromList(lines); v != "" && !vl.Has(v) {
			t.Fatalf("latestFromList = %q, not in the list", v)
		}
		// What we store parses back to the same versions.
		again := newVersionList("example.com/m", parseList([]byte(formatList(lines))))
		if strings.Join(again.Versions, " ") != strings.Join(vl.Versions, " ") || strings.Join(again.Pseudo, " ") != strings.Join(vl.Pseudo, " ") {
			t.Fatalf("formatList round trip: %q/%q vs %q/%q", again.Versions, again.Pseudo, vl.Versions, vl.Pseudo)
		}
	})
}

func FuzzParseInfo(f *testing.F) {
	f.Add([]byte(`{"Version":"v1.2.3","Time":"2023-01-01T00:00:00Z"}`))
	f.Add([]byte(`{"Version":"v1.0.0","Time":"2023-01-01T00:00:`))
	f.Add([]byte(`{"Version":"v1.2.3","Origin":{"VCS":"git","Hash":"abc"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		info, err := parseInfo(data)
		if err != nil {
			return
		}
		if info.Version == "" {
			t.Fatalf("accepted an .info without Version")
		}
		again, err := parseInfo(marshalInfo(info))
		if err != nil || again.Version != info.Version || !again.Time.Equal(info.Time) {
			t.Fatalf("round trip: %+v %v", again, err)
		}
	})
}

func FuzzParseRetryAfter(f *testing.F) {
	f.Add("120")
	f.Add("Thu, 01 Jan 2026 12:00:30 GMT")
	f.Add("-5")
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, v string) {
		d, ok := parseRetryAfter(v, now)
		if !ok && d != 0 {
			t.Fatalf("not ok but %v", d)
		}
		if d < 0 {
			t.Fatalf("negative wait %v for %q", d, v)
		}
	})
}

func FuzzErrorDetail(f *testing.F) {
	f.Add("text/plain", []byte("not found: x\n"))
	f.Add("application/json", []byte(`{"errors":[{"message":"m"}]}`))
	f.Fuzz(func(t *testing.T, ctype string, body []byte) {
		d := errorDetail(ctype, bytes.NewReader(body))
		if strings.Count(d, "\n") > modsource.MaxDetailLines {
			t.Fatalf("%d lines kept", strings.Count(d, "\n")+1)
		}
		if len(d) > modsource.MaxDetailBytes+modsource.MaxDetailLines*2+len("[Truncated: too many lines.]") {
			t.Fatalf("detail of %d bytes", len(d))
		}
	})
}
