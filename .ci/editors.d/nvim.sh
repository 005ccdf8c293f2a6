#!/usr/bin/env bash
# Neovim end-to-end test: Debian's neovim, headless, drives the gomodls
# configuration in editors/nvim against a freshly built gomodls and the
# fixture proxy (editors/nvim/test/e2e.lua). Installs what it needs.
set -euo pipefail
. "$(dirname "$0")/../lib.sh" # cd to the root; PATH, mark, apt_install

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
