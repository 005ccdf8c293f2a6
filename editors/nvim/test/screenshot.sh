#!/usr/bin/env bash
# Regenerates editors/nvim/screenshot.png: a real Neovim (not headless) in
# tmux, configured with lua/gomodls.lua, showing gomodls' diagnostics and a
# hover on the e2e fixture. The terminal is captured with its colours
# (tmux capture-pane -e), turned into HTML by aha and rendered to PNG by
# headless Chromium. Needs: nvim tmux aha chromium (Debian), Go.
# Not run in CI; run it by hand after a visible change.
set -euo pipefail
cd "$(dirname "$0")/../../.."
root=$PWD
out=${1:-$root/editors/nvim/screenshot.png}
cols=112 rows=24

tmp=$(mktemp -d)
sock="gomodls-shot-$$"
cleanup() {
  tmux -L "$sock" kill-server 2>/dev/null || true
  exec 3>&- || true
  rm -rf "$tmp"
}
trap cleanup EXIT

go build -o "$tmp/gomodls" ./cmd/gomodls
go build -o "$tmp/fixtureproxy" ./internal/proxytest/cmd/fixtureproxy
# The proxy lives until its stdin (fd 3 here) closes.
mkfifo "$tmp/proxy.in"
"$tmp/fixtureproxy" <"$tmp/proxy.in" >"$tmp/proxy.json" &
exec 3>"$tmp/proxy.in"
for _ in $(seq 100); do [ -s "$tmp/proxy.json" ] && break; sleep 0.1; done

fx="$tmp/hello"
mkdir -p "$fx"
printf 'module example.com/hello\n\ngo 1.22\n\nrequire (\n\tgolang.org/x/text v0.20.0\n\tgolang.org/x/mod v0.20\n)\n\nreplace golang.org/x/text => ./missing\n' >"$fx/go.mod"

# The user's side: the 0.7-0.10 set-up from the README, plus the fixture's
# Go environment so that nothing leaves the machine.
cat >"$tmp/init.lua" <<EOF
vim.opt.runtimepath:prepend('$root/editors/nvim')
vim.o.number = true
vim.o.signcolumn = 'yes'
vim.o.laststatus = 2
-- Cosmetics only: quieter colours and a bordered hover.
vim.cmd('highlight SignColumn ctermbg=NONE')
vim.cmd('highlight LineNr ctermfg=243')
vim.cmd('highlight NormalFloat ctermbg=235 ctermfg=252')
vim.cmd('highlight FloatBorder ctermbg=235 ctermfg=244')
vim.lsp.handlers['textDocument/hover'] = vim.lsp.with(vim.lsp.handlers.hover, { border = 'rounded', max_width = 104 })
local info = vim.json.decode(io.open('$tmp/proxy.json'):read('*l'))
for _, k in ipairs(info.unset) do vim.env[k] = nil end
require('gomodls').setup({ cmd = { '$tmp/gomodls', 'serve' }, cmd_env = info.env })
EOF

export XDG_CACHE_HOME="$tmp/cache" XDG_STATE_HOME="$tmp/state" XDG_DATA_HOME="$tmp/data" XDG_CONFIG_HOME="$tmp/config"
tmux -L "$sock" -f /dev/null new-session -d -x "$cols" -y "$rows" -c "$fx" \
  "TERM=tmux-256color nvim -u $tmp/init.lua -i NONE -n go.mod"
tmux -L "$sock" set-option -g status off

wait_for() { # wait_for TEXT: until the screen shows TEXT
  for _ in $(seq 200); do
    tmux -L "$sock" capture-pane -p | grep -qF "$1" && return 0
    sleep 0.1
  done
  echo "screen never showed: $1"; tmux -L "$sock" capture-pane -p; exit 1
}
wait_for "does not exist"
wait_for "not canonical"
# Hover on the replace line, whose diagnostic is on screen.
tmux -L "$sock" send-keys ':call cursor(10, 10)' Enter ':lua vim.lsp.buf.hover()' Enter
wait_for "╰"
sleep 0.3
tmux -L "$sock" capture-pane -e -p >"$tmp/screen.ansi"

# Terminal text to HTML to PNG.
aha --black --title "gomodls in Neovim" <"$tmp/screen.ansi" >"$tmp/screen.html"
sed -i 's|</head>|<style>body{margin:0;padding:10px;background:#000} pre{font:15px/18px "DejaVu Sans Mono",monospace;margin:0}</style></head>|' "$tmp/screen.html"
width=$(( cols * 9 + 22 )) height=$(( rows * 18 + 20 ))
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$tmp/chromium" --window-size="$width,$height" \
  --screenshot="$out" "file://$tmp/screen.html" 2>/dev/null
echo "wrote $out (${width}x${height})"
