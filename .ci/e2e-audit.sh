#!/usr/bin/env bash
# End-to-end test of `palisade audit` against a real kube-apiserver seeded with the examples:
# the same findings as `scan` of the same manifests, pods reported on their workloads, gaps
# reported (and failing the run) when the user cannot list something, no Secret value in any
# report, and clear failures for an unreachable server and refused credentials.
#
# Usage: .ci/e2e-audit.sh   (PALISADE_BIN=path uses that binary instead of building one)
# Prints PASS/FAIL per check and a final "N passed, M failed"; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
kube=${PALISADE_KUBE_DIR:-$repo/testenv/cluster}

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "PASS: $1"; }
fail() {
  failed=$((failed + 1))
  echo "FAIL: $1"
  if [ -n "${2:-}" ]; then printf '%s\n' "$2" | head -n 20 | sed 's/^/    /'; fi
}

work=$(mktemp -d)
state="$work/kube"
cleanup() {
  "$kube/down.sh" --purge "$state" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

if [ -z "${PALISADE_BIN:-}" ]; then
  cargo build --release --locked -q -p palisade
  PALISADE_BIN="$repo/target/release/palisade"
fi
palisade() { timeout 120 "$PALISADE_BIN" "$@"; }

echo "== Kubernetes control plane"
"$kube/ensure.sh" >/dev/null
"$kube/up.sh" "$state"
# shellcheck disable=SC1091
. "$state/env"
k() { timeout 60 "$KUBECTL" --request-timeout=30s "$@"; }

echo "== seeding the cluster with the examples"
# Twice: the first pass creates the namespaces the second needs. What the server refuses (an
# API version it no longer serves, a pod with ephemeral containers) is simply not there.
k apply -f examples/insecure/ -f examples/hardened/ >/dev/null 2>&1 || true
k apply -f examples/insecure/ -f examples/hardened/ > "$work/apply.txt" 2>&1 || true
# A Secret applied with kubectl: its last-applied annotation holds the value.
canary="palisade-canary-$RANDOM$RANDOM"
k -n shop create secret generic audit-canary --from-literal=token="$canary" \
  --dry-run=client -o yaml | k apply -f - >/dev/null
# Wait for the ReplicaSet controller to make the storefront's pods.
for _ in $(seq 1 60); do
  [ "$(k -n shop get pods -l app=storefront -o name | wc -l)" -ge 1 ] && break
  sleep 1
done
kinds=deployments,statefulsets,daemonsets,cronjobs,jobs,pods,services,networkpolicies,serviceaccounts,secrets,configmaps,roles,rolebindings,limitranges,resourcequotas
k get "$kinds" -A -o jsonpath='{range .items[*]}{.kind} {.metadata.namespace} {.metadata.name}{"\n"}{end}' > "$work/existing.txt"
k get namespaces,clusterroles,clusterrolebindings \
  -o jsonpath='{range .items[*]}{.kind} - {.metadata.name}{"\n"}{end}' >> "$work/existing.txt"
# The objects the manifests hold, as the scan's JUnit report names them (`Kind/namespace/name`,
# `Kind/name` without a namespace).
palisade scan --format junit examples/insecure/ examples/hardened/ > "$work/manifests.xml" 2>/dev/null || true
python3 -c '
import sys, xml.etree.ElementTree as tree
names = {case.get("classname") for case in tree.parse(sys.stdin).iter("testcase")}
for name in sorted(n for n in names if n):
    parts = name.split("/")
    print(*(parts if len(parts) == 3 else [parts[0], "-", parts[-1]]))' \
  < "$work/manifests.xml" > "$work/manifests.txt"
if [ "$(wc -l < "$work/manifests.txt")" -lt 10 ]; then
  echo "kubectl read fewer than 10 objects from the examples" >&2
  exit 1
fi

echo "== audit as the cluster admin"
set +e
palisade scan --format json examples/ > "$work/scan.json" 2>/dev/null
palisade audit --format "json=$work/audit.json,text=$work/audit.txt,sarif=$work/audit.sarif" 2> "$work/audit.err"
code=$?
set -e
if [ "$code" -eq 1 ]; then pass "audit exits 1 on findings"; else fail "audit exit code $code, expected 1" "$(cat "$work/audit.err")"; fi
errors=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["inputErrors"]))' "$work/audit.json")
if [ "$errors" -eq 0 ]; then pass "the admin reads everything: no coverage gaps"; else fail "$errors gaps for the admin" "$(cat "$work/audit.txt")"; fi
if out=$(python3 testenv/audit/compare.py "$work/scan.json" "$work/audit.json" "$work/existing.txt" "$work/manifests.txt"); then
  pass "audit and scan agree on the seeded objects: $(tail -n 1 <<<"$out")"
