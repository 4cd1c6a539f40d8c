#!/usr/bin/env bash
# Differential run of Palisade's Calico selector parser against Calico's own library:
# generate selectors with label sets, judge them with the library, and require Palisade to
# parse the same ones and match the same labels (the test `agrees_with_calicos_library` in
# crates/palisade-rules/src/rules/network/calico_selector.rs).
#
#   testenv/calico/run.sh [--count N] [--seed S]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
count=100000
seed=1
while [ $# -gt 0 ]; do
  case "$1" in
    --count) count="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    *) echo "usage: $0 [--count N] [--seed S]" >&2; exit 2 ;;
  esac
done
oracle="$("$here/oracle.sh")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$oracle" --seed "$seed" --count "$count" > "$work/judged.jsonl"
echo "$count selectors (seed $seed), of which Calico accepts $(grep -c '"valid":true' "$work/judged.jsonl" || true)"
cd "$root"
PALISADE_CALICO_DIFFERENTIAL="$work/judged.jsonl" \
  cargo test -q --locked -p palisade-rules --lib agrees_with_calicos_library -- --nocapture 2>&1 \
  | grep -v -e '^running ' -e '^test result' -e '^$' -e '^test .* \.\.\.' | head -n 60
exit "${PIPESTATUS[0]}"
