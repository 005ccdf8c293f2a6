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
			analyzerstest.Run(t, filepath.Join("testdata", a.Name), analyzerstest.Options{}, a)
		})
	}
}
