#!/usr/bin/env bash
# Jobdeck's one set-up script, shared by the README's two commands and CI.
#
#   build-aux/jobdeck.sh run    install what is missing, build, start Jobdeck
#   build-aux/jobdeck.sh test   install what is missing, build, run the whole suite
#                               under Xvfb in a private D-Bus session with an
#                               unlocked keyring, then print "N passed, N failed"
#
# Options: --builddir DIR (default _build), --sanitize (ASan + UBSan build in
# _build-asan), --no-install (skip the package check).
#
# `test` also installs the AWS SDKs the conformance tests drive
# (build-aux/conformance-tools.sh, npm, into BUILDDIR/conformance). If that
# fails, those tests fail and say why; JOBDECK_SKIP_CONFORMANCE=1 in the
# environment skips them instead (CI never sets it).
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"

mode=${1:-}
shift || true
builddir=_build
sanitize=0
install=1
while [ $# -gt 0 ]; do
  case "$1" in
    --builddir) builddir=$2; shift 2 ;;
    --sanitize) sanitize=1; builddir=_build-asan; shift ;;
    --no-install) install=0; shift ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done

case "$mode" in
  run|test) ;;
  *) echo "usage: $0 run|test [--builddir DIR] [--sanitize] [--no-install]" >&2; exit 2 ;;
esac

# Debian 12 packages the build, the app and the tests need.
packages=(
  build-essential clang meson ninja-build pkg-config gettext
  libglib2.0-dev libglib2.0-dev-bin libgtk-4-dev libadwaita-1-dev libgtksourceview-5-dev
  libsoup-3.0-dev libjson-glib-dev libmosquitto-dev libsecret-1-dev libsqlite3-dev libgnutls28-dev
  glib-networking mosquitto mosquitto-clients openssl gnutls-bin
  xvfb xauth dbus dbus-x11 gnome-keyring libsecret-tools at-spi2-core
  imagemagick appstream desktop-file-utils flatpak-builder
  python3 python3-boto3 python3-paho-mqtt nodejs npm awscli
  adwaita-icon-theme fonts-cantarell
)

install_packages () {
  local missing=()
  for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$p")
    fi
  done
  # npm from Debian conflicts with a Node.js installed another way; keep that one.
  if command -v npm >/dev/null 2>&1; then
    local kept=()
    for p in "${missing[@]}"; do
      case "$p" in nodejs|npm) ;; *) kept+=("$p") ;; esac
    done
    missing=("${kept[@]+"${kept[@]}"}")
  fi
  [ ${#missing[@]} -eq 0 ] && return 0

  echo "Installing: ${missing[*]}"
  local sudo=()
  [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  "${sudo[@]}" apt-get update
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
}

build () {
  local opts=(-Dprofile=development)
  [ $sanitize -eq 1 ] && opts+=(-Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug)
  if [ ! -f "$builddir/build.ninja" ]; then
    meson setup "$builddir" "${opts[@]}"
  fi
  meson compile -C "$builddir"
}

# A private session: temporary HOME and runtime dir, a D-Bus session bus, an
# unlocked keyring, and (for tests) an X server.
private_session () {
  local tmp
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/jobdeck-session-XXXXXX")
  mkdir -m 700 -p "$tmp/home" "$tmp/runtime"
  HOME="$tmp/home" XDG_RUNTIME_DIR="$tmp/runtime" XDG_CONFIG_HOME="$tmp/home/.config" \
  XDG_DATA_HOME="$tmp/home/.local/share" XDG_CACHE_HOME="$tmp/home/.cache" \
    dbus-run-session -- sh -c 'echo jobdeck | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec "$@"' sh "$@"
  local rc=$?
  rm -rf "$tmp"
  return $rc
}

[ $install -eq 1 ] && install_packages
build

case "$mode" in
  run)
    export GSETTINGS_SCHEMA_DIR="$top/$builddir/data"
    exec "$top/$builddir/src/app/jobdeck"
    ;;
  test)
    rc=0
    # Sanitized code runs several times slower: longer limits, and the UI
    # tests' waits stretched to match (tests/app/jd-test-ui.c).
    slow=()
    if [ $sanitize -eq 1 ]; then
      export JOBDECK_TEST_SLOWDOWN=3
      slow=(--timeout-multiplier 3)
    fi
    if [ "${JOBDECK_SKIP_CONFORMANCE:-}" != 1 ]; then
      "$top/build-aux/conformance-tools.sh" "$builddir" ||
        echo "The AWS-SDK conformance tests will fail: their tools could not be installed (see above)." >&2
    fi
    private_session xvfb-run -a -s '-screen 0 1280x800x24' \
      meson test -C "$builddir" --print-errorlogs --num-processes 2 ${slow[@]+"${slow[@]}"} || rc=$?
    summary_rc=0
    python3 "$top/build-aux/test-summary.py" "$builddir/meson-logs/testlog.json" || summary_rc=$?
    [ $rc -ne 0 ] && exit $rc
    exit $summary_rc
    ;;
esac
