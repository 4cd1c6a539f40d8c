#!/usr/bin/env bash
# Builds calico-oracle (Calico's selector library behind a small CLI) once per source digest
# into the test-environment cache, and prints its path.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
digest="$(cd "$here" && cat go.mod go.sum ./*.go | sha256sum | cut -c1-12)"
cache="${PALISADE_TESTENV_CACHE:-$HOME/.cache/palisade-testenv}"
oracle="$cache/calico-oracle-$digest"
if [ ! -x "$oracle" ]; then
  mkdir -p "$cache"
  echo "building calico-oracle into $oracle" >&2
  (cd "$here" && nice -n 10 go build -trimpath -o "$oracle.tmp" . && mv "$oracle.tmp" "$oracle")
fi
echo "$oracle"
