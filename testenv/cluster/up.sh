#!/usr/bin/env bash
# up.sh STATE_DIR - start a current Kubernetes control plane for Palisade's
# end-to-end tests: etcd, kube-apiserver and (unless NO_CONTROLLER_MANAGER=1)
# kube-controller-manager, built by ensure.sh, all on 127.0.0.1 only, on free
# ports. Same interface as the 1.20 scripts in shared/kube, so a test switches
# by changing the directory it takes the scripts from.
#
# On first use it creates, under STATE_DIR/pki: a CA, the apiserver serving
# certificate (IP SAN 127.0.0.1), an admin client certificate (group
# system:masters), a webhook serving certificate and key for 127.0.0.1 signed
# by the same CA (for a test's own admission webhook server), the
# ServiceAccount token signing key, and static bearer tokens:
#   admin   palisade-e2e-admin, group system:masters
#   alice   group dev
#   bob     group ops
#   ci      palisade-ci, group ci
# (one file each in STATE_DIR/pki/tokens/; none but admin is granted anything:
# a test binds the roles it needs). It writes STATE_DIR/kubeconfig (contexts
# palisade-e2e = admin certificate, palisade-e2e-token = admin token,
# palisade-e2e-alice/-bob/-ci = those users' tokens) and STATE_DIR/env
# ("export NAME='value'" lines):
#   KUBECONFIG API_URL CA_FILE WEBHOOK_CERT WEBHOOK_KEY ADMIN_TOKEN_FILE
#   ADMIN_CERT ADMIN_KEY KUBECTL ETCD_URL PALISADE_KUBE_BIN PALISADE_KUBE_STATE
#   TOKEN_DIR KUBE_VERSION
# Stop with down.sh STATE_DIR. Running up.sh again while the cluster runs is a
# no-op; after down.sh (without --purge) it restarts on the same data.
#
# Environment:
#   PALISADE_TESTENV_CACHE  cache root of ensure.sh
#   PALISADE_KUBE_BIN       directory with the binaries (default: what ensure.sh built)
#   PALISADE_KUBE_API_PORT, PALISADE_KUBE_ETCD_PORT, PALISADE_KUBE_ETCD_PEER_PORT,
#   PALISADE_KUBE_KCM_PORT  fixed ports (default: free ports picked at random)
#   PALISADE_KUBE_AUTHZ     --authorization-mode (default Node,RBAC)
#   PALISADE_KUBE_APISERVER_FLAGS  extra kube-apiserver flags, appended (word-split)
#   PALISADE_KUBE_TIMEOUT   seconds to wait for each component (default 120)
#   NO_CONTROLLER_MANAGER=1 do not start kube-controller-manager
set -euo pipefail

usage() { echo "usage: $0 STATE_DIR" >&2; exit 2; }
[ $# -eq 1 ] && [ -n "$1" ] || usage

log() { printf '[palisade-testenv] %s\n' "$*" >&2; }
die() { printf '[palisade-testenv] ERROR: %s\n' "$*" >&2; exit 1; }

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
TIMEOUT=${PALISADE_KUBE_TIMEOUT:-120}
AUTHZ=${PALISADE_KUBE_AUTHZ:-Node,RBAC}
WANT_KCM=1
[ "${NO_CONTROLLER_MANAGER:-}" = 1 ] && WANT_KCM=0

for tool in openssl base64 awk setsid timeout sha256sum; do
  command -v "$tool" >/dev/null 2>&1 || die "required tool '$tool' not found"
done
if [ -n "${PALISADE_KUBE_BIN:-}" ]; then
  BIN=$PALISADE_KUBE_BIN
else
  BIN=$("$HERE/ensure.sh" --check) || die "binaries not built (run $HERE/ensure.sh, or set PALISADE_KUBE_BIN)"
fi
for b in etcd kube-apiserver kube-controller-manager kubectl; do
  [ -x "$BIN/$b" ] || die "$BIN/$b not found: run $HERE/ensure.sh first (or fix PALISADE_KUBE_BIN)"
done
BIN=$(cd "$BIN" && pwd -P)
KUBECTL=$BIN/kubectl
KUBE_VERSION=$("$BIN/kube-apiserver" --version 2>/dev/null | awk '{ print $2; exit }')

STATE=$1
mkdir -p "$STATE" || die "cannot create $STATE"
STATE=$(cd "$STATE" && pwd -P)
case "$STATE" in *"'"* | *$'\n'*) die "STATE_DIR must not contain quotes or newlines: $STATE" ;; esac
MARKER=$STATE/.palisade-kube-state
if [ ! -f "$MARKER" ]; then
  [ -z "$(ls -A "$STATE")" ] || die "$STATE is not empty and was not created by up.sh; use an empty or new directory"
  echo "state directory of Palisade's e2e Kubernetes control plane (testenv/cluster up.sh/down.sh)" >"$MARKER"
