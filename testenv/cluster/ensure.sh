#!/usr/bin/env bash
# ensure.sh - make sure the current Kubernetes control plane used by
# Palisade's end-to-end tests is built: kube-apiserver, kube-controller-manager
# and kubectl from the k8s.io/kubernetes release pinned in go.mod beside this
# script, and etcd from the go.etcd.io/etcd/server/v3 release pinned there.
#
# Everything comes from the Go module proxy through the ordinary `go` client
# (go.sum pins every module). The binaries go to
#   ${PALISADE_TESTENV_CACHE:-$HOME/.cache/palisade-testenv}/<version>/bin
# where <version> is the Kubernetes release plus a short hash of go.mod,
# go.sum, the etcd entry point and the build recipe, so any change to those
# builds afresh into a new directory. When that directory is complete this
# prints it on stdout and exits at once; otherwise it builds once (see
# README.md for the time this takes). Progress goes to stderr.
#
# Environment:
#   PALISADE_TESTENV_CACHE  cache root (default $HOME/.cache/palisade-testenv)
#   PALISADE_TESTENV_JOBS   go build -p (default: Go's own, the number of CPUs)
#   GOCACHE, GOMODCACHE, GOPROXY, GOFLAGS  as for any go command
#
# `ensure.sh --check` never builds: it prints the directory if the binaries are
# there and otherwise says so and exits 1 (up.sh uses it).
set -euo pipefail
CHECK_ONLY=0
case "${1:-}" in
  '') ;;
  --check) CHECK_ONLY=1 ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
BINARIES=(kube-apiserver kube-controller-manager kubectl etcd)
PACKAGES=(
  k8s.io/kubernetes/cmd/kube-apiserver
  k8s.io/kubernetes/cmd/kube-controller-manager
  k8s.io/kubernetes/cmd/kubectl
  ./etcd
)
# Upstream's release build: static, trimmed, the tags hack/lib/golang.sh uses.
# Changing this line changes the cache directory.
RECIPE="CGO_ENABLED=0 -trimpath -tags=selinux,notest,grpcnotrace -ldflags=-s -w"

log() { printf '[palisade-testenv] %s\n' "$*" >&2; }
die() { printf '[palisade-testenv] ERROR: %s\n' "$*" >&2; exit 1; }

modver() { # modver MODULE -> its version in go.mod
  awk -v m="$1" '($1 == m || $1 == "require" && $2 == m) { v = ($1 == m) ? $2 : $3 } END { print v }' "$HERE/go.mod"
}
K8S_VERSION=$(modver k8s.io/kubernetes)
ETCD_VERSION=$(modver go.etcd.io/etcd/server/v3)
[ -n "$K8S_VERSION" ] || die "k8s.io/kubernetes not found in $HERE/go.mod"
[ -n "$ETCD_VERSION" ] || die "go.etcd.io/etcd/server/v3 not found in $HERE/go.mod"
hash=$(cat "$HERE/go.mod" "$HERE/go.sum" "$HERE/etcd/main.go" <(printf '%s\n' "$RECIPE") | sha256sum | cut -c1-12)
ROOT=${PALISADE_TESTENV_CACHE:-${HOME:?HOME is not set}/.cache/palisade-testenv}
DIR=$ROOT/$K8S_VERSION-$hash
BIN=$DIR/bin
STAMP=$BIN/VERSION

have_all() {
  [ -f "$STAMP" ] || return 1
  local b
  for b in "${BINARIES[@]}"; do [ -x "$BIN/$b" ] || return 1; done
}

if have_all; then
  echo "$BIN"
  exit 0
fi
if [ "$CHECK_ONLY" = 1 ]; then
  die "Kubernetes $K8S_VERSION is not built in $BIN: run $HERE/ensure.sh first"
fi

command -v go >/dev/null 2>&1 || die "'go' not found on PATH (go.mod needs Go $(awk '$1 == "go" { print $2 }' "$HERE/go.mod") or newer)"
command -v flock >/dev/null 2>&1 || die "'flock' not found"
mkdir -p "$DIR" || die "cannot create $DIR (set PALISADE_TESTENV_CACHE to a writable place)"

