#!/usr/bin/env bash
# End-to-end test of `palisade serve` behind a real kube-apiserver: denials, warnings, exemptions
# and both failure policies, as a cluster's users see them.
#
# Usage: .ci/e2e-webhook.sh   (PALISADE_BIN=path uses that binary instead of building one)
# The control plane comes from the ensure.sh/up.sh/down.sh in PALISADE_KUBE_DIR: by default
# testenv/cluster (a current release); ../shared/kube gives the older 1.20 one.
# Prints PASS/FAIL per check and a final "N passed, M failed"; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
kube=${PALISADE_KUBE_DIR:-$repo/testenv/cluster}

passed=0
failed=0
pass() { # check [what the client saw]
  passed=$((passed + 1))
  echo "PASS: $1"
  if [ -n "${2:-}" ]; then printf '%s\n' "$2" | head -n 3 | cut -c1-240 | sed 's/^/    /'; fi
}
fail() {
  failed=$((failed + 1))
  echo "FAIL: $1"
  if [ -n "${2:-}" ]; then printf '%s\n' "$2" | sed 's/^/    /'; fi
}

work=$(mktemp -d)
state="$work/kube"
serve_pid=""

stop_serve() {
  if [ -n "$serve_pid" ] && kill -0 "$serve_pid" 2>/dev/null; then
    kill "$serve_pid" 2>/dev/null || true
    # Bounded wait for a clean exit, then force.
    for _ in $(seq 1 50); do kill -0 "$serve_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$serve_pid" 2>/dev/null || true
    wait "$serve_pid" 2>/dev/null || true
  fi
  serve_pid=""
}

cleanup() {
  local code=$?
  stop_serve
  if [ "$code" -ne 0 ] && [ -f "$work/serve.log" ]; then
    echo "--- palisade serve log (tail)"; tail -n 30 "$work/serve.log"
  fi
  "$kube/down.sh" --purge "$state" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "== Kubernetes control plane"
"$kube/ensure.sh" >/dev/null
"$kube/up.sh" "$state"
# shellcheck disable=SC1091
. "$state/env"
k() { timeout 60 "$KUBECTL" --request-timeout=30s "$@"; }
# The server's minor version: what it lacks before 1.21 is worked around below.
server_minor=$(k version -o json | awk -F'"' '/"serverVersion"/ { s = 1 } s && $2 == "minor" { print $4 + 0; exit }')
echo "kube-apiserver 1.$server_minor"

echo "== palisade binary"
if [ -n "${PALISADE_BIN:-}" ]; then
  bin=$PALISADE_BIN
else
  cargo build --release --locked -p palisade
  bin="${CARGO_TARGET_DIR:-$repo/target}/release/palisade"
fi
"$bin" --version

# A port nobody listens on now. serve is restarted on another one if it loses the race.
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 12000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
}

cat > "$work/palisade.yaml" <<'EOF'
webhook:
  default-mode: enforce
  modes:
    read-only-root-filesystem: warn
  exempt-namespaces: [e2e-exempt, "legacy-*"]
EOF

# Starts `palisade serve` and waits (bounded) until /readyz answers over TLS with the cluster CA.
start_serve() {
  local attempt
  for attempt in 1 2 3; do
    port=$(free_port)
    metrics_port=$(free_port)
    POD_NAMESPACE=palisade "$bin" serve --listen "127.0.0.1:$port" \
      --tls-cert "$WEBHOOK_CERT" --tls-key "$WEBHOOK_KEY" \
      --metrics-listen "127.0.0.1:$metrics_port" --config "$work/palisade.yaml" \
      >>"$work/serve.log" 2>&1 &
    serve_pid=$!
    for _ in $(seq 1 100); do
      if ! kill -0 "$serve_pid" 2>/dev/null; then break; fi
      if curl -fsS --max-time 2 --cacert "$CA_FILE" "https://127.0.0.1:$port/readyz" >/dev/null 2>&1; then
        echo "palisade serve ready on 127.0.0.1:$port (metrics $metrics_port), attempt $attempt"
        return 0
      fi
      sleep 0.1
    done
    stop_serve
  done
  echo "palisade serve did not become ready" >&2
  tail -n 30 "$work/serve.log" >&2
  return 1
}

