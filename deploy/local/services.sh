#!/usr/bin/env bash
# Start, stop and inspect the c360 service processes listed in services.conf.
# Usage: services.sh up|down|status
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
state="${C360_STATE_DIR:-$repo/.c360}"
pids="$state/pids"
logs="$state/logs"
uv_bin="$(command -v uv || echo "$HOME/.local/bin/uv")"
mkdir -p "$pids" "$logs"
cd "$repo"

say() { printf '[c360-services] %s\n' "$*"; }

entries() { grep -vE '^\s*(#|$)' "$here/services.conf"; }

alive() { [ -f "$pids/svc-$1.pid" ] && kill -0 "$(cat "$pids/svc-$1.pid")" 2>/dev/null; }

ready() {
  local url=$2
  if [ "$url" = "-" ]; then alive "$1"; else curl -fsS -m 2 "$url" >/dev/null 2>&1; fi
}

start_one() {
  local name=$1 module=$2 url=$3
  if alive "$name"; then say "$name already running (pid $(cat "$pids/svc-$name.pid"))"; return; fi
  rm -f "$pids/svc-$name.pid"
  # A session of its own (stop signals the whole group). The inner shell records its own pid,
  # closes every descriptor it inherited beyond stdio and execs, so no caller's pipe or lock is
  # held open by a long-running service.
  # shellcheck disable=SC2016 # expanded by the inner shell
  PYTHONUNBUFFERED=1 setsid bash -c 'echo "$$" >"$0"
    for fd in /proc/$$/fd/*; do fd=${fd##*/}; [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done
    exec "$@"' "$pids/svc-$name.pid" "$uv_bin" run --frozen --no-sync python -m "$module" \
    </dev/null >>"$logs/$name.log" 2>&1 &
  until [ -s "$pids/svc-$name.pid" ]; do sleep 0.05; done
  say "started $name (pid $(cat "$pids/svc-$name.pid")), log $logs/$name.log"
}

wait_ready() {
  local name=$1 url=$3 deadline=$((SECONDS + ${C360_START_TIMEOUT:-90}))
  until ready "$name" "$url"; do
    if ! alive "$name"; then
      say "$name exited during start; last log lines:"; tail -n 30 "$logs/$name.log" >&2; return 1
    fi
    if [ $SECONDS -ge $deadline ]; then
      say "$name not ready after ${C360_START_TIMEOUT:-90}s; last log lines:"
      tail -n 30 "$logs/$name.log" >&2; return 1
    fi
    sleep 0.5
  done
  say "$name ready${url:+ ($url)}"
}

stop_one() {
  local name=$1 pid
  [ -f "$pids/svc-$name.pid" ] || return 0
  pid=$(cat "$pids/svc-$name.pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -KILL -- "-$pid" 2>/dev/null || true
    say "stopped $name (pid $pid)"
  fi
  rm -f "$pids/svc-$name.pid"
}

case "${1:-status}" in
  up)
    while read -r name module url; do start_one "$name" "$module" "$url"; done < <(entries)
    while read -r name module url; do wait_ready "$name" "$module" "$url"; done < <(entries)
    ;;
  down)
    tac "$here/services.conf" | grep -vE '^\s*(#|$)' | while read -r name _ _; do stop_one "$name"; done
    ;;
  status)
    ok=0
    while read -r name module url; do
      if ready "$name" "$url"; then state_word=ready; elif alive "$name"; then state_word=starting; else state_word=stopped; ok=1; fi
      printf '  %-13s %-9s %-34s %s\n' "$name" "$state_word" "$module" "${url/-/}"
    done < <(entries)
    exit $ok
    ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
