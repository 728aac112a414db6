#!/bin/sh
# bench/run.sh — builds the benchmark programs (meson compile) and runs each
# against its baseline measured in the same run, then prints a Markdown table
# of ratios and writes it, with the machine and the date, to bench/RESULTS.md.
# See bench/README.md for what each row measures. Loopback only; about
# 4–6 minutes on 2 cores.
#
# Usage: bench/run.sh [BUILD_DIR]     (default: _build-bench at the top)
#        JD_BENCH_NOTE="..." adds a line to RESULTS.md's header (e.g. what else
#        ran on the machine).
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
build=${1:-$top/_build-bench}

if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" "$top" -Dtests=false >/dev/null
fi
meson compile -C "$build" >/dev/null

work=$(mktemp -d "${TMPDIR:-/tmp}/jobdeck-bench-XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
rows="$work/rows.md"
notes="$work/notes.txt"
: > "$rows"
: > "$notes"

# AWS's JS v2 device SDK: the same pinned install the conformance tests use,
# into $build/conformance/node_modules.
if ! "$top/build-aux/conformance-tools.sh" "$build" > "$work/npm.log" 2>&1; then
  export JD_BENCH_SDK_SKIP="$(tail -n 1 "$work/npm.log" | cut -c1-160)"
fi
export JD_BENCH_NODE_PATH="$build/conformance/node_modules" JD_BENCH_SDK_SCRIPT="$here/sdk-client.js"

# Nothing of the user's: a private home, settings in memory.
mkdir -p "$work/home" "$work/runtime"
chmod 700 "$work/runtime"
export HOME="$work/home" XDG_RUNTIME_DIR="$work/runtime" \
       XDG_CONFIG_HOME="$work/home/.config" XDG_DATA_HOME="$work/home/.local/share" \
       XDG_CACHE_HOME="$work/home/.cache" \
       GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR="$build/data" \
       NO_AT_BRIDGE=1 GTK_A11Y=none

# run NAME TIMEOUT COMMAND…: its rows go to the table, its stderr (lines
# starting with the program's name) to the notes.
run () {
  name=$1 limit=$2
  shift 2
  echo "Running $name…" >&2
  if ! timeout "$limit" "$@" >> "$rows" 2> "$work/$name.err"; then
    echo "| $name | — | failed: $(tail -n 1 "$work/$name.err" | tr '|' '/' | cut -c1-160) | — | — | |" >> "$rows"
  fi
  # dbus-daemon's complaint about its fd limit is noise here.
  grep -v 'Failed to set fd limit' "$work/$name.err" >> "$notes" || true
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
run roundtrip 120 "$build/bench/bench-roundtrip"
run client-sdk 180 "$build/bench/bench-client-sdk"
run fanout 240 "$build/bench/bench-fanout"
run fleet 300 "$build/bench/bench-fleet"
run group-rollout 600 "$build/bench/bench-group-rollout"
run store 300 "$build/bench/bench-store"
run download 300 "$build/bench/bench-download" 1024
if command -v xvfb-run >/dev/null 2>&1 && command -v dbus-run-session >/dev/null 2>&1; then
  run model 90 xvfb-run -a -s '-screen 0 1280x800x24' "$build/bench/bench-model"
  run fleet-view 90 xvfb-run -a -s '-screen 0 1280x800x24' "$build/bench/bench-fleet-view"
  run coldstart 240 xvfb-run -a -s '-screen 0 1280x800x24' \
    dbus-run-session -- sh -c 'echo bench | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec "$@"' \
    sh "$build/bench/bench-coldstart" "$build/bench/bench-jobdeck-probe" "$build/bench/bench-hello"
  run app-pending 300 xvfb-run -a -s '-screen 0 1280x800x24' \
    dbus-run-session -- sh -c 'echo bench | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec "$@"' \
    sh "$build/bench/bench-app-pending" "$build/bench/bench-jobdeck-probe" "$build/bench/bench-hello"
  run idle 180 xvfb-run -a -s '-screen 0 1280x800x24' \
    dbus-run-session -- sh -c 'echo bench | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec "$@"' \
    sh "$build/bench/bench-idle" "$build/src/app/jobdeck" "$build/bench/bench-hello" "$build/src/service/jobdeck-service"
else
  echo "| Cold start | — | skipped: xvfb-run or dbus-run-session is not installed | — | — | |" >> "$rows"
  echo "| Idle | — | skipped: xvfb-run or dbus-run-session is not installed | — | — | |" >> "$rows"
  echo "| App model | — | skipped: xvfb-run or dbus-run-session is not installed | — | — | |" >> "$rows"
  echo "| Fleet view | — | skipped: xvfb-run or dbus-run-session is not installed | — | — | |" >> "$rows"
fi

cpu=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')
{
  echo "# Jobdeck benchmarks"
  echo
  echo "Written by \`bench/run.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC')."
  echo "Machine: $(uname -srm), $(nproc) cores, $cpu; load average before the run: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)."
  [ -n "${JD_BENCH_NOTE:-}" ] && echo "Note: $JD_BENCH_NOTE"
  echo "Build: $(basename "$build") ($(meson introspect --buildoptions "$build" 2>/dev/null | python3 -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"]=="buildtype"))' 2>/dev/null || echo unknown))."
  echo
  echo "Each ratio is Jobdeck's figure over its baseline's, both measured in this run on this"
  echo "machine (absolute figures are context only). For throughput, higher is better; for"
  echo "times, latencies and sizes, lower is better. What each row measures: \`bench/README.md\`."
  echo
  echo "| benchmark | metric | Jobdeck | baseline | ratio | target |"
  echo "|---|---|---|---|---|---|"
  cat "$rows"
  echo
  echo "Notes from the programs:"
  echo
  echo '```'
  cat "$notes"
  echo '```'
} > "$here/RESULTS.md"

cat "$here/RESULTS.md"
