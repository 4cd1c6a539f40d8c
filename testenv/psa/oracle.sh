#!/usr/bin/env bash
# Builds psa-oracle (upstream's k8s.io/pod-security-admission behind a small CLI) once per
# upstream version and source digest into the test-environment cache, and prints its path.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
version="$(awk '$1 == "k8s.io/pod-security-admission" { print $2 }' "$here/go.mod")"
digest="$(cd "$here" && cat go.mod go.sum ./*.go | sha256sum | cut -c1-12)"
cache="${PALISADE_TESTENV_CACHE:-$HOME/.cache/palisade-testenv}"
oracle="$cache/psa-oracle-$version-$digest"
if [ ! -x "$oracle" ]; then
  mkdir -p "$cache"
  echo "building psa-oracle ($version) into $oracle" >&2
  (cd "$here" && nice -n 10 go build -trimpath -o "$oracle.tmp" . && mv "$oracle.tmp" "$oracle")
fi
echo "$oracle"
