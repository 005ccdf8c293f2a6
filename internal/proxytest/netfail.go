package proxytest

import (
	"fmt"
	"net"
	"testing"
)

// UnresolvableURL is an http URL whose host is under .invalid (RFC 2606),
// which no resolver answers: dialing it fails with a DNS error
// ("no such host") without touching the internet.
const UnresolvableURL = "http://proxy.proxytest.invalid"

// RefusedURL returns an http URL on a loopback port where nothing listens,
// so connecting fails at once with "connection refused". The port stays
// reserved (bound, never listening, where the platform allows) until tb ends,
// so no other test can start listening on it meanwhile.
func RefusedURL(tb testing.TB) string {
	tb.Helper()
	u, release, err := ReserveRefusedURL()
	if err != nil {
		tb.Fatalf("proxytest: %v", err)
	}
	tb.Cleanup(release)
	return u
}

// ReserveRefusedURL is RefusedURL for programs without a testing.TB; call
// release when done.
func ReserveRefusedURL() (url string, release func(), err error) {
	port, release, err := reserveClosedPort()
	if err != nil {
		return "", nil, fmt.Errorf("reserving a closed loopback port: %w", err)
	}
	return fmt.Sprintf("http://127.0.0.1:%d", port), release, nil
}

// listenAndClose is the portable fallback: the port is free again after
// Close, so another process could take it, which is unlikely in a test run.
func listenAndClose() (int, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, nil, err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return port, func() {}, nil
}
