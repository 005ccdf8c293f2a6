#!/usr/bin/env bash
# JetBrains (LSP4IJ) template check: validates editors/jetbrains against the
# JSON Schemas in editors/jetbrains/schema with ajv (and that the schemas
# reject known-bad files), runs the template's Go consistency tests, then
# starts gomodls with the template's exact command line, expanded and split
# as LSP4IJ does, under the Neovim end-to-end harness.
set -euo pipefail
. "$(dirname "$0")/../lib.sh" # cd to the root; PATH, mark, apt_install

command -v nvim >/dev/null || { mark "installing neovim"; apt_install neovim; }
command -v npm >/dev/null || { mark "installing npm"; apt_install npm; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ajv-cli, pinned, into the temporary directory (nothing cached outside the repo).
npm install --prefix "$tmp/npm" --no-audit --no-fund --no-save --loglevel=error ajv-cli@5.0.0 >/dev/null
ajv="$tmp/npm/node_modules/.bin/ajv"
mark "installed ajv-cli $(node -p 'require(process.argv[1]).version' "$tmp/npm/node_modules/ajv-cli/package.json")"

cd editors/jetbrains
# validate SCHEMA DATA; initializationOptions' schema refers to settings'.
validate() {
  local refs=()
  [ "$1" = settings.schema.json ] || refs=(-r settings.schema.json)
  "$ajv" validate --spec=draft7 --strict=true --all-errors "${refs[@]}" -s "$1" -d "$2"
}
schema_for() {
  case "$1" in
    settings) echo settings.schema.json ;;
    *) echo "schema/$1.schema.json" ;;
  esac
}
failed=0
for f in template installer settings initializationOptions clientSettings; do
  validate "$(schema_for "$f")" "$f.json" || failed=1
done
# Each known-bad file must be rejected, or the schema checks nothing.
for f in schema/testdata/*.bad.json; do
  kind=$(basename "$f"); kind=${kind%%.*}
  if validate "$(schema_for "$kind")" "$f" >/dev/null 2>&1; then
    echo "schema $(schema_for "$kind") accepts $f, which LSP4IJ would misread"
    failed=1
  fi
done
[ "$failed" = 0 ] || { echo "FAILED: JSON schema validation"; exit 1; }
mark "JSON schemas: template files valid, $(ls schema/testdata/*.bad.json | wc -l) bad files rejected"
cd ../..

go test -count=1 ./editors/jetbrains
mark "go test ./editors/jetbrains passed"

# The template's command line, run for real: gomodls only in
# $USER_HOME$/go/bin (where go install puts it), and a PATH without it,
# as an IDE started from a desktop launcher has.
home="$tmp/home"
mkdir -p "$home/go/bin"
go build -o "$home/go/bin/gomodls" ./cmd/gomodls
go build -o "$tmp/fixtureproxy" ./internal/proxytest/cmd/fixtureproxy
ide_path="/usr/local/go/bin:/usr/bin:/bin"
if PATH="$ide_path" command -v gomodls >/dev/null; then
  echo "FAILED: gomodls is on $ide_path ($(PATH="$ide_path" command -v gomodls)); the test could not tell which binary the template started"
  exit 1
fi
mark "built gomodls into $home/go/bin"
env HOME="$home" PATH="$ide_path:$(dirname "$(command -v nvim)")" \
  XDG_CACHE_HOME="$tmp/cache" XDG_STATE_HOME="$tmp/state" XDG_DATA_HOME="$tmp/data" XDG_CONFIG_HOME="$tmp/config" \
  GOMODLS_E2E_ROOT="$PWD" GOMODLS_E2E_TEMPLATE="$PWD/editors/jetbrains" \
  GOMODLS_E2E_EXPECT_EXE="$home/go/bin/gomodls" GOMODLS_E2E_FIXTUREPROXY="$tmp/fixtureproxy" \
  timeout 180 nvim --headless -u NONE -i NONE -n -c 'luafile editors/nvim/test/e2e.lua' </dev/null
mark "template command line passed the Neovim e2e test"
