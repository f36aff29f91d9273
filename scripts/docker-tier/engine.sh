#!/usr/bin/env bash
# A private Docker engine for the docker tier: Debian's dockerd with its own data root, exec root,
# pid file and socket under one temp dir, so it never touches a Docker already on the machine,
# and everything it made goes away with that dir.
#
# Source it, then:  engine_start  (exports DOCKER_HOST and ENGINE_DIR)   engine_stop
#
# Networking: --iptables=false and --bridge=none. The engine writes no firewall rules on the host and
# has no default bridge: the stack's own bridge networks connect its containers to each other, ports
# published on 127.0.0.1 go through docker-proxy, and nothing is NATed to the outside.
# Image builds use --network host (apt inside a build reaches Debian's mirror like the host does).

engine_install() {
  # Debian's python3-pip fetches the Airflow image's wheels for the image's Python (airflow-wheels.sh).
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

engine_start() {
  engine_install
  ENGINE_DIR="$(mktemp -d /tmp/pw-engine.XXXXXX)"
  export ENGINE_DIR
  export DOCKER_HOST="unix://${ENGINE_DIR}/docker.sock"
  dockerd \
    --data-root "${ENGINE_DIR}/data" \
    --exec-root "${ENGINE_DIR}/exec" \
    --pidfile "${ENGINE_DIR}/docker.pid" \
    --host "${DOCKER_HOST}" \
    --iptables=false --ip-masq=false --bridge=none \
    --log-level warn >"${ENGINE_DIR}/dockerd.log" 2>&1 &
  ENGINE_PID=$!
  export ENGINE_PID
  for _ in $(seq 1 60); do
    if docker version >/dev/null 2>&1; then
      echo "engine: dockerd $(docker version --format '{{.Server.Version}}') pid ${ENGINE_PID} at ${DOCKER_HOST}"
      return 0
    fi
    kill -0 "${ENGINE_PID}" 2>/dev/null || break
    sleep 1
  done
  echo "FAIL engine: dockerd did not answer within 60s; its log:" >&2
  tail -n 30 "${ENGINE_DIR}/dockerd.log" >&2
  return 1
}

engine_stop() {
  [ -n "${ENGINE_DIR:-}" ] || return 0
  if [ -n "${ENGINE_PID:-}" ] && kill -0 "${ENGINE_PID}" 2>/dev/null; then
    # Containers left running (a failed run) are killed first so dockerd can stop quickly.
    docker ps -q 2>/dev/null | xargs -r docker kill >/dev/null 2>&1 || true
    kill -TERM "${ENGINE_PID}"
    for _ in $(seq 1 30); do kill -0 "${ENGINE_PID}" 2>/dev/null || break; sleep 1; done
    kill -0 "${ENGINE_PID}" 2>/dev/null && kill -KILL "${ENGINE_PID}" 2>/dev/null
    wait "${ENGINE_PID}" 2>/dev/null || true
  fi
  # Overlay and netns mounts left by a killed engine would keep the dir from being removed.
  grep -o " ${ENGINE_DIR}[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  rm -rf "${ENGINE_DIR}"
  unset ENGINE_DIR ENGINE_PID DOCKER_HOST
}
