#!/usr/bin/env bash
# VS Code: build, unit-test and package the extension (editors/vscode), then
# run its end-to-end test in a real VS Code: code-server 4.100.3 (VS Code
# 1.100.3) installed from the npm registry without its download steps,
# driven by Debian's Chromium through playwright-core.
#
# Self-contained: installs what it needs (Debian: chromium, ripgrep; npm:
# the extension's devDependencies and code-server), builds gomodls, exits
# non-zero on failure and prints how long each phase took. Everything it
# writes is under editors/vscode (dist/, bin/, node_modules/, .e2e/, all
# git-ignored).
#
#   GOMODLS_VSCODE_SCREENSHOT=editors/vscode/test/screenshot.png .ci/editors.d/vscode.sh
# also refreshes the committed screenshot.
set -euo pipefail
. "$(dirname "$0")/../lib.sh" # cd to the root; PATH, mark, apt_install
root=$PWD
ext=$root/editors/vscode
e2e=$ext/.e2e
code_server_version=4.100.3
screenshot=${GOMODLS_VSCODE_SCREENSHOT:-$e2e/screenshot.png}
case $screenshot in /*) ;; *) screenshot=$root/$screenshot ;; esac

# node-gyp builds code-server's native modules against the installed
# Node's headers; without nodedir it would download them.
if [ -f /usr/include/node/node.h ]; then
  export npm_config_nodedir=/usr
fi
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

t_all=$(date +%s)
t_phase=$t_all
timings=()
phase() {
  local now
  now=$(date +%s)
  if [ -n "${phase_name:-}" ]; then
    timings+=("$(printf '%-28s %4ss' "$phase_name" $((now - t_phase)))")
    echo "--- vscode: $phase_name took $((now - t_phase))s"
  fi
  phase_name=$1
  t_phase=$now
  [ -n "$1" ] && echo "--- vscode: $1"
  return 0
}
report() {
  local rc=$?
  phase ""
  echo "--- vscode timings:"
  printf '    %s\n' "${timings[@]}"
  echo "    total                        $(($(date +%s) - t_all))s"
  exit $rc
}
trap report EXIT

phase "install: Debian packages"
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v rg >/dev/null || missing+=(ripgrep)
for tool in python3 make g++; do # node-gyp
  command -v $tool >/dev/null || missing+=($tool)
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]}"
  apt_install "${missing[@]}"
fi
chromium --version 2>/dev/null
rg --version | sed -n 1p

phase "install: npm ci (extension)"
(cd "$ext" && npm ci --no-audit --no-fund --loglevel=error)

phase "install: code-server $code_server_version"
cs_root=$e2e/code-server-$code_server_version
cs=$cs_root/node_modules/code-server
if [ ! -f "$cs_root/.complete" ]; then
  rm -rf "$cs_root"
  mkdir -p "$cs_root"
  (
    cd "$cs_root"
    # The package's postinstall would download ripgrep from GitHub and
    # prebuilt binaries; install without scripts and redo its steps here.
    npm pack --silent "code-server@$code_server_version" >/dev/null
    echo '{"name": "code-server-host", "private": true}' >package.json
    npm install --ignore-scripts --no-audit --no-fund --loglevel=error "./code-server-$code_server_version.tgz"
    rm "code-server-$code_server_version.tgz"
    # argon2 (password hashing): node-pre-gyp's download fails, so build.
    npm rebuild argon2 --build-from-source --loglevel=error >/dev/null
  )
  (
    cd "$cs/lib/vscode"
    # postinstall.sh: `npm install --omit=dev` in lib/vscode ...
    npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error
    # ... whose install scripts build these native modules (kerberos, for
    # Negotiate proxy auth, and the Windows-only ones are not needed).
    node_gyp=$(npm prefix -g)/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js
    for mod in node-pty @vscode/spdlog native-watchdog @vscode/deviceid; do
      (cd "node_modules/$mod" && node "$node_gyp" rebuild --loglevel=error >/dev/null)
    done
    # @vscode/ripgrep's postinstall downloads rg; use Debian's.
    mkdir -p node_modules/@vscode/ripgrep/bin
    ln -sf "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
    # ... the links postinstall.sh makes ...
    ln -sfn node_modules node_modules.asar
    (cd bin/remote-cli && ln -sf code-linux.sh code-server)
    (cd bin/helpers && ln -sf browser-linux.sh browser.sh)
    # ... and the built-in extensions' shared dependencies.
    cd extensions
    npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error
    node postinstall.mjs >/dev/null
  )
  touch "$cs_root/.complete"
fi
echo "code-server $(node -p "require('$cs/package.json').version") with VS Code $(node -p "require('$cs/lib/vscode/package.json').version")"

phase "build: gomodls and fixture proxy"
mkdir -p "$ext/bin/linux-x64" "$e2e"
CGO_ENABLED=0 GOOS=linux GOARCH=amd64 go build -trimpath -ldflags='-s -w' -o "$ext/bin/linux-x64/gomodls" ./cmd/gomodls
go build -o "$e2e/fixtureproxy" ./internal/proxytest/cmd/fixtureproxy

phase "build: extension (tsc, esbuild)"
(cd "$ext" && node_modules/.bin/tsc --noEmit -p . && node scripts/build.mjs)

phase "test: unit (node --test)"
(cd "$ext" && node --test --test-reporter=spec out/test/)

# package.json's settings schema is checked against internal/settings by
# internal/docgen's TestVSCodePackageJSONInSync, part of `go test ./...`.

phase "package: .vsix (vsce)"
(
  cd "$ext"
  rm -f dist/*.vsix
  node_modules/.bin/vsce package --no-dependencies --target linux-x64 -o dist/gomodls-linux-x64.vsix
  # The extension ships LICENSE (a copy of the repository's, kept equal by
  # internal/docgen's TestEditorLicenses; vsce stores it as LICENSE.txt);
  # the probe is a test fixture only.
  python3 -c 'import sys, zipfile; sys.exit("extension/LICENSE.txt" not in zipfile.ZipFile(sys.argv[1]).namelist())' dist/gomodls-linux-x64.vsix ||
    { echo "LICENSE missing from the .vsix"; exit 1; }
  cd test/e2e/probe
  "$ext/node_modules/.bin/vsce" package --skip-license -o "$e2e/probe.vsix"
)
ls -l "$ext/dist/gomodls-linux-x64.vsix"

phase "e2e: code-server + chromium"
timeout 900 node "$ext/test/e2e/run.mjs" \
  --code-server "$cs" \
  --vsix "$ext/dist/gomodls-linux-x64.vsix" \
  --probe-vsix "$e2e/probe.vsix" \
  --fixtureproxy "$e2e/fixtureproxy" \
  --work "$e2e/run" \
  --screenshot "$screenshot"
