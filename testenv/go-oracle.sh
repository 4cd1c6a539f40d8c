#!/usr/bin/env bash
# go-oracle.sh NAME DIR: builds the Go program in DIR (an oracle: an upstream library behind
# a small CLI) once per source digest into the test-environment cache, and prints its path.
# The digest covers go.mod, go.sum and the sources, so an edit or a new upstream version
# rebuilds it.
set -euo pipefail
name="$1"
dir="$(cd "$2" && pwd)"
digest="$(cd "$dir" && cat go.mod go.sum ./*.go | sha256sum | cut -c1-12)"
cache="${PALISADE_TESTENV_CACHE:-$HOME/.cache/palisade-testenv}"
oracle="$cache/$name-$digest"
if [ ! -x "$oracle" ]; then
  mkdir -p "$cache"
  echo "building $name into $oracle" >&2
  (cd "$dir" && nice -n 10 go build -trimpath -o "$oracle.tmp" . && mv "$oracle.tmp" "$oracle")
fi
echo "$oracle"