fi
PKI=$STATE/pki
RUN=$STATE/run
LOGS=$STATE/logs
KUBECONFIG_FILE=$STATE/kubeconfig
ENV_FILE=$STATE/env
mkdir -p "$RUN" "$LOGS"

# ---------------------------------------------------------------------------
# Process records: RUN/NAME.proc holds "PID STARTTIME EXE"; down.sh checks all
# three before it signals anything, so a reused PID is never hit.
# ---------------------------------------------------------------------------
# shellcheck source=proc.sh
. "$HERE/proc.sh"
running() { # running NAME
  local pid start exe
  [ -f "$RUN/$1.proc" ] || return 1
  read -r pid start exe <"$RUN/$1.proc" || return 1
  [ -n "$pid" ] && alive "$pid" "$start" "$exe"
}
STARTED=0
launch() { # launch NAME BINARY ARGS... : own session, no inherited descriptors, log in LOGS/NAME.log
  local name=$1 bin=$2 pidf=$RUN/$1.pid pid exe _
  shift 2
  rm -f "$pidf" "$RUN/$name.proc"
  # shellcheck disable=SC2016 # expanded by the inner bash
  setsid bash -c 'for f in /proc/$$/fd/*; do n=${f##*/}; [ "$n" -gt 2 ] 2>/dev/null && eval "exec $n>&-" 2>/dev/null; done
echo $$ >"$0"; exec "$@"' "$pidf" "$bin" "$@" >"$LOGS/$name.log" 2>&1 </dev/null &
  for _ in $(seq 1 100); do [ -s "$pidf" ] && break; sleep 0.05; done
  [ -s "$pidf" ] || die "$name could not be launched"
  pid=$(cat "$pidf")
  STARTED=1
  exe=""
  for _ in $(seq 1 100); do
    exe=$(readlink "/proc/$pid/exe" 2>/dev/null || true)
    [ "$exe" = "$bin" ] && break
    [ -d "/proc/$pid" ] || break
    sleep 0.05
  done
  if [ "$exe" != "$bin" ]; then
    tail -n 20 "$LOGS/$name.log" >&2 || true
    die "$name exited at once (log: $LOGS/$name.log)"
  fi
  echo "$pid $(start_time "$pid") $bin" >"$RUN/$name.proc"
}

# ---------------------------------------------------------------------------
# Already running?
# ---------------------------------------------------------------------------
if running etcd && running kube-apiserver; then
  if [ "$WANT_KCM" = 1 ] && ! running kube-controller-manager; then
    die "etcd and kube-apiserver already run in $STATE but kube-controller-manager does not: run down.sh $STATE first"
  fi
  [ -f "$ENV_FILE" ] || die "cluster running but $ENV_FILE is missing; run down.sh $STATE and up.sh again"
  log "already running (state $STATE)"
  exit 0
fi
for n in etcd kube-apiserver kube-controller-manager; do
  running "$n" && die "$n from an earlier start still runs but the rest does not; run down.sh $STATE first"
done

# ---------------------------------------------------------------------------
# Ports.
# ---------------------------------------------------------------------------
port_busy() { # any IPv4/IPv6 socket on local port $1
  awk -v p="$(printf '%04X' "$1")" 'FNR > 1 { n = split($2, a, ":"); if (a[n] == p) { f = 1; exit } } END { exit !f }' \
    /proc/net/tcp /proc/net/tcp6 2>/dev/null
}
PORT_VARS=(PALISADE_KUBE_API_PORT PALISADE_KUBE_ETCD_PORT PALISADE_KUBE_ETCD_PEER_PORT PALISADE_KUBE_KCM_PORT)
FIXED=0
for v in "${PORT_VARS[@]}"; do
  case "${!v:-}" in
    '') ;;
    *[!0-9]*) die "$v must be a port number, not '${!v}'" ;;
    *) FIXED=1; port_busy "${!v}" && die "$v=${!v}: that port is already in use" ;;
  esac
