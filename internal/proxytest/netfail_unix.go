//go:build unix

package proxytest

import (
	"syscall"
)

// reserveClosedPort binds a TCP socket to a loopback port without listening:
// the kernel answers connection attempts with RST (connection refused) and
// nobody else can bind the port while the socket is open.
func reserveClosedPort() (int, func(), error) {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		return listenAndClose()
	}
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		syscall.Close(fd)
		return listenAndClose()
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		syscall.Close(fd)
		return listenAndClose()
	}
	port := sa.(*syscall.SockaddrInet4).Port
	return port, func() { syscall.Close(fd) }, nil
}
