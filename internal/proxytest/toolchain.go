package proxytest

import (
	"fmt"
	"runtime"
)

// ToolchainModule is the module path the go command downloads toolchains
// as (cmd/go/internal/toolchain).
const ToolchainModule = "golang.org/toolchain"

// ToolchainVersion is the version of ToolchainModule that holds the
// toolchain name ("go1.99.0") for this machine's GOOS and GOARCH, as the
// go command asks for it: v0.0.1-go1.99.0.linux-amd64.
func ToolchainVersion(name string) string {
	return "v0.0.1-" + name + "." + runtime.GOOS + "-" + runtime.GOARCH
}

// AddToolchain serves a stand-in for the toolchain name for this machine
// (a module version of ToolchainModule, in the checksum database like any
// other), laid out as the go command expects a downloaded toolchain: after
// a switch it runs bin/go, a shell script that prints "go version <name>
// (proxytest stand-in)" for `go version` and succeeds at everything else
// without doing anything. It shows that the go command found, verified and
// ran the toolchain; it builds nothing.
func (s *Server) AddToolchain(name string) error {
	script := fmt.Sprintf("#!/bin/sh\n# proxytest stand-in for %s: it builds nothing.\nif [ \"$1\" = version ]; then echo \"go version %s %s/%s (proxytest stand-in)\"; fi\nexit 0\n",
		name, name, runtime.GOOS, runtime.GOARCH)
	return s.AddModule(ToolchainModule, ToolchainVersion(name), map[string]string{
		"go.mod":          "module " + ToolchainModule + "\n",
		"bin/go":          script,
		"bin/gofmt":       "#!/bin/sh\nexit 0\n",
		"pkg/tool/README": "proxytest stand-in: no tools\n",
		"lib/README":      "proxytest stand-in\n",
		"VERSION":         name + "\n",
	})
}
