#!/usr/bin/env bash
# Builds psa-oracle (upstream's k8s.io/pod-security-admission behind a small CLI) into the
# test-environment cache, once per upstream version and source, and prints its path.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
version="$(awk '$1 == "k8s.io/pod-security-admission" { print $2 }' "$here/go.mod")"
exec "$here/../go-oracle.sh" "psa-oracle-$version" "$here"
