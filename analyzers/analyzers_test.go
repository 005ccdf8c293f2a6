package analyzers_test

import (
	"path/filepath"
	"testing"

	"github.com/gomodls/gomodls/analyzers"
	"github.com/gomodls/gomodls/analyzers/analyzerstest"
)

func TestLocalAnalyzers(t *testing.T) {
	for _, a := range analyzers.Local() {
		t.Run(a.Name, func(t *testing.T) {
			cases, _ := filepath.Glob(filepath.Join("testdata", a.Name, "*.txtar"))
			if len(cases) == 0 {
				t.Fatalf("no test cases for %s", a.Name)
			}
			for _, c := range cases {
				name := a.Name + "/" + filepath.Base(c[:len(c)-len(".txtar")])
				t.Run(filepath.Base(name), func(t *testing.T) {
					analyzerstest.RunCase(t, c, analyzerstest.Options{}, a)
				})
			}
		})
	}
}
