// Copyright 2026 The gomodls Authors.

package direct

import "testing"

// TestInsteadOfRule: the rule named is the one git applied: the longest
// prefix of the repository whose base gives the URL git tried, shown as
// the command that sets it (credentials redacted) with its file.
func TestInsteadOfRule(t *testing.T) {
	const config = "file:/home/u/.gitconfig\turl.https://h/private/.insteadof https://h/team/\n" +
		"file:/home/u/.gitconfig\turl.https://h/other/.insteadof https://h/\n" +
		"file:/etc/gitconfig\turl.https://tok@h/team/x.insteadof https://h/team/x\n" +
		"file:/home/u/.gitconfig\tcore.editor vi\n"
	for _, tc := range []struct{ repo, tried, want string }{
		{"https://h/team/lib.git", "https://h/private/lib.git", `url."https://h/private/".insteadOf "https://h/team/" (/home/u/.gitconfig)`},
		{"https://h/team/lib.git", "https://h/other/team/lib.git", `url."https://h/other/".insteadOf "https://h/" (/home/u/.gitconfig)`},
		{"https://h/team/x.git", "https://tok@h/team/x.git", `url."https://xxxxx@h/team/x".insteadOf "https://h/team/x" (/etc/gitconfig)`},
		{"https://h/team/lib.git", "https://elsewhere/lib.git", ""},
	} {
		if got := insteadOfRule(config, tc.repo, tc.tried); got != tc.want {
			t.Errorf("insteadOfRule(%s -> %s) = %s, want %s", tc.repo, tc.tried, got, tc.want)
		}
	}
}
