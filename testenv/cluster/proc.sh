# Shared by up.sh and down.sh: process records. RUN/NAME.proc holds "PID STARTTIME EXE";
# down.sh checks all three before it signals anything, so a reused PID is never hit.

start_time() { # start_time PID -> field 22 of /proc/PID/stat (clock ticks since boot)
  local s
  s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  s=${s##*) }
  # shellcheck disable=SC2086
  set -- $s
  echo "${20}"
}
alive() { # alive PID START EXE
  local exe state
  exe=$(readlink "/proc/$1/exe" 2>/dev/null) || return 1
  [ "$exe" = "$3" ] || [ "$exe" = "$3 (deleted)" ] || return 1
  [ "$(start_time "$1")" = "$2" ] || return 1
  state=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 1
  [ "$state" != Z ]
}
