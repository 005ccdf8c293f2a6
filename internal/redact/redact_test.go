package redact

import "testing"

func TestString(t *testing.T) {
	for in, want := range map[string]string{
		"https://proxy.example.com/go":          "https://proxy.example.com/go",
		"https://user:secret@proxy.example.com": "https://user:xxxxx@proxy.example.com",
		"https://ghp_TOKEN@proxy.example.com/x": "https://xxxxx@proxy.example.com/x",
		"direct":                                "direct",
		"https://us er:pa ss@%zz":               "<unparsable URL>",
	} {
		if got := String(in); got != want {
			t.Errorf("String(%q) = %q, want %q", in, got, want)
		}
	}
}
