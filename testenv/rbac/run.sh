#!/usr/bin/env bash
# Differential run of `palisade who-can` and `palisade can` against the API server's own
# authorizer (SubjectAccessReview), on a test cluster seeded with generated Roles,
# ClusterRoles (aggregated ones too) and bindings: see sar.py.
#
#   testenv/rbac/run.sh [--seed S] [--requests N] [--roles N]
#
# PALISADE_BIN names the binary (default: target/release/palisade, built if missing).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
palisade="${PALISADE_BIN:-$root/target/release/palisade}"
if [ ! -x "$palisade" ]; then
  cargo build --release --locked -q -p palisade
fi
state="$(mktemp -d)"
trap 'testenv/cluster/down.sh --purge "$state" >/dev/null 2>&1 || true' EXIT
testenv/cluster/ensure.sh >/dev/null
testenv/cluster/up.sh "$state" >/dev/null
python3 "$here/sar.py" --env "$state/env" --palisade "$palisade" "$@"