echo "== palisade serve"
start_serve

# Namespaces: servers before 1.21 set no kubernetes.io/metadata.name label; set it as newer ones do.
for ns in e2e e2e-exempt legacy-billing; do
  k create namespace "$ns" >/dev/null
  k label namespace "$ns" palisade-e2e=yes >/dev/null
  if [ "$server_minor" -lt 21 ]; then k label namespace "$ns" "kubernetes.io/metadata.name=$ns" >/dev/null; fi
done

webhook_config() {
  cat <<EOF
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: palisade-e2e}
webhooks:
- name: validate.palisade.dev
  admissionReviewVersions: ["v1"]
  sideEffects: None
  failurePolicy: $1
  timeoutSeconds: 5
  namespaceSelector:
    matchExpressions:
    - {key: palisade-e2e, operator: In, values: ["yes"]}
    - {key: kubernetes.io/metadata.name, operator: NotIn, values: [palisade, kube-system]}
  rules:
  - {apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["pods"], scope: Namespaced}
  - {apiGroups: ["apps"], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["deployments"], scope: Namespaced}
  clientConfig:
    url: https://127.0.0.1:$port/validate
    caBundle: $(base64 -w0 < "$CA_FILE")
EOF
}

# A pod that every rule accepts: restricted, read-only root, own service account, no token,
# resources, image pinned by digest from a registry that is not Docker Hub.
pod() { # name namespace [privileged|writable|tagged]
  local sc="{allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, readOnlyRootFilesystem: true}"
  local image="registry.example.com/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
  case "${3:-}" in
    privileged) sc="{privileged: true, capabilities: {drop: [ALL]}, readOnlyRootFilesystem: true}" ;;
    writable) sc="{allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, readOnlyRootFilesystem: false}" ;;
    tagged) image="registry.example.com/app:1.0" ;;
  esac
  cat <<EOF
apiVersion: v1
kind: Pod
metadata: {name: $1, namespace: $2}
spec:
  serviceAccountName: app
  automountServiceAccountToken: false
  securityContext: {runAsNonRoot: true, runAsUser: 10001, seccompProfile: {type: RuntimeDefault}}
  containers:
  - name: app
    image: $image
    resources: {requests: {cpu: 10m, memory: 16Mi}, limits: {cpu: 100m, memory: 64Mi}}
    securityContext: $sc
EOF
}

deployment() {
  cat <<EOF
apiVersion: apps/v1
kind: Deployment
metadata: {name: $1, namespace: $2}
spec:
  replicas: 1
  selector: {matchLabels: {app: $1}}
  template:
    metadata: {labels: {app: $1}}
    spec:
$(pod x x "${3:-}" | sed -n '/^spec:/,$p' | tail -n +2 | sed 's/^/    /')
EOF
}

# Runs kubectl with a manifest on stdin; sets $out (stdout+stderr) and $rc.
run() {
  local manifest=$1; shift
  set +e
  out=$(printf '%s\n' "$manifest" | k "$@" -f - 2>&1)
  rc=$?
  set -e
}

# Retries (bounded) until the API server's answer to a server-side dry run matches: webhook
# configuration changes reach the API server's admission chain a moment after they are stored.
wait_for_dry_run() { # description expected-rc pattern manifest
  local i
  for i in $(seq 1 60); do
    run "$4" create --dry-run=server
    if [ "$rc" -eq "$2" ] && grep -qiE -- "$3" <<<"$out"; then return 0; fi
    sleep 0.5
  done
  echo "timed out waiting for: $1 (last: rc=$rc $out)" >&2
  return 1
}

echo "== webhook registered (failurePolicy: Fail)"
run "$(webhook_config Fail)" apply
[ "$rc" -eq 0 ] || { echo "$out" >&2; exit 1; }
wait_for_dry_run "the webhook to be called" 1 'denied the request' "$(pod probe e2e privileged)"

