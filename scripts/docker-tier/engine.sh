#!/usr/bin/env bash
# A private Docker engine for the docker tier: Debian's dockerd with its own data root, exec root,
# pid file and socket under one temp dir, so it never touches a Docker already on the machine,
# and everything it made goes away with that dir.
#
# Source it, then:  engine_start  (exports DOCKER_HOST and ENGINE_DIR)   engine_stop
# or, for an engine of another kind (scripts/remote-tier/): dockerd_start / dockerd_stop.
#
# Networking: --iptables=false and --bridge=none. The engine writes no firewall rules on the host and
# has no default bridge: the stack's own bridge networks connect its containers to each other, ports
# published on 127.0.0.1 go through docker-proxy, and nothing is NATed to the outside.
# Image builds use --network host (apt inside a build reaches Debian's mirror like the host does).

engine_install() {
  # Debian's python3-pip fetches the Airflow image's wheels for the image's Python (wheels.sh).
  if ! command -v dockerd >/dev/null || ! command -v debootstrap >/dev/null || ! /usr/bin/python3 -m pip --version >/dev/null 2>&1; then
    echo "installing Debian's docker.io, debootstrap and python3-pip"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # policy-rc.d keeps the package from starting the system-wide dockerd.
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    apt-get install -y -qq --no-install-recommends docker.io debootstrap python3-pip >/dev/null
    rm -f /usr/sbin/policy-rc.d
  fi
  command -v docker >/dev/null || { echo "FAIL engine: no docker client after installing docker.io" >&2; return 1; }
}

# dockerd_start DIR [LAUNCHER... --] DOCKERD_ARGS...: a dockerd with its data root, exec root, pid file and log
# under DIR, run through LAUNCHER when given (e.g. nsenter --net=... for an engine in a network namespace),
# waited for until the docker client, as the caller's environment points it (DOCKER_HOST, DOCKER_TLS_VERIFY,
# DOCKER_CERT_PATH), gets an answer (60 s). Sets DOCKERD_PID.
dockerd_start() {
  local dir="$1" launcher=()
  shift
  if [[ " $* " == *" -- "* ]]; then
    while [ "$1" != "--" ]; do launcher+=("$1"); shift; done
    shift
  fi
  mkdir -p "${dir}"
  "${launcher[@]}" dockerd \
    --data-root "${dir}/data" \
    --exec-root "${dir}/exec" \
    --pidfile "${dir}/docker.pid" \
    --iptables=false --ip-masq=false --bridge=none \
    --log-level warn "$@" >"${dir}/dockerd.log" 2>&1 &
  DOCKERD_PID=$!
  for _ in $(seq 1 60); do
    docker version >/dev/null 2>&1 && return 0
    kill -0 "${DOCKERD_PID}" 2>/dev/null || break
    sleep 1
  done
  echo "FAIL engine: dockerd did not answer within 60s; its log:" >&2
  tail -n 30 "${dir}/dockerd.log" >&2
  return 1
}

# dockerd_stop PID DIR: kills the engine's containers (with the docker client as the caller's environment
# points it), stops the engine (30 s, then KILL), unmounts what it left under DIR and removes DIR.
dockerd_stop() {
  local pid="$1" dir="$2"
  if [ -n "${pid}" ] && kill -0 "${pid}" 2>/dev/null; then
    # Containers left running (a failed run) are killed first so dockerd can stop quickly.
    docker ps -q 2>/dev/null | xargs -r docker kill >/dev/null 2>&1 || true
    kill -TERM "${pid}"
    for _ in $(seq 1 30); do kill -0 "${pid}" 2>/dev/null || break; sleep 1; done
    kill -0 "${pid}" 2>/dev/null && kill -KILL "${pid}" 2>/dev/null
    wait "${pid}" 2>/dev/null || true
  fi
  # Overlay and netns mounts left by a killed engine would keep the dir from being removed.
  grep -o " ${dir}[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  rm -rf "${dir}"
}

engine_start() {
  engine_install
  ENGINE_DIR="$(mktemp -d /tmp/pw-engine.XXXXXX)"
  export ENGINE_DIR
  export DOCKER_HOST="unix://${ENGINE_DIR}/docker.sock"
  dockerd_start "${ENGINE_DIR}" --host "${DOCKER_HOST}" || return 1
  ENGINE_PID=${DOCKERD_PID}
  export ENGINE_PID
  echo "engine: dockerd $(docker version --format '{{.Server.Version}}') pid ${ENGINE_PID} at ${DOCKER_HOST}"
}

engine_stop() {
  [ -n "${ENGINE_DIR:-}" ] || return 0
  dockerd_stop "${ENGINE_PID:-}" "${ENGINE_DIR}"
  unset ENGINE_DIR ENGINE_PID DOCKER_HOST
}