done
choose_ports() { # choose_ports ATTEMPT : sets PORTS (api etcd peer kcm)
  local prev=() i v p taken=" "
  [ "$1" = 1 ] && [ -f "$RUN/ports" ] && read -r -a prev <"$RUN/ports"
  PORTS=()
  for i in 0 1 2 3; do
    v=${PORT_VARS[$i]}
    p=${!v:-}
    if [ -z "$p" ]; then
      p=${prev[$i]:-}
      if [ -z "$p" ] || port_busy "$p" || [[ "$taken" == *" $p "* ]]; then
        p=""
        for _ in $(seq 1 500); do
          p=$((20000 + RANDOM % 12000))
          [[ "$taken" == *" $p "* ]] || port_busy "$p" || break
          p=""
        done
        [ -n "$p" ] || die "could not find a free port in 20000-31999"
      fi
    fi
    [[ "$taken" == *" $p "* ]] && die "ports must be distinct: ${PORTS[*]} $p"
    taken="$taken$p "
    PORTS+=("$p")
  done
  API_PORT=${PORTS[0]} ETCD_PORT=${PORTS[1]} ETCD_PEER_PORT=${PORTS[2]} KCM_PORT=${PORTS[3]}
}

# ---------------------------------------------------------------------------
# PKI, once per state directory.
# ---------------------------------------------------------------------------
USERS=(admin alice bob ci)
if [ ! -f "$PKI/tokens.csv" ]; then
  log "generating certificates, keys and tokens in $PKI"
  rm -rf "$PKI.tmp"
  mkdir -p "$PKI.tmp/tokens"
  (
    set -e
    cd "$PKI.tmp"
    umask 077
    q() { "$@" >/dev/null 2>&1; }
    q openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 3650 -sha256 \
      -subj "/CN=palisade-e2e-ca" -addext "basicConstraints=critical,CA:TRUE" \
      -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature"
    issue() { # issue NAME SUBJECT EXTENSIONS
      q openssl req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "$2"
      printf '%s\n' "$3" >"$1.ext"
      q openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial \
        -out "$1.crt" -days 3650 -sha256 -extfile "$1.ext"
      rm -f "$1.csr" "$1.ext"
    }
    leaf="basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment"
    issue apiserver "/CN=kube-apiserver" "$leaf
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:10.0.0.1"
    issue admin "/O=system:masters/CN=palisade-e2e-admin" "$leaf
extendedKeyUsage=clientAuth"
    issue webhook "/CN=palisade-e2e-webhook" "$leaf
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,DNS:localhost"
    q openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out sa.key
    q openssl pkey -in sa.key -pubout -out sa.pub
    token() { od -An -tx1 -N24 /dev/urandom | tr -d ' \n'; }
    # token,user,uid,"groups"
    for u in admin alice bob ci; do token >"tokens/$u"; done
    {
      printf '%s,palisade-e2e-admin,palisade-e2e-admin,"system:masters"\n' "$(cat tokens/admin)"
      printf '%s,alice,alice,"dev"\n' "$(cat tokens/alice)"
      printf '%s,bob,bob,"ops"\n' "$(cat tokens/bob)"
      printf '%s,palisade-ci,palisade-ci,"ci"\n' "$(cat tokens/ci)"
    } >tokens.csv
    cp tokens/admin admin.token
    chmod 644 ca.crt apiserver.crt admin.crt webhook.crt sa.pub
  ) || die "certificate generation with openssl failed"
  for f in ca.crt ca.key apiserver.crt apiserver.key admin.crt admin.key webhook.crt webhook.key \
    sa.key sa.pub admin.token tokens.csv tokens/alice tokens/bob tokens/ci; do
    [ -s "$PKI.tmp/$f" ] || die "certificate generation failed: $f missing"
  done
  rm -rf "$PKI"
  mv "$PKI.tmp" "$PKI"
fi
TOKEN=$(cat "$PKI/admin.token")

