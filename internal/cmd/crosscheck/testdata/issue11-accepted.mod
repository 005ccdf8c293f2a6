// Issue 11 reproducers the go command accepts through this machine's
// proxy: pseudo-versions whose timestamps differ from the proxy's .info
// times, and lines the go command ignores.
module example.com/crosscheck/accepted

go 1.22

require (
	github.com/BurntSushi/toml v1.4.1-0.20240526193622-a339e1f7089c
	golang.org/x/exp v0.0.0-20260908205506-85c1c2202aba
	github.com/inetaf/tcpproxy v0.0.0-20250121183218-48c7e53d7ac4
	github.com/Netflix/go-expect v0.0.0-20220104043353-73e0943537d2
	github.com/pkg/errors v0.9.1
	golang.org/x/text v0.20.0
)

// An exclude of a version that does not exist.
exclude github.com/pkg/errors v0.9.9

// Replaces that do not apply: v0.9.1 is required.
replace github.com/pkg/errors v0.8.1 => ./missing

replace github.com/pkg/errors v0.8.0 => github.com/pkg/errors v0.9.9

// A replace of a module outside the build list (argo-cd has one).
replace k8s.io/legacy-cloud-providers => k8s.io/legacy-cloud-providers v0.0.99
