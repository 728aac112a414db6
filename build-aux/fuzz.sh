#!/usr/bin/env bash
# Short libFuzzer runs of every fuzz target in tests/fuzz (clang, ASan + UBSan),
# each for a bounded time over a copy of its seed corpus; CI runs this after the
# two suites. A crash, leak or sanitizer report fails it and leaves the input in
# _fuzz/fuzz-artifacts/.
#
#   build-aux/fuzz.sh [SECONDS]   (default 10 per target)
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"
builddir=_fuzz
seconds=${1:-10}

if [ ! -f "$builddir/build.ninja" ]; then
  CC=clang meson setup "$builddir" -Dprofile=development -Dfuzzing=true \
    -Db_sanitize=address,undefined -Db_lundef=false
fi
targets=$(meson introspect --targets "$builddir" |
  python3 -c 'import json, sys; print(" ".join(t["name"] for t in json.load(sys.stdin) if t["name"].startswith("fuzz-")))')
# Only the fuzzers and what they link: not the app.
meson compile -C "$builddir" $targets
mkdir -p "$builddir/fuzz-artifacts"
FUZZ_ARTIFACT_DIR="$top/$builddir/fuzz-artifacts" JOBDECK_FUZZ_SECONDS="$seconds" \
  meson test -C "$builddir" --no-rebuild --suite fuzz --print-errorlogs --num-processes 2
