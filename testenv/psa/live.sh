#!/usr/bin/env bash
# Live parity of the Pod Security Standards: the admission plugin of a real, current API server
# (testenv/cluster), `palisade scan` and `palisade serve` judge each of upstream's fixture pods
# (4,537 of them) in namespaces labelled with each level and policy version; all must agree
# with each other and with the fixture's expected outcome. See live.py for what is compared.
#
# Usage: testenv/psa/live.sh   (PALISADE_BIN=path uses that binary instead of building one;
# PALISADE_PSS_FIXTURES points at the fixtures, default ../shared/conformance/pss)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
fixtures="${PALISADE_PSS_FIXTURES:-$repo/../shared/conformance/pss}/test/testdata"
[ -d "$fixtures" ] || { echo "PSS fixtures not found at $fixtures" >&2; exit 1; }

if [ -z "${PALISADE_BIN:-}" ]; then
  (cd "$repo" && cargo build --release --locked -q -p palisade)
  PALISADE_BIN="$repo/target/release/palisade"
fi

"$repo/testenv/cluster/ensure.sh" >/dev/null
state="$(mktemp -d)"
serve_pid=""
cleanup() {
  if [ -n "$serve_pid" ]; then kill "$serve_pid" 2>/dev/null || true; wait "$serve_pid" 2>/dev/null || true; fi
  "$repo/testenv/cluster/down.sh" --purge "$state" >/dev/null 2>&1 || true
}
trap cleanup EXIT
"$repo/testenv/cluster/up.sh" "$state" >/dev/null
# shellcheck disable=SC1091
. "$state/env"

# Only the pod-security rules decide, as the admission plugin does.
printf 'webhook:\n  default-mode: audit\n  modes:\n    pod-security: enforce\n' > "$state/palisade.yaml"
port=$((20000 + RANDOM % 10000))
"$PALISADE_BIN" serve --listen "127.0.0.1:$port" --metrics-listen "127.0.0.1:$((port + 1))" \
  --tls-cert "$WEBHOOK_CERT" --tls-key "$WEBHOOK_KEY" --config "$state/palisade.yaml" \
  >"$state/serve.log" 2>&1 &
serve_pid=$!
for _ in $(seq 1 100); do
  curl -fsS --max-time 2 --cacert "$CA_FILE" "https://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  sleep 0.1
done

# A sample of generated pods too, with upstream's library's verdicts to compare with.
generated="$state/generated.jsonl"
oracle="$("$here/oracle.sh")"
"$oracle" generate --seed "${PALISADE_LIVE_SEED:-1}" --count "${PALISADE_LIVE_GENERATED:-2000}" \
  | "$oracle" judge > "$generated"

GENERATED="$generated" FIXTURES="$fixtures" SERVE_URL="https://127.0.0.1:$port" PALISADE_BIN="$PALISADE_BIN" \
  python3 "$here/live.py"
