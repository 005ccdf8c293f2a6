#!/usr/bin/env bash
# Emacs end-to-end test: Debian's emacs-nox with elpa-eglot, in batch mode,
# drives editors/emacs/gomodls.el against a freshly built gomodls and the
# fixture proxy (editors/emacs/test/e2e.el). Installs what it needs.
set -euo pipefail
. "$(dirname "$0")/../lib.sh" # cd to the root; PATH, mark, apt_install

if ! emacs --batch --eval "(require 'eglot)" >/dev/null 2>&1; then
  mark "installing emacs-nox elpa-eglot"
  apt_install emacs-nox elpa-eglot
fi
mark "$(emacs --version | head -1)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/gomodls" ./cmd/gomodls
go build -o "$tmp/fixtureproxy" ./internal/proxytest/cmd/fixtureproxy
mark "built gomodls and fixtureproxy"

# HOME: keep Emacs' files (~/.emacs.d, eglot's events) out of the real home.
env HOME="$tmp/home" GOMODLS_E2E_ROOT="$PWD" GOMODLS_E2E_SERVER="$tmp/gomodls" GOMODLS_E2E_FIXTUREPROXY="$tmp/fixtureproxy" \
  timeout 180 emacs --batch -l editors/emacs/test/e2e.el </dev/null
mark "emacs e2e passed"
