package proxytest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A GitSSH is OpenSSH's sshd serving a GitOrigin's repositories on
// loopback, as ssh://<host><Root>/<name>.git for the origin's TLS hosts
// (an ssh configuration maps them to the listener). Its client side is
// set up in the origin's Home (.ssh/id_ed25519, an empty known_hosts),
// not yet trusted: AuthorizeKey and TrustHostKey make it work, as a
// user's ssh-copy-id and first `ssh -T` do.
type GitSSH struct {
	// Root is the repositories' directory (URL path prefix).
	Root string
	// Config is the ssh client configuration (ssh -F); GoEnv sets
	// GIT_SSH_COMMAND to use it, since ssh reads ~/.ssh from the passwd
	// entry, not $HOME.
	Config string

	dir, hostKeyLine, pubKey string
}

// StartSSH starts sshd for o, or skips the test when sshd cannot run here
// (not installed; as root, no /run/sshd privilege separation directory).
func (o *GitOrigin) StartSSH(tb testing.TB) *GitSSH {
	tb.Helper()
	sshd := "/usr/sbin/sshd"
	if _, err := os.Stat(sshd); err != nil {
		if sshd, err = exec.LookPath("sshd"); err != nil {
			tb.Skip("proxytest: no sshd")
		}
	}
	if os.Geteuid() == 0 {
		if _, err := os.Stat("/run/sshd"); err != nil {
			tb.Skip("proxytest: sshd runs as root without /run/sshd")
		}
	}
	u, err := user.Current()
	if err != nil {
		tb.Skip("proxytest: no user: ", err)
	}
	s := &GitSSH{Root: o.gitRoot, dir: tb.TempDir()}
	keygen := func(file string) {
		tb.Helper()
		if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "proxytest", "-f", file).CombinedOutput(); err != nil {
			tb.Fatalf("ssh-keygen: %v\n%s", err, out)
		}
	}
	hostKey := filepath.Join(s.dir, "hostkey")
	keygen(hostKey)
	sshDir := filepath.Join(o.Home, ".ssh")
	os.MkdirAll(sshDir, 0o700)
	keygen(filepath.Join(sshDir, "id_ed25519"))
	pub, _ := os.ReadFile(filepath.Join(sshDir, "id_ed25519.pub"))
	s.pubKey = string(pub)
	hostPub, _ := os.ReadFile(hostKey + ".pub")
	os.WriteFile(filepath.Join(sshDir, "known_hosts"), nil, 0o600)
	os.WriteFile(filepath.Join(s.dir, "authorized_keys"), nil, 0o600)

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	conf := filepath.Join(s.dir, "sshd_config")
	os.WriteFile(conf, []byte(fmt.Sprintf(`Port %d
ListenAddress 127.0.0.1
HostKey %s
PidFile %s
AuthorizedKeysFile %s
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin prohibit-password
AllowUsers %s
LogLevel ERROR
`, port, hostKey, filepath.Join(s.dir, "sshd.pid"), filepath.Join(s.dir, "authorized_keys"), u.Username)), 0o600)
	cmd := exec.Command(sshd, "-D", "-e", "-f", conf)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		tb.Skip("proxytest: sshd: ", err)
	}
	tb.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	// Ready when it accepts connections.
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			tb.Fatalf("proxytest: sshd does not listen on port %d", port)
		}
		time.Sleep(20 * time.Millisecond)
	}

	var hosts []string
	for h := range o.tlsHosts {
		hosts = append(hosts, h)
	}
	s.Config = filepath.Join(sshDir, "config")
	os.WriteFile(s.Config, []byte(fmt.Sprintf(`Host %s
  HostName 127.0.0.1
  Port %d
  User %s
  IdentityFile %s
  IdentitiesOnly yes
  UserKnownHostsFile %s
  StrictHostKeyChecking yes
  BatchMode yes
`, strings.Join(hosts, " "), port, u.Username, filepath.Join(sshDir, "id_ed25519"), filepath.Join(sshDir, "known_hosts"))), 0o600)
	// known_hosts names the host by its alias, with the port ssh uses.
	f := strings.Fields(string(hostPub))
	for _, h := range hosts {
		s.hostKeyLine += fmt.Sprintf("[127.0.0.1]:%d,%s %s %s\n", port, h, f[0], f[1])
	}
	o.ssh = s
	return s
}

// SSH returns the sshd of StartSSH, or nil.
func (o *GitOrigin) SSH() *GitSSH { return o.ssh }

// AuthorizeKey lets the client's key in (the user's ssh-copy-id, or adding
// the key to the hosting account).
func (s *GitSSH) AuthorizeKey(tb testing.TB) {
	tb.Helper()
	if err := os.WriteFile(filepath.Join(s.dir, "authorized_keys"), []byte(s.pubKey), 0o600); err != nil {
		tb.Fatal(err)
	}
}

// KnownHostsLine is the line the client's known_hosts needs (what the
// user's first `ssh -T` records).
func (s *GitSSH) KnownHostsLine() string { return s.hostKeyLine }
