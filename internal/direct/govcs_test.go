// Copyright 2026 The gomodls Authors.

package direct

import "testing"

func TestGOVCS(t *testing.T) {
	for _, bad := range []string{",", "x", ":git", "a:", "./a:git", "a:git,a:hg", "a:git|"} {
		if _, err := parseGOVCS(bad); err == nil {
			t.Errorf("parseGOVCS(%q) accepted", bad)
		}
	}
	cfg, err := parseGOVCS("evil.com:off, *.corp:git|hg , public:git")
	if err != nil {
		t.Fatal(err)
	}
	cfg = append(cfg, defaultGOVCS...)
	for _, tc := range []struct {
		path    string
		private bool
		vcs     string
		want    bool
	}{
		{"evil.com/x", false, "git", false},
		{"a.corp/x", true, "git", true},
		{"a.corp/x", true, "svn", false},
		{"github.com/x/y", false, "git", true},
		{"github.com/x/y", false, "hg", false}, // "public:git" comes before the default
		{"private.example/x", true, "fossil", true},
	} {
		if got := govcsAllow(cfg, tc.path, tc.private, tc.vcs); got != tc.want {
			t.Errorf("allow(%s, private=%v, %s) = %v, want %v", tc.path, tc.private, tc.vcs, got, tc.want)
		}
	}
}
