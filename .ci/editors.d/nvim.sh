#!/usr/bin/env bash
# Neovim end-to-end test: Debian's neovim, headless, drives the gomodls
# configuration in editors/nvim against a freshly built gomodls and the
# fixture proxy (editors/nvim/test/e2e.lua). Installs what it needs.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$PATH:/usr/local/go/bin"
t0=$(date +%s)
mark() { printf '[nvim.sh %3ss] %s\n' "$(( $(date +%s) - t0 ))" "$*"; }

# apt_install installs Debian packages, serialised with other editor
# scripts and sessions that install at the same time.
apt_install() {
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo flock /tmp/apt.lock sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null' sh "$@"
}

command -v nvim >/dev/null || { mark "installing neovim"; apt_install neovim; }
mark "$(nvim --version | head -1)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/gomodls" ./cmd/gomodls
go build -o "$tmp/fixtureproxy" ./internal/proxytest/cmd/fixtureproxy
mark "built gomodls and fixtureproxy"

# Keep Neovim's log, shada and state out of the home directory.
export XDG_CACHE_HOME="$tmp/cache" XDG_STATE_HOME="$tmp/state" XDG_DATA_HOME="$tmp/data" XDG_CONFIG_HOME="$tmp/config"
export GOMODLS_E2E_ROOT="$PWD" GOMODLS_E2E_SERVER="$tmp/gomodls" GOMODLS_E2E_FIXTUREPROXY="$tmp/fixtureproxy"
# timeout: the test bounds every wait itself; this catches a hung editor.
timeout 180 nvim --headless -u NONE -i NONE -n -c 'luafile editors/nvim/test/e2e.lua' </dev/null
mark "neovim e2e passed"
