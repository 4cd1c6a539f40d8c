#!/usr/bin/env bash
# selftest.sh - start the control plane of this directory, check that it
# behaves like the current Kubernetes the end-to-end tests expect, stop it.
#
#   /readyz; Pod Security Admission (a privileged pod in a namespace labelled
#   enforce=restricted is rejected, by server-side dry run); a
#   ValidatingAdmissionPolicy (admissionregistration.k8s.io/v1) is accepted and
#   enforced; a static-token user is authenticated with its groups and denied by
#   RBAC; TokenRequest issues a ServiceAccount token the server accepts; the
#   controller manager creates default ServiceAccounts and finishes namespace
#   deletion.
#
# Prints PASS/FAIL per check and "N passed, M failed"; exits non-zero on any failure.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)

passed=0
failed=0
check() { # check DESCRIPTION OK(0/1) [DETAIL]
  if [ "$2" = 0 ]; then
    passed=$((passed + 1)); echo "PASS: $1"
  else
    failed=$((failed + 1)); echo "FAIL: $1"
  fi
  if [ -n "${3:-}" ]; then printf '%s\n' "$3" | head -n 4 | cut -c1-200 | sed 's/^/    /'; fi
}

work=$(mktemp -d)
state=$work/kube
trap '"$HERE/down.sh" --purge "$state" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

"$HERE/ensure.sh" >/dev/null
"$HERE/up.sh" "$state"
# shellcheck disable=SC1091
. "$state/env"
k() { timeout 60 "$KUBECTL" --request-timeout=30s "$@"; }
# try CMD... : run CMD, set $out (stdout+stderr) and $rc
try() { set +e; out=$("$@" 2>&1); rc=$?; set -e; }
# eventually SECONDS CMD... : retry CMD every half second until it succeeds
eventually() { local end=$((SECONDS + $1)); shift; until "$@"; do [ "$SECONDS" -lt "$end" ] || return 1; sleep 0.5; done; }

echo "== $KUBE_VERSION at $API_URL"
try k version
echo "$out" | sed 's/^/    /'

try curl -sS --max-time 10 --cacert "$CA_FILE" -H "Authorization: Bearer $(cat "$ADMIN_TOKEN_FILE")" "$API_URL/readyz"
[ "$rc" = 0 ] && [ "$out" = ok ]
check "/readyz answers ok over TLS with the cluster CA and the admin token" $? "$out"

# --- Pod Security Admission -------------------------------------------------
k create namespace psa-restricted >/dev/null
k label namespace psa-restricted pod-security.kubernetes.io/enforce=restricted \
  pod-security.kubernetes.io/enforce-version=latest >/dev/null
try k get namespace psa-restricted -o 'jsonpath={.metadata.labels.kubernetes\.io/metadata\.name}'
[ "$out" = psa-restricted ]
check "namespaces get the kubernetes.io/metadata.name label from the server" $? "$out"

privileged_pod='apiVersion: v1
kind: Pod
metadata: {name: priv, namespace: psa-restricted}
spec:
  containers:
  - {name: c, image: registry.example.com/app:1, securityContext: {privileged: true}}'
try k create --dry-run=server -f - <<<"$privileged_pod"
[ "$rc" != 0 ] && grep -q 'violates PodSecurity "restricted:latest"' <<<"$out" && grep -q 'privileged' <<<"$out"
check "PodSecurity rejects a privileged pod in an enforce=restricted namespace (server-side dry run)" $? "$out"

try k create --dry-run=server -f - <<<"${privileged_pod//psa-restricted/default}"
[ "$rc" = 0 ]
check "the same pod passes in a namespace without PSA labels (cluster default: privileged)" $? "$out"

# --- ValidatingAdmissionPolicy ------------------------------------------------
try k apply -f - <<'EOF'
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: selftest-max-replicas}
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules:
    - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}
  validations:
  - expression: "object.spec.replicas <= 3"
    message: "selftest: at most 3 replicas"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: selftest-max-replicas}
spec:
  policyName: selftest-max-replicas
  validationActions: [Deny]
  matchResources:
    namespaceSelector:
      matchLabels: {kubernetes.io/metadata.name: psa-restricted}
EOF
check "a ValidatingAdmissionPolicy and its binding (admissionregistration.k8s.io/v1) are accepted" "$rc" "$out"

deploy='apiVersion: apps/v1
kind: Deployment
metadata: {name: many, namespace: psa-restricted}
spec:
  replicas: 10
  selector: {matchLabels: {app: many}}
  template:
    metadata: {labels: {app: many}}
    spec:
      containers: [{name: c, image: registry.example.com/app:1}]'
vap_denies() {
  try k create --dry-run=server -f - <<<"$deploy"
  [ "$rc" != 0 ] && grep -q 'selftest: at most 3 replicas' <<<"$out"
}
eventually 30 vap_denies
check "the policy is enforced: a Deployment with 10 replicas is denied with its message" $? "$out"

# --- static tokens, RBAC --------------------------------------------------------
alice=(--kubeconfig=/dev/null --server="$API_URL" --certificate-authority="$CA_FILE" --token="$(cat "$TOKEN_DIR/alice")")
try k "${alice[@]}" auth whoami -o 'jsonpath={.status.userInfo.username} {.status.userInfo.groups}'
[ "$rc" = 0 ] && [[ "$out" == 'alice ["dev","system:authenticated"]' ]]
check "a static token authenticates alice with group dev (SelfSubjectReview)" $? "$out"

try k "${alice[@]}" -n psa-restricted get pods
[ "$rc" != 0 ] && grep -q 'User "alice" cannot list resource "pods"' <<<"$out"
check "alice is denied by RBAC until a role is bound" $? "$out"

k -n psa-restricted create rolebinding dev-view --clusterrole=view --group=dev >/dev/null
can_list() { try k "${alice[@]}" -n psa-restricted get pods; [ "$rc" = 0 ]; }
eventually 15 can_list
check "after binding view to group dev, alice can list pods" $? "$out"

try k --context=palisade-e2e-bob auth can-i list pods -n psa-restricted
[ "$out" = no ]
check "bob (group ops, kubeconfig context palisade-e2e-bob) is not" $? "$out"

# --- service accounts --------------------------------------------------------
k -n psa-restricted create serviceaccount robot >/dev/null
try k -n psa-restricted create token robot --duration=10m
sa_token=$out
[ "$rc" = 0 ] && [[ "$sa_token" == ey*.*.* ]]
check "TokenRequest issues a ServiceAccount token" $? "${sa_token:0:40}..."
try k --kubeconfig=/dev/null --server="$API_URL" --certificate-authority="$CA_FILE" --token="$sa_token" \
  auth whoami -o 'jsonpath={.status.userInfo.username}'
[ "$out" = system:serviceaccount:psa-restricted:robot ]
check "the server accepts that token as the ServiceAccount" $? "$out"

has_default_sa() { k -n psa-restricted get serviceaccount default >/dev/null 2>&1; }
eventually 30 has_default_sa
check "kube-controller-manager creates the default ServiceAccount" $?

k delete namespace psa-restricted --wait=false >/dev/null
ns_gone() { ! k get namespace psa-restricted >/dev/null 2>&1; }
eventually 60 ns_gone
check "kube-controller-manager finishes the deletion of a namespace" $? "$(k get namespace psa-restricted -o jsonpath='{.status}' 2>&1 || true)"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
