#!/usr/bin/env bash
# Installs the AWS SDKs that the conformance tests drive (tests/service:
# test-js-sdk, test-sdk-conformance) into BUILDDIR/conformance/node_modules,
# pinned, once. build-aux/jobdeck.sh test runs it; so does
# `ninja -C BUILDDIR conformance-tools`. boto3 and awscli come from Debian
# (build-aux/jobdeck.sh's package list).
#
#   build-aux/conformance-tools.sh BUILDDIR
#
# Exits non-zero, saying why, when node or npm is missing or npm cannot
# install a package; the tests then fail with the same reason.
set -euo pipefail

builddir=${1:?usage: $0 BUILDDIR}
mkdir -p "$builddir"
prefix="$(cd "$builddir" && pwd)/conformance"

# name version (the tests check these exact versions)
packages=(
  "aws-iot-device-sdk-v2 1.28.0"
  "@aws-sdk/client-iot 3.1169.0"
  "@aws-sdk/client-iot-jobs-data-plane 3.956.0"
)

installed_version () {
  local manifest="$prefix/node_modules/$1/package.json"
  [ -f "$manifest" ] || return 0
  node -p "require(process.argv[1]).version" "$manifest" 2>/dev/null || true
}

command -v node >/dev/null 2>&1 || { echo "conformance-tools: node is not installed" >&2; exit 1; }

missing=0
for p in "${packages[@]}"; do
  set -- $p
  [ "$(installed_version "$1")" = "$2" ] || missing=1
done
[ $missing -eq 0 ] && exit 0

command -v npm >/dev/null 2>&1 || { echo "conformance-tools: npm is not installed" >&2; exit 1; }

# One package.json names them all, so one install never prunes another.
# (aws-crt ships prebuilt binaries for Linux; its install script is not needed.)
mkdir -p "$prefix"
{
  echo '{ "name": "jobdeck-conformance", "private": true, "dependencies": {'
  sep=""
  for p in "${packages[@]}"; do
    set -- $p
    printf '%s    "%s": "%s"' "$sep" "$1" "$2"
    sep=$',\n'
  done
  echo
  echo '} }'
} > "$prefix/package.json"

echo "conformance-tools: installing into $prefix/node_modules"
npm install --prefix "$prefix" --no-audit --no-fund --fetch-retries=2 --fetch-timeout=60000 >&2

for p in "${packages[@]}"; do
  set -- $p
  got=$(installed_version "$1")
  if [ "$got" != "$2" ]; then
    echo "conformance-tools: $1@$2 is not installed (found: ${got:-nothing})" >&2
    exit 1
  fi
done
