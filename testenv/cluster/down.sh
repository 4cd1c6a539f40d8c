#!/usr/bin/env bash
# down.sh [--purge] STATE_DIR - stop the control plane that up.sh started.
# Only the processes recorded in STATE_DIR/run are stopped, and each only after
# checking that its PID still runs the recorded executable with the recorded
# start time (a reused PID is never signalled). SIGTERM, then SIGKILL after 10
# seconds. --purge then deletes STATE_DIR (only one that up.sh created).
set -euo pipefail

usage() { echo "usage: $0 [--purge] STATE_DIR" >&2; exit 2; }
PURGE=0
STATE=""
for arg in "$@"; do
  case "$arg" in
    --purge) PURGE=1 ;;
    -*) usage ;;
    *) [ -z "$STATE" ] || usage; STATE=$arg ;;
  esac
done
[ -n "$STATE" ] || usage

log() { printf '[palisade-testenv] %s\n' "$*" >&2; }

if [ ! -d "$STATE" ]; then
  log "$STATE does not exist; nothing to stop"
  exit 0
fi
STATE=$(cd "$STATE" && pwd -P)
if [ ! -f "$STATE/.palisade-kube-state" ]; then
  log "$STATE was not created by up.sh (no .palisade-kube-state); not touching it"
  exit 1
fi
RUN=$STATE/run

# shellcheck source=proc.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)/proc.sh"
wait_gone() { # wait_gone PID START EXE TICKS(0.25s)
  local _
  for _ in $(seq 1 "$4"); do
    alive "$1" "$2" "$3" || return 0
    sleep 0.25
  done
  ! alive "$1" "$2" "$3"
}

FAILED=0
stop() { # stop NAME
  local rec=$RUN/$1.proc pid start exe
  [ -f "$rec" ] || { rm -f "$RUN/$1.pid"; return 0; }
  read -r pid start exe <"$rec" || true
  if [ -z "$pid" ] || [[ "$pid" == *[!0-9]* ]]; then
    log "$1: unreadable record $rec; removed"
  elif ! alive "$pid" "$start" "$exe"; then
    log "$1: pid $pid no longer runs (or is another program now); record removed"
  else
    kill -TERM "$pid" 2>/dev/null || true
    if ! wait_gone "$pid" "$start" "$exe" 40; then
      log "$1: still running 10s after SIGTERM; sending SIGKILL to $pid"
      kill -KILL "$pid" 2>/dev/null || true
      if ! wait_gone "$pid" "$start" "$exe" 20; then
        log "$1: pid $pid could not be stopped"
        FAILED=1
        return 0
      fi
    fi
    log "$1 stopped (pid $pid)"
  fi
  rm -f "$rec" "$RUN/$1.pid"
}

if [ -d "$RUN" ]; then
  stop kube-controller-manager
  stop kube-apiserver
  stop etcd
fi
[ "$FAILED" = 0 ] || { log "some processes could not be stopped; $STATE kept"; exit 1; }
if [ "$PURGE" = 1 ]; then
  rm -rf "$STATE"
  log "removed $STATE"
fi