else
  fail "audit and scan disagree" "$out"
fi
if grep -q "$canary" "$work/audit.json" "$work/audit.txt" "$work/audit.sarif"; then
  fail "a Secret's value is in a report"
else
  pass "no Secret value in any report"
fi
owners=$(python3 - "$work/audit.json" <<'PY'
import json, sys
findings = json.load(open(sys.argv[1]))["findings"]
kinds = {f["object"]["kind"] for f in findings if f["object"].get("namespace") == "shop"}
pods = {f.get("pods") for f in findings if f["object"]["kind"] == "Deployment" and f["object"]["name"] == "storefront"}
print("ok" if "Pod" not in kinds and "ReplicaSet" not in kinds and pods and None not in pods and min(pods) >= 1 else f"kinds {sorted(kinds)} pods {pods}")
PY
)
if [ "$owners" = ok ]; then pass "the storefront's pods are reported once, on its Deployment, with their count"; else fail "pods not folded onto their Deployment: $owners"; fi
if grep -q "palisade-e2e/shop/Deployment/storefront: " "$work/audit.txt"; then
  pass "text findings name cluster/namespace/kind/name"
else
  fail "no cluster path in the text report" "$(head -n 5 "$work/audit.txt")"
fi

echo "== OpenReports and metrics"
set +e
out=$(palisade audit --emit-reports --format json 2>&1 >/dev/null)
code=$?
set -e
if [ "$code" -eq 2 ] && grep -q "OpenReports CRDs are not installed" <<<"$out"; then pass "--emit-reports without the CRDs: exit 2, said plainly"; else fail "--emit-reports without CRDs: exit $code" "$out"; fi
k apply -f testenv/audit/openreports/ >/dev/null
k wait --for condition=established --timeout=60s crd/reports.openreports.io crd/clusterreports.openreports.io >/dev/null
reports_json() { k get reports.openreports.io -A -o json; }
set +e
palisade audit --emit-reports --metrics-file "$work/audit.prom" --format json > "$work/emit.json" 2> "$work/emit.err"
code=$?
set -e
reports_json > "$work/reports.json"
check=$(python3 - "$work/emit.json" "$work/reports.json" <<'PY'
import json, sys
audit = json.load(open(sys.argv[1]))
reports = json.load(open(sys.argv[2]))["items"]
by_ns = {r["metadata"]["namespace"]: r for r in reports}
problems = []
if set(by_ns) < {"shop", "shop-hardened", "default", "kube-system"}:
    problems.append(f"namespaces with reports: {sorted(by_ns)}")
if any(r["metadata"]["name"] != "palisade" for r in reports):
    problems.append("a report not named palisade")
for ns, report in by_ns.items():
    findings = sum(1 for f in audit["findings"] if f["object"].get("namespace") == ns and not f["waived"])
    if report["summary"]["fail"] != findings:
        problems.append(f"{ns}: summary {report['summary']} but {findings} findings")
print("; ".join(problems) or f"ok {len(reports)}")
PY
)
if [ "$code" -eq 1 ] && [ "${check%% *}" = ok ]; then
  pass "--emit-reports: ${check##* } Reports accepted by the API server, summaries match the findings"
else
  fail "--emit-reports (exit $code): $check" "$(cat "$work/emit.err")"
fi
if k get clusterreports.openreports.io palisade -o jsonpath='{.summary.fail}' | grep -qE '^[1-9]'; then pass "a ClusterReport for cluster-scoped objects"; else fail "no ClusterReport with failures"; fi
before=$(k -n shop get reports.openreports.io palisade -o jsonpath='{.metadata.uid} {.metadata.resourceVersion}')
sleep 1
palisade audit --emit-reports --format json > /dev/null 2>&1 || true
after=$(k -n shop get reports.openreports.io palisade -o jsonpath='{.metadata.uid} {.metadata.resourceVersion}')
count_after=$(k get reports.openreports.io -A -o name | wc -l)
count_before=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["items"]))' "$work/reports.json")
if [ "${before%% *}" = "${after%% *}" ] && [ "$before" != "$after" ] && [ "$count_before" = "$count_after" ]; then
  pass "a second run updates the reports in place ($count_after reports, same UIDs)"
else
  fail "second run: before '$before' after '$after', $count_before then $count_after reports"
fi
if grep -qE '^palisade_audit_findings\{code="PSS002",rule="pss-privileged",severity="critical",namespace="shop"\} [1-9]' "$work/audit.prom"; then
  pass "--metrics-file: findings by rule, severity and namespace"
