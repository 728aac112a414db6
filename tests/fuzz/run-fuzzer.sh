#!/bin/sh
# run-fuzzer.sh FUZZER CORPUS [SECONDS [DICT]] — a short bounded libFuzzer run over a
# copy of the seed corpus (the seeds in git stay as they are). Exits non-zero
# when the fuzzer finds a crash, a leak or a sanitizer report.
set -eu
fuzzer=$(realpath "$1")
corpus=$(realpath "$2")
seconds=${JOBDECK_FUZZ_SECONDS:-${3:-10}}
dict=
if [ -n "${4:-}" ]; then dict="-dict=$(realpath "$4")"; fi
# Crashing inputs land here (crash-<sha1>, leak-…, timeout-…).
artifacts=${FUZZ_ARTIFACT_DIR:-$(pwd)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/corpus"
cp "$corpus"/* "$work/corpus/"
rm -f "$work/corpus/README.md"
cd "$work"
"$fuzzer" -error_exitcode=1 -timeout_exitcode=1 -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
  -artifact_prefix="$artifacts/$(basename "$fuzzer")-" -print_final_stats=1 $dict "$work/corpus"
