# Sourced by the scripts in .ci/editors.d (not run on its own):
#
#   . "$(dirname "$0")/../lib.sh"
#
# It moves to the repository root, puts Go on PATH, and defines mark
# (a progress line with the seconds since the script started) and
# apt_install.

cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$PATH:/usr/local/go/bin"
t0=$(date +%s)

mark() { printf '[%s %3ss] %s\n' "$(basename "$0")" "$(( $(date +%s) - t0 ))" "$*"; }

# apt_install installs Debian packages, serialised with other editor
# scripts and sessions that install at the same time.
apt_install() {
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo flock /tmp/apt.lock sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null' sh "$@"
}
