//go:build !unix

package proxytest

func reserveClosedPort() (int, func(), error) { return listenAndClose() }