else
  fail "--metrics-file" "$(head -n 20 "$work/audit.prom")"
fi
palisade audit --format openreports --reports-max-results 2 -n shop > "$work/capped.yaml" 2>/dev/null || true
if out=$(k apply --dry-run=server -f "$work/capped.yaml" 2>&1) && grep -q "policy: overflow" "$work/capped.yaml"; then
  pass "--format openreports with a cap: valid objects, the rest summarised in one result"
else
  fail "capped OpenReports YAML" "$out"
fi

echo "== palisade serve --audit-interval: the audit in the background"
k delete reports.openreports.io --all -A >/dev/null
k delete clusterreports.openreports.io --all >/dev/null
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
listen=$(free_port)
metrics=$(free_port)
"$PALISADE_BIN" serve --tls-cert "$WEBHOOK_CERT" --tls-key "$WEBHOOK_KEY" \
  --listen "127.0.0.1:$listen" --metrics-listen "127.0.0.1:$metrics" --audit-interval 2s \
  > "$work/serve.log" 2>&1 &
serve_pid=$!
written=""
for _ in $(seq 1 60); do
  if k get clusterreports.openreports.io palisade >/dev/null 2>&1 \
    && curl -sf "http://127.0.0.1:$metrics/metrics" | grep -q '^palisade_audit_findings{'; then
    written=yes
    break
  fi
  sleep 1
done
first=$(k get clusterreports.openreports.io palisade -o jsonpath='{.metadata.resourceVersion}' 2>/dev/null || true)
sleep 5
second=$(k get clusterreports.openreports.io palisade -o jsonpath='{.metadata.resourceVersion}' 2>/dev/null || true)
webhook_metrics=$(curl -sf "http://127.0.0.1:$metrics/metrics" | grep -c '^palisade_webhook_' || true)
kill "$serve_pid" 2>/dev/null || true
wait "$serve_pid" 2>/dev/null || true
if [ -n "$written" ] && [ -n "$first" ] && [ "$first" != "$second" ] && [ "$webhook_metrics" -gt 0 ]; then
  pass "serve --audit-interval writes the reports, updates them each round, and serves palisade_audit_* beside the webhook's metrics"
else
  fail "serve --audit-interval (written '$written', versions '$first' then '$second', webhook metrics $webhook_metrics)" "$(tail -n 20 "$work/serve.log")"
fi
if grep -q '"continuous audit finished"' "$work/serve.log"; then pass "each round is logged"; else fail "no log line for the rounds" "$(tail -n 5 "$work/serve.log")"; fi

echo "== the continuous audit with the RBAC palisade install grants"
"$PALISADE_BIN" install --audit-interval 1m --failure-policy Ignore --generate-certs > "$work/install.yaml"
k apply -f "$work/install.yaml" >/dev/null
# Only its RBAC is under test: the webhook itself has no pods here.
k delete validatingwebhookconfiguration palisade >/dev/null
token=$(k -n palisade create token palisade)
k config view --raw --minify --context palisade-e2e-token -o json > "$work/token.json"
python3 - "$work/token.json" "$token" > "$work/sa.kubeconfig" <<'PY'
import json, sys
config = json.load(open(sys.argv[1]))
config["users"][0]["user"] = {"token": sys.argv[2]}
print(json.dumps(config))
PY
listen=$(free_port)
metrics=$(free_port)
KUBECONFIG="$work/sa.kubeconfig" "$PALISADE_BIN" serve --tls-cert "$WEBHOOK_CERT" --tls-key "$WEBHOOK_KEY" \
  --listen "127.0.0.1:$listen" --metrics-listen "127.0.0.1:$metrics" --audit-interval 2s \
  > "$work/serve-sa.log" 2>&1 &
serve_pid=$!
for _ in $(seq 1 30); do
  grep -q '"continuous audit finished"' "$work/serve-sa.log" && break
  sleep 1
done
kill "$serve_pid" 2>/dev/null || true
wait "$serve_pid" 2>/dev/null || true
round=$(grep -m1 '"continuous audit finished"' "$work/serve-sa.log" || true)
if grep -q '"not_evaluated":0' <<<"$round" && ! grep -q 'was not written' "$work/serve-sa.log"; then
  pass "install's ServiceAccount and ClusterRole read everything the audit lists and write the reports"
else
  fail "the installed RBAC is not enough" "$(grep -v '"level":"INFO"' "$work/serve-sa.log" | head -n 10; echo "$round")"
fi