write_kubeconfig() {
  local u
  (
    umask 077
    {
      cat <<EOF
apiVersion: v1
kind: Config
clusters:
- name: palisade-e2e
  cluster:
    server: https://127.0.0.1:$API_PORT
    certificate-authority-data: $(base64 -w0 <"$PKI/ca.crt")
users:
- name: palisade-e2e-admin
  user:
    client-certificate-data: $(base64 -w0 <"$PKI/admin.crt")
    client-key-data: $(base64 -w0 <"$PKI/admin.key")
- name: palisade-e2e-token
  user:
    token: $TOKEN
EOF
      for u in alice bob ci; do
        printf -- '- name: palisade-e2e-%s\n  user:\n    token: %s\n' "$u" "$(cat "$PKI/tokens/$u")"
      done
      echo "contexts:"
      for u in admin token alice bob ci; do
        if [ "$u" = admin ]; then printf -- '- name: palisade-e2e\n'; else printf -- '- name: palisade-e2e-%s\n' "$u"; fi
        printf '  context:\n    cluster: palisade-e2e\n    user: palisade-e2e-%s\n' "$u"
      done
      echo "current-context: palisade-e2e"
    } >"$KUBECONFIG_FILE.tmp"
  )
  mv "$KUBECONFIG_FILE.tmp" "$KUBECONFIG_FILE"
}
write_env() {
  cat >"$ENV_FILE.tmp" <<EOF
export KUBECONFIG='$KUBECONFIG_FILE'
export API_URL='https://127.0.0.1:$API_PORT'
export CA_FILE='$PKI/ca.crt'
export WEBHOOK_CERT='$PKI/webhook.crt'
export WEBHOOK_KEY='$PKI/webhook.key'
export ADMIN_TOKEN_FILE='$PKI/admin.token'
export ADMIN_CERT='$PKI/admin.crt'
export ADMIN_KEY='$PKI/admin.key'
export KUBECTL='$KUBECTL'
export ETCD_URL='http://127.0.0.1:$ETCD_PORT'
export PALISADE_KUBE_BIN='$BIN'
export PALISADE_KUBE_STATE='$STATE'
export TOKEN_DIR='$PKI/tokens'
export KUBE_VERSION='$KUBE_VERSION'
EOF
  mv "$ENV_FILE.tmp" "$ENV_FILE"
}

# ---------------------------------------------------------------------------
# Start-up.
# ---------------------------------------------------------------------------
etcd_healthy() {
  # shellcheck disable=SC2016 # expanded by the inner bash
  timeout 3 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0" || exit 1
printf "GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n" >&3
grep -q "\"health\":\"true\"" <&3' "$ETCD_PORT" 2>/dev/null
}
apiserver_ready() {
  [ "$(timeout 10 "$KUBECTL" --kubeconfig="$KUBECONFIG_FILE" --request-timeout=5s get --raw /readyz </dev/null 2>/dev/null)" = ok ]
}
kcm_healthy() { # self-signed serving certificate; the token keeps kubectl from prompting
  [ "$(timeout 10 "$KUBECTL" --kubeconfig=/dev/null --server="https://127.0.0.1:$KCM_PORT" \
    --insecure-skip-tls-verify=true --token="$TOKEN" --request-timeout=5s get --raw /healthz </dev/null 2>/dev/null)" = ok ]
}
BIND_CONFLICT=0
wait_for() { # wait_for NAME CHECK
  local deadline=$((SECONDS + TIMEOUT))
  until "$2"; do
    if ! running "$1"; then
      if grep -qi 'address already in use' "$LOGS/$1.log" 2>/dev/null; then
        BIND_CONFLICT=1
        log "$1 could not bind its port: it was taken by another process meanwhile"
      else
        log "$1 exited during start-up; last lines of $LOGS/$1.log:"
        tail -n 30 "$LOGS/$1.log" >&2 || true
      fi
      return 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "$1 not ready after ${TIMEOUT}s; last lines of $LOGS/$1.log:"
      tail -n 30 "$LOGS/$1.log" >&2 || true
      return 1
    fi
    sleep 0.5
  done
}

