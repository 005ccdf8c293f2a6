// Copyright 2026 The gomodls Authors.

package goenv

import (
	"crypto/rand"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"
)

func TestParseSumDB(t *testing.T) {
	const golangKey = "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8"
	_, corpKey, err := note.GenerateKey(rand.Reader, "sum.corp.example/db")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		in   string
		want SumDBConfig
		err  string
	}{
		{"off", SumDBConfig{Off: true}, ""},
		{"sum.golang.org", SumDBConfig{Name: "sum.golang.org", Key: golangKey}, ""},
		{"sum.golang.google.cn", SumDBConfig{Name: "sum.golang.org", Key: golangKey, URL: "https://sum.golang.google.cn"}, ""},
		{"sum.golang.org https://sum.mirror.example", SumDBConfig{Name: "sum.golang.org", Key: golangKey, URL: "https://sum.mirror.example"}, ""},
		{golangKey, SumDBConfig{Name: "sum.golang.org", Key: golangKey}, ""},
		{corpKey, SumDBConfig{Name: "sum.corp.example/db", Key: corpKey}, ""},
		{corpKey + "  https://mirror.corp.example/sumdb", SumDBConfig{Name: "sum.corp.example/db", Key: corpKey, URL: "https://mirror.corp.example/sumdb"}, ""},
		{"", SumDBConfig{}, "missing GOSUMDB"},
		{"a b c", SumDBConfig{}, "too many fields"},
		{"sum.corp.example", SumDBConfig{}, "invalid GOSUMDB"}, // unknown name without a key
		{"sum.golang.org %zz://", SumDBConfig{}, "invalid GOSUMDB URL"},
	}
	for _, tc := range tests {
		got, err := ParseSumDB(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseSumDB(%q) err = %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseSumDB(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
	if got := (SumDBConfig{Name: "sum.corp.example/db"}).DirectURL(); got != "https://sum.corp.example/db" {
		t.Errorf("DirectURL() = %q", got)
	}
}