echo "== --namespace narrows the audit"
set +e
palisade audit --namespace shop --format json > "$work/shop.json" 2>/dev/null
set -e
outside=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(sum(1 for f in d["findings"] if f["object"].get("namespace", f["object"]["name"]) != "shop"), len(d["findings"]))' "$work/shop.json")
if [ "${outside%% *}" = 0 ] && [ "${outside##* }" -gt 0 ]; then pass "--namespace shop: ${outside##* } findings, all in shop"; else fail "--namespace shop: $outside (outside, total)"; fi

echo "== a user who cannot list RoleBindings"
k apply -f - >/dev/null <<'YAML'
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: audit-without-rolebindings
rules:
- apiGroups: ["", "apps", "batch", "networking.k8s.io", "policy", "admissionregistration.k8s.io"]
  resources: ["*"]
  verbs: ["get", "list"]
- apiGroups: ["rbac.authorization.k8s.io"]
  resources: ["roles", "clusterroles", "clusterrolebindings"]
  verbs: ["get", "list"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: bob-audits-without-rolebindings
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: audit-without-rolebindings
subjects:
- apiGroup: rbac.authorization.k8s.io
  kind: Group
  name: ops
YAML
set +e
palisade audit --context palisade-e2e-bob --format json > "$work/bob.json" 2> "$work/bob.err"
code=$?
palisade audit --context palisade-e2e-bob --allow-partial --format text > "$work/bob.txt" 2>&1
partial_code=$?
set -e
gap='not evaluated: cannot list rolebindings.rbac.authorization.k8s.io cluster-wide (403 Forbidden'
if [ "$code" -eq 2 ] && grep -qF "$gap" "$work/bob.json"; then
  pass "a 403 is a coverage record in the report and exits 2"
else
  fail "403 not reported as a gap (exit $code)" "$(cat "$work/bob.err"; head -c 2000 "$work/bob.json")"
fi
if [ "$partial_code" -eq 1 ] && grep -qF "$gap" "$work/bob.txt"; then
  pass "--allow-partial exits by the findings and still shows the gap"
else
  fail "--allow-partial exit $partial_code" "$(tail -n 5 "$work/bob.txt")"
fi

echo "== failures before anything is read"
sed -E "s#server: https://127.0.0.1:[0-9]+#server: https://127.0.0.1:9#" "$KUBECONFIG" > "$work/closed.kubeconfig"
set +e
out=$(palisade audit --kubeconfig "$work/closed.kubeconfig" --request-timeout 5 2>&1)
code=$?
set -e
if [ "$code" -eq 2 ] && grep -q "cannot reach the cluster" <<<"$out"; then pass "an unreachable server: exit 2, said plainly"; else fail "unreachable server: exit $code" "$out"; fi
k config view --raw --minify --context palisade-e2e-token -o json > "$work/token.json"
python3 - "$work/token.json" > "$work/badtoken.kubeconfig" <<'PY'
import json, sys
config = json.load(open(sys.argv[1]))
config["users"][0]["user"] = {"token": "expired-or-revoked"}
print(json.dumps(config))
PY
set +e
out=$(palisade audit --kubeconfig "$work/badtoken.kubeconfig" 2>&1)
code=$?
set -e
if [ "$code" -eq 2 ] && grep -q "refused the credentials (401 Unauthorized" <<<"$out"; then pass "refused credentials: exit 2, said plainly"; else fail "refused credentials: exit $code" "$out"; fi
# An exec credential plugin, as EKS, GKE and AKS users log in: it prints the admin's token.
cat > "$work/credential-plugin.sh" <<SH
#!/bin/sh
printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}' "\$(cat '$ADMIN_TOKEN_FILE')"
SH
chmod +x "$work/credential-plugin.sh"
python3 - "$work/token.json" "$work/credential-plugin.sh" > "$work/exec.kubeconfig" <<'PY'
import json, sys
config = json.load(open(sys.argv[1]))
config["users"][0]["user"] = {"exec": {"apiVersion": "client.authentication.k8s.io/v1", "command": sys.argv[2], "interactiveMode": "Never"}}
print(json.dumps(config))
PY
set +e
out=$(palisade audit --kubeconfig "$work/exec.kubeconfig" --format json 2>&1 >/dev/null)
code=$?
set -e
if [ "$code" -eq 1 ] && ! grep -q "not evaluated" <<<"$out"; then pass "an exec credential plugin logs in"; else fail "exec credential plugin: exit $code" "$out"; fi
set +e
out=$(palisade audit --context no-such-context 2>&1)
code=$?
set -e
if [ "$code" -eq 2 ] && grep -q "has no context \`no-such-context\`" <<<"$out"; then pass "an unknown context is named"; else fail "unknown context: exit $code" "$out"; fi

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
