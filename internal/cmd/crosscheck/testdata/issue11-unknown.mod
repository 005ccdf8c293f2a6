// Issue 11 reproducers the go command refuses through this machine's
// proxy (403 "This module version is not available."): typos in versions,
// an +incompatible version of a module with a go.mod, a package path used
// as a module path. Each must be an error with the go command's cause,
// never private-module-not-configured; golang.org/x/text is fine.
module example.com/crosscheck/unknown

go 1.22

require (
	golang.org/x/mod v0.99.0
	github.com/pkg/errors v0.9.9
	github.com/cespare/xxhash v2.1.2+incompatible
	github.com/spf13/cobra/doc v1.8.1
	golang.org/x/text v0.20.0
)

replace golang.org/x/sync => golang.org/x/sync v0.99.0

require golang.org/x/sync v0.10.0
