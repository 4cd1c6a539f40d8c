#!/usr/bin/env bash
# Differential run of Palisade's Pod Security Standards decisions against upstream's
# k8s.io/pod-security-admission: generate pods, judge them with the upstream library, and
# require Palisade to reach the same verdicts (crates/palisade-rules/tests/pss_differential.rs).
#
#   testenv/psa/run.sh [--count N] [--seed S] [--chunk C] [--keep DIR] [--debug]
#
# Runs of more than --chunk records (default 100000) are judged in parts of that size, so
# memory stays bounded. --keep keeps the judged JSONL files in DIR.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
count=100000
seed=1
chunk=100000
keep=""
profile=(--release)
while [ $# -gt 0 ]; do
  case "$1" in
    --count) count="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --chunk) chunk="$2"; shift 2 ;;
    --keep) keep="$2"; shift 2 ;;
    --debug) profile=(); shift ;;
    *) echo "usage: $0 [--count N] [--seed S] [--chunk C] [--keep DIR] [--debug]" >&2; exit 2 ;;
  esac
done

# The oracle is cached per upstream version and per source, so that an edit rebuilds it.
oracle="$("$here/oracle.sh")"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if [ -n "$keep" ]; then mkdir -p "$keep"; fi

# Build the test once; each part then only runs it.
(cd "$root" && cargo test -p palisade-rules --test pss_differential "${profile[@]}" --no-run -q)

total_allowed=0
total_denied=0
failed=0
start_time=$(date +%s)
for ((start = 0; start < count; start += chunk)); do
  n=$(( count - start < chunk ? count - start : chunk ))
  file="$work/judged-$seed-$start.jsonl"
  t0=$(date +%s)
  "$oracle" generate --seed "$seed" --start "$start" --count "$n" | "$oracle" judge > "$file"
  t1=$(date +%s)
  allowed=$(grep -c '"allowed":true' "$file" || true)
  denied=$(( n - allowed ))
  total_allowed=$(( total_allowed + allowed ))
  total_denied=$(( total_denied + denied ))
  echo "records $start..$(( start + n )) (seed $seed): upstream allows $allowed, denies $denied; generated and judged in $(( t1 - t0 ))s"
  status=0
  out="$(cd "$root" && PALISADE_PSS_DIFFERENTIAL="$file" \
    cargo test -p palisade-rules --test pss_differential "${profile[@]}" -q -- --nocapture 2>&1)" || status=$?
  # The test's own summary and, on failure, its first disagreements; not cargo's chatter.
  printf '%s\n' "$out" | grep -v -e '^running ' -e '^test result' -e '^$' -e '^test .* \.\.\.' | head -n 80
  if [ "$status" -ne 0 ]; then failed=$(( failed + 1 )); fi
  echo "  compared in $(( $(date +%s) - t1 ))s"
  if [ -n "$keep" ]; then cp "$file" "$keep/"; fi
  rm -f "$file"
done
echo "total: $count records, upstream allows $total_allowed, denies $total_denied; $failed part(s) with disagreements; $(( $(date +%s) - start_time ))s"
[ "$failed" -eq 0 ]
