#!/usr/bin/env bash
# Installs the servers the live tier (tests/live) runs on loopback and prints where each one is.
#   Debian:  prometheus (server + promtool), postgresql, redis-server,
#            prometheus-postgres-exporter, prometheus-redis-exporter
#   Go:      alertmanager v0.27.0 (the stack's image version; Debian's 0.25 rejects the *_file
#            receiver fields the stack renders) and statsd_exporter v0.28.0, built once into
#            ~/.cache/pipewatch by the repo's own build scripts; Loki v3.3.2 (the stack's image
#            version), built once through a wrapper module (below), about 4 minutes cold.
# Idempotent: a second run with everything present installs nothing and only prints the paths.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v prometheus >/dev/null || need+=(prometheus)
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
command -v redis-server >/dev/null || need+=(redis-server)
command -v prometheus-postgres-exporter >/dev/null || need+=(prometheus-postgres-exporter)
command -v prometheus-redis-exporter >/dev/null || need+=(prometheus-redis-exporter)

if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # The packages must not start their services here: the tier starts its own copies on free ports.
  policy=/usr/sbin/policy-rc.d
  if [ ! -e "${policy}" ]; then
    printf '#!/bin/sh\nexit 101\n' > "${policy}" && chmod +x "${policy}"
    trap 'rm -f "${policy}"' EXIT
  fi
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

alertmanager="$(bash scripts/docker-tier/install-alertmanager.sh)"
statsd_exporter="$(bash scripts/install-statsd-exporter.sh)"
postgres_bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"

# `go install github.com/grafana/loki/v3/cmd/loki@...` refuses Loki's module: its go.mod has replace
# directives (forks of memberlist, gocql, regexp...) and a local path for its own pkg/push module. A
# wrapper module carrying the same replace lines builds the same binary through the module proxy;
# pkg/push comes from the proxy at the version Loki requires instead of the local path.
loki_version="v3.3.2"
loki="${HOME}/.cache/pipewatch/loki-${loki_version}/bin/loki"
if [ ! -x "${loki}" ]; then
  command -v go >/dev/null || { echo "go is required to build loki ${loki_version}" >&2; exit 1; }
  echo "building loki ${loki_version} into $(dirname "${loki}")" >&2
  work="$(mktemp -d)"
  upstream_mod="$(go mod download -json "github.com/grafana/loki/v3@${loki_version}" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')"
  if grep -q '^replace (' "${upstream_mod}"; then echo "loki's go.mod uses a replace block; extend this script" >&2; exit 1; fi
  {
    echo 'module pipewatch.local/loki-build'
    grep '^go ' "${upstream_mod}"
    grep -E '^(replace|exclude) ' "${upstream_mod}" | grep -v '=> \./'
  } > "${work}/go.mod"
  mkdir -p "$(dirname "${loki}")"
  (
    cd "${work}"
    GOFLAGS=-mod=mod go get "github.com/grafana/loki/v3/cmd/loki@${loki_version}" >&2
    CGO_ENABLED=0 timeout 1800 go build -p 2 -trimpath -o "${loki}" github.com/grafana/loki/v3/cmd/loki >&2
  )
  rm -rf "${work}"
fi

# One `name=path` line per tool; tests/live/harness/tools.ts reads the same locations.
echo "prometheus=$(command -v prometheus)"
echo "alertmanager=${alertmanager}"
echo "statsd_exporter=${statsd_exporter}"
echo "postgres_bin=${postgres_bin}"
echo "loki=${loki}"
echo "redis_server=$(command -v redis-server)"
echo "postgres_exporter=$(command -v prometheus-postgres-exporter)"
echo "redis_exporter=$(command -v prometheus-redis-exporter)"