start_all() {
  log "starting etcd on 127.0.0.1:$ETCD_PORT (peer $ETCD_PEER_PORT)"
  launch etcd "$BIN/etcd" \
    --name=palisade-e2e \
    --data-dir="$STATE/etcd-data" \
    --listen-client-urls="http://127.0.0.1:$ETCD_PORT" \
    --advertise-client-urls="http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-advertise-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster="palisade-e2e=http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster-state=new \
    --log-level=warn --logger=zap --log-outputs=stderr
  wait_for etcd etcd_healthy || return 1

  log "starting kube-apiserver $KUBE_VERSION on https://127.0.0.1:$API_PORT (authorization $AUTHZ)"
  local extra=()
  # shellcheck disable=SC2206 # word splitting wanted
  [ -n "${PALISADE_KUBE_APISERVER_FLAGS:-}" ] && extra=($PALISADE_KUBE_APISERVER_FLAGS)
  # The ServiceAccount admission plugin stays off (as in the 1.20 scripts): test
  # pods name service accounts that need not exist and get no token volume.
  launch kube-apiserver "$BIN/kube-apiserver" \
    --bind-address=127.0.0.1 \
    --advertise-address=127.0.0.1 \
    --secure-port="$API_PORT" \
    --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
    --tls-cert-file="$PKI/apiserver.crt" \
    --tls-private-key-file="$PKI/apiserver.key" \
    --client-ca-file="$PKI/ca.crt" \
    --token-auth-file="$PKI/tokens.csv" \
    --authorization-mode="$AUTHZ" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$PKI/sa.pub" \
    --service-account-signing-key-file="$PKI/sa.key" \
    --service-cluster-ip-range=10.0.0.0/24 \
    --enable-admission-plugins=NamespaceLifecycle,LimitRanger,NodeRestriction,PodSecurity,Priority,DefaultTolerationSeconds,DefaultStorageClass,ResourceQuota,MutatingAdmissionWebhook,ValidatingAdmissionPolicy,ValidatingAdmissionWebhook \
    --disable-admission-plugins=ServiceAccount \
    --allow-privileged=true \
    --endpoint-reconciler-type=none \
    --profiling=false \
    --v=1 \
    "${extra[@]}"
  wait_for kube-apiserver apiserver_ready || return 1

  if [ "$WANT_KCM" = 1 ]; then
    log "starting kube-controller-manager (127.0.0.1:$KCM_PORT)"
    launch kube-controller-manager "$BIN/kube-controller-manager" \
      --kubeconfig="$KUBECONFIG_FILE" \
      --authentication-kubeconfig="$KUBECONFIG_FILE" \
      --authorization-kubeconfig="$KUBECONFIG_FILE" \
      --bind-address=127.0.0.1 \
      --secure-port="$KCM_PORT" \
      --leader-elect=false \
      --service-account-private-key-file="$PKI/sa.key" \
      --root-ca-file="$PKI/ca.crt" \
      --cluster-signing-cert-file="$PKI/ca.crt" \
      --cluster-signing-key-file="$PKI/ca.key" \
      --service-cluster-ip-range=10.0.0.0/24 \
      --profiling=false \
      --v=1
    wait_for kube-controller-manager kcm_healthy || return 1
  fi
}

on_exit() { # on failure, stop what this run started (down.sh checks each PID)
  local rc=$?
  if [ "$rc" -ne 0 ] && [ "$STARTED" = 1 ]; then
    "$HERE/down.sh" "$STATE" >&2 || true
  fi
}
trap on_exit EXIT

attempts=3
[ "$FIXED" = 1 ] && attempts=1
for attempt in $(seq 1 "$attempts"); do
  choose_ports "$attempt"
  echo "${PORTS[*]}" >"$RUN/ports"
  write_kubeconfig
  BIND_CONFLICT=0
  if start_all; then
    write_env
    log "ready: API_URL=https://127.0.0.1:$API_PORT ($KUBE_VERSION); source $ENV_FILE"
    exit 0
  fi
  "$HERE/down.sh" "$STATE" >&2 || true
  STARTED=0
  if [ "$BIND_CONFLICT" = 1 ] && [ "$attempt" -lt "$attempts" ]; then
    log "retrying with other ports"
    continue
  fi
  if [ "$BIND_CONFLICT" = 1 ]; then
    die "start-up failed: a port was taken (ports ${PORTS[*]}); everything started was stopped again"
  fi
  die "start-up failed (logs in $LOGS); everything started was stopped again"
done
