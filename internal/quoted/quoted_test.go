package quoted

import (
	"reflect"
	"strings"
	"testing"
)

func TestSplit(t *testing.T) {
	got, err := Split(` -mod=mod  '-ldflags=-s -w' "a b"` + "\t-x\n")
	want := []string{"-mod=mod", "-ldflags=-s -w", "a b", "-x"}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("Split = %q, %v; want %q", got, err, want)
	}
	if _, err := Split(`-a "unterminated`); err == nil {
		t.Error("unterminated quote accepted")
	}
}

func FuzzSplit(f *testing.F) {
	f.Add(`-mod=mod '-x y'`)
	f.Fuzz(func(t *testing.T, s string) {
		fields, err := Split(s)
		if err != nil {
			return
		}
		for _, x := range fields {
			if len(x) > len(s) || (x != "" && !strings.Contains(s, x)) {
				t.Fatalf("field %q not from %q", x, s)
			}
		}
	})
}
