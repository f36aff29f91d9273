#!/usr/bin/env bash
# Installs the servers the live tier (tests/live) runs on loopback and prints where each one is.
#   Debian:  prometheus (server + promtool), postgresql, redis-server,
#            prometheus-postgres-exporter, prometheus-redis-exporter,
#            prometheus-pushgateway (the dbt tier's)
#   Go:      alertmanager v0.27.0 (the stack's image version; Debian's 0.25 rejects the *_file
#            receiver fields the stack renders) and statsd_exporter v0.28.0, built once into
#            ~/.cache/pipewatch by the repo's own build scripts; the OpenTelemetry Collector, built with
#            the Collector Builder (scripts/install-otel-collector.sh).
# No Loki: it is AGPL-licensed, and pipewatch deploys its official image but never builds its code
# (tests/unit/licence.test.ts); the live checks that needed a running Loki print NOT CHECKED.
# Idempotent: a second run with everything present installs nothing and only prints the paths.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v prometheus >/dev/null || need+=(prometheus)
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
command -v redis-server >/dev/null || need+=(redis-server)
command -v prometheus-postgres-exporter >/dev/null || need+=(prometheus-postgres-exporter)
command -v prometheus-redis-exporter >/dev/null || need+=(prometheus-redis-exporter)
command -v prometheus-pushgateway >/dev/null || need+=(prometheus-pushgateway)

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
otelcol="$(bash scripts/install-otel-collector.sh)"
postgres_bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"

# One `name=path` line per tool; tests/live/harness/tools.ts reads the same locations.
echo "prometheus=$(command -v prometheus)"
echo "alertmanager=${alertmanager}"
echo "statsd_exporter=${statsd_exporter}"
echo "otelcol=${otelcol}"
echo "postgres_bin=${postgres_bin}"
echo "redis_server=$(command -v redis-server)"
echo "postgres_exporter=$(command -v prometheus-postgres-exporter)"
echo "redis_exporter=$(command -v prometheus-redis-exporter)"
echo "pushgateway=$(command -v prometheus-pushgateway)"