echo "== checks"
run "$(pod privileged e2e privileged)" create
if [ "$rc" -ne 0 ] && grep -q 'admission webhook "validate.palisade.dev" denied the request' <<<"$out" \
  && grep -qi 'privileged' <<<"$out"; then
  pass "a privileged pod is denied with Palisade's message" "$out"
else
  fail "a privileged pod is denied with Palisade's message" "$out"
fi

# An annotation written by the object's own author must not exempt it (the default config).
run "$(pod self-exempt e2e privileged | sed 's/^metadata: {name: self-exempt, namespace: e2e}$/metadata: {name: self-exempt, namespace: e2e, annotations: {palisade.dev\/ignore: all, palisade.dev\/ignore-reason: mine}}/')" create
if [ "$rc" -ne 0 ] && grep -q 'denied the request' <<<"$out" && grep -qi 'privileged' <<<"$out"; then
  pass "a pod annotated palisade.dev/ignore: all is still denied" "$out"
else
  fail "a pod annotated palisade.dev/ignore: all is still denied" "$out"
fi

run "$(pod compliant e2e)" create
if [ "$rc" -eq 0 ] && ! grep -q 'Warning' <<<"$out"; then
  pass "a compliant pod is created, without warnings"
else
  fail "a compliant pod is created, without warnings" "$out"
fi

run "$(pod writable e2e writable)" create
if [ "$rc" -eq 0 ] && grep -q '^Warning: ' <<<"$out" && grep -qiE 'read-only|readOnlyRootFilesystem' <<<"$out"; then
  pass "a warn-mode rule's warning reaches the client and the pod is created" "$out"
else
  fail "a warn-mode rule's warning reaches the client and the pod is created" "$out"
fi

# Below the default fail-on (high), a finding warns and never denies: an image pinned by tag
# only is informational.
run "$(pod tagged e2e tagged)" create
if [ "$rc" -eq 0 ] && grep -q '^Warning: .*image-not-digest-pinned' <<<"$out"; then
  pass "a pod whose only finding is informational is created, with a warning" "$out"
else
  fail "a pod whose only finding is informational is created, with a warning" "$out"
fi

run "$(deployment bad-deploy e2e privileged)" create
if [ "$rc" -ne 0 ] && grep -q 'denied the request' <<<"$out" && grep -qi 'privileged' <<<"$out"; then
  pass "a Deployment whose pod template is privileged is denied" "$out"
else
  fail "a Deployment whose pod template is privileged is denied" "$out"
fi

run "$(deployment good-deploy e2e)" create
if [ "$rc" -eq 0 ]; then
  pass "a compliant Deployment is created"
else
  fail "a compliant Deployment is created" "$out"
fi