# One build per version at a time; a second caller waits for the first.
exec 9>"$DIR/.lock" || die "cannot write $DIR/.lock"
if ! flock -n 9; then
  log "another build is running in $DIR; waiting for it (up to 60 minutes)"
  flock -w 3600 9 || die "timed out waiting for $DIR/.lock"
fi
if have_all; then
  echo "$BIN"
  exit 0
fi

START=$SECONDS
LOG=$DIR/build.log
OUT=$DIR/bin.new
rm -rf "$OUT"
mkdir -p "$OUT"
: >"$LOG"
on_exit() {
  local rc=$?
  if [ "$rc" -ne 0 ]; then
    rm -rf "$OUT"
    if [ -s "$LOG" ]; then
      log "last lines of the build log ($LOG):"
      tail -n 30 "$LOG" >&2 || true
    fi
    log "FAILED (exit $rc); nothing was installed in $BIN"
  fi
}
trap on_exit EXIT

major=${K8S_VERSION#v}
major=${major%%.*}
minor=${K8S_VERSION#v*.}
minor=${minor%%.*}
build_date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
ldflags="-s -w"
for pkg in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
  ldflags="$ldflags -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor"
  ldflags="$ldflags -X $pkg.gitTreeState=clean -X $pkg.buildDate=$build_date"
done
jobs=()
[ -n "${PALISADE_TESTENV_JOBS:-}" ] && jobs=(-p "$PALISADE_TESTENV_JOBS")

log "building Kubernetes $K8S_VERSION (kube-apiserver, kube-controller-manager, kubectl) and etcd $ETCD_VERSION"
log "into $BIN; the first build takes a while (see $HERE/README.md); log: $LOG"
cd "$HERE"
# -mod=readonly: go.mod and go.sum are used as committed, never rewritten.
if ! env GOWORK=off GOFLAGS="${GOFLAGS:-} -mod=readonly" CGO_ENABLED=0 \
  go build "${jobs[@]}" -trimpath -tags=selinux,notest,grpcnotrace -ldflags "$ldflags" \
  -o "$OUT/" "${PACKAGES[@]}" >>"$LOG" 2>&1; then
  die "go build failed after $((SECONDS - START))s"
fi
for b in "${BINARIES[@]}"; do
  [ -x "$OUT/$b" ] || die "the build produced no $b"
done

first_line() { # first_line CMD... : first line of CMD's output
  local out
  out=$("$@" 2>&1) || true
  printf '%s\n' "${out%%$'\n'*}"
}
api_version=$(first_line "$OUT/kube-apiserver" --version)
kcm_version=$(first_line "$OUT/kube-controller-manager" --version)
kubectl_version=$(first_line "$OUT/kubectl" version --client)
etcd_version=$(first_line "$OUT/etcd" --version)
case "$api_version" in *"$K8S_VERSION"*) ;; *) die "built kube-apiserver reports '$api_version', not $K8S_VERSION" ;; esac
case "$etcd_version" in *"etcd Version: ${ETCD_VERSION#v}"*) ;; *) die "built etcd reports '$etcd_version', not ${ETCD_VERSION#v}" ;; esac
{
  echo "kubernetes $K8S_VERSION (module k8s.io/kubernetes, staging modules at the matching v0 release)"
  echo "kube-apiserver: $api_version"
  echo "kube-controller-manager: $kcm_version"
  echo "kubectl: $kubectl_version"
  echo "etcd: $etcd_version (module go.etcd.io/etcd/server/v3 $ETCD_VERSION)"
  echo "built with: $(go version), $RECIPE"
  echo "built at: $build_date in $((SECONDS - START))s"
} >"$OUT/VERSION"
rm -rf "$BIN"
mv "$OUT" "$BIN"
log "done in $((SECONDS - START))s: $(du -sh "$BIN" | cut -f1) in $BIN"
echo "$BIN"
