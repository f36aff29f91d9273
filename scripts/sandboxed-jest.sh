#!/usr/bin/env bash
# Runs a jest tier that starts real servers, so that nothing it starts outlives it:
#   bash scripts/sandboxed-jest.sh <name> <jest config> <time limit> [jest arguments...]
# Everything the run starts lives in one process group and one temp directory (TMPDIR); both are
# cleaned up on exit, also when jest crashes, the time limit (a `timeout` duration) hits or the run
# is interrupted. PIPEWATCH_LIVE_KEEP=1 keeps the directory for a look at the servers' logs.
set -euo pipefail
cd "$(dirname "$0")/.."

name="$1" config="$2" time_limit="$3"
shift 3

root="$(mktemp -d "/tmp/pipewatch-${name}.XXXXXX")"
# PostgreSQL runs as the `postgres` user and must traverse the directory to reach its data.
chmod 711 "${root}"
started=$(date +%s)
jest_pid=""

stop_postgres_servers() {
  # pg_ctl starts PostgreSQL in a session of its own, out of the process group: stop each server
  # left under the run's directory by the pid it recorded (fast shutdown, then kill).
  local pids=()
  while IFS= read -r pidfile; do
    pids+=("$(head -n 1 "${pidfile}")")
  done < <(find "${root}" -name postmaster.pid 2>/dev/null)
  [ ${#pids[@]} -gt 0 ] || return 0
  kill -INT "${pids[@]}" 2>/dev/null || true
  for _ in $(seq 1 20); do
    kill -0 "${pids[@]}" 2>/dev/null || return 0
    sleep 0.5
  done
  kill -KILL "${pids[@]}" 2>/dev/null || true
}

cleanup() {
  local status=$?
  if [ -n "${jest_pid}" ] && kill -0 -- "-${jest_pid}" 2>/dev/null; then
    echo "stopping processes left by ${name}" >&2
    kill -TERM -- "-${jest_pid}" 2>/dev/null || true
    for _ in $(seq 1 20); do
      kill -0 -- "-${jest_pid}" 2>/dev/null || break
      sleep 0.5
    done
    kill -KILL -- "-${jest_pid}" 2>/dev/null || true
  fi
  stop_postgres_servers
  if [ "${PIPEWATCH_LIVE_KEEP:-}" = 1 ]; then
    echo "kept ${root} (configs, logs and data of every server)" >&2
  else
    rm -rf "${root}"
  fi
  echo "${name} finished in $(($(date +%s) - started))s (exit ${status})" >&2
  exit "${status}"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Job control gives the run a process group of its own (its pid), which every server it starts joins;
# `timeout --foreground` stays in that group and ends jest when the limit hits (exit 124).
set -m
TMPDIR="${root}" timeout --foreground --kill-after=30s "${time_limit}" \
  node_modules/.bin/jest -c "${config}" "$@" &
jest_pid=$!
set +m
wait "${jest_pid}"