# The ReplicaSet controller's pods go through the webhook too.
for _ in $(seq 1 60); do
  set +e
  out=$(k -n e2e get pods -l app=good-deploy -o name 2>&1)
  set -e
  [ -n "$out" ] && [[ "$out" == pod/* ]] && break
  sleep 0.5
done
if [[ "$out" == pod/* ]]; then
  pass "the compliant Deployment's controller creates its pod" "$out"
else
  fail "the compliant Deployment's controller creates its pod" "$out"
fi

run "$(pod privileged e2e-exempt privileged)" create
if [ "$rc" -eq 0 ]; then
  pass "a namespace the configuration exempts is not checked"
else
  fail "a namespace the configuration exempts is not checked" "$out"
fi

run "$(pod privileged legacy-billing privileged)" create
if [ "$rc" -eq 0 ]; then
  pass "a namespace the configuration exempts by pattern (legacy-*) is not checked"
else
  fail "a namespace the configuration exempts by pattern (legacy-*) is not checked" "$out"
fi

set +e
metrics=$(curl -fsS --max-time 5 "http://127.0.0.1:$metrics_port/metrics" 2>&1)
metrics_rc=$?
set -e
if [ "$metrics_rc" -eq 0 ] && [ -n "$metrics" ]; then
  pass "metrics are served on the plain metrics port"
else
  fail "metrics are served on the plain metrics port" "$metrics"
fi

echo "== palisade stopped"
stop_serve

run "$(webhook_config Ignore)" apply
if [ "$rc" -eq 0 ] && wait_for_dry_run "failurePolicy Ignore" 0 'created' "$(pod probe e2e privileged)"; then
  run "$(pod ignored e2e privileged)" create
fi
if [ "$rc" -eq 0 ]; then
  pass "with failurePolicy Ignore, requests go through while Palisade is down"
else
  fail "with failurePolicy Ignore, requests go through while Palisade is down" "$out"
fi

run "$(webhook_config Fail)" apply
if [ "$rc" -eq 0 ] && wait_for_dry_run "failurePolicy Fail" 1 'failed calling webhook' "$(pod probe e2e)"; then
  run "$(pod blocked e2e)" create
fi
if [ "$rc" -ne 0 ] && grep -q 'failed calling webhook' <<<"$out"; then
  pass "with failurePolicy Fail, requests are rejected while Palisade is down" "$out"
else
  fail "with failurePolicy Fail, requests are rejected while Palisade is down" "$out"
fi

echo "== palisade install, applied to the API server"
# Applied as printed, PodDisruptionBudget (policy/v1) and matchConditions included; only a server
# older than 1.21 gets --kube-version (no matchConditions) and no PodDisruptionBudget (no
# policy/v1). The webhook it registers cannot be reached here (no kube-proxy), so with
# failurePolicy Fail only the namespaceSelector lets Palisade's own pods be created.
# Its configuration exempts a namespace by pattern, which a namespaceSelector cannot express:
# the API server must accept the webhook configuration all the same.
printf 'webhook:\n  exempt-namespaces: [kube-system, "legacy-*"]\n' > "$work/install-config.yaml"
install_args=(install --generate-certs --namespace palisade-install --create-namespace
  --config "$work/install-config.yaml" --check rbac,configmaps)
if [ "$server_minor" -ge 21 ]; then
  manifests=$("$bin" "${install_args[@]}")
else
  manifests=$("$bin" "${install_args[@]}" --kube-version "1.$server_minor" \
    | awk 'BEGIN { RS = "\n---\n" } !/\nkind: PodDisruptionBudget\n/ { printf "%s\n---\n", $0 }')
fi
run "$manifests" apply
if [ "$rc" -eq 0 ]; then
  for _ in $(seq 1 60); do
    set +e
    pods=$(k -n palisade-install get pods -l app.kubernetes.io/name=palisade -o name 2>&1 | grep -c '^pod/')
    set -e
    [ "$pods" -eq 2 ] && break
    sleep 0.5
  done
  [ "$pods" -eq 2 ] || { rc=1; out="$out"$'\n'"$pods of 2 pods created"; }
fi
if [ "$rc" -eq 0 ]; then
  pass "palisade install's manifests are accepted and its own pods pass its own webhook" "$(k -n palisade-install get deployment,pods -o name 2>&1)"
else
  fail "palisade install's manifests are accepted and its own pods pass its own webhook" "$out"
fi

# What a current server gets and 1.20 could not: the PodDisruptionBudget and matchConditions.
if [ "$server_minor" -ge 21 ]; then
  set +e
  out=$(k -n palisade-install get poddisruptionbudgets.v1.policy -o name 2>&1)
  conditions=$(k get validatingwebhookconfiguration palisade -o 'jsonpath={.webhooks[*].matchConditions[*].name}' 2>/dev/null)
  set -e
  if [[ "$out" == poddisruptionbudget.policy/* ]] && { [ "$server_minor" -lt 28 ] || [ -n "$conditions" ]; }; then
    pass "palisade install's PodDisruptionBudget (policy/v1) and webhook matchConditions are applied" "$out"$'\n'"matchConditions: $conditions"
  else
    fail "palisade install's PodDisruptionBudget (policy/v1) and webhook matchConditions are applied" "$out"$'\n'"matchConditions: $conditions"
  fi
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
