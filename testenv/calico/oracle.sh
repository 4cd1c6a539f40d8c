#!/usr/bin/env bash
# Builds calico-oracle (Calico's selector library behind a small CLI) into the
# test-environment cache, once per source, and prints its path.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
exec "$here/../go-oracle.sh" calico-oracle "$here"
